"""The notice register's table model: ordered ids, rows fetched a page at a time as they are drawn."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QStyle

from cspdesk.core.domain.deadlines import is_overdue
from cspdesk.gui.models.paged_ids import PagedIdTableModel
from cspdesk.gui.theme import colour

COLUMNS = [
    ("reference", "Reference"),
    ("kind", "Type"),
    ("stage", "Stage"),
    ("recipient", "Recipient"),
    ("case", "Case"),
    ("issued_on", "Issued"),
    ("next_due_on", "Next date"),
    ("next_due_what", "What is due"),
    ("officer", "Officer"),
    ("ward", "Ward"),
]
KEYS = [key for key, _ in COLUMNS]
__all__ = ["COLUMNS", "KEYS", "TO_CHECK", "NoticeTableModel"]
TO_CHECK = "Imported — dates to check"
# Short names for the Type column (the full name is the tooltip): what officers call them.
SHORT = {
    "warning_letter": "Warning letter",
    "abc": "ABC",
    "cpw": "CPW",
    "cpn": "CPN",
    "fpn": "FPN",
    "prosecution": "Prosecution",
    "civil_injunction": "Civil injunction",
    "pspo_fpn": "PSPO FPN",
    "closure_notice": "Closure notice",
    "closure_order": "Closure order",
    "dispersal_direction": "Dispersal direction",
}


class NoticeTableModel(PagedIdTableModel):
    COLUMNS = COLUMNS

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][0]
        if self._on_sort is not None and key != "next_due_what" and key != "recipient":
            self._on_sort(key, order == Qt.SortOrder.DescendingOrder)

    def notice_id(self, row: int) -> uuid.UUID | None:
        return self.id_at(row)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.row(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "kind":
                return SHORT.get(row.kind_code, row.kind)
            if key == "next_due_what" and row.dates_to_check:
                return f"{TO_CHECK} · {row.next_due_what}" if row.next_due_what else TO_CHECK
            value = row.case_reference if key == "case" else getattr(row, key)
            if isinstance(value, date):
                return value.strftime("%d/%m/%Y")
            return value or ""
        if row.dates_to_check and key in ("reference", "next_due_what"):
            # Imported with dates that disagree with the rules (issue 21): marked until an officer checks.
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{TO_CHECK}: {row.dates_to_check}"
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor(colour("warning_bg"))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(colour("warning"))
            if role == Qt.ItemDataRole.DecorationRole and key == "reference":
                # Seen on a selected row too, where the background is the selection's.
                return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.ToolTipRole and key in ("kind", "recipient", "next_due_what"):
            return getattr(row, key)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and key in ("next_due_on", "next_due_what")
            and is_overdue(row.next_due_on, self.today)
        ):
            return QColor(colour("alert"))  # legible on a high-contrast palette too
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None
