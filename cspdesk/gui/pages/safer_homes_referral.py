"""The Safer Homes referral screen: intake form, eligibility, survey and works, status, timeline.

Shown for a new referral (the form alone) or an opened one. Everything it shows comes from the
service already masked for the signed-in user; a masked field is read-only and never sent back.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.safer_homes import ReferralRecord, format_pence
from cspdesk.core.domain.vocab import Role, SaferHomesStatus
from cspdesk.core.errors import TransitionRefused, UserError, ValidationError
from cspdesk.gui import theme
from cspdesk.gui.pages.safer_homes_fields import DateField, MoneyField, TextField, with_error
from cspdesk.gui.pages.safer_homes_form import IntakeForm
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.reasons import with_reason
from cspdesk.gui.theme import font_css

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services
    from cspdesk.core.services.safer_homes import ReferralDetail
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.dialogs.looks import LooksDialog
    from cspdesk.gui.prompts import Prompts
    from cspdesk.gui.widgets.documents_panel import DocumentsPanel

MeasureLines = list[tuple[str, int, bool]]  # (measure code, quantity, installed)

S = SaferHomesStatus
BUTTON_TEXT = {
    S.ELIGIBILITY_CHECKED: "Mark eligibility checked",
    S.SURVEYED: "Mark surveyed",
    S.WORKS_ORDERED: "Mark works ordered",
    S.SECURED: "Mark property secured",
    S.FOLLOWED_UP: "Mark followed up",
    S.CLOSED: "Close",
    S.DECLINED: "Decline…",
    S.WITHDRAWN: "Withdraw…",
}
WORK_FIELDS = [
    ("survey_on", "Survey date", DateField),
    ("surveyor", "Surveyor", TextField),
    ("contractor", "Contractor", TextField),
    ("works_ordered_on", "Works ordered", DateField),
    ("installed_on", "Installed", DateField),
    ("actual_cost_pence", "Actual cost", MoneyField),
    ("followed_up_on", "Follow-up call", DateField),
]


class ReferralScreen(QWidget):
    services: Services

    back = Signal()

    def __init__(self, services: Services, bus: Bus, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.detail: ReferralDetail | None = None
        self._lines: MeasureLines = []
        opts = services.safer_homes_read.filter_options()
        self.heading = named(QLabel(), "referralHeading")
        self.heading.setStyleSheet(f"{font_css(19)} font-weight: 600;")
        self.flags = named(QLabel(), "referralFlags")
        self.flags.setTextFormat(Qt.TextFormat.RichText)
        back = named(QPushButton("← Back to the list"), "backToList")
        back.clicked.connect(self.back.emit)
        self.status_row = QHBoxLayout()
        self.summary_btn = named(QPushButton("Print summary…"), "printSummary")
        self.summary_btn.clicked.connect(self._print_summary)
        self.order_btn = named(QPushButton("Works order…"), "printWorksOrder")
        self.order_btn.clicked.connect(self._print_works_order)
        self.letters_btn = named(QPushButton("Letters…"), "referralLetters")
        self.letters_btn.clicked.connect(self.open_letters)
        self.looks_btn = named(QPushButton("Who has looked…"), "whoHasLooked")
        self.looks_btn.setToolTip("Every time this restricted referral's details were shown, by whom and why")
        self.looks_btn.clicked.connect(self.show_looks)
        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.heading, 1)
        top.addWidget(self.summary_btn)
        top.addWidget(self.order_btn)
        top.addWidget(self.letters_btn)
        top.addWidget(self.looks_btn)
        actions = QHBoxLayout()
        actions.addWidget(QLabel("Next step:"))
        actions.addLayout(self.status_row)
        actions.addStretch(1)

        self.form = IntakeForm(opts["agencies"], opts["wards"])
        self.save_btn = named(QPushButton("Save referral"), "saveReferral")
        self.save_btn.clicked.connect(self.save)

        # Eligibility
        self.elig_box = QGroupBox("Eligibility")
        self.elig_text = named(QLabel(), "eligibilityResult")
        self.elig_text.setWordWrap(True)
        self.elig_text.setTextFormat(Qt.TextFormat.RichText)
        self.elig_btn = named(QPushButton("Check eligibility"), "checkEligibility")
        self.elig_btn.clicked.connect(self._check_eligibility)
        ev = QVBoxLayout(self.elig_box)
        ev.addWidget(self.elig_text)
        ev.addWidget(self.elig_btn, alignment=Qt.AlignmentFlag.AlignLeft)

        # Survey and works
        self.works_box = QGroupBox("Survey and works")
        wf = QFormLayout()
        self.work_fields: dict[str, DateField | TextField] = {}
        self.work_errors: dict[str, QLabel] = {}
        for name, label, cls in WORK_FIELDS:
            w = named(cls(), f"field:{name}")
            w.setMinimumWidth(240)
            cell, err = with_error(w)
            wf.addRow(label, cell)
            self.work_fields[name] = w
            self.work_errors[name] = err
        self.save_works_btn = named(QPushButton("Save survey and works"), "saveWorks")
        self.save_works_btn.clicked.connect(self._save_works)
        wf.addRow("", self.save_works_btn)
        self.measures = named(QTableWidget(0, 5), "measuresTable")
        self.measures.setHorizontalHeaderLabels(["Measure", "Qty", "Unit cost", "Total", "Fitted"])
        self.measures.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.measures.verticalHeader().setVisible(False)
        self.measures.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.measures.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.measures.setMinimumHeight(170)
        self.catalogue = named(QComboBox(), "measureChoice")
        self.quantity = named(QSpinBox(), "measureQuantity")
        self.quantity.setRange(1, 50)
        self.add_measure_btn = add = named(QPushButton("Add measure"), "addMeasure")
        add.clicked.connect(self._add_measure)
        self.remove_measure_btn = remove = named(QPushButton("Remove selected"), "removeMeasure")
        remove.clicked.connect(self._remove_measure)
        self.total = named(QLabel(), "worksTotal")
        self.total.setStyleSheet("font-weight:600")
        adder = QHBoxLayout()
        adder.addWidget(self.catalogue, 1)
        adder.addWidget(self.quantity)
        adder.addWidget(add)
        adder.addWidget(remove)
        wl = QGridLayout(self.works_box)
        wl.addLayout(wf, 0, 0, 3, 1)
        wl.addWidget(self.measures, 0, 1)
        wl.addLayout(adder, 1, 1)
        wl.addWidget(self.total, 2, 1)
        wl.setColumnStretch(1, 2)
        self.measures_error = QLabel()
        self.measures_error.setStyleSheet(theme.css("alert"))
        self.measures_error.hide()
        wl.addWidget(self.measures_error, 3, 1)

        self.timeline_box = QGroupBox("Timeline")
        self.timeline = named(QListWidget(), "timeline")
        self.timeline.setMinimumHeight(120)
        QVBoxLayout(self.timeline_box).addWidget(self.timeline)

        inner = QWidget()
        v = QVBoxLayout(inner)
        v.addWidget(self.flags)
        v.addLayout(actions)
        v.addWidget(self.elig_box)
        v.addWidget(self.works_box)
        v.addWidget(self.form)
        v.addWidget(self.save_btn, alignment=Qt.AlignmentFlag.AlignRight)
        v.addWidget(self.timeline_box)
        v.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(scroll, 1)

    # ----- showing ----------------------------------------------------------------------------------
    def new_referral(self) -> None:
        self.detail = None
        self.heading.setText("New Safer Homes referral")
        self.flags.setText(
            "Record the referral as the referrer gave it. Without the client's consent only "
            "the fact that a referral was declined is kept."
        )
        self.form.set_values({"referred_on": self.services.safer_homes.today().isoformat()}, editable=True)
        self.save_btn.setText("Save referral")
        for w in (self.elig_box, self.works_box, self.timeline_box, self.summary_btn, self.order_btn):
            w.hide()
        self._status_buttons(())
        self.looks_btn.hide()
        self.letters_btn.hide()
        self.save_btn.setEnabled(self.may_edit)

    @property
    def may_edit(self) -> bool:
        """Partners are read-only: their controls are disabled, not refused on Save."""
        return self.services.actor.can(Role.OFFICER)

    def show_detail(self, detail: ReferralDetail) -> None:
        self.detail = d = detail
        v = d.values
        self.heading.setText(f"Safer Homes referral {d.reference}")
        flags = [f"<b>{html.escape(d.status.label)}</b>"]
        if d.restricted:
            flags.append(
                f"<span style='color:{theme.colour('alert')}'><b>RESTRICTED</b> (domestic abuse)"
                + (" — client details hidden" if d.masked else "")
                + "</span>"
            )
        if d.waiting_too_long:
            flags.append(
                f"<span style='background:{theme.colour('warning_bg')}'>&nbsp;Waiting too long: not secured "
                "by "
                f"{d.waiting_target:%d/%m/%Y}&nbsp;</span>"
            )
        if d.days_to_secure is not None:
            flags.append(
                f"Secured {d.days_to_secure} days after referral ({d.working_days_to_secure} working days)"
            )
        if d.follow_up_due and d.status is S.SECURED:
            flags.append(
                (
                    f"<span style='color:{theme.colour('alert')}'>Follow-up overdue</span> "
                    if d.follow_up_overdue
                    else ""
                )
                + f"Follow-up call due {d.follow_up_due:%d/%m/%Y}"
            )
        self.flags.setText(" &nbsp;·&nbsp; ".join(flags))
        open_ = d.status not in (S.CLOSED, S.DECLINED, S.WITHDRAWN)
        edit = open_ and self.may_edit
        self.form.set_values(v, editable=edit)
        self.save_btn.setText("Save changes")
        self.save_btn.setVisible(open_ and not d.masked)
        self.save_btn.setEnabled(edit)
        for w in (
            self.elig_box,
            self.works_box,
            self.timeline_box,
            self.summary_btn,
            self.order_btn,
            self.letters_btn,
        ):
            w.show()
        self.order_btn.setEnabled(not d.masked and self.may_edit)
        # A masked referral's letters are restricted too: nothing to write, nothing to open.
        self.letters_btn.setEnabled(not d.masked)
        self.letters_btn.setToolTip(
            "" if not d.masked else "Restricted: you do not have permission to see this referral's letters."
        )
        self.looks_btn.setVisible(d.restricted and not d.masked)
        self._status_buttons(d.allowed_next)
        # Eligibility
        if d.eligibility is None:
            self.elig_text.setText("Not checked yet.")
        else:
            head = (
                f"<b style='color:{theme.colour('success')}'>Eligible</b>"
                if d.eligibility.eligible
                else f"<b style='color:{theme.colour('alert')}'>Not eligible</b>"
            )
            lines = "".join(
                f"<br>&nbsp;&nbsp;{'✔' if c.passed else '✘'} {html.escape(c.explanation)}"
                for c in d.eligibility.checks
            )
            self.elig_text.setText(f"{head} (checked {html.escape(d.eligibility_checked)}){lines}")
        self.elig_btn.setVisible(d.status is S.REFERRED)
        self.elig_btn.setEnabled(self.may_edit)
        # Works
        for name, field in self.work_fields.items():
            field.set_value(v.get(name))
            field.set_editable(edit)
            self.work_errors[name].hide()
        self.save_works_btn.setVisible(open_)
        controls: tuple[QWidget, ...] = (
            self.save_works_btn,
            self.add_measure_btn,
            self.remove_measure_btn,
            self.catalogue,
            self.quantity,
        )
        for control in controls:
            control.setEnabled(edit)
        self._lines = [(m["code"], m["quantity"], m["installed"]) for m in v.get("measures") or []]
        self.measures.setRowCount(len(v.get("measures") or []))
        for r, m in enumerate(v.get("measures") or []):
            cells = [
                m["description"],
                str(m["quantity"]),
                format_pence(m["unit_cost_pence"]),
                format_pence(m["quantity"] * m["unit_cost_pence"]),
                "Yes" if m["installed"] else "",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.measures.setItem(r, c, item)
        actual = v.get("actual_cost_pence")
        self.total.setText(
            f"Estimated total {format_pence(d.estimated_cost_pence)}"
            + (f" · actual cost {format_pence(actual)}" if isinstance(actual, int) else "")
        )
        self.catalogue.clear()
        for m in d.catalogue:
            self.catalogue.addItem(f"{m.label} — {format_pence(m.unit_cost_pence)}", m.code)
        self.measures_error.hide()
        self.timeline.clear()
        for t in d.timeline:
            self.timeline.addItem(f"{t.at:%d/%m/%Y %H:%M}  {t.who}  —  {t.summary}")

    def _status_buttons(self, allowed: Sequence[SaferHomesStatus]) -> None:
        while self.status_row.count():
            item = self.status_row.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()
                w.setParent(None)  # gone now, not at the next turn of the event loop
                w.deleteLater()
        for to in allowed:
            b = QPushButton(BUTTON_TEXT[to])
            b.setObjectName(f"status:{to.value}")
            if to in (S.DECLINED, S.WITHDRAWN):
                b.setStyleSheet(theme.css("alert"))
            b.clicked.connect(lambda _=False, t=to: self.move_to(t))
            b.setEnabled(self.may_edit)
            self.status_row.addWidget(b)
            b.show()

    def _shown_again(self, referral_id: uuid.UUID) -> bool:
        """The referral again (a look: reuses the reason given on opening, or asks again if it has
        lapsed). False if the user would not give one: the screen goes back to the list."""
        read = self.services.safer_homes_read
        detail = with_reason(
            self.prompts,
            "showing this referral again",
            lambda reason: read.refresh(self.services.actor, referral_id, reason),
        )
        if detail is None:
            self.detail = None
            self.back.emit()
            return False
        self.show_detail(detail)
        return True

    def _reload(self, changes: Changes) -> None:
        if self.detail is not None:
            self._shown_again(self.detail.id)
        self.bus.changes_applied.emit(changes)

    # ----- actions ------------------------------------------------------------------------------
    def save(self) -> None:
        sh = self.services.safer_homes
        if self.detail is None:
            values, problems = self.form.collect()
            if problems:
                self.form.show_errors(problems)
                return
            try:
                saved = sh.intake(self.services.actor, ReferralRecord.from_dict(values))
            except ValidationError as exc:
                self.form.show_errors(exc.fields)
                return
            except UserError as exc:
                self.prompts.error("Referral not saved", str(exc))
                return
            self.bus.changes_applied.emit(saved.changes)
            if not self._shown_again(saved.id):
                return
            if saved.status is S.DECLINED:
                self.prompts.info(
                    "Referral recorded as declined",
                    "Without the client's consent only the fact "
                    f"that a referral was made is kept ({saved.reference}).",
                )
            return
        changed, problems = self.form.changed()
        if problems:
            self.form.show_errors(problems)
            return
        self._update(changed, self.form.show_errors)

    def _update(self, changed: dict[str, Any], show_errors: Callable[[dict[str, str]], None]) -> None:
        if not changed or self.detail is None:
            return
        try:
            changes = self.services.safer_homes.update(
                self.services.actor, self.detail.id, self.detail.version, changed
            )
        except ValidationError as exc:
            show_errors(exc.fields)
            return
        except UserError as exc:
            self.prompts.error("Changes not saved", str(exc))
            return
        self._reload(changes)

    def _save_works(self) -> None:
        if self.detail is None:
            return
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for name, w in self.work_fields.items():
            try:
                value = w.record_value()
            except ValueError as exc:
                problems[name] = str(exc)
                continue
            if not w.masked and value != _as_field(self.detail.values.get(name)):
                values[name] = value
        if problems:
            self._work_errors(problems)
            return
        self._update(values, self._work_errors)

    def _work_errors(self, problems: dict[str, str]) -> None:
        for name, err in self.work_errors.items():
            err.setVisible(name in problems)
            err.setText(problems.get(name, ""))
        rest = [m for k, m in problems.items() if k not in self.work_errors]
        if rest:
            self.form.show_errors({k: m for k, m in problems.items() if k not in self.work_errors})

    def _set_measures(self, lines: MeasureLines) -> None:
        if self.detail is None:
            return
        try:
            changes = self.services.safer_homes.set_measures(self.services.actor, self.detail.id, lines)
        except UserError as exc:
            self.measures_error.setText(str(exc))
            self.measures_error.show()
            return
        self._reload(changes)

    def _add_measure(self) -> None:
        code = self.catalogue.currentData()
        lines = [(c, q, i) for c, q, i in self._lines if c != code]
        old = next((q for c, q, _i in self._lines if c == code), 0)
        self._set_measures(lines + [(code, old + self.quantity.value(), False)])

    def _remove_measure(self) -> None:
        rows = {i.row() for i in self.measures.selectedIndexes()}
        if rows:
            self._set_measures([line for r, line in enumerate(self._lines) if r not in rows])

    def _check_eligibility(self) -> None:
        if self.detail is None:
            return
        try:
            self.services.safer_homes.check_eligibility(self.services.actor, self.detail.id)
        except UserError as exc:
            self.prompts.error("Eligibility not checked", str(exc))
            return
        from cspdesk.core.services.context import Changes

        self._reload(Changes.of("safer_homes", ids=(self.detail.id,)))

    def move_to(self, to: SaferHomesStatus) -> None:
        if self.detail is None:
            return
        reason = None
        if to in (S.DECLINED, S.WITHDRAWN):
            reason = self.prompts.ask_text(
                BUTTON_TEXT[to].rstrip("…"), f"Why is referral {self.detail.reference} {to.label.lower()}?"
            )
            if reason is None:
                return
        try:
            changes = self.services.safer_homes.transition(self.services.actor, self.detail.id, to, reason)
        except TransitionRefused as exc:
            self.prompts.error("Status not changed", str(exc))
            return
        except UserError as exc:
            self.prompts.error("Status not changed", str(exc))
            return
        self._reload(changes)

    def _print_summary(self) -> None:
        self._print("summary", self.services.safer_homes_outputs.summary_pdf, "referral summary")

    def open_letters(self) -> DocumentsPanel | None:
        """Acknowledgement to the referrer, works order, follow-up to the client: filed on the referral."""
        if self.detail is None:
            return None
        from cspdesk.core.services.letters import Subject
        from cspdesk.gui.widgets.documents_panel import open_documents_dialog

        self.documents_panel = open_documents_dialog(
            self,
            self.services,
            self.bus,
            self.prompts,
            self.detail.id,
            self.detail.reference,
            Subject.REFERRAL,
        )
        return self.documents_panel

    def _print_works_order(self) -> None:
        self._print("works-order", self.services.safer_homes_outputs.works_order_pdf, "works order")

    def _print(self, kind: str, make: Callable[..., Path], what: str) -> None:
        detail = self.detail
        if detail is None:
            return
        path = self.prompts.ask_save_file(f"Save the {what}", f"{detail.reference}-{kind}.pdf", "PDF (*.pdf)")
        if path is None:
            return
        try:
            made = with_reason(
                self.prompts,
                f"printing the {what}",
                lambda reason: make(self.services.actor, detail.id, path, reason),
            )
        except UserError as exc:
            self.prompts.error(f"The {what} was not made", str(exc))
            return
        if made is None:
            return
        self.prompts.info(
            f"The {what} is ready", f"Saved to {path}. It is marked OFFICIAL-SENSITIVE; keep it securely."
        )
        self.timeline.clear()
        self._shown_again(detail.id)

    def show_looks(self) -> LooksDialog | None:
        """Who has looked at this restricted referral: every look, with the reason given."""
        from cspdesk.gui.dialogs.looks import LooksDialog

        if self.detail is None:
            return None
        try:
            rows = self.services.audit_log.looks_at(
                self.services.actor, "safer_homes_referral", self.detail.id
            )
        except UserError as exc:
            self.prompts.error("Not available", str(exc))
            return None
        self.looks_dialog = LooksDialog(rows, f"Who has looked at {self.detail.reference}", self)
        self.looks_dialog.open()
        return self.looks_dialog


def _as_field(value: object) -> object:
    """A stored value in the terms a work field returns (dates as dates)."""
    from cspdesk.gui.pages.safer_homes_fields import as_date

    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return as_date(value)
    return value
