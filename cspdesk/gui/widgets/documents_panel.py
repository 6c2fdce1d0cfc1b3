"""Documents on a case (or a notice, referral or Case Review application): every letter filed (and
attachment), newest first, with reprint and New letter…

Reprinting shows and prints the stored bytes, never a new rendering: the copy is the one that was sent.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError
from cspdesk.core.services.letters import Subject
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.dialogs.letter_preview import LetterPreviewDialog
from cspdesk.gui.dialogs.new_letter import NewLetterDialog
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.reasons import with_reason

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.letters import DocumentRow
    from cspdesk.core.services.registry import Services

COLUMNS = ("Made", "Document", "To", "Made by", "Template", "Size")


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


class DocumentsPanel(QWidget):
    services: Services

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
        subject: Subject = Subject.CASE,
    ):
        super().__init__(parent)
        self.subject = Subject(subject)
        self.setObjectName("documentsPanel")
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.case_id = case_id
        self.rows: list[DocumentRow] = []
        self.dialog: QWidget | None = None

        self.table = named(QTableWidget(0, len(COLUMNS)), "documentsTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.openable: dict[uuid.UUID, bool] = {}
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(self.open_selected)

        self.new_btn = named(QPushButton("&New letter…"), "newLetterButton")
        self.new_btn.clicked.connect(self.new_letter)
        self.new_btn.setEnabled(
            services.actor.can(Role.OFFICER)
            and services.documents.may_write_on(services.actor, self.subject, case_id)
        )
        self.open_btn = named(QPushButton("&Open / reprint…"), "openDocument")
        self.open_btn.clicked.connect(self.open_selected)
        where = "case" if self.subject is Subject.CASE else self.subject.label.split()[-1].lower()
        self.empty = named(QLabel(f"No letters or documents on this {where} yet."), "noDocuments")
        self.empty.setStyleSheet(theme.css("muted"))

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_btn)
        buttons.addWidget(self.open_btn)
        buttons.addStretch(1)
        v = QVBoxLayout(self)
        v.addLayout(buttons)
        v.addWidget(self.table, 1)
        v.addWidget(self.empty)
        bus.changes_applied.connect(self._on_changes)
        self.refresh()

    def refresh(self) -> None:
        actor = self.services.actor
        self.rows = self.services.documents.for_record(actor, self.subject, self.case_id)
        # A letter on a restricted record the user may not see is listed by reference, and cannot be opened.
        self.openable = {d.id: self.services.documents.may_open(actor, d.id) for d in self.rows}
        self.table.setRowCount(len(self.rows))
        for r, d in enumerate(self.rows):
            template = (
                f"{d.template_code} rev {d.template_revision}"
                if d.template_revision
                else (d.template_code or "")
            )
            title = d.title + (f" — {d.description}" if d.description else "")
            cells = (f"{d.made_at:%d/%m/%Y %H:%M}", title, d.recipient, d.made_by, template, _size(d.size))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{d.filename}\nSHA-256 {d.sha256}")
                self.table.setItem(r, c, item)
        self.empty.setVisible(not self.rows)
        if self.rows and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self._selection_changed()

    def _selection_changed(self) -> None:
        row = self.table.currentRow()
        ok = 0 <= row < len(self.rows) and self.openable.get(self.rows[row].id, False)
        self.open_btn.setEnabled(bool(ok))
        self.open_btn.setToolTip(
            ""
            if ok or not self.rows
            else "This letter is on a restricted record: you do not have permission to open it."
        )

    load = refresh  # the case screen's tab protocol: called when the case changes

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches("document"):
            self.refresh()

    def new_letter(self, code: str | None = None) -> NewLetterDialog:
        dlg = NewLetterDialog(
            self.services, self.bus, self.prompts, self.subject, self.case_id, self, code=code
        )
        self.dialog = dlg
        dlg.open()
        return dlg

    def open_selected(self) -> LetterPreviewDialog | None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.rows):
            return None
        d = self.rows[row]
        if not self.openable.get(d.id, False):
            return None
        actor = self.services.actor
        try:
            data: bytes | None = with_reason(
                self.prompts,
                "opening this letter",
                lambda reason: self.services.documents.content(actor, d.id, reason),
            )
        except UserError as exc:
            self.prompts.error("Document not opened", str(exc))
            return None
        if data is None:
            return None
        if d.filename.lower().endswith(".pdf") or data.startswith(b"%PDF"):
            doc_id = d.id

            def record_copy(_how: str) -> None:
                """A copy left the app: audited as a reprint (a reason first, on a restricted record)."""
                with_reason(
                    self.prompts,
                    "printing this letter",
                    lambda reason: self.services.documents.reprint(actor, doc_id, reason),
                )

            dlg = LetterPreviewDialog(
                data,
                d.title,
                d.filename,
                self.prompts,
                on_copy=record_copy,
                note=f"The copy filed on {d.made_at:%d/%m/%Y} by {d.made_by}.",
                parent=self,
            )
            self.dialog = dlg
            dlg.open()
            return dlg
        path = self.prompts.ask_save_file("Save a copy", d.filename)
        if path is None:
            return None
        try:
            path.write_bytes(data)
        except OSError as exc:  # a folder gone or read-only: said, as the letter preview says it
            self.prompts.error("Copy not saved", f"{path} could not be written: {exc.strerror or exc}.")
        return None


def letters_tab(
    services: Services, bus: Bus, prompts: Prompts, case_id: uuid.UUID
) -> tuple[str, DocumentsPanel]:
    """A case-screen tab factory (``case_view.EXTRA_CASE_TABS``)."""
    return "Letters", DocumentsPanel(services, bus, prompts, case_id)


def open_documents_dialog(
    parent: QWidget,
    services: Services,
    bus: Bus,
    prompts: Prompts,
    record_id: uuid.UUID,
    title: str,
    subject: Subject = Subject.CASE,
) -> DocumentsPanel:
    """The documents of one record in a window of their own (non-blocking); returns the panel."""
    dlg = named(QDialog(parent), "documentsDialog")
    dlg.setWindowTitle(f"{title} — letters and documents")
    panel = DocumentsPanel(services, bus, prompts, record_id, dlg, subject=subject)
    QVBoxLayout(dlg).addWidget(panel)
    dlg.resize(900, 420)
    dlg.open()
    return panel
