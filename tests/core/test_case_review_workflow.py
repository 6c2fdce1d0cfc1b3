"""The Case Review state machine: every pair of statuses, and the guards that name what is missing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import product

import pytest

from cspdesk.core.domain.case_review import ProceedGround, ThresholdDecision
from cspdesk.core.domain.case_review_workflow import (
    ALLOWED_TRANSITIONS,
    ActionPlanItem,
    AppealAgainst,
    AppealFacts,
    AppealOutcome,
    CaseReviewFacts,
    TransitionGuardFailed,
    appeal_return_status,
    available_transitions,
    check_transition,
    transition_problems,
    validate_action,
)
from cspdesk.core.domain.vocab import ActionStatus, CaseReviewStatus
from cspdesk.core.errors import TransitionRefused, ValidationError

S = CaseReviewStatus
MET = ThresholdDecision(True, date(2023, 6, 15), "Four qualifying complaints in six months.")
NOT_MET = ThresholdDecision(False, date(2023, 6, 15), "One complaint; the police attended each time.")
ACTION = ActionPlanItem("Install CCTV at the alley", "SDDC", date(2023, 8, 1))
DONE = replace(ACTION, status=ActionStatus.DONE, completed_on=date(2023, 7, 28))

BASE = CaseReviewFacts(
    received_on=date(2023, 6, 1), acknowledged_on=date(2023, 6, 5), today=date(2023, 12, 31)
)
AT_DECISION = replace(BASE, decision=MET)
AFTER_MEETING = replace(
    AT_DECISION,
    review_meeting_on=date(2023, 6, 28),
    minutes="Minutes.",
    review_decision="Agree an action plan.",
)
AFTER_OUTCOME = replace(
    AFTER_MEETING,
    outcome_sent_on=date(2023, 7, 3),
    recommendations_made=True,
    actions=(ACTION,),
    victim_consulted_on_plan=True,
)
CLOSED_AFTER_PLAN = replace(
    AFTER_OUTCOME,
    actions=(DONE,),
    closed_on=date(2023, 8, 10),
    closure_reason="All actions delivered.",
    victim_told_of_closure_on=date(2023, 8, 10),
)
NOT_MET_CLOSED = replace(
    BASE,
    decision=NOT_MET,
    decision_letter_sent_on=date(2023, 6, 16),
    closed_on=date(2023, 6, 16),
    closure_reason="Threshold not met.",
    victim_told_of_closure_on=date(2023, 6, 16),
)


def appeal(against, frm, outcome=None):
    return AppealFacts(against, date(2023, 9, 1), frm, outcome, date(2023, 9, 20) if outcome else None)


# Facts under which each allowed step may be taken.
GOOD: dict[tuple[S, S], CaseReviewFacts] = {
    (S.RECEIVED, S.ACKNOWLEDGED): BASE,
    (S.ACKNOWLEDGED, S.THRESHOLD_DECIDED): AT_DECISION,
    (S.THRESHOLD_DECIDED, S.REVIEW_MEETING): AFTER_MEETING,
    (S.THRESHOLD_DECIDED, S.CLOSED): NOT_MET_CLOSED,
    (S.THRESHOLD_DECIDED, S.APPEAL_TO_PCC): replace(
        BASE, decision=NOT_MET, appeal=appeal(AppealAgainst.THRESHOLD_DECISION, S.THRESHOLD_DECIDED)
    ),
    (S.REVIEW_MEETING, S.OUTCOME_SENT): AFTER_OUTCOME,
    (S.OUTCOME_SENT, S.ACTION_PLAN_MONITORING): AFTER_OUTCOME,
    (S.OUTCOME_SENT, S.CLOSED): replace(
        AFTER_OUTCOME,
        recommendations_made=False,
        actions=(),
        closed_on=date(2023, 7, 4),
        closure_reason="No recommendations.",
        victim_told_of_closure_on=date(2023, 7, 4),
    ),
    (S.OUTCOME_SENT, S.APPEAL_TO_PCC): replace(
        AFTER_OUTCOME, appeal=appeal(AppealAgainst.REVIEW, S.OUTCOME_SENT)
    ),
    (S.ACTION_PLAN_MONITORING, S.CLOSED): CLOSED_AFTER_PLAN,
    (S.ACTION_PLAN_MONITORING, S.APPEAL_TO_PCC): replace(
        AFTER_OUTCOME, appeal=appeal(AppealAgainst.ACTION_PLAN_DELIVERY, S.ACTION_PLAN_MONITORING)
    ),
    (S.CLOSED, S.APPEAL_TO_PCC): replace(
        NOT_MET_CLOSED, appeal=appeal(AppealAgainst.THRESHOLD_DECISION, S.CLOSED)
    ),
    (S.APPEAL_TO_PCC, S.THRESHOLD_DECIDED): replace(
        BASE,
        decision=NOT_MET,
        appeal=appeal(AppealAgainst.THRESHOLD_DECISION, S.CLOSED, AppealOutcome.UPHELD),
    ),
    (S.APPEAL_TO_PCC, S.REVIEW_MEETING): replace(
        AFTER_OUTCOME, appeal=appeal(AppealAgainst.REVIEW, S.OUTCOME_SENT, AppealOutcome.UPHELD)
    ),
    (S.APPEAL_TO_PCC, S.OUTCOME_SENT): replace(
        AFTER_OUTCOME, appeal=appeal(AppealAgainst.REVIEW, S.OUTCOME_SENT, AppealOutcome.NOT_UPHELD)
    ),
    (S.APPEAL_TO_PCC, S.ACTION_PLAN_MONITORING): replace(
        AFTER_OUTCOME,
        appeal=appeal(AppealAgainst.ACTION_PLAN_DELIVERY, S.ACTION_PLAN_MONITORING, AppealOutcome.UPHELD),
    ),
    (S.APPEAL_TO_PCC, S.CLOSED): replace(
        NOT_MET_CLOSED, appeal=appeal(AppealAgainst.THRESHOLD_DECISION, S.CLOSED, AppealOutcome.NOT_UPHELD)
    ),
}


def test_the_table_matches_domain_md():
    assert {(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets} == set(GOOD)
    assert set(ALLOWED_TRANSITIONS) == set(S)


@pytest.mark.parametrize(("current", "target"), list(product(S, S)), ids=lambda s: s.value)
def test_every_pair(current, target):
    if (current, target) in GOOD:
        check_transition(current, target, GOOD[(current, target)])
        check_transition(current.value, target.value, GOOD[(current, target)])  # plain codes work too
    else:
        with pytest.raises(TransitionRefused) as e:
            check_transition(current, target, CLOSED_AFTER_PLAN)
        assert not isinstance(e.value, ValidationError)  # not a missing field: not a step at all
        assert current.label in str(e.value)


def test_refusal_says_where_it_can_go():
    with pytest.raises(TransitionRefused) as e:
        check_transition(S.RECEIVED, S.THRESHOLD_DECIDED, AT_DECISION)
    assert str(e.value) == (
        "An application at 'Received' cannot go to 'Threshold decided'. "
        "From 'Received' it can go to: 'Acknowledged'."
    )
    with pytest.raises(TransitionRefused, match="already at"):
        check_transition(S.CLOSED, S.CLOSED, CLOSED_AFTER_PLAN)


def test_an_empty_application_can_go_nowhere_but_is_told_why():
    empty = CaseReviewFacts(received_on=date(2023, 6, 1))
    for current, target in GOOD:
        with pytest.raises(TransitionGuardFailed) as e:
            check_transition(current, target, empty)
        assert e.value.fields and all(e.value.fields.values())
        assert str(e.value).startswith(f"Cannot move from '{current.label}' to '{target.label}' yet:")


def test_guard_failure_is_both_refusal_and_validation_error():
    with pytest.raises(TransitionRefused):
        check_transition(S.RECEIVED, S.ACKNOWLEDGED, replace(BASE, acknowledged_on=None))
    with pytest.raises(ValidationError) as e:
        check_transition(S.RECEIVED, S.ACKNOWLEDGED, replace(BASE, acknowledged_on=None))
    assert set(e.value.fields) == {"acknowledged_on"}


def problems(current, target, facts):
    return transition_problems(current, target, facts)


# ----------------------------------------------------------------------------------------------
# Acknowledgement and consent
# ----------------------------------------------------------------------------------------------


def test_third_party_application_without_consent_is_refused_at_acknowledgement():
    p = problems(S.RECEIVED, S.ACKNOWLEDGED, replace(BASE, third_party=True))
    assert set(p) == {"consent_recorded_on"} and "written consent" in p["consent_recorded_on"]
    assert not problems(
        S.RECEIVED, S.ACKNOWLEDGED, replace(BASE, third_party=True, consent_recorded_on=date(2023, 6, 2))
    )
    p = problems(
        S.RECEIVED, S.ACKNOWLEDGED, replace(BASE, third_party=True, consent_recorded_on=date(2023, 6, 9))
    )
    assert "after the acknowledgement" in p["consent_recorded_on"]


def test_acknowledged_before_received_or_in_the_future():
    assert (
        "before the date it was received"
        in problems(S.RECEIVED, S.ACKNOWLEDGED, replace(BASE, acknowledged_on=date(2023, 5, 31)))[
            "acknowledged_on"
        ]
    )
    assert (
        "future"
        in problems(S.RECEIVED, S.ACKNOWLEDGED, replace(BASE, today=date(2023, 6, 4)))["acknowledged_on"]
    )


# ----------------------------------------------------------------------------------------------
# Decision, meeting, outcome, plan
# ----------------------------------------------------------------------------------------------


def test_decision_without_reasons_or_out_of_order():
    assert set(problems(S.ACKNOWLEDGED, S.THRESHOLD_DECIDED, BASE)) == {"threshold_met"}
    p = problems(
        S.ACKNOWLEDGED,
        S.THRESHOLD_DECIDED,
        replace(BASE, decision=ThresholdDecision(False, date(2023, 6, 4), "")),
    )
    assert set(p) == {"threshold_decided_on", "threshold_reasons"}


def test_review_meeting_needs_minutes_and_a_decision_and_a_date_after_the_threshold_decision():
    p = problems(
        S.THRESHOLD_DECIDED,
        S.REVIEW_MEETING,
        replace(AFTER_MEETING, minutes=" ", review_decision="", review_meeting_on=date(2023, 6, 14)),
    )
    assert set(p) == {"minutes", "decision", "review_meeting_on"}
    assert "before the threshold decision" in p["review_meeting_on"]


def test_no_review_meeting_when_not_met_and_not_proceeding():
    p = problems(S.THRESHOLD_DECIDED, S.REVIEW_MEETING, replace(AFTER_MEETING, decision=NOT_MET))
    assert set(p) == {"threshold_met"}
    proceeding = replace(
        NOT_MET,
        proceed_to_review=True,
        proceed_grounds=frozenset({ProceedGround.PERSISTENCE}),
        proceed_reasons="Behaviour over two years.",
    )
    assert not problems(S.THRESHOLD_DECIDED, S.REVIEW_MEETING, replace(AFTER_MEETING, decision=proceeding))


def test_not_met_closes_only_after_the_decision_letter_and_telling_the_victim():
    p = problems(
        S.THRESHOLD_DECIDED,
        S.CLOSED,
        replace(
            NOT_MET_CLOSED, decision_letter_sent_on=None, victim_told_of_closure_on=None, closure_reason=""
        ),
    )
    assert set(p) == {"decision_letter_sent_on", "victim_told_of_closure_on", "closure_reason"}
    assert "right of appeal" in p["decision_letter_sent_on"]
    p = problems(S.THRESHOLD_DECIDED, S.CLOSED, replace(NOT_MET_CLOSED, decision=MET))
    assert "hold the review meeting" in p["threshold_met"]


def test_outcome_needs_the_recommendations_flag_and_a_date_after_the_meeting():
    p = problems(
        S.REVIEW_MEETING,
        S.OUTCOME_SENT,
        replace(AFTER_OUTCOME, recommendations_made=None, outcome_sent_on=date(2023, 6, 27)),
    )
    assert set(p) == {"recommendations_made", "outcome_sent_on"}


def test_actions_need_an_owner_and_a_due_date():
    bad = (ActionPlanItem("Patrols", None, None), ActionPlanItem("", "Police", date(2023, 6, 1)))
    p = problems(S.OUTCOME_SENT, S.ACTION_PLAN_MONITORING, replace(AFTER_OUTCOME, actions=bad))
    assert set(p) == {
        "actions[0].owner_agency",
        "actions[0].due_on",
        "actions[1].description",
        "actions[1].due_on",
    }
    assert p["actions[0].owner_agency"] == "Action 1: give the agency that owns it."
    assert "before the review meeting" in p["actions[1].due_on"]
    with pytest.raises(ValidationError) as e:
        validate_action(ActionPlanItem("Patrols", " ", date(2023, 8, 1)), number=3)
    assert set(e.value.fields) == {"actions[2].owner_agency"}
    validate_action(ACTION)


def test_monitoring_needs_recommendations_actions_and_the_victim_consulted():
    p = problems(
        S.OUTCOME_SENT,
        S.ACTION_PLAN_MONITORING,
        replace(AFTER_OUTCOME, recommendations_made=False, actions=(), victim_consulted_on_plan=None),
    )
    assert set(p) == {"recommendations_made", "actions", "victim_consulted_on_plan"}


def test_outcome_with_recommendations_cannot_skip_monitoring():
    p = problems(S.OUTCOME_SENT, S.CLOSED, replace(CLOSED_AFTER_PLAN, actions=()))
    assert "monitor the action plan" in p["recommendations_made"]


def test_closing_the_plan_needs_every_action_finished_and_the_victim_told():
    p = problems(
        S.ACTION_PLAN_MONITORING,
        S.CLOSED,
        replace(CLOSED_AFTER_PLAN, actions=(DONE, ACTION), victim_told_of_closure_on=None),
    )
    assert set(p) == {"actions[1].status", "victim_told_of_closure_on"}
    cancelled = replace(ACTION, status=ActionStatus.CANCELLED)
    assert not problems(
        S.ACTION_PLAN_MONITORING, S.CLOSED, replace(CLOSED_AFTER_PLAN, actions=(DONE, cancelled))
    )
    p = problems(S.ACTION_PLAN_MONITORING, S.CLOSED, replace(CLOSED_AFTER_PLAN, closed_on=date(2023, 7, 27)))
    assert "before the last action-plan step" in p["closed_on"]
    undated = replace(DONE, completed_on=None)
    assert "actions[0].completed_on" in problems(
        S.ACTION_PLAN_MONITORING, S.CLOSED, replace(CLOSED_AFTER_PLAN, actions=(undated,))
    )


# ----------------------------------------------------------------------------------------------
# Appeals to the PCC
# ----------------------------------------------------------------------------------------------


def test_appeal_must_be_against_something_appealable_from_here():
    f = replace(AFTER_OUTCOME, appeal=appeal(AppealAgainst.THRESHOLD_DECISION, S.OUTCOME_SENT))
    assert "appeal.against" in problems(S.OUTCOME_SENT, S.APPEAL_TO_PCC, f)
    f = replace(AFTER_OUTCOME, appeal=None)
    assert set(problems(S.OUTCOME_SENT, S.APPEAL_TO_PCC, f)) == {"appeal"}
    f = replace(AFTER_OUTCOME, appeal=appeal(AppealAgainst.REVIEW, S.THRESHOLD_DECIDED))
    assert set(problems(S.OUTCOME_SENT, S.APPEAL_TO_PCC, f)) == {"appeal.lodged_from"}
    f = replace(
        AFTER_OUTCOME,
        appeal=replace(appeal(AppealAgainst.REVIEW, S.OUTCOME_SENT), lodged_on=date(2023, 6, 20)),
    )
    assert "before the review meeting" in problems(S.OUTCOME_SENT, S.APPEAL_TO_PCC, f)["appeal.lodged_on"]


def test_appeal_after_a_closed_review_is_against_the_review_or_its_delivery():
    f = replace(CLOSED_AFTER_PLAN, appeal=appeal(AppealAgainst.ACTION_PLAN_DELIVERY, S.CLOSED))
    assert not problems(S.CLOSED, S.APPEAL_TO_PCC, f)
    f = replace(CLOSED_AFTER_PLAN, appeal=appeal(AppealAgainst.THRESHOLD_DECISION, S.CLOSED))
    assert "appeal.against" in problems(S.CLOSED, S.APPEAL_TO_PCC, f)


def test_return_from_appeal_goes_where_the_outcome_says():
    upheld = appeal(AppealAgainst.REVIEW, S.OUTCOME_SENT, AppealOutcome.UPHELD)
    assert appeal_return_status(upheld) is S.REVIEW_MEETING
    p = problems(S.APPEAL_TO_PCC, S.OUTCOME_SENT, replace(AFTER_OUTCOME, appeal=upheld))
    assert p == {
        "appeal.outcome": "The appeal was upheld, so the application goes to 'Review meeting', "
        "not 'Outcome sent'."
    }
    undecided = appeal(AppealAgainst.REVIEW, S.OUTCOME_SENT)
    assert appeal_return_status(undecided) is None
    assert "appeal.outcome" in problems(
        S.APPEAL_TO_PCC, S.OUTCOME_SENT, replace(AFTER_OUTCOME, appeal=undecided)
    )


def test_available_transitions_for_buttons():
    assert available_transitions(S.THRESHOLD_DECIDED, AFTER_MEETING) == (S.REVIEW_MEETING,)
    assert available_transitions(S.THRESHOLD_DECIDED, NOT_MET_CLOSED) == (S.CLOSED,)
    assert available_transitions(S.RECEIVED, replace(BASE, acknowledged_on=None)) == ()
