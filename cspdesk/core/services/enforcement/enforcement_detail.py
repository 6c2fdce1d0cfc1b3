"""One notice in full, as the detail panel shows it: dates, requirements, history and the next moves."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.domain.enforcement import Stage, allowed_transitions, is_closed
from cspdesk.core.domain.vocab import NoticeKind
from cspdesk.core.errors import NotFound
from cspdesk.core.services.enforcement.enforcement_dto import (
    REQUIREMENT_KINDS,
    EventLine,
    LinkedNotice,
    NoticeDetail,
    RequirementLine,
)
from cspdesk.core.services.enforcement.enforcement_support import dates_of, recipient_of
from cspdesk.core.storage.models import (
    AppUser,
    AsbCase,
    EnforcementNotice,
    ImportedRecord,
    NoticeEvent,
    NoticeInformedBody,
    NoticeRequirement,
)

S = Stage
# The order stages are offered as buttons: moving forward first, closing last.
_BUTTON_ORDER = [
    S.ISSUED,
    S.RECORDED,
    S.APPEAL_LODGED,
    S.ACTIVE,
    S.BREACHED,
    S.FPN_ISSUED,
    S.ESCALATED,
    S.PAID,
    S.UNPAID,
    S.PROSECUTION,
    S.OUTCOME,
    S.QUASHED,
    S.MODIFIED,
    S.DISMISSED,
    S.COMPLIED,
    S.LAPSED,
    S.EXPIRED,
    S.ENDED,
    S.WITHDRAWN,
]
ACTION_LABELS = {
    S.ISSUED: "Issue",
    S.RECORDED: "Record as given",
    S.APPEAL_LODGED: "Appeal lodged",
    S.ACTIVE: "Mark active",
    S.BREACHED: "Record breach",
    S.FPN_ISSUED: "Issue FPN",
    S.ESCALATED: "Issue CPN",
    S.PAID: "Record payment",
    S.UNPAID: "Record not paid",
    S.PROSECUTION: "Start prosecution",
    S.OUTCOME: "Court outcome",
    S.QUASHED: "Appeal: quashed",
    S.MODIFIED: "Appeal: modified",
    S.DISMISSED: "Appeal: dismissed",
    S.COMPLIED: "Record compliance",
    S.LAPSED: "Record lapse",
    S.EXPIRED: "Record expiry",
    S.ENDED: "Record end",
    S.WITHDRAWN: "Withdraw",
}


def _dates(n: EnforcementNotice) -> list[tuple[str, date | datetime]]:
    d = dates_of(n)
    if d is None:
        return []
    out: list[tuple[str, date | datetime]] = [("Issued", d.issued_on)]
    if n.served_on:
        out.append(("Served", n.served_on))
    for label, value in (
        ("Comply by", d.comply_by),
        ("Warning lapses", d.lapses_on),
        ("Appeal by", d.appeal_by),
        ("Early payment by", d.discount_by),
        ("Pay by", d.pay_by),
        ("Earliest prosecution", d.earliest_prosecution_on),
        ("Hearing by", d.hearing_by),
    ):
        if value:
            out.append((label, value))
    out.extend((f"Review {i + 1}", r) for i, r in enumerate(d.review_dates))
    if d.review_on and not d.review_dates:
        out.append(("Review", d.review_on))
    if d.expires_on:
        out.append(("Ends", d.expires_on))
    if n.last_reviewed_on:
        out.append(("Last reviewed", n.last_reviewed_on))
    if n.paid_on:
        out.append(("Paid", n.paid_on))
    return out


def _requirement(r: NoticeRequirement, kind: NoticeKind, stage: Stage) -> RequirementLine:
    label = REQUIREMENT_KINDS.get(r.kind, r.kind)
    if kind is NoticeKind.CPN and stage is S.APPEAL_LODGED and r.kind != "stop":
        # s.46(3)(b): while an appeal is in progress, requirements other than "stop doing" have no effect.
        return RequirementLine(
            label, r.kind, r.text, r.due_on, False, "Suspended while the appeal is heard (s.46(3))"
        )
    if kind is NoticeKind.CPN and stage is S.APPEAL_LODGED:
        return RequirementLine(
            label, r.kind, r.text, r.due_on, True, "Stays in force during the appeal (s.46(3))"
        )
    in_force = stage not in (S.DRAFT, S.QUASHED, S.WITHDRAWN, S.COMPLIED, S.EXPIRED, S.LAPSED, S.ENDED)
    return RequirementLine(label, r.kind, r.text, r.due_on, in_force)


def _link(n: EnforcementNotice) -> LinkedNotice:
    return LinkedNotice(n.id, n.reference, NoticeKind(n.kind).label, Stage(n.stage).label)


def notice_detail(s: Session, notice_id: uuid.UUID) -> NoticeDetail:
    n = s.get(EnforcementNotice, notice_id)
    if n is None:
        raise NotFound("That notice no longer exists.")
    kind, stage = NoticeKind(n.kind), Stage(n.stage)
    case = s.get(AsbCase, n.case_id)
    officer = s.get(AppUser, n.issuing_officer_id) if n.issuing_officer_id else None
    name, address, _person, _party = recipient_of(s, n.party_id)
    reqs = s.scalars(
        select(NoticeRequirement)
        .where(NoticeRequirement.notice_id == n.id)
        .order_by(NoticeRequirement.created_at)
    ).all()
    events = s.scalars(
        select(NoticeEvent)
        .where(NoticeEvent.notice_id == n.id)
        .order_by(NoticeEvent.occurred_on, NoticeEvent.created_at)
    ).all()
    informed = s.scalars(
        select(NoticeInformedBody)
        .where(NoticeInformedBody.notice_id == n.id)
        .order_by(NoticeInformedBody.informed_on)
    ).all()
    parent = s.get(EnforcementNotice, n.parent_id) if n.parent_id else None
    children = s.scalars(
        select(EnforcementNotice)
        .where(EnforcementNotice.parent_id == n.id)
        .order_by(EnforcementNotice.issued_on)
    ).all()
    allowed = allowed_transitions(kind, stage)
    return NoticeDetail(
        id=n.id,
        reference=n.reference,
        kind=kind.label,
        kind_code=kind.value,
        stage=stage.label.capitalize(),
        stage_code=stage.value,
        case_id=n.case_id,
        case_reference=case.reference if case else "",
        party_id=n.party_id,
        recipient=name,
        recipient_address=address,
        conduct=n.conduct or "",
        detrimental_effect=n.detrimental_effect or "",
        officer=officer.display_name if officer else "",
        authority=n.authority or "",
        served_on=n.served_on,
        service_method=n.service_method or "",
        dates=_dates(n),
        issued_on=n.issued_on,
        appeal_by=n.appeal_by,
        pay_by=n.pay_by,
        comply_by=n.comply_by,
        amount_pence=n.amount_pence,
        discount_amount_pence=n.discount_amount_pence if n.discount_by else None,
        paid_on=n.paid_on,
        outcome=n.outcome or "",
        next_due_on=n.next_due_on,
        next_due_what=n.next_due_what or "",
        document_due=n.document_due,
        requirements=[_requirement(r, kind, stage) for r in reqs],
        events=[
            EventLine(
                e.occurred_on,
                e.event,
                Stage(e.from_stage).label if e.from_stage else "",
                Stage(e.to_stage).label,
                e.officer,
                e.reason or "",
                e.override_reason or "",
                dict(e.details or {}),
            )
            for e in events
        ],
        informed=[(b.body, b.informed_on) for b in informed],
        parent=_link(parent) if parent else None,
        children=[_link(c) for c in children],
        allowed=[(st.value, ACTION_LABELS[st]) for st in _BUTTON_ORDER if st in allowed],
        closed=is_closed(kind, stage),
        version=n.version,
        dates_to_check=s.scalar(
            select(ImportedRecord.check_dates).where(
                ImportedRecord.entity_type == "notice",
                ImportedRecord.entity_id == n.id,
                ImportedRecord.check_dates.is_not(None),
            )
        )
        or "",
    )
