"""Dates and numbers as other people's spreadsheets hold them (property-based): UK order or ISO, never US
order;
Excel serials; "1,234" and "£12.50"."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cspdesk.core.importers.spreadsheet_values import (
    EXCEL_EPOCH,
    parse_date,
    parse_number,
    two_digit_year,
)

dates = st.dates(min_value=date(1930, 1, 1), max_value=date(2029, 12, 31))
UK_FORMATS = (
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%-d/%-m/%Y",
    "%d/%m/%y",
    "%d %B %Y",
    "%d-%b-%y",
    "%-d %b %Y",
)


@given(dates, st.sampled_from(UK_FORMATS))
def test_a_uk_date_reads_back_as_itself(d, fmt):
    parsed = parse_date(d.strftime(fmt), day_first_settled=True)
    assert parsed.problem is None and parsed.day == d


@given(dates)
def test_an_iso_date_reads_back_as_itself_and_is_never_ambiguous(d):
    parsed = parse_date(d.isoformat())
    assert parsed.day == d and not parsed.ambiguous


@given(dates)
def test_a_date_in_us_order_is_never_read_as_another_date(d):
    """Catches 04/25/2021 taken as anything: refused when the day cannot be a month; otherwise flagged."""
    us = f"{d.month:02d}/{d.day:02d}/{d.year}"
    parsed = parse_date(us)
    if d.day > 12:
        assert parsed.value is None and "UK order" in (parsed.problem or "")
    elif d.day != d.month:
        assert parsed.ambiguous  # could be either: the officer is asked to check it


@given(dates)
def test_day_and_month_that_could_swap_are_flagged_unless_the_column_settles_it(d):
    text = f"{d.day:02d}/{d.month:02d}/{d.year}"
    ambiguous = d.day <= 12 and d.day != d.month
    assert parse_date(text).ambiguous == ambiguous
    assert not parse_date(text, day_first_settled=True).ambiguous


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31)))
def test_an_excel_serial_number_is_its_date(d):
    serial = (d - EXCEL_EPOCH).days
    assert parse_date(serial).day == d
    assert parse_date(float(serial) + 0.5).value == datetime.combine(d, datetime.min.time()) + timedelta(
        hours=12
    )


def test_serials_match_what_excel_shows():
    """Catches an epoch off by a day (Excel's 1900 leap-year bug): 44197 is 1 January 2021 in Excel."""
    assert parse_date(44197).day == date(2021, 1, 1)
    assert parse_date("45658").day == date(2025, 1, 1)  # a serial that became text in a CSV
    assert parse_date(367).day == date(1901, 1, 1)


@given(st.integers(min_value=0, max_value=99))
def test_two_digit_years_follow_excel(yy):
    assert two_digit_year(yy) == (2000 + yy if yy < 30 else 1900 + yy)


def test_dates_that_are_not_dates_say_so():
    for text in ("31/02/2021", "32/01/2021", "yesterday", "12/13/14/15", "3 Smarch 2021"):
        parsed = parse_date(text)
        assert parsed.value is None and parsed.problem, text


@given(st.integers(min_value=-(10**9), max_value=10**9), st.integers(min_value=0, max_value=99))
def test_numbers_with_thousands_and_pounds_read_back(whole, pence):
    value = Decimal(whole) + Decimal(pence) / 100 * (1 if whole >= 0 else -1)
    sign = "-" if value < 0 else ""
    text = f"{sign}£{abs(whole):,}.{pence:02d}"
    assert parse_number(text).value == value
    assert parse_number(f"{whole:,}").value == whole
    assert parse_number(whole).value == whole


def test_numbers_are_not_guessed():
    for text in ("12,5", "1,23,456", "£", "twelve", "1.2.3"):
        number = parse_number(text)
        assert number.value is None and number.problem, text
