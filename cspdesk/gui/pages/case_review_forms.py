"""Small forms for the Case Review screen: each field has its error line beneath it, named as the service
names the field, so a refusal shows beside what is missing."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.clock import current as clock
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.gui import theme
from cspdesk.gui.qt_helpers import named


@dataclass
class FieldSpec:
    name: str  # the service's field name (errors come back under it)
    label: str
    kind: str  # date, optdate, text, multiline, bool, choice, multi
    choices: list[tuple[Any, str]] = field(default_factory=list)
    help: str = ""


class DateField(QWidget):
    """A date, optionally with a tick to say whether there is one."""

    def __init__(self, optional: bool, name: str) -> None:
        super().__init__()
        self.check = QCheckBox("Known") if optional else None
        self.edit = named(QDateEdit(), name)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("dd/MM/yyyy")
        today = clock().today()
        self.edit.setDate(QDate(today.year, today.month, today.day))
        h = QHBoxLayout(self)
        h.setContentsMargins(0, 0, 0, 0)
        if self.check is not None:
            self.check.setChecked(True)
            self.check.toggled.connect(self.edit.setEnabled)
            h.addWidget(self.check)
        h.addWidget(self.edit)
        h.addStretch(1)

    def value(self) -> date | None:
        if self.check is not None and not self.check.isChecked():
            return None
        chosen = self.edit.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def set_value(self, d: date | None) -> None:
        if self.check is not None:
            self.check.setChecked(d is not None)
        if d is not None:
            self.edit.setDate(QDate(d.year, d.month, d.day))


class MultiField(QListWidget):
    def __init__(self, choices: list[tuple[Any, str]], name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        for value, label in choices:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self.setFixedHeight(22 * max(2, len(choices)) + 6)

    def value(self) -> list[Any]:
        return [
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, values: Collection[Any]) -> None:
        for i in range(self.count()):
            on = self.item(i).data(Qt.ItemDataRole.UserRole) in values
            self.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


class Form(QWidget):
    """Fields from specs, a Save button, and ``on_submit(values) -> None`` that may raise a UserError."""

    def __init__(
        self,
        title: str,
        specs: list[FieldSpec],
        on_submit: Callable[[dict[str, Any]], None],
        save_label: str = "Save",
        object_name: str = "",
    ) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.on_submit = on_submit
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.layout_ = QFormLayout()
        heading = QLabel(f"<b>{title}</b>")
        for spec in specs:
            w = self._widget(spec)
            self.widgets[spec.name] = w
            err = named(QLabel(""), f"error_{spec.name}")
            err.setStyleSheet(theme.css("alert"))
            err.setWordWrap(True)
            err.hide()
            self.errors[spec.name] = err
            _when_edited(w, err.hide)  # a message goes once its field is changed (issue 19)
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(w)
            if spec.help:
                hint = QLabel(spec.help)
                hint.setStyleSheet(theme.css("muted"))
                hint.setWordWrap(True)
                box.addWidget(hint)
            box.addWidget(err)
            self.layout_.addRow(spec.label if spec.kind != "bool" else "", box)
        self.general = named(QLabel(""), "formError")
        self.general.setStyleSheet(theme.css("alert"))
        self.general.setWordWrap(True)
        self.save = named(QPushButton(save_label), "formSave")
        self.save.setDefault(True)
        self.save.clicked.connect(self.submit)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 4, 0, 4)
        v.addWidget(heading)
        v.addLayout(self.layout_)
        v.addWidget(self.general)
        v.addWidget(self.save, alignment=Qt.AlignmentFlag.AlignLeft)

    @staticmethod
    def _widget(spec: FieldSpec) -> QWidget:
        n = spec.name
        if spec.kind in ("date", "optdate"):
            return DateField(spec.kind == "optdate", n)
        if spec.kind == "text":
            return named(QLineEdit(), n)
        if spec.kind == "multiline":
            text = named(QPlainTextEdit(), n)
            text.setFixedHeight(70)
            return text
        if spec.kind == "bool":
            return named(QCheckBox(spec.label), n)
        if spec.kind == "choice":
            choice = named(QComboBox(), n)
            for value, label in spec.choices:
                choice.addItem(label, value)
            return choice
        if spec.kind == "multi":
            return MultiField(spec.choices, n)
        raise ValueError(spec.kind)

    def value(self, name: str) -> Any:
        w = self.widgets[name]
        if isinstance(w, DateField | MultiField):
            return w.value()
        if isinstance(w, QLineEdit):
            return w.text()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QComboBox):
            return w.currentData()
        raise TypeError(type(w))

    def values(self) -> dict[str, Any]:
        return {n: self.value(n) for n in self.widgets}

    def set(self, name: str, value: Any) -> None:
        w = self.widgets[name]
        if isinstance(w, DateField):
            w.set_value(value)
        elif isinstance(w, MultiField):
            w.set_checked(value)
        elif isinstance(w, QLineEdit | QPlainTextEdit):
            w.setPlainText(value) if isinstance(w, QPlainTextEdit) else w.setText(value)
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(max(0, w.findData(value)))

    def clear_errors(self) -> None:
        for e in self.errors.values():
            e.clear()
            e.hide()
        self.general.clear()

    def show_errors(self, exc: UserError) -> None:
        self.clear_errors()
        rest = []
        fields = exc.fields if isinstance(exc, ValidationError) else {"": str(exc)}
        for name, message in fields.items():
            target = self.errors.get(name) or self.errors.get(name.split(".")[-1])
            if target is not None:
                target.setText(message)
                target.show()
            else:
                rest.append(message)
        self.general.setText(" ".join(rest))

    def submit(self) -> bool:
        self.clear_errors()
        try:
            self.on_submit(self.values())
        except UserError as exc:
            self.show_errors(exc)
            return False
        return True


def _when_edited(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback`` whenever the user changes ``widget`` or a box inside it (a date field's tick)."""
    for w in [widget, *widget.findChildren(QWidget)]:
        for name in ("textChanged", "dateChanged", "currentIndexChanged", "toggled", "itemChanged"):
            signal = getattr(w, name, None)
            if signal is not None and hasattr(signal, "connect"):
                signal.connect(lambda *_a: callback())
