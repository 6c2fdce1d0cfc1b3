"""Who may see a Safer Homes client's details, and what each recipient is given.

The address of a domestic-abuse victim is the most dangerous data CSPDesk holds (DOMAIN.md
sections 5 and 9): a perpetrator who learns it knows where the victim now lives. So:

Permission model
    A viewer is a ``vocab.Role`` plus a set of per-user permission flags (``Viewer``).
    - ``administrator``: sees restricted referrals (they manage the scheme and the data).
    - ``officer``: sees ordinary referrals; sees restricted ones only with the
      ``safer_homes_restricted`` flag, granted per user by an administrator. Most officers never
      need a DA victim's address, so it is not theirs by default.
    - ``partner``: read-only, external. Never sees a restricted referral's details, flag or not;
      sees an ordinary referral's details only if their agency made it (they already know them).
    Opening a restricted referral whose details the viewer can see needs a reason, which the
    service writes to the audit log (``audit_reason_required``).

What goes out is chosen by allow-list, never by deny-list: a field added to the record later is
masked until someone decides a recipient needs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cspdesk.core.domain.restriction import SAFER_HOMES_RESTRICTED, RecordRef, may_see_identifying
from cspdesk.core.domain.safer_homes import RESTRICTED, ReferralRecord
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import PermissionDenied, ValidationError

REFERRAL_KIND = "safer_homes_referral"
PERMISSION_FLAGS = frozenset({SAFER_HOMES_RESTRICTED})


@dataclass(frozen=True)
class Viewer:
    role: Role
    permissions: frozenset[str] = field(default=frozenset())
    agency: str | None = None  # a partner user's agency, matched against ``referrer_agency``

    @classmethod
    def of(cls, who: Viewer | Role | str) -> Viewer:
        """Accept a bare role where no flags matter (a bare role has none)."""
        return who if isinstance(who, Viewer) else cls(Role(who))


def referral_ref(record: ReferralRecord) -> RecordRef:
    """The referral as the one restriction rule (``core.domain.restriction``) sees it."""
    return RecordRef(REFERRAL_KIND, record.id, record.reference, record.is_restricted, record.referrer_agency)


def may_see(who: Viewer | Role | str, ref: RecordRef) -> bool:
    """``restriction.may_see_identifying`` for a viewer."""
    viewer = Viewer.of(who)
    return may_see_identifying(viewer.role, viewer.permissions, viewer.agency, ref)


def may_see_referral(who: Viewer | Role | str, record: ReferralRecord) -> bool:
    """Whether the referral is shown at all: to officers and administrators every referral; to a partner
    only their own agency's (masked unless ``can_see_personal_details``)."""
    viewer = Viewer.of(who)
    if viewer.role is not Role.PARTNER:
        return True
    return viewer.agency is not None and viewer.agency == record.referrer_agency


def can_see_restricted(who: Viewer | Role | str) -> bool:
    return may_see(who, RecordRef(REFERRAL_KIND, None, "", True))


def can_see_personal_details(who: Viewer | Role | str, record: ReferralRecord) -> bool:
    return may_see(who, referral_ref(record))


# Fields anyone allowed to see the referral at all may see: workflow, dates, ward and category
# for counting. Nothing here locates, names or reaches the client.
OPEN_FIELDS = frozenset(
    {
        "id",
        "reference",
        "status",
        "restricted",
        "referred_on",
        "referrer_agency",
        "ward",
        "victim_category",
        "eligible",
        "survey_on",
        "works_ordered_on",
        "installed_on",
        "secured_on",
        "followed_up_on",
        "closed_on",
        "actual_cost_pence",
        "measures",
    }
)


def mask_referral_for(who: Viewer | Role | str, record: ReferralRecord) -> dict[str, Any]:
    """The referral as this viewer may see it, JSON-safe (``ReferralRecord.to_dict`` shape).

    Every field outside ``OPEN_FIELDS`` reads "Restricted" unless the viewer may see the client's
    details, whether or not it holds a value, so a masked view never shows which fields are set.
    """
    if can_see_personal_details(who, record):
        return record.to_dict()
    return masked_referral(record)


def masked_referral(record: ReferralRecord) -> dict[str, Any]:
    """The referral with every field outside ``OPEN_FIELDS`` reading "Restricted", for anyone.

    Lists show a restricted referral this way even to those who may open it: its details are seen only
    by opening it, with a reason, which is logged (``services/restriction.py``)."""
    return {key: (value if key in OPEN_FIELDS else RESTRICTED) for key, value in record.to_dict().items()}


def audit_reason_required(record: ReferralRecord, who: Viewer | Role | str) -> bool:
    """True when opening ``record`` will show ``who`` a restricted client's details.

    A viewer who would only see the masked view reveals nothing, so no reason is asked of them.
    """
    return record.is_restricted and can_see_personal_details(who, record)


def check_audit_reason(record: ReferralRecord, who: Viewer | Role | str, reason: str | None) -> None:
    if audit_reason_required(record, who) and (reason is None or not reason.strip()):
        raise ValidationError({"reason": "Give a reason for opening this restricted referral."})


def audit_details(record: ReferralRecord, reason: str) -> dict[str, Any]:
    """What the audit row says about a restricted opening: the reference, never the client."""
    return {
        "summary": f"Opened restricted Safer Homes referral {record.reference}",
        "details": {"reference": record.reference, "reason": reason.strip()},
    }


NO_SAFE_PHONE = (
    "No number is safe to call. Arrange access through the Safer Homes coordinator; "
    "do not call or visit unannounced."
)


def works_order_view(record: ReferralRecord, who: Viewer | Role | str) -> dict[str, Any]:
    """What the contractor needs to fit the works, and nothing more.

    Address, access details and a safe number; never the client's name, the category, the reason
    for the referral, the perpetrator, the risk or the referrer (whose agency name can say "domestic
    abuse" on its own). Only someone who may see the address may produce it.
    """
    viewer = Viewer.of(who)
    if viewer.role is Role.PARTNER or not can_see_personal_details(viewer, record):
        raise PermissionDenied("You do not have permission to issue a works order for this referral.")
    safe = record.safe_phones
    return {
        "reference": record.reference,
        "contractor": record.contractor,
        "works_ordered_on": record.works_ordered_on.isoformat() if record.works_ordered_on else None,
        "address_line1": record.address_line1,
        "address_line2": record.address_line2,
        "town": record.town,
        "postcode": record.postcode,
        "access_details": record.access_needs,
        "interpreter_language": record.language if record.interpreter_needed else None,
        "contact_phone": safe[0].number if safe else None,
        "contact_note": None if safe else NO_SAFE_PHONE,
        "measures": [
            {"code": m.code, "description": m.description, "quantity": m.quantity} for m in record.measures
        ],
    }


def partner_referral_list(records: Iterable[ReferralRecord], agency: str) -> list[dict[str, Any]]:
    """A referring agency's own referrals and where each has got to.

    Enough for the referrer to follow up (reference, their own officer, date, status), and the
    client's name only for ordinary referrals: a printed list left on a desk must not name a
    domestic-abuse victim. No address, phone, category, risk or reason for any referral.
    """
    rows = []
    for r in records:
        if r.referrer_agency != agency:
            continue
        rows.append(
            {
                "reference": r.reference,
                "referrer_name": r.referrer_name,
                "referred_on": r.referred_on.isoformat() if r.referred_on else None,
                "client": RESTRICTED if r.is_restricted else r.client_name,
                "status": r.status.value,
                "status_label": r.status.label,
                "secured_on": r.secured_on.isoformat() if r.secured_on else None,
            }
        )
    return rows
