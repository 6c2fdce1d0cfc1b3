"""Enforcement: the notice register across all cases, the due and overdue view ("My work"), and counts.

The selected notice is shown on the right with a button for each step allowed now.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.enforcement import Stage
from cspdesk.core.domain.vocab import NoticeKind, Role
from cspdesk.core.services.enforcement import NoticeQuery
from cspdesk.gui import theme
from cspdesk.gui.dialogs.enforcement_forms import as_id, date_edit, day_of, heading
from cspdesk.gui.dialogs.new_step import NewStepDialog
from cspdesk.gui.laptop import SideBySide, keep_whole
from cspdesk.gui.loading import PageLoader, when_shown
from cspdesk.gui.models.notice_table import COLUMNS, KEYS, NoticeTableModel
from cspdesk.gui.qt_helpers import named, qdate
from cspdesk.gui.theme import colour
from cspdesk.gui.widgets import notices_panel  # noqa: F401  (registers the case screen's Enforcement tab)
from cspdesk.gui.widgets.notice_detail import NoticeDetailView

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.enforcement import DueRow, NoticeCountsReport
    from cspdesk.core.services.registry import Services
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.prompts import Prompts
    from cspdesk.gui.tasks import TaskRunner

REGISTER_CHARACTERS = 80  # the register's least width, in characters, beside the notice's details
DUE_COLUMNS = ["Due", "What is due", "Notice", "Recipient", "Case", "Officer"]


def financial_year(d: date) -> tuple[date, date]:
    start = date(d.year if d.month >= 4 else d.year - 1, 4, 1)
    return start, date(start.year + 1, 3, 31)


class EnforcementPage(QWidget):
    services: Services

    title = "Enforcement"

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services, self.bus, self.prompts = services, bus, prompts
        # The due list and the counts are read on a worker (issue 19: 401 ms on first opening at 100,000
        # cases).
        self.due_loader = PageLoader(self, tasks, "the notices due", "dueStatus")
        self.counts_loader = PageLoader(self, tasks, "the counts", "countsStatus")
        self.register_loader = PageLoader(self, tasks, "the register", "registerStatus")
        self.query = NoticeQuery()
        self.dialog: NewStepDialog | None = None
        self._due_rows: Sequence[DueRow] = []
        self.detail = NoticeDetailView(services, bus, prompts)
        self.new_button = named(QPushButton("New enforcement step…"), "newEnforcementStep")
        self.new_button.setEnabled(services.actor.can(Role.OFFICER))
        self.new_button.clicked.connect(self.new_step)
        self.tabs = named(QTabWidget(), "enforcementTabs")
        self.tabs.addTab(self._register_tab(), "Register")
        self.tabs.addTab(self._due_tab(), "Due and overdue")
        self.tabs.addTab(self._counts_tab(), "Counts")
        # Side by side when the register has room for its columns beside the details; the details below it
        # when not (at 1.5× font on a 1366-wide screen the register's ten columns were cut to "WL-2…").
        self.tabs.setMinimumWidth(self.fontMetrics().averageCharWidth() * REGISTER_CHARACTERS)
        split = SideBySide()
        split.addWidget(self.tabs)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([960, 400])
        top = QHBoxLayout()
        top.addWidget(heading("Enforcement"))
        top.addStretch(1)
        top.addWidget(self.new_button)
        v = QVBoxLayout(self)
        v.addLayout(top)
        v.addWidget(split, 1)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.apply_filters)
        bus.changes_applied.connect(when_shown(self, self._on_changes))
        self._load_options()
        self.run_query()
        self.refresh_due()
        self.refresh_counts()

    # ----- register
    def _register_tab(self) -> QWidget:
        self.search = named(QLineEdit(placeholderText="Notice or case reference, or name"), "noticeSearch")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.kind = named(QComboBox(), "kindFilter")
        self.kind.addItem("Any type", None)
        for k in NoticeKind:
            self.kind.addItem(k.label, k.value)
        self.stage = named(QComboBox(), "stageFilter")
        self.stage.addItem("Any stage", None)
        for st in Stage:
            self.stage.addItem(st.label.capitalize(), st.value)
        self.officer = named(QComboBox(), "officerFilter")
        self.ward = named(QComboBox(), "wardFilter")
        self.from_on = QCheckBox("Issued from")
        self.from_date = date_edit(financial_year(self.services.notices.today())[0], "fromDate")
        self.to_on = QCheckBox("to")
        self.to_date = date_edit(self.services.notices.today(), "toDate")
        self.from_date.setEnabled(False)
        self.to_date.setEnabled(False)
        self.to_check = named(QCheckBox("Imported — dates to check"), "datesToCheckFilter")
        self.to_check.setToolTip(
            "Only notices brought in from an old register whose dates disagree with the statutory rules, "
            "not yet checked against the notice as served"
        )
        for combo in (self.kind, self.stage, self.officer, self.ward):
            combo.currentIndexChanged.connect(self.apply_filters)
        for check in (self.from_on, self.to_on, self.to_check):
            check.toggled.connect(self.apply_filters)
        for edit in (self.from_date, self.to_date):
            edit.dateChanged.connect(self.apply_filters)
        clear = named(QPushButton("Clear filters"), "clearFilters")
        clear.clicked.connect(self.clear_filters)
        self.message = named(QLabel(), "filterMessage")
        self.message.setStyleSheet(theme.css("alert"))
        self.count = named(QLabel(), "noticeCount")
        self.model = NoticeTableModel(self._rows_for, on_sort=self._sort)
        self.table = named(QTableView(), "noticeTable", "Notices")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSortIndicator(KEYS.index("issued_on"), Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        widths = {  # drawn for 13 px text: they grow with the font
            "kind": 120,
            "stage": 85,
            "recipient": 140,
            "ward": 130,
            "officer": 125,
            "next_due_what": 280,
        }
        # What a notice is known by, as wide as its text in the font in use.
        samples = {
            "reference": "PSPO-2026-0000",
            "case": "ASB-2026-00000",
            "issued_on": "00/00/0000",
            "next_due_on": "00/00/0000",
        }
        metrics = self.table.fontMetrics()
        # The reference cell may carry the "dates to check" icon (notice_table's decoration) before its text.
        icon = {"reference": self.table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 6}
        for i, (key, _) in enumerate(COLUMNS):
            width = (
                metrics.horizontalAdvance(samples[key]) + 18 + icon.get(key, 0)
                if key in samples
                else theme.font_px(widths[key])
            )
            self.table.horizontalHeader().resizeSection(i, width)
        # Narrowed to the table when room is short (laptop.ColumnsFit), but not what a notice is known by.
        keep_whole(self.table, [KEYS.index(k) for k in samples])
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        row1 = QHBoxLayout()
        row1.addWidget(self.search, 2)
        for combo in (self.kind, self.stage, self.officer, self.ward):
            row1.addWidget(combo, 1)
        row2 = QHBoxLayout()
        for w in (self.from_on, self.from_date, self.to_on, self.to_date, self.to_check, clear, self.message):
            row2.addWidget(w)
        row2.addStretch(1)
        row2.addWidget(self.register_loader.status)
        row2.addWidget(self.count)
        tab = QWidget()
        v = QVBoxLayout(tab)
        v.addLayout(row1)
        v.addLayout(row2)
        v.addWidget(self.table, 1)
        return tab

    def _rows_for(self, ids: list[uuid.UUID]) -> Mapping[uuid.UUID, object]:
        """The register's rows (``NoticeRow``) for the ids on screen, as the model holds them."""
        return self.services.notices.rows_for(ids)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show(self.model.notice_id(current.row()))

    def _load_options(self) -> None:
        wards, officers = self.services.notices.filter_options()
        for combo, label, items in ((self.ward, "Any ward", wards), (self.officer, "Any officer", officers)):
            combo.blockSignals(True)
            current = combo.currentData()
            combo.clear()
            combo.addItem(label, None)
            for id_, name in items:
                combo.addItem(name, str(id_))
            combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
            combo.blockSignals(False)

    def clear_filters(self) -> None:
        widgets = (
            self.kind,
            self.stage,
            self.officer,
            self.ward,
            self.from_on,
            self.to_on,
            self.to_check,
            self.search,
        )
        for w in widgets:
            w.blockSignals(True)
        for combo in (self.kind, self.stage, self.officer, self.ward):
            combo.setCurrentIndex(0)
        self.from_on.setChecked(False)
        self.to_on.setChecked(False)
        self.to_check.setChecked(False)
        self.search.clear()
        for w in widgets:
            w.blockSignals(False)
        self.apply_filters()

    def apply_filters(self) -> None:
        from_d = day_of(self.from_date) if self.from_on.isChecked() else None
        to_d = day_of(self.to_date) if self.to_on.isChecked() else None
        self.from_date.setEnabled(self.from_on.isChecked())
        self.to_date.setEnabled(self.to_on.isChecked())
        if from_d and to_d and from_d > to_d:
            self.message.setText("The 'from' date is after the 'to' date: swap them to see notices.")
            return
        self.message.setText("")
        self.query = self.query.with_(
            text=self.search.text(),
            kind=self.kind.currentData(),
            stage=self.stage.currentData(),
            officer_id=as_id(self.officer),
            ward_id=as_id(self.ward),
            issued_from=from_d,
            issued_to=to_d,
            dates_to_check=self.to_check.isChecked(),
        )
        self.run_query()

    def _sort(self, key: str, descending: bool) -> None:
        if (key, descending) == (self.query.sort, self.query.descending):
            return
        self.query = self.query.with_(sort=key, descending=descending)
        self.run_query()

    def run_query(self) -> None:
        """The register's notice ids are read on a worker (19,391 at 100,000 cases: 0.33 s in a profile of the
        page's first opening); the model reads the rows on screen, a page at a time."""
        notices, query = self.services.notices, self.query
        self.register_loader.load(lambda: notices.notice_ids(query), self._show_ids)

    def _show_ids(self, ids: Sequence[uuid.UUID]) -> None:
        self.model.today = self.services.notices.today()
        self.model.set_ids(ids)
        self.count.setText(f"{len(ids):,} notice{'s' if len(ids) != 1 else ''}")

    # ----- due and overdue / My work
    def _due_tab(self) -> QWidget:
        self.within = named(QSpinBox(minimum=0, maximum=365, value=14, suffix=" days"), "dueWithin")
        self.mine = named(QCheckBox("My work: only notices I issued"), "myWork")
        self.within.valueChanged.connect(lambda _v: self.refresh_due())
        self.mine.toggled.connect(lambda _v: self.refresh_due())
        self.due_count = named(QLabel(), "dueCount")
        self.due_table = named(QTableWidget(0, len(DUE_COLUMNS)), "dueTable", "Notices due")
        self.due_table.setHorizontalHeaderLabels(DUE_COLUMNS)
        self.due_table.verticalHeader().setVisible(False)
        self.due_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.due_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.due_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.due_table.horizontalHeader().setStretchLastSection(True)
        for i, width in enumerate((85, 300, 110, 140, 115)):
            self.due_table.setColumnWidth(i, width)
        self.due_table.currentCellChanged.connect(lambda r, _c, _pr, _pc: self._show_due(r))
        top = QHBoxLayout()
        for w in (QLabel("Overdue, and due within"), self.within, self.mine):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.due_count)
        tab = QWidget()
        v = QVBoxLayout(tab)
        v.addLayout(top)
        v.addWidget(self.due_loader.status)
        v.addWidget(self.due_table, 1)
        return tab

    def refresh_due(self) -> None:
        officer = self.services.actor.user_id if self.mine.isChecked() else None
        notices, within = self.services.notices, self.within.value()
        self.due_loader.load(lambda: notices.due(within, officer_id=officer), self._show_due_rows)

    def _show_due_rows(self, rows: Sequence[DueRow]) -> None:
        self._due_rows = rows
        self.due_table.setRowCount(len(rows))
        for r, d in enumerate(rows):
            values = [
                d.due_on.strftime("%d/%m/%Y"),
                d.what + (" — overdue" if d.overdue else ""),
                d.reference,
                d.recipient,
                d.case_reference,
                d.officer,
            ]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 1:
                    item.setToolTip(value)
                if c == 2:
                    item.setToolTip(d.kind)
                if d.overdue and c < 2:
                    item.setForeground(QColor(colour("alert")))
                self.due_table.setItem(r, c, item)
        overdue = sum(1 for d in rows if d.overdue)
        self.due_count.setText(f"{len(rows):,} due, {overdue:,} overdue")

    def _show_due(self, row: int) -> None:
        if 0 <= row < len(self._due_rows):
            self._show(self._due_rows[row].id)

    # ----- counts
    def _counts_tab(self) -> QWidget:
        start, end = financial_year(self.services.notices.today())
        self.count_from = date_edit(start, "countFrom")
        self.count_to = date_edit(end, "countTo")
        self.year = named(QComboBox(), "countYear")
        self.year.addItem("Choose a financial year…", None)
        y = start.year
        while y >= 2015:
            self.year.addItem(f"{y}/{str(y + 1)[2:]}", y)
            y -= 1
        self.year.currentIndexChanged.connect(self._year_chosen)
        for edit in (self.count_from, self.count_to):
            edit.dateChanged.connect(lambda _d: self.refresh_counts())
        self.counts_table = named(QTableWidget(0, 3), "countsTable", "Notices issued, by type")
        self.counts_table.setHorizontalHeaderLabels(["Type", "Issued", "Where they are now"])
        self.counts_table.verticalHeader().setVisible(False)
        self.counts_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.counts_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.counts_table.setColumnWidth(0, 260)
        self.action_taken = named(QLabel(), "actionTaken")
        self.action_taken.setWordWrap(True)
        self.action_taken.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action_taken.setStyleSheet(
            f"background: {theme.colour('panel_bg')}; border: 1px solid {theme.colour('panel_border')}; "
            "padding: 8px;"
        )
        top = QHBoxLayout()
        for w in (QLabel("Issued from"), self.count_from, QLabel("to"), self.count_to, self.year):
            top.addWidget(w)
        top.addStretch(1)
        tab = QWidget()
        v = QVBoxLayout(tab)
        v.addLayout(top)
        v.addWidget(self.counts_loader.status)
        v.addWidget(self.counts_table, 1)
        v.addWidget(QLabel("<b>For the partnership plan (“Action taken”)</b>"))
        v.addWidget(self.action_taken)
        return tab

    def _year_chosen(self) -> None:
        y = self.year.currentData()
        if y is None:
            return
        for edit, d in ((self.count_from, date(y, 4, 1)), (self.count_to, date(y + 1, 3, 31))):
            edit.blockSignals(True)
            edit.setDate(qdate(d))
            edit.blockSignals(False)
        self.refresh_counts()

    def refresh_counts(self) -> None:
        start, end = day_of(self.count_from), day_of(self.count_to)
        if start > end:
            self.action_taken.setText("The 'from' date is after the 'to' date.")
            self.counts_table.setRowCount(0)
            self.counts_loader.drop()  # a count still on its way is not shown
            return
        notices = self.services.notices
        self.counts_loader.load(
            lambda: notices.counts(start, end), lambda report: self._show_counts(report, start, end)
        )

    def _show_counts(self, report: NoticeCountsReport, start: date, end: date) -> None:
        self.counts_table.setRowCount(len(report.lines))
        for r, line in enumerate(report.lines):
            stages = ", ".join(f"{n} {label}" for label, n in line.by_stage)
            for c, value in enumerate((line.kind, f"{line.issued:,}", stages)):
                item = QTableWidgetItem(value)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.counts_table.setItem(r, c, item)
        self.action_taken.setText(f"{start:%d/%m/%Y} to {end:%d/%m/%Y}:\n" + "\n".join(report.action_taken))

    # ----- shared
    def _show(self, notice_id: uuid.UUID | None) -> None:
        if notice_id is not None:
            self.detail.show_notice(notice_id)

    def show_notice(self, notice_id: uuid.UUID | None) -> None:
        """Show one notice (e.g. from the Dashboard's due list); ``None`` shows the due and overdue list."""
        self.tabs.setCurrentIndex(1)
        if notice_id is None:
            return
        for r, d in enumerate(self._due_rows):
            if d.id == notice_id:
                self.due_table.selectRow(r)
                return
        self.detail.show_notice(notice_id)

    def new_step(self) -> None:
        dlg = NewStepDialog(self.services, self.bus, self.prompts, self)
        dlg.saved.connect(lambda started: self.detail.show_notice(started.notice_id))
        self.dialog = dlg
        dlg.open()

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches("notice", "case", "party"):
            self.services.notices.forget_names()
            self.run_query()
            self.refresh_due()
            self.refresh_counts()
            self.detail.refresh()
        elif changes.touches("user", "ward", "setting"):
            self.services.notices.forget_names()
            self._load_options()
            self.run_query()
