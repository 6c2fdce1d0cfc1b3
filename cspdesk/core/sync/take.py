"""Taking a working copy: the chosen cases and everything hanging off them, plus what is needed to work.

Rows are read from the office a table at a time (ids in chunks) and written to the new copy with plain
INSERTs, parents first. A reference to a row that is not in the copy (a case linked to a case in another
ward, a document of a Case Review) is blanked when the column allows it and the row left out when it does not,
so the copy's foreign keys all hold.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Table, Uuid, or_, select, type_coerce
from sqlalchemy.types import NullType

from cspdesk.core.domain.vocab import CaseStatus, MeetingKind
from cspdesk.core.storage.models import Base

T = TypeVar("T")

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


def _selections(sel: Selection, p: str, false: str) -> list[tuple[str, str, dict[str, str]]]:
    """The ids each table's rows are chosen by, as (temporary table, query, parameters). ``p``: the office
    tables' schema prefix ("office." when attached to the copy, "" on a server); ``false``: how the office
    writes a false boolean."""
    wards = ", ".join(f"'{w.hex}'" for w in sel.ward_ids) or "NULL"
    open_only = f"AND status != '{CaseStatus.CLOSED.value}'" if sel.cases == "open" else ""
    title = "OR (kind = :forum AND lower(title) LIKE :title)" if sel.forum else ""
    forum = {"forum": MeetingKind.AREA_FORUM.value}
    if sel.forum:
        forum["title"] = f"%{sel.forum.lower()}%"
    return [
        ("sel_case", f"SELECT id FROM {p}asb_case WHERE ward_id IN ({wards}) {open_only}", {}),
        (
            "sel_meeting",
            f"SELECT id FROM {p}meeting WHERE (kind = :forum AND ward_id IN ({wards})) {title}",
            forum,
        ),
        (
            "sel_notice",
            f"SELECT id FROM {p}enforcement_notice WHERE case_id IN (SELECT id FROM sel_case)",
            {},
        ),
        (
            "sel_referral",
            f"SELECT id FROM {p}safer_homes_referral WHERE (ward_id IN ({wards}) OR case_id IN "
            f"(SELECT id FROM sel_case)) {'' if sel.include_restricted else f'AND restricted = {false}'}",
            {},
        ),
        ("sel_party", f"SELECT id FROM {p}case_party WHERE case_id IN (SELECT id FROM sel_case)", {}),
        (
            "sel_person",
            f"SELECT person_id FROM {p}case_party WHERE id IN (SELECT id FROM sel_party) "
            "AND person_id IS NOT NULL",
            {},
        ),
        (
            "sel_org",
            f"SELECT organisation_id FROM {p}case_party WHERE id IN (SELECT id FROM sel_party) "
            "AND organisation_id IS NOT NULL",
            {},
        ),
        (
            "sel_address",
            f"SELECT location_id FROM {p}asb_case WHERE id IN (SELECT id FROM sel_case) "
            f"UNION SELECT address_id FROM {p}person WHERE id IN (SELECT id FROM sel_person) "
            f"UNION SELECT address_id FROM {p}organisation WHERE id IN (SELECT id FROM sel_org) "
            f"UNION SELECT location_id FROM {p}incident WHERE case_id IN (SELECT id FROM sel_case)",
            {},
        ),
        # Letters of a referral left out stay out with it (restriction follows the record).
        (
            "sel_document",
            f"SELECT id FROM {p}document WHERE (case_id IN (SELECT id FROM sel_case) OR "
            "notice_id IN (SELECT id FROM sel_notice) OR referral_id IN (SELECT id FROM sel_referral))"
            " AND (referral_id IS NULL OR referral_id IN (SELECT id FROM sel_referral))",
            {},
        ),
    ]


def _conditions(p: str) -> dict[str, str]:
    """Which rows of each table the copy holds, given the temporary id tables of ``_selections``."""
    by_case = "case_id IN (SELECT id FROM sel_case)"
    return {
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
        f"(SELECT id FROM {p}document WHERE case_id IN (SELECT id FROM sel_case) "
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
        "document_blob": f"sha256 IN (SELECT sha256 FROM {p}document "
        "WHERE id IN (SELECT id FROM sel_document))",
    }


def _start_copy(copy_raw) -> None:
    copy_raw.isolation_level = None
    copy_raw.execute("PRAGMA foreign_keys=OFF")
    # A new file, deleted if anything fails: no need to make each page durable as it is written; a large cache
    # keeps the indexes being filled in memory.
    copy_raw.execute("PRAGMA synchronous=OFF")
    copy_raw.execute("PRAGMA cache_size=-262144")
    # The rows are written once, straight into the file, not first to a write-ahead log and then copied into
    # it: the rollback journal kept in memory (never on disk, so nothing of the rows is there unencrypted)
    # holds only the few pages the file had before, enough to undo a failed take. The file is an ordinary
    # database again when the take ends (``_end_copy``). SQLite keeps WAL if another connection has the file
    # open (the new file's pool): slower, still correct.
    copy_raw.execute("PRAGMA main.journal_mode=MEMORY")


def _end_copy(copy_raw) -> None:
    copy_raw.execute("PRAGMA foreign_keys=ON")
    if not copy_raw.in_transaction:  # (a failed ROLLBACK: the file is deleted anyway)
        copy_raw.execute("PRAGMA main.journal_mode=WAL")


def _trim_and_count(run, copied: list[Table]) -> dict[str, int]:
    """Blank references to rows the copy does not hold, or leave the row out when the column must be filled
    (the rule of ``trim_foreign_keys``), table by table in foreign-key order; returns the rows per table."""
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
    return {tbl.name: run(f"SELECT count(*) FROM main.{tbl.name}").fetchone()[0] for tbl in copied}


def _copied_tables(where: dict[str, str]) -> list[Table]:
    return [tbl for tbl in Base.metadata.sorted_tables if tbl.name in WHOLE or tbl.name in where]


def copy_from_sqlite_file(copy_raw, office_path: str, sel: Selection) -> dict[str, int]:
    """Take a copy from a SQLite office inside SQLite: the office file is attached to the new copy's
    connection and each table's rows are copied with one ``INSERT … SELECT`` (several times faster than
    through Python; the copy's single transaction reads the office as of one moment). References to rows the
    copy does not hold are then blanked, or the row left out, table by table in foreign-key order — the same
    rule as ``trim_foreign_keys``. ``copy_raw`` is the copy's sqlite3 connection, with no transaction open."""
    t = Base.metadata.tables
    cols = {name: ", ".join(c.name for c in tbl.columns) for name, tbl in t.items()}
    _start_copy(copy_raw)
    copy_raw.execute(f"ATTACH DATABASE ? AS office KEY {_attach_key(office_path)}", (office_path,))
    try:
        run = copy_raw.execute
        run("BEGIN")
        selections = _selections(sel, "office.", "0")
        for name, query, params in selections:
            run(f"CREATE TEMP TABLE {name} (id PRIMARY KEY)")
            run(f"INSERT OR IGNORE INTO {name} {query}", params)
        where = _conditions("office.")
        for tbl in reversed(Base.metadata.sorted_tables):
            if tbl.name in WHOLE:  # the new file's own reference data: replaced by the office's
                run(f"DELETE FROM main.{tbl.name}")
        copied = _copied_tables(where)
        for tbl in copied:
            condition = "" if tbl.name in WHOLE else f" WHERE {where[tbl.name]}"
            run(
                f"INSERT INTO main.{tbl.name} ({cols[tbl.name]}) SELECT {cols[tbl.name]} FROM "
                f"office.{tbl.name}" + condition
            )
        counts = _trim_and_count(run, copied)
        for name, _query, _params in selections:
            run(f"DROP TABLE temp.{name}")
        run("COMMIT")
    except BaseException:
        if copy_raw.in_transaction:
            copy_raw.execute("ROLLBACK")
        raise
    finally:
        copy_raw.execute("DETACH DATABASE office")
        _end_copy(copy_raw)
    return counts


def _as_stored_in_sqlite(column) -> str:
    """``column`` as the server writes it in SQLite's stored form (what SQLAlchemy writes there), so the rows
    go from the server's driver to the copy's with no conversion in Python."""
    t, name = column.type, column.name
    if isinstance(t, Uuid):
        return f"replace({name}::text, '-', '')"
    if isinstance(t, DateTime):
        return f"to_char({name}, 'YYYY-MM-DD HH24:MI:SS.US')"
    if isinstance(t, Date):
        return f"to_char({name}, 'YYYY-MM-DD')"
    if isinstance(t, Boolean):
        return f"{name}::int"
    if isinstance(t, JSON):
        return f"{name}::text"
    return name


def choose_on_server(office: Connection, sel: Selection) -> None:
    """Choose the rows of a take on the server (PostgreSQL): the temporary id tables ``copy_from_server``
    reads by, dropped when ``office``'s transaction ends."""
    from sqlalchemy import text

    for name, query, params in _selections(sel, "", "false"):
        office.execute(
            text(f"CREATE TEMP TABLE {name} ON COMMIT DROP AS SELECT DISTINCT * FROM ({query}) q(id)"), params
        )
        office.execute(text(f"ANALYZE {name}"))


def alongside(background: Callable[[], None], here: Callable[[], T]) -> T:
    """Run ``background`` in a thread while ``here`` runs in this one; return ``here``'s result once both have
    finished, raising the first failure (``here``'s, else ``background``'s). Used to let the server choose a
    take's rows while the new copy file is made and migrated: about a second each, on different processes."""
    import threading

    failures: list[BaseException] = []

    def run() -> None:
        try:
            background()
        except BaseException as exc:  # handed to the caller's thread, which raises it
            failures.append(exc)

    thread = threading.Thread(target=run, name="copy-take-choose", daemon=True)
    thread.start()
    try:
        result = here()
    finally:
        thread.join()  # never leave the thread using a connection the caller is about to close
    if failures:
        raise failures[0]
    return result


def copy_from_server(copy_raw, office: Connection) -> dict[str, int]:
    """Take a copy from a server office (PostgreSQL) whose rows ``choose_on_server`` has chosen, set by set
    (temporary id tables, as ``copy_from_sqlite_file`` does inside SQLite): each table read with one query
    whose values the server has already put in SQLite's stored form, and written to the copy with the sqlite3
    driver's ``executemany``; references to rows left out are then trimmed inside the copy by the same SQL.
    ``office`` is in a transaction that reads one snapshot (REPEATABLE READ); ``copy_raw`` is the copy's
    sqlite3 connection with no transaction open.

    The server reads the next table while the copy writes this one (a reader thread, two tables ahead at
    most: both drivers let go of Python's lock while they wait), and the copy's indexes other than the keys
    are made once its rows are in, several times faster than keeping each one up to date row by row."""
    import queue
    import threading

    where = _conditions("")
    copied = _copied_tables(where)
    driver = office.connection.driver_connection
    assert driver is not None
    ahead: queue.Queue = queue.Queue(maxsize=2)

    def read() -> None:
        try:
            with driver.cursor() as cursor:
                for tbl in copied:
                    condition = "" if tbl.name in WHOLE else f" WHERE {where[tbl.name]}"
                    order = ", ".join(c.name for c in tbl.primary_key.columns)
                    cursor.execute(
                        f"SELECT {', '.join(_as_stored_in_sqlite(c) for c in tbl.columns)} FROM {tbl.name}"
                        f"{condition} ORDER BY {order}"
                    )
                    ahead.put((tbl, cursor.fetchall()))
        except BaseException as exc:  # handed to the writer, which raises it
            ahead.put((None, exc))

    reader = threading.Thread(target=read, name="copy-take-reader", daemon=True)
    _start_copy(copy_raw)
    try:
        run = copy_raw.execute
        run("BEGIN")
        for tbl in reversed(Base.metadata.sorted_tables):
            if tbl.name in WHOLE:  # the new file's own reference data: replaced by the office's
                run(f"DELETE FROM main.{tbl.name}")
        listed = ", ".join(f"'{tbl.name}'" for tbl in copied)
        indexes = run(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({listed})"
        ).fetchall()
        for name, _sql in indexes:
            run(f"DROP INDEX main.{name}")
        # The search index (FTS5 over a table's own text) is built once from the rows, not row by row by the
        # table's triggers, which are put back before anything else changes a row.
        triggers = run(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({listed})"
        ).fetchall()
        searches = [
            name
            for name, sql in run("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
            if sql and "VIRTUAL TABLE" in sql.upper() and any(f"content='{t.name}'" in sql for t in copied)
        ]
        for name, _sql in triggers:
            run(f"DROP TRIGGER main.{name}")
        reader.start()
        for _ in copied:
            tbl, rows = ahead.get()
            if tbl is None:
                raise rows
            if rows:
                names = [c.name for c in tbl.columns]
                copy_raw.executemany(
                    f"INSERT INTO main.{tbl.name} ({', '.join(names)}) "
                    f"VALUES ({', '.join('?' for _ in names)})",
                    rows,
                )
        for _name, sql in indexes:
            run(sql)
        for name in searches:
            run(f"INSERT INTO main.{name}({name}) VALUES ('rebuild')")
        for _name, sql in triggers:
            run(sql)
        counts = _trim_and_count(run, copied)
        run("COMMIT")
    except BaseException:
        if copy_raw.in_transaction:
            copy_raw.execute("ROLLBACK")
        raise
    finally:
        if reader.is_alive():  # a failure while writing: let the reader finish (it stops at the full queue)
            while reader.is_alive():
                try:
                    ahead.get(timeout=0.1)
                except queue.Empty:
                    pass
        _end_copy(copy_raw)
    return counts
