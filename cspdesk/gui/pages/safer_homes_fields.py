"""Small field widgets for the Safer Homes screens, each reading and writing one record value.

A field holds a value in the record's terms (a date, a code, True/False/None); ``record_value()`` raises
``ValueError`` with a message in the user's words when what is typed cannot be read. A masked
field shows "Restricted", is read-only, and is never sent back to the service. (``record_value``, not
``value``, so it does not shadow ``QSpinBox.value``, which returns the spin box's int.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.safer_homes import RESTRICTED
from cspdesk.gui import theme

MASKED = object()  # what a masked field's record_value() returns: "leave it alone"


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("Enter a date as dd/mm/yyyy, e.g. 14/06/2023.")


def as_date(value: object) -> date | None:
    if value in (None, "", RESTRICTED):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class Field:
    """Mixin: ``set_value``/``record_value`` plus masking. Subclasses implement ``_set``, ``_get`` and
    ``_show_restricted``, and come after a QWidget in the bases (``class TextField(QLineEdit, Field)``)."""

    masked = False
    _editable = True

    def as_widget(self) -> QWidget:
        """The field as the widget it is mixed into."""
        assert isinstance(self, QWidget), "a Field is always mixed into a QWidget"
        return self

    def set_value(self, value: object) -> None:
        self.masked = value == RESTRICTED
        self.as_widget().setEnabled(not self.masked and self._editable)
        if self.masked:
            self._show_restricted()
        else:
            self._set(value)

    def record_value(self) -> object:
        return MASKED if self.masked else self._get()

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        self.as_widget().setEnabled(editable and not self.masked)

    def _set(self, value: object) -> None:
        raise NotImplementedError

    def _get(self) -> object:
        raise NotImplementedError

    def _show_restricted(self) -> None:
        raise NotImplementedError


class TextField(QLineEdit, Field):
    def _set(self, value: object) -> None:
        self.setText("" if value is None else str(value))

    def _get(self) -> object:
        return self.text().strip() or None

    def _show_restricted(self) -> None:
        self.setText(RESTRICTED)


class NotesField(QPlainTextEdit, Field):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedHeight(54)

    def _set(self, value: object) -> None:
        self.setPlainText("" if value is None else str(value))

    def _get(self) -> object:
        return self.toPlainText().strip() or None

    def _show_restricted(self) -> None:
        self.setPlainText(RESTRICTED)


class DateField(TextField):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("dd/mm/yyyy")

    def _set(self, value: object) -> None:
        d = as_date(value)
        self.setText(d.strftime("%d/%m/%Y") if d else "")

    def _get(self) -> object:
        return parse_date(self.text())


class IntField(TextField):
    def __init__(self, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._message = message

    def _get(self) -> object:
        text = self.text().strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise ValueError(self._message) from None


class MoneyField(TextField):
    """Pounds typed ("245.50", "£1,020"), pence held."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("£0.00")

    def _set(self, value: object) -> None:
        self.setText("" if value is None else f"{_whole(value) / 100:.2f}")

    def _get(self) -> object:
        text = self.text().strip().replace("£", "").replace(",", "")
        if not text:
            return None
        try:
            return round(float(text) * 100)
        except ValueError:
            raise ValueError("Enter an amount in pounds, e.g. 245.50.") from None


class ChoiceField(QComboBox, Field):
    def __init__(
        self, choices: Sequence[tuple[object, str]], blank: str | None = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._blank = blank
        self.set_choices(choices)

    def set_choices(self, choices: Sequence[tuple[object, str]]) -> None:
        current = self.currentData() if self.count() else None
        self.clear()
        if self._blank is not None:
            self.addItem(self._blank, None)
        for value, label in choices:
            self.addItem(label, value)
        self._set(current)

    def _set(self, value: object) -> None:
        if self.findText(RESTRICTED) >= 0 and self.currentText() == RESTRICTED:
            self.removeItem(self.findText(RESTRICTED))
        i = self.findData(value)
        self.setCurrentIndex(i if i >= 0 else 0)

    def _get(self) -> object:
        return self.currentData()

    def _show_restricted(self) -> None:
        if self.findText(RESTRICTED) < 0:
            self.addItem(RESTRICTED, RESTRICTED)
        self.setCurrentIndex(self.findText(RESTRICTED))


class YesNoField(ChoiceField):
    def __init__(self, blank: str = "Not recorded", parent: QWidget | None = None) -> None:
        super().__init__([(True, "Yes"), (False, "No")], blank, parent)


class CheckField(QCheckBox, Field):
    def _set(self, value: object) -> None:
        self.setChecked(bool(value))

    def _get(self) -> object:
        return self.isChecked()

    def _show_restricted(self) -> None:
        self.setChecked(False)
        self.setText(RESTRICTED)


class CountField(QSpinBox, Field):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 20)

    def _set(self, value: object) -> None:
        self.setValue(_whole(value or 0))

    def _get(self) -> object:
        return self.value()

    def _show_restricted(self) -> None:
        self.setSpecialValueText(RESTRICTED)
        self.setValue(0)


def _whole(value: object) -> int:
    """A stored number as an int (what ``int()`` would make of it; anything else is a programming slip)."""
    if isinstance(value, int | float | str):
        return int(value)
    raise TypeError(f"not a number: {value!r}")


def with_error(widget: QWidget) -> tuple[QWidget, QLabel]:
    """The widget with a red message line beneath it, hidden until there is something to say."""
    cell = QWidget()
    v = QVBoxLayout(cell)
    v.setContentsMargins(0, 0, 0, 0)
    v.setSpacing(1)
    v.addWidget(widget)
    err = QLabel()
    err.setStyleSheet(theme.css("alert"))
    err.setWordWrap(True)
    err.hide()
    v.addWidget(err)
    return cell, err
