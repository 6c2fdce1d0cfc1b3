"""Reading one case: the summary shown when a case is opened from the list."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select

from cspdesk.core.domain.vocab import (
    ActionStatus,
    AsbCategory,
    CaseStatus,
    ClosureReason,
    PartyRole,
    PriorityTag,
    PriorityTheme,
    ReportChannel,
    RiskLevel,
)
from cspdesk.core.errors import NotFound
from cspdesk.core.services.cases.case_index import address_text, age_on, person_name
from cspdesk.core.services.scope import refuse_hidden_case
from cspdesk.core.storage.models import (
    Address,
    AppUser,
    AsbCase,
    CaseAction,
    CaseParty,
    CasePriorityTag,
    ChronologyEntry,
    EnforcementNotice,
    Incident,
    Organisation,
    Person,
    Ward,
)
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class PartyLine:
    role: str
    name: str
    age: int | None
    address: str


@dataclass(frozen=True)
class ChronologyLine:
    occurred_at: datetime
    kind: str
    summary: str
    author: str


@dataclass(frozen=True)
class CaseSummary:
    id: uuid.UUID
    reference: str
    title: str
    description: str
    category: str
    priority: str
    tags: list[str]
    status: str
    closure_reason: str
    reported_on: date
    reported_via: str
    location: str
    ward: str
    officer: str
    risk: str
    next_review_on: date | None
    repeat_victim: bool
    parties: list[PartyLine]
    incidents: int
    open_actions: int
    overdue_actions: int
    notices: int
    recent: list[ChronologyLine]
    version: int


class CaseService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def summary(self, case_id: uuid.UUID) -> CaseSummary:
        today = self._today()
        with self._uow("system") as uow:
            s = uow.session
            case = s.get(AsbCase, case_id)
            if case is None:
                refuse_hidden_case(s, case_id)  # a partner's: "not your agency's", in plain words
                raise NotFound("That case no longer exists.")
            loc = s.get(Address, case.location_id) if case.location_id else None
            ward = s.get(Ward, case.ward_id) if case.ward_id else None
            officer = s.get(AppUser, case.officer_id) if case.officer_id else None
            tags = [
                PriorityTag(t).label
                for t in s.scalars(select(CasePriorityTag.tag).where(CasePriorityTag.case_id == case_id))
            ]
            parties = []
            for party, person, org in s.execute(
                select(CaseParty, Person, Organisation)
                .outerjoin(Person, Person.id == CaseParty.person_id)
                .outerjoin(Organisation, Organisation.id == CaseParty.organisation_id)
                .where(CaseParty.case_id == case_id, CaseParty.removed_on.is_(None))
            ):
                addr_id = person.address_id if person else (org.address_id if org else None)
                addr = s.get(Address, addr_id) if addr_id else None
                name = person_name(person) if person else (org.name if org else party.group_description or "")
                parties.append(
                    PartyLine(
                        PartyRole(party.role).label,
                        name,
                        age_on(person.date_of_birth, today) if person else None,
                        address_text(addr),
                    )
                )

            def count(stmt: Select) -> int:
                return s.scalar(select(func.count()).select_from(stmt.subquery())) or 0

            incidents = count(select(Incident.id).where(Incident.case_id == case_id))
            open_actions = count(
                select(CaseAction.id).where(
                    CaseAction.case_id == case_id, CaseAction.status == ActionStatus.OPEN.value
                )
            )
            overdue = count(
                select(CaseAction.id).where(
                    CaseAction.case_id == case_id,
                    CaseAction.status == ActionStatus.OPEN.value,
                    CaseAction.due_on < today,
                )
            )
            notices = count(select(EnforcementNotice.id).where(EnforcementNotice.case_id == case_id))
            recent = [
                ChronologyLine(c.occurred_at, c.kind, c.summary, c.author)
                for c in s.scalars(
                    select(ChronologyEntry)
                    .where(ChronologyEntry.case_id == case_id, ChronologyEntry.superseded.is_(False))
                    .order_by(ChronologyEntry.occurred_at.desc())
                    .limit(10)
                )
            ]
            return CaseSummary(
                id=case.id,
                reference=case.reference,
                title=case.title,
                description=case.description or "",
                category=AsbCategory(case.category).label,
                priority=PriorityTheme(case.priority_theme).label,
                tags=tags,
                status=CaseStatus(case.status).label,
                closure_reason=ClosureReason(case.closure_reason).label if case.closure_reason else "",
                reported_on=case.reported_on,
                reported_via=ReportChannel(case.reported_via).label,
                location=address_text(loc),
                ward=ward.name if ward else "",
                officer=officer.display_name if officer else "",
                risk=RiskLevel(case.risk_level).label if case.risk_level else "Not assessed",
                next_review_on=case.next_review_on,
                repeat_victim=case.repeat_victim,
                parties=parties,
                incidents=incidents,
                open_actions=open_actions,
                overdue_actions=overdue,
                notices=notices,
                recent=recent,
                version=case.version,
            )
