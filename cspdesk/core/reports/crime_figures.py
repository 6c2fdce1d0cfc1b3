"""The Partnership Plan's "Crime Figures" section as a PDF: per category, the district comparison table
with its footnotes, the comparison sentence, and two charts (rates by district; the home district's
months against the year before), drawn with ReportLab graphics so the PDF stays vector and small.

ReportLab is imported only here (and only when a section is printed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from cspdesk.core.figures.months import Period
from cspdesk.core.figures.plan import plan_heading
from cspdesk.core.figures.table import ComparisonTable
from cspdesk.core.paths import resources_dir
from cspdesk.core.reports.page_numbers import page_of_canvas

NAVY = colors.HexColor("#1f3a5f")
HOME = colors.HexColor("#d9822b")
HOME_ROW = colors.HexColor("#fff2cc")
TOTAL_ROW = colors.HexColor("#e8edf3")
GRID = colors.HexColor("#c5ced9")
PREVIOUS = colors.HexColor("#b8c4d3")
GREY = colors.HexColor("#7a8a9e")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN


@dataclass(frozen=True)
class CrimeFiguresSection:
    council: str
    period: Period
    tables: tuple[ComparisonTable, ...]
    home_series: tuple  # MonthlySeries per table, same order (the home district's months)
    source_label: str
    printed_on: date


def _fonts() -> tuple[str, str]:
    """DejaVu from resources/fonts, else the system's, else Helvetica (no ² or → in Helvetica's metrics)."""
    for folder in (resources_dir() / "fonts", Path("/usr/share/fonts/truetype/dejavu")):
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
                pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _heading(table: ComparisonTable) -> str:
    return f"{plan_heading(table.category, table.period.first)} {table.period_text}"


def _comparison_table(table: ComparisonTable, regular: str, bold: str) -> Table:
    head = ParagraphStyle("head", fontName=bold, fontSize=9, leading=11, textColor=colors.white)
    data = [
        [
            Paragraph(_heading(table), head),
            "Volume",
            Paragraph("Rate <super>1</super>", head),
            Paragraph("Trend <super>2</super>", head),
        ]
    ]
    style = [
        ("FONT", (0, 0), (-1, -1), regular, 9),
        ("FONT", (1, 0), (-1, 0), bold, 9),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, GRID),
        ("BOX", (0, 0), (-1, -1), 0.6, NAVY),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ]
    for r, row in enumerate(table.rows, start=1):
        data.append([row.area, row.volume_text, row.rate_text, row.trend_text])
        if row.is_home:
            style += [("BACKGROUND", (0, r), (-1, r), HOME_ROW), ("FONT", (0, r), (-1, r), bold, 9)]
        elif row.is_total:
            style += [("BACKGROUND", (0, r), (-1, r), TOTAL_ROW), ("FONT", (0, r), (-1, r), bold, 9)]
    widths = [TEXT_WIDTH - 3 * 20 * mm, 20 * mm, 20 * mm, 20 * mm]
    result = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    result.setStyle(TableStyle(style))
    return result


def _rates_chart(table: ComparisonTable, regular: str, bold: str, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    rows = list(reversed(table.rows))  # ReportLab draws the first category at the bottom
    chart = HorizontalBarChart()
    chart.x, chart.y = 92, 18
    chart.width, chart.height = width - chart.x - 24, height - chart.y - 20
    chart.data = [[float(r.rate) for r in rows]]
    chart.categoryAxis.categoryNames = [_short(r.area) for r in rows]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 6.8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.categoryAxis.strokeColor = GREY
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _axis_max(max((float(r.rate) for r in rows), default=1) * 1.12)
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 6.8
    chart.valueAxis.strokeColor = GREY
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e3e8ee")
    chart.valueAxis.visibleGrid = True
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = NAVY
    chart.barWidth = 6
    for index, row in enumerate(rows):
        if row.is_home or row.is_total:
            chart.bars[(0, index)].fillColor = HOME if row.is_home else GREY
    chart.barLabels.fontName = regular
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    chart.barLabelFormat = "%.1f"
    drawing.add(chart)
    drawing.add(String(0, height - 9, "Rate per 1,000 by area", fontName=bold, fontSize=8.5, fillColor=NAVY))
    return drawing


def _axis_max(value: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``value`` (so the longest bar and its label fit)."""
    magnitude = 10 ** math.floor(math.log10(value)) if value > 0 else 1
    return next(step * magnitude for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if step * magnitude >= value)


def _short(area: str) -> str:
    return area.replace("Derbyshire County Council area", "County (DCC area)")


def _monthly_chart(series, regular: str, bold: str, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 30
    chart.width, chart.height = width - chart.x - 6, height - chart.y - 20
    chart.data = [[float(p or 0) for p in series.previous], [float(c) for c in series.counts]]
    chart.categoryAxis.categoryNames = [
        MONTHS[int(m[5:]) - 1][:1] if len(series.months) > 12 else MONTHS[int(m[5:]) - 1]
        for m in series.months
    ]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.strokeColor = GREY
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 6.8
    chart.valueAxis.strokeColor = GREY
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e3e8ee")
    chart.valueAxis.visibleGrid = True
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = PREVIOUS
    chart.bars[1].fillColor = NAVY
    chart.groupSpacing = 3
    drawing.add(chart)
    drawing.add(
        String(0, height - 9, f"{series.area}: monthly count", fontName=bold, fontSize=8.5, fillColor=NAVY)
    )
    legend = Legend()
    legend.x, legend.y = chart.x, 8
    legend.fontName, legend.fontSize = regular, 6.8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx = legend.dy = 6
    legend.deltax = 95
    previous = series.period.previous()
    legend.colorNamePairs = [(PREVIOUS, previous.label), (NAVY, series.period.label)]
    drawing.add(legend)
    return drawing


def _block(
    table: ComparisonTable, series, styles: dict[str, ParagraphStyle], regular: str, bold: str
) -> list:
    note = styles["note"]
    base = table.population_label or "population"
    parts: list = [
        _comparison_table(table, regular, bold),
        Spacer(1, 3),
        Paragraph(f"<super>1</super> Rate per 1,000 {base}", note),
        Paragraph("<super>2</super> % change compared to previous 12 months", note),
    ]
    if table.sentence:
        parts += [Spacer(1, 3), Paragraph(_sentence(table), styles["body"])]
    half = (TEXT_WIDTH - 8 * mm) / 2
    charts = Table(
        [[_rates_chart(table, regular, bold, half, 128), _monthly_chart(series, regular, bold, half, 128)]],
        colWidths=[half + 4 * mm, half + 4 * mm],
        hAlign="LEFT",
    )
    charts.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    parts += [Spacer(1, 4), charts, Spacer(1, 12)]
    return [KeepTogether(parts)]


def _sentence(table: ComparisonTable) -> str:
    """The generated sentence, with the home district's own figures after it, as the plan's text does."""
    text = table.sentence or ""
    home, total = table.home, table.total
    if home is None:
        return text
    trend = (
        ""
        if home.trend is None
        else (
            f"; {'up' if home.trend > 0 else 'down' if home.trend < 0 else 'unchanged'}"
            f"{'' if home.trend == 0 else f' {abs(home.trend):.1f}%'} on the previous 12 months"
        )
    )
    county = (
        ""
        if total.trend is None
        else (
            f" Across the county the figure is {'up' if total.trend > 0 else 'down'} {abs(total.trend):.1f}%."
            if total.trend != 0
            else " Across the county the figure is unchanged."
        )
    )
    return f"{text} {home.area} recorded {home.volume_text} ({home.rate_text} per 1,000){trend}.{county}"


def section_flowables(section: CrimeFiguresSection, body: ParagraphStyle, note: ParagraphStyle) -> list:
    """Each category's table, footnotes, sentence and charts as flowables, for a larger document (the
    report pack), in the given body and footnote styles."""
    regular, bold = _fonts()
    styles = {"body": body, "note": note}
    out: list = []
    for table, series in zip(section.tables, section.home_series, strict=True):
        out += _block(table, series, styles, regular, bold)
    return out


def render_crime_figures(section: CrimeFiguresSection, path: Path) -> Path:
    regular, bold = _fonts()
    styles = {
        "title": ParagraphStyle(
            "title", fontName=bold, fontSize=20, leading=24, textColor=NAVY, spaceAfter=4
        ),
        "intro": ParagraphStyle(
            "intro", fontName=regular, fontSize=9.5, leading=13, textColor=colors.black, spaceAfter=10
        ),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13, alignment=TA_LEFT),
        "note": ParagraphStyle(
            "note", fontName=regular, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444")
        ),
    }

    def page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFillColor(NAVY)
        canvas.rect(0, PAGE_HEIGHT - 12 * mm, PAGE_WIDTH, 12 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(bold, 9.5)
        canvas.drawString(MARGIN, PAGE_HEIGHT - 7.8 * mm, section.council)
        canvas.setFont(regular, 9)
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 7.8 * mm, "Community Safety Partnership · Crime Figures"
        )
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, 13 * mm, PAGE_WIDTH - MARGIN, 13 * mm)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.setFont(regular, 7.5)
        canvas.drawString(
            MARGIN,
            9 * mm,
            f"Source: {section.source_label}. Printed {section.printed_on:%d %B %Y}.".replace(" 0", " "),
        )
        canvas.restoreState()  # "Page N of M" is written by the canvas once the pages are counted

    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=f"Crime Figures {section.period.label}",
        author=section.council,
        subject="Community Safety Partnership crime figures",
    )
    story: list = [
        Paragraph("Crime Figures", styles["title"]),
        Paragraph(
            f"{section.period.label}, compared with the previous 12 months. Each table shows the "
            "volume recorded, the rate per 1,000 population and the change on the year before for "
            "every district, with the county total; districts are listed by rate, highest first.",
            styles["intro"],
        ),
    ]
    for table, series in zip(section.tables, section.home_series, strict=True):
        story += _block(table, series, styles, regular, bold)
    doc.build(
        story,
        onFirstPage=page,
        onLaterPages=page,
        canvasmaker=page_of_canvas(PAGE_WIDTH - MARGIN, 9 * mm, regular, 7.5, colors.HexColor("#555555")),
    )
    return path
