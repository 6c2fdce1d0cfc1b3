"""Rules for an ASB case with no storage: dates people type, ages, repeat victims, the Case Review
prompt, and the scored risk questionnaire.

Local policy (how many incidents make a repeat victim, the risk cut-offs, review cadences) comes in
as arguments built from settings; the statutory bits are cited where they are used.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from cspdesk.core.domain.deadlines import add_months, is_overdue
from cspdesk.core.domain.vocab import RiskLevel

# The age of criminal responsibility in England and Wales (Children and Young Persons Act 1933 s.50)
# and the youngest respondent for an ASB injunction (ASBCPA 2014 s.1(1)): a perpetrator under 10
# is almost always a data-entry slip (a DOB typed for the wrong person or year).
MIN_PERPETRATOR_AGE = 10
YOUTH_AGE = 18  # under 18: a youth (YOT, parent signs an ABC)


def age_on(dob: date | None, on: date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def check_not_future(errors: dict[str, str], field: str, value: date | None, today: date, what: str) -> None:
    if value is not None and value > today:
        errors[field] = f"{what} cannot be in the future (it is {value:%d/%m/%Y}; today is {today:%d/%m/%Y})."


def check_order(errors: dict[str, str], field: str, start: date | None, end: date | None, what: str) -> None:
    if start is not None and end is not None and end < start:
        errors[field] = f"{what} ({end:%d/%m/%Y}) is before the start ({start:%d/%m/%Y})."


def check_perpetrator_age(errors: dict[str, str], field: str, dob: date | None, on: date) -> None:
    age = age_on(dob, on)
    if age is not None and age < MIN_PERPETRATOR_AGE:
        errors[field] = (
            f"A perpetrator must be at least {MIN_PERPETRATOR_AGE} (this date of birth makes them {age}). "
            "Check the date of birth, or record the child as 'other' and refer to safeguarding."
        )


def is_repeat_victim(incident_dates: Iterable[date], incidents: int, months: int) -> bool:
    """True if any ``months``-long window holds ``incidents`` or more incidents
    (local practice, DOMAIN.md §6)."""
    dates = sorted(incident_dates)
    for i in range(len(dates) - incidents + 1):
        if dates[i + incidents - 1] <= add_months(dates[i], months):
            return True
    return False


def needs_case_review_prompt(
    previous_reports: Iterable[date], this_report: date, months: int, told_on: date | None
) -> bool:
    """2025 statutory guidance (ASB Case Review): a victim making a second report within 6 months must be
    told about the Case Review. True when an earlier report falls in the window and they have not been told
    within it already."""
    since = add_months(this_report, -months)
    if told_on is not None and told_on >= since:
        return False
    return any(since <= d <= this_report for d in previous_reports)


def same_run_of_reports(reports: Iterable[date], crossed_on: date, this_report: date, months: int) -> bool:
    """True when ``this_report`` belongs to the same crossing of the Case Review prompt threshold as the
    report of ``crossed_on``: the victim's reports between the two dates never had a gap of more than
    ``months``, so at each of them there was already an earlier report in the window and the victim never
    dropped back below a second report. After such a gap, a new second report is a new crossing.
    """
    lo, hi = min(crossed_on, this_report), max(crossed_on, this_report)
    dates = sorted({*reports, crossed_on, this_report})
    between = [d for d in dates if lo <= d <= hi]
    return all(
        later <= add_months(earlier, months) for earlier, later in zip(between, between[1:], strict=False)
    )


# ----- risk assessment ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskQuestion:
    key: str
    text: str
    weight: int


@dataclass(frozen=True)
class RiskQuestionnaire:
    """Yes/no questions with weights; the total against two cut-offs gives standard / medium / high."""

    version: str
    questions: tuple[RiskQuestion, ...]
    medium_from: int
    high_from: int

    @staticmethod
    def from_setting(value: Mapping[str, Any]) -> RiskQuestionnaire:
        try:
            qs = tuple(
                RiskQuestion(str(q["key"]), str(q["text"]), int(q["weight"])) for q in value["questions"]
            )
            q = RiskQuestionnaire(
                str(value.get("version", "custom")), qs, int(value["medium_from"]), int(value["high_from"])
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"The risk questionnaire setting is not valid: {exc}") from exc
        problems = q.problems()
        if problems:
            raise ValueError("The risk questionnaire setting is not valid: " + "; ".join(problems))
        return q

    def as_setting(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "medium_from": self.medium_from,
            "high_from": self.high_from,
            "questions": [{"key": q.key, "text": q.text, "weight": q.weight} for q in self.questions],
        }

    def problems(self) -> list[str]:
        out = []
        if not self.questions:
            out.append("it has no questions")
        if len({q.key for q in self.questions}) != len(self.questions):
            out.append("two questions share a key")
        blank = [str(n) for n, q in enumerate(self.questions, start=1) if not q.text.strip()]
        if blank:
            out.append(f"question {', '.join(blank)} has no words")
        if any(q.weight < 0 for q in self.questions):
            out.append("a weight is negative")
        if not 0 < self.medium_from < self.high_from:
            out.append("the medium cut-off must be above 0 and below the high cut-off")
        if self.high_from > sum(q.weight for q in self.questions):
            out.append("the high cut-off is above the highest possible score")
        return out

    def score(self, answers: Mapping[str, bool]) -> tuple[int, RiskLevel]:
        total = sum(q.weight for q in self.questions if answers.get(q.key))
        if total >= self.high_from:
            return total, RiskLevel.HIGH
        if total >= self.medium_from:
            return total, RiskLevel.MEDIUM
        return total, RiskLevel.STANDARD


# A default in the shape of the questionnaires forces use for ASB victims (vulnerability, harm,
# repetition, impact); a partnership changes it in Settings → Risk.
DEFAULT_RISK_QUESTIONNAIRE = RiskQuestionnaire(
    version="default-1",
    questions=(
        RiskQuestion("repeat", "Has the victim reported ASB before (repeat victim)?", 3),
        RiskQuestion(
            "vulnerable", "Is the victim vulnerable (age, disability, mental health, isolation)?", 4
        ),
        RiskQuestion(
            "hate", "Could the behaviour be motivated by hate (race, religion, disability, sexuality...)?", 4
        ),
        RiskQuestion(
            "targeted", "Is the victim personally targeted rather than the behaviour being general?", 3
        ),
        RiskQuestion("fear", "Is the victim afraid to leave or stay in their home?", 4),
        RiskQuestion("health", "Is it affecting their physical or mental health, sleep or work?", 3),
        RiskQuestion("violence", "Has there been violence or a threat of violence?", 5),
        RiskQuestion("escalating", "Is the behaviour getting worse or more frequent?", 3),
        RiskQuestion("children", "Are children in the household affected?", 2),
        RiskQuestion("support", "Does the victim lack support from family, friends or agencies?", 2),
        RiskQuestion("considering_move", "Is the victim thinking of moving because of it?", 2),
    ),
    medium_from=10,
    high_from=20,
)


def next_review_on(level: RiskLevel | str, assessed_on: date, cadence_days: Mapping[str, int]) -> date | None:
    """Local practice (DOMAIN.md §6): medium every 28 days, high every 14; 0 days means no set review."""
    days = int(cadence_days.get(RiskLevel(level).value, 0) or 0)
    return assessed_on + timedelta(days=days) if days > 0 else None


def reporter_counts(
    reports: Iterable[tuple[str, date] | tuple[str, date, object]], today: date, months: int = 6
) -> list[tuple[str, int]]:
    """Reports per reporter in the last ``months`` (the Case Review threshold counts them), most first.

    A report may carry a third item naming the incident it is of: one person's reports of the same incident
    (to several agencies, marked as duplicates) count once for them; two people reporting the same incident
    are still two people, as the Case Review's count of individuals has it (case_review_threshold)."""
    since = add_months(today, -months)
    counts: dict[str, int] = {}
    seen: set[tuple[str, object]] = set()
    for report in reports:
        who, on = report[0], report[1]
        key = report[2] if len(report) > 2 else object()
        if since <= on <= today and (who, key) not in seen:
            seen.add((who, key))
            counts[who] = counts.get(who, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


_Id = TypeVar("_Id", bound=Hashable)


def original_of(incident_id: _Id, duplicate_of: Mapping[_Id, _Id | None]) -> _Id:
    """The report a chain of "duplicate of" marks ends at (the one that
    counts); a loop ends where it began."""
    seen = {incident_id}
    current = incident_id
    while (nxt := duplicate_of.get(current)) is not None and nxt not in seen:
        seen.add(nxt)
        current = nxt
    return current


def review_overdue(next_review_on: date | None, case_open: bool, today: date) -> bool:
    """A case's risk review is overdue when its date has passed and the case is still open (a closed case has
    no reviews). The case list colours and marks such rows; the Dashboard and My work count them."""
    return case_open and is_overdue(next_review_on, today)
