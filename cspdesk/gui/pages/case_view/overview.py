"""Overview tab: the case's own fields (edited and saved together), where it is, its state, links,
and closing / reopening."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
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

from cspdesk.core.domain.vocab import AsbCategory, ClosureReason, PriorityTag, ReportChannel
from cspdesk.core.errors import ConflictError
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.pages.case_view.base import CasePanel
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.forms import DateField, FieldErrors, combo, read_date, select_data
from cspdesk.gui.widgets.party_form import LocationFields

if TYPE_CHECKING:
    from cspdesk.core.services.cases import CaseDetail
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services


class OverviewPanel(CasePanel):
    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, bus, prompts, case_id, parent)
        self.detail: CaseDetail | None = None  # as last read (None while changes are being saved)
        self.dirty = False
        self._loading = False
        self._offered_draft = False
        self.errors = FieldErrors()
        self.title = named(QLineEdit(), "case_title")
        self.description = named(QPlainTextEdit(), "case_description")
        self.description.setFixedHeight(90)
        self.category = combo(AsbCategory.choices(), object_name="case_category")
        self.tags = named(QListWidget(), "case_tags")
        self.tags.setFixedHeight(150)
        for value, label in PriorityTag.choices():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.tags.addItem(item)
        self.reported_on = DateField()
        self.reported_on.setObjectName("case_reported_on")
        self.reported_via = combo(ReportChannel.choices(), object_name="case_reported_via")
        officers = services.intake.options().officers
        self.officer = combo(officers, "(no officer)", object_name="case_officer")
        self.save_btn = named(QPushButton("Save changes"), "saveCase")
        self.save_btn.setToolTip("Ctrl+S")
        self.save_btn.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

        form = QFormLayout()
        self.errors.add_row(form, "Title", "title", self.title)
        self.errors.add_row(form, "Description", "description", self.description)
        self.errors.add_row(form, "Category", "category", self.category)
        self.errors.add_row(form, "CSP priorities", "tags", self.tags)
        self.errors.add_row(form, "Reported on", "reported_on", self.reported_on)
        self.errors.add_row(form, "Reported by", "reported_via", self.reported_via)
        self.errors.add_row(form, "Officer", "officer_id", self.officer)
        form.addRow(self.errors.general)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_btn)
        form.addRow(buttons)
        edit_box = QGroupBox("Case details")
        outer = QVBoxLayout(edit_box)
        outer.addLayout(form)
        outer.addStretch(1)

        self.facts = named(QLabel(), "caseFacts")
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setWordWrap(True)
        self.facts.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.change_place = named(QPushButton("Change place…"), "changePlace")
        self.change_place.clicked.connect(self.edit_location)
        self.close_btn = named(QPushButton("Close case…"), "closeCase")
        self.close_btn.clicked.connect(self.close_case)
        self.reopen_btn = named(QPushButton("Reopen case…"), "reopenCase")
        self.reopen_btn.clicked.connect(self.reopen_case)
        self.links = named(QListWidget(), "linkedCases")
        self.links.setFixedHeight(90)
        self.links.itemActivated.connect(lambda it: bus.open_case.emit(it.data(Qt.ItemDataRole.UserRole)))
        side = QVBoxLayout()
        side.addWidget(self.facts)
        side.addWidget(self.change_place, alignment=Qt.AlignmentFlag.AlignLeft)
        side.addWidget(QLabel("Linked cases (Enter opens):"))
        side.addWidget(self.links)
        row = QHBoxLayout()
        row.addWidget(self.close_btn)
        row.addWidget(self.reopen_btn)
        row.addStretch(1)
        side.addLayout(row)
        side.addStretch(1)
        state_box = QGroupBox("Where and how it stands")
        state_box.setLayout(side)
        h = QHBoxLayout(self)
        h.addWidget(edit_box, 3)
        h.addWidget(state_box, 2)

        for w in (self.title, self.reported_on):
            w.textEdited.connect(self._changed)
            w.editingFinished.connect(self._keep_draft)
        self.description.textChanged.connect(self._changed)
        for c in (self.category, self.reported_via, self.officer):
            c.currentIndexChanged.connect(self._changed)
            c.activated.connect(self._keep_draft)
        self.tags.itemChanged.connect(self._changed)

    # ----- reading and writing the form
    def _tags(self) -> tuple[str, ...]:
        return tuple(
            sorted(
                self.tags.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.tags.count())
                if self.tags.item(i).checkState() == Qt.CheckState.Checked
            )
        )

    def values(self, errors: dict[str, str] | None = None) -> dict[str, object]:
        errors = {} if errors is None else errors
        return {
            "title": self.title.text(),
            "description": self.description.toPlainText(),
            "category": self.category.currentData(),
            "tags": self._tags(),
            "reported_on": read_date(self.reported_on, "reported_on", errors),
            "reported_via": self.reported_via.currentData(),
            "officer_id": self.officer.currentData(),
        }

    def _fill(self, v: dict) -> None:
        self._loading = True
        self.title.setText(v["title"])
        self.description.setPlainText(v["description"])
        select_data(self.category, v["category"])
        for i in range(self.tags.count()):
            it = self.tags.item(i)
            it.setCheckState(
                Qt.CheckState.Checked
                if it.data(Qt.ItemDataRole.UserRole) in v["tags"]
                else Qt.CheckState.Unchecked
            )
        first = next(
            (
                self.tags.item(i)
                for i in range(self.tags.count())
                if self.tags.item(i).checkState() == Qt.CheckState.Checked
            ),
            None,
        )
        if first is not None:
            self.tags.scrollToItem(first, QListWidget.ScrollHint.PositionAtTop)
        self.reported_on.set_value(v["reported_on"])
        select_data(self.reported_via, v["reported_via"])
        select_data(self.officer, v["officer_id"])
        self._loading = False

    def changed_fields(self) -> dict[str, object]:
        if self.detail is None:
            return {}
        base = self.detail.editable()
        now = self.values()
        return {k: v for k, v in now.items() if _norm(v) != _norm(base[k])}

    def _changed(self, *_a: object) -> None:
        if self._loading:
            return
        self.dirty = bool(self.changed_fields())
        self.save_btn.setText("Save changes *" if self.dirty else "Save changes")

    def _keep_draft(self, *_a: object) -> None:
        if self.dirty and self.detail is not None:
            fields, version = self.changed_fields(), self.detail.version
            self.attempt(
                "Draft not kept",
                lambda: self.services.case_edit.save_draft(
                    self.services.actor, self.case_id, version, fields
                ),
            )

    def load(self, detail: CaseDetail | None = None) -> None:
        detail = detail or self.services.case_edit.detail(self.case_id)
        if not self.dirty:
            self.detail = detail
            self._fill(detail.editable())
        self._show_facts(detail)
        if not self._offered_draft:
            self._offered_draft = True
            draft = self.services.case_edit.draft(self.services.actor, self.case_id)
            if draft and self.prompts.confirm(
                "Unsaved changes found",
                f"{detail.reference} has changes you typed but did not save "
                "(the window closed before they were saved).\n\nRestore them?",
            ):
                self._fill({**detail.editable(), **draft})
                self._changed()
            elif draft:
                self.services.case_edit.discard_draft(self.services.actor, self.case_id)

    def _show_facts(self, d: CaseDetail) -> None:
        closed = f" ({d.closure_reason}, {d.closed_on:%d/%m/%Y})" if d.closed_on else ""
        review = f"{d.next_review_on:%d/%m/%Y}" if d.next_review_on else "none set"
        lines = [
            f"<b>Status:</b> {d.status_label}{closed}",
            f"<b>Where:</b> {_esc(d.location) or '—'}"
            + (f"<br><b>Ward:</b> {_esc(d.ward)}" if d.ward else ""),
            f"<b>Risk:</b> {d.risk_label}; review due {review}",
            f"<b>Incidents:</b> {d.incidents}; <b>open actions:</b> {d.open_actions}"
            + (
                f" <span style='color:{theme.colour('alert')}'>({d.overdue_actions} overdue)</span>"
                if d.overdue_actions
                else ""
            ),
        ]
        if d.repeat_victim:
            lines.append(f"<span style='color:{theme.colour('alert')}'><b>Repeat victim</b></span>")
        if d.case_review_told_on:
            lines.append(f"Victim told about the ASB Case Review on {d.case_review_told_on:%d/%m/%Y}")
        if d.last_activity_on:
            lines.append(f"<b>Last activity:</b> {d.last_activity_on:%d/%m/%Y}")
        people = self.services.parties.parties(self.case_id)
        lines.append("<br><b>People</b>")
        lines.extend(
            f"{p.role_label}: {_esc(p.name)}{f' ({p.age})' if p.age is not None else ''}"
            + (" — vulnerable" if p.vulnerable else "")
            for p in people
        )
        if not people:
            lines.append("No one recorded yet (People tab).")
        recent = self.services.chronology.entries(self.case_id, include_superseded=False, limit=6)
        lines.append("<br><b>Latest on the chronology</b>")
        lines.extend(f"{c.occurred_at:%d/%m/%Y} — {_esc(c.summary)}" for c in recent)
        self.facts.setText("<br>".join(lines))
        self.close_btn.setVisible(d.is_open)
        self.reopen_btn.setVisible(not d.is_open)
        self.links.clear()
        for h in self.services.intake.linked_cases(self.case_id):
            it = QListWidgetItem(f"{h.reference} — {h.title} ({h.status})")
            it.setData(Qt.ItemDataRole.UserRole, h.case_id)
            self.links.addItem(it)

    def save(self) -> bool:
        if self.detail is None:
            return False
        errors: dict[str, str] = {}
        self.values(errors)
        if errors:
            self.errors.show(errors)
            return False
        fields = self.changed_fields()
        if not fields:
            self.errors.clear()
            return True
        try:
            changes = self.attempt_conflict(self.detail, fields)
        except ConflictError as exc:
            self.prompts.error("Case changed by someone else", str(exc))
            return False
        if changes is None:
            return False
        self.dirty = False
        self.detail = None
        self.applied(changes)  # the case window reloads this tab with the saved values
        if self.detail is None:  # not inside a case window (nothing listening): reload here
            self.load()
        return True

    def attempt_conflict(self, detail: CaseDetail, fields: dict[str, object]) -> Changes | None:
        """Save ``fields`` over ``detail`` as read; a conflict is the caller's to explain."""
        from cspdesk.core.errors import UserError, ValidationError

        try:
            return self.services.case_edit.save(
                self.services.actor, self.case_id, detail.version, detail.editable(), fields
            )
        except ValidationError as exc:
            self.errors.show(exc.fields)
            return None
        except ConflictError:
            raise
        except UserError as exc:
            self.prompts.error("Case not saved", str(exc))
            return None

    def discard(self) -> None:
        self.dirty = False
        self.services.case_edit.discard_draft(self.services.actor, self.case_id)

    # ----- place, closing, reopening
    def edit_location(self) -> None:
        dlg = QDialog(self)
        dlg.setWindowTitle("Where is it happening?")
        errors = FieldErrors()
        wards = self.services.case_list.filter_options().wards
        fields = LocationFields(errors, "loc_", wards=wards)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        v = QVBoxLayout(dlg)
        v.addWidget(fields)
        v.addWidget(errors.general)
        v.addWidget(buttons)
        buttons.rejected.connect(dlg.reject)

        def save() -> None:
            changes = self.attempt(
                "Place not changed",
                lambda: self.services.parties.set_location(self.services.actor, self.case_id, fields.value()),
                errors,
            )
            if changes is not None:
                dlg.accept()
                self.applied(changes)

        buttons.accepted.connect(save)
        self._location_dialog = dlg  # tests reach it
        dlg.open()

    def close_case(self) -> None:
        reasons: list[tuple[object, str]] = [*ClosureReason.choices()]
        reason = self.prompts.ask_choice("Close case", "Why is the case closing?", reasons)
        if reason is None:
            return
        open_actions = self.services.closure.open_actions(self.case_id)
        if open_actions and not self.prompts.confirm(
            "Open actions", f"This case still has {open_actions} open action(s). Close it anyway?"
        ):
            return
        note = self.prompts.ask_text("Close case", "Closing note (optional):")
        if note is None:
            return
        changes = self.attempt(
            "Case not closed",
            lambda: self.services.closure.close(self.services.actor, self.case_id, reason, note),
        )
        if changes is not None:
            self.applied(changes)

    def reopen_case(self) -> None:
        reason = self.prompts.ask_text("Reopen case", "Why is the case being reopened?")
        if reason is None:
            return
        changes = self.attempt(
            "Case not reopened",
            lambda: self.services.closure.reopen(self.services.actor, self.case_id, reason),
        )
        if changes is not None:
            self.applied(changes)


def _norm(v: object) -> object:
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, list | tuple):
        return tuple(sorted(v))
    return v


def _esc(text: str) -> str:
    import html

    return html.escape(text or "")
