"""Write a workbook shaped like a real council's ASB case log, for the moving-in tests and benchmark.

Several sheets with the untidiness real ones have: a merged title and headings on row 3, a totals row,
inconsistent headings, free-text statuses, officer initials, ward spellings, a hidden column, a formula
column, dates as Excel dates, serial numbers and text, a few rows that must be refused, a person
spelt two ways, and notices whose stored dates disagree with the Act. Deterministic (seeded).

    .venv/bin/python tools/make_moving_in_workbook.py OUT.xlsx [--cases 2000 --incidents 6000 --notices 300]
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

CASE_HEADINGS = (
    "Case Ref",
    "Date rec'd",
    "Type of ASB",
    "Summary",
    "Location",
    "Post Code",
    "Ward",
    "Status",
    "Officer",
    "Closed",
    "Perp name",
    "Perp DOB",
    "Complainant",
    "Days open",  # a formula
    "Notes (internal)",  # hidden
)
INCIDENT_HEADINGS = ("Ref", "Incident date", "Time", "Details", "Reported by", "Police ref")
NOTICE_HEADINGS = ("Notice No", "Case", "Type", "Date served", "Comply by", "Appeal by", "Officer", "Amount")

STATUSES = ("Open", "open - monitoring", "CLOSED", "Closed (resolved)", "closed - NFA", "Open ")
CATEGORIES = (
    "Youth ASB",
    "youths",
    "Noise",
    "Neighbour dispute",
    "Drugs",
    "Off road bikes",
    "Nuisance vehicles",
    "Street drinking",
    "Dog fouling",
)
OFFICERS = ("JB", "SK", "sk", "J. Bloggs", "Sam Khan")
WARDS = ("Swadlincote", "swadlincote", "Church Gresley", "Ch. Gresley", "Woodville", "Midway", "Newhall")
STREETS = ("High Street", "Church Street", "Station Road", "Eureka Park", "Alexandra Road", "Coppice Side")
FORENAMES = ("John", "Kelly", "Dean", "Tracey", "Liam", "Chloe", "Wayne", "Stacey", "Ryan", "Jade")
SURNAMES = ("Smith", "Jones", "Taylor", "Brown", "Walker", "Wright", "Hughes", "Edwards", "Green", "Hall")
NOTICE_TYPES = ("CPW", "CPN", "Community Protection Warning", "cpn", "FPN")

# Rows that must be refused, by 0-based data index: what is wrong with each.
BAD_CASE_ROWS = {
    7: "no date",
    13: "US date",
    21: "no such day",
    34: "duplicate ref",
    55: "too long",
}


@dataclass(frozen=True)
class Made:
    """What the workbook holds, for the tests to check against."""

    cases: int
    good_cases: int
    incidents: int
    good_incidents: int
    notices: int
    disagreeing_notices: int
    case_refs: tuple[str, ...]


def _case_ref(i: int) -> str:
    return f"ASB/{2019 + i % 6}/{i + 1:04d}"


def _date_cell(rng: random.Random, d: date, i: int) -> object:
    """The same date written one of the ways real logs hold them."""
    way = i % 5
    if way == 0:
        return datetime(d.year, d.month, d.day)
    if way == 1:
        return (d - date(1899, 12, 30)).days  # an Excel serial left as a plain number
    if way == 2:
        return f"{d:%d/%m/%Y}"
    if way == 3:
        return f"{d.day} {d:%B %Y}"
    return f"{d:%d-%b-%y}"


def make_workbook(path: Path, cases: int = 2000, incidents: int = 6000, notices: int = 300) -> Made:
    rng = random.Random(21)
    book = Workbook()
    log = book.active
    log.title = "Case log"
    log["A1"] = "South Derbyshire Community Safety Partnership: ASB case log"
    log.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(CASE_HEADINGS))
    log["A2"] = "Exported from the shared drive, November 2026"
    log.append(CASE_HEADINGS)
    log.column_dimensions[get_column_letter(len(CASE_HEADINGS))].hidden = True
    people = [
        (
            f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}",
            date(1960 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28)),
        )
        for _ in range(max(1, cases // 3))
    ]
    people[0] = ("John Smith", date(1987, 11, 19))
    refs = []
    good = 0
    start = date(2019, 1, 1)
    for i in range(cases):
        ref = _case_ref(i)
        reported = start + timedelta(days=(i * 7919) % 2400)
        status = STATUSES[i % len(STATUSES)]
        closed = (
            reported + timedelta(days=30 + i % 200) if status.strip().lower().startswith("closed") else None
        )
        summary = f"{CATEGORIES[i % len(CATEGORIES)]} reported at {STREETS[i % len(STREETS)]}"
        perp, dob = people[i % len(people)]
        reported_cell = _date_cell(rng, reported, i)
        bad = BAD_CASE_ROWS.get(i)
        if bad == "no date":
            reported_cell = None
        elif bad == "US date":
            reported_cell = "04/25/2021"
        elif bad == "no such day":
            reported_cell = "31/02/2021"
        elif bad == "duplicate ref":
            ref = _case_ref(i - 1)
        elif bad == "too long":
            summary = "x" * 400
        if i == 3:  # the same person as row 0's perpetrator, first name spelt differently: uncertain
            perp, dob = "Jon Smith", people[0][1]
        row_number = log.max_row + 1
        log.append(
            (
                ref,
                reported_cell,
                CATEGORIES[i % len(CATEGORIES)],
                summary,
                f"{10 + i % 90} {STREETS[i % len(STREETS)]}",
                f"DE11 {i % 9}AB",
                WARDS[i % len(WARDS)],
                status,
                OFFICERS[i % len(OFFICERS)],
                f"{closed:%d/%m/%Y}" if closed else None,
                perp,
                f"{dob:%d/%m/%Y}",
                f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}" if i % 4 else None,
                f'=IF(J{row_number}="","",J{row_number}-B{row_number})',
                "internal note",
            )
        )
        refs.append(ref)
        good += bad is None
    log.append(("Total", None, None, None, None, None, None, None, None, None, None, None, None, cases))

    archive = book.create_sheet("Archive 2018")  # the same headings: "same shape" is noted
    archive.append(CASE_HEADINGS)
    archive.append(("ASB/2018/0001", "03/05/2018", "Noise", "Old case", "1 High Street", "DE11 0AB"))

    inc = book.create_sheet("Incidents")
    inc.append(INCIDENT_HEADINGS)
    good_incidents = 0
    for j in range(incidents):
        i = j % cases
        when = start + timedelta(days=(i * 7919) % 2400 + j // cases)
        ref = _case_ref(i)
        inc.append(
            (
                ref,
                datetime(when.year, when.month, when.day) if j % 2 else f"{when:%d/%m/%Y}",
                f"{8 + j % 14:02d}:{(j * 7) % 60:02d}",
                f"Incident {j + 1}: {CATEGORIES[j % len(CATEGORIES)].lower()} reported",
                f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}",
                f"DP-{20000 + j}" if j % 3 == 0 else None,
            )
        )
        good_incidents += i not in BAD_CASE_ROWS

    reg = book.create_sheet("CPW-CPN register")
    reg["A1"] = "CPW / CPN register"
    reg.append(NOTICE_HEADINGS)
    disagreeing = 0
    for k in range(notices):
        i = (k * 37) % cases
        while i in BAD_CASE_ROWS:
            i = (i + 1) % cases
        served = date(2021, 1, 4) + timedelta(days=k * 3)
        kind = NOTICE_TYPES[k % len(NOTICE_TYPES)]
        comply = appeal = None
        upper = kind.upper()
        if upper in ("CPW", "COMMUNITY PROTECTION WARNING"):
            comply = served + timedelta(days=14 if k % 7 else 10)  # the officer's own period: kept as given
        elif upper == "CPN":
            # s.46(2): 21 days beginning with the day of issue, so the last is issue + 20; every tenth
            # notice in the register says 28 days: imported, and flagged for checking.
            appeal = served + timedelta(days=20 if k % 10 else 28)
            disagreeing += k % 10 == 0
        reg.append(
            (
                f"CP/{k + 1:03d}",
                _case_ref(i),
                kind,
                served,
                comply,
                appeal,
                OFFICERS[k % len(OFFICERS)],
                "£100.00" if upper == "FPN" else None,
            )
        )
    book.save(path)
    return Made(cases, good, incidents, good_incidents, notices, disagreeing, tuple(refs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--incidents", type=int, default=6000)
    parser.add_argument("--notices", type=int, default=300)
    args = parser.parse_args(argv)
    made = make_workbook(args.out, args.cases, args.incidents, args.notices)
    print(f"{args.out}: {made.cases:,} cases, {made.incidents:,} incidents, {made.notices:,} notices")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
