"""The enforcement services: starting steps, guards and overrides, dates, and what each step records."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.errors import PermissionDenied, TransitionRefused, ValidationError
from cspdesk.core.services.enforcement.enforcement_dto import GuardsFailed, InformedInput, RequirementInput
from cspdesk.core.storage.models import AuditEntry, ChronologyEntry, EnforcementNotice, NoticeEvent
from tests.enforcement_world import TODAY, make_world, step

D = date
JAN5, FEB2, APR10 = D(2026, 1, 5), D(2026, 2, 2), D(2026, 4, 10)


@pytest.fixture
def world(services):
    return make_world(services)


def row(services, notice_id) -> EnforcementNotice:
    with Session(services.database.engine) as s:
        return s.get(EnforcementNotice, notice_id)


def events(services, notice_id) -> list[NoticeEvent]:
    with Session(services.database.engine) as s:
        return list(
            s.scalars(
                select(NoticeEvent)
                .where(NoticeEvent.notice_id == notice_id)
                .order_by(NoticeEvent.occurred_on, NoticeEvent.created_at)
            )
        )


def cpw(services, w, on=JAN5, party=None, actor=None):
    return services.enforcement.start_step(actor or w.officer, step(w, "cpw", on, party))


def cpn(services, w, on=FEB2, warning=None, actor=None, **kw):
    return services.enforcement.start_step(actor or w.officer, step(w, "cpn", on, parent_id=warning, **kw))


def active_cpn(services, w):
    """CPW 5 Jan, CPN 2 Feb, appeal window closes 22 Feb; active from 23 Feb."""
    warning = cpw(services, w)
    notice = cpn(services, w, warning=warning.notice_id)
    services.enforcement.transition(w.officer, notice.notice_id, "active", D(2026, 2, 23))
    return warning, notice


# --- starting a step ----------------------------------------------------------------------------------


def test_cpw_gets_its_dates_history_chronology_and_a_document_due(services, world):
    started = cpw(services, world)
    n = row(services, started.notice_id)
    assert (n.stage, n.issued_on, n.comply_by, n.lapses_on) == (
        "issued",
        D(2026, 1, 5),
        D(2026, 1, 19),
        D(2026, 7, 5),
    )
    assert n.reference == "CPW-2026-0001" and n.document_due
    assert (n.next_due_on, n.next_due_what) == (
        D(2026, 1, 19),
        "CPW comply-by date: record compliance or breach",
    )
    assert n.rules["cpw_comply_days"] == 14
    assert [(e.from_stage, e.to_stage, e.officer) for e in events(services, n.id)] == [
        (None, "draft", "Dean Slater"),
        ("draft", "issued", "Dean Slater"),
    ]
    with Session(services.database.engine) as s:
        chron = s.scalars(select(ChronologyEntry).where(ChronologyEntry.case_id == world.case_id)).all()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == n.id)).all()
    assert [c.kind for c in chron] == ["notice"] and "issued to Kyle Ashby" in chron[0].summary
    assert {a.action for a in audit} == {"create", "transition"}


def test_partner_cannot_start_a_step(services, world):
    with pytest.raises(PermissionDenied):
        cpw(services, world, actor=world.partner)


def test_step_only_against_a_perpetrator_of_that_case(services, world):
    with pytest.raises(ValidationError, match="perpetrator") as exc:
        services.enforcement.start_step(
            world.officer, step(world, "warning_letter", D(2026, 1, 5), party=world.complainant)
        )
    assert "party" in exc.value.fields
    req = step(world, "warning_letter", D(2026, 1, 5), party=world.stranger).with_(case_id=world.case_id)
    with pytest.raises(ValidationError, match="person on this case"):
        services.enforcement.start_step(world.officer, req)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"conduct": " "}, "conduct"),
        ({"detrimental_effect": ""}, "detrimental_effect"),
        ({"requirements": ()}, "requirements"),
        ({"issued_on": TODAY + timedelta(days=1)}, "issued_on"),
        ({"served_on": TODAY + timedelta(days=1)}, "served_on"),
    ],
)
def test_missing_or_impossible_facts_are_refused_by_field(services, world, changes, field):
    with pytest.raises(ValidationError) as exc:
        services.enforcement.start_step(world.officer, step(world, "cpw", D(2026, 1, 5)).with_(**changes))
    assert field in exc.value.fields


def test_service_before_issue_is_refused(services, world):
    with pytest.raises(GuardsFailed) as exc:
        services.enforcement.start_step(
            world.officer, step(world, "cpw", D(2026, 1, 5), served_on=D(2026, 1, 4))
        )
    assert exc.value.codes == ["served_before_issue"] and not exc.value.overridable
    assert "served_on" in exc.value.fields


def test_a_draft_has_no_dates_until_issued(services, world):
    draft = services.enforcement.start_step(world.officer, step(world, "cpw", None, served_on=None))
    n = row(services, draft.notice_id)
    assert (n.stage, n.issued_on, n.comply_by, n.next_due_on) == ("draft", None, None, None)
    services.enforcement.transition(
        world.officer, draft.notice_id, "issued", D(2026, 3, 2), served_on=D(2026, 3, 3)
    )
    n = row(services, draft.notice_id)
    assert (n.stage, n.comply_by, n.served_on) == ("issued", D(2026, 3, 16), D(2026, 3, 3))


# --- guards: age ------------------------------------------------------------------------------------


def test_no_cpw_to_a_person_under_16_even_by_an_administrator(services, world):
    with pytest.raises(GuardsFailed, match="14 on 05/01/2026") as exc:
        cpw(services, world, party=world.teen)
    assert exc.value.codes == ["under_minimum_age"] and not exc.value.overridable
    with pytest.raises(TransitionRefused, match="cannot be overridden"):
        services.enforcement.start_step(
            world.admin, step(world, "cpw", D(2026, 1, 5), world.teen), override_reason="He looks older"
        )


def test_the_same_teenager_can_have_a_warning_letter_or_an_abc(services, world):
    for kind in ("warning_letter", "abc"):
        started = services.enforcement.start_step(world.officer, step(world, kind, D(2026, 1, 5), world.teen))
        assert started.stage == "issued"


def test_age_is_taken_on_the_date_of_issue(services, world):
    # Tyler Moss is born 1 June 2011: 16 on 1 June 2027, so not yet; a body has no age.
    assert cpw(services, world, party=world.body).stage == "issued"


def test_unknown_date_of_birth_needs_an_administrators_recorded_reason(services, world):
    req = step(world, "cpw", D(2026, 1, 5), world.no_dob)
    with pytest.raises(GuardsFailed) as exc:
        services.enforcement.start_step(world.officer, req)
    assert exc.value.codes == ["date_of_birth_unknown"] and exc.value.overridable
    with pytest.raises(TransitionRefused, match="Only an administrator"):
        services.enforcement.start_step(world.officer, req, override_reason="Known adult")
    started = services.enforcement.start_step(world.admin, req, override_reason="Police confirm he is 34")
    issued = [e for e in events(services, started.notice_id) if e.to_stage == "issued"][0]
    assert issued.override_reason == "Police confirm he is 34"
    assert issued.details["overridden"] == ["date_of_birth_unknown"]
    with Session(services.database.engine) as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "override")).one()
    assert audit.details["reason"] == "Police confirm he is 34" and audit.username == "admin.user"


# --- guards: a CPN needs a CPW whose comply-by has passed, and who was informed ------------------------


def test_cpn_without_a_warning_is_refused_and_cannot_be_overridden(services, world):
    with pytest.raises(GuardsFailed, match="written warning") as exc:
        cpn(services, world)
    assert exc.value.codes == ["no_warning"] and not exc.value.overridable


def test_cpn_before_comply_by_is_refused_unless_an_administrator_overrides(services, world):
    warning = cpw(services, world, on=D(2026, 1, 5))
    with pytest.raises(GuardsFailed, match="19/01/2026") as exc:
        cpn(services, world, on=D(2026, 1, 19), warning=warning.notice_id)
    assert exc.value.codes == ["comply_by_not_passed"] and exc.value.overridable
    started = services.enforcement.start_step(
        world.admin,
        step(world, "cpn", D(2026, 1, 19), parent_id=warning.notice_id),
        override_reason="Serious escalation on 18 January",
    )
    assert started.stage == "issued"


def test_cpn_follows_the_warning_to_the_same_person_found_without_picking_it(services, world):
    warning = cpw(services, world)
    started = cpn(services, world)  # no parent given: the latest warning to Kyle is used
    n = row(services, started.notice_id)
    assert n.parent_id == warning.notice_id
    assert (n.appeal_by, n.review_on) == (D(2026, 2, 22), D(2027, 2, 2))
    w = row(services, warning.notice_id)
    assert w.stage == "escalated" and w.next_due_on is None
    assert [e.to_stage for e in events(services, warning.notice_id)][-2:] == ["breached", "escalated"]


def test_a_warning_on_another_case_to_the_same_person_counts(services, world):
    warning = cpw(services, world, party=world.adult_on_other_case)
    assert row(services, cpn(services, world).notice_id).parent_id == warning.notice_id


def test_a_warning_to_someone_else_does_not(services, world):
    other = cpw(services, world, party=world.stranger)
    with pytest.raises(GuardsFailed, match="someone else") as exc:
        cpn(services, world, warning=other.notice_id)
    assert exc.value.codes == ["warning_other_person"]


def test_cpn_needs_who_was_informed_first(services, world):
    warning = cpw(services, world)
    with pytest.raises(GuardsFailed, match="s.43") as exc:
        cpn(services, world, warning=warning.notice_id, informed=())
    assert exc.value.codes == ["informed_not_recorded"] and exc.value.overridable
    with pytest.raises(GuardsFailed, match="after the CPN") as exc:
        cpn(services, world, warning=warning.notice_id, informed=(InformedInput("Housing", D(2026, 2, 3)),))
    assert not exc.value.overridable


def test_cpn_to_a_lapsed_warning_needs_an_override(services, world):
    warning = cpw(services, world, on=D(2025, 3, 3))
    with pytest.raises(GuardsFailed) as exc:
        cpn(services, world, warning=warning.notice_id)
    assert exc.value.codes == ["warning_lapsed"]


# --- guards: an FPN only after a recorded breach of an active CPN, within the cap -----------------------


def fpn_request(w, parent, on=APR10, **kw):
    return step(w, "fpn", on, parent_id=parent, requirements=(), **kw)


def test_fpn_only_after_a_recorded_breach(services, world):
    _, notice = active_cpn(services, world)
    with pytest.raises(GuardsFailed, match="Record the breach first") as exc:
        services.enforcement.start_step(world.officer, fpn_request(world, notice.notice_id))
    assert exc.value.codes == ["cpn_not_breached"] and not exc.value.overridable
    with pytest.raises(GuardsFailed, match="link the CPN"):
        services.enforcement.start_step(world.officer, fpn_request(world, None))


def test_fpn_amount_within_the_cap_and_its_dates(services, world):
    _, notice = active_cpn(services, world)
    services.enforcement.record_breach(
        world.officer,
        notice.notice_id,
        D(2026, 4, 1),
        description="Music at 2am",
        incident_ids=[world.incident],
    )
    with pytest.raises(GuardsFailed, match="£100.00") as exc:
        services.enforcement.start_step(
            world.officer, fpn_request(world, notice.notice_id, amount_pence=15000)
        )
    assert exc.value.codes == ["amount_over_cap"] and not exc.value.overridable
    with pytest.raises(TransitionRefused, match="cannot be overridden"):
        services.enforcement.start_step(
            world.admin,
            fpn_request(world, notice.notice_id, amount_pence=15000),
            override_reason="Repeat offender",
        )
    with pytest.raises(GuardsFailed, match="before the breach"):
        services.enforcement.start_step(
            world.officer, fpn_request(world, notice.notice_id, on=D(2026, 3, 31))
        )
    fpn = services.enforcement.start_step(world.officer, fpn_request(world, notice.notice_id))
    f = row(services, fpn.notice_id)
    assert (f.amount_pence, f.discount_amount_pence) == (10000, 7500)
    assert (f.pay_by, f.discount_by, f.earliest_prosecution_on) == (
        D(2026, 4, 24),
        D(2026, 4, 20),
        D(2026, 4, 25),
    )
    assert row(services, notice.notice_id).stage == "fpn_issued"
    breach = [e for e in events(services, notice.notice_id) if e.to_stage == "breached"][0]
    assert breach.details == {"incident_ids": [str(world.incident)]} and breach.reason == "Music at 2am"


def test_breach_evidence_must_be_on_the_case(services, world):
    _, notice = active_cpn(services, world)
    with pytest.raises(ValidationError, match="this notice's case"):
        services.enforcement.record_breach(
            world.officer, notice.notice_id, D(2026, 4, 1), incident_ids=[world.other_incident]
        )


def test_the_cap_is_a_setting(services, world):
    services.settings.update(world.admin, {"enforcement.fpn_max_pence": 50000})
    _, notice = active_cpn(services, world)
    services.enforcement.record_breach(world.officer, notice.notice_id, D(2026, 4, 1))
    fpn = services.enforcement.start_step(
        world.officer, fpn_request(world, notice.notice_id, amount_pence=25000)
    )
    assert row(services, fpn.notice_id).amount_pence == 25000


# --- payment, appeals and dates -----------------------------------------------------------------------


@pytest.fixture
def fpn(services, world):
    _, notice = active_cpn(services, world)
    services.enforcement.record_breach(world.officer, notice.notice_id, D(2026, 4, 1))
    return notice.notice_id, services.enforcement.start_step(
        world.officer, fpn_request(world, notice.notice_id)
    ).notice_id


def test_early_payment_discharges_at_the_lower_amount_and_the_cpn_follows(services, world, fpn):
    cpn_id, fpn_id = fpn
    with pytest.raises(ValidationError, match="£75.00"):
        services.enforcement.record_payment(world.officer, fpn_id, D(2026, 4, 15), amount_pence=5000)
    services.enforcement.record_payment(world.officer, fpn_id, D(2026, 4, 15))
    f = row(services, fpn_id)
    assert (f.stage, f.paid_on, f.next_due_on) == ("paid", D(2026, 4, 15), None)
    assert events(services, fpn_id)[-1].details == {"amount_paid_pence": 7500}
    assert row(services, cpn_id).stage == "paid"
    services.enforcement.transition(world.officer, cpn_id, "active", D(2026, 4, 16))
    assert row(services, cpn_id).stage == "active"


def test_payment_before_the_notice_is_refused_and_late_payment_needs_an_administrator(services, world, fpn):
    _, fpn_id = fpn
    with pytest.raises(TransitionRefused, match="before the FPN was issued"):
        services.enforcement.record_payment(world.admin, fpn_id, D(2026, 4, 9), override_reason="x")
    with pytest.raises(GuardsFailed, match="no longer discharges") as exc:
        services.enforcement.record_payment(world.officer, fpn_id, D(2026, 4, 30))
    assert exc.value.overridable
    services.enforcement.record_payment(world.admin, fpn_id, D(2026, 4, 30), override_reason="Posted on time")
    assert row(services, fpn_id).stage == "paid"


def test_unpaid_then_prosecution_then_outcome_moves_the_cpn_too(services, world, fpn):
    cpn_id, fpn_id = fpn
    with pytest.raises(TransitionRefused, match="24/04/2026"):
        services.enforcement.transition(world.officer, fpn_id, "unpaid", D(2026, 4, 24))
    services.enforcement.transition(world.officer, fpn_id, "unpaid", D(2026, 4, 25))
    assert row(services, fpn_id).next_due_what.startswith("Earliest prosecution")
    services.enforcement.transition(world.officer, fpn_id, "prosecution", D(2026, 4, 27))
    with pytest.raises(ValidationError, match="court decided"):
        services.enforcement.transition(world.officer, fpn_id, "outcome", D(2026, 6, 1))
    services.enforcement.transition(world.officer, fpn_id, "outcome", D(2026, 6, 1), outcome="Fined £400")
    assert row(services, fpn_id).outcome == "Fined £400"
    assert [e.to_stage for e in events(services, cpn_id)][-4:] == [
        "fpn_issued",
        "unpaid",
        "prosecution",
        "outcome",
    ]


@pytest.mark.parametrize("fpn_stage", ["issued", "unpaid", "prosecution"])
def test_a_withdrawn_fpn_takes_its_cpn_back_to_breached_so_the_breach_can_be_dealt_with_again(
    services, world, fpn, fpn_stage
):
    cpn_id, fpn_id = fpn
    if fpn_stage in ("unpaid", "prosecution"):
        services.enforcement.transition(world.officer, fpn_id, "unpaid", D(2026, 4, 25))
    if fpn_stage == "prosecution":
        services.enforcement.transition(world.officer, fpn_id, "prosecution", D(2026, 4, 27))
    with pytest.raises(ValidationError, match="reason"):
        services.enforcement.transition(world.officer, fpn_id, "withdrawn", D(2026, 5, 1))
    services.enforcement.transition(
        world.officer, fpn_id, "withdrawn", D(2026, 5, 1), reason="Served on the wrong person"
    )
    assert row(services, fpn_id).stage == "withdrawn"
    assert row(services, cpn_id).stage == "breached"
    last = events(services, cpn_id)[-1]
    assert (last.from_stage, last.to_stage) == (
        {"issued": "fpn_issued"}.get(fpn_stage, fpn_stage),
        "breached",
    )
    assert "withdrawn" in last.reason and "wrong person" in last.reason
    # The officer can now issue a fresh FPN for the breach, or prosecute it.
    services.enforcement.transition(world.officer, cpn_id, "prosecution", D(2026, 5, 2))
    assert row(services, cpn_id).stage == "prosecution"


def test_appeal_in_the_window_and_stop_requirements_stay_in_force(services, world):
    warning = cpw(services, world)
    notice = cpn(services, world, warning=warning.notice_id)
    services.enforcement.lodge_appeal(world.officer, notice.notice_id, D(2026, 2, 22))
    detail = services.notices.detail(notice.notice_id)
    assert detail.stage_code == "appeal_lodged"
    assert [(r.kind_code, r.in_force) for r in detail.requirements] == [("stop", True), ("do", False)]
    services.enforcement.appeal_outcome(
        world.officer,
        notice.notice_id,
        "quashed",
        D(2026, 3, 20),
        "Quashed: insufficient evidence of persistence",
    )
    detail = services.notices.detail(notice.notice_id)
    assert detail.stage_code == "quashed" and detail.closed and detail.allowed == []
    assert not any(r.in_force for r in detail.requirements)


def test_appeal_outside_the_window_is_refused_unless_the_court_accepted_it_late(services, world):
    warning = cpw(services, world)
    notice = cpn(services, world, warning=warning.notice_id)
    with pytest.raises(TransitionRefused, match="22/02/2026"):
        services.enforcement.lodge_appeal(world.officer, notice.notice_id, D(2026, 2, 23))
    services.enforcement.lodge_appeal(
        world.officer, notice.notice_id, D(2026, 2, 23), late_reason="Court accepted: recipient in hospital"
    )
    last = events(services, notice.notice_id)[-1]
    assert last.details == {"late_appeal_reason": "Court accepted: recipient in hospital"}


def test_modified_on_appeal_replaces_the_requirements_and_the_notice_is_in_force(services, world):
    warning = cpw(services, world)
    notice = cpn(services, world, warning=warning.notice_id)
    services.enforcement.lodge_appeal(world.officer, notice.notice_id, D(2026, 2, 10))
    services.enforcement.appeal_outcome(
        world.officer,
        notice.notice_id,
        "modified",
        D(2026, 3, 1),
        "Hours changed",
        requirements=[RequirementInput("stop", "No music after 10pm")],
    )
    detail = services.notices.detail(notice.notice_id)
    assert detail.stage_code == "active"
    assert [r.text for r in detail.requirements] == ["No music after 10pm"]
    assert [e.to_stage for e in detail.events][-2:] == ["modified", "active"]


def test_a_step_cannot_be_dated_before_the_last_one_or_in_the_future(services, world):
    _, notice = active_cpn(services, world)
    with pytest.raises(ValidationError, match="23/02/2026"):
        services.enforcement.record_breach(world.officer, notice.notice_id, D(2026, 2, 22))
    with pytest.raises(ValidationError, match="future"):
        services.enforcement.record_breach(world.officer, notice.notice_id, TODAY + timedelta(days=1))


def test_cpn_marked_active_only_after_the_appeal_window(services, world):
    warning = cpw(services, world)
    notice = cpn(services, world, warning=warning.notice_id)
    with pytest.raises(TransitionRefused, match="s.46"):
        services.enforcement.transition(world.officer, notice.notice_id, "active", D(2026, 2, 22))


def test_withdrawal_needs_a_reason(services, world):
    started = cpw(services, world)
    with pytest.raises(ValidationError, match="reason"):
        services.enforcement.withdraw(world.officer, started.notice_id, D(2026, 1, 6), " ")
    services.enforcement.withdraw(world.officer, started.notice_id, D(2026, 1, 6), "Wrong address")
    assert row(services, started.notice_id).stage == "withdrawn"


# --- reviews, remedial works, forfeiture ---------------------------------------------------------------


def test_review_moves_the_next_due_date_on(services, world):
    _, notice = active_cpn(services, world)
    assert row(services, notice.notice_id).next_due_on == D(2027, 2, 2)
    abc = services.enforcement.start_step(world.officer, step(world, "abc", D(2026, 9, 1)))
    assert row(services, abc.notice_id).next_due_on == D(2026, 9, 29)
    services.enforcement.record_event(world.officer, abc.notice_id, "review", D(2026, 9, 29), "Going well")
    n = row(services, abc.notice_id)
    assert (n.last_reviewed_on, n.next_due_on) == (D(2026, 9, 29), D(2026, 10, 27))


def test_remedial_works_and_forfeiture_only_on_a_cpn_in_force(services, world):
    warning, notice = active_cpn(services, world)
    services.enforcement.record_breach(world.officer, notice.notice_id, D(2026, 4, 1))
    services.enforcement.record_event(
        world.officer,
        notice.notice_id,
        "remedial_works",
        D(2026, 4, 20),
        "Rubbish cleared from the garden by the council",
        {"cost_pence": 35000},
    )
    services.enforcement.record_event(
        world.officer,
        notice.notice_id,
        "forfeiture",
        D(2026, 4, 21),
        "Speakers forfeited by order of the court",
    )
    assert [e.event for e in events(services, notice.notice_id)][-2:] == ["remedial_works", "forfeiture"]
    with pytest.raises(ValidationError, match="ss.47 and 50"):
        services.enforcement.record_event(world.officer, warning.notice_id, "forfeiture", D(2026, 4, 21), "x")


# --- settings apply to new notices only ------------------------------------------------------------------


def test_a_settings_change_applies_to_new_notices_only(services, world):
    old = cpw(services, world, on=D(2026, 1, 5))
    services.settings.update(
        world.admin, {"enforcement.cpw_comply_days": 28, "enforcement.cpw_lapse_months": 3}
    )
    new = cpw(services, world, on=D(2026, 1, 5), party=world.body)
    o, n = row(services, old.notice_id), row(services, new.notice_id)
    assert (o.comply_by, o.lapses_on, o.rules["cpw_comply_days"]) == (D(2026, 1, 19), D(2026, 7, 5), 14)
    assert (n.comply_by, n.lapses_on, n.rules["cpw_comply_days"]) == (D(2026, 2, 2), D(2026, 4, 5), 28)
    # The old warning still allows a CPN from 20 January, by the rules it was issued with.
    assert cpn(services, world, on=D(2026, 1, 20), warning=old.notice_id).stage == "issued"


def test_a_draft_keeps_the_rules_it_was_started_with(services, world):
    draft = services.enforcement.start_step(world.officer, step(world, "cpw", None, served_on=None))
    services.settings.update(world.admin, {"enforcement.cpw_comply_days": 28})
    services.enforcement.transition(world.officer, draft.notice_id, "issued", D(2026, 3, 2))
    assert row(services, draft.notice_id).comply_by == D(2026, 3, 16)


def test_discount_off_in_settings_means_no_early_payment_date(services, world):
    services.settings.update(world.admin, {"enforcement.fpn_discount_pence": 0})
    _, notice = active_cpn(services, world)
    services.enforcement.record_breach(world.officer, notice.notice_id, D(2026, 4, 1))
    f = row(
        services,
        services.enforcement.start_step(world.officer, fpn_request(world, notice.notice_id)).notice_id,
    )
    assert (f.discount_by, f.discount_amount_pence, f.next_due_on) == (None, None, D(2026, 4, 24))


# --- police tools and other kinds ---------------------------------------------------------------------


def test_police_tools_are_recorded_with_their_dates(services, world):
    from datetime import datetime

    e = services.enforcement
    closure = e.start_step(
        world.officer,
        step(
            world,
            "closure_notice",
            D(2026, 11, 20),
            requirements=(),
            served_at=datetime(2026, 11, 20, 15, 30),
        ),
    )
    c = row(services, closure.notice_id)
    assert (c.stage, c.hearing_by, c.next_due_on) == (
        "recorded",
        datetime(2026, 11, 22, 15, 30),
        D(2026, 11, 22),
    )
    order = e.start_step(world.officer, step(world, "closure_order", D(2026, 11, 22), requirements=()))
    assert row(services, order.notice_id).expires_on == D(2027, 2, 22)
    inj = e.start_step(
        world.officer, step(world, "civil_injunction", D(2026, 6, 1), requirements=(), ends_on=D(2027, 6, 1))
    )
    assert row(services, inj.notice_id).expires_on == D(2027, 6, 1)
    with pytest.raises(ValidationError, match="48 hours"):
        e.start_step(world.officer, step(world, "closure_notice", D(2026, 11, 20), requirements=()))


def test_notice_letter_values(services, world):
    warning = cpw(services, world)
    values = services.enforcement.notice_letter_values(
        cpn(services, world, warning=warning.notice_id).notice_id
    )
    assert values["recipient_name"] == "Kyle Ashby"
    assert values["recipient_address"] == ("12 Alma Street", "Swadlincote", "DE11 8AB")
    assert values["recipient_address_text"] == "12 Alma Street, Swadlincote, DE11 8AB"
    assert values["requirements"][0].startswith("Stop playing amplified music")
    assert values["requirement_items"][0]["kind"] == "stop"
    assert (values["cpw_date"], values["notice_issue_date"]) == (D(2026, 1, 5), D(2026, 2, 2))
    assert (values["issue_date"], values["appeal_by"]) == (D(2026, 2, 2), D(2026, 2, 22))
    assert (
        values["officer_name"] == "Dean Slater" and values["authority"] == "South Derbyshire District Council"
    )
    assert values["reference"] == "CPN-2026-0001" and values["follows_reference"] == "CPW-2026-0001"
    assert values["conduct"].startswith("Playing loud") and values["detrimental_effect"]


def test_letter_values_fill_the_letters_engines_notice_templates(services, world):
    from decimal import Decimal

    from cspdesk.core.reports.templates import default_templates

    warning = cpw(services, world)
    notice = cpn(services, world, warning=warning.notice_id)
    services.enforcement.transition(world.officer, notice.notice_id, "active", D(2026, 2, 23))
    services.enforcement.record_breach(
        world.officer, notice.notice_id, D(2026, 4, 1), description="Music at 2am"
    )
    fpn = services.enforcement.start_step(world.officer, fpn_request(world, notice.notice_id))
    abc = services.enforcement.start_step(world.officer, step(world, "abc", D(2026, 9, 1)))
    values = {
        k: services.enforcement.notice_letter_values(i)
        for k, i in (
            ("cpw", warning.notice_id),
            ("cpn", notice.notice_id),
            ("fpn", fpn.notice_id),
            ("abc", abc.notice_id),
        )
    }
    assert (values["fpn"]["fpn_amount"], values["fpn"]["fpn_reduced_amount"]) == (Decimal(100), Decimal(75))
    assert values["fpn"]["fpn_circumstances"] == "On 1 April 2026: Music at 2am."
    assert values["fpn"]["cpn_date"] == D(2026, 2, 2) and values["abc"]["abc_review_interval"] == "4 weeks"
    values["asb_warning"] = services.enforcement.notice_letter_values(
        services.enforcement.start_step(world.officer, step(world, "warning_letter", D(2026, 9, 2))).notice_id
    )
    templates = default_templates()
    from_settings = {
        "council_name",
        "council_email",
        "council_phone",
        "council_address",
        "payment_details",
        "parent_guardian_name",
    }
    for code in ("asb_warning", "abc", "cpw", "cpn", "fpn"):
        used = set(re.findall(r"{([a-z_0-9]+)}", templates[code].body)) - from_settings
        assert used and used <= set(values[code]), (code, used - set(values[code]))
        assert all(values[code][name] not in (None, "", [], ()) for name in used), code
