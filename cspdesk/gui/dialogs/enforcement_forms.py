"""Pieces the enforcement dialogs share: field errors beside fields, the administrator's override
question, and small editors for requirements and who was informed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.clock import current as clock
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.services.enforcement import (
    REQUIREMENT_KINDS,
    GuardsFailed,
    InformedInput,
    RequirementInput,
)
from cspdesk.gui import theme
from cspdesk.gui.qt_helpers import named, qdate
from cspdesk.gui.theme import font_css

if TYPE_CHECKING:
    from cspdesk.core.services.context import Actor
    from cspdesk.core.services.enforcement import RequirementLine
    from cspdesk.gui.prompts import Prompts

W = TypeVar("W", bound=QWidget)
T = TypeVar("T")


def day_of(edit: QDateTimeEdit) -> date:
    """The day an edit shows (``QDate.toPython`` returns a ``date``; its stub says ``object``)."""
    q = edit.date()
    return date(q.year(), q.month(), q.day())


def moment_of(edit: QDateTimeEdit) -> datetime:
    """The naive local time an edit shows, as ``QDateTime.toPython`` gives it."""
    q = edit.dateTime()
    d, t = q.date(), q.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second(), t.msec() * 1000)


def date_edit(value: date | None = None, name: str = "") -> QDateEdit:
    w = QDateEdit()
    w.setCalendarPopup(True)
    w.setDisplayFormat("dd/MM/yyyy")
    w.setDate(qdate(value) if value else qdate(clock().today()))
    if name:
        w.setObjectName(name)
    return w


def as_id(combo: QComboBox) -> uuid.UUID | None:
    """Ids are kept in combo boxes as text (Qt cannot find a Python UUID with ``findData``)."""
    value = combo.currentData()
    return uuid.UUID(value) if value else None


def error_label(name: str = "") -> QLabel:
    label = named(QLabel(), name)
    label.setStyleSheet(theme.css("alert"))
    label.setWordWrap(True)
    label.hide()
    return label


class FieldErrors:
    """Messages shown beside their fields; anything without a field goes in the general label."""

    def __init__(self, general: QLabel) -> None:
        self.general = general
        self.labels: dict[str, QLabel] = {}

    def add(self, field: str, label: QLabel) -> QLabel:
        self.labels[field] = label
        return label

    def clear(self) -> None:
        for label in [self.general, *self.labels.values()]:
            label.clear()
            label.hide()

    def show(self, exc: UserError) -> None:
        self.clear()
        fields = exc.fields if isinstance(exc, ValidationError) else {"": str(exc)}
        loose = []
        for field, message in fields.items():
            label = self.labels.get(field)
            if label is None:
                loose.append(message)
            else:
                label.setText(message)
                label.show()
        if loose:
            self.general.setText(" ".join(loose))
            self.general.show()

    def text(self) -> str:
        return " ".join(label.text() for label in [self.general, *self.labels.values()] if label.text())


def submit_with_override(
    prompts: Prompts, actor: Actor, call: Callable[[str], T], errors: FieldErrors
) -> T | None:
    """Run ``call(override_reason)``. If a guard refuses and an administrator may override it, ask the
    administrator for the reason (through Prompts) and run it again; otherwise show why beside the fields."""
    errors.clear()
    try:
        return call("")
    except GuardsFailed as exc:
        if not (exc.overridable and actor.can(Role.ADMINISTRATOR)):
            errors.show(exc)
            return None
        reason = prompts.ask_text(
            "Override the check",
            f"{exc}\n\nAs an administrator you may override this check. The reason is recorded on the notice "
            "and in the audit log.\n\nReason for overriding:",
        )
        if not reason or not reason.strip():
            errors.show(exc)
            return None
        try:
            return call(reason.strip())
        except UserError as again:
            errors.show(again)
            return None
    except UserError as exc:
        errors.show(exc)
        return None


def parse_day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError as exc:
        raise ValidationError({"requirements": f"'{text}' is not a date: use dd/mm/yyyy."}) from exc


class _Rows(QWidget):
    """A small table of rows with Add / Remove buttons."""

    def __init__(self, headers: list[str], add_label: str, name: str) -> None:
        super().__init__()
        self.table = named(QTableWidget(0, len(headers)), name)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(96)
        self.table.setMaximumHeight(150)
        add = named(QPushButton(add_label), f"{name}Add")
        remove = named(QPushButton("Remove"), f"{name}Remove")
        add.clicked.connect(lambda: self.add_row())
        remove.clicked.connect(
            lambda: self.table.removeRow(self.table.currentRow()) if self.table.rowCount() else None
        )
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.table)
        v.addLayout(buttons)

    def add_row(self) -> int:  # pragma: no cover - overridden
        raise NotImplementedError

    def cell(self, row: int, column: int, kind: type[W]) -> W:
        """The editor a row holds in a column (each column holds one kind, set by ``add_row``)."""
        widget = self.table.cellWidget(row, column)
        if not isinstance(widget, kind):
            raise TypeError(f"row {row}, column {column} holds {type(widget).__name__}, not {kind.__name__}")
        return widget


class RequirementsEditor(_Rows):
    def __init__(self) -> None:
        super().__init__(["Requirement", "What", "By (dd/mm/yyyy)"], "Add requirement", "requirements")
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(2, 110)

    def add_row(self, kind: str = "stop", text: str = "", due_on: date | None = None) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        combo = QComboBox()
        for code, label in REQUIREMENT_KINDS.items():
            combo.addItem(label, code)
        combo.setCurrentIndex(max(0, combo.findData(kind)))
        self.table.setCellWidget(r, 0, combo)
        self.table.setCellWidget(
            r, 1, QLineEdit(text, placeholderText="e.g. Stop playing amplified music after 11pm")
        )
        self.table.setCellWidget(r, 2, QLineEdit(due_on.strftime("%d/%m/%Y") if due_on else ""))
        return r

    def set_values(self, items: Iterable[RequirementLine]) -> None:
        self.table.setRowCount(0)
        for item in items:
            self.add_row(item.kind_code, item.text, item.due_on)

    def values(self) -> tuple[RequirementInput, ...]:
        out = []
        for r in range(self.table.rowCount()):
            kind = str(self.cell(r, 0, QComboBox).currentData())
            text = self.cell(r, 1, QLineEdit).text()
            if text.strip():
                out.append(RequirementInput(kind, text.strip(), parse_day(self.cell(r, 2, QLineEdit).text())))
        return tuple(out)


class InformedEditor(_Rows):
    def __init__(self) -> None:
        super().__init__(["Informed on", "Who (s.43(6))"], "Add who was informed", "informed")
        self.table.setColumnWidth(0, 120)

    def add_row(self, body: str = "", on: date | None = None) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setCellWidget(r, 0, date_edit(on))
        self.table.setCellWidget(r, 1, QLineEdit(body, placeholderText="e.g. Derbyshire Constabulary SNT"))
        return r

    def values(self) -> tuple[InformedInput, ...]:
        return tuple(
            InformedInput(self.cell(r, 1, QLineEdit).text().strip(), day_of(self.cell(r, 0, QDateEdit)))
            for r in range(self.table.rowCount())
            if self.cell(r, 1, QLineEdit).text().strip()
        )


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(f"{font_css(16)} font-weight: 600;")
    label.setAlignment(Qt.AlignmentFlag.AlignLeft)
    return label
