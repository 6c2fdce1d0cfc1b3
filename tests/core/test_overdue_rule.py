"""Overdue is one rule in the domain, asked by the case list and the notice register (the window no longer
compares the status text "Open" and its own idea of today).

What it catches (checked 2026-12-06): the list row deciding from the status label instead of the case's status
code, or counting a review due today as overdue.
"""

from __future__ import annotations

from datetime import date

from cspdesk.core.domain.asb_case import review_overdue
from cspdesk.core.domain.deadlines import is_overdue
from cspdesk.core.services.cases.case_query import CaseQuery

TODAY = date(2026, 11, 26)


def test_overdue_from_the_day_after():
    assert (
        not is_overdue(TODAY, TODAY) and is_overdue(date(2026, 11, 25), TODAY) and not is_overdue(None, TODAY)
    )


def test_a_closed_case_has_no_overdue_review():
    assert review_overdue(date(2026, 11, 1), True, TODAY)
    assert not review_overdue(date(2026, 11, 1), False, TODAY)


def test_list_rows_carry_the_rule(demo_services):
    service = demo_services.case_list
    rows = list(service.rows_for(list(service.case_ids(CaseQuery(status=None)))).values())
    assert any(r.review_overdue(TODAY) for r in rows)
    for r in rows:
        assert r.review_overdue(TODAY) == (
            r.is_open and r.next_review_on is not None and r.next_review_on < TODAY
        )
        assert r.is_open == (r.status == "Open")
