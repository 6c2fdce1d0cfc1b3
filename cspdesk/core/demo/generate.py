"""Fill a database with a few years of realistic, clearly fictional casework.

Written with bulk Core inserts so that ``--cases 100000`` (the benchmark volume) takes seconds,
not minutes. Every row gets the same columns the services would have written, including the
case list's search text and summaries, so the demo exercises the real screens.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from cspdesk.core.clock import current as current_clock
from cspdesk.core.demo.places import FORENAMES, PLACES, SURNAMES, TOWNS
from cspdesk.core.domain.vocab import (
    AsbCategory,
    ClosureReason,
    MeetingKind,
    PriorityTag,
    Role,
)
from cspdesk.core.storage.models import (
    Address,
    Agency,
    AppSetting,
    AppUser,
    AsbCase,
    CaseAction,
    CaseParty,
    CasePriorityTag,
    ChronologyEntry,
    ForumIssue,
    Incident,
    Meeting,
    Organisation,
    Parish,
    Person,
    RiskAssessment,
    Ward,
)
from cspdesk.core.storage.search import compose_search_text

DEMO_START = date(2022, 4, 1)  # the plan's year 2022/23 is fully covered

# category -> (headline theme tag(s), weight, title templates)
CATEGORIES: dict[AsbCategory, tuple[list[PriorityTag], int, list[str]]] = {
    AsbCategory.YOUTH_ASB: (
        [PriorityTag.YOUTH_ASB, PriorityTag.PARKS_OPEN_SPACES],
        26,
        [
            "Groups of youths causing nuisance at {place}",
            "Youths throwing stones at {place}",
            "Intimidation by youths near {place}",
        ],
    ),
    AsbCategory.NUISANCE_VEHICLES: (
        [PriorityTag.NUISANCE_VEHICLES],
        14,
        [
            "Car cruising and revving at {place}",
            "Inconsiderate parking on {street}",
            "Abandoned van at {place}",
        ],
    ),
    AsbCategory.OFF_ROAD_BIKES: (
        [PriorityTag.NUISANCE_VEHICLES, PriorityTag.RURAL_CRIME],
        8,
        ["Off-road bikes on {place}", "Quad bikes tearing up {place}"],
    ),
    AsbCategory.NEIGHBOUR_NUISANCE: (
        [PriorityTag.SUPPORTING_VICTIMS],
        18,
        ["Neighbour dispute on {street}", "Verbal abuse from neighbour, {street}"],
    ),
    AsbCategory.NOISE: (
        [PriorityTag.SUPPORTING_VICTIMS],
        10,
        ["Loud music late at night, {street}", "Barking dog and shouting, {street}"],
    ),
    AsbCategory.DRUGS: (
        [PriorityTag.SUBSTANCE_MISUSE, PriorityTag.CUCKOOING_COUNTY_LINES],
        7,
        ["Suspected drug dealing at {place}", "Cannabis smoke and visitors at all hours, {street}"],
    ),
    AsbCategory.HATE_RELATED: (
        [PriorityTag.HATE_CRIME],
        4,
        ["Racist graffiti at {place}", "Homophobic abuse towards resident, {street}"],
    ),
    AsbCategory.CRIMINAL_DAMAGE: (
        [PriorityTag.PERSISTENT_OFFENDERS],
        6,
        ["Damage to play equipment at {place}", "Repeated damage to fences, {street}"],
    ),
    AsbCategory.STREET_DRINKING: ([PriorityTag.SUBSTANCE_MISUSE], 4, ["Street drinking at {place}"]),
    AsbCategory.ENVIRONMENTAL: ([PriorityTag.PARKS_OPEN_SPACES], 3, ["Fly-tipping at {place}"]),
    AsbCategory.INTIMIDATION: (
        [PriorityTag.SERIOUS_VIOLENCE, PriorityTag.YOUTH_ASB],
        4,
        ["Youths seen carrying knives near {place}", "Threats of violence towards resident, {street}"],
    ),
    AsbCategory.OTHER: (
        [PriorityTag.VEHICLE_CRIME, PriorityTag.RURAL_CRIME],
        5,
        [
            "Suspicious vehicles at {place}",
            "Thefts from lorries at {place}",
            "Vans casing farm buildings near {place}",
        ],
    ),
}
CHANNELS = [
    ("phone", 35),
    ("email", 25),
    ("police", 20),
    ("area_forum", 5),
    ("councillor", 7),
    ("online_form", 8),
]
AGENCY_FOR_ACTION = ["SDDC", "SNT-SWAD", "SNT-MERCIA", "SNT-MELB", "SNT-EHH", "YOT", "HOUSING", "DFRS", "CVS"]
ACTION_TEXT = [
    "Visit complainant and take statement",
    "Send diary sheets to complainant",
    "Patrol hotspot at peak times",
    "Check CCTV footage",
    "Deliver warning letter to perpetrator's address",
    "Refer to YOT for diversion",
    "Arrange mediation",
    "Fire service home safety visit",
    "Housing officer tenancy visit",
    "Review at Police and Partner Tasking",
    "Install temporary CCTV camera",
    "Offer Safer Homes referral",
]
INCIDENT_TEXT = [
    "Shouting and swearing at residents",
    "Stones thrown at windows",
    "Bikes ridden across the grass",
    "Loud music until 2am",
    "Abuse shouted at complainant",
    "Damage to parked car",
    "Group gathered drinking",
    "Fireworks let off in the street",
    "Revving engines in car park",
    "Litter and bottles left behind",
]


@dataclass
class DemoContext:
    """What area generators share: the session, the random source, and ids already made."""

    session: Session
    rng: random.Random
    today: date
    users: list[uuid.UUID]
    agencies: dict[str, uuid.UUID]
    wards: dict[str, uuid.UUID]
    now: datetime = field(
        default_factory=lambda: current_clock().utcnow().replace(microsecond=0)
    )  # created_at
    cases: list[dict] = field(default_factory=list)
    perpetrators: list[dict] = field(default_factory=list)  # party rows with role perpetrator
    victims: list[dict] = field(default_factory=list)


# The smallest demo that shows every area at the plan's yearly figures (the tests' demo database). A smaller
# one scales every area down with it (issue 19: ``--cases 10`` made 672 notices and 1,555 Safer Homes
# referrals); enforcement also scales up above its plan scale (enforcement.CASES_AT_PLAN_SCALE).
SMALL_DEMO_CASES = 400


def small_demo_scale(cases: int) -> float:
    """1.0 from SMALL_DEMO_CASES up; in proportion below it."""
    return min(1.0, cases / SMALL_DEMO_CASES)


@dataclass(frozen=True)
class DemoReport:
    cases: int
    people: int
    incidents: int
    actions: int
    meetings: int
    seconds: float
    extra: dict[str, int]


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def _base(now: datetime) -> dict:
    return {"created_at": now, "updated_at": now, "version": 1}


def generate_demo(
    session: Session,
    *,
    cases: int = 1500,
    seed: int = 2023,
    today: date | None = None,
    admin_username: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    extras: list[Callable[[DemoContext], dict[str, int]]] | None = None,
) -> DemoReport:
    """Write demo data into an empty, migrated database. The caller commits."""
    started = time.perf_counter()
    rng = random.Random(seed)
    clock = current_clock()
    today = today or clock.today()
    now = clock.utcnow().replace(microsecond=0)
    base = _base(now)
    s = session
    report = progress or (lambda *_: None)

    wards = {w.name: w.id for w in s.execute(select(Ward.id, Ward.name))}
    parishes = {p.name: p.id for p in s.execute(select(Parish.id, Parish.name))}
    agencies = {a.code: a.id for a in s.execute(select(Agency.id, Agency.code))}

    # Users: whoever runs the demo stays (or becomes) administrator; four fictional officers and a partner.
    users: list[uuid.UUID] = []
    existing = s.scalar(select(func.count()).select_from(AppUser))
    if not existing and admin_username:
        s.execute(
            insert(AppUser),
            [
                {
                    "id": uuid.uuid4(),
                    "username": admin_username.lower(),
                    "display_name": admin_username,
                    "role": Role.ADMINISTRATOR.value,
                    "active": True,
                    "permissions": [],
                    **base,
                }
            ],
        )
    taken = {u.username: u.id for u in s.execute(select(AppUser.username, AppUser.id))}
    officer_rows = []
    for uname, name, title in [
        ("sarah.bancroft", "Sarah Bancroft", "Community Safety Officer"),
        ("mark.tunnicliffe", "Mark Tunnicliffe", "Community Safety Officer"),
        ("priya.khan", "Priya Khan", "Senior Community Safety Officer"),
        ("dean.slater", "Dean Slater", "ASB Enforcement Officer"),
    ]:
        if uname in taken:  # whoever runs the demo may be one of its officers
            users.append(taken[uname])
            continue
        uid = uuid.uuid4()
        users.append(uid)
        officer_rows.append(
            {
                "id": uid,
                "username": uname,
                "display_name": name,
                "role": Role.OFFICER.value,
                "job_title": title,
                "active": True,
                "permissions": ["safer_homes_restricted"] if uname == "priya.khan" else [],
                **base,
            }
        )
    if "snt.swadlincote" not in taken:
        officer_rows.append(
            {
                "id": uuid.uuid4(),
                "username": "snt.swadlincote",
                "display_name": "Swadlincote SNT",
                "role": Role.PARTNER.value,
                "job_title": "Police partner",
                "active": True,
                "permissions": [],
                **base,
            }
        )
    if officer_rows:
        s.execute(insert(AppUser), officer_rows)
    s.execute(insert(AppSetting), [{"id": uuid.uuid4(), "key": "demo.data", "value": True, **base}])

    # Places
    addresses: list[dict] = []
    place_rows = []
    town_info = {t[0]: t for t in TOWNS}
    for name, town, ptype, pc, lat, lon in PLACES:
        _, ward, parish, _, _ = town_info[town]
        row = {
            "id": uuid.uuid4(),
            "place_name": name,
            "line1": None,
            "line2": None,
            "town": town,
            "postcode": pc,
            "ward_id": wards.get(ward),
            "parish_id": parishes.get(parish) if parish else None,
            "place_type": ptype,
            "latitude": lat,
            "longitude": lon,
            **base,
        }
        place_rows.append(row)
    addresses.extend(place_rows)

    def new_address() -> dict:
        town, ward, parish, district, streets = rng.choice(TOWNS)
        pc = (
            f"{district} "
            f"{rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )
        row = {
            "id": uuid.uuid4(),
            "place_name": None,
            "line1": f"{rng.randint(1, 180)} {rng.choice(streets)}",
            "line2": None,
            "town": town,
            "postcode": pc,
            "ward_id": wards.get(ward),
            "parish_id": parishes.get(parish) if parish else None,
            "place_type": "residential",
            "latitude": None,
            "longitude": None,
            **base,
        }
        addresses.append(row)
        return row

    people: list[dict] = []

    def new_person(age_range: tuple[int, int], on: date, address: dict | None = None) -> dict:
        age = rng.randint(*age_range)
        dob = on - timedelta(days=age * 365 + rng.randint(0, 364))
        addr = address or new_address()
        row = {
            "id": uuid.uuid4(),
            "title": None,
            "forename": rng.choice(FORENAMES),
            "surname": rng.choice(SURNAMES),
            "known_as": None,
            "date_of_birth": dob,
            "gender": None,
            "phone": f"07{rng.randint(700, 999)} {rng.randint(100000, 999999)}",
            "email": None,
            "address_id": addr["id"],
            "vulnerable": rng.random() < 0.08,
            "notes": None,
            **base,
        }
        people.append(row)
        return row

    ctx = DemoContext(session=s, rng=rng, today=today, users=users, agencies=agencies, wards=wards, now=now)
    case_rows: list[dict] = []
    tag_rows: list[dict] = []
    party_rows: list[dict] = []
    org_rows: list[dict] = []
    incident_rows: list[dict] = []
    action_rows: list[dict] = []
    chron_rows: list[dict] = []
    risk_rows: list[dict] = []
    span = (today - DEMO_START).days
    cat_pairs = [(c, v[1]) for c, v in CATEGORIES.items()]
    seq_by_year: dict[int, int] = {}
    for i in range(cases):
        if i % 5000 == 0:
            report("cases", i, cases)
        reported = DEMO_START + timedelta(days=int(span * (i + rng.random()) / max(cases, 1)))
        reported = min(reported, today)
        seq_by_year[reported.year] = seq_by_year.get(reported.year, 0) + 1
        ref = f"ASB-{reported.year}-{seq_by_year[reported.year]:05d}"
        cat = _weighted(rng, cat_pairs)
        tags, _, titles = CATEGORIES[cat]
        complainant_addr = new_address()
        at_place = (
            cat
            in (
                AsbCategory.YOUTH_ASB,
                AsbCategory.OFF_ROAD_BIKES,
                AsbCategory.STREET_DRINKING,
                AsbCategory.ENVIRONMENTAL,
                AsbCategory.DRUGS,
                AsbCategory.OTHER,
                AsbCategory.INTIMIDATION,
            )
            and rng.random() < 0.7
        )
        roadside = [
            p for p in place_rows if p["place_type"] in ("layby", "service_station", "rural_land", "car_park")
        ]
        location = (
            (rng.choice(roadside if cat == AsbCategory.OTHER else place_rows))
            if at_place
            else complainant_addr
        )
        title = rng.choice(titles).format(
            place=location["place_name"] or location["town"],
            street=(complainant_addr["line1"] or "").split(" ", 1)[-1],
        )
        age_days = (today - reported).days
        closed = age_days > 60 and rng.random() < min(0.97, age_days / 200)
        case_id = uuid.uuid4()
        officer = rng.choice(users)
        parts: list[str | None] = [ref, title]
        summary: dict[str, list[str]] = {}

        def add_party(
            role: str,
            kind: str,
            person=None,
            org=None,
            group=None,
            vulnerable=False,
            case_id=case_id,
            summary=summary,
            parts=parts,
        ):
            row = {
                "id": uuid.uuid4(),
                "case_id": case_id,
                "role": role,
                "kind": kind,
                "person_id": person["id"] if person else None,
                "organisation_id": org["id"] if org else None,
                "group_description": group,
                "vulnerable": vulnerable,
                "notes": None,
                "removed_on": None,
                **base,
            }
            party_rows.append(row)
            name = f"{person['forename']} {person['surname']}" if person else (org["name"] if org else group)
            summary.setdefault(role, []).append(name)
            parts.append(name)
            return row

        if rng.random() < 0.86:
            comp = new_person((24, 85), reported, complainant_addr)
            comp_party = add_party("complainant", "person", person=comp, vulnerable=comp["vulnerable"])
            if rng.random() < 0.5:
                ctx.victims.append({**comp_party, "case": case_id})
        else:
            kind = rng.choice(["business", "community_group"])
            org = {
                "id": uuid.uuid4(),
                "name": rng.choice(
                    [
                        "Delph Convenience Store",
                        "Woodville Tandoori",
                        "Midway Residents' Association",
                        "Melbourne Civic Society",
                        "Hilton Parish Allotments",
                        "Gresley Old Hall Trust",
                        "Swadlincote Traders' Group",
                        "Repton Village Shop",
                    ]
                ),
                "kind": kind,
                "contact_name": None,
                "phone": None,
                "email": None,
                "address_id": complainant_addr["id"],
                **base,
            }
            org_rows.append(org)
            comp_party = add_party("complainant", kind, org=org)
        parts.extend([complainant_addr["line1"], complainant_addr["town"], complainant_addr["postcode"]])
        if location is not complainant_addr:
            parts.extend([location["place_name"], location["town"], location["postcode"]])
        perp_party = None
        r = rng.random()
        if r < 0.55:
            youth = cat in (AsbCategory.YOUTH_ASB, AsbCategory.OFF_ROAD_BIKES, AsbCategory.CRIMINAL_DAMAGE)
            perp = new_person((12, 17) if youth and rng.random() < 0.7 else (18, 60), reported)
            perp_party = add_party("perpetrator", "person", person=perp)
            ctx.perpetrators.append(
                {
                    **perp_party,
                    "dob": perp["date_of_birth"],
                    "case": case_id,
                    "reported": reported,
                    "name": f"{perp['forename']} {perp['surname']}",
                    "closed": closed,
                }
            )
            parts.extend([a for a in (addresses[-1]["line1"], addresses[-1]["postcode"])])
        elif r < 0.8:
            add_party(
                "perpetrator",
                "group",
                group=rng.choice(
                    [
                        "Group of 6-8 youths",
                        "Group of youths on bikes",
                        "Unknown drivers",
                        "Group of adults drinking",
                    ]
                ),
            )
        if rng.random() < 0.15:
            add_party("witness", "person", person=new_person((30, 80), reported))

        risk = None
        next_review = None
        if rng.random() < 0.7:
            risk = _weighted(rng, [("standard", 60), ("medium", 30), ("high", 10)])
            score = {
                "standard": rng.randint(0, 9),
                "medium": rng.randint(10, 19),
                "high": rng.randint(20, 30),
            }[risk]
            assessed = reported + timedelta(days=rng.randint(0, 5))
            cadence = {"standard": 0, "medium": 28, "high": 14}[risk]
            if not closed and cadence:
                next_review = assessed + timedelta(
                    days=cadence * (1 + max(0, (today - assessed).days) // cadence)
                )
                if rng.random() < 0.2:
                    next_review = today - timedelta(days=rng.randint(1, 10))  # some reviews overdue
            risk_rows.append(
                {
                    "id": uuid.uuid4(),
                    "case_id": case_id,
                    "party_id": comp_party["id"],
                    "assessed_on": min(assessed, today),
                    "assessor_id": officer,
                    "questionnaire": {"version": "default-1"},
                    "answers": {},
                    "score": score,
                    "level": risk,
                    "next_review_on": next_review,
                    "single_point_of_contact": None,
                    "notes": None,
                    **base,
                }
            )

        n_inc = rng.choices([1, 2, 3, 4, 5, 6, 8], weights=[25, 25, 18, 12, 8, 7, 5])[0]
        last = reported
        for _ in range(n_inc):
            occurred = (
                reported - timedelta(days=rng.randint(0, 3))
                if not incident_rows or rng.random() < 0.3
                else min(today, last + timedelta(days=rng.randint(0, 20)))
            )
            last = max(last, occurred)
            agency = rng.choice(["SDDC", "POLICE", "SDDC", "HOUSING"])
            inc_id = uuid.uuid4()
            incident_rows.append(
                {
                    "id": inc_id,
                    "case_id": case_id,
                    "occurred_at": datetime.combine(occurred, datetime.min.time())
                    + timedelta(hours=rng.randint(15, 23)),
                    "reported_on": min(today, occurred + timedelta(days=rng.randint(0, 3))),
                    "reporter_party_id": comp_party["id"],
                    "reporter_name": None,
                    "reporting_agency_id": agencies.get(agency),
                    "police_reference": f"{rng.randint(10, 99)}{rng.randint(100000, 999999)}"
                    if agency == "POLICE"
                    else None,
                    "category": cat.value,
                    "description": rng.choice(INCIDENT_TEXT),
                    "location_id": location["id"],
                    "duplicate_of_id": None,
                    **base,
                }
            )
            chron_rows.append(
                _chron(
                    case_id,
                    incident_rows[-1]["occurred_at"],
                    "incident",
                    f"Incident: {incident_rows[-1]['description']}",
                    "system",
                    "incident",
                    inc_id,
                    base,
                )
            )
        for _ in range(rng.randint(1, 3)):
            due = reported + timedelta(days=rng.randint(3, 45))
            done = closed or (due < today and rng.random() < 0.75)
            act_id = uuid.uuid4()
            action_rows.append(
                {
                    "id": act_id,
                    "case_id": case_id,
                    "case_review_id": None,
                    "meeting_id": None,
                    "description": rng.choice(ACTION_TEXT),
                    "owner_agency_id": agencies[rng.choice(AGENCY_FOR_ACTION)],
                    "owner_user_id": officer,
                    "due_on": due,
                    "status": "done" if done else "open",
                    "completed_on": min(due, today) if done else None,
                    "outcome": "Completed" if done else None,
                    "progress": None,
                    **base,
                }
            )
            chron_rows.append(
                _chron(
                    case_id,
                    datetime.combine(reported, datetime.min.time()) + timedelta(hours=10),
                    "action",
                    f"Action set: {action_rows[-1]['description']}",
                    "system",
                    "action",
                    act_id,
                    base,
                )
            )
        chron_rows.append(
            _chron(
                case_id,
                datetime.combine(reported, datetime.min.time()) + timedelta(hours=9),
                "status",
                "Case opened",
                "system",
                None,
                None,
                base,
            )
        )
        closed_on = closure = None
        if closed:
            closed_on = min(today, last + timedelta(days=rng.randint(7, 60)))
            closure = _weighted(
                rng,
                [
                    (ClosureReason.RESOLVED.value, 60),
                    (ClosureReason.NO_FURTHER_ACTION.value, 20),
                    (ClosureReason.REFERRED.value, 10),
                    (ClosureReason.INSUFFICIENT_EVIDENCE.value, 10),
                ],
            )
            chron_rows.append(
                _chron(
                    case_id,
                    datetime.combine(closed_on, datetime.min.time()) + timedelta(hours=16),
                    "status",
                    f"Case closed: {ClosureReason(closure).label}",
                    "system",
                    None,
                    None,
                    base,
                )
            )
        order = ["complainant", "victim", "perpetrator", "witness", "other"]
        labels = {
            "complainant": "Complainant",
            "victim": "Victim",
            "perpetrator": "Perpetrator",
            "witness": "Witness",
        }
        case_rows.append(
            {
                "id": case_id,
                "reference": ref,
                "title": title,
                "description": f"{title}. Reported by {comp_party['kind']}.",
                "category": cat.value,
                "priority_theme": tags[0].theme.value,
                "status": "closed" if closed else "open",
                "reported_via": _weighted(rng, CHANNELS),
                "reported_on": reported,
                "location_id": location["id"],
                "ward_id": location["ward_id"],
                "officer_id": officer,
                "risk_level": risk,
                "next_review_on": next_review,
                "repeat_victim": n_inc >= 3 and rng.random() < 0.5,
                "case_review_told_on": None,
                "closed_on": closed_on,
                "closure_reason": closure,
                "last_activity_on": closed_on or last,
                "search_text": compose_search_text(parts),
                "parties_summary": "; ".join(
                    f"{labels[r]}: {', '.join(summary[r])}" for r in order if r in summary
                )[:500],
                "location_summary": ", ".join(
                    x
                    for x in (
                        location["place_name"],
                        location["line1"],
                        location["town"],
                        location["postcode"],
                    )
                    if x
                ),
                **base,
            }
        )
        for t in tags:
            tag_rows.append({"case_id": case_id, "tag": t.value})
        ctx.cases.append(case_rows[-1])

    report("saving", 0, 1)
    for model, rows in [
        (Address, addresses),
        (Person, people),
        (Organisation, org_rows),
        (AsbCase, case_rows),
        (CasePriorityTag, tag_rows),
        (CaseParty, party_rows),
        (Incident, incident_rows),
        (CaseAction, action_rows),
        (ChronologyEntry, chron_rows),
        (RiskAssessment, risk_rows),
    ]:
        for start in range(0, len(rows), 20000):
            s.execute(insert(model), rows[start : start + 20000])

    _meetings(ctx, base)
    extra: dict[str, int] = {}
    for gen in extras or []:
        extra.update(gen(ctx))
    report("done", 1, 1)
    # Counted in the database, after every area has added its own (Case Reviews add incidents and actions), so
    # the summary says what ``cspdesk check`` will count (issue 19). Demo data
    # only goes into an empty database.
    s.flush()
    counted = {
        model: s.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (AsbCase, Person, Incident, CaseAction, Meeting)
    }
    return DemoReport(
        cases=counted[AsbCase],
        people=counted[Person],
        incidents=counted[Incident],
        actions=counted[CaseAction],
        meetings=counted[Meeting],
        seconds=time.perf_counter() - started,
        extra=extra,
    )


def _chron(case_id, at, kind, summary, author, rtype, rid, base) -> dict:
    return {
        "id": uuid.uuid4(),
        "case_id": case_id,
        "occurred_at": at,
        "kind": kind,
        "summary": summary,
        "body": None,
        "author": author,
        "related_type": rtype,
        "related_id": rid,
        "corrects_id": None,
        "superseded": False,
        **base,
    }


def _meetings(ctx: DemoContext, base: dict) -> int:
    """Six area forums a year, bi-monthly Safer Spaces, fortnightly tasking, monthly IOM and CARE."""
    rng, today = ctx.rng, ctx.today
    rows, issues = [], []
    forum_areas = [
        ("Swadlincote", "Swadlincote"),
        ("Melbourne and Aston", "Melbourne"),
        ("Hilton and Etwall", "Hilton"),
        ("Woodville and Midway", "Woodville"),
        ("Linton and Seales", "Linton"),
        ("Repton and Willington", "Repton"),
    ]
    d = DEMO_START
    forum_i = 0
    scale = small_demo_scale(len(ctx.cases))
    kept = (lambda: True) if scale >= 1 else (lambda: rng.random() < scale)  # the same data at full scale
    while d <= today:
        if d.month % 2 == 0 and d.day == 1:
            area, ward = forum_areas[forum_i % 6]
            forum_i += 1
            held = d + timedelta(days=14)
            if held <= today and kept():
                mid = uuid.uuid4()
                rows.append(
                    {
                        "id": mid,
                        "kind": MeetingKind.AREA_FORUM.value,
                        "title": f"{area} Area Forum",
                        "held_on": held,
                        "venue": f"{ward} Village Hall" if ward != "Swadlincote" else "Civic Offices",
                        "ward_id": ctx.wards.get(ward),
                        "attendees": "Ward councillors; parish council clerks; Police SNT",
                        "notes": None,
                        **base,
                    }
                )
                for _ in range(rng.randint(2, 5)):
                    case = rng.choice(ctx.cases) if ctx.cases else None
                    issues.append(
                        {
                            "id": uuid.uuid4(),
                            "meeting_id": mid,
                            "raised_by": rng.choice(
                                ["Parish councillor", "Resident", "Ward councillor", "SNT sergeant"]
                            ),
                            "description": case["title"] if case else "Speeding on the main road",
                            "case_id": case["id"] if case else None,
                            "incident_id": None,
                            "action_id": None,
                            **base,
                        }
                    )
            if d + timedelta(days=7) <= today and kept():
                rows.append(
                    {
                        "id": uuid.uuid4(),
                        "kind": MeetingKind.SAFER_SPACES.value,
                        "title": "Safer Spaces meeting",
                        "held_on": d + timedelta(days=7),
                        "venue": "Civic Offices",
                        "ward_id": None,
                        "attendees": None,
                        "notes": None,
                        **base,
                    }
                )
        if d.day == 1:
            for kind, title in [
                (MeetingKind.IOM, "Integrated Offender Management"),
                (MeetingKind.CARE, "Children at Risk of Exploitation"),
            ]:
                held = d + timedelta(days=rng.randint(8, 20))
                if held <= today and kept():
                    rows.append(
                        {
                            "id": uuid.uuid4(),
                            "kind": kind.value,
                            "title": title,
                            "held_on": held,
                            "venue": "Swadlincote Police Station",
                            "ward_id": None,
                            "attendees": None,
                            "notes": None,
                            **base,
                        }
                    )
        if (d - DEMO_START).days % 14 == 3 and kept():
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "kind": MeetingKind.TASKING.value,
                    "title": "Police and Partner Tasking",
                    "held_on": d,
                    "venue": "Swadlincote Police Station",
                    "ward_id": None,
                    "attendees": None,
                    "notes": None,
                    **base,
                }
            )
        d += timedelta(days=1)
    if rows:
        ctx.session.execute(insert(Meeting), rows)
    if issues:
        ctx.session.execute(insert(ForumIssue), issues)
    return len(rows)
