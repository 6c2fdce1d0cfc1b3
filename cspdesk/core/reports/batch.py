"""Mail merge: many letters as one combined PDF (to print in one go) or one PDF each (to file on cases)."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout

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


def _render_combined(jobs: Sequence[LetterJob]) -> bytes:
    return build_pdf(jobs)


def default_workers(total: int) -> int:
    """Processes worth starting for a merge of ``total`` letters: none for a short one (starting a
    process costs about a second), otherwise one per core up to four. Never in a frozen build, whose
    executable would start the app again instead of a worker."""
    if total < 100 or getattr(sys, "frozen", False):
        return 0
    return max(0, min(4, (os.cpu_count() or 1)))


def render_merge(
    items: Sequence[LetterJob],
    *,
    combined: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    workers: int = 0,
) -> tuple[list[bytes], bytes | None]:
    """One PDF per letter, in order, each byte-for-byte what ``render_letter`` gives (so each can be filed
    on its case), and with ``combined`` also one print file of them all. ``workers`` > 1 renders in that
    many processes (spawned, never forked: the caller may be a Qt application with threads), the print
    file alongside the letters. ``cancelled()`` is checked between letters (between chunks with
    workers) and raises BatchCancelled."""
    items = list(items)
    total = len(items)
    check_batch(items)

    def check() -> None:
        if cancelled is not None and cancelled():
            raise BatchCancelled()

    if workers <= 1 or total < 2 * CHUNK:
        out: list[bytes] = []
        for i, job in enumerate(items):
            check()
            if progress is not None:
                progress(i, total)
            out.append(build_pdf([job]))
        print_file = build_pdf(items, on_start=lambda _i: check()) if combined else None
        if progress is not None:
            progress(total, total)
        return out, print_file
    results: list[bytes] = []
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        whole = pool.submit(_render_combined, items) if combined else None  # the longest task goes first
        futures = [pool.submit(_render_chunk, items[i : i + CHUNK]) for i in range(0, total, CHUNK)]
        for future in futures:
            while True:
                check()
                try:
                    results.extend(future.result(timeout=0.2))
                    break
                except FuturesTimeout:
                    continue
            if progress is not None:
                progress(len(results), total)
        print_file = None
        if whole is not None:
            while print_file is None:
                check()
                try:
                    print_file = whole.result(timeout=0.2)
                except FuturesTimeout:
                    continue
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results, print_file
