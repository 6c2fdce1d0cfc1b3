"""Working days and English bank holidays.

Statutory and local timescales counted in working days (the Case Review clock, the Safer Homes
waiting flag) exclude Saturdays, Sundays and bank holidays in England and Wales (Banking and
Financial Dealings Act 1971, Sch.1, plus the royal proclamations listed in ``_ONE_OFF``).
Holidays are computed, so the calendar never runs out; one-off changes are listed by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

# Royal proclamations: extra days, and a holiday moved from its usual date.
_ONE_OFF: dict[int, tuple[set[date], set[date]]] = {
    # year: (added, removed)
    1995: ({date(1995, 5, 8)}, {date(1995, 5, 1)}),  # VE Day 50th anniversary
    1999: ({date(1999, 12, 31)}, set()),  # Millennium
    2002: ({date(2002, 6, 3), date(2002, 6, 4)}, {date(2002, 5, 27)}),  # Golden Jubilee
    2011: ({date(2011, 4, 29)}, set()),  # Royal wedding
    2012: ({date(2012, 6, 4), date(2012, 6, 5)}, {date(2012, 5, 28)}),  # Diamond Jubilee
    2020: ({date(2020, 5, 8)}, {date(2020, 5, 4)}),  # VE Day 75th anniversary
    2022: ({date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)}, {date(2022, 5, 30)}),  # Platinum Jubilee; state funeral
    2023: ({date(2023, 5, 8)}, set()),  # Coronation
}


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    d = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return d - timedelta(days=d.weekday())


def _substitute(d: date, taken: set[date]) -> date:
    """A holiday on a weekend moves to the next weekday not already a holiday."""
    while d.weekday() >= 5 or d in taken:
        d += timedelta(days=1)
    return d


@lru_cache(maxsize=256)
def english_bank_holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    days: set[date] = set()
    days.add(_substitute(date(year, 1, 1), days))
    days.add(easter - timedelta(days=2))  # Good Friday
    days.add(easter + timedelta(days=1))  # Easter Monday
    days.add(_first_monday(year, 5))  # Early May
    days.add(_last_monday(year, 5))  # Spring
    days.add(_last_monday(year, 8))  # Summer
    christmas = _substitute(date(year, 12, 25), days)
    days.add(christmas)
    days.add(_substitute(date(year, 12, 26), days))
    added, removed = _ONE_OFF.get(year, (set(), set()))
    return frozenset((days - removed) | added)


def is_working_day(d: date, extra_holidays: Iterable[date] = ()) -> bool:
    return d.weekday() < 5 and d not in english_bank_holidays(d.year) and d not in set(extra_holidays)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself is day 0, whatever it is)."""
    if n < 0:
        raise ValueError("n must not be negative")
    d = start
    while n:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` <= ``start``)."""
    count, d = 0, start
    while d < end:
        d += timedelta(days=1)
        if is_working_day(d):
            count += 1
    return count
