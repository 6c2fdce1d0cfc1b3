"""A widget named for tests and screen readers in one call.

PySide6 takes Qt properties as keywords at run time (``QLabel(objectName="x")``), but its type stubs list
only each class's own properties, so the checker refuses the inherited ``objectName`` and ``accessibleName``.
(``gui/dialogs/moving_in/widgets.py`` has the same helper for the moving-in dialogs.)
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, object_name: str, accessible_name: str = "") -> W:
    """``widget`` with its object name (and the name a screen reader says, if given) set."""
    widget.setObjectName(object_name)
    if accessible_name:
        widget.setAccessibleName(accessible_name)
    return widget
