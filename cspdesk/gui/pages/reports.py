"""Reports: the partnership report pack for a period, on screen and editable before printing.

Everything shown comes from ``services.report_pack`` as DTOs; the page never imports the service's module
or anything that prints (the composition root gave the service its PDF renderer). Clicking a count reads the
records behind it in the background and lists them; double-clicking one that belongs to a case opens the case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.dialogs.report_trace import TraceDialog
from cspdesk.gui.loading import PageLoader, when_shown
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.tasks import Task, TaskRunner
from cspdesk.gui.theme import font_css

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services
    from cspdesk.core.services.reports import Measure, QuarterlyReturn, ReportPack, TraceRow

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
KEY = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class _Counted:
    """A period counted: the pack and the quarterly return, read together on a worker."""

    text: str
    pack: ReportPack
    quarterly: QuarterlyReturn


@dataclass(frozen=True)
class _Refused:
    """A period the service would not count (mistyped, say): said beside the field, not as a failed read."""

    error: ValidationError


class ReportsPage(QWidget):
    title = "Reports"

    # (period text, stage): emitted on the worker that counts, shown on the GUI thread (a queued connection)
    counting = Signal(str, str)

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.service = services.report_pack
        self.actor = services.actor
        self.bus = bus
        self.prompts = prompts
        self.tasks = tasks or TaskRunner()
        self.can_edit = services.actor.can(Role.OFFICER)
        self.pack: ReportPack | None = None
        self.quarterly_return: QuarterlyReturn | None = None
        self.trace_dialog: TraceDialog | None = None
        self._filling = False
        self._asked = ""  # the period text of the newest count asked for (its progress is the one shown)
        self._shown = ""  # the period text of the pack on screen: what is saved, exported and printed
        # The newest request wins, for the period counted and for the records behind a clicked count.
        self.loader = PageLoader(self, self.tasks, "the report pack", "reportStatus")
        self.loader.loaded.connect(self._loaded)
        self.loader.failed.connect(self._count_failed)
        self.trace_loader = PageLoader(self, self.tasks, "the records behind the count", "traceStatus")
        self.trace_loader.loaded.connect(self.unsetCursor)
        self.trace_loader.failed.connect(lambda _message: self.unsetCursor())
        self.counting.connect(self._counted_so_far)

        heading = QLabel("Reports")
        heading.setStyleSheet(f"{font_css(20)} font-weight: 600;")
        self.period = named(QComboBox(), "reportPeriod")
        self.period.setEditable(True)
        self.period.setMinimumWidth(220)
        self.period.addItems(self.service.period_choices())
        self.period.setCurrentText(self.service.default_period_text())
        self.period.setToolTip(
            "A financial year such as 2022/23, a calendar year such as 2022, or dates "
            "such as 2022-04-01..2022-09-30"
        )
        show = named(QPushButton("Show"), "showReport")
        show.clicked.connect(lambda: self.load())
        period_line = self.period.lineEdit()
        if period_line is not None:  # editable, so it has one
            period_line.returnPressed.connect(lambda: self.load())
        self.period.activated.connect(lambda _i: self.load())
        self.period_error = named(QLabel(), "periodError")
        self.period_error.setStyleSheet(theme.css("alert"))
        self.summary = named(QLabel(), "reportSummary")
        self.summary.setStyleSheet(theme.css("muted"))
        self.empty = named(QLabel(), "reportEmpty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(
            f"background: {theme.colour('warning_bg')}; color: {theme.colour('warning')}; "
            "padding: 6px; font-weight: 600;"
        )
        self.empty.hide()
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Period"))
        controls.addWidget(self.period)
        controls.addWidget(show)
        controls.addWidget(self.period_error)
        controls.addWidget(self.summary, 1)

        self.tabs = named(QTabWidget(), "reportTabs")
        self.tabs.addTab(self._report_tab(), "Report pack")
        self.tabs.addTab(self._quarterly_tab(), "Quarterly return")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(controls)
        layout.addWidget(self.loader.status)
        layout.addWidget(self.trace_loader.status)
        layout.addWidget(self.empty)
        layout.addWidget(self.tabs, 1)
        bus.changes_applied.connect(when_shown(self, self._changes))
        self.load()

    # ----- building
    def _table(self, name: str, headers: list[str], stretch: int) -> QTableWidget:
        t = named(QTableWidget(0, len(headers)), name)
        t.setHorizontalHeaderLabels(headers)
        t.verticalHeader().setVisible(False)
        t.setWordWrap(True)
        h = t.horizontalHeader()
        for c in range(len(headers)):
            h.setSectionResizeMode(
                c, QHeaderView.ResizeMode.Stretch if c == stretch else QHeaderView.ResizeMode.ResizeToContents
            )
        return t

    def _report_tab(self) -> QWidget:
        self.action_taken = self._table(
            "actionTaken", ["Count", "Figure", "Sentence (double-click to edit)"], 2
        )
        # The sentence is what the officer reads and edits: it gets the room, the figure's name wraps.
        self.action_taken.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.action_taken.setColumnWidth(1, 170)
        self.action_taken.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.action_taken.cellClicked.connect(lambda r, c: self._count_clicked(self.action_taken, r, c))
        self.action_taken.itemChanged.connect(self._sentence_edited)
        reset = named(QPushButton("Reset sentence"), "resetSentence")
        reset.clicked.connect(lambda: self.reset_sentence())

        self.paragraphs = named(QListWidget(), "paragraphs")
        self.paragraphs.setWordWrap(True)
        self.paragraphs.itemChanged.connect(lambda _i: self._filling or self.save_wording())
        para_buttons = QHBoxLayout()
        slots: tuple[tuple[str, str, Callable[[], None]], ...] = (
            ("Add paragraph", "addParagraph", lambda: self.add_paragraph()),
            ("Remove", "removeParagraph", lambda: self.remove_paragraph()),
            ("Move up", "paragraphUp", lambda: self.move_paragraph(-1)),
            ("Move down", "paragraphDown", lambda: self.move_paragraph(1)),
        )
        for caption, name, slot in slots:
            b = named(QPushButton(caption), name)
            b.clicked.connect(slot)
            b.setEnabled(self.can_edit)
            para_buttons.addWidget(b)
        para_buttons.addStretch(1)

        self.trigger = self._table("communityTrigger", ["Count", "Measure", "Sentence"], 2)
        self.trigger.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trigger.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.trigger.setColumnWidth(1, 230)
        self.trigger.cellClicked.connect(lambda r, c: self._count_clicked(self.trigger, r, c))
        self.crime = named(QLabel(), "crimeSummary")
        self.crime.setWordWrap(True)
        self.crime.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.priorities = named(QTableWidget(0, 0), "priorities", "Priorities")
        self.priorities.verticalHeader().setVisible(False)
        self.priorities.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.priorities.cellClicked.connect(self._priority_clicked)

        export = named(QPushButton("Export CSV…"), "exportPackCsv")
        export.clicked.connect(lambda: self.export_csv())
        self.print_button = named(QPushButton("Print / Save PDF…"), "printPack")
        self.print_button.clicked.connect(lambda: self.print_pdf())
        self.progress = named(QProgressBar(), "printProgress")
        self.progress.setMaximumWidth(260)
        self.progress.hide()
        self.progress_text = named(QLabel(), "printProgressText")
        buttons = QHBoxLayout()
        buttons.addWidget(reset)
        buttons.addStretch(1)
        buttons.addWidget(self.progress_text)
        buttons.addWidget(self.progress)
        buttons.addWidget(export)
        buttons.addWidget(self.print_button)

        def box(title: str, *widgets: QWidget | QHBoxLayout) -> QWidget:
            w = QWidget()
            v = QVBoxLayout(w)
            v.setContentsMargins(0, 4, 0, 0)
            label = QLabel(title)
            label.setStyleSheet(f"{font_css(15)} font-weight: 600;")
            v.addWidget(label)
            for x in widgets:
                if isinstance(x, QHBoxLayout):
                    v.addLayout(x)
                else:
                    v.addWidget(x, 1)
            return w

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(box("Action Taken — click a count to see its records", self.action_taken))
        left.addWidget(box("Paragraphs the officer adds (campaigns, events)", self.paragraphs, para_buttons))
        left.setSizes([520, 200])
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(box("Community Trigger", self.trigger))
        right.addWidget(box("Crime Figures", self.crime))
        right.addWidget(
            box(
                "Priorities — cases and actions per CSP priority theme (change on the previous period)",
                self.priorities,
            )
        )
        right.setSizes([220, 200, 260])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([760, 520])
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        w = QWidget()
        v = QVBoxLayout(w)
        v.addWidget(split, 1)
        v.addLayout(buttons)
        return w

    def _quarterly_tab(self) -> QWidget:
        self.quarterly = named(QTableWidget(0, 0), "quarterly", "Quarterly return")
        self.quarterly.verticalHeader().setVisible(False)
        self.quarterly.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        csv_button = named(QPushButton("Export CSV…"), "quarterlyCsv")
        csv_button.clicked.connect(lambda: self.export_quarterly("csv"))
        xlsx_button = named(QPushButton("Export Excel…"), "quarterlyXlsx")
        xlsx_button.clicked.connect(lambda: self.export_quarterly("xlsx"))
        note = QLabel(
            "Counts per quarter for the county board. Open cases and outstanding actions are as at each "
            "quarter's end; the last column is the whole period, as in the report."
        )
        note.setWordWrap(True)
        note.setStyleSheet(theme.css("muted"))
        w = QWidget()
        v = QVBoxLayout(w)
        v.addWidget(note)
        v.addWidget(self.quarterly, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(csv_button)
        row.addWidget(xlsx_button)
        v.addLayout(row)
        return w

    # ----- loading
    def period_text(self) -> str:
        """The period as typed in the box (counted when the user asks: Show, Return or a choice)."""
        return self.period.currentText().strip()

    def shown_period_text(self) -> str:
        """The period of the report on screen, which the box may no longer say (typed, not yet shown): the
        wording is saved for it and the exports and the PDF are of it."""
        return self._shown or self.period_text()

    @property
    def loading(self) -> bool:
        """The period asked for last is being counted."""
        return self.loader.loading

    @property
    def tracing(self) -> bool:
        """The records behind the count clicked last are being read."""
        return self.trace_loader.loading

    def load(self, text: str | None = None) -> None:
        """Count the period (``text``, or as typed in the box) in the background (seconds on a large
        database); the tables wait, greyed, and the newest request wins if the period is changed meanwhile
        (``PageLoader``)."""
        text = self.period_text() if text is None else text
        self._asked = text
        self.tabs.setEnabled(False)  # nothing is edited against the period being replaced
        self.summary.setText(f"Counting {text}…")

        def stage(name: str, _done: int, _total: int) -> None:  # on the worker: only a signal crosses
            self.counting.emit(text, name)

        def work() -> _Counted | _Refused:
            try:
                return _Counted(text, self.service.pack(text, stage), self.service.quarterly(text))
            except ValidationError as exc:  # the user's typing, said beside the field; not a failed read
                return _Refused(exc)

        self.loader.load(work, self._show)

    def _counted_so_far(self, text: str, stage: str) -> None:
        if self.loading and text == self._asked:  # an older request's stages are not news
            self.summary.setText(f"{text}: {stage.lower()}…")

    def _show(self, result: _Counted | _Refused) -> None:
        if isinstance(result, _Refused):
            self._restore()
            self.period_error.setText(result.error.fields.get("year", str(result.error)))
            return
        self.period_error.clear()
        self.pack, self.quarterly_return, self._shown = result.pack, result.quarterly, result.text
        self._fill()

    def _loaded(self) -> None:
        self.tabs.setEnabled(True)

    def _count_failed(self, _message: str) -> None:
        """The loader says why in its status line; the period shown before stays, and says so again."""
        self.tabs.setEnabled(True)
        self._restore()

    def _restore(self) -> None:
        if self.pack is not None:
            self._fill()
        else:
            self.summary.clear()

    def _fill(self) -> None:
        pack, quarterly = self.pack, self.quarterly_return
        if pack is None or quarterly is None:  # nothing counted yet
            return
        self._filling = True
        try:
            p = pack.period
            self.summary.setText(
                f"{p.label}: {p.start:%d/%m/%Y} to {p.end:%d/%m/%Y}, compared with {pack.previous.label}."
            )
            self.empty.setText(pack.empty_message)
            self.empty.setVisible(pack.empty)
            rows = pack.section("action_taken")
            self.action_taken.setRowCount(len(rows))
            for r, m in enumerate(rows):
                self._set_row(self.action_taken, r, m, pack.sentence(m.key), editable=self.can_edit)
                sentence = self.action_taken.item(r, 2)
                if sentence is not None and pack.edit_is_stale(m.key):
                    sentence.setToolTip(
                        "The count has changed since this sentence was edited, so the generated sentence is "
                        f"used. Your wording was: {pack.wording.sentences[m.key][0]}"
                    )
            self.action_taken.resizeRowsToContents()
            self.paragraphs.clear()
            for text in pack.wording.paragraphs:
                self._add_paragraph_item(text)
            trigger = pack.section("community_trigger")
            self.trigger.setRowCount(len(trigger))
            for r, m in enumerate(trigger):
                self._set_row(self.trigger, r, m, m.sentence, editable=False)
            self.trigger.resizeRowsToContents()
            crime = pack.crime
            self.crime.setText(crime.message + ("\n\n" + "\n\n".join(crime.lines) if crime.lines else ""))
            self._fill_priorities(pack)
            self._fill_quarterly(quarterly)
        finally:
            self._filling = False

    def _set_row(self, table: QTableWidget, r: int, m: Measure, sentence: str, editable: bool) -> None:
        count = QTableWidgetItem(f"{m.count:,}")
        count.setData(KEY, m.key)
        count.setTextAlignment(RIGHT)
        count.setFlags(count.flags() & ~Qt.ItemFlag.ItemIsEditable)
        count.setToolTip("Click to list the records behind this count")
        count.setForeground(theme.qcolour("accent"))
        label = QTableWidgetItem(m.label)
        label.setFlags(label.flags() & ~Qt.ItemFlag.ItemIsEditable)
        text = QTableWidgetItem(sentence)
        if not editable or not m.sentence:
            text.setFlags(text.flags() & ~Qt.ItemFlag.ItemIsEditable)
        if not m.in_text:
            text.setForeground(theme.qcolour("muted"))
            text.setToolTip("Shown as a chart in the PDF, not as a sentence")
        for c, item in enumerate((count, label, text)):
            table.setItem(r, c, item)

    def _fill_priorities(self, pack: ReportPack) -> None:
        rows = pack.priorities
        cols = [c.column for c in rows[0].cells] if rows else []
        labels = [c.current.label.split(": ", 1)[-1].capitalize() for c in rows[0].cells] if rows else []
        self.priorities.setColumnCount(1 + len(cols))
        self.priorities.setHorizontalHeaderLabels(["Priority theme", *labels])
        self.priorities.setRowCount(len(rows))
        for r, row in enumerate(rows):
            self.priorities.setItem(r, 0, QTableWidgetItem(row.label))
            for c, cell in enumerate(row.cells, start=1):
                item = QTableWidgetItem(f"{cell.current.count:,}  ({cell.change_text})")
                item.setData(KEY, cell.current.key)
                item.setTextAlignment(RIGHT)
                item.setToolTip(f"{cell.previous.count:,} in {pack.previous.label}. Click for the records.")
                self.priorities.setItem(r, c, item)
        self.priorities.resizeColumnsToContents()

    def _fill_quarterly(self, q: QuarterlyReturn) -> None:
        self.quarterly.setColumnCount(1 + len(q.columns))
        self.quarterly.setHorizontalHeaderLabels(["Measure", *q.columns])
        self.quarterly.setRowCount(len(q.rows))
        for r, (key, label, counts) in enumerate(q.rows):
            item = QTableWidgetItem(label)
            item.setToolTip(key)
            self.quarterly.setItem(r, 0, item)
            for c, n in enumerate(counts, start=1):
                cell = QTableWidgetItem(f"{n:,}")
                cell.setTextAlignment(RIGHT)
                self.quarterly.setItem(r, c, cell)
        self.quarterly.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, 1 + len(q.columns)):
            self.quarterly.horizontalHeader().setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)

    def _changes(self, changes: Changes) -> None:
        if (
            changes.touches(
                "notice",
                "safer_homes",
                "meeting",
                "case_review",
                "case",
                "action",
                "crime_figure",
                "population",
                "setting",
            )
            and self.pack is not None
        ):
            self.load(self.shown_period_text())  # counted afresh: the period on screen, not one typed since

    # ----- tracing
    @staticmethod
    def _key(table: QTableWidget, row: int) -> str | None:
        item = table.item(row, 0)
        return item.data(KEY) if item is not None else None

    def _count_clicked(self, table: QTableWidget, row: int, column: int) -> None:
        if column == 0:
            self.trace(self._key(table, row))

    def _priority_clicked(self, row: int, column: int) -> None:
        item = self.priorities.item(row, column)
        if column > 0 and item is not None:
            self.trace(item.data(KEY))

    def trace(self, key: str | None) -> None:
        """List the records behind a count. They are read now, in the background (a count on a large database
        can stand for tens of thousands of records), and shown when read; the latest click wins."""
        if key is None or self.pack is None:
            return
        measure, period = self.pack.measure(key), self.pack.period
        if self.trace_dialog is not None:
            self.trace_dialog.close()
            self.trace_dialog = None
        self.setCursor(Qt.CursorShape.BusyCursor)

        def show(rows: tuple[TraceRow, ...]) -> None:
            self.trace_dialog = TraceDialog(measure, rows, self.bus, self)
            self.trace_dialog.show()

        self.trace_loader.load(lambda: self.service.trace(period, key), show)

    # ----- the officer's wording
    def _sentences(self, pack: ReportPack) -> dict[str, str]:
        """Every sentence on screen; the service keeps only those that differ from the generated ones."""
        out = {}
        for r in range(self.action_taken.rowCount()):
            key = self._key(self.action_taken, r)
            item = self.action_taken.item(r, 2)
            if key and item is not None and pack.measure(key).sentence:
                out[key] = item.text()
        return out

    def _paragraph_texts(self) -> list[str]:
        items = (self.paragraphs.item(i) for i in range(self.paragraphs.count()))
        return [item.text() for item in items if item is not None]

    def _sentence_edited(self, item: QTableWidgetItem) -> None:
        if not self._filling and item.column() == 2:
            self.save_wording()

    def save_wording(self) -> bool:
        pack = self.pack
        if pack is None or not self.can_edit:
            return False
        try:
            changes = self.service.save_wording(
                self.actor, self.shown_period_text(), self._sentences(pack), self._paragraph_texts()
            )
        except ValidationError as exc:
            self.prompts.error("Wording not saved", "\n".join(exc.fields.values()))
            return False
        except UserError as exc:
            self.prompts.error("Wording not saved", str(exc))
            return False
        self.pack = replace(pack, wording=self.service.wording(self.shown_period_text()))
        if changes.kinds:
            self.bus.changes_applied.emit(changes)
        return True

    def reset_sentence(self) -> None:
        row = self.action_taken.currentRow()
        key = self._key(self.action_taken, row) if row >= 0 else None
        sentence = self.action_taken.item(row, 2) if row >= 0 else None
        if key is None or sentence is None or self.pack is None:
            return
        sentence.setText(self.pack.measure(key).sentence)

    def _add_paragraph_item(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        if self.can_edit:
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.paragraphs.addItem(item)
        return item

    def add_paragraph(self, text: str | None = None) -> None:
        if text is None:
            text = self.prompts.ask_text("Add a paragraph", "A campaign, event or piece of work to report:")
        if not text or not text.strip():
            return
        item = self._add_paragraph_item(text.strip())
        self.paragraphs.setCurrentItem(item)
        self.save_wording()

    def remove_paragraph(self) -> None:
        row = self.paragraphs.currentRow()
        if row >= 0:
            self.paragraphs.takeItem(row)
            self.save_wording()

    def move_paragraph(self, step: int) -> None:
        row = self.paragraphs.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.paragraphs.count():
            return
        item = self.paragraphs.takeItem(row)
        self.paragraphs.insertItem(target, item)
        self.paragraphs.setCurrentRow(target)
        self.save_wording()

    # ----- files
    def _ask(self, title: str, suggested: str, filter_: str) -> Path | None:
        chosen = self.prompts.ask_save_file(title, suggested, filter_)
        return Path(chosen) if chosen else None

    def _stem(self) -> str:
        return self.pack.period.label.replace("/", "-").replace(" ", "_") if self.pack else "report"

    def export_csv(self) -> None:
        path = self._ask(
            "Export the report's figures", f"report-pack-{self._stem()}.csv", "CSV files (*.csv)"
        )
        if path is None:
            return
        try:
            path.write_text(self.service.csv(self.shown_period_text()), encoding="utf-8", newline="")
        except (UserError, OSError) as exc:
            self.prompts.error("Figures not exported", str(exc))
            return
        self.prompts.info("Figures exported", f"Saved {path}")

    def export_quarterly(self, kind: str) -> None:
        filter_ = "CSV files (*.csv)" if kind == "csv" else "Excel workbooks (*.xlsx)"
        path = self._ask("Export the quarterly return", f"quarterly-return-{self._stem()}.{kind}", filter_)
        if path is None:
            return
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(path.name + f".{kind}")
        try:
            self.service.write_quarterly(self.shown_period_text(), path)
        except ValidationError as exc:
            self.prompts.error("Return not exported", "\n".join(exc.fields.values()))
            return
        except (UserError, OSError) as exc:
            self.prompts.error("Return not exported", str(exc))
            return
        self.prompts.info("Quarterly return exported", f"Saved {path}")

    def print_pdf(self) -> Task | None:
        if self.pack is None:
            return None
        if self.can_edit and not self.save_wording():
            return None
        path = self._ask(
            "Save the report pack as PDF", f"report-pack-{self._stem()}.pdf", "PDF files (*.pdf)"
        )
        if path is None:
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        period = self.shown_period_text()
        self.print_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()

        def progress(stage: str, done: int, total: int) -> None:
            self.progress_text.setText(stage)
            self.progress.setRange(0, total)
            self.progress.setValue(done)

        def finished(out: Path) -> None:
            self._print_over()
            self.prompts.info("Report pack saved", f"Saved {out}")

        def failed(exc: Exception) -> None:
            self._print_over()
            self.prompts.error("Report pack not saved", str(exc))

        return self.tasks.start(
            lambda report, _cancelled: self.service.write_pdf(period, path, report),
            finished,
            failed,
            progress,
        )

    def _print_over(self) -> None:
        self.print_button.setEnabled(True)
        self.progress.hide()
        self.progress_text.clear()
