"""A mail merge lays letters out as one document and cuts it into one PDF per letter (to file on each case):
each cut letter must hold its own recipient and nobody else's, look exactly like the letter rendered on
its own, and the print file must be every letter's pages in order. A PDF the cutter does not know is
refused, and the merge then renders the letters one by one instead."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from cspdesk.core.reports import LetterJob, default_templates, demo_values, pdfcut
from cspdesk.core.reports import batch as batch_module
from cspdesk.core.reports.batch import cut_letters, join_documents, render_merge
from cspdesk.core.reports.letter import build_letters, build_pdf
from cspdesk.core.reports.letterhead import default_logo_path

from .letters_helpers import LETTERHEAD, all_text, page_count, pages_text

NAMES = [
    "Zoë Ní Bhriain",
    "Dean Marsh",
    "Siân O'Brien-Ćosić",
    "Priyanka Patel",
    "Łukasz Nowak",
    "Ann Lee",
    "Tomás Ó Sé",
]


def jobs(code: str = "complaint_ack", n: int = len(NAMES), **kw) -> list[LetterJob]:
    t = default_templates()[code]
    return [
        LetterJob(
            t.body,
            {**demo_values(), "recipient_name": NAMES[i % len(NAMES)], "reference": f"CSP/2025/{i:04d}"},
            kw.get("letterhead", LETTERHEAD),
            t.protective_marking,
            kw.get("large", lambda _i: False)(i),
            t.name,
        )
        for i in range(n)
    ]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(batch_module, "CHUNK", 3)  # seven letters: documents of 3, 3 and 1


def test_each_cut_letter_holds_its_own_recipient_and_no_one_elses(small_chunks):
    items = jobs()
    letters, _ = render_merge(items)
    assert len(letters) == len(items)
    for i, (job, pdf) in enumerate(zip(items, letters, strict=True)):
        text = all_text(pdf)
        assert job.values["recipient_name"] in text and f"CSP/2025/{i:04d}" in text
        others = [n for n in NAMES if n != job.values["recipient_name"]]
        assert not any(n in text for n in others)
        assert not any(f"CSP/2025/{k:04d}" in text for k in range(len(items)) if k != i)
        assert page_count(pdf) == page_count(build_pdf([job]))
        reader = PdfReader(io.BytesIO(pdf), strict=True)
        assert reader.metadata.title == job.title and reader.metadata.author == LETTERHEAD.council_name


def test_the_print_file_is_every_letters_pages_in_order(small_chunks):
    items = jobs("complainant_update", large=lambda i: i % 2 == 1)  # one page and two pages, alternately
    letters, print_file = render_merge(items, combined=True)
    assert pages_text(print_file) == [p for pdf in letters for p in pages_text(pdf)]
    assert PdfReader(io.BytesIO(print_file), strict=True).metadata.title == "Letters"


def test_one_letter_is_the_document_itself():
    (job,) = jobs(n=1)
    letters, print_file = render_merge([job], combined=True)
    assert letters == [build_pdf([job])] == [print_file]


PDFTOPPM = shutil.which("pdftoppm")


def raster(pdf: bytes) -> list[bytes]:
    assert PDFTOPPM, "pdftoppm (poppler-utils) is needed to compare pages: tools/setup.sh installs it"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "in.pdf").write_bytes(pdf)
        run = subprocess.run(
            [PDFTOPPM, "-r", "40", "-gray", str(Path(tmp) / "in.pdf"), str(Path(tmp) / "p")],
            capture_output=True,
            timeout=60,
            check=True,
        )
        assert not run.stderr, run.stderr  # poppler complains about anything malformed
        return [p.read_bytes() for p in sorted(Path(tmp).glob("p*.pgm"))]


@pytest.mark.parametrize("code", sorted(default_templates()))
def test_a_cut_letter_looks_exactly_like_the_letter_rendered_alone(code):
    signed = replace(LETTERHEAD, signature_path=default_logo_path())  # any PNG: a second image
    items = jobs(code, n=3, letterhead=signed, large=lambda i: i == 1)
    letters, _ = render_merge(items)
    for job, pdf in zip(items, letters, strict=True):
        assert raster(pdf) == raster(build_pdf([job]))


def test_a_title_that_looks_like_pdf_syntax_is_kept_as_text():
    items = [replace(j, title="Letter (3 0 R) \\ copy – ünï") for j in jobs(n=2)]
    letters, _ = render_merge(items)
    assert [PdfReader(io.BytesIO(p), strict=True).metadata.title for p in letters] == [items[0].title] * 2


def test_a_pdf_the_cutter_does_not_know_is_refused():
    pdf, _pages = build_letters(jobs(n=2))
    with pytest.raises(pdfcut.CutError):
        pdfcut.parse(pdf[: len(pdf) // 2])  # cut short
    with pytest.raises(pdfcut.CutError):
        pdfcut.parse(b"%PDF-1.4\nnot really\n")
    with pytest.raises(
        pdfcut.CutError
    ):  # no classic cross-reference table (as with a table kept in a stream)
        pdfcut.parse(pdf.replace(b"\nxref\n0 ", b"\nXRef\n0 "))
    rewritten = io.BytesIO()
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.compress_identical_objects()
    writer.write(rewritten)  # pypdf's own layout (object streams, its own table): not ReportLab's
    try:
        doc = pdfcut.parse(rewritten.getvalue())
    except pdfcut.CutError:
        return
    # if pypdf wrote something the cutter does read, what it cuts must still be right
    out = pdfcut.assemble([(doc, [0])])
    assert "Zoë Ní Bhriain" in all_text(out)


def test_when_cutting_fails_each_letter_is_rendered_alone(monkeypatch):
    def refuse(_pdf):
        raise pdfcut.CutError("not this one")

    items = jobs(n=3)
    pdf, pages = build_letters(items)
    monkeypatch.setattr(pdfcut, "parse", refuse)
    assert cut_letters(pdf, pages, items) == [build_pdf([j]) for j in items]
    monkeypatch.setattr(batch_module, "CHUNK", 2)
    letters, print_file = render_merge(items, combined=True)  # two documents that cannot be joined either
    assert letters == [build_pdf([j]) for j in items] and print_file == build_pdf(items)


def test_joining_documents_keeps_their_pages_in_order():
    a, b = build_pdf(jobs(n=2)), build_pdf(jobs("asb_warning", n=1))
    joined = join_documents([a, b])
    assert pages_text(joined) == pages_text(a) + pages_text(b)


def test_when_the_helper_processes_die_this_one_renders_their_letters(monkeypatch):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    given: list = []

    class DeadPool:  # helpers that start, are given a chunk, and are killed (out of memory, say) doing it
        def __init__(self, *_a, **_k):
            pass

        def submit(self, fn, *args, **_k):
            given.append(fn)
            f: Future = Future()
            if fn is batch_module._ready:
                f.set_result(True)
            else:
                f.set_exception(BrokenProcessPool("killed"))
            return f

        def shutdown(self, **_k):
            pass

    monkeypatch.setattr(batch_module, "CHUNK", 2)
    items = jobs(n=5)
    serial, serial_print = render_merge(items, combined=True)
    monkeypatch.setattr(batch_module, "ProcessPoolExecutor", DeadPool)
    assert render_merge(items, combined=True, workers=3) == (serial, serial_print)
    assert batch_module._render_chunk in given  # a chunk was given to a helper, and done here after all


def test_the_installed_reportlab_is_one_the_cutter_was_tested_with():
    """The cutter reads ReportLab's output with its own parser, so it is pinned to the versions its tests have
    passed against. A ReportLab upgrade fails here until these tests are run against it and the version is
    added to ``pdfcut.TESTED_REPORTLAB``."""
    assert pdfcut.reportlab_version() in pdfcut.TESTED_REPORTLAB


def test_an_untested_reportlab_means_letters_are_rendered_one_by_one(monkeypatch):
    """Should a ReportLab nobody has tested be installed anyway, the merge does not trust the cutter: each
    letter is laid out on its own (the same letters, slower). Caught when written: without the version check
    in ``pdfcut.parse`` the cutter was used whatever the version."""
    monkeypatch.setattr(pdfcut, "reportlab_version", lambda: "99.0")
    js = jobs(n=3)
    pdf, pages = build_letters(js)
    cut = cut_letters(pdf, pages, js)
    assert [pages_text(c) for c in cut] == [pages_text(build_pdf([j])) for j in js]
