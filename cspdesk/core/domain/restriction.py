"""The one rule: may this actor see this record's identifying details?

A restricted record (today: a domestic-abuse Safer Homes referral) carries its restriction to everything
filed on it or written about it — its letters, their file names, audit text, printed copies, search. Every
reader asks ``may_see_identifying`` about the record a thing belongs to, never about the thing itself, so a
letter cannot be less protected than its referral.

``RecordRef`` is what the rule needs to know about a record, and is what readers name a restricted record
by: its kind and reference, never the person in it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import ValidationError

SAFER_HOMES_RESTRICTED = "safer_homes_restricted"

KIND_LABELS = {"safer_homes_referral": "Safer Homes referral"}


@dataclass(frozen=True)
class RecordRef:
    """A record as the restriction rule sees it."""

    kind: str  # the audit entity type, e.g. "safer_homes_referral"
    id: uuid.UUID | None
    reference: str
    restricted: bool
    agency: str | None = None  # the agency that made the record (a partner of that agency knows the client)

    @property
    def label(self) -> str:
        """ "restricted Safer Homes referral SH-2026-0001": how audit text and lists name it."""
        kind = KIND_LABELS.get(self.kind, self.kind.replace("_", " "))
        return f"{'restricted ' if self.restricted else ''}{kind} {self.reference}".strip()


class ReasonNeeded(ValidationError):
    """The read would show restricted details and no reason is current: ask for one and try again."""

    def __init__(self, refs: Sequence[RecordRef]):
        self.refs = tuple(refs)
        names = ", ".join(r.reference for r in refs[:5]) + (" …" if len(refs) > 5 else "")
        super().__init__({"reason": f"Give a reason for looking at restricted record {names}."})


def may_see_identifying(
    role: Role, permissions: frozenset[str], agency: str | None, record: RecordRef
) -> bool:
    """True if someone with this role, these permission flags and this agency may see who and where.

    - A restricted record: administrators, and officers granted ``safer_homes_restricted``. Never a partner.
    - Otherwise officers and administrators; a partner only when their agency made the record.
    """
    if record.restricted:
        if role is Role.ADMINISTRATOR:
            return True
        return role is Role.OFFICER and SAFER_HOMES_RESTRICTED in permissions
    if role is Role.PARTNER:
        return agency is not None and agency == record.agency
    return True


def restricted_letter_title(record: RecordRef, kind: str = "letter") -> str:
    """What a document on a restricted record is listed as to someone who may not see it."""
    return f"Restricted {kind} ({record.reference})"


def restricted_filename(reference: str, title: str, stamp: str) -> str:
    """A file name for a letter on a restricted record: the reference and the letter, never the person."""
    return f"{reference} {title} {stamp}.pdf"


def partner_may_see_case(
    *, agency_reported: bool, agency_owns_action: bool, shared_with_agency: bool
) -> bool:
    """A partner sees an ASB case their agency is part of: it reported an incident on it, owns one of its
    actions, or the case has been shared with it (and the share not withdrawn). Nothing else."""
    return agency_reported or agency_owns_action or shared_with_agency
