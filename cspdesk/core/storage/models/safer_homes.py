"""Safer Homes referrals: the voluntary sector's target-hardening scheme.

Client fields live on the referral itself, not in the shared ``person`` table, so a domestic-abuse
victim's name and address can never surface through person search or a case's party list.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cspdesk.core.storage.base import Base, Tracked


class SaferHomesReferral(Tracked, Base):
    __tablename__ = "safer_homes_referral"
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[str] = mapped_column(String(30), default="referred")  # vocab.SaferHomesStatus
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)  # domestic abuse: masked everywhere
    referred_on: Mapped[date] = mapped_column(Date, index=True)
    referrer_name: Mapped[str] = mapped_column(String(200))
    referrer_role: Mapped[str | None] = mapped_column(String(200))
    referrer_agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("agency.id"))
    referrer_contact: Mapped[str | None] = mapped_column(String(200))
    consent_given: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_method: Mapped[str | None] = mapped_column(String(40))
    consent_on: Mapped[date | None] = mapped_column(Date)
    client_name: Mapped[str | None] = mapped_column(String(200))
    client_date_of_birth: Mapped[date | None] = mapped_column(Date)
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(120))
    postcode: Mapped[str | None] = mapped_column(String(10))
    ward_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("ward.id"))
    # [{"number": ..., "safe_to_call": bool}]
    phones: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    safe_contact: Mapped[str | None] = mapped_column(Text)
    safe_address: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(60))
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    access_needs: Mapped[str | None] = mapped_column(Text)
    children_in_household: Mapped[int] = mapped_column(Integer, default=0)
    victim_category: Mapped[str] = mapped_column(String(30))  # vocab.VictimCategory
    tenure: Mapped[str | None] = mapped_column(
        String(40)
    )  # owner / council / housing association / private rented
    landlord_name: Mapped[str | None] = mapped_column(String(200))
    landlord_permission: Mapped[bool | None] = mapped_column(Boolean)
    perpetrator_name: Mapped[str | None] = mapped_column(String(200))
    perpetrator_resident: Mapped[bool | None] = mapped_column(Boolean)
    victim_wants_to_stay: Mapped[bool | None] = mapped_column(Boolean)
    dash_level: Mapped[str | None] = mapped_column(String(20))
    dash_score: Mapped[int | None] = mapped_column(Integer)
    marac_on: Mapped[date | None] = mapped_column(Date)
    police_reference: Mapped[str | None] = mapped_column(String(60))
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("asb_case.id"))
    eligible: Mapped[bool | None] = mapped_column(Boolean)
    eligibility: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the rules applied and the reasons
    survey_on: Mapped[date | None] = mapped_column(Date)
    surveyor: Mapped[str | None] = mapped_column(String(200))
    contractor: Mapped[str | None] = mapped_column(String(200))
    works_ordered_on: Mapped[date | None] = mapped_column(Date)
    installed_on: Mapped[date | None] = mapped_column(Date)
    secured_on: Mapped[date | None] = mapped_column(Date, index=True)
    followed_up_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)  # why declined / withdrawn
    actual_cost_pence: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    # The scheme's rules in force when the referral was made (SaferHomesRules.to_dict), so a later
    # change of policy never moves its waiting flag or follow-up date.
    rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_safer_homes_status", "status", "referred_on"),)


class SaferHomesMeasure(Tracked, Base):
    """One item of works on a referral, from the catalogue of measures in settings."""

    __tablename__ = "safer_homes_measure"
    referral_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("safer_homes_referral.id", ondelete="CASCADE"), index=True
    )
    measure_code: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_cost_pence: Mapped[int] = mapped_column(Integer)
    installed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
