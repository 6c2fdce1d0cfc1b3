"""Every transition of the state machine, made through the service; every other move refused by it."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from cspdesk.core.domain.deadlines import EnforcementRules, compute_dates
from cspdesk.core.domain.enforcement import FOLLOW_ON, TRANSITIONS, Stage, stages
from cspdesk.core.domain.vocab import NoticeKind
from cspdesk.core.errors import TransitionRefused
from cspdesk.core.storage.models import EnforcementNotice, NoticeEvent
from tests.enforcement_world import TODAY, make_world, step

OLD_ISSUE = date(2025, 1, 6)  # every deadline from this date has passed by TODAY
KINDS = list(TRANSITIONS)


@pytest.fixture
def world(services):
    return make_world(services)


def _draft(services, w, kind: NoticeKind):
    """A draft of ``kind`` whose issue would pass every guard on TODAY."""
    e = services.enforcement
    parent = None
    if kind is NoticeKind.CPN:
        parent = e.start_step(w.officer, step(w, "cpw", date(2026, 10, 1))).notice_id
    if kind is NoticeKind.FPN:
        with Session(services.database.engine) as s:
            cpn = EnforcementNotice(
                reference=f"CPN-T-{uuid.uuid4().hex[:12]}",
                case_id=w.case_id,
                party_id=w.adult,
                kind="cpn",
                stage="breached",
                issued_on=date(2026, 6, 1),
                rules=EnforcementRules().to_dict(),
            )
            s.add(cpn)
            s.commit()
            parent = cpn.id
    reqs = () if kind in (NoticeKind.FPN, NoticeKind.PSPO_FPN) else step(w, "cpw", None).requirements
    return e.start_step(
        w.officer, step(w, kind.value, None, served_on=None, parent_id=parent, requirements=reqs)
    ).notice_id


def _put_at(services, notice_id, kind: NoticeKind, stage: Stage) -> None:
    """Put a notice at ``stage`` as if issued on OLD_ISSUE (dates from the rules), with no later history."""
    with Session(services.database.engine) as s:
        n = s.get(EnforcementNotice, notice_id)
        served = datetime(2025, 1, 6, 10) if kind is NoticeKind.CLOSURE_NOTICE else None
        for col, value in (
            compute_dates(kind, OLD_ISSUE, EnforcementRules(), served_at=served).columns().items()
        ):
            setattr(n, col, value)
        n.stage = stage.value
        s.query(NoticeEvent).filter(NoticeEvent.notice_id == notice_id).update({"occurred_on": OLD_ISSUE})
        s.commit()


def _on(kind: NoticeKind, to: Stage) -> date:
    # A fixed penalty is paid within its 14 days; everything else is recorded after every deadline.
    return date(2025, 1, 9) if to is Stage.PAID and kind in (NoticeKind.FPN, NoticeKind.PSPO_FPN) else TODAY


@pytest.mark.parametrize("kind", KINDS, ids=[k.value for k in KINDS])
def test_every_allowed_transition_works_through_the_service(services, world, kind):
    pairs = [(frm, to) for frm, tos in TRANSITIONS[kind].items() for to in sorted(tos)]
    assert pairs
    for frm, to in pairs:
        notice_id = _draft(services, world, kind)
        if frm is not Stage.DRAFT:
            _put_at(services, notice_id, kind, frm)
        services.enforcement.transition(
            world.officer,
            notice_id,
            to,
            _on(kind, to),
            reason="Recorded by the test",
            outcome="Decided by the court",
            late_appeal_reason="Court accepted it late",
            served_at=datetime(2026, 11, 26, 9) if kind is NoticeKind.CLOSURE_NOTICE else None,
        )
        detail = services.notices.detail(notice_id)
        expected = FOLLOW_ON.get((kind, to), to)
        assert detail.stage_code == expected.value, (kind, frm, to)
        assert any(e.to_stage == to.label for e in detail.events), (kind, frm, to)
        assert detail.document_due


@pytest.mark.parametrize("kind", KINDS, ids=[k.value for k in KINDS])
def test_every_other_move_is_refused_with_a_reason(services, world, kind):
    notice_id = _draft(services, world, kind)
    all_stages = sorted(stages(kind)) + [Stage.PAID, Stage.QUASHED]
    for frm in sorted(stages(kind)):
        _put_at(services, notice_id, kind, frm)
        for to in all_stages:
            if to in TRANSITIONS[kind].get(frm, frozenset()):
                continue
            with pytest.raises(TransitionRefused) as exc:
                services.enforcement.transition(world.officer, notice_id, to, TODAY, reason="x", outcome="x")
            assert len(str(exc.value)) > 20
        assert services.notices.detail(notice_id).stage_code == frm.value
