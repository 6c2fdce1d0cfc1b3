"""The table as CSV for the analyst and the command line: ``area,volume,rate,trend``."""

from __future__ import annotations

import csv
import io
from typing import TextIO

from cspdesk.core.figures.table import NOT_AVAILABLE, ComparisonTable

CSV_HEADER = ("area", "volume", "rate", "trend")


def write_table_csv(table: ComparisonTable, stream: TextIO) -> None:
    """Rows in report order, total included; rate and trend as plain one-decimal numbers.

    Trend has no % sign and no '+' so a spreadsheet reads it as a number; "n/a" when there is no
    previous-year figure.
    """
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in table.rows:
        trend = NOT_AVAILABLE if row.trend is None else f"{row.trend:.1f}"
        writer.writerow((row.area, row.volume, f"{row.rate:.1f}", trend))


def table_csv(table: ComparisonTable) -> str:
    buffer = io.StringIO()
    write_table_csv(table, buffer)
    return buffer.getvalue()
