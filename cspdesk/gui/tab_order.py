"""Tab order (issue 19, keyboard): Qt moves the focus in the order widgets were made, so fields a dialog adds
after its buttons (a letter's questions, filled in when the letter is chosen) were reached only after Cancel.
``tab_through`` puts a run of widgets into the focus chain in the order given; ``focusable_in`` lists a
container's controls in reading order (top to bottom, then left to right)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget


def focusable_in(container: QWidget) -> list[QWidget]:
    """The controls inside ``container`` the Tab key can reach, in reading order."""
    found = [
        w
        for w in container.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.isEnabled()
        and not w.isHidden()
        and not isinstance(w.parentWidget(), (QAbstractSpinBox, QComboBox))  # their own line edit
    ]
    where = {id(w): w.mapTo(container, QPoint(0, 0)) for w in found}
    return sorted(found, key=lambda w: (where[id(w)].y(), where[id(w)].x()))


def tab_through(widgets: Sequence[QWidget]) -> None:
    """Tab goes from each widget to the next, in this order."""
    for before, after in zip(widgets, widgets[1:], strict=False):
        QWidget.setTabOrder(before, after)
