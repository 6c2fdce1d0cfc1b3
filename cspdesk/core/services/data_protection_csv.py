"""The one place the retention queue and the subject access bundle are written as CSV.

Cells hold text officers and partners typed (incident accounts, notes), so a cell that a spreadsheet would read
as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or carriage return) is written with a leading apostrophe.
When the shared neutralising writer (issue 16, ``core``) is merged, this function should call it instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutral(value: object) -> object:
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow([_neutral(v) for v in row])
    return buf.getvalue()
