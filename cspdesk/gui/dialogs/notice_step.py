"""The small dialogs behind a notice's action buttons: the date and the facts one step needs.

``StepDialog`` moves a notice to a stage (breach with evidence, appeal with a late reason, the court's
outcome, payment, withdrawal ...); ``EventDialog`` records a review, remedial works, forfeiture or a note.
Both call the service themselves so that a refusal is shown beside the field and the dialog stays open.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.clock import current as clock
from cspdesk.core.domain.enforcement import Stage
from cspdesk.gui.dialogs.enforcement_forms import (
    FieldErrors,
    RequirementsEditor,
    date_edit,
    day_of,
    error_label,
    moment_of,
    submit_with_override,
)
from cspdesk.gui.qt_helpers import named, qdatetime

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.enforcement import NoticeDetail
    from cspdesk.core.services.registry import Services
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.prompts import Prompts

S = Stage
OUTCOMES = {S.QUASHED, S.MODIFIED, S.DISMISSED, S.OUTCOME}
TEXT_LABEL = {
    S.BREACHED: "What happened",
    S.WITHDRAWN: "Reason for withdrawing",
    S.COMPLIED: "How it was complied with",
    S.QUASHED: "The court's decision",
    S.MODIFIED: "How the court modified it",
    S.DISMISSED: "The court's decision",
    S.OUTCOME: "Court outcome (sentence, orders)",
    S.PROSECUTION: "Court and hearing details",
}
EVENT_TITLES = {
    "review": "Record a review",
    "remedial_works": "Record remedial works (s.47)",
    "forfeiture": "Record forfeiture of items (s.50)",
    "note": "Add a note",
}


class _Base(QDialog):
    services: Services

    saved = Signal(object)  # Changes

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        detail: NoticeDetail,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services, self.bus, self.prompts, self.detail = services, bus, prompts, detail
        self.setWindowTitle(f"{title} — {detail.reference}")
        self.resize(520, 0)  # no fixed minimum: with a large font the rows need more (issue 19)
        self.errors = FieldErrors(error_label("stepError"))
        self.form = QFormLayout()
        intro = QLabel(
            f"<b>{detail.reference}</b> — {detail.kind}, {detail.stage.lower()}<br>{detail.recipient}"
        )
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.form.addRow(intro)
        self.on = date_edit(services.notices.today(), "stepDate")
        self.add_row("Date", self.on, "on")

    def add_buttons(self) -> None:
        """Save and Cancel, made after the rows each dialog adds, so Tab reaches them last (issue 19)."""
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveStep")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        v = QVBoxLayout(self)
        v.addLayout(self.form)
        v.addWidget(self.errors.general)
        v.addWidget(self.buttons)

    def add_row(self, label: str, widget: QWidget, *fields: str) -> None:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(widget)
        err = error_label(f"error:{fields[0] if fields else label}")
        for f in fields:
            self.errors.add(f, err)
        v.addWidget(err)
        self.form.addRow(label, box)

    def call(self, override_reason: str) -> Changes:  # pragma: no cover - overridden
        raise NotImplementedError

    def save(self) -> None:
        changes = submit_with_override(self.prompts, self.services.actor, self.call, self.errors)
        if changes is None:
            return
        self.bus.changes_applied.emit(changes)
        self.saved.emit(changes)
        self.accept()


class StepDialog(_Base):
    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        detail: NoticeDetail,
        stage: str,
        label: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, bus, prompts, detail, label, parent)
        self.stage = S(stage)
        st = self.stage
        self.text = named(QPlainTextEdit(), "stepText")
        self.text.setFixedHeight(70)
        self.add_row(TEXT_LABEL.get(st, "Notes"), self.text, "reason", "outcome", "text")
        self.late_reason = named(
            QLineEdit(placeholderText="Only if the court accepted it late"), "lateReason"
        )
        self.amount = named(QDoubleSpinBox(prefix="£", decimals=2, maximum=5000), "amountPaid")
        self.incidents = named(QListWidget(), "evidenceIncidents")
        self.documents = named(QListWidget(), "evidenceDocuments")
        self.requirements = RequirementsEditor()
        self.served_on = date_edit(services.notices.today(), "servedOn")
        self.served_at = named(
            QDateTimeEdit(qdatetime(clock().now()), displayFormat="dd/MM/yyyy HH:mm"), "servedAt"
        )
        if st is S.APPEAL_LODGED:
            hint = f" (the window closes {detail.appeal_by:%d/%m/%Y})" if detail.appeal_by else ""
            self.add_row(f"Late appeal accepted by the court{hint}", self.late_reason, "lodged_on")
        if st is S.PAID:
            due = detail.discount_amount_pence or detail.amount_pence or 0
            self.amount.setValue(due / 100)
            self.add_row("Amount paid", self.amount, "amount_paid", "paid_on")
        if st is S.BREACHED:
            incidents, documents = services.notices.evidence_options(detail.case_id)
            for widget, items in ((self.incidents, incidents), (self.documents, documents)):
                widget.setMaximumHeight(110)
                for id_, text in items:
                    item = QListWidgetItem(text)
                    item.setData(Qt.ItemDataRole.UserRole, id_)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Unchecked)
                    widget.addItem(item)
            self.add_row("Evidence: incidents", self.incidents, "evidence")
            if documents:
                self.add_row("Evidence: documents", self.documents)
        if st is S.MODIFIED:
            self.requirements.set_values(detail.requirements)
            self.add_row("Requirements as modified", self.requirements, "requirements")
        if detail.stage_code == S.DRAFT.value and st in (S.ISSUED, S.RECORDED, S.PROSECUTION):
            self.add_row("Served on", self.served_on, "served_on")
            if detail.kind_code == "closure_notice":
                self.add_row("Served at", self.served_at, "served_at")
        self.add_buttons()

    @staticmethod
    def _checked(widget: QListWidget) -> list[uuid.UUID]:
        items = (widget.item(i) for i in range(widget.count()))
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item is not None and item.checkState() == Qt.CheckState.Checked
        ]

    def call(self, override_reason: str) -> Changes:
        st, text = self.stage, self.text.toPlainText()
        issuing = self.detail.stage_code == S.DRAFT.value and st in (S.ISSUED, S.RECORDED, S.PROSECUTION)
        return self.services.enforcement.transition(
            self.services.actor,
            self.detail.id,
            st,
            day_of(self.on),
            reason="" if st in OUTCOMES else text,
            outcome=text if st in OUTCOMES else "",
            late_appeal_reason=self.late_reason.text(),
            override_reason=override_reason,
            amount_paid_pence=round(self.amount.value() * 100) if st is S.PAID else None,
            evidence_incident_ids=self._checked(self.incidents),
            evidence_document_ids=self._checked(self.documents),
            requirements=self.requirements.values() if st is S.MODIFIED else None,
            served_on=day_of(self.served_on) if issuing else None,
            served_at=moment_of(self.served_at)
            if issuing and self.detail.kind_code == "closure_notice"
            else None,
            expected_version=self.detail.version,
        )


class EventDialog(_Base):
    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        detail: NoticeDetail,
        event: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, bus, prompts, detail, EVENT_TITLES[event], parent)
        # Not ``self.event``: that would hide QObject.event(), which Qt calls for every event the dialog gets.
        self.event_code = event
        self.text = named(QPlainTextEdit(), "stepText")
        self.text.setFixedHeight(80)
        self.add_row("What happened", self.text, "text", "event")
        self.cost = named(QDoubleSpinBox(prefix="£", decimals=2, maximum=100000), "cost")
        if event == "remedial_works":
            self.add_row("Cost to recover (s.47)", self.cost)
        self.add_buttons()

    def call(self, override_reason: str) -> Changes:
        details = (
            {"cost_pence": round(self.cost.value() * 100)} if self.event_code == "remedial_works" else None
        )
        return self.services.enforcement.record_event(
            self.services.actor,
            self.detail.id,
            self.event_code,
            day_of(self.on),
            self.text.toPlainText(),
            details,
        )
