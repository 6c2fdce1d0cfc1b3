"""The page: letterhead, address window, date block, continuation header, footer, page numbers.

One document may hold many letters (a mail merge printed as one file), so page furniture is drawn for
"the letter that owns this page", and "Page N of M" counts within each letter.

Measurements, A4 (210 x 297 mm), for a DL window envelope (110 x 220 mm) with the sheet folded in three
at 99 mm and 198 mm: the window on a standard DL envelope sits about 20 mm from the left and is
90 x 35 mm, its top edge 45-50 mm below the top of the folded sheet. We put the window at 48 mm down and
keep the text 3 mm inside it on every side, so the address still shows if the sheet slides a little.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reportlab import platypus
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import PageBreak

from .fonts import BOLD, REGULAR
from .images import draw_image
from .letterhead import LetterheadSettings

PAGE_W, PAGE_H = A4
MARGIN_L = 20 * mm  # matches the window's left edge: body text and address line up
MARGIN_R = 20 * mm
WINDOW_X, WINDOW_TOP, WINDOW_W, WINDOW_H = 20 * mm, 48 * mm, 90 * mm, 35 * mm
WINDOW_PAD = 3 * mm
DATE_X = 125 * mm  # the reference block sits right of the window, level with it
FIRST_BODY_TOP = 92 * mm  # below the window (ends 83 mm) with breathing space
LATER_BODY_TOP = 24 * mm
BODY_BOTTOM = 24 * mm  # room for the page number and the marking
LOGO_TOP, LOGO_H = 12 * mm, 18 * mm
LOGO_W = 70 * mm  # the box a logo of any shape is fitted into
CONTACT_TOP, CONTACT_LINE = LOGO_TOP + 2.5 * mm, 3.6 * mm  # the contact details, top right
CONTACT_W = 80 * mm  # wider than this, the postal address takes two lines
MARKING_TOP = 7 * mm  # baseline of the protective marking at the top of every page
MARKING_SIZE = 9
FOOTER_Y = 14 * mm  # baseline of the page number and reference, up from the bottom edge
FOOTER_MARKING_Y = 8 * mm  # baseline of the marking under them
FOLD_MARKS = (99 * mm, 198 * mm)

MARKING = "OFFICIAL-SENSITIVE"
GREY = Color(0.35, 0.35, 0.35)
LIGHT = Color(0.7, 0.7, 0.7)
MARK_RED = Color(0.7, 0.0, 0.0)

PageFooter = Callable[[Canvas, int, int], None]


def y(from_top: float) -> float:
    """ReportLab measures up from the bottom; designers (and this module) measure down from the top."""
    return PAGE_H - from_top


@dataclass
class PageOwner:
    """One letter (or report) in a document: what its pages show in the header and footer."""

    key: int
    letterhead: LetterheadSettings
    marking: bool
    reference: str = ""
    first_page: Callable[[Canvas, PageOwner], None] | None = None  # address window, date block
    later_header: str = ""
    footer_note: str = ""
    extra: dict = field(default_factory=dict)


class NumberedCanvas(Canvas):
    """Holds every page until the end so each can say 'Page N of M' for its own letter.

    ``page_owner`` is set by the page template as each page begins and saved with the page."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []
        self.page_owner: PageOwner | None = None

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        owners = [_owner_of(p) for p in self._held_pages]
        self.page_keys = [owner.key for owner in owners]  # which letter owns each page
        totals = Counter(self.page_keys)
        seen: Counter[int] = Counter()
        for state, owner in zip(self._held_pages, owners, strict=True):
            self.__dict__.update(state)
            seen[owner.key] += 1
            draw_footer(self, owner, seen[owner.key], totals[owner.key])
            Canvas.showPage(self)
        Canvas.save(self)


def _owner_of(page: dict[str, Any]) -> PageOwner:
    owner: PageOwner | None = page["page_owner"]
    if owner is None:  # every page begins with a template (_on_first, _on_later), which sets it
        raise RuntimeError("a page began without a page template, so no letter owns it")
    return owner


def draw_marking(c: Canvas, from_top: float) -> None:
    c.setFont(BOLD, MARKING_SIZE)
    c.setFillColor(MARK_RED)
    c.drawCentredString(PAGE_W / 2, y(from_top), MARKING)
    c.setFillColor(Color(0, 0, 0))


def draw_footer(c: Canvas, owner: PageOwner, n: int, total: int) -> None:
    c.setFont(REGULAR, 8.5)
    c.setFillColor(GREY)
    c.drawCentredString(PAGE_W / 2, FOOTER_Y, f"Page {n} of {total}")
    if owner.footer_note:
        c.drawString(MARGIN_L, FOOTER_Y, owner.footer_note)
    if owner.reference:
        c.drawRightString(PAGE_W - MARGIN_R, FOOTER_Y, owner.reference)
    c.setFillColor(Color(0, 0, 0))
    if owner.marking:
        c.setFont(BOLD, MARKING_SIZE)
        c.setFillColor(MARK_RED)
        c.drawCentredString(PAGE_W / 2, FOOTER_MARKING_Y, MARKING)
        c.setFillColor(Color(0, 0, 0))


def draw_letterhead(c: Canvas, lh: LetterheadSettings) -> None:
    """Logo top left; the council's contact details top right, small and grey as on council paper."""
    logo = lh.resolved_logo()
    if logo is not None:
        # Fitted into a fixed box: a replacement logo of any shape never distorts or pushes the text.
        draw_image(c, logo, MARGIN_L, y(LOGO_TOP + LOGO_H), LOGO_W, LOGO_H)
    else:
        c.setFont(BOLD, 14)
        c.drawString(MARGIN_L, y(LOGO_TOP + 8 * mm), lh.council_name)
    right = PAGE_W - MARGIN_R
    top = CONTACT_TOP
    c.setFont(BOLD, 8.5)
    c.drawRightString(right, y(top), lh.council_name)
    c.setFont(REGULAR, 8)
    c.setFillColor(GREY)
    # The postal address on one line when it fits beside the logo, so the block ends well above the
    # envelope window and the reference block.
    address = [a for a in lh.address_lines if a.strip()]
    joined = ", ".join(address)
    if stringWidth(joined, REGULAR, 8) > CONTACT_W:
        half = (len(address) + 1) // 2
        lines = [", ".join(address[:half]), ", ".join(address[half:])]
    else:
        lines = [joined]
    lines = [lh.team_name, *lines, f"Tel {lh.phone}" if lh.phone else "", lh.email, lh.website]
    lines += [f"{k} {v}" for k, v in lh.extra]
    for i, text in enumerate(t for t in lines if t):
        c.drawRightString(right, y(top + (i + 1) * CONTACT_LINE), text)
    c.setFillColor(Color(0, 0, 0))


def draw_fold_marks(c: Canvas) -> None:
    c.setStrokeColor(LIGHT)
    c.setLineWidth(0.4)
    for d in FOLD_MARKS:
        c.line(4 * mm, y(d), 8 * mm, y(d))
    c.setStrokeColor(Color(0, 0, 0))


def _on_first(c: Canvas, doc: LettersDoc) -> None:
    # Only a letter's first page uses this template, so each one takes the next letter in order. (A
    # flowable in the story could not do this: a new page begins before the next flowable is handled.)
    owner = doc.owner = doc.owners[doc.started]
    doc.started += 1
    c.page_owner = owner
    if owner.marking:
        draw_marking(c, MARKING_TOP)
    draw_letterhead(c, owner.letterhead)
    if owner.first_page:
        owner.first_page(c, owner)


def _on_later(c: Canvas, doc: LettersDoc) -> None:
    owner = doc.owner
    c.page_owner = owner
    if owner.marking:
        draw_marking(c, MARKING_TOP)
    c.setFont(REGULAR, 8)
    c.setFillColor(GREY)
    c.drawString(MARGIN_L, y(14 * mm), owner.letterhead.council_name)
    if owner.later_header:
        c.drawRightString(PAGE_W - MARGIN_R, y(14 * mm), owner.later_header)
    c.setStrokeColor(LIGHT)
    c.setLineWidth(0.5)
    c.line(MARGIN_L, y(16 * mm), PAGE_W - MARGIN_R, y(16 * mm))
    c.setFillColor(Color(0, 0, 0))
    c.setStrokeColor(Color(0, 0, 0))


class OnStart(ActionFlowable):
    """Placed where a letter begins: a mail merge reports progress and checks for cancel here, because
    this is when the letter is actually laid out."""

    def __init__(self, key: int, callback: Callable[[int], None]):
        super().__init__()
        self.key = key
        self.callback = callback

    def apply(self, doc: LettersDoc) -> None:
        self.callback(self.key)


# (text, style, bullet, case sensitive) -> what parsing it gave: text, fragments, style, bullet.
_PARSED: dict[tuple[str, Any, str | None, Any], tuple[str, list[Any], Any, Any]] = {}
_PARSED_MAX = 2000


def _copies(frags: Any) -> Any:  # ReportLab's fragments (a list of them), or a bullet's text
    return [f.clone() for f in frags] if isinstance(frags, list) else frags


class Paragraph(platypus.Paragraph):
    """ReportLab's paragraph, minus work it did again and again in a mail merge (the output is the same,
    byte for byte):

    - the markup is parsed once per text and style: a letter's fixed paragraphs are the same in every
      letter, and ReportLab's parser (an HTML parser in Python) was an eighth of the time of a letter;
      each paragraph still gets its own copy of the fragments;
    - the lines are kept for the width they were broken at: ReportLab breaks a paragraph into lines each
      time it is asked its size (a heading kept with the next paragraph, the signature block: up to three
      times, a third of the time of a letter), and they depend only on the text, style and width."""

    # What ReportLab's _setup sets, set here from the cache instead (ReportLab has no type information: its
    # style is Any; a bullet is its text, or fragments like the paragraph's).
    text: str
    frags: list[Any]
    style: Any
    bulletText: Any

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        if frags is not None or type(text) is not str or not isinstance(bulletText, str | None):
            super()._setup(text, style, bulletText, frags, cleaner)
            return
        key = (text, style, bulletText, self.caseSensitive)
        parsed = _PARSED.get(key)
        if parsed is None:
            super()._setup(text, style, bulletText, frags, cleaner)
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.clear()
            _PARSED[key] = (self.text, _copies(self.frags), self.style, _copies(self.bulletText))
            return
        self.text, frags, self.style, bullet = parsed
        self.frags, self.bulletText = _copies(frags), _copies(bullet)  # its own, as if parsed again
        self.debug = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # (split() drops the lines when it cannot split without a widow or an orphan: then lay out again)
        if availWidth == getattr(self, "_wrapped_at", None) and hasattr(self, "blPara"):
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth if size[0] == availWidth else None
        return size


class _Frame(Frame):
    """A frame that copies cheaply. KeepTogether (the signature block, a heading kept with its text)
    tries its contents on a deep copy of the frame, and the generic deepcopy of its two dozen numbers
    was a twentieth of the time of a letter. Its state is numbers and strings, and lists of them."""

    def __deepcopy__(self, memo: dict) -> _Frame:
        new = copy.copy(self)
        new.__dict__.update(
            (k, copy.deepcopy(v, memo)) for k, v in self.__dict__.items() if isinstance(v, list | dict | set)
        )
        return new


class LettersDoc(BaseDocTemplate):
    """A4 with a first-page template (letterhead and window) and a continuation template."""

    def handle_flowable(self, flowables) -> None:
        # ReportLab skips a page break's next template when the current page already uses it, so after
        # a one-page letter (still on its "first" page) the next letter began on a continuation page:
        # no letterhead, no address in the window, and the previous letter's reference and recipient
        # in its header. Each letter begins on a first page, whatever the page before it was.
        f = flowables[0] if flowables else None
        if isinstance(f, PageBreak) and f.nextTemplate:
            self.handle_nextPageTemplate(f.nextTemplate)
        super().handle_flowable(flowables)

    def __init__(
        self, buf, owners: list[PageOwner], *, title: str, first_body_top: float = FIRST_BODY_TOP, **kw
    ):
        first_owner = owners[0]
        super().__init__(
            buf,
            pagesize=A4,
            leftMargin=MARGIN_L,
            rightMargin=MARGIN_R,
            topMargin=LATER_BODY_TOP,
            bottomMargin=BODY_BOTTOM,
            title=title,
            author=first_owner.letterhead.council_name,
            creator="CSPDesk",
            # Same input, same bytes: a reprint matches the copy filed on the case, hash and all.
            invariant=1,
            # Otherwise every page names Helvetica, which is not embedded and differs between printers.
            initialFontName=REGULAR,
            **kw,
        )
        self.owners = owners
        self.owner = first_owner
        self.started = 0
        width = PAGE_W - MARGIN_L - MARGIN_R
        first = _Frame(
            MARGIN_L,
            BODY_BOTTOM,
            width,
            PAGE_H - first_body_top - BODY_BOTTOM,
            id="first",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        later = _Frame(
            MARGIN_L,
            BODY_BOTTOM,
            width,
            PAGE_H - LATER_BODY_TOP - BODY_BOTTOM,
            id="later",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate("first", [first], onPage=_on_first, autoNextPageTemplate="later"),
                PageTemplate("later", [later], onPage=_on_later),
            ]
        )


def fit_paragraphs(
    make: Callable[[float], list[Paragraph]], width: float, height: float, sizes: tuple[float, ...]
) -> list[Paragraph] | None:
    """The largest size at which the paragraphs fit the box (long lines wrap); None if none does."""
    for size in sizes:
        paras = make(size)
        if sum(p.wrap(width, height)[1] for p in paras) <= height:
            return paras
    return None
