"""A notice as the plain field values a letter needs (for the letters engine to fill its templates).

Dates are ``date`` values (the engine formats them); money is in pounds as text ("£100.00"), with the
pence kept alongside for arithmetic. Nothing here renders a letter.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.domain.enforcement import Stage
from cspdesk.core.domain.vocab import NoticeKind
from cspdesk.core.errors import NotFound
from cspdesk.core.services.enforcement_dto import REQUIREMENT_KINDS
from cspdesk.core.services.enforcement_support import recipient_of
from cspdesk.core.storage.models import AppUser, AsbCase, EnforcementNotice, NoticeRequirement


def _money(pence: int | None) -> str:
    return f"£{pence / 100:.2f}" if pence else ""


def letter_values(session: Session, notice_id: uuid.UUID, settings: Mapping[str, Any]) -> dict[str, Any]:
    n = session.get(EnforcementNotice, notice_id)
    if n is None:
        raise NotFound("That notice no longer exists.")
    case = session.get(AsbCase, n.case_id)
    officer = session.get(AppUser, n.issuing_officer_id) if n.issuing_officer_id else None
    name, address, person, _party = recipient_of(session, n.party_id)
    parent = session.get(EnforcementNotice, n.parent_id) if n.parent_id else None
    reqs = session.scalars(select(NoticeRequirement).where(NoticeRequirement.notice_id == n.id)
                           .order_by(NoticeRequirement.created_at)).all()
    kind = NoticeKind(n.kind)
    return {
        "reference": n.reference,
        "notice_kind": kind.value,
        "notice_title": kind.label,
        "stage": Stage(n.stage).label,
        "case_reference": case.reference if case else "",
        "case_title": case.title if case else "",
        "recipient_name": name,
        "recipient_title": (person.title or "") if person else "",
        "recipient_address": address,
        "recipient_address_lines": [p.strip() for p in address.split(",") if p.strip()],
        "recipient_date_of_birth": person.date_of_birth if person else None,
        "conduct": n.conduct or "",
        "detrimental_effect": n.detrimental_effect or "",
        "requirements": [f"{REQUIREMENT_KINDS.get(r.kind, r.kind)}: {r.text}"
                         + (f" (by {r.due_on:%d/%m/%Y})" if r.due_on else "") for r in reqs],
        "requirement_items": [{"kind": r.kind, "text": r.text, "due_on": r.due_on} for r in reqs],
        "issue_date": n.issued_on,
        "served_on": n.served_on,
        "service_method": n.service_method or "",
        "comply_by": n.comply_by,
        "lapses_on": n.lapses_on,
        "appeal_by": n.appeal_by,
        "review_on": n.review_on,
        "expires_on": n.expires_on,
        "pay_by": n.pay_by,
        "earliest_prosecution_on": n.earliest_prosecution_on,
        "hearing_by": n.hearing_by,
        "amount": _money(n.amount_pence),
        "amount_pence": n.amount_pence,
        "discount_amount": _money(n.discount_amount_pence) if n.discount_by else "",
        "discount_amount_pence": n.discount_amount_pence if n.discount_by else None,
        "discount_by": n.discount_by,
        "paid_on": n.paid_on,
        "outcome": n.outcome or "",
        "officer_name": officer.display_name if officer else "",
        "officer_title": (officer.job_title or "") if officer else "",
        "officer_email": (officer.email or "") if officer else "",
        "officer_phone": (officer.phone or "") if officer else "",
        "authority": n.authority or str(settings.get("council.name", "")),
        "council_name": str(settings.get("council.name", "")),
        "follows_reference": parent.reference if parent else "",
        "follows_issue_date": parent.issued_on if parent else None,
    }
