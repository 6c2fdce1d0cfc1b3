"""Crime Figures → Local breakdown: where in a district the police.uk rows are.

For a district (the home district first), a crime type (anti-social behaviour first) and a 12-month
period: LSOAs with counts and the change on the previous 12 months, the police.uk "Location" points
with counts, and the rows' map points, the chosen LSOA in orange. Everything comes from
``services.figures`` as a ``LocalBreakdown`` DTO.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.errors import UserError
from cspdesk.core.figures.months import Period, month_from_index, month_index
from cspdesk.gui import theme
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.figure_charts import MONTH_NAMES, LocationScatter

if TYPE_CHECKING:
    from cspdesk.core.services.figures import FiguresService, LocalBreakdown
    from cspdesk.gui.prompts import Prompts

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
SORT_KEY = Qt.ItemDataRole.UserRole + 1


class SortItem(QTableWidgetItem):
    """A cell shown as text and sorted by a key (numbers as numbers; n/a below every number)."""

    def __init__(self, text: str, key: str | int | float, right: bool = False) -> None:
        super().__init__(text)
        self.setData(SORT_KEY, key)
        if right:
            self.setTextAlignment(RIGHT)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.data(SORT_KEY) < other.data(SORT_KEY)


def _table(object_name: str, headings: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(headings)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setSortingEnabled(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headings)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


class LocalBreakdownTab(QWidget):
    def __init__(self, figures: FiguresService, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures = figures
        self.prompts = prompts
        self.breakdown: LocalBreakdown | None = None

        self.district = named(QComboBox(), "localDistrict")
        self.crime_type = named(QComboBox(), "localCrimeType")
        self.crime_type.setMinimumWidth(220)
        self.year_ending = named(QComboBox(), "localYearEnding")
        self.year_ending.setMinimumWidth(120)
        controls = QHBoxLayout()
        for caption, widget in (
            ("District", self.district),
            ("Crime type", self.crime_type),
            ("12 months ending", self.year_ending),
        ):
            controls.addWidget(QLabel(caption))
            controls.addWidget(widget)
        controls.addStretch(1)
        self.note = named(QLabel(), "localNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(theme.css("muted"))

        self.lsoas = _table("lsoaTable", ["LSOA", "Code", "Count", "Previous 12", "Change"])
        self.locations = _table("locationTable", ["Location (police.uk)", "LSOA", "Count"])
        self.scatter = LocationScatter()
        export = named(QPushButton("Export LSOAs CSV…"), "exportLsoaCsv")
        export.clicked.connect(self.export_csv)
        buttons = QHBoxLayout()
        buttons.addWidget(export)
        buttons.addStretch(1)
        left = QWidget()
        v = QVBoxLayout(left)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(QLabel("By LSOA (select one to show its points in orange)"))
        v.addWidget(self.lsoas, 3)
        v.addLayout(buttons)
        v.addWidget(QLabel("By location"))
        v.addWidget(self.locations, 2)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.scatter)
        splitter.setSizes([560, 700])

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        self.district.currentIndexChanged.connect(self._district_changed)
        self.crime_type.currentIndexChanged.connect(self.show_breakdown)
        self.year_ending.currentIndexChanged.connect(self.show_breakdown)
        self.lsoas.itemSelectionChanged.connect(self._highlight)
        self.locations.itemSelectionChanged.connect(self._location_chosen)

    # --- choices -------------------------------------------------------------------------------

    def refresh(self) -> None:
        home = self.figures.home_district()
        districts = self.figures.districts()
        if home not in districts:
            districts.insert(0, home)
        self._refill(self.district, [(d, d) for d in districts], self.district.currentData() or home)
        span = self.figures.police_row_months()
        endings: list[tuple[str, str]] = []
        if span is not None:
            first, last = month_index(span[0]) + 11, month_index(span[1])
            endings = [
                (month_from_index(i), f"{MONTH_NAMES[i % 12]} {i // 12}")
                for i in range(last, min(first, last) - 1, -1)
            ]
        self._refill(self.year_ending, endings, self.year_ending.currentData())
        self._district_changed()

    @staticmethod
    def _refill(combo: QComboBox, items: Iterable[tuple[str, str]], wanted: str | None) -> None:
        """Fill ``combo`` with (value, text) items, choosing ``wanted`` if it is there, else the first."""
        combo.blockSignals(True)
        combo.clear()
        for value, text in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(combo.findData(wanted), 0))
        combo.blockSignals(False)

    def _district_changed(self) -> None:
        types = self.figures.police_crime_types(self.district.currentData())
        self._refill(self.crime_type, [(t, t) for t in types], self.crime_type.currentData())
        self.show_breakdown()

    def period(self) -> Period | None:
        last = self.year_ending.currentData()
        return Period(month_from_index(month_index(last) - 11), last) if last else None

    # --- showing -------------------------------------------------------------------------------

    def show_breakdown(self) -> None:
        district, crime_type, period = (
            self.district.currentData(),
            self.crime_type.currentData(),
            self.period(),
        )
        if not district or not crime_type or period is None:
            self.breakdown = None
            self._fill_tables(None)
            self.scatter.empty("")
            self.note.setText("No police.uk rows yet: import police.uk street-level files on the Import tab.")
            return
        self.breakdown = breakdown = self.figures.local_breakdown(district, crime_type, period)
        self.note.setText(breakdown.note)
        self._fill_tables(breakdown)
        self.scatter.show_points(breakdown)

    def _fill_tables(self, breakdown: LocalBreakdown | None) -> None:
        for table in (self.lsoas, self.locations):
            table.setSortingEnabled(False)
            table.clearContents()
        lsoas = breakdown.lsoas if breakdown else ()
        self.lsoas.setRowCount(len(lsoas))
        for r, row in enumerate(lsoas):
            previous = "" if row.previous is None else f"{row.previous:,}"
            # n/a has the smallest key, so it goes last when sorted highest first.
            change_key = float(row.change) if row.change is not None else float("-inf")
            cells = (
                SortItem(row.lsoa_name, row.lsoa_name),
                SortItem(row.lsoa_code, row.lsoa_code),
                SortItem(f"{row.count:,}", row.count, True),
                SortItem(previous, -1 if row.previous is None else row.previous, True),
                SortItem(row.change_text, change_key, True),
            )
            for c, item in enumerate(cells):
                self.lsoas.setItem(r, c, item)
        self.lsoas.setColumnHidden(3, breakdown is None or not breakdown.comparable)
        locations = breakdown.locations if breakdown else ()
        self.locations.setRowCount(len(locations))
        for r, place in enumerate(locations):
            for c, item in enumerate(
                (
                    SortItem(place.location, place.location),
                    SortItem(place.lsoa_name, place.lsoa_name),
                    SortItem(f"{place.count:,}", place.count, True),
                )
            ):
                self.locations.setItem(r, c, item)
        for table in (self.lsoas, self.locations):
            table.setSortingEnabled(True)
            table.sortByColumn(2, Qt.SortOrder.DescendingOrder)

    def selected_lsoa(self) -> str | None:
        rows = self.lsoas.selectionModel().selectedRows()
        item = self.lsoas.item(rows[0].row(), 0) if rows else None
        return item.text() if item is not None else None

    def _highlight(self) -> None:
        if self.breakdown is not None:
            self.scatter.show_points(self.breakdown, self.selected_lsoa())

    def _location_chosen(self) -> None:
        """Choosing a location selects its LSOA, so its points light up on the plot."""
        rows = self.locations.selectionModel().selectedRows()
        if not rows:
            return
        item = self.locations.item(rows[0].row(), 1)
        if item is None:
            return
        match = self.lsoas.findItems(item.text(), Qt.MatchFlag.MatchExactly)
        if match:
            self.lsoas.selectRow(match[0].row())

    def export_csv(self) -> None:
        breakdown = self.breakdown
        if breakdown is None or not breakdown.lsoas:
            self.prompts.error(
                "Nothing to export", "Choose a district, crime type and period with police.uk rows."
            )
            return
        suggested = (
            f"{breakdown.district} {breakdown.crime_type} by LSOA {breakdown.period.first} to "
            f"{breakdown.period.last}.csv"
        )
        path = self.prompts.ask_save_file("Export LSOA counts", suggested, "CSV (*.csv)")
        if path is None:
            return
        if path.suffix.lower() != ".csv":
            path = path.with_name(path.name + ".csv")
        try:
            self.figures.export_lsoa_csv(breakdown, path)
        except (UserError, OSError) as exc:
            self.prompts.error("LSOAs not exported", str(exc))
            return
        self.prompts.info("LSOAs exported", f"Saved {path}")
