"""The two crime-figures charts (QtCharts): rates by district, and a year's months against the year before.

They draw the service's DTOs (ComparisonTable, MonthlySeries) and hold nothing else.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter

NAVY = QColor("#1f3a5f")
HOME = QColor("#d9822b")
TOTAL = QColor("#7a8a9e")
PREVIOUS = QColor("#b8c4d3")
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
        font = QFont()
        font.setPointSize(11)
        font.setBold(True)
        chart.setTitleFont(font)
        chart.setMargins(QMargins(6, 6, 6, 6))
        chart.setBackgroundRoundness(0)
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
        sets = {"Districts": QBarSet("Districts"), "home": QBarSet(table.home.area if table.home else "Home"),
                "total": QBarSet(table.total.area)}
        for key, colour in (("Districts", NAVY), ("home", HOME), ("total", TOTAL)):
            sets[key].setColor(colour)
            sets[key].setBorderColor(colour)
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
        self.setChart(chart)


class MonthlyChart(_ChartView):
    """A year's monthly counts beside the same months of the year before."""

    def __init__(self):
        super().__init__("monthlyChart")
        self.values: list[float] = []

    def show_series(self, series) -> None:
        chart = self._new_chart(f"{series.area}: {series.category}, monthly count")
        previous = QBarSet(series.period.previous().label)
        previous.setColor(PREVIOUS)
        previous.setBorderColor(PREVIOUS)
        current = QBarSet(series.period.label)
        current.setColor(NAVY)
        current.setBorderColor(NAVY)
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
        self.setChart(chart)
