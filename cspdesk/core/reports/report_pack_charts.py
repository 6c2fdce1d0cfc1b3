"""The report pack's charts, drawn with ReportLab graphics (vector, small): notices by type, Safer Homes
properties by victim category, and cases opened by month. Every bar carries its number, so a reader never
has to estimate from the axis and the figure is the one in the CSV."""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

NAVY = colors.HexColor("#1f3a5f")
ACCENT = colors.HexColor("#d9822b")
GREY = colors.HexColor("#7a8a9e")
GRID = colors.HexColor("#e3e8ee")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _axis_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if step * magnitude >= value)


def _title(drawing: Drawing, text: str, font: str, height: float) -> None:
    drawing.add(String(0, height - 10, text, fontName=font, fontSize=9, fillColor=NAVY))


def bars(
    title: str,
    items: Sequence[tuple[str, int]],
    font: str,
    bold: str,
    width: float,
    height: float,
    label_width: float = 110,
) -> Drawing:
    """Horizontal bars, first item at the top, each with its count."""
    drawing = Drawing(width, height)
    _title(drawing, title, bold, height)
    rows = list(reversed(items))  # ReportLab draws the first category at the bottom
    if not rows or not any(n for _, n in rows):
        drawing.add(
            String(
                0, height / 2, "Nothing to chart in this period.", fontName=font, fontSize=8, fillColor=GREY
            )
        )
        return drawing
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 16
    chart.width, chart.height = width - chart.x - 28, height - chart.y - 22
    chart.data = [[float(n) for _, n in rows]]
    chart.categoryAxis.categoryNames = [label for label, _ in rows]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.categoryAxis.strokeColor = GREY
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _axis_max(max(n for _, n in rows) * 1.15)
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 6.8
    chart.valueAxis.strokeColor = GREY
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.visibleGrid = True
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = NAVY
    chart.barWidth = 7
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    chart.barLabelFormat = "%d"
    drawing.add(chart)
    return drawing


def months(
    title: str, items: Sequence[tuple[str, int]], font: str, bold: str, width: float, height: float
) -> Drawing:
    """Vertical bars per month (``YYYY-MM``), each with its count."""
    drawing = Drawing(width, height)
    _title(drawing, title, bold, height)
    if not items or not any(n for _, n in items):
        drawing.add(
            String(
                0,
                height / 2,
                "No cases were opened in this period.",
                fontName=font,
                fontSize=8,
                fillColor=GREY,
            )
        )
        return drawing
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 26
    chart.width, chart.height = width - chart.x - 8, height - chart.y - 24
    chart.data = [[float(n) for _, n in items]]
    many = len(items) > 14
    chart.categoryAxis.categoryNames = [
        _MONTHS[int(m[5:]) - 1][:1] if many else f"{_MONTHS[int(m[5:]) - 1]} {m[2:4]}" for m, _ in items
    ]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6.8
    chart.categoryAxis.strokeColor = GREY
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _axis_max(max(n for _, n in items) * 1.15)
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 6.8
    chart.valueAxis.strokeColor = GREY
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.visibleGrid = True
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = ACCENT
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "s"
    chart.barLabels.dy = 2
    chart.barLabelFormat = "%d"
    drawing.add(chart)
    return drawing
