"""Every CSV and XLSX file CSPDesk writes goes through here, so every one is safe to open in Excel.

A spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` (and, in some versions, a tab or
carriage return before them) as a formula: a case title typed as ``=cmd|' /C calc'!A0`` or
``=HYPERLINK("http://…")`` would run or link when a colleague opens the export. Text cells are
neutralised the way OWASP recommends (CSV injection): a leading apostrophe, so the text is shown as
typed and never evaluated. In XLSX every text cell is also written as a string, never a formula.

Numbers stay numbers: only ``str`` values are neutralised, so pass counts as ``int`` and one-decimal
figures as ``Decimal`` (``number_1dp``), never as formatted text — a negative trend written as the
text ``"-12.5"`` would otherwise gain an apostrophe.

``tests/test_exports_architecture.py`` fails if any other module writes CSV or XLSX itself.
openpyxl is imported inside the XLSX functions, so the window does not load it at start-up.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

# OWASP "CSV Injection": cells starting with these are read as formulas by Excel, LibreOffice, Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_MAX = 31
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe; other
    values (numbers, dates, None) are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def number_1dp(value: float | int | Decimal | None) -> Decimal | None:
    """A figure with one decimal place that stays a number in CSV (``-12.5``) and XLSX."""
    return None if value is None else Decimal(f"{value:.1f}")


# --- CSV --------------------------------------------------------------------------------------------


class SafeCsvWriter:
    """``csv.writer`` with every text cell neutralised. Same ``writerow``/``writerows`` face."""

    def __init__(self, stream: TextIO, **options: Any):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: TextIO, **options: Any) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **options)


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV as text (``\\n`` line ends), for a command to print or a service to return."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv_file(
    path: str | Path,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    excel_bom: bool = True,
    lineterminator: str = "\r\n",
) -> int:
    """Write a CSV file; returns the rows written. ``excel_bom``: UTF-8 with a byte order mark, so
    Excel shows names like Siân correctly."""
    count = 0
    with Path(path).open("w", newline="", encoding="utf-8-sig" if excel_bom else "utf-8") as handle:
        writer = SafeCsvWriter(handle, lineterminator=lineterminator)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


# --- XLSX -------------------------------------------------------------------------------------------


def sheet_title(text: str, taken: Iterable[str] = ()) -> str:
    """A title Excel accepts: none of ``[]:*?/\\``, not blank, at most 31 characters, not starting
    or ending with an apostrophe, and unique (ignoring case) among ``taken``."""
    title = _SHEET_TITLE_BAD.sub("-", " ".join(str(text).split())).strip("'").strip() or "Sheet"
    title = title[:SHEET_TITLE_MAX].strip()
    used = {t.lower() for t in taken}
    candidate, number = title, 1
    while candidate.lower() in used:
        number += 1
        suffix = f" ({number})"
        candidate = title[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix
    return candidate


def new_workbook(title: str, *, write_only: bool = False):
    """A workbook with one sheet called ``title`` (sanitised); returns ``(book, sheet)``."""
    from openpyxl import Workbook

    book = Workbook(write_only=write_only)
    if write_only:
        sheet = book.create_sheet(sheet_title(title))
    else:
        sheet = book.active
        sheet.title = sheet_title(title)
    return book, sheet


def add_sheet(book, title: str):
    """Another sheet, its title sanitised and made unique in the book."""
    return book.create_sheet(sheet_title(title, book.sheetnames))


def xlsx_cell(sheet, value: Any, *, font=None, number_format: str | None = None, fill=None, alignment=None):
    """A cell for ``append_row``, optionally styled: text is neutralised and stored as a string
    (control characters XLSX cannot hold are dropped rather than failing the export)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = neutralise(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def append_row(sheet, values: Iterable[Any]) -> None:
    """Append a row of values (or cells made by ``xlsx_cell``); text neutralised, stored as a string."""
    from openpyxl.cell.cell import Cell

    sheet.append([v if isinstance(v, Cell) else xlsx_cell(sheet, v) for v in values])


def save_workbook(book, path: str | Path) -> Path:
    path = Path(path)
    book.save(path)
    return path
