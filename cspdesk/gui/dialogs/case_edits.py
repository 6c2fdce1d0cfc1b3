"""Dialogs that correct a record on a case: a party's details and role, an incident.

Both work the same way. The form opens with the record as it is; Save (Ctrl+S or Ctrl+Enter) sends what the
form loaded as the ``base`` with the new values, and mistakes are shown beside the fields. If someone else
changed the record meanwhile, the service refuses and says what they changed (the app's "changed by someone
else" message); the dialog stays open with the officer's typing, and takes their change into every field the
officer had not touched, so nothing of either is lost and a second Save is a deliberate one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from cspdesk.core.domain.vocab import PartyKind
from cspdesk.core.errors import ConflictError, UserError, ValidationError
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.incident_form import IncidentForm
from cspdesk.gui.widgets.party_form import PartyForm

if TYPE_CHECKING:
    from cspdesk.core.services.cases import (
        IncidentDetail,
        IncidentInput,
        IncidentOutcome,
        PartyDetail,
        PartyInput,
        PartyRow,
    )
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services


class _Record(Protocol):
    """A record as read for correcting: ``value`` is what its form shows."""

    @property
    def value(self) -> object: ...


D = TypeVar("D", bound=_Record)  # the record as read: PartyDetail, IncidentDetail
V = TypeVar("V")  # the form's value: PartyInput, IncidentInput

THEIRS_TAKEN = (
    "\n\nThe form now shows their change in every field you had not changed; your own changes are "
    "still there."
)


def merge_theirs(mine: Any, loaded: Any, theirs: Any) -> Any:
    """Field by field: the officer's value where they changed it, otherwise the newer saved one."""
    if (
        dataclasses.is_dataclass(mine)
        and not isinstance(mine, type)  # a record's value, never a dataclass itself
        and dataclasses.is_dataclass(loaded)
        and dataclasses.is_dataclass(theirs)
    ):
        return replace(
            mine,
            **{
                f.name: merge_theirs(getattr(mine, f.name), getattr(loaded, f.name), getattr(theirs, f.name))
                for f in dataclasses.fields(mine)
            },
        )
    return theirs if mine == loaded else mine


class RecordEditDialog(QDialog, Generic[D, V]):
    services: Services

    saved = Signal(object)  # what the service returned

    def __init__(
        self, services: Services, prompts: Prompts, detail: D, what: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.prompts = prompts
        self.detail = detail
        self.what = what  # "Joan Platt", "The incident of 12/09/2026": the conflict message's title
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_btn = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_btn.setObjectName("saveEdit")
        self.save_btn.setToolTip("Ctrl+S or Ctrl+Enter")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        for seq in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, self.save)

    # what each dialog provides
    def form_value(self, errors: dict[str, str]) -> V:
        raise NotImplementedError

    def fill(self, value: V) -> None:
        raise NotImplementedError

    def show_errors(self, errors: dict[str, str]) -> None:
        raise NotImplementedError

    def reload(self) -> D:
        raise NotImplementedError

    def send(self, value: V) -> object:  # what the service returned, emitted by ``saved``
        raise NotImplementedError

    def save(self) -> None:
        errors: dict[str, str] = {}
        value = self.form_value(errors)
        if errors:
            self.show_errors(errors)
            return
        try:
            result = self.send(value)
        except ValidationError as exc:
            self.show_errors(exc.fields)
            return
        except ConflictError as exc:
            self.prompts.error(f"{self.what} changed by someone else", str(exc) + THEIRS_TAKEN)
            self._take_theirs(value)
            return
        except UserError as exc:
            self.prompts.error("Not saved", str(exc))
            return
        self.show_errors({})
        self.accept()
        self.saved.emit(result)

    def _take_theirs(self, mine: V) -> None:
        loaded = self.detail.value
        try:
            self.detail = self.reload()
        except UserError as exc:  # it has gone altogether
            self.prompts.error("Not saved", str(exc))
            self.reject()
            return
        self.fill(merge_theirs(mine, loaded, self.detail.value))


class PartyEditDialog(RecordEditDialog["PartyDetail", "PartyInput"]):
    """Change a party's details and role (People tab: Enter, F2 or double-click)."""

    def __init__(
        self, services: Services, prompts: Prompts, detail: PartyDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, prompts, detail, detail.name, parent)
        self.setObjectName("partyEditDialog")
        self.setWindowTitle(f"Change {detail.name} — {detail.case_reference}")
        self.form = PartyForm()
        self.form.fill(detail.value)
        self.form.kind.setEnabled(False)
        self.form.kind.setToolTip(
            "To change a person into a business or a group, take them off the case and add the right one."
        )
        v = QVBoxLayout(self)
        if detail.other_cases:
            kind = PartyKind(detail.kind).label.lower()
            also = named(
                QLabel(
                    f"This {kind} is also on {', '.join(detail.other_cases)}: a change to the name, date of "
                    "birth, phone or address shows there too."
                ),
                "alsoOnCases",
            )
            also.setWordWrap(True)
            v.addWidget(also)
        v.addWidget(self.form)
        v.addStretch(1)
        v.addWidget(self.buttons)
        self.resize(560, 460)

    def form_value(self, errors: dict[str, str]) -> PartyInput:
        # Email and the person's id are not on the form: they stay as they were.
        return replace(
            self.form.value(errors), email=self.detail.value.email, person_id=self.detail.value.person_id
        )

    def fill(self, value: PartyInput) -> None:
        self.form.fill(value)

    def show_errors(self, errors: dict[str, str]) -> None:
        self.form.errors.show(errors) if errors else self.form.errors.clear()

    def reload(self) -> PartyDetail:
        return self.services.party_edit.detail(self.detail.case_id, self.detail.id)

    def send(self, value: PartyInput) -> Changes:
        return self.services.party_edit.edit(
            self.services.actor,
            self.detail.case_id,
            self.detail.id,
            self.detail.versions,
            self.detail.value,
            value,
        )


class IncidentEditDialog(RecordEditDialog["IncidentDetail", "IncidentInput"]):
    """Correct an incident (Incidents tab: Enter, F2 or double-click). The reason is optional and kept with
    the corrected line on the chronology."""

    def __init__(
        self,
        services: Services,
        prompts: Prompts,
        detail: IncidentDetail,
        parties: Sequence[PartyRow],
        parent: QWidget | None = None,
    ) -> None:
        when = f"{detail.value.occurred_at:%d/%m/%Y}" if detail.value.occurred_at else ""
        super().__init__(services, prompts, detail, f"The incident of {when}", parent)
        self.setObjectName("incidentEditDialog")
        self.setWindowTitle(f"Correct the incident of {when} — {detail.case_reference}")
        opts = services.intake.options()
        wards = services.case_list.filter_options().wards
        self.form = IncidentForm(opts.agencies, full=True, wards=wards, case_place=detail.case_place)
        current = [p for p in parties if p.removed_on is None]
        gone = next(
            (p for p in parties if p.id == detail.value.reporter_party_id and p.removed_on is not None), None
        )
        self.form.set_reporters(
            current,
            keep=detail.value.reporter_party_id,
            extra=(gone.id, f"{gone.name} (taken off the case)") if gone else None,
        )
        self.form.fill(detail.value)
        self.reason = named(
            QLineEdit(placeholderText="optional — kept with the corrected line on the chronology"),
            "incident_reason",
        )
        why = QWidget()
        f = QFormLayout(why)
        f.setContentsMargins(0, 0, 0, 0)
        f.addRow("Why it is corrected", self.reason)
        v = QVBoxLayout(self)
        v.addWidget(self.form)
        v.addWidget(why)
        v.addWidget(self.form.errors.general)
        v.addStretch(1)
        v.addWidget(self.buttons)
        self.resize(720, 560)

    def form_value(self, errors: dict[str, str]) -> IncidentInput:
        return self.form.value(errors)

    def fill(self, value: IncidentInput) -> None:
        self.form.fill(value)

    def show_errors(self, errors: dict[str, str]) -> None:
        self.form.show_errors(errors) if errors else self.form.errors.clear()

    def reload(self) -> IncidentDetail:
        return self.services.incident_edit.detail(self.detail.case_id, self.detail.id)

    def send(self, value: IncidentInput) -> IncidentOutcome:
        return self.services.incident_edit.edit(
            self.services.actor,
            self.detail.case_id,
            self.detail.id,
            self.detail.version,
            self.detail.value,
            value,
            self.reason.text(),
        )
