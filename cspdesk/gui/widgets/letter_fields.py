"""Boxes for the letter fields an officer writes (the conduct, what has been done ...), each with its
message shown beside it when something is missing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.clock import current as clock
from cspdesk.gui import theme
from cspdesk.gui.qt_helpers import named, qdate

if TYPE_CHECKING:
    from cspdesk.core.services.letters import AskedField

# Text fields that take sentences rather than a few words.
LONG_TEXT = {
    "conduct",
    "conduct_effect",
    "action_summary",
    "next_steps",
    "fpn_circumstances",
    "payment_details",
    "threshold_reasons",
    "review_summary",
    "access_details",
}


class LetterFieldsForm(QWidget):
    """Built from ``AskedField``s (name, label, description, kind, value); ``values()`` gives them back
    as the engine expects them: dates as dates, lists one item per line, money as Decimal."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.widgets: dict[str, QWidget] = {}
        self.kinds: dict[str, str] = {}
        self.errors: dict[str, QLabel] = {}

    def set_fields(self, asked: Iterable[AskedField]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.widgets.clear()
        self.kinds.clear()
        self.errors.clear()
        for f in asked:
            w = self._make(f)
            w.setObjectName(f"field:{f.name}")
            w.setToolTip(f.description)
            err = named(QLabel(), f"error:{f.name}")
            err.setStyleSheet(theme.css("alert"))
            err.setWordWrap(True)
            err.hide()
            cell = QWidget()
            v = QVBoxLayout(cell)
            v.setContentsMargins(0, 0, 0, 0)
            v.addWidget(w)
            v.addWidget(err)
            label = QLabel(f"{f.label}:")
            label.setToolTip(f.description)
            self.form.addRow(label, cell)
            self.widgets[f.name] = w
            self.kinds[f.name] = f.kind
            self.errors[f.name] = err

    @staticmethod
    def _make(f: AskedField) -> QWidget:
        v = f.value
        if f.kind == "date":
            day = QDateEdit()
            day.setCalendarPopup(True)
            day.setDisplayFormat("d MMMM yyyy")
            day.setDate(qdate(v if isinstance(v, date) else clock().today()))
            return day
        if f.kind == "flag":
            flag = QCheckBox()
            flag.setChecked(bool(v))
            return flag
        if f.kind in ("list", "lines") or f.name in LONG_TEXT:
            text = QPlainTextEdit()
            if f.kind in ("list", "lines"):
                text.setPlaceholderText("One per line")
                text.setPlainText("\n".join(v) if isinstance(v, list | tuple) else (v or ""))
            else:
                text.setPlainText(str(v or ""))
            text.setFixedHeight(76)
            return text
        line = QLineEdit()
        line.setText("" if v is None else str(v))
        return line

    def values(self) -> dict[str, Any]:
        """Each field's value as the letter engine takes it (date, bool, tuple of lines, Decimal or text)."""
        out: dict[str, Any] = {}
        for name, w in self.widgets.items():
            kind = self.kinds[name]
            if isinstance(w, QDateEdit):
                out[name] = w.date().toPython()
            elif isinstance(w, QCheckBox):
                out[name] = w.isChecked()
            elif isinstance(w, QPlainTextEdit):
                text = w.toPlainText()
                if kind in ("list", "lines"):
                    out[name] = tuple(x.strip() for x in text.splitlines() if x.strip())
                else:
                    out[name] = text.strip()
            elif isinstance(w, QLineEdit):
                text = w.text().strip()
                if kind == "money" and text:
                    try:
                        out[name] = Decimal(text.replace("£", "").replace(",", ""))
                    except InvalidOperation:
                        out[name] = text
                else:
                    out[name] = text
        return out

    def show_errors(self, fields: dict[str, str]) -> list[str]:
        """Show each message beside its box; returns the messages with no box here."""
        for err in self.errors.values():
            err.hide()
        rest = []
        for name, msg in fields.items():
            if name in self.errors:
                self.errors[name].setText(msg)
                self.errors[name].show()
            else:
                rest.append(msg)
        return rest
