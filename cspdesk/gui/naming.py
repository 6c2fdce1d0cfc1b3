"""A widget named for tests and screen readers in one call.

PySide6 accepts any Qt property as a constructor keyword (``QLabel(objectName=...)``), but its type stubs
list only each class's own properties, so an inherited one such as ``objectName`` or ``accessibleName`` is
refused by the type checker. ``named(QLabel(), "caseHeading")`` says the same thing and is checked."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, object_name: str, accessible_name: str = "") -> W:
    """The widget, with its object name (and accessible name, when one is given) set."""
    widget.setObjectName(object_name)
    if accessible_name:
        widget.setAccessibleName(accessible_name)
    return widget
