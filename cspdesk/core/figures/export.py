"""The table as CSV for the analyst and the command line (``area,volume,rate,trend``), and as XLSX.

openpyxl is imported inside the XLSX writer, so the window does not load it at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from cspdesk.core import exports
from cspdesk.core.figures.table import NOT_AVAILABLE, ComparisonTable

CSV_HEADER = ("area", "volume", "rate", "trend")


def write_table_csv(table: ComparisonTable, stream: TextIO) -> None:
    """Rows in report order, total included; rate and trend as plain one-decimal numbers.

    Trend has no % sign and no '+' so a spreadsheet reads it as a number; "n/a" when there is no
    previous-year figure.
    """
    stream.write(table_csv(table))


def table_csv(table: ComparisonTable) -> str:
    # Rate and trend as numbers (Decimal), not text: a negative trend stays a number, not "'-12.5".
    return exports.csv_text(
        CSV_HEADER,
        (
            (
                row.area,
                row.volume,
                exports.number_1dp(row.rate),
                NOT_AVAILABLE if row.trend is None else exports.number_1dp(row.trend),
            )
            for row in table.rows
        ),
    )


def write_table_xlsx(table: ComparisonTable, path: Path) -> None:
    """The table as the plan prints it, in a workbook: real numbers, one-decimal formats, footnotes."""
    from openpyxl.styles import Alignment, Font, PatternFill

    book, sheet = exports.new_workbook(table.category)
    exports.append_row(sheet, [f"{table.category} {table.period_text}", "Volume", "Rate ¹", "Trend ²"])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3A5F")
        cell.alignment = Alignment(horizontal="left" if cell.column == 1 else "right", wrap_text=True)
    for row in table.rows:
        trend = NOT_AVAILABLE if row.trend is None else float(row.trend) / 100
        exports.append_row(sheet, [row.area, row.volume, float(row.rate), trend])
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
    exports.append_row(sheet, [f"¹ Rate per 1,000 {table.population_label or 'population'}"])
    exports.append_row(sheet, ["² % change compared to previous 12 months"])
    if table.sentence:
        exports.append_row(sheet, [table.sentence])
    sheet.column_dimensions["A"].width = 44
    for column in "BCD":
        sheet.column_dimensions[column].width = 12
    exports.save_workbook(book, path)
