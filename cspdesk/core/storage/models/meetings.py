"""Partnership meetings (area forums, Safer Spaces, tasking...) and the issues raised at forums."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cspdesk.core.storage.base import Base, Tracked


class Meeting(Tracked, Base):
    __tablename__ = "meeting"
    kind: Mapped[str] = mapped_column(String(30), index=True)  # vocab.MeetingKind
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    venue: Mapped[str | None] = mapped_column(String(300))
    ward_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("ward.id"))
    attendees: Mapped[str | None] = mapped_column(Text)  # councillors, parish councils, SNT...
    notes: Mapped[str | None] = mapped_column(Text)


class ForumIssue(Tracked, Base):
    """An issue raised at an area forum; it becomes a case, an incident on a case, or an action."""

    __tablename__ = "forum_issue"
    meeting_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    raised_by: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("asb_case.id"))
    incident_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("incident.id"))
    action_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("case_action.id"))
