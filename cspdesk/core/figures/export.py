"""The table as CSV for the analyst and the command line (``area,volume,rate,trend``), and as XLSX.

openpyxl is imported inside the XLSX writer, so the window does not load it at start-up.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
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


def write_table_xlsx(table: ComparisonTable, path: Path) -> None:
    """The table as the plan prints it, in a workbook: real numbers, one-decimal formats, footnotes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = table.category[:31]
    sheet.append([f"{table.category} {table.period_text}", "Volume", "Rate ¹", "Trend ²"])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3A5F")
        cell.alignment = Alignment(horizontal="left" if cell.column == 1 else "right", wrap_text=True)
    for row in table.rows:
        trend = NOT_AVAILABLE if row.trend is None else float(row.trend) / 100
        sheet.append([row.area, row.volume, float(row.rate), trend])
        line = sheet[sheet.max_row]
        line[1].number_format = "#,##0"
        line[2].number_format = "0.0"
        if row.trend is not None:
            line[3].number_format = "+0.0%;-0.0%;0.0%"
        if row.is_total or row.is_home:
            for cell in line:
                cell.font = Font(bold=True)
        if row.is_home:
            for cell in line:
                cell.fill = PatternFill("solid", fgColor="FFF2CC")
    sheet.append([])
    sheet.append([f"¹ Rate per 1,000 {table.population_label or 'population'}"])
    sheet.append(["² % change compared to previous 12 months"])
    if table.sentence:
        sheet.append([table.sentence])
    sheet.column_dimensions["A"].width = 44
    for column in "BCD":
        sheet.column_dimensions[column].width = 12
    book.save(path)
