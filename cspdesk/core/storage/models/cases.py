"""ASB cases and what hangs off them: parties, incidents, risk, actions and the chronology."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cspdesk.core.storage.base import Base, Tracked
from cspdesk.core.storage.models.parties import Address, Organisation, Person


class AsbCase(Tracked, Base):
    __tablename__ = "asb_case"
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40))  # vocab.AsbCategory
    priority_theme: Mapped[str] = mapped_column(String(40))  # vocab.PriorityTheme (headline)
    status: Mapped[str] = mapped_column(String(20), default="open")  # vocab.CaseStatus
    reported_via: Mapped[str] = mapped_column(String(30))  # vocab.ReportChannel
    reported_on: Mapped[date] = mapped_column(Date)
    location_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("address.id"))
    # Denormalised from the location so that the list filters by ward without a join.
    ward_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("ward.id"))
    officer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("app_user.id"))
    risk_level: Mapped[str | None] = mapped_column(String(20))  # latest assessment's vocab.RiskLevel
    next_review_on: Mapped[date | None] = mapped_column(Date)
    repeat_victim: Mapped[bool] = mapped_column(Boolean, default=False)
    case_review_told_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_reason: Mapped[str | None] = mapped_column(String(40))  # vocab.ClosureReason
    last_activity_on: Mapped[date | None] = mapped_column(Date)
    # Lower-case "reference names address postcode": what the list searches (see storage.search).
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Names shown in the list without a join: "Complainant: ...; Perpetrator: ...".
    parties_summary: Mapped[str] = mapped_column(String(500), default="")
    location_summary: Mapped[str] = mapped_column(String(300), default="")

    location: Mapped[Address | None] = relationship(lazy="raise")

    __table_args__ = (
        Index("ix_asb_case_status_reported", "status", "reported_on"),
        Index("ix_asb_case_ward", "ward_id", "status"),
        Index("ix_asb_case_officer", "officer_id", "status"),
        Index("ix_asb_case_theme", "priority_theme", "status"),
        # The list's default order (newest first, then reference) walks this index instead of sorting.
        Index("ix_asb_case_reported_ref", "reported_on", "reference", "id"),
        Index("ix_asb_case_review_due", "next_review_on"),
        Index("ix_asb_case_location", "location_id"),  # the intake's duplicate check: cases at this place
        # The report pack counts cases per theme and joins actions to their case's theme from this index
        # alone, never reading the case rows (report_pack_data).
        Index("ix_asb_case_theme_dates", "priority_theme", "reported_on", "closed_on", "id"),
    )


class CasePriorityTag(Base):
    __tablename__ = "case_priority_tag"
    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("asb_case.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)  # vocab.PriorityTag


class CaseParty(Tracked, Base):
    """A person, organisation or unnamed group on a case, in a role."""

    __tablename__ = "case_party"
    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("asb_case.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))  # vocab.PartyRole
    kind: Mapped[str] = mapped_column(String(20))  # vocab.PartyKind
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("person.id"), index=True)
    # Indexed: changing a business or group asks which other cases it is on.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("organisation.id"), index=True)
    group_description: Mapped[str | None] = mapped_column(String(300))
    vulnerable: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    removed_on: Mapped[date | None] = mapped_column(Date)
    # 2025 statutory guidance: a victim reporting a second time within 6 months is told about the Case Review.
    case_review_told_on: Mapped[date | None] = mapped_column(Date)
    # The report date of the second report the officer was asked about and answered "not told yet": further
    # reports in the same run (no gap over the prompt window) do not ask again (domain.same_run_of_reports).
    case_review_not_told_for: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person | None] = relationship(lazy="raise")
    organisation: Mapped[Organisation | None] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN person_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN organisation_id IS NULL "
            "THEN 0 ELSE 1 END) + (CASE WHEN group_description IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_subject",
        ),
    )


class Incident(Tracked, Base):
    __tablename__ = "incident"
    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("asb_case.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    reported_on: Mapped[date] = mapped_column(Date)
    reporter_party_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("case_party.id"))
    reporter_name: Mapped[str | None] = mapped_column(String(200))  # when the reporter is not a party
    reporting_agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agency.id"))
    police_reference: Mapped[str | None] = mapped_column(String(60))
    category: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    location_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("address.id"))
    # Same behaviour reported to several agencies: later reports point at the first (counts once).
    duplicate_of_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("incident.id"))

    # A partner's cases (services.scope): those their agency reported on, found without reading the incidents.
    __table_args__ = (Index("ix_incident_agency_case", "reporting_agency_id", "case_id"),)


class RiskAssessment(Tracked, Base):
    __tablename__ = "risk_assessment"
    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("asb_case.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("case_party.id"))
    assessed_on: Mapped[date] = mapped_column(Date)
    assessor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("app_user.id"))
    questionnaire: Mapped[dict[str, Any]] = mapped_column(
        JSON
    )  # the questions and cut-offs used, kept with the answers
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    score: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20))  # vocab.RiskLevel
    next_review_on: Mapped[date | None] = mapped_column(Date)
    single_point_of_contact: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)


class CaseAction(Tracked, Base):
    """An action with an owner and a due date: on a case, from an area forum or a Case Review plan."""

    __tablename__ = "case_action"
    case_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("asb_case.id", ondelete="CASCADE"), index=True
    )
    case_review_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("case_review_application.id"), index=True
    )
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("meeting.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agency.id"))
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("app_user.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # vocab.ActionStatus
    completed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_case_action_due", "status", "due_on"),
        # The report pack's counts per case (completed, outstanding) read this index, not the action rows.
        Index("ix_case_action_case_dates", "case_id", "due_on", "completed_on", "status"),
        # A partner's cases (services.scope): those their agency owns an action on.
        Index("ix_case_action_agency_case", "owner_agency_id", "case_id"),
    )


class ChronologyEntry(Tracked, Base):
    """One dated line on a case's timeline. Corrections add a new entry pointing at the old one."""

    __tablename__ = "chronology_entry"
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("asb_case.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(20))  # vocab.ChronologyKind
    summary: Mapped[str] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(120))
    related_type: Mapped[str | None] = mapped_column(String(40))
    related_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("chronology_entry.id"))
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_chronology_case_time", "case_id", "occurred_at"),)


class CaseLink(Tracked, Base):
    """Two cases about the same person, address or place, linked at intake instead of duplicated."""

    __tablename__ = "case_link"
    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("asb_case.id", ondelete="CASCADE"), index=True
    )
    linked_case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("asb_case.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str | None] = mapped_column(String(300))


class SavedCaseFilter(Tracked, Base):
    """A case-list filter an officer named and kept ("Youth ASB in Swadlincote")."""

    __tablename__ = "saved_case_filter"
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    query: Mapped[dict[str, Any]] = mapped_column(JSON)  # CaseQuery fields, dates as ISO strings


class EditDraft(Tracked, Base):
    """Fields typed into an open form but not yet saved, so a crash loses at most the field being typed."""

    __tablename__ = "edit_draft"
    username: Mapped[str] = mapped_column(String(120))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    base_version: Mapped[int] = mapped_column(Integer)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index("ix_edit_draft_entity", "username", "entity_type", "entity_id", unique=True),)
