"""The South Derbyshire CSP Partnership Plan 2023-26's "Crime Figures" section, as data.

Shared by the demo data (which must reproduce the plan's six 2022 tables exactly), the tests that
prove the engine does, and the printed section's default category list.

What the published rates say about the population base (tests/core/test_figures_plan.py checks it):
the footnote says "Rate per 1,000 16+ population (2020 estimate)", but the ONS mid-2020 16+ figures
reproduce none of the 54 published rates; ONS mid-2020 *total* population reproduces 24. Every rate,
county rows included, is reproduced by a total-population base of 794,700 (``PLAN_POPULATION``), each
district inside the narrow range the six tables pin it to. The previous-year volumes are not
published; ``PREVIOUS`` holds volumes worked out so every trend rounds to the published figure.
"""

from __future__ import annotations

COUNTY = "Derbyshire County Council area"
HOME = "South Derbyshire"
PLAN_YEAR = ("2022-01", "2022-12")
PLAN_POPULATION_LABEL = "total population (2020 estimate)"  # see the note above: not 16+
# The plan's six tables, in the plan's order; the analyst's category names.
PLAN_CATEGORIES = (
    "ASB incidents",
    "Domestic abuse",
    "Residential burglary",
    "Vehicle crime",
    "Serious violence",
    "Hate crime",
)
# The nearest police.uk crime type for each (police.uk publishes no domestic abuse or hate flag).
POLICE_UK_EQUIVALENT = {
    "ASB incidents": "Anti-social behaviour",
    "Residential burglary": "Burglary",
    "Vehicle crime": "Vehicle crime",
    "Serious violence": "Violence and sexual offences",
}
# How the plan's headings name each category ("ASB Incidents (excluding Covid) Jan 2022 to Dec 2022").
PLAN_HEADINGS = {
    "ASB incidents": "ASB Incidents (excluding Covid)",
    "Domestic abuse": "Domestic Abuse crimes",
    "Residential burglary": "Residential Burglary",
    "Vehicle crime": "Vehicle crime",
    "Serious violence": "Serious Violence",
    "Hate crime": "Hate crime",
}

# Covid-related ASB (breaches of the Coronavirus regulations, recorded as ASB) was left out of the plan's ASB
# figures up to 2022; a period after that has nothing to exclude, and saying so would mislead (issue 19).
COVID_EXCLUDED_UNTIL = "2022-12"


def plan_heading(category: str, first_month: str) -> str:
    """The plan's heading for ``category`` for a period starting ``first_month`` (YYYY-MM)."""
    heading = PLAN_HEADINGS.get(category, category)
    if first_month > COVID_EXCLUDED_UNTIL:
        heading = heading.replace(" (excluding Covid)", "")
    return heading


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

# Copied from the plan: area, volume, rate, trend, in the plan's order (tab separated).
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


# The plan's tables give yearly volumes; monthly figures are spread over uneven months, as real ones are.
MONTH_WEIGHTS = (9, 7, 8, 8, 9, 8, 10, 9, 8, 8, 7, 9)


def published_rows(category: str) -> list[tuple[str, int, str, str]]:
    """``(area, volume, rate, trend)`` as printed in the plan (rate and trend as text, trend without %)."""
    rows = []
    for line in PLAN[category].splitlines():
        area, volume, rate, trend = line.split("\t")
        rows.append((area, int(volume.replace(",", "")), rate, trend.rstrip("%")))
    return rows


def spread_over_months(total: int, weights: tuple[int, ...] = MONTH_WEIGHTS) -> list[int]:
    """Whole monthly counts that add up to ``total`` exactly."""
    counts = [total * w // sum(weights) for w in weights]
    counts[0] += total - sum(counts)
    return counts
