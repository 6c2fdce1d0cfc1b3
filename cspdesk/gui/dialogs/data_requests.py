"""File → Data protection requests: subject access, rectification and erasure requests.

Log a request (its statutory due date follows, UK GDPR Art. 12(3)); for a subject access request, find the
records that may be about the person, tick the ones that are, add anything else to redact, and write the
bundle (a PDF letter and the same as CSV) to a folder; extend a request or close it with its outcome.
Everything goes through ``services.subject_requests`` and ``services.subject_access``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.data_subject import RequestKind, RequestOutcome
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.forms import DateField, FieldErrors, combo, read_date

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.data_protection import RequestRow, SubjectMatch
    from cspdesk.core.services.registry import Services

REQUEST_COLUMNS = ("Reference", "Kind", "Person", "Received", "Due", "State")
MATCH_COLUMNS = ("Same person?", "Found as", "Name", "Date of birth", "Address", "Matched on", "Records")


class DataRequestsDialog(QDialog):
    services: Services

    def __init__(self, services: Services, bus: Bus, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Data protection requests")
        self.setObjectName("dataRequestsDialog")
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.requests: list[RequestRow] = []
        self.matches: list[SubjectMatch] = []
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._requests_box())
        splitter.addWidget(self._subject_access_box())
        layout = QHBoxLayout(self)
        layout.addWidget(self._new_box())
        layout.addWidget(splitter, 1)
        self.resize(1250, 700)
        self.load()

    # ----- the new-request form

    def _new_box(self) -> QWidget:
        box = QGroupBox("New request")
        box.setMaximumWidth(360)
        form = QFormLayout(box)
        self.errors = FieldErrors()
        self.kind = combo([(k.value, k.label) for k in RequestKind], object_name="requestKind")
        self.name = named(QLineEdit(), "requestName")
        self.dob = DateField()
        self.dob.setObjectName("requestDob")
        self.address = named(QLineEdit(), "requestAddress")
        self.received = DateField(self.services.clock.today())
        self.received.setObjectName("requestReceived")
        self.details = named(QLineEdit(placeholderText="What was asked"), "requestDetails")
        for label, key, w in (
            ("&Kind", "kind", self.kind),
            ("&Name", "subject_name", self.name),
            ("Date of &birth", "date_of_birth", self.dob),
            ("&Address", "address", self.address),
            ("&Received on", "received_on", self.received),
            ("De&tails", "details", self.details),
        ):
            self.errors.add_row(form, label, key, w)
        log = named(QPushButton("&Log request"), "logRequest")
        log.clicked.connect(self.log_request)
        form.addRow(self.errors.general)
        form.addRow(log)
        return box

    def log_request(self) -> None:
        errors: dict[str, str] = {}
        dob = read_date(self.dob, "date_of_birth", errors)
        received = read_date(self.received, "received_on", errors)
        if errors:
            self.errors.show(errors)
            return
        try:
            ref = self.services.subject_requests.log(
                self.services.actor,
                self.kind.currentData(),
                self.name.text(),
                received_on=received,
                date_of_birth=dob,
                address=self.address.text(),
                details=self.details.text(),
            )
        except ValidationError as exc:
            self.errors.show(exc.fields)
            return
        except UserError as exc:
            self.prompts.error("Request not logged", str(exc))
            return
        self.errors.clear()
        for w in (self.name, self.dob, self.address, self.details):
            w.clear()
        self.load(select=ref)

    # ----- the list of requests

    def _requests_box(self) -> QWidget:
        box = QGroupBox("Requests")
        v = QVBoxLayout(box)
        self.table = named(QTableWidget(0, len(REQUEST_COLUMNS)), "requestsTable")
        self.table.setHorizontalHeaderLabels(REQUEST_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._request_chosen)
        v.addWidget(self.table)
        row = QHBoxLayout()
        self.extend_btn = named(QPushButton("E&xtend…"), "extendRequest")
        self.close_btn = named(QPushButton("&Close request…"), "closeRequest")
        self.extend_btn.clicked.connect(self.extend)
        self.close_btn.clicked.connect(self.close_request)
        row.addStretch(1)
        row.addWidget(self.extend_btn)
        row.addWidget(self.close_btn)
        v.addLayout(row)
        return box

    def load(self, select: str | None = None) -> None:
        self.requests = self.services.subject_requests.requests(self.services.actor)
        self.table.setRowCount(len(self.requests))
        for r, q in enumerate(self.requests):
            state = (
                f"Closed {q.closed_on:%d/%m/%Y}" + (f": {q.outcome.label.lower()}" if q.outcome else "")
                if q.closed_on
                else "OVERDUE"
                if q.overdue
                else "Open" + (f", extended {q.extended_months} month(s)" if q.extended_months else "")
            )
            for c, text in enumerate(
                (
                    q.reference,
                    q.kind.label,
                    q.subject_name,
                    f"{q.received_on:%d/%m/%Y}",
                    f"{q.due_on:%d/%m/%Y}",
                    state,
                )
            ):
                item = QTableWidgetItem(text)
                if q.overdue:
                    item.setForeground(theme.qcolour("alert"))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        if select is not None:
            row = next((i for i, q in enumerate(self.requests) if q.reference == select), -1)
            if row >= 0:
                self.table.selectRow(row)
        self._request_chosen()

    def current(self) -> RequestRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.requests[rows[0].row()] if rows else None

    def _request_chosen(self) -> None:
        q = self.current()
        is_open = q is not None and q.closed_on is None
        self.extend_btn.setEnabled(is_open)
        self.close_btn.setEnabled(is_open)
        self.find_btn.setEnabled(q is not None)
        self.matches = []
        self.match_table.setRowCount(0)
        self._enable_confirmed()
        self.subject_label.setText(
            f"{q.reference}: {q.subject_name}"
            + (f", born {q.subject_date_of_birth:%d/%m/%Y}" if q.subject_date_of_birth else "")
            if q is not None
            else "Choose a subject access request above."
        )

    def extend(self) -> None:
        q = self.current()
        if q is None:
            return
        months = self.prompts.ask_choice(
            "Extend the request", "Extend by (UK GDPR Art. 12(3)):", [(1, "One month"), (2, "Two months")]
        )
        if months is None:
            return
        reason = self.prompts.ask_text("Extend the request", "Why (the person must be told):")
        if reason is None:
            return
        self._act(
            lambda: self.services.subject_requests.extend(self.services.actor, q.reference, months, reason),
            q.reference,
            "Request not extended",
        )

    def close_request(self) -> None:
        q = self.current()
        if q is None:
            return
        outcome = self.prompts.ask_choice(
            "Close the request", "Outcome:", [(o.value, o.label) for o in RequestOutcome]
        )
        if outcome is None:
            return
        notes = self.prompts.ask_text("Close the request", "Notes (reasons, if refused or partly done):")
        if notes is None:
            return
        self._act(
            lambda: self.services.subject_requests.close(self.services.actor, q.reference, outcome, notes),
            q.reference,
            "Request not closed",
        )

    def _act(self, action: Callable[[], Changes], reference: str, title: str) -> None:
        try:
            changes = action()
        except UserError as exc:
            text = " ".join(exc.fields.values()) if isinstance(exc, ValidationError) else str(exc)
            self.prompts.error(title, text)
            return
        self.load(select=reference)
        self.bus.changes_applied.emit(changes)

    # ----- subject access: find, confirm, bundle

    def _subject_access_box(self) -> QWidget:
        box = QGroupBox("Subject access: the person's records")
        v = QVBoxLayout(box)
        top = QHBoxLayout()
        self.subject_label = named(QLabel(), "subjectLabel")
        self.find_btn = named(QPushButton("&Find records"), "findRecords")
        self.find_btn.clicked.connect(self.find_records)
        top.addWidget(self.subject_label, 1)
        top.addWidget(self.find_btn)
        v.addLayout(top)
        self.hidden_note = named(QLabel(), "hiddenRestricted")
        self.hidden_note.setWordWrap(True)
        self.hidden_note.hide()
        v.addWidget(self.hidden_note)
        self.match_table = named(QTableWidget(0, len(MATCH_COLUMNS)), "matchTable")
        self.match_table.setHorizontalHeaderLabels(MATCH_COLUMNS)
        self.match_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.match_table.verticalHeader().hide()
        self.match_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.match_table.itemChanged.connect(lambda _i: self._enable_confirmed())
        v.addWidget(self.match_table)
        bottom = QHBoxLayout()
        self.redact = named(
            QLineEdit(placeholderText="Also redact (names CSPDesk does not know), separated by ;"),
            "alsoRedact",
        )
        redact_label = QLabel("Also &redact:")
        redact_label.setBuddy(self.redact)
        self.bundle_btn = named(QPushButton("&Make bundle…"), "makeBundle")
        self.bundle_btn.clicked.connect(self.make_bundle)
        self.confirm_btn = named(QPushButton("Record as the person's records"), "confirmRecords")
        self.confirm_btn.setToolTip("For a rectification or erasure request: which records it is about")
        self.confirm_btn.clicked.connect(self.confirm_records)
        bottom.addWidget(redact_label)
        bottom.addWidget(self.redact, 1)
        v.addLayout(bottom)
        buttons = QHBoxLayout()  # a row of their own: beside the box they were cut short (issue 19)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_btn)
        buttons.addWidget(self.bundle_btn)
        v.addLayout(buttons)
        return box

    def find_records(self) -> None:  # not find(): that would hide QWidget.find, Qt's lookup by window id
        q = self.current()
        if q is None:
            return
        try:
            found = self.services.subject_access.find(
                self.services.actor,
                q.subject_name,
                q.subject_date_of_birth,
                q.subject_address,
                request_reference=q.reference,
            )
        except UserError as exc:
            self.prompts.error("Search", str(exc))
            return
        self.matches = list(found.matches)
        self.match_table.blockSignals(True)
        self.match_table.setRowCount(len(self.matches))
        for r, m in enumerate(self.matches):
            tick = QTableWidgetItem("Yes")
            tick.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            )
            # Ticked only where name and date of birth both matched: the officer confirms the rest.
            both = {"name", "date of birth"} <= set(m.matched_on)
            tick.setCheckState(Qt.CheckState.Checked if both else Qt.CheckState.Unchecked)
            self.match_table.setItem(r, 0, tick)
            for c, text in enumerate(
                (
                    m.source,
                    m.name,
                    f"{m.date_of_birth:%d/%m/%Y}" if m.date_of_birth else "",
                    m.address,
                    ", ".join(m.matched_on),
                    m.records,
                ),
                start=1,
            ):
                self.match_table.setItem(r, c, QTableWidgetItem(text))
        self.match_table.blockSignals(False)
        self.match_table.resizeColumnsToContents()
        self.match_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.hidden_note.setVisible(bool(found.hidden_restricted))
        self.hidden_note.setText(
            f"{found.hidden_restricted} restricted Safer Homes referral(s) may also be about "
            "this person. Ask someone allowed to see restricted referrals to prepare the bundle."
        )
        self._enable_confirmed()
        if not self.matches:
            self.prompts.info("Search", "Nothing was found under that name or date of birth.")

    def _enable_confirmed(self) -> None:
        q = self.current()
        ticked = bool(self.matches) and bool(self.confirmed())
        self.bundle_btn.setEnabled(ticked and q is not None and q.kind is RequestKind.ACCESS)
        self.confirm_btn.setEnabled(ticked)

    def confirm_records(self) -> None:
        q = self.current()
        keys = self.confirmed()
        if q is None or not keys:
            return
        try:
            self.services.subject_requests.confirm(self.services.actor, q.reference, keys)
        except UserError as exc:
            self.prompts.error("Records not recorded", str(exc))
            return
        self.prompts.info("Records recorded", f"{len(keys)} record(s) recorded against {q.reference}.")

    def confirmed(self) -> list[str]:
        return [
            m.key
            for r, m in enumerate(self.matches)
            if (tick := self.match_table.item(r, 0)) is not None
            and tick.checkState() == Qt.CheckState.Checked
        ]

    def make_bundle(self) -> None:
        q = self.current()
        keys = self.confirmed()
        if q is None or not keys:
            return
        folder = self.prompts.ask_folder("Where to save the subject access bundle")
        if folder is None:
            return
        extra = [t.strip() for t in self.redact.text().split(";") if t.strip()]
        try:
            bundle = self.services.subject_access.bundle(
                self.services.actor, q.reference, keys, also_redact=extra
            )
            pdf, table = self.services.subject_access.write(bundle, folder)
        except ValidationError as exc:
            self.prompts.error("Bundle not made", " ".join(exc.fields.values()))
            return
        except UserError as exc:
            self.prompts.error("Bundle not made", str(exc))
            return
        except OSError as exc:
            self.prompts.error(
                "Bundle not made", f"The files could not be written to {folder}: {exc.strerror}."
            )
            return
        self.prompts.info(
            "Bundle made",
            f"Written:\n{pdf}\n{table}\n\n{bundle.redactions} redaction(s). Read the "
            "letter before it is sent: anyone named only in free text whom CSPDesk "
            "does not know must be added under 'Also redact'.",
        )
