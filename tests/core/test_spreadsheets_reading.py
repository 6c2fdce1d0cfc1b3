"""Reading untidy workbooks: headings below a title, totals rows, hidden columns, merged cells, formulas with
their saved values, sheets of the same shape, CSVs in Excel's encodings, and a 50,000-row sheet."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from cspdesk.core.importers.spreadsheets import SpreadsheetProblem, read_spreadsheet


def _book(
    path: Path, rows, title: str | None = "Our ASB log", hidden: str | None = None, merge: str | None = None
):
    wb = Workbook()
    ws = wb.active
    ws.title = "Log"
    if title:
        ws.append((title,))
        ws.append(())
    for row in rows:
        ws.append(row)
    if hidden:
        ws.column_dimensions[hidden].hidden = True
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def test_headings_under_a_title_and_a_totals_row_are_found_and_named(tmp_path):
    rows = [
        ("Ref", "Date", "Count"),
        ("A1", datetime(2021, 3, 4), 2),
        ("A2", datetime(2021, 3, 5), 3),
        ("Total", None, 5),
    ]
    [sheet] = read_spreadsheet(_book(tmp_path / "a.xlsx", rows))
    assert sheet.header_row == 3 and sheet.headings == ["Ref", "Date", "Count"]
    assert [r[0] for r in sheet.rows] == [4, 5]
    assert "Headings found on row 3; the rows above them are left out." in sheet.notes
    assert "Totals row at row 6 left out." in sheet.notes


def test_a_hidden_column_is_noted_and_a_merged_cell_fills_its_range(tmp_path):
    """Catches a merged "Ward" cell read as one value and blanks (rows 5-6 lost their ward)."""
    rows = [("Ref", "Ward", "Notes"), ("A1", "Swadlincote", "x"), ("A2", None, "y"), ("A3", None, "z")]
    [sheet] = read_spreadsheet(_book(tmp_path / "b.xlsx", rows, hidden="C", merge="B4:B6"))
    assert sheet.hidden == [False, False, True]
    assert [r[1][1] for r in sheet.rows] == ["Swadlincote"] * 3
    assert any("hidden column" in n and "Notes" in n for n in sheet.notes)


def test_a_formula_gives_its_saved_value(tmp_path):
    path = _book(tmp_path / "c.xlsx", [("Ref", "Days"), ("A1", "=1+1")], title=None)
    # Excel saves a formula's last value beside it; openpyxl does not, so put one in as Excel would.
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        r"<f>1\+1</f>(<v\s*/>|<v></v>)?", "<f>1+1</f><v>2</v>", sheet_xml
    ).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    [sheet] = read_spreadsheet(path)
    assert sheet.rows[0][1] == ["A1", 2]


def test_two_sheets_with_the_same_headings_are_noted(tmp_path):
    wb = Workbook()
    wb.active.append(("Ref", "Date"))
    wb.create_sheet("2019").append(("ref", "date"))
    wb.save(tmp_path / "d.xlsx")
    first, second = read_spreadsheet(tmp_path / "d.xlsx")
    assert first.shape == second.shape
    assert 'Same headings as "2019": import each sheet, or join them first.' in first.notes


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_a_csv_in_excels_encodings_and_line_endings(tmp_path, encoding):
    text = "Ref;Name;Date\r\nA1;Zoë Brontë;03/04/2021\r\nA2;Seán;04/04/2021\r\n"
    path = tmp_path / "e.csv"
    path.write_bytes(text.encode(encoding))
    [sheet] = read_spreadsheet(path)
    assert sheet.headings == ["Ref", "Name", "Date"]
    assert [r[1][1] for r in sheet.rows] == ["Zoë Brontë", "Seán"]


def test_a_folder_is_not_a_spreadsheet(tmp_path):
    with pytest.raises(SpreadsheetProblem, match="is a folder"):
        read_spreadsheet(tmp_path)


def test_a_50000_row_sheet_is_read_whole(tmp_path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Big")
    ws.append(("Ref", "Date", "Category"))
    for i in range(50_000):
        ws.append((f"R{i}", f"{1 + i % 28:02d}/{1 + i % 12:02d}/2021", "Noise"))
    wb.save(tmp_path / "big.xlsx")
    [sheet] = read_spreadsheet(tmp_path / "big.xlsx")
    assert len(sheet.rows) == 50_000 and sheet.rows[-1][0] == 50_001
