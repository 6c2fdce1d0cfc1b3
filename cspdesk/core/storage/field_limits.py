"""Refuse text that a column cannot hold before the database sees it, in the user's words.

SQLite stores a string of any length in a ``VARCHAR(120)``; PostgreSQL refuses it (and any text with
a NUL character) with an error no user should see. One rule, ``text_problem``, decides; it is applied
on every write path:

* the ORM: ``check_text_fits``, a ``before_flush`` hook on the unit of work's sessions;
* Core and ORM bulk statements (``session.execute(insert(Model), rows)``): ``check_statement``, a
  ``before_execute`` hook on every engine, checks each row's values against the table's columns;
* the sqlite3 driver fast path (``storage/bulk.insert_rows``): ``check_grid``;
* the importers, which reject a file's row with the same rule (``text_problem``) before it gets this
  far, so one bad cell costs one row, not the whole file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import String, Table, event, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapper, Session, UOWTransaction
from sqlalchemy.sql import Executable
from sqlalchemy.sql.dml import Insert, Update

from cspdesk.core.errors import ValidationError

NUL = "\x00"


def text_problem(value: str, limit: int | None, label: str) -> str | None:
    """What is wrong with storing ``value`` in a column holding ``limit`` characters (None: any), or None.

    The one rule: no more characters than the column holds, and no NUL character."""
    if limit is not None and len(value) > limit:
        return f"{label} is too long: at most {limit:,} characters, this has {len(value):,}"
    if NUL in value:
        return f"{label} contains a NUL character, which cannot be stored"
    return None


def limit_of(column: Any) -> int | None:
    """The most characters a mapped attribute (``CrimeFigure.area``) or Core column holds (None: any)."""
    if hasattr(column, "property"):
        column = column.property.columns[0]
    return getattr(column.type, "length", None)


@cache
def _text_columns(mapper: Mapper[Any]) -> dict[str, int | None]:
    """Attribute name -> the most characters its column holds (None: any number) for text columns."""
    out: dict[str, int | None] = {}
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if isinstance(column.type, String):
            out[attr.key] = column.type.length
    return out


@cache
def table_text_columns(table: Table) -> dict[str, int | None]:
    """Column name -> limit for the table's text columns."""
    return {c.key: c.type.length for c in table.columns if isinstance(c.type, String)}


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def check_text_fits(session: Session, _flush_context: UOWTransaction, _instances: object) -> None:
    problems: dict[str, str] = {}
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        columns = _text_columns(state.mapper)
        # A changed row: only what changed (older rows may have been written before the rule).
        keys = columns if state.key is None else columns.keys() & state.committed_state.keys()
        for key in keys:
            value = state.dict.get(key)
            if not isinstance(value, str):
                continue
            problem = text_problem(value, columns[key], _label(key))
            if problem:
                fix = "Shorten it and save again." if "too long" in problem else "Remove it."
                problems[key] = f"{problem}. {fix}"
    if problems:
        raise ValidationError(problems)


def check_rows_fit(model: type, rows: list[dict[str, Any]]) -> None:
    """``check_text_fits`` for rows written with a Core INSERT (no ORM object to look at): the same rule."""
    table = model.__table__  # type: ignore[attr-defined]
    check_values(table, {name: [row.get(name) for row in rows] for name in table_text_columns(table)})


def check_values(table: Table, columns: Mapping[str, Iterable[Any]]) -> None:
    """Raise ``ValidationError`` if any text value in ``columns`` (name -> values) breaks the rule.

    The common case (nothing wrong) is checked at C speed, so a million-row import pays milliseconds."""
    limits = table_text_columns(table)
    for name, values in columns.items():
        if name not in limits:
            continue
        texts = [v for v in values if isinstance(v, str)]
        if not texts:
            continue
        limit = limits[name]
        if (limit is None or max(map(len, texts)) <= limit) and NUL not in "".join(texts):
            continue
        for value in texts:
            problem = text_problem(value, limit, f"{_label(name)} ({table.name})")
            if problem:
                raise ValidationError({name: f"{problem}; nothing was saved."})


def check_grid(table: Table, names: Sequence[str], grid: Any) -> None:
    """``storage.bulk``'s rows: a 2-D array, one column per name."""
    limits = table_text_columns(table)
    check_values(table, {name: grid[:, i].tolist() for i, name in enumerate(names) if name in limits})


def _rows_of(multiparams: Sequence[Any], params: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    rows: list[Mapping[str, Any]] = []
    for item in multiparams:
        if isinstance(item, Mapping):
            rows.append(item)
        elif isinstance(item, list | tuple):
            rows.extend(r for r in item if isinstance(r, Mapping))
    if params:
        rows.append(params)
    return rows


@event.listens_for(Engine, "before_execute")
def check_statement(
    _conn: Connection,
    clauseelement: Executable,
    multiparams: Sequence[Any],
    params: Mapping[str, Any] | None,
    _execution_options: Mapping[str, Any],
) -> None:
    """Every Core INSERT/UPDATE with values in parameters (bulk inserts included)."""
    if not isinstance(clauseelement, Insert | Update) or not isinstance(clauseelement.table, Table):
        return
    table = clauseelement.table
    limits = table_text_columns(table)
    if not limits:
        return
    rows = _rows_of(multiparams, params)
    # Values given in the statement itself (insert(...).values(...)).
    inline = getattr(clauseelement, "_values", None) or {}
    fixed: dict[str, Any] = {
        str(getattr(k, "key", k)): getattr(v, "value", None) for k, v in dict(inline).items()
    }
    if fixed:
        rows.append(fixed)
    if rows:
        check_values(table, {name: [r.get(name) for r in rows] for name in limits})
