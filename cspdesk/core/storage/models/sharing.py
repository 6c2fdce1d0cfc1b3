"""A case shared with a partner agency: dated, by whom, and withdrawn (never deleted) when it ends."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cspdesk.core.storage.base import Base, Tracked


class CaseShare(Tracked, Base):
    __tablename__ = "case_share"
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("asb_case.id"))
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agency.id"))
    shared_on: Mapped[date] = mapped_column(Date)
    shared_by: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_by: Mapped[str | None] = mapped_column(String(120))

    __table_args__ = (Index("ix_case_share_agency", "agency_id", "case_id"),)
