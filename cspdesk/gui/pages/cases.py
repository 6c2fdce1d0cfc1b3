"""ASB Cases: the list of every case — search, filter, sort — with the selected case's summary."""

from __future__ import annotations

import html
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.clock import current as clock
from cspdesk.core.domain.vocab import CaseStatus, PriorityTheme, RiskLevel
from cspdesk.core.domain.wording import count_of
from cspdesk.core.errors import UserError
from cspdesk.core.services.cases import CaseQuery
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus, when_ready
from cspdesk.gui.column_widths import ColumnWidths
from cspdesk.gui.laptop import keep_whole
from cspdesk.gui.loading import PageLoader, when_shown
from cspdesk.gui.models.case_table import COLUMNS, CaseTableModel
from cspdesk.gui.models.paged_ids import PAGE
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.forms import find_data

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services
    from cspdesk.gui.tasks import TaskRunner


class CasesPage(QWidget):
    services: Services

    title = "ASB Cases"
    case_activated = Signal(object)  # case id (Enter / double-click)

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
        self.query = CaseQuery(status=CaseStatus.OPEN.value)
        # The first list is read on a worker once the services have loaded (issue 19: the first opening read
        # 100,000 cases' ids and the first rows on the GUI thread); the quick start's own list stays at once.
        self.loader = PageLoader(self, tasks, "the cases", "casesLoading")
        self._build()
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.apply_filters)
        bus.changes_applied.connect(when_shown(self, self._on_changes))
        bus.show_cases.connect(self.show_query)
        self._load_options()
        when_ready(services, bus, self._load_saved)  # saved filters are not on the quick first screen
        if getattr(services, "ready", True):
            self._first_query()
        else:
            self.run_query()

    # ----- layout
    def _build(self) -> None:
        self.search = QLineEdit(placeholderText="Search reference, name, address or postcode   (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("caseSearch")
        self.status = named(QComboBox(), "statusFilter")
        self.status.addItem("Any status", None)
        for value, label in CaseStatus.choices():
            self.status.addItem(label, value)
        self.status.setCurrentIndex(self.status.findData(CaseStatus.OPEN.value))
        self.priority = named(QComboBox(), "priorityFilter")
        self.priority.addItem("Any priority", None)
        for value, label in PriorityTheme.choices():
            self.priority.addItem(label, value)
        self.risk = named(QComboBox(), "riskFilter")
        self.risk.addItem("Any risk", None)
        for value, label in RiskLevel.choices():
            self.risk.addItem(label, value)
        self.ward = named(QComboBox(), "wardFilter")
        self.officer = named(QComboBox(), "officerFilter")
        self.from_on = QCheckBox("From")
        self.from_date = _date_edit()
        self.to_on = QCheckBox("to")
        self.to_date = _date_edit()
        day = clock().today()
        today = QDate(day.year, day.month, day.day)
        self.from_date.setDate(today.addMonths(-12))
        self.to_date.setDate(today)
        self.from_on.toggled.connect(self.from_date.setEnabled)
        self.to_on.toggled.connect(self.to_date.setEnabled)
        for combo in (self.status, self.priority, self.risk, self.ward, self.officer):
            combo.currentIndexChanged.connect(self.apply_filters)
        for check in (self.from_on, self.to_on):
            check.toggled.connect(self.apply_filters)
        for edit in (self.from_date, self.to_date):
            edit.dateChanged.connect(self.apply_filters)
        self.clear_btn = QPushButton("Clear filters")
        self.clear_btn.clicked.connect(self.clear_filters)
        self.saved = named(QComboBox(), "savedFilters")
        self.saved.setMinimumWidth(230)
        self.saved.activated.connect(self._apply_saved)
        self.save_filter_btn = named(QPushButton("Save filter…"), "saveFilter")
        self.save_filter_btn.clicked.connect(self.save_filter)
        self.delete_filter_btn = named(QPushButton("Delete saved filter"), "deleteFilter")
        self.delete_filter_btn.clicked.connect(self.delete_filter)
        self.export_btn = named(QPushButton("Export…"), "exportCases")
        self.export_btn.setToolTip("Save the cases listed, in this order, as CSV or Excel")
        self.export_btn.clicked.connect(self.export)
        self.new_btn = named(QPushButton("New case  (Ctrl+N)"), "newCase")
        self.new_btn.clicked.connect(lambda: self.bus.new_case.emit())
        self.message = named(QLabel(), "filterMessage")
        self.message.setStyleSheet(theme.css("alert"))
        self.count = named(QLabel(), "caseCount")

        self.model = CaseTableModel(self.services.case_list.rows_for, on_sort=self._sort)
        self.table = named(QTableView(), "caseTable", "Cases")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSortIndicator(
            [c[0] for c in COLUMNS].index("reported_on"), Qt.SortOrder.DescendingOrder
        )
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        keep_whole(
            self.table, [0]
        )  # the reference, when columns narrow to a small window (laptop.ColumnsFit)
        # Fitted to the header and the first rows when the list first has rows; the user's widths kept.
        self.columns = ColumnWidths(
            self.table,
            "caseList",
            [c[0] for c in COLUMNS],
            caps={"title": 300, "parties": 320, "location": 260},
        )
        self.table.doubleClicked.connect(lambda idx: self._activate(idx.row()))
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._show_summary(cur.row())
        )
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(lambda: self._activate(self.table.currentIndex().row()))

        self.summary = named(QTextBrowser(), "caseSummary", "Case summary")
        self.summary.setOpenExternalLinks(False)
        self.summary.setMinimumWidth(320)

        saved_row = QHBoxLayout()
        saved_row.addWidget(QLabel("Saved filters:"))
        saved_row.addWidget(self.saved)
        saved_row.addWidget(self.save_filter_btn)
        saved_row.addWidget(self.delete_filter_btn)
        saved_row.addStretch(1)
        saved_row.addWidget(self.export_btn)
        saved_row.addWidget(self.new_btn)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for combo in (self.status, self.priority, self.risk, self.ward, self.officer):
            filters.addWidget(combo, 1)
        dates = QHBoxLayout()
        for w in (self.from_on, self.from_date, self.to_on, self.to_date, self.clear_btn, self.message):
            dates.addWidget(w)
        dates.addStretch(1)
        dates.addWidget(self.count)

        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.summary)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(saved_row)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addWidget(self.loader.status)
        layout.addWidget(splitter, 1)
        QShortcut(QKeySequence.StandardKey.Find, self).activated.connect(self.focus_search)

    def _load_options(self) -> None:
        opts = self.services.case_list.filter_options()
        for combo, label, items in (
            (self.ward, "Any ward", opts.wards),
            (self.officer, "Any officer", opts.officers),
        ):
            combo.blockSignals(True)
            current = combo.currentData()
            combo.clear()
            combo.addItem(label, None)
            for id_, name in items:
                combo.addItem(name, id_)
            if current is not None and (i := find_data(combo, current)) >= 0:
                combo.setCurrentIndex(i)
            combo.blockSignals(False)

    # ----- saved filters and export
    def _load_saved(self, select: str | None = None) -> None:
        current = select or self.saved.currentText()
        self.saved_filters = self.services.saved_filters.filters(self.services.actor)
        self.saved.blockSignals(True)
        self.saved.clear()
        self.saved.addItem("Choose a saved filter…", None)
        for i, f in enumerate(self.saved_filters):
            self.saved.addItem(f.name + ("" if f.built_in else "  (mine)"), i)
        self.saved.setCurrentIndex(max(0, self.saved.findText(current)))
        self.saved.blockSignals(False)

    def _apply_saved(self, index: int) -> None:
        i = self.saved.itemData(index)
        if i is not None:
            self.show_query(self.saved_filters[i].query)

    def save_filter(self) -> None:
        name = self.prompts.ask_text(
            "Save filter", "Name this filter (it keeps the search, filters and order):"
        )
        if name is None:
            return
        try:
            _, changes = self.services.saved_filters.save(self.services.actor, name, self.query)
        except UserError as exc:
            self.prompts.error("Filter not saved", str(exc))
            return
        self._load_saved(select=f"{name.strip()}  (mine)")
        self.bus.changes_applied.emit(changes)

    def delete_filter(self) -> None:
        i = self.saved.currentData()
        f = self.saved_filters[i] if i is not None else None
        if f is None or f.built_in:
            self.prompts.info("Delete saved filter", "Choose one of your own saved filters first.")
            return
        if not self.prompts.confirm("Delete saved filter", f"Delete the filter '{f.name}'?"):
            return
        try:
            self.services.saved_filters.delete(self.services.actor, f.id)
        except UserError as exc:
            self.prompts.error("Filter not deleted", str(exc))
            return
        self._load_saved()

    def export(self) -> None:
        ids = self.model.ids()
        if not ids:
            self.prompts.info("Export", "No cases are listed, so there is nothing to export.")
            return
        target = self.prompts.ask_save_file(
            "Export cases", f"cases-{clock().today():%Y-%m-%d}.xlsx", "Excel (*.xlsx);;CSV (*.csv)"
        )
        if target is None:
            return
        from cspdesk.core.services.cases import export_cases

        try:
            n = export_cases(self.services.case_list, ids, target)
        except UserError as exc:
            self.prompts.error("Not exported", str(exc))
            return
        except OSError as exc:
            self.prompts.error("Not exported", f"{target} could not be written: {exc.strerror or exc}")
            return
        self.prompts.info("Exported", f"{n:,} cases written to {target}.")

    # ----- behaviour
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def clear_filters(self) -> None:
        quiet: tuple[QWidget, ...] = (
            self.status,
            self.priority,
            self.risk,
            self.ward,
            self.officer,
            self.from_on,
            self.to_on,
            self.search,
        )
        for w in quiet:
            w.blockSignals(True)
        self.status.setCurrentIndex(0)
        for combo in (self.priority, self.risk, self.ward, self.officer):
            combo.setCurrentIndex(0)
        self.from_on.setChecked(False)
        self.to_on.setChecked(False)
        self.search.clear()
        for w in quiet:
            w.blockSignals(False)
        self.from_date.setEnabled(False)
        self.to_date.setEnabled(False)
        self.query = CaseQuery(sort=self.query.sort, descending=self.query.descending)
        self.saved.setCurrentIndex(0)
        self.apply_filters()

    def apply_filters(self) -> None:
        from_d = _day(self.from_date) if self.from_on.isChecked() else None
        to_d = _day(self.to_date) if self.to_on.isChecked() else None
        if from_d and to_d and from_d > to_d:
            self.message.setText("The 'from' date is after the 'to' date: swap them to see cases.")
            return
        self.message.setText("")
        self.query = self.query.with_(
            text=self.search.text(),
            status=self.status.currentData(),
            priority=self.priority.currentData(),
            risk_level=self.risk.currentData(),
            ward_id=self.ward.currentData(),
            officer_id=self.officer.currentData(),
            reported_from=from_d,
            reported_to=to_d,
        )
        self.run_query()

    def show_query(self, query: CaseQuery) -> None:
        """Apply a query from elsewhere (e.g. a Dashboard count) and show it in the filter widgets."""
        self.query = query
        for combo, value in (
            (self.status, query.status),
            (self.priority, query.priority),
            (self.risk, query.risk_level),
            (self.ward, query.ward_id),
            (self.officer, query.officer_id),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, find_data(combo, value)))  # UUIDs: compare by value
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(query.text)
        self.search.blockSignals(False)
        self.run_query()

    def _sort(self, key: str, descending: bool) -> None:
        if (key, descending) == (self.query.sort, self.query.descending) or not hasattr(self, "summary"):
            return
        self.query = self.query.with_(sort=key, descending=descending)
        self.run_query()

    def _first_query(self) -> None:
        """The list as the page opens, and its first page of rows, read on a worker."""
        case_list, query, actor = self.services.case_list, self.query, self.services.actor

        def read():
            ids = case_list.case_ids(query, actor)
            return ids, case_list.rows_for(list(ids[:PAGE]))

        self.loader.load(read, lambda read: self._show_ids(*read))

    def run_query(self) -> None:
        self.loader.drop()  # a list asked for now replaces the first one still on its way
        self._show_ids(self.services.case_list.case_ids(self.query, self.services.actor))

    def _show_ids(self, ids: Sequence[uuid.UUID], rows: Mapping[uuid.UUID, object] | None = None) -> None:
        selected = self.current_case_id()
        self.model.today = clock().today()
        self.model.set_ids(ids, rows)
        self.columns.fit()
        self.count.setText(f"{len(ids):,} case{'s' if len(ids) != 1 else ''}")
        row = self.model.row_of(selected) if selected else -1
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.summary.setHtml(
                f"<p style='color:{theme.colour('muted')}'>Select a case to see its summary.</p>"
                if ids
                else f"<p style='color:{theme.colour('muted')}'>No cases match these filters.</p>"
            )

    def current_case_id(self) -> uuid.UUID | None:
        idx = self.table.currentIndex()
        return self.model.case_id(idx.row()) if idx.isValid() else None

    def _activate(self, row: int) -> None:
        cid = self.model.case_id(row)
        if cid is not None:
            self.case_activated.emit(cid)
            self.bus.open_case.emit(cid)

    def _show_summary(self, row: int) -> None:
        cid = self.model.case_id(row)
        if cid is None:
            return
        self.summary.setHtml(summary_html(self.services.cases.summary(cid)))

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches("case", "party", "incident", "action", "risk"):
            self.services.case_list.forget_names()
            self.run_query()
        if changes.touches("saved_filter", "setting"):
            self._load_saved()
        if changes.touches("user", "ward"):
            self.services.case_list.forget_names()
            self._load_options()
            self.model.invalidate()


def _date_edit() -> QDateEdit:
    """A day/month/year box with a calendar, off until its check box is ticked."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setEnabled(False)
    return edit


def _day(edit: QDateEdit) -> date:
    q = edit.date()
    return date(q.year(), q.month(), q.day())


def summary_html(s) -> str:  # a CaseSummary (not on the cases area's public face)
    e = html.escape
    parties = (
        "".join(
            f"<tr><td><b>{e(p.role)}</b></td><td>{e(p.name)}{f' ({p.age})' if p.age is not None else ''}"
            f"<br><span style='color:{theme.colour('muted')}'>{e(p.address)}</span></td></tr>"
            for p in s.parties
        )
        or "<tr><td colspan=2>No people recorded.</td></tr>"
    )
    recent = "".join(f"<li>{c.occurred_at:%d/%m/%Y} — {e(c.summary)}</li>" for c in s.recent)
    review = f"{s.next_review_on:%d/%m/%Y}" if s.next_review_on else "—"
    closed = f" ({e(s.closure_reason)})" if s.closure_reason else ""
    return (
        f"<h2 style='margin-bottom:0'>{e(s.reference)}</h2><h3 style='margin-top:2px'>{e(s.title)}</h3>"
        f"<table cellspacing=4><tr><td><b>Status</b></td><td>{e(s.status)}{closed}</td></tr>"
        f"<tr><td><b>Priority</b></td><td>{e(s.priority)}</td></tr>"
        f"<tr><td><b>Category</b></td><td>{e(s.category)}</td></tr>"
        f"<tr><td><b>Tags</b></td><td>{e(', '.join(s.tags))}</td></tr>"
        f"<tr><td><b>Reported</b></td><td>{s.reported_on:%d/%m/%Y} by {e(s.reported_via.lower())}</td></tr>"
        f"<tr><td><b>Where</b></td><td>{e(s.location)}<br>{e(s.ward)} ward</td></tr>"
        f"<tr><td><b>Officer</b></td><td>{e(s.officer)}</td></tr><tr><td><b>Risk</b></td><td>{e(s.risk)}; "
        f"review due {review}{' — repeat victim' if s.repeat_victim else ''}</td></tr>"
        f"<tr><td><b>Activity</b></td><td>{count_of(s.incidents, 'incident')}, "
        f"{count_of(s.open_actions, 'open action')}"
        f"{f' ({s.overdue_actions} overdue)' if s.overdue_actions else ''}, "
        f"{count_of(s.notices, 'notice')}</td></tr></table><h4>People</h4><table "
        f"cellspacing=4>{parties}</table><h4>Recent chronology</h4><ul>{recent}</ul><p>{e(s.description)}</p>"
    )
