"""What the case list is asked and what it answers: plain values with no database behind them.

Kept apart from ``case_list`` so that the window (and the quick start in ``quick_start``) can use them
without importing SQLAlchemy.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from cspdesk.core.domain.asb_case import review_overdue
from cspdesk.core.domain.vocab import AsbCategory, CaseStatus, PriorityTheme, RiskLevel

if TYPE_CHECKING:
    from cspdesk.core.services.context import Actor


class CaseIds(Sequence[uuid.UUID]):
    """The ordered ids of a list, kept as the database's text and turned into UUIDs on access."""

    __slots__ = ("_raw",)

    def __init__(self, raw: Sequence[str]):
        self._raw = list(raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [uuid.UUID(x) for x in self._raw[i]]
        return uuid.UUID(self._raw[i])

    def __iter__(self):
        return (uuid.UUID(x) for x in self._raw)

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a list, so not hashable

    def index(self, value, start: int = 0, stop: int | None = None) -> int:
        for form in (value.hex, str(value)):  # SQLite keeps 32 hex digits; PostgreSQL the dashed form
            try:
                return self._raw.index(form, start, len(self._raw) if stop is None else stop)
            except ValueError:
                continue
        raise ValueError(value)

    def __contains__(self, value) -> bool:
        try:
            self.index(value)
        except (ValueError, AttributeError):
            return False
        return True


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    status: str | None = None  # vocab.CaseStatus value
    priority: str | None = None  # vocab.PriorityTheme value
    category: str | None = None
    ward_id: uuid.UUID | None = None
    officer_id: uuid.UUID | None = None
    risk_level: str | None = None
    reported_from: date | None = None
    reported_to: date | None = None
    review_due_by: date | None = None
    inactive_before: date | None = None  # open cases with no activity since this date
    sort: str = "reported_on"
    descending: bool = True

    def with_(self, **kw) -> CaseQuery:
        return replace(self, **kw)


# The case list's columns (CaseListRow attribute, heading), in the order the window shows them and an
# export writes them: one list, so the file is exactly the list on screen.
LIST_COLUMNS = [
    ("reference", "Reference"),
    ("title", "Title"),
    ("status", "Status"),
    ("priority", "Priority"),
    ("category", "Category"),
    ("ward", "Ward"),
    ("officer", "Officer"),
    ("reported_on", "Reported"),
    ("risk", "Risk"),
    ("next_review_on", "Review due"),
    ("parties", "People"),
    ("location", "Location"),
]


@dataclass(frozen=True)
class CaseListRow:
    id: uuid.UUID
    reference: str
    title: str
    category: str
    priority: str
    status: str
    reported_on: date
    ward: str
    officer: str
    risk: str
    next_review_on: date | None
    parties: str
    location: str
    is_open: bool = True

    def review_overdue(self, today: date) -> bool:
        """The risk review's date has passed on an open case (the domain's rule)."""
        return review_overdue(self.next_review_on, self.is_open, today)


@dataclass(frozen=True)
class FilterOptions:
    wards: list[tuple[uuid.UUID, str]]
    officers: list[tuple[uuid.UUID, str]]


class CaseList(Protocol):
    """What the case list answers (``case_list.CaseListService``; before it is built, the quick start's
    stand-in, which answers the first screen from what it read)."""

    def case_ids(self, q: CaseQuery, actor: Actor | None = None) -> CaseIds: ...
    def rows_for(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CaseListRow]: ...
    def filter_options(self) -> FilterOptions: ...
    def forget_names(self) -> None: ...


def label_of(enum, value: str | None) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value or ""


def case_list_row(values: tuple, names: Mapping[Any, str]) -> CaseListRow:
    """A list row from the case's columns in ``quick_read.CASE_ROW_COLUMNS`` order (id and
    dates already typed), with codes in words and the ward and officer named from ``names``
    (keyed as the ids are stored)."""
    (
        id_,
        reference,
        title,
        category,
        priority,
        status,
        reported_on,
        ward_id,
        officer_id,
        risk,
        review_on,
        parties,
        location,
    ) = values
    return CaseListRow(
        id=id_,
        reference=reference,
        title=title,
        category=label_of(AsbCategory, category),
        priority=label_of(PriorityTheme, priority),
        status=label_of(CaseStatus, status),
        reported_on=reported_on,
        ward=names.get(ward_id, ""),
        officer=names.get(officer_id, ""),
        risk=label_of(RiskLevel, risk) if risk else "",
        next_review_on=review_on,
        parties=parties,
        location=location,
        is_open=status == CaseStatus.OPEN.value,
    )
