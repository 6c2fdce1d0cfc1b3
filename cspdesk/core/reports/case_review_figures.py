"""The Community Trigger figures as a printable A4 page, in the partnership plan's own style: the council's
name, the heading "Community Trigger", the statutory sentence, and each of the four measures as a bold
heading followed by its sentence in italics."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer

from cspdesk.core.domain.case_review import format_date
from cspdesk.core.domain.case_review_figures import CaseReviewFigures
from cspdesk.core.paths import resources_dir

_FACES = {
    "CRFigures": "DejaVuSans.ttf",
    "CRFigures-Bold": "DejaVuSans-Bold.ttf",
    "CRFigures-Oblique": "DejaVuSans-Oblique.ttf",
    "CRFigures-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}
_SYSTEM_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_family: str | None = None

INTRO = (
    "Legislation requires that each Community Safety Partnership publishes information with regard to the "
    "use of the Community Trigger:"
)


def _fonts() -> tuple[str, str, str]:
    """(regular, bold, italic) font names: DejaVu Sans embedded from resources/fonts (or the system's copy),
    else ReportLab's built-in Helvetica."""
    global _family
    if _family is None:
        from reportlab.lib.fonts import addMapping

        for folder in (resources_dir() / "fonts", _SYSTEM_DEJAVU):
            if all((folder / f).is_file() for f in _FACES.values()):
                for name, file in _FACES.items():
                    pdfmetrics.registerFont(TTFont(name, str(folder / file)))
                addMapping("CRFigures", 0, 0, "CRFigures")
                addMapping("CRFigures", 1, 0, "CRFigures-Bold")
                addMapping("CRFigures", 0, 1, "CRFigures-Oblique")
                addMapping("CRFigures", 1, 1, "CRFigures-BoldOblique")
                _family = "CRFigures"
                break
        else:
            _family = "Helvetica"
    if _family == "Helvetica":
        return "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"
    return "CRFigures", "CRFigures-Bold", "CRFigures-Oblique"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_figures_pdf(
    figures: CaseReviewFigures,
    sentences: list[tuple[str, str]],
    *,
    council_name: str,
    produced_on: date,
    out: Path | None = None,
) -> bytes:
    """The page as PDF bytes (also written to ``out`` if given). ``sentences`` is (heading, sentence) per
    measure, in order, from the service."""
    regular, bold, italic = _fonts()
    navy = colors.HexColor("#1f3a5f")
    council = ParagraphStyle("council", fontName=bold, fontSize=11, leading=14, textColor=navy)
    heading = ParagraphStyle(
        "heading", fontName=bold, fontSize=20, leading=26, textColor=navy, spaceBefore=6, spaceAfter=4
    )
    period = ParagraphStyle(
        "period", fontName=regular, fontSize=10, leading=13, textColor=colors.HexColor("#555555")
    )
    body = ParagraphStyle("body", fontName=regular, fontSize=11, leading=15, alignment=TA_LEFT, spaceAfter=10)
    measure = ParagraphStyle("measure", parent=body, fontName=bold, spaceAfter=2)
    sentence = ParagraphStyle("sentence", parent=body, fontName=italic, leftIndent=0, spaceAfter=14)
    footer = ParagraphStyle(
        "footer", fontName=regular, fontSize=8, leading=10, textColor=colors.HexColor("#666666")
    )

    p = figures.period
    story = [
        Paragraph(_esc(council_name), council),
        Paragraph("Community Trigger", heading),
        Paragraph(
            _esc(f"ASB Case Reviews, {p.label} ({format_date(p.start)} to {format_date(p.end)})"), period
        ),
        Spacer(1, 4 * mm),
        HRFlowable(width="100%", thickness=0.8, color=navy),
        Spacer(1, 6 * mm),
        Paragraph(_esc(INTRO), body),
        Spacer(1, 2 * mm),
    ]
    for (head, text), (_m, n) in zip(sentences, figures.as_rows(), strict=True):
        story.append(Paragraph(f"{_esc(head)}: {n}", measure))
        story.append(Paragraph(_esc(text), sentence))
    story += [
        Spacer(1, 10 * mm),
        HRFlowable(width="100%", thickness=0.4, color=colors.HexColor("#999999")),
        Spacer(1, 2 * mm),
        Paragraph(
            _esc(
                f"Produced by CSPDesk on {format_date(produced_on)}. Applications are counted by the "
                "date received; reviews by the date the review meeting was held."
            ),
            footer,
        ),
    ]

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"Community Trigger {p.label}",
        author=council_name,
        subject="ASB Case Review figures",
    )
    doc.build(story)
    data = buf.getvalue()
    if out is not None:
        Path(out).write_bytes(data)
    return data
