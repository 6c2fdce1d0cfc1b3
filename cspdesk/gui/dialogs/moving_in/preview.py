"""Step 5: the dry run — what the import would make, link and merge, every row it would leave out and why,
rows worth a look (a date that could be read two ways, a notice whose dates disagree with the Act), and the
people who may already be known, each confirmed or rejected by the officer. Nothing is written."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWizard,
)

from cspdesk.gui.dialogs.moving_in.widgets import CopyableTable
from cspdesk.gui.dialogs.moving_in.wizard import MovingInWizard, StepPage
from cspdesk.gui.qt_helpers import named

PEOPLE_COLUMNS = ("Same person?", "In the file", "Already known as", "Why they may be the same", "Rows")


def rows_table(object_name: str, name: str, headings: tuple[str, ...], stretch: int) -> CopyableTable:
    table = named(CopyableTable(0, len(headings)), object_name, name)
    table.setHorizontalHeaderLabels(list(headings))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _number(n: int) -> QTableWidgetItem:
    item = QTableWidgetItem(str(n))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class PreviewPage(StepPage):
    def __init__(self, wizard: MovingInWizard):
        super().__init__(
            wizard,
            "Preview (dry run)",
            "What the import would do. Nothing has been written yet: the Import button does it, in one go.",
        )
        self.setCommitPage(True)  # past this point there is no Back: the import has run
        self.counts = named(QLabel(), "movingInCounts")
        self.counts.setWordWrap(True)
        self.counts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = named(QTabWidget(), "movingInPreviewTabs")
        self.rejected = rows_table("movingInRejected", "Rows that would be left out", ("Row", "Why"), 1)
        self.flagged = rows_table("movingInFlagged", "Rows worth a look", ("Row", "What to check"), 1)
        self.people = rows_table("movingInPeople", "People who may already be known", PEOPLE_COLUMNS, 3)
        self.people.itemChanged.connect(self._person_answered)
        self.export = named(QPushButton("&Export rejected rows…"), "movingInExportRejected")
        self.export.clicked.connect(self.export_rejected)
        self.again = named(QPushButton("&Check again"), "movingInCheckAgain")
        self.again.setToolTip("Run the dry run again with your answers about people")
        self.again.clicked.connect(self.check)
        self.tabs.addTab(self.rejected, "Left out")
        self.tabs.addTab(self.flagged, "Worth a look")
        self.tabs.addTab(self.people, "Same person?")
        buttons = QHBoxLayout()
        buttons.addWidget(self.export)
        buttons.addStretch(1)
        buttons.addWidget(self.again)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        for w in self.footer():
            layout.addWidget(w)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        self.check()

    def check(self) -> None:
        moving_in, actor, plan = self.w.services.moving_in, self.w.services.actor, self.w.plan
        self.w.dry = None
        self.counts.setText("")
        self.export.setEnabled(False)
        self.w.run(
            self, "Checking every row…", lambda report: moving_in.dry_run(actor, plan, report), self._show
        )

    def _show(self, dry) -> None:
        self.w.dry = dry
        counts = escape("; ".join(f"{n:,} {what}" for what, n in dry.counts.items()) or "nothing")
        lines = [f"<b>{dry.rows_read:,} rows read.</b> The import would make: {counts}."]
        lines += [escape(note) for note in getattr(dry, "notes", ())]  # words from the file: never markup
        if dry.rejected:
            n = len(dry.rejected)
            lines.append(f"{n:,} row{'s' if n != 1 else ''} would be left out — see “Left out”.")
        if dry.missing_fields:
            lines.append(
                "<b>Required fields with no column:</b> "
                + escape(", ".join(dry.missing_fields))
                + " (go Back)."
            )
        if unmapped := self.unanswered(dry):
            shown = escape(", ".join(f"“{v.value}”" for v in unmapped[:6]))
            lines.append(f"<b>Values with no CSPDesk word:</b> {shown} (go Back to map them).")
        if not dry.importable and not dry.missing_fields:
            lines.append("<b>No row could be imported.</b>")
        self.counts.setText("<br>".join(lines))
        self.fill(self.rejected, [(r.row, r.reason) for r in dry.rejected])
        self.fill(self.flagged, [(r.row, r.reason) for r in dry.flagged])
        self._fill_people(dry)
        self.tabs.setTabText(0, f"Left out ({len(dry.rejected):,})")
        self.tabs.setTabText(1, f"Worth a look ({len(dry.flagged):,})")
        self.tabs.setTabText(2, f"Same person? ({len(dry.uncertain_people):,})")
        self.export.setEnabled(bool(dry.rejected))
        good = dry.rows_read - len(dry.rejected)
        self.setButtonText(QWizard.WizardButton.CommitButton, f"&Import {good:,} rows")
        self.completeChanged.emit()

    @staticmethod
    def fill(table: QTableWidget, rows: list[tuple[int, str]]) -> None:
        table.setRowCount(len(rows))
        for r, (row, text) in enumerate(rows):
            table.setItem(r, 0, _number(row))
            table.setItem(r, 1, QTableWidgetItem(text))
        table.resizeColumnToContents(0)

    def _fill_people(self, dry) -> None:
        confirmed = self.w.the_plan.confirmed_people
        self.people.blockSignals(True)
        self.people.setRowCount(len(dry.uncertain_people))
        for r, match in enumerate(dry.uncertain_people):
            answer = QTableWidgetItem("Same person")
            answer.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            )
            answer.setCheckState(Qt.CheckState.Checked if match.key in confirmed else Qt.CheckState.Unchecked)
            answer.setData(Qt.ItemDataRole.UserRole, match.key)
            self.people.setItem(r, 0, answer)
            for c, text in enumerate(
                (match.in_file, match.candidate, match.why, ", ".join(str(n) for n in match.rows)), start=1
            ):
                self.people.setItem(r, c, QTableWidgetItem(text))
        self.people.blockSignals(False)
        self.people.resizeColumnToContents(0)

    def set_same_person(self, row: int, same: bool) -> None:
        """Tick or untick "Same person" on a row of the people table (as the officer's click does)."""
        item = self.people.item(row, 0)
        assert item is not None, "the people table is filled row by row"
        item.setCheckState(Qt.CheckState.Checked if same else Qt.CheckState.Unchecked)

    def _person_answered(self, item: QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        confirmed = set(self.w.the_plan.confirmed_people)
        if item.checkState() == Qt.CheckState.Checked:
            confirmed.add(key)
        else:
            confirmed.discard(key)
        self.w.plan_with(confirmed_people=frozenset(confirmed))
        self.problem(
            "Your answers about people are kept for the import; the counts above are from before them "
            "(Check again to recount)."
        )

    def export_rejected(self) -> None:
        dry = self.w.dry
        if dry is None or not dry.rejected:
            return
        stem = self.w.sheet.name if self.w.sheet else "sheet"
        target = self.w.prompts.ask_save_file("Export rejected rows", f"{stem} - left out.csv", "CSV (*.csv)")
        if target is None:
            return
        from cspdesk.core.exports import write_csv_file

        try:
            n = write_csv_file(target, ("Row", "Why"), ((r.row, r.reason) for r in dry.rejected))
        except OSError as exc:
            self.w.prompts.error("Not exported", f"{target} could not be written: {exc.strerror or exc}")
            return
        self.w.prompts.info("Exported", f"{n:,} rejected row{'s' if n != 1 else ''} written to {target}.")

    def unanswered(self, dry) -> list:
        """Values the dry run met that the officer has given no answer (a word, or "leave out") — the core
        lists values answered "leave out" among its unmapped ones too, so they are taken off here."""
        answered = self.w.the_plan.values
        return [v for v in dry.unmapped_values if v.value not in answered.get(v.field, {})]

    def ready(self) -> bool:
        dry = self.w.dry
        return dry is not None and dry.importable and not self.unanswered(dry)
