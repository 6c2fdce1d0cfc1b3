"""Fast paths for police.uk rows: a million rows must go in within seconds, not minutes.

The ORM (and even Core ``insert()`` with dicts) spends more time building parameters than SQLite
spends storing them, so rows are passed to the driver's ``executemany`` as plain tuples, in
chunks, inside the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from cspdesk.core.storage.models.figures import PoliceUkRow

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

COLUMNS = (
    "crime_id",
    "month",
    "reported_by",
    "falls_within",
    "longitude",
    "latitude",
    "location",
    "lsoa_code",
    "lsoa_name",
    "district",
    "crime_type",
    "last_outcome",
)
CHUNK = 50_000  # rows per executemany: bounds the extra memory of Python tuples
_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _as_python(series: pd.Series) -> np.ndarray:
    """An object array with None for missing values, the cheap way for category columns."""
    import numpy as np  # here, not at the top: the window imports this module and must start fast

    if hasattr(series, "cat"):
        # Indexing by the codes, with None appended so code -1 (missing) lands on it.
        lookup = np.array([*series.cat.categories.astype(str), None], dtype=object)
        return lookup[series.cat.codes.to_numpy()]
    values = series.to_numpy(dtype=object)
    missing = series.isna().to_numpy()
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values


def insert_police_rows(session: Session, rows: pd.DataFrame, import_id: uuid.UUID) -> int:
    connection = session.connection()
    dialect = connection.dialect
    table = PoliceUkRow.__table__
    # The stored form of the UUID differs by database (hex text in SQLite, native in PostgreSQL).
    processor = table.c.import_id.type.bind_processor(dialect)
    stored_id = processor(import_id) if processor else import_id
    placeholder = _PLACEHOLDER.get(dialect.paramstyle)
    names = ("import_id", *COLUMNS)
    # In index order, the (district, month, crime_type) index is appended to rather than updated
    # all over: measured ~25% faster on a million-row file, and later reads touch fewer pages.
    rows = rows.sort_values(["district", "month", "crime_type"], kind="stable")
    columns = [_as_python(rows[name]) for name in COLUMNS]
    if placeholder is None:  # an unusual driver: let SQLAlchemy build the statement
        records = [
            dict(zip(names, (import_id, *values), strict=True)) for values in zip(*columns, strict=True)
        ]
        connection.execute(table.insert(), records)
        return len(records)
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join([placeholder] * len(names))})"
    total = len(rows)
    with _larger_sqlite_cache(connection):
        for start in range(0, total, CHUNK):
            chunk = [column[start : start + CHUNK] for column in columns]
            ids = [stored_id] * len(chunk[0])
            connection.exec_driver_sql(sql, list(zip(ids, *chunk, strict=True)))
    return total


@contextmanager
def _larger_sqlite_cache(connection: Connection) -> Iterator[None]:
    """SQLite's default 2 MB page cache thrashes while two indexes grow by a million entries.

    ``cache_size`` is a per-connection tuning knob, not data or transaction state, so it is raised
    for the insert (pages are only allocated as used) and put back afterwards.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql("PRAGMA cache_size = -131072")  # negative: KiB, so 128 MB at most
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")


def police_counts_for_months(session: Session, months: Sequence[str]) -> list[tuple[str, str, str, int]]:
    """``(month, district, crime_type, count)`` over every kept row in ``months`` (all forces)."""
    rows = session.execute(
        select(PoliceUkRow.month, PoliceUkRow.district, PoliceUkRow.crime_type, func.count())
        .where(PoliceUkRow.month.in_(list(months)), PoliceUkRow.district.is_not(None))
        .group_by(PoliceUkRow.month, PoliceUkRow.district, PoliceUkRow.crime_type)
    ).all()
    return [(m, d, c, int(n)) for m, d, c, n in rows]
