"""Incidents tab: dated incidents with reporter, agency and police reference; reports per reporter in the last
6 months; the Case Review prompt on a victim's second report (the answer recorded, yes or no). An incident can
be corrected (Enter, F2 or double-click) and marked as a duplicate of another report of the same behaviour
(Ctrl+D), or not (Ctrl+Shift+D): duplicates are grey, say which report they repeat, and count once."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.dialogs.case_edits import IncidentEditDialog
from cspdesk.gui.pages.case_view.base import CasePanel, fill, row_keys, selected_id, table
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.incident_form import IncidentForm

if TYPE_CHECKING:
    from cspdesk.core.services.cases import IncidentOutcome, IncidentRow, PartyRow
    from cspdesk.core.services.registry import Services


class IncidentsPanel(CasePanel):
    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, bus, prompts, case_id, parent)
        self.table = table(
            ["When", "Reported", "Reporter", "Agency", "Police ref", "Duplicate of", "What happened"],
            "incidentsTable",
            6,
        )
        self.table.setToolTip("Enter or F2: correct the selected incident · Ctrl+D: mark it as a duplicate")
        self.table.itemSelectionChanged.connect(self._selection_changed)
        row_keys(self.table, edit=self.edit)
        self.counts = named(QLabel(), "reporterCounts")
        self.counts.setWordWrap(True)
        self.form = IncidentForm(services.intake.options().agencies)
        f = self.form
        # The form's fields, by the names the rest of the app and the tests know them by.
        self.errors, self.day, self.time, self.reported_on = f.errors, f.day, f.time, f.reported_on
        self.reporter, self.reporter_name, self.agency = f.reporter, f.reporter_name, f.agency
        self.police_ref, self.description = f.police_ref, f.description
        self.add_btn = named(QPushButton("Record incident"), "addIncident")
        self.add_btn.clicked.connect(self.add)
        self.description.returnPressed.connect(self.add)
        self.edit_btn = named(QPushButton("Correct…"), "editIncident")
        self.edit_btn.setToolTip("Enter or F2")
        self.edit_btn.clicked.connect(self.edit)
        self.dup_btn = named(QPushButton("Mark as duplicate of…"), "markDuplicate")
        self.dup_btn.setToolTip(
            "Ctrl+D: the same behaviour reported again (e.g. to another agency) counts once"
        )
        self.dup_btn.clicked.connect(self.mark_duplicate)
        self.undup_btn = named(QPushButton("Not a duplicate"), "unmarkDuplicate")
        self.undup_btn.setToolTip("Ctrl+Shift+D: count it on its own again")
        self.undup_btn.clicked.connect(self.unmark_duplicate)
        QShortcut(QKeySequence("Ctrl+D"), self, self.mark_duplicate)
        QShortcut(QKeySequence("Ctrl+Shift+D"), self, self.unmark_duplicate)
        buttons = QHBoxLayout()
        for b in (self.edit_btn, self.dup_btn, self.undup_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        box = QGroupBox("Record an incident")
        bv = QVBoxLayout(box)
        bv.addWidget(self.form)
        bv.addWidget(self.errors.general)
        bv.addWidget(self.add_btn)
        v = QVBoxLayout(self)
        v.addWidget(self.counts)
        v.addWidget(self.table, 1)
        v.addLayout(buttons)
        v.addWidget(box)
        self.rows: list[IncidentRow] = []
        self.parties: list[PartyRow] = []
        self.edit_dialog: IncidentEditDialog | None = None

    def load(self) -> None:
        self.parties = self.services.parties.parties(self.case_id, include_removed=True)
        self.form.set_reporters([p for p in self.parties if p.removed_on is None])
        self.rows = self.services.incidents.incidents(self.case_id)
        by_id = {r.id: r for r in self.rows}
        current = selected_id(self.table)
        fill(
            self.table,
            [
                [
                    f"{r.occurred_at:%d/%m/%Y %H:%M}",
                    f"{r.reported_on:%d/%m/%Y}",
                    r.reporter,
                    r.agency,
                    r.police_reference,
                    _duplicate_words(by_id.get(r.duplicate_of_id)) if r.duplicate_of_id else "",
                    r.description,
                ]
                for r in self.rows
            ],
            [r.id for r in self.rows],
            lambda i: theme.qcolour("muted") if self.rows[i].duplicate_of_id else None,
        )
        for i, r in enumerate(self.rows):
            item = self.table.item(i, 5)
            if item is not None and r.duplicate_of_id and (o := by_id.get(r.duplicate_of_id)) is not None:
                item.setToolTip(
                    f"Counted once, as the incident of {o.occurred_at:%d/%m/%Y %H:%M} reported "
                    f"{o.reported_on:%d/%m/%Y} to {o.agency or 'us'}: {o.description}"
                )
        if (
            current is not None
            and (row := next((i for i, r in enumerate(self.rows) if r.id == current), None)) is not None
        ):
            self.table.selectRow(row)
        counts = self.services.incidents.reporter_counts(self.case_id)
        dups = self.services.incidents.duplicates_in_lookback(self.case_id)
        self.counts.setText(
            "Reports in the last 6 months: "
            + ("; ".join(f"{name}: {n}" for name, n in counts) if counts else "none")
            + f" — {len(counts)} separate reporter{'s' if len(counts) != 1 else ''}"
            + (f"; {dups} duplicate{'s' if dups != 1 else ''} counted once." if dups else ".")
        )
        self._selection_changed()

    def _selected(self) -> IncidentRow | None:
        iid = selected_id(self.table)
        return next((r for r in self.rows if r.id == iid), None)

    def _selection_changed(self) -> None:
        r = self._selected()
        self.edit_btn.setEnabled(r is not None)
        self.dup_btn.setEnabled(r is not None and r.duplicate_of_id is None and len(self.rows) > 1)
        self.undup_btn.setEnabled(r is not None and r.duplicate_of_id is not None)

    def add(self) -> None:
        errors: dict[str, str] = {}
        inp = self.form.value(errors)
        if errors:
            self.errors.show(errors)
            return
        outcome = self.attempt(
            "Incident not recorded",
            lambda: self.services.incidents.add_incident(self.services.actor, self.case_id, inp),
            self.errors,
        )
        if outcome is None:
            return
        self.description.clear()
        self.police_ref.clear()
        self.reporter_name.clear()
        self.after(outcome)

    def edit(self) -> None:
        r = self._selected()
        if r is None:
            self.prompts.info("Correct an incident", "Select the incident first.")
            return
        detail = self.attempt("Not shown", lambda: self.services.incident_edit.detail(self.case_id, r.id))
        if detail is None:
            return
        dlg = IncidentEditDialog(self.services, self.prompts, detail, self.parties, self)
        dlg.saved.connect(lambda outcome: self.after(outcome) if outcome.changes.ids else None)
        self.edit_dialog = dlg  # tests reach it
        dlg.open()

    def mark_duplicate(self) -> None:
        r = self._selected()
        if r is None or r.duplicate_of_id is not None:
            self.prompts.info("Mark as a duplicate", "Select an incident that is counted on its own first.")
            return
        # Nearest in time first: the report of the same behaviour is usually the closest one.
        others = sorted(
            (o for o in self.rows if o.id != r.id and o.duplicate_of_id is None),
            key=lambda o: abs((o.occurred_at - r.occurred_at).total_seconds()),
        )
        choices = _unique(
            [
                (
                    o.id,
                    f"{o.occurred_at:%d/%m/%Y %H:%M} — {o.reporter or 'unknown'}"
                    f" to {o.agency or 'us'}{f' (ref {o.police_reference})' if o.police_reference else ''}"
                    f" — {o.description[:60]}",
                )
                for o in others
            ]
        )
        if not choices:
            self.prompts.info(
                "Mark as a duplicate", "There is no other incident on this case counted on its own."
            )
            return
        original = self.prompts.ask_choice(
            "Mark as a duplicate",
            f"The incident of {r.occurred_at:%d/%m/%Y %H:%M} ({r.description[:60]}) is "
            "the same behaviour as which report? It will count once, as that report.",
            choices,
        )
        if original is None:
            return
        outcome = self.attempt(
            "Not marked",
            lambda: self.services.incident_edit.mark_duplicate(
                self.services.actor, self.case_id, r.id, original, expected_version=r.version
            ),
        )
        if outcome is not None:
            self.after(outcome)

    def unmark_duplicate(self) -> None:
        r = self._selected()
        if r is None or r.duplicate_of_id is None:
            self.prompts.info("Not a duplicate", "Select an incident marked as a duplicate first.")
            return
        outcome = self.attempt(
            "Not changed",
            lambda: self.services.incident_edit.unmark_duplicate(
                self.services.actor, self.case_id, r.id, expected_version=r.version
            ),
        )
        if outcome is not None:
            self.after(outcome)

    def after(self, outcome: IncidentOutcome) -> None:
        """Tell the other tabs, then what the change means: a repeat victim, and the Case Review prompt, whose
        answer is recorded either way."""
        self.applied(outcome.changes)
        if outcome.repeat_victim:
            self.prompts.info("Repeat victim", "This case is now flagged as a repeat victim.")
        if outcome.repeat_victim_cleared:
            self.prompts.info(
                "Repeat victim",
                "This case is no longer flagged as a repeat victim: without that "
                "report, no victim has enough incidents for the rule.",
            )
        p = outcome.case_review_prompt
        if p is None:
            return
        told = self.prompts.confirm(
            "Tell them about the ASB Case Review",
            f"This is {p.name}'s second report within {p.months} months.\n\nThe 2025 statutory guidance says "
            "they must be told about the ASB Case Review (the Community Trigger): what it is, the threshold, "
            "and how to apply.\n\nHave you told them? Yes records it on the case now; No records on the "
            "chronology that they have not been told yet, and you will not be asked again for these reports.",
        )
        if told:
            changes = self.attempt(
                "Not recorded",
                lambda: self.services.incidents.record_case_review_told(
                    self.services.actor, self.case_id, p.party_id
                ),
            )
        else:
            changes = self.attempt(
                "Not recorded",
                lambda: self.services.incidents.record_case_review_not_told(
                    self.services.actor, self.case_id, p
                ),
            )
        if changes is not None:
            self.applied(changes)


def _duplicate_words(original: IncidentRow | None) -> str:
    return "another incident" if original is None else f"{original.occurred_at:%d/%m/%Y %H:%M}"


def _unique(choices: list[tuple[object, str]]) -> list[tuple[object, str]]:
    """Labels a list can be chosen by: a repeated label gets a number."""
    seen: dict[str, int] = {}
    out = []
    for value, label in choices:
        seen[label] = seen.get(label, 0) + 1
        out.append((value, label if seen[label] == 1 else f"{label} ({seen[label]})"))
    return out
