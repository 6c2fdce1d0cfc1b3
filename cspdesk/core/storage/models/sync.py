"""Working copies: what a copy is (in the copy), which copies are out (in the office), the copy's journal of
changes, the changes already brought back and the conflicts waiting for an officer (in the office).

See ``cspdesk/core/sync`` and docs/design/working-copies.md.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cspdesk.core.storage.base import Base, Tracked, utcnow


class WorkingCopyInfo(Base):
    """In a working copy only (one row): what this file is. Its presence turns the change journal on."""

    __tablename__ = "working_copy_info"
    copy_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    office_label: Mapped[str] = mapped_column(String(500))  # the office database, as the title bar shows it
    taken_at: Mapped[datetime] = mapped_column(DateTime)
    taken_by: Mapped[str] = mapped_column(String(120))
    wards: Mapped[list[str]] = mapped_column(JSON, default=list)  # ward names
    forum: Mapped[str | None] = mapped_column(String(200))
    cases: Mapped[str] = mapped_column(String(10), default="open")  # open / all
    code: Mapped[str] = mapped_column(String(8))  # short id in provisional references ("WC" + 4 hex)
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime)


class WorkingCopy(Tracked, Base):
    """In the office: a working copy taken from this database (who, when, which
    wards, back or not, revoked)."""

    __tablename__ = "working_copy"
    taken_by: Mapped[str] = mapped_column(String(120))
    taken_at: Mapped[datetime] = mapped_column(DateTime)
    wards: Mapped[list[str]] = mapped_column(JSON, default=list)
    forum: Mapped[str | None] = mapped_column(String(200))
    cases: Mapped[str] = mapped_column(String(10), default="open")
    case_count: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str] = mapped_column(String(500))
    brought_back_at: Mapped[datetime | None] = mapped_column(DateTime)
    brought_back_by: Mapped[str | None] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    revoked_reason: Mapped[str | None] = mapped_column(Text)


class ChangeJournal(Base):
    """In a working copy: one row per row inserted, updated or deleted, written in the same transaction.

    ``values``: an insert's columns; an update's ``{column: [value before, value after]}``; a delete's old
    columns. ``base_version`` is the row's version before this change (the office's version at take time, for
    the first change to a row), so the office can tell whether it changed the row too.
    """

    __tablename__ = "change_journal"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    table_name: Mapped[str] = mapped_column(String(60))
    row_key: Mapped[str] = mapped_column(String(200))
    op: Mapped[str] = mapped_column(String(10))  # insert / update / delete
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    base_version: Mapped[int | None] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AppliedChange(Base):
    """In the office: a journal entry already brought back (applied or held as a conflict): never twice."""

    __tablename__ = "applied_change"
    change_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    copy_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    applied_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SyncConflict(Tracked, Base):
    """In the office: a change from a working copy that was not applied because the office changed the same
    thing. The office value stays until an officer decides; nothing is lost either way."""

    __tablename__ = "sync_conflict"
    copy_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    table_name: Mapped[str] = mapped_column(String(60))
    row_key: Mapped[str] = mapped_column(String(200))
    field: Mapped[str | None] = mapped_column(
        String(60)
    )  # None: the whole record (removed/closed vs changed)
    kind: Mapped[str] = mapped_column(String(30))  # same_field / removed_in_office / closed_in_office / ...
    record_label: Mapped[str] = mapped_column(String(300))  # "Case ASB-2026-00012", "Party Kyle Dunmore"
    base_value: Mapped[object | None] = mapped_column(JSON)
    office_value: Mapped[object | None] = mapped_column(JSON)
    copy_value: Mapped[object | None] = mapped_column(JSON)
    copy_author: Mapped[str] = mapped_column(String(120))
    copy_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decision: Mapped[str | None] = mapped_column(String(10))  # office / copy

    __table_args__ = (Index("ix_sync_conflict_open", "decided_at", "copy_id"),)
