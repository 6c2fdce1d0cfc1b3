"""Who has looked at a restricted record: every look (open, print, letter, reprint), by whom, and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspdesk.gui.qt_helpers import named

if TYPE_CHECKING:
    from cspdesk.core.services.data_protection import LookRow


COLUMNS = ("When", "Who", "What", "Reason")


class LooksDialog(QDialog):
    def __init__(self, rows: Sequence[LookRow], title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("looksDialog")
        self.setWindowTitle(title)
        self.table = named(QTableWidget(len(rows), len(COLUMNS)), "looksTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(rows):
            reason = row.reason + (" (reason given earlier)" if row.reused else "")
            for c, text in enumerate((f"{row.at:%d/%m/%Y %H:%M}", row.user, row.what, reason)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        note = named(
            QLabel(
                f"{len(rows)} look{'s' if len(rows) != 1 else ''} at this record's details, newest first. "
                "Times are UTC."
            ),
            "looksNote",
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        v = QVBoxLayout(self)
        v.addWidget(note)
        v.addWidget(self.table, 1)
        v.addWidget(buttons)
        self.resize(820, 380)
