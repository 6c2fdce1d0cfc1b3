"""The plan's six Crime Figures tables (South Derbyshire CSP Partnership Plan 2023-26) reproduced exactly.

What the published rates say about the population base (the finding, checked below):

* The footnote says "Rate per 1,000 16+ population (2020 estimate)", but the ONS mid-2020 16+
  figures (DOMAIN.md §7, 669,403 in all) reproduce none of the 54 published rates: they give rates
  about a fifth higher (Chesterfield ASB 32.4, not 27.3).
* ONS mid-2020 *total* population (807,183) is the right kind of base but not the exact one: it
  reproduces 24 of the 54 rates (Chesterfield ASB 26.9, not 27.3).
* Every rate, the county rows included, is reproduced by a total-population base of about 794,700,
  1-2% below mid-2020 (as an earlier year's estimate would be). Each district's population is pinned
  by the six tables to a narrow range (e.g. Chesterfield 103,546-103,669); the round-hundred values
  in ``PLAN_POPULATION`` lie inside every range and also keep the plan's row order where rounded
  rates tie (Hate crime: North East Derbyshire 1.5 above High Peak 1.5).

The previous-year volumes are not published; ``PREVIOUS`` holds volumes worked out so each district's
trend and the county trend round to the published figure.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from cspdesk.core.figures.export import table_csv
from cspdesk.core.figures.months import Period
from cspdesk.core.figures.plan import (
    COUNTY,
    HOME,
    ONS_2020_16_PLUS,
    ONS_2020_TOTAL,
    PLAN,
    PLAN_POPULATION,
    PREVIOUS,
)
from cspdesk.core.figures.table import build_comparison_table, round_half_up

# What the plan's text says about South Derbyshire's place, where it says it.
PLAN_SENTENCES = {
    "ASB incidents": "second lowest",  # "the second lowest recorded figures per 1000 population"
    # "the 4th lowest rates of Domestic Abuse per 1000 pop" (one ordinal style: words to ninth, issue 19)
    "Domestic abuse": "fourth lowest",
    "Residential burglary": "lowest",  # "the lowest in the County"
    "Vehicle crime": "second highest",  # "the second highest in the County"
    "Serious violence": "third lowest",  # not stated in the plan; follows from its table
    "Hate crime": "second lowest",  # "Hate Crime figures are the second lowest in the County"
}
PERIOD = Period.of_year("2022-01", "2022-12")


def _published(category: str) -> list[tuple[str, int, Decimal, Decimal]]:
    rows = []
    for line in PLAN[category].splitlines():
        area, volume, rate, trend = line.split("\t")
        rows.append((area, int(volume.replace(",", "")), Decimal(rate), Decimal(trend.rstrip("%"))))
    return rows


def _monthly(area: str, total: int, months: list[str]) -> list[tuple[str, str, int]]:
    """Spread a year's volume over 12 uneven months, as real figures are."""
    weights = [9, 7, 8, 8, 9, 8, 10, 9, 8, 8, 7, 9]
    counts = [total * w // sum(weights) for w in weights]
    counts[0] += total - sum(counts)
    return [(area, month, count) for month, count in zip(months, counts, strict=True)]


def _counts(category: str) -> list[tuple[str, str, int]]:
    counts = []
    for area, volume, _, _ in _published(category):
        if area != COUNTY:
            counts += _monthly(area, volume, PERIOD.months)
            counts += _monthly(area, PREVIOUS[category][area], PERIOD.previous().months)
    return counts


def _table(category: str, populations: dict[str, int]):
    return build_comparison_table(
        category,
        PERIOD,
        _counts(category),
        populations,
        areas=list(PLAN_POPULATION),
        total_label=COUNTY,
        home_area=HOME,
        population_label="total population (implied by the plan)",
    )


@pytest.mark.parametrize("category", list(PLAN))
def test_reproduces_the_plans_table_exactly(category):
    table = _table(category, PLAN_POPULATION)
    got = [(r.area, r.volume, r.rate, r.trend) for r in table.rows]
    assert got == _published(category)
    assert table.total.area == COUNTY and table.home.area == HOME


@pytest.mark.parametrize("category", list(PLAN))
def test_comparison_sentence_matches_the_plans_text(category):
    sentence = _table(category, PLAN_POPULATION).sentence
    assert sentence == f"South Derbyshire has the {PLAN_SENTENCES[category]} rate per 1,000 in the county."


def test_csv_of_the_asb_table():
    lines = table_csv(_table("ASB incidents", PLAN_POPULATION)).splitlines()
    assert lines[:2] == ["area,volume,rate,trend", "Chesterfield,2825,27.3,-12.4"]
    assert lines[6] == "Derbyshire County Council area,15556,19.6,-10.8"
    assert len(lines) == 10


def _rates_reproduced(populations: dict[str, int]) -> int:
    county = sum(populations.values())
    return sum(
        round_half_up(Fraction(volume * 1000, county if area == COUNTY else populations[area])) == rate
        for category in PLAN
        for area, volume, rate, _ in _published(category)
    )


def test_which_population_base_the_plan_used():
    assert _rates_reproduced(PLAN_POPULATION) == 54
    assert _rates_reproduced(ONS_2020_TOTAL) == 24  # close: the plan used a total-population base
    assert _rates_reproduced(ONS_2020_16_PLUS) == 0  # the footnote's "16+" cannot be right
    assert sum(PLAN_POPULATION.values()) == 794_700
