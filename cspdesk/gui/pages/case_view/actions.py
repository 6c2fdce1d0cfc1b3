"""Actions tab: owner (officer or partner agency), due date, outcome; overdue ones in red."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.services.cases import ActionInput
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.pages.case_view.base import CasePanel, fill, selected_id, table
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.forms import DateField, FieldErrors, combo, read_date

if TYPE_CHECKING:
    from cspdesk.core.services.cases import ActionRow
    from cspdesk.core.services.registry import Services


class ActionsPanel(CasePanel):
    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, bus, prompts, case_id, parent)
        self.table = table(["Action", "Owner", "Due", "Status", "Outcome"], "actionsTable", 0)
        self.errors = FieldErrors()
        self.description = named(QLineEdit(), "action_description")
        self.officer = combo(services.intake.options().officers, "(no officer)", object_name="action_officer")
        self.agency = combo(services.intake.options().agencies, "(no agency)", object_name="action_agency")
        self.due = DateField()
        self.due.setObjectName("action_due")
        self.add_btn = named(QPushButton("Set action"), "addAction")
        self.add_btn.clicked.connect(self.add)
        self.done_btn = named(QPushButton("Mark done…"), "completeAction")
        self.done_btn.clicked.connect(self.complete)
        self.cancel_btn = named(QPushButton("Cancel action…"), "cancelAction")
        self.cancel_btn.clicked.connect(self.cancel)
        owner = QWidget()
        h = QHBoxLayout(owner)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.officer)
        h.addWidget(self.agency)
        form = QFormLayout()
        self.errors.add_row(form, "What is to be done", "description", self.description)
        self.errors.add_row(form, "Owner", "owner", owner)
        self.errors.add_row(form, "Due", "due_on", self.due)
        form.addRow(self.errors.general)
        form.addRow(self.add_btn)
        box = QGroupBox("Set an action")
        box.setLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_btn)
        buttons.addWidget(self.cancel_btn)
        buttons.addStretch(1)
        v = QVBoxLayout(self)
        v.addWidget(self.table, 1)
        v.addLayout(buttons)
        v.addWidget(box)
        self.rows: list[ActionRow] = []

    def load(self) -> None:
        self.rows = self.services.actions.for_case(self.case_id)
        red = theme.qcolour("alert")
        fill(
            self.table,
            [
                [
                    r.description,
                    r.owner,
                    f"{r.due_on:%d/%m/%Y}",
                    r.status_label + (" — OVERDUE" if r.overdue else ""),
                    r.outcome or r.progress,
                ]
                for r in self.rows
            ],
            [r.id for r in self.rows],
            lambda i: red if self.rows[i].overdue else None,
        )

    def add(self) -> None:
        errors: dict[str, str] = {}
        due = read_date(self.due, "due_on", errors)
        if errors:
            self.errors.show(errors)
            return
        inp = ActionInput(self.description.text(), due, self.officer.currentData(), self.agency.currentData())
        changes = self.attempt(
            "Action not set",
            lambda: self.services.actions.add_action(self.services.actor, self.case_id, inp),
            self.errors,
        )
        if changes is not None:
            self.description.clear()
            self.due.clear()
            self.applied(changes)

    def _selected(self) -> ActionRow | None:
        aid = selected_id(self.table)
        if aid is None:
            self.prompts.info("Actions", "Select an action first.")
        return next((r for r in self.rows if r.id == aid), None)

    def complete(self) -> None:
        row = self._selected()
        if row is None:
            return
        outcome = self.prompts.ask_text("Action done", f"Outcome of: {row.description}")
        if outcome is None:
            return
        changes = self.attempt(
            "Action not updated",
            lambda: self.services.actions.complete(
                self.services.actor, row.id, outcome, expected_version=row.version
            ),
        )
        if changes is not None:
            self.applied(changes)

    def cancel(self) -> None:
        row = self._selected()
        if row is None:
            return
        reason = self.prompts.ask_text("Cancel action", f"Why is this cancelled: {row.description}")
        if reason is None:
            return
        changes = self.attempt(
            "Action not updated",
            lambda: self.services.actions.cancel(
                self.services.actor, row.id, reason, expected_version=row.version
            ),
        )
        if changes is not None:
            self.applied(changes)
