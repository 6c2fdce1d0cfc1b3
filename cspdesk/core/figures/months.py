"""Months as the analyst writes them (``YYYY-MM``) and the 12-month periods the plan reports on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cspdesk.core.errors import ValidationError

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
PERIOD_MONTHS = 12  # the plan compares a year with the year before


def is_month(text: str) -> bool:
    return bool(MONTH_PATTERN.match(text))


def parse_month(text: str, field: str = "month") -> tuple[int, int]:
    match = MONTH_PATTERN.match(text.strip())
    if not match:
        raise ValidationError({field: f"{text!r} is not a month in the form YYYY-MM (e.g. 2022-01)"})
    return int(match.group(1)), int(match.group(2))


def month_index(text: str) -> int:
    year, month = parse_month(text)
    return year * 12 + month - 1


def month_from_index(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_words(month: str) -> str:
    """'Dec 2018' for '2018-12'."""
    year, number = parse_month(month)
    return f"{_NAMES[number - 1]} {year}"


@dataclass(frozen=True)
class Period:
    """An inclusive run of months, ``first`` to ``last``, both ``YYYY-MM``."""

    first: str
    last: str

    @classmethod
    def of_year(cls, first: str, last: str) -> Period:
        """The plan's reporting period: exactly 12 months, checked so a typo cannot shorten it."""
        start, end = parse_month(first, "from"), parse_month(last, "to")  # validates both
        del start, end
        length = month_index(last) - month_index(first) + 1
        if length != PERIOD_MONTHS:
            raise ValidationError(
                {
                    "to": f"The period {first} to {last} is {length} months; the table compares 12 months "
                    f"with the 12 before, so choose e.g. {first} to "
                    f"{month_from_index(month_index(first) + 11)}."
                }
            )
        return cls(first, last)

    @property
    def months(self) -> list[str]:
        return [month_from_index(i) for i in range(month_index(self.first), month_index(self.last) + 1)]

    def previous(self) -> Period:
        length = month_index(self.last) - month_index(self.first) + 1
        return Period(
            month_from_index(month_index(self.first) - length), month_from_index(month_index(self.first) - 1)
        )

    @property
    def label(self) -> str:
        """'Jan 2022 to Dec 2022', as the plan's table headings say it."""

        def words(month: str) -> str:
            year, number = parse_month(month)
            return f"{_NAMES[number - 1]} {year}"

        return f"{words(self.first)} to {words(self.last)}"
