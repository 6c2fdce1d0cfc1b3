"""Guard against the PySide6 6.12.0 / Python 3.11 bug that decrements None's refcount on every Qt
call returning an empty value and aborts the process ("Fatal Python error: none_dealloc")."""

from __future__ import annotations

import sys

from PySide6.QtCore import QModelIndex, QObject
from PySide6.QtWidgets import QLineEdit


def test_empty_qt_returns_do_not_leak_references_to_none(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(20000):
        obj.parent()  # returns None
        edit.validator()  # returns None
        QModelIndex().internalPointer()
    after = sys.getrefcount(None)
    # Python itself moves None's count a little; the bug moved it by tens of thousands.
    assert abs(after - before) < 1000, (before, after)
