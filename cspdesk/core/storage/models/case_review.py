"""ASB Case Review (Community Trigger) applications, ss.104-105 and Sch.4 of the 2014 Act."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cspdesk.core.storage.base import Base, Tracked


class CaseReviewApplication(Tracked, Base):
    __tablename__ = "case_review_application"
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[str] = mapped_column(String(30), default="received")  # vocab.CaseReviewStatus
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(30))  # vocab.ReportChannel
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_kind: Mapped[str] = mapped_column(String(30))  # person / business / community_group
    applicant_contact: Mapped[str | None] = mapped_column(Text)
    on_behalf_of: Mapped[str | None] = mapped_column(String(200))  # third-party application: the victim
    third_party_relationship: Mapped[str | None] = mapped_column(String(100))
    consent_recorded_on: Mapped[date | None] = mapped_column(Date)
    problem: Mapped[str] = mapped_column(Text)
    officer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("app_user.id"))
    acknowledge_by: Mapped[date | None] = mapped_column(Date)
    decide_by: Mapped[date | None] = mapped_column(Date)
    review_by: Mapped[date | None] = mapped_column(Date)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    threshold_met: Mapped[bool | None] = mapped_column(Boolean)
    # The qualifying complaints counted.
    threshold_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    threshold_decided_on: Mapped[date | None] = mapped_column(Date)
    threshold_reasons: Mapped[str | None] = mapped_column(Text)
    proceed_despite_not_met: Mapped[bool] = mapped_column(Boolean, default=False)
    # Grounds (domain.case_review.ProceedGround values) and reasons for reviewing although not met.
    proceed_grounds: Mapped[list[str] | None] = mapped_column(JSON)
    proceed_reasons: Mapped[str | None] = mapped_column(Text)
    # A not-met application closes only after the decision letter (reasons, right of appeal) has gone.
    decision_letter_sent_on: Mapped[date | None] = mapped_column(Date)
    review_meeting_on: Mapped[date | None] = mapped_column(Date)
    chair: Mapped[str | None] = mapped_column(String(200))
    chair_independent: Mapped[bool | None] = mapped_column(Boolean)
    bodies_represented: Mapped[list[str] | None] = mapped_column(JSON)
    victim_invited: Mapped[bool | None] = mapped_column(Boolean)
    victim_attended: Mapped[bool | None] = mapped_column(Boolean)
    minutes: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(Text)
    recommendations_made: Mapped[bool | None] = mapped_column(Boolean)
    victim_consulted_on_plan: Mapped[bool | None] = mapped_column(Boolean)
    outcome_sent_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_reason: Mapped[str | None] = mapped_column(Text)
    victim_told_of_closure_on: Mapped[date | None] = mapped_column(Date)
    # The threshold and timescale settings in force at receipt.
    rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_case_review_received", "received_on"),)


class CaseReviewCaseLink(Base):
    __tablename__ = "case_review_case_link"
    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("case_review_application.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("asb_case.id"), primary_key=True)


class CaseReviewVictimUpdate(Tracked, Base):
    __tablename__ = "case_review_victim_update"
    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("case_review_application.id", ondelete="CASCADE"), index=True
    )
    updated_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(120))


class CaseReviewAppeal(Tracked, Base):
    """An appeal to the Police and Crime Commissioner (the Derbyshire route)."""

    __tablename__ = "case_review_appeal"
    application_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("case_review_application.id", ondelete="CASCADE"), index=True
    )
    against: Mapped[str] = mapped_column(String(30))  # threshold_decision / review / action_plan_delivery
    lodged_on: Mapped[date] = mapped_column(Date)
    # The status the application was at when the appeal was lodged: where a not-upheld appeal returns it.
    lodged_from: Mapped[str | None] = mapped_column(String(30))
    grounds: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(40))  # upheld / not_upheld
    outcome_on: Mapped[date | None] = mapped_column(Date)
    outcome_notes: Mapped[str | None] = mapped_column(Text)
