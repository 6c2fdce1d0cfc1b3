"""The Dashboard's counts: open cases by priority theme, status, ward and risk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from cspdesk.core.domain.vocab import ActionStatus, CaseStatus, PriorityTheme, RiskLevel
from cspdesk.core.services.case_review.case_review import count_overdue_case_reviews
from cspdesk.core.services.data_protection.subject_requests import SubjectRequestService
from cspdesk.core.services.safer_homes.safer_homes_read import SaferHomesReader
from cspdesk.core.services.working_copies.working_copies import OfficerOut, officers_out_too_long
from cspdesk.core.storage.models import AsbCase, CaseAction, Ward
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class DashboardSummary:
    total_cases: int
    open_cases: int
    by_priority: list[Count]
    by_status: list[Count]
    by_ward: list[Count]
    by_risk: list[Count]
    reviews_due: int
    overdue_actions: int
    safer_homes_waiting: int = 0  # Safer Homes referrals not secured within the waiting setting
    case_review_deadlines_overdue: int = 0  # open Case Review applications past a due date
    data_requests_open: int = 0  # subject access, rectification, erasure requests not yet closed
    data_requests_overdue: int = 0  # of those, past their Art. 12(3) due date
    copies_out_too_long: tuple[OfficerOut, ...] = ()  # officers with working copies out too long


class DashboardService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def summary(self) -> DashboardSummary:
        today = self._today()
        open_ = AsbCase.status == CaseStatus.OPEN.value
        with self._uow("system") as uow:
            s = uow.session
            total = s.scalar(select(func.count()).select_from(AsbCase)) or 0
            by_status_raw = dict(
                s.execute(select(AsbCase.status, func.count()).group_by(AsbCase.status)).tuples().all()
            )
            by_theme = dict(
                s.execute(
                    select(AsbCase.priority_theme, func.count()).where(open_).group_by(AsbCase.priority_theme)
                )
                .tuples()
                .all()
            )
            by_ward = s.execute(
                select(Ward.name, func.count(AsbCase.id))
                .join(Ward, Ward.id == AsbCase.ward_id)
                .where(open_)
                .group_by(Ward.name)
                .order_by(func.count(AsbCase.id).desc())
            ).all()
            by_risk = dict(
                s.execute(select(AsbCase.risk_level, func.count()).where(open_).group_by(AsbCase.risk_level))
                .tuples()
                .all()
            )
            reviews_due = (
                s.scalar(
                    select(func.count()).select_from(AsbCase).where(open_, AsbCase.next_review_on <= today)
                )
                or 0
            )
            overdue = (
                s.scalar(
                    select(func.count())
                    .select_from(CaseAction)
                    .where(CaseAction.status == ActionStatus.OPEN.value, CaseAction.due_on < today)
                )
                or 0
            )
            case_reviews_overdue = count_overdue_case_reviews(s, today)
            copies_out = tuple(officers_out_too_long(s, today))
        requests = SubjectRequestService(self._uow, self._today).counts()
        return DashboardSummary(
            total_cases=total,
            open_cases=by_status_raw.get(CaseStatus.OPEN.value, 0),
            by_priority=[Count(t.value, t.label, by_theme.get(t.value, 0)) for t in PriorityTheme],
            by_status=[Count(s_.value, s_.label, by_status_raw.get(s_.value, 0)) for s_ in CaseStatus],
            by_ward=[Count(name, name, n) for name, n in by_ward],
            by_risk=[Count(r.value, r.label, by_risk.get(r.value, 0)) for r in RiskLevel]
            + [Count("", "Not assessed", by_risk.get(None, 0))],
            reviews_due=reviews_due,
            overdue_actions=overdue,
            safer_homes_waiting=SaferHomesReader(self._uow, self._today).waiting_count(),
            case_review_deadlines_overdue=case_reviews_overdue,
            data_requests_open=requests.open,
            data_requests_overdue=requests.overdue,
            copies_out_too_long=copies_out,
        )
