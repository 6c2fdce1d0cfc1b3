"""Bringing a working copy back: its journal applied to the office database,
field by field, in one transaction.

Ideas taken (docs/ARCHITECTURE.md, "Working copies"): from PowerSync, an upload queue of row operations
(the journal) that the office applies with its own rules, the office being the authority; from CouchDB, a
deterministic outcome with nothing lost (the office value stands, the copy's value is kept as a conflict for
an officer to decide). Per field:

- changed only in the copy (the office still holds the value the copy started from): applied;
- changed to the same value on both sides: nothing to do;
- changed differently on both sides: a ``same_field`` conflict, the office value kept;
- a record closed or taken off on one side and changed on the other (``closed_in_office``,
  ``closed_in_copy``, ``removed_in_office``, ``deleted_in_copy``): a conflict for the whole record, the copy's
  changes to it held.

Every journal entry brought back (applied or held) is written to ``applied_change``, so a second bring-back of
the same copy skips it. The caller owns the transaction: an error anywhere undoes everything.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from cspdesk.core.storage.audit_chain import append as append_audit
from cspdesk.core.storage.models import AppliedChange, SyncConflict
from cspdesk.core.sync.references import NUMBERED, is_provisional
from cspdesk.core.sync.values import (
    BOOKKEEPING,
    decode,
    decode_row,
    encode,
    encode_row,
    key_clause,
    table,
    table_order,
)

# What "closed" or "taken off" means per table: (column, test on its stored value).
CLOSING: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "asb_case": ("status", lambda v: v == "closed"),
    "case_party": ("removed_on", lambda v: v is not None),
    "case_action": ("status", lambda v: v in ("done", "cancelled")),
    "safer_homes_referral": ("closed_on", lambda v: v is not None),
}
# A change to these rows is a change to the case parties that point at them (a party "corrected").
OWNED_BY_PARTY = {"person": "person_id", "organisation": "organisation_id"}
# Columns worked out from other rows (the case list's columns): never a conflict. The latest activity date is
# the later of the two; the others are worked out again from the merged rows (``Outcome.cases_touched``).
DERIVED = {"asb_case": {"search_text", "parties_summary", "location_summary", "last_activity_on"}}


@dataclass
class Outcome:
    applied: int = 0  # journal entries applied
    already: int = 0  # entries brought back before (skipped)
    inserted: int = 0
    updated_fields: int = 0
    deleted: int = 0
    conflicts: int = 0
    renumbered: dict[str, str] = field(default_factory=dict)  # provisional → office reference
    # Letters filed in the copy on a record that was given its office number: (title, provisional reference).
    letters: list[tuple[str, str]] = field(default_factory=list)
    cases_touched: set[str] = field(default_factory=set)  # cases whose list columns must be worked out again


@dataclass
class _RowChange:
    table_name: str
    key: str
    fields: dict[str, list]  # column → [value the copy started from, value the copy ended with]
    base_version: int | None
    author: str
    at: datetime
    ids: list[uuid.UUID]


class CopyView:
    """What the bring-back asks of the copy: a row as it is now (to see what the copy did not change)."""

    def __init__(self, conn: Connection):
        self._conn = conn
        self._rows: dict[str, dict[str, dict[str, Any]]] = {}

    def prefetch(self, table_name: str, keys: list[str]) -> None:
        self._rows.setdefault(table_name, {}).update(rows_by_key(self._conn, table_name, keys))

    def row(self, table_name: str, key: str) -> dict[str, Any] | None:
        cached = self._rows.get(table_name)
        if cached is not None and key in cached:
            return cached[key]
        tbl = table(table_name)
        r = self._conn.execute(select(tbl).where(key_clause(tbl, key))).mappings().first()
        return encode_row(tbl, dict(r)) if r else None

    def rows_where(self, table_name: str, column: str, value_hex: str) -> list[dict[str, Any]]:
        tbl = table(table_name)
        rows = self._conn.execute(
            select(tbl).where(tbl.c[column] == decode(tbl.c[column], value_hex))
        ).mappings()
        return [encode_row(tbl, dict(r)) for r in rows]


def rows_by_key(conn: Connection, table_name: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    """Rows of a single-key table by their key (encoded), read 900 keys to a query."""
    tbl = table(table_name)
    pk = list(tbl.primary_key.columns)
    out: dict[str, dict[str, Any]] = {}
    if len(pk) != 1:
        return out
    values = [decode(pk[0], k) for k in keys]
    for i in range(0, len(values), 900):
        for r in conn.execute(select(tbl).where(pk[0].in_(values[i : i + 900]))).mappings():
            row = encode_row(tbl, dict(r))
            out[str(row[pk[0].name])] = row
    return out


def bring_back(
    office: Connection,
    copy_id: uuid.UUID,
    entries: list[dict],
    copy: CopyView,
    *,
    renumber: Callable[[Connection, str, dict[str, Any]], str],
    now: datetime,
) -> Outcome:
    """Apply ``entries`` (the copy's journal, in order) to ``office`` inside the caller's transaction."""
    out = Outcome()
    done = set(office.scalars(select(AppliedChange.change_id).where(AppliedChange.copy_id == copy_id)))
    todo = [e for e in entries if e["id"] not in done]
    out.already = len(entries) - len(todo)
    inserts: dict[tuple[str, str], dict] = {}
    insert_ids: dict[tuple[str, str], list] = {}
    updates: dict[tuple[str, str], _RowChange] = {}
    deletes: dict[tuple[str, str], dict] = {}
    for e in todo:
        k = (e["table_name"], e["row_key"])
        if e["op"] == "insert" and k in deletes:
            # Removed and put back in the copy (a case's tags are replaced that way):
            # only what differs, if anything.
            old_values = deletes.pop(k)["values"]
            fields = {
                c: [old_values.get(c), v]
                for c, v in e["values"].items()
                if c not in BOOKKEEPING and old_values.get(c) != v
            }
            if fields:
                updates[k] = _RowChange(
                    k[0], k[1], fields, old_values.get("version"), e["author"], e["at"], [e["id"]]
                )
        elif e["op"] == "insert":
            inserts[k] = dict(e["values"])
            insert_ids[k] = [e["id"]]
        elif e["op"] == "update" and k in inserts:  # made and changed in the copy: one insert, as it ended
            for col, (_old, new) in e["values"].items():
                inserts[k][col] = new
            insert_ids[k].append(e["id"])
        elif e["op"] == "update":
            rc = updates.get(k)
            if rc is None:
                rc = updates[k] = _RowChange(k[0], k[1], {}, e["base_version"], e["author"], e["at"], [])
            for col, (old, new) in e["values"].items():
                if col in rc.fields:
                    rc.fields[col][1] = new
                else:
                    rc.fields[col] = [old, new]
            rc.ids.append(e["id"])
            rc.author, rc.at = e["author"], e["at"]
        elif e["op"] == "delete":
            if k in inserts:  # made and removed in the copy: nothing to bring
                insert_ids.pop(k, None)
                inserts.pop(k)
                continue
            deletes[k] = e
            updates.pop(k, None)
    _apply_inserts(office, inserts, out, renumber)
    by_table: dict[str, list[_RowChange]] = {}
    for rc in updates.values():
        by_table.setdefault(rc.table_name, []).append(rc)
    for name, changes in by_table.items():
        keys = [rc.key for rc in changes]
        current = rows_by_key(office, name, keys)
        if name in CLOSING:
            copy.prefetch(name, keys)
        batches: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for rc in changes:
            apply = _apply_update(office, copy_id, rc, copy, out, now, current.get(rc.key, _UNREAD))
            if apply:
                batches.setdefault(tuple(sorted(apply)), []).append({"_key": rc.key, **apply})
        _write_updates(office, name, batches, now)
    order = table_order()
    for (name, key), e in sorted(deletes.items(), key=lambda kv: -order[kv[0][0]]):
        _apply_delete(office, copy_id, name, key, e, out, now)
    if todo:
        office.execute(
            insert(AppliedChange),
            [{"change_id": e["id"], "copy_id": copy_id, "applied_at": now} for e in todo],
        )
    out.applied = len(todo)
    return out


def _apply_inserts(
    office: Connection,
    inserts: dict[tuple[str, str], dict],
    out: Outcome,
    renumber: Callable[[Connection, str, dict[str, Any]], str],
) -> None:
    order = table_order()
    # The audit log last: its summaries quote references that may be renumbered on the way in.
    ranked = sorted(inserts.items(), key=lambda kv: (kv[0][0] == "audit_entry", order[kv[0][0]]))
    by_table: dict[str, list[tuple[str, dict]]] = {}
    renumbered_ids: dict[str, str] = {}  # row key → its provisional reference
    for (name, key), values in ranked:
        by_table.setdefault(name, []).append((key, values))
    for name, items in by_table.items():
        tbl = table(name)
        pk = list(tbl.primary_key.columns)
        existing: set[str] = set()
        if len(pk) == 1:
            keys = [decode(pk[0], k) for k, _ in items]
            for i in range(0, len(keys), 900):
                existing |= {
                    encode(pk[0], v)
                    for v in office.scalars(select(pk[0]).where(pk[0].in_(keys[i : i + 900])))
                }
        else:  # a few rows keyed by two columns (a case's tags): asked one by one
            existing = {
                k for k, _ in items if office.execute(select(pk[0]).where(key_clause(tbl, k))).first()
            }
        rows = []
        for key, values in items:
            if key in existing:
                continue  # the same row is there already (a shared document's bytes)
            if name == "document":
                for col in ("case_id", "notice_id", "referral_id"):
                    if values.get(col) in renumbered_ids:
                        # printed in the copy: the paper quotes the provisional reference
                        out.letters.append((str(values.get("title")), renumbered_ids[values[col]]))
            if out.renumbered:
                values = _with_references(values, out.renumbered)
            if name in NUMBERED and is_provisional(values.get("reference")):
                row = decode_row(tbl, values)
                new_ref = renumber(office, name, row)
                out.renumbered[values["reference"]] = new_ref
                renumbered_ids[key] = values["reference"]
                row["reference"] = new_ref
                if name == "asb_case":
                    row["search_text"] = (row.get("search_text") or "").replace(
                        values["reference"].lower(), new_ref.lower()
                    )
                office.execute(insert(tbl), [row])  # now, so the next number counts it
                out.inserted += 1
                continue
            if name == "case_party" and values.get("case_id"):
                out.cases_touched.add(values["case_id"])
            rows.append(decode_row(tbl, values))
        if rows and name == "audit_entry":
            # Chained on at the office's end, in the order they were written in the copy, keeping their author
            # and time: the copy's own sequence numbers and hashes belong to the copy's chain.
            rows.sort(key=lambda r: (r.get("seq") or 0, r.get("at")))
            append_audit(
                office,
                [{k: v for k, v in r.items() if k not in ("seq", "prev_hash", "row_hash")} for r in rows],
            )
            out.inserted += len(rows)
        elif rows:
            for i in range(0, len(rows), 1000):
                office.execute(insert(tbl), rows[i : i + 1000])
            out.inserted += len(rows)


def _with_references(values: dict, renumbered: dict[str, str]) -> dict:
    out = {}
    for k, v in values.items():
        if isinstance(v, str) and "WC" in v:
            for old, new in renumbered.items():
                v = v.replace(old, new)
        out[k] = v
    return out


# What a record is called in the conflicts list.
RECORD_NAMES = {
    "asb_case": "Case",
    "case_party": "Party",
    "enforcement_notice": "Notice",
    "safer_homes_referral": "Safer Homes referral",
    "case_action": "Action",
    "meeting": "Meeting",
    "forum_issue": "Forum issue",
    "chronology_entry": "Chronology entry",
    "address": "Address",
}


def _label(name: str, row: dict[str, Any] | None) -> str:
    row = row or {}
    what = RECORD_NAMES.get(name, name.replace("_", " ").capitalize())
    if name == "asb_case" and row.get("reference"):
        return f"{what} {row['reference']}: {row.get('title') or ''}".strip().rstrip(":")
    for col in ("reference", "title", "name"):
        if row.get(col):
            return f"{what} {row[col]}"
    if row.get("forename") or row.get("surname"):
        return f"{what} {row.get('forename') or ''} {row.get('surname') or ''}".strip()
    if row.get("description"):
        return f"{what}: {str(row['description'])[:80]}"
    return what


def _conflict(
    office: Connection,
    copy_id: uuid.UUID,
    rc: _RowChange,
    kind: str,
    label: str,
    field_name: str | None,
    base: Any,
    office_value: Any,
    copy_value: Any,
    now: datetime,
) -> None:
    office.execute(
        insert(SyncConflict),
        [
            {
                "id": uuid.uuid4(),
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "copy_id": copy_id,
                "table_name": rc.table_name,
                "row_key": rc.key,
                "field": field_name,
                "kind": kind,
                "record_label": label[:300],
                "base_value": base,
                "office_value": office_value,
                "copy_value": copy_value,
                "copy_author": rc.author,
                "copy_at": rc.at,
            }
        ],
    )


def _closed(name: str, row: dict[str, Any] | None) -> bool:
    if row is None or name not in CLOSING:
        return False
    col, test = CLOSING[name]
    return test(row.get(col))


def _office_row(office: Connection, name: str, key: str) -> dict[str, Any] | None:
    tbl = table(name)
    r = office.execute(select(tbl).where(key_clause(tbl, key))).mappings().first()
    return encode_row(tbl, dict(r)) if r else None


_UNREAD: dict = {}


def _write_updates(
    office: Connection, name: str, batches: dict[tuple[str, ...], list[dict[str, Any]]], now: datetime
) -> None:
    """One UPDATE per set of columns, run for every row that changes those columns."""
    tbl = table(name)
    [pk] = list(tbl.primary_key.columns)
    for columns, rows in batches.items():
        values: dict[str, Any] = {c: bindparam(f"v_{c}", type_=tbl.c[c].type) for c in columns}
        if "version" in tbl.c:
            values["version"] = tbl.c.version + 1
        if "updated_at" in tbl.c:
            values["updated_at"] = now
        stmt = update(tbl).where(pk == bindparam("k_id", type_=pk.type)).values(**values)
        params = []
        for r in rows:
            decoded = decode_row(tbl, {c: r[c] for c in columns})
            params.append({"k_id": decode(pk, r["_key"]), **{f"v_{c}": decoded[c] for c in columns}})
        office.execute(stmt, params)


def _apply_update(
    office: Connection,
    copy_id: uuid.UUID,
    rc: _RowChange,
    copy: CopyView,
    out: Outcome,
    now: datetime,
    current: dict[str, Any] | None = _UNREAD,
) -> dict[str, Any]:
    """The copy's changes to one row that the office can take (field by field); conflicts are written."""
    name = rc.table_name
    changes = {c: v for c, v in rc.fields.items() if v[0] != v[1]}
    if not changes:
        return {}
    if current is _UNREAD:
        current = _office_row(office, name, rc.key)
    copy_values = {c: new for c, (_old, new) in changes.items()}
    if current is None:
        _conflict(
            office,
            copy_id,
            rc,
            "removed_in_office",
            _label(name, copy.row(name, rc.key)),
            None,
            None,
            None,
            copy_values,
            now,
        )
        out.conflicts += 1
        return {}
    label = _label(name, current)
    office_now = {c: current.get(c) for c in changes}
    base = {c: old for c, (old, _new) in changes.items()}
    # Closed or taken off in the office since the copy was taken, while the copy changed it.
    if (
        name in CLOSING
        and CLOSING[name][0] not in changes
        and _closed(name, current)
        and not _closed(name, copy.row(name, rc.key))
    ):
        _conflict(office, copy_id, rc, "closed_in_office", label, None, base, office_now, copy_values, now)
        out.conflicts += 1
        return {}
    if name in OWNED_BY_PARTY:
        for party in copy.rows_where("case_party", OWNED_BY_PARTY[name], rc.key):
            office_party = _office_row(office, "case_party", party["id"])
            if office_party and _closed("case_party", office_party) and not _closed("case_party", party):
                _conflict(
                    office, copy_id, rc, "removed_in_office", label, None, base, office_now, copy_values, now
                )
                out.conflicts += 1
                return {}
    # Closed or taken off in the copy, while the office changed the record (or,
    # for a party, the person on it).
    if (
        name in CLOSING
        and CLOSING[name][0] in changes
        and _closed(name, {CLOSING[name][0]: changes[CLOSING[name][0]][1]})
        and not _closed(name, current)
    ):
        office_changed = rc.base_version is not None and current.get("version") != rc.base_version
        if name == "case_party":
            for ref_col, owner in (("person_id", "person"), ("organisation_id", "organisation")):
                if current.get(ref_col):
                    mine = copy.row(owner, current[ref_col])
                    theirs = _office_row(office, owner, current[ref_col])
                    if mine and theirs and mine.get("version") != theirs.get("version"):
                        office_changed = True
        if office_changed:
            _conflict(office, copy_id, rc, "closed_in_copy", label, None, base, office_now, copy_values, now)
            out.conflicts += 1
            return {}
    _note_case(name, current, copy, rc.key, set(changes), out)
    apply: dict[str, Any] = {}
    for col, (old, new) in changes.items():
        theirs = current.get(col)
        if col in DERIVED.get(name, ()):
            if col == "last_activity_on" and new and (theirs is None or new > theirs):
                apply[col] = new
            continue
        if theirs == old:
            apply[col] = new
        elif theirs == new:
            continue
        else:
            _conflict(office, copy_id, rc, "same_field", label, col, old, theirs, new, now)
            out.conflicts += 1
    out.updated_fields += len(apply)
    return apply


def _note_case(
    name: str, row: dict[str, Any], copy: CopyView, key: str, columns: set[str], out: Outcome
) -> None:
    if name == "asb_case":
        if columns & {"title", "reference", "location_id"}:  # what the list's search text is made of
            out.cases_touched.add(key)
    elif row.get("case_id") and name == "case_party":
        out.cases_touched.add(row["case_id"])
    elif name in OWNED_BY_PARTY:
        out.cases_touched.update(
            p["case_id"] for p in copy.rows_where("case_party", OWNED_BY_PARTY[name], key)
        )
    elif name == "address":
        out.cases_touched.update(c["id"] for c in copy.rows_where("asb_case", "location_id", key))


def _apply_delete(
    office: Connection, copy_id: uuid.UUID, name: str, key: str, e: dict, out: Outcome, now: datetime
) -> None:
    current = _office_row(office, name, key)
    if current is None:
        return  # removed on both sides
    base_version = e.get("base_version")
    if base_version is not None and current.get("version") != base_version:
        rc = _RowChange(name, key, {}, base_version, e["author"], e["at"], [e["id"]])
        _conflict(
            office,
            copy_id,
            rc,
            "deleted_in_copy",
            _label(name, current),
            None,
            e["values"],
            current,
            None,
            now,
        )
        out.conflicts += 1
        return
    tbl = table(name)
    office.execute(tbl.delete().where(key_clause(tbl, key)))
    out.deleted += 1
