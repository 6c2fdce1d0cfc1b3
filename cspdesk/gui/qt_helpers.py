"""What PySide6 accepts at run time but its type stubs do not list, spelled so the type checker can check it.

PySide6 takes Qt properties as keywords (``QLabel(objectName="x")``) and a Python date where a ``QDate`` is
wanted; its stubs have neither, so mypy refuses such calls. ``named(QLabel(), "x")`` and ``qdate(day)`` say
the same and are checked.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, object_name: str, accessible_name: str = "") -> W:
    """``widget`` with its object name (and, if given, the name a screen reader announces) set."""
    widget.setObjectName(object_name)
    if accessible_name:
        widget.setAccessibleName(accessible_name)
    return widget


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def qdatetime(value: datetime) -> QDateTime:
    """A naive local wall-clock time (the clock's ``now()``) as the QDateTime an edit shows."""
    return QDateTime(
        qdate(value.date()), QTime(value.hour, value.minute, value.second, value.microsecond // 1000)
    )


def pydate(day: QDate) -> date:
    """The date in ``day`` (``QDate.toPython`` does the same, typed ``object`` in the stubs)."""
    return date(day.year(), day.month(), day.day())
