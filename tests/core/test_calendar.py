"""English bank holidays and working days, checked against the published GOV.UK lists."""

from __future__ import annotations

from datetime import date

import pytest

from cspdesk.core.domain.calendar import (
    add_working_days,
    english_bank_holidays,
    is_working_day,
    working_days_between,
)

PUBLISHED = {
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2022: ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"],
    2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_bank_holidays_match_the_published_list(year):
    expected = {date.fromisoformat(f"{year}-{md}") for md in PUBLISHED[year]}
    assert english_bank_holidays(year) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2023, 12, 20), 10, date(2024, 1, 8)),  # Christmas, Boxing Day, New Year skipped
        (date(2023, 4, 5), 3, date(2023, 4, 12)),  # Good Friday and Easter Monday skipped
        (date(2026, 11, 26), 15, date(2026, 12, 17)),
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday to Monday
        (date(2026, 11, 28), 0, date(2026, 11, 28)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(date(2023, 12, 20), date(2024, 1, 5)) == 9
    assert working_days_between(date(2024, 1, 5), date(2023, 12, 20)) == 0
    assert not is_working_day(date(2022, 9, 19))  # the state funeral
    assert is_working_day(date(2022, 5, 30))  # the spring holiday moved that year
