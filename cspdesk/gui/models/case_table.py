"""The case list's table model: holds the ordered ids, fetches rows a page at a time as drawn."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

COLUMNS = [
    ("reference", "Reference"),
    ("title", "Title"),
    ("status", "Status"),
    ("priority", "Priority"),
    ("category", "Category"),
    ("ward", "Ward"),
    ("officer", "Officer"),
    ("reported_on", "Reported"),
    ("risk", "Risk"),
    ("next_review_on", "Review due"),
    ("parties", "People"),
    ("location", "Location"),
]
PAGE = 200


class CaseTableModel(QAbstractTableModel):
    def __init__(self, fetch_rows, on_sort=None, parent=None):
        super().__init__(parent)
        self._fetch_rows = fetch_rows  # Callable[[list[uuid.UUID]], dict[uuid.UUID, CaseListRow]]
        self._on_sort = on_sort  # Callable[[str, bool], None]: the query is re-run in that order
        self._ids: list[uuid.UUID] = []
        self._rows: dict[uuid.UUID, object] = {}
        self.today = date.today()

    def set_ids(self, ids: list[uuid.UUID]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._rows = {}
        self.endResetModel()

    def invalidate(self, ids=None) -> None:
        """Forget cached rows (all, or some) so they are fetched again when drawn."""
        if ids is None:
            self._rows.clear()
        else:
            for i in ids:
                self._rows.pop(i, None)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if self._on_sort is not None:
            self._on_sort(COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder)

    def ids(self) -> list[uuid.UUID]:
        """Every listed id, in the order shown (what Export writes)."""
        return list(self._ids)

    def case_id(self, row: int) -> uuid.UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, case_id: uuid.UUID) -> int:
        try:
            return self._ids.index(case_id)
        except ValueError:
            return -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def _row(self, r: int):
        cid = self._ids[r]
        row = self._rows.get(cid)
        if row is None:
            start = (r // PAGE) * PAGE
            page = self._ids[start:start + PAGE]
            self._rows.update(self._fetch_rows(page))
            row = self._rows.get(cid)
        return row

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._row(index.row())
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
            if key == "next_review_on" and row.next_review_on and row.next_review_on < self.today \
                    and row.status == "Open":
                from PySide6.QtGui import QColor
                return QColor("#b00020")
            if key == "risk" and row.risk == "High":
                from PySide6.QtGui import QColor
                return QColor("#b00020")
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None
