"""An area forum's action log as a PDF: the meeting, the issues raised and what became of them, and
every action with its owner, due date, status and outcome. Marked OFFICIAL-SENSITIVE (DOMAIN.md §9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

MARKING = "OFFICIAL-SENSITIVE"


def write_forum_log(log: Any, target: Path) -> Path:
    """``log`` is a ``services.forums.ForumLog``."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["BodyText"], fontSize=9, leading=11)
    head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold", textColor=colors.white)
    f = log.forum

    def esc(text: str) -> str:
        return (
            (text or "")
            .replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\n", "<br/>")
        )

    def marking(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 9)
        w, h = doc.pagesize
        canvas.drawCentredString(w / 2, h - 10 * mm, MARKING)
        canvas.drawCentredString(w / 2, 8 * mm, MARKING)
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(w - 15 * mm, 8 * mm, f"Page {doc.page}")
        canvas.drawString(15 * mm, 8 * mm, f"{esc(f.title)} — action log printed {log.printed_on:%d/%m/%Y}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(target),
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=16 * mm,
        bottomMargin=15 * mm,
        title=f"{f.title} action log",
        author=f"{log.council}, {log.team}",
    )
    story: list = [
        Paragraph(esc(log.council), styles["Normal"]),
        Paragraph(f"{esc(f.title)} — action log", styles["Title"]),
        Paragraph(
            f"<b>Held:</b> {f.held_on:%A %d %B %Y}"
            + (f" at {esc(f.venue)}" if f.venue else "")
            + (f" &nbsp; <b>Ward:</b> {esc(f.ward)}" if f.ward else ""),
            styles["Normal"],
        ),
    ]
    if f.attendees:
        story.append(Paragraph(f"<b>Attending:</b> {esc(f.attendees)}", styles["Normal"]))
    if f.notes:
        story.append(Paragraph(f"<b>Notes:</b> {esc(f.notes)}", styles["Normal"]))
    story.append(Spacer(1, 6 * mm))

    def table(header: list[str], rows: list[list[str]], widths: list[float]):
        data = [[Paragraph(h, head) for h in header]] + [[Paragraph(esc(c), cell) for c in r] for r in rows]
        t = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
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
        return t

    story.append(Paragraph("Issues raised", styles["Heading2"]))
    if log.issues:
        story.append(
            table(
                ["#", "Raised by", "Issue", "What it became"],
                [[str(i), x.raised_by, x.description, x.became] for i, x in enumerate(log.issues, 1)],
                [10, 45, 150, 62],
            )
        )
    else:
        story.append(Paragraph("No issues were recorded.", styles["Normal"]))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph("Actions", styles["Heading2"]))
    if log.actions:
        rows = []
        for a in log.actions:
            status = a.status_label + (" — OVERDUE" if a.overdue else "")
            outcome = a.outcome or a.progress
            rows.append(
                [
                    a.description + (f" ({a.case_reference})" if a.case_reference else ""),
                    a.owner,
                    f"{a.due_on:%d/%m/%Y}",
                    status,
                    outcome,
                ]
            )
        story.append(
            table(["Action", "Owner", "Due", "Status", "Outcome / progress"], rows, [95, 55, 22, 30, 65])
        )
    else:
        story.append(Paragraph("No actions were set.", styles["Normal"]))
    doc.build(story, onFirstPage=marking, onLaterPages=marking)
    return target
