"""Read the files a Partnership Analyst or officer brings: analyst monthly figures (long or wide,
CSV or XLSX), police.uk street-level CSVs (one, many, or the zip they come in) and a population table.

The format is recognised from the header row. Reading never writes anything: it returns the good
rows and every rejected row (file, row, column, message) so the user can decide whether to import.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import IO

import pandas as pd

from cspdesk.core.errors import UserError
from cspdesk.core.figures.months import MONTH_PATTERN
from cspdesk.core.importers.analyst_table import validate_analyst, validate_population
from cspdesk.core.importers.figures_results import DEFAULT_LIMITS, FileKind, ImportedFile, ImportLimits
from cspdesk.core.importers.police_uk_files import (
    POLICE_UK_COLUMNS,
    UnreadableEncoding,
    heading_key,
    read_police_uk,
    refuse_duplicate_columns,
)

LONG_COLUMNS = ("month", "area", "category", "count")
WIDE_KEY_COLUMNS = ("area", "category")
POPULATION_COLUMNS = ("area", "population")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
ANALYST_MAX_BYTES = 50_000_000  # an analyst or population CSV is read whole; no real one comes near this
HEAD_BYTES = 65_536  # read first to find the encoding and the header row


class UnrecognisedFile(UserError):
    """The header matches none of the formats; the message names the file and what was expected."""


def read_figures_files(
    paths: Iterable[str | Path], districts: Sequence[str] | None = None, limits: ImportLimits = DEFAULT_LIMITS
) -> list[ImportedFile]:
    """Read each file (a zip gives one result per CSV inside it), recognising its format."""
    results: list[ImportedFile] = []
    for path in paths:
        results.extend(read_figures_file(path, districts, limits))
    return results


def read_figures_file(
    path: str | Path, districts: Sequence[str] | None = None, limits: ImportLimits = DEFAULT_LIMITS
) -> list[ImportedFile]:
    """``districts``: the districts police.uk rows are counted for (others are reported, not counted)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path} does not exist or is not a file.")
    if path.suffix.lower() == ".zip":
        return _read_zip(path, districts, limits)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return [_read_excel(path, limits)]
    _refuse_too_large(str(path), path.stat().st_size, limits)
    return [_read_csv(_PathSource(path), str(path), districts, limits)]


def sha256_of(data: bytes | Path) -> str:
    if isinstance(data, Path):
        with data.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    return hashlib.sha256(data).hexdigest()


def _refuse_too_large(name: str, size: int, limits: ImportLimits) -> None:
    if size > limits.max_file_bytes:
        raise UserError(
            f"{name} is {size / 1e6:,.0f} MB of text; CSPDesk reads files of up to "
            f"{limits.max_file_bytes / 1e6:,.0f} MB. Split it (police.uk files come one month at a time) "
            "and import the parts."
        )


# --- recognising the format ------------------------------------------------------------------------


def _header_text(cell: object) -> str:
    if isinstance(cell, datetime | date):  # Excel turns a typed "2022-01" heading into a date
        return f"{cell.year:04d}-{cell.month:02d}"
    if cell is None or (isinstance(cell, float) and cell != cell):
        return ""
    return " ".join(str(cell).split())


def detect_kind(name: str, header: Sequence[object]) -> FileKind:
    names = [_header_text(cell) for cell in header]
    lowered = {heading_key(n) for n in names}
    refuse_duplicate_columns(name, names)
    if {heading_key(c) for c in POLICE_UK_COLUMNS} <= lowered:
        return FileKind.POLICE_UK
    if set(LONG_COLUMNS) <= lowered:
        return FileKind.ANALYST_LONG
    if set(WIDE_KEY_COLUMNS) <= lowered and any(MONTH_PATTERN.match(n) for n in names):
        return FileKind.ANALYST_WIDE
    if set(POPULATION_COLUMNS) <= lowered:
        return FileKind.POPULATION
    shown = ", ".join(n[:40] for n in names[:12]) or "(nothing)"
    raise UnrecognisedFile(
        f"{name} is not a figures file CSPDesk recognises. Its first row reads: {shown}. Expected one of: "
        "month, area, category, count (analyst figures); area, category and one column per month "
        "such as 2022-01 (analyst figures, wide); the police.uk street-level columns (Crime ID, Month, "
        "… LSOA name, Crime type …); or area, population."
    )


# --- encodings -------------------------------------------------------------------------------------


def detect_encoding(head: bytes, name: str) -> str:
    """The encoding of a text file from its first bytes: a byte order mark says UTF-8 or UTF-16;
    otherwise UTF-8 if the bytes are UTF-8, else Windows-1252 (what Excel saves as "CSV" in England)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head[:4096] and head[:4096].count(b"\x00") > len(head[:4096]) // 4:
        raise UserError(
            f"{name} looks like UTF-16 text without the mark that says so, or is not a text file. Open it in "
            'Excel and save it as "CSV UTF-8 (Comma delimited)", then import that file.'
        )
    try:
        # A multi-byte character may be cut at the end of the head: that is not a reason to doubt it.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        raise UserError(
            f"{name} is not text CSPDesk can read: it is not UTF-8, UTF-16 or Windows-1252. Open it in "
            'Excel and save it as "CSV UTF-8 (Comma delimited)", then import that file.'
        ) from None


def _decode(data: bytes, name: str) -> str:
    encoding = detect_encoding(data[:HEAD_BYTES], name)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        if encoding == "utf-8":  # UTF-8 at the start, something else later: Excel's Windows-1252
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                pass
        raise UnreadableEncoding(name, encoding) from None


def _rows_of(text: str, name: str) -> list[list[str]]:
    """Every row of a CSV, whichever line endings (CR, LF or CRLF) it was saved with."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, ANALYST_MAX_BYTES))  # a huge cell is a rejected row, not a crash
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise UserError(f"{name} could not be read as CSV ({error}).") from error
    finally:
        csv.field_size_limit(limit)


# --- CSV and zip -------------------------------------------------------------------------------------


class _PathSource:
    """A CSV on disk."""

    def __init__(self, path: Path):
        self.path = path
        self.size = path.stat().st_size

    def head(self) -> bytes:
        with self.path.open("rb") as handle:
            return handle.read(HEAD_BYTES)

    def read_all(self) -> bytes:
        return self.path.read_bytes()

    def police_uk(self, name: str, districts, header, encoding: str) -> ImportedFile:
        # The digest is worked out on a second thread while pandas parses: both let go of the GIL
        # for most of their work, so on two cores the file is hashed in the parse's shadow.
        with ThreadPoolExecutor(max_workers=1) as pool:
            digest = pool.submit(sha256_of, self.path)
            imported = read_police_uk(self.path, name, "", districts, header=header, encoding=encoding)
            return replace(imported, sha256=digest.result())


class _ZipMemberSource:
    """A CSV inside a zip, read as a stream: never more than a piece of it in memory at once."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ImportLimits):
        self.archive, self.info, self.limits = archive, info, limits
        self.size = info.file_size

    def head(self) -> bytes:
        with self.archive.open(self.info) as handle:
            return handle.read(HEAD_BYTES)

    def read_all(self) -> bytes:
        with self._stream() as handle:
            return handle.read()

    def _stream(self) -> _CountedStream:
        return _CountedStream(self.archive.open(self.info), self.limits.max_file_bytes, self.info.filename)

    def police_uk(self, name: str, districts, header, encoding: str) -> ImportedFile:
        with self._stream() as handle:
            imported = read_police_uk(handle, name, "", districts, header=header, encoding=encoding)
            return replace(imported, sha256=handle.digest())


class _CountedStream(io.RawIOBase):
    """A stream that hashes what passes through it and stops past ``limit`` bytes: a zip whose
    header understates a member's size is caught as it is read, not after it fills the memory."""

    def __init__(self, inner: IO[bytes], limit: int, name: str):
        self._inner, self._limit, self._name = inner, limit, name
        self._hash = hashlib.sha256()
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._inner.read(len(buffer))
        self._read += len(data)
        if self._read > self._limit:
            raise UserError(
                f"{self._name} is more than {self._limit / 1e6:,.0f} MB once uncompressed; "
                "CSPDesk reads files of up to that size. Split it and import the parts."
            )
        self._hash.update(data)
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(1 << 20):
                chunks.append(chunk)
            return b"".join(chunks)
        buffer = bytearray(size)
        count = self.readinto(buffer)
        return bytes(buffer[:count])

    def digest(self) -> str:
        while self.read(1 << 20):  # anything pandas did not need still counts towards the file's digest
            pass
        return self._hash.hexdigest()

    def close(self) -> None:
        self._inner.close()
        super().close()


def _read_csv(source, name: str, districts: Sequence[str] | None, limits: ImportLimits) -> ImportedFile:
    head = source.head()
    encoding = detect_encoding(head, name)
    first_line = _decode_head(head, encoding)
    header = next(iter(_rows_of(first_line, name)), [])
    kind = detect_kind(name, header)
    if kind is FileKind.POLICE_UK:
        try:
            return source.police_uk(name, districts, header, "utf-8-sig" if encoding == "utf-8" else encoding)
        except UnreadableEncoding:
            if encoding != "utf-8":
                raise
            # UTF-8 at the start, something else later: Excel's Windows-1252 ("Café" past the first rows).
            return source.police_uk(name, districts, header, "cp1252")
    if source.size > ANALYST_MAX_BYTES:
        raise UserError(f"{name} is too large for an analyst or population file.")
    data = source.read_all()
    rows = _rows_of(_decode(data, name), name)
    return _read_rows(rows, kind, name, sha256_of(data), limits)


def _decode_head(head: bytes, encoding: str) -> str:
    """The first line of the head, decoded (a character cut at the end of the head is dropped)."""
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    lines = text.splitlines()
    return lines[0] if lines else ""


def _read_zip(path: Path, districts: Sequence[str] | None, limits: ImportLimits) -> list[ImportedFile]:
    results = []
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise UserError(f"{path} is not a readable zip file.") from error
    with archive:
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv") and not m.is_dir()]
        if not members:
            raise UserError(f"{path} contains no CSV files.")
        for info in sorted(members, key=lambda m: m.filename):
            name = f"{path.name}:{info.filename}"
            _refuse_too_large(name, info.file_size, limits)
            try:
                results.append(_read_csv(_ZipMemberSource(archive, info, limits), name, districts, limits))
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
                raise UserError(f"{name} could not be unpacked from the zip ({error}).") from error
    return results


# --- Excel -------------------------------------------------------------------------------------------


def _read_excel(path: Path, limits: ImportLimits) -> ImportedFile:
    try:
        # No header row from pandas: it renames a repeated heading ("count.1"), hiding the repeat.
        frame = pd.read_excel(path, sheet_name=0, dtype=object, header=None)
    except Exception as error:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise UserError(f"{path} could not be read as an Excel workbook: {error}") from error
    header = [_header_text(c) for c in frame.iloc[0]] if len(frame) else []
    kind = detect_kind(str(path), header)
    if kind is FileKind.POLICE_UK:
        raise UserError(f"{path}: police.uk files are read as the CSVs they are published in, not Excel.")
    body = frame.iloc[1:].map(_cell_text)
    rows = [header, *body.values.tolist()]
    return _read_rows(rows, kind, str(path), sha256_of(path), limits)


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


def _read_rows(
    rows: list[list[str]], kind: FileKind, name: str, digest: str, limits: ImportLimits
) -> ImportedFile:
    """An analyst or population table from its rows of text (the first is the header)."""
    header = [_header_text(c) for c in rows[0]] if rows else []
    width = len(header)
    body = [(list(r) + [""] * width)[:width] for r in rows[1:]]  # short rows padded; extra cells dropped
    frame = (
        pd.DataFrame(body, columns=header, dtype=object).astype(str)
        if body
        else pd.DataFrame(columns=header, dtype=str)
    )
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # the row number the user sees; header is row 1
    blank = (
        (frame.apply(lambda col: col.str.strip()) == "").all(axis=1)
        if width
        else pd.Series(True, frame.index)
    )
    frame = frame[~blank]
    if kind is FileKind.POPULATION:
        found, rejections, ignored = validate_population(frame, name, limits)
    else:
        found, rejections, ignored = validate_analyst(frame, kind, name, limits)
    return ImportedFile(
        file=name,
        kind=kind,
        sha256=digest,
        rows=found,
        rows_read=len(frame),
        rejections=rejections,
        ignored_columns=ignored,
    )
