"""Demo crime figures: the Partnership Analyst's monthly counts for the eight Derbyshire districts.

2021 and 2022 are built so the plan's six 2022 tables (volume, rate, trend and order) come out
exactly; later months, up to the last full month before the demo's "today", continue each series
with a plausible year-on-year drift so the charts and the latest-year tables have something to show.
"""

from __future__ import annotations

import random
import uuid
from datetime import date

from sqlalchemy import insert

from cspdesk.core.demo.generate import DemoContext
from cspdesk.core.demo.places import TOWNS
from cspdesk.core.figures.months import month_from_index, month_index
from cspdesk.core.figures.plan import (
    COUNTY,
    PLAN_CATEGORIES,
    PLAN_POPULATION,
    PLAN_POPULATION_LABEL,
    PREVIOUS,
    published_rows,
    spread_over_months,
)
from cspdesk.core.figures.police_rows import PoliceRows
from cspdesk.core.services.figures.figures_bulk import store_police_rows
from cspdesk.core.storage.models.figures import CrimeFigure, FigureImport, Population

FIRST_YEARS = (2021, 2022)


def _last_full_month(today: date) -> str:
    return month_from_index(today.year * 12 + today.month - 2)


def demo_figure_rows(today: date, seed: int = 2022) -> list[tuple[str, str, str, int]]:
    """``(month, area, category, count)``: 2021-01 to the last full month before ``today``."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str, int]] = []
    last = month_index(_last_full_month(today))
    for category in PLAN_CATEGORIES:
        for area, volume, _rate, _trend in published_rows(category):
            if area == COUNTY:
                continue
            monthly = {
                2021: spread_over_months(PREVIOUS[category][area]),
                2022: spread_over_months(volume),
            }
            year = 2023
            while year * 12 <= last:
                drift = rng.uniform(0.88, 1.1)
                monthly[year] = [max(0, round(c * drift * rng.uniform(0.9, 1.1))) for c in monthly[year - 1]]
                year += 1
            for year, counts in monthly.items():
                for number, count in enumerate(counts, start=1):
                    month = f"{year:04d}-{number:02d}"
                    if month_index(month) <= last:
                        rows.append((month, area, category, count))
    return rows


def demo_figures(ctx: DemoContext) -> dict[str, int]:
    now = ctx.now
    base = {"created_at": now, "updated_at": now, "version": 1}
    rows = demo_figure_rows(ctx.today)
    import_id = uuid.uuid4()
    ctx.session.execute(
        insert(FigureImport),
        [
            {
                "id": import_id,
                "source": "analyst",
                "filename": "demo: Partnership Analyst monthly figures",
                "sha256": "0" * 64,
                "imported_at": now,
                "imported_by": "demo",
                "rows_read": len(rows),
                "rows_imported": len(rows),
                "rows_rejected": 0,
                "report": "Demo data",
                **base,
            }
        ],
    )
    ctx.session.execute(
        insert(CrimeFigure),
        [
            {"month": m, "area": a, "category": c, "count": n, "source": "analyst", "import_id": import_id}
            for m, a, c, n in rows
        ],
    )
    ctx.session.execute(
        insert(Population),
        [
            {
                "id": uuid.uuid4(),
                "area": area,
                "population": population,
                "label": PLAN_POPULATION_LABEL,
                **base,
            }
            for area, population in PLAN_POPULATION.items()
        ],
    )
    police = demo_police_rows(ctx.today)
    police_import = uuid.uuid4()
    ctx.session.execute(
        insert(FigureImport),
        [
            {
                "id": police_import,
                "source": "police_uk",
                "filename": "demo: police.uk street-level rows, South Derbyshire",
                "sha256": "1" * 64,
                "imported_at": now,
                "imported_by": "demo",
                "rows_read": len(police),
                "rows_imported": len(police),
                "rows_rejected": 0,
                "report": "Demo data",
                **base,
            }
        ],
    )
    store_police_rows(ctx.session, PoliceRows.from_records(police), police_import)
    return {
        "crime figures (monthly)": len(rows),
        "population areas": len(PLAN_POPULATION),
        "police.uk rows (South Derbyshire)": len(police),
    }


# --- police.uk-style rows for the Local breakdown tab -------------------------------------------------
# Fictional: LSOA names in police.uk's form ("South Derbyshire 001A") with made-up codes, each with a
# handful of anonymised map points (police.uk snaps every row to one, named "On or near ...") placed
# around an invented centre inside the district's bounding box. Only the kept rows are written: the
# police.uk district counts (crime_figure) would need every district's rows, and the demo has one.

SOUTH_DERBYSHIRE_BOX = ((52.73, 52.90), (-1.70, -1.40))  # latitude, longitude
POINT_KINDS = (
    "Parking Area",
    "Supermarket",
    "Shopping Area",
    "Park/Open Space",
    "Petrol Station",
    "Sports/Recreation Area",
    "Further/Higher Educational Building",
    "Pedestrian Subway",
    "Nightclub",
)
POLICE_TYPES = (
    ("Anti-social behaviour", 0.45),
    ("Violence and sexual offences", 0.2),
    ("Criminal damage and arson", 0.1),
    ("Vehicle crime", 0.07),
    ("Burglary", 0.06),
    ("Public order", 0.06),
    ("Other theft", 0.06),
)
OUTCOMES = (
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Local resolution",
)
ROWS_PER_MONTH = 150


def _lsoas(rng: random.Random) -> list[tuple[str, str, float, list[tuple[str, float, float]]]]:
    """``(name, code, weight, points)``: towns are busier than villages; a few hot spots busier still."""
    (lat0, lat1), (lon0, lon1) = SOUTH_DERBYSHIRE_BOX
    lsoas: list[tuple[str, str, float, list[tuple[str, float, float]]]] = []
    letters = "ABCDE"
    for number, (town, _ward, _parish, _postcode, streets) in enumerate(TOWNS, start=1):
        centre_lat, centre_lon = rng.uniform(lat0 + 0.02, lat1 - 0.02), rng.uniform(lon0 + 0.03, lon1 - 0.03)
        for letter in letters[: 4 if town in ("Swadlincote", "Woodville", "Newhall", "Midway") else 2]:
            lat, lon = centre_lat + rng.gauss(0, 0.006), centre_lon + rng.gauss(0, 0.009)
            names = [f"On or near {street}" for street in rng.sample(streets, min(3, len(streets)))]
            names += [f"On or near {kind}" for kind in rng.sample(POINT_KINDS, 3)]
            points = [
                (
                    name,
                    min(max(lat + rng.gauss(0, 0.003), lat0), lat1),
                    min(max(lon + rng.gauss(0, 0.004), lon0), lon1),
                )
                for name in names
            ]
            weight = (3.0 if town == "Swadlincote" else 1.0) * rng.uniform(0.5, 1.5)
            code = f"E0199{len(lsoas) + 1:04d}"
            lsoas.append((f"South Derbyshire {number:03d}{letter}", code, weight, points))
    return lsoas


def demo_police_rows(today: date, seed: int = 2018) -> list[dict]:
    """24 months of police.uk-style rows for South Derbyshire, to the last full month before ``today``."""
    rng = random.Random(seed)
    lsoas = _lsoas(rng)
    weights = [w for _n, _c, w, _p in lsoas]
    types, type_weights = zip(*POLICE_TYPES, strict=True)
    last = month_index(_last_full_month(today))
    rows = []
    for index in range(last - 23, last + 1):
        month = month_from_index(index)
        seasonal = 1.25 if month[5:] in ("06", "07", "08") else 1.0  # ASB rises in the summer holidays
        trend = 0.9 if index > last - 12 else 1.0  # a little lower this year than last
        count = round(ROWS_PER_MONTH * seasonal * trend * rng.uniform(0.9, 1.1))
        for name, code, _w, points in rng.choices(lsoas, weights, k=count):
            location, lat, lon = rng.choices(points, (5, 3, 2, 4, 2, 1)[: len(points)])[0]
            crime_type = rng.choices(types, type_weights)[0]
            asb = crime_type == "Anti-social behaviour"
            rows.append(
                {
                    "crime_id": None if asb else f"{rng.getrandbits(256):064x}",
                    "month": month,
                    "reported_by": "Derbyshire Constabulary",
                    "falls_within": "Derbyshire Constabulary",
                    "longitude": round(lon, 6),
                    "latitude": round(lat, 6),
                    "location": location,
                    "lsoa_code": code,
                    "lsoa_name": name,
                    "district": "South Derbyshire",
                    "crime_type": crime_type,
                    "last_outcome": None if asb else rng.choice(OUTCOMES),
                }
            )
    return rows
