"""Users, settings and the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cspdesk.core.storage.base import Base, Tracked, utcnow


class AppUser(Tracked, Base):
    """A person using CSPDesk, known by their operating-system account name."""

    __tablename__ = "app_user"
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # vocab.Role
    job_title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Extra permissions beyond the role, e.g. "safer_homes_restricted" (see core.domain.protection).
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A partner's agency (db/reference/agencies.csv): what they may see follows it (core.domain.restriction).
    agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agency.id"))


class AppSetting(Tracked, Base):
    """One stored setting; keys and defaults are declared in ``core.services.settings``."""

    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(String(120), unique=True)
    value: Mapped[object] = mapped_column(JSON)


class AuditEntry(Base):
    """Who did what, when. Written in the same transaction as the change; never updated."""

    __tablename__ = "audit_entry"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))  # e.g. "create", "update", "transition", "view"
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The hash chain (``storage/audit_chain.py``): place in the chain, the previous row's hash, this row's.
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_entry_entity", "entity_type", "entity_id"),
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_look", "action", "username", "entity_id"),
    )
