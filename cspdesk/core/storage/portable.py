"""The few expressions whose SQL differs between SQLite and PostgreSQL, so services stay dialect-free."""

from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import ColumnElement, String, cast, text, type_coerce
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import QueryableAttribute, Session


def uuid_as_text(column: ColumnElement[Any] | QueryableAttribute[Any], engine: Engine) -> ColumnElement[str]:
    """A UUID column fetched as its stored text, skipping the driver's UUID objects (cheap for 100,000
    ids): SQLite keeps 32 hex digits, so no conversion is needed; PostgreSQL's native ``uuid`` is cast
    to its dashed text form."""
    if engine.dialect.name == "sqlite":
        return type_coerce(column, String)
    return cast(column, String)


def one_at_a_time(session: Session | Connection, name: str) -> None:
    """Until this transaction ends, any other transaction calling this with the same ``name`` waits.

    For numbering: the next reference is the highest so far plus one, so two people saving a new case
    at the same moment on a shared server would otherwise both read the same highest and take the same
    number. On PostgreSQL this takes a transaction-level advisory lock (released by the commit or
    rollback). SQLite needs nothing: a SQLite file is one person's database, and a rare collision
    there is refused by the unique index and the person asked to try again (``UnitOfWork``).
    """
    dialect = session.get_bind().dialect if isinstance(session, Session) else session.dialect
    if dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(name.encode())})


def ordered(column: QueryableAttribute[Any], descending: bool, engine: Engine) -> ColumnElement[Any]:
    """``column`` in ORDER BY with blanks (NULL) where SQLite puts them on every database: first going
    up, last going down. PostgreSQL's default is the opposite; a NOT NULL column is left plain so the
    server can still read it in order from an index."""
    clause = column.desc() if descending else column.asc()
    if engine.dialect.name == "sqlite" or not column.expression.nullable:
        return clause
    return clause.nulls_last() if descending else clause.nulls_first()
