"""New enforcement step: pick a case and one of its perpetrators, the kind of step, and its facts.

The dates the step will carry are previewed from the rules in force (``compute_dates``); the service
computes and stores them. Opened with ``open()`` (never ``exec``) so the window and tests stay live.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.clock import current as clock
from cspdesk.core.domain.deadlines import compute_dates
from cspdesk.core.domain.vocab import NoticeKind
from cspdesk.core.errors import UserError
from cspdesk.core.services.enforcement import StepRequest
from cspdesk.gui import theme
from cspdesk.gui.dialogs.enforcement_forms import (
    FieldErrors,
    InformedEditor,
    RequirementsEditor,
    as_id,
    date_edit,
    day_of,
    error_label,
    moment_of,
    submit_with_override,
)
from cspdesk.gui.qt_helpers import named, qdatetime

if TYPE_CHECKING:
    from cspdesk.core.services.registry import Services
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.prompts import Prompts

K = NoticeKind
SERVICE_METHODS = ["Hand delivered", "First class post", "Served in person", "Recorded delivery", "Email"]
CONDUCT_KINDS = {K.WARNING_LETTER, K.ABC, K.CPW, K.CPN, K.FPN, K.PROSECUTION}
FOLLOWS = {K.CPN: "CPW it follows", K.FPN: "CPN breached", K.PROSECUTION: "CPN breached (optional)"}


class NewStepDialog(QDialog):
    services: Services

    saved = Signal(object)  # StepStarted

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        parent: QWidget | None = None,
        *,
        case_id: uuid.UUID | None = None,
        party_id: uuid.UUID | None = None,
        kind: str | None = None,
        parent_notice_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(parent)
        self.services, self.bus, self.prompts = services, bus, prompts
        self.setWindowTitle("New enforcement step")
        self.setObjectName("newStepDialog")
        self.resize(760, 820)
        self.case_id = case_id
        self._preset_parent = parent_notice_id
        self.errors = FieldErrors(error_label("newStepError"))
        form = QFormLayout()
        self.form = form

        # Case and person
        self.case_search = named(QLineEdit(placeholderText="Case reference, name or postcode"), "caseSearch")
        self.find_button = named(QPushButton("Find"), "findCase")
        self.cases = named(QComboBox(), "caseChoice")
        self.case_search.returnPressed.connect(self.find_cases)
        self.find_button.clicked.connect(self.find_cases)
        self.cases.currentIndexChanged.connect(lambda _i: self._case_chosen(as_id(self.cases)))
        row = QHBoxLayout()
        row.addWidget(self.case_search, 2)
        row.addWidget(self.find_button)
        row.addWidget(self.cases, 3)
        self.case_row = QWidget()
        self.case_row.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.case_label = QLabel()
        form.addRow("Case", self.case_row if case_id is None else self.case_label)
        self.party = named(QComboBox(), "partyChoice")
        self.party.currentIndexChanged.connect(lambda _i: self._refresh_parents())
        form.addRow("Perpetrator", self._with_error(self.party, "party"))
        self.kind = named(QComboBox(), "kindChoice")
        for k in NoticeKind:
            self.kind.addItem(k.label, k.value)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        form.addRow("Step", self._with_error(self.kind, "kind"))
        self.parent_choice = named(QComboBox(), "parentChoice")
        self.parent_choice.currentIndexChanged.connect(lambda _i: self._parent_chosen())
        form.addRow("Follows", self._with_error(self.parent_choice, "parent", "warning"))

        # Dates and service
        self.draft = named(QCheckBox("Save as a draft: not issued yet"), "draftCheck")
        self.issued_on = date_edit(services.notices.today(), "issuedOn")
        self.draft.toggled.connect(self._draft_toggled)
        self.issued_on.dateChanged.connect(lambda _d: self._preview())
        form.addRow("Date of issue", self._with_error(self.issued_on, "issued_on", extra=self.draft))
        self.served = named(QCheckBox("Served on"), "servedCheck")
        self.served.setChecked(True)
        self.served_on = date_edit(services.notices.today(), "servedOn")
        self.served.toggled.connect(self.served_on.setEnabled)
        self.method = named(QComboBox(), "serviceMethod")
        self.method.setEditable(True)
        self.method.addItems(SERVICE_METHODS)
        srow = QHBoxLayout()
        for w in (self.served, self.served_on, self.method):
            srow.addWidget(w)
        srow.addStretch(1)
        sw = QWidget()
        srow.setContentsMargins(0, 0, 0, 0)
        sw.setLayout(srow)
        form.addRow("Service", self._with_error(sw, "served_on"))
        self.served_at = named(
            QDateTimeEdit(qdatetime(clock().now()), displayFormat="dd/MM/yyyy HH:mm"), "servedAt"
        )
        form.addRow("Served at", self._with_error(self.served_at, "served_at"))
        self.comply_own = named(QCheckBox("Own comply-by date"), "complyOwn")
        self.comply_by = date_edit(None, "complyBy")
        self.comply_by.setEnabled(False)
        self.comply_own.toggled.connect(self._comply_own_toggled)
        self.comply_by.dateChanged.connect(lambda _d: self._preview())
        form.addRow("Comply by", self._with_error(self._pair(self.comply_own, self.comply_by), "comply_by"))
        self.ends_own = named(QCheckBox("Set end date"), "endsOwn")
        self.ends_on = date_edit(None, "endsOn")
        self.ends_on.setEnabled(False)
        self.ends_own.toggled.connect(self._ends_own_toggled)
        form.addRow("Ends", self._with_error(self._pair(self.ends_own, self.ends_on), "ends_on"))
        self.amount = named(QDoubleSpinBox(prefix="£", decimals=2, maximum=5000), "amount")
        self.discount = named(QDoubleSpinBox(prefix="£", decimals=2, maximum=5000), "discount")
        rules = services.enforcement.rules_in_force()
        self.amount.setValue(rules.fpn_default_amount_pence / 100)
        self.discount.setValue((rules.fpn_discount_amount_pence or 0) / 100)
        self.discount_label = QLabel("early payment")
        form.addRow(
            "Amount",
            self._with_error(
                self._pair(self.amount, self.discount_label, self.discount),
                "amount_pence",
                "discount_amount_pence",
            ),
        )
        self.preview = named(QLabel(), "datesPreview")
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet(theme.css("accent"))
        form.addRow("Dates", self.preview)

        # What it is about
        self.conduct = named(QPlainTextEdit(), "conduct")
        self.conduct.setFixedHeight(60)
        form.addRow("Conduct", self._with_error(self.conduct, "conduct"))
        self.effect = named(QPlainTextEdit(), "detrimentalEffect")
        self.effect.setFixedHeight(60)
        form.addRow("Detrimental effect", self._with_error(self.effect, "detrimental_effect"))
        self.requirements = RequirementsEditor()
        self.requirements.add_row()
        form.addRow("Requirements", self._with_error(self.requirements, "requirements"))
        self.informed = InformedEditor()
        form.addRow("Informed before issue", self._with_error(self.informed, "informed"))
        self.officer = named(QComboBox(), "officerChoice")
        for u in services.users.officers():
            self.officer.addItem(f"{u.display_name}{f' — {u.job_title}' if u.job_title else ''}", str(u.id))
        self.officer.setCurrentIndex(max(0, self.officer.findData(str(services.actor.user_id))))
        form.addRow("Issuing officer", self._with_error(self.officer, "issuing_officer"))
        self.authority = named(QLineEdit(str(services.settings.get("council.name"))), "authority")
        form.addRow("Authority", self.authority)

        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveStep")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        v = QVBoxLayout(self)
        v.addWidget(scroll, 1)
        v.addWidget(self.errors.general)
        v.addWidget(self.buttons)

        if kind:
            self.kind.setCurrentIndex(self.kind.findData(kind))
        if parent_notice_id is not None:
            self._prefill_from(parent_notice_id)
        if case_id is not None:
            pick = services.notices.case_pick(case_id)
            self.case_label.setText(f"{pick.reference} — {pick.title}" if pick else "")
            self._case_chosen(case_id, party_id)
        self._kind_changed()

    # ----- layout helpers
    def _with_error(self, widget: QWidget, *fields: str, extra: QWidget | None = None) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        if extra is not None:
            h = QHBoxLayout()
            h.addWidget(widget)
            h.addWidget(extra)
            h.addStretch(1)
            v.addLayout(h)
        else:
            v.addWidget(widget)
        label = error_label(f"error:{fields[0]}")
        for f in fields:
            self.errors.add(f, label)
        v.addWidget(label)
        return box

    @staticmethod
    def _pair(*widgets: QWidget) -> QWidget:
        w = QWidget()
        h = QHBoxLayout(w)
        h.setContentsMargins(0, 0, 0, 0)
        for x in widgets:
            h.addWidget(x)
        h.addStretch(1)
        return w

    def _prefill_from(self, notice_id: uuid.UUID) -> None:
        """A CPN repeats its warning's conduct and requirements; an FPN the conduct of the CPN breached."""
        d = self.services.notices.detail(notice_id)
        self.conduct.setPlainText(d.conduct)
        self.effect.setPlainText(d.detrimental_effect)
        if d.requirements:
            self.requirements.set_values(d.requirements)

    def _parent_chosen(self) -> None:
        parent = as_id(self.parent_choice)
        if parent is not None and not self.conduct.toPlainText().strip():
            self._prefill_from(parent)

    # ----- behaviour
    def find_cases(self) -> None:
        picks = self.services.notices.find_cases(self.case_search.text())
        self.cases.blockSignals(True)
        self.cases.clear()
        for p in picks:
            self.cases.addItem(f"{p.reference} — {p.title}", str(p.id))
        self.cases.blockSignals(False)
        if not picks:
            self.errors.show(UserError("No case matches that search."))
            self._case_chosen(None)
            return
        self.errors.clear()
        self._case_chosen(as_id(self.cases))

    def _case_chosen(self, case_id: uuid.UUID | None, party_id: uuid.UUID | None = None) -> None:
        self.case_id = case_id
        self.party.blockSignals(True)
        self.party.clear()
        people = self.services.notices.perpetrators(case_id) if case_id else []
        for p in people:
            age = f", {p.age}" if p.age is not None else ", age not known"
            self.party.addItem(f"{p.name} ({p.kind.lower()}{age})", str(p.id))
        if party_id is not None:
            self.party.setCurrentIndex(max(0, self.party.findData(str(party_id))))
        self.party.blockSignals(False)
        if case_id and not people:
            self.errors.show(UserError("This case has no perpetrator recorded; add one to the case first."))
        self._refresh_parents()

    def _refresh_parents(self) -> None:
        self.parent_choice.clear()
        kind = self.kind.currentData()
        party = as_id(self.party)
        if kind == K.PROSECUTION.value:
            self.parent_choice.addItem("(none)", None)
        if party is not None:
            for p in self.services.notices.parent_candidates(party, kind):
                self.parent_choice.addItem(p.label, str(p.id))
        if self._preset_parent is not None:
            self.parent_choice.setCurrentIndex(max(0, self.parent_choice.findData(str(self._preset_parent))))

    def _kind_changed(self) -> None:
        kind = K(self.kind.currentData())
        visible = {
            self.parent_choice: kind in FOLLOWS,
            self.served_at: kind is K.CLOSURE_NOTICE,
            self.comply_by: kind is K.CPW,
            self.ends_on: kind in (K.ABC, K.CLOSURE_ORDER, K.CIVIL_INJUNCTION),
            self.amount: kind in (K.FPN, K.PSPO_FPN),
            self.effect: kind in (K.CPW, K.CPN, K.WARNING_LETTER, K.ABC),
            self.requirements: kind in (K.ABC, K.CPW, K.CPN, K.WARNING_LETTER),
            self.informed: kind is K.CPN,
        }
        for widget, show in visible.items():
            self.form.setRowVisible(self._form_row(widget), show)
        self.discount.setVisible(kind is K.FPN)
        self.discount_label.setVisible(kind is K.FPN)
        if kind is K.CPN and self.informed.table.rowCount() == 0:
            self.informed.add_row()
        label = self.form.labelForField(self._form_row(self.parent_choice))
        if isinstance(label, QLabel):
            label.setText(FOLLOWS.get(kind, "Follows"))
        self._refresh_parents()
        self._preview()

    def _form_row(self, widget: QWidget) -> QWidget:
        """The widget the form holds ``widget`` in (itself, or the box beside its error label)."""
        w = widget
        while (up := w.parentWidget()) is not None and self.form.indexOf(w) < 0:
            w = up
        return w

    def _draft_toggled(self, on: bool) -> None:
        self.issued_on.setEnabled(not on)
        self._preview()

    def _comply_own_toggled(self, on: bool) -> None:
        self.comply_by.setEnabled(on)
        self._preview()

    def _ends_own_toggled(self, on: bool) -> None:
        self.ends_on.setEnabled(on)
        self._preview()

    def _preview(self) -> None:
        kind = K(self.kind.currentData())
        if self.draft.isChecked():
            self.preview.setText("Dates are computed when the draft is issued.")
            return
        try:
            d = compute_dates(
                kind,
                day_of(self.issued_on),
                self.services.enforcement.rules_in_force(),
                comply_by=day_of(self.comply_by) if self.comply_own.isChecked() else None,
                ends_on=day_of(self.ends_on) if self.ends_own.isChecked() else None,
                served_at=moment_of(self.served_at) if kind is K.CLOSURE_NOTICE else None,
            )
        except UserError as exc:
            self.preview.setText(str(exc))
            return
        parts = [
            f"{label} {value:%d/%m/%Y}"
            for label, value in (
                ("comply by", d.comply_by),
                ("lapses", d.lapses_on),
                ("appeal by", d.appeal_by),
                ("review", d.review_on),
                ("ends", d.expires_on),
                ("early payment by", d.discount_by),
                ("pay by", d.pay_by),
                ("earliest prosecution", d.earliest_prosecution_on),
            )
            if value
        ]
        if d.hearing_by:
            parts.append(f"hearing by {d.hearing_by:%d/%m/%Y %H:%M}")
        self.preview.setText("; ".join(parts).capitalize() if parts else "No computed dates for this step.")

    def request(self, case_id: uuid.UUID, party_id: uuid.UUID) -> StepRequest:
        kind = K(self.kind.currentData())
        pence = round(self.amount.value() * 100) if kind in (K.FPN, K.PSPO_FPN) else None
        discount = round(self.discount.value() * 100) if kind is K.FPN else None
        served_at = moment_of(self.served_at) if kind is K.CLOSURE_NOTICE else None
        return StepRequest(
            case_id=case_id,
            party_id=party_id,
            kind=kind.value,
            issued_on=None if self.draft.isChecked() else day_of(self.issued_on),
            conduct=self.conduct.toPlainText(),
            detrimental_effect=self.effect.toPlainText(),
            requirements=self.requirements.values()
            if self.form.isRowVisible(self._form_row(self.requirements))
            else (),
            issuing_officer_id=as_id(self.officer),
            authority=self.authority.text(),
            served_on=day_of(self.served_on)
            if self.served.isChecked() and not self.draft.isChecked()
            else None,
            service_method=self.method.currentText(),
            parent_id=as_id(self.parent_choice),
            comply_by=day_of(self.comply_by) if kind is K.CPW and self.comply_own.isChecked() else None,
            ends_on=day_of(self.ends_on)
            if self.ends_own.isChecked() and kind in (K.ABC, K.CLOSURE_ORDER, K.CIVIL_INJUNCTION)
            else None,
            served_at=served_at,
            amount_pence=pence,
            discount_amount_pence=discount,
            informed=self.informed.values() if kind is K.CPN else (),
        )

    def save(self) -> None:
        party_id = as_id(self.party)
        if self.case_id is None or party_id is None:
            self.errors.show(UserError("Choose a case and one of its perpetrators first."))
            return
        try:
            req = self.request(self.case_id, party_id)
        except UserError as exc:
            self.errors.show(exc)
            return
        started = submit_with_override(
            self.prompts,
            self.services.actor,
            lambda reason: self.services.enforcement.start_step(
                self.services.actor, req, override_reason=reason
            ),
            self.errors,
        )
        if started is None:
            return
        self.bus.changes_applied.emit(started.changes)
        self.saved.emit(started)
        self.accept()
