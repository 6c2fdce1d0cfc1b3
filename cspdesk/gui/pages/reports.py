"""Reports: the partnership report pack for a period, on screen and editable before printing.

Everything shown comes from ``services.report_pack`` as DTOs; the page never imports the service's module
or anything that prints (the composition root gave the service its PDF renderer). Clicking a count reads the
records behind it in the background and lists them; double-clicking one that belongs to a case opens the case.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
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
from cspdesk.gui.dialogs.report_trace import TraceDialog
from cspdesk.gui.loading import when_shown
from cspdesk.gui.tasks import TaskRunner
from cspdesk.gui.theme import font_css

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
KEY = Qt.ItemDataRole.UserRole


class ReportsPage(QWidget):
    title = "Reports"

    def __init__(self, services, bus, prompts, tasks: TaskRunner | None = None, parent=None):
        super().__init__(parent)
        self.service = services.report_pack
        self.actor = services.actor
        self.bus = bus
        self.prompts = prompts
        self.tasks = tasks or TaskRunner()
        self.can_edit = services.actor.can(Role.OFFICER)
        self.pack = None
        self.quarterly_return = None
        self.trace_dialog: TraceDialog | None = None
        self._trace_generation = 0
        self.tracing = False  # the records behind a clicked count are being read
        self._filling = False
        self._generation = 0
        self.loading = False

        heading = QLabel("Reports")
        heading.setStyleSheet(f"{font_css(20)} font-weight: 600;")
        self.period = QComboBox(objectName="reportPeriod")
        self.period.setEditable(True)
        self.period.setMinimumWidth(220)
        self.period.addItems(self.service.period_choices())
        self.period.setCurrentText(self.service.default_period_text())
        self.period.setToolTip(
            "A financial year such as 2022/23, a calendar year such as 2022, or dates "
            "such as 2022-04-01..2022-09-30"
        )
        show = QPushButton("Show", objectName="showReport")
        show.clicked.connect(lambda: self.load())
        self.period.lineEdit().returnPressed.connect(self.load)
        self.period.activated.connect(lambda _i: self.load())
        self.period_error = QLabel(objectName="periodError")
        self.period_error.setStyleSheet(theme.css("alert"))
        self.summary = QLabel(objectName="reportSummary")
        self.summary.setStyleSheet(theme.css("muted"))
        self.empty = QLabel(objectName="reportEmpty")
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

        self.tabs = QTabWidget(objectName="reportTabs")
        self.tabs.addTab(self._report_tab(), "Report pack")
        self.tabs.addTab(self._quarterly_tab(), "Quarterly return")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(controls)
        layout.addWidget(self.empty)
        layout.addWidget(self.tabs, 1)
        bus.changes_applied.connect(when_shown(self, self._changes))
        self.load()

    # ----- building
    def _table(self, name: str, headers: list[str], stretch: int) -> QTableWidget:
        t = QTableWidget(0, len(headers), objectName=name)
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
        self.action_taken.cellClicked.connect(
            lambda r, c: c == 0 and self.trace(self._key(self.action_taken, r))
        )
        self.action_taken.itemChanged.connect(self._sentence_edited)
        reset = QPushButton("Reset sentence", objectName="resetSentence")
        reset.clicked.connect(lambda: self.reset_sentence())

        self.paragraphs = QListWidget(objectName="paragraphs")
        self.paragraphs.setWordWrap(True)
        self.paragraphs.itemChanged.connect(lambda _i: self._filling or self.save_wording())
        para_buttons = QHBoxLayout()
        for caption, name, slot in (
            ("Add paragraph", "addParagraph", lambda: self.add_paragraph()),
            ("Remove", "removeParagraph", lambda: self.remove_paragraph()),
            ("Move up", "paragraphUp", lambda: self.move_paragraph(-1)),
            ("Move down", "paragraphDown", lambda: self.move_paragraph(1)),
        ):
            b = QPushButton(caption, objectName=name)
            b.clicked.connect(slot)
            b.setEnabled(self.can_edit)
            para_buttons.addWidget(b)
        para_buttons.addStretch(1)

        self.trigger = self._table("communityTrigger", ["Count", "Measure", "Sentence"], 2)
        self.trigger.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trigger.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.trigger.setColumnWidth(1, 230)
        self.trigger.cellClicked.connect(lambda r, c: c == 0 and self.trace(self._key(self.trigger, r)))
        self.crime = QLabel(objectName="crimeSummary")
        self.crime.setWordWrap(True)
        self.crime.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.priorities = QTableWidget(0, 0, objectName="priorities", accessibleName="Priorities")
        self.priorities.verticalHeader().setVisible(False)
        self.priorities.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.priorities.cellClicked.connect(self._priority_clicked)

        export = QPushButton("Export CSV…", objectName="exportPackCsv")
        export.clicked.connect(lambda: self.export_csv())
        self.print_button = QPushButton("Print / Save PDF…", objectName="printPack")
        self.print_button.clicked.connect(lambda: self.print_pdf())
        self.progress = QProgressBar(objectName="printProgress")
        self.progress.setMaximumWidth(260)
        self.progress.hide()
        self.progress_text = QLabel(objectName="printProgressText")
        buttons = QHBoxLayout()
        buttons.addWidget(reset)
        buttons.addStretch(1)
        buttons.addWidget(self.progress_text)
        buttons.addWidget(self.progress)
        buttons.addWidget(export)
        buttons.addWidget(self.print_button)

        def box(title: str, *widgets) -> QWidget:
            w = QWidget()
            v = QVBoxLayout(w)
            v.setContentsMargins(0, 4, 0, 0)
            label = QLabel(title)
            label.setStyleSheet(f"{font_css(15)} font-weight: 600;")
            v.addWidget(label)
            for x in widgets:
                v.addLayout(x) if isinstance(x, QHBoxLayout) else v.addWidget(x, 1)
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
        self.quarterly = QTableWidget(0, 0, objectName="quarterly", accessibleName="Quarterly return")
        self.quarterly.verticalHeader().setVisible(False)
        self.quarterly.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        csv_button = QPushButton("Export CSV…", objectName="quarterlyCsv")
        csv_button.clicked.connect(lambda: self.export_quarterly("csv"))
        xlsx_button = QPushButton("Export Excel…", objectName="quarterlyXlsx")
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
        return self.period.currentText().strip()

    def load(self):
        """Count the period in the background (seconds on a large database); the tables wait, greyed, and
        the newest request wins if the period is changed meanwhile."""
        text = self.period_text()
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.tabs.setEnabled(False)  # nothing is edited against the period being replaced
        self.summary.setText(f"Counting {text}…")

        def work(report, _cancelled):
            return self.service.pack(text, report), self.service.quarterly(text)

        def progress(stage: str, _done: int, _total: int) -> None:
            if generation == self._generation:
                self.summary.setText(f"{text}: {stage.lower()}…")

        def done(result) -> None:
            if generation != self._generation:
                return
            self._loaded()
            self.period_error.clear()
            self.pack, self.quarterly_return = result
            self._fill()

        def failed(exc) -> None:
            if generation != self._generation:
                return
            self._loaded()
            if self.pack is not None:
                self._fill()  # the period shown before stays, and says so again
            else:
                self.summary.clear()
            if isinstance(exc, ValidationError):
                self.period_error.setText(exc.fields.get("year", str(exc)))
            elif isinstance(exc, UserError):
                self.prompts.error("Report not produced", str(exc))
            else:
                raise exc

        return self.tasks.start(work, done, failed, progress)

    def _loaded(self) -> None:
        self.loading = False
        self.tabs.setEnabled(True)

    def _fill(self) -> None:
        pack = self.pack
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
                if pack.edit_is_stale(m.key):
                    self.action_taken.item(r, 2).setToolTip(
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
            self._fill_priorities()
            self._fill_quarterly()
        finally:
            self._filling = False

    def _set_row(self, table: QTableWidget, r: int, m, sentence: str, editable: bool) -> None:
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

    def _fill_priorities(self) -> None:
        rows = self.pack.priorities
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
                item.setToolTip(
                    f"{cell.previous.count:,} in {self.pack.previous.label}. Click for the records."
                )
                self.priorities.setItem(r, c, item)
        self.priorities.resizeColumnsToContents()

    def _fill_quarterly(self) -> None:
        q = self.quarterly_return
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

    def _changes(self, changes) -> None:
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
            self.load()

    # ----- tracing
    @staticmethod
    def _key(table: QTableWidget, row: int) -> str | None:
        item = table.item(row, 0)
        return item.data(KEY) if item is not None else None

    def _priority_clicked(self, row: int, column: int) -> None:
        item = self.priorities.item(row, column)
        if column > 0 and item is not None:
            self.trace(item.data(KEY))

    def trace(self, key: str | None):
        """List the records behind a count. They are read now, in the background (a count on a large database
        can stand for tens of thousands of records), and shown when read; the latest click wins."""
        if key is None or self.pack is None:
            return None
        measure, period = self.pack.measure(key), self.pack.period
        self._trace_generation += 1
        generation = self._trace_generation
        if self.trace_dialog is not None:
            self.trace_dialog.close()
            self.trace_dialog = None
        self.tracing = True
        self.setCursor(Qt.CursorShape.BusyCursor)

        def over() -> None:
            self.tracing = False
            self.unsetCursor()

        def done(rows) -> None:
            if generation != self._trace_generation:
                return
            over()
            self.trace_dialog = TraceDialog(measure, rows, self.bus, self)
            self.trace_dialog.show()

        def failed(exc) -> None:
            if generation != self._trace_generation:
                return
            over()
            if not isinstance(exc, UserError):
                raise exc
            self.prompts.error("Records not listed", str(exc))

        return self.tasks.start(lambda _report, _cancelled: self.service.trace(period, key), done, failed)

    # ----- the officer's wording
    def _sentences(self) -> dict[str, str]:
        """Every sentence on screen; the service keeps only those that differ from the generated ones."""
        out = {}
        for r in range(self.action_taken.rowCount()):
            key = self._key(self.action_taken, r)
            item = self.action_taken.item(r, 2)
            if key and item is not None and self.pack.measure(key).sentence:
                out[key] = item.text()
        return out

    def _paragraph_texts(self) -> list[str]:
        return [self.paragraphs.item(i).text() for i in range(self.paragraphs.count())]

    def _sentence_edited(self, item: QTableWidgetItem) -> None:
        if not self._filling and item.column() == 2:
            self.save_wording()

    def save_wording(self) -> bool:
        if self.pack is None or not self.can_edit:
            return False
        try:
            changes = self.service.save_wording(
                self.actor, self.period_text(), self._sentences(), self._paragraph_texts()
            )
        except ValidationError as exc:
            self.prompts.error("Wording not saved", "\n".join(exc.fields.values()))
            return False
        except UserError as exc:
            self.prompts.error("Wording not saved", str(exc))
            return False
        self.pack = replace(self.pack, wording=self.service.wording(self.period_text()))
        if changes.kinds:
            self.bus.changes_applied.emit(changes)
        return True

    def reset_sentence(self) -> None:
        row = self.action_taken.currentRow()
        key = self._key(self.action_taken, row) if row >= 0 else None
        if key is None:
            return
        self.action_taken.item(row, 2).setText(self.pack.measure(key).sentence)

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
            path.write_text(self.service.csv(self.period_text()), encoding="utf-8", newline="")
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
            self.service.write_quarterly(self.period_text(), path)
        except ValidationError as exc:
            self.prompts.error("Return not exported", "\n".join(exc.fields.values()))
            return
        except (UserError, OSError) as exc:
            self.prompts.error("Return not exported", str(exc))
            return
        self.prompts.info("Quarterly return exported", f"Saved {path}")

    def print_pdf(self):
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
        period = self.period_text()
        self.print_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()

        def progress(stage: str, done: int, total: int) -> None:
            self.progress_text.setText(stage)
            self.progress.setRange(0, total)
            self.progress.setValue(done)

        def finished(out) -> None:
            self._print_over()
            self.prompts.info("Report pack saved", f"Saved {out}")

        def failed(exc) -> None:
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
