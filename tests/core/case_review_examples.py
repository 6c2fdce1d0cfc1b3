"""Cases with real incident rows, for the Case Review service tests (core and GUI)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.storage.models import Agency, AsbCase, CaseParty, Incident, Person


def agency_id(s: Session, code: str) -> uuid.UUID:
    return s.scalar(select(Agency.id).where(Agency.code == code))


def make_case(engine, reference: str, *, reporter: str = "Jean Bloor") -> tuple[uuid.UUID, uuid.UUID]:
    """A case with a complainant; returns (case id, complainant party id)."""
    with Session(engine) as s:
        forename, surname = reporter.split(" ", 1)
        person = Person(forename=forename, surname=surname)
        case = AsbCase(
            reference=reference,
            title=f"Nuisance at Maurice Lea Park ({reference})",
            category="youth_asb",
            priority_theme="asb_safer_spaces",
            reported_via="phone",
            reported_on=date(2023, 1, 5),
        )
        s.add_all([person, case])
        s.flush()
        party = CaseParty(case_id=case.id, role="complainant", kind="person", person_id=person.id)
        s.add(party)
        s.commit()
        return case.id, party.id


def add_incident(
    engine,
    case_id: uuid.UUID,
    occurred: date,
    reported: date,
    *,
    party_id: uuid.UUID | None = None,
    reporter_name: str | None = None,
    agency: str = "SDDC",
    duplicate_of: uuid.UUID | None = None,
    hour: int = 21,
) -> uuid.UUID:
    with Session(engine) as s:
        inc = Incident(
            case_id=case_id,
            occurred_at=datetime.combine(occurred, time(hour, 0)),
            reported_on=reported,
            reporter_party_id=party_id,
            reporter_name=reporter_name,
            reporting_agency_id=agency_id(s, agency),
            description="Stones thrown at windows",
            duplicate_of_id=duplicate_of,
        )
        s.add(inc)
        s.commit()
        return inc.id


def case_with_enough_incidents(engine, reference: str = "ASB-2023-00042") -> uuid.UUID:
    """Four timely complaints from the complainant between February and April 2023."""
    case_id, party = make_case(engine, reference)
    for d in (date(2023, 2, 10), date(2023, 3, 3), date(2023, 3, 20), date(2023, 4, 12)):
        add_incident(engine, case_id, d, d, party_id=party)
    return case_id
