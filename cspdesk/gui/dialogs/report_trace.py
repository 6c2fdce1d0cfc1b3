"""The records behind one count of the report pack; double-clicking one on a case opens the case.

The page reads the records when the count is clicked (``ReportPackService.trace``, in the background) and
hands them in with the measure, so the dialog itself reads nothing. A count can stand for tens of thousands of
records on a large database, so the table is a view over the rows, which draws only what is on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.qt_helpers import named

if TYPE_CHECKING:
    from cspdesk.core.services.reports import Measure, TraceRow

Index = QModelIndex | QPersistentModelIndex

HEADERS = ("Reference", "Date", "Type", "Status", "Detail")


class TraceModel(QAbstractTableModel):
    """``TraceRow``s as a read-only table; cell text is made when Qt asks for it."""

    def __init__(self, rows: Sequence[TraceRow], parent: QObject | None = None):
        super().__init__(parent)
        self.rows = rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        t = self.rows[index.row()]
        return (t.reference, f"{t.on:%d/%m/%Y}" if t.on else "", t.kind, t.status, t.detail)[index.column()]


class TraceDialog(QDialog):
    """The records behind one count (never modal: the page stays usable)."""

    def __init__(self, measure: Measure, rows: Sequence[TraceRow], bus: Bus, parent: QWidget | None = None):
        super().__init__(parent)
        self.bus = bus
        self.setWindowTitle(f"{measure.label}: {measure.count}")
        self.resize(860, 440)
        self.rows = rows
        self.model = TraceModel(rows, self)
        self.table = named(QTableView(), "traceTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        # Fixed widths that fit a reference, a date and a notice type: measuring every row to size the columns
        # would read all of a count's tens of thousands of records.
        for column, width in enumerate((130, 85, 240, 100)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        if len(rows) != measure.count:
            # Read when clicked: someone has changed the records since the report was counted.
            text = (
                f"The records have changed since the report was counted: {len(rows):,} now. "
                "Show the report again to count them afresh."
            )
        elif any(t.case_id for t in rows):
            text = "Double-click a record on a case to open the case."
        else:
            text = "No records." if not rows else ""
        self.hint = named(QLabel(text), "traceHint")
        self.hint.setStyleSheet(theme.css("muted"))
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.hint, 1)
        row.addWidget(close)
        layout.addLayout(row)

    def open_row(self, row: int, _column: int = 0) -> None:
        case_id = self.rows[row].case_id
        if case_id is not None:
            self.bus.open_case.emit(case_id)
