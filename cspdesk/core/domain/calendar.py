"""Working days and English bank holidays.

Statutory and local timescales counted in working days (the Case Review clock, the Safer Homes
waiting flag) exclude Saturdays, Sundays and bank holidays in England and Wales (Banking and
Financial Dealings Act 1971, s.1 and Sch.1, plus the extra days and moves made by royal proclamation
under s.1(3)).

The dates come from the ``holidays`` package (``UnitedKingdom(subdiv="ENG")``), whose maintainers add
each royal proclamation as it is made (the 2022 state funeral, the 2023 coronation), so a new one-off
day no longer waits for someone here to list it by hand. ``tests/core/test_calendar.py`` checks it
against the Act's rules computed independently, with the proclamations we know of, for every year
1995-2035, and against the published GOV.UK lists. Where they differ only the package is right: it
also knows that the Early May holiday began in 1978 and the one-off days of 1977 (Silver Jubilee) and
1981 (royal wedding), which the hand computation this replaced did not.

The package lists a holiday that falls on a weekend on its own date as well as on the weekday that
is taken instead ("Boxing Day (observed)"); only the weekday is a day off, so only weekdays are kept.

``holidays`` is imported inside the function that first needs it, because it is not small: its
``countries`` package loads every country (0.22-0.48 s here, a shared 2-core machine at load 6; the
import of this module itself is unchanged, 5-20 ms before and after). So the window starts without it
(tests/core/test_calendar.py, tests/test_architecture.py) and the first working-day count in a process
pays it once. Measure with:
    python -X importtime -c "import cspdesk.core.domain.calendar"
    python -X importtime -c "from cspdesk.core.domain.calendar import english_bank_holidays as h; h(2026)"
The country module is named directly so a frozen build finds it without the package's lazy registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache


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


@lru_cache(maxsize=256)
def english_bank_holidays(year: int) -> frozenset[date]:
    """The bank holidays in England and Wales in ``year``: the days off, each a weekday."""
    from holidays.countries.united_kingdom import UnitedKingdom

    england = UnitedKingdom(subdiv="ENG", years=year)  # type: ignore[no-untyped-call]  # the package is untyped
    return frozenset(d for d in england if d.weekday() < 5)


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
