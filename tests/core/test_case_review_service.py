"""Case Review services over a real database: evidence from incident rows, the stored clock, the steps
from receipt to closure, refusals naming the field, appeals, letters due and the letter values."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.domain.case_review import ProceedGround, ThresholdDecision
from cspdesk.core.domain.case_review_threshold import ExclusionReason
from cspdesk.core.errors import TransitionRefused, ValidationError
from cspdesk.core.services.case_review.case_review import ApplicationInput
from cspdesk.core.services.case_review.case_review_records import Step
from cspdesk.core.storage.models import AuditEntry, CaseReviewApplication, ChronologyEntry
from tests.core.case_review_examples import add_incident, case_with_enough_incidents, make_case


def apply(services, case_ids, received=date(2023, 4, 20), **kw):
    a = ApplicationInput(
        received_on=received,
        channel="email",
        applicant_name="Jean Bloor",
        applicant_kind="person",
        problem="Youths throwing stones at my windows most evenings.",
        applicant_contact="12 Alexandra Road, Swadlincote DE11 9AY",
        case_ids=tuple(case_ids),
        **kw,
    )
    return services.case_reviews.record_application(services.actor, a)


def test_qualifying_complaints_are_gathered_from_the_linked_cases_incidents(services, database):
    engine = database.engine
    case_a, jean = make_case(engine, "ASB-2023-00001", reporter="Jean Bloor")
    case_b, ravi = make_case(engine, "ASB-2023-00002", reporter="Ravi Patel")
    first = add_incident(engine, case_a, date(2023, 2, 10), date(2023, 2, 10), party_id=jean)
    # The same behaviour reported to the police too: counts once.
    add_incident(
        engine,
        case_a,
        date(2023, 2, 10),
        date(2023, 2, 11),
        party_id=jean,
        agency="POLICE",
        duplicate_of=first,
    )
    add_incident(engine, case_a, date(2023, 3, 1), date(2023, 3, 2), party_id=jean)
    add_incident(engine, case_a, date(2023, 1, 2), date(2023, 3, 1), party_id=jean)  # reported too late
    add_incident(engine, case_a, date(2022, 9, 1), date(2022, 9, 1), party_id=jean)  # before the look-back
    add_incident(engine, case_b, date(2023, 4, 2), date(2023, 4, 3), party_id=ravi)
    add_incident(engine, case_b, date(2023, 4, 5), date(2023, 4, 5), reporter_name="Mr  T. Woodward")
    add_incident(engine, case_b, date(2023, 4, 25), date(2023, 4, 25), party_id=ravi)  # after the application
    app_id = apply(services, [case_a, case_b])

    a = services.case_reviews.assessment(app_id)
    assert a.count == 4  # 10 Feb (once), 1 Mar, 2 Apr, 5 Apr
    assert a.distinct_individuals == 3  # Jean, Ravi and Mr Woodward
    assert a.threshold_met and a.limb.value == "incidents"
    assert sorted(e.reason for e in a.excluded) == sorted(
        [
            ExclusionReason.DUPLICATE,
            ExclusionReason.REPORTED_TOO_LATE,
            ExclusionReason.OUTSIDE_LOOKBACK,
            ExclusionReason.REPORTED_AFTER_APPLICATION,
        ]
    )
    dup = next(e for e in a.excluded if e.reason is ExclusionReason.DUPLICATE)
    assert dup.report.reporting_agency == "POLICE" and "ASB-2023-00001" in dup.detail
    names = {r.reporter_name for r in a.qualifying}
    assert names == {"Jean Bloor", "Ravi Patel", "Mr  T. Woodward"}


def test_five_individuals_limb_from_incident_rows(services, database):
    engine = database.engine
    case_id, _ = make_case(engine, "ASB-2023-00009")
    first = None
    for i, name in enumerate(["A Smith", "B Jones", "C Brown", "D Green", "E White"]):
        inc = add_incident(
            engine, case_id, date(2023, 3, 10), date(2023, 3, 10 + i), reporter_name=name, duplicate_of=first
        )
        first = first or inc
    a = services.case_reviews.assessment(apply(services, [case_id]))
    # Five neighbours reporting the same evening (recorded as the same incident): one qualifying
    # complaint, but five individuals reporting.
    assert a.count == 1
    assert (a.distinct_individuals, a.limb.value) == (5, "individuals")


def test_due_dates_in_working_days_are_stored_and_do_not_move_when_settings_change(services, database):
    case_id = case_with_enough_incidents(database.engine)
    # Received Monday 3 April 2023: Good Friday 7 April, Easter Monday 10 April and the early May bank
    # holiday (1 May) are skipped.
    app_id = apply(services, [case_id], received=date(2023, 4, 3))
    d = services.case_reviews.detail(app_id)
    assert [x.due_on for x in d.deadlines] == [date(2023, 4, 19), date(2023, 4, 26), date(2023, 5, 4)]
    with Session(database.engine) as s:
        row = s.get(CaseReviewApplication, app_id)
        assert (row.acknowledge_by, row.decide_by, row.review_by) == (
            date(2023, 4, 19),
            date(2023, 4, 26),
            date(2023, 5, 4),
        )
        assert row.rules["acknowledge_working_days"] == 10 and row.rules["incidents_threshold"] == 3
    services.settings.update(
        services.actor, {"case_review.acknowledge_days": 5, "case_review.incidents_threshold": 2}
    )
    d = services.case_reviews.detail(app_id)
    assert d.deadlines[0].due_on == date(2023, 4, 19) and d.rules["incidents_threshold"] == 3
    assert all(x.overdue for x in d.deadlines)  # TODAY is 2026; nothing done
    assert services.dashboard.summary().case_review_deadlines_overdue == 1


def test_an_application_from_receipt_to_closure(services, database):
    cr = services.case_reviews
    actor = services.actor
    app_id = apply(services, [case_with_enough_incidents(database.engine)])
    assert cr.detail(app_id).step(Step.ACKNOWLEDGE).enabled
    assert not cr.detail(app_id).step(Step.DECIDE).enabled
    cr.acknowledge(actor, app_id, date(2023, 4, 24))
    d = cr.detail(app_id)
    assert d.status == "acknowledged" and d.step(Step.DECIDE).enabled and not d.step(Step.ACKNOWLEDGE).enabled
    cr.decide_threshold(
        actor, app_id, ThresholdDecision(True, date(2023, 4, 28), "Four qualifying complaints.")
    )
    d = cr.detail(app_id)
    assert d.step(Step.REVIEW_MEETING).enabled
    assert not d.step(Step.CLOSE).enabled and "review" in d.step(Step.CLOSE).why_not
    cr.record_review_meeting(
        actor,
        app_id,
        held_on=date(2023, 5, 10),
        chair="Anne Hollis (independent)",
        chair_independent=True,
        bodies=["South Derbyshire District Council", "Derbyshire Constabulary"],
        victim_invited=True,
        victim_attended=True,
        minutes="Minutes of the meeting.",
        decision="Agree an action plan.",
    )
    cr.add_action(
        actor, app_id, description="Install CCTV at the alley", owner_agency="SDDC", due_on=date(2023, 6, 30)
    )
    cr.send_outcome(actor, app_id, date(2023, 5, 12), True)
    assert not cr.detail(app_id).step(Step.CLOSE).enabled
    cr.start_monitoring(actor, app_id, True)
    cr.add_victim_update(actor, app_id, updated_on=date(2023, 6, 1), method="phone", summary="CCTV ordered.")
    action = cr.detail(app_id).actions[0]
    with pytest.raises(ValidationError) as e:
        cr.close(
            actor,
            app_id,
            closed_on=date(2023, 7, 10),
            reason="Plan delivered.",
            victim_told_on=date(2023, 7, 10),
        )
    assert "actions[0].status" in e.value.fields
    cr.update_action(
        actor, action.id, progress="Camera installed.", status="done", completed_on=date(2023, 6, 28)
    )
    cr.close(
        actor, app_id, closed_on=date(2023, 7, 10), reason="Plan delivered.", victim_told_on=date(2023, 7, 10)
    )
    d = cr.detail(app_id)
    assert d.status == "closed" and d.updates[0].summary == "CCTV ordered."
    assert d.actions[0].status == "done" and d.step(Step.APPEAL).enabled
    with Session(database.engine) as s:
        audits = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == app_id)))
        letters = list(s.scalars(select(ChronologyEntry.summary).where(ChronologyEntry.kind == "letter")))
    assert audits.count("transition") == 6
    assert [x for x in letters if "due" in x] == [
        "Case Review CR-2023-001: acknowledgement letter due by 05/05/2023",
        "Case Review CR-2023-001: threshold decision letter due by 15/05/2023",
        "Case Review CR-2023-001: outcome letter (with the recommendations) due",
    ]
    v = cr.case_review_letter_values(app_id, "outcome")
    assert v["reference"] == "CR-2023-001" and v["applicant_name"] == "Jean Bloor"
    assert v["recommendations"] == [
        "Install CCTV at the alley — South Derbyshire District Council, by 30 June 2023."
    ]
    assert v["recipient_address"] == ("12 Alexandra Road", "Swadlincote DE11 9AY")
    assert v["application_date"] == date(2023, 4, 20) and v["threshold_met"] is True
    assert v["review_meeting_date"] == date(2023, 5, 10) and v["review_summary"] == "Agree an action plan."
    assert "Police and Crime Commissioner for Derbyshire" in v["appeal_route"]
    assert v["decision"] == "The threshold for an ASB Case Review is met."


def test_not_met_appeal_upheld_then_decided_again(services, database):
    cr, actor = services.case_reviews, services.actor
    app_id = apply(services, [case_with_enough_incidents(database.engine)])
    cr.acknowledge(actor, app_id, date(2023, 4, 21))
    cr.decide_threshold(
        actor, app_id, ThresholdDecision(False, date(2023, 4, 26), "Reports were of noise only.")
    )
    d = cr.detail(app_id)
    assert not d.step(Step.REVIEW_MEETING).enabled and not d.step(Step.CLOSE).enabled
    assert "decision letter" in d.step(Step.CLOSE).why_not
    cr.record_decision_letter(actor, app_id, date(2023, 4, 27))
    cr.close(
        actor,
        app_id,
        closed_on=date(2023, 4, 27),
        reason="Threshold not met.",
        victim_told_on=date(2023, 4, 27),
    )
    with pytest.raises(ValidationError) as e:
        cr.lodge_appeal(actor, app_id, against="review", lodged_on=date(2023, 5, 5))
    assert "appeal.against" in e.value.fields
    cr.lodge_appeal(
        actor, app_id, against="threshold_decision", lodged_on=date(2023, 5, 5), grounds="Ignored harm."
    )
    assert cr.detail(app_id).status == "appeal_to_pcc"
    cr.decide_appeal(
        actor, app_id, outcome="upheld", outcome_on=date(2023, 6, 1), notes="Harm not considered."
    )
    d = cr.detail(app_id)
    assert d.status == "threshold_decided" and d.step(Step.DECIDE).enabled
    cr.decide_threshold(
        actor,
        app_id,
        ThresholdDecision(
            False,
            date(2023, 6, 5),
            "Still not met on numbers.",
            True,
            frozenset({ProceedGround.HARM}),
            "Victim is vulnerable.",
        ),
    )
    d = cr.detail(app_id)
    assert d.proceed_despite_not_met and d.step(Step.REVIEW_MEETING).enabled
    assert d.appeals[0].outcome == "upheld"


def test_refusals_name_the_field(services, database):
    cr, actor = services.case_reviews, services.actor
    case_id = case_with_enough_incidents(database.engine)
    with pytest.raises(ValidationError) as e:
        apply(services, [case_id], received=date(2027, 1, 4))
    assert "received_on" in e.value.fields
    with pytest.raises(ValidationError) as e:
        apply(services, [])
    assert "case_ids" in e.value.fields
    app_id = apply(services, [case_id])
    # Dates out of order: acknowledged before it was received.
    with pytest.raises(ValidationError) as e:
        cr.acknowledge(actor, app_id, date(2023, 4, 19))
    assert "before the date it was received" in e.value.fields["acknowledged_on"]
    assert cr.detail(app_id).status == "received"  # nothing saved
    cr.acknowledge(actor, app_id, date(2023, 4, 24))
    # A decision without reasons.
    with pytest.raises(ValidationError) as e:
        cr.decide_threshold(actor, app_id, ThresholdDecision(True, date(2023, 4, 28), "  "))
    assert set(e.value.fields) == {"threshold_reasons"}
    cr.decide_threshold(actor, app_id, ThresholdDecision(True, date(2023, 4, 28), "Four complaints."))
    # A review without minutes (and dated before the decision).
    with pytest.raises(ValidationError) as e:
        cr.record_review_meeting(
            actor,
            app_id,
            held_on=date(2023, 4, 27),
            chair="",
            chair_independent=False,
            bodies=[],
            victim_invited=False,
            victim_attended=False,
            minutes="",
            decision="Plan.",
        )
    assert {"minutes", "review_meeting_on", "chair", "bodies_represented"} <= set(e.value.fields)
    with pytest.raises(TransitionRefused):
        cr.add_action(actor, app_id, description="CCTV", owner_agency="SDDC", due_on=date(2023, 6, 1))
    cr.record_review_meeting(
        actor,
        app_id,
        held_on=date(2023, 5, 3),
        chair="Cllr A",
        chair_independent=False,
        bodies=["Derbyshire Constabulary"],
        victim_invited=True,
        victim_attended=False,
        minutes="Minuted.",
        decision="Plan.",
    )
    # An action without an owner or a due date.
    with pytest.raises(ValidationError) as e:
        cr.add_action(actor, app_id, description="Install CCTV", owner_agency=None, due_on=None)
    assert set(e.value.fields) == {"owner_agency", "due_on"}
    assert "agency that owns it" in e.value.fields["owner_agency"]
    with pytest.raises(ValidationError) as e:
        cr.add_action(actor, app_id, description="Install CCTV", owner_agency="SDDC", due_on=date(2023, 5, 1))
    assert "before the review meeting" in e.value.fields["due_on"]
    with pytest.raises(ValidationError) as e:
        cr.send_outcome(actor, app_id, date(2023, 5, 4), None)
    assert "recommendations_made" in e.value.fields
    with pytest.raises(TransitionRefused):
        cr.close(actor, app_id, closed_on=date(2023, 5, 4), reason="x", victim_told_on=date(2023, 5, 4))


def test_third_party_application_needs_consent_before_acknowledgement(services, database):
    cr, actor = services.case_reviews, services.actor
    app_id = apply(
        services,
        [case_with_enough_incidents(database.engine)],
        on_behalf_of="Mrs Edna Hall",
        third_party_relationship="Ward councillor",
    )
    d = cr.detail(app_id)
    assert d.step(Step.CONSENT).enabled and not d.step(Step.ACKNOWLEDGE).enabled
    assert "consent" in d.step(Step.ACKNOWLEDGE).why_not
    with pytest.raises(ValidationError) as e:
        cr.acknowledge(actor, app_id, date(2023, 4, 24))
    assert "consent_recorded_on" in e.value.fields
    cr.record_consent(actor, app_id, date(2023, 4, 21))
    cr.acknowledge(actor, app_id, date(2023, 4, 24))
    assert cr.list_applications()[0].applicant == "Jean Bloor for Mrs Edna Hall"


def test_partner_cannot_record(services, database):
    from cspdesk.core.domain.vocab import Role
    from cspdesk.core.errors import PermissionDenied
    from cspdesk.core.services.context import Actor

    partner = Actor(services.actor.user_id, "snt", "SNT", Role.PARTNER)
    with pytest.raises(PermissionDenied):
        services.case_reviews.record_application(
            partner,
            ApplicationInput(
                date(2023, 4, 20),
                "email",
                "X",
                "person",
                "Problem",
                case_ids=(case_with_enough_incidents(database.engine),),
            ),
        )


def test_demo_data_matches_the_plans_2022_23_figures(demo_services):
    cr = demo_services.case_reviews
    f = cr.figures("2022/23")
    assert f.as_rows() == [
        ("applications", 1),
        ("threshold_not_met", 0),
        ("reviews_conducted", 1),
        ("reviews_with_recommendations", 1),
    ]
    assert cr.figures("2023/24").threshold_not_met == 1
    rows = {r.reference: r for r in cr.list_applications()}
    closed = cr.detail(rows["CR-2022-001"].id)
    assert closed.status == "closed" and len(closed.actions) == 4
    assert all(a.owner_agency and a.due_on for a in closed.actions)
    # The demo's evidence is real: the linked case's incidents meet the threshold.
    assert cr.assessment(closed.id).threshold_met
    assert cr.detail(rows["CR-2023-001"].id).appeals[0].outcome == "not_upheld"
    open_ = [r for r in rows.values() if r.status == "acknowledged"]
    assert len(open_) == 1 and open_[0].next_due_on is not None and not open_[0].overdue
    assert cr.assessment(open_[0].id).threshold_met


def test_letter_values_fill_the_letters_engines_case_review_templates(services, database):
    from cspdesk.core.reports import render_letter
    from cspdesk.core.reports.templates import default_templates
    from tests.core.letters_helpers import LETTERHEAD, all_text

    cr, actor = services.case_reviews, services.actor
    app_id = apply(services, [case_with_enough_incidents(database.engine)])
    cr.acknowledge(actor, app_id, date(2023, 4, 24))
    cr.decide_threshold(
        actor, app_id, ThresholdDecision(True, date(2023, 4, 28), "Four qualifying complaints.")
    )
    cr.record_review_meeting(
        actor,
        app_id,
        held_on=date(2023, 5, 10),
        chair="Anne Hollis",
        chair_independent=True,
        bodies=["Derbyshire Constabulary"],
        victim_invited=True,
        victim_attended=False,
        minutes="Minuted.",
        decision="Reports were not linked between agencies.",
    )
    cr.add_action(
        actor, app_id, description="Install CCTV at the alley", owner_agency="SDDC", due_on=date(2023, 6, 30)
    )
    templates = default_templates()
    for letter, code in (
        ("acknowledgement", "case_review_ack"),
        ("threshold_decision", "case_review_threshold"),
        ("outcome", "case_review_outcome"),
    ):
        values = cr.case_review_letter_values(app_id, letter)
        if letter == "acknowledgement":
            assert values["appeal_by"] is None
        else:  # the local appeal period: 20 working days from the letter (TODAY is Thursday 26 Nov 2026)
            assert values["appeal_by"] == date(2026, 12, 24)
        text = " ".join(all_text(render_letter(templates[code].body, values, LETTERHEAD)).split())
        assert "CR-2023-001" in text or letter == "outcome"
        if letter == "threshold_decision":
            assert "the threshold is met" in text and "Four qualifying complaints." in text
        if letter == "outcome":
            assert "Install CCTV at the alley — South Derbyshire District Council, by 30 June 2023." in text
            assert "Reports were not linked between agencies." in text


def test_a_step_that_loses_a_race_is_a_conflict_not_a_database_error(services, database, monkeypatch):
    """Someone else saves the application between our reading it and our writing it (two officers on a
    shared database). The step must be refused as ``ConflictError`` ("someone else saved this record"),
    with nothing of ours saved — not a raw SQLAlchemy ``StaleDataError``. Runs on SQLite and PostgreSQL.

    What it catches (checked 2026-12-06): the steps used to enter and leave their unit of work by hand
    (``uow.__exit__(None, None, None)``), which skipped the error translation in ``UnitOfWork.__exit__``:
    with that code back this test fails with ``StaleDataError``."""
    from sqlalchemy import update

    from cspdesk.core.errors import ConflictError
    from cspdesk.core.services.case_review import case_review_steps

    cr = services.case_reviews
    app_id = apply(services, [case_with_enough_incidents(database.engine)])
    version = cr.detail(app_id).version
    real_check = case_review_steps.check_version

    def check_then_someone_else_saves(app, expected):
        real_check(app, expected)  # our copy is current when we look...
        with Session(database.engine) as other:  # ...then another officer's save lands first
            other.execute(
                update(CaseReviewApplication)
                .where(CaseReviewApplication.id == app_id)
                .values(version=CaseReviewApplication.version + 1)
            )
            other.commit()

    monkeypatch.setattr(case_review_steps, "check_version", check_then_someone_else_saves)
    with pytest.raises(ConflictError, match="Someone else saved"):
        cr.acknowledge(services.actor, app_id, date(2023, 4, 24), version=version)
    monkeypatch.undo()
    d = cr.detail(app_id)
    assert d.status == "received" and d.version == version + 1  # theirs kept, ours not half-saved
