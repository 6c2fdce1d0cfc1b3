"""The case list's table model: holds the ordered ids, fetches rows a page at a time as drawn."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt

from cspdesk.core.services.cases import LIST_COLUMNS
from cspdesk.gui.models.paged_ids import PagedIdTableModel
from cspdesk.gui.theme import colour

COLUMNS = LIST_COLUMNS
__all__ = ["COLUMNS", "CaseTableModel"]


class CaseTableModel(PagedIdTableModel):
    COLUMNS = COLUMNS

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if self._on_sort is not None:
            self._on_sort(COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder)

    def case_id(self, row: int) -> uuid.UUID | None:
        return self.id_at(row)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.row(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            value = getattr(row, key)
            if isinstance(value, date):
                return value.strftime("%d/%m/%Y")
            return value or ""
        if role == Qt.ItemDataRole.ToolTipRole and key in ("title", "parties", "location"):
            return getattr(row, key)
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "next_review_on" and row.review_overdue(self.today):
                from PySide6.QtGui import QColor

                return QColor(colour("alert"))
            if key == "risk" and row.risk == "High":
                from PySide6.QtGui import QColor

                return QColor(colour("alert"))
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None
