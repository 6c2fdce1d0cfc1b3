"""The comparison table's rules on their own: rounding, trend, total row, order, errors, CSV."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from cspdesk.core.errors import ValidationError
from cspdesk.core.figures.export import table_csv
from cspdesk.core.figures.months import Period
from cspdesk.core.figures.table import build_comparison_table, comparison_sentence, round_half_up

PERIOD = Period.of_year("2022-01", "2022-12")


def _year(area: str, months: list[str], per_month: int) -> list[tuple[str, str, int]]:
    return [(area, month, per_month) for month in months]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(2735, 100), "27.4"),
        (Fraction(2725, 100), "27.3"),
        (Fraction(-1245, 100), "-12.5"),
        (Fraction(-4, 100), "0.0"),
        (Fraction(0), "0.0"),
        (Fraction(1, 3), "0.3"),
        (Fraction(5, 100), "0.1"),
    ],
)
def test_round_half_up_as_a_person_would(value, expected):
    assert str(round_half_up(value)) == expected


def test_period_must_be_twelve_months_and_knows_the_year_before():
    assert PERIOD.previous() == Period("2021-01", "2021-12")
    assert Period.of_year("2021-04", "2022-03").previous() == Period("2020-04", "2021-03")
    assert PERIOD.label == "Jan 2022 to Dec 2022"
    with pytest.raises(ValidationError, match="11 months"):
        Period.of_year("2022-01", "2022-11")
    with pytest.raises(ValidationError, match="YYYY-MM"):
        Period.of_year("2022-1", "2022-12")


def test_no_previous_year_gives_n_a_never_a_division_by_zero():
    counts = (
        _year("A", PERIOD.months, 10) + _year("B", PERIOD.months, 5) + _year("B", PERIOD.previous().months, 0)
    )
    table = build_comparison_table("ASB", PERIOD, counts, {"A": 1000, "B": 1000}, total_label="County")
    by_area = {row.area: row for row in table.rows}
    assert by_area["A"].trend is None and by_area["A"].trend_text == "n/a"
    assert by_area["B"].trend is None  # previous total of 0
    assert table.total.trend is None  # a district without last year's figures: county n/a too
    assert "n/a" in table_csv(table).splitlines()[1]


def test_total_row_uses_summed_population_and_is_placed_by_its_rate():
    counts = (
        _year("High", PERIOD.months, 10)
        + _year("High", PERIOD.previous().months, 8)
        + _year("Low", PERIOD.months, 1)
        + _year("Low", PERIOD.previous().months, 2)
    )
    table = build_comparison_table(
        "ASB", PERIOD, counts, {"High": 1000, "Low": 3000}, total_label="County", home_area="Low"
    )
    assert [row.area for row in table.rows] == ["High", "County", "Low"]
    total = table.total
    assert (total.volume, total.population, total.rate) == (132, 4000, Decimal("33.0"))
    assert total.trend == Decimal("10.0") and total.trend_text == "+10.0%"  # (132-120)/120
    assert table.home.area == "Low" and table.sentence == "Low has the lowest rate per 1,000 in the county."


def test_area_without_population_is_named():
    counts = _year("Erewash", PERIOD.months, 1) + _year("Bolsover", PERIOD.months, 1)
    with pytest.raises(ValidationError, match="No population is recorded for Bolsover"):
        build_comparison_table("ASB", PERIOD, counts, {"Erewash": 100})


def test_no_figures_for_the_period_is_a_clear_message():
    with pytest.raises(ValidationError, match="no ASB figures for Jan 2022 to Dec 2022"):
        build_comparison_table("ASB", PERIOD, [("A", "2019-01", 3)], {"A": 100})


def test_an_area_listed_without_figures_shows_zero_and_months_outside_are_ignored():
    counts = _year("A", PERIOD.months, 2) + [("B", "2025-01", 99)]
    table = build_comparison_table("ASB", PERIOD, counts, {"A": 1000, "B": 1000}, areas=["A", "B"])
    assert {row.area: row.volume for row in table.rows} == {"A": 24, "B": 0, "Total": 24}


def test_csv_has_exactly_area_volume_rate_trend_in_report_order():
    counts = (
        _year("North", PERIOD.months, 3)
        + _year("North", PERIOD.previous().months, 4)
        + _year("South", PERIOD.months, 1)
        + _year("South", PERIOD.previous().months, 1)
    )
    table = build_comparison_table(
        "ASB", PERIOD, counts, {"North": 7000, "South": 2000}, total_label="Derbyshire County Council area"
    )
    assert table_csv(table) == (
        "area,volume,rate,trend\n"
        "South,12,6.0,0.0\n"
        "Derbyshire County Council area,48,5.3,-20.0\n"
        "North,36,5.1,-25.0\n"
    )


@pytest.mark.parametrize(
    ("position", "count", "words"),
    [
        (0, 8, "highest"),
        (1, 8, "second highest"),
        (2, 8, "third highest"),
        (3, 8, "fourth highest"),
        (4, 8, "fourth lowest"),
        (5, 8, "third lowest"),
        (6, 8, "second lowest"),
        (7, 8, "lowest"),
        (8, 19, "ninth highest"),
        (10, 19, "ninth lowest"),
        (10, 23, "11th highest"),
        (11, 23, "12th lowest"),
        (11, 25, "12th highest"),
        (21, 33, "12th lowest"),
    ],
)
def test_sentence_counts_from_the_nearer_end(position, count, words):
    """One ordinal style: words to ninth, figures from 10th; catches "4th highest" beside "third lowest"."""
    from cspdesk.core.figures.table import TableRow

    rows = [TableRow(f"D{i}", 1, 1, Decimal(0), None, None, is_home=i == position) for i in range(count)]
    assert comparison_sentence(rows) == f"D{position} has the {words} rate per 1,000 in the county."
