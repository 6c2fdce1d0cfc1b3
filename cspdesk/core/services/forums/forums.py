"""Area forums: record the meeting, capture each issue raised as a new case, an incident on an existing
case, or an action; and print the forum's action log. Everything is local, so it works offline."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import func, select

from cspdesk.core.domain.asb_case import check_not_future
from cspdesk.core.domain.vocab import ActionStatus, ChronologyKind, MeetingKind, ReportChannel, Role
from cspdesk.core.errors import NotFound, ValidationError
from cspdesk.core.services.cases.actions import (
    ActionInput,
    ActionRow,
    ActionService,
    make_action,
    validate_action,
)
from cspdesk.core.services.cases.case_common import get_case, record_chronology, require_open, setting
from cspdesk.core.services.cases.case_intake import IntakeForm, create_case, validate_intake
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import Agency, AsbCase, CaseAction, ForumIssue, Incident, Meeting, Ward
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class MeetingInput:
    title: str = ""
    held_on: date | None = None
    venue: str = ""
    ward_id: uuid.UUID | None = None
    attendees: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ForumRow:
    id: uuid.UUID
    title: str
    held_on: date
    venue: str
    ward: str
    attendees: str
    notes: str
    issues: int
    open_actions: int


@dataclass(frozen=True)
class IssueRow:
    id: uuid.UUID
    raised_by: str
    description: str
    became: str  # "New case ASB-2026-00012", "Incident on ASB-...", "Action (due 01/12/2026)"
    case_id: uuid.UUID | None


@dataclass(frozen=True)
class ForumLog:
    forum: ForumRow
    issues: list[IssueRow]
    actions: list[ActionRow]
    council: str
    team: str
    printed_on: date


class ForumService:
    def __init__(
        self,
        uow: Callable[[str], UnitOfWork],
        today: Callable[[], date],
        write_log: Callable[[ForumLog, Path], Path] | None = None,
    ):
        self._uow = uow
        self._today = today
        self._write_log = write_log  # services.forums_print.write_forum_log, from the composition root

    def forums(self, limit: int = 300) -> list[ForumRow]:
        with self._uow("system") as uow:
            return self._forum_rows(
                uow.session,
                select(Meeting)
                .where(Meeting.kind == MeetingKind.AREA_FORUM.value)
                .order_by(Meeting.held_on.desc())
                .limit(limit),
            )

    def forum(self, meeting_id: uuid.UUID) -> ForumRow:
        with self._uow("system") as uow:
            rows = self._forum_rows(uow.session, select(Meeting).where(Meeting.id == meeting_id))
        if not rows:
            raise NotFound("That forum meeting no longer exists.")
        return rows[0]

    def _forum_rows(self, s, stmt) -> list[ForumRow]:
        meetings = s.scalars(stmt).all()
        ids = [m.id for m in meetings]
        wards = dict(s.execute(select(Ward.id, Ward.name)).tuples().all())
        issues = (
            dict(
                s.execute(
                    select(ForumIssue.meeting_id, func.count())
                    .where(ForumIssue.meeting_id.in_(ids))
                    .group_by(ForumIssue.meeting_id)
                )
                .tuples()
                .all()
            )
            if ids
            else {}
        )
        actions = (
            dict(
                s.execute(
                    select(CaseAction.meeting_id, func.count())
                    .where(CaseAction.meeting_id.in_(ids), CaseAction.status == ActionStatus.OPEN.value)
                    .group_by(CaseAction.meeting_id)
                )
                .tuples()
                .all()
            )
            if ids
            else {}
        )
        return [
            ForumRow(
                m.id,
                m.title,
                m.held_on,
                m.venue or "",
                wards.get(m.ward_id, ""),
                m.attendees or "",
                m.notes or "",
                issues.get(m.id, 0),
                actions.get(m.id, 0),
            )
            for m in meetings
        ]

    def record_forum(self, actor: Actor, inp: MeetingInput) -> tuple[uuid.UUID, Changes]:
        actor.require(Role.OFFICER, "record forum meetings")
        errors: dict[str, str] = {}
        if not inp.title.strip():
            errors["title"] = "Name the forum (for example 'Swadlincote Area Forum')."
        if inp.held_on is None:
            errors["held_on"] = "Enter the date the forum met."
        check_not_future(errors, "held_on", inp.held_on, self._today(), "The forum date")
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            m = Meeting(
                kind=MeetingKind.AREA_FORUM.value,
                title=inp.title.strip(),
                held_on=inp.held_on,
                venue=inp.venue.strip() or None,
                ward_id=inp.ward_id,
                attendees=inp.attendees.strip() or None,
                notes=inp.notes.strip() or None,
            )
            uow.session.add(m)
            uow.session.flush()
            uow.audit("create", "meeting", m.id, f"Area forum recorded: {m.title} on {inp.held_on:%d/%m/%Y}")
            uow.commit()
            return m.id, Changes.of("meeting", ids=(m.id,))

    def issues(self, meeting_id: uuid.UUID) -> list[IssueRow]:
        with self._uow("system") as uow:
            s = uow.session
            rows = s.execute(
                select(ForumIssue, AsbCase.reference, CaseAction.due_on)
                .outerjoin(AsbCase, AsbCase.id == ForumIssue.case_id)
                .outerjoin(CaseAction, CaseAction.id == ForumIssue.action_id)
                .where(ForumIssue.meeting_id == meeting_id)
                .order_by(ForumIssue.created_at)
            ).all()
        out = []
        for issue, ref, due in rows:
            if issue.action_id:
                became = f"Action, due {due:%d/%m/%Y}" + (f" ({ref})" if ref else "")
            elif issue.incident_id:
                became = f"Incident on {ref}"
            elif issue.case_id:
                became = f"Case {ref}"
            else:
                became = "Noted"
            out.append(IssueRow(issue.id, issue.raised_by or "", issue.description, became, issue.case_id))
        return out

    def _issue(self, s, meeting_id, raised_by: str, description: str) -> tuple[Meeting, ForumIssue]:
        meeting = s.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFound("That forum meeting no longer exists.")
        issue = ForumIssue(
            meeting_id=meeting_id, raised_by=raised_by.strip() or None, description=description.strip()
        )
        s.add(issue)
        return meeting, issue

    def raise_as_case(self, actor: Actor, meeting_id: uuid.UUID, raised_by: str, form: IntakeForm) -> Changes:
        actor.require(Role.OFFICER, "open cases")
        errors = validate_intake(form, self._today())
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            s = uow.session
            meeting, issue = self._issue(s, meeting_id, raised_by, form.title)
            case = create_case(uow, actor, form, self._today())
            issue.case_id = case.id
            uow.audit("create", "forum_issue", None, f"{meeting.title}: issue became case {case.reference}")
            uow.commit()
            return Changes.of("case", "party", "meeting", ids=(case.id, meeting_id))

    def link_issue_to_case(
        self, actor: Actor, meeting_id: uuid.UUID, raised_by: str, description: str, case_id: uuid.UUID
    ) -> Changes:
        """Record that an issue raised at the forum became a case opened through the new-case dialog."""
        actor.require(Role.OFFICER, "record forum issues")
        with self._uow(actor.username) as uow:
            meeting, issue = self._issue(uow.session, meeting_id, raised_by, description)
            case = get_case(uow.session, case_id)
            issue.case_id = case_id
            uow.audit("create", "forum_issue", None, f"{meeting.title}: issue became case {case.reference}")
            uow.commit()
        return Changes.of("meeting", "case", ids=(meeting_id, case_id))

    def raise_as_incident(
        self, actor: Actor, meeting_id: uuid.UUID, raised_by: str, description: str, case_id: uuid.UUID
    ) -> Changes:
        actor.require(Role.OFFICER, "record incidents")
        if not description.strip():
            raise ValidationError({"description": "Say what was raised."})
        with self._uow(actor.username) as uow:
            s = uow.session
            meeting, issue = self._issue(s, meeting_id, raised_by, description)
            case = get_case(s, case_id)
            require_open(case, "record an incident")
            at = datetime.combine(meeting.held_on, time(19))
            council = s.scalar(select(Agency.id).where(Agency.code == "SDDC"))
            incident = Incident(
                case_id=case_id,
                occurred_at=at,
                reported_on=meeting.held_on,
                reporter_name=(raised_by.strip() or "Area forum") + f" ({meeting.title})",
                reporting_agency_id=council,
                category=case.category,
                description=description.strip(),
                location_id=case.location_id,
            )
            s.add(incident)
            s.flush()
            issue.case_id, issue.incident_id = case_id, incident.id
            record_chronology(
                s,
                case,
                ChronologyKind.INCIDENT.value,
                f"Incident raised at {meeting.title}: {description.strip()}",
                actor.display_name,
                occurred_at=at,
                related_type="incident",
                related_id=incident.id,
                today=self._today(),
                body=f"Reported by {ReportChannel.AREA_FORUM.label.lower()}",
            )
            uow.audit(
                "create", "incident", incident.id, f"{case.reference}: incident raised at {meeting.title}"
            )
            uow.commit()
            return Changes.of("incident", "case", "meeting", ids=(case_id, meeting_id))

    def raise_as_action(
        self,
        actor: Actor,
        meeting_id: uuid.UUID,
        raised_by: str,
        action: ActionInput,
        case_id: uuid.UUID | None = None,
    ) -> Changes:
        actor.require(Role.OFFICER, "set actions")
        errors = validate_action(action)
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            s = uow.session
            meeting, issue = self._issue(s, meeting_id, raised_by, action.description)
            row = make_action(s, actor, action, case_id=case_id, meeting_id=meeting_id)
            issue.action_id, issue.case_id = row.id, case_id
            if case_id:
                case = get_case(s, case_id)
                record_chronology(
                    s,
                    case,
                    ChronologyKind.ACTION.value,
                    f"Action set at {meeting.title}: {row.description} (due {row.due_on:%d/%m/%Y})",
                    actor.display_name,
                    related_type="action",
                    related_id=row.id,
                    today=self._today(),
                )
            uow.audit("create", "action", row.id, f"{meeting.title}: action set")
            uow.commit()
            return Changes.of("action", "meeting", *(("case",) if case_id else ()), ids=(meeting_id, row.id))

    def action_log(self, meeting_id: uuid.UUID) -> ForumLog:
        forum = self.forum(meeting_id)
        actions = ActionService(self._uow, self._today).for_meeting(meeting_id)
        with self._uow("system") as uow:
            council, team = setting(uow.session, "council.name"), setting(uow.session, "council.team")
        return ForumLog(forum, self.issues(meeting_id), actions, council, team, self._today())

    def print_action_log(self, meeting_id: uuid.UUID, target: Path) -> Path:
        if self._write_log is None:
            raise RuntimeError("ForumService was built without a log writer (see services.registry)")
        return self._write_log(self.action_log(meeting_id), Path(target))
