"""Demo crime figures: the Partnership Analyst's monthly counts for the eight Derbyshire districts.

2021 and 2022 are built so the plan's six 2022 tables (volume, rate, trend and order) come out
exactly; later months, up to the last full month before the demo's "today", continue each series
with a plausible year-on-year drift so the charts and the latest-year tables have something to show.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime

from sqlalchemy import insert

from cspdesk.core.demo.generate import DemoContext
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
    now = datetime.now().replace(microsecond=0)
    base = {"created_at": now, "updated_at": now, "version": 1}
    rows = demo_figure_rows(ctx.today)
    import_id = uuid.uuid4()
    ctx.session.execute(insert(FigureImport), [{
        "id": import_id, "source": "analyst", "filename": "demo: Partnership Analyst monthly figures",
        "sha256": "0" * 64, "imported_at": now, "imported_by": "demo", "rows_read": len(rows),
        "rows_imported": len(rows), "rows_rejected": 0, "report": "Demo data", **base}])
    ctx.session.execute(insert(CrimeFigure), [
        {"month": m, "area": a, "category": c, "count": n, "source": "analyst", "import_id": import_id}
        for m, a, c, n in rows])
    ctx.session.execute(insert(Population), [
        {"id": uuid.uuid4(), "area": area, "population": population, "label": PLAN_POPULATION_LABEL, **base}
        for area, population in PLAN_POPULATION.items()])
    return {"crime figures (monthly)": len(rows), "population areas": len(PLAN_POPULATION)}
