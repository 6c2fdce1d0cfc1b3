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
from cspdesk.core.figures.table import build_comparison_table, round_half_up

COUNTY = "Derbyshire County Council area"
HOME = "South Derbyshire"
PLAN_POPULATION = {
    "Amber Valley": 126200,
    "Bolsover": 80400,
    "Chesterfield": 103600,
    "Derbyshire Dales": 71500,
    "Erewash": 113100,
    "High Peak": 90700,
    "North East Derbyshire": 101900,
    "South Derbyshire": 107300,
}
ONS_2020_TOTAL = {
    "Amber Valley": 128829,
    "Bolsover": 81305,
    "Chesterfield": 104930,
    "Derbyshire Dales": 72422,
    "Erewash": 115332,
    "High Peak": 92633,
    "North East Derbyshire": 102216,
    "South Derbyshire": 109516,
}
ONS_2020_16_PLUS = {
    "Amber Valley": 107245,
    "Bolsover": 66935,
    "Chesterfield": 87121,
    "Derbyshire Dales": 61763,
    "Erewash": 94840,
    "High Peak": 77017,
    "North East Derbyshire": 85524,
    "South Derbyshire": 88958,
}

# Copied from the plan: area, volume, rate, trend, in the plan's order.
PLAN = {
    "ASB incidents": """Chesterfield	2,825	27.3	-12.4%
Erewash	2,543	22.5	-7.7%
Amber Valley	2,831	22.4	-10.4%
Bolsover	1,673	20.8	-7.8%
High Peak	1,796	19.8	-12.5%
Derbyshire County Council area	15,556	19.6	-10.8%
North East Derbyshire	1,481	14.5	-11.5%
South Derbyshire	1,491	13.9	-7.3%
Derbyshire Dales	916	12.8	-20.9%""",
    "Domestic abuse": """Chesterfield	1,869	18.0	-8.9%
Erewash	1,958	17.3	5.2%
Bolsover	1,372	17.1	-0.6%
Derbyshire County Council area	11,250	14.2	-5.1%
Amber Valley	1,750	13.9	0.1%
South Derbyshire	1,429	13.3	-3.2%
North East Derbyshire	1,274	12.5	-6.8%
High Peak	1,072	11.8	-20.9%
Derbyshire Dales	526	7.4	-14.3%""",
    "Residential burglary": """High Peak	312	3.4	-22.4%
Chesterfield	320	3.1	3.6%
North East Derbyshire	267	2.6	29.6%
Derbyshire Dales	175	2.4	34.6%
Derbyshire County Council area	1,827	2.3	-1.2%
Bolsover	173	2.2	4.2%
Erewash	224	2.0	-8.2%
Amber Valley	215	1.7	-7.3%
South Derbyshire	141	1.3	-12.4%""",
    "Vehicle crime": """Bolsover	408	5.1	-24.3%
South Derbyshire	522	4.9	67.8%
Chesterfield	452	4.4	-20.8%
Erewash	442	3.9	0.2%
Derbyshire County Council area	3,098	3.9	1.2%
Amber Valley	461	3.7	17.9%
North East Derbyshire	364	3.6	11.3%
High Peak	289	3.2	-19.5%
Derbyshire Dales	160	2.2	31.1%""",
    "Serious violence": """Chesterfield	282	2.7	4.4%
Erewash	221	2.0	24.2%
Amber Valley	217	1.7	8.5%
Derbyshire County Council area	1,285	1.6	6.8%
Bolsover	123	1.5	-6.1%
High Peak	126	1.4	3.3%
South Derbyshire	141	1.3	7.6%
North East Derbyshire	110	1.1	18.3%
Derbyshire Dales	65	0.9	-16.7%""",
    "Hate crime": """Chesterfield	237	2.3	0.9%
Amber Valley	237	1.9	22.2%
Erewash	196	1.7	4.8%
Derbyshire County Council area	1,297	1.6	9.1%
Bolsover	126	1.6	-1.6%
North East Derbyshire	154	1.5	29.4%
High Peak	137	1.5	18.1%
South Derbyshire	142	1.3	-1.4%
Derbyshire Dales	68	1.0	3.0%""",
}
# Previous-year (Jan-Dec 2021) volumes consistent with every published trend, county row included.
PREVIOUS = {
    "ASB incidents": {
        "Chesterfield": 3225,
        "Erewash": 2755,
        "Amber Valley": 3160,
        "Bolsover": 1815,
        "High Peak": 2053,
        "North East Derbyshire": 1673,
        "South Derbyshire": 1608,
        "Derbyshire Dales": 1158,
    },
    "Domestic abuse": {
        "Chesterfield": 2052,
        "Erewash": 1861,
        "Bolsover": 1380,
        "Amber Valley": 1748,
        "South Derbyshire": 1476,
        "North East Derbyshire": 1367,
        "High Peak": 1355,
        "Derbyshire Dales": 614,
    },
    "Residential burglary": {
        "High Peak": 402,
        "Chesterfield": 309,
        "North East Derbyshire": 206,
        "Derbyshire Dales": 130,
        "Bolsover": 166,
        "Erewash": 244,
        "Amber Valley": 232,
        "South Derbyshire": 161,
    },
    "Vehicle crime": {
        "Bolsover": 539,
        "South Derbyshire": 311,
        "Chesterfield": 571,
        "Erewash": 441,
        "Amber Valley": 391,
        "North East Derbyshire": 327,
        "High Peak": 359,
        "Derbyshire Dales": 122,
    },
    "Serious violence": {
        "Chesterfield": 270,
        "Erewash": 178,
        "Amber Valley": 200,
        "Bolsover": 131,
        "High Peak": 122,
        "South Derbyshire": 131,
        "North East Derbyshire": 93,
        "Derbyshire Dales": 78,
    },
    "Hate crime": {
        "Chesterfield": 235,
        "Amber Valley": 194,
        "Erewash": 187,
        "Bolsover": 128,
        "North East Derbyshire": 119,
        "High Peak": 116,
        "South Derbyshire": 144,
        "Derbyshire Dales": 66,
    },
}
# What the plan's text says about South Derbyshire's place, where it says it.
PLAN_SENTENCES = {
    "ASB incidents": "second lowest",  # "the second lowest recorded figures per 1000 population"
    "Domestic abuse": "4th lowest",  # "the 4th lowest rates of Domestic Abuse per 1000 pop"
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
