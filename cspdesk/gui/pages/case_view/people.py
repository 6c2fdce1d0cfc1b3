"""People tab: everyone on the case in their role (people incl. youths, businesses, groups). Change a party's
details or role (Enter, F2 or double-click), take one off the case (Del: asks why, and can be undone), show
those taken off and put one back, and record that a victim was told about the ASB Case Review."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.dialogs.case_edits import PartyEditDialog
from cspdesk.gui.pages.case_view.base import CasePanel, fill, row_keys, selected_id, table
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.party_form import PartyForm

if TYPE_CHECKING:
    from cspdesk.core.services.cases import PartyRow
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services


class PeoplePanel(CasePanel):
    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, bus, prompts, case_id, parent)
        self.table = table(["Role", "Kind", "Name", "Age", "Address", "Phone", "Notes"], "partiesTable", 4)
        self.table.setToolTip("Enter or F2: change the selected party · Del: take them off the case")
        self.table.itemSelectionChanged.connect(self._selection_changed)
        row_keys(self.table, edit=self.edit, remove=self.remove)
        self.show_removed = named(QCheckBox("Show people taken off the case"), "showRemovedParties")
        self.show_removed.toggled.connect(self.load)
        self.form = PartyForm()
        self.add_btn = named(QPushButton("Add to case"), "addParty")
        self.add_btn.clicked.connect(self.add)
        self.edit_btn = named(QPushButton("Change…"), "editParty")
        self.edit_btn.setToolTip("Enter or F2")
        self.edit_btn.clicked.connect(self.edit)
        self.remove_btn = named(QPushButton("Take off the case…"), "removeParty")
        self.remove_btn.setToolTip("Del")
        self.remove_btn.clicked.connect(self.remove)
        self.restore_btn = named(QPushButton("Put back on the case"), "restoreParty")
        self.restore_btn.clicked.connect(lambda: self.restore(selected_id(self.table)))
        self.told_btn = named(QPushButton("Told about the Case Review…"), "toldCaseReview")
        self.told_btn.setToolTip("Record that this victim has been told about the ASB Case Review")
        self.told_btn.clicked.connect(self.record_told)
        # After taking someone off: say so, with Undo, until the next change on this tab.
        self.undo_label = named(QLabel(), "partyUndoLabel")
        self.undo_btn = named(QPushButton("Undo"), "undoRemoveParty")
        self.undo_btn.clicked.connect(self.undo_remove)
        self.undo_bar = named(QWidget(), "partyUndoBar")
        self.undo_bar.setStyleSheet(
            f"#partyUndoBar {{background:{theme.colour('warning_bg')}; "
            f"border:1px solid {theme.colour('warning_border')};}}"
        )
        ub = QHBoxLayout(self.undo_bar)
        ub.setContentsMargins(6, 2, 6, 2)
        ub.addWidget(self.undo_label, 1)
        ub.addWidget(self.undo_btn)
        self.undo_bar.hide()
        self._undo_id: uuid.UUID | None = None  # the party Undo puts back

        box = QGroupBox("Add a person, business or group")
        v = QVBoxLayout(box)
        v.addWidget(self.form)
        v.addStretch(1)
        v.addWidget(self.add_btn)
        buttons = QHBoxLayout()
        for b in (self.edit_btn, self.remove_btn, self.restore_btn, self.told_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.show_removed)
        left.addWidget(self.table, 1)
        left.addWidget(self.undo_bar)
        left.addLayout(buttons)
        h = QHBoxLayout(self)
        h.addLayout(left, 3)
        h.addWidget(box, 2)
        self.rows: list[PartyRow] = []
        self.edit_dialog: PartyEditDialog | None = None

    def load(self, *_a: object) -> None:
        self.rows = self.services.parties.parties(self.case_id, include_removed=self.show_removed.isChecked())
        out = []
        for p in self.rows:
            age = "" if p.age is None else f"{p.age}{' (youth)' if p.youth else ''}"
            out.append([p.role_label, p.kind_label, p.name, age, p.address, p.phone, _notes(p)])
        current = selected_id(self.table)
        grey, red = theme.qcolour("muted"), theme.qcolour("alert")
        fill(
            self.table,
            out,
            [p.id for p in self.rows],
            lambda r: grey if self.rows[r].removed_on else red if self.rows[r].vulnerable else None,
        )
        if current is not None:
            row = next((i for i, p in enumerate(self.rows) if p.id == current), None)
            if row is not None:
                self.table.selectRow(row)
        self._selection_changed()

    def _selected(self) -> PartyRow | None:
        pid = selected_id(self.table)
        return next((p for p in self.rows if p.id == pid), None)

    def _selection_changed(self) -> None:
        p = self._selected()
        on_case = p is not None and p.removed_on is None
        self.edit_btn.setEnabled(on_case)
        self.remove_btn.setEnabled(on_case)
        self.told_btn.setEnabled(on_case)
        self.restore_btn.setVisible(p is not None and p.removed_on is not None)

    def add(self) -> None:
        errors: dict[str, str] = {}
        p = self.form.value(errors)
        errors.update(self.services.parties.validate(p))
        if errors:
            self.form.errors.show(errors)
            return
        changes = self.attempt(
            "Not added",
            lambda: self.services.parties.add_party(self.services.actor, self.case_id, p),
            self.form.errors,
        )
        if changes is not None:
            self.form.clear()
            self._forget_undo()
            self.applied(changes)

    def edit(self) -> None:
        p = self._selected()
        if p is None:
            self.prompts.info("Change a party", "Select the person, business or group first.")
            return
        if p.removed_on is not None:
            self.prompts.info("Change a party", f"{p.name} was taken off the case. Put them back first.")
            return
        detail = self.attempt("Not shown", lambda: self.services.party_edit.detail(self.case_id, p.id))
        if detail is None:
            return
        dlg = PartyEditDialog(self.services, self.prompts, detail, self)
        dlg.saved.connect(self._saved)
        self.edit_dialog = dlg  # tests reach it
        dlg.open()

    def _saved(self, changes: Changes) -> None:
        self._forget_undo()
        if changes.ids:
            self.applied(changes)

    def remove(self) -> None:
        p = self._selected()
        if p is None or p.removed_on is not None:
            self.prompts.info("Take off the case", "Select the person first.")
            return
        reason = self.prompts.ask_text(
            "Take off the case",
            f"Take {p.name} ({p.role_label.lower()}) off this case?\n"
            "They stay in the chronology and can be put back. Why are they being taken off?",
        )
        if reason is None:
            return
        changes = self.attempt(
            "Not changed",
            lambda: self.services.parties.remove_party(self.services.actor, self.case_id, p.id, reason),
        )
        if changes is not None:
            self._undo_id = p.id
            self.undo_label.setText(f"{p.name} was taken off the case.")
            self.undo_bar.show()
            self.applied(changes)

    def undo_remove(self) -> None:
        if self._undo_id is not None:
            self.restore(self._undo_id)

    def restore(self, party_id: uuid.UUID | None) -> None:
        if party_id is None:
            return
        changes = self.attempt(
            "Not put back",
            lambda: self.services.party_edit.restore(self.services.actor, self.case_id, party_id),
        )
        self._forget_undo()
        if changes is not None:
            self.applied(changes)

    def _forget_undo(self) -> None:
        self._undo_id = None
        self.undo_bar.hide()

    def record_told(self) -> None:
        p = self._selected()
        if p is None or p.removed_on is not None:
            self.prompts.info("Told about the Case Review", "Select the victim first.")
            return
        how = self.prompts.ask_text(
            "Told about the ASB Case Review",
            f"Record that {p.name} has been told about the ASB Case Review today.\n"
            "How were they told? (optional — e.g. by phone, leaflet sent)",
        )
        if how is None:
            return
        changes = self.attempt(
            "Not recorded",
            lambda: self.services.incidents.record_case_review_told(
                self.services.actor, self.case_id, p.id, how=how
            ),
        )
        if changes is not None:
            self.applied(changes)


def _notes(p: PartyRow) -> str:
    told = ""
    if p.case_review_told_on and (
        p.case_review_not_told_for is None or p.case_review_told_on >= p.case_review_not_told_for
    ):
        told = f"told about Case Review {p.case_review_told_on:%d/%m/%Y}"
    elif p.case_review_not_told_for:
        told = f"not yet told about Case Review (report of {p.case_review_not_told_for:%d/%m/%Y})"
    return "; ".join(
        x
        for x in (
            f"taken off the case {p.removed_on:%d/%m/%Y}" if p.removed_on else "",
            "vulnerable" if p.vulnerable else "",
            told,
            p.notes,
        )
        if x
    )
