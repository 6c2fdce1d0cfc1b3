"""The four published Case Review figures for a year, and the plan's sentences."""

from __future__ import annotations

from datetime import date

import pytest

from cspdesk.core.domain.case_review_figures import (
    MEASURES,
    CaseReviewFigureRecord,
    PeriodKind,
    calendar_year,
    count_figures,
    figure_sentence,
    financial_year,
    financial_year_containing,
    number_words,
    parse_period,
)
from cspdesk.core.errors import ValidationError

R = CaseReviewFigureRecord


@pytest.mark.parametrize(
    ("text", "start", "end", "kind", "label"),
    [
        ("2022/23", date(2022, 4, 1), date(2023, 3, 31), PeriodKind.FINANCIAL_YEAR, "2022/23"),
        (" 2022-23 ", date(2022, 4, 1), date(2023, 3, 31), PeriodKind.FINANCIAL_YEAR, "2022/23"),
        ("2022/2023", date(2022, 4, 1), date(2023, 3, 31), PeriodKind.FINANCIAL_YEAR, "2022/23"),
        ("1999/00", date(1999, 4, 1), date(2000, 3, 31), PeriodKind.FINANCIAL_YEAR, "1999/00"),
        ("2022", date(2022, 1, 1), date(2022, 12, 31), PeriodKind.CALENDAR_YEAR, "2022"),
        (
            "2022-04-01..2022-09-30",
            date(2022, 4, 1),
            date(2022, 9, 30),
            PeriodKind.DATE_RANGE,
            "1 April 2022 to 30 September 2022",
        ),
        (
            "2022-04-01 to 2022-09-30",
            date(2022, 4, 1),
            date(2022, 9, 30),
            PeriodKind.DATE_RANGE,
            "1 April 2022 to 30 September 2022",
        ),
    ],
)
def test_parse_period(text, start, end, kind, label):
    p = parse_period(text)
    assert (p.start, p.end, p.kind, p.label) == (start, end, kind, label)


@pytest.mark.parametrize(
    "text",
    ["", "2022/24", "2022/2024", "22/23", "last year", "2022-02-30..2022-03-01", "2023-01-01..2022-01-01"],
)
def test_bad_periods_name_the_year_field(text):
    with pytest.raises(ValidationError) as e:
        parse_period(text)
    assert set(e.value.fields) == {"year"}


def test_period_helpers():
    assert financial_year_containing(date(2023, 3, 31)) == financial_year(2022)
    assert financial_year_containing(date(2023, 4, 1)) == financial_year(2023)
    assert calendar_year(2022).phrase == "in 2022"
    assert parse_period("2022-04-01..2023-03-31").phrase == "between 1 April 2022 and 31 March 2023"


# A crafted 2022/23, with applications and reviews either side of both year ends.
YEAR = [
    R(date(2022, 3, 31), True, False, date(2022, 4, 20), True),  # received 2021/22, reviewed 2022/23
    R(date(2022, 4, 1), True, False, date(2022, 4, 29), True),  # first day
    R(date(2022, 6, 10), True, False, date(2022, 7, 1), False),  # reviewed, no recommendations
    R(date(2022, 8, 1), False),  # not met, closed
    R(date(2022, 9, 1), False, True, date(2022, 9, 30), True),  # not met but reviewed on harm
    R(date(2022, 11, 1), False),  # not met
    R(date(2023, 1, 9)),  # still undecided at year end
    R(date(2023, 3, 20), True, False, date(2023, 4, 12), True),  # received 2022/23, reviewed 2023/24
    R(date(2023, 3, 31), False),  # last day, not met
    R(date(2023, 4, 1), True, False, date(2023, 4, 25), True),  # next year
]


def test_four_figures_for_a_crafted_year():
    f = count_figures(YEAR, parse_period("2022/23"))
    assert f.as_rows() == [
        ("applications", 8),
        ("threshold_not_met", 3),
        ("reviews_conducted", 4),
        ("reviews_with_recommendations", 3),
    ]
    assert [m for m, _ in f.as_rows()] == list(MEASURES)


def test_the_same_records_by_calendar_year():
    f = count_figures(YEAR, parse_period("2022"))
    assert (f.applications, f.threshold_not_met, f.reviews_conducted, f.reviews_with_recommendations) == (
        6,
        2,
        4,
        3,
    )


def test_an_empty_year():
    f = count_figures([], parse_period("2022/23"))
    assert f.as_rows() == [(m, 0) for m in MEASURES]


@pytest.mark.parametrize(
    ("n", "word"), [(0, "no"), (1, "one"), (2, "two"), (7, "seven"), (10, "ten"), (11, "11"), (23, "23")]
)
def test_number_words(n, word):
    assert number_words(n) == word


def test_the_plans_sentences_with_one_of_each():
    f = count_figures([R(date(2022, 5, 1), True, False, date(2022, 6, 1), True)], parse_period("2022/23"))
    assert f.sentences() == {
        "applications": "One Community Trigger application was received in South Derbyshire in 2022/23.",
        "threshold_not_met": (
            "No application for an ASB Case Review received in South Derbyshire in 2022/23 was "
            "found not to meet the threshold."
        ),
        "reviews_conducted": "One ASB Case Review was conducted in 2022/23.",
        "reviews_with_recommendations": (
            "One ASB Case Review took place in 2022/23 which resulted in recommendations being made."
        ),
    }


def test_plurals_and_zero():
    fy = parse_period("2022/23")
    assert figure_sentence("applications", 0, fy) == (
        "No Community Trigger applications were received in South Derbyshire in 2022/23."
    )
    assert figure_sentence("applications", 2, fy) == (
        "Two Community Trigger applications were received in South Derbyshire in 2022/23."
    )
    assert figure_sentence("applications", 12, fy, area="Erewash") == (
        "12 Community Trigger applications were received in Erewash in 2022/23."
    )
    assert figure_sentence("threshold_not_met", 1, fy) == (
        "One application for an ASB Case Review received in "
        "South Derbyshire in 2022/23 did not meet the threshold."
    )
    assert figure_sentence("threshold_not_met", 3, fy) == (
        "Three applications for ASB Case Reviews received in South Derbyshire in 2022/23 did not meet the "
        "threshold."
    )
    assert figure_sentence("reviews_conducted", 0, fy) == "No ASB Case Reviews were conducted in 2022/23."
    assert figure_sentence("reviews_conducted", 2, fy) == "Two ASB Case Reviews were conducted in 2022/23."
    assert figure_sentence("reviews_with_recommendations", 0, fy) == (
        "No ASB Case Review conducted in 2022/23 resulted in recommendations being made."
    )
    assert figure_sentence("reviews_with_recommendations", 4, fy) == (
        "Four ASB Case Reviews took place in 2022/23 which resulted in recommendations being made."
    )
    rng = parse_period("2022-04-01..2022-09-30")
    assert figure_sentence("reviews_conducted", 1, rng) == (
        "One ASB Case Review was conducted between 1 April 2022 and 30 September 2022."
    )


def test_unknown_measure():
    with pytest.raises(ValueError):
        figure_sentence("reviews", 1, parse_period("2022"))
    with pytest.raises(ValueError):
        number_words(-1)
