"""Area Forums: record a meeting, capture each issue raised as a new case, an incident on an existing
case, or an action, and print the forum's action log. All local: works on a laptop with no network."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.clock import current as clock
from cspdesk.core.services.cases import ActionInput, CaseQuery
from cspdesk.core.services.forums import MeetingInput
from cspdesk.gui.dialogs.new_case import NewCaseDialog
from cspdesk.gui.laptop import SideBySide
from cspdesk.gui.loading import PageLoader, when_shown
from cspdesk.gui.pages.case_view.base import fill, selected_id, table
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.theme import font_css
from cspdesk.gui.widgets.forms import DateField, FieldErrors, combo, read_date

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.prompts import Prompts
    from cspdesk.gui.tasks import TaskRunner

T = TypeVar("T")


class ForumsPage(QWidget):
    services: Services

    title = "Area Forums"

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.bus = bus
        self.prompts = prompts
        # The forums are read on a worker (issue 19: the first opening read them on the GUI thread).
        self.loader = PageLoader(self, tasks, "the forums", "forumsLoading")
        self.rows: list = []  # the forums' rows (core.services.forums), newest first
        self._select_when_loaded: uuid.UUID | None = None  # a forum recorded while the list was on its way
        heading = QLabel("Area Forums")
        heading.setStyleSheet(f"{font_css(20)} font-weight: 600;")
        # The forum's name in full, the venue taking what room is left (issue 19: names were cut to "W…").
        self.forums = table(["Held", "Forum", "Venue", "Issues", "Open actions"], "forumsTable", 2)
        self.forums.currentCellChanged.connect(lambda *_a: self.show_forum())

        # record a forum
        self.f_errors = FieldErrors()
        self.f_title = named(QLineEdit(placeholderText="e.g. Swadlincote Area Forum"), "forum_title")
        self.f_held = DateField(clock().today())
        self.f_held.setObjectName("forum_held_on")
        self.f_venue = named(QLineEdit(), "forum_venue")
        self.f_ward = combo(services.case_list.filter_options().wards, "(any ward)", object_name="forum_ward")
        self.f_attendees = named(
            QLineEdit(placeholderText="councillors, parish councils, SNT…"), "forum_attendees"
        )
        self.f_save = named(QPushButton("Record forum"), "recordForum")
        self.f_save.clicked.connect(self.record_forum)
        fform = QFormLayout()
        self.f_errors.add_row(fform, "Forum", "title", self.f_title)
        self.f_errors.add_row(fform, "Held on", "held_on", self.f_held)
        fform.addRow("Venue", self.f_venue)
        fform.addRow("Ward", self.f_ward)
        fform.addRow("Attending", self.f_attendees)
        fform.addRow(self.f_save)
        new_box = named(QGroupBox("Record a forum meeting"), "recordForumBox")
        new_box.setLayout(fform)

        # the selected forum
        self.detail = named(QLabel(), "forumDetail")
        self.detail.setWordWrap(True)
        self.issues = table(["Raised by", "Issue", "Became"], "issuesTable", 1)
        self.issues.doubleClicked.connect(self._open_issue_case)
        self.action_log = table(["Action", "Owner", "Due", "Status"], "forumActionsTable", 0)
        self.print_btn = named(QPushButton("Print action log (PDF)…"), "printForumLog")
        self.print_btn.clicked.connect(self.print_log)

        # capture an issue
        self.i_errors = FieldErrors()
        self.raised_by = named(QLineEdit(placeholderText="who raised it"), "issue_raised_by")
        self.issue_text = named(QLineEdit(placeholderText="what was raised"), "issue_text")
        self.case_ref = named(
            QLineEdit(placeholderText="case reference, e.g. ASB-2026-00012"), "issue_case_ref"
        )
        self.a_officer = combo(
            services.intake.options().officers, "(no officer)", object_name="issue_officer"
        )
        self.a_agency = combo(services.intake.options().agencies, "(no agency)", object_name="issue_agency")
        self.a_due = DateField()
        self.a_due.setObjectName("issue_due")
        self.as_case = named(QPushButton("New case…"), "issueAsCase")
        self.as_incident = named(QPushButton("Incident on the case"), "issueAsIncident")
        self.as_action = named(QPushButton("Action"), "issueAsAction")
        self.as_case.clicked.connect(self.issue_as_case)
        self.as_incident.clicked.connect(self.issue_as_incident)
        self.as_action.clicked.connect(self.issue_as_action)
        iform = QFormLayout()
        self.i_errors.add_row(iform, "Raised by", "raised_by", self.raised_by)
        self.i_errors.add_row(iform, "Issue", "description", self.issue_text)
        self.i_errors.add_row(iform, "Existing case", "case", self.case_ref)
        owner = QWidget()
        oh = QHBoxLayout(owner)
        oh.setContentsMargins(0, 0, 0, 0)
        oh.addWidget(self.a_officer)
        oh.addWidget(self.a_agency)
        self.i_errors.add_row(iform, "Action owner", "owner", owner)
        self.i_errors.add_row(iform, "Action due", "due_on", self.a_due)
        iform.addRow(self.i_errors.general)
        btns = QHBoxLayout()
        btns.addWidget(QLabel("Record it as:"))
        for b in (self.as_case, self.as_incident, self.as_action):
            btns.addWidget(b)
        btns.addStretch(1)
        iform.addRow(btns)
        issue_box = named(QGroupBox("Capture an issue raised"), "captureIssueBox")
        issue_box.setLayout(iform)

        tabs = QTabWidget()
        tabs.addTab(self.issues, "Issues raised")
        tabs.addTab(self.action_log, "Action log")
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.detail)
        rv.addWidget(tabs, 1)
        rv.addWidget(self.print_btn, alignment=Qt.AlignmentFlag.AlignRight)
        rv.addWidget(issue_box)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(self.loader.status)
        lv.addWidget(self.forums, 1)
        lv.addWidget(new_box)
        # Side by side when both fit; the details below the list when not (at 1.5× font on a 1366-wide
        # screen the list's columns ran off to the side).
        splitter = SideBySide()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([640, 760])
        v = QVBoxLayout(self)
        v.addWidget(heading)
        v.addWidget(splitter, 1)
        bus.changes_applied.connect(when_shown(self, self._on_changes))
        self.load()

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches("meeting", "action", "case", "incident"):
            self.load()

    def _fit_list(self) -> None:
        """The list asks for the room its columns need (the venue's, at least ten characters), so that the
        page puts the details below it rather than scroll it sideways."""
        t, header = self.forums, self.forums.horizontalHeader()
        header.resizeSections(QHeaderView.ResizeMode.ResizeToContents)
        columns = sum(header.sectionSize(i) for i in range(header.count()) if i != 2)
        venue = t.fontMetrics().horizontalAdvance("x" * 10)
        t.setMinimumWidth(columns + venue + t.verticalScrollBar().sizeHint().width() + 2 * t.frameWidth())

    def load(self) -> None:
        """Read the forums on a worker (at once without a task runner), then show them, keeping the one
        selected."""
        current, forums = self.current_forum(), self.services.forums
        self.loader.load(forums.forums, lambda rows: self._show_rows(rows, current))

    def _show_rows(self, rows: list, current: uuid.UUID | None) -> None:
        current = self._select_when_loaded or current
        self._select_when_loaded = None
        self.rows = rows
        fill(
            self.forums,
            [
                [f"{f.held_on:%d/%m/%Y}", f.title, f.venue, str(f.issues), str(f.open_actions)]
                for f in self.rows
            ],
            [f.id for f in self.rows],
        )
        self._fit_list()
        row = next((i for i, f in enumerate(self.rows) if f.id == current), 0 if self.rows else -1)
        if row >= 0:
            self.forums.selectRow(row)
        self.show_forum()

    def current_forum(self) -> uuid.UUID | None:
        return selected_id(self.forums)

    def show_forum(self) -> None:
        fid = self.current_forum()
        enabled = fid is not None
        for w in (self.print_btn, self.as_case, self.as_incident, self.as_action):
            w.setEnabled(enabled)
        if fid is None:
            self.detail.setText("Record a forum meeting to capture its issues.")
            fill(self.issues, [])
            fill(self.action_log, [])
            return
        f = self.services.forums.forum(fid)
        self.detail.setText(
            f"<b>{f.title}</b> — {f.held_on:%d/%m/%Y}{', ' + f.venue if f.venue else ''}"
            + (f"<br>Attending: {f.attendees}" if f.attendees else "")
        )
        self.issue_rows = self.services.forums.issues(fid)
        fill(
            self.issues,
            [[i.raised_by, i.description, i.became] for i in self.issue_rows],
            [i.case_id for i in self.issue_rows],
        )
        acts = self.services.actions.for_meeting(fid)
        fill(
            self.action_log,
            [
                [
                    a.description,
                    a.owner,
                    f"{a.due_on:%d/%m/%Y}",
                    a.status_label + (" — OVERDUE" if a.overdue else ""),
                ]
                for a in acts
            ],
            [a.id for a in acts],
        )

    def _attempt(self, title: str, work: Callable[[], T], errors: FieldErrors) -> T | None:
        from cspdesk.core.errors import UserError, ValidationError

        try:
            result = work()
        except ValidationError as exc:
            errors.show(exc.fields)
            return None
        except UserError as exc:
            self.prompts.error(title, str(exc))
            return None
        errors.clear()
        return result

    def record_forum(self) -> None:
        errors: dict[str, str] = {}
        held = read_date(self.f_held, "held_on", errors)
        if errors:
            self.f_errors.show(errors)
            return
        inp = MeetingInput(
            self.f_title.text(), held, self.f_venue.text(), self.f_ward.currentData(), self.f_attendees.text()
        )
        result = self._attempt(
            "Forum not recorded",
            lambda: self.services.forums.record_forum(self.services.actor, inp),
            self.f_errors,
        )
        if result is None:
            return
        mid, changes = result
        for w in (self.f_title, self.f_venue, self.f_attendees):
            w.clear()
        self.bus.changes_applied.emit(changes)
        if self.loader.loading:  # the list is being read again: the new forum is selected when it comes
            self._select_when_loaded = mid
            return
        row = next((i for i, f in enumerate(self.rows) if f.id == mid), -1)
        if row >= 0:
            self.forums.selectRow(row)

    def _case_id(self) -> uuid.UUID | None:
        ref = self.case_ref.text().strip()
        if not ref:
            self.i_errors.show({"case": "Type the reference of the case it belongs to."})
            return None
        ids = self.services.case_list.case_ids(CaseQuery(text=ref))
        rows = self.services.case_list.rows_for(ids[:50])
        match = [i for i in ids[:50] if rows[i].reference.lower() == ref.lower()]
        if not match:
            self.i_errors.show({"case": f"No case has the reference {ref}."})
            return None
        return match[0]

    def issue_as_case(self) -> None:
        fid = self.current_forum()
        if fid is None:  # no forum chosen: the button is disabled
            return
        forum = self.services.forums.forum(fid)
        dlg = NewCaseDialog(self.services, self.bus, self.prompts, self)
        dlg.title_edit.setText(self.issue_text.text())
        dlg.reported_on.set_value(forum.held_on)
        dlg.reported_via.setCurrentIndex(dlg.reported_via.findData("area_forum"))
        raised_by = self.raised_by.text()

        def opened(case_id: uuid.UUID) -> None:
            # The dialog saved the case; record that this forum raised it.
            changes = self.services.forums.link_issue_to_case(
                self.services.actor, fid, raised_by, dlg.title_edit.text(), case_id
            )
            self.issue_text.clear()
            self.bus.changes_applied.emit(changes)
            self.bus.open_case.emit(case_id)  # the new case opens, as from File → New case (issue 19)

        dlg.opened.connect(opened)
        self._dialog = dlg
        dlg.open()

    def issue_as_incident(self) -> None:
        fid = self.current_forum()
        if fid is None:  # no forum chosen: the button is disabled
            return
        case_id = self._case_id()
        if case_id is None:
            return
        changes = self._attempt(
            "Incident not recorded",
            lambda: self.services.forums.raise_as_incident(
                self.services.actor, fid, self.raised_by.text(), self.issue_text.text(), case_id
            ),
            self.i_errors,
        )
        if changes is not None:
            self.issue_text.clear()
            self.bus.changes_applied.emit(changes)

    def issue_as_action(self) -> None:
        fid = self.current_forum()
        if fid is None:  # no forum chosen: the button is disabled
            return
        errors: dict[str, str] = {}
        due = read_date(self.a_due, "due_on", errors)
        if errors:
            self.i_errors.show(errors)
            return
        case_id = self._case_id() if self.case_ref.text().strip() else None
        if self.case_ref.text().strip() and case_id is None:
            return
        inp = ActionInput(
            self.issue_text.text(), due, self.a_officer.currentData(), self.a_agency.currentData()
        )
        changes = self._attempt(
            "Action not set",
            lambda: self.services.forums.raise_as_action(
                self.services.actor, fid, self.raised_by.text(), inp, case_id
            ),
            self.i_errors,
        )
        if changes is not None:
            self.issue_text.clear()
            self.a_due.clear()
            self.bus.changes_applied.emit(changes)

    def _open_issue_case(self, index: QModelIndex) -> None:
        item = self.issues.item(index.row(), 0)
        cid = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if cid is not None:
            self.bus.open_case.emit(cid)

    def print_log(self) -> None:
        fid = self.current_forum()
        if fid is None:  # no forum chosen: the button is disabled
            return
        f = self.services.forums.forum(fid)
        target = self.prompts.ask_save_file(
            "Save the action log", f"{f.title} {f.held_on:%Y-%m-%d} action log.pdf", "PDF (*.pdf)"
        )
        if target is None:
            return
        try:
            self.services.forums.print_action_log(fid, target)
        except OSError as exc:
            self.prompts.error(
                "Action log not saved", f"{target} could not be written: {exc.strerror or exc}"
            )
            return
        self.prompts.info("Action log saved", f"The action log was saved to {target}.")
