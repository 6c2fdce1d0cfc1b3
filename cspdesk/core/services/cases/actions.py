"""Actions with an owner (an officer or a partner agency), a due date and an outcome; overdue ones are
shown on the case, the Dashboard and in "My work"."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from cspdesk.core.domain.asb_case import check_not_future, check_order
from cspdesk.core.domain.vocab import ActionStatus, CaseStatus, ChronologyKind, Role
from cspdesk.core.errors import NotFound, TransitionRefused, ValidationError
from cspdesk.core.services.cases.case_common import get_case, record_chronology, require_open
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.services.scope import agency_id_of
from cspdesk.core.storage.models import Agency, AppUser, AsbCase, CaseAction, Meeting
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class ActionInput:
    description: str = ""
    due_on: date | None = None
    owner_user_id: uuid.UUID | None = None
    owner_agency_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ActionRow:
    id: uuid.UUID
    case_id: uuid.UUID | None
    case_reference: str
    meeting: str
    description: str
    owner: str
    owner_user_id: uuid.UUID | None
    owner_agency_id: uuid.UUID | None
    due_on: date
    status: str
    status_label: str
    overdue: bool
    completed_on: date | None
    outcome: str
    progress: str
    version: int


def validate_action(inp: ActionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not inp.description.strip():
        errors["description"] = "Say what is to be done."
    if inp.due_on is None:
        errors["due_on"] = "Enter a due date."
    if inp.owner_user_id is None and inp.owner_agency_id is None:
        errors["owner"] = "Choose who owns it: an officer or a partner agency."
    return errors


def make_action(session, actor: Actor, inp: ActionInput, *, case_id=None, meeting_id=None) -> CaseAction:
    action = CaseAction(
        case_id=case_id,
        meeting_id=meeting_id,
        description=inp.description.strip(),
        owner_agency_id=inp.owner_agency_id,
        owner_user_id=inp.owner_user_id,
        due_on=inp.due_on,
        status=ActionStatus.OPEN.value,
    )
    session.add(action)
    session.flush()
    return action


class ActionService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    # ----- reading
    def _rows(self, s, stmt) -> list[ActionRow]:
        today = self._today()
        users = dict(s.execute(select(AppUser.id, AppUser.display_name)).tuples().all())
        agencies = dict(s.execute(select(Agency.id, Agency.name)).tuples().all())
        out = []
        for a, ref, title in s.execute(
            stmt.outerjoin(AsbCase, AsbCase.id == CaseAction.case_id)
            .outerjoin(Meeting, Meeting.id == CaseAction.meeting_id)
            .add_columns(AsbCase.reference, Meeting.title)
        ):
            owner = " / ".join(x for x in (users.get(a.owner_user_id), agencies.get(a.owner_agency_id)) if x)
            out.append(
                ActionRow(
                    a.id,
                    a.case_id,
                    ref or "",
                    title or "",
                    a.description,
                    owner,
                    a.owner_user_id,
                    a.owner_agency_id,
                    a.due_on,
                    a.status,
                    ActionStatus(a.status).label,
                    a.status == ActionStatus.OPEN.value and a.due_on < today,
                    a.completed_on,
                    a.outcome or "",
                    a.progress or "",
                    a.version,
                )
            )
        return out

    def for_case(self, case_id: uuid.UUID) -> list[ActionRow]:
        with self._uow("system") as uow:
            return self._rows(
                uow.session,
                select(CaseAction)
                .where(CaseAction.case_id == case_id)
                .order_by(CaseAction.status.desc(), CaseAction.due_on),
            )

    def for_meeting(self, meeting_id: uuid.UUID) -> list[ActionRow]:
        with self._uow("system") as uow:
            return self._rows(
                uow.session,
                select(CaseAction).where(CaseAction.meeting_id == meeting_id).order_by(CaseAction.due_on),
            )

    def my_work(self, actor: Actor, overdue_only: bool = False) -> list[ActionRow]:
        """Open actions the officer owns, or on the open cases they hold, soonest due first. A partner's: the
        open actions their agency owns (and any given to them by name)."""
        with self._uow("system") as uow:
            mine = [
                CaseAction.owner_user_id == actor.user_id,
                CaseAction.case_id.in_(
                    select(AsbCase.id).where(
                        AsbCase.officer_id == actor.user_id, AsbCase.status == CaseStatus.OPEN.value
                    )
                ),
            ]
            agency = agency_id_of(uow.session, actor.agency) if not actor.can(Role.OFFICER) else None
            if agency is not None:
                mine.append(CaseAction.owner_agency_id == agency)
            stmt = select(CaseAction).where(CaseAction.status == ActionStatus.OPEN.value).where(or_(*mine))
            if overdue_only:
                stmt = stmt.where(CaseAction.due_on < self._today())
            return self._rows(uow.session, stmt.order_by(CaseAction.due_on).limit(2000))

    def overdue(self, limit: int = 500) -> list[ActionRow]:
        with self._uow("system") as uow:
            return self._rows(
                uow.session,
                select(CaseAction)
                .where(CaseAction.status == ActionStatus.OPEN.value, CaseAction.due_on < self._today())
                .order_by(CaseAction.due_on)
                .limit(limit),
            )

    # ----- changing
    def add_action(self, actor: Actor, case_id: uuid.UUID, inp: ActionInput) -> Changes:
        actor.require(Role.OFFICER, "set actions")
        errors = validate_action(inp)
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            require_open(case, "set an action")
            action = make_action(s, actor, inp, case_id=case_id)
            record_chronology(
                s,
                case,
                ChronologyKind.ACTION.value,
                f"Action set: {action.description} (due {inp.due_on:%d/%m/%Y})",
                actor.display_name,
                related_type="action",
                related_id=action.id,
                today=self._today(),
            )
            uow.audit("create", "action", action.id, f"{case.reference}: action set")
            uow.commit()
        return Changes.of("action", "case", ids=(case_id, action.id))

    def complete(
        self,
        actor: Actor,
        action_id: uuid.UUID,
        outcome: str,
        completed_on: date | None = None,
        expected_version: int | None = None,
    ) -> Changes:
        return self._finish(actor, action_id, ActionStatus.DONE, outcome, completed_on, expected_version)

    def cancel(
        self, actor: Actor, action_id: uuid.UUID, reason: str, expected_version: int | None = None
    ) -> Changes:
        return self._finish(actor, action_id, ActionStatus.CANCELLED, reason, None, expected_version)

    def _finish(
        self, actor, action_id, status: ActionStatus, outcome: str, completed_on, expected_version
    ) -> Changes:
        actor.require(Role.OFFICER, "complete actions")
        today = self._today()
        completed_on = completed_on or today
        errors: dict[str, str] = {}
        if not outcome.strip():
            errors["outcome"] = (
                "Record the outcome." if status is ActionStatus.DONE else "Say why the action is cancelled."
            )
        check_not_future(errors, "completed_on", completed_on, today, "The completion date")
        with self._uow(actor.username) as uow:
            s = uow.session
            action = s.get(CaseAction, action_id)
            if action is None:
                raise NotFound("That action no longer exists.")
            if "completed_on" not in errors:
                check_order(
                    errors, "completed_on", action.created_at.date(), completed_on, "The completion date"
                )
            if errors:
                raise ValidationError(errors)
            if expected_version is not None and expected_version != action.version:
                raise TransitionRefused(
                    "Someone else updated this action after you opened it; it is shown again "
                    "with their changes."
                )
            if action.status != ActionStatus.OPEN.value:
                raise TransitionRefused(
                    f"This action is already {ActionStatus(action.status).label.lower()}."
                )
            action.status = status.value
            action.completed_on = completed_on if status is ActionStatus.DONE else None
            action.outcome = outcome.strip()
            if action.case_id:
                case = get_case(s, action.case_id)
                verb = "done" if status is ActionStatus.DONE else "cancelled"
                record_chronology(
                    s,
                    case,
                    ChronologyKind.ACTION.value,
                    f"Action {verb}: {action.description}",
                    actor.display_name,
                    body=outcome.strip(),
                    related_type="action",
                    related_id=action.id,
                    today=today,
                )
            uow.audit(
                "update", "action", action.id, f"Action {status.label.lower()}", {"outcome": outcome.strip()}
            )
            uow.commit()
            return Changes.of("action", "case", ids=tuple(x for x in (action.id, action.case_id) if x))

    def update_progress(self, actor: Actor, action_id: uuid.UUID, progress: str) -> Changes:
        actor.require(Role.OFFICER, "update actions")
        with self._uow(actor.username) as uow:
            action = uow.session.get(CaseAction, action_id)
            if action is None:
                raise NotFound("That action no longer exists.")
            action.progress = progress.strip() or None
            uow.audit("update", "action", action.id, "Action progress noted", {"progress": progress.strip()})
            uow.commit()
        return Changes.of("action", ids=(action_id,))
