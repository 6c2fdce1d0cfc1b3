"""The case summary: everything on a case in one document, for a partner agency or a court bundle.

It always carries OFFICIAL-SENSITIVE: it names victims and perpetrators by design.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from cspdesk.core.errors import UserError

from .case_summary_data import (
    CaseSummaryData,
    ChronologyEntry,
    SummaryAction,
    SummaryIncident,
    SummaryNotice,
    SummaryParty,
)
from .fields import format_date
from .fonts import BOLD, register_fonts
from .layout import MARGIN_L, MARGIN_R, PAGE_W, LettersDoc, NumberedCanvas, PageOwner
from .letterhead import LetterheadSettings

HEAD_BG = Color(0.0, 0.37, 0.31)  # the letterhead green
ZEBRA = Color(0.95, 0.96, 0.95)
WIDTH = PAGE_W - MARGIN_L - MARGIN_R
BODY_TOP = 44 * mm  # no address window: the title starts under the letterhead


def _when(v: date | datetime | None) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return f"{format_date(v)} {v:%H:%M}"
    return format_date(v)


def _styles() -> dict[str, ParagraphStyle]:
    family = register_fonts()
    cell = ParagraphStyle("cell", fontName=family, fontSize=8.5, leading=10.5, splitLongWords=1)
    return {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20, spaceAfter=4 * mm),
        "h": ParagraphStyle(
            "h",
            fontName=BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
            keepWithNext=1,
        ),
        "body": ParagraphStyle("body", fontName=family, fontSize=9.5, leading=13, splitLongWords=1),
        "cell": cell,
        "head": ParagraphStyle("head", cell, fontName=BOLD, textColor=Color(1, 1, 1)),
        "key": ParagraphStyle("key", cell, fontName=BOLD),
    }


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[float],
    st: dict[str, ParagraphStyle],
) -> Table | Paragraph:
    if not rows:
        return Paragraph("None recorded.", st["body"])
    scale = WIDTH / (sum(widths_mm) * mm)  # columns given in proportion; always exactly the body width
    data = [[Paragraph(escape(h), st["head"]) for h in headers]]
    data += [[Paragraph(escape(str(c)).replace("\n", "<br/>"), st["cell"]) for c in r] for r in rows]
    t = Table(data, colWidths=[w * mm * scale for w in widths_mm], repeatRows=1)  # header on every page
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, Color(0.8, 0.8, 0.8)),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    style += [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, len(data), 2)]
    t.setStyle(TableStyle(style))
    return t


def _facts(d: CaseSummaryData, st: dict[str, ParagraphStyle]) -> Table:
    pairs = [
        ("Reference", d.reference),
        ("Status", d.status),
        ("Opened", _when(d.opened)),
        ("Closed", _when(d.closed) or "Open"),
        ("Lead officer", d.lead_officer),
        ("Risk level", d.risk_level),
        ("Priorities", ", ".join(d.priorities)),
        ("Prepared for", d.prepared_for),
        ("Prepared by", d.prepared_by),
        ("Prepared on", _when(d.prepared_on)),
    ]
    rows = []
    for i in range(0, len(pairs), 2):
        row = []
        for k, v in pairs[i : i + 2]:
            row += [Paragraph(escape(k), st["key"]), Paragraph(escape(v or "–"), st["cell"])]
        rows.append(row)
    t = Table(rows, colWidths=[25 * mm, WIDTH / 2 - 25 * mm] * 2)
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.5, Color(0.7, 0.7, 0.7)),
                ("INNERGRID", (0, 0), (-1, -1), 0.25, Color(0.85, 0.85, 0.85)),
                ("BACKGROUND", (0, 0), (0, -1), ZEBRA),
                ("BACKGROUND", (2, 0), (2, -1), ZEBRA),
            ]
        )
    )
    return t


def render_case_summary(data: CaseSummaryData, letterhead: LetterheadSettings) -> bytes:
    st = _styles()
    story: list = [Paragraph(f"Case summary: {escape(data.title)}", st["title"]), _facts(data, st)]
    if data.summary:
        story += [
            Paragraph("Summary", st["h"]),
            Paragraph(escape(data.summary).replace("\n", "<br/>"), st["body"]),
        ]
    story += [
        Paragraph("Parties", st["h"]),
        _table(
            ["Role", "Name", "Details"], [(p.role, p.name, p.details) for p in data.parties], (28, 45, 97), st
        ),
    ]
    story += [
        Paragraph("Incidents", st["h"]),
        _table(
            ["When", "Where", "What happened", "Reported by"],
            [(_when(i.when), i.location, i.description, i.reported_by) for i in data.incidents],
            (28, 38, 76, 28),
            st,
        ),
    ]
    story += [
        Paragraph("Actions", st["h"]),
        _table(
            ["Date", "Action", "Owner", "Due", "Status"],
            [(_when(a.when), a.action, a.owner, _when(a.due), a.status) for a in data.actions],
            (24, 70, 28, 24, 24),
            st,
        ),
    ]
    story += [
        Paragraph("Notices", st["h"]),
        _table(
            ["Notice", "Reference", "Issued", "Status", "Key dates"],
            [(n.kind, n.reference, _when(n.issued), n.status, n.key_dates) for n in data.notices],
            (40, 28, 24, 24, 54),
            st,
        ),
    ]
    story += [
        Paragraph("Chronology", st["h"]),
        _table(
            ["When", "Who", "Entry"],
            [(_when(c.when), c.who, c.entry) for c in data.chronology],
            (32, 30, 108),
            st,
        ),
        Spacer(1, 4 * mm),
    ]
    owner = PageOwner(
        key=0,
        letterhead=letterhead,
        marking=True,
        reference=data.reference,
        later_header=f"Case summary · {data.reference}",
    )
    buf = io.BytesIO()
    doc = LettersDoc(buf, [owner], title=f"Case summary {data.reference}", first_body_top=BODY_TOP)
    try:
        doc.build(story, canvasmaker=NumberedCanvas)
    except LayoutError as e:
        raise UserError(f"The case summary could not be laid out ({e}).") from e
    return buf.getvalue()


def demo_case_summary() -> CaseSummaryData:
    """Example data for previews and tests: plainly invented people in real South Derbyshire places."""
    return CaseSummaryData(
        reference="CSP/2025/0142",
        title="Noise nuisance, Midland Road, Church Gresley",
        status="Open",
        opened=date(2025, 1, 6),
        lead_officer="Priya Sharma",
        risk_level="Medium",
        priorities=("Anti-social behaviour and safer spaces",),
        prepared_for="Southern Derbyshire Magistrates' Court",
        prepared_by="Priya Sharma, Community Safety Officer",
        prepared_on=date(2025, 3, 12),
        summary="Repeated late-night amplified music from 14 Midland Road affecting neighbours at Zoë Court. "
        "Warning letter, CPW and CPN issued; one breach has led to a Fixed Penalty Notice.",
        parties=(
            SummaryParty(
                "Complainant",
                "Siân O'Brien-Ćosić",
                "Flat 2, Zoë Court, 14 Midland Road, Swadlincote DE11 0AA",
            ),
            SummaryParty("Perpetrator", "Dean Marsh", "14 Midland Road, Swadlincote DE11 0AA; born 1998"),
            SummaryParty("Witness", "Mr T. Nwosu", "Neighbour; contact through the officer"),
        ),
        incidents=tuple(
            SummaryIncident(
                datetime(2025, 1, d, 23, 40),
                "14 Midland Road",
                "Amplified music audible in neighbouring flats until about 3am.",
                "Siân O'Brien-Ćosić",
            )
            for d in (4, 11, 18, 25)
        ),
        actions=(
            SummaryAction(date(2025, 1, 8), "ASB warning letter sent", "Priya Sharma", None, "Done"),
            SummaryAction(
                date(2025, 1, 20), "CPW issued; comply by 3 February 2025", "Priya Sharma", None, "Done"
            ),
            SummaryAction(
                date(2025, 3, 12),
                "Review noise diary and monitoring",
                "Priya Sharma",
                date(2025, 3, 26),
                "Open",
            ),
        ),
        notices=(
            SummaryNotice(
                "Community Protection Notice Warning",
                "CPW/2025/007",
                date(2025, 1, 20),
                "Breached",
                "Comply by 3 February 2025",
            ),
            SummaryNotice(
                "Community Protection Notice",
                "CPN/2025/002",
                date(2025, 2, 5),
                "Active",
                "Appeal by 25 February 2025 (none lodged)",
            ),
            SummaryNotice(
                "Fixed Penalty Notice",
                "FPN/2025/001",
                date(2025, 3, 12),
                "Issued",
                "£100; pay by 26 March 2025 (£75 by 22 March 2025)",
            ),
        ),
        chronology=tuple(
            ChronologyEntry(datetime(2025, 1, 6 + i, 10, 15), "Priya Sharma", text)
            for i, text in enumerate(
                (
                    "Case opened from online report.",
                    "Warning letter sent to 14 Midland Road.",
                    "Visited complainant; diary sheets given.",
                    "Police informed of intended CPW.",
                )
            )
        ),
    )
