"""Taking a working copy: the chosen cases and everything hanging off them, plus what is needed to work.

Rows are read from the office a table at a time (ids in chunks) and written to the new copy with plain
INSERTs, parents first. A reference to a row that is not in the copy (a case linked to a case in another
ward, a document of a Case Review) is blanked when the column allows it and the row left out when it does not,
so the copy's foreign keys all hold.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, or_, select, type_coerce
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
        return [v.hex for v in values] if self.raw else list(values)

    def rows(self, query) -> list[dict]:
        result = self.conn.execute(query)
        names = list(result.keys())
        return [dict(zip(names, r, strict=True)) for r in result]

    def where_in(self, tbl: Table, column: str, ids: Iterable[Any]) -> list[dict]:
        ids = [i for i in dict.fromkeys(ids) if i is not None]
        out: list[dict] = []
        for i in range(0, len(ids), CHUNK):
            out.extend(self.rows(self.select(tbl).where(self.col(tbl, column).in_(ids[i:i + CHUNK]))))
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
        conds.append((meeting.c.kind == MeetingKind.AREA_FORUM.value) & meeting.c.title.ilike(f"%{sel.forum}%"))
    rows["meeting"] = rd.rows(rd.select(meeting).where(or_(*conds)))
    meeting_ids = [r["id"] for r in rows["meeting"]]
    rows["forum_issue"] = rd.where_in(t["forum_issue"], "meeting_id", meeting_ids)

    for name in ("case_priority_tag", "case_party", "incident", "risk_assessment", "chronology_entry", "case_link",
                 "enforcement_notice"):
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
    address_ids = ([r["location_id"] for r in rows["asb_case"]] + [r["address_id"] for r in rows["person"]]
                   + [r["address_id"] for r in rows["organisation"]] + [r["location_id"] for r in rows["incident"]])
    rows["address"] = rd.where_in(t["address"], "id", address_ids)

    doc = t["document"]
    docs = {r["id"]: r for r in rd.where_in(doc, "case_id", case_ids)}
    docs.update({r["id"]: r for r in rd.where_in(doc, "notice_id", notice_ids)})
    docs.update({r["id"]: r for r in rd.where_in(doc, "referral_id", referral_ids)})
    # A restricted referral left out takes its letters with it (restriction follows the record), and the
    # chronology lines that name them.
    chosen = set(referral_ids)
    left_out = {d["id"] for d in docs.values() if d["referral_id"] is not None and d["referral_id"] not in chosen}
    rows["document"] = [d for d in docs.values() if d["id"] not in left_out]
    if left_out:
        rows["chronology_entry"] = [c for c in rows["chronology_entry"]
                                    if not (c["related_type"] == "document" and c["related_id"] in left_out)]
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
                if fk.column.table is tbl and row.get(fk.parent.name) is not None and row[fk.parent.name] not in ids:
                    row[fk.parent.name] = None
        dropped[tbl.name] = len(rows[tbl.name]) - len(kept)
        rows[tbl.name] = kept
        if len(tbl.primary_key.columns) == 1:
            present[tbl.name] = {r[next(iter(tbl.primary_key.columns)).name] for r in kept}
    return dropped


def write(conn: Connection, rows: dict[str, list[dict]], *, raw: bool = False) -> dict[str, int]:
    """INSERT every row into the (new, empty) copy, parents first; returns the count per table. ``raw``: the
    rows hold SQLite's stored values (``gather(raw=True)``) and go to the driver as they are."""
    counts = {}
    # The new copy was given the reference data (wards, parishes, agencies) when it was set up, with ids of its
    # own: the office's rows replace them, so every reference to them means the same row in both.
    for tbl in reversed(Base.metadata.sorted_tables):
        if tbl.name in WHOLE:
            conn.execute(tbl.delete())
    for tbl in Base.metadata.sorted_tables:
        batch = rows.get(tbl.name)
        if not batch:
            continue
        if raw:
            names = [c.name for c in tbl.columns]
            sql = (f"INSERT INTO {tbl.name} ({', '.join(names)}) "
                   f"VALUES ({', '.join('?' for _ in names)})")
            conn.exec_driver_sql(sql, [tuple(r[n] for n in names) for r in batch])
        else:
            for i in range(0, len(batch), 5000):
                conn.execute(tbl.insert(), batch[i:i + 5000])
        counts[tbl.name] = len(batch)
    return counts
