"""A table model over an ordered list of ids whose rows are fetched a page at a time as they are drawn.

The case list and the notice register both hold up to 100,000 ids; only the rows on screen are ever read.
Subclasses set ``COLUMNS`` (key, heading) and write ``data``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from cspdesk.core.clock import current as clock

PAGE = 200


class PagedIdTableModel(QAbstractTableModel):
    COLUMNS: list[tuple[str, str]] = []

    def __init__(
        self,
        fetch_rows: Callable[[list[uuid.UUID]], Mapping[uuid.UUID, object]],
        on_sort: Callable[[str, bool], None] | None = None,
        parent=None,
    ):
        super().__init__(parent)
        self._fetch_rows = fetch_rows
        self._on_sort = on_sort  # the query is re-run in that order
        self._ids: Sequence[uuid.UUID] = []
        self._rows: dict[uuid.UUID, object] = {}
        self.today = clock().today()

    def set_ids(self, ids: Sequence[uuid.UUID], rows: Mapping[uuid.UUID, object] | None = None) -> None:
        """List ``ids``; ``rows``, if given, are rows already read for some of them (read on a worker)."""
        self.beginResetModel()
        self._ids = ids
        self._rows = dict(rows or {})
        self.endResetModel()

    def invalidate(self, ids=None) -> None:
        """Forget cached rows (all, or some) so they are fetched again when drawn."""
        if ids is None:
            self._rows.clear()
        else:
            for i in ids:
                self._rows.pop(i, None)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self.COLUMNS) - 1))

    def ids(self) -> list[uuid.UUID]:
        """Every listed id, in the order shown (what Export writes)."""
        return list(self._ids)

    def id_at(self, row: int) -> uuid.UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, id_: uuid.UUID) -> int:
        try:
            return self._ids.index(id_)
        except ValueError:
            return -1

    def row(self, r: int):
        """The DTO for row ``r``, fetching its page (and only its page) the first time it is asked for."""
        id_ = self._ids[r]
        row = self._rows.get(id_)
        if row is None:
            start = (r // PAGE) * PAGE
            self._rows.update(self._fetch_rows(list(self._ids[start : start + PAGE])))
            row = self._rows.get(id_)
        return row

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section][1]
        return None
