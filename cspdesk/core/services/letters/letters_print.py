"""The letters' renderers, handed to ``LetterService`` by the composition root (``registry.py``), so the
GUI calls the service without ReportLab ever being in its import graph (see docs/ARCHITECTURE.md).
ReportLab itself is imported inside each function, when a document is first made."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cspdesk.core.services.letters.letters import MergeCancelled


class LetterPrinter:
    def letter(
        self,
        body: str,
        values: Mapping[str, Any],
        letterhead,
        *,
        protective_marking: bool,
        large_print: bool,
        title: str,
    ) -> bytes:
        from cspdesk.core.reports.letter import render_letter

        return render_letter(
            body,
            values,
            letterhead,
            protective_marking=protective_marking,
            large_print=large_print,
            title=title,
        )

    def merge(
        self,
        letters: Sequence[tuple[str, Mapping[str, Any], Any, bool, bool, str]],
        *,
        combined: bool,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
        workers: int | None,
    ) -> tuple[list[bytes], bytes | None]:
        """Each (body, values, letterhead, marking, large print, title) as its own PDF, and the print file."""
        from cspdesk.core.reports.batch import default_workers, render_merge
        from cspdesk.core.reports.letter import BatchCancelled, LetterJob

        jobs = [LetterJob(*item) for item in letters]
        try:
            return render_merge(
                jobs,
                combined=combined,
                progress=progress,
                cancelled=cancelled,
                workers=default_workers(len(jobs)) if workers is None else workers,
            )
        except BatchCancelled as exc:
            raise MergeCancelled() from exc

    def case_summary(self, data, letterhead) -> bytes:
        from cspdesk.core.reports.case_summary import render_case_summary

        return render_case_summary(data, letterhead)
