"""The partnership report pack: which measures it has, the sentence each is printed as, and its periods.

The wording follows the partnership plan's "Action Taken" section (seed plan 2023-26: "Issued 56x Community
Protection Notice Warnings (CPNW's) to individuals committing ASB.", "Held six local Area Forums ...") with
the apostrophes and agreements put right. Counts come from the services; nothing here reads storage.

Measure names are the CSV's ``measure`` column (snake_case, documented in docs/guide/reports.md); they never
change once published, so a county board's spreadsheet that reads them keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from cspdesk.core.domain.case_review_figures import (
    PeriodKind,
    ReportingPeriod,
    calendar_year,
    financial_year,
    number_words,
)
from cspdesk.core.domain.vocab import MeetingKind, PriorityTheme, VictimCategory

# --- measure names (the CSV's first column) ---------------------------------------------------------

CPW = "cpw_issued"
CPN = "cpn_issued_for_cpw_breach"
FPN = "fpn_issued_for_cpn_breach"
WARNING_LETTERS = "asb_warning_letters_issued"
ABCS = "abcs_agreed"
SAFER_HOMES = "safer_homes_properties_secured"
AREA_FORUMS = "area_forums_held"

ENFORCEMENT_MEASURES = (CPW, CPN, FPN, WARNING_LETTERS, ABCS)


def safer_homes_category_measure(category: VictimCategory | str) -> str:
    return f"safer_homes_secured_{VictimCategory(category).value}"


def meeting_measure(kind: MeetingKind | str) -> str:
    kind = MeetingKind(kind)
    return AREA_FORUMS if kind is MeetingKind.AREA_FORUM else f"meetings_held_{kind.value}"


CASE_REVIEW_MEASURES = {
    "applications": "case_review_applications",
    "threshold_not_met": "case_review_threshold_not_met",
    "reviews_conducted": "case_reviews_conducted",
    "reviews_with_recommendations": "case_reviews_with_recommendations",
}

# Per CSP priority theme (a case counts under its headline theme, so the themes add up to the whole).
PRIORITY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("cases_opened", "Cases opened"),
    ("cases_closed", "Cases closed"),
    ("cases_open_at_end", "Cases open at the end"),
    ("actions_completed", "Actions completed"),
    ("actions_outstanding", "Actions outstanding at the end"),
)


def priority_measure(theme: PriorityTheme | str, column: str) -> str:
    return f"priority_{PriorityTheme(theme).value}_{column}"


# --- the sentences ------------------------------------------------------------------------------------


def _x(n: int) -> str:
    """The plan writes notice counts as "56x"."""
    return f"{n:,}x"


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def notice_sentence(measure: str, n: int, when: str) -> str:
    if measure == CPW:
        if n == 0:
            return f"No Community Protection Notice Warnings (CPNWs) were issued {when}."
        return (
            f"Issued {_x(n)} Community Protection Notice "
            f"{_plural(n, 'Warning (CPNW) to an individual', 'Warnings (CPNWs) to individuals')} "
            "committing ASB."
        )
    if measure == CPN:
        if n == 0:
            return f"No Community Protection Notices (CPNs) were issued for breach of a CPNW {when}."
        return (
            f"Issued {_x(n)} Community Protection {_plural(n, 'Notice (CPN)', 'Notices (CPNs)')} for "
            f"{_plural(n, 'a breach', 'breaches')} of the above CPNWs."
        )
    if measure == FPN:
        if n == 0:
            return f"No Fixed Penalty Notices were issued for breach of a CPN {when}."
        return f"Issued {_x(n)} Fixed Penalty {_plural(n, 'Notice', 'Notices')} for breach of a CPN."
    if measure == WARNING_LETTERS:
        if n == 0:
            return f"No ASB warning letters were issued {when}."
        return f"Issued {_x(n)} ASB warning {_plural(n, 'letter', 'letters')} to people causing a nuisance."
    if measure == ABCS:
        if n == 0:
            return f"No Acceptable Behaviour Contracts (ABCs) were agreed {when}."
        return (
            f"Agreed {_x(n)} Acceptable Behaviour {_plural(n, 'Contract (ABC)', 'Contracts (ABCs)')} with "
            f"{_plural(n, 'a person', 'people')} causing ASB."
        )
    raise ValueError(f"not a notice measure: {measure!r}")


_MEETING_WORDS: dict[MeetingKind, tuple[str, str, str]] = {
    # kind: (singular, plural, what they are for)
    MeetingKind.AREA_FORUM: (
        "local Area Forum",
        "local Area Forums",
        ", to enable parish councils and residents to communicate with and raise any issues "
        "with the local Police SNT and the Council",
    ),
    MeetingKind.SAFER_SPACES: (
        "Safer Spaces meeting",
        "Safer Spaces meetings",
        " to look at young people's activities and how to make parks and open spaces safer",
    ),
    MeetingKind.TASKING: (
        "Police and Partner Tasking meeting",
        "Police and Partner Tasking meetings",
        " to address hot spots and the individuals causing issues",
    ),
    MeetingKind.IOM: (
        "Integrated Offender Management (IOM) meeting",
        "Integrated Offender Management (IOM) meetings",
        " to review prolific offenders",
    ),
    MeetingKind.CARE: (
        "multi-agency Children at Risk of Exploitation meeting",
        "multi-agency Children at Risk of Exploitation meetings",
        "",
    ),
    MeetingKind.CSP_BOARD: (
        "Community Safety Partnership Board meeting",
        "Community Safety Partnership Board meetings",
        "",
    ),
    MeetingKind.OTHER: ("other partnership meeting", "other partnership meetings", ""),
}


def meeting_sentence(kind: MeetingKind | str, n: int, when: str) -> str:
    one, many, purpose = _MEETING_WORDS[MeetingKind(kind)]
    if n == 0:
        return f"No {many} were held {when}."
    return f"Held {number_words(n)} {_plural(n, one, many)}{purpose}."


def meeting_label(kind: MeetingKind | str) -> str:
    many = _MEETING_WORDS[MeetingKind(kind)][1]
    return many[:1].upper() + many[1:]


_CATEGORY_WORDS = {
    VictimCategory.DOMESTIC_ABUSE: "victims of domestic abuse",
    VictimCategory.BURGLARY: "victims of burglary",
    VictimCategory.ASB: "victims of ASB",
    VictimCategory.HATE_CRIME: "victims of hate crime",
    VictimCategory.OLDER_VULNERABLE: "older or vulnerable people",
}


def safer_homes_category_sentence(category: VictimCategory | str, n: int, when: str) -> str:
    who = _CATEGORY_WORDS[VictimCategory(category)]
    if n == 0:
        return f"No properties were secured for {who} {when}."
    return f"Secured {n:,} {_plural(n, 'property', 'properties')} for {who}."


# --- periods ------------------------------------------------------------------------------------------


def previous_period(period: ReportingPeriod) -> ReportingPeriod:
    """The period of equal length just before: the year before for a year, else the same number of days."""
    if period.kind is PeriodKind.FINANCIAL_YEAR:
        return financial_year(period.start.year - 1)
    if period.kind is PeriodKind.CALENDAR_YEAR:
        return calendar_year(period.start.year - 1)
    days = (period.end - period.start).days + 1
    return ReportingPeriod(
        period.start - timedelta(days=days), period.start - timedelta(days=1), PeriodKind.DATE_RANGE
    )


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Quarter:
    number: int
    start: date
    end: date

    @property
    def label(self) -> str:
        """ "Q1 Apr–Jun 2022"."""
        same_year = self.start.year == self.end.year
        first = f"{self.start:%b}" if same_year else f"{self.start:%b %Y}"
        return f"Q{self.number} {first}–{self.end:%b %Y}"


def quarters(period: ReportingPeriod) -> list[Quarter]:
    """Three-month blocks from the period's start (Q1 to Q4 of a financial year: April-June ...
    January-March); the last is cut at the period's end."""
    out: list[Quarter] = []
    start = period.start
    while start <= period.end:
        nxt = _add_months(date(start.year, start.month, 1), 3)
        end = min(nxt - timedelta(days=1), period.end)
        out.append(Quarter(len(out) + 1, start, end))
        start = end + timedelta(days=1)
    return out


def months_of(period: ReportingPeriod) -> list[str]:
    """``YYYY-MM`` for each month the period touches (the cases-by-month chart)."""
    out, d = [], date(period.start.year, period.start.month, 1)
    while d <= period.end:
        out.append(f"{d:%Y-%m}")
        d = _add_months(d, 1)
    return out
