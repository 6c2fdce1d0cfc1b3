"""Shared helpers for the letters tests: text out of a PDF, and the demo letterhead."""

from __future__ import annotations

import io

from pypdf import PdfReader

from cspdesk.core.reports import LetterheadSettings

LETTERHEAD = LetterheadSettings(officer_name="Priya Sharma")


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace collapsed, so a phrase split across lines still matches."""
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def all_text(pdf: bytes) -> str:
    return " ".join(pages_text(pdf))


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def content_streams(pdf: bytes) -> list[bytes]:
    return [p.get_contents().get_data() for p in PdfReader(io.BytesIO(pdf)).pages]
