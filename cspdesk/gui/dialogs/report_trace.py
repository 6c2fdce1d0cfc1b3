"""The records behind one count of the report pack; double-clicking one on a case opens the case.

The page reads the records when the count is clicked (``ReportPackService.trace``) and hands them in with the
measure, so the dialog itself reads nothing."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)


class TraceDialog(QDialog):
    """The records behind one count (never modal: the page stays usable)."""

    def __init__(self, measure, rows, bus, parent=None):
        super().__init__(parent)
        self.bus = bus
        self.setWindowTitle(f"{measure.label}: {measure.count}")
        self.resize(760, 420)
        self.table = QTableWidget(len(rows), 5, objectName="traceTable")
        self.table.setHorizontalHeaderLabels(["Reference", "Date", "Type", "Status", "Detail"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.rows = rows
        for r, t in enumerate(rows):
            values = (t.reference, f"{t.on:%d/%m/%Y}" if t.on else "", t.kind, t.status, t.detail)
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(v))
        self.table.cellDoubleClicked.connect(self.open_row)
        if len(rows) != measure.count:
            # Read when clicked: someone has changed the records since the report was counted.
            text = (f"The records have changed since the report was counted: {len(rows):,} now. "
                    "Show the report again to count them afresh.")
        elif any(t.case_id for t in rows):
            text = "Double-click a record on a case to open the case."
        else:
            text = "No records." if not rows else ""
        hint = QLabel(text, objectName="traceHint")
        hint.setStyleSheet("color: #555;")
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(hint, 1)
        row.addWidget(close)
        layout.addLayout(row)

    def open_row(self, row: int, _column: int = 0) -> None:
        case_id = self.rows[row].case_id
        if case_id is not None:
            self.bus.open_case.emit(case_id)
