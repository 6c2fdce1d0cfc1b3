"""The Crime Figures page's Import tab: choose files, see what would go in and what was rejected, import.

Reading and storing run as background tasks (a year of police.uk files is millions of rows); the
preview stays on the tab, not in a modal dialog, so the user can read the rejected rows before
choosing to import the good ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError
from cspdesk.gui.qt_helpers import named

if TYPE_CHECKING:
    from cspdesk.core.services.figures import ImportOutcome, ImportPreview
    from cspdesk.core.services.registry import Services
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.prompts import Prompts
    from cspdesk.gui.tasks import TaskRunner

FILE_FILTER = "Figures files (*.csv *.xlsx *.xlsm *.zip);;All files (*)"


class FiguresImportPanel(QWidget):
    services: Services

    def __init__(
        self, services: Services, bus: Bus, prompts: Prompts, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.tasks = tasks
        self.preview: ImportPreview | None = None
        self.can_import = services.actor.can(Role.OFFICER)
        intro = QLabel(
            "Import the Partnership Analyst's monthly figures (CSV or Excel: month, area, category, "
            "count — or one column per month), police.uk street-level files (CSVs or the zip they come "
            "in), or a population table (area, population). Nothing is stored until you choose to import."
        )
        intro.setWordWrap(True)
        self.choose = named(QPushButton("Choose files…"), "chooseFiguresFiles")
        self.choose.clicked.connect(self.choose_files)
        self.choose.setEnabled(self.can_import)
        self.progress = named(QProgressBar(), "importProgress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        top = QHBoxLayout()
        top.addWidget(self.choose)
        top.addWidget(self.progress, 1)
        if not self.can_import:
            top.addWidget(QLabel("Your role can see the figures but not import them."))
        top.addStretch(1)

        self.summary = named(QPlainTextEdit(readOnly=True), "importSummary", "What the import found")
        self.summary.setMaximumHeight(170)
        self.summary.setPlaceholderText("Choose files to see what they contain.")
        self.rejections = named(QTableWidget(0, 4), "rejectedRows")
        self.rejections.setHorizontalHeaderLabels(["File", "Row", "Column", "Problem"])
        self.rejections.verticalHeader().setVisible(False)
        self.rejections.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.rejections.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.rejected_label = QLabel("Rejected rows")
        self.rejected_label.setStyleSheet("font-weight: 600;")

        self.label_caption = QLabel("Population base (printed under each table):")
        self.population_label = named(
            QLineEdit(placeholderText="e.g. total population, mid-2020 estimate"), "importPopulationLabel"
        )
        self.import_button = named(QPushButton("Import"), "commitImport")
        self.import_button.setStyleSheet("font-weight: 600;")
        self.import_button.clicked.connect(self.commit)
        self.cancel_button = named(QPushButton("Discard"), "discardImport")
        self.cancel_button.clicked.connect(self.discard)
        actions = QHBoxLayout()
        actions.addWidget(self.label_caption)
        actions.addWidget(self.population_label, 1)
        actions.addStretch(1)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.import_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.rejected_label)
        layout.addWidget(self.rejections, 1)
        layout.addLayout(actions)
        self._show_preview(None)

    # --- reading -------------------------------------------------------------------------------

    def choose_files(self) -> None:
        paths = self.prompts.ask_open_files("Import crime figures", FILE_FILTER)
        if paths:
            self.read_files(paths)

    def read_files(self, paths: Sequence[str | Path]) -> None:
        self._busy(f"Reading {len(paths)} file{'s' if len(paths) != 1 else ''}…")
        figures = self.services.figures
        self.task = self.tasks.start(
            lambda report, _cancelled: figures.preview_import(paths, report),
            self._previewed,
            self._failed,
            self._progress,
        )

    def _previewed(self, preview: ImportPreview) -> None:
        self._idle()
        self._show_preview(preview)

    def _show_preview(self, preview: ImportPreview | None) -> None:
        self.preview = preview
        rejected = preview.rejections if preview else ()
        self.summary.setPlainText("\n".join(f.summary for f in preview.files) if preview else "")
        self.rejections.setRowCount(len(rejected))
        for r, rejection in enumerate(rejected):
            values = (
                rejection.file,
                "" if rejection.row is None else str(rejection.row),
                rejection.column or "",
                rejection.message,
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.rejections.setItem(r, c, item)
        self.rejected_label.setText(f"Rejected rows: {len(rejected):,}" if preview else "Rejected rows")
        needs_label = bool(preview and preview.has_population_file)
        self.label_caption.setVisible(needs_label)
        self.population_label.setVisible(needs_label)
        if needs_label and not self.population_label.text():
            self.population_label.setText(self.services.figures.population_label() or "")
        ready = preview is not None and preview.anything_to_import and self.can_import
        self.import_button.setEnabled(ready)
        self.cancel_button.setEnabled(preview is not None)
        if preview is not None and ready and rejected:
            self.import_button.setText(f"Import the {preview.rows_accepted:,} good rows")
        elif preview is not None and ready:
            self.import_button.setText(f"Import {preview.rows_accepted:,} rows")
        else:
            self.import_button.setText("Import")

    def discard(self) -> None:
        self._show_preview(None)

    # --- storing -------------------------------------------------------------------------------

    def commit(self) -> None:
        if self.preview is None:
            return
        preview = self.preview
        figures, actor = self.services.figures, self.services.actor
        label = self.population_label.text()
        self._busy("Importing…")
        self.task = self.tasks.start(
            lambda report, _c: figures.commit_import(
                actor, preview, import_good_rows=True, population_label=label, progress=report
            ),
            self._committed,
            self._failed,
            self._progress,
        )

    def _committed(self, outcome: ImportOutcome) -> None:
        self._idle()
        self._show_preview(None)
        self.summary.setPlainText("Imported.\n" + outcome.text)
        self.bus.changes_applied.emit(outcome.changes)

    # --- progress ------------------------------------------------------------------------------

    def _busy(self, text: str) -> None:
        self.choose.setEnabled(False)
        self.import_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.setFormat(text)
        self.progress.show()

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{stage} ({done}/{total})")

    def _idle(self) -> None:
        self.progress.hide()
        self.choose.setEnabled(self.can_import)

    def _failed(self, exc: Exception) -> None:
        self._idle()
        self._show_preview(self.preview)
        if isinstance(exc, UserError):
            self.prompts.error("Figures not imported", str(exc))
        else:
            raise exc
