"""The fields of one incident: when, when reported, who reported it (a party or a typed name), to which
agency, the police reference and what happened; with ``full=True`` also the category and the place (the case's
own place unless the incident says otherwise). The Incidents tab records with it; the edit dialog corrects."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QWidget

from cspdesk.core.clock import current as clock
from cspdesk.core.domain.vocab import AsbCategory
from cspdesk.core.services.cases import IncidentInput
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.forms import (
    DateField,
    FieldErrors,
    TimeField,
    combo,
    find_data,
    read_date,
    read_datetime,
    select_data,
)
from cspdesk.gui.widgets.party_form import LocationFields

if TYPE_CHECKING:
    from cspdesk.core.services.cases import PartyRow

OTHER = "other"  # the reporter combo's "someone else (type the name)"


class IncidentForm(QWidget):
    def __init__(
        self,
        agencies: Sequence[tuple[uuid.UUID, str]],
        *,
        full: bool = False,
        wards: Sequence[tuple[uuid.UUID, str]] = (),
        case_place: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.full = full
        self.errors = FieldErrors()
        self.day = DateField(clock().today())
        self.day.setObjectName("incident_day")
        self.time = TimeField()
        self.time.setObjectName("incident_time")
        self.reported_on = DateField(clock().today())
        self.reported_on.setObjectName("incident_reported_on")
        self.reporter = combo([], object_name="incident_reporter")
        self.reporter_name = named(QLineEdit(placeholderText="name, if not listed"), "incident_reporter_name")
        self.agency = combo(agencies, "(reported to us)", object_name="incident_agency")
        self.police_ref = named(QLineEdit(), "incident_police_ref")
        self.description = named(QLineEdit(), "incident_description")
        self.category = combo(AsbCategory.choices(), "(the case's category)", object_name="incident_category")
        self.same_place = named(
            QCheckBox(f"Where the case is{f' ({case_place})' if case_place else ''}"), "incident_same_place"
        )
        self.same_place.setChecked(True)
        self.place = LocationFields(self.errors, "incident_place_", wards=wards)
        self.same_place.toggled.connect(lambda on: self.place.setEnabled(not on))
        self.place.setEnabled(False)
        # Typing a name means someone not on the case reported it (a name typed
        # beside a chosen party was lost).
        self.reporter_name.textEdited.connect(self._name_typed)

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
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.errors.add_row(form, "When it happened", "occurred_at", when)
        self.errors.add_row(form, "Reported on", "reported_on", self.reported_on)
        self.errors.add_row(form, "Reported by", "reporter", who)
        form.addRow("Reported to", self.agency)
        form.addRow("Police reference", self.police_ref)
        self.errors.add_row(form, "What happened", "description", self.description)
        if full:
            self.errors.add_row(form, "Category", "category", self.category)
            form.addRow("Where", self.same_place)
            form.addRow(self.place)
        else:
            self.category.hide()
            self.same_place.hide()
            self.place.hide()
        self._form = form

    def set_reporters(
        self,
        parties: Iterable[PartyRow],
        keep: uuid.UUID | None = None,
        extra: tuple[uuid.UUID, str] | None = None,
    ) -> None:
        """The parties on the case (``PartyRow``s), then "someone else". ``extra`` is (id, label) for a
        reporter no longer on the case, so a correction can keep them."""
        current = keep if keep is not None else self.reporter.currentData()
        self.reporter.clear()
        for p in parties:
            self.reporter.addItem(f"{p.name} ({p.role_label.lower()})", p.id)
        if extra is not None:
            self.reporter.addItem(extra[1], extra[0])
        self.reporter.addItem("Someone else (type the name)", OTHER)
        if current is not None and (i := find_data(self.reporter, current)) >= 0:
            self.reporter.setCurrentIndex(i)

    def _name_typed(self, text: str) -> None:
        if text.strip() and self.reporter.currentData() != OTHER:
            select_data(self.reporter, OTHER)

    def value(self, errors: dict[str, str]) -> IncidentInput:
        occurred = read_datetime(self.day, self.time, "occurred_at", errors)
        reported = read_date(self.reported_on, "reported_on", errors)
        party = self.reporter.currentData()
        other = party in (None, OTHER)
        return IncidentInput(
            occurred_at=occurred,
            reported_on=reported,
            description=self.description.text(),
            reporter_party_id=None if other else party,
            reporter_name=self.reporter_name.text() if other else "",
            reporting_agency_id=self.agency.currentData(),
            police_reference=self.police_ref.text(),
            category=self.category.currentData() if self.full else None,
            place=None if not self.full or self.same_place.isChecked() else self.place.value(),
        )

    def fill(self, inp: IncidentInput) -> None:
        self.day.set_value(inp.occurred_at.date() if inp.occurred_at else None)
        self.time.setText(f"{inp.occurred_at:%H:%M}" if inp.occurred_at else "")
        self.reported_on.set_value(inp.reported_on)
        select_data(self.reporter, inp.reporter_party_id or OTHER)
        self.reporter_name.setText(inp.reporter_name)
        select_data(self.agency, inp.reporting_agency_id)
        self.police_ref.setText(inp.police_reference)
        self.description.setText(inp.description)
        select_data(self.category, inp.category)
        self.same_place.setChecked(inp.place is None)
        if inp.place is not None:
            self.place.fill(inp.place)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Service field names to the labels beside the fields (the place's are prefixed ``place_``)."""
        self.errors.show(
            {(k[len("place_") :] if k.startswith("place_") else k): v for k, v in errors.items()}
        )
