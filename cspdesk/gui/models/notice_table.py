"""The notice register's table model: ordered ids, rows fetched a page at a time as they are drawn."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

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
PAGE = 200
# Short names for the Type column (the full name is the tooltip): what officers call them.
SHORT = {"warning_letter": "Warning letter", "abc": "ABC", "cpw": "CPW", "cpn": "CPN", "fpn": "FPN",
         "prosecution": "Prosecution", "civil_injunction": "Civil injunction", "pspo_fpn": "PSPO FPN",
         "closure_notice": "Closure notice", "closure_order": "Closure order",
         "dispersal_direction": "Dispersal direction"}
OVERDUE = QColor("#b00020")


class NoticeTableModel(QAbstractTableModel):
    def __init__(self, fetch_rows, on_sort=None, parent=None):
        super().__init__(parent)
        self._fetch_rows = fetch_rows  # Callable[[list[uuid.UUID]], dict[uuid.UUID, NoticeRow]]
        self._on_sort = on_sort
        self._ids: list[uuid.UUID] = []
        self._rows: dict[uuid.UUID, object] = {}
        self.today = date.today()

    def set_ids(self, ids: list[uuid.UUID]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._rows = {}
        self.endResetModel()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][0]
        if self._on_sort is not None and key != "next_due_what" and key != "recipient":
            self._on_sort(key, order == Qt.SortOrder.DescendingOrder)

    def notice_id(self, row: int) -> uuid.UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, notice_id) -> int:
        try:
            return self._ids.index(notice_id)
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

    def row(self, r: int):
        nid = self._ids[r]
        row = self._rows.get(nid)
        if row is None:
            start = (r // PAGE) * PAGE
            self._rows.update(self._fetch_rows(self._ids[start:start + PAGE]))
            row = self._rows.get(nid)
        return row

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
            value = row.case_reference if key == "case" else getattr(row, key)
            if isinstance(value, date):
                return value.strftime("%d/%m/%Y")
            return value or ""
        if role == Qt.ItemDataRole.ToolTipRole and key in ("kind", "recipient", "next_due_what"):
            return getattr(row, key)
        if role == Qt.ItemDataRole.ForegroundRole and key in ("next_due_on", "next_due_what") \
                and row.next_due_on and row.next_due_on < self.today:
            return OVERDUE
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None
