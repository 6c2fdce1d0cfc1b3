"""The action plan of a Case Review and the log of updates to the victim.

Actions are ``CaseAction`` rows with ``case_review_id``: each has an owner agency and a due date (an
Ombudsman finding is actions with neither), progress notes and a completion date. Victim updates record
the single point of contact keeping the victim informed (2025 statutory guidance).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from cspdesk.core.domain.case_review import format_date
from cspdesk.core.domain.case_review_workflow import ActionPlanItem, action_problems
from cspdesk.core.domain.vocab import ActionStatus, CaseReviewStatus, Role
from cspdesk.core.errors import NotFound, TransitionRefused, ValidationError
from cspdesk.core.services.case_review.case_review_records import (
    VICTIM_UPDATE_METHODS,
    load_application,
    note_on_cases,
    plan_actions,
)
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import Agency, CaseAction, CaseReviewVictimUpdate
from cspdesk.core.storage.uow import UnitOfWork

S = CaseReviewStatus
_PLAN_OPEN = {S.REVIEW_MEETING.value, S.OUTCOME_SENT.value, S.ACTION_PLAN_MONITORING.value}


class CaseReviewPlanSteps:
    """The action plan and the victim's updates, for ``CaseReviewService`` (which is given the two below)."""

    _uow: Callable[[str], UnitOfWork]
    _today: Callable[[], date]

    def add_action(
        self,
        actor: Actor,
        application_id: uuid.UUID,
        *,
        description: str,
        owner_agency: str | None,
        due_on: date | None,
    ) -> Changes:
        """A recommendation on the action plan, once the review meeting has been held."""
        actor.require(Role.OFFICER, "add to a Case Review action plan")
        with self._uow(actor.username) as uow:
            s = uow.session
            app = load_application(uow, application_id)
            if app.status not in _PLAN_OPEN:
                raise TransitionRefused(
                    f"Actions are added after the review meeting, while the plan is open; "
                    f"this application is at '{S(app.status).label}'."
                )
            number = len(plan_actions(s, app.id)) + 1
            item = ActionPlanItem(description, owner_agency, due_on)
            problems = action_problems(item, number, app.review_meeting_on)
            agency = s.scalar(select(Agency).where(Agency.code == owner_agency)) if owner_agency else None
            if owner_agency and agency is None:
                problems[f"actions[{number - 1}].owner_agency"] = (
                    f"Action {number}: unknown agency {owner_agency}."
                )
            if problems:
                raise ValidationError({k.split(".", 1)[1]: v for k, v in problems.items()})
            # action_problems requires an owner, and an unknown one is refused above
            assert agency is not None
            action = CaseAction(
                case_review_id=app.id,
                description=description.strip(),
                owner_agency_id=agency.id,
                due_on=due_on,
                status=ActionStatus.OPEN.value,
            )
            s.add(action)
            s.flush()
            uow.audit(
                "create",
                "case_action",
                action.id,
                f"{app.reference}: action added — {action.description} "
                f"({agency.code}, due {due_on:%d/%m/%Y})",
                {"case_review_id": str(app.id)},
            )
            note_on_cases(
                uow,
                app,
                "action",
                f"Case Review {app.reference} action: {action.description} "
                f"({agency.code}, due {due_on:%d/%m/%Y})",
                actor.display_name,
            )
            uow.commit()
            return Changes.of("case_review", "action", ids=(app.id, action.id))

    def update_action(
        self,
        actor: Actor,
        action_id: uuid.UUID,
        *,
        progress: str,
        status: str,
        completed_on: date | None,
        version: int | None = None,
    ) -> Changes:
        """Progress on an action: a note, and done (with the date) or cancelled."""
        actor.require(Role.OFFICER, "update a Case Review action")
        today = self._today()
        with self._uow(actor.username) as uow:
            s = uow.session
            action = s.get(CaseAction, action_id)
            if action is None or action.case_review_id is None:
                raise NotFound("That action no longer exists.")
            if version is not None and action.version != version:
                raise ValidationError(
                    {"": "Someone else updated this action since you opened it; reload it."}
                )
            app = load_application(uow, action.case_review_id)
            try:
                st = ActionStatus(status)
            except ValueError:
                raise ValidationError({"status": "Choose open, done or cancelled."}) from None
            if st is not ActionStatus.DONE:
                completed_on = None
            code = s.scalar(select(Agency.code).where(Agency.id == action.owner_agency_id))
            problems = action_problems(
                ActionPlanItem(action.description, code, action.due_on, st, completed_on),
                1,
                app.review_meeting_on,
            )
            p = {k.split(".", 1)[1]: v.replace("Action 1: ", "") for k, v in problems.items()}
            if completed_on is not None and completed_on > today:
                p["completed_on"] = (
                    f"The completion date ({format_date(completed_on)}) cannot be in the future."
                )
            if p:
                raise ValidationError(p)
            before = action.status
            action.progress = progress.strip() or None
            action.status = st.value
            action.completed_on = completed_on
            action.outcome = "Completed" if st is ActionStatus.DONE else None
            uow.audit(
                "update",
                "case_action",
                action.id,
                f"{app.reference}: action '{action.description}' {st.label.lower()}",
                {"from": before, "to": st.value, "progress": action.progress},
            )
            if st is not ActionStatus.OPEN and before == ActionStatus.OPEN.value:
                note_on_cases(
                    uow,
                    app,
                    "action",
                    f"Case Review {app.reference} action {st.label.lower()}: {action.description}",
                    actor.display_name,
                )
            uow.commit()
            return Changes.of("case_review", "action", ids=(app.id, action.id))

    def add_victim_update(
        self, actor: Actor, application_id: uuid.UUID, *, updated_on: date | None, method: str, summary: str
    ) -> Changes:
        actor.require(Role.OFFICER, "log an update to the victim")
        today = self._today()
        with self._uow(actor.username) as uow:
            app = load_application(uow, application_id)
            p: dict[str, str] = {}
            if updated_on is None:
                p["updated_on"] = "Record the date the victim was updated."
            elif updated_on < app.received_on:
                p["updated_on"] = (
                    f"The update ({format_date(updated_on)}) is before the application was "
                    f"received ({format_date(app.received_on)})."
                )
            elif updated_on > today:
                p["updated_on"] = "The date of the update cannot be in the future."
            if method not in VICTIM_UPDATE_METHODS:
                p["method"] = "Say how the victim was updated (phone, email, letter, visit...)."
            if not summary.strip():
                p["summary"] = "Summarise what the victim was told."
            if p:
                raise ValidationError(p)
            row = CaseReviewVictimUpdate(
                application_id=app.id,
                updated_on=updated_on,
                method=method,
                summary=summary.strip(),
                author=actor.display_name[:120],
            )
            uow.session.add(row)
            uow.session.flush()
            uow.audit(
                "create",
                "case_review_victim_update",
                row.id,
                f"{app.reference}: victim updated by {VICTIM_UPDATE_METHODS[method].lower()} "
                f"on {updated_on:%d/%m/%Y}",
            )
            uow.commit()
            return Changes.of("case_review", ids=(app.id,))
