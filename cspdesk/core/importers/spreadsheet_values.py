"""Reading one cell of someone else's spreadsheet as a date, a number or yes/no, the English way.

Dates come as Excel dates, Excel serial numbers, ISO text or text in UK order (3/4/2021, 03-04-21,
"3 March 2021", "03-Mar-21"). Never US order: 04/25/2021 is refused, not read as 25 April. A text date
whose day and month could be swapped (3/4/2021) is read day first and called ambiguous unless its column
settles it: a column where some date has a first number over 12 is day-first throughout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

# Excel's 1900 date system counts days from 30/12/1899 (the day 0 that makes its 1900 leap-year bug vanish
# for every date after February 1900). 1 is 31/12/1899, 60 is the non-existent 29/02/1900.
EXCEL_EPOCH = date(1899, 12, 30)
# Serials read as dates: 1 January 1901 to 31 December 2099. Anything else is a number, not a date.
SERIAL_RANGE = (367, 73_050)

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

_TIME = r"(?:[ T]+(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?)?"
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME + r"$")
_NUMERIC = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[/\-.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{2}|\d{4})" + _TIME + r"$"
)
_WORDS = re.compile(
    r"^(?:[a-z]+,?\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s\-/]+(?P<mon>[a-z]+)\.?,?[\s\-/]+(?P<y>\d{2}|\d{4})"
    + _TIME
    + r"$"
)


@dataclass(frozen=True)
class ParsedDate:
    value: datetime | None  # midnight when no time was given
    ambiguous: bool = False  # day and month could be swapped and nothing settles which
    problem: str | None = None  # why it is not a date, in plain words
    had_time: bool = False

    @property
    def day(self) -> date | None:
        return self.value.date() if self.value is not None else None


def excel_serial_to_date(serial: float) -> datetime:
    return datetime.combine(EXCEL_EPOCH, time()) + timedelta(days=float(serial))


def two_digit_year(yy: int) -> int:
    """Excel's rule for a two-digit year: 00-29 are 2000-2029, 30-99 are 1930-1999."""
    return 2000 + yy if yy < 30 else 1900 + yy


def first_number_over_12(text: str) -> bool:
    """True when a numeric text date's first number can only be a day (13/04/2021): the column is
    day-first."""
    m = _NUMERIC.match(text.strip())
    return bool(m and int(m.group("a")) > 12)


def parse_date(value: object, day_first_settled: bool = False) -> ParsedDate:
    """``value`` as a date (and time). ``day_first_settled``: the column has proved itself day-first."""
    if value is None or value == "":
        return ParsedDate(None)
    if isinstance(value, datetime):
        return ParsedDate(value, had_time=value.time() != time())
    if isinstance(value, date):
        return ParsedDate(datetime.combine(value, time()))
    if isinstance(value, bool):
        return ParsedDate(None, problem=f"{value} is not a date")
    if isinstance(value, int | float):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            moment = excel_serial_to_date(value)
            return ParsedDate(moment, had_time=moment.time() != time())
        return ParsedDate(None, problem=f"{value:g} is not a date")
    text = " ".join(str(value).split()).lower()
    if not text:
        return ParsedDate(None)
    if text.isdigit() and SERIAL_RANGE[0] <= int(text) <= SERIAL_RANGE[1] and len(text) == 5:
        return ParsedDate(excel_serial_to_date(int(text)))  # a serial number that became text in a CSV
    shown = str(value).strip()
    if m := _ISO.match(text):
        return _built(shown, int(m["y"]), int(m["m"]), int(m["d"]), m, ambiguous=False)
    if m := _NUMERIC.match(text):
        a, b = int(m["a"]), int(m["b"])
        year = int(m["y"]) if len(m["y"]) == 4 else two_digit_year(int(m["y"]))
        if b > 12 and a <= 12:
            return ParsedDate(
                None,
                problem=f"{shown} is not a date in UK order (day/month/year); "
                "it looks like month first, as in the USA",
            )
        ambiguous = a <= 12 and b <= 12 and a != b and not day_first_settled
        return _built(shown, year, b, a, m, ambiguous=ambiguous)
    if m := _WORDS.match(text):
        month = MONTHS.get(m["mon"])
        if month is None:
            return ParsedDate(None, problem=f"{shown} is not a date")
        year = int(m["y"]) if len(m["y"]) == 4 else two_digit_year(int(m["y"]))
        return _built(shown, year, month, int(m["d"]), m, ambiguous=False)
    return ParsedDate(None, problem=f"{shown} is not a date CSPDesk can read (write it as 25/04/2021)")


def _built(shown: str, year: int, month: int, day: int, m: re.Match, ambiguous: bool) -> ParsedDate:
    try:
        hour = int(m["h"]) if m["h"] else 0
        minute = int(m["mi"]) if m["mi"] else 0
        second = int(m["s"]) if m["s"] else 0
        return ParsedDate(
            datetime(year, month, day, hour, minute, second), ambiguous=ambiguous, had_time=bool(m["h"])
        )
    except ValueError:
        return ParsedDate(None, problem=f"{shown} is not a real date")


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal | None
    problem: str | None = None


_NUMBER = re.compile(r"^(?P<neg>-)?£?(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?P<f>\.\d+)?$")


def parse_number(value: object) -> ParsedNumber:
    """A count or amount: 12, 12.5, "1,234", "£12.50", "-£3". Never a guess at "12,5"."""
    if value is None or value == "":
        return ParsedNumber(None)
    if isinstance(value, bool):
        return ParsedNumber(None, f"{value} is not a number")
    if isinstance(value, int):
        return ParsedNumber(Decimal(value))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ParsedNumber(None, "not a number")
        return ParsedNumber(Decimal(repr(value)))
    text = "".join(str(value).split())
    if not text:
        return ParsedNumber(None)
    if text.startswith("£-"):
        text = "-£" + text[2:]
    m = _NUMBER.match(text)
    if m is None:
        return ParsedNumber(None, f"{str(value).strip()} is not a number")
    try:
        n = Decimal(m["n"].replace(",", "") + (m["f"] or ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return ParsedNumber(None, f"{str(value).strip()} is not a number")
    return ParsedNumber(-n if m["neg"] else n)


_YES = {"yes", "y", "true", "1", "x", "✓"}
_NO = {"no", "n", "false", "0", ""}


def parse_yes_no(value: object) -> bool | None:
    """True, False, or None when the cell says neither."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def cell_text(value: object) -> str:
    """A cell as the officer would read it: dates as dd/mm/yyyy, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}" if value.time() == time() else f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())
