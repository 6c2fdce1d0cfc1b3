"""Read a team's own spreadsheet (XLSX, or CSV) as sheets of rows under a found heading row.

Real case logs are not tidy: a title merged across the top, headings on row 3, a totals row at the
bottom, hidden columns, formulas, blank rows. Each is handled here and named in a note, so the officer
sees what was done: "Headings found on row 3", "Totals row at row 2,004 left out", "1 hidden column".
Rows are streamed (openpyxl's read-only mode), so a 50,000-row sheet is read in one pass.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from cspdesk.core.errors import UserError
from cspdesk.core.importers.spreadsheet_values import cell_text

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt")
HEADER_SCAN_ROWS = 30  # the heading row is looked for in the first rows only
TOTALS_SCAN_ROWS = 3  # a totals row is looked for among the last rows only
MAX_CSV_BYTES = 200_000_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted XLSX, or an Excel 97-2003 file
_TOTALS = re.compile(r"^\s*(grand\s+|sub\s*-?\s*)?totals?\b", re.IGNORECASE)
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
}


class SpreadsheetProblem(UserError):
    """A file that cannot be read as a spreadsheet, said in plain words."""


@dataclass
class Sheet:
    """One sheet as read: headings (made unique and never blank), rows with their sheet row numbers."""

    name: str
    header_row: int  # 1-based, as Excel shows it; 0 for a sheet with nothing in it
    headings: list[str]
    hidden: list[bool]
    rows: list[tuple[int, list[object]]]  # (row number as Excel shows it, one value per heading)
    notes: list[str] = field(default_factory=list)

    @property
    def shape(self) -> str:
        """What a remembered mapping is keyed by: the headings, normalised, in order."""
        key = "|".join(normalise_heading(h) for h in self.headings)
        return hashlib.sha256(key.encode()).hexdigest()[:32]


def normalise_heading(heading: str) -> str:
    """Case, spacing and punctuation ignored: "Date rec'd" is "date recd", "D.O.B." is "dob"."""
    return " ".join(re.sub(r"[^0-9a-z ]+", "", heading.lower().replace("_", " ").replace("-", " ")).split())


# (what is being read, rows read, of how many): "Reading sheet "Case log" (1 of 3)", 5000, 20000
Progress = Callable[[str, int, int], None]
READ_BLOCK = 5000  # rows between two progress reports while a sheet is read


def read_spreadsheet(path: str | Path, progress: Progress | None = None) -> list[Sheet]:
    """Every sheet of an XLSX (hidden sheets left out) or the one sheet of a CSV. ``progress`` is told of
    each sheet and of every ``READ_BLOCK`` rows read (the window's progress bar)."""
    path = Path(path)
    if not path.exists():
        raise SpreadsheetProblem(f"{path} does not exist.")
    if not path.is_file():
        raise SpreadsheetProblem(f"{path} is a folder, not a spreadsheet file.")
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise SpreadsheetProblem(f"{path.name} is empty: there is nothing in it to import.")
    if head.startswith(_OLE_MAGIC):
        raise SpreadsheetProblem(
            f"{path.name} is protected with a password, or is an old Excel 97-2003 file. Open it in Excel, "
            "remove the password (File → Info → Protect Workbook) and save it as an Excel Workbook "
            "(.xlsx), "
            "then import that file."
        )
    if head.startswith(b"PK"):
        return _read_xlsx(path, progress)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        raise SpreadsheetProblem(f"{path.name} is not an Excel workbook, though its name ends {path.suffix}.")
    return [_read_csv(path)]


# --- XLSX -------------------------------------------------------------------------------------------


def _read_xlsx(path: Path, progress: Progress | None = None) -> list[Sheet]:
    from openpyxl import load_workbook  # imported here: only a moving-in import needs it

    try:
        layout = _xlsx_layout(path)
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError) as error:
        raise SpreadsheetProblem(
            f"{path.name} is not a spreadsheet CSPDesk can read ({type(error).__name__}). Open it in Excel "
            "and save it as an Excel Workbook (.xlsx) or as CSV, then import that file."
        ) from error
    try:
        sheets = []
        visible = [ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        for i, ws in enumerate(visible, start=1):
            hidden_cols, merged = layout.get(ws.title, (set(), []))
            rows = ws.iter_rows(values_only=True)
            tick = None
            if progress is not None:
                what = f'Reading sheet "{ws.title}" ({i} of {len(visible)})'
                total = ws.max_row or 0  # from the sheet's own <dimension>, when it has one
                progress(what, 0, total)
                tick = _ticker(progress, what, total)
            sheets.append(_sheet_from_rows(ws.title, rows, hidden_cols, merged, tick))
    finally:
        book.close()
    if not sheets:
        raise SpreadsheetProblem(f"{path.name} has no visible sheets.")
    _note_same_shapes(sheets)
    return sheets


def _ticker(progress: Progress, what: str, total: int) -> Callable[[int], None]:
    return lambda n: progress(what, n, max(total, n))


def _xlsx_layout(path: Path) -> dict[str, tuple[set[int], list[tuple[int, int, int, int]]]]:
    """Per sheet: the hidden columns (0-based) and merged ranges (min_row, min_col, max_row, max_col;
    1-based), read from the workbook's XML (read-only openpyxl does not give them)."""
    out: dict[str, tuple[set[int], list[tuple[int, int, int, int]]]] = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise SpreadsheetProblem(f"{path.name} is a zip file, not an Excel workbook.")
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("pr:Relationship", _NS)}
        for sheet in book.iterfind("m:sheets/m:sheet", _NS):
            target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if member in names:
                with archive.open(member) as handle:
                    out[sheet.get("name", "")] = _layout_of(handle)
    return out


_COL = re.compile(rb"<(?:\w+:)?col\b([^>]*)/?>")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')


def _layout_of(handle) -> tuple[set[int], list[tuple[int, int, int, int]]]:
    """Scan a sheet's XML for <col hidden> (before the data) and <mergeCell> (after it), chunk by chunk."""
    hidden: set[int] = set()
    merged: list[tuple[int, int, int, int]] = []
    carry = b""
    seen_data = False
    while chunk := handle.read(1 << 20):
        text = carry + chunk
        if not seen_data:
            end = text.find(b"<sheetData")
            for m in _COL.finditer(text if end < 0 else text[:end]):
                attrs = dict(_ATTR.findall(m.group(1)))
                if attrs.get(b"hidden") in (b"1", b"true"):
                    hidden.update(range(int(attrs[b"min"]) - 1, int(attrs[b"max"])))
            seen_data = end >= 0
        for m in _MERGE.finditer(text):
            merged.append((int(m[2]), _col_number(m[1]), int(m[4]), _col_number(m[3])))
        carry = text[-300:]  # a tag cut at the chunk's end is whole in the next (repeats are dropped)
    return hidden, sorted(set(merged))


def _col_number(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + (c - 64)
    return n


# --- CSV --------------------------------------------------------------------------------------------


def _read_csv(path: Path) -> Sheet:
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise SpreadsheetProblem(
            f"{path.name} is {size / 1e6:,.0f} MB; CSPDesk reads CSV files of up to "
            f"{MAX_CSV_BYTES / 1e6:,.0f} "
            "MB. Split it and import the parts."
        )
    data = path.read_bytes()
    head = data[:4096]
    # Text has no NUL bytes (one in a cell is that row's problem); a binary file is full of them.
    if head.count(b"\x00") > len(head) // 100 + 1 and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpreadsheetProblem(
            f"{path.name} is not a spreadsheet or a CSV file CSPDesk can read. Choose an Excel workbook "
            "(.xlsx) "
            "or a CSV file."
        )
    from cspdesk.core.importers.figures_files import detect_encoding  # the police.uk reader's rule

    encoding = detect_encoding(data[:65_536], path.name)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if encoding == "utf-8" and text.startswith("\ufeff"):
        text = text[1:]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, 10_000_000))
    try:
        rows = csv.reader(io.StringIO(text, newline=""), dialect)
        sheet = _sheet_from_rows(path.stem, (tuple(r) for r in rows), set(), [])
    except csv.Error as error:
        raise SpreadsheetProblem(f"{path.name} is not a CSV file CSPDesk can read: {error}.") from error
    finally:
        csv.field_size_limit(limit)
    if not sheet.headings:
        raise SpreadsheetProblem(f"{path.name} is empty: there is nothing in it to import.")
    return sheet


# --- the shape of a sheet ---------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_score(row: tuple[object, ...]) -> int:
    """How much a row looks like headings: distinct short text cells, not numbers or dates."""
    texts = [
        v.strip()
        for v in row
        if isinstance(v, str) and v.strip() and len(v.strip()) <= 60 and not _looks_numeric(v)
    ]
    return len(set(texts)) if len(texts) >= 2 else 0


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[\d\s,.£/:\-]+", text.strip()))


def _sheet_from_rows(
    name: str,
    rows: Iterator[tuple[object, ...]],
    hidden_cols: set[int],
    merged: list[tuple[int, int, int, int]],
    tick: Callable[[int], None] | None = None,
) -> Sheet:
    fill = _MergeFill(merged)
    head: list[tuple[object, ...]] = []
    for row in rows:
        head.append(fill(len(head) + 1, row))
        if len(head) >= HEADER_SCAN_ROWS:
            break
    if not any(any(not _blank(v) for v in r) for r in head):
        return Sheet(name, 0, [], [], [], ["The sheet is empty."])
    scores = [_header_score(r) for r in head]
    best = max(range(len(head)), key=lambda i: (scores[i], -i))
    header_index = (
        best if scores[best] else next(i for i, r in enumerate(head) if any(not _blank(v) for v in r))
    )
    width = max(len(r) for r in head[header_index:])
    headings = _headings(list(head[header_index]), width)
    notes: list[str] = []
    if header_index:
        notes.append(f"Headings found on row {header_index + 1}; the rows above them are left out.")
    data: list[tuple[int, list[object]]] = []
    blank_rows = 0
    row_number = header_index + 1
    for row in head[header_index + 1 :]:
        row_number += 1
        values = list(row[:width]) + [None] * (width - len(row))
        if all(_blank(v) for v in values):
            blank_rows += 1
        else:
            data.append((row_number, values))
    for row in rows:
        row_number += 1
        if tick is not None and row_number % READ_BLOCK == 0:
            tick(row_number)
        values = list(fill(row_number, row)[:width])
        values += [None] * (width - len(values))
        if all(_blank(v) for v in values):
            blank_rows += 1
        else:
            data.append((row_number, values))
    totals = [i for i in range(max(0, len(data) - TOTALS_SCAN_ROWS), len(data)) if _is_totals(data[i][1])]
    for i in reversed(totals):
        notes.append(f"Totals row at row {data[i][0]:,} left out.")
        del data[i]
    hidden = [i in hidden_cols for i in range(width)]
    if n := sum(hidden):
        shown = ", ".join(h for h, x in zip(headings, hidden, strict=True) if x)
        plural = "s" if n > 1 else ""
        notes.append(f"{n} hidden column{plural} ({shown}): offered, but not mapped unless you choose.")
    if blank_rows:
        notes.append(f"{blank_rows:,} blank row{'s' if blank_rows > 1 else ''} left out.")
    if inside := [m for m in merged if m[2] >= header_index + 1]:
        plural = "s" if len(inside) > 1 else ""
        notes.append(f"{len(inside)} merged cell range{plural}: each value is used for every cell it covers.")
    return Sheet(name, header_index + 1, headings, hidden, data, notes)


class _MergeFill:
    """Gives every cell of a merged range the value of its top-left cell, as rows stream past."""

    def __init__(self, merged: list[tuple[int, int, int, int]]):
        self._by_row: dict[int, list[tuple[int, int, int, int]]] = {}
        for m in merged:
            if m[2] - m[0] <= 100_000:
                for r in range(m[0], m[2] + 1):
                    self._by_row.setdefault(r, []).append(m)
        self._anchor: dict[tuple[int, int, int, int], object] = {}

    def __call__(self, row_number: int, row: tuple[object, ...]) -> tuple[object, ...]:
        ranges = self._by_row.get(row_number)
        if not ranges:
            return row
        values = list(row) + [None] * max(0, max(m[3] for m in ranges) - len(row))
        for m in ranges:
            if row_number == m[0]:
                self._anchor[m] = values[m[1] - 1]
            for c in range(m[1], m[3] + 1):
                if _blank(values[c - 1]):
                    values[c - 1] = self._anchor.get(m)
        return tuple(values)


def _headings(raw: list[object], width: int) -> list[str]:
    """Headings as shown, never blank ("Column F") and never twice ("Perpetrator (2)")."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i in range(width):
        text = cell_text(raw[i] if i < len(raw) else None) or f"Column {_letters(i + 1)}"
        key = text.lower()
        seen[key] = seen.get(key, 0) + 1
        out.append(f"{text} ({seen[key]})" if seen[key] > 1 else text)
    return out


def _letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _is_totals(values: list[object]) -> bool:
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    return bool(texts) and bool(_TOTALS.match(texts[0])) and len(texts) <= 2


def _note_same_shapes(sheets: list[Sheet]) -> None:
    by_shape: dict[str, list[Sheet]] = {}
    for s in sheets:
        if s.headings:
            by_shape.setdefault(s.shape, []).append(s)
    for group in by_shape.values():
        if len(group) > 1:
            for s in group:
                others = ", ".join(f'"{o.name}"' for o in group if o is not s)
                s.notes.append(f"Same headings as {others}: import each sheet, or join them first.")
