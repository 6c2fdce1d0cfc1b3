"""Retention decisions and requests from data subjects (access, rectification, erasure)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cspdesk.core.storage.base import Base, Tracked


class RetentionDecision(Tracked, Base):
    """An administrator's decision on a record past retention: keep (until a date), anonymise or delete.

    Names the record by type, id and reference only: the decision outlives a deleted record and must not keep
    what was deleted. ``record_id`` is blank for a year of the audit log
    (``reference`` is "Audit log 2019")."""

    __tablename__ = "retention_decision"
    record_type: Mapped[str] = mapped_column(String(30))  # domain.retention.RetentionRecord
    record_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reference: Mapped[str] = mapped_column(String(330))  # a forum record: its title (300) and date
    decision: Mapped[str] = mapped_column(String(20))  # domain.retention.RetentionDecisionKind
    reason: Mapped[str | None] = mapped_column(Text)
    keep_until: Mapped[date | None] = mapped_column(Date)  # a keep decision: review again on this date
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(120))

    __table_args__ = (Index("ix_retention_decision_record", "record_type", "record_id", "decided_on"),)


class DataSubjectRequest(Tracked, Base):
    """A request from a person about their data (UK GDPR Arts. 15-17), with its statutory due date."""

    __tablename__ = "data_subject_request"
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # domain.data_subject.RequestKind
    received_on: Mapped[date] = mapped_column(Date)
    subject_name: Mapped[str] = mapped_column(String(200))
    subject_date_of_birth: Mapped[date | None] = mapped_column(Date)
    subject_address: Mapped[str | None] = mapped_column(String(300))
    # The matches the officer confirmed are this person: {"persons": [...], "referrals": [...]} (ids as text).
    confirmed: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    details: Mapped[str | None] = mapped_column(Text)  # what was asked (e.g. which entry is wrong)
    extended_months: Mapped[int] = mapped_column(Integer, default=0)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(20))  # domain.data_subject.RequestOutcome
    outcome_notes: Mapped[str | None] = mapped_column(Text)
    officer: Mapped[str] = mapped_column(String(120))
