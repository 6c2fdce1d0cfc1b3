"""Settings → Retention: the review queue of records past their retention period, for an administrator.

Select one or more rows and keep them (with a reason and the date to review them again), anonymise them or
delete them. Each decision is the service's (``RetentionService.decide``): a record someone changed since the
queue was read is refused with a plain message and nothing happens to it. Restricted records are listed by
reference only, like everything else here.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
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

from cspdesk.core.domain.retention import RetentionDecisionKind, RetentionRecord
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.tasks import TaskRunner

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.data_protection import DueRecord
    from cspdesk.core.services.registry import Services

COLUMNS = ("Due for review", "Record", "Reference", "Description", "Counts from", "Date", "Kept until")


class RetentionTab(QWidget):
    services: Services

    def __init__(self, services: Services, bus: Bus, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.rows: list[DueRecord] = []
        self._loaded = False
        self._generation = 0  # a read started before the last one is dropped when it ends
        self.tasks = TaskRunner()
        v = QVBoxLayout(self)
        intro = QLabel(
            "Records past the retention period set under Local settings → Data protection. Keep a record "
            "(with a reason and a date to review it again), anonymise it (names, addresses, phones and "
            "free text removed; dates, categories and outcomes kept, so published figures do not "
            "change) or delete it with everything that belongs to it. Every decision is audited."
        )
        intro.setWordWrap(True)
        v.addWidget(intro)
        if not services.actor.can(Role.ADMINISTRATOR):
            v.addWidget(QLabel("Only an administrator can review records past retention."))
            v.addStretch(1)
            return
        top = QHBoxLayout()
        self.kind = named(QComboBox(), "retentionKind")
        self.kind.addItem("All records", None)
        for r in RetentionRecord:
            self.kind.addItem(r.label, r)
        self.kind.currentIndexChanged.connect(self.refresh)
        label = QLabel("&Show:")
        label.setBuddy(self.kind)
        top.addWidget(label)
        top.addWidget(self.kind)
        self.count = named(QLabel(), "retentionCount")
        top.addWidget(self.count, 1)
        refresh = named(QPushButton("&Refresh"), "retentionRefresh")
        refresh.clicked.connect(self.refresh)
        top.addWidget(refresh)
        v.addLayout(top)
        self.table = named(QTableWidget(0, len(COLUMNS)), "retentionTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        v.addWidget(self.table, 1)
        keep_row = QHBoxLayout()
        self.reason = named(
            QLineEdit(placeholderText="Why it is kept (e.g. proceedings pending)"), "keepReason"
        )
        self.until = named(QDateEdit(), "keepUntil")
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("dd/MM/yyyy")
        today = services.clock.today()
        self.until.setDate(QDate(today.year + 1, today.month, min(today.day, 28)))
        reason_label = QLabel("Reas&on:")
        reason_label.setBuddy(self.reason)
        until_label = QLabel("Review a&gain on:")
        until_label.setBuddy(self.until)
        self.keep = named(QPushButton("&Keep"), "retentionKeep")
        self.anonymise = named(QPushButton("A&nonymise…"), "retentionAnonymise")
        self.delete = named(QPushButton("&Delete…"), "retentionDelete")
        for w in (reason_label, self.reason, until_label, self.until, self.keep):
            keep_row.addWidget(w, 1 if w is self.reason else 0)
        keep_row.addSpacing(24)
        keep_row.addWidget(self.anonymise)
        keep_row.addWidget(self.delete)
        v.addLayout(keep_row)
        self.error = named(QLabel(), "retentionError")
        self.error.setStyleSheet(theme.css("alert"))
        self.error.setWordWrap(True)
        self.error.hide()
        v.addWidget(self.error)
        self.keep.clicked.connect(lambda: self._decide(RetentionDecisionKind.KEEP))
        self.anonymise.clicked.connect(lambda: self._decide(RetentionDecisionKind.ANONYMISE))
        self.delete.clicked.connect(lambda: self._decide(RetentionDecisionKind.DELETE))
        self._selection_changed()
        bus.changes_applied.connect(
            lambda c: self.refresh() if self._loaded and c.touches("setting") else None
        )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._loaded and hasattr(self, "table"):
            self.refresh()

    def refresh(self) -> None:
        """Read the queue in the background (every closed record is looked at)
        and fill the table when done."""
        self._loaded = True
        self._generation += 1
        generation, kind = self._generation, self.kind.currentData()
        self.count.setText("Reading the records past retention…")
        self.tasks.start(
            lambda _report, _cancelled: self.services.retention.due(self.services.actor, kind),
            lambda rows: self._fill(rows) if generation == self._generation else None,
            self._failed,
        )

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, UserError):
            self.prompts.error("Retention", str(exc))
            return
        raise exc

    def _fill(self, rows: list[DueRecord]) -> None:
        self.rows = rows
        self.table.setRowCount(len(self.rows))
        for r, d in enumerate(self.rows):
            values = (
                f"{d.due_on:%d/%m/%Y}",
                d.type_label,
                d.reference,
                d.description + (" — restricted" if d.restricted else ""),
                d.counts_from,
                f"{d.event_on:%d/%m/%Y}",
                f"{d.kept_until:%d/%m/%Y}" if d.kept_until else "",
            )
            for c, text in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.count.setText(f"{len(self.rows):,} record(s) past retention")
        self._selection_changed()

    def selected(self) -> list[DueRecord]:
        return [self.rows[i.row()] for i in self.table.selectionModel().selectedRows()]

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self.keep.setEnabled(bool(chosen))
        self.delete.setEnabled(bool(chosen))
        self.anonymise.setEnabled(
            bool(chosen) and all(RetentionDecisionKind.ANONYMISE in d.decisions for d in chosen)
        )

    def _decide(self, decision: RetentionDecisionKind) -> None:
        chosen = self.selected()
        if not chosen:
            return
        self.error.hide()
        what = (
            f"{len(chosen)} record(s)" if len(chosen) > 1 else f"{chosen[0].type_label} {chosen[0].reference}"
        )
        if decision is RetentionDecisionKind.DELETE and not self.prompts.confirm(
            "Delete records", f"Delete {what} and everything that belongs to it? This cannot be undone."
        ):
            return
        if decision is RetentionDecisionKind.ANONYMISE and not self.prompts.confirm(
            "Anonymise records",
            f"Anonymise {what}? Names, addresses, phones, free text and filed letters "
            "are removed for good; dates, categories and outcomes stay.",
        ):
            return
        chosen_date = self.until.date()
        until = (
            date(chosen_date.year(), chosen_date.month(), chosen_date.day())
            if decision is RetentionDecisionKind.KEEP
            else None
        )
        done = 0
        problems: list[str] = []
        last_changes: Changes | None = None
        for d in chosen:
            try:
                last_changes = self.services.retention.decide(
                    self.services.actor,
                    d.record_type,
                    d.record_id or d.reference,
                    d.version,
                    decision,
                    reason=self.reason.text() if decision is RetentionDecisionKind.KEEP else None,
                    keep_until=until,
                )
                done += 1
            except ValidationError as exc:  # the same for every row (reason, date): say it once, stop
                self.error.setText(" ".join(exc.fields.values()))
                self.error.show()
                break
            except UserError as exc:
                problems.append(str(exc))
        if problems:
            self.prompts.error("Some records were not changed", "\n\n".join(problems))
        if done:
            self.reason.clear()
            self.refresh()
            if last_changes is not None:
                self.bus.changes_applied.emit(last_changes)
