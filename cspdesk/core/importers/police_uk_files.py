"""police.uk street-level crime files: read fast, attribute each row to a district, report the rest.

A month of one force is ~10,000 rows, but a year or a bulk download runs to millions, so the file
is read once with fixed dtypes (categories for the repeated text) and every check is vectorised.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from cspdesk.core.errors import UserError
from cspdesk.core.figures.months import MONTH_PATTERN
from cspdesk.core.figures.police_rows import CODED, CodedColumn, PoliceRows
from cspdesk.core.importers.figures_results import ExcludedRows, FileKind, ImportedFile, Rejection

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
ONE_PASS_BYTES = 400_000_000  # ~2 million rows
MAX_CRIME_ID = 80  # police_uk_row.crime_id; police.uk's own are 64 characters
MAX_TEXT = 200  # police_uk_text.text: a force, location, LSOA, crime type or outcome

_DTYPES = {heading: "category" for heading in FIELDS if heading not in ("Crime ID", "Longitude", "Latitude")}
_DTYPES |= {"Crime ID": f"S{MAX_CRIME_ID + 1}", "Longitude": "float64", "Latitude": "float64"}


def district_of(lsoa_name: str) -> str:
    """The district an LSOA belongs to: its name without the trailing code."""
    return pd.Series([lsoa_name]).str.replace(LSOA_SUFFIX, "", regex=True).iloc[0]


def read_police_uk(
    source: Path | BinaryIO, name: str, sha256: str, districts: Sequence[str] | None = None
) -> ImportedFile:
    """Rows ready for ``police_uk_row`` (index = file row number), with rejections and exclusions.

    ``districts``: count only these (matched ignoring case, stored in this spelling); ``None``
    counts every district in the file.
    """
    wanted = {heading.lower(): heading for heading in FIELDS}
    try:
        frame = pd.read_csv(
            source,
            usecols=lambda h: h.strip().lower() in wanted,
            dtype=_lower_keyed(_DTYPES),
            skip_blank_lines=True,
            encoding="utf-8-sig",
            # One pass: pandas otherwise parses ~65,000 rows at a time and then joins the pieces'
            # categories, a tenth of the import's CPU on a million rows, for ~2.4× the file in memory
            # at the peak instead of ~1.3×. Files past ONE_PASS_BYTES are still read in pieces.
            low_memory=isinstance(source, Path) and source.stat().st_size > ONE_PASS_BYTES,
        )
    except (pd.errors.ParserError, ValueError) as error:
        raise UserError(f"{name} could not be read as a police.uk CSV: {error}") from error
    frame.columns = [FIELDS[wanted[h.strip().lower()]] for h in frame.columns]
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # the row a user sees in Excel; header is row 1
    rows_read = len(frame)
    heading = {field: h for h, field in FIELDS.items()}
    rejections: list[Rejection] = []

    bad = _bad_months(frame["month"]).to_numpy()
    no_type = frame["crime_type"].isna().to_numpy()
    # Read as fixed-width bytes (no Python string per row: the costliest column of a big file); a
    # value filling the width is longer than the column holds, so it is rejected, not cut short.
    too_long = np.char.str_len(frame["crime_id"].to_numpy()) > MAX_CRIME_ID
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
    rejected = bad | no_type | too_long
    for field in CODED:
        if field == "district":
            continue  # not in the file: worked out from the LSOA name below
        unfit = _unstorable_rows(frame[field])
        rejections.extend(
            Rejection(
                name, int(r), heading[field], f"the {heading[field]} is longer than {MAX_TEXT} characters"
            )
            for r in frame.index[unfit]
        )
        rejected |= unfit

    frame["district"] = _districts(frame["lsoa_name"], districts)
    no_lsoa = frame["lsoa_name"].isna().to_numpy() & ~rejected
    outside = frame["district"].isna().to_numpy() & ~no_lsoa & ~rejected
    excluded = [
        _excluded("no LSOA, so no district", frame, no_lsoa, "location"),
        _excluded("outside the configured districts", frame, outside, "lsoa_name"),
    ]
    frame = frame[~(rejected | no_lsoa | outside)]
    frame["crime_id"] = _texts(frame["crime_id"].to_numpy(), frame.index)
    rejections.sort(key=lambda r: r.row or 0)
    return ImportedFile(
        file=name,
        kind=FileKind.POLICE_UK,
        sha256=sha256,
        rows=frame,
        rows_read=rows_read,
        rejections=rejections,
        excluded=excluded,
    )


def _unstorable_rows(column: pd.Series) -> np.ndarray:
    """Rows whose text is longer than police_uk_text holds (PostgreSQL would refuse the whole file)."""
    # Checked once per distinct value, not once per row.
    long = np.asarray(column.cat.categories.astype(str).str.len() > MAX_TEXT)
    codes = column.cat.codes.to_numpy()
    return np.append(long, False)[codes] if long.any() else np.zeros(len(codes), dtype=bool)


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


def _lower_keyed(dtypes: dict) -> dict:
    # read_csv matches dtype keys to the file's headings exactly; police.uk spells them one way,
    # but a re-saved file may not, so offer both spellings.
    return dtypes | {k.lower(): v for k, v in dtypes.items()}


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
