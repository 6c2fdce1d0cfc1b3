"""Dashboard: open cases by priority, status, ward and risk; reviews due and overdue actions.

Clicking a count opens the case list filtered to the cases behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QColor, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.clock import current as clock
from cspdesk.core.domain.vocab import CaseStatus
from cspdesk.core.services.cases import CaseQuery
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus, services_are_ready, when_ready
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.theme import colour, font_css

if TYPE_CHECKING:
    from cspdesk.core.services.dashboard import Count
    from cspdesk.core.services.registry import Services


class TileRows(QWidget):
    """The tiles in one row when the page is wide enough, otherwise in as few rows as fit (at 1.5× font the
    seven tiles needed 1,125 px, more than a 1366-wide screen leaves the page)."""

    def __init__(self, tiles: list[QWidget]) -> None:
        super().__init__()
        self.tiles = tiles
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        # Not the layout's minimum (all seven across) as the widget's: ``minimumSizeHint`` says how narrow.
        self.grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._columns = 0
        self._arrange(len(tiles))

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for t in self.tiles:
            self.grid.removeWidget(t)
        for i, t in enumerate(self.tiles):
            self.grid.addWidget(t, i // columns, i % columns)
        for c in range(len(self.tiles)):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)

    def columns_for(self, width: int) -> int:
        widest = max(t.minimumSizeHint().expandedTo(t.minimumSize()).width() for t in self.tiles)
        spacing = max(self.grid.horizontalSpacing(), 0)
        return max(1, min(len(self.tiles), (width + spacing) // (widest + spacing)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # As narrow as one column: rows are added rather than the page widened.
        hint = super().minimumSizeHint()
        widest = max(t.minimumSizeHint().expandedTo(t.minimumSize()).width() for t in self.tiles)
        return QSize(widest, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        self._arrange(self.columns_for(event.size().width()))
        super().resizeEvent(event)


class Tile(QFrame):
    def __init__(self, title: str, on_click: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "Tile { background: palette(base); border-radius: 6px; "
            f"border: 1px solid {theme.colour('panel_border')}; }}"
        )
        self.value = QLabel("…")  # until the counts are in
        self.value.setStyleSheet(f"{font_css(28)} font-weight: 600; color: {colour('accent')};")
        self.value.setAccessibleName(title)
        self._layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setWordWrap(True)  # seven tiles across a laptop's screen (issue 19)
        self._layout.addWidget(heading)
        self._layout.addWidget(self.value)
        if on_click:
            self.add_button("Show cases", on_click).setAccessibleName(f"Show: {title}")

    def add_button(self, text: str, on_click: Callable[[], None], object_name: str = "") -> QPushButton:
        """A flat button under the count that shows what is behind it."""
        btn = QPushButton(text)
        if object_name:
            btn.setObjectName(object_name)
        btn.setFlat(True)
        btn.clicked.connect(on_click)
        self._layout.addWidget(btn, alignment=Qt.AlignmentFlag.AlignLeft)
        return btn


class CountTable(QTableWidget):
    def __init__(self, on_activate: Callable[[str], None], heading: str = "Open cases") -> None:
        super().__init__(0, 2)
        self.setHorizontalHeaderLabels(["", heading])
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self._on_activate = on_activate
        self.cellDoubleClicked.connect(self._activated)

    def _activated(self, row: int, _column: int) -> None:
        item = self.item(row, 0)
        if item is not None:
            self._on_activate(item.data(Qt.ItemDataRole.UserRole))

    def fill(self, counts: list[Count]) -> None:
        self.setRowCount(len(counts))
        for r, c in enumerate(counts):
            label = QTableWidgetItem(c.label)
            label.setData(Qt.ItemDataRole.UserRole, c.key)
            n = QTableWidgetItem(f"{c.count:,}")
            n.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(r, 0, label)
            self.setItem(r, 1, n)
        self.resizeRowsToContents()
        rows = sum(self.rowHeight(r) for r in range(self.rowCount())) or 26
        self.setFixedHeight(
            min(440, rows + self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth() + 2)
        )


class NoticesDueTable(QTableWidget):
    """The first few enforcement dates needing action; double-click shows the notice."""

    SHOWN = 8

    def __init__(self, on_activate: Callable[[object], None]) -> None:
        super().__init__(0, 5)
        self.setObjectName("noticesDue")
        self.setHorizontalHeaderLabels(["Due", "What is due", "Notice", "Recipient", "Officer"])
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self._on_activate = on_activate
        self.cellDoubleClicked.connect(self._activated)

    def _activated(self, row: int, _column: int) -> None:
        item = self.item(row, 0)
        if item is not None:
            self._on_activate(item.data(Qt.ItemDataRole.UserRole))

    def fill(self, rows) -> None:  # enforcement DueRows (not on the enforcement area's public face)
        shown = rows[: self.SHOWN]
        self.setRowCount(len(shown))
        for r, d in enumerate(shown):
            for c, text in enumerate(
                (
                    f"{d.due_on:%d/%m/%Y}",
                    d.what + (" — overdue" if d.overdue else ""),
                    d.reference,
                    d.recipient,
                    d.officer,
                )
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, d.id)
                if d.overdue and c < 2:
                    item.setForeground(QColor(colour("alert")))
                self.setItem(r, c, item)
        for c in (0, 2, 3, 4):
            self.resizeColumnToContents(c)
        self.setFixedHeight(28 + 26 * max(1, len(shown)))


class DashboardPage(QWidget):
    services: Services

    title = "Dashboard"

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        navigate: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.bus = bus
        self.navigate = navigate  # callable(page_key)
        open_ = CaseStatus.OPEN.value
        self.open_tile = Tile("Open cases", lambda: self._show(CaseQuery(status=open_)))
        self.reviews_tile = Tile(
            "Risk reviews due",
            lambda: self._show(
                CaseQuery(
                    status=open_, review_due_by=clock().today(), sort="next_review_on", descending=False
                )
            ),
        )
        self.actions_tile = Tile("Overdue actions", lambda: self.navigate("my_work"))
        self.total_tile = Tile("All cases", lambda: self._show(CaseQuery()))
        self.notices_tile = Tile("Enforcement dates overdue")
        self.notices_tile.setObjectName("noticesTile")
        self.notices_tile.add_button("Show notices", lambda: bus.show_notice.emit(None), "showDueNotices")
        self.case_review_tile = Tile("Case Review deadlines overdue")
        self.case_review_tile.setObjectName("caseReviewTile")
        self.case_review_tile.add_button(
            "Show applications", self._show_overdue_case_reviews, "showOverdueCaseReviews"
        )
        waiting = "Safer Homes referrals waiting too long"
        self.safer_homes_tile = Tile(waiting)
        self.safer_homes_tile.setObjectName("saferHomesWaiting")
        self.safer_homes_tile.add_button("Show referrals", self._show_waiting_referrals).setAccessibleName(
            f"Show: {waiting}"
        )
        self.requests_tile = Tile("Data protection requests open (subject access, rectification, erasure)")
        self.requests_tile.setObjectName("dataRequestsTile")
        self.requests_tile.add_button("Show requests", self._show_data_requests, "showDataRequests")
        tiles = TileRows(
            [
                self.open_tile,
                self.reviews_tile,
                self.actions_tile,
                self.notices_tile,
                self.case_review_tile,
                self.safer_homes_tile,
                self.total_tile,
            ]
        )
        self.by_priority = CountTable(lambda k: self._show(CaseQuery(status=open_, priority=k)))
        self.by_status = CountTable(lambda k: self._show(CaseQuery(status=k)), heading="Cases")
        self.by_ward = CountTable(self._show_ward)
        self.by_risk = CountTable(lambda k: self._show(CaseQuery(status=open_, risk_level=k or None)))
        self.by_priority.setObjectName("byPriority")
        self.by_ward.setObjectName("byWard")
        grid = QGridLayout()
        for i, (title, table) in enumerate(
            (
                ("Open cases by CSP priority", self.by_priority),
                ("Cases by status", self.by_status),
                ("Open cases by risk", self.by_risk),
                ("Open cases by ward", self.by_ward),
            )
        ):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(table)
            grid.addWidget(box, i // 2 if i < 3 else 0, (i % 2) if i < 3 else 2, 1 if i < 3 else 2, 1)
        # Below "Cases by status" (a cell the grid leaves empty), so the row of tiles does not widen.
        grid.addWidget(self.requests_tile, 1, 1, alignment=Qt.AlignmentFlag.AlignTop)
        self.notices_due = NoticesDueTable(lambda nid: bus.show_notice.emit(nid))
        notices_box = QGroupBox("Enforcement: overdue and due in the next 14 days")
        QVBoxLayout(notices_box).addWidget(self.notices_due)
        grid.addWidget(notices_box, 2, 0, 1, 3)
        inner = QWidget()
        v = QVBoxLayout(inner)
        heading = QLabel("Dashboard")
        heading.setStyleSheet(f"{font_css(20)} font-weight: 600;")
        v.addWidget(heading)
        # Working copies out longer than the setting allows, per officer (issue 17): shown only if there are.
        self.copies_out = named(QFrame(), "copiesOutTooLong")
        self.copies_out.setStyleSheet(
            f"#copiesOutTooLong {{ background: {theme.colour('alert_bg')}; "
            f"border: 1px solid {theme.colour('alert_border')}; border-radius: 6px; }}"
        )
        out_row = QHBoxLayout(self.copies_out)
        self.copies_out_text = named(QLabel(), "copiesOutTooLongText")
        self.copies_out_text.setWordWrap(True)
        self.copies_out_text.setStyleSheet(theme.css("alert"))
        out_row.addWidget(self.copies_out_text, 1)
        copies_btn = QPushButton("Working copies…")
        copies_btn.setAccessibleName("Show the working copies out")
        copies_btn.clicked.connect(self._show_working_copies)
        out_row.addWidget(copies_btn, alignment=Qt.AlignmentFlag.AlignTop)
        self.copies_out.setVisible(False)
        v.addWidget(self.copies_out)
        v.addWidget(tiles)
        v.addLayout(grid)
        v.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        QVBoxLayout(self).addWidget(scroll)
        # Counts are computed when the page is on screen: the window paints first, and a page behind
        # another one is refreshed only when it is shown again.
        self._stale = True
        bus.changes_applied.connect(lambda _c: self._changed())

    def _changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            QTimer.singleShot(0, self._refresh_if_shown)

    def _refresh_if_shown(self) -> None:
        if not services_are_ready(self.services):  # a quick start: count once the services have loaded
            when_ready(self.services, self.bus, self._refresh_if_shown)
            return
        if self._stale and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        s = self.services.dashboard.summary()
        self.open_tile.value.setText(f"{s.open_cases:,}")
        self.reviews_tile.value.setText(f"{s.reviews_due:,}")
        self.actions_tile.value.setText(f"{s.overdue_actions:,}")
        self.total_tile.value.setText(f"{s.total_cases:,}")
        self.case_review_tile.value.setText(f"{s.case_review_deadlines_overdue:,}")
        self.case_review_tile.value.setStyleSheet(
            f"{font_css(28)} font-weight: 600; color: "
            f"{colour('alert' if s.case_review_deadlines_overdue else 'accent')};"
        )
        self.safer_homes_tile.value.setText(f"{s.safer_homes_waiting:,}")
        # Open requests; those past their statutory due date (UK GDPR Art. 12(3)) in red.
        self.requests_tile.value.setText(
            f"{s.data_requests_open:,}"
            + (f" ({s.data_requests_overdue:,} overdue)" if s.data_requests_overdue else "")
        )
        self.requests_tile.value.setStyleSheet(
            f"{font_css(28)} font-weight: 600; "
            f"color: {colour('alert' if s.data_requests_overdue else 'accent')};"
        )
        if s.copies_out_too_long:
            officers = "; ".join(
                f"{o.officer}: {o.copies} cop{'ies' if o.copies != 1 else 'y'}, "
                f"the longest out {o.longest_days} days"
                for o in s.copies_out_too_long
            )
            self.copies_out_text.setText(
                f"<b>Working copies out more than {s.copies_out_too_long[0].warn_after_days} days</b> "
                f"(not brought back) — {officers}"
            )
        self.copies_out.setVisible(bool(s.copies_out_too_long))
        self.by_priority.fill(s.by_priority)
        self.by_status.fill(s.by_status)
        self.by_ward.fill(s.by_ward)
        self.by_risk.fill(s.by_risk)
        due = self.services.notices.due(14)
        self.notices_tile.value.setText(f"{sum(1 for d in due if d.overdue):,}")
        self.notices_due.fill(due)

    def _show(self, query: CaseQuery) -> None:
        self.navigate("cases")
        self.bus.show_cases.emit(query)

    def _show_overdue_case_reviews(self) -> None:
        self.navigate("case_reviews")
        self.bus.show_case_reviews.emit("overdue")

    def _show_waiting_referrals(self) -> None:
        from cspdesk.core.services.safer_homes import ReferralQuery

        self.navigate("safer_homes")
        self.bus.show_safer_homes.emit(ReferralQuery(waiting_only=True))

    def _show_working_copies(self) -> None:
        from cspdesk.gui.main_window import MainWindow
        from cspdesk.gui.working_copies import WorkingCopiesDialog

        window = self.window()
        if isinstance(window, MainWindow):  # the dialog works through the window's services and prompts
            WorkingCopiesDialog(window).exec()

    def _show_data_requests(self) -> None:
        from cspdesk.gui.main_window import MainWindow

        window = self.window()
        if isinstance(window, MainWindow):
            window.data_requests()

    def _show_ward(self, ward_name: str) -> None:
        ward_id = next((i for i, n in self.services.case_list.filter_options().wards if n == ward_name), None)
        self._show(CaseQuery(status=CaseStatus.OPEN.value, ward_id=ward_id))
