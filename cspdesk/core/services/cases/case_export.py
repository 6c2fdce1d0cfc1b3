"""The case list as CSV or Excel: exactly the rows and order on screen."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from cspdesk.core import exports
from cspdesk.core.errors import ValidationError
from cspdesk.core.services.cases.case_query import LIST_COLUMNS, CaseList

COLUMNS = LIST_COLUMNS


def _rows(case_list: CaseList, ids: Sequence[uuid.UUID]):
    for start in range(0, len(ids), 2000):
        chunk = list(ids[start : start + 2000])
        rows = case_list.rows_for(chunk)
        for i in chunk:
            if i in rows:
                yield [getattr(rows[i], k) for k, _ in COLUMNS]


def export_cases(case_list: CaseList, ids: Sequence[uuid.UUID], target: Path) -> int:
    """Write ``ids`` (in order) to ``target``: .csv or .xlsx by its suffix. Returns the rows written."""
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError({"file": "Export to a .csv or .xlsx file."})
    if suffix == ".csv":
        # utf-8-sig so Excel opens names like Siân correctly.
        return exports.write_csv_file(
            target,
            [label for _, label in COLUMNS],
            (
                [v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row]
                for row in _rows(case_list, ids)
            ),
        )
    from openpyxl.styles import Font

    wb, ws = exports.new_workbook("Cases", write_only=True)
    widths = [16, 50, 9, 28, 24, 20, 20, 12, 10, 12, 50, 40]
    for i, w_ in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w_
    exports.append_row(ws, [exports.xlsx_cell(ws, label, font=Font(bold=True)) for _, label in COLUMNS])
    n = 0
    for row in _rows(case_list, ids):
        exports.append_row(
            ws,
            [
                exports.xlsx_cell(ws, v, number_format="DD/MM/YYYY" if isinstance(v, date) else None)
                for v in row
            ],
        )
        n += 1
    exports.save_workbook(wb, target)
    return n
