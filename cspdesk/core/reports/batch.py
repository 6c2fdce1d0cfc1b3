"""Mail merge: many letters as one combined PDF (to print in one go) or one PDF each (to file on cases)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
