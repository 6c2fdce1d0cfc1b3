"""Shared by the Safer Homes services: rows to ``ReferralRecord`` and back, and the rules in force.

Services hand the domain plain records; nothing here decides anything.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.domain.safer_homes import (
    MeasureLine,
    ReferralRecord,
    SaferHomesRules,
)
from cspdesk.core.domain.vocab import Labelled
from cspdesk.core.errors import NotFound
from cspdesk.core.services.admin.settings import read_settings, safer_homes_rules, section
from cspdesk.core.storage.models import (
    Agency,
    SaferHomesMeasure,
    SaferHomesReferral,
    Ward,
)
from cspdesk.core.storage.portable import one_at_a_time
from cspdesk.core.sync.references import provisional_reference

ENTITY = "safer_homes_referral"

# Record fields kept in their own columns or tables, not copied by ``write_record``.
_NOT_COLUMNS = {"id", "referrer_agency", "ward", "measures"}
_COLUMNS = [f.name for f in fields(ReferralRecord) if f.name not in _NOT_COLUMNS]


def current_rules(session: Session) -> SaferHomesRules:
    """The scheme's rules as the settings now say, read in this session."""
    return safer_homes_rules(section(read_settings(session, "safer_homes"), "safer_homes"))


def stored_rules(rules: SaferHomesRules) -> dict[str, Any]:
    """What a referral keeps of the rules in force: everything but the catalogue, whose prices are
    copied onto each measure when it is specified (so a later price change never moves a total)."""
    return {k: v for k, v in rules.to_dict().items() if k != "measures"}


def rules_of(row: SaferHomesReferral, fallback: SaferHomesRules) -> SaferHomesRules:
    """The rules stored on the referral when it was made; ``fallback`` for a row without them."""
    return SaferHomesRules.from_dict(row.rules) if row.rules else fallback


@dataclass
class Names:
    """Agency and ward names by id and back: few rows, read once per unit of work."""

    agencies: dict[uuid.UUID, str]
    wards: dict[uuid.UUID, str]

    @classmethod
    def load(cls, session: Session) -> Names:
        return cls(
            {a.id: a.name for a in session.execute(select(Agency.id, Agency.name))},
            {w.id: w.name for w in session.execute(select(Ward.id, Ward.name))},
        )

    def agency_id(self, name: str | None) -> uuid.UUID | None:
        return next((i for i, n in self.agencies.items() if n == name), None) if name else None

    def ward_id(self, name: str | None) -> uuid.UUID | None:
        return next((i for i, n in self.wards.items() if n == name), None) if name else None


def to_record(row: SaferHomesReferral, lines: Iterable[SaferHomesMeasure], names: Names) -> ReferralRecord:
    data: dict[str, Any] = {name: getattr(row, name) for name in _COLUMNS}
    data["id"] = row.id
    data["phones"] = row.phones or []
    data["referrer_agency"] = names.agencies.get(row.referrer_agency_id) if row.referrer_agency_id else None
    data["ward"] = names.wards.get(row.ward_id) if row.ward_id else None
    data["children_in_household"] = row.children_in_household or 0
    data["interpreter_needed"] = bool(row.interpreter_needed)
    data["measures"] = [
        MeasureLine(m.measure_code, m.description, m.quantity, m.unit_cost_pence, m.installed) for m in lines
    ]
    return ReferralRecord.from_dict(data)


def write_record(row: SaferHomesReferral, record: ReferralRecord, names: Names) -> None:
    """Copy a record's values onto its row (not the measures, which are rows of their own)."""
    data = record.to_dict()
    for name in _COLUMNS:
        value = getattr(record, name)
        if name == "phones":
            value = data["phones"]
        elif isinstance(value, Labelled):
            value = value.value  # enums are stored as their codes
        setattr(row, name, value)
    row.children_in_household = record.children_in_household or 0
    row.referrer_agency_id = names.agency_id(record.referrer_agency)
    row.ward_id = names.ward_id(record.ward)


def load(session: Session, referral_id: uuid.UUID) -> SaferHomesReferral:
    row = session.get(SaferHomesReferral, referral_id)
    if row is None:
        raise NotFound("That Safer Homes referral no longer exists.")
    return row


def measures_of(session: Session, referral_id: uuid.UUID) -> list[SaferHomesMeasure]:
    return list(
        session.scalars(
            select(SaferHomesMeasure)
            .where(SaferHomesMeasure.referral_id == referral_id)
            .order_by(SaferHomesMeasure.created_at, SaferHomesMeasure.measure_code)
        )
    )


def all_records(
    session: Session, names: Names | None = None
) -> list[tuple[SaferHomesReferral, ReferralRecord]]:
    """Every referral with its measures, in two queries (the scheme makes hundreds a year, not millions)."""
    names = names or Names.load(session)
    lines: dict[uuid.UUID, list[SaferHomesMeasure]] = {}
    for m in session.scalars(select(SaferHomesMeasure).order_by(SaferHomesMeasure.created_at)):
        lines.setdefault(m.referral_id, []).append(m)
    rows = session.scalars(select(SaferHomesReferral)).all()
    return [(r, to_record(r, lines.get(r.id, ()), names)) for r in rows]


def next_reference(session: Session, referred_on: date) -> str:
    if provisional := provisional_reference(session, "safer_homes_referral"):  # a working copy
        return provisional
    prefix = f"SH-{referred_on.year}-"
    one_at_a_time(session, "safer_homes_referral.reference")
    refs = session.scalars(
        select(SaferHomesReferral.reference).where(SaferHomesReferral.reference.like(prefix + "%"))
    ).all()
    numbers = [int(r[len(prefix) :]) for r in refs if r[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"
