"""Mail merge: many letters as one combined PDF (to print in one go) or one PDF each (to file on cases)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from cspdesk.core.errors import ValidationError

from . import markup as mk
from .fields import field_label
from .letter import BatchCancelled, LetterJob, build_pdf

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
    check_batch(items)

    def tick(done: int) -> None:
        if cancelled is not None and cancelled():
            raise BatchCancelled()
        if progress is not None:
            progress(done, total)

    if combined:
        # Called as letter i begins layout: i letters are done.
        pdf = build_pdf(items, on_start=tick)
        if progress is not None:
            progress(total, total)
        return pdf
    out: list[bytes] = []
    for i, job in enumerate(items):
        tick(i)
        out.append(build_pdf([job]))
    if progress is not None:
        progress(total, total)
    return out


CHUNK = 25  # letters per task sent to a worker process: big enough to hide the hand-over


def _render_chunk(jobs: Sequence[LetterJob]) -> list[bytes]:
    return [build_pdf([job]) for job in jobs]


def render_each(
    items: Sequence[LetterJob],
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    workers: int = 0,
) -> list[bytes]:
    """One PDF per letter, in order, byte-for-byte what ``render_letter`` gives for each (so each can be
    filed on its case). ``workers`` > 1 renders in that many processes (spawned, never forked: the
    caller may be a Qt application with threads); worth it only for a long merge on a machine with
    cores to spare. ``cancelled()`` is checked between letters (between chunks with workers)."""
    items = list(items)
    total = len(items)
    check_batch(items)
    if workers <= 1 or total < 2 * CHUNK:
        out: list[bytes] = []
        for i, job in enumerate(items):
            if cancelled is not None and cancelled():
                raise BatchCancelled()
            if progress is not None:
                progress(i, total)
            out.append(build_pdf([job]))
        if progress is not None:
            progress(total, total)
        return out
    chunks = [items[i : i + CHUNK] for i in range(0, total, CHUNK)]
    results: list[bytes] = []
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = [pool.submit(_render_chunk, chunk) for chunk in chunks]
        for future in futures:
            if cancelled is not None and cancelled():
                raise BatchCancelled()
            results.extend(future.result())
            if progress is not None:
                progress(len(results), total)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results
