"""What every tab on the case screen shares: the services, the bus, prompts and one way to handle errors."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from cspdesk.core.errors import UserError, ValidationError
from cspdesk.gui.bus import Bus
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.forms import FieldErrors

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services

T = TypeVar("T")


class CasePanel(QWidget):
    services: Services

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.case_id = case_id

    def load(self) -> None:  # reread from the services
        raise NotImplementedError

    def attempt(
        self, title: str, work: Callable[[], T], errors: FieldErrors | None = None, prefix: str = ""
    ) -> T | None:
        """Run a service call; show field errors beside fields and other user errors in a message.
        Returns the result, or None if it was refused."""
        try:
            result = work()
        except ValidationError as exc:
            if errors is not None:
                errors.show(exc.fields, prefix)
            else:
                self.prompts.error(title, str(exc))
            return None
        except UserError as exc:
            self.prompts.error(title, str(exc))
            return None
        if errors is not None:
            errors.clear()
        return result

    def applied(self, changes: Changes) -> None:
        self.bus.changes_applied.emit(changes)


def table(headers: list[str], object_name: str, stretch: int = -1) -> QTableWidget:
    t = named(QTableWidget(0, len(headers)), object_name)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    t.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(True)
    t.verticalHeader().setDefaultSectionSize(24)
    h = t.horizontalHeader()
    h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Widths from the rows on screen, not from every row: with thousands (My work at 100,000 cases) Qt
    # measured them all on each fill and each showing of the page (issue 19).
    h.setResizeContentsPrecision(0)
    if stretch >= 0:
        h.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return t


def fill(
    t: QTableWidget,
    rows: Sequence[Sequence[str]],
    ids: Sequence[object] | None = None,
    colour: Callable[[int], QColor | None] | None = None,
) -> None:
    """Fill a table; ``colour(row_index) -> QColor | None`` paints a row's text (overdue in red)."""
    t.setUpdatesEnabled(False)
    t.setSortingEnabled(False)
    t.setRowCount(len(rows))
    for r, values in enumerate(rows):
        c = colour(r) if colour else None
        for col, v in enumerate(values):
            item = QTableWidgetItem(v)
            if ids is not None and col == 0:
                item.setData(Qt.ItemDataRole.UserRole, ids[r])
            if c is not None:
                item.setForeground(c)
            t.setItem(r, col, item)
    t.setUpdatesEnabled(True)


def selected_id(t: QTableWidget) -> uuid.UUID | None:
    r = t.currentRow()
    item = t.item(r, 0) if r >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def row_keys(
    t: QTableWidget, edit: Callable[[], object] | None = None, remove: Callable[[], object] | None = None
) -> None:
    """The keys a list of records answers to: Enter, F2 or a double-click changes the selected row; Del
    removes it (the caller asks first)."""
    keys: list[tuple[Qt.Key, Callable[[], object]]] = []
    if edit is not None:
        keys += [(k, edit) for k in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2)]
        t.doubleClicked.connect(lambda _i: edit())
    if remove is not None:
        keys.append((Qt.Key.Key_Delete, remove))
    for key, slot in keys:
        # Not QShortcut(key, t, slot, context): PySide6 6.11 ignores the context in that form, and the keys
        # would then act anywhere in the window rather than only in this table.
        shortcut = QShortcut(QKeySequence(key), t)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(slot)
