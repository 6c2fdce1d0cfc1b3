"""New case from a complaint (Ctrl+N from anywhere). Keyboard first: Tab through, Ctrl+P adds the person
typed, Ctrl+Enter saves. Before saving, possible duplicates and linked history are shown so the officer
can open the existing case or link the new one to it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.clock import current as clock
from cspdesk.core.domain.vocab import AsbCategory, PartyKind, PartyRole, PriorityTag, ReportChannel
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.services.cases import IntakeForm, PartyInput
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.forms import DateField, FieldErrors, combo, read_date, select_data
from cspdesk.gui.widgets.party_form import LocationFields, PartyForm

if TYPE_CHECKING:
    from cspdesk.core.services.cases import DuplicateHit
    from cspdesk.core.services.registry import Services

# The CSP priority a category most often falls under (the officer can change it).
SUGGESTED_TAGS = {
    "youth_asb": "youth_asb",
    "nuisance_vehicles": "nuisance_vehicles",
    "off_road_bikes": "nuisance_vehicles",
    "drugs": "substance_misuse",
    "hate_related": "hate_crime",
    "street_drinking": "substance_misuse",
    "neighbour_nuisance": "supporting_victims",
    "noise": "supporting_victims",
    "criminal_damage": "persistent_offenders",
    "environmental": "parks_open_spaces",
}


class NewCaseDialog(QDialog):
    services: Services

    opened = Signal(object)  # the new case's id
    open_existing = Signal(object)  # the officer chose an existing case instead

    def __init__(self, services: Services, bus: Bus, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.setWindowTitle("New ASB case")
        self.setObjectName("newCaseDialog")
        self.resize(1100, 820)
        opts = services.intake.options()
        self.errors = FieldErrors()
        self.title_edit = named(
            QLineEdit(placeholderText="what, where — e.g. Youths at Eureka Park"), "new_title"
        )
        self.category = combo(AsbCategory.choices(), "Choose…", object_name="new_category")
        self.tags = named(QListWidget(), "new_tags")
        self.tags.setFixedHeight(120)
        for value, label in PriorityTag.choices():
            it = QListWidgetItem(f"{label}  ({PriorityTag(value).theme.label})")
            it.setData(Qt.ItemDataRole.UserRole, value)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            self.tags.addItem(it)
        self.category.currentIndexChanged.connect(self._suggest_tag)
        self.reported_on = DateField(clock().today())
        self.reported_on.setObjectName("new_reported_on")
        self.reported_via = combo(ReportChannel.choices(), "Choose…", object_name="new_reported_via")
        self.officer = combo(opts.officers, "(me)", object_name="new_officer")
        select_data(self.officer, services.actor.user_id)
        self.description = named(QPlainTextEdit(), "new_description")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(70)
        self.location = LocationFields(self.errors, "loc_", wards=opts.wards)

        what = QFormLayout()
        self.errors.add_row(what, "Title", "title", self.title_edit)
        self.errors.add_row(what, "Category", "category", self.category)
        self.errors.add_row(what, "CSP priorities", "tags", self.tags)
        self.errors.add_row(what, "Reported on", "reported_on", self.reported_on)
        self.errors.add_row(what, "How reported", "reported_via", self.reported_via)
        what.addRow("Officer", self.officer)
        what.addRow("Description", self.description)
        what_box = QGroupBox("What, when, how")
        what_box.setLayout(what)
        where_box = QGroupBox("Where")
        QVBoxLayout(where_box).addWidget(self.location)

        self.party_form = PartyForm()
        self.add_party_btn = named(QPushButton("Add to the list  (Ctrl+P)"), "newAddParty")
        self.add_party_btn.clicked.connect(self.add_party)
        self.party_list = named(QListWidget(), "newParties")
        self.party_list.setFixedHeight(90)
        self.remove_party_btn = named(QPushButton("Remove from the list"), "newRemoveParty")
        self.remove_party_btn.clicked.connect(self._remove_party)
        who_box = QGroupBox("Who: complainant or victim, and about whom")
        wv = QVBoxLayout(who_box)
        wv.addWidget(self.party_form)
        wv.addWidget(self.add_party_btn)
        wv.addWidget(self.party_list)
        wv.addWidget(self.remove_party_btn)
        self.parties: list[PartyInput] = []

        self.dup_label = named(QLabel(), "duplicatesLabel")
        self.dup_label.setWordWrap(True)
        self.dup_label.setStyleSheet(f"color:{theme.colour('warning')}; font-weight:600;")
        self.duplicates = named(QListWidget(), "duplicates", "Possible duplicates")
        self.duplicates.setFixedHeight(110)
        self.duplicates.itemActivated.connect(self._open_existing)
        self.dup_label.hide()
        self.duplicates.hide()
        self._checked_for_duplicates: IntakeForm | None = None

        self.save_btn = named(QPushButton("Save case  (Ctrl+Enter)"), "saveNewCase")
        self.save_btn.setDefault(False)
        self.save_btn.setAutoDefault(False)
        self.save_btn.clicked.connect(self.save)
        cancel = QPushButton("Cancel")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)

        inner = QWidget()
        grid = QHBoxLayout(inner)
        col1 = QVBoxLayout()
        col1.addWidget(what_box)
        col1.addWidget(where_box)
        col2 = QVBoxLayout()
        col2.addWidget(who_box)
        col2.addStretch(1)
        grid.addLayout(col1, 1)
        grid.addLayout(col2, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        buttons = QHBoxLayout()
        buttons.addWidget(self.errors.general, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_btn)
        v = QVBoxLayout(self)
        v.addWidget(scroll, 1)
        v.addWidget(self.dup_label)
        v.addWidget(self.duplicates)
        v.addLayout(buttons)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, self.save)
        QShortcut(QKeySequence("Ctrl+P"), self, self.add_party)
        self.title_edit.setFocus()

    def _suggest_tag(self) -> None:
        tag = SUGGESTED_TAGS.get(self.category.currentData())
        if tag is None or any(
            self.tags.item(i).checkState() == Qt.CheckState.Checked for i in range(self.tags.count())
        ):
            return
        for i in range(self.tags.count()):
            if self.tags.item(i).data(Qt.ItemDataRole.UserRole) == tag:
                self.tags.item(i).setCheckState(Qt.CheckState.Checked)

    # ----- parties
    def add_party(self) -> bool:
        errors: dict[str, str] = {}
        p = self.party_form.value(errors)
        errors.update(self.services.parties.validate(p))
        if errors:
            self.party_form.errors.show(errors)
            return False
        self.parties.append(p)
        kind = PartyKind(p.kind)
        name = (
            f"{p.forename} {p.surname}".strip()
            if kind is PartyKind.PERSON
            else p.group_description
            if kind is PartyKind.GROUP
            else p.organisation_name
        )
        extra = f", born {p.date_of_birth:%d/%m/%Y}" if p.date_of_birth else ""
        self.party_list.addItem(f"{PartyRole(p.role).label}: {name} ({kind.label.lower()}{extra})")
        self.party_form.clear()
        self.party_form.forename.setFocus()
        self._checked_for_duplicates = None
        return True

    def _remove_party(self) -> None:
        row = self.party_list.currentRow()
        if row >= 0:
            self.party_list.takeItem(row)
            del self.parties[row]

    # ----- saving
    def form(self, errors: dict[str, str]) -> IntakeForm:
        tags = tuple(
            self.tags.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.tags.count())
            if self.tags.item(i).checkState() == Qt.CheckState.Checked
        )
        return IntakeForm(
            title=self.title_edit.text(),
            description=self.description.toPlainText(),
            category=self.category.currentData() or "",
            tags=tags,
            reported_on=read_date(self.reported_on, "reported_on", errors),
            reported_via=self.reported_via.currentData() or "",
            officer_id=self.officer.currentData(),
            location=self.location.value(),
            parties=tuple(self.parties),
        )

    def save(self) -> None:
        # A person typed but not yet added to the list is added first (officers forget Ctrl+P).
        if (
            self.party_form.surname.text().strip()
            or self.party_form.org_name.text().strip()
            or self.party_form.group.text().strip()
        ):
            if not self.add_party():
                return
        errors: dict[str, str] = {}
        form = self.form(errors)
        if not errors:
            errors = self.services.intake.validate(form)
        if errors:
            self.errors.show(errors, "location.")
            if any(k.startswith("parties.") for k in errors):
                self.errors.general.setText(
                    "\n".join(v for k, v in errors.items() if k.startswith("parties."))
                )
                self.errors.general.show()
            return
        self.errors.clear()
        if self._checked_for_duplicates != form:
            self._checked_for_duplicates = form
            hits = self.services.intake.possible_duplicates(form)
            if hits:
                self._show_duplicates(hits)
                return
        links = tuple(
            self.duplicates.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.duplicates.count())
            if self.duplicates.item(i).checkState() == Qt.CheckState.Checked
        )
        try:
            opened = self.services.intake.open_case(self.services.actor, form, link_to=links)
        except ValidationError as exc:
            self.errors.show(exc.fields, "location.")
            return
        except UserError as exc:
            self.prompts.error("Case not opened", str(exc))
            return
        self.bus.changes_applied.emit(opened.changes)
        self.opened.emit(opened.id)
        self.accept()

    def _show_duplicates(self, hits: Sequence[DuplicateHit]) -> None:
        self.duplicates.clear()
        for h in hits:
            it = QListWidgetItem(
                f"{h.reference} — {h.title} ({h.status}, reported {h.reported_on:%d/%m/%Y}): "
                f"{', '.join(h.reasons)}"
            )
            it.setData(Qt.ItemDataRole.UserRole, h.case_id)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            self.duplicates.addItem(it)
        self.dup_label.setText(
            f"{len(hits)} possible duplicate or linked case{'s' if len(hits) != 1 else ''}. "
            "Enter opens an existing case instead; tick cases to link the new one to them; "
            "press Save again to open the new case."
        )
        self.dup_label.show()
        self.duplicates.show()
        self.save_btn.setText("Save as a new case  (Ctrl+Enter)")
        self.duplicates.setFocus()
        self.duplicates.setCurrentRow(0)

    def _open_existing(self, item: QListWidgetItem) -> None:
        self.open_existing.emit(item.data(Qt.ItemDataRole.UserRole))
        self.reject()
