"""The form for one party (person, business, community group or unnamed group) and a place.
Used by the new-case dialog, the People tab and the dialog that changes a party's details."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QWidget

from cspdesk.core.domain.vocab import PartyKind, PartyRole, PlaceType
from cspdesk.core.services.cases import LocationInput, PartyInput
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.forms import DateField, FieldErrors, combo, read_date, select_data


class LocationFields(QWidget):
    """Place name, address, town, postcode, type, ward."""

    def __init__(
        self,
        errors: FieldErrors,
        prefix: str = "",
        wards: Sequence[tuple[uuid.UUID, str]] = (),
        with_type: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.place_name = named(QLineEdit(placeholderText="e.g. Eureka Park"), f"{prefix}place_name")
        self.line1 = named(QLineEdit(placeholderText="e.g. 12 Oak Street"), f"{prefix}line1")
        self.town = named(QLineEdit(), f"{prefix}town")
        self.postcode = named(QLineEdit(placeholderText="DE11 0AH"), f"{prefix}postcode")
        self.postcode.setMaximumWidth(110)
        self.place_type = combo(PlaceType.choices(), object_name=f"{prefix}place_type")
        self.ward = combo(wards, "Ward (from postcode if known)", object_name=f"{prefix}ward")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        errors.add_row(form, "Place", "place_name", self.place_name)
        errors.add_row(form, "Address", "line1", self.line1)
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.town, 2)
        h.addWidget(errors.field("postcode", self.postcode), 1)
        form.addRow("Town, postcode", row)
        if with_type:
            form.addRow("Type of place", self.place_type)
            form.addRow("Ward", self.ward)
        else:
            self.place_type.hide()
            self.ward.hide()

    def value(self) -> LocationInput:
        return LocationInput(
            place_name=self.place_name.text(),
            line1=self.line1.text(),
            town=self.town.text(),
            postcode=self.postcode.text(),
            place_type=self.place_type.currentData(),
            ward_id=self.ward.currentData(),
        )

    def clear(self) -> None:
        for w in (self.place_name, self.line1, self.town, self.postcode):
            w.clear()

    def fill(self, loc: LocationInput) -> None:
        self.place_name.setText(loc.place_name)
        self.line1.setText(loc.line1)
        self.town.setText(loc.town)
        self.postcode.setText(loc.postcode)
        select_data(self.place_type, loc.place_type)
        select_data(self.ward, loc.ward_id)


class PartyForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors = FieldErrors()
        self.role = combo(PartyRole.choices(), object_name="party_role")
        self.kind = combo(PartyKind.choices(), object_name="party_kind")
        self.forename = named(QLineEdit(), "party_forename")
        self.surname = named(QLineEdit(), "party_surname")
        self.dob = DateField()
        self.dob.setObjectName("party_dob")
        self.org_name = named(QLineEdit(), "party_org_name")
        self.group = named(QLineEdit(placeholderText="e.g. group of 6-8 youths on bikes"), "party_group")
        self.phone = named(QLineEdit(), "party_phone")
        self.notes = named(QLineEdit(placeholderText="e.g. deaf: text, don't call"), "party_notes")
        self.vulnerable = named(QCheckBox("Vulnerable"), "party_vulnerable")
        self.address = LocationFields(self.errors, "party_", with_type=False)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        top = QWidget()
        h = QHBoxLayout(top)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.role)
        h.addWidget(self.kind)
        h.addWidget(self.vulnerable)
        form.addRow("Role, kind", top)
        self._rows: dict[str, tuple[QWidget, ...]] = {}
        for key, label, w in (
            ("forename", "Forename", self.forename),
            ("surname", "Surname", self.surname),
            ("date_of_birth", "Date of birth", self.dob),
            ("organisation_name", "Name", self.org_name),
            ("group_description", "Description", self.group),
            ("phone", "Phone", self.phone),
        ):
            cell = self.errors.field(key, w)
            form.addRow(label, cell)
            self._rows[key] = (form.labelForField(cell), cell)
        form.addRow(self.address)
        self.errors.add_row(form, "Notes", "notes", self.notes)
        form.addRow(self.errors.general)
        self._form = form
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = PartyKind(self.kind.currentData())
        show = {
            "forename": kind is PartyKind.PERSON,
            "surname": kind is PartyKind.PERSON,
            "date_of_birth": kind is PartyKind.PERSON,
            "organisation_name": kind in (PartyKind.BUSINESS, PartyKind.COMMUNITY_GROUP),
            "group_description": kind is PartyKind.GROUP,
            "phone": kind is not PartyKind.GROUP,
        }
        for key, widgets in self._rows.items():
            for w in widgets:
                w.setVisible(show[key])
        self.address.setVisible(kind is not PartyKind.GROUP)

    def value(self, errors: dict[str, str]) -> PartyInput:
        return PartyInput(
            role=self.role.currentData(),
            kind=self.kind.currentData(),
            forename=self.forename.text(),
            surname=self.surname.text(),
            date_of_birth=read_date(self.dob, "date_of_birth", errors),
            organisation_name=self.org_name.text(),
            group_description=self.group.text(),
            phone=self.phone.text(),
            vulnerable=self.vulnerable.isChecked(),
            address=self.address.value() if self.address.isVisibleTo(self) else LocationInput(),
            notes=self.notes.text(),
        )

    def fill(self, p: PartyInput) -> None:
        """Show a party's details (to change them)."""
        select_data(self.role, p.role)
        select_data(self.kind, p.kind)
        self.forename.setText(p.forename)
        self.surname.setText(p.surname)
        self.dob.set_value(p.date_of_birth)
        self.org_name.setText(p.organisation_name)
        self.group.setText(p.group_description)
        self.phone.setText(p.phone)
        self.vulnerable.setChecked(p.vulnerable)
        self.notes.setText(p.notes)
        self.address.fill(p.address)

    def clear(self) -> None:
        for w in (self.forename, self.surname, self.dob, self.org_name, self.group, self.phone, self.notes):
            w.clear()
        self.vulnerable.setChecked(False)
        self.address.clear()
        self.errors.clear()
