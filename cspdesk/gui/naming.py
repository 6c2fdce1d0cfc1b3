"""A widget named for tests and screen readers in one call.

PySide6 accepts Qt properties as keywords (``QLabel(objectName="x")``), but its type stubs do not list them,
so the type checker refuses such calls; ``named(QLabel(), "x")`` says the same and is checked.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, object_name: str, accessible_name: str = "") -> W:
    """``widget`` with its object name (and, if given, the name a screen reader announces) set."""
    widget.setObjectName(object_name)
    if accessible_name:
        widget.setAccessibleName(accessible_name)
    return widget
