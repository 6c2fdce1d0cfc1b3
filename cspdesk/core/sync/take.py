"""Taking a working copy: the chosen cases and everything hanging off them, plus what is needed to work.

Rows are read from the office a table at a time (ids in chunks) and written to the new copy with plain
INSERTs, parents first. A reference to a row that is not in the copy (a case linked to a case in another
ward, a document of a Case Review) is blanked when the column allows it and the row left out when it does not,
so the copy's foreign keys all hold.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Table, Uuid, or_, select, type_coerce
from sqlalchemy.types import NullType

from cspdesk.core.domain.vocab import CaseStatus, MeetingKind
from cspdesk.core.storage.models import Base

CHUNK = 900  # ids per IN (...): under SQLite's variable limit on every version we support

# Copied whole: what any screen needs to work (lists of wards and agencies, users for owners, settings,
# letter templates).
WHOLE = ("ward", "parish", "agency", "app_user", "app_setting", "letter_template")


@dataclass(frozen=True)
class Selection:
    ward_ids: tuple[uuid.UUID, ...]
    forum: str | None
    cases: str  # "open" or "all"
    include_restricted: bool  # Safer Homes referrals marked restricted (domestic abuse)


class _Reader:
    """Reads rows as dicts. ``raw``: as SQLite stores them (UUIDs as hex text, dates as ISO text), with no
    conversion either way: a SQLite office is copied into a SQLite copy value for value, several times faster
    than through Python's types. Otherwise (a PostgreSQL office) as Python values, for SQLAlchemy to write."""

    def __init__(self, conn: Connection, raw: bool):
        self.conn = conn
        self.raw = raw

    def col(self, tbl: Table, name: str):
        return type_coerce(tbl.c[name], NullType()) if self.raw else tbl.c[name]

    def select(self, tbl: Table):
        if self.raw:
            return select(*[type_coerce(c, NullType()).label(c.name) for c in tbl.columns])
        return select(tbl)

    def ids(self, values: Iterable[uuid.UUID]) -> list:
        # SQLite stores a UUID as its 32 hex digits; a server's driver takes UUID objects.
        return [v.hex for v in values] if self.raw and self.conn.dialect.name == "sqlite" else list(values)

    def rows(self, query) -> list[dict]:
        result = self.conn.execute(query)
        names = list(result.keys())
        return [dict(zip(names, r, strict=True)) for r in result]

    def where_in(self, tbl: Table, column: str, ids: Iterable[Any]) -> list[dict]:
        ids = [i for i in dict.fromkeys(ids) if i is not None]
        out: list[dict] = []
        for i in range(0, len(ids), CHUNK):
            out.extend(self.rows(self.select(tbl).where(self.col(tbl, column).in_(ids[i : i + CHUNK]))))
        return out


def gather(conn: Connection, sel: Selection, *, raw: bool = False) -> dict[str, list[dict]]:
    """Every row the copy will hold, by table (before the foreign-key trim)."""
    t = Base.metadata.tables
    rd = _Reader(conn, raw)
    rows: dict[str, list[dict]] = {name: rd.rows(rd.select(t[name])) for name in WHOLE}
    ward_ids = rd.ids(sel.ward_ids)

    case = t["asb_case"]
    q = rd.select(case).where(rd.col(case, "ward_id").in_(ward_ids))
    if sel.cases == "open":
        q = q.where(case.c.status != CaseStatus.CLOSED.value)
    rows["asb_case"] = rd.rows(q)
    case_ids = [r["id"] for r in rows["asb_case"]]

    meeting = t["meeting"]
    conds = [(meeting.c.kind == MeetingKind.AREA_FORUM.value) & rd.col(meeting, "ward_id").in_(ward_ids)]
    if sel.forum:
        conds.append(
            (meeting.c.kind == MeetingKind.AREA_FORUM.value) & meeting.c.title.ilike(f"%{sel.forum}%")
        )
    rows["meeting"] = rd.rows(rd.select(meeting).where(or_(*conds)))
    meeting_ids = [r["id"] for r in rows["meeting"]]
    rows["forum_issue"] = rd.where_in(t["forum_issue"], "meeting_id", meeting_ids)

    for name in (
        "case_priority_tag",
        "case_party",
        "incident",
        "risk_assessment",
        "chronology_entry",
        "case_link",
        "enforcement_notice",
    ):
        rows[name] = rd.where_in(t[name], "case_id", case_ids)
    actions = {r["id"]: r for r in rd.where_in(t["case_action"], "case_id", case_ids)}
    actions.update({r["id"]: r for r in rd.where_in(t["case_action"], "meeting_id", meeting_ids)})
    rows["case_action"] = list(actions.values())
    notice_ids = [r["id"] for r in rows["enforcement_notice"]]
    for name in ("notice_requirement", "notice_event", "notice_informed_body"):
        rows[name] = rd.where_in(t[name], "notice_id", notice_ids)

    ref = t["safer_homes_referral"]
    in_area = rd.col(ref, "ward_id").in_(ward_ids)
    q = rd.select(ref).where(or_(in_area, rd.col(ref, "case_id").in_(case_ids)) if case_ids else in_area)
    if not sel.include_restricted:
        # Restricted referrals (domestic abuse) travel only with an officer who may see them.
        q = q.where(ref.c.restricted.is_(False))
    rows["safer_homes_referral"] = rd.rows(q)
    referral_ids = [r["id"] for r in rows["safer_homes_referral"]]
    rows["safer_homes_measure"] = rd.where_in(t["safer_homes_measure"], "referral_id", referral_ids)

    parties = rows["case_party"]
    rows["person"] = rd.where_in(t["person"], "id", [p["person_id"] for p in parties])
    rows["organisation"] = rd.where_in(t["organisation"], "id", [p["organisation_id"] for p in parties])
    address_ids = (
        [r["location_id"] for r in rows["asb_case"]]
        + [r["address_id"] for r in rows["person"]]
        + [r["address_id"] for r in rows["organisation"]]
        + [r["location_id"] for r in rows["incident"]]
    )
    rows["address"] = rd.where_in(t["address"], "id", address_ids)

    doc = t["document"]
    docs = {r["id"]: r for r in rd.where_in(doc, "case_id", case_ids)}
    docs.update({r["id"]: r for r in rd.where_in(doc, "notice_id", notice_ids)})
    docs.update({r["id"]: r for r in rd.where_in(doc, "referral_id", referral_ids)})
    # A restricted referral left out takes its letters with it (restriction follows the record), and the
    # chronology lines that name them.
    chosen = set(referral_ids)
    left_out = {
        d["id"] for d in docs.values() if d["referral_id"] is not None and d["referral_id"] not in chosen
    }
    rows["document"] = [d for d in docs.values() if d["id"] not in left_out]
    if left_out:
        rows["chronology_entry"] = [
            c
            for c in rows["chronology_entry"]
            if not (c["related_type"] == "document" and c["related_id"] in left_out)
        ]
    rows["document_blob"] = rd.where_in(t["document_blob"], "sha256", [d["sha256"] for d in rows["document"]])
    return rows


def trim_foreign_keys(rows: dict[str, list[dict]]) -> dict[str, int]:
    """Blank (or leave out) references to rows the copy does not hold. Returns rows left out per table."""
    present: dict[str, set] = {}
    dropped: dict[str, int] = {}
    for tbl in Base.metadata.sorted_tables:
        if tbl.name not in rows:
            continue
        kept = []
        for row in rows[tbl.name]:
            ok = True
            for fk in tbl.foreign_keys:
                value = row.get(fk.parent.name)
                if value is None:
                    continue
                target = fk.column.table.name
                if target == tbl.name:
                    continue  # same table: checked below, once every row of it is known
                if value not in present.get(target, ()):
                    if fk.parent.nullable:
                        row[fk.parent.name] = None
                    else:
                        ok = False
                        break
            if ok:
                kept.append(row)
        ids = {r[c.name] for r in kept for c in tbl.primary_key.columns if len(tbl.primary_key.columns) == 1}
        for row in kept:  # a reference within the table (a correction, a duplicate, a parent notice)
            for fk in tbl.foreign_keys:
                if (
                    fk.column.table is tbl
                    and row.get(fk.parent.name) is not None
                    and row[fk.parent.name] not in ids
                ):
                    row[fk.parent.name] = None
        dropped[tbl.name] = len(rows[tbl.name]) - len(kept)
        rows[tbl.name] = kept
        if len(tbl.primary_key.columns) == 1:
            present[tbl.name] = {r[next(iter(tbl.primary_key.columns)).name] for r in kept}
    return dropped


def _sqlite_storage(column) -> Any:
    """How SQLAlchemy stores a Python value of ``column`` in SQLite (None: as it is)."""
    t = column.type
    if isinstance(t, Uuid):
        return lambda v: v.hex if isinstance(v, uuid.UUID) else v
    if isinstance(t, DateTime):
        return lambda v: v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v
    if isinstance(t, Date):
        return lambda v: v.isoformat() if isinstance(v, date) else v
    if isinstance(t, Boolean):
        return lambda v: None if v is None else int(v)
    if isinstance(t, JSON):
        return lambda v: None if v is None else json.dumps(v)
    return None


def write(
    conn: Connection, rows: dict[str, list[dict]], *, raw: bool = False, convert: bool = False
) -> dict[str, int]:
    """INSERT every row into the (new, empty) copy, parents first; returns the count per table.
    ``raw``: the rows go to the sqlite3 driver with no SQLAlchemy processing — as they are
    (``gather(raw=True)`` on a SQLite office), or, with ``convert``, turned into SQLite's stored form
    from a server driver's Python values."""
    counts = {}
    # The new copy was given the reference data (wards, parishes, agencies) when it was set up, with ids of
    # its own: the office's rows replace them, so every reference to them means the same row in both.
    for tbl in reversed(Base.metadata.sorted_tables):
        if tbl.name in WHOLE:
            conn.execute(tbl.delete())
    for tbl in Base.metadata.sorted_tables:
        batch = rows.get(tbl.name)
        if not batch:
            continue
        if raw:
            names = [c.name for c in tbl.columns]
            sql = f"INSERT INTO {tbl.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
            if convert:
                fns = [_sqlite_storage(c) for c in tbl.columns]
                pairs = [(n, f) for n, f in zip(names, fns, strict=True)]
                data = [tuple(f(r[n]) if f else r[n] for n, f in pairs) for r in batch]
            else:
                data = [tuple(r[n] for n in names) for r in batch]
            conn.exec_driver_sql(sql, data)
        else:
            for i in range(0, len(batch), 5000):
                conn.execute(tbl.insert(), batch[i : i + 5000])
        counts[tbl.name] = len(batch)
    return counts


def _attach_key(office_path: str) -> str:
    """The KEY clause that opens the office file from the copy's (encrypted) connection: its own
    key, or none for a plain file."""
    from pathlib import Path

    from cspdesk.core.storage import encryption

    path = Path(office_path)
    if not encryption.is_encrypted_file(path):
        return "''"
    return encryption.key_for(path).pragma(encryption.salt_of(path))


def copy_from_sqlite_file(copy_raw, office_path: str, sel: Selection) -> dict[str, int]:
    """Take a copy from a SQLite office inside SQLite: the office file is attached to the new copy's
    connection and each table's rows are copied with one ``INSERT … SELECT`` (several times faster than
    through Python; the copy's single transaction reads the office as of one moment). References to rows the
    copy does not hold are then blanked, or the row left out, table by table in foreign-key order — the same
    rule as ``trim_foreign_keys``. ``copy_raw`` is the copy's sqlite3 connection, with no transaction open."""
    t = Base.metadata.tables
    wards = ", ".join(f"'{w.hex}'" for w in sel.ward_ids) or "NULL"
    cols = {name: ", ".join(c.name for c in tbl.columns) for name, tbl in t.items()}
    copy_raw.isolation_level = None
    copy_raw.execute("PRAGMA foreign_keys=OFF")
    # A new file, deleted if anything fails: no need to make each page durable as it is written; a large cache
    # keeps the indexes being filled in memory.
    copy_raw.execute("PRAGMA synchronous=OFF")
    copy_raw.execute("PRAGMA cache_size=-262144")
    copy_raw.execute(f"ATTACH DATABASE ? AS office KEY {_attach_key(office_path)}", (office_path,))
    try:
        run = copy_raw.execute
        run("BEGIN")
        open_only = f"AND status != '{CaseStatus.CLOSED.value}'" if sel.cases == "open" else ""
        forum = MeetingKind.AREA_FORUM.value
        title = "OR (kind = ? AND lower(title) LIKE ?)" if sel.forum else ""
        selections = [
            ("sel_case", f"SELECT id FROM office.asb_case WHERE ward_id IN ({wards}) {open_only}", ()),
            (
                "sel_meeting",
                f"SELECT id FROM office.meeting WHERE (kind = ? AND ward_id IN ({wards})) {title}",
                (forum, forum, f"%{sel.forum.lower()}%") if sel.forum else (forum,),
            ),
            (
                "sel_notice",
                "SELECT id FROM office.enforcement_notice WHERE case_id IN (SELECT id FROM sel_case)",
                (),
            ),
            (
                "sel_referral",
                f"SELECT id FROM office.safer_homes_referral WHERE (ward_id IN ({wards}) OR case_id IN "
                f"(SELECT id FROM sel_case)) {'' if sel.include_restricted else 'AND restricted = 0'}",
                (),
            ),
            ("sel_party", "SELECT id FROM office.case_party WHERE case_id IN (SELECT id FROM sel_case)", ()),
            (
                "sel_person",
                "SELECT person_id FROM office.case_party WHERE id IN (SELECT id FROM sel_party) "
                "AND person_id IS NOT NULL",
                (),
            ),
            (
                "sel_org",
                "SELECT organisation_id FROM office.case_party WHERE id IN (SELECT id FROM sel_party) "
                "AND organisation_id IS NOT NULL",
                (),
            ),
            (
                "sel_address",
                "SELECT location_id FROM office.asb_case WHERE id IN (SELECT id FROM sel_case) "
                "UNION SELECT address_id FROM office.person WHERE id IN (SELECT id FROM sel_person) "
                "UNION SELECT address_id FROM office.organisation WHERE id IN (SELECT id FROM sel_org) "
                "UNION SELECT location_id FROM office.incident WHERE case_id IN (SELECT id FROM sel_case)",
                (),
            ),
            # Letters of a referral left out stay out with it (restriction follows the record).
            (
                "sel_document",
                "SELECT id FROM office.document WHERE (case_id IN (SELECT id FROM sel_case) OR "
                "notice_id IN (SELECT id FROM sel_notice) OR referral_id IN (SELECT id FROM sel_referral))"
                " AND (referral_id IS NULL OR referral_id IN (SELECT id FROM sel_referral))",
                (),
            ),
        ]
        for name, query, params in selections:
            run(f"CREATE TEMP TABLE {name} (id PRIMARY KEY)")
            run(f"INSERT OR IGNORE INTO {name} {query}", params)
        by_case = "case_id IN (SELECT id FROM sel_case)"
        where = {
            "asb_case": "id IN (SELECT id FROM sel_case)",
            "meeting": "id IN (SELECT id FROM sel_meeting)",
            "forum_issue": "meeting_id IN (SELECT id FROM sel_meeting)",
            "case_priority_tag": by_case,
            "case_party": by_case,
            "incident": by_case,
            "risk_assessment": by_case,
            "case_link": by_case,
            "enforcement_notice": by_case,
            "chronology_entry": f"{by_case} AND NOT (related_type = 'document' AND related_id IN "
            "(SELECT id FROM office.document WHERE case_id IN (SELECT id FROM sel_case) "
            "AND id NOT IN (SELECT id FROM sel_document)))",
            "case_action": f"{by_case} OR meeting_id IN (SELECT id FROM sel_meeting)",
            "notice_requirement": "notice_id IN (SELECT id FROM sel_notice)",
            "notice_event": "notice_id IN (SELECT id FROM sel_notice)",
            "notice_informed_body": "notice_id IN (SELECT id FROM sel_notice)",
            "safer_homes_referral": "id IN (SELECT id FROM sel_referral)",
            "safer_homes_measure": "referral_id IN (SELECT id FROM sel_referral)",
            "person": "id IN (SELECT id FROM sel_person)",
            "organisation": "id IN (SELECT id FROM sel_org)",
            "address": "id IN (SELECT id FROM sel_address)",
            "document": "id IN (SELECT id FROM sel_document)",
            "document_blob": "sha256 IN (SELECT sha256 FROM "
            "office.document WHERE id IN (SELECT id FROM sel_document))",
        }
        for tbl in reversed(Base.metadata.sorted_tables):
            if tbl.name in WHOLE:
                run(
                    f"DELETE FROM main.{tbl.name}"
                )  # the new file's own reference data: replaced by the office's
        copied = [tbl for tbl in Base.metadata.sorted_tables if tbl.name in WHOLE or tbl.name in where]
        for tbl in copied:
            condition = "" if tbl.name in WHOLE else f" WHERE {where[tbl.name]}"
            run(
                f"INSERT INTO main.{tbl.name} ({cols[tbl.name]}) SELECT {cols[tbl.name]} FROM "
                f"office.{tbl.name}" + condition
            )
        names = {tbl.name for tbl in copied}
        for tbl in copied:
            for fk in tbl.foreign_keys:
                target, col = fk.column.table.name, fk.parent.name
                missing = (
                    f"{col} IS NOT NULL"
                    if target not in names
                    else f"{col} IS NOT NULL AND {col} NOT IN (SELECT {fk.column.name} FROM main.{target})"
                )
                if fk.parent.nullable:
                    run(f"UPDATE main.{tbl.name} SET {col} = NULL WHERE {missing}")
                else:
                    run(f"DELETE FROM main.{tbl.name} WHERE {missing}")
        counts = {tbl.name: run(f"SELECT count(*) FROM main.{tbl.name}").fetchone()[0] for tbl in copied}
        for name, _query, _params in selections:
            run(f"DROP TABLE temp.{name}")
        run("COMMIT")
    except BaseException:
        if copy_raw.in_transaction:
            copy_raw.execute("ROLLBACK")
        raise
    finally:
        copy_raw.execute("DETACH DATABASE office")
        copy_raw.execute("PRAGMA foreign_keys=ON")
    return counts
