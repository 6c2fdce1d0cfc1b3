"""Letters: a template body and field values made into a PDF on the council's letterhead."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.flowables import PageBreakIfNotEmpty

from cspdesk.core.errors import UserError, ValidationError

from . import markup as mk
from .fields import FIELDS, FieldKind, FieldValue, as_lines, format_field
from .fonts import BOLD, register_fonts
from .layout import (
    DATE_X,
    MARGIN_R,
    PAGE_W,
    WINDOW_H,
    WINDOW_PAD,
    WINDOW_TOP,
    WINDOW_W,
    WINDOW_X,
    LettersDoc,
    NumberedCanvas,
    OnStart,
    PageOwner,
    Paragraph,
    draw_fold_marks,
    fit_paragraphs,
    y,
)
from .letterhead import LetterheadSettings

_BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
_ADDRESS_SIZES = (11, 10.5, 10, 9.5, 9, 8.5, 8)  # shrink a long address before refusing it


@dataclass(frozen=True)
class LetterJob:
    """One letter of a mail merge (or the only one)."""

    template_body: str
    values: Mapping[str, FieldValue]
    letterhead: LetterheadSettings
    protective_marking: bool = False
    large_print: bool = False
    title: str = "Letter"


class BatchCancelled(UserError):
    def __init__(self) -> None:
        super().__init__("Cancelled: no documents were produced.")


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    bullet: ParagraphStyle
    small: ParagraphStyle
    signature: ParagraphStyle
    last_bullet: ParagraphStyle  # a list's last item: the space after a paragraph


@lru_cache(maxsize=2)
def styles(large_print: bool) -> Styles:
    family = register_fonts()
    size = 16 if large_print else 11  # RNIB's clear print guidance: 12-14 pt normal, 16 pt+ large print
    lead = size * 1.32
    body = ParagraphStyle(
        "body",
        fontName=family,
        fontSize=size,
        leading=lead,
        spaceAfter=size * 0.65,
        alignment=TA_LEFT,
        splitLongWords=1,
        allowWidows=0,
        allowOrphans=0,
    )
    h1 = ParagraphStyle(
        "h1",
        body,
        fontName=BOLD,
        fontSize=size * 1.15,
        leading=size * 1.5,
        spaceBefore=size * 0.4,
        spaceAfter=size * 0.45,
        keepWithNext=1,
    )
    h2 = ParagraphStyle(
        "h2",
        body,
        fontName=BOLD,
        fontSize=size,
        leading=lead,
        spaceBefore=size * 0.2,
        spaceAfter=size * 0.3,
        keepWithNext=1,
    )
    bullet = ParagraphStyle(
        "bullet",
        body,
        leftIndent=size * 1.6,
        bulletIndent=size * 0.4,
        spaceAfter=size * 0.35,
        bulletFontName=family,
    )
    small = ParagraphStyle(
        "small",
        body,
        fontSize=10 if not large_print else 14,
        leading=12.5 if not large_print else 18,
        spaceAfter=0,
    )
    sig = ParagraphStyle("sig", body, spaceAfter=0)
    return Styles(
        body, h1, h2, bullet, small, sig, ParagraphStyle("last", bullet, spaceAfter=body.spaceAfter)
    )


def _inline(text: str, values: Mapping[str, FieldValue]) -> str:
    """Template text to ReportLab paragraph markup. The template is escaped before **bold** is turned
    into <b>, and each value is escaped as it goes in, so a resident's name can never become markup."""
    out = _BOLD_RE.sub(r"<b>\1</b>", escape(text))

    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        v = values.get(name)
        f = FIELDS.get(name)
        if f is not None and f.kind is FieldKind.LINES:
            return escape(", ".join(as_lines(v)))
        return escape(format_field(name, v))

    return mk.FIELD_RE.sub(value, out)


def _whole_field(text: str) -> str | None:
    m = mk.FIELD_RE.fullmatch(text.strip())
    return m.group(1) if m else None


def _list_items(items: Sequence[str], values: Mapping[str, FieldValue]) -> list[str]:
    out: list[str] = []
    for item in items:
        name = _whole_field(item)
        f = FIELDS.get(name) if name else None
        if f is not None and f.kind in (FieldKind.LIST, FieldKind.LINES):
            out.extend(escape(line) for line in as_lines(values.get(name)))
        else:
            out.append(_inline(item, values))
    return out


def _para_text(lines: Sequence[str], values: Mapping[str, FieldValue]) -> str:
    parts: list[str] = []
    for line in lines:
        name = _whole_field(line)
        f = FIELDS.get(name) if name else None
        if f is not None and f.kind in (FieldKind.LIST, FieldKind.LINES):
            parts.extend(escape(x) for x in as_lines(values.get(name)))  # an address on its own lines
        else:
            parts.append(_inline(line, values))
    return "<br/>".join(parts)


def _signature(values: Mapping[str, FieldValue], lh: LetterheadSettings, st: Styles) -> list:
    parts: list = []
    sig = lh.resolved_signature()
    if sig is not None:
        img = Image(str(sig), width=45 * mm, height=15 * mm, kind="proportional")
        img.hAlign = "LEFT"
        parts.append(img)
    else:
        parts.append(Spacer(1, 14 * mm))  # room to sign by hand
    parts.append(Paragraph(f"<b>{_inline('{officer_name}', values)}</b>", st.signature))
    parts.append(Paragraph(_inline("{officer_title}", values), st.signature))
    parts.append(Paragraph(escape(lh.council_name), st.body))
    return parts


def _sign_line(label: str, values: Mapping[str, FieldValue], st: Styles) -> KeepTogether:
    """'Signed ____ Date ____' and 'Name ____': lines drawn as cell borders so they print cleanly."""
    p = st.small
    rows = [
        [Paragraph("Signed", p), "", Paragraph("Date", p), ""],
        [Paragraph("Name (capitals)", p), "", "", ""],
    ]
    t = Table(rows, colWidths=[32 * mm, 78 * mm, 14 * mm, 46 * mm], rowHeights=[12 * mm, 10 * mm])
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, 0), 0.6, (0, 0, 0)),
                ("LINEBELOW", (3, 0), (3, 0), 0.6, (0, 0, 0)),
                ("SPAN", (1, 1), (3, 1)),
                ("LINEBELOW", (1, 1), (3, 1), 0.6, (0, 0, 0)),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    t.hAlign = "LEFT"
    return KeepTogether([Paragraph(f"<b>{_inline(label, values)}</b>", st.body), t, Spacer(1, 6 * mm)])


def _story(
    blocks: Sequence[mk.Block],
    values: Mapping[str, FieldValue],
    lh: LetterheadSettings,
    st: Styles,
    out: list,
) -> None:
    for b in blocks:
        if isinstance(b, mk.Conditional):
            _story(mk.choose(b, values), values, lh, st, out)
        elif isinstance(b, mk.Heading):
            out.append(Paragraph(_inline(b.text, values), st.h1 if b.level == 1 else st.h2))
        elif isinstance(b, mk.Para):
            out.append(Paragraph(_para_text(b.lines, values), st.body))
        elif isinstance(b, mk.ListBlock):
            items = _list_items(b.items, values)
            for i, text in enumerate(items, start=1):
                style = st.bullet if i < len(items) else st.last_bullet
                out.append(Paragraph(text, style, bulletText=f"{i}." if b.numbered else "•"))
        elif isinstance(b, mk.Signature):
            # "Yours sincerely" never sits alone at the foot of a page with the signature overleaf, and the
            # closing never goes overleaf alone either: the last paragraph before it goes with it (issue 19:
            # the warning letter's page 2 held only "Yours sincerely" and the signature).
            lead = [out.pop()] if out and isinstance(out[-1], Paragraph) else []
            if lead and out and isinstance(out[-1], Paragraph):
                lead.insert(0, out.pop())
                if out and isinstance(out[-1], Paragraph) and out[-1].style in (st.h1, st.h2):
                    lead.insert(0, out.pop())  # and that paragraph's heading, never left behind on its own
            out.append(KeepTogether([*lead, *_signature(values, lh, st)]))
        elif isinstance(b, mk.SignLine):
            out.append(_sign_line(b.label, values, st))
        elif isinstance(b, mk.PageBreak):
            out.append(PageBreak())


def _first_page_drawer(address: list[Paragraph], block: list[tuple[str, str]], large: bool):
    """Draws the recipient in the envelope window and the date/reference block beside it."""

    def draw(c: Canvas, owner: PageOwner) -> None:
        draw_fold_marks(c)
        top = y(WINDOW_TOP + WINDOW_PAD)
        width = WINDOW_W - 2 * WINDOW_PAD
        for p in address:
            _, h = p.wrap(width, WINDOW_H)
            p.drawOn(c, WINDOW_X + WINDOW_PAD, top - h)
            top -= h
        size = 11 if large else 9.5
        c.setFont(BOLD, size)
        row = WINDOW_TOP + WINDOW_PAD + size * 0.35 * mm
        for label, text in block:
            c.setFont(BOLD, size)
            c.drawString(DATE_X, y(row), label)
            c.setFont(register_fonts(), size)
            c.drawRightString(PAGE_W - MARGIN_R, y(row), text)
            row += size * 0.55 * mm

    return draw


@lru_cache(maxsize=len(_ADDRESS_SIZES))
def _address_style(size: float) -> ParagraphStyle:
    return ParagraphStyle(
        f"addr{size}", fontName=register_fonts(), fontSize=size, leading=size * 1.18, splitLongWords=1
    )


def _address_paragraphs(values: Mapping[str, FieldValue]) -> list[Paragraph]:
    lines = [format_field("recipient_name", values.get("recipient_name"))] + as_lines(
        values.get("recipient_address")
    )
    width, height = WINDOW_W - 2 * WINDOW_PAD, WINDOW_H - 2 * WINDOW_PAD

    def make(size: float) -> list[Paragraph]:
        style = _address_style(size)
        return [Paragraph(escape(line), style) for line in lines]

    paras = fit_paragraphs(make, width, height, _ADDRESS_SIZES)
    if paras is None:
        raise ValidationError(
            {
                "recipient_address": (
                    "The address is too long to show in the envelope window. Shorten or combine some lines."
                )
            }
        )
    return paras


def letter_story(job: LetterJob, key: int) -> tuple[PageOwner, list]:
    """The owner (page furniture) and flowables for one letter. Raises ValidationError if a needed field
    is blank, before anything is drawn."""
    values = mk.merged_values(job.values, job.letterhead)
    mk.check_missing(job.template_body, values)
    st = styles(job.large_print)
    reference = format_field("reference", values.get("reference"))
    block = [("Our ref", reference), ("Date", format_field("letter_date", values.get("letter_date")))]
    if values.get("officer_name"):
        block.append(("Please ask for", format_field("officer_name", values["officer_name"])))
    if job.letterhead.phone:
        block.append(("Telephone", job.letterhead.phone))
    owner = PageOwner(
        key=key,
        letterhead=job.letterhead,
        marking=job.protective_marking,
        reference=f"Our ref {reference}",
        first_page=_first_page_drawer(_address_paragraphs(values), block, job.large_print),
        later_header=f"{format_field('recipient_name', values.get('recipient_name'))} · {reference}",
    )
    flow: list = []
    _story(mk.parse(job.template_body), values, job.letterhead, st, flow)
    return owner, flow


def build_pdf(jobs: Sequence[LetterJob], on_start: Callable[[int], None] | None = None) -> bytes:
    """One PDF holding the given letters, each starting on a new page with its own page count."""
    return build_letters(jobs, on_start)[0]


def build_letters(
    jobs: Sequence[LetterJob], on_start: Callable[[int], None] | None = None
) -> tuple[bytes, list[int]]:
    """``build_pdf``, and how many pages each letter took (in order), to cut it into letters."""
    story: list = []
    owners: list[PageOwner] = []
    for i, job in enumerate(jobs):
        owner, flow = letter_story(job, i)
        if owners:
            # "If not empty": a letter that exactly filled its last page must not leave a blank one.
            story.append(PageBreakIfNotEmpty(nextTemplate="first"))
        if on_start is not None:
            story.append(OnStart(i, on_start))
        owners.append(owner)
        story += flow
    buf = io.BytesIO()
    doc = LettersDoc(buf, owners, title=jobs[0].title if len(jobs) == 1 else "Letters")
    try:
        doc.build(story, canvasmaker=NumberedCanvas)
    except LayoutError as e:  # never silently cut: say so in words the officer can act on
        raise UserError(
            f"The letter could not be laid out on the page ({e}). Shorten the longest item."
        ) from e
    keys = doc.canv.page_keys
    if keys != sorted(keys) or set(keys) != set(range(len(jobs))):  # each letter's pages, together, in order
        raise RuntimeError(f"Letters laid out out of order: pages owned by {keys}")
    return buf.getvalue(), [keys.count(i) for i in range(len(jobs))]


def render_letter(
    template_body: str,
    values: Mapping[str, FieldValue],
    letterhead: LetterheadSettings,
    *,
    protective_marking: bool = False,
    large_print: bool = False,
    title: str = "Letter",
) -> bytes:
    """A letter as PDF bytes. Raises ValidationError naming every blank field it needs."""
    return build_pdf([LetterJob(template_body, values, letterhead, protective_marking, large_print, title)])
