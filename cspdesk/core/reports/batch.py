"""Mail merge: many letters as one combined PDF (to print in one go) or one PDF each (to file on cases)."""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, ProcessPoolExecutor, wait

from cspdesk.core.errors import ValidationError

from . import markup as mk
from . import pdfcut
from .fields import field_label
from .letter import BatchCancelled, LetterJob, build_letters, build_pdf

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def check_batch(items: Sequence[LetterJob]) -> None:
    """Refuse the whole batch, before any work, if any letter lacks a field: 'Letter 3 (Zoë Ní Bhriain):
    Recipient's address'. Half a mail merge is worse than none."""
    problems: dict[str, str] = {}
    for i, job in enumerate(items, start=1):
        missing = mk.missing_fields(job.template_body, job.values, job.letterhead)
        if missing:
            who = job.values.get("recipient_name") or "no name"
            problems[f"item {i}"] = f"Letter {i} ({who}): " + ", ".join(field_label(n) for n in missing)
    if problems:
        raise ValidationError(
            problems, "Some letters are missing information:\n" + "\n".join(problems.values())
        )


def render_batch(
    items: Sequence[LetterJob],
    *,
    combined: bool,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[bytes] | bytes:
    """Combined: one PDF, each letter starting on a new page and numbered 'Page 1 of N' on its own.
    Otherwise one PDF per item, in order. ``progress(done, total)`` is called as letters are laid out;
    ``cancelled()`` is checked between letters and raises BatchCancelled (nothing is returned)."""
    items = list(items)
    total = len(items)
    if total == 0:
        return b"" if combined else []
    if not combined:
        return render_merge(items, progress=progress, cancelled=cancelled)[0]
    check_batch(items)

    def tick(done: int) -> None:
        if cancelled is not None and cancelled():
            raise BatchCancelled()
        if progress is not None:
            progress(done, total)

    # Called as letter i begins layout: i letters are done.
    pdf = build_pdf(items, on_start=tick)
    if progress is not None:
        progress(total, total)
    return pdf


# Letters laid out as one document and then cut into one PDF each. Fixed, so the same merge gives the
# same bytes whatever the number of processes; big enough that a document's fixed cost (font subsets,
# compressing them) is shared by many letters, small enough to report progress and to share out.
CHUNK = 50


def cut_letters(pdf: bytes, pages: Sequence[int], jobs: Sequence[LetterJob]) -> list[bytes]:
    """One PDF per letter from a document of several (``pages``: how many pages each letter took).
    A letter on its own is the document as it is. Should ReportLab ever write something the cutter does
    not know, each letter is rendered again on its own: slower, never wrong."""
    if len(jobs) == 1:
        return [pdf]
    try:
        doc = pdfcut.parse(pdf)
        if len(doc.pages) != sum(pages):
            raise pdfcut.CutError("page count differs from the letters'")
        out, first = [], 0
        for n, job in zip(pages, jobs, strict=True):
            out.append(pdfcut.assemble([(doc, range(first, first + n))], title=job.title))
            first += n
        return out
    except pdfcut.CutError as exc:
        log.warning("Letters rendered one by one: could not cut the merged document (%s)", exc)
        return [build_pdf([job]) for job in jobs]


def join_documents(docs: Sequence[bytes], title: str = "Letters") -> bytes:
    """One print file of several documents' pages, in order."""
    if len(docs) == 1:
        return docs[0]
    parsed = [pdfcut.parse(d) for d in docs]
    return pdfcut.assemble([(p, range(len(p.pages))) for p in parsed], title=title)


def _render_chunk(
    jobs: Sequence[LetterJob], whole: bool = False, on_start: Callable[[int], None] | None = None
) -> tuple[list[bytes], bytes | None]:
    pdf, pages = build_letters(jobs, on_start)
    return cut_letters(pdf, pages, jobs), (pdf if whole else None)


def _ready() -> bool:
    """A helper's first task: load ReportLab and the fonts, so it is given letters only once it can start
    on them at once (a chunk queued behind a helper still starting would keep the merge waiting)."""
    from .fonts import register_fonts

    register_fonts()
    return True


def default_workers(total: int) -> int:
    """Processes worth rendering a merge of ``total`` letters in (this one included): one for a short
    merge (starting another costs about a second), otherwise one per core up to four. A frozen build too:
    its executable becomes a helper when started as one (multiprocessing.freeze_support in __main__)."""
    if total < 100:
        return 1
    return max(1, min(4, (os.cpu_count() or 1)))


def render_merge(
    items: Sequence[LetterJob],
    *,
    combined: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    workers: int = 1,
) -> tuple[list[bytes], bytes | None]:
    """One PDF per letter, in order, to file on each case, and with ``combined`` also one print file of
    them all. The letters are laid out ``CHUNK`` at a time as one document and cut into one PDF each
    (``cut_letters``); the print file is those documents joined.

    ``workers`` > 1 renders in that many processes: this one and ``workers - 1`` helpers (spawned, never
    forked: the caller may be a Qt application with threads). The helpers take chunks from the start,
    this process from the end, until they meet; the bytes are the same however many processes made
    them. ``cancelled()`` is checked between letters here (the helpers' chunks are then abandoned) and
    raises BatchCancelled."""
    items = list(items)
    total = len(items)
    check_batch(items)
    chunks = [items[i : i + CHUNK] for i in range(0, total, CHUNK)]
    results: list[tuple[list[bytes], bytes | None] | None] = [None] * len(chunks)
    front, back = 0, len(chunks)  # chunks not yet taken: helpers take from the front, this process the back
    inflight: dict[Future, int | None] = {}  # what each helper is doing: a chunk, or None while it starts
    retry: list[int] = []  # chunks a helper could not finish (it died): done here instead
    pool: ProcessPoolExecutor | None = None
    done = 0  # letters finished, here and in the helpers

    def check() -> None:
        if cancelled is not None and cancelled():
            raise BatchCancelled()

    def collect() -> None:
        """Take the helpers' finished chunks, and give each free helper the next chunk from the front."""
        nonlocal done, front, pool
        for future in [f for f in inflight if f.done()]:
            i = inflight.pop(future)
            try:
                result = future.result()  # a helper's error (say, a letter too long) is raised here
            except BrokenExecutor as exc:  # a helper died or could not start: carry on without them
                log.warning("Mail merge helper processes stopped (%s); carrying on in this one", exc)
                pool = None
                retry.extend(j for j in [i, *inflight.values()] if j is not None)
                inflight.clear()
                return
            if i is not None:
                results[i] = result
                done += len(chunks[i])
            if front < back and pool is not None:
                inflight[pool.submit(_render_chunk, chunks[front], combined)] = front
                front += 1

    def tick(k: int) -> None:  # letter k of this process's current chunk begins
        check()
        if inflight:
            collect()
        if progress is not None:
            progress(done + k, total)

    def take_here() -> int | None:
        nonlocal back
        if retry:
            return retry.pop()
        if front < back:
            back -= 1
            return back
        return None

    helpers = min(workers - 1, len(chunks) - 1)
    if helpers >= 1:
        pool = ProcessPoolExecutor(helpers, mp_context=multiprocessing.get_context("spawn"))
    owned = pool
    try:
        if pool is not None:
            inflight.update((pool.submit(_ready), None) for _ in range(helpers))
        while True:
            i = take_here()
            if i is not None:
                results[i] = _render_chunk(chunks[i], combined, tick)
                done += len(chunks[i])
                continue
            if not any(j is not None for j in inflight.values()):
                break
            check()
            wait(list(inflight), timeout=0.2, return_when=FIRST_COMPLETED)
            collect()
            if progress is not None:
                progress(done, total)
    finally:
        if owned is not None:
            # Not waiting: a helper still starting, or working on a cancelled merge, finishes on its own.
            owned.shutdown(wait=False, cancel_futures=True)
    if progress is not None:
        progress(total, total)
    laid_out = [r for r in results if r is not None]
    assert len(laid_out) == len(results), "every chunk is laid out once the loop ends"
    letters = [pdf for r in laid_out for pdf in r[0]]
    if not combined:
        return letters, None
    try:
        # combined: each chunk laid out its part of the print file
        return letters, join_documents([part for _, part in laid_out if part is not None])
    except pdfcut.CutError as exc:
        log.warning("Print file laid out again: could not join the merged documents (%s)", exc)
        return letters, build_pdf(items)
