"""The wizard's first two steps (the file and sheet; what it holds) and its last (the import itself).

The mapping steps are in ``mapping.py``, the dry run in ``preview.py``; this module gathers them for the
wizard.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizard,
)

from cspdesk.core.services.moving_in import counted_as_done
from cspdesk.gui import theme
from cspdesk.gui.dialogs.moving_in.mapping import ColumnsPage, ValuesPage
from cspdesk.gui.dialogs.moving_in.preview import PreviewPage, rows_table
from cspdesk.gui.dialogs.moving_in.widgets import read_only
from cspdesk.gui.dialogs.moving_in.wizard import MovingInWizard, StepPage
from cspdesk.gui.qt_helpers import named

__all__ = ["ChoosePage", "ColumnsPage", "ImportPage", "KindPage", "PreviewPage", "ValuesPage"]

FILE_FILTER = "Spreadsheets (*.xlsx *.xlsm *.csv);;All files (*)"
KIND_HELP = {
    "cases": "One row a case: its reference, when it was reported, what it is about, its status, officer.",
    "incidents": "One row an incident, each naming the case it belongs to (a case log's incident log).",
    "people": "One row a person on a case: a complainant, victim, witness or alleged perpetrator.",
    "notices": "A CPW/CPN register: one row a warning, notice or fixed penalty, with the dates served.",
    "safer_homes": "The Safer Homes scheme's referral list: one row a referral.",
    "actions": "One row an action taken on a case (a visit, a letter, a call).",
}


class ChoosePage(StepPage):
    """Step 1: the file and the sheet, with what CSPDesk noticed about them."""

    def __init__(self, wizard: MovingInWizard):
        super().__init__(
            wizard,
            "Choose the file",
            "An Excel workbook (.xlsx) or a CSV file. Nothing is stored until the last step.",
        )
        self.choose = named(QPushButton("&Choose file…"), "movingInChooseFile")
        self.choose.clicked.connect(self.choose_file)
        self.path_label = named(QLabel("No file chosen yet."), "movingInPath")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sheet_box = named(QComboBox(), "movingInSheet", "Sheet")
        self.sheet_box.currentIndexChanged.connect(self._sheet_chosen)
        self.notes = named(
            read_only(QPlainTextEdit()), "movingInNotes", "What CSPDesk noticed about the sheet"
        )
        self.notes.setMaximumHeight(110)
        self.rows = named(QTableWidget(0, 0), "movingInFirstRows", "The sheet's first rows")
        self.rows.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rows.verticalHeader().setVisible(False)
        top = QHBoxLayout()
        top.addWidget(self.choose)
        top.addWidget(self.path_label, 1)
        form = QFormLayout()
        sheet_label = QLabel("&Sheet:")
        sheet_label.setBuddy(self.sheet_box)
        form.addRow(sheet_label, self.sheet_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(QLabel("What CSPDesk noticed:"))
        layout.addWidget(self.notes)
        layout.addWidget(QLabel("The first rows, as read:"))
        layout.addWidget(self.rows, 1)
        for w in self.footer():
            layout.addWidget(w)

    def choose_file(self) -> None:
        path = self.w.prompts.ask_open_file("Import existing records", FILE_FILTER)
        if path is not None:
            self.open(path)

    def open(self, path) -> None:
        moving_in = self.w.services.moving_in
        self.path_label.setText(str(path))
        self.w.run(self, "Reading the file…", lambda report: moving_in.open_file(path, report), self._opened)

    def _opened(self, info) -> None:
        self.w.info = info
        self.w.plan = None  # a new file: the mapping is proposed afresh
        self.sheet_box.blockSignals(True)
        self.sheet_box.clear()
        for sheet in info.sheets:
            self.sheet_box.addItem(f"{sheet.name} ({sheet.row_count:,} rows)", sheet.name)
        self.sheet_box.blockSignals(False)
        self.sheet_box.setCurrentIndex(0)
        self._sheet_chosen()

    def _sheet_chosen(self) -> None:
        info = self.w.info
        sheet = info.sheet(self.sheet_box.currentData()) if info else None
        if sheet is not self.w.sheet:
            self.w.plan = None
        self.w.sheet = sheet
        lines = list(info.notes) if info else []
        if sheet is not None:
            if not any(f"row {sheet.header_row}" in n for n in sheet.notes):
                lines.append(f"Headings found on row {sheet.header_row}.")
            lines.append(f"{sheet.row_count:,} rows of records.")
            lines += list(sheet.notes)
            if sheet.same_shape_as and not any(
                other in n for n in sheet.notes for other in sheet.same_shape_as
            ):
                lines.append(
                    "Sheets with the same headings: "
                    + ", ".join(sheet.same_shape_as)
                    + " — import each in turn if they all hold records."
                )
            hidden = [c.heading for c in sheet.columns if c.hidden]
            if hidden and not any("hidden" in n.lower() for n in sheet.notes):
                lines.append("Hidden in Excel (not proposed): " + ", ".join(hidden))
        self.notes.setPlainText("\n".join(lines))
        self._show_rows(sheet)
        self.completeChanged.emit()

    def _show_rows(self, sheet) -> None:
        self.rows.clear()
        if sheet is None:
            self.rows.setRowCount(0)
            self.rows.setColumnCount(0)
            return
        self.rows.setColumnCount(len(sheet.columns))
        self.rows.setHorizontalHeaderLabels(
            [c.heading + (" (hidden)" if c.hidden else "") for c in sheet.columns]
        )
        self.rows.setRowCount(len(sheet.first_rows))
        for r, values in enumerate(sheet.first_rows):
            for c, value in enumerate(values):
                self.rows.setItem(r, c, QTableWidgetItem(value))
        self.rows.resizeColumnsToContents()
        for c in range(self.rows.columnCount()):  # a long free-text column must not push the rest away
            self.rows.setColumnWidth(c, min(self.rows.columnWidth(c), 220))

    def ready(self) -> bool:
        return self.w.sheet is not None and self.w.sheet.row_count > 0


class KindPage(StepPage):
    """Step 2: what one row of the sheet is."""

    def __init__(self, wizard: MovingInWizard):
        super().__init__(wizard, "What does the sheet hold?", "One row of the sheet is one of these.")
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        for kind in wizard.services.moving_in.kinds():
            button = named(QRadioButton(kind.label), f"movingInKind_{kind.value}")
            button.setProperty("kind", kind.value)
            button.toggled.connect(self._chosen)
            self.group.addButton(button)
            self.buttons[kind.value] = button
            help_ = QLabel(KIND_HELP.get(kind.value, ""))
            help_.setWordWrap(True)
            help_.setContentsMargins(24, 0, 0, 8)
            help_.setStyleSheet(theme.css("muted"))
            layout.addWidget(button)
            layout.addWidget(help_)
        layout.addStretch(1)
        for w in self.footer():
            layout.addWidget(w)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        if self.group.checkedButton() is None and self.buttons:
            next(iter(self.buttons.values())).setChecked(True)

    def _chosen(self) -> None:
        from cspdesk.core.services.moving_in import RecordKind

        button = self.group.checkedButton()
        kind = RecordKind(button.property("kind")) if button is not None else None
        if kind != self.w.kind:
            self.w.plan = None  # another kind: other fields, so the mapping is proposed again
        self.w.kind = kind
        self.completeChanged.emit()

    def ready(self) -> bool:
        return self.w.kind is not None


class ImportPage(StepPage):
    """Step 6: the import runs as the page opens (the Import button was the preview's); then what was made."""

    def __init__(self, wizard: MovingInWizard):
        super().__init__(
            wizard,
            "Import",
            "Everything goes in as one batch, or nothing does. Cancel while it runs and nothing is kept.",
        )
        self.outcome = named(QLabel(), "movingInOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_cases = named(QPushButton("&Show the cases in ASB Cases"), "movingInShowCases")
        self.show_cases.clicked.connect(self._show_cases)
        self.show_cases.hide()
        self.rejected = rows_table(
            "movingInResultRejected", "Rows left out", ("Row", "Why it was left out"), 1
        )
        self.rejected.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.outcome)
        layout.addWidget(self.show_cases, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.rejected, 1)
        layout.addStretch(0)
        for w in self.footer():
            layout.addWidget(w)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        moving_in, actor, plan = self.w.services.moving_in, self.w.services.actor, self.w.plan
        self.outcome.setText("")
        self.w.imported = None
        self.w.run(self, "Importing…", lambda report: moving_in.run(actor, plan, report), self._imported)

    def _imported(self, result) -> None:
        self.w.imported = result
        made = escape(counted_as_done(result.counts))
        left_out = len(result.rejected)
        self.outcome.setText(
            f"<b>Imported.</b> {made}.<br>"
            f"Import batch: <code>{result.batch_id}</code> — listed under Import → Past imports, where it "
            "can "
            "be undone while nothing on its records has changed."
            + "".join(f"<br>{escape(note)}" for note in getattr(result, "notes", ()))
            + (f"<br>{left_out:,} rows were left out (below)." if left_out else "")
            + (
                f"<br>{len(result.flagged):,} rows were imported but are worth a look."
                if result.flagged
                else ""
            )
        )
        self.show_cases.setVisible(self.w.show_cases is not None)
        self.rejected.setVisible(bool(left_out))
        PreviewPage.fill(self.rejected, [(r.row, r.reason) for r in result.rejected])
        self.w.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)  # nothing left to cancel
        self.w.bus.changes_applied.emit(result.changes)

    def legacy_example(self) -> str:
        """The file's first reference (a legacy reference now, searchable in ASB Cases), or ""."""
        heading = next((h for h, k in self.w.the_plan.columns.items() if k == "legacy_reference"), None)
        column = self.w.the_sheet.column(heading) if heading and self.w.sheet else None
        return column.examples[0] if column and column.examples else ""

    def _show_cases(self) -> None:
        if self.w.show_cases is not None:
            self.w.show_cases(self.legacy_example())
            self.w.accept()

    def ready(self) -> bool:
        return self.w.imported is not None
