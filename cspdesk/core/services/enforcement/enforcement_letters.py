"""A notice as the plain field values a letter needs (for the letters engine to fill its templates).

Dates are ``date`` values (the engine formats them). Each value is given under the names this feature's brief
promised (``amount`` as text "£100.00", ``amount_pence``...) and under the letters engine's declared field
names (``core/reports/fields.py``: ``fpn_amount`` in Decimal pounds, ``recipient_address`` as lines ...), so
templates 02-06 fill without a mapping. Nothing here renders a letter.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.domain.enforcement import Stage
from cspdesk.core.domain.vocab import NoticeKind
from cspdesk.core.errors import NotFound
from cspdesk.core.services.cases.case_index import age_on
from cspdesk.core.services.enforcement.enforcement_dto import REQUIREMENT_KINDS
from cspdesk.core.services.enforcement.enforcement_support import recipient_of, stored_rules
from cspdesk.core.storage.models import AppUser, AsbCase, EnforcementNotice, NoticeEvent, NoticeRequirement


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
    reqs = session.scalars(
        select(NoticeRequirement)
        .where(NoticeRequirement.notice_id == n.id)
        .order_by(NoticeRequirement.created_at)
    ).all()
    kind = NoticeKind(n.kind)
    cpw = (
        n if kind is NoticeKind.CPW else (parent if parent and parent.kind == NoticeKind.CPW.value else None)
    )
    cpn = (
        n if kind is NoticeKind.CPN else (parent if parent and parent.kind == NoticeKind.CPN.value else None)
    )
    requirements = [r.text + (f" by {r.due_on.day} {r.due_on:%B %Y}" if r.due_on else "") for r in reqs]
    discount = n.discount_amount_pence if n.discount_by else None
    dob = person.date_of_birth if person else None
    rules = stored_rules(n)
    return {
        # The names the brief for this feature promised ...
        "reference": n.reference,
        "notice_kind": kind.value,
        "notice_title": kind.label,
        "stage": Stage(n.stage).label,
        "case_reference": case.reference if case else "",
        "case_title": case.title if case else "",
        "recipient_name": name,
        "recipient_title": (person.title or "") if person else "",
        # ... in the letters engine's kinds: the address as lines (FieldKind.LINES), money as Decimal pounds.
        "recipient_address": tuple(p.strip() for p in address.split(",") if p.strip()),
        "recipient_address_text": address,
        "recipient_date_of_birth": dob,
        "recipient_under_18": bool(
            dob and n.issued_on and (age := age_on(dob, n.issued_on)) is not None and age < 18
        ),
        "conduct": n.conduct or "",
        "detrimental_effect": n.detrimental_effect or "",
        "requirements": requirements,
        "requirement_items": [
            {
                "kind": r.kind,
                "kind_label": REQUIREMENT_KINDS.get(r.kind, r.kind),
                "text": r.text,
                "due_on": r.due_on,
            }
            for r in reqs
        ],
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
        "discount_amount": _money(discount),
        "discount_amount_pence": discount,
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
        # The letters engine's declared field names (core/reports/fields.py) for templates 02-06.
        "conduct_effect": n.detrimental_effect or "",
        "incident_location": case.location_summary if case else "",
        "notice_issue_date": n.issued_on,
        "cpw_date": cpw.issued_on if cpw else None,
        "cpn_date": cpn.issued_on if cpn else None,
        "fpn_amount": _pounds(n.amount_pence),
        "fpn_pay_by": n.pay_by,
        "fpn_reduced_amount": _pounds(discount),
        "fpn_reduced_by": n.discount_by,
        "fpn_circumstances": _breach_text(session, parent) if kind is NoticeKind.FPN and parent else "",
        # Set once in Settings (issue 19: typed again for every FPN); blank still asks for it on the letter.
        "payment_details": str(settings.get("enforcement.fpn_payment_details") or "").strip(),
        "abc_terms": [r.text for r in reqs] if kind is NoticeKind.ABC else [],
        "abc_start_date": n.issued_on if kind is NoticeKind.ABC else None,
        "abc_end_date": n.expires_on if kind is NoticeKind.ABC else None,
        "abc_review_interval": f"{rules.abc_review_weeks} weeks" if kind is NoticeKind.ABC else "",
    }


def _pounds(pence: int | None) -> Decimal | None:
    return Decimal(pence) / 100 if pence else None


def _breach_text(session: Session, cpn: EnforcementNotice) -> str:
    """What was recorded when the CPN was breached: the circumstances an FPN states (s.52(3))."""
    event = session.scalars(
        select(NoticeEvent)
        .where(
            NoticeEvent.notice_id == cpn.id,
            NoticeEvent.to_stage == Stage.BREACHED.value,
            NoticeEvent.event == "stage",
        )
        .order_by(NoticeEvent.occurred_on.desc())
    ).first()
    if event is None:
        return ""
    what = (event.reason or "the notice was not complied with").strip()
    return f"On {event.occurred_on.day} {event.occurred_on:%B %Y}: {what}" + (
        "" if what[-1:] in ".!?" else "."
    )
