"""My work: the signed-in officer's open actions (overdue first, in red), their risk reviews due, and
their cases gone quiet (offered for closure). Enter or double-click opens the case."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.clock import current as clock
from cspdesk.core.services.cases import CaseQuery
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.loading import PageLoader, when_shown
from cspdesk.gui.pages.case_view.base import fill, table
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.tasks import TaskRunner
from cspdesk.gui.theme import font_css

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services


def wrapping(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class MyWorkPage(QWidget):
    services: Services

    title = "My work"

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        navigate: Callable[[str], None],
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # The page shows at once; its lists follow from a worker (issue 19: 575 ms at 100,000 cases).
        self.loader = PageLoader(self, tasks, "your work", "myWorkStatus")
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.navigate = navigate
        heading = QLabel(f"My work — {services.actor.display_name}")
        heading.setStyleSheet(f"{font_css(20)} font-weight: 600;")
        heading.setWordWrap(True)  # a long name at 1.5× font
        self.overdue_only = named(QCheckBox("Overdue only"), "overdueOnly")
        self.overdue_only.toggled.connect(self.refresh)
        # Not ``self.actions``: that would hide QWidget.actions(), which a walk over the widgets may call.
        self.action_table = table(["Due", "Case", "Action", "Owner", "Status"], "myActions", 2)
        self.reviews = table(["Review due", "Case", "Title", "Risk"], "myReviews", 2)
        self.quiet = table(["Last activity", "Case", "Title", "Days quiet"], "myQuietCases", 2)
        for t in (self.action_table, self.reviews, self.quiet):
            t.doubleClicked.connect(self._opener(t))
            t.activated.connect(self._opener(t))
        show_cases = named(QPushButton("All my open cases"), "myOpenCases")
        show_cases.setToolTip("All my open cases, in the case list")
        show_cases.clicked.connect(
            lambda: self._show(CaseQuery(status="open", officer_id=services.actor.user_id))
        )
        a_box = QGroupBox("My actions")
        av = QVBoxLayout(a_box)
        av.addWidget(self.overdue_only)
        av.addWidget(self.action_table)
        r_box = QGroupBox("My risk reviews due")
        QVBoxLayout(r_box).addWidget(self.reviews)
        self.notices = table(["Due", "Notice", "What is due", "Recipient"], "myNotices", 2)
        self.notices.doubleClicked.connect(lambda idx: self._open_notice(idx.row()))
        # Short titles, the rest in a label that wraps (a group box title does not): at 1.5× font the three
        # titles side by side were wider than a 1366-wide screen.
        n_box = QGroupBox("My enforcement dates")
        nv = QVBoxLayout(n_box)
        nv.addWidget(wrapping("Overdue, and due in the next 30 days."))
        nv.addWidget(self.notices)
        q_box = QGroupBox("My quiet cases")
        qv = QVBoxLayout(q_box)
        qv.addWidget(wrapping("No recent activity: offered for closure."))
        qv.addWidget(self.quiet)
        lower = QHBoxLayout()
        lower.addWidget(r_box)
        lower.addWidget(n_box)
        lower.addWidget(q_box)
        v = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(show_cases)
        v.addLayout(top)
        v.addWidget(self.loader.status)
        v.addWidget(a_box, 3)
        v.addLayout(lower, 2)
        bus.changes_applied.connect(when_shown(self, self._changed))
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if changes.touches("action", "case", "risk", "setting", "notice"):
            self.refresh()

    def refresh(self, *_a: object) -> None:
        """Read the four lists on a worker, then show them."""
        services, overdue_only = self.services, self.overdue_only.isChecked()
        self.loader.load(lambda: _read(services, overdue_only), self._show_lists)

    def _show_lists(self, lists) -> None:  # what _read returns
        acts, ids, rows, due, quiet = lists
        red = theme.qcolour("alert")
        fill(
            self.action_table,
            [
                [
                    f"{a.due_on:%d/%m/%Y}",
                    a.case_reference or a.meeting,
                    a.description,
                    a.owner,
                    "OVERDUE" if a.overdue else a.status_label,
                ]
                for a in acts
            ],
            [a.case_id for a in acts],
            lambda i: red if acts[i].overdue else None,
        )
        fill(
            self.reviews,
            [
                [f"{rows[i].next_review_on:%d/%m/%Y}", rows[i].reference, rows[i].title, rows[i].risk]
                for i in ids
            ],
            ids,
        )
        fill(
            self.notices,
            [[f"{d.due_on:%d/%m/%Y}", d.reference, d.what, d.recipient] for d in due],
            [d.id for d in due],
            lambda i: red if due[i].overdue else None,
        )
        fill(
            self.quiet,
            [
                [
                    f"{c.last_activity_on:%d/%m/%Y}" if c.last_activity_on else "",
                    c.reference,
                    c.title,
                    str(c.days_quiet),
                ]
                for c in quiet
            ],
            [c.id for c in quiet],
        )

    def _open_notice(self, row: int) -> None:
        item = self.notices.item(row, 0)
        if item is not None:
            self.bus.show_notice.emit(item.data(Qt.ItemDataRole.UserRole))

    def _opener(self, t: QTableWidget) -> Callable[[QModelIndex], None]:
        return lambda index: self._open(t, index.row())

    def _open(self, t: QTableWidget, row: int) -> None:
        item = t.item(row, 0)
        cid = item.data(Qt.ItemDataRole.UserRole) if item else None
        if cid is not None:
            self.bus.open_case.emit(cid)

    def _show(self, query: CaseQuery) -> None:
        self.navigate("cases")
        self.bus.show_cases.emit(query)


def _read(services: Services, overdue_only: bool):  # the rows' classes are not on their areas' public faces
    """My work's four lists (on a worker thread: services only, no widgets)."""
    actor = services.actor
    acts = services.actions.my_work(actor, overdue_only=overdue_only)
    q = CaseQuery(
        status="open",
        officer_id=actor.user_id,
        review_due_by=clock().today(),
        sort="next_review_on",
        descending=False,
    )
    ids = services.case_list.case_ids(q)[:500]
    rows = services.case_list.rows_for(ids)
    due = services.notices.due(30, officer_id=actor.user_id)
    quiet = services.closure.inactive_cases(officer_id=actor.user_id)
    return acts, ids, rows, due, quiet
