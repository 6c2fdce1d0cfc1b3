"""Printed Safer Homes documents: the referral summary and the contractor's works order.

Inputs are plain values the service has already masked or cut down for the recipient
(``protection.mask_referral_for`` / ``works_order_view``): this module prints what it is given and
looks nothing up, so it cannot add what a recipient should not see.

A small stand-alone writer until the general letters engine lands on main; then these two
documents should move onto its templates (``safer_homes_works_order``) and letterhead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MARKING = "OFFICIAL-SENSITIVE"
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class Letterhead:
    council: str = "South Derbyshire District Council"
    team: str = "Communities Team"
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    rows: Sequence[tuple[str, str]] = ()  # label, value
    table: Sequence[Sequence[str]] = ()  # first row is the header
    paragraphs: Sequence[str] = ()


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    sections: Sequence[Section] = field(default_factory=tuple)
    footer_note: str = ""


def _fonts() -> tuple[str, str]:
    """DejaVu Sans if the system has it (accents, £, –); Helvetica otherwise."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def write_pdf(path: Path, doc: Document, letterhead: Letterhead) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import KeepTogether

    font, bold = _fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=13)
    small = ParagraphStyle(
        "small", parent=body, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")
    )
    small_right = ParagraphStyle("small_right", parent=small, alignment=2)
    label = ParagraphStyle("label", parent=body, fontName=bold)
    h1 = ParagraphStyle("h1", parent=body, fontName=bold, fontSize=16, leading=20, spaceAfter=2)
    h2 = ParagraphStyle(
        "h2",
        parent=body,
        fontName=bold,
        fontSize=11.5,
        leading=15,
        spaceBefore=10,
        spaceAfter=4,
        textColor=colors.HexColor("#1f3a5f"),
    )
    width = A4[0] - 40 * mm

    def esc(text: str) -> str:
        return (
            (text or "")
            .replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\n", "<br/>")
        )

    story: list = []
    head = Table(
        [
            [
                Paragraph(f"<b>{esc(letterhead.council)}</b><br/>{esc(letterhead.team)}", body),
                Paragraph(
                    esc(
                        "\n".join(
                            x
                            for x in (
                                letterhead.address.replace("\n", ", "),
                                letterhead.phone,
                                letterhead.email,
                            )
                            if x
                        )
                    ),
                    small_right,
                ),
            ]
        ],
        colWidths=[width * 0.5, width * 0.5],
    )
    head.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1f3a5f")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story += [
        head,
        Spacer(1, 8),
        Paragraph(esc(doc.title), h1),
        Paragraph(esc(doc.subtitle), small),
        Spacer(1, 4),
    ]
    grid = colors.HexColor("#c8d0d8")
    for sec in doc.sections:
        parts: list = [Paragraph(esc(sec.title), h2)]
        if sec.rows:
            t = Table(
                [[Paragraph(esc(k), label), Paragraph(esc(v), body)] for k, v in sec.rows],
                colWidths=[width * 0.32, width * 0.68],
            )
            t.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.3, grid),
                        ("TOPPADDING", (0, 0), (-1, -1), 3),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ]
                )
            )
            parts.append(t)
        if sec.table:
            ncols = len(sec.table[0])
            widths = [width * 0.52] + [width * 0.48 / (ncols - 1)] * (ncols - 1) if ncols > 1 else [width]
            data = [
                [Paragraph(esc(c), label if i == 0 else body) for c in r] for i, r in enumerate(sec.table)
            ]
            t = Table(data, colWidths=widths, repeatRows=1)
            t.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.3, grid),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
                    ]
                )
            )
            parts.append(t)
        for p in sec.paragraphs:
            parts += [Spacer(1, 3), Paragraph(esc(p), body)]
        story.append(KeepTogether(parts))
    if doc.footer_note:
        story += [Spacer(1, 12), Paragraph(esc(doc.footer_note), small)]

    def decorate(canvas, _doc) -> None:
        canvas.saveState()
        canvas.setFont(bold, 9)
        canvas.setFillColor(colors.HexColor("#9b1c1c"))
        canvas.drawCentredString(A4[0] / 2, A4[1] - 10 * mm, MARKING)
        canvas.drawCentredString(A4[0] / 2, 8 * mm, MARKING)
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawRightString(A4[0] - 20 * mm, 13 * mm, f"{doc.title} — page {canvas.getPageNumber()}")
        canvas.restoreState()

    path = Path(path)
    pdf = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=16 * mm,
        bottomMargin=20 * mm,
        title=doc.title,
        author=letterhead.council,
        subject=MARKING,
    )
    pdf.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return path


def letterhead_from(values: Mapping[str, object]) -> Letterhead:
    """From the settings' ``council.*`` values (keys without the prefix)."""
    return Letterhead(
        str(values.get("name", "")),
        str(values.get("team", "")),
        str(values.get("address", "")),
        str(values.get("phone", "")),
        str(values.get("email", "")),
    )
