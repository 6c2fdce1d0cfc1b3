"""The Case Review state machine (DOMAIN.md s.4) and the guards on each step.

received -> acknowledged -> threshold_decided -> review_meeting -> outcome_sent -> action_plan_monitoring
-> closed. A "not met" decision with no review on other grounds closes from threshold_decided, once the
decision letter (reasons and the right of appeal) has gone. outcome_sent closes directly only when the
review made no recommendations. An appeal to the Police and Crime Commissioner (the Derbyshire route,
Sch.4 para 8 "review procedures") may be lodged against the threshold decision, the review, or the
delivery of the action plan - so from threshold_decided, outcome_sent, action_plan_monitoring, and from
closed (an appeal usually arrives after the letter that closed the matter). From appeal_to_pcc the
application returns to where it was if the appeal is not upheld, or to the stage appealed against if it
is upheld (threshold_decided to decide again; review_meeting to review again; action_plan_monitoring).

The guards make the Ombudsman's recurring findings impossible to miss: no decision without reasons, no
review meeting without minutes and a decision, no action without an owner and a due date, no closure
without recording when and why the victim was told, no outcome without saying whether recommendations
were made, no third-party application acknowledged without the victim's consent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cspdesk.core.domain.case_review import ThresholdDecision, format_date, threshold_decision_problems
from cspdesk.core.domain.vocab import ActionStatus, CaseReviewStatus
from cspdesk.core.errors import TransitionRefused, ValidationError

S = CaseReviewStatus


class TransitionGuardFailed(ValidationError, TransitionRefused):
    """A step that exists in the process but cannot be taken yet. ``fields`` says what is missing.

    Both a ``TransitionRefused`` (the step is refused) and a ``ValidationError`` (field messages).
    """


class AppealAgainst(StrEnum):
    THRESHOLD_DECISION = "threshold_decision"
    REVIEW = "review"  # the review and its action plan
    ACTION_PLAN_DELIVERY = "action_plan_delivery"


class AppealOutcome(StrEnum):
    UPHELD = "upheld"
    NOT_UPHELD = "not_upheld"


@dataclass(frozen=True)
class AppealFacts:
    against: AppealAgainst | None
    lodged_on: date | None
    lodged_from: CaseReviewStatus | None  # the status the application was in when the appeal was lodged
    outcome: AppealOutcome | None = None
    outcome_on: date | None = None


@dataclass(frozen=True)
class ActionPlanItem:
    description: str
    owner_agency: str | None
    due_on: date | None
    status: ActionStatus = ActionStatus.OPEN
    completed_on: date | None = None


@dataclass(frozen=True)
class CaseReviewFacts:
    """What is recorded on an application, as the guards need it. ``today`` enables future-date checks."""

    received_on: date
    third_party: bool = False
    consent_recorded_on: date | None = None
    acknowledged_on: date | None = None
    decision: ThresholdDecision | None = None
    decision_letter_sent_on: date | None = None
    review_meeting_on: date | None = None
    minutes: str = ""
    review_decision: str = ""
    recommendations_made: bool | None = None
    outcome_sent_on: date | None = None
    actions: tuple[ActionPlanItem, ...] = ()
    victim_consulted_on_plan: bool | None = None
    closed_on: date | None = None
    closure_reason: str = ""
    victim_told_of_closure_on: date | None = None
    appeal: AppealFacts | None = None
    today: date | None = None


ALLOWED_TRANSITIONS: Mapping[CaseReviewStatus, frozenset[CaseReviewStatus]] = {
    S.RECEIVED: frozenset({S.ACKNOWLEDGED}),
    S.ACKNOWLEDGED: frozenset({S.THRESHOLD_DECIDED}),
    S.THRESHOLD_DECIDED: frozenset({S.REVIEW_MEETING, S.CLOSED, S.APPEAL_TO_PCC}),
    S.REVIEW_MEETING: frozenset({S.OUTCOME_SENT}),
    S.OUTCOME_SENT: frozenset({S.ACTION_PLAN_MONITORING, S.CLOSED, S.APPEAL_TO_PCC}),
    S.ACTION_PLAN_MONITORING: frozenset({S.CLOSED, S.APPEAL_TO_PCC}),
    S.CLOSED: frozenset({S.APPEAL_TO_PCC}),
    S.APPEAL_TO_PCC: frozenset(
        {S.THRESHOLD_DECIDED, S.REVIEW_MEETING, S.OUTCOME_SENT, S.ACTION_PLAN_MONITORING, S.CLOSED}
    ),
}

# Where an upheld appeal sends the application: back to the stage appealed against, to be done again.
_UPHELD_RETURNS_TO: Mapping[AppealAgainst, CaseReviewStatus] = {
    AppealAgainst.THRESHOLD_DECISION: S.THRESHOLD_DECIDED,
    AppealAgainst.REVIEW: S.REVIEW_MEETING,
    AppealAgainst.ACTION_PLAN_DELIVERY: S.ACTION_PLAN_MONITORING,
}


def allowed_targets(current: CaseReviewStatus | str) -> frozenset[CaseReviewStatus]:
    return ALLOWED_TRANSITIONS[S(current)]


def _refusal(current: CaseReviewStatus, target: CaseReviewStatus) -> str:
    if current == target:
        return f"The application is already at '{current.label}'."
    nexts = sorted(ALLOWED_TRANSITIONS[current], key=list(S).index)
    options = ", ".join(f"'{s.label}'" for s in nexts)
    return (
        f"An application at '{current.label}' cannot go to '{target.label}'. "
        f"From '{current.label}' it can go to: {options}."
    )


def transition_problems(
    current: CaseReviewStatus | str, target: CaseReviewStatus | str, facts: CaseReviewFacts
) -> dict[str, str]:
    """Field messages that stop ``current -> target``; empty when it may go ahead.

    Raises ``TransitionRefused`` if the step is not in the process at all.
    """
    current, target = S(current), S(target)
    if target not in ALLOWED_TRANSITIONS[current]:
        raise TransitionRefused(_refusal(current, target))
    if target is S.ACKNOWLEDGED:
        return _acknowledge(facts)
    if target is S.APPEAL_TO_PCC:
        return _lodge_appeal(current, facts)
    if current is S.APPEAL_TO_PCC:
        return _return_from_appeal(target, facts)
    if target is S.THRESHOLD_DECIDED:
        return _decide(facts)
    if target is S.REVIEW_MEETING:
        return _review_meeting(facts)
    if target is S.OUTCOME_SENT:
        return _outcome(facts)
    if target is S.ACTION_PLAN_MONITORING:
        return _monitoring(facts)
    return _close(current, facts)


def check_transition(
    current: CaseReviewStatus | str, target: CaseReviewStatus | str, facts: CaseReviewFacts
) -> None:
    """Refuse ``current -> target`` saying why: ``TransitionRefused`` if it is not a step in the process,
    ``TransitionGuardFailed`` (also a ``ValidationError``, with field messages) if something is missing."""
    problems = transition_problems(current, target, facts)
    if problems:
        current, target = S(current), S(target)
        raise TransitionGuardFailed(
            problems,
            f"Cannot move from '{current.label}' to '{target.label}' yet: " + " ".join(problems.values()),
        )


def available_transitions(
    current: CaseReviewStatus | str, facts: CaseReviewFacts
) -> tuple[CaseReviewStatus, ...]:
    """The steps that can be taken now, in process order (for enabling buttons)."""
    return tuple(
        t
        for t in sorted(ALLOWED_TRANSITIONS[S(current)], key=list(S).index)
        if not transition_problems(current, t, facts)
    )


# --------------------------------------------------------------------------------------------
# Guards
# --------------------------------------------------------------------------------------------


def _date_required(
    p: dict[str, str],
    name: str,
    value: date | None,
    what: str,
    facts: CaseReviewFacts,
    not_before: tuple[date | None, str] | None = None,
) -> None:
    """``value`` must be given, not before ``not_before`` (a date and what it is) and not in the future."""
    if value is None:
        p[name] = f"Record the date {what}."
    elif not_before is not None and not_before[0] is not None and value < not_before[0]:
        p[name] = (
            f"The date {what} ({format_date(value)}) is before {not_before[1]} "
            f"({format_date(not_before[0])})."
        )
    elif facts.today is not None and value > facts.today:
        p[name] = f"The date {what} ({format_date(value)}) cannot be in the future."


def _acknowledge(f: CaseReviewFacts) -> dict[str, str]:
    p: dict[str, str] = {}
    _date_required(
        p,
        "acknowledged_on",
        f.acknowledged_on,
        "the application was acknowledged",
        f,
        (f.received_on, "the date it was received"),
    )
    if f.third_party:
        if f.consent_recorded_on is None:
            p["consent_recorded_on"] = (
                "This application is made on the victim's behalf: record the date of "
                "the victim's written consent before acknowledging it."
            )
        elif f.acknowledged_on is not None and f.consent_recorded_on > f.acknowledged_on:
            p["consent_recorded_on"] = (
                "The victim's consent is dated after the acknowledgement: consent must "
                "be in place before the application is acknowledged."
            )
    return p


def _decide(f: CaseReviewFacts) -> dict[str, str]:
    if f.decision is None:
        return {"threshold_met": "Record whether the threshold is met, with the reasons."}
    return threshold_decision_problems(f.decision, f.received_on, f.acknowledged_on, f.today)


def _review_meeting(f: CaseReviewFacts) -> dict[str, str]:
    p: dict[str, str] = {}
    if f.decision is None or not f.decision.review_goes_ahead:
        p["threshold_met"] = (
            "The threshold was decided not met and no review on other grounds was agreed: "
            "there is no review to hold. Send the decision letter and close, or record a "
            "new decision."
        )
    _date_required(
        p,
        "review_meeting_on",
        f.review_meeting_on,
        "of the review meeting",
        f,
        (f.decision.decided_on if f.decision else None, "the threshold decision"),
    )
    if not f.minutes.strip():
        p["minutes"] = "Record the minutes of the review meeting."
    if not f.review_decision.strip():
        p["decision"] = "Record what the review meeting decided."
    return p


def action_problems(
    action: ActionPlanItem, number: int = 1, not_before: date | None = None
) -> dict[str, str]:
    """Field messages for one action-plan action (``number`` counts from 1 in messages and keys)."""
    key, name = f"actions[{number - 1}]", f"Action {number}"
    p: dict[str, str] = {}
    if not action.description.strip():
        p[f"{key}.description"] = f"{name}: say what is to be done."
    if not (action.owner_agency or "").strip():
        p[f"{key}.owner_agency"] = f"{name}: give the agency that owns it."
    if action.due_on is None:
        p[f"{key}.due_on"] = f"{name}: give a due date."
    elif not_before is not None and action.due_on < not_before:
        p[f"{key}.due_on"] = (
            f"{name}: the due date ({format_date(action.due_on)}) is before the review "
            f"meeting ({format_date(not_before)})."
        )
    if action.status is ActionStatus.DONE and action.completed_on is None:
        p[f"{key}.completed_on"] = f"{name}: record the date it was completed."
    elif action.completed_on is not None and not_before is not None and action.completed_on < not_before:
        p[f"{key}.completed_on"] = f"{name}: the completion date is before the review meeting."
    return p


def validate_action(action: ActionPlanItem, number: int = 1, not_before: date | None = None) -> None:
    problems = action_problems(action, number, not_before)
    if problems:
        raise ValidationError(problems)


def _actions(f: CaseReviewFacts) -> dict[str, str]:
    p: dict[str, str] = {}
    for i, a in enumerate(f.actions, start=1):
        p.update(action_problems(a, i, f.review_meeting_on))
    return p


def _outcome(f: CaseReviewFacts) -> dict[str, str]:
    p: dict[str, str] = {}
    _date_required(
        p,
        "outcome_sent_on",
        f.outcome_sent_on,
        "the outcome was sent",
        f,
        (f.review_meeting_on, "the review meeting"),
    )
    if f.recommendations_made is None:
        p["recommendations_made"] = "Record whether the review made recommendations."
    p.update(_actions(f))
    return p


def _monitoring(f: CaseReviewFacts) -> dict[str, str]:
    p: dict[str, str] = {}
    if not f.recommendations_made:
        p["recommendations_made"] = (
            "The review made no recommendations, so there is no action plan to "
            "monitor: close the application instead."
        )
    if not f.actions:
        p["actions"] = "Add the actions of the plan, each with an owner agency and a due date."
    p.update(_actions(f))
    if f.victim_consulted_on_plan is None:
        p["victim_consulted_on_plan"] = "Record whether the victim was consulted on the action plan."
    return p


def _close(current: CaseReviewStatus, f: CaseReviewFacts) -> dict[str, str]:
    p: dict[str, str] = {}
    last_step: tuple[date | None, str]
    if current is S.THRESHOLD_DECIDED:
        if f.decision is not None and f.decision.review_goes_ahead:
            p["threshold_met"] = "A review is going ahead: hold the review meeting before closing."
        _date_required(
            p,
            "decision_letter_sent_on",
            f.decision_letter_sent_on,
            "the threshold decision letter (with the reasons and the right of appeal) was sent",
            f,
            (f.decision.decided_on if f.decision else None, "the threshold decision"),
        )
        last_step = (f.decision_letter_sent_on, "the decision letter")
    elif current is S.OUTCOME_SENT:
        if f.recommendations_made:
            p["recommendations_made"] = (
                "The review made recommendations: monitor the action plan until it is "
                "delivered before closing."
            )
        last_step = (f.outcome_sent_on, "the outcome letter")
    else:  # action plan monitoring
        for i, a in enumerate(f.actions, start=1):
            if a.status is ActionStatus.OPEN:
                p[f"actions[{i - 1}].status"] = (
                    f"Action {i} is still open: complete or cancel it before closing."
                )
        p.update(_actions(f))
        done = [a.completed_on for a in f.actions if a.completed_on is not None]
        last_step = (max(done, default=f.outcome_sent_on), "the last action-plan step")
    _date_required(p, "closed_on", f.closed_on, "the application was closed", f, last_step)
    if not f.closure_reason.strip():
        p["closure_reason"] = "Record why the application is being closed."
    _date_required(
        p,
        "victim_told_of_closure_on",
        f.victim_told_of_closure_on,
        "the victim was told that it is closing, and why",
        f,
        last_step,
    )
    return p


def _appeal_grounds_for(current: CaseReviewStatus, f: CaseReviewFacts) -> frozenset[AppealAgainst]:
    A = AppealAgainst
    if current is S.THRESHOLD_DECIDED:
        return frozenset({A.THRESHOLD_DECISION})
    if current is S.OUTCOME_SENT:
        return frozenset({A.REVIEW})
    if current is S.ACTION_PLAN_MONITORING:
        return frozenset({A.REVIEW, A.ACTION_PLAN_DELIVERY})
    # closed: what can be appealed depends on how far the application got
    if f.review_meeting_on is None:
        return frozenset({A.THRESHOLD_DECISION})
    return frozenset({A.REVIEW, A.ACTION_PLAN_DELIVERY}) if f.actions else frozenset({A.REVIEW})


def _lodge_appeal(current: CaseReviewStatus, f: CaseReviewFacts) -> dict[str, str]:
    a = f.appeal
    if a is None:
        return {
            "appeal": "Record the appeal to the Police and Crime Commissioner: what it is against and the "
            "date it was lodged."
        }
    p: dict[str, str] = {}
    allowed = _appeal_grounds_for(current, f)
    if a.against is None:
        p["appeal.against"] = "Record what the appeal is against."
    elif a.against not in allowed:
        options = " or ".join(sorted(x.value.replace("_", " ") for x in allowed))
        p["appeal.against"] = (
            f"At '{current.label}' an appeal can only be against the {options}, not the "
            f"{a.against.value.replace('_', ' ')}."
        )
    if a.lodged_from is None or S(a.lodged_from) is not current:
        p["appeal.lodged_from"] = f"The appeal must record that it was lodged at '{current.label}'."
    appealed_on = {
        AppealAgainst.THRESHOLD_DECISION: (
            f.decision.decided_on if f.decision else None,
            "the threshold decision",
        ),
        AppealAgainst.REVIEW: (f.review_meeting_on, "the review meeting"),
        AppealAgainst.ACTION_PLAN_DELIVERY: (f.outcome_sent_on, "the outcome letter"),
    }
    _date_required(
        p,
        "appeal.lodged_on",
        a.lodged_on,
        "the appeal was lodged",
        f,
        appealed_on.get(a.against) if a.against else (f.received_on, "the application"),
    )
    if a.outcome is not None or a.outcome_on is not None:
        p["appeal.outcome"] = "A new appeal cannot already have an outcome."
    return p


def appeal_return_status(appeal: AppealFacts) -> CaseReviewStatus | None:
    """Where the application goes once the PCC has decided; None while undecided."""
    if appeal.outcome is None or appeal.against is None or appeal.lodged_from is None:
        return None
    if appeal.outcome is AppealOutcome.UPHELD:
        return _UPHELD_RETURNS_TO[appeal.against]
    return S(appeal.lodged_from)


def _return_from_appeal(target: CaseReviewStatus, f: CaseReviewFacts) -> dict[str, str]:
    a = f.appeal
    if a is None:
        return {"appeal": "There is no appeal recorded on this application."}
    p: dict[str, str] = {}
    if a.against is None or a.lodged_from is None:
        p["appeal.lodged_from"] = "The appeal does not record what it was against and where it was lodged."
    if a.outcome is None:
        p["appeal.outcome"] = "Record the Police and Crime Commissioner's decision on the appeal."
    _date_required(
        p,
        "appeal.outcome_on",
        a.outcome_on,
        "of the PCC's decision",
        f,
        (a.lodged_on, "the date the appeal was lodged"),
    )
    expected = appeal_return_status(a)
    if expected is not None and expected is not target:
        why = "upheld" if a.outcome is AppealOutcome.UPHELD else "not upheld"
        p["appeal.outcome"] = (
            f"The appeal was {why}, so the application goes to '{expected.label}', not '{target.label}'."
        )
    return p
