"""Change capture in a working copy: every insert, per-field update and delete, journalled in the same
transaction as the change, with its author (the unit of work's user) and time (the app clock).

Two ways rows change, so two hooks on the copy's sessions:
- the ORM unit of work (``session.add``, attribute changes, ``session.delete``): ``before_flush`` reads the
  value each changed field had (the copy's value before this change) and the row's version, ``after_flush``
  reads the inserted rows once their keys and defaults are set;
- statements run through the session (``session.execute(insert(X), rows)``, ``update(X).where(...)``,
  ``delete(X).where(...)``: mail merges, chronology lines, the audit log): ``do_orm_execute`` fills an
  insert's defaults first (so the journal and the table hold the same ids), and reads the rows an update or
  delete touches before and after.
Writes that bypass the session (bulk loads of demo data and crime figures) are not journalled: those tables
are not brought back (``values.NOT_JOURNALLED``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Delete, Table, Update, and_, event, func, insert, inspect, select
from sqlalchemy.engine import Engine, Result
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker
from sqlalchemy.schema import ColumnDefault

from cspdesk.core.clock import current as current_clock
from cspdesk.core.storage.models import ChangeJournal, WorkingCopyInfo
from cspdesk.core.sync.values import BOOKKEEPING, encode, encode_row, journalled, key_clause, row_key, table

_PENDING = "cspdesk_journal_pending"


def is_working_copy(engine: Engine) -> bool:
    """True if this database is a working copy (it holds a ``working_copy_info`` row)."""
    if engine.dialect.name != "sqlite":
        return False  # copies are always local files
    try:
        with engine.connect() as conn:
            return conn.execute(select(WorkingCopyInfo.copy_id).limit(1)).first() is not None
    except DBAPIError:
        return False  # not set up yet, or opened without migrating


def attach_if_working_copy(sessions: sessionmaker[Session], engine: Engine) -> bool:
    if not is_working_copy(engine):
        return False
    attach(sessions)
    return True


def attach(sessions: sessionmaker[Session]) -> None:
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _on_execute)


def _author(session: Session) -> str:
    return session.info.get("username") or "unknown"


def _entry(
    session: Session, table_name: str, key: str, op: str, values: dict[str, Any], base_version: int | None
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "table_name": table_name,
        "row_key": key,
        "op": op,
        "values": values,
        "base_version": base_version,
        "author": _author(session),
        "at": current_clock().utcnow(),
    }


def _before_flush(session: Session, _ctx: UOWTransaction, _instances: object) -> None:
    pending: list[dict[str, Any]] = session.info.setdefault(_PENDING, [])
    for obj in list(session.dirty):
        state = inspect(obj)
        tbl = state.mapper.local_table
        if not journalled(tbl.name) or not session.is_modified(obj, include_collections=False):
            continue
        changes: dict[str, list[Any]] = {}
        row = None
        for prop in state.mapper.column_attrs:
            col = prop.columns[0]
            if col.name in BOOKKEEPING or col.table is not tbl:
                continue
            hist = state.attrs[prop.key].history
            if not hist.has_changes():
                continue
            new = hist.added[0] if hist.added else None
            if hist.deleted:
                old = hist.deleted[0]
            else:  # the old value was never loaded: ask the database, which still holds it
                if row is None:
                    row = _row_now(session, tbl, {c.name: getattr(obj, c.key, None) for c in tbl.primary_key})
                old = row.get(col.name) if row else None
            a, b = encode(col, old), encode(col, new)
            if a != b:
                changes[col.name] = [a, b]
        if changes:
            version = state.attrs.version.loaded_value if "version" in state.mapper.attrs else None
            base = version if isinstance(version, int) else None
            key = row_key(tbl, {c.name: getattr(obj, c.key) for c in tbl.primary_key})
            pending.append(_entry(session, tbl.name, key, "update", changes, base))
    for obj in list(session.deleted):
        state = inspect(obj)
        tbl = state.mapper.local_table
        if not journalled(tbl.name):
            continue
        ident = {c.name: getattr(obj, c.key) for c in tbl.primary_key}
        old = _row_now(session, tbl, ident) or {}
        pending.append(
            _entry(session, tbl.name, row_key(tbl, ident), "delete", encode_row(tbl, old), old.get("version"))
        )


def _row_now(session: Session, tbl: Table, ident: dict[str, Any]) -> dict[str, Any] | None:
    clause = and_(*(c == ident[c.name] for c in tbl.primary_key.columns))
    r = session.connection().execute(select(tbl).where(clause)).mappings().first()
    return dict(r) if r else None


def _after_flush(session: Session, _ctx: UOWTransaction) -> None:
    pending: list[dict[str, Any]] = session.info.setdefault(_PENDING, [])
    for obj in list(session.new):
        state = inspect(obj)
        tbl = state.mapper.local_table
        if not journalled(tbl.name):
            continue
        values: dict[str, Any] = {}
        for prop in state.mapper.column_attrs:
            col = prop.columns[0]
            if col.table is tbl:
                values[col.name] = encode(col, state.dict.get(prop.key))
        pending.append(_entry(session, tbl.name, row_key(tbl, values), "insert", values, None))
    _write(session)


def _write(session: Session) -> None:
    pending: list[dict[str, Any]] = session.info.get(_PENDING) or []
    if not pending:
        return
    conn = session.connection()
    seq = conn.execute(select(func.coalesce(func.max(ChangeJournal.seq), 0))).scalar_one()
    for e in pending:
        seq += 1
        e["seq"] = seq
    conn.execute(insert(table(ChangeJournal.__tablename__)), pending)
    session.info[_PENDING] = []


def _on_execute(state: ORMExecuteState) -> Result[Any] | None:
    stmt = state.statement
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    tbl = getattr(stmt, "table", None)
    if tbl is None or not journalled(getattr(tbl, "name", "")):
        return None
    session = state.session
    pending: list[dict[str, Any]] = session.info.setdefault(_PENDING, [])
    if state.is_insert:
        params = state.parameters
        rows: list[Mapping[str, Any]] = []
        if isinstance(params, list):  # many rows
            rows = list(params)
        elif isinstance(params, Mapping) and params:  # one
            rows = [params]
        filled = [_with_defaults(tbl, dict(r)) for r in rows]
        result = state.invoke_statement(params=filled if isinstance(params, list) else filled[0])
        for f in filled:
            values = encode_row(tbl, {c.name: f.get(c.name) for c in tbl.columns})
            pending.append(_entry(session, tbl.name, row_key(tbl, values), "insert", values, None))
        _write(session)
        return result
    if not isinstance(stmt, Update | Delete):  # is_update or is_delete: it is one of them
        return None
    where = stmt.whereclause
    before = (
        session.connection()
        .execute(select(tbl).where(where) if where is not None else select(tbl))
        .mappings()
        .all()
    )
    if state.is_delete:
        for r in before:
            row = dict(r)
            pending.append(
                _entry(
                    session, tbl.name, row_key(tbl, row), "delete", encode_row(tbl, row), row.get("version")
                )
            )
        result = state.invoke_statement()
        _write(session)
        return result
    result = state.invoke_statement()
    for r in before:
        old = dict(r)
        key = row_key(tbl, old)
        new = session.connection().execute(select(tbl).where(key_clause(tbl, key))).mappings().first()
        if new is None:
            continue
        changes = {}
        for c in tbl.columns:
            if c.name in BOOKKEEPING:
                continue
            a, b = encode(c, old[c.name]), encode(c, new[c.name])
            if a != b:
                changes[c.name] = [a, b]
        if changes:
            pending.append(_entry(session, tbl.name, key, "update", changes, old.get("version")))
    _write(session)
    return result


def _with_defaults(tbl: Table, row: dict[str, Any]) -> dict[str, Any]:
    """An insert's row with the column defaults the database would have filled
    in (ids, timestamps, version)."""
    for c in tbl.columns:
        if c.name in row or c.default is None:
            continue
        d = c.default
        # A Python value or function only (a sequence or SQL expression is the database's to fill in).
        if not isinstance(d, ColumnDefault) or d.is_sequence or d.is_clause_element:
            continue
        row[c.name] = d.arg(None) if d.is_callable else d.arg
    return row
