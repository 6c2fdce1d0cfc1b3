"""Import → Past imports: every import batch, newest first, each with Undo while nothing on its records has
changed since (the core decides and refuses in plain words, which are shown as they are)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from cspdesk.core.domain.vocab import NoticeKind, Role
from cspdesk.core.errors import UserError
from cspdesk.core.services.moving_in import counted_as_done
from cspdesk.gui.qt_helpers import named

COLUMNS = ("Imported", "File", "Sheet", "Holds", "By", "Made", "State")
NOTICE_COLUMNS = ("Notice", "Old reference", "Kind", "Served", "What disagrees")


def _kind(value: str) -> str:
    try:
        return NoticeKind(value).label
    except ValueError:
        return value


def _when(moment) -> str:
    return f"{moment:%d/%m/%Y %H:%M}"


class PastImportsDialog(QDialog):
    def __init__(self, services, bus, prompts, tasks, parent=None):
        super().__init__(parent)
        self.setObjectName("pastImportsDialog")
        self.setWindowTitle("Past imports")
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.tasks = tasks
        self.batches: list = []
        self.to_check: list = []
        self.task = None
        intro = QLabel(
            "Every import of existing records, newest first. Undo removes everything an import made — while "
            "nothing on those records has been changed or added to since."
        )
        intro.setWordWrap(True)
        self.table = named(QTableWidget(0, len(COLUMNS)), "pastImportsTable", "Past imports")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        self.undo_button = named(QPushButton("&Undo this import…"), "undoImport")
        self.undo_button.clicked.connect(self.undo_selected)
        self.status = named(QLabel(), "pastImportsStatus")
        self.status.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addWidget(self.status, 1)
        row.addWidget(close)
        self.notices_label = QLabel(
            "Imported notices whose dates in the file disagree with the statutory rules — imported with the "
            "rules' dates, for you to check against the notice as served (double-click or Enter opens the "
            "notice; Dates checked takes it off this list and the Enforcement register's marker):"
        )
        self.notices_label.setWordWrap(True)
        self.notices = named(
            QTableWidget(0, len(NOTICE_COLUMNS)), "noticesToCheck", "Imported notices whose dates to check"
        )
        self.notices.setHorizontalHeaderLabels(list(NOTICE_COLUMNS))
        self.notices.verticalHeader().setVisible(False)
        self.notices.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.notices.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.notices.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.notices.activated.connect(lambda index: self.open_notice(index.row()))
        self.notices.itemSelectionChanged.connect(self._selected)
        self.checked_button = named(QPushButton("&Dates checked"), "pastDatesChecked")
        self.checked_button.setToolTip(
            "You have checked the selected notice's dates against the notice as served: take it off this list"
        )
        self.checked_button.clicked.connect(self.dates_checked)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.notices_label)
        layout.addWidget(self.notices, 1)
        layout.addWidget(self.checked_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(row)
        self.resize(980, 520)
        self.load()

    def load(self) -> None:
        self.batches = self.services.moving_in.batches()
        self.table.setRowCount(len(self.batches))
        for r, batch in enumerate(self.batches):
            made = counted_as_done(batch.counts)
            state = f"Undone {_when(batch.undone_at)} by {batch.undone_by}" if batch.undone_at else "In use"
            for c, text in enumerate(
                (
                    _when(batch.imported_at),
                    batch.file_name,
                    batch.sheet,
                    batch.kind.label,
                    batch.imported_by,
                    made,
                    state,
                )
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, batch.id)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        if not self.batches:
            self.status.setText("Nothing has been imported yet.")
        self._load_notices()
        self._selected()

    def _load_notices(self) -> None:
        self.to_check = self.services.moving_in.notices_to_check()
        self.notices.setRowCount(len(self.to_check))
        for r, notice in enumerate(self.to_check):
            served = f"{notice.served_on:%d/%m/%Y}" if notice.served_on else ""
            for c, text in enumerate(
                (
                    notice.reference,
                    notice.legacy_reference or "",
                    _kind(notice.kind),
                    served,
                    notice.disagreements,
                )
            ):
                self.notices.setItem(r, c, QTableWidgetItem(text))
        self.notices.resizeColumnsToContents()
        self.notices.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.notices_label.setVisible(bool(self.to_check))
        self.notices.setVisible(bool(self.to_check))
        self.checked_button.setVisible(bool(self.to_check))

    def open_notice(self, row: int) -> None:
        """The notice on the Enforcement page, to check its dates against the notice as served."""
        self.bus.show_notice.emit(self.to_check[row].notice_id)
        self.accept()

    def dates_checked(self) -> None:
        """The selected notice's dates have been checked against the notice as served: off the list."""
        rows = self.notices.selectionModel().selectedRows()
        if not rows:
            return
        notice = self.to_check[rows[0].row()]
        if not self.prompts.confirm(
            "Dates checked?",
            f"Have you checked {notice.reference}'s dates against the notice as it was served?\n\n"
            f"{notice.disagreements}\n\nIt leaves the notices to check; the audit log keeps what disagreed.",
        ):
            return
        try:
            changes = self.services.moving_in.dates_checked(self.services.actor, notice.notice_id)
        except UserError as exc:
            self.prompts.error("Dates not marked checked", str(exc))
        else:
            self.bus.changes_applied.emit(changes)
        self._load_notices()
        self._selected()

    def current(self):
        rows = self.table.selectionModel().selectedRows()
        return self.batches[rows[0].row()] if rows else None

    def _selected(self) -> None:
        batch = self.current()
        can = self.services.actor.can(Role.ADMINISTRATOR)
        self.undo_button.setEnabled(bool(batch and batch.undone_at is None and can and self.task is None))
        if not can:
            self.undo_button.setToolTip("Only an administrator can undo an import.")
        picked = bool(self.notices.selectionModel().selectedRows())
        self.checked_button.setEnabled(picked and self.services.actor.can(Role.OFFICER))

    def undo_selected(self) -> None:
        batch = self.current()
        if batch is None or batch.undone_at is not None:
            return
        made = counted_as_done(batch.counts)
        if not self.prompts.confirm(
            "Undo this import?",
            f"Undo the import of {batch.file_name} ({batch.sheet}) made {_when(batch.imported_at)}?\n\n"
            f"This removes what it made: {made}. It is refused if any of those records has been changed "
            "since.",
        ):
            return
        moving_in, actor = self.services.moving_in, self.services.actor
        self.status.setText("Undoing…")
        self.undo_button.setEnabled(False)
        self.task = self.tasks.start(
            lambda _r, _c: moving_in.undo(actor, batch.id), self._undone, self._failed
        )

    def _undone(self, changes) -> None:
        self.task = None
        self.status.setText("Undone: what the import made has been removed.")
        self.bus.changes_applied.emit(changes)
        self.load()

    def _failed(self, exc: Exception) -> None:
        self.task = None
        self.status.setText("")
        self._selected()
        if isinstance(exc, UserError):
            self.prompts.error("Import not undone", str(exc))
        else:
            raise exc

    def reject(self) -> None:
        if self.task is not None:  # the undo is one transaction: let it finish rather than abandon it
            self.status.setText("Still undoing… this closes when it is done.")
            self.task.signals.finished.connect(lambda _r: QDialog.reject(self))
            return
        super().reject()
