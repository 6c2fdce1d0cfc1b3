"""A subject access bundle as a letter-style report: the council's letterhead, a letter to the person
explaining what follows and their rights, then one headed section per kind of record, each entry dated and
referenced. Other people's details show as "[redacted]". Marked OFFICIAL-SENSITIVE (DOMAIN.md section 9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

MARKING = "OFFICIAL-SENSITIVE"


def _esc(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def write_bundle(bundle: Any, target: Path) -> Path:
    """``bundle`` is a ``services.subject_access.SubjectBundle``."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from cspdesk.core.reports.fonts import register_fonts

    font = register_fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=14, spaceAfter=6)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=11.5, spaceAfter=0)
    head = ParagraphStyle("head", parent=small, textColor=colors.white)
    h2 = ParagraphStyle(
        "h2",
        parent=body,
        fontSize=12,
        leading=15,
        spaceBefore=10,
        spaceAfter=4,
        textColor=colors.HexColor("#1f3a5f"),
    )
    right = ParagraphStyle("right", parent=small, alignment=2)
    lh = bundle.letterhead

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        w, h = doc.pagesize
        canvas.setFont(font, 9)
        canvas.drawCentredString(w / 2, h - 9 * mm, MARKING)
        canvas.drawCentredString(w / 2, 7 * mm, MARKING)
        canvas.setFont(font, 8)
        canvas.drawString(20 * mm, 12 * mm, f"Subject access {bundle.request_reference}")
        canvas.drawRightString(w - 20 * mm, 12 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(target),
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=16 * mm,
        bottomMargin=20 * mm,
        title=f"Subject access {bundle.request_reference}",
        author=f"{lh.get('name', '')}, {lh.get('team', '')}",
    )
    council = Paragraph(
        f"<b>{_esc(lh.get('name'))}</b><br/>{_esc(lh.get('team'))}<br/>{_esc(lh.get('address'))}"
        f"<br/>{_esc(lh.get('phone'))}<br/>{_esc(lh.get('email'))}",
        right,
    )
    to = Paragraph(
        "<br/>".join(
            _esc(x)
            for x in [bundle.subject_name, *(bundle.subject_address or "").replace(", ", "\n").split("\n")]
            if x
        ),
        body,
    )
    top = Table([[to, council]], colWidths=[95 * mm, 75 * mm])
    top.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story: list = [
        top,
        Spacer(1, 6 * mm),
        Paragraph(
            f"Our reference: {_esc(bundle.request_reference)}<br/>Date: {bundle.prepared_on:%d %B %Y}", body
        ),
        Paragraph(f"Dear {_esc(bundle.subject_name)}", body),
        Paragraph("<b>Your request for your personal information</b>", body),
        Paragraph(
            f"You asked us on {bundle.received_on:%d %B %Y} for a copy of the personal information "
            "the Community Safety Partnership holds about you, under Article 15 of the UK General "
            "Data Protection Regulation. This letter and the pages after it set out what we hold: "
            "your details, the cases you are named on, incidents you reported or that name you, "
            "notices served on you, actions, letters sent to you, Safer Homes referrals and Case "
            "Review applications. A section with nothing in it means we hold nothing of that kind.",
            body,
        ),
        Paragraph(
            "We hold this information to carry out our duty to reduce crime and disorder (Crime and "
            "Disorder Act 1998 s.17; UK GDPR Article 6(1)(e)). We share it with partner agencies "
            "of the Community Safety Partnership where that is needed for the same purpose, and "
            "keep it for the period our retention policy sets, then review it.",
            body,
        ),
        Paragraph(
            "Where a record also names or describes other people, their names, addresses and "
            "contact details have been removed and are shown as <b>[redacted]</b>, as the Data "
            "Protection Act 2018 (Schedule 2, paragraph 16) requires.",
            body,
        ),
        Paragraph(
            "If anything is wrong you may ask us to correct it, and in some cases to erase it. If "
            "you are unhappy with how we have handled your request you may complain to the "
            "Information Commissioner's Office (ico.org.uk, 0303 123 1113).",
            body,
        ),
        Paragraph("Yours sincerely,", body),
        Spacer(1, 8 * mm),
        Paragraph(f"{_esc(bundle.officer)}<br/>{_esc(lh.get('team'))}", body),
    ]

    for section in bundle.sections:
        parts: list = [
            Paragraph(_esc(section.title), h2),
            Paragraph(_esc(section.intro), small),
            Spacer(1, 2 * mm),
        ]
        if not section.items:
            story.append(KeepTogether(parts + [Paragraph("We hold nothing of this kind about you.", small)]))
            continue
        rows = [[Paragraph(x, head) for x in ("Date", "Reference", "Entry")]]
        for item in section.items:
            rows.append(
                [
                    Paragraph(f"{item.on:%d/%m/%Y}" if item.on else "", small),
                    Paragraph(_esc(item.reference), small),
                    Paragraph(f"<b>{_esc(item.heading)}</b><br/>{_esc(item.text)}", small),
                ]
            )
        t = Table(rows, colWidths=[24 * mm, 35 * mm, 111 * mm], repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f3a5f")),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f5f8")]),
                ]
            )
        )
        story += parts + [t]
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return target
