"""Refreshing a working copy from the office: what the office changed since the copy was taken, pulled in.

The office's rows for the copy's wards are read again (as when it was taken). A row the copy does not have is
added (a case opened in the office since); a row the office changed is updated in the copy, except the fields
the copy changed itself (in its journal): those keep the copy's value, and bringing the copy back still
compares them with the office, so a clash is still a conflict. Rows the copy made or removed are left alone.

A row the copy holds that the office no longer gives it (deleted there, or out of the copy's scope: a case
moved to another ward, closed when the copy holds open cases, a referral restricted) is removed from the copy,
with everything hanging off it, unless the copy has unsent changes on it (or on a row that needs it): then it
is kept, and listed in plain words (``Kept``) so the officer knows bringing the copy back will ask about it.
Written on a plain connection, so nothing here enters the copy's journal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, bindparam, or_, select, update

from cspdesk.core.storage.models import Base, ChangeJournal
from cspdesk.core.sync.take import WHOLE
from cspdesk.core.sync.values import BOOKKEEPING, decode, encode, key_clause, row_key

CHUNK = 500


@dataclass(frozen=True)
class Kept:
    """A row the office no longer gives the copy, kept because the copy has unsent work on it."""

    table_name: str
    key: str
    row: dict[str, Any]
    changed_here: bool  # the copy changed this row itself (else: a row the copy made or changed needs it)


@dataclass
class Refreshed:
    added: int = 0
    updated: int = 0
    removed: int = 0
    kept: list[Kept] = field(default_factory=list)


def _copy_rows(copy: Connection, tbl: Table, raw: bool) -> dict[str, dict[str, Any]]:
    if raw:
        names = [c.name for c in tbl.columns]
        result = copy.exec_driver_sql(f"SELECT {', '.join(names)} FROM {tbl.name}")
        return {
            row_key(tbl, dict(zip(names, r, strict=True))): dict(zip(names, r, strict=True)) for r in result
        }
    return {row_key(tbl, dict(r)): dict(r) for r in copy.execute(select(tbl)).mappings()}


def _remove_gone(
    copy: Connection,
    rows: dict[str, list[dict]],
    raw: bool,
    changed: set[tuple[str, str]],
    made: set[tuple[str, str]],
    out: Refreshed,
) -> None:
    """Remove from the copy the rows of its scope that the office no longer gives it, except rows the copy
    changed (with what hangs off them) and the rows that anything staying refers to: those are kept, and the
    ones changed here or needed by the copy's own work listed in ``out.kept``."""
    scoped = [t for t in Base.metadata.sorted_tables if t.name in rows and t.name not in WHOLE]
    gone: dict[str, dict[str, dict[str, Any]]] = {}
    keep: dict[str, set[str]] = {}  # rows changed here, and the rows hanging off them (parents first)
    for tbl in scoped:
        office = {row_key(tbl, r) for r in rows[tbl.name]}
        have = _copy_rows(copy, tbl, raw)
        gone[tbl.name] = {k: r for k, r in have.items() if k not in office and (tbl.name, k) not in made}
        mine = keep.setdefault(tbl.name, set())
        for k, r in gone[tbl.name].items():
            if (tbl.name, k) in changed:
                mine.add(k)
                out.kept.append(Kept(tbl.name, k, r, True))
            elif any(
                r.get(fk.parent.name) is not None
                and str(encode(fk.parent, r[fk.parent.name])) in keep.get(fk.column.table.name, ())
                for fk in tbl.foreign_keys
                if fk.column.table is not tbl
            ):
                mine.add(k)
    # Children first: a row staying (in the copy's scope or any other table) keeps the rows it refers to.
    needed: dict[str, set[str]] = {}
    names = {t.name for t in scoped}
    for tbl in reversed(Base.metadata.sorted_tables):
        if tbl.name in WHOLE or (
            tbl.name not in names and not any(fk.column.table.name in names for fk in tbl.foreign_keys)
        ):
            continue
        going = {
            k
            for k in gone.get(tbl.name, {})
            if k not in keep.get(tbl.name, ()) and k not in needed.get(tbl.name, ())
        }
        for k in sorted(gone.get(tbl.name, {})):
            if k in needed.get(tbl.name, ()) and k not in keep.get(tbl.name, ()):
                out.kept.append(Kept(tbl.name, k, gone[tbl.name][k], False))
        have = _copy_rows(copy, tbl, raw)
        while True:  # a row staying that refers to another of this table (a parent notice) keeps it too
            refs = {
                str(encode(fk.parent, r[fk.parent.name]))
                for k, r in have.items()
                if k not in going
                for fk in tbl.foreign_keys
                if fk.column.table is tbl and r.get(fk.parent.name) is not None
            }
            if not going & refs:
                break
            going -= refs
        for k, r in have.items():
            if k in going:
                continue
            for fk in tbl.foreign_keys:
                value = r.get(fk.parent.name)
                if value is not None and fk.column.table is not tbl:
                    needed.setdefault(fk.column.table.name, set()).add(str(encode(fk.parent, value)))
        keys = sorted(going)
        for i in range(0, len(keys), CHUNK):
            part = keys[i : i + CHUNK]
            if len(tbl.primary_key.columns) == 1:
                col = next(iter(tbl.primary_key.columns))
                copy.execute(tbl.delete().where(col.in_([decode(col, k) for k in part])))
            else:
                copy.execute(tbl.delete().where(or_(*[key_clause(tbl, k) for k in part])))
        out.removed += len(keys)


def refresh(copy: Connection, rows: dict[str, list[dict]], *, raw: bool) -> Refreshed:
    """Bring ``rows`` (``take.gather`` + ``trim_foreign_keys`` on the office) into the copy: rows added and
    updated, rows the office no longer gives the copy removed (or kept and listed)."""
    mine: dict[tuple[str, str], set[str]] = {}
    made_or_removed: set[tuple[str, str]] = set()
    made: set[tuple[str, str]] = set()
    for e in copy.execute(
        select(ChangeJournal.table_name, ChangeJournal.row_key, ChangeJournal.op, ChangeJournal.values)
    ).mappings():
        k = (e["table_name"], e["row_key"])
        if e["op"] == "update":
            mine.setdefault(k, set()).update(e["values"])
        else:
            made_or_removed.add(k)
            if e["op"] == "insert":
                made.add(k)
    out = Refreshed()
    _remove_gone(copy, rows, raw, set(mine), made, out)
    added = updated = 0
    for tbl in Base.metadata.sorted_tables:
        office_rows = rows.get(tbl.name)
        if not office_rows:
            continue
        pk = list(tbl.primary_key.columns)
        names = [c.name for c in tbl.columns]
        if raw:
            result = copy.exec_driver_sql(f"SELECT {', '.join(names)} FROM {tbl.name}")
            have = {
                row_key(tbl, dict(zip(names, r, strict=True))): dict(zip(names, r, strict=True))
                for r in result
            }
        else:
            have = {row_key(tbl, dict(r)): dict(r) for r in copy.execute(select(tbl)).mappings()}
        new_rows, changed = [], []
        for row in office_rows:
            key = row_key(tbl, row)
            if (tbl.name, key) in made_or_removed:
                continue
            current = have.get(key)
            if current is None:
                new_rows.append(row)
                continue
            keep = mine.get((tbl.name, key), set())
            if any(n not in keep and n not in BOOKKEEPING and current.get(n) != row[n] for n in names):
                changed.append((key, row, keep))
        if new_rows:
            if raw:
                sql = f"INSERT INTO {tbl.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
                copy.exec_driver_sql(sql, [tuple(r[n] for n in names) for r in new_rows])
            else:
                copy.execute(tbl.insert(), new_rows)
            added += len(new_rows)
        if changed and len(pk) == 1:
            by_cols: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for _key, row, keep in changed:
                cols = tuple(n for n in names if n not in keep and n != pk[0].name)
                by_cols.setdefault(cols, []).append(row)
            for cols, batch in by_cols.items():
                if raw:
                    sql = (
                        f"UPDATE {tbl.name} SET {', '.join(f'{c} = ?' for c in cols)} WHERE {pk[0].name} = ?"
                    )
                    copy.exec_driver_sql(sql, [tuple(r[c] for c in cols) + (r[pk[0].name],) for r in batch])
                else:
                    stmt = (
                        update(tbl)
                        .where(pk[0] == bindparam("k_pk"))
                        .values({c: bindparam(f"v_{c}") for c in cols})
                    )
                    copy.execute(
                        stmt, [{"k_pk": r[pk[0].name], **{f"v_{c}": r[c] for c in cols}} for r in batch]
                    )
            updated += len(changed)
    out.added, out.updated = added, updated
    return out
