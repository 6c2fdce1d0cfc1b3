"""The risk questionnaire in Settings as a table of questions (issue 19, defect 11: it was edited as raw
JSON).

Each row is a yes/no question and the points a "yes" adds; rows are added, removed and moved; the medium and
high cut-offs are spin boxes. The value is the same dictionary the setting holds
(``RiskQuestionnaire.as_setting``), so the settings service checks it as before and its message, in words,
shows under the editor. A question keeps its key when its words change, as assessments already made refer to
it; a new question's key is made from its words.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspdesk.gui.qt_helpers import named

KEY = Qt.ItemDataRole.UserRole


class RiskQuestionnaireEditor(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._version = "custom"
        self.table = named(QTableWidget(0, 2), "riskQuestions", "Risk questions")
        self.table.setHorizontalHeaderLabels(["Question (answered yes or no)", "Points for yes"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setMinimumHeight(200)
        self.add_btn = named(QPushButton("Add question"), "addRiskQuestion")
        self.remove_btn = named(QPushButton("Remove question"), "removeRiskQuestion")
        self.up_btn = named(QPushButton("Move up"), "riskQuestionUp")
        self.down_btn = named(QPushButton("Move down"), "riskQuestionDown")
        self.add_btn.clicked.connect(self.add_question)
        self.remove_btn.clicked.connect(self.remove_question)
        self.up_btn.clicked.connect(lambda: self.move_question(-1))
        self.down_btn.clicked.connect(lambda: self.move_question(1))
        self.medium = named(QSpinBox(), "riskMediumFrom", "Medium risk from (points)")
        self.high = named(QSpinBox(), "riskHighFrom", "High risk from (points)")
        for box in (self.medium, self.high):
            box.setRange(0, 999)
        self.total = named(QLabel(), "riskMaximum")
        self.table.itemChanged.connect(lambda _item: self._show_total())

        buttons = QHBoxLayout()
        for b in (self.add_btn, self.remove_btn, self.up_btn, self.down_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        cut_offs = QHBoxLayout()
        medium_label, high_label = QLabel("Medium risk from"), QLabel("points; high risk from")
        medium_label.setBuddy(self.medium)
        high_label.setBuddy(self.high)
        cut_offs.addWidget(medium_label)
        cut_offs.addWidget(self.medium)
        cut_offs.addWidget(high_label)
        cut_offs.addWidget(self.high)
        cut_offs.addWidget(QLabel("points."))
        cut_offs.addStretch(1)
        self.total.setWordWrap(True)  # its own line: with a large font the row above is full (issue 19)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.table)
        v.addLayout(buttons)
        v.addLayout(cut_offs)
        v.addWidget(self.total)

    # ----- the value (the setting's dictionary)
    def set_value(self, value: Any) -> None:
        value = value if isinstance(value, dict) else {}
        self._version = str(value.get("version", "custom"))
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for q in value.get("questions", []):
            self._append(str(q.get("text", "")), int(q.get("weight", 0)), str(q.get("key", "")))
        self.table.blockSignals(False)
        self.medium.setValue(int(value.get("medium_from", 0)))
        self.high.setValue(int(value.get("high_from", 0)))
        self._show_total()

    def value(self) -> dict[str, Any]:
        rows = [self._row(r) for r in range(self.table.rowCount())]
        keys = {key for _, _, key in rows if key}
        questions = []
        for text, weight, key in rows:
            if not key:
                key = _key_for(text, keys)
                keys.add(key)
            questions.append({"key": key, "text": text.strip(), "weight": weight})
        return {
            "version": self._version,
            "medium_from": self.medium.value(),
            "high_from": self.high.value(),
            "questions": questions,
        }

    # ----- editing
    def add_question(self) -> None:
        self._append("", 1, "")
        row = self.table.rowCount() - 1
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.editItem(item)
        self._show_total()

    def remove_question(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._show_total()

    def move_question(self, step: int) -> None:
        row = self.table.currentRow()
        to = row + step
        if row < 0 or not 0 <= to < self.table.rowCount():
            return
        rows = [self._row(r) for r in range(self.table.rowCount())]
        rows[row], rows[to] = rows[to], rows[row]
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for text, weight, key in rows:
            self._append(text, weight, key)
        self.table.blockSignals(False)
        self.table.setCurrentCell(to, 0)

    # ----- rows
    def _append(self, text: str, weight: int, key: str) -> None:
        r = self.table.rowCount()
        spin = named(QSpinBox(), "", f"Points for yes, question {r + 1}")
        spin.setRange(0, 99)
        spin.setValue(weight)
        spin.valueChanged.connect(lambda _v: self._show_total())
        item = QTableWidgetItem(text)
        item.setData(KEY, key)
        blocked = self.table.blockSignals(True)
        self.table.insertRow(r)
        self.table.setItem(r, 0, item)
        self.table.setCellWidget(r, 1, spin)
        self.table.blockSignals(blocked)

    def _weight(self, r: int) -> int:
        w = self.table.cellWidget(r, 1)
        return w.value() if isinstance(w, QSpinBox) else 0  # none yet while a row is being added

    def _row(self, r: int) -> tuple[str, int, str]:
        item = self.table.item(r, 0)
        return (item.text() if item else "", self._weight(r), (item.data(KEY) if item else "") or "")

    def _show_total(self) -> None:
        most = sum(self._weight(r) for r in range(self.table.rowCount()))
        self.total.setText(f"(The highest possible score is {most}.)")


def _key_for(text: str, taken: set[str]) -> str:
    """A key for a new question from its first words ("Is the victim disabled?" → "is_the_victim")."""
    words = re.findall(r"[a-z0-9]+", text.lower())[:3] or ["question"]
    base = key = "_".join(words)
    n = 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key
