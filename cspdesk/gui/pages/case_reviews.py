"""Case Reviews (the Community Trigger): the applications with their next due date (overdue in red), a
new application, one application walked through the process, and the statutory annual figures."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.vocab import CaseReviewStatus
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.services.case_review import APPLICANT_KINDS, CHANNELS, ApplicationInput
from cspdesk.gui import theme
from cspdesk.gui.laptop import SideBySide
from cspdesk.gui.loading import PageLoader, when_shown
from cspdesk.gui.pages.case_review_forms import FieldSpec, Form
from cspdesk.gui.pages.case_review_view import ApplicationView, _d, fill, table
from cspdesk.gui.qt_helpers import named

if TYPE_CHECKING:
    from cspdesk.core.services.case_review import CaseReviewRow, LinkedCase
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.prompts import Prompts
    from cspdesk.gui.tasks import TaskRunner
    from cspdesk.gui.widgets.documents_panel import DocumentsPanel


class CaseLinker(QWidget):
    """Find cases by reference and tick the ones the application is about."""

    def __init__(self, find_cases: Callable[[str], list[LinkedCase]]) -> None:
        super().__init__()
        # not ``self.find``: that would hide QWidget.find(), which looks a widget up by its window id
        self.find_cases = find_cases
        self.search = named(QLineEdit(placeholderText="Type a case reference, e.g. ASB-2023"), "caseFind")
        self.results = named(QListWidget(), "caseResults")
        self.results.setFixedHeight(110)
        self.chosen: dict[uuid.UUID, str] = {}
        self.search.textChanged.connect(self.refresh)
        self.results.itemChanged.connect(self._toggled)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.search)
        v.addWidget(self.results)

    def refresh(self) -> None:
        self.results.blockSignals(True)
        self.results.clear()
        for c in self.find_cases(self.search.text()):
            item = QListWidgetItem(f"{c.reference} — {c.title}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c.id in self.chosen else Qt.CheckState.Unchecked)
            self.results.addItem(item)
        self.results.blockSignals(False)

    def _toggled(self, item: QListWidgetItem) -> None:
        cid = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self.chosen[cid] = item.text()
        else:
            self.chosen.pop(cid, None)

    def value(self) -> tuple[uuid.UUID, ...]:
        return tuple(self.chosen)


class CaseReviewsPage(QWidget):
    services: Services

    title = "Case Reviews"

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
        self.cr = services.case_reviews
        self.bus = bus
        self.prompts = prompts
        self.rows: list[CaseReviewRow] = []
        # The list is read on a worker (issue 19: the first opening read it on the GUI thread).
        self.loader = PageLoader(self, tasks, "the applications", "crLoading")
        self._select_when_loaded: uuid.UUID | None = None  # asked for while the list was on its way
        self._figures_stale = True  # the annual figures are read when their tab is shown
        self.tabs = named(QTabWidget(), "caseReviewTabs")
        self.tabs.addTab(self._applications_tab(), "Applications")
        self.figures_tab = self._figures_tab()
        self.tabs.addTab(self.figures_tab, "Annual figures")
        self.tabs.currentChanged.connect(lambda _i: self._figures_if_stale())
        QVBoxLayout(self).addWidget(self.tabs)
        bus.changes_applied.connect(when_shown(self, self._on_changes))
        if hasattr(bus, "show_case_reviews"):
            bus.show_case_reviews.connect(self.show_filter)
        self.refresh()

    # ----- applications
    def _applications_tab(self) -> QWidget:
        self.search = named(QLineEdit(placeholderText="Search reference or applicant"), "crSearch")
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.status = named(QComboBox(), "crStatusFilter")
        for value, label in [
            (None, "All"),
            ("open", "Open"),
            ("overdue", "Overdue"),
        ] + CaseReviewStatus.choices():
            self.status.addItem(label, value)
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.new_btn = named(QPushButton("New application…"), "newApplication")
        self.new_btn.clicked.connect(self.new_application)
        self.letters_btn = named(QPushButton("Letters…"), "crLetters")
        self.letters_btn.setToolTip("Letters to the applicant (Ctrl+L)")
        self.letters_btn.clicked.connect(self.open_letters)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.open_letters)
        self.count = named(QLabel(), "crCount")
        self.table = table(
            ["Reference", "Applicant", "Received", "Status", "Next due", "Due by"],
            "crTable",
            "Case Review applications",
        )
        self.table.setMinimumWidth(470)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, width in enumerate((88, 128, 78, 100, 112, 78)):
            header.resizeSection(i, width)
        self.table.itemSelectionChanged.connect(self._selected)

        self.view = ApplicationView(self.services, self._changed)
        self.linker = CaseLinker(self.cr.find_cases)
        self.new_form = Form(
            "New Case Review application",
            [
                FieldSpec("received_on", "Received on", "date"),
                FieldSpec("channel", "How it came in", "choice", list(CHANNELS.items())),
                FieldSpec("applicant_name", "Applicant", "text"),
                FieldSpec("applicant_kind", "The victim is a", "choice", list(APPLICANT_KINDS.items())),
                FieldSpec(
                    "applicant_contact",
                    "Postal address and contact",
                    "multiline",
                    help="The address, then a phone or email: letters print the address only.",
                ),
                FieldSpec(
                    "on_behalf_of",
                    "On behalf of (victim)",
                    "text",
                    help="Only if someone applies for the victim (family, friend, councillor, MP).",
                ),
                FieldSpec("third_party_relationship", "Applicant's connection", "text"),
                FieldSpec("consent_recorded_on", "Victim's written consent", "optdate"),
                FieldSpec("problem", "The problem", "multiline"),
            ],
            self._record,
            "Record application",
            "newApplicationForm",
        )
        self.new_form.set("consent_recorded_on", None)
        links = QLabel("<b>Linked cases</b>")
        self.case_error = named(QLabel(""), "error_case_ids")
        self.case_error.setStyleSheet(theme.css("alert"))
        self.new_form.errors["case_ids"] = self.case_error  # shown beside the case finder
        new_page = QWidget()
        v = QVBoxLayout(new_page)
        v.addWidget(self.new_form)
        v.addWidget(links)
        v.addWidget(self.linker)
        v.addWidget(self.case_error)
        v.addStretch(1)
        self.right = QStackedWidget()
        self.right.addWidget(
            QLabel("Select an application, or record a new one.", alignment=Qt.AlignmentFlag.AlignCenter)
        )
        self.right.addWidget(self.view)
        self.right.addWidget(new_page)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.right)
        # It never scrolls sideways, so it must never be narrower than its forms: nothing cut off (issue 19).
        scroll.setMinimumWidth(
            self.right.minimumSizeHint().width()
            + scroll.verticalScrollBar().sizeHint().width()
            + 2 * scroll.frameWidth()
        )

        left = QWidget()
        lv = QVBoxLayout(left)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.status, 1)
        lv.addLayout(bar)
        lv.addWidget(self.loader.status)
        lv.addWidget(self.table, 1)
        foot = QHBoxLayout()
        foot.addWidget(self.new_btn)
        foot.addWidget(self.letters_btn)
        foot.addStretch(1)
        foot.addWidget(self.count)
        lv.addLayout(foot)
        split = SideBySide()  # the list above the application on a laptop's screen (issue 19)
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([615, 705])
        return split

    def show_filter(self, key: str) -> None:
        self.tabs.setCurrentIndex(0)
        self.status.setCurrentIndex(max(0, self.status.findData(key)))

    def refresh(self) -> None:
        """Read the list on a worker (at once without a task runner), then show it, keeping the selection."""
        selected = self._select_when_loaded or self.current_id()
        key, text, cr = self.status.currentData(), self.search.text(), self.cr
        status, overdue_only = ("open" if key == "overdue" else key), key == "overdue"
        self.loader.load(
            lambda: cr.list_applications(status, text, overdue_only=overdue_only),
            lambda rows: self._show_rows(rows, selected),
        )

    def _show_rows(self, rows: list[CaseReviewRow], selected: uuid.UUID | None) -> None:
        selected = self._select_when_loaded or selected
        self._select_when_loaded = None
        self.rows = rows
        fill(
            self.table,
            [
                [
                    r.reference,
                    r.applicant,
                    _d(r.received_on),
                    r.status_label,
                    ("OVERDUE: " if r.overdue else "") + r.next_due,
                    _d(r.next_due_on),
                ]
                for r in self.rows
            ],
            [r.overdue for r in self.rows],
        )
        self.count.setText(f"{len(self.rows)} application{'s' if len(self.rows) != 1 else ''}")
        if selected is not None:
            self._select_now(selected)

    def current_id(self) -> uuid.UUID | None:
        r = self.table.currentRow()
        return self.rows[r].id if 0 <= r < len(self.rows) else None

    def select(self, application_id: uuid.UUID) -> None:
        if self.loader.loading:  # the list is on its way: selected when it is shown
            self._select_when_loaded = application_id
            return
        self._select_now(application_id)

    def _select_now(self, application_id: uuid.UUID) -> None:
        for i, r in enumerate(self.rows):
            if r.id == application_id:
                self.table.blockSignals(True)
                self.table.selectRow(i)
                self.table.blockSignals(False)
                self._show(application_id, keep_form=True)
                return

    def _selected(self) -> None:
        aid = self.current_id()
        if aid is not None:
            self._show(aid)

    def _show(self, application_id: uuid.UUID, keep_form: bool = False) -> None:
        try:
            self.view.show_detail(self.cr.detail(application_id), keep_form)
        except UserError as exc:
            self.prompts.error("Application not opened", str(exc))
            return
        self.right.setCurrentWidget(self.view)

    def open_letters(self) -> DocumentsPanel | None:
        """Acknowledgement, threshold decision and outcome letters, filed on the application."""
        aid = self.current_id()
        if aid is None:
            self.prompts.info("Letters", "Select an application first.")
            return None
        from cspdesk.core.services.letters import Subject
        from cspdesk.gui.widgets.documents_panel import open_documents_dialog

        ref = next((r.reference for r in self.rows if r.id == aid), "Case Review")
        self.documents_panel = open_documents_dialog(
            self, self.services, self.bus, self.prompts, aid, ref, Subject.APPLICATION
        )
        return self.documents_panel

    def new_application(self) -> None:
        self.new_form.clear_errors()
        self.right.setCurrentIndex(2)

    def _record(self, v: dict[str, Any]) -> None:
        new_id = self.cr.record_application(
            self.services.actor,
            ApplicationInput(
                received_on=v["received_on"],
                channel=v["channel"],
                applicant_name=v["applicant_name"],
                applicant_kind=v["applicant_kind"],
                problem=v["problem"],
                applicant_contact=v["applicant_contact"],
                case_ids=self.linker.value(),
                on_behalf_of=v["on_behalf_of"],
                third_party_relationship=v["third_party_relationship"],
                consent_recorded_on=v["consent_recorded_on"],
            ),
        )
        from cspdesk.core.services.context import Changes

        self.status.setCurrentIndex(0)
        self.search.clear()
        self._changed(Changes.of("case_review", "chronology", ids=(new_id,)))
        self.select(new_id)

    def _changed(self, changes: Changes) -> None:
        self.bus.changes_applied.emit(changes)

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches("case_review", "case", "incident", "setting"):
            self.refresh()
            self._figures_stale = True
            self._figures_if_stale()

    def _figures_if_stale(self) -> None:
        """The annual figures, read when their tab is on show (not on the first opening of the page)."""
        if self._figures_stale and self.tabs.currentWidget() is self.figures_tab:
            self.show_figures()

    # ----- the annual figures
    def _figures_tab(self) -> QWidget:
        self.year = named(QLineEdit(self.cr.default_period_text()), "figuresYear")
        self.year.returnPressed.connect(self.show_figures)
        show = named(QPushButton("Show"), "figuresShow")
        show.clicked.connect(self.show_figures)
        csv_btn = named(QPushButton("Save CSV…"), "figuresCsv")
        csv_btn.clicked.connect(lambda: self._save("csv"))
        pdf_btn = named(QPushButton("Save printable PDF…"), "figuresPdf")
        pdf_btn.clicked.connect(lambda: self._save("pdf"))
        self.year_error = named(QLabel(""), "error_year")
        self.year_error.setStyleSheet(theme.css("alert"))
        self.figures_text = named(QLabel(), "figuresText")
        self.figures_text.setWordWrap(True)
        self.figures_text.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.figures_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Year (e.g. 2022/23, 2022, or 2022-04-01..2023-03-31):"))
        bar.addWidget(self.year)
        for b in (show, csv_btn, pdf_btn):
            bar.addWidget(b)
        bar.addStretch(1)
        w = QWidget()
        v = QVBoxLayout(w)
        v.addLayout(bar)
        v.addWidget(self.year_error)
        v.addWidget(self.figures_text, 1)
        return w

    def show_figures(self) -> None:
        self._figures_stale = False
        self.year_error.setText("")
        try:
            f = self.cr.figures(self.year.text())
        except ValidationError as exc:
            self.year_error.setText(exc.fields.get("year", str(exc)))
            self.figures_text.setText("")  # never the last year's figures under a year that was refused
            return
        body = "".join(
            f"<p><b>{h}:</b> {n}<br><i>{s}</i></p>"
            for (h, s), (_m, n) in zip(self.cr.figures_sentences(f), f.as_rows(), strict=True)
        )
        self.figures_text.setText(
            "<h2>Community Trigger</h2><p>Legislation requires that each Community Safety Partnership "
            f"publishes information with regard to the use of the Community Trigger:</p>{body}<p "
            f"style='color:{theme.colour('muted')}'>{f.period.label}: "
            f"{_d(f.period.start)} to {_d(f.period.end)}.</p>"
        )

    def _save(self, fmt: str) -> None:
        year = self.year.text()
        try:
            f = self.cr.figures(year)
        except ValidationError as exc:
            self.year_error.setText(exc.fields.get("year", str(exc)))
            return
        path = self.prompts.ask_save_file(
            "Save the Community Trigger figures",
            f"community-trigger-{f.period.label.replace('/', '-')}.{fmt}",
            "CSV files (*.csv)" if fmt == "csv" else "PDF files (*.pdf)",
        )
        if path is None:
            return
        from cspdesk.core.services.case_review import figures_csv

        if fmt == "csv":
            path.write_text(figures_csv(f), encoding="utf-8", newline="")
        else:
            path.write_bytes(self.cr.figures_pdf(year))
