"""Enforcement notices (warning letters to prosecutions), their requirements and dated stage history.

The dates a notice was issued with are stored on it (``rules`` keeps the settings used), so a later
change of local policy never moves an existing notice's deadlines.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cspdesk.core.storage.base import Base, Tracked


class EnforcementNotice(Tracked, Base):
    __tablename__ = "enforcement_notice"
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("asb_case.id"), index=True)
    party_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("case_party.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # vocab.NoticeKind
    stage: Mapped[str] = mapped_column(String(30), default="draft")
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("enforcement_notice.id"))
    conduct: Mapped[str | None] = mapped_column(Text)
    detrimental_effect: Mapped[str | None] = mapped_column(Text)
    issuing_officer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("app_user.id"), index=True)
    authority: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[date | None] = mapped_column(Date)
    served_on: Mapped[date | None] = mapped_column(Date)
    service_method: Mapped[str | None] = mapped_column(String(40))
    comply_by: Mapped[date | None] = mapped_column(Date)
    lapses_on: Mapped[date | None] = mapped_column(Date)
    appeal_by: Mapped[date | None] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    pay_by: Mapped[date | None] = mapped_column(Date)
    discount_by: Mapped[date | None] = mapped_column(Date)
    earliest_prosecution_on: Mapped[date | None] = mapped_column(Date)
    hearing_by: Mapped[datetime | None] = mapped_column(DateTime)
    amount_pence: Mapped[int | None] = mapped_column(Integer)
    discount_amount_pence: Mapped[int | None] = mapped_column(Integer)
    paid_on: Mapped[date | None] = mapped_column(Date)
    # The last review recorded (CPN review, ABC review): next_due() skips review dates on or before it.
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(Text)
    document_due: Mapped[bool] = mapped_column(Boolean, default=False)
    rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # For the "due and overdue" register view: the next date that needs attention.
    next_due_on: Mapped[date | None] = mapped_column(Date)
    next_due_what: Mapped[str | None] = mapped_column(String(120))

    __table_args__ = (
        Index("ix_notice_kind_issued", "kind", "issued_on"),
        Index("ix_notice_next_due", "next_due_on"),
        Index("ix_notice_stage", "stage"),
        # The register's default order (newest first), covering the id so the list never reads the rows.
        Index("ix_notice_issued_ref", "issued_on", "reference", "id"),
    )


class NoticeRequirement(Tracked, Base):
    __tablename__ = "notice_requirement"
    notice_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("enforcement_notice.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # stop / do / take_steps
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)


class NoticeEvent(Tracked, Base):
    """One dated stage change (or breach, appeal, payment...) in a notice's history."""

    __tablename__ = "notice_event"
    notice_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("enforcement_notice.id", ondelete="CASCADE"), index=True
    )
    occurred_on: Mapped[date] = mapped_column(Date)
    # "stage" for a stage change; otherwise what was recorded without one: review, remedial_works,
    # forfeiture, informed, evidence, note.
    event: Mapped[str] = mapped_column(String(30), default="stage")
    from_stage: Mapped[str | None] = mapped_column(String(30))
    to_stage: Mapped[str] = mapped_column(String(30))
    officer: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class NoticeInformedBody(Tracked, Base):
    """Who was told before a CPN was issued (ASB, Crime and Policing Act 2014 s.43(6))."""

    __tablename__ = "notice_informed_body"
    notice_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("enforcement_notice.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(String(200))
    informed_on: Mapped[date] = mapped_column(Date)
