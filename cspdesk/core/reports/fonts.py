"""The embedded fonts. DejaVu Sans covers accented Latin, Greek, Cyrillic and the pound sign, and being
embedded (as a subset) in every PDF, the printed letter is exactly what was previewed on screen."""

from __future__ import annotations

from functools import lru_cache
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from cspdesk.core.paths import resources_dir

REGULAR = "CSPSans"
BOLD = "CSPSans-Bold"
ITALIC = "CSPSans-Oblique"
BOLD_ITALIC = "CSPSans-BoldOblique"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}


class _Font(TTFont):
    """ReportLab maps every string it draws to the font subset's codes one character at a time, in
    Python; a mail merge draws the same lines again and again. A character's code never changes once
    given within a document, so a string's mapping is kept (per document) once made."""

    def __init__(self, name: str, filename: str):
        super().__init__(name, filename)
        self._mapped: WeakKeyDictionary = WeakKeyDictionary()

    def splitString(self, text, doc, encoding="utf-8"):  # noqa: N802 (ReportLab's name)
        if type(text) is not str:  # bytes, or a shaped string carrying more than its characters
            return super().splitString(text, doc, encoding)
        known = self._mapped.get(doc)
        if known is None:
            known = self._mapped[doc] = {}
        mapped = known.get(text)
        if mapped is None:
            mapped = known[text] = super().splitString(text, doc, encoding)
        return mapped


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register once per process (reading and parsing a TTF costs tens of milliseconds); returns the
    family name for paragraph styles, whose <b> and <i> then pick the right face."""
    # ASCII85 wrapping of streams is for 7-bit mail transports, not local files; without ReportLab's
    # optional C accelerator it is pure Python and took half the time of every letter. Only this package
    # uses ReportLab, so changing the process-wide setting here affects nothing else.
    rl_config.useA85 = 0
    folder = resources_dir() / "fonts"
    for name, file in _FILES.items():
        pdfmetrics.registerFont(_Font(name, str(folder / file)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
    return REGULAR
