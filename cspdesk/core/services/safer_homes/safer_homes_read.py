"""Safer Homes, read side: the referral list, the referral screen, the counts and the waiting flag.

Every value that could name, locate or reach a client goes through ``protection.mask_referral_for``
before it leaves this module, so the GUI cannot show what the viewer may not see. The list's text
search runs over the masked values: searching for a restricted client's name finds nothing, which
tells a searcher nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from cspdesk.core.domain.protection import (
    audit_reason_required,
    can_see_personal_details,
    mask_referral_for,
    masked_referral,
    may_see_referral,
    referral_ref,
)
from cspdesk.core.domain.safer_homes import RESTRICTED, Measure, ReferralRecord, SaferHomesRules, format_pence
from cspdesk.core.domain.safer_homes_counts import (
    SaferHomesCounts,
    count_referrals,
    plan_categories_sentence,
    plan_sentence,
)
from cspdesk.core.domain.safer_homes_intake import EligibilityResult
from cspdesk.core.domain.safer_homes_workflow import (
    allowed_next,
    days_to_secure,
    follow_up_due,
    is_follow_up_overdue,
    is_waiting_too_long,
    waiting_target_date,
    working_days_to_secure,
)
from cspdesk.core.domain.vocab import SaferHomesStatus, VictimCategory
from cspdesk.core.errors import PermissionDenied
from cspdesk.core.services.admin.settings import read_setting
from cspdesk.core.services.context import Actor
from cspdesk.core.services.restriction import account_for_looks, current_reasons
from cspdesk.core.services.safer_homes.safer_homes_records import (
    ENTITY,
    Names,
    all_records,
    current_rules,
    load,
    measures_of,
    rules_of,
    to_record,
)
from cspdesk.core.storage.models import AppUser, AuditEntry, SaferHomesReferral
from cspdesk.core.storage.uow import UnitOfWork


def address_text(data: dict[str, Any]) -> str:
    """One line from a (possibly masked) record dict: "Restricted" stays one word."""
    if data.get("address_line1") == RESTRICTED:
        return RESTRICTED
    parts = [data.get(k) for k in ("address_line1", "address_line2", "town", "postcode")]
    return ", ".join(p for p in parts if p)


def category_label(code: str | None) -> str:
    try:
        return VictimCategory(code).label if code else ""
    except ValueError:
        return code or ""


@dataclass(frozen=True)
class ReferralQuery:
    text: str = ""
    status: str | None = None  # SaferHomesStatus value, or "open" for any open status
    category: str | None = None  # VictimCategory value
    agency: str | None = None
    ward: str | None = None
    waiting_only: bool = False
    referred_from: date | None = None
    referred_to: date | None = None

    def with_(self, **kw: Any) -> ReferralQuery:
        return replace(self, **kw)


@dataclass(frozen=True)
class ReferralListRow:
    id: uuid.UUID
    reference: str
    referred_on: date | None
    client: str  # "Restricted" unless the viewer may see it
    address: str  # ditto
    category: str
    agency: str
    ward: str
    status: str
    status_code: str
    restricted: bool
    waiting_too_long: bool
    secured_on: date | None
    days_to_secure: int | None


@dataclass(frozen=True)
class TimelineLine:
    at: datetime
    who: str
    action: str
    summary: str


@dataclass(frozen=True)
class ReferralDetail:
    id: uuid.UUID
    reference: str
    version: int
    status: SaferHomesStatus
    masked: bool  # True: the client's details read "Restricted"
    restricted: bool
    values: dict[str, Any]  # ``mask_referral_for`` output: every ReferralRecord field, JSON-safe
    allowed_next: tuple[SaferHomesStatus, ...]
    eligibility: EligibilityResult | None
    eligibility_checked: str  # "on 03/05/2023 by Sarah Bancroft" or ""
    estimated_cost_pence: int
    days_to_secure: int | None
    working_days_to_secure: int | None
    waiting_too_long: bool
    waiting_target: date | None
    follow_up_due: date | None
    follow_up_overdue: bool
    timeline: tuple[TimelineLine, ...]
    catalogue: tuple[Measure, ...]


@dataclass(frozen=True)
class CountsView:
    counts: SaferHomesCounts
    sentence: str  # "Secured 286 properties through the CVS-run Safer Homes Scheme."
    categories_sentence: str
    spend: str  # "£123,456.00"
    waiting_now: int


def _list_row(viewer, record: ReferralRecord, today: date, rules: SaferHomesRules) -> ReferralListRow:
    # A restricted referral is listed masked for everyone: its details are seen by opening it, with a reason.
    shown = masked_referral(record) if record.is_restricted else mask_referral_for(viewer, record)
    return ReferralListRow(
        id=record.id,  # type: ignore[arg-type]
        reference=record.reference,
        referred_on=record.referred_on,
        client=shown.get("client_name") or "",
        address=address_text(shown),
        category=category_label(shown.get("victim_category")),
        agency=shown.get("referrer_agency") or "",
        ward=shown.get("ward") or "",
        status=record.status.label,
        status_code=record.status.value,
        restricted=record.is_restricted,
        waiting_too_long=is_waiting_too_long(record, today, rules),
        secured_on=record.secured_on,
        days_to_secure=days_to_secure(record),
    )


def _matches(q: ReferralQuery, r: ReferralRecord, row: ReferralListRow) -> bool:
    if q.status == "open":
        if not r.is_open:
            return False
    elif q.status and r.status.value != q.status:
        return False
    if q.category and (r.victim_category.value if r.victim_category else None) != q.category:
        return False
    if q.agency and r.referrer_agency != q.agency:
        return False
    if q.ward and r.ward != q.ward:
        return False
    if q.waiting_only and not row.waiting_too_long:
        return False
    if q.referred_from and (r.referred_on is None or r.referred_on < q.referred_from):
        return False
    if q.referred_to and (r.referred_on is None or r.referred_on > q.referred_to):
        return False
    text = q.text.strip().lower()
    if text:
        # Only what this viewer is shown is searched.
        hay = " ".join((row.reference, row.client, row.address, row.agency, row.ward, row.category)).lower()
        return text in hay
    return True


class SaferHomesReader:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def rows(self, actor: Actor, query: ReferralQuery | None = None) -> list[ReferralListRow]:
        """The list as this actor may see it, newest first."""
        q = query or ReferralQuery()
        today = self._today()
        with self._uow("system") as uow:
            fallback = current_rules(uow.session)
            out = []
            for row, record in all_records(uow.session):
                if not may_see_referral(actor.viewer, record):
                    continue  # a partner sees their own agency's referrals only
                line = _list_row(actor.viewer, record, today, rules_of(row, fallback))
                if _matches(q, record, line):
                    out.append(line)
        out.sort(key=lambda r: (r.referred_on or date.min, r.reference), reverse=True)
        return out

    def filter_options(self) -> dict[str, list[str]]:
        """Agencies and wards by name, for the filters and the intake form."""
        with self._uow("system") as uow:
            names = Names.load(uow.session)
        return {"agencies": sorted(names.agencies.values()), "wards": sorted(names.wards.values())}

    def catalogue(self) -> tuple[Measure, ...]:
        with self._uow("system") as uow:
            return current_rules(uow.session).measures

    def needs_reason(self, actor: Actor, referral_id: uuid.UUID) -> bool:
        """True if opening this referral will show the actor a restricted client's details and no reason
        they gave for it is still current (``safer_homes.reason_minutes``)."""
        with self._uow("system") as uow:
            row = load(uow.session, referral_id)
            record = to_record(row, (), Names.load(uow.session))
            if not audit_reason_required(record, actor.viewer):
                return False
            return record.id not in current_reasons(uow.session, actor.username, [referral_ref(record)])

    def open(self, actor: Actor, referral_id: uuid.UUID, reason: str | None = None) -> ReferralDetail:
        """The referral screen's contents. Opening a restricted referral whose details the actor may
        see needs a reason (or one still current), written to the audit log ("view") before anything is
        returned."""
        return self._look(actor, referral_id, reason, "Opened")

    def refresh(self, actor: Actor, referral_id: uuid.UUID, reason: str | None = None) -> ReferralDetail:
        """The screen again after a change. On a restricted referral this is another look: it reuses the
        reason given when it was opened (within the reuse window) and is logged."""
        return self._look(actor, referral_id, reason, "Shown again")

    def _look(self, actor: Actor, referral_id: uuid.UUID, reason: str | None, what: str) -> ReferralDetail:
        with self._uow(actor.username) as uow:
            record, detail = self._detail(uow, actor, referral_id)
            if audit_reason_required(record, actor.viewer):
                account_for_looks(uow, actor, [referral_ref(record)], what, reason)
                uow.commit()
                # The look itself is on the timeline the user now sees.
                _r, detail = self._detail(uow, actor, referral_id)
        return detail

    def _detail(
        self, uow: UnitOfWork, actor: Actor, referral_id: uuid.UUID
    ) -> tuple[ReferralRecord, ReferralDetail]:
        s = uow.session
        today = self._today()
        row = load(s, referral_id)
        record = to_record(row, measures_of(s, row.id), Names.load(s))
        if not may_see_referral(actor.viewer, record):
            raise PermissionDenied(
                "This referral was made by another agency: you do not have permission to see it."
            )
        rules = rules_of(row, current_rules(s))
        masked = not can_see_personal_details(actor.viewer, record)
        elig = EligibilityResult.from_dict(row.eligibility) if row.eligibility else None
        checked = ""
        if row.eligibility and row.eligibility.get("checked_on"):
            on = date.fromisoformat(row.eligibility["checked_on"])
            checked = f"on {on:%d/%m/%Y} by {row.eligibility.get('checked_by', '')}".strip()
        people = dict(s.execute(select(AppUser.username, AppUser.display_name)).tuples().all())
        timeline = tuple(  # who, by name: the login only for someone no longer a user (issue 19)
            TimelineLine(a.at, people.get(a.username, a.username), a.action, a.summary)
            for a in s.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity_type == ENTITY, AuditEntry.entity_id == row.id)
                .order_by(AuditEntry.at.desc())
            )
        )
        detail = ReferralDetail(
            id=row.id,
            reference=row.reference,
            version=row.version,
            status=record.status,
            masked=masked,
            restricted=record.is_restricted,
            values=mask_referral_for(actor.viewer, record),
            allowed_next=allowed_next(record.status),
            eligibility=elig,
            eligibility_checked=checked,
            estimated_cost_pence=record.estimated_cost_pence,
            days_to_secure=days_to_secure(record),
            working_days_to_secure=working_days_to_secure(record),
            waiting_too_long=is_waiting_too_long(record, today, rules),
            waiting_target=waiting_target_date(record.referred_on, rules) if record.referred_on else None,
            follow_up_due=follow_up_due(record.installed_on, rules) if record.installed_on else None,
            follow_up_overdue=is_follow_up_overdue(record, today, rules),
            timeline=timeline,
            catalogue=current_rules(s).measures,
        )
        return record, detail

    # ----- counts -------------------------------------------------------------------------------
    def counts(self, start: date, end: date) -> CountsView:
        """Referrals, properties secured, by category, agency and ward, and spend, for any period.

        No name or address is an input to any of these figures (``safer_homes_counts``).
        """
        with self._uow("system") as uow:
            pairs = all_records(uow.session)
            scheme = str(read_setting(uow.session, "safer_homes.scheme_name"))
            fallback = current_rules(uow.session)
        today = self._today()
        counts = count_referrals([r for _row, r in pairs], start, end)
        waiting = sum(is_waiting_too_long(r, today, rules_of(row, fallback)) for row, r in pairs)
        return CountsView(
            counts,
            plan_sentence(counts, scheme),
            plan_categories_sentence(counts),
            format_pence(counts.spend_pence),
            waiting,
        )

    def waiting_count(self) -> int:
        """Open referrals not yet secured after the waiting setting's working days (for the Dashboard)."""
        today = self._today()
        with self._uow("system") as uow:
            fallback = current_rules(uow.session)
            open_rows = uow.session.scalars(
                select(SaferHomesReferral).where(
                    SaferHomesReferral.status.in_(
                        [
                            s.value
                            for s in (
                                SaferHomesStatus.REFERRED,
                                SaferHomesStatus.ELIGIBILITY_CHECKED,
                                SaferHomesStatus.SURVEYED,
                                SaferHomesStatus.WORKS_ORDERED,
                            )
                        ]
                    )
                )
            ).all()
            names = Names({}, {})
            return sum(
                is_waiting_too_long(to_record(r, (), names), today, rules_of(r, fallback)) for r in open_rows
            )
