"""Column widths for a list: fitted to the header and the first rows the first time the list has rows, the
user's own widths remembered (QSettings, per column key) once they drag a column edge.

Issue 19, defect 11: the case list's columns were fixed pixel widths, so "Safeguarding and Vulnerability" and
longer ward and officer names were cut at the default width, and a width the user set was lost at the next
start.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QTableView

from cspdesk.gui.laptop import FITTING, ColumnsFit

PADDING = 18  # the cell's margins and the header's sort arrow
SAMPLE_ROWS = 60


class ColumnWidths:
    """Sizes ``table``'s columns, named by ``keys`` in order; ``caps`` bounds a column of free text (the
    title, the people) so one long cell cannot push the rest off the screen (its tooltip shows it all)."""

    def __init__(
        self,
        table: QTableView,
        name: str,
        keys: Sequence[str],
        caps: dict[str, int] | None = None,
        minimum: int = 56,
    ):
        self.table = table
        self.name = name
        self.keys = list(keys)
        self.caps = caps or {}
        self.minimum = minimum
        self._fitted = False
        self._sizing = False
        saved = self._saved()
        header = table.horizontalHeader()
        for i, key in enumerate(self.keys):
            header.resizeSection(i, saved.get(key) or self._header_width(i))
        self._fitted = bool(saved)
        header.sectionResized.connect(self._resized)

    def _settings_key(self) -> str:
        return f"{self.name}/columnWidths"

    def _saved(self) -> dict[str, int]:
        raw = QSettings().value(self._settings_key())
        try:
            values = json.loads(raw) if isinstance(raw, str) else {}
        except ValueError:
            return {}
        return {k: int(v) for k, v in values.items() if k in self.keys and isinstance(v, int) and v > 0}

    def _header_width(self, column: int) -> int:
        text = str(self.table.model().headerData(column, self.table.horizontalHeader().orientation()) or "")
        return max(
            self.minimum, self.table.horizontalHeader().fontMetrics().horizontalAdvance(text) + PADDING
        )

    def fit(self) -> None:
        """Fit every column to its header and the first rows, unless the user has set widths (or it has
        been done): call when the list first has rows."""
        model = self.table.model()
        if self._fitted or model.rowCount() == 0:
            return
        metrics = self.table.fontMetrics()
        rows = min(model.rowCount(), SAMPLE_ROWS)
        header = self.table.horizontalHeader()
        self._sizing = True
        try:
            for i, key in enumerate(self.keys):
                widest = self._header_width(i)
                for r in range(rows):
                    text = model.index(r, i).data()
                    if text:
                        widest = max(widest, metrics.horizontalAdvance(str(text)) + PADDING)
                header.resizeSection(i, min(widest, self.caps.get(key, widest)))
        finally:
            self._sizing = False
        self._fitted = True

    def _resized(self, column: int, _old: int, new: int) -> None:
        header = self.table.horizontalHeader()
        if self._sizing or not self._fitted or column >= len(self.keys) or header.property(FITTING):
            return  # (columns shrunk to a narrow window by ``laptop.ColumnsFit`` are not the user's choice)
        # The others as they were given, not as narrowed to a small window for now (laptop.ColumnsFit).
        fit = self.table.findChild(ColumnsFit)
        widths = {
            key: fit.wanted_width(i) if fit is not None else header.sectionSize(i)
            for i, key in enumerate(self.keys)
        }
        QSettings().setValue(self._settings_key(), json.dumps(widths))
