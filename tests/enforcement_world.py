"""A small world for the enforcement tests: a case with perpetrators of every kind, and officers.

Rows are written directly (the case screens are built elsewhere); every enforcement step then goes
through the services, as the app does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from cspdesk.core.domain.vocab import Role
from cspdesk.core.services.context import Actor
from cspdesk.core.services.enforcement.enforcement_dto import InformedInput, RequirementInput, StepRequest
from cspdesk.core.storage.models import Address, AsbCase, CaseParty, Incident, Organisation, Person, Ward

TODAY = date(2026, 11, 26)


@dataclass
class World:
    case_id: uuid.UUID
    other_case_id: uuid.UUID
    adult: uuid.UUID  # party: Kyle Ashby, born 1990
    teen: uuid.UUID  # party: 15 on TODAY
    no_dob: uuid.UUID
    body: uuid.UUID  # a business
    group: uuid.UUID  # "group of youths", unnamed
    complainant: uuid.UUID
    adult_on_other_case: uuid.UUID  # the same person as ``adult``, on another case
    stranger: uuid.UUID  # a different adult on the other case
    incident: uuid.UUID
    other_incident: uuid.UUID
    admin: Actor
    officer: Actor
    partner: Actor


def make_world(services) -> World:
    users = services.users
    users.add_user(services.actor, "dean.slater", "Dean Slater", Role.OFFICER)
    users.add_user(services.actor, "snt.partner", "SNT Partner", Role.PARTNER)
    officer, _ = users.sign_in("dean.slater")
    partner, _ = users.sign_in("snt.partner")
    with Session(services.database.engine) as s:
        ward = s.query(Ward).first()
        addr = Address(
            line1="12 Alma Street", town="Swadlincote", postcode="DE11 8AB", ward_id=ward.id if ward else None
        )
        s.add(addr)
        s.flush()
        case = AsbCase(
            reference="ASB-2026-00001",
            title="Loud music and abuse, Alma Street",
            category="noise",
            priority_theme="asb_safer_spaces",
            reported_via="phone",
            reported_on=date(2025, 1, 2),
            location_id=addr.id,
            ward_id=addr.ward_id,
            officer_id=officer.user_id,
            location_summary="12 Alma Street, Swadlincote, DE11 8AB",
        )
        other = AsbCase(
            reference="ASB-2026-00002",
            title="Off-road bikes on Eureka Park",
            category="off_road_bikes",
            priority_theme="asb_safer_spaces",
            reported_via="police",
            reported_on=date(2025, 1, 3),
        )
        s.add_all([case, other])
        kyle = Person(forename="Kyle", surname="Ashby", date_of_birth=date(1990, 5, 17), address_id=addr.id)
        teen = Person(forename="Tyler", surname="Moss", date_of_birth=date(2011, 6, 1))
        nodob = Person(forename="Jay", surname="Unknown")
        comp = Person(forename="Mary", surname="Hollis", date_of_birth=date(1950, 1, 1))
        stranger = Person(forename="Lee", surname="Barton", date_of_birth=date(1985, 2, 2))
        shop = Organisation(name="Delph Convenience Store", kind="business", address_id=addr.id)
        s.add_all([kyle, teen, nodob, comp, stranger, shop])
        s.flush()

        def party(case_id, role, kind, person=None, org=None, group=None):
            p = CaseParty(
                case_id=case_id,
                role=role,
                kind=kind,
                person_id=person.id if person else None,
                organisation_id=org.id if org else None,
                group_description=group,
            )
            s.add(p)
            s.flush()
            return p.id

        ids = dict(
            adult=party(case.id, "perpetrator", "person", kyle),
            teen=party(case.id, "perpetrator", "person", teen),
            no_dob=party(case.id, "perpetrator", "person", nodob),
            body=party(case.id, "perpetrator", "business", org=shop),
            group=party(case.id, "perpetrator", "group", group="Group of youths"),
            complainant=party(case.id, "complainant", "person", comp),
            adult_on_other_case=party(other.id, "perpetrator", "person", kyle),
            stranger=party(other.id, "perpetrator", "person", stranger),
        )
        inc = Incident(
            case_id=case.id,
            occurred_at=datetime(2026, 3, 1, 22),
            reported_on=date(2026, 3, 2),
            description="Music until 3am",
        )
        inc2 = Incident(
            case_id=other.id,
            occurred_at=datetime(2026, 3, 1, 22),
            reported_on=date(2026, 3, 2),
            description="Bikes on the grass",
        )
        s.add_all([inc, inc2])
        s.commit()
        return World(
            case_id=case.id,
            other_case_id=other.id,
            incident=inc.id,
            other_incident=inc2.id,
            admin=services.actor,
            officer=officer,
            partner=partner,
            **ids,
        )


def step(w: World, kind: str, issued_on: date | None, party: uuid.UUID | None = None, **kw) -> StepRequest:
    """A complete request for ``kind`` against ``party`` (the adult unless given)."""
    defaults: dict = dict(
        conduct="Playing loud amplified music late at night at 12 Alma Street",
        detrimental_effect="Neighbours cannot sleep; an elderly resident is distressed",
        requirements=(
            RequirementInput(
                "stop", "Stop playing amplified music audible outside the property between 11pm and 7am"
            ),
            RequirementInput(
                "do",
                "Attend a meeting with the Community Safety team",
                issued_on and date(issued_on.year + (issued_on.month == 12), issued_on.month % 12 + 1, 1),
            ),
        ),
        served_on=issued_on,
        service_method="Hand delivered",
    )
    if kind == "cpn":
        defaults["informed"] = (InformedInput("Derbyshire Constabulary SNT", issued_on or TODAY),)
    defaults.update(kw)
    on_other = party in (w.adult_on_other_case, w.stranger)
    return StepRequest(
        case_id=w.other_case_id if on_other else w.case_id,
        party_id=party or w.adult,
        kind=kind,
        issued_on=issued_on,
        **defaults,
    )
