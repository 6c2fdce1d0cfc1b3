"""Small helpers for the moving-in dialogs: a widget named for tests and screen readers in one call (PySide6's
keyword properties, ``QLabel(objectName=...)``, work but are not in its type stubs, so mypy refuses them)."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QPlainTextEdit, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, object_name: str, accessible_name: str = "") -> W:
    widget.setObjectName(object_name)
    if accessible_name:
        widget.setAccessibleName(accessible_name)
    return widget


def read_only(box: QPlainTextEdit) -> QPlainTextEdit:
    box.setReadOnly(True)
    return box
