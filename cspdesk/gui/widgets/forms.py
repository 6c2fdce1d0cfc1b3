"""Small pieces every form uses: a typed date field, combos over (value, label) choices, and error
labels shown beside the field they belong to."""

from __future__ import annotations

import re
from datetime import date, datetime

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from cspdesk.core.clock import current as clock
from cspdesk.gui.theme import colour


def error_style() -> str:
    """A field's message in the alert colour legible on the palette in use (a high-contrast one too)."""
    return f"color: {colour('alert')};"


class DateField(QLineEdit):
    """A date typed as dd/mm/yyyy (keyboard first: no calendar to click through). Blank is allowed."""

    def __init__(self, value: date | None = None, parent=None):
        super().__init__(parent)
        self.setPlaceholderText("dd/mm/yyyy")
        self.setMaximumWidth(120)
        self.set_value(value)

    def set_value(self, value: date | None) -> None:
        self.setText(value.strftime("%d/%m/%Y") if value else "")

    def value(self) -> date | None:
        """The date, None if blank; raises ValueError with a message if it is not a date."""
        text = self.text().strip()
        if not text:
            return None
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", text)
        if not m:
            raise ValueError("Enter the date as dd/mm/yyyy.")
        d, mth, y = (int(x) for x in m.groups())
        if y < 100:
            y += 2000 if y <= clock().today().year % 100 else 1900
        try:
            return date(y, mth, d)
        except ValueError as exc:
            raise ValueError(f"{text} is not a real date.") from exc


class TimeField(QLineEdit):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setPlaceholderText("hh:mm")
        self.setMaximumWidth(70)

    def value(self) -> tuple[int, int]:
        text = self.text().strip()
        if not text:
            return (12, 0)
        m = re.fullmatch(r"(\d{1,2})[:.]?(\d{2})", text)
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise ValueError("Enter the time as hh:mm (24-hour).")
        return int(m.group(1)), int(m.group(2))


def combo(choices, blank: str | None = None, object_name: str = "") -> QComboBox:
    box = QComboBox()
    box.setObjectName(object_name)
    if blank is not None:
        box.addItem(blank, None)
    for value, label in choices:
        box.addItem(label, value)
    return box


def find_data(box: QComboBox, value) -> int:
    """Like ``findData``, but compares in Python: Qt compares wrapped Python objects (UUIDs) by identity."""
    return next((i for i in range(box.count()) if box.itemData(i) == value), -1)


def select_data(box: QComboBox, value) -> None:
    i = find_data(box, value)
    box.setCurrentIndex(i if i >= 0 else 0)


class FieldErrors:
    """Error labels keyed by the service's field names; ``show`` places each message beside its field."""

    def __init__(self, general: QLabel | None = None):
        self.labels: dict[str, QLabel] = {}
        self.general = general or QLabel()
        self.general.setStyleSheet(error_style())
        self.general.setWordWrap(True)
        self.general.hide()

    def field(self, key: str, widget: QWidget) -> QWidget:
        """``widget`` with an (initially hidden) error label under it."""
        err = QLabel()
        err.setObjectName(f"error:{key}")
        err.setStyleSheet(error_style())
        err.setWordWrap(True)
        err.hide()
        self.labels[key] = err
        cell = QWidget()
        cell.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        v = QVBoxLayout(cell)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(1)
        v.addWidget(widget)
        v.addWidget(err)
        return cell

    def add_row(self, form: QFormLayout, label: str, key: str, widget: QWidget) -> None:
        form.addRow(label, self.field(key, widget))

    def clear(self) -> None:
        for lab in self.labels.values():
            lab.hide()
            lab.setText("")
        self.general.hide()

    def show(self, errors: dict[str, str], prefix: str = "") -> None:
        self.clear()
        rest = []
        for key, msg in errors.items():
            local = key[len(prefix) :] if prefix and key.startswith(prefix) else key
            lab = self.labels.get(local)
            if lab is not None:
                lab.setText(msg)
                lab.show()
            else:
                rest.append(msg)
        if rest:
            self.general.setText("\n".join(rest))
            self.general.show()

    def text(self, key: str) -> str:
        lab = self.labels.get(key)
        return lab.text() if lab is not None and not lab.isHidden() else ""


def read_date(field: DateField, key: str, errors: dict[str, str]) -> date | None:
    try:
        return field.value()
    except ValueError as exc:
        errors[key] = str(exc)
        return None


def read_datetime(day: DateField, time_: TimeField, key: str, errors: dict[str, str]) -> datetime | None:
    d = read_date(day, key, errors)
    try:
        h, m = time_.value()
    except ValueError as exc:
        errors[key] = str(exc)
        return None
    return datetime(d.year, d.month, d.day, h, m) if d else None
