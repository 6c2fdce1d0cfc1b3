"""Sharing tab on the case screen: which partner agencies the case is shared with, share it with another
(with a reason), or withdraw a share. Shares are never deleted: a withdrawn one stays, dated.

A partner sees a case their agency reported on or owns an action on without a share; a share is for the
others (``core/services/cases/case_sharing.py``). Partners cannot share: the controls are disabled for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.gui import theme
from cspdesk.gui.pages import case_view
from cspdesk.gui.qt_helpers import named

if TYPE_CHECKING:
    from cspdesk.core.services.cases import ShareRow
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services

COLUMNS = ("Agency", "Shared on", "By", "Why", "Withdrawn")


class SharingPanel(QWidget):
    services: Services

    def __init__(self, services: Services, bus, prompts, case_id, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sharingPanel")
        self.services, self.bus, self.prompts, self.case_id = services, bus, prompts, case_id
        self.rows: list[ShareRow] = []
        officer = services.actor.can(Role.OFFICER)
        self.table = named(QTableWidget(0, len(COLUMNS)), "sharesTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.agency = named(QComboBox(), "shareAgency")
        for name in services.users.agencies():
            self.agency.addItem(name, name)
        self.reason = named(QLineEdit(), "shareReason")
        self.reason.setPlaceholderText("Why this agency needs to see the case")
        self.share_btn = named(QPushButton("Share"), "shareCase")
        self.share_btn.clicked.connect(self.share)
        self.withdraw_btn = named(QPushButton("Withdraw selected…"), "withdrawShare")
        self.withdraw_btn.clicked.connect(self.withdraw)
        self.error = named(QLabel(), "shareError")
        self.error.setStyleSheet(theme.css("alert"))
        self.error.hide()
        for w in (self.agency, self.reason, self.share_btn):
            w.setEnabled(officer)
        note = QLabel(
            "A partner agency sees this case if it reported an incident on it, owns one of its actions, "
            "or it is shared with it here." + ("" if officer else " Only officers can share a case.")
        )
        note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Share with"))
        row.addWidget(self.agency)
        row.addWidget(self.reason, 1)
        row.addWidget(self.share_btn)
        v = QVBoxLayout(self)
        v.addWidget(note)
        v.addLayout(row)
        v.addWidget(self.error)
        v.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.withdraw_btn)
        bottom.addStretch(1)
        v.addLayout(bottom)
        bus.changes_applied.connect(self._changes_applied)
        self.load()

    def _changes_applied(self, changes: Changes) -> None:
        if changes.touches("case_share"):
            self.load()

    def load(self) -> None:
        officer = self.services.actor.can(Role.OFFICER)
        try:
            self.rows = self.services.sharing.shares(self.services.actor, self.case_id) if officer else []
        except UserError:
            self.rows = []
        self.table.setRowCount(len(self.rows))
        for r, s in enumerate(self.rows):
            cells = (
                s.agency,
                f"{s.shared_on:%d/%m/%Y}",
                s.shared_by,
                s.reason,
                f"{s.withdrawn_on:%d/%m/%Y} by {s.withdrawn_by}" if s.withdrawn_on else "",
            )
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self._selection_changed()

    def _selection_changed(self) -> None:
        r = self.table.currentRow()
        self.withdraw_btn.setEnabled(
            self.services.actor.can(Role.OFFICER) and 0 <= r < len(self.rows) and self.rows[r].active
        )

    def share(self) -> None:
        try:
            changes = self.services.sharing.share(
                self.services.actor, self.case_id, self.agency.currentData(), self.reason.text()
            )
        except ValidationError as exc:
            self.error.setText("; ".join(exc.fields.values()))
            self.error.show()
            return
        except UserError as exc:
            self.prompts.error("Case not shared", str(exc))
            return
        self.error.hide()
        self.reason.clear()
        self.bus.changes_applied.emit(changes)

    def withdraw(self) -> None:
        r = self.table.currentRow()
        if not (0 <= r < len(self.rows)) or not self.rows[r].active:
            return
        why = self.prompts.ask_text(
            "Withdraw the share",
            f"Stop sharing this case with {self.rows[r].agency}? The share stays on record. Why (optional):",
        )
        if why is None:
            return
        try:
            changes = self.services.sharing.withdraw(self.services.actor, self.rows[r].id, why)
        except UserError as exc:
            self.prompts.error("Share not withdrawn", str(exc))
            return
        self.bus.changes_applied.emit(changes)


def _case_tab(services, bus, prompts, case_id) -> tuple[str, QWidget]:
    return "Sharing", SharingPanel(services, bus, prompts, case_id)


if _case_tab not in case_view.EXTRA_CASE_TABS:
    case_view.EXTRA_CASE_TABS.append(_case_tab)
