"""The notices on one case, with "New step": the case screen's "Enforcement" tab.

``NoticesPanel(services, bus, prompts, case_id)``. It refreshes itself when notices change anywhere. Importing
this module registers the tab with the case screen (``case_view.EXTRA_CASE_TABS``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.vocab import Role
from cspdesk.gui.dialogs.new_step import NewStepDialog
from cspdesk.gui.models.notice_table import KEYS, NoticeTableModel
from cspdesk.gui.pages import case_view
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.notice_detail import NoticeDetailView

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.prompts import Prompts


class NoticesPanel(QWidget):
    services: Services

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services, self.bus, self.prompts, self.case_id = services, bus, prompts, case_id
        self.dialog: NewStepDialog | None = None
        self.new_button = named(QPushButton("New step…"), "newStep")
        self.new_button.setEnabled(services.actor.can(Role.OFFICER))
        self.new_button.clicked.connect(self.new_step)
        self.count = named(QLabel(), "noticeCount")
        self._rows: dict[uuid.UUID, object] = {}  # this case's notices (NoticeRow), shown by the model
        self.model = NoticeTableModel(lambda ids: {i: self._rows[i] for i in ids if i in self._rows})
        self.table = named(QTableView(), "caseNotices")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        for key in ("case", "ward"):  # the same on every row here
            self.table.setColumnHidden(KEYS.index(key), True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.detail = NoticeDetailView(services, bus, prompts)
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Enforcement on this case</b>"))
        top.addWidget(self.count)
        top.addStretch(1)
        top.addWidget(self.new_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(1, 2)
        v = QVBoxLayout(self)
        v.addLayout(top)
        v.addWidget(split, 1)
        bus.changes_applied.connect(self._on_changes)
        self.refresh()

    def load(self) -> None:
        """Called by the case screen when the tab is shown after the case changed."""
        self.refresh()

    def refresh(self) -> None:
        selected = self.detail.detail.id if self.detail.detail else None
        rows = self.services.notices.case_notices(self.case_id)
        self._rows = {r.id: r for r in rows}
        self.model.today = self.services.notices.today()
        self.model.set_ids([r.id for r in rows])
        self.count.setText(f"{len(rows)} notice{'s' if len(rows) != 1 else ''}")
        row = self.model.row_of(selected) if selected else -1
        if row >= 0:
            self.table.selectRow(row)
            self.detail.refresh()
        else:
            self.detail.clear()

    def select_notice(self, notice_id: uuid.UUID) -> None:
        row = self.model.row_of(notice_id)
        if row >= 0:
            self.table.selectRow(row)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._select(current.row())

    def _select(self, row: int) -> None:
        nid = self.model.notice_id(row)
        if nid is not None:
            self.detail.show_notice(nid)

    def new_step(self) -> None:
        dlg = NewStepDialog(self.services, self.bus, self.prompts, self, case_id=self.case_id)
        dlg.saved.connect(lambda started: self.select_notice(started.notice_id))
        self.dialog = dlg
        dlg.open()

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches("notice", "party"):
            self.refresh()


def _case_tab(services: Services, bus: Bus, prompts: Prompts, case_id: uuid.UUID) -> tuple[str, QWidget]:
    return "Enforcement", NoticesPanel(services, bus, prompts, case_id)


if _case_tab not in case_view.EXTRA_CASE_TABS:
    case_view.EXTRA_CASE_TABS.append(_case_tab)
