"""Letters & templates: mail merge (one letter to many cases, every one filed on its case) and the
template editor (administrators change the wording; everyone else can read it)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.clock import current as clock
from cspdesk.core.domain.enforcement import Stage
from cspdesk.core.domain.vocab import CaseStatus, PriorityTheme, Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.services.cases import CaseQuery
from cspdesk.core.services.enforcement import NoticeQuery
from cspdesk.core.services.letters import NOTICE_KIND_FOR_TEMPLATE, Subject
from cspdesk.core.services.safer_homes import ReferralQuery
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.dialogs.letter_preview import LetterPreviewDialog
from cspdesk.gui.loading import PageLoader
from cspdesk.gui.pages import case_view
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named, pydate, qdate
from cspdesk.gui.tasks import Task, TaskRunner
from cspdesk.gui.widgets.documents_panel import letters_tab
from cspdesk.gui.widgets.letter_fields import LetterFieldsForm
from cspdesk.gui.widgets.template_editor import TemplateEditor

if TYPE_CHECKING:
    from cspdesk.core.services.letters import AskedField, BatchResult, MergeRestriction
    from cspdesk.core.services.registry import Services

# The case screen gets a Letters tab: its documents with New letter… and reprints.
if letters_tab not in case_view.EXTRA_CASE_TABS:
    case_view.EXTRA_CASE_TABS.append(letters_tab)


class LettersPage(QWidget):
    title = "Letters & templates"

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.merge = MailMerge(services, bus, prompts, tasks)
        self.editor = TemplateEditor(services, bus, prompts)
        self.tabs = named(QTabWidget(), "lettersTabs")
        self.tabs.addTab(self.merge, "Mail merge")
        self.tabs.addTab(self.editor, "Templates")
        v = QVBoxLayout(self)
        v.addWidget(self.tabs)


MERGE_QUESTION = (
    "These letters go to {n:,} restricted (domestic abuse) record{s}: producing them shows the clients' "
    "details.\nWhy do you need to see them? Your reason is recorded in the audit log with your name, once "
    "for each record."
)


class MailMerge(QWidget):
    """One template, the cases (or notices) chosen by the list filters, one print file or one PDF each."""

    services: Services

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.tasks = TaskRunner()
        # The count of matching records and the template's questions are read on a worker (issue 19: the
        # page's first opening took 477 ms at 100,000 cases); without a task runner, at once.
        self.count_loader = PageLoader(self, tasks, "the matching records", "mergeCountStatus")
        self.task: Task | None = None
        self.result: BatchResult | None = None
        self.preview: LetterPreviewDialog | None = None
        self.can_write = services.actor.can(Role.OFFICER)

        self.subject = named(QComboBox(), "mergeSubject")
        self.subject.addItem("ASB cases", Subject.CASE)
        self.subject.addItem("Enforcement notices (the notice's own letter)", Subject.NOTICE)
        self.subject.addItem("Safer Homes referrals", Subject.REFERRAL)
        self.notice_stage = named(QComboBox(), "mergeNoticeStage")
        self.notice_stage.addItem("Any stage", None)
        for st in Stage:
            self.notice_stage.addItem(st.label, st.value)
        self.template = named(QComboBox(), "mergeTemplate")
        self.search = named(QLineEdit(), "mergeSearch")
        self.search.setPlaceholderText("Reference, name, address or postcode")
        self.status = named(QComboBox(), "mergeStatus")
        self.status.addItem("Any status", None)
        for value, label in CaseStatus.choices():
            self.status.addItem(label, value)
        self.status.setCurrentIndex(self.status.findData(CaseStatus.OPEN.value))
        self.priority = named(QComboBox(), "mergePriority")
        self.priority.addItem("Any priority", None)
        for value, label in PriorityTheme.choices():
            self.priority.addItem(label, value)
        self.ward = named(QComboBox(), "mergeWard")
        self.officer = named(QComboBox(), "mergeOfficer")
        opts = services.case_list.filter_options()
        for combo, label, items in (
            (self.ward, "Any ward", opts.wards),
            (self.officer, "Any officer", opts.officers),
        ):
            combo.addItem(label, None)
            for id_, name in items:
                combo.addItem(name, id_)
        self.from_on = QCheckBox("Dated from")
        self.from_on.setToolTip("Cases: reported on; notices: issued on")
        self.from_date = _date_box(qdate(clock().today()).addMonths(-1))
        self.to_on = QCheckBox("to")
        self.to_date = _date_box(qdate(clock().today()))
        self.count = named(QLabel(), "mergeCount")
        # Restricted records among those matching: a reason will be asked, or they are left out (issue 14).
        self.restricted_note = named(QLabel(), "mergeRestricted")
        self.restricted_note.setWordWrap(True)
        self.restriction: MergeRestriction | None = None

        self.combined = named(QRadioButton("One combined PDF to print"), "mergeCombined")
        self.separate = named(QRadioButton("One PDF per letter, into a folder"), "mergeSeparate")
        self.combined.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.combined)
        group.addButton(self.separate)
        self.large_print = named(QCheckBox("Large print (16 pt)"), "mergeLargePrint")
        self.skip = named(QCheckBox("Skip cases missing information (they are listed)"), "mergeSkip")
        self.fields = LetterFieldsForm()
        self.run_btn = named(QPushButton("&Produce and file letters"), "mergeRun")
        self.run_btn.clicked.connect(self.run)
        self.run_btn.setEnabled(self.can_write)
        self.cancel_btn = named(QPushButton("Cancel"), "mergeCancel")
        self.cancel_btn.setEnabled(False)
        self.cancel_btn.clicked.connect(self.cancel)
        self.progress = named(QProgressBar(), "mergeProgress")
        self.progress.setFormat("%v of %m")
        self.stage = named(QLabel(), "mergeStage")
        self.report = named(QPlainTextEdit(), "mergeReport")
        self.report.setReadOnly(True)
        self.report.setMaximumHeight(140)

        self._fill_templates()

        select = QGroupBox("Write to")
        f = QFormLayout(select)
        f.addRow("Records:", self.subject)
        f.addRow("Search:", self.search)
        filters = (self.status, self.priority, self.notice_stage, self.ward, self.officer)
        row = QHBoxLayout()
        for box in filters:
            row.addWidget(box)
        f.addRow("Filters:", row)
        dates = QHBoxLayout()
        for widget in (self.from_on, self.from_date, self.to_on, self.to_date):
            dates.addWidget(widget)
        dates.addStretch(1)
        f.addRow("", dates)
        f.addRow("", self.count)
        f.addRow("", self.restricted_note)
        f.addRow("", self.count_loader.status)
        letter = QGroupBox("Letter")
        lf = QFormLayout(letter)
        lf.addRow("Template:", self.template)
        lf.addRow("Same in every letter:", self.fields)
        lf.addRow("", self.large_print)
        out = QGroupBox("Output")
        of = QVBoxLayout(out)
        for choice in (self.combined, self.separate, self.skip):
            of.addWidget(choice)
        go = QHBoxLayout()
        go.addWidget(self.run_btn)
        go.addWidget(self.cancel_btn)
        go.addWidget(self.progress, 1)
        v = QVBoxLayout(self)
        note = QLabel("Every letter is filed on its own case, as its own PDF, with a chronology entry.")
        note.setStyleSheet(theme.css("muted"))
        v.addWidget(note)
        v.addWidget(select)
        v.addWidget(letter)
        v.addWidget(out)
        v.addLayout(go)
        v.addWidget(self.stage)
        v.addWidget(self.report)
        v.addStretch(1)

        self.subject.currentIndexChanged.connect(lambda _i: self._subject_changed())
        self.template.currentIndexChanged.connect(lambda _i: self.update_count(reload=True))
        for box in filters:
            box.currentIndexChanged.connect(lambda _i: self.update_count())
        for on in (self.from_on, self.to_on):
            on.toggled.connect(lambda _b: self.update_count())
        for day in (self.from_date, self.to_date):
            day.dateChanged.connect(lambda _d: self.update_count())
        self.search.editingFinished.connect(self.update_count)
        self._subject_changed()

    def subject_value(self) -> Subject:
        return Subject(self.subject.currentData())  # Qt hands a StrEnum back as a plain str

    def _fill_templates(self) -> None:
        self.template.blockSignals(True)
        self.template.clear()
        for c in self.services.letters.choices(self.subject_value()):
            if c.is_template_letter:
                self.template.addItem(c.name, c.code)
        self.template.blockSignals(False)

    def _subject_changed(self) -> None:
        subject = self.subject_value()
        cases = subject is Subject.CASE
        for box in (self.status, self.priority):
            box.setVisible(cases)
        self.notice_stage.setVisible(subject is Subject.NOTICE)
        records = {Subject.CASE: "cases", Subject.NOTICE: "notices"}.get(subject, "referrals")
        self.skip.setText(f"Skip {records} missing information (they are listed)")
        for box in (self.ward, self.officer):  # a referral has no case officer, and its ward is its own
            box.setVisible(subject is not Subject.REFERRAL)
        self._fill_templates()
        self.update_count(reload=True)

    def query(self) -> CaseQuery:
        return CaseQuery(
            text=self.search.text(),
            status=self.status.currentData(),
            priority=self.priority.currentData(),
            ward_id=self.ward.currentData(),
            officer_id=self.officer.currentData(),
            reported_from=pydate(self.from_date.date()) if self.from_on.isChecked() else None,
            reported_to=pydate(self.to_date.date()) if self.to_on.isChecked() else None,
            sort="reference",
            descending=False,
        )

    def notice_query(self) -> NoticeQuery:
        return NoticeQuery(
            kind=NOTICE_KIND_FOR_TEMPLATE.get(self.template.currentData() or "", "none"),
            stage=self.notice_stage.currentData(),
            officer_id=self.officer.currentData(),
            ward_id=self.ward.currentData(),
            issued_from=pydate(self.from_date.date()) if self.from_on.isChecked() else None,
            issued_to=pydate(self.to_date.date()) if self.to_on.isChecked() else None,
            text=self.search.text(),
            sort="issued_on",
            descending=False,
        )

    def case_ids(self) -> Sequence[uuid.UUID]:
        """The records the merge would write to (cases or notices, as chosen)."""
        return self._finder()()

    def _finder(self) -> Callable[[], Sequence[uuid.UUID]]:
        """Reads the ids of the records the filters choose; made here (the filters are widgets), callable on
        a worker (it asks services only)."""
        services = self.services
        if self.subject_value() is Subject.REFERRAL:
            referral_query = ReferralQuery(
                text=self.search.text(),
                referred_from=pydate(self.from_date.date()) if self.from_on.isChecked() else None,
                referred_to=pydate(self.to_date.date()) if self.to_on.isChecked() else None,
            )
            actor = services.actor
            return lambda: [r.id for r in services.safer_homes_read.rows(actor, referral_query)]
        if self.subject_value() is Subject.NOTICE:
            notice_query = self.notice_query()
            return lambda: services.notices.notice_ids(notice_query)
        case_query = self.query()
        return lambda: services.case_list.case_ids(case_query)

    def update_count(self, reload: bool = False) -> None:
        services, subject = self.services, self.subject_value()
        code: str | None = self.template.currentData()
        find = self._finder()
        fields = reload or not self.fields.widgets

        def work() -> tuple[Sequence[uuid.UUID], MergeRestriction, list[AskedField] | str | None]:
            ids = find()
            from cspdesk.core.services.letters import merge_restriction

            restriction = merge_restriction(services.letters, services.actor, subject, ids)
            return ids, restriction, (_blank_questions(services, subject, code, ids) if fields else None)

        self.count_loader.load(work, lambda result: self._show_count(subject, *result))

    def _show_count(
        self,
        subject: Subject,
        ids: Sequence[uuid.UUID],
        restriction: MergeRestriction,
        questions: list[AskedField] | str | None,
    ) -> None:
        n = len(ids)
        what = {Subject.CASE: "case", Subject.NOTICE: "notice"}.get(subject, "referral")
        self.count.setText(f"{n:,} {what}{'s' if n != 1 else ''} match")
        self.restriction = restriction
        note = restriction.note
        if isinstance(questions, str):  # never blank boxes without a word: say why there are none
            note = f"{note} {questions}".strip()
            questions = []
        self.restricted_note.setText(note)
        self.restricted_note.setVisible(bool(note))
        if questions is not None:
            self.fields.set_fields(questions)

    def load_fields(self, ids: Sequence[uuid.UUID] | None = None) -> None:
        """Boxes for what the officer writes once for every letter: the fields the template asks for that
        the first matching case leaves blank (those a case fills in, such as its dates, stay per case)."""
        ids = self.case_ids() if ids is None else ids
        questions = _blank_questions(self.services, self.subject_value(), self.template.currentData(), ids)
        self.fields.set_fields([] if isinstance(questions, str) else questions)

    def run(self) -> Task | None:
        if self.count_loader.loading:  # the letter's questions are still on their way
            self.stage.setText("Still counting the matching records: try again in a moment.")
            return None
        ids = self.case_ids()
        if not ids:
            self.prompts.error("No letters produced", "Nothing matches these filters.")
            return None
        name = self.template.currentText()
        actor, letters, subject = self.services.actor, self.services.letters, self.subject_value()
        from cspdesk.core.services.letters import merge_restriction

        shut = merge_restriction(letters, actor, subject, ids)
        if not self.prompts.confirm(
            "Produce letters",
            f"Produce '{name}' for {len(ids):,} record{'s' if len(ids) != 1 else ''}? "
            f"Each letter is filed on its case." + (f"\n\n{shut.note}" if shut.note else ""),
        ):
            return None
        reason: str | None = None
        if shut.reason_needed:  # one reason for all the restricted records, asked before anything is read
            n = len(shut.to_look_at)
            reason = self.prompts.ask_text(
                "Reason for looking", MERGE_QUESTION.format(n=n, s="s" if n != 1 else "")
            )
            if reason is None or not reason.strip():
                self.stage.setText("No letters produced: a reason is needed for the restricted records.")
                return None
        folder = None
        if self.separate.isChecked():
            folder = self.prompts.ask_folder("Folder for the letters")
            if folder is None:
                return None
        code, typed = self.template.currentData(), self.fields.values()
        combined, large, skip = self.combined.isChecked(), self.large_print.isChecked(), self.skip.isChecked()
        self.result = None
        self.report.clear()
        self._busy(True)

        def work(report: Callable[[str, int, int], None], cancelled: Callable[[], bool]) -> BatchResult:
            from cspdesk.core.services.letters import run_batch

            return run_batch(
                letters,
                actor,
                subject,
                code,
                ids,
                combined=combined,
                typed=typed,
                large_print=large,
                skip_incomplete=skip,
                progress=report,
                cancelled=cancelled,
                reason=reason,
            )

        self.task = self.tasks.start(work, lambda r: self._done(r, folder), self._failed, self._progress)
        return self.task

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.stage.setText("Cancelling…")

    def _busy(self, busy: bool) -> None:
        self.run_btn.setEnabled(not busy and self.can_write)
        self.cancel_btn.setEnabled(busy)
        if busy:
            self.progress.setRange(0, 0)
        else:
            self.task = None

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.stage.setText(f"{stage}…")
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        if isinstance(exc, UserError):
            self.stage.setText("No letters were filed.")
            self.report.setPlainText(str(exc))
            if not isinstance(exc, ValidationError):
                self.prompts.info("Mail merge", str(exc))
            return
        raise exc

    def _done(self, result: BatchResult, folder: Path | None) -> None:
        self._busy(False)
        self.result = result
        self.bus.changes_applied.emit(result.changes)
        lines = [f"{result.letters:,} letters produced and filed on their cases."]
        if result.left_out:
            lines.append(result.left_out_note)
        if result.skipped:
            lines.append(f"{len(result.skipped)} skipped (missing information):")
            lines += [f"• {p.label}: {p.message}" for p in result.skipped]
        if folder is not None:
            try:
                for name, pdf in result.files:
                    (folder / name).write_bytes(pdf)
                lines.insert(1, f"Saved {len(result.files):,} files in {folder}.")
            except OSError as exc:
                self.prompts.error(
                    "Letters not saved",
                    f"The files could not be written to {folder}: {exc}. "
                    "The letters are filed on the cases; save them from there.",
                )
        self.stage.setText("Done.")
        self.report.setPlainText("\n".join(lines))
        if result.combined is not None:
            self.preview = LetterPreviewDialog(
                result.combined,
                f"{result.title} × {result.letters}",
                f"{result.title} mail merge.pdf",
                self.prompts,
                note="Filed on every case. Print this file to post them.",
                parent=self,
            )
            self.preview.open()


def _date_box(day: QDate) -> QDateEdit:
    box = QDateEdit(day)
    box.setCalendarPopup(True)
    box.setDisplayFormat("dd/MM/yyyy")
    return box


def _blank_questions(
    services: Services, subject: Subject, code: str | None, ids: Sequence[uuid.UUID]
) -> list[AskedField] | str:
    """What the officer writes once for every letter (on a worker: services only): the template's questions
    that the first matching record leaves blank (``merge_questions``: no value comes back, so a restricted
    first record needs no reason here). When they cannot be read, why, in plain words, instead of boxes
    silently missing."""
    from cspdesk.core.services.letters import merge_questions

    try:
        return merge_questions(services.letters, services.actor, subject, code, ids)
    except UserError as exc:
        return f"The letter's questions could not be read from the first record: {exc}"
