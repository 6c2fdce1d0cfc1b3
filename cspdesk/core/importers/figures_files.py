"""Read the files a Partnership Analyst or officer brings: analyst monthly figures (long or wide,
CSV or XLSX), police.uk street-level CSVs (one, many, or the zip they come in) and a population table.

The format is recognised from the header row. Reading never writes anything: it returns the good
rows and every rejected row (file, row, column, message) so the user can decide whether to import.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from cspdesk.core.errors import UserError
from cspdesk.core.figures.months import MONTH_PATTERN
from cspdesk.core.importers.analyst_table import validate_analyst, validate_population
from cspdesk.core.importers.figures_results import FileKind, ImportedFile
from cspdesk.core.importers.police_uk_files import POLICE_UK_COLUMNS, read_police_uk

LONG_COLUMNS = ("month", "area", "category", "count")
WIDE_KEY_COLUMNS = ("area", "category")
POPULATION_COLUMNS = ("area", "population")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
STREAMED_SIZE = 50_000_000  # bytes: a larger CSV is parsed from the file rather than held in memory twice


class UnrecognisedFile(UserError):
    """The header matches none of the formats; the message names the file and what was expected."""


def read_figures_files(
    paths: Iterable[str | Path], districts: Sequence[str] | None = None
) -> list[ImportedFile]:
    """Read each file (a zip gives one result per CSV inside it), recognising its format."""
    results: list[ImportedFile] = []
    for path in paths:
        results.extend(read_figures_file(path, districts))
    return results


def read_figures_file(path: str | Path, districts: Sequence[str] | None = None) -> list[ImportedFile]:
    """``districts``: the districts police.uk rows are counted for (others are reported, not counted)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path} does not exist or is not a file.")
    if path.suffix.lower() == ".zip":
        return _read_zip(path, districts)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return [_read_excel(path)]
    return [
        _read_csv(path, path.read_bytes() if path.stat().st_size < STREAMED_SIZE else None, str(path), districts)
    ]


def sha256_of(data: bytes | Path) -> str:
    if isinstance(data, Path):
        with data.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    return hashlib.sha256(data).hexdigest()


# --- recognising the format ------------------------------------------------------------------------


def _header_text(cell: object) -> str:
    if isinstance(cell, datetime | date):  # Excel turns a typed "2022-01" heading into a date
        return f"{cell.year:04d}-{cell.month:02d}"
    return str(cell).strip()


def detect_kind(name: str, header: Sequence[object]) -> FileKind:
    names = [_header_text(cell) for cell in header]
    lowered = {n.lower() for n in names}
    if {c.lower() for c in POLICE_UK_COLUMNS} <= lowered:
        return FileKind.POLICE_UK
    if set(LONG_COLUMNS) <= lowered:
        return FileKind.ANALYST_LONG
    if set(WIDE_KEY_COLUMNS) <= lowered and any(MONTH_PATTERN.match(n) for n in names):
        return FileKind.ANALYST_WIDE
    if set(POPULATION_COLUMNS) <= lowered:
        return FileKind.POPULATION
    shown = ", ".join(names[:12]) or "(nothing)"
    raise UnrecognisedFile(
        f"{name} is not a figures file CSPDesk recognises. Its first row reads: {shown}. Expected one of: "
        "month, area, category, count (analyst figures); area, category and one column per month "
        "such as 2022-01 (analyst figures, wide); the police.uk street-level columns (Crime ID, Month, "
        "… LSOA name, Crime type …); or area, population."
    )


def _decode(data: bytes, name: str) -> str:
    # Analysts save from Excel: UTF-8 with a BOM, or Windows-1252 for "Café" style names.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{name} is not a text CSV file (it could not be read as UTF-8 or Windows-1252).")


# --- CSV and zip -------------------------------------------------------------------------------------


def _read_csv(
    path: Path | None, data: bytes | None, name: str, districts: Sequence[str] | None
) -> ImportedFile:
    if data is None:  # a very large file: stream it rather than hold the bytes twice
        assert path is not None
        with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
            header = next(csv.reader(handle), [])
        kind = detect_kind(name, header)
        if kind is not FileKind.POLICE_UK:
            raise UserError(f"{name} is too large for an analyst or population file.")
        # The digest is worked out on a second thread while pandas parses: both let go of the GIL
        # for most of their work, so on two cores the file is hashed in the parse's shadow.
        with ThreadPoolExecutor(max_workers=1) as pool:
            digest = pool.submit(sha256_of, path)
            imported = read_police_uk(path, name, "", districts)
            return replace(imported, sha256=digest.result())
    text = _decode(data, name)
    header = next(csv.reader(io.StringIO(text)), [])
    kind = detect_kind(name, header)
    digest = sha256_of(data)
    if kind is FileKind.POLICE_UK:
        return read_police_uk(io.BytesIO(data), name, digest, districts)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as error:
        raise UserError(f"{name} could not be read as CSV: {error}") from error
    return _read_table(frame, kind, name, digest)


def _read_zip(path: Path, districts: Sequence[str] | None) -> list[ImportedFile]:
    results = []
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise UserError(f"{path} is not a readable zip file.") from error
    with archive:
        members = [m for m in archive.namelist() if m.lower().endswith(".csv") and not m.endswith("/")]
        if not members:
            raise UserError(f"{path} contains no CSV files.")
        for member in sorted(members):
            results.append(_read_csv(None, archive.read(member), f"{path.name}:{member}", districts))
    return results


# --- Excel -------------------------------------------------------------------------------------------


def _read_excel(path: Path) -> ImportedFile:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=object, header=0)
    except Exception as error:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise UserError(f"{path} could not be read as an Excel workbook: {error}") from error
    kind = detect_kind(str(path), list(frame.columns))
    if kind is FileKind.POLICE_UK:
        raise UserError(f"{path}: police.uk files are read as the CSVs they are published in, not Excel.")
    frame.columns = [_header_text(c) for c in frame.columns]
    frame = frame.map(_cell_text)
    return _read_table(frame, kind, str(path), sha256_of(path))


def _cell_text(value: object) -> str:
    """An Excel cell as the text a person sees, so CSV and XLSX are validated by the same rules."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- analyst and population tables ---------------------------------------------------------------


def _read_table(frame: pd.DataFrame, kind: FileKind, name: str, digest: str) -> ImportedFile:
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # the row number the user sees; header is row 1
    blank = (frame.astype(str).apply(lambda col: col.str.strip()) == "").all(axis=1)
    frame = frame[~blank]
    if kind is FileKind.POPULATION:
        rows, rejections, ignored = validate_population(frame, name)
    else:
        rows, rejections, ignored = validate_analyst(frame, kind, name)
    return ImportedFile(
        file=name,
        kind=kind,
        sha256=digest,
        rows=rows,
        rows_read=len(frame),
        rejections=rejections,
        ignored_columns=ignored,
    )
