"""Images drawn on every letter (the logo, a signature), decoded and compressed once per process.

ReportLab decodes and re-compresses an image for every new PDF, which was a third of the time of a
letter in a mail merge. We keep the prepared image object and give each new document its own copy,
registered the same way ``Canvas.drawImage`` registers a first-seen image, so ``drawImage`` then
finds it and reuses it. If a ReportLab release changes those internals we fall back to the plain call.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import (
    Canvas,
    _digester,  # the name drawImage gives an image
)


@lru_cache(maxsize=16)
def _prepared(path: str, mtime_ns: int) -> pdfdoc.PDFImageXObject:
    # mtime_ns is in the key so a logo replaced in Settings is picked up without a restart.
    return pdfdoc.PDFImageXObject(_digester(f"{path}auto".encode()), path, mask="auto")


def _register(c: Canvas, path: str) -> None:
    name = _digester(f"{path}auto".encode())
    doc = c._doc
    reg_name = doc.getXObjectName(name)
    if doc.idToObject.get(reg_name) is not None:
        return
    proto = _prepared(path, Path(path).stat().st_mtime_ns)
    img = copy.copy(proto)
    img.name = name
    c._setXObjects(img)
    doc.Reference(img, reg_name)
    doc.addForm(name, img)
    smask = getattr(proto, "_smask", None)
    if smask is not None:
        del img._smask  # as drawImage does: the copy refers to the mask by reference instead
        mask = copy.copy(smask)
        c._setXObjects(mask)
        img.smask = doc.Reference(mask, doc.getXObjectName(mask.name))


def draw_image(c: Canvas, path: Path, x: float, y: float, width: float, height: float) -> None:
    """Draw an image file fitted (never distorted) into the box, anchored bottom left."""
    p = str(path)
    try:
        _register(c, p)
    except (AttributeError, KeyError, TypeError):
        pass  # ReportLab internals changed: drawImage below still works, only slower
    c.drawImage(p, x, y, width=width, height=height, preserveAspectRatio=True, anchor="sw", mask="auto")
