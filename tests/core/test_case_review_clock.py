"""The Case Review clock: working days from receipt, across Christmas and Easter bank holidays."""

from __future__ import annotations

from datetime import date

import pytest

from cspdesk.core.domain.case_review import CaseReviewRules
from cspdesk.core.domain.case_review_clock import DeadlineKind, clock, due_dates


def test_received_before_christmas_2023():
    # Wed 20 Dec 2023. Not working days: 23-26 Dec (weekend, Christmas, Boxing Day), 30-31 Dec, 1 Jan.
    d = due_dates(date(2023, 12, 20))
    assert d.acknowledge_by == date(2024, 1, 8)
    assert d.decide_by == date(2024, 1, 15)
    assert d.review_by == date(2024, 1, 22)


def test_received_before_easter_2024():
    # Thu 28 Mar 2024: Good Friday 29 Mar and Easter Monday 1 Apr are bank holidays.
    d = due_dates(date(2024, 3, 28))
    assert d.acknowledge_by == date(2024, 4, 15)
    assert d.decide_by == date(2024, 4, 22)
    assert d.review_by == date(2024, 4, 29)


def test_received_at_a_weekend_counts_from_the_next_working_day():
    # Sat 6 May 2023; Mon 8 May 2023 was the Coronation bank holiday.
    assert due_dates(date(2023, 5, 6)).acknowledge_by == date(2023, 5, 22)


def test_local_timescales_come_from_the_rules():
    rules = CaseReviewRules(acknowledge_working_days=5, decide_working_days=10, review_working_days=25)
    d = due_dates(date(2023, 6, 1), rules)
    assert (d.acknowledge_by, d.decide_by, d.review_by) == (
        date(2023, 6, 8),
        date(2023, 6, 15),
        date(2023, 7, 6),
    )


def test_nothing_overdue_on_the_day_of_receipt():
    c = clock(date(2023, 12, 20), date(2023, 12, 20))
    assert not c.any_overdue
    assert c.next_deadline.kind is DeadlineKind.ACKNOWLEDGE
    assert c.next_deadline.working_days_left == 10


def test_due_today_is_not_overdue_the_day_after_is():
    due = date(2024, 1, 8)
    assert not clock(date(2023, 12, 20), due).get(DeadlineKind.ACKNOWLEDGE).is_overdue
    assert clock(date(2023, 12, 20), due).get(DeadlineKind.ACKNOWLEDGE).working_days_left == 0
    late = clock(date(2023, 12, 20), date(2024, 1, 9)).get(DeadlineKind.ACKNOWLEDGE)
    assert late.is_overdue and late.working_days_left == -1


def test_done_deadlines_are_not_overdue_and_the_next_one_moves_on():
    c = clock(date(2023, 12, 20), date(2024, 1, 16), acknowledged_on=date(2024, 1, 5))
    assert [d.kind for d in c.overdue] == [DeadlineKind.DECIDE]
    assert c.next_deadline.kind is DeadlineKind.DECIDE
    c = clock(
        date(2023, 12, 20), date(2024, 1, 16), acknowledged_on=date(2024, 1, 5), decided_on=date(2024, 1, 16)
    )
    assert not c.any_overdue
    assert c.next_deadline.kind is DeadlineKind.REVIEW
    assert c.get(DeadlineKind.DECIDE).done_late


def test_all_done_leaves_no_next_deadline():
    c = clock(
        date(2023, 12, 20),
        date(2024, 3, 1),
        acknowledged_on=date(2024, 1, 2),
        decided_on=date(2024, 1, 9),
        review_held_on=date(2024, 1, 19),
    )
    assert c.next_deadline is None and not c.any_overdue
    assert not any(d.done_late for d in c.deadlines)


def test_review_deadline_stops_when_no_review_goes_ahead():
    c = clock(
        date(2023, 12, 20),
        date(2024, 3, 1),
        acknowledged_on=date(2024, 1, 2),
        decided_on=date(2024, 1, 9),
        review_goes_ahead=False,
    )
    assert not c.get(DeadlineKind.REVIEW).applies
    assert not c.any_overdue and c.next_deadline is None
    c = clock(
        date(2023, 12, 20),
        date(2024, 3, 1),
        acknowledged_on=date(2024, 1, 2),
        decided_on=date(2024, 1, 9),
        review_goes_ahead=True,
    )
    assert [d.kind for d in c.overdue] == [DeadlineKind.REVIEW]


def test_several_overdue_earliest_first():
    c = clock(date(2023, 6, 1), date(2023, 8, 1))
    assert [d.kind for d in c.overdue] == [DeadlineKind.ACKNOWLEDGE, DeadlineKind.DECIDE, DeadlineKind.REVIEW]
    assert c.next_deadline.kind is DeadlineKind.ACKNOWLEDGE


@pytest.mark.parametrize("kind", list(DeadlineKind))
def test_deadline_labels(kind):
    assert kind.label
