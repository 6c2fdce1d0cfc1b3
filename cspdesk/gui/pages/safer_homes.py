"""Safer Homes: the referral list (filters, waiting flag, exports), the counts for a period, and the
referral screen (``safer_homes_referral``). Client details in the list arrive masked from the
service; this page never sees what the user may not.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.safer_homes import RESTRICTED
from cspdesk.core.domain.vocab import Role, SaferHomesStatus, VictimCategory
from cspdesk.core.domain.wording import count_of
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.services.safer_homes import ReferralQuery, category_label
from cspdesk.gui import theme
from cspdesk.gui.loading import PageLoader, when_shown
from cspdesk.gui.pages.safer_homes_fields import DateField
from cspdesk.gui.pages.safer_homes_referral import ReferralScreen
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.theme import font_css

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services
    from cspdesk.core.services.safer_homes import CountsView, ReferralListRow
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.dialogs.data_protection import DataProtectionDialog
    from cspdesk.gui.prompts import Prompts
    from cspdesk.gui.tasks import TaskRunner

COLUMNS = [
    "Reference",
    "Referred",
    "Client",
    "Address",
    "Category",
    "Agency",
    "Ward",
    "Status",
    "Secured",
    "Days",
    "Waiting",
]
SORT_KEY = Qt.ItemDataRole.UserRole + 1


class SortItem(QTableWidgetItem):
    """Sorts by a hidden key (dates, numbers) rather than the text shown."""

    def __lt__(self, other: QTableWidgetItem) -> bool:  # noqa: D105
        a, b = self.data(SORT_KEY), other.data(SORT_KEY)
        if a is not None and b is not None:
            return a < b
        return self.text().lower() < other.text().lower()


def _item(text: str, key: int | None = None) -> QTableWidgetItem:
    item = SortItem(text)
    if key is not None:
        item.setData(SORT_KEY, key)
    return item


def financial_year(today: date) -> int:
    return today.year if today.month >= 4 else today.year - 1


FILL_STEP = 250


class SaferHomesPage(QWidget):
    services: Services

    title = "Safer Homes"

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.loader = PageLoader(self, tasks, "referrals", "shLoadStatus")
        self.counts_loader = PageLoader(self, tasks, "the counts", "shCountsStatus")
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.stack = QStackedWidget()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._list_tab(), "Referrals")
        self.tabs.addTab(self._counts_tab(), "Counts")
        # The referral screen (not ``self.screen``, which would hide QWidget.screen(), the display it is on).
        self.referral_screen = ReferralScreen(services, bus, prompts)
        self.referral_screen.back.connect(self.show_list)
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.referral_screen)
        QVBoxLayout(self).addWidget(self.stack)
        bus.changes_applied.connect(when_shown(self, self._changed))
        if hasattr(bus, "show_safer_homes"):
            bus.show_safer_homes.connect(self.apply_query)
        # The page shows at once; the referrals and counts are read on a worker whenever they are read
        # (issue 19: 822 ms at 100,000 cases). Without a task runner (a page built on its own), at once.
        self.refresh()
        self.show_counts()

    # ----- list ---------------------------------------------------------------------------------
    def _list_tab(self) -> QWidget:
        opts = self.services.safer_homes_read.filter_options()
        self.search = named(
            QLineEdit(placeholderText="Search reference, client, address, agency…"), "shSearch"
        )
        self.search.returnPressed.connect(self.refresh)
        self.status = named(QComboBox(), "shStatus")
        self.status.addItem("Any status", None)
        self.status.addItem("Open (not closed, declined or withdrawn)", "open")
        for v, label in SaferHomesStatus.choices():
            self.status.addItem(label, v)
        self.category = named(QComboBox(), "shCategory")
        self.category.addItem("Any category", None)
        for v, label in VictimCategory.choices():
            self.category.addItem(label, v)
        self.agency = named(QComboBox(), "shAgency")
        self.agency.addItem("Any referring agency", None)
        for a in opts["agencies"]:
            self.agency.addItem(a, a)
        self.ward = named(QComboBox(), "shWard")
        self.ward.addItem("Any ward", None)
        for ward in opts["wards"]:
            self.ward.addItem(ward, ward)
        self.waiting = named(QCheckBox("Waiting too long only"), "shWaiting")
        for combo in (self.status, self.category, self.agency, self.ward):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.waiting.toggled.connect(lambda _b: self.refresh())
        filters = QHBoxLayout()
        filter_widgets: tuple[QWidget, ...] = (
            self.search,
            self.status,
            self.category,
            self.agency,
            self.ward,
        )
        for widget in filter_widgets:
            filters.addWidget(widget)
        filters.setStretch(0, 2)
        # On a row of its own: beside the four filters it made the page 1,181 px wide at 1.5× font.
        filters_more = QHBoxLayout()
        filters_more.addWidget(self.waiting)
        filters_more.addStretch(1)

        self.table = named(QTableWidget(0, len(COLUMNS)), "referralTable", "Referrals")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(0)  # widths from the rows on screen, not all 1,530 (issue 19)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(5, 230)
        self.table.cellDoubleClicked.connect(lambda r, _c: self.open_row(r))

        new = named(QPushButton("New referral…"), "newReferral")
        new.clicked.connect(self.new_referral)
        open_ = QPushButton("Open")
        open_.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        export = named(QPushButton("Export list (CSV)…"), "exportCsv")
        export.clicked.connect(self.export_csv)
        partner = named(QPushButton("Partner list (CSV)…"), "exportPartner")
        partner.setToolTip(
            "The referring agency chosen in the filter: its referrals and their progress, "
            "no addresses or phones, restricted clients unnamed."
        )
        partner.clicked.connect(self.export_partner)
        # Partners are read-only: what they cannot do is disabled here, not refused when they try.
        officer = self.services.actor.can(Role.OFFICER)
        for b in (new, export, partner):
            b.setEnabled(officer)
            if not officer:
                b.setToolTip("Partners can look at referrals but not record or export them.")
        self.dp_btn = named(QPushButton("Data protection…"), "dataProtection")
        self.dp_btn.setToolTip(
            "Who has looked at restricted referrals, and a check of the audit log (administrators)"
        )
        self.dp_btn.clicked.connect(self.data_protection)
        self.dp_btn.setVisible(self.services.actor.role is Role.ADMINISTRATOR)
        self.count_label = named(QLabel(), "shCount")
        buttons = QHBoxLayout()
        for b in (new, open_):
            buttons.addWidget(b)
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(export)
        buttons.addWidget(partner)
        buttons.addWidget(self.dp_btn)
        w = QWidget()
        layout = QVBoxLayout(w)
        layout.addLayout(filters)
        layout.addLayout(filters_more)
        layout.addWidget(self.loader.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        return w

    def query(self) -> ReferralQuery:
        return ReferralQuery(
            text=self.search.text(),
            status=self.status.currentData(),
            category=self.category.currentData(),
            agency=self.agency.currentData(),
            ward=self.ward.currentData(),
            waiting_only=self.waiting.isChecked(),
        )

    def apply_query(self, q: ReferralQuery) -> None:
        """Show the list with these filters (the Dashboard's "waiting too long" tile)."""
        for combo, value in (
            (self.status, q.status),
            (self.category, q.category),
            (self.agency, q.agency),
            (self.ward, q.ward),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self.waiting.blockSignals(True)
        self.waiting.setChecked(q.waiting_only)
        self.waiting.blockSignals(False)
        self.search.setText(q.text)
        self.show_list()
        self.refresh()

    def refresh(self) -> None:
        read, actor, query = self.services.safer_homes_read, self.services.actor, self.query()
        # PageLoader.load runs the steps of a show that returns an iterator (its docstring says so); its
        # annotation says the show returns None.
        self.loader.load(lambda: read.rows(actor, query), self._fill_rows)

    def _fill_rows(self, rows: list[ReferralListRow]) -> Iterator[None]:
        """Fill the list in steps of ``FILL_STEP`` rows (PageLoader runs one per turn of the event loop):
        1,530 referrals filled at once blocked the window for ~300 ms at 100,000 cases (issue 19)."""
        self.rows = rows
        self.table.setSortingEnabled(False)
        self.table.setRowCount(min(len(rows), FILL_STEP))  # the list grows a step at a time
        amber = QBrush(theme.qcolour("warning_bg"))
        grey = QBrush(theme.qcolour("muted"))
        for r, row in enumerate(rows):
            if r and r % FILL_STEP == 0:
                yield
                self.table.setRowCount(min(len(rows), r + FILL_STEP))
            cells = [
                _item(row.reference),
                _item(
                    f"{row.referred_on:%d/%m/%Y}" if row.referred_on else "",
                    row.referred_on.toordinal() if row.referred_on else 0,
                ),
                _item(row.client),
                _item(row.address),
                _item(row.category),
                _item(row.agency),
                _item(row.ward),
                _item(row.status),
                _item(
                    f"{row.secured_on:%d/%m/%Y}" if row.secured_on else "",
                    row.secured_on.toordinal() if row.secured_on else 0,
                ),
                _item(
                    "" if row.days_to_secure is None else str(row.days_to_secure),
                    -1 if row.days_to_secure is None else row.days_to_secure,
                ),
                _item("⚠ Waiting" if row.waiting_too_long else "", int(row.waiting_too_long)),
            ]
            cells[0].setData(Qt.ItemDataRole.UserRole, row.id)
            for c, item in enumerate(cells):
                if row.client == RESTRICTED and c in (2, 3):
                    item.setForeground(grey)
                if row.waiting_too_long and c == 10:
                    item.setBackground(amber)
                self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)
        waiting = sum(r.waiting_too_long for r in rows)
        self.count_label.setText(
            count_of(len(rows), "referral") + (f" · {waiting} waiting too long" if waiting else "")
        )

    def _changed(self, changes: Changes) -> None:
        if changes.touches("safer_homes", "setting", "user"):
            self.refresh()
            self.show_counts()

    def show_list(self) -> None:
        self.stack.setCurrentIndex(0)

    def new_referral(self) -> None:
        self.referral_screen.new_referral()
        self.stack.setCurrentIndex(1)

    def open_row(self, r: int) -> None:
        if r < 0:
            return
        item = self.table.item(r, 0)
        if item is None:  # a row not filled yet (the list fills in steps)
            return
        self.open_referral(item.data(Qt.ItemDataRole.UserRole))

    def open_referral(self, referral_id: uuid.UUID) -> None:
        """Open a referral; a restricted one the user may see needs a reason, kept in the audit log."""
        read = self.services.safer_homes_read
        reason = None
        if read.needs_reason(self.services.actor, referral_id):
            reason = self.prompts.ask_text(
                "Restricted referral",
                "This is a restricted (domestic abuse) referral. Opening it shows the client's name "
                "and address.\nWhy are you opening it? Your reason is recorded in the audit log.",
            )
            if reason is None:
                return
        try:
            detail = read.open(self.services.actor, referral_id, reason)
        except ValidationError as exc:
            self.prompts.error("Referral not opened", "; ".join(exc.fields.values()))
            return
        except UserError as exc:
            self.prompts.error("Referral not opened", str(exc))
            return
        self.referral_screen.show_detail(detail)
        self.stack.setCurrentIndex(1)

    def export_csv(self) -> None:
        path = self.prompts.ask_save_file(
            "Export the referral list", "safer-homes-referrals.csv", "CSV (*.csv)"
        )
        if path is None:
            return
        try:
            n = self.services.safer_homes_outputs.export_csv(self.services.actor, self.query(), path)
        except UserError as exc:
            self.prompts.error("List not exported", str(exc))
            return
        self.prompts.info(
            "List exported",
            f"{count_of(n, 'referral')} saved to {path}. Restricted clients are shown as "
            f"\u201c{RESTRICTED}\u201d unless you may see them.",
        )

    def data_protection(self) -> DataProtectionDialog:
        from cspdesk.gui.dialogs.data_protection import DataProtectionDialog

        self.dp_dialog = DataProtectionDialog(self.services, self.prompts, self)
        self.dp_dialog.open()
        return self.dp_dialog

    def export_partner(self) -> None:
        agency = self.agency.currentData()
        if not agency:
            self.prompts.error(
                "Choose the agency",
                "Choose the referring agency in the filter above first: the "
                "partner list holds only that agency's referrals.",
            )
            return
        path = self.prompts.ask_save_file(
            "Export the partner list", f"safer-homes-{agency}.csv", "CSV (*.csv)"
        )
        if path is None:
            return
        try:
            n = self.services.safer_homes_outputs.export_partner_list(self.services.actor, agency, path)
        except UserError as exc:
            self.prompts.error("List not exported", str(exc))
            return
        self.prompts.info(
            "Partner list exported", f"{count_of(n, 'referral')} from {agency} saved to {path}."
        )

    # ----- counts -------------------------------------------------------------------------------
    def _counts_tab(self) -> QWidget:
        today = self.services.safer_homes.today()
        self.year = named(QComboBox(), "shYear")
        for y in range(financial_year(today), 2021, -1):
            self.year.addItem(f"{y}/{str(y + 1)[-2:]}", y)
        self.year.setCurrentIndex(self.year.findData(2022))
        self.year.currentIndexChanged.connect(self._year_chosen)
        self.period_from = named(DateField(), "shFrom")
        self.period_to = named(DateField(), "shTo")
        self._year_chosen()
        show = named(QPushButton("Show counts"), "shShowCounts")
        show.clicked.connect(self.show_counts)
        self.period_error = QLabel()
        self.period_error.setStyleSheet(theme.css("alert"))
        bar = QHBoxLayout()
        bar_widgets: tuple[QWidget, ...] = (
            QLabel("Financial year"),
            self.year,
            QLabel("or from"),
            self.period_from,
            QLabel("to"),
            self.period_to,
            show,
            self.period_error,
            self.counts_loader.status,
        )
        for widget in bar_widgets:
            bar.addWidget(widget)
        bar.addStretch(1)
        self.sentence = named(QLabel(), "planSentence")
        self.sentence.setStyleSheet(f"{font_css(17)} font-weight: 600; color:{theme.colour('accent')}")
        self.sentence.setWordWrap(True)
        self.figures = named(QLabel(), "countFigures")
        self.figures.setStyleSheet(f"{font_css(13)}")
        self.figures.setWordWrap(True)  # one long line, 2,086 px at 1.5× font
        self.count_tables = {k: self._count_table() for k in ("category", "agency", "ward")}
        grid = QGridLayout()
        for i, (key, title) in enumerate(
            (
                ("category", "By victim category (referred / secured)"),
                ("agency", "Referrals by referring agency"),
                ("ward", "By ward (referred / secured)"),
            )
        ):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(self.count_tables[key])
            grid.addWidget(box, 0, i)
        note = QLabel(
            "Counts never show a name or an address. A referral counts in the period it was made; a "
            "property counts as secured in the period its works were installed."
        )
        note.setStyleSheet(theme.css("muted"))
        w = QWidget()
        v = QVBoxLayout(w)
        v.addLayout(bar)
        v.addWidget(self.sentence)
        v.addWidget(self.figures)
        v.addLayout(grid, 1)
        v.addWidget(note)
        return w

    @staticmethod
    def _count_table() -> QTableWidget:
        t = QTableWidget(0, 3)
        t.setHorizontalHeaderLabels(["", "Referred", "Secured"])
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        return t

    def _year_chosen(self) -> None:
        y = self.year.currentData()
        self.period_from.set_value(date(y, 4, 1))
        self.period_to.set_value(date(y + 1, 3, 31))

    def show_counts(self) -> None:
        try:
            start, end = self.period_from.record_value(), self.period_to.record_value()
            if not isinstance(start, date) or not isinstance(end, date) or end < start:
                raise ValueError("Enter a period: a start date, and an end date on or after it.")
        except ValueError as exc:
            self.period_error.setText(str(exc))
            return
        self.period_error.setText("")
        read = self.services.safer_homes_read
        self.counts_loader.load(
            lambda: read.counts(start, end), lambda view: self._fill_counts(view, start, end)
        )

    def _fill_counts(self, view: CountsView, start: date, end: date) -> None:
        c = view.counts
        self.sentence.setText(f"{view.sentence} {view.categories_sentence}".strip())
        median = (
            ""
            if c.median_working_days_to_secure is None
            else f" · median {c.median_working_days_to_secure:g} working days from referral to secured"
        )
        self.figures.setText(
            f"{start:%d/%m/%Y} to {end:%d/%m/%Y}: <b>{c.referrals:,}</b> referrals ({c.declined} declined, "
            f"{c.withdrawn} withdrawn) · <b>{c.secured:,}</b> properties secured · spend <b>{view.spend}</b>"
            + (f" ({c.spend_estimated} estimated from the works specified)" if c.spend_estimated else "")
            + median
            + f" · <b>{view.waiting_now}</b> waiting too long today"
        )
        self._fill(
            self.count_tables["category"], c.referrals_by_category, c.secured_by_category, category_label
        )
        self._fill(self.count_tables["agency"], c.referrals_by_agency, {}, str)
        self._fill(self.count_tables["ward"], c.referrals_by_ward, c.secured_by_ward, str)

    @staticmethod
    def _fill(
        table: QTableWidget,
        referred: Mapping[str, int],
        secured: Mapping[str, int],
        label: Callable[[str], str],
    ) -> None:
        keys = list(dict.fromkeys([*referred, *secured]))
        table.setRowCount(len(keys))
        for r, k in enumerate(keys):
            table.setItem(r, 0, QTableWidgetItem(label(k) or k))
            for c, n in ((1, referred.get(k, 0)), (2, secured.get(k, 0) if secured else "")):
                item = QTableWidgetItem(f"{n:,}" if n != "" else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.setColumnHidden(2, not secured)
