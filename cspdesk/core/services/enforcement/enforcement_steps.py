"""Issuing a notice: the guards that must pass first, and the dates it carries from then on.

Law: Anti-social Behaviour, Crime and Policing Act 2014; the rules themselves live in
``core.domain.enforcement_guards`` and ``core.domain.deadlines``. This module gathers the facts from
storage and applies them to one notice row inside the caller's unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cspdesk.core.domain.deadlines import EnforcementRules, compute_dates
from cspdesk.core.domain.enforcement import Stage
from cspdesk.core.domain.enforcement_guards import (
    GuardFailure,
    InformedBody,
    Recipient,
    check_cpn_issue,
    check_fpn_amount,
    check_fpn_issue,
    check_recipient,
    check_service_date,
)
from cspdesk.core.domain.vocab import NoticeKind
from cspdesk.core.errors import ValidationError
from cspdesk.core.services.enforcement.enforcement_dto import InformedInput, RequirementInput, StepRequest
from cspdesk.core.services.enforcement.enforcement_support import (
    RECORDED_KINDS,
    facts_of,
    notices_to_same_recipient,
    person_key,
)
from cspdesk.core.storage.models import (
    CaseParty,
    Document,
    EnforcementNotice,
    Incident,
    NoticeInformedBody,
    NoticeRequirement,
    Person,
)

K, S = NoticeKind, Stage

NEEDS_CONDUCT = frozenset({K.WARNING_LETTER, K.ABC, K.CPW, K.CPN, K.FPN, K.PROSECUTION})
NEEDS_EFFECT = frozenset({K.CPW, K.CPN})  # s.43(1)(a): a detrimental effect on the quality of life
NEEDS_REQUIREMENTS = frozenset({K.ABC, K.CPW, K.CPN})  # s.43(3): what to stop, do or take steps to do
TAKES_END = frozenset({K.ABC, K.CLOSURE_ORDER, K.CIVIL_INJUNCTION})


def issue_stage(kind: NoticeKind) -> Stage:
    """The stage a draft moves to when it is issued (or recorded, or proceedings start)."""
    if kind in RECORDED_KINDS:
        return S.RECORDED
    if kind is K.PROSECUTION:
        return S.PROSECUTION
    return S.ISSUED


def request_problems(req: StepRequest, today: date) -> dict[str, str]:
    """Field-level problems with what the user typed, before anything is looked up."""
    problems: dict[str, str] = {}
    try:
        kind = NoticeKind(req.kind)
    except ValueError:
        return {"kind": "Choose the kind of step."}
    if kind in NEEDS_CONDUCT and not req.conduct.strip():
        problems["conduct"] = "Describe the conduct this step is about."
    if kind in NEEDS_EFFECT and not req.detrimental_effect.strip():
        problems["detrimental_effect"] = (
            "Describe the detrimental effect on the quality of life of those in the locality (s.43(1))."
        )
    if kind in NEEDS_REQUIREMENTS and not any(r.text.strip() for r in req.requirements):
        problems["requirements"] = "Add at least one requirement: what must stop, be done, or steps to take."
    for r in req.requirements:
        if r.kind not in ("stop", "do", "take_steps"):
            problems["requirements"] = "Each requirement is 'stop doing', 'do' or 'take reasonable steps'."
        elif r.text.strip() and req.issued_on and r.due_on and r.due_on < req.issued_on:
            problems["requirements"] = f"'{r.text.strip()[:40]}' is due before the date of issue."
    if req.issued_on and req.issued_on > today:
        problems["issued_on"] = "The date of issue cannot be in the future; save a draft instead."
    if req.served_on and req.served_on > today:
        problems["served_on"] = "The date of service cannot be in the future."
    if req.served_on and not req.issued_on:
        problems["served_on"] = "A draft has not been issued, so it cannot have been served."
    if req.amount_pence is not None and kind not in (K.FPN, K.PSPO_FPN):
        problems["amount_pence"] = "Only a fixed penalty notice has an amount."
    if kind is K.CLOSURE_NOTICE and req.issued_on and req.served_at is None:
        problems["served_at"] = (
            "Enter when the closure notice was served: the court hearing must follow within 48 hours."
        )
    return problems


def find_warning(session: Session, party_id, issued_on: date) -> EnforcementNotice | None:
    """The CPW a CPN follows when the officer did not pick one: the latest warning to the same person."""
    return session.scalars(
        notices_to_same_recipient(session, party_id)
        .where(
            EnforcementNotice.kind == K.CPW.value,
            EnforcementNotice.stage.in_([S.ISSUED.value, S.BREACHED.value]),
            EnforcementNotice.issued_on <= issued_on,
        )
        .order_by(EnforcementNotice.issued_on.desc())
        .limit(1)
    ).first()


def issue_failures(
    session: Session, notice: EnforcementNotice, on: date, served_on: date | None, rules: EnforcementRules
) -> list[GuardFailure]:
    """Every guard for issuing ``notice`` on ``on``; an empty list means it may go ahead."""
    kind = NoticeKind(notice.kind)
    failures = check_service_date(on, served_on)
    party = session.get(CaseParty, notice.party_id) if notice.party_id else None
    person = session.get(Person, party.person_id) if party and party.person_id else None
    recipient = Recipient.from_party(
        person_key(session, notice.party_id),
        party.kind if party else "group",
        person.date_of_birth if person else None,
    )
    parent = session.get(EnforcementNotice, notice.parent_id) if notice.parent_id else None
    if kind is K.CPN:
        if parent is None:
            parent = find_warning(session, notice.party_id, on)
            notice.parent_id = parent.id if parent else None
        informed = [
            InformedBody(b.body, b.informed_on)
            for b in session.scalars(
                select(NoticeInformedBody).where(NoticeInformedBody.notice_id == notice.id)
            )
        ]
        failures += check_cpn_issue(on, recipient, facts_of(session, parent) if parent else None, informed)
    elif kind is K.FPN:
        cpn = facts_of(session, parent) if parent is not None else None
        failures += check_fpn_issue(on, cpn, notice.amount_pence or 0, rules, notice.discount_amount_pence)
        if cpn is not None and cpn.party_id != recipient.party_id:
            failures.append(
                GuardFailure(
                    "fpn_other_person", "The CPN that was breached was given to someone else.", field="parent"
                )
            )
    elif kind is K.PSPO_FPN:
        failures += check_fpn_amount(notice.amount_pence or 0, rules)
    else:
        failures += check_recipient(kind, recipient, on)
    return failures


def apply_dates(
    notice: EnforcementNotice, on: date, rules: EnforcementRules, served_at: datetime | None
) -> None:
    """Store the dates ``compute_dates`` gives. A CPW's own period and a set end (ABC, court order) were kept
    on the draft and are honoured."""
    kind = NoticeKind(notice.kind)
    dates = compute_dates(
        kind,
        on,
        rules,
        served_at=served_at,
        comply_by=notice.comply_by if kind is K.CPW else None,
        ends_on=notice.expires_on if kind in TAKES_END else None,
    )
    for column, value in dates.columns().items():
        setattr(notice, column, value)
    if kind is K.FPN and not notice.discount_amount_pence:
        notice.discount_by = None


def amount_due(notice: EnforcementNotice, on: date, paid: int | None) -> int:
    """s.52(8): the lower amount if paid within the early-payment period, else the full amount."""
    full = notice.amount_pence or 0
    due = (
        notice.discount_amount_pence
        if notice.discount_by and notice.discount_amount_pence and on <= notice.discount_by
        else full
    )
    if paid is not None and paid < (due or 0):
        raise ValidationError(
            {
                "amount_paid": f"£{due / 100:.2f} was due on {on:%d/%m/%Y}; record the full "
                "amount, or leave it unpaid."
            }
        )
    return paid if paid is not None else due


def evidence(s, notice: EnforcementNotice, incident_ids, document_ids) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if incident_ids:
        found = set(
            s.scalars(
                select(Incident.id).where(
                    Incident.id.in_(list(incident_ids)), Incident.case_id == notice.case_id
                )
            )
        )
        if len(found) != len(set(incident_ids)):
            raise ValidationError({"evidence": "Link incidents recorded on this notice's case."})
        out["incident_ids"] = [str(i) for i in incident_ids]
    if document_ids:
        found = set(s.scalars(select(Document.id).where(Document.id.in_(list(document_ids)))))
        if len(found) != len(set(document_ids)):
            raise ValidationError({"evidence": "One of the documents no longer exists."})
        out["document_ids"] = [str(i) for i in document_ids]
    return out


def set_requirements(
    s, notice: EnforcementNotice, reqs: Sequence[RequirementInput], replace: bool = False
) -> list[dict[str, Any]]:
    before: list[dict[str, Any]] = []
    if replace:
        for r in s.scalars(select(NoticeRequirement).where(NoticeRequirement.notice_id == notice.id)):
            before.append(
                {"kind": r.kind, "text": r.text, "due_on": r.due_on.isoformat() if r.due_on else None}
            )
        s.execute(delete(NoticeRequirement).where(NoticeRequirement.notice_id == notice.id))
    for r in reqs:
        if r.text.strip():
            s.add(NoticeRequirement(notice_id=notice.id, kind=r.kind, text=r.text.strip(), due_on=r.due_on))
    return before


def add_informed(s, notice: EnforcementNotice, body: InformedInput) -> None:
    if not body.body.strip():
        raise ValidationError({"informed": "Name the body that was informed."})
    s.add(NoticeInformedBody(notice_id=notice.id, body=body.body.strip(), informed_on=body.informed_on))
