"""Documents tab: files filed on the case. Images, PDFs, text and .eml emails are shown here; anything
else can be saved out and opened. The bytes live in the database, so the original can move."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.services.letters import email_as_text, preview_kind
from cspdesk.gui.bus import Bus
from cspdesk.gui.pages.case_view.base import CasePanel, fill, selected_id, table
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named

if TYPE_CHECKING:
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView

    from cspdesk.core.services.letters import AttachmentRow
    from cspdesk.core.services.registry import Services


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


class DocumentsPanel(CasePanel):
    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, bus, prompts, case_id, parent)
        self.table = table(["Title", "Kind", "File", "Size", "Added", "By"], "documentsTable", 0)
        self.table.currentCellChanged.connect(lambda *_a: self.preview())
        self.add_btn = named(QPushButton("Add files…"), "addFiles")
        self.add_btn.clicked.connect(self.add_files)
        self.save_btn = named(QPushButton("Save a copy…"), "saveCopy")
        self.save_btn.clicked.connect(self.save_copy)
        self.stack = named(QStackedWidget(), "documentPreview")
        self.none = QLabel("Select a document to preview it.", alignment=Qt.AlignmentFlag.AlignCenter)
        self.image = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "imagePreview")
        image_scroll = QScrollArea()
        image_scroll.setWidget(self.image)
        image_scroll.setWidgetResizable(True)
        self.text = named(QPlainTextEdit(readOnly=True), "textPreview")
        self.pdf_holder = QWidget()
        self.pdf_layout = QVBoxLayout(self.pdf_holder)
        self.pdf_layout.setContentsMargins(0, 0, 0, 0)
        self.pdf_view: QPdfView | None = None  # QtPdf is loaded the first time a PDF is shown
        self.pdf_doc: QPdfDocument | None = None
        for w in (self.none, image_scroll, self.text, self.pdf_holder):
            self.stack.addWidget(w)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_btn)
        buttons.addWidget(self.save_btn)
        buttons.addStretch(1)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.table, 1)
        lv.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(splitter)
        self.rows: list[AttachmentRow] = []
        self.shown: str | None = None  # "image" / "pdf" / "text" / "email" / None: what the preview shows

    def load(self) -> None:
        self.rows = self.services.attachments.documents(self.case_id)
        fill(
            self.table,
            [
                [d.title, d.kind.capitalize(), d.filename, _size(d.size), f"{d.made_at:%d/%m/%Y}", d.made_by]
                for d in self.rows
            ],
            [d.id for d in self.rows],
        )

    def _current(self) -> AttachmentRow | None:
        did = selected_id(self.table)
        return next((d for d in self.rows if d.id == did), None)

    def preview(self) -> None:
        doc = self._current()
        kind = preview_kind(doc.mime_type, doc.filename) if doc else None
        self.shown = kind
        if doc is None:
            self.stack.setCurrentWidget(self.none)
            return
        if kind is None:
            self.none.setText(
                f"{doc.filename} cannot be shown here.\nUse 'Save a copy…' to open it in its own program."
            )
            self.stack.setCurrentWidget(self.none)
            return
        data = self.services.attachments.content(self.services.actor, doc.id)
        if kind == "image":
            pix = QPixmap()
            pix.loadFromData(data)
            self.image.setPixmap(
                pix.scaled(
                    900, 900, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
                if not pix.isNull()
                else pix
            )
            if pix.isNull():
                self.image.setText(f"{doc.filename} is not a picture Qt can read.")
            self.stack.setCurrentIndex(1)
        elif kind in ("text", "email"):
            self.text.setPlainText(
                email_as_text(data) if kind == "email" else data.decode("utf-8", "replace")
            )
            self.stack.setCurrentWidget(self.text)
        else:
            self._show_pdf(data)

    def _show_pdf(self, data: bytes) -> None:
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        if self.pdf_view is None or self.pdf_doc is None:
            self.pdf_doc = QPdfDocument(self)
            self.pdf_view = QPdfView(self.pdf_holder)
            self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.pdf_view.setDocument(self.pdf_doc)
            self.pdf_layout.addWidget(self.pdf_view)
        self._pdf_bytes = QByteArray(data)  # the buffer must outlive the document's use of it
        self._pdf_buffer = QBuffer(self._pdf_bytes, self)
        self._pdf_buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf_doc.load(self._pdf_buffer)
        self.stack.setCurrentWidget(self.pdf_holder)

    def add_files(self) -> None:
        paths = self.prompts.ask_open_files(
            "Add files to the case",
            "All files (*);;Pictures (*.png *.jpg *.jpeg);;PDF (*.pdf);;Email (*.eml *.msg)",
        )
        if not paths:
            return
        changes = self.attempt(
            "Files not added",
            lambda: self.services.attachments.add_files(self.services.actor, self.case_id, paths),
        )
        if changes is not None:
            self.applied(changes)

    def save_copy(self) -> None:
        doc = self._current()
        if doc is None:
            self.prompts.info("Save a copy", "Select a document first.")
            return
        target = self.prompts.ask_save_file("Save a copy", doc.filename)
        if target is None:
            return
        try:
            self.services.attachments.save_copy(self.services.actor, doc.id, target)
        except OSError as exc:
            self.prompts.error("Not saved", f"{target} could not be written: {exc.strerror or exc}")
