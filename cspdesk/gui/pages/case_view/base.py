"""What every tab on the case screen shares: the services, the bus, prompts and one way to handle errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from cspdesk.core.errors import UserError, ValidationError
from cspdesk.gui.widgets.forms import FieldErrors

if TYPE_CHECKING:
    from cspdesk.core.services.registry import Services


class CasePanel(QWidget):
    services: Services

    def __init__(self, services, bus, prompts, case_id, parent=None):
        super().__init__(parent)
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.case_id = case_id

    def load(self) -> None:  # reread from the services
        raise NotImplementedError

    def attempt(self, title: str, work, errors: FieldErrors | None = None, prefix: str = ""):
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

    def applied(self, changes) -> None:
        self.bus.changes_applied.emit(changes)


def table(headers: list[str], object_name: str, stretch: int = -1) -> QTableWidget:
    t = QTableWidget(0, len(headers), objectName=object_name)
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


def fill(t: QTableWidget, rows: list[list[str]], ids: list | None = None, colour=None) -> None:
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


def selected_id(t: QTableWidget):
    r = t.currentRow()
    item = t.item(r, 0) if r >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def row_keys(t: QTableWidget, edit=None, remove=None) -> None:
    """The keys a list of records answers to: Enter, F2 or a double-click changes the selected row; Del
    removes it (the caller asks first)."""
    keys = []
    if edit is not None:
        keys += [(k, edit) for k in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2)]
        t.doubleClicked.connect(lambda _i: edit())
    if remove is not None:
        keys.append((Qt.Key.Key_Delete, remove))
    for key, slot in keys:
        QShortcut(QKeySequence(key), t, context=Qt.ShortcutContext.WidgetShortcut, activated=slot)
