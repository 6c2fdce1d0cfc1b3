"""installer/smoke_test.py's own judgement of a report PDF: the built program's PDFs (the frozen app's, the
installed Windows one's under Wine) must have pages, counted without pypdf, which is not where the script
runs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from pypdf import PdfReader
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent


def _smoke_test():
    spec = importlib.util.spec_from_file_location("smoke_test", ROOT / "installer" / "smoke_test.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pdf_pages_counts_the_pages_reportlab_wrote_and_none_in_an_empty_pdf(tmp_path):
    """Caught (checked by dropping the ``(?![a-zA-Z])`` from the pattern): the page tree's own "/Type /Pages"
    counted as a page, so a PDF with no pages passed the smoke test."""
    pdf_pages = _smoke_test().pdf_pages
    three = tmp_path / "three.pdf"
    c = canvas.Canvas(str(three))
    for n in range(3):
        c.drawString(72, 720, f"page {n + 1}")
        c.showPage()
    c.save()
    assert pdf_pages(three) == len(PdfReader(three).pages) == 3
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    assert pdf_pages(empty) == 0
