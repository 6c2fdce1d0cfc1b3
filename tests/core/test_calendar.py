"""English bank holidays and working days, checked against the published GOV.UK lists and against the Act's
rules computed here by hand (the computation the app used before it took its dates from ``holidays``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cspdesk.core.domain.calendar import (
    add_working_days,
    easter_sunday,
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


# Royal proclamations (Banking and Financial Dealings Act 1971, s.1(3)) since 1995:
# (days added, days moved away).
PROCLAIMED = {
    1995: ({date(1995, 5, 8)}, {date(1995, 5, 1)}),  # VE Day 50th anniversary
    1999: ({date(1999, 12, 31)}, set()),  # Millennium
    2002: ({date(2002, 6, 3), date(2002, 6, 4)}, {date(2002, 5, 27)}),  # Golden Jubilee
    2011: ({date(2011, 4, 29)}, set()),  # Royal wedding
    2012: ({date(2012, 6, 4), date(2012, 6, 5)}, {date(2012, 5, 28)}),  # Diamond Jubilee
    2020: ({date(2020, 5, 8)}, {date(2020, 5, 4)}),  # VE Day 75th anniversary
    2022: (
        {date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)},
        {date(2022, 5, 30)},
    ),  # Platinum Jubilee; funeral
    2023: ({date(2023, 5, 8)}, set()),  # Coronation
}


def by_the_act(year: int) -> set[date]:
    """Schedule 1 for England and Wales as amended (New Year's Day 1974, Early May 1978), a
    holiday on a weekend moved to the next weekday that is not already one, then the
    proclamations above. Valid from 1978."""

    def substitute(d: date, taken: set[date]) -> date:
        while d.weekday() >= 5 or d in taken:
            d += timedelta(days=1)
        return d

    def first_monday(month: int) -> date:
        d = date(year, month, 1)
        return d + timedelta(days=(7 - d.weekday()) % 7)

    def last_monday(month: int) -> date:
        d = date(year, month + 1, 1) - timedelta(days=1)
        return d - timedelta(days=d.weekday())

    easter = easter_sunday(year)
    days: set[date] = set()
    days.add(substitute(date(year, 1, 1), days))
    days |= {
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        first_monday(5),
        last_monday(5),
        last_monday(8),
    }
    days.add(substitute(date(year, 12, 25), days))
    days.add(substitute(date(year, 12, 26), days))
    added, moved = PROCLAIMED.get(year, (set(), set()))
    return (days - moved) | added


@pytest.mark.parametrize("year", range(1995, 2036))
def test_the_holidays_package_agrees_with_the_act_and_its_proclamations(year):
    """The dates now come from the ``holidays`` package: this catches an upgrade of it that drops,
    adds or moves a day (a holiday moved off a weekend, a proclaimed one-off) against the rules as
    the Act writes them. (Seen to fail with the package's weekend dates kept: Christmas Day 2021 on
    a Saturday is not a day off.)"""
    assert english_bank_holidays(year) == by_the_act(year)


def test_one_off_days_the_hand_computation_never_knew():
    """What the package knows beyond the proclamations we listed by hand: the Silver Jubilee and the royal
    wedding of 1981, and that the Early May holiday began in 1978."""
    assert date(1977, 6, 7) in english_bank_holidays(1977) and date(1977, 5, 2) not in english_bank_holidays(
        1977
    )
    assert date(1981, 7, 29) in english_bank_holidays(1981)
    assert english_bank_holidays(1981) == by_the_act(1981) | {date(1981, 7, 29)}


def test_a_bank_holiday_is_always_a_day_off():
    """Only weekdays: the package also lists a holiday on the weekend date it fell on (Christmas Day 2027 is
    a Saturday; the days off are Monday 27 and Tuesday 28)."""
    assert {date(2027, 12, 27), date(2027, 12, 28)} <= english_bank_holidays(2027)
    assert all(d.weekday() < 5 for y in range(1995, 2036) for d in english_bank_holidays(y))


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


def test_the_calendar_loads_without_the_holidays_package():
    """``holidays`` (about 40 ms to import) is loaded when a date is first asked for, not by importing the
    calendar, which the case review and Safer Homes rules import. Catches a module-level ``import holidays``
    (seen to fail with one)."""
    import subprocess
    import sys

    code = "import sys, cspdesk.core.domain.calendar; print('holidays' in sys.modules)"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        == "False\n"
    )
