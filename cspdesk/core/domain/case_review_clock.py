"""The Case Review clock: acknowledge, decide and hold the review, in working days from receipt.

The statute sets no timescales; they are local (South Derbyshire: 10, 15 and 20 working days, all from
the date the application is received), held in ``CaseReviewRules``. Working days exclude weekends and
English bank holidays (``calendar.add_working_days``; the day of receipt is day 0). Late reports are a
recurring Ombudsman finding, so every due date is computed here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cspdesk.core.domain.calendar import add_working_days, working_days_between
from cspdesk.core.domain.case_review import CaseReviewRules


class DeadlineKind(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    DECIDE = "decide"
    REVIEW = "review"

    @property
    def label(self) -> str:
        return {
            "acknowledge": "Acknowledge the application",
            "decide": "Decide whether the threshold is met",
            "review": "Hold the review meeting",
        }[self.value]


@dataclass(frozen=True)
class CaseReviewDueDates:
    acknowledge_by: date
    decide_by: date
    review_by: date


def due_dates(received_on: date, rules: CaseReviewRules | None = None) -> CaseReviewDueDates:
    """The three due dates for an application received on ``received_on``, under ``rules``."""
    rules = rules or CaseReviewRules()
    return CaseReviewDueDates(
        acknowledge_by=add_working_days(received_on, rules.acknowledge_working_days),
        decide_by=add_working_days(received_on, rules.decide_working_days),
        review_by=add_working_days(received_on, rules.review_working_days),
    )


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due_on: date
    done_on: date | None
    applies: bool  # False for the review when the threshold was not met and no review goes ahead
    today: date

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_overdue(self) -> bool:
        """Still to do and the due date has passed (due today is not yet overdue)."""
        return self.applies and self.done_on is None and self.today > self.due_on

    @property
    def done_late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due_on

    @property
    def working_days_left(self) -> int:
        """Working days after today up to the due date; negative when overdue, 0 when due today."""
        if self.today <= self.due_on:
            return working_days_between(self.today, self.due_on)
        return -working_days_between(self.due_on, self.today)


@dataclass(frozen=True)
class CaseReviewClock:
    deadlines: tuple[Deadline, ...]

    def get(self, kind: DeadlineKind) -> Deadline:
        return next(d for d in self.deadlines if d.kind is kind)

    @property
    def overdue(self) -> tuple[Deadline, ...]:
        return tuple(d for d in self.deadlines if d.is_overdue)

    @property
    def any_overdue(self) -> bool:
        return bool(self.overdue)

    @property
    def next_deadline(self) -> Deadline | None:
        """The earliest deadline still to meet (overdue ones first, as they are earliest), or None."""
        pending = [d for d in self.deadlines if d.applies and not d.is_done]
        return min(pending, key=lambda d: (d.due_on, list(DeadlineKind).index(d.kind)), default=None)


def clock(
    received_on: date,
    today: date,
    rules: CaseReviewRules | None = None,
    *,
    acknowledged_on: date | None = None,
    decided_on: date | None = None,
    review_held_on: date | None = None,
    review_goes_ahead: bool | None = None,
) -> CaseReviewClock:
    """Where an application stands against its due dates on ``today``.

    ``review_goes_ahead`` is False once the threshold is decided not met with no review on other grounds:
    the review deadline then no longer applies. None (undecided) or True keeps it running.
    """
    dates = due_dates(received_on, rules)
    return CaseReviewClock(
        (
            Deadline(DeadlineKind.ACKNOWLEDGE, dates.acknowledge_by, acknowledged_on, True, today),
            Deadline(DeadlineKind.DECIDE, dates.decide_by, decided_on, True, today),
            Deadline(
                DeadlineKind.REVIEW, dates.review_by, review_held_on, review_goes_ahead is not False, today
            ),
        )
    )
