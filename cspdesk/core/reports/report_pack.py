"""The partnership report pack as one PDF: council header, Action Taken (the officer's wording and
paragraphs), charts, Community Trigger, Crime Figures (the crime figures report's own tables and
charts), Priorities, and the figures table, which is the CSV (``measure,count``) printed, so the
paper and the file always agree.

It prints what the service gives it (``report_pack_dto.ReportPack``) and looks nothing up: restricted Safer
Homes referrals reach it as counts only. ReportLab is imported only here, when a pack is printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from cspdesk.core.domain import report_pack as rp
from cspdesk.core.domain.vocab import NoticeKind, VictimCategory
from cspdesk.core.reports import report_pack_charts as charts
from cspdesk.core.reports.fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register_fonts
from cspdesk.core.reports.letterhead import LetterheadSettings
from cspdesk.core.reports.page_numbers import page_of_canvas

if TYPE_CHECKING:
    from cspdesk.core.services.reports.report_pack_dto import ReportPack

NAVY = colors.HexColor("#1f3a5f")
PALE = colors.HexColor("#e8edf3")
RULE = colors.HexColor("#c5ced9")
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm  # as the Crime Figures section, whose tables and charts are drawn to this width
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN

INTRO = (
    "Partners continue to work together and with the community to offer a diverse range of crime "
    "reduction, educational activities and public engagement events."
)
TRIGGER_INTRO = (
    "Legislation requires that each Community Safety Partnership publishes information with regard "
    "to the use of the Community Trigger:"
)
GROUPS = ("Anti-Social Behaviour", "Organised Crime", "Protecting those most at Risk")


def esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=14, spaceAfter=7)
    return {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=22, leading=27, textColor=NAVY),
        "subtitle": ParagraphStyle(
            "subtitle", fontName=REGULAR, fontSize=10.5, leading=14, textColor=colors.HexColor("#555555")
        ),
        "council": ParagraphStyle("council", fontName=BOLD, fontSize=11, leading=14, textColor=NAVY),
        "address": ParagraphStyle(
            "address", fontName=REGULAR, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")
        ),
        "h1": ParagraphStyle(
            "h1", fontName=BOLD, fontSize=16, leading=20, textColor=NAVY, spaceBefore=8, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", fontName=BOLD, fontSize=11.5, leading=15, textColor=NAVY, spaceBefore=6, spaceAfter=4
        ),
        "body": body,
        "measure": ParagraphStyle("measure", parent=body, fontName=BOLD, spaceAfter=1),
        "italic": ParagraphStyle("italic", parent=body, fontName=ITALIC, spaceAfter=9),
        "notice": ParagraphStyle(
            "notice",
            parent=body,
            fontName=BOLD_ITALIC,
            textColor=colors.HexColor("#7a2e00"),
            backColor=colors.HexColor("#fff2cc"),
            borderPadding=6,
            spaceBefore=6,
            spaceAfter=12,
        ),
        "note": ParagraphStyle(
            "note", fontName=REGULAR, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444")
        ),
        "cell": ParagraphStyle("cell", fontName=REGULAR, fontSize=8.5, leading=10.5),
        "key": ParagraphStyle(
            "key", fontName=REGULAR, fontSize=7, leading=10.5, textColor=colors.HexColor("#333333")
        ),
        "cellhead": ParagraphStyle(
            "cellhead", fontName=BOLD, fontSize=8.5, leading=10.5, textColor=colors.white
        ),
    }


def _header(pack: ReportPack, head: dict[str, str], st: dict[str, ParagraphStyle]) -> list:
    address = [x.strip() for x in (head.get("address") or "").splitlines() if x.strip()]
    contact = " · ".join(x for x in (head.get("phone"), head.get("email"), head.get("website")) if x)
    left = [
        Paragraph(esc(head.get("name") or pack.council), st["council"]),
        Paragraph(esc(", ".join([head.get("team") or "", *address]).strip(", ")), st["address"]),
        Paragraph(esc(contact), st["address"]),
    ]
    logo = LetterheadSettings(logo_path=head.get("logo_path") or None).resolved_logo()
    right: Any = ""
    if logo is not None:
        img = Image(str(logo))
        scale = min(18 * mm / img.imageHeight, 50 * mm / img.imageWidth)
        img.drawHeight, img.drawWidth = img.imageHeight * scale, img.imageWidth * scale
        img.hAlign = "RIGHT"
        right = img
    table = Table([[left, right]], colWidths=[TEXT_WIDTH - 55 * mm, 55 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ]
        )
    )
    p = pack.period
    out = [
        table,
        Spacer(1, 5 * mm),
        HRFlowable(width="100%", thickness=0.8, color=NAVY),
        Spacer(1, 5 * mm),
        Paragraph(f"Community Safety Partnership report {esc(p.label)}", st["title"]),
        Paragraph(
            esc(
                f"{p.start.day} {p.start:%B %Y} to {p.end.day} {p.end:%B %Y}, "
                f"compared with {pack.previous.label}. {pack.area}."
            ),
            st["subtitle"],
        ),
        Spacer(1, 4 * mm),
    ]
    if pack.empty:
        out.append(Paragraph(esc(pack.empty_message), st["notice"]))
    return out


def _action_taken(pack: ReportPack, st: dict[str, ParagraphStyle]) -> list:
    out: list = [
        Paragraph("Action Taken", st["h1"]),
        Paragraph(esc(INTRO), st["body"]),
        Paragraph(
            esc(
                f"{pack.period.phrase[:1].upper()}{pack.period.phrase[1:]} the following work was "
                "completed by the Partnership against the Priorities in the Partnership Plan:"
            ),
            st["body"],
        ),
    ]
    measures = [m for m in pack.section("action_taken") if m.in_text]
    for group in GROUPS:
        lines = [m for m in measures if m.group == group]
        if lines:
            out.append(Paragraph(esc(group), st["h2"]))
            out += [Paragraph(esc(pack.sentence(m.key)), st["body"]) for m in lines]
    if pack.wording.paragraphs:
        out.append(Paragraph("Campaigns and events", st["h2"]))
        out += [Paragraph(esc(text), st["body"]) for text in pack.wording.paragraphs]
    return out


def _charts(pack: ReportPack, st: dict[str, ParagraphStyle]) -> list:
    half = (TEXT_WIDTH - 6 * mm) / 2
    notices = [
        ("CPNWs", pack.measure(rp.CPW).count),
        ("CPNs (CPNW breach)", pack.measure(rp.CPN).count),
        ("FPNs (CPN breach)", pack.measure(rp.FPN).count),
        (NoticeKind.WARNING_LETTER.label, pack.measure(rp.WARNING_LETTERS).count),
        ("ABCs", pack.measure(rp.ABCS).count),
    ]
    homes = [(c.label, pack.measure(rp.safer_homes_category_measure(c)).count) for c in VictimCategory]
    row = Table(
        [
            [
                charts.bars("Notices issued, by type", notices, REGULAR, BOLD, half, 120, 92),
                charts.bars(
                    "Safer Homes properties secured, by victim category", homes, REGULAR, BOLD, half, 120, 100
                ),
            ]
        ],
        colWidths=[half + 3 * mm, half + 3 * mm],
        hAlign="LEFT",
    )
    row.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    by_month = [
        (m.key.removeprefix("cases_opened_").replace("_", "-"), m.count)
        for m in pack.section("charts")
        if m.key.startswith("cases_opened_")
    ]
    return [
        KeepTogether(
            [
                Paragraph("At a glance", st["h2"]),
                row,
                Spacer(1, 4 * mm),
                charts.months("ASB cases opened, by month", by_month, REGULAR, BOLD, TEXT_WIDTH, 130),
            ]
        )
    ]


def _community_trigger(pack: ReportPack, st: dict[str, ParagraphStyle]) -> list:
    out: list = [Paragraph("Community Trigger", st["h1"]), Paragraph(esc(TRIGGER_INTRO), st["body"])]
    for m in pack.section("community_trigger"):
        out += [
            Paragraph(f"{esc(m.label)}: {m.count}", st["measure"]),
            Paragraph(esc(m.sentence), st["italic"]),
        ]
    return [KeepTogether(out)]


def _crime(pack: ReportPack, st: dict[str, ParagraphStyle]) -> list:
    out: list = [CondPageBreak(80 * mm), Paragraph("Crime Figures", st["h1"])]
    crime = pack.crime
    if not crime.available:
        return out + [Paragraph(esc(crime.message), st["body"])]
    from cspdesk.core.reports.crime_figures import CrimeFiguresSection, section_flowables

    section = CrimeFiguresSection(
        council=pack.council,
        period=crime.tables[0].period,
        tables=crime.tables,
        home_series=crime.series,
        source_label=crime.source_label,
        printed_on=pack.produced_on,
    )
    out.append(
        Paragraph(
            esc(
                f"{crime.period_label}, compared with the previous 12 months ({crime.source_label}). "
                "Districts are listed by rate, highest first."
            ),
            st["body"],
        )
    )
    return out + section_flowables(section, st["body"], st["note"])


def _priorities(pack: ReportPack, st: dict[str, ParagraphStyle]) -> list:
    head = [Paragraph("Priority theme", st["cellhead"])] + [
        Paragraph(esc(label), st["cellhead"]) for _, label in rp.PRIORITY_COLUMNS
    ]
    data = [head]
    for row in pack.priorities:
        data.append(
            [Paragraph(esc(row.label), st["cell"])]
            + [
                Paragraph(
                    f"<b>{c.current.count:,}</b> <font size=7 color='#555555'>({esc(c.change_text)})</font>",
                    st["cell"],
                )
                for c in row.cells
            ]
        )
    first = 50 * mm
    widths = [first] + [(TEXT_WIDTH - first) / len(rp.PRIORITY_COLUMNS)] * len(rp.PRIORITY_COLUMNS)
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), NAVY),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, PALE]),
                ("BOX", (0, 0), (-1, -1), 0.6, NAVY),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    intro = (
        f"Cases and actions under each CSP priority theme {pack.period.phrase}; in brackets, the change on "
        f"{pack.previous.label}. A case counts under its headline theme. Actions outstanding were due by the "
        "end of the period and not completed by then."
    )
    return [KeepTogether([Paragraph("Priorities", st["h1"]), Paragraph(esc(intro), st["body"]), table])]


def _figures_table(pack: ReportPack, st: dict[str, ParagraphStyle]) -> list:
    data = [
        [
            Paragraph("Figure", st["cellhead"]),
            Paragraph("Measure (CSV)", st["cellhead"]),
            Paragraph("Count", st["cellhead"]),
        ]
    ]
    for m in pack.measures:
        data.append([Paragraph(esc(m.label), st["cell"]), Paragraph(esc(m.key), st["key"]), f"{m.count}"])
    table = Table(data, colWidths=[TEXT_WIDTH - 106 * mm, 88 * mm, 18 * mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), NAVY),
                ("FONT", (2, 1), (2, -1), REGULAR, 8.5),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, PALE]),
                ("BOX", (0, 0), (-1, -1), 0.6, NAVY),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    note = (
        "Every figure in this report, as in its CSV file (measure,count). Notices are counted by the date "
        "issued, Safer Homes properties by the date secured, meetings by the date held, Case Review "
        "applications by the date received and reviews by the date the review meeting was held."
    )
    return [
        CondPageBreak(60 * mm),
        Paragraph("The figures in this report", st["h1"]),
        Paragraph(esc(note), st["note"]),
        Spacer(1, 3 * mm),
        table,
    ]


def render_report_pack(pack: ReportPack, head: dict[str, str], path: Path) -> Path:
    st = _styles()
    council = head.get("name") or pack.council

    def page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFillColor(NAVY)
        canvas.rect(0, PAGE_HEIGHT - 10 * mm, PAGE_WIDTH, 10 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(BOLD, 9)
        canvas.drawString(MARGIN, PAGE_HEIGHT - 6.5 * mm, council)
        canvas.setFont(REGULAR, 8.5)
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN,
            PAGE_HEIGHT - 6.5 * mm,
            f"Community Safety Partnership report {pack.period.label}",
        )
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, 13 * mm, PAGE_WIDTH - MARGIN, 13 * mm)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.setFont(REGULAR, 7.5)
        canvas.drawString(
            MARGIN, 9 * mm, f"Produced by CSPDesk on {pack.produced_on.day} {pack.produced_on:%B %Y}."
        )
        canvas.restoreState()  # "Page N of M" is written by the canvas once the pages are counted

    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"Community Safety Partnership report {pack.period.label}",
        author=council,
        subject="Action Taken, Community Trigger, Crime Figures, Priorities",
    )
    story = (
        _header(pack, head, st)
        + _action_taken(pack, st)
        + _charts(pack, st)
        + _community_trigger(pack, st)
        + _crime(pack, st)
        + _priorities(pack, st)
        + _figures_table(pack, st)
    )
    doc.build(
        story,
        onFirstPage=page,
        onLaterPages=page,
        canvasmaker=page_of_canvas(PAGE_WIDTH - MARGIN, 9 * mm, REGULAR, 7.5, colors.HexColor("#555555")),
    )
    return path
