"""Closing a case with a reason, reopening it with a reason, and finding cases gone quiet."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select

from cspdesk.core.domain.asb_case import check_not_future, check_order
from cspdesk.core.domain.vocab import ActionStatus, CaseStatus, ChronologyKind, ClosureReason, Role
from cspdesk.core.errors import TransitionRefused, ValidationError
from cspdesk.core.services.cases.case_common import at_time, get_case, record_chronology, setting
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import AsbCase, CaseAction
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class InactiveCase:
    id: uuid.UUID
    reference: str
    title: str
    last_activity_on: date | None
    days_quiet: int


class CaseClosureService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def open_actions(self, case_id: uuid.UUID) -> int:
        with self._uow("system") as uow:
            statuses = uow.session.scalars(select(CaseAction.status).where(CaseAction.case_id == case_id))
            return sum(1 for st in statuses if st == ActionStatus.OPEN.value)

    def close(
        self, actor: Actor, case_id: uuid.UUID, reason: str, note: str = "", closed_on: date | None = None
    ) -> Changes:
        actor.require(Role.OFFICER, "close cases")
        today = self._today()
        closed_on = closed_on or today
        errors: dict[str, str] = {}
        try:
            ClosureReason(reason)
        except ValueError:
            errors["reason"] = "Choose why the case is closing."
        check_not_future(errors, "closed_on", closed_on, today, "The closing date")
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            if "closed_on" not in errors:
                check_order(errors, "closed_on", case.reported_on, closed_on, "The closing date")
            if errors:
                raise ValidationError(errors)
            if case.status == CaseStatus.CLOSED.value:
                raise TransitionRefused(f"{case.reference} is already closed.")
            case.status = CaseStatus.CLOSED.value
            case.closed_on = closed_on
            case.closure_reason = reason
            case.next_review_on = None
            record_chronology(
                s,
                case,
                ChronologyKind.STATUS.value,
                f"Case closed: {ClosureReason(reason).label}",
                actor.display_name,
                occurred_at=None if closed_on == today else at_time(closed_on, 17),
                body=note.strip() or None,
                today=today,
            )
            uow.audit(
                "transition",
                "case",
                case.id,
                f"{case.reference} closed: {ClosureReason(reason).label}",
                {"note": note.strip()},
            )
            uow.commit()
        return Changes.of("case", ids=(case_id,))

    def reopen(self, actor: Actor, case_id: uuid.UUID, reason: str) -> Changes:
        actor.require(Role.OFFICER, "reopen cases")
        if not reason.strip():
            raise ValidationError({"reason": "Say why the case is being reopened."})
        today = self._today()
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            if case.status != CaseStatus.CLOSED.value:
                raise TransitionRefused(f"{case.reference} is open already.")
            was = case.closure_reason
            case.status = CaseStatus.OPEN.value
            case.closed_on = None
            case.closure_reason = None
            record_chronology(
                s,
                case,
                ChronologyKind.STATUS.value,
                "Case reopened",
                actor.display_name,
                body=reason.strip(),
                today=today,
            )
            uow.audit(
                "transition",
                "case",
                case.id,
                f"{case.reference} reopened",
                {"reason": reason.strip(), "was_closed_as": was},
            )
            uow.commit()
        return Changes.of("case", ids=(case_id,))

    def inactive_cases(self, officer_id: uuid.UUID | None = None, limit: int = 500) -> list[InactiveCase]:
        """Open cases with no activity for ``cases.inactive_days``: offered for closure, oldest first."""
        today = self._today()
        with self._uow("system") as uow:
            s = uow.session
            days = int(setting(s, "cases.inactive_days"))
            cutoff = today - timedelta(days=days)
            stmt = select(
                AsbCase.id, AsbCase.reference, AsbCase.title, AsbCase.last_activity_on, AsbCase.reported_on
            ).where(
                AsbCase.status == CaseStatus.OPEN.value,
                or_(
                    AsbCase.last_activity_on < cutoff,
                    AsbCase.last_activity_on.is_(None) & (AsbCase.reported_on < cutoff),
                ),
            )
            if officer_id is not None:
                stmt = stmt.where(AsbCase.officer_id == officer_id)
            rows = s.execute(stmt.order_by(AsbCase.last_activity_on).limit(limit)).all()
        return [
            InactiveCase(
                r.id,
                r.reference,
                r.title,
                r.last_activity_on,
                (today - (r.last_activity_on or r.reported_on)).days,
            )
            for r in rows
        ]

    def is_inactive(self, case_id: uuid.UUID) -> InactiveCase | None:
        today = self._today()
        with self._uow("system") as uow:
            s = uow.session
            case = get_case(s, case_id)
            days = int(setting(s, "cases.inactive_days"))
            last = case.last_activity_on or case.reported_on
            if case.status != CaseStatus.OPEN.value or (today - last).days < days:
                return None
            return InactiveCase(
                case.id, case.reference, case.title, case.last_activity_on, (today - last).days
            )
