"""Refreshing a working copy from the office: what the office changed since the copy was taken, pulled in.

The office's rows for the copy's wards are read again (as when it was taken). A row the copy does not have is
added (a case opened in the office since); a row the office changed is updated in the copy, except the fields
the copy changed itself (in its journal): those keep the copy's value, and bringing the copy back still
compares them with the office, so a clash is still a conflict. Rows the copy made or removed are left alone,
and so are rows the office removed (the copy may still hold work on them). Written on a plain connection, so
nothing here enters the copy's journal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from cspdesk.core.storage.models import Base, ChangeJournal
from cspdesk.core.sync.values import BOOKKEEPING, row_key


def refresh(copy: Connection, rows: dict[str, list[dict]], *, raw: bool) -> dict[str, int]:
    """Bring ``rows`` (``take.gather`` + ``trim_foreign_keys`` on the office) into the copy. Returns
    ``{"added": n, "updated": n}``."""
    mine: dict[tuple[str, str], set[str]] = {}
    made_or_removed: set[tuple[str, str]] = set()
    for e in copy.execute(
        select(ChangeJournal.table_name, ChangeJournal.row_key, ChangeJournal.op, ChangeJournal.values)
    ).mappings():
        k = (e["table_name"], e["row_key"])
        if e["op"] == "update":
            mine.setdefault(k, set()).update(e["values"])
        else:
            made_or_removed.add(k)
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
    return {"added": added, "updated": updated}
