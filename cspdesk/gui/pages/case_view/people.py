"""People tab: everyone on the case in their role (people incl. youths, businesses, groups)."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout

from cspdesk.gui.pages.case_view.base import CasePanel, fill, selected_id, table
from cspdesk.gui.widgets.party_form import PartyForm


class PeoplePanel(CasePanel):
    def __init__(self, services, bus, prompts, case_id, parent=None):
        super().__init__(services, bus, prompts, case_id, parent)
        self.table = table(["Role", "Kind", "Name", "Age", "Address", "Phone", "Notes"], "partiesTable", 4)
        self.form = PartyForm()
        self.add_btn = QPushButton("Add to case", objectName="addParty")
        self.add_btn.clicked.connect(self.add)
        self.remove_btn = QPushButton("Take off the case…", objectName="removeParty")
        self.remove_btn.clicked.connect(self.remove)
        box = QGroupBox("Add a person, business or group")
        v = QVBoxLayout(box)
        v.addWidget(self.form)
        v.addWidget(self.add_btn)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(self.remove_btn)
        h = QHBoxLayout(self)
        h.addLayout(left, 3)
        h.addWidget(box, 2)
        self.rows = []

    def load(self) -> None:
        self.rows = self.services.parties.parties(self.case_id)
        out = []
        for p in self.rows:
            age = "" if p.age is None else f"{p.age}{' (youth)' if p.youth else ''}"
            notes = "; ".join(x for x in ("vulnerable" if p.vulnerable else "",
                                          f"told about Case Review {p.case_review_told_on:%d/%m/%Y}"
                                          if p.case_review_told_on else "", p.notes) if x)
            out.append([p.role_label, p.kind_label, p.name, age, p.address, p.phone, notes])
        red = QColor("#b00020")
        fill(self.table, out, [p.id for p in self.rows], lambda r: red if self.rows[r].vulnerable else None)

    def add(self) -> None:
        errors: dict[str, str] = {}
        p = self.form.value(errors)
        errors.update(self.services.parties.validate(p))
        if errors:
            self.form.errors.show(errors)
            return
        changes = self.attempt("Not added", lambda: self.services.parties.add_party(
            self.services.actor, self.case_id, p), self.form.errors)
        if changes is not None:
            self.form.clear()
            self.applied(changes)

    def remove(self) -> None:
        pid = selected_id(self.table)
        if pid is None:
            self.prompts.info("Take off the case", "Select the person first.")
            return
        reason = self.prompts.ask_text("Take off the case", "Why are they being taken off this case?")
        if reason is None:
            return
        changes = self.attempt("Not changed", lambda: self.services.parties.remove_party(
            self.services.actor, self.case_id, pid, reason))
        if changes is not None:
            self.applied(changes)
