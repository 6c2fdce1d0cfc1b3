"""Small helpers for the moving-in dialogs: a read-only text box, and a table whose rows Ctrl+C copies."""

from __future__ import annotations

from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTableWidget, QTableWidgetItem


def read_only(box: QPlainTextEdit) -> QPlainTextEdit:
    box.setReadOnly(True)
    return box


class CopyableTable(QTableWidget):
    """A read-only table whose selected rows Ctrl+C copies as tab-separated text (headings first), to paste
    into the spreadsheet being put right or into an e-mail."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.matches(QKeySequence.StandardKey.Copy):
            QApplication.clipboard().setText(self.selected_text())
            event.accept()
            return
        super().keyPressEvent(event)

    def selected_text(self) -> str:
        rows = sorted({i.row() for i in self.selectedIndexes()})
        headings = [self._text(self.horizontalHeaderItem(c)) for c in range(self.columnCount())]
        lines = [headings] + [[self._text(self.item(r, c)) for c in range(self.columnCount())] for r in rows]
        return "\n".join("\t".join(line) for line in lines) if rows else ""

    @staticmethod
    def _text(item: QTableWidgetItem | None) -> str:
        return item.text() if item is not None else ""
