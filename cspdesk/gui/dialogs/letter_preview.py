"""See a letter before anything is filed: the PDF itself (QtPdf), with Print, Save as PDF and File on case.

What is shown is the exact PDF that would be filed and printed: the pages are drawn from those bytes for
the screen and for the printer, so nothing is laid out twice.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRect, QSize, Qt
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.errors import UserError
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named

PRINT_DPI = 300  # sharp text without a page image the size of a poster


def load_pdf(data: bytes, parent: QObject) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over bytes in memory, both owned by ``parent`` (so the buffer lives as long as the
    document)."""
    doc = QPdfDocument(parent)
    buf = QBuffer(parent)
    buf.setData(QByteArray(data))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buf)
    return doc, buf


def print_document(doc: QPdfDocument, printer: QPrinter) -> int:
    """Paint every page of ``doc`` on ``printer`` at full page size; returns the pages printed. The PDF
    carries its own margins (the address must sit in the envelope window), so the printer's are off."""
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("The printer could not be started. Check it is switched on and try again.")
    try:
        dpi = min(printer.resolution(), PRINT_DPI)
        for i in range(doc.pageCount()):
            if i:
                printer.newPage()
            pts = doc.pagePointSize(i)
            image = doc.render(i, QSize(round(pts.width() / 72 * dpi), round(pts.height() / 72 * dpi)))
            area = painter.viewport()
            scale = min(area.width() / image.width(), area.height() / image.height())
            w, h = round(image.width() * scale), round(image.height() * scale)
            painter.drawImage(QRect(area.x() + (area.width() - w) // 2, area.y(), w, h), image)
        return doc.pageCount()
    finally:
        painter.end()


class LetterPreviewDialog(QDialog):
    """``on_file`` files the letter and returns what was filed (or raises UserError); ``on_copy`` is
    called when a copy leaves the app (printed or saved), e.g. to audit a reprint."""

    def __init__(
        self,
        pdf: bytes,
        title: str,
        suggested_name: str,
        prompts: Prompts,
        *,
        on_file: Callable[[], object] | None = None,
        on_copy: Callable[[str], None] | None = None,
        note: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("letterPreview")
        self.setWindowTitle(f"Preview — {title}")
        self.pdf = pdf
        self.prompts = prompts
        self.suggested_name = suggested_name
        self._on_file = on_file
        self._on_copy = on_copy
        self.filed: object | None = None  # what on_file returned
        self.document, self._buffer = load_pdf(pdf, self)

        self.view = named(QPdfView(self), "pdfView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)

        self.pages = named(QLabel(), "pageCount")
        n = self.document.pageCount()
        self.pages.setText(f"{n} page{'s' if n != 1 else ''}")
        self.zoom = named(QComboBox(), "zoom")
        for label in ("Fit width", "Whole page", "100%"):
            self.zoom.addItem(label)
        self.zoom.currentIndexChanged.connect(self._set_zoom)
        self.status = named(QLabel(note), "previewStatus")
        self.status.setWordWrap(True)

        self.print_btn = named(QPushButton("&Print…"), "printLetter")
        self.print_btn.clicked.connect(self.print_letter)
        self.save_btn = named(QPushButton("&Save as PDF…"), "saveLetter")
        self.save_btn.clicked.connect(self.save_letter)
        self.file_btn = named(QPushButton("&File on case"), "fileLetter")
        self.file_btn.clicked.connect(self.file_letter)
        self.file_btn.setVisible(on_file is not None)
        self.file_btn.setDefault(on_file is not None)
        close = named(QPushButton("Close"), "closePreview")
        close.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.pages)
        top.addStretch(1)
        top.addWidget(QLabel("Zoom"))
        top.addWidget(self.zoom)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for b in (self.file_btn, self.print_btn, self.save_btn, close):
            buttons.addWidget(b)
        v = QVBoxLayout(self)
        v.addLayout(top)
        v.addWidget(self.view, 1)
        v.addLayout(buttons)
        self.resize(820, 900)

    def _set_zoom(self, i: int) -> None:
        if i == 0:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif i == 1:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(1.0)

    def page_count(self) -> int:
        return self.document.pageCount()

    def file_letter(self) -> None:
        if self._on_file is None or self.filed is not None:
            return
        try:
            self.filed = self._on_file()
        except UserError as exc:
            self.prompts.error("Letter not filed", str(exc))
            return
        self.file_btn.setEnabled(False)
        self.file_btn.setText("Filed on case")
        self.status.setText("Filed on the case. Print it or save a copy now, or later from Documents.")

    def print_letter(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name)
        if not self.prompts.ask_print(printer):
            return
        try:
            pages = print_document(self.document, printer)
        except UserError as exc:
            self.prompts.error("Not printed", str(exc))
            return
        self._copied("printed")
        self.status.setText(f"Sent {pages} page{'s' if pages != 1 else ''} to the printer.")

    def save_letter(self) -> None:
        path = self.prompts.ask_save_file("Save as PDF", self.suggested_name, "PDF files (*.pdf)")
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            path.write_bytes(self.pdf)
        except OSError as exc:
            self.prompts.error("Not saved", f"{path} could not be written: {exc.strerror or exc}.")
            return
        self._copied("saved")
        self.status.setText(f"Saved to {path}.")

    def _copied(self, how: str) -> None:
        if self._on_copy is not None:
            try:
                self._on_copy(how)
            except UserError as exc:
                self.prompts.error("Copy not recorded", str(exc))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_P and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.print_letter()
            return
        super().keyPressEvent(event)
