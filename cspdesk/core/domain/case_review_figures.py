"""The Case Review figures every partnership publishes each year, in the plan's own words.

The 2014 Act (Sch.4 para 8 / the statutory guidance) requires the relevant bodies to publish, for each
year: the number of applications for ASB Case Reviews, the number that did not meet the threshold,
the number of reviews carried out, and the number that resulted in recommendations. The plan prints
them as sentences ("One Community Trigger application was received in South Derbyshire in 2022/23.");
the CSV has ``measure,count`` rows with the measures named exactly as in ``MEASURES``.

Which date puts an application in a year:
- ``applications`` and ``threshold_not_met``: the date the application was received (an application
  decided in April about one received in March belongs to the year it was received);
- ``reviews_conducted`` and ``reviews_with_recommendations``: the date the review meeting was held, so a
  review counts in the year it happened, even for an application received the year before. An
  application counts once however many times its review met (e.g. again after an upheld appeal).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cspdesk.core.domain.case_review import format_date
from cspdesk.core.errors import ValidationError

MEASURES: tuple[str, ...] = (
    "applications",
    "threshold_not_met",
    "reviews_conducted",
    "reviews_with_recommendations",
)

# The headings the plan prints above each figure.
MEASURE_HEADINGS: dict[str, str] = {
    "applications": "The number of applications for ASB Case Reviews",
    "threshold_not_met": "The number of applications for ASB Case Reviews that did not meet the threshold",
    "reviews_conducted": "The number of ASB Case Reviews conducted",
    "reviews_with_recommendations": "The number of ASB Case "
    "Reviews that resulted in recommendations being made",
}


class PeriodKind(StrEnum):
    FINANCIAL_YEAR = "financial_year"
    CALENDAR_YEAR = "calendar_year"
    DATE_RANGE = "date_range"


@dataclass(frozen=True)
class ReportingPeriod:
    start: date
    end: date  # inclusive
    kind: PeriodKind

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end

    @property
    def label(self) -> str:
        """ "2022/23", "2022" or "1 April 2022 to 31 March 2023"."""
        if self.kind is PeriodKind.FINANCIAL_YEAR:
            return f"{self.start.year}/{(self.start.year + 1) % 100:02d}"
        if self.kind is PeriodKind.CALENDAR_YEAR:
            return str(self.start.year)
        return f"{format_date(self.start)} to {format_date(self.end)}"

    @property
    def phrase(self) -> str:
        """How a sentence says it: "in 2022/23", "in 2022", "between 1 April 2022 and 31 March 2023"."""
        if self.kind is PeriodKind.DATE_RANGE:
            return f"between {format_date(self.start)} and {format_date(self.end)}"
        return f"in {self.label}"


def financial_year(start_year: int) -> ReportingPeriod:
    """The financial year 1 April ``start_year`` to 31 March the year after."""
    return ReportingPeriod(date(start_year, 4, 1), date(start_year + 1, 3, 31), PeriodKind.FINANCIAL_YEAR)


def financial_year_containing(d: date) -> ReportingPeriod:
    return financial_year(d.year if d.month >= 4 else d.year - 1)


def calendar_year(year: int) -> ReportingPeriod:
    return ReportingPeriod(date(year, 1, 1), date(year, 12, 31), PeriodKind.CALENDAR_YEAR)


_FY = re.compile(r"^(?:FY\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})$", re.IGNORECASE)
_CY = re.compile(r"^\d{4}$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|to|–|—|\s-\s)\s*(\d{4}-\d{2}-\d{2})$", re.IGNORECASE)


def parse_period(text: str) -> ReportingPeriod:
    """A year as the user types it: "2022/23" or "2022-23" (financial year, 1 April 2022 - 31 March 2023),
    "2022" (calendar year), or "2022-04-01..2023-03-31" / "2022-04-01 to 2023-03-31" (inclusive range).

    Raises ``ValidationError`` on field ``year``.
    """
    t = (text or "").strip()
    if m := _FY.match(t):
        first, second = int(m.group(1)), m.group(2)
        expected = first + 1
        if (len(second) == 2 and int(second) != expected % 100) or (
            len(second) == 4 and int(second) != expected
        ):
            raise ValidationError(
                {
                    "year": f"'{t}' is not a financial year: the second year must follow the "
                    f"first, as in {first}/{expected % 100:02d}."
                }
            )
        return financial_year(first)
    if _CY.match(t):
        return calendar_year(int(t))
    if m := _RANGE.match(t):
        try:
            start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        except ValueError:
            raise ValidationError({"year": f"'{t}' contains a date that does not exist."}) from None
        if end < start:
            raise ValidationError({"year": f"In '{t}' the end date is before the start date."})
        return ReportingPeriod(start, end, PeriodKind.DATE_RANGE)
    raise ValidationError(
        {
            "year": f"'{t}' is not a year. Use a financial year such as 2022/23, a calendar "
            "year such as 2022, or dates such as 2022-04-01..2023-03-31."
        }
    )


@dataclass(frozen=True)
class CaseReviewFigureRecord:
    """What the figures need from one application.

    ``review_meeting_on`` is the date the review meeting was held (recorded with its minutes), not a
    date planned. ``proceed_despite_not_met``: the bodies reviewed anyway on persistence, harm or the
    adequacy of the response.
    """

    received_on: date
    threshold_met: bool | None = None
    proceed_despite_not_met: bool = False
    review_meeting_on: date | None = None
    recommendations_made: bool | None = None


@dataclass(frozen=True)
class CaseReviewFigures:
    period: ReportingPeriod
    applications: int
    threshold_not_met: int
    reviews_conducted: int
    reviews_with_recommendations: int

    def as_rows(self) -> list[tuple[str, int]]:
        """``(measure, count)`` in the published order: the CSV rows under ``measure,count``."""
        return [(m, getattr(self, m)) for m in MEASURES]

    def sentences(self, area: str = "South Derbyshire") -> dict[str, str]:
        return {m: figure_sentence(m, getattr(self, m), self.period, area) for m in MEASURES}


def count_figures(records: Iterable[CaseReviewFigureRecord], period: ReportingPeriod) -> CaseReviewFigures:
    """The four published figures for ``period``.

    ``threshold_not_met`` counts applications decided not met *and* not reviewed on other grounds: where
    the bodies chose to review anyway they have in effect decided the threshold is met (DOMAIN.md s.4), and
    the published figures then reconcile (applications = not met + reviewed + still undecided).
    """
    applications = not_met = conducted = with_recs = 0
    for r in records:
        if r.received_on in period:
            applications += 1
            if r.threshold_met is False and not r.proceed_despite_not_met:
                not_met += 1
        if r.review_meeting_on is not None and r.review_meeting_on in period:
            conducted += 1
            if r.recommendations_made:
                with_recs += 1
    return CaseReviewFigures(period, applications, not_met, conducted, with_recs)


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def number_words(n: int, capitalise: bool = False) -> str:
    """0 -> "no", 1-10 in words, 11 and over in figures (the usual plain-English style)."""
    if n < 0:
        raise ValueError("a count cannot be negative")
    word = _WORDS[n] if n <= 10 else str(n)
    return word[:1].upper() + word[1:] if capitalise else word


def figure_sentence(measure: str, n: int, period: ReportingPeriod, area: str = "South Derbyshire") -> str:
    """The plan's sentence for one figure, with the verb and noun agreeing with ``n`` (which the printed
    plan sometimes did not: "One ... applications was received")."""
    num = number_words(n, capitalise=True)
    one = n == 1
    when = period.phrase
    if measure == "applications":
        noun = "application was" if one else "applications were"
        return f"{num} Community Trigger {noun} received in {area} {when}."
    if measure == "threshold_not_met":
        if n == 0:
            return (
                "No application for an ASB Case Review received in "
                f"{area} {when} was found not to meet the threshold."
            )
        noun = "application for an ASB Case Review" if one else "applications for ASB Case Reviews"
        return f"{num} {noun} received in {area} {when} did not meet the threshold."
    if measure == "reviews_conducted":
        noun = "ASB Case Review was" if one else "ASB Case Reviews were"
        return f"{num} {noun} conducted {when}."
    if measure == "reviews_with_recommendations":
        if n == 0:
            return f"No ASB Case Review conducted {when} resulted in recommendations being made."
        noun = "ASB Case Review" if one else "ASB Case Reviews"
        return f"{num} {noun} took place {when} which resulted in recommendations being made."
    raise ValueError(f"unknown measure {measure!r}; expected one of {', '.join(MEASURES)}")
