"""Crime Figures: the plan's district comparison tables, charts, the population base, importing, printing.

Everything shown comes from ``services.figures`` as DTOs. The page does not import that service's
module (it reaches pandas and ReportLab, lazily, and the import contract forbids the GUI from
depending on them); it only calls the object the composition root built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
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
from cspdesk.core.figures.months import Period, month_from_index, month_index
from cspdesk.gui import theme
from cspdesk.gui.loading import PageLoader, when_shown
from cspdesk.gui.pages.figures_import import FiguresImportPanel
from cspdesk.gui.pages.figures_local import LocalBreakdownTab
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.tasks import TaskRunner
from cspdesk.gui.theme import font_css
from cspdesk.gui.widgets.figure_charts import MONTH_NAMES, MonthlyChart, RatesChart

if TYPE_CHECKING:
    from cspdesk.core.figures.table import ComparisonTable
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.prompts import Prompts

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _month_words(month: str) -> str:
    return f"{MONTH_NAMES[int(month[5:]) - 1]} {month[:4]}"


class FiguresPage(QWidget):
    services: Services

    title = "Crime Figures"

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.figures = services.figures
        self.bus = bus
        self.prompts = prompts
        self.tasks = tasks or TaskRunner()
        # The figures are read on a worker (issue 19: the first opening read them on the GUI thread); the
        # Local breakdown reads its police.uk rows when its tab is shown.
        self.loader = PageLoader(self, tasks, "the figures", "figuresLoading")
        self._local_stale = True
        self.can_edit = services.actor.can(Role.OFFICER)
        self.table_dto: ComparisonTable | None = None

        heading = QLabel("Crime Figures")
        heading.setStyleSheet(f"{font_css(20)} font-weight: 600;")
        self.source = named(QComboBox(), "figuresSource")
        self.category = named(QComboBox(), "figuresCategory")
        self.category.setMinimumWidth(180)
        self.year_ending = named(QComboBox(), "figuresYearEnding")
        self.year_ending.setMinimumWidth(130)
        self.period_label = QLabel()
        self.period_label.setStyleSheet(theme.css("muted"))
        self.controls = named(QWidget(), "figuresControls")
        controls = QHBoxLayout(self.controls)
        controls.setContentsMargins(0, 0, 0, 0)
        for caption, widget in (
            ("Figures", self.source),
            ("Category", self.category),
            ("12 months ending", self.year_ending),
        ):
            controls.addWidget(QLabel(caption))
            controls.addWidget(widget)
        controls.addWidget(self.period_label)
        controls.addStretch(1)

        self.tabs = named(QTabWidget(), "figuresTabs")
        self.tabs.addTab(self._table_tab(), "District comparison")
        self.local = LocalBreakdownTab(self.figures, prompts)
        self.tabs.addTab(self.local, "Local breakdown")
        self.tabs.addTab(self._population_tab(), "Population")
        self.import_panel = FiguresImportPanel(services, bus, prompts, self.tasks)
        self.tabs.addTab(self.import_panel, "Import")
        self.tabs.addTab(self._print_tab(), "Print section")

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.controls)
        layout.addWidget(self.loader.status)
        layout.addWidget(self.tabs, 1)
        # The Local breakdown has its own district, crime type and period (police.uk rows, not figures).
        self.tabs.currentChanged.connect(
            lambda _i: self.controls.setVisible(self.tabs.currentWidget() is not self.local)
        )
        self.tabs.currentChanged.connect(lambda _i: self._local_if_stale())
        self.source.currentIndexChanged.connect(self._source_changed)
        self.category.currentIndexChanged.connect(self.show_figures)
        self.year_ending.currentIndexChanged.connect(self.show_figures)
        bus.changes_applied.connect(when_shown(self, self._changes))
        self.refresh()

    # --- building the tabs ---------------------------------------------------------------------

    def _table_tab(self) -> QWidget:
        self.table = named(QTableWidget(0, 4), "comparisonTable")
        self.table.setHorizontalHeaderLabels(["Area", "Volume", "Rate ¹", "Trend ²"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table_heading = named(QLabel(), "tableHeading")
        self.table_heading.setStyleSheet(f"{font_css(15)} font-weight: 600;")
        self.footnotes = named(QLabel(), "tableFootnotes")
        self.footnotes.setStyleSheet(theme.css("muted"))
        self.sentence = named(QLabel(), "comparisonSentence")
        self.sentence.setWordWrap(True)
        self.sentence.setStyleSheet(f"{font_css(13)}")
        self.problem = named(QLabel(), "figuresProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(theme.css("alert"))
        export_csv = named(QPushButton("Export CSV…"), "exportCsv")
        export_csv.clicked.connect(lambda: self.export("csv"))
        export_xlsx = named(QPushButton("Export Excel…"), "exportXlsx")
        export_xlsx.clicked.connect(lambda: self.export("xlsx"))
        buttons = QHBoxLayout()
        buttons.addWidget(export_csv)
        buttons.addWidget(export_xlsx)
        buttons.addStretch(1)

        left = QWidget()
        v = QVBoxLayout(left)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.table_heading)
        v.addWidget(self.table)
        v.addWidget(self.footnotes)
        v.addWidget(self.sentence)
        v.addWidget(self.problem)
        v.addLayout(buttons)
        v.addWidget(self._monthly_panel(), 1)
        self.rates_chart = RatesChart()
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.rates_chart)
        splitter.setSizes([700, 560])
        return splitter

    def _monthly_panel(self) -> QWidget:
        self.chart_area = named(QComboBox(), "chartArea")
        self.chart_area.currentIndexChanged.connect(self.show_monthly)
        self.monthly_chart = MonthlyChart()
        row = QHBoxLayout()
        row.addWidget(QLabel("Monthly chart for"))
        row.addWidget(self.chart_area)
        row.addStretch(1)
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 8, 0, 0)
        v.addLayout(row)
        v.addWidget(self.monthly_chart, 1)
        return w

    def _population_tab(self) -> QWidget:
        self.population = named(QTableWidget(0, 2), "populationTable", "Populations")
        self.population.setHorizontalHeaderLabels(["Area", "Population"])
        self.population.verticalHeader().setVisible(False)
        self.population.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if not self.can_edit:
            self.population.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.population_base = named(
            QLineEdit(placeholderText="e.g. total population, mid-2020 estimate"), "populationLabel"
        )
        self.population_base.setReadOnly(not self.can_edit)
        self.population_total = QLabel()
        add = QPushButton("Add area")
        add.clicked.connect(self._add_population_row)
        remove = QPushButton("Remove area")
        remove.clicked.connect(self._remove_population_row)
        save = named(QPushButton("Save changes"), "savePopulation")
        save.clicked.connect(self.save_population)
        import_file = QPushButton("Import population file…")
        import_file.clicked.connect(self._import_population)
        buttons = QHBoxLayout()
        for b in (add, remove, import_file):
            buttons.addWidget(b)
            b.setEnabled(self.can_edit)
        buttons.addStretch(1)
        buttons.addWidget(save)
        save.setEnabled(self.can_edit)
        note = QLabel(
            "Rates are per 1,000 of this population. The label is printed in each table's footnote, "
            "so say what the figures are (total or 16+, which year's estimate)."
        )
        note.setWordWrap(True)
        w = QWidget()
        v = QVBoxLayout(w)
        v.addWidget(note)
        base = QHBoxLayout()
        base.addWidget(QLabel("Population base:"))
        base.addWidget(self.population_base, 1)
        v.addLayout(base)
        v.addWidget(self.population, 1)
        v.addWidget(self.population_total)
        v.addLayout(buttons)
        return w

    def _print_tab(self) -> QWidget:
        self.print_categories = named(QListWidget(), "printCategories", "Categories to print")
        self.print_button = named(QPushButton("Save PDF…"), "printSection")
        self.print_button.clicked.connect(self.print_section)
        note = QLabel(
            'The plan\'s "Crime Figures" section for the chosen 12 months: a table, footnotes, the '
            "comparison sentence and charts for each ticked category."
        )
        note.setWordWrap(True)
        w = QWidget()
        v = QVBoxLayout(w)
        v.addWidget(note)
        v.addWidget(self.print_categories, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.print_button)
        v.addLayout(row)
        return w

    # --- filling -------------------------------------------------------------------------------

    def _changes(self, changes: Changes) -> None:
        if changes.touches("crime_figure", "population", "setting"):
            self.refresh()

    def refresh(self) -> None:
        """Read everything the page shows on a worker (at once without a task runner), keeping the
        source, category, year and chart area chosen; then show it. The Local breakdown is read when shown."""
        figures, wanted = (
            self.figures,
            (
                self.source.currentData(),
                self.category.currentData(),
                self.year_ending.currentData(),
                self.chart_area.currentText(),
            ),
        )
        self.loader.load(lambda: _read(figures, *wanted), self._show_read)
        self._local_stale = True
        self._local_if_stale()

    def _read_again(self) -> bool:
        """A choice changed while the page's figures were on their way: read them again for it (what comes
        would show the old choice)."""
        if self.loader.loading:
            self.refresh()
            return True
        return False

    def _local_if_stale(self) -> None:
        if self._local_stale and self.tabs.currentWidget() is self.local:
            self._local_stale = False
            self.local.refresh()

    def _show_read(self, read: _Read) -> None:
        self.source.blockSignals(True)
        self.source.clear()
        for source, label in read.sources:
            self.source.addItem(label, source)
        self.source.setCurrentIndex(max(self.source.findData(read.source), 0))
        self.source.blockSignals(False)
        self._fill_population(read.populations, read.population_label)
        self._fill_choices(read.choices, (read.category, read.year))
        self._show_table(read.table)
        self._fill_chart_areas(read.chart_areas, read.chart_area)
        if read.series is not None:
            self.monthly_chart.show_series(read.series)

    def _source_changed(self) -> None:
        if self._read_again():
            return
        source = self.source.currentData() or self.figures.default_source
        self._fill_choices(_choices(self.figures, source))
        self.show_figures()

    def _fill_choices(self, choices: _Choices, chosen: tuple[str | None, str | None] | None = None) -> None:
        """The category and year lists of a source, and its print categories; choosing ``chosen`` (what a
        worker read the figures for), else keeping what was chosen."""
        for combo, items, wanted in (
            (self.category, [(c, c) for c in choices.categories], chosen[0] if chosen else None),
            (self.year_ending, choices.year_endings, chosen[1] if chosen else None),
        ):
            current = wanted if chosen else combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for value, text in items:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)
        self.print_categories.clear()
        for value in choices.categories:
            item = QListWidgetItem(value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in choices.plan else Qt.CheckState.Unchecked)
            self.print_categories.addItem(item)

    def period(self) -> Period | None:
        last = self.year_ending.currentData()
        return Period(month_from_index(month_index(last) - 11), last) if last else None

    def show_figures(self) -> None:
        """The table and charts for the category and year chosen (read here: the user chose them)."""
        if self._read_again():
            return
        table = _table(self.figures, self.source.currentData(), self.category.currentData(), self.period())
        self._show_table(table)
        if table is not None:
            self._fill_chart_areas(_chart_areas(self.figures), self.chart_area.currentText())
            self.show_monthly()

    def _show_table(self, table: ComparisonTable | str | None) -> None:
        """A comparison table; a refusal's words (str); None when there are no figures at all."""
        period = self.period()
        self.period_label.setText(period.label if period else "")
        self.table_dto = None
        self.problem.setText("")
        if table is None:
            self._fill_table(None)
            self.problem.setText(
                "No crime figures yet: import the Partnership Analyst's monthly figures or "
                "police.uk files on the Import tab."
            )
            self.rates_chart.empty("")
            self.monthly_chart.empty("")
        elif isinstance(table, str):
            self._fill_table(None)
            self.problem.setText(table)
            self.rates_chart.empty("")
        else:
            self.table_dto = table
            self._fill_table(self.table_dto)
            self.rates_chart.show_table(self.table_dto)

    def _fill_table(self, table: ComparisonTable | None) -> None:
        rows = table.rows if table else ()
        self.table.setRowCount(len(rows))
        bold = QFont()
        bold.setBold(True)
        for r, row in enumerate(rows):
            for c, text in enumerate((row.area, row.volume_text, row.rate_text, row.trend_text)):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(RIGHT)
                if row.is_home or row.is_total:
                    item.setFont(bold)
                    item.setBackground(theme.qcolour("home_bg" if row.is_home else "total_bg"))
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        # The table is as tall as its rows, so the footnotes sit under it as on paper.
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(max(height, 80))
        if table is None:
            self.table_heading.setText("")
            self.footnotes.setText("")
            self.sentence.setText("")
            return
        self.table_heading.setText(f"{table.category} {table.period_text}")
        if table.partial:  # one month of police.uk files is not a year (issue 19)
            self.problem.setText(table.coverage_warning)
        base = table.population_label or "population"
        self.footnotes.setText(f"¹ Rate per 1,000 {base}\n² % change compared to previous 12 months")
        self.sentence.setText(table.sentence or "")

    def _fill_chart_areas(self, areas: tuple[list[str], str], current: str) -> None:
        names, home = areas
        current = current or home
        self.chart_area.blockSignals(True)
        self.chart_area.clear()
        self.chart_area.addItems(names)
        index = self.chart_area.findText(current)
        self.chart_area.setCurrentIndex(max(index, 0))
        self.chart_area.blockSignals(False)

    def show_monthly(self) -> None:
        if self._read_again():
            return
        period, category = self.period(), self.category.currentData()
        if period is None or category is None:
            return
        series = self.figures.monthly_series(
            self.chart_area.currentText(), category, period, source=self.source.currentData()
        )
        self.monthly_chart.show_series(series)

    # --- population ----------------------------------------------------------------------------

    def _fill_population(self, rows: list[Any], label: str) -> None:  # the service's population rows
        self.population.setRowCount(len(rows))
        for r, row in enumerate(rows):
            area = QTableWidgetItem(row.area)
            area.setFlags(area.flags() & ~Qt.ItemFlag.ItemIsEditable)
            number = QTableWidgetItem(f"{row.population:,}")
            number.setTextAlignment(RIGHT)
            self.population.setItem(r, 0, area)
            self.population.setItem(r, 1, number)
        self.population_base.setText(label)
        total = sum(r.population for r in rows)
        self.population_total.setText(f"{len(rows)} areas; total {total:,}")

    def _add_population_row(self) -> None:
        name = self.prompts.ask_text("Add an area", "Area (as the figures name it):")
        if not name or not name.strip():
            return
        r = self.population.rowCount()
        self.population.insertRow(r)
        self.population.setItem(r, 0, QTableWidgetItem(name.strip()))
        number = QTableWidgetItem("")
        number.setTextAlignment(RIGHT)
        self.population.setItem(r, 1, number)
        self.population.editItem(number)

    def _remove_population_row(self) -> None:
        r = self.population.currentRow()
        if r < 0:
            return
        area = self._population_text(r, 0)
        if not any(p.area == area for p in self.figures.populations()):
            self.population.removeRow(r)
            return
        if self.prompts.confirm("Remove area", f"Remove {area} from the population table?"):
            self._apply(lambda: self.figures.remove_population(self.services.actor, area))

    def _population_text(self, row: int, column: int) -> str:
        """A cell's text; "" for a cell never filled in."""
        item = self.population.item(row, column)
        return item.text() if item is not None else ""

    def save_population(self) -> None:
        values: dict[str, int] = {}
        for r in range(self.population.rowCount()):
            area = self._population_text(r, 0).strip()
            text = self._population_text(r, 1).replace(",", "")
            if not text.strip().isdigit():
                self.prompts.error(
                    "Population not saved", f"{area}: enter the population as a whole number (e.g. 107,300)."
                )
                return
            values[area] = int(text)
        label = self.population_base.text()
        self._apply(lambda: self.figures.save_populations(self.services.actor, values, label))

    def _import_population(self) -> None:
        path = self.prompts.ask_open_file(
            "Import a population table", "Population (*.csv *.xlsx);;All files (*)"
        )
        if path:
            self.tabs.setCurrentWidget(self.import_panel)
            self.import_panel.read_files([path])

    def _apply(self, action: Callable[[], Changes]) -> None:
        try:
            changes = action()
        except UserError as exc:
            self.prompts.error("Not saved", str(exc))
            return
        self.bus.changes_applied.emit(changes)

    # --- export and print ----------------------------------------------------------------------

    def export(self, kind: str) -> None:
        table = self.table_dto
        if table is None:
            self.prompts.error("Nothing to export", "Choose a category and period with figures first.")
            return
        suggested = f"{table.category} {table.period.first} to {table.period.last}.{kind}"
        filter_ = "CSV (*.csv)" if kind == "csv" else "Excel workbook (*.xlsx)"
        path = self.prompts.ask_save_file("Export table", suggested, filter_)
        if path is None:
            return
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(path.name + f".{kind}")
        try:
            self.figures.export_table(table, path)
        except (UserError, OSError) as exc:
            self.prompts.error("Table not exported", str(exc))
            return
        self.prompts.info("Table exported", f"Saved {path}")

    def checked_print_categories(self) -> list[str]:
        items = (self.print_categories.item(i) for i in range(self.print_categories.count()))
        return [i.text() for i in items if i.checkState() == Qt.CheckState.Checked]

    def print_section(self) -> None:
        period, categories = self.period(), self.checked_print_categories()
        if period is None or not categories:
            self.prompts.error(
                "Nothing to print", "Tick at least one category, and choose a period with figures."
            )
            return
        path = self.prompts.ask_save_file(
            "Save the Crime Figures section",
            f"Crime figures {period.first} to {period.last}.pdf",
            "PDF (*.pdf)",
        )
        if path is None:
            return
        source = self.source.currentData()
        self.print_button.setEnabled(False)
        self.tasks.start(
            lambda _r, _c: self.figures.print_crime_figures(path, period, categories, source=source),
            self._printed,
            self._print_failed,
        )

    def _printed(self, path: Path) -> None:
        self.print_button.setEnabled(True)
        self.prompts.info("Crime Figures section saved", f"Saved {path}")

    def _print_failed(self, exc: Exception) -> None:
        self.print_button.setEnabled(True)
        if isinstance(exc, UserError):
            self.prompts.error("Not printed", str(exc))
        else:
            raise exc


# --- reading (on a worker: services only, no widgets) ---------------------------------------------


@dataclass(frozen=True)
class _Choices:
    categories: list[str]
    year_endings: list[tuple[str, str]]  # (month, words), newest first
    plan: set[str]  # the categories the plan prints


@dataclass(frozen=True)
class _Read:
    sources: list[tuple[str, str]]  # (source, label)
    source: str
    populations: list[Any]
    population_label: str
    choices: _Choices
    category: str | None
    year: str | None  # the last month of the 12
    table: ComparisonTable | str | None  # see FiguresPage._show_table
    chart_areas: tuple[list[str], str]
    chart_area: str
    series: Any  # the monthly series, or None


def _choices(figures: Any, source: str) -> _Choices:
    span = figures.month_range(source)
    endings: list[tuple[str, str]] = []
    if span is not None:
        first, last = month_index(span[0]) + 11, month_index(span[1])
        months = [month_from_index(i) for i in range(last, min(first, last) - 1, -1)]
        endings = [(m, _month_words(m)) for m in months]
    return _Choices(figures.categories(source), endings, set(figures.plan_categories(source)))


def _table(figures: Any, source: str | None, category: str | None, period: Period | None):
    if period is None or category is None:
        return None
    try:
        table: ComparisonTable | str = figures.comparison_table(category, period, source=source)
    except ValidationError as exc:
        return str(exc)
    return table


def _chart_areas(figures: Any) -> tuple[list[str], str]:
    return [*figures.districts(), figures.total_label()], figures.home_district()


def _wanted(items: list[str], wanted: str | None) -> str | None:
    """``wanted`` if it is among ``items``, else the first (as a combo box keeps its choice), else None."""
    return wanted if wanted in items else (items[0] if items else None)


def _read(figures: Any, source: str | None, category: str | None, year: str | None, area: str) -> _Read:
    """Everything the page shows, for the choices kept from before (a worker's reading)."""
    sources = [(s, figures.source_label(s)) for s in figures.sources() or [figures.default_source]]
    chosen = _wanted([s for s, _label in sources], source) or figures.default_source
    choices = _choices(figures, chosen)
    category = _wanted(choices.categories, category)
    year = _wanted([m for m, _words in choices.year_endings], year)
    period = Period(month_from_index(month_index(year) - 11), year) if year else None
    table = _table(figures, chosen, category, period)
    areas = _chart_areas(figures)
    area = area or areas[1]
    area = area if area in areas[0] else areas[0][0]
    series = None
    if table is not None and period is not None and category is not None:
        series = figures.monthly_series(area, category, period, source=chosen)
    return _Read(
        sources,
        chosen,
        figures.populations(),
        figures.population_label() or "",
        choices,
        category,
        year,
        table,
        areas,
        area,
        series,
    )
