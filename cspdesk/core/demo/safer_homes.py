"""Demo Safer Homes referrals: the CVS-run scheme's 286 properties secured in 2022/23 (the plan's
figure, exactly), similar volumes in later years up to today, and a live pipeline with some
referrals waiting too long, some declined and some withdrawn. Every client is fictional.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import insert

from cspdesk.core.demo.generate import DemoContext, small_demo_scale
from cspdesk.core.demo.places import FORENAMES, SURNAMES, TOWNS
from cspdesk.core.domain.safer_homes import ReferralRecord, SaferHomesRules
from cspdesk.core.domain.safer_homes_intake import CONSENT_NOT_GIVEN, check_eligibility
from cspdesk.core.storage.models import SaferHomesMeasure, SaferHomesReferral

PLAN_YEAR_START = date(2022, 4, 1)
PLAN_YEAR_SECURED = 286  # "Secured 286 properties through the CVS-run Safer Homes Scheme"
LATER_YEAR_SECURED = (270, 300)

# category: weight, referring agencies (code, weight), measures (code, qty range, probability)
CATEGORIES = {
    "domestic_abuse": (
        46,
        [("IDVA", 40), ("POLICE", 25), ("CVS", 12), ("HOUSING", 15), ("SNT-SWAD", 8)],
        [
            ("door_lock", (1, 2), 0.95),
            ("door_chain_viewer", (1, 1), 0.7),
            ("hinge_bolts", (1, 2), 0.5),
            ("video_doorbell", (1, 1), 0.6),
            ("fire_letterbox", (1, 1), 0.7),
            ("window_lock", (2, 6), 0.6),
            ("personal_alarm", (1, 1), 0.3),
            ("smoke_alarm", (1, 2), 0.3),
            ("replacement_door", (1, 1), 0.06),
            ("safe_room", (1, 1), 0.02),
            ("external_lighting", (1, 1), 0.25),
        ],
    ),
    "burglary": (
        22,
        [("POLICE", 45), ("SNT-SWAD", 15), ("SNT-MELB", 10), ("SNT-EHH", 10), ("CVS", 20)],
        [
            ("door_lock", (1, 2), 0.9),
            ("window_lock", (2, 8), 0.8),
            ("property_marking", (1, 1), 0.7),
            ("external_lighting", (1, 1), 0.5),
            ("window_alarm", (1, 4), 0.3),
            ("hinge_bolts", (1, 2), 0.3),
            ("replacement_door", (1, 1), 0.05),
        ],
    ),
    "asb": (
        14,
        [("HOUSING", 35), ("SDDC", 30), ("SNT-SWAD", 15), ("SNT-MERCIA", 10), ("CVS", 10)],
        [
            ("door_lock", (1, 1), 0.6),
            ("video_doorbell", (1, 1), 0.6),
            ("external_lighting", (1, 1), 0.5),
            ("fire_letterbox", (1, 1), 0.4),
            ("window_lock", (2, 4), 0.4),
        ],
    ),
    "hate_crime": (
        6,
        [("POLICE", 55), ("CVS", 25), ("SDDC", 20)],
        [
            ("fire_letterbox", (1, 1), 0.9),
            ("video_doorbell", (1, 1), 0.7),
            ("door_lock", (1, 1), 0.6),
            ("window_alarm", (1, 3), 0.3),
            ("smoke_alarm", (1, 2), 0.5),
        ],
    ),
    "older_vulnerable": (
        12,
        [("CVS", 40), ("DFRS", 25), ("ICB", 15), ("SDDC", 20)],
        [
            ("door_chain_viewer", (1, 1), 0.9),
            ("personal_alarm", (1, 1), 0.7),
            ("door_lock", (1, 1), 0.5),
            ("smoke_alarm", (1, 2), 0.6),
            ("fire_safety_visit", (1, 1), 0.6),
            ("external_lighting", (1, 1), 0.3),
        ],
    ),
}
TOWN_WEIGHTS = {
    "Swadlincote": 9,
    "Church Gresley": 6,
    "Woodville": 6,
    "Midway": 5,
    "Newhall": 6,
    "Linton": 3,
    "Overseal": 2,
    "Melbourne": 3,
    "Aston-on-Trent": 1,
    "Weston-on-Trent": 1,
    "Hilton": 3,
    "Etwall": 2,
    "Hatton": 2,
    "Repton": 1,
    "Willington": 1,
    "Findern": 1,
    "Stenson Fields": 4,
}
CONTRACTORS = ["Swadlincote Lock & Safe Ltd", "Trent Valley Security Services", "CVS Handyperson Service"]
SURVEYORS = ["Dave Hollis (CVS)", "Priya Mann (CVS)", "Gary Brassington (CVS)"]
REFERRER_NAMES = {
    "IDVA": ["Jo Fairbrother", "Hannah Kaur", "Leanne Upton"],
    "POLICE": ["PC 2214 Orme", "DC Woolley", "PCSO Slater"],
    "CVS": ["Beth Cresswell", "Ian Shipley"],
    "HOUSING": ["Tracey Bradbury", "Mohammed Begum"],
    "SDDC": ["Sarah Bancroft", "Mark Tunnicliffe"],
    "DFRS": ["WM Pickering"],
    "ICB": ["Nurse Tomlinson"],
}
REFERRER_ROLES = {
    "IDVA": "IDVA",
    "POLICE": "Officer in the case",
    "CVS": "Support worker",
    "HOUSING": "Tenancy officer",
    "SDDC": "Community Safety Officer",
    "DFRS": "Watch manager",
    "ICB": "District nurse",
}
LANDLORDS = {
    "council": "South Derbyshire District Council",
    "housing_association": ["Trent & Dove Housing", "Platform Housing", "Derwent Housing Group"],
    "private_rented": ["A. Gresley Lettings", "Midway Property Ltd", "Mr K. Hollis (private landlord)"],
}
DECLINE_REASONS = [
    "Not eligible: the victim has decided to move",
    "Not eligible: perpetrator still lives at the property",
    "Landlord refused permission for the works",
    "Client could not be contacted after three attempts",
]
WITHDRAW_REASONS = [
    "Client moved to a refuge",
    "Client withdrew consent",
    "Client rehoused by the council before survey",
]
FOLLOW_UP_DAYS = 28


def _weekday(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _weekday_back(d: date) -> date:
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def demo_safer_homes(ctx: DemoContext) -> dict[str, int]:
    rng, today = ctx.rng, ctx.today
    scale = small_demo_scale(len(ctx.cases))  # a district's scheme: the plan's figures from a small demo up
    now = ctx.now
    base = {"created_at": now, "updated_at": now, "version": 1}
    default_rules = SaferHomesRules()
    rules = {k: v for k, v in default_rules.to_dict().items() if k != "measures"}  # as intake stores them
    catalogue = {m.code: m for m in SaferHomesRules().measures}
    referrals: list[dict] = []
    measures: list[dict] = []
    cats = list(CATEGORIES)
    towns = [t for t in TOWNS]
    town_w = [TOWN_WEIGHTS.get(t[0], 1) for t in towns]
    asb_cases = [
        c["id"]
        for c in ctx.cases
        if c.get("category") in ("neighbour_nuisance", "hate_related", "intimidation", "youth_asb")
    ]

    def client(category: str, referred: date) -> dict:
        town, ward, _parish, district, streets = rng.choices(towns, town_w)[0]
        older = category == "older_vulnerable"
        age = rng.randint(68, 92) if older else rng.randint(19, 64)
        first, last = rng.choice(FORENAMES), rng.choice(SURNAMES)
        pc = (
            f"{district} "
            f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPRSTUWXY')}{rng.choice('ABDEFGHJLNPRSTUWXY')}"
        )
        phones = [{"number": f"07700 900{rng.randint(0, 999):03d}", "safe_to_call": True}]
        if category == "domestic_abuse" and rng.random() < 0.3:
            phones.insert(0, {"number": f"01283 {rng.randint(200000, 899999)}", "safe_to_call": False})
        tenure = rng.choices(
            ["owner", "council", "housing_association", "private_rented"], [15 if older else 30, 28, 20, 22]
        )[0]
        landlord = LANDLORDS.get(tenure)
        da = category == "domestic_abuse"
        level = rng.choices(["high", "medium", "standard"], [35, 45, 20])[0] if da else None
        score = {"high": (14, 22), "medium": (8, 13), "standard": (2, 7)}[level] if level else None
        return {
            "client_name": f"{first} {last}",
            "client_date_of_birth": referred - timedelta(days=age * 365 + rng.randint(0, 360)),
            "address_line1": f"{rng.randint(1, 160)} {rng.choice(streets)}",
            "address_line2": None,
            "town": town,
            "postcode": pc,
            "ward_id": ctx.wards.get(ward),
            "phones": phones,
            "safe_contact": f"{rng.choice(FORENAMES)} {last} (sister)" if da and rng.random() < 0.5 else None,
            "safe_address": "c/o Swadlincote Library, Civic Way, Swadlincote, DE11 0AD"
            if da and rng.random() < 0.4
            else None,
            "language": rng.choice(["Polish", "Punjabi", "Romanian"]) if rng.random() < 0.06 else None,
            "access_needs": rng.choice(
                [
                    "Ring first; client has a dog",
                    "Wheelchair user; allow time at the door",
                    "Call the safe number 30 minutes before arriving",
                    None,
                    None,
                    None,
                ]
            ),
            "children_in_household": rng.choice([0, 0, 1, 2, 3]) if not older else 0,
            "tenure": tenure,
            "landlord_name": landlord
            if isinstance(landlord, str) or landlord is None
            else rng.choice(landlord),
            "perpetrator_name": f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}" if da else None,
            "perpetrator_resident": False if da else None,
            "victim_wants_to_stay": True,
            "dash_level": level,
            "dash_score": rng.randint(*score) if score else None,
            "marac_on": referred + timedelta(days=rng.randint(3, 12)) if level == "high" else None,
            "police_reference": f"DC-{referred:%y}-{rng.randint(100000, 999999):07d}"
            if category in ("domestic_abuse", "burglary", "hate_crime")
            else None,
        }

    def referral(category: str, referred: date) -> dict:
        agency = rng.choices(*zip(*CATEGORIES[category][1], strict=True))[0]
        row = {
            "id": uuid.uuid4(),
            "reference": "",
            "status": "referred",
            "restricted": category == "domestic_abuse",
            "referred_on": referred,
            "referrer_name": rng.choice(REFERRER_NAMES.get(agency, ["Alex Green"])),
            "referrer_role": REFERRER_ROLES.get(agency),
            "referrer_agency_id": ctx.agencies.get(agency),
            "referrer_contact": "01283 595795",
            "consent_given": True,
            "consent_method": rng.choice(["verbal", "written"]),
            "consent_on": referred,
            "victim_category": category,
            "landlord_permission": None,
            "case_id": rng.choice(asb_cases)
            if category in ("asb", "hate_crime") and asb_cases and rng.random() < 0.4
            else None,
            "eligible": None,
            "eligibility": None,
            "survey_on": None,
            "surveyor": None,
            "contractor": None,
            "works_ordered_on": None,
            "installed_on": None,
            "secured_on": None,
            "followed_up_on": None,
            "closed_on": None,
            "end_reason": None,
            "actual_cost_pence": None,
            "notes": None,
            "rules": rules,
            "interpreter_needed": False,
            **client(category, referred),
            **base,
        }
        row["interpreter_needed"] = row["language"] is not None
        return row

    def eligible(row: dict, on: date) -> None:
        if row["tenure"] != "owner":
            row["landlord_permission"] = True
        # The domain's own check, so the referral screen explains the demo's decisions as it would a real one.
        result = check_eligibility(
            ReferralRecord.from_dict({k: v for k, v in row.items() if k != "phones"}), default_rules
        )
        row["eligible"] = result.eligible
        row["eligibility"] = {
            **result.to_dict(),
            "checked_on": on.isoformat(),
            "checked_by": "Sarah Bancroft",
        }

    def add_works(row: dict) -> int:
        total = 0
        for code, (lo, hi), p in CATEGORIES[row["victim_category"]][2]:
            if rng.random() < p:
                m, q = catalogue[code], rng.randint(lo, hi)
                measures.append(
                    {
                        "id": uuid.uuid4(),
                        "referral_id": row["id"],
                        "measure_code": code,
                        "description": m.label,
                        "quantity": q,
                        "unit_cost_pence": m.unit_cost_pence,
                        "installed": row["installed_on"] is not None,
                        "notes": None,
                        **base,
                    }
                )
                total += q * m.unit_cost_pence
        return total

    def progress(row: dict, stage: int) -> None:
        """Move a referral ``stage`` steps along (1 eligibility ... 4 works ordered), dating each step."""
        d = row["referred_on"]
        if stage >= 1:
            d = _weekday(d + timedelta(days=rng.randint(0, 2)))
            eligible(row, d)
            row["status"] = "eligibility_checked"
        if stage >= 2:
            d = _weekday(d + timedelta(days=rng.randint(1, 5)))
            row.update(survey_on=min(d, today), surveyor=rng.choice(SURVEYORS), status="surveyed")
        if stage >= 3:
            d = _weekday(d + timedelta(days=rng.randint(1, 4)))
            row.update(
                works_ordered_on=min(d, today), contractor=rng.choice(CONTRACTORS), status="works_ordered"
            )
            add_works(row)

    def secured_on(installed: date) -> dict:
        category = rng.choices(cats, [CATEGORIES[c][0] for c in cats])[0]
        ordered = _weekday_back(installed - timedelta(days=rng.randint(2, 9)))
        surveyed = _weekday_back(ordered - timedelta(days=rng.randint(1, 4)))
        referred = _weekday_back(surveyed - timedelta(days=rng.randint(1, 7)))
        row = referral(category, referred)
        eligible(row, referred)
        row.update(
            survey_on=surveyed,
            surveyor=rng.choice(SURVEYORS),
            works_ordered_on=ordered,
            contractor=rng.choice(CONTRACTORS),
            installed_on=installed,
            secured_on=installed,
            status="secured",
        )
        estimate = add_works(row)
        if rng.random() < 0.95:
            row["actual_cost_pence"] = int(estimate * rng.uniform(0.9, 1.12))
        follow = _weekday(installed + timedelta(days=FOLLOW_UP_DAYS + rng.randint(-3, 6)))
        if follow <= today:
            row.update(followed_up_on=follow, status="followed_up")
            closed = follow + timedelta(days=rng.randint(1, 20))
            if closed <= today:
                row.update(closed_on=closed, status="closed")
        return row

    # Properties secured, financial year by financial year, up to yesterday.
    year = PLAN_YEAR_START
    while year <= today:
        end = min(date(year.year + 1, 3, 31), today - timedelta(days=1))
        days = (end - year).days + 1
        n = (
            PLAN_YEAR_SECURED
            if year == PLAN_YEAR_START
            else round(rng.randint(*LATER_YEAR_SECURED) * days / 365)
        )
        n = round(n * scale)
        for _ in range(n):
            installed = _weekday_back(year + timedelta(days=rng.randrange(days)))
            if installed < year:  # a weekend at the start of the year: the next working day
                installed = _weekday(year)
            referrals.append(secured_on(installed))
        # Declined and withdrawn referrals made in the year.
        for _ in range(round(n * 0.12)):
            referred = _weekday_back(year + timedelta(days=rng.randrange(days)))
            row = referral(rng.choices(cats, [CATEGORIES[c][0] for c in cats])[0], max(referred, year))
            if rng.random() < 0.25:  # consent refused: only who, when and the category are kept
                keep = {
                    k: row[k]
                    for k in (
                        "id",
                        "reference",
                        "referred_on",
                        "referrer_name",
                        "referrer_role",
                        "referrer_agency_id",
                        "referrer_contact",
                        "victim_category",
                        "ward_id",
                        "consent_method",
                        "consent_on",
                        "restricted",
                        "rules",
                    )
                }
                row = {
                    k: (
                        None
                        if k
                        not in (
                            "created_at",
                            "updated_at",
                            "version",
                            "interpreter_needed",
                            "children_in_household",
                        )
                        else v
                    )
                    for k, v in row.items()
                }
                row.update(
                    keep,
                    consent_given=False,
                    status="declined",
                    end_reason=CONSENT_NOT_GIVEN,
                    closed_on=row["referred_on"],
                    interpreter_needed=False,
                    children_in_household=0,
                )
            else:
                withdrawn = rng.random() < 0.4
                progress(row, rng.randint(0, 2))
                row.update(
                    status="withdrawn" if withdrawn else "declined",
                    end_reason=rng.choice(WITHDRAW_REASONS if withdrawn else DECLINE_REASONS),
                    closed_on=min(row["referred_on"] + timedelta(days=rng.randint(3, 20)), today),
                )
            referrals.append(row)
        year = date(year.year + 1, 4, 1)

    # The live pipeline: recent referrals at each step, and some older ones stuck (waiting too long).
    for _ in range(round(22 * scale)):
        referred = _weekday_back(today - timedelta(days=rng.randint(0, 12)))
        row = referral(rng.choices(cats, [CATEGORIES[c][0] for c in cats])[0], referred)
        progress(row, rng.choice([0, 0, 1, 1, 2, 3]))
        referrals.append(row)
    for _ in range(round(7 * scale)):
        referred = _weekday_back(today - timedelta(days=rng.randint(18, 45)))
        row = referral(rng.choices(cats, [CATEGORIES[c][0] for c in cats])[0], referred)
        progress(row, rng.choice([1, 2, 3]))
        referrals.append(row)

    referrals.sort(key=lambda r: (r["referred_on"], r["id"]))
    seq: dict[int, int] = {}
    for r in referrals:
        y = r["referred_on"].year
        seq[y] = seq.get(y, 0) + 1
        r["reference"] = f"SH-{y}-{seq[y]:04d}"
    ctx.session.execute(insert(SaferHomesReferral), referrals)
    if measures:
        ctx.session.execute(insert(SaferHomesMeasure), measures)
    return {"safer_homes_referrals": len(referrals), "safer_homes_measures": len(measures)}
