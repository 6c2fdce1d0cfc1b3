"""police.uk street-level crime files: read fast, attribute each row to a district, report the rest.

A month of one force is ~10,000 rows, but a year or a bulk download runs to millions, so the file
is read once with fixed dtypes (categories for the repeated text) and every check is vectorised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from cspdesk.core.errors import UserError
from cspdesk.core.figures.months import MONTH_PATTERN
from cspdesk.core.figures.police_rows import CODED, CodedColumn, PoliceRows
from cspdesk.core.importers.figures_results import ExcludedRows, FileKind, ImportedFile, Rejection
from cspdesk.core.storage.field_limits import limit_of, text_problem
from cspdesk.core.storage.models.figures import CrimeFigure, PoliceUkHolding, PoliceUkRow, PoliceUkText

POLICE_UK_COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
# File heading → police_uk_row column. Context is always empty in practice and is not kept.
FIELDS = {
    "Crime ID": "crime_id",
    "Month": "month",
    "Reported by": "reported_by",
    "Falls within": "falls_within",
    "Longitude": "longitude",
    "Latitude": "latitude",
    "Location": "location",
    "LSOA code": "lsoa_code",
    "LSOA name": "lsoa_name",
    "Crime type": "crime_type",
    "Last outcome category": "last_outcome",
}
ASB_CATEGORY = "Anti-social behaviour"  # police.uk's own crime type for ASB incidents (no Crime ID)
LSOA_SUFFIX = r"\s+\d{3}[A-Z]$"  # "South Derbyshire 012B" → "South Derbyshire"
EXAMPLES = 5
# Up to this size a file from disk is parsed in one pass (fastest; peak memory ~2.5× the file); larger
# files, and every zip member, are parsed CHUNK_ROWS rows at a time, keeping only the accepted rows,
# so the memory a file needs grows with the rows kept, not with its size.
ONE_PASS_BYTES = 150_000_000
CHUNK_ROWS = 200_000


def _held(column: Any) -> int:
    """The most characters ``column`` holds; every column a police.uk text is stored in has a limit."""
    limit = limit_of(column)
    if limit is None:
        raise TypeError(f"{column} holds text of any length: give it one, or read it here without a limit")
    return limit


MAX_CRIME_ID = _held(PoliceUkRow.crime_id)  # 80; police.uk's own are 64 characters
MAX_TEXT = _held(PoliceUkText.text)  # 200: a force, location, LSOA, crime type or outcome
# Where a text goes besides police_uk_text: the force to police_uk_holding, the district and crime
# type to crime_figure (the monthly counts). Each is held to the smallest column it is stored in.
LIMITS = {field: MAX_TEXT for field in CODED} | {
    "falls_within": min(MAX_TEXT, _held(PoliceUkHolding.falls_within)),
    "district": min(MAX_TEXT, _held(PoliceUkHolding.district), _held(CrimeFigure.area)),
    "crime_type": min(MAX_TEXT, _held(CrimeFigure.category)),
}

# Coordinates are read as text categories (police.uk snaps them to a few thousand map points) and turned into
# numbers once per distinct value, so "abc" in one row is that row's rejection, not the whole file's.
_DTYPES = {field: "category" for field in FIELDS.values() if field != "crime_id"}
_DTYPES |= {"crime_id": f"S{MAX_CRIME_ID + 1}"}
COORDINATE_BOUNDS = {"longitude": 180.0, "latitude": 90.0}


def heading_key(heading: object) -> str:
    """A heading as compared: case and spacing ignored (" LSOA  Code " is "lsoa code")."""
    return " ".join(str(heading).split()).lower()


_FIELD_OF = {heading_key(h): field for h, field in FIELDS.items()}


def refuse_duplicate_columns(name: str, header: Sequence[object]) -> None:
    """Two columns with the same heading (ignoring case and spaces): which one is meant is a guess."""
    seen: dict[str, int] = {}
    for number, heading in enumerate(header, start=1):
        key = heading_key(heading)
        if not key:
            continue
        if key in seen:
            raise UserError(
                f"{name} has two columns called {str(heading).strip()!r} (columns {seen[key]} and {number}); "
                "CSPDesk cannot tell which one to use. Remove or rename one and import the file again."
            )
        seen[key] = number


def district_of(lsoa_name: str) -> str:
    """The district an LSOA belongs to: its name without the trailing code."""
    return pd.Series([lsoa_name]).str.replace(LSOA_SUFFIX, "", regex=True).iloc[0]


def read_police_uk(
    source: Path | BinaryIO | io.RawIOBase,
    name: str,
    sha256: str,
    districts: Sequence[str] | None = None,
    *,
    header: Sequence[str] | None = None,
    encoding: str = "utf-8-sig",
) -> ImportedFile:
    """Rows ready for ``police_uk_row`` (index = file row number), with rejections and exclusions.

    ``districts``: count only these (matched ignoring case, stored in this spelling); ``None``
    counts every district in the file. ``header``: the file's first row, when the caller has read it
    already (a stream cannot be read twice).
    """
    if header is None:
        header = _first_row(source, encoding)
    refuse_duplicate_columns(name, header)
    used = {h: _FIELD_OF[heading_key(h)] for h in header if heading_key(h) in _FIELD_OF}
    one_pass = isinstance(source, Path) and source.stat().st_size <= ONE_PASS_BYTES
    try:
        parsed = pd.read_csv(
            source,
            usecols=list(used),
            dtype={h: _DTYPES[field] for h, field in used.items()},
            skip_blank_lines=True,
            index_col=False,  # a row longer than the header must not turn the first column into an index
            encoding=encoding,
            # One pass for a file that fits (pandas otherwise joins its pieces' categories, a tenth of
            # the import's CPU on a million rows); otherwise pieces, each checked and cut to the rows kept.
            low_memory=False,
            chunksize=None if one_pass else CHUNK_ROWS,
        )
        pieces = (
            [_check(parsed, name, districts)] if one_pass else [_check(c, name, districts) for c in parsed]
        )
        pieces = pieces or [_empty_piece(used, name, districts)]
    except UnicodeDecodeError as error:
        raise UnreadableEncoding(name, encoding) from error
    except (pd.errors.ParserError, ValueError) as error:
        raise UserError(f"{name} could not be read as a police.uk CSV: {error}") from error
    return _joined(pieces, name, sha256)


class UnreadableEncoding(UserError):
    def __init__(self, name: str, encoding: str):
        self.encoding = encoding
        super().__init__(
            f"{name} is not text CSPDesk can read: part of it "
            f"is not {ENCODING_NAMES.get(encoding, encoding)}. "
            'Open it in Excel and save it as "CSV UTF-8 (Comma delimited)", then import that file.'
        )


ENCODING_NAMES = {
    "utf-8-sig": "UTF-8",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252 (Western European)",
}


def _first_row(source: Path | BinaryIO | io.RawIOBase, encoding: str) -> list[str]:
    assert isinstance(source, Path), "a stream's header is read by the caller"
    with source.open("r", encoding=encoding, errors="replace", newline="") as handle:
        return next(csv.reader(handle), [])


@dataclass
class _Piece:
    frame: pd.DataFrame  # the accepted rows
    rows_read: int
    rejections: list[Rejection]
    excluded: list[ExcludedRows]


def _check(frame: pd.DataFrame, name: str, districts: Sequence[str] | None) -> _Piece:
    """Check one frame (a whole file, or a piece of one) and keep its accepted rows."""
    frame.columns = [_FIELD_OF[heading_key(h)] for h in frame.columns]
    frame.index = frame.index + 2  # the row a user sees in Excel; header is row 1
    rows_read = len(frame)
    heading = {field: h for h, field in FIELDS.items()}
    rejections: list[Rejection] = []

    bad = _bad_months(frame["month"]).to_numpy()
    no_type = frame["crime_type"].isna().to_numpy()
    # Read as fixed-width bytes (no Python string per row: the costliest column of a big file); a
    # value filling the width is longer than the column holds, so it is rejected, not cut short.
    crime_ids = np.asarray(frame["crime_id"].to_numpy(), dtype=f"S{MAX_CRIME_ID + 1}")
    too_long = np.char.str_len(crime_ids) > MAX_CRIME_ID
    nul_id = _nul_inside(crime_ids)
    rejections.extend(
        Rejection(
            name, int(r), heading["month"], f"{frame.at[r, 'month']!r} is not a month in the form YYYY-MM"
        )
        for r in frame.index[bad]
    )
    rejections.extend(
        Rejection(name, int(r), heading["crime_type"], "the crime type is empty")
        for r in frame.index[no_type]
    )
    rejections.extend(
        Rejection(name, int(r), heading["crime_id"], f"the Crime ID is longer than {MAX_CRIME_ID} characters")
        for r in frame.index[too_long]
    )
    rejections.extend(
        Rejection(
            name, int(r), heading["crime_id"], "the Crime ID contains a NUL character, which cannot be stored"
        )
        for r in frame.index[nul_id & ~too_long]
    )
    rejected = bad | no_type | too_long | nul_id
    for field, bound in COORDINATE_BOUNDS.items():
        values, unfit = _coordinates(frame[field], bound)
        rejections.extend(
            Rejection(
                name,
                int(r),
                heading[field],
                f"{frame.at[r, field]!r} is not a {field} (a number from -{bound:g} to {bound:g})",
            )
            for r in frame.index[unfit & ~rejected]
        )
        rejected |= unfit
        frame[field] = values
    for field in CODED:
        if field == "district":
            continue  # not in the file: worked out from the LSOA name below
        unfit, messages = _unstorable_rows(frame[field], LIMITS[field], f"the {heading[field]}")
        rejections.extend(
            Rejection(name, int(r), heading[field], messages[code])
            for r, code in zip(frame.index[unfit], frame[field].cat.codes.to_numpy()[unfit], strict=True)
        )
        rejected |= unfit

    frame["district"] = _districts(frame["lsoa_name"], districts)
    unfit, messages = _unstorable_rows(
        frame["district"], LIMITS["district"], "the district (from the LSOA name)"
    )
    unfit &= ~rejected
    rejections.extend(
        Rejection(name, int(r), heading["lsoa_name"], messages[code])
        for r, code in zip(frame.index[unfit], frame["district"].cat.codes.to_numpy()[unfit], strict=True)
    )
    rejected |= unfit
    no_lsoa = frame["lsoa_name"].isna().to_numpy() & ~rejected
    outside = frame["district"].isna().to_numpy() & ~no_lsoa & ~rejected
    excluded = [
        _excluded("no LSOA, so no district", frame, no_lsoa, "location"),
        _excluded("outside the configured districts", frame, outside, "lsoa_name"),
    ]
    kept = frame[~(rejected | no_lsoa | outside)].copy()
    # Fixed-width bytes to text now, piece by piece: converting the joined file at the end held the bytes
    # twice and the text once at the same moment (~280 bytes a row at the peak instead of ~130).
    kept["crime_id"] = _texts(kept["crime_id"].to_numpy(), kept.index)
    return _Piece(kept, rows_read, rejections, excluded)


def _empty_piece(used: dict[str, str], name: str, districts: Sequence[str] | None) -> _Piece:
    """A file with a header and no rows, checked like any other."""
    empty = pd.DataFrame({h: pd.Series([], dtype=_DTYPES[field]) for h, field in used.items()})
    return _check(empty, name, districts)


def _joined(pieces: list[_Piece], name: str, sha256: str) -> ImportedFile:
    """One result from a file's pieces: categories united, rejections and exclusions added up."""
    frames = [p.frame for p in pieces]
    if len(frames) == 1:
        frame = frames[0]
    else:
        index = pd.Index(np.concatenate([f.index.to_numpy() for f in frames]))
        frame = pd.DataFrame(
            {
                column: pd.Series(union_categoricals([f[column] for f in frames]), index=index)
                if isinstance(frames[0][column].dtype, pd.CategoricalDtype)
                # dtype given: pandas would otherwise read an object column of text as its string type
                else pd.Series(
                    np.concatenate([f[column].to_numpy() for f in frames]),
                    index=index,
                    dtype=frames[0][column].dtype,
                )
                for column in frames[0].columns
            }
        )
    rejections = sorted((r for p in pieces for r in p.rejections), key=lambda r: r.row or 0)
    excluded = []
    for number, first in enumerate(pieces[0].excluded):
        parts = [p.excluded[number] for p in pieces]
        examples = [x for e in parts for x in e.examples][:EXAMPLES]
        excluded.append(ExcludedRows(first.reason, sum(e.count for e in parts), examples))
    return ImportedFile(
        file=name,
        kind=FileKind.POLICE_UK,
        sha256=sha256,
        rows=frame,
        rows_read=sum(p.rows_read for p in pieces),
        rejections=rejections,
        excluded=excluded,
    )


def _coordinates(column: pd.Series, bound: float) -> tuple[np.ndarray, np.ndarray]:
    """A coordinate column as numbers (NaN where blank), and the rows whose text is not a coordinate."""
    texts = pd.Series(column.cat.categories.astype(str)).str.strip()
    numbers = pd.to_numeric(texts, errors="coerce").to_numpy(dtype=np.float64)
    unfit = ~np.isfinite(numbers) | (np.abs(numbers) > bound)
    codes = column.cat.codes.to_numpy()
    values = np.append(numbers, np.nan)[codes]  # code -1 (blank) takes the NaN at the end
    return values, np.append(unfit, False)[codes]


def _nul_inside(values: np.ndarray) -> np.ndarray:
    """Fixed-width bytes holding a NUL before their last character (numpy pads with NULs, and its own
    string searches cannot tell a NUL inside a value from the padding)."""
    if not len(values) or values.itemsize == 0:
        return np.zeros(len(values), dtype=bool)
    zero = values.view(np.uint8).reshape(len(values), values.itemsize) == 0
    first_zero = np.where(zero.any(axis=1), zero.argmax(axis=1), values.itemsize)
    return first_zero < np.char.str_len(values)


def _unstorable_rows(column: pd.Series, limit: int | None, label: str) -> tuple[np.ndarray, dict[int, str]]:
    """Rows whose text the database cannot hold (``field_limits.text_problem``: too long or a NUL),
    and the message per category code. Checked once per distinct value, not once per row."""
    messages = {
        code: problem
        for code, value in enumerate(column.cat.categories.astype(str))
        if (problem := text_problem(value, limit, label))
    }
    codes = column.cat.codes.to_numpy()
    if not messages:
        return np.zeros(len(codes), dtype=bool), messages
    return np.isin(codes, list(messages)), messages


def _texts(raw: np.ndarray, index: pd.Index) -> pd.Series:
    """Fixed-width bytes as text, ``None`` where blank."""
    return pd.Series(
        [value.decode("utf-8", "replace") or None for value in raw.tolist()], index=index, dtype=object
    )


def police_rows(frame: pd.DataFrame) -> PoliceRows:
    """Accepted rows (as ``read_police_uk`` leaves them) column by column, for the store."""

    def coded(name: str) -> CodedColumn:
        column = frame[name].cat.remove_unused_categories()
        return CodedColumn(column.cat.categories.astype(str).tolist(), column.cat.codes.to_numpy())

    crime = frame["crime_id"]
    crime_ids = crime.to_numpy(dtype=object, copy=True)
    crime_ids[crime.isna().to_numpy()] = None
    return PoliceRows(
        crime_id=crime_ids,
        month=coded("month"),
        longitude=frame["longitude"].to_numpy(dtype=np.float64),
        latitude=frame["latitude"].to_numpy(dtype=np.float64),
        **{name: coded(name) for name in CODED},
    )


def _bad_months(month: pd.Series) -> pd.Series:
    # Checked once per distinct value (a file has one or a few months), not once per row.
    categories = month.cat.categories
    good = pd.Series(categories.astype(str)).str.match(MONTH_PATTERN).to_numpy()
    codes = month.cat.codes.to_numpy()
    ok = np.where(codes >= 0, good[codes] if len(good) else False, False)
    return pd.Series(~ok, index=month.index)


def _districts(lsoa_name: pd.Series, districts: Sequence[str] | None) -> pd.Categorical:
    """District per row as a category; rows outside ``districts`` (or without an LSOA) get NaN."""
    names = pd.Series(lsoa_name.cat.categories.astype(str)).str.replace(LSOA_SUFFIX, "", regex=True)
    if districts is not None:
        spelling = {d.strip().lower(): d for d in districts}
        names = names.str.lower().map(spelling)
    labels = pd.Index(names.dropna().unique())
    per_category = labels.get_indexer(names)  # -1 where outside
    codes = lsoa_name.cat.codes.to_numpy()
    row_codes = np.where(codes >= 0, per_category[codes] if len(per_category) else -1, -1)
    return pd.Categorical.from_codes(row_codes, categories=labels)


def _excluded(reason: str, frame: pd.DataFrame, mask: pd.Series, shown: str) -> ExcludedRows:
    rows = frame.index[mask]
    examples = [
        f"row {r}: {frame.at[r, shown] if pd.notna(frame.at[r, shown]) else '(blank)'}"
        for r in rows[:EXAMPLES]
    ]
    return ExcludedRows(reason=reason, count=len(rows), examples=examples)
