"""Incidents tab: dated incidents with reporter, agency and police reference; reports per reporter in the
last 6 months; the Case Review prompt on a victim's second report."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.services.incidents import IncidentInput
from cspdesk.gui.pages.case_view.base import CasePanel, fill, table
from cspdesk.gui.widgets.forms import (
    DateField,
    FieldErrors,
    TimeField,
    combo,
    find_data,
    read_date,
    read_datetime,
)

OTHER = "other"


class IncidentsPanel(CasePanel):
    def __init__(self, services, bus, prompts, case_id, parent=None):
        super().__init__(services, bus, prompts, case_id, parent)
        self.table = table(["When", "Reported", "Reporter", "Agency", "Police ref", "What happened"],
                           "incidentsTable", 5)
        self.counts = QLabel(objectName="reporterCounts")
        self.counts.setWordWrap(True)
        self.errors = FieldErrors()
        self.day = DateField(date.today())
        self.day.setObjectName("incident_day")
        self.time = TimeField()
        self.time.setObjectName("incident_time")
        self.reported_on = DateField(date.today())
        self.reported_on.setObjectName("incident_reported_on")
        self.reporter = combo([], object_name="incident_reporter")
        self.reporter_name = QLineEdit(objectName="incident_reporter_name", placeholderText="name, if not listed")
        self.agency = combo(services.intake.options().agencies, "(reported to us)", object_name="incident_agency")
        self.police_ref = QLineEdit(objectName="incident_police_ref")
        self.description = QLineEdit(objectName="incident_description")
        self.add_btn = QPushButton("Record incident", objectName="addIncident")
        self.add_btn.clicked.connect(self.add)
        self.description.returnPressed.connect(self.add)
        when = QWidget()
        h = QHBoxLayout(when)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.day)
        h.addWidget(self.time)
        h.addStretch(1)
        who = QWidget()
        h2 = QHBoxLayout(who)
        h2.setContentsMargins(0, 0, 0, 0)
        h2.addWidget(self.reporter, 1)
        h2.addWidget(self.reporter_name, 1)
        form = QFormLayout()
        self.errors.add_row(form, "When it happened", "occurred_at", when)
        self.errors.add_row(form, "Reported on", "reported_on", self.reported_on)
        self.errors.add_row(form, "Reported by", "reporter", who)
        form.addRow("Reported to", self.agency)
        form.addRow("Police reference", self.police_ref)
        self.errors.add_row(form, "What happened", "description", self.description)
        form.addRow(self.errors.general)
        form.addRow(self.add_btn)
        box = QGroupBox("Record an incident")
        box.setLayout(form)
        v = QVBoxLayout(self)
        v.addWidget(self.counts)
        v.addWidget(self.table, 1)
        v.addWidget(box)

    def load(self) -> None:
        current = self.reporter.currentData()
        self.reporter.clear()
        for p in self.services.parties.parties(self.case_id):
            self.reporter.addItem(f"{p.name} ({p.role_label.lower()})", p.id)
        self.reporter.addItem("Someone else (type the name)", OTHER)
        if current is not None and (i := find_data(self.reporter, current)) >= 0:
            self.reporter.setCurrentIndex(i)
        rows = self.services.incidents.incidents(self.case_id)
        fill(self.table, [[f"{r.occurred_at:%d/%m/%Y %H:%M}", f"{r.reported_on:%d/%m/%Y}", r.reporter, r.agency,
                           r.police_reference, r.description + (" (duplicate)" if r.duplicate_of_id else "")]
                          for r in rows], [r.id for r in rows])
        counts = self.services.incidents.reporter_counts(self.case_id)
        self.counts.setText("Reports in the last 6 months: " + (
            "; ".join(f"{name}: {n}" for name, n in counts) if counts else "none") +
            f" — {len(counts)} separate reporter{'s' if len(counts) != 1 else ''}.")

    def add(self) -> None:
        errors: dict[str, str] = {}
        occurred = read_datetime(self.day, self.time, "occurred_at", errors)
        reported = read_date(self.reported_on, "reported_on", errors)
        if errors:
            self.errors.show(errors)
            return
        party = self.reporter.currentData()
        inp = IncidentInput(occurred_at=occurred, reported_on=reported, description=self.description.text(),
                            reporter_party_id=None if party in (None, OTHER) else party,
                            reporter_name=self.reporter_name.text() if party in (None, OTHER) else "",
                            reporting_agency_id=self.agency.currentData(), police_reference=self.police_ref.text())
        outcome = self.attempt("Incident not recorded", lambda: self.services.incidents.add_incident(
            self.services.actor, self.case_id, inp), self.errors)
        if outcome is None:
            return
        self.description.clear()
        self.police_ref.clear()
        self.reporter_name.clear()
        self.applied(outcome.changes)
        if outcome.repeat_victim:
            self.prompts.info("Repeat victim", "This case is now flagged as a repeat victim.")
        p = outcome.case_review_prompt
        if p is not None and self.prompts.confirm(
                "Tell them about the ASB Case Review",
                f"This is {p.name}'s second report within {p.months} months.\n\nThe 2025 statutory guidance says "
                f"they must be told about the ASB Case Review (the Community Trigger): what it is, the threshold, "
                f"and how to apply.\n\nHave you told them? (Yes records it on the case now.)"):
            changes = self.attempt("Not recorded", lambda: self.services.incidents.record_case_review_told(
                self.services.actor, self.case_id, p.party_id))
            if changes is not None:
                self.applied(changes)
