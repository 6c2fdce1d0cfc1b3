"""ASB Case Review (the Community Trigger): the rules in force and the threshold decision.

Law: Anti-social Behaviour, Crime and Policing Act 2014 ss.104-105 and Sch.4; the 2025 statutory guidance.
Local practice (South Derbyshire) is carried as settings in ``CaseReviewRules``, stored with each
application so a decision can be re-read later under the rules it was made under.

Plain Python only: the services feed plain records in and store what comes out. Qualifying
complaints are counted in ``case_review_threshold``, the clock is in ``case_review_clock``, the state
machine in ``case_review_workflow``, the annual figures in ``case_review_figures``.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from cspdesk.core.errors import ValidationError

# s.104(4): the review procedures may not set the threshold above three qualifying complaints.
STATUTORY_MAX_INCIDENTS = 3


# --------------------------------------------------------------------------------------------
# Calendar months
# --------------------------------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """The same day ``months`` calendar months on (or back), clamped to the end of a shorter month."""
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(d.day, _calendar.monthrange(year, month)[1]))


def last_day_of_months_beginning(start: date, months: int) -> date:
    """Last day of "the period of ``months`` months beginning with ``start``".

    "Beginning with" includes ``start`` itself, so the period ends the day before the corresponding
    date ``months`` later: one month beginning with 10 January ends on 9 February. Where that month
    has no corresponding date (31 January + 1 month) the period ends on the last day of that month
    (the corresponding-date rule, Dodds v Walker [1981] 1 WLR 1027, HL) - 28 or 29 February.
    """
    total = start.year * 12 + (start.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    days_in_month = _calendar.monthrange(year, month)[1]
    if start.day > days_in_month:
        return date(year, month, days_in_month)
    return date(year, month, start.day) - timedelta(days=1)


def format_date(d: date) -> str:
    return f"{d.day} {_calendar.month_name[d.month]} {d.year}"


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --------------------------------------------------------------------------------------------
# The rules in force
# --------------------------------------------------------------------------------------------

_RULE_LABELS: dict[str, str] = {
    "incidents_threshold": "Qualifying complaints needed",
    "individuals_threshold": "Separate individuals reporting needed",
    "lookback_months": "Look-back period (months)",
    "reporting_window_months": "Complaint must be made within (months of the behaviour)",
    "acknowledge_working_days": "Acknowledge within (working days)",
    "decide_working_days": "Decide the threshold within (working days)",
    "review_working_days": "Hold the review within (working days)",
}


@dataclass(frozen=True)
class CaseReviewRules:
    """Threshold and timescales. Defaults are South Derbyshire's published procedure [DOMAIN.md s.4].

    - ``incidents_threshold``: 3 or more qualifying complaints (s.104(4): never above 3).
    - ``individuals_threshold``: or 5 separate individuals reporting (a local limb; any number).
    - ``lookback_months``: the application is made within 6 months of the complaint (s.104(11)).
    - ``reporting_window_months``: a complaint is made within one month of the behaviour (s.104(11)).
    - Timescales in working days from receipt (local; the statute sets none).
    """

    incidents_threshold: int = 3
    individuals_threshold: int = 5
    lookback_months: int = 6
    reporting_window_months: int = 1
    acknowledge_working_days: int = 10
    decide_working_days: int = 15
    review_working_days: int = 20

    def __post_init__(self) -> None:
        problems = _rule_problems({f.name: getattr(self, f.name) for f in fields(self)})
        if problems:
            raise ValidationError(problems)

    @staticmethod
    def label(name: str) -> str:
        return _RULE_LABELS[name]

    def to_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> CaseReviewRules:
        """Rules stored with an application. Missing keys take today's defaults (rules stored by an
        older version); unknown keys are ignored (rules stored by a newer version)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})


def _rule_problems(values: Mapping[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            problems[name] = f"{_RULE_LABELS[name]} must be a whole number."
        elif value < 1:
            problems[name] = f"{_RULE_LABELS[name]} must be 1 or more."
    if not problems.get("incidents_threshold") and values["incidents_threshold"] > STATUTORY_MAX_INCIDENTS:
        problems["incidents_threshold"] = (
            f"The threshold cannot be set above {STATUTORY_MAX_INCIDENTS} qualifying complaints "
            "(Anti-social Behaviour, Crime and Policing Act 2014, s.104(4))."
        )
    ack, decide, review = (
        values[k] for k in ("acknowledge_working_days", "decide_working_days", "review_working_days")
    )
    if not any(k in problems for k in ("acknowledge_working_days", "decide_working_days")) and decide < ack:
        problems["decide_working_days"] = "The threshold decision cannot be due before the acknowledgement."
    if not any(k in problems for k in ("decide_working_days", "review_working_days")) and review < decide:
        problems["review_working_days"] = "The review cannot be due before the threshold decision."
    return problems


# --------------------------------------------------------------------------------------------
# The threshold decision
# --------------------------------------------------------------------------------------------


class ProceedGround(StrEnum):
    """Why a review goes ahead although the number threshold is not met (2025 statutory guidance;
    Explanatory Notes to s.104: persistence, harm or potential harm, adequacy of the response)."""

    PERSISTENCE = "persistence"
    HARM = "harm"
    POTENTIAL_HARM = "potential_harm"
    ADEQUACY_OF_RESPONSE = "adequacy_of_response"

    @property
    def label(self) -> str:
        return {
            "persistence": "Persistence of the behaviour",
            "harm": "Harm caused",
            "potential_harm": "Potential for harm",
            "adequacy_of_response": "Adequacy of the response",
        }[self.value]


@dataclass(frozen=True)
class ThresholdDecision:
    """The relevant bodies' decision (s.104(1)(b)), with reasons either way.

    "Not met" may still ``proceed_to_review`` on the grounds listed, with reasons recorded.
    """

    met: bool | None
    decided_on: date | None
    reasons: str = ""
    proceed_to_review: bool = False
    proceed_grounds: frozenset[ProceedGround] = field(default_factory=frozenset)
    proceed_reasons: str = ""

    @property
    def review_goes_ahead(self) -> bool:
        return bool(self.met) or (self.met is False and self.proceed_to_review)


def threshold_decision_problems(
    decision: ThresholdDecision,
    received_on: date,
    acknowledged_on: date | None = None,
    today: date | None = None,
) -> dict[str, str]:
    """Field messages for a decision that cannot be recorded; empty if it can."""
    p: dict[str, str] = {}
    if decision.met is None:
        p["threshold_met"] = "Record whether the threshold is met."
    if decision.decided_on is None:
        p["threshold_decided_on"] = "Record the date of the threshold decision."
    elif decision.decided_on < received_on:
        p["threshold_decided_on"] = (
            f"The decision date ({format_date(decision.decided_on)}) is before the application "
            f"was received ({format_date(received_on)})."
        )
    elif acknowledged_on is not None and decision.decided_on < acknowledged_on:
        p["threshold_decided_on"] = (
            f"The decision date ({format_date(decision.decided_on)}) is before the "
            f"acknowledgement ({format_date(acknowledged_on)})."
        )
    elif today is not None and decision.decided_on > today:
        p["threshold_decided_on"] = "The decision date cannot be in the future."
    if not decision.reasons.strip():
        p["threshold_reasons"] = "Give the reasons for the decision, whether the threshold is met or not."
    if decision.met:
        if decision.proceed_to_review or decision.proceed_grounds or decision.proceed_reasons.strip():
            p["proceed_despite_not_met"] = (
                "The threshold is met, so the review goes ahead: grounds for "
                "proceeding despite the threshold apply only when it is not met."
            )
    elif decision.met is False and decision.proceed_to_review:
        if not decision.proceed_grounds:
            p["proceed_grounds"] = (
                "Choose the grounds for reviewing although the threshold is not met "
                "(persistence, harm or potential harm, adequacy of the response)."
            )
        if not decision.proceed_reasons.strip():
            p["proceed_reasons"] = "Give the reasons for reviewing although the threshold is not met."
    elif decision.met is False and (decision.proceed_grounds or decision.proceed_reasons.strip()):
        p["proceed_despite_not_met"] = (
            "Grounds for proceeding are recorded but the review is not going "
            "ahead: tick 'proceed to review' or clear them."
        )
    return p


def validate_threshold_decision(
    decision: ThresholdDecision,
    received_on: date,
    acknowledged_on: date | None = None,
    today: date | None = None,
) -> None:
    """Raise ``ValidationError`` naming each field that stops the decision being recorded."""
    problems = threshold_decision_problems(decision, received_on, acknowledged_on, today)
    if problems:
        raise ValidationError(problems)


def appeal_by(letter_on: date, appeal_working_days: int) -> date:
    """The last day to appeal to the Police and Crime Commissioner against a threshold
    decision or a review's outcome: ``appeal_working_days`` working days after the letter
    (setting ``case_review.appeal_working_days``). Local practice: the 2014 Act (s.104 and
    Sch.4) sets no period for the appeal."""
    from cspdesk.core.domain.calendar import add_working_days

    return add_working_days(letter_on, appeal_working_days)
