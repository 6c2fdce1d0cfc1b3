"""Keeps a case's list columns (search text, parties and location summaries) in step with its rows.

Call ``refresh_case_index`` inside the unit of work of any change to a case's parties or location.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.domain.vocab import PartyRole
from cspdesk.core.storage.models import Address, AsbCase, CaseParty, ImportedRecord, Organisation, Person
from cspdesk.core.storage.search import compose_search_text


def person_name(p: Person) -> str:
    return " ".join(x for x in (p.forename, p.surname) if x)


def address_text(a: Address | None) -> str:
    if a is None:
        return ""
    return ", ".join(x for x in (a.place_name, a.line1, a.line2, a.town, a.postcode) if x)


def age_on(dob: date | None, on: date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def refresh_case_index(session: Session, case_id: uuid.UUID) -> None:
    session.flush()  # the unit of work does not autoflush: the query below must see this action's changes
    case = session.get(AsbCase, case_id)
    if case is None:
        return
    rows = session.execute(
        select(CaseParty, Person, Organisation)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Organisation, Organisation.id == CaseParty.organisation_id)
        .where(CaseParty.case_id == case_id, CaseParty.removed_on.is_(None))
    ).all()
    parts: list[str | None] = [case.reference, case.title]
    # A case moved in from a spreadsheet stays findable by its old reference (services.moving_in).
    parts.extend(
        session.scalars(
            select(ImportedRecord.legacy_reference).where(
                ImportedRecord.entity_type == "case", ImportedRecord.entity_id == case_id
            )
        )
    )
    by_role: dict[str, list[str]] = {}
    address_ids = {case.location_id} - {None}
    for party, person, org in rows:
        name = person_name(person) if person else (org.name if org else party.group_description or "")
        by_role.setdefault(party.role, []).append(name)
        parts.append(name)
        if person and person.address_id:
            address_ids.add(person.address_id)
        if org and org.address_id:
            address_ids.add(org.address_id)
    addresses = (
        {a.id: a for a in session.scalars(select(Address).where(Address.id.in_(address_ids)))}
        if address_ids
        else {}
    )
    for a in addresses.values():
        parts.extend([a.place_name, a.line1, a.line2, a.town, a.postcode])
    order = [
        PartyRole.COMPLAINANT,
        PartyRole.VICTIM,
        PartyRole.PERPETRATOR,
        PartyRole.WITNESS,
        PartyRole.OTHER,
    ]
    summary = "; ".join(f"{r.label}: {', '.join(by_role[r.value])}" for r in order if r.value in by_role)
    case.parties_summary = summary[:500]
    loc = addresses.get(case.location_id) if case.location_id else None
    case.location_summary = address_text(loc)[:300]
    if loc is not None:
        case.ward_id = loc.ward_id
    case.search_text = compose_search_text(parts)
