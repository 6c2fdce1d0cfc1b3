"""The Safer Homes intake form: referrer, consent, client and household, circumstances and risk.

Field names are ``ReferralRecord`` field names, so the service's field-level messages land beside
the right widget. ``collect()`` returns only what can be read; ``changed()`` only what was edited.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QWidget

from cspdesk.core.domain.safer_homes import RESTRICTED, Tenure
from cspdesk.core.domain.vocab import RiskLevel, VictimCategory
from cspdesk.gui import theme
from cspdesk.gui.pages.safer_homes_fields import (
    MASKED,
    CheckField,
    ChoiceField,
    CountField,
    DateField,
    Field,
    IntField,
    NotesField,
    TextField,
    YesNoField,
    with_error,
)
from cspdesk.gui.qt_helpers import named

CONSENT_METHODS = [("verbal", "Verbal"), ("written", "Written"), ("via referrer", "Through the referrer")]
PHONE_SAFE = [(True, "Safe to call"), (False, "NOT safe to call")]

Row = tuple[str, str, Field]  # (record field, label, widget)
PairedRow = tuple[str, str, Field, str, Field]  # a phone number with its safe-to-call choice beside it


class IntakeForm(QWidget):
    def __init__(self, agencies: list[str], wards: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, Field] = {}
        self.errors: dict[str, QLabel] = {}
        self._baseline: dict[str, Any] = {}
        self.general_error = named(QLabel(), "formError")
        self.general_error.setStyleSheet(f"color:{theme.colour('alert')}; font-weight:600")
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        referrer = self._group(
            "Referrer",
            [
                ("referrer_name", "Name", TextField()),
                ("referrer_role", "Role", TextField()),
                ("referrer_agency", "Agency", ChoiceField([(a, a) for a in agencies])),
                ("referrer_contact", "Contact", TextField(placeholderText="Phone or email")),
                ("referred_on", "Date of referral", DateField()),
            ],
        )
        consent = self._group(
            "Consent",
            [
                ("consent_given", "Consent given", YesNoField()),
                ("consent_method", "How", ChoiceField(CONSENT_METHODS)),
                ("consent_on", "Date", DateField()),
            ],
        )
        address_line2 = TextField()
        address_line2.setAccessibleName("Address line 2")
        client = self._group(
            "Client and household",
            [
                ("client_name", "Name", TextField()),
                ("client_date_of_birth", "Date of birth", DateField()),
                ("address_line1", "Address", TextField()),
                ("address_line2", "", address_line2),
                ("town", "Town", TextField()),
                ("postcode", "Postcode", TextField()),
                ("ward", "Ward", ChoiceField([(w, w) for w in wards])),
                ("phone0", "Phone", TextField(), "safe0", ChoiceField(PHONE_SAFE, "Safe to call? (ask)")),
                (
                    "phone1",
                    "Other phone",
                    TextField(),
                    "safe1",
                    ChoiceField(PHONE_SAFE, "Safe to call? (ask)"),
                ),
                ("safe_contact", "Safe contact", TextField()),
                ("safe_address", "Safe address for letters", TextField()),
                ("language", "Language", TextField()),
                ("interpreter_needed", "", CheckField("Interpreter needed")),
                ("access_needs", "Access needs", TextField()),
                ("children_in_household", "Children in household", CountField()),
            ],
        )
        risk = self._group(
            "Circumstances and risk",
            [
                ("victim_category", "Victim category", ChoiceField(VictimCategory.choices())),
                ("tenure", "Tenure", ChoiceField(Tenure.choices())),
                ("landlord_name", "Landlord", TextField()),
                ("landlord_permission", "Landlord permission", YesNoField()),
                ("victim_wants_to_stay", "Victim wants to stay", YesNoField()),
                ("perpetrator_name", "Perpetrator", TextField()),
                ("perpetrator_resident", "Perpetrator lives there", YesNoField()),
                ("dash_level", "DASH risk level", ChoiceField(RiskLevel.choices())),
                ("dash_score", "DASH score (0-27)", IntField("Enter the DASH score as a whole number.")),
                ("marac_on", "MARAC date", DateField()),
                ("police_reference", "Police reference", TextField()),
                ("notes", "Notes", NotesField()),
            ],
        )
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.general_error, 0, 0, 1, 2)
        grid.addWidget(referrer, 1, 0)
        grid.addWidget(consent, 2, 0)
        grid.addWidget(risk, 3, 0)
        grid.addWidget(client, 1, 1, 3, 1)
        grid.setRowStretch(4, 1)
        for name, w in self.fields.items():
            w.as_widget().setObjectName(f"field:{name}")

    def _group(self, title: str, rows: list[Row | PairedRow]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        for row in rows:
            name, label, widget = row[0], row[1], row[2]
            cell, err = with_error(widget.as_widget())
            self.fields[name] = widget
            self.errors[name] = err
            if len(row) == 5:  # a phone number with its safe-to-call choice beside it
                other_name, other = row[3], row[4]
                other_cell, other_err = with_error(other.as_widget())
                self.fields[other_name] = other
                self.errors[other_name] = other_err
                pair = QWidget()
                h = QHBoxLayout(pair)
                h.setContentsMargins(0, 0, 0, 0)
                h.addWidget(cell, 3)
                h.addWidget(other_cell, 2)
                cell = pair
            form.addRow(label, cell)
        return box

    # ----- values -------------------------------------------------------------------------------
    def set_values(self, values: dict[str, Any], editable: bool = True) -> None:
        phones = values.get("phones")
        for name, w in self.fields.items():
            if name.startswith(("phone", "safe")) and name[-1].isdigit():
                i = int(name[-1])
                v: object
                if phones == RESTRICTED:
                    v = RESTRICTED
                else:
                    p = (phones or [])[i] if i < len(phones or []) else {}
                    v = p.get("number") if name.startswith("phone") else p.get("safe_to_call")
                w.set_value(v)
            else:
                w.set_value(values.get(name))
            w.set_editable(editable)
        self.clear_errors()
        self._baseline, _ = self.collect()

    def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        """(values, problems): record values that could be read, and messages for those that could not."""
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for name, w in self.fields.items():
            try:
                values[name] = w.record_value()
            except ValueError as exc:
                problems[name] = str(exc)
        phones = []
        for i in (0, 1):
            number, safe = values.pop(f"phone{i}", None), values.pop(f"safe{i}", None)
            if number is MASKED:
                phones = MASKED
                continue
            if number and phones is not MASKED:
                phones.append({"number": number, "safe_to_call": safe})
        values["phones"] = phones
        return {k: v for k, v in values.items() if v is not MASKED}, problems

    def changed(self) -> tuple[dict[str, Any], dict[str, str]]:
        values, problems = self.collect()
        return {k: v for k, v in values.items() if self._baseline.get(k) != v}, problems

    # ----- messages -----------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for e in self.errors.values():
            e.hide()
        self.general_error.hide()

    def show_errors(self, problems: dict[str, str]) -> None:
        self.clear_errors()
        other = []
        for key, message in problems.items():
            name = key
            if key.startswith("phones["):
                i = key[len("phones[")]
                name = f"safe{i}" if key.endswith("safe_to_call") else f"phone{i}"
            if name in self.errors:
                self.errors[name].setText(message)
                self.errors[name].show()
            else:
                other.append(message)
        if other or problems:
            self.general_error.setText(
                " ".join(other)
                if other
                else "Some details need attention: see the messages beside the fields."
            )
            self.general_error.show()
