"""The crime-figures charts (QtCharts): rates by district, a year's months against the year before, and
the police.uk rows' map points for the local breakdown.

They draw the service's DTOs (ComparisonTable, MonthlySeries, LocalBreakdown) and hold nothing else.
"""

from __future__ import annotations

import math

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QApplication

from cspdesk.gui.theme import qcolour


def style_axes(chart: QChart) -> None:
    """The chart's axes in the theme's colours for the palette in use (on a dark palette, light on dark)."""
    for axis in chart.axes():
        axis.setLabelsColor(qcolour("chart_text"))
        axis.setTitleBrush(qcolour("chart_text"))
        axis.setLinePenColor(qcolour("chart_axis"))
        axis.setGridLineColor(qcolour("chart_grid"))
        axis.setMinorGridLineColor(qcolour("chart_grid"))


MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class _ChartView(QChartView):
    def __init__(self, object_name: str):
        super().__init__()
        self.setObjectName(object_name)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(280)
        self.empty("")

    def _new_chart(self, title: str) -> QChart:
        chart = QChart()
        chart.setTitle(title)
        font = QFont(QApplication.font())  # grows with the system font (issue 19)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        chart.setTitleFont(font)
        chart.setMargins(QMargins(6, 6, 6, 6))
        chart.setBackgroundRoundness(0)
        # Theme colours, not QtCharts' own light theme, which stayed white on a dark palette (issue 19).
        chart.setBackgroundBrush(qcolour("chart_bg"))
        chart.setPlotAreaBackgroundVisible(False)
        chart.setTitleBrush(qcolour("chart_text"))
        chart.legend().setLabelColor(qcolour("chart_text"))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    def empty(self, message: str) -> None:
        chart = self._new_chart(message)
        chart.legend().hide()
        self.setChart(chart)


class RatesChart(_ChartView):
    """Rate per 1,000 by district, highest at the top; the home district and the county total stand out."""

    def __init__(self):
        super().__init__("ratesChart")
        self.categories: list[str] = []

    def show_table(self, table) -> None:
        chart = self._new_chart(f"{table.category}: rate per 1,000, {table.period.label}")
        rows = list(reversed(table.rows))  # a horizontal chart draws its first category at the bottom
        sets = {
            "Districts": QBarSet("Districts"),
            "home": QBarSet(table.home.area if table.home else "Home"),
            "total": QBarSet(table.total.area),
        }
        for key, colour in (
            ("Districts", qcolour("chart_bars")),
            ("home", qcolour("chart_home")),
            ("total", qcolour("chart_total")),
        ):
            sets[key].setColor(colour)
            sets[key].setBorderColor(colour)
            sets[key].setLabelColor(qcolour("chart_bg"))  # the value is drawn on the bar
        for row in rows:
            which = "total" if row.is_total else "home" if row.is_home else "Districts"
            for key, bar_set in sets.items():
                bar_set.append(float(row.rate) if key == which else 0.0)
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.7)
        for bar_set in sets.values():
            series.append(bar_set)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        series.setLabelsPrecision(3)
        chart.addSeries(series)
        self.categories = [row.area for row in rows]
        axis_y = QBarCategoryAxis()
        axis_y.append(self.categories)
        axis_x = QValueAxis()
        axis_x.setRange(0, max((float(r.rate) for r in rows), default=1) * 1.05)
        axis_x.applyNiceNumbers()
        axis_x.setLabelFormat("%.0f")
        axis_x.setTitleText("per 1,000 population")
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_y)
        series.attachAxis(axis_x)
        style_axes(chart)
        self.setChart(chart)


class MonthlyChart(_ChartView):
    """A year's monthly counts beside the same months of the year before."""

    def __init__(self):
        super().__init__("monthlyChart")
        self.values: list[float] = []

    def show_series(self, series) -> None:
        chart = self._new_chart(f"{series.area}: {series.category}, monthly count")
        previous = QBarSet(series.period.previous().label)
        previous.setColor(qcolour("chart_previous"))
        previous.setBorderColor(qcolour("chart_previous"))
        current = QBarSet(series.period.label)
        current.setColor(qcolour("chart_bars"))
        current.setBorderColor(qcolour("chart_bars"))
        for count, before in zip(series.counts, series.previous, strict=True):
            current.append(float(count))
            previous.append(float(before or 0))
        self.values = [float(c) for c in series.counts]
        bars = QBarSeries()
        bars.append(previous)
        bars.append(current)
        chart.addSeries(bars)
        axis_x = QBarCategoryAxis()
        axis_x.append([MONTH_NAMES[int(m[5:]) - 1] for m in series.months])
        top = max([*series.counts, *(p or 0 for p in series.previous), 1])
        axis_y = QValueAxis()
        axis_y.setRange(0, top * 1.05)
        axis_y.applyNiceNumbers()
        axis_y.setLabelFormat("%.0f")
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(axis_x)
        bars.attachAxis(axis_y)
        style_axes(chart)
        self.setChart(chart)


SIZE_BANDS = ((1, 1, 7.0, "1 row"), (2, 4, 11.0, "2–4 rows"), (5, None, 16.0, "5 or more rows"))


class LocationScatter(_ChartView):
    """Where the rows are: longitude across, latitude up, one marker per police.uk map point.

    police.uk places every row on an anonymised map point, so many rows share one; a marker's size
    says how many (1, 2–4, 5+). The chosen LSOA's points are drawn in orange on top. The axes keep the
    map's shape (a degree of longitude is shorter than one of latitude this far north).
    """

    def __init__(self):
        super().__init__("locationScatter")
        self.setMinimumHeight(320)
        self.rows_plotted = 0
        self.highlighted_rows = 0
        self.distinct_points = 0
        self._bounds: tuple[float, float, float, float] | None = None
        self._axes: tuple[QValueAxis, QValueAxis] | None = None

    def show_points(self, breakdown, highlight: str | None = None) -> None:
        chart = self._new_chart(f"{breakdown.district}: {breakdown.crime_type}, {breakdown.period.label}")
        counts: dict[tuple[float, float, str], int] = {}
        for p in breakdown.points:
            key = (p.longitude, p.latitude, p.lsoa_name)
            counts[key] = counts.get(key, 0) + 1
        self.rows_plotted = sum(counts.values())
        self.distinct_points = len(counts)
        self.highlighted_rows = sum(n for (_x, _y, name), n in counts.items() if name == highlight)
        axis_x, axis_y = QValueAxis(), QValueAxis()
        axis_x.setTitleText("longitude")
        axis_y.setTitleText("latitude")
        for axis in (axis_x, axis_y):
            axis.setLabelFormat("%.2f")
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        for chosen in (False, True):
            colour = qcolour("chart_home" if chosen else "chart_bars")
            colour.setAlpha(230 if chosen else 140)
            for low, high, size, label in SIZE_BANDS:
                series = QScatterSeries()
                series.setName(highlight if chosen and low == 1 and highlight else label)
                series.setMarkerSize(size)
                series.setColor(colour)
                series.setBorderColor(colour.darker(130))
                for (x, y, name), n in counts.items():
                    if (name == highlight) == chosen and n >= low and (high is None or n <= high):
                        series.append(x, y)
                chart.addSeries(series)
                series.attachAxis(axis_x)
                series.attachAxis(axis_y)
                if chosen:  # one legend entry for the chosen LSOA, not three
                    for marker in chart.legend().markers(series):
                        marker.setVisible(bool(highlight) and low == 1)
        if counts:
            xs = [x for x, _y, _n in counts]
            ys = [y for _x, y, _n in counts]
            self._bounds = (min(xs), max(xs), min(ys), max(ys))
        else:
            self._bounds = None
            chart.setTitle(f"{chart.title()}: no rows with coordinates")
        self._axes = (axis_x, axis_y)
        style_axes(chart)
        self.setChart(chart)
        self._fit_axes()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_axes()

    def _fit_axes(self) -> None:
        """Ranges around the points with the map's proportions for the plot area's shape."""
        if self._axes is None or self._bounds is None:
            return
        x0, x1, y0, y1 = self._bounds
        mid_y = (y0 + y1) / 2
        squash = math.cos(math.radians(mid_y))  # a degree of longitude, in degrees of latitude
        # Both extents in degrees of latitude (so equal lengths on the ground), at least ~1 km.
        width = max((x1 - x0) * squash, 0.01) * 1.1
        height = max(y1 - y0, 0.01) * 1.1
        area = self.chart().plotArea()
        aspect = area.width() / area.height() if area.height() > 10 else 1.4
        if width / height < aspect:
            width = height * aspect
        else:
            height = width / aspect
        mid_x = (x0 + x1) / 2
        axis_x, axis_y = self._axes
        axis_x.setRange(mid_x - width / squash / 2, mid_x + width / squash / 2)
        axis_y.setRange(mid_y - height / 2, mid_y + height / 2)
