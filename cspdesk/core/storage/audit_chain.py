"""The audit log as a hash chain: each row carries the hash of the row before it.

Every audit row gets a sequence number (``seq``, 1, 2, 3 ... with no gaps), the previous row's hash
(``prev_hash``) and its own hash (``row_hash``): SHA-256 over the previous hash and the row's content. A
row changed afterwards no longer matches its hash; a row removed leaves a gap in ``seq`` and the next row's
``prev_hash`` pointing at nothing; a row slipped in out of order breaks the link of the row after it.
``verify`` walks the chain and names the first row that does not fit (``cspdesk audit verify``).

Appending is serialised so the chain stays a line when two people save at once: on PostgreSQL a
transaction-level advisory lock; on SQLite the file's write lock, taken before the last row is read. The
unique index on ``seq`` refuses a second row with the same number whatever happens (the unit of work turns
that into "try again").

What a chain cannot show on its own: the newest rows removed together with nothing written after them.
So ``verify`` reports the chain's head (its last row's number and hash, ``ChainReport.head``) for someone to
note down elsewhere, and ``check_head`` later says whether the chain still reaches that row with that hash
(``cspdesk audit verify --expect-head N:HASH``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, delete, func, insert, or_, select, text
from sqlalchemy.engine import Connection, CursorResult, Result
from sqlalchemy.orm import Session

from cspdesk.core.clock import current as current_clock
from cspdesk.core.storage.field_limits import check_rows_fit
from cspdesk.core.storage.models import AuditEntry
from cspdesk.core.storage.portable import one_at_a_time

GENESIS = "0" * 64
# A row saying where the chain now starts, written when the retention rules remove its oldest year(s).
ANCHOR_ACTION = "chain_anchor"


def _uuid_hex(value: Any) -> str:
    if value is None:
        return ""
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex


def row_hash(prev_hash: str, seq: int, row: dict[str, Any]) -> str:
    """The hash of one row: its content in a fixed form, after the previous row's hash."""
    at = row["at"]
    content = {
        "seq": seq,
        "id": _uuid_hex(row["id"]),
        "at": at.isoformat(timespec="microseconds") if isinstance(at, datetime) else str(at),
        "username": row["username"],
        "action": row["action"],
        "entity_type": row["entity_type"],
        "entity_id": _uuid_hex(row.get("entity_id")),
        "summary": row["summary"],
        "details": row.get("details"),
    }
    body = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + "\n" + body).encode("utf-8")).hexdigest()


def _take_append_lock(session: Session | Connection) -> None:
    dialect = session.get_bind().dialect if isinstance(session, Session) else session.dialect
    if dialect.name == "sqlite":
        # A write statement takes SQLite's write lock (waiting for another writer, up to the busy timeout)
        # before the last row is read, so nobody can append between the read and the insert.
        session.execute(text("UPDATE audit_entry SET seq = seq WHERE 1 = 0"))
    else:
        one_at_a_time(session, "audit_entry.chain")


def append(session: Session | Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert audit rows (username, action, entity_type, entity_id, summary, details) at the
    chain's end. A row that brings its own ``id`` and ``at`` keeps them (a working copy's rows
    brought back keep their time)."""
    if not rows:
        return
    check_rows_fit(AuditEntry, list(rows))
    _take_append_lock(session)
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.row_hash)
        .where(AuditEntry.seq.is_not(None))
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()  # (PostgreSQL puts NULLs first)
    seq, prev = (last.seq, last.row_hash) if last is not None and last.seq is not None else (0, GENESIS)
    now = current_clock().utcnow()
    out = []
    for row in rows:
        seq += 1
        full = {"id": uuid.uuid4(), "at": now, "entity_id": None, "details": None, **row}
        full["seq"] = seq
        full["prev_hash"] = prev
        full["row_hash"] = prev = row_hash(prev, seq, full)
        out.append(full)
    # The table's own INSERT (not the ORM's bulk path): a mail merge appends thousands of rows at once.
    session.execute(insert(cast(Table, AuditEntry.__table__)), out)  # the stubs type __table__ FromClause


@dataclass(frozen=True)
class ChainReport:
    rows: int
    last_hash: str
    problem: str | None  # the first break, in words; None = the chain is whole
    last_seq: int = 0  # the number of the last row walked (0: none)
    first_seq: int = 1  # where the walk started (after an anchor: the first row kept)

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def head(self) -> str:
        """ "1234:9f86d0…": the last row's number and hash, to note down and check against later."""
        return f"{self.last_seq}:{self.last_hash}"


def parse_head(text: str) -> tuple[int, str]:
    """``N:HASH`` (as ``ChainReport.head`` prints it) → (N, hash); ValueError if it is not that."""
    number, sep, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not sep or not number.strip().isdigit() or len(digest) != 64 or set(digest) - set("0123456789abcdef"):
        raise ValueError(f"{text!r} is not a chain head: write it as the row number, a colon and the hash")
    return int(number), digest


def check_head(session: Session, report: ChainReport, seq: int, digest: str) -> str | None:
    """Does the chain still reach row ``seq`` with hash ``digest`` (a head noted down earlier)? None if it
    does; otherwise what is wrong, in words. ``report`` is ``verify``'s walk of the same log."""
    if seq > report.last_seq:
        gone = f"row {seq}" if seq == report.last_seq + 1 else f"rows {report.last_seq + 1} to {seq}"
        return (
            f"The audit log ends at row {report.last_seq}, but it once reached row {seq}: "
            f"{gone} were removed from its end."
        )
    if seq < report.first_seq:
        return None  # removed since by the retention rules (an anchor, itself chained, says so)
    found = session.scalar(select(AuditEntry.row_hash).where(AuditEntry.seq == seq))
    if found != digest:
        return (
            f"Row {seq} is not the row that was noted (its hash differs): the log was cut back and "
            "written again from there."
        )
    return None


def _walk(session: Session) -> Iterator[Any]:
    # In order of the chain; rows with no place in it (inserted by hand) come last. Plain rows, not ORM
    # objects: a log of millions is read once, front to back.
    t = AuditEntry.__table__
    stmt = select(t).order_by(t.c.seq.is_(None), t.c.seq, t.c.at)
    yield from session.execute(stmt.execution_options(yield_per=5000))


def _describe(e: Any) -> str:
    return f"row {e.seq} ({e.at:%d/%m/%Y %H:%M:%S}, {e.username}, {e.action} {e.entity_type}, id {e.id})"


def remove_oldest(session: Session, before: datetime, removed_by: str, why: str) -> int:
    """Remove every audit row written before ``before`` (the retention rules' deletion of the oldest years),
    and append an anchor row saying where the chain now starts and after which hash, so ``verify`` walks the
    rest. The anchor is itself chained, so it cannot be changed unseen. Returns how many rows went."""
    last = session.scalar(select(func.max(AuditEntry.seq)).where(AuditEntry.at < before))
    if last is None:  # only rows from before the chain began (no sequence number): nothing to anchor
        return _rowcount(
            session.execute(delete(AuditEntry).where(AuditEntry.seq.is_(None), AuditEntry.at < before))
        )
    if session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.seq <= last, AuditEntry.at >= before)
    ):
        raise ValueError(
            "rows of that year are mixed with later ones in the chain (the computer's clock was "
            "changed), so removing them would cut the chain in the middle"
        )
    first_kept = session.execute(
        select(AuditEntry.seq, AuditEntry.prev_hash)
        .where(AuditEntry.seq > last)
        .order_by(AuditEntry.seq)
        .limit(1)
    ).first()
    if first_kept is None:
        raise ValueError("nothing would be left of the audit log after this")
    gone = _rowcount(
        session.execute(
            delete(AuditEntry).where(
                or_(AuditEntry.seq <= last, and_(AuditEntry.seq.is_(None), AuditEntry.at < before))
            )
        )
    )
    if gone:
        append(
            session,
            [
                {
                    "username": removed_by,
                    "action": ANCHOR_ACTION,
                    "entity_type": "audit_log",
                    "summary": f"{why}: the audit log now starts at row {first_kept.seq}",
                    "details": {"starts_at": first_kept.seq, "after_hash": first_kept.prev_hash},
                }
            ],
        )
    return gone


def _start(session: Session) -> tuple[str, int]:
    """Where the walk starts: the first row, or where the newest anchor says the chain now starts."""
    details = session.scalar(
        select(AuditEntry.details)
        .where(AuditEntry.action == ANCHOR_ACTION)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    )
    if isinstance(details, dict) and "starts_at" in details:
        return str(details["after_hash"]), int(details["starts_at"])
    return GENESIS, 1


def verify(session: Session) -> ChainReport:
    """Walk the chain from the first row (or from where an anchor says it now starts); stop at the first row
    that does not fit."""
    prev, expected = _start(session)
    first = expected
    count = 0

    def stop(problem: str | None) -> ChainReport:
        return ChainReport(count, prev, problem, expected - 1, first)

    for e in _walk(session):
        if e.seq is None:
            return stop(
                f"A row was inserted outside the chain: {e.username}, {e.action} "
                f"{e.entity_type}, id {e.id}, at {e.at:%d/%m/%Y %H:%M:%S}.",
            )
        if e.seq > expected:
            missing = f"row {expected}" if e.seq == expected + 1 else f"rows {expected} to {e.seq - 1}"
            return stop(
                f"{missing.capitalize()} removed: the chain goes from row {expected - 1} to {_describe(e)}.",
            )
        if e.seq < expected:
            return stop(f"Row {e.seq} appears twice: {_describe(e)}.")
        content = {
            "id": e.id,
            "at": e.at,
            "username": e.username,
            "action": e.action,
            "entity_type": e.entity_type,
            "entity_id": e.entity_id,
            "summary": e.summary,
            "details": e.details,
        }
        if e.prev_hash != prev:
            return stop(
                f"{_describe(e).capitalize()} does not follow row {e.seq - 1}: a row "
                "was replaced or inserted out of order here.",
            )
        if row_hash(prev, e.seq, content) != e.row_hash:
            return stop(f"{_describe(e).capitalize()} was changed after it was written.")
        prev, expected, count = e.row_hash, expected + 1, count + 1
    return stop(None)


def _rowcount(result: Result[Any]) -> int:
    """How many rows a DELETE took (its result is a CursorResult; the stubs say Result)."""
    return cast(CursorResult[Any], result).rowcount or 0
