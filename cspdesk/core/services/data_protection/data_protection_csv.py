"""The retention queue and the subject access bundle as CSV: through the shared neutralising writer
(``core/exports.py``), since their cells hold text officers and partners typed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cspdesk.core.exports import csv_text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    return csv_text(header, rows)
