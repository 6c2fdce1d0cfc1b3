"""ASB Case Reviews (the Community Trigger): record an application, list them, read one with its evidence.

The steps of the process are in ``case_review_steps``, the action plan and victim updates in
``case_review_plan``, the annual figures and letter values in ``case_review_reports``. One service
object (``CaseReviewService``) offers them all to the GUI and the command line.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import func, select

from cspdesk.core.domain.case_review import CaseReviewRules, format_date
from cspdesk.core.domain.case_review_clock import clock, due_dates
from cspdesk.core.domain.case_review_threshold import IncidentReport, ThresholdAssessment, assess_threshold
from cspdesk.core.domain.case_review_workflow import allowed_targets, transition_problems
from cspdesk.core.domain.vocab import CaseReviewStatus, Role
from cspdesk.core.errors import ValidationError
from cspdesk.core.services.admin.settings import SettingsService, case_review_rules
from cspdesk.core.services.case_review.case_review_plan import CaseReviewPlanSteps
from cspdesk.core.services.case_review.case_review_records import (
    APPLICANT_KINDS,
    CHANNELS,
    STEP_FIELDS,
    STEP_TARGET,
    ActionLine,
    AppealLine,
    CaseReviewDetail,
    CaseReviewRow,
    DeadlineLine,
    LinkedCase,
    Step,
    StepState,
    VictimUpdateLine,
    agency_codes,
    appeals_of,
    facts_for,
    gather_reports,
    letter_due,
    linked_case_ids,
    load_application,
    note_on_cases,
    plan_actions,
)
from cspdesk.core.services.case_review.case_review_reports import CaseReviewReports
from cspdesk.core.services.case_review.case_review_steps import CaseReviewSteps, redo_step
from cspdesk.core.services.context import Actor
from cspdesk.core.storage.models import (
    Agency,
    AppUser,
    AsbCase,
    CaseReviewApplication,
    CaseReviewCaseLink,
    CaseReviewVictimUpdate,
)
from cspdesk.core.storage.portable import one_at_a_time
from cspdesk.core.storage.uow import UnitOfWork
from cspdesk.core.sync.references import provisional_reference

S = CaseReviewStatus


@dataclass(frozen=True)
class ApplicationInput:
    """A new application. A third party (family, friend, councillor, MP) applies on the victim's behalf:
    ``on_behalf_of`` names the victim, and the victim's written consent must be recorded before it is
    acknowledged [DOMAIN.md s.4]. ``applicant_kind`` is the victim's kind: person, business or group."""

    received_on: date | None
    channel: str
    applicant_name: str
    applicant_kind: str
    problem: str
    applicant_contact: str = ""
    case_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    on_behalf_of: str = ""
    third_party_relationship: str = ""
    consent_recorded_on: date | None = None


def application_problems(a: ApplicationInput, today: date) -> dict[str, str]:
    p: dict[str, str] = {}
    if a.received_on is None:
        p["received_on"] = "Record the date the application was received."
    elif a.received_on > today:
        p["received_on"] = f"The date received ({format_date(a.received_on)}) cannot be in the future."
    if a.channel not in CHANNELS:
        p["channel"] = "Choose how the application was made (phone, email, online form, letter or in person)."
    if not a.applicant_name.strip():
        p["applicant_name"] = "Give the applicant's name."
    if a.applicant_kind not in APPLICANT_KINDS:
        p["applicant_kind"] = "Say whether the victim is a person, a business or a community group."
    if not a.problem.strip():
        p["problem"] = "Describe the problem the application is about."
    if not a.case_ids:
        p["case_ids"] = "Link the ASB case (or cases) the application is about: the evidence comes from them."
    third = bool(a.on_behalf_of.strip())
    if third and not a.third_party_relationship.strip():
        p["third_party_relationship"] = (
            "Say how the applicant is connected to the victim (family, councillor...)."
        )
    if not third and (a.third_party_relationship.strip() or a.consent_recorded_on):
        p["on_behalf_of"] = "Name the victim this application is made on behalf of."
    if a.consent_recorded_on is not None and a.consent_recorded_on > today:
        p["consent_recorded_on"] = "The date of the victim's consent cannot be in the future."
    return p


class CaseReviewService(CaseReviewSteps, CaseReviewPlanSteps, CaseReviewReports):
    def __init__(
        self,
        uow: Callable[[str], UnitOfWork],
        settings: SettingsService,
        today: Callable[[], date],
        render_pdf: Callable[..., bytes] | None = None,
    ):
        self._uow = uow
        self._settings = settings
        self._today = today
        self._render_pdf = render_pdf  # case_review_print.render_figures_pdf, given by the composition root

    # ----- lookups for the forms
    def find_cases(self, text: str, limit: int = 20) -> list[LinkedCase]:
        """Cases whose reference (or title) contains ``text``: to link to an application."""
        t = text.strip()
        if not t:
            return []
        with self._uow("system") as uow:
            rows = uow.session.execute(
                select(AsbCase.id, AsbCase.reference, AsbCase.title)
                .where(AsbCase.reference.ilike(f"%{t}%") | AsbCase.title.ilike(f"%{t}%"))
                .order_by(AsbCase.reference.desc())
                .limit(limit)
            )
            return [LinkedCase(r.id, r.reference, r.title) for r in rows]

    def agencies(self) -> list[tuple[str, str]]:
        """(code, name) of the active partner agencies that can own an action."""
        with self._uow("system") as uow:
            return [
                (r.code, r.name)
                for r in uow.session.execute(
                    select(Agency.code, Agency.name).where(Agency.active.is_(True)).order_by(Agency.name)
                )
            ]

    def current_rules(self) -> CaseReviewRules:
        return case_review_rules(self._settings.section("case_review"))

    # ----- record
    def record_application(self, actor: Actor, a: ApplicationInput) -> uuid.UUID:
        actor.require(Role.OFFICER, "record a Case Review application")
        today = self._today()
        problems = application_problems(a, today)
        if problems:
            raise ValidationError(problems)
        assert a.received_on is not None
        rules = self.current_rules()
        due = due_dates(a.received_on, rules)
        with self._uow(actor.username) as uow:
            s = uow.session
            found = set(s.scalars(select(AsbCase.id).where(AsbCase.id.in_(a.case_ids))))
            if missing := [c for c in a.case_ids if c not in found]:
                raise ValidationError({"case_ids": f"{len(missing)} of the linked cases no longer exist."})
            app = CaseReviewApplication(
                reference=next_case_review_reference(s, a.received_on.year),
                status=S.RECEIVED.value,
                received_on=a.received_on,
                channel=a.channel,
                applicant_name=a.applicant_name.strip(),
                applicant_kind=a.applicant_kind,
                applicant_contact=a.applicant_contact.strip() or None,
                on_behalf_of=a.on_behalf_of.strip() or None,
                third_party_relationship=a.third_party_relationship.strip() or None,
                consent_recorded_on=a.consent_recorded_on,
                problem=a.problem.strip(),
                officer_id=actor.user_id,
                acknowledge_by=due.acknowledge_by,
                decide_by=due.decide_by,
                review_by=due.review_by,
                rules=rules.to_dict(),
                proceed_despite_not_met=False,
            )
            s.add(app)
            s.flush()
            for cid in dict.fromkeys(a.case_ids):
                s.add(CaseReviewCaseLink(application_id=app.id, case_id=cid))
            s.flush()
            uow.audit(
                "create",
                "case_review",
                app.id,
                f"Case Review application {app.reference} received "
                f"{a.received_on:%d/%m/%Y} from {app.applicant_name}",
                {
                    "rules": rules.to_dict(),
                    "acknowledge_by": due.acknowledge_by.isoformat(),
                    "decide_by": due.decide_by.isoformat(),
                    "review_by": due.review_by.isoformat(),
                },
            )
            note_on_cases(
                uow, app, "status", f"Case Review application {app.reference} received", actor.display_name
            )
            letter_due(uow, app, "acknowledgement", due.acknowledge_by, actor.display_name)
            uow.commit()
            return app.id

    # ----- read
    def list_applications(
        self, status: str | None = None, text: str = "", overdue_only: bool = False
    ) -> list[CaseReviewRow]:
        """``status`` a CaseReviewStatus value, or "open" for everything not closed."""
        today = self._today()
        with self._uow("system") as uow:
            stmt = select(CaseReviewApplication).order_by(
                CaseReviewApplication.received_on.desc(), CaseReviewApplication.reference.desc()
            )
            if status == "open":
                stmt = stmt.where(CaseReviewApplication.status != S.CLOSED.value)
            elif status:
                stmt = stmt.where(CaseReviewApplication.status == status)
            if text.strip():
                like = f"%{text.strip()}%"
                stmt = stmt.where(
                    CaseReviewApplication.reference.ilike(like)
                    | CaseReviewApplication.applicant_name.ilike(like)
                    | CaseReviewApplication.on_behalf_of.ilike(like)
                )
            rows = [_row(app, today) for app in uow.session.scalars(stmt)]
        return [r for r in rows if r.overdue] if overdue_only else rows

    def overdue_count(self) -> int:
        return len(self.list_applications("open", overdue_only=True))

    def detail(self, application_id: uuid.UUID) -> CaseReviewDetail:
        today = self._today()
        with self._uow("system") as uow:
            s = uow.session
            app = load_application(uow, application_id)
            facts = facts_for(s, app, today)
            codes = agency_codes(s)
            officer = s.get(AppUser, app.officer_id) if app.officer_id else None
            cases = [
                LinkedCase(r.id, r.reference, r.title)
                for r in s.execute(
                    select(AsbCase.id, AsbCase.reference, AsbCase.title)
                    .where(AsbCase.id.in_(linked_case_ids(s, app.id)))
                    .order_by(AsbCase.reference)
                )
            ]
            actions = [
                ActionLine(
                    a.id,
                    a.description,
                    codes.get(a.owner_agency_id, ("", ""))[0],
                    codes.get(a.owner_agency_id, ("", ""))[1],
                    a.due_on,
                    a.status,
                    a.progress or "",
                    a.completed_on,
                    a.status == "open" and a.due_on < today,
                    a.version,
                )
                for a in plan_actions(s, app.id)
            ]
            updates = [
                VictimUpdateLine(u.id, u.updated_on, u.method, u.summary, u.author)
                for u in s.scalars(
                    select(CaseReviewVictimUpdate)
                    .where(CaseReviewVictimUpdate.application_id == app.id)
                    .order_by(CaseReviewVictimUpdate.updated_on, CaseReviewVictimUpdate.created_at)
                )
            ]
            appeal_rows = appeals_of(s, app.id)
            appeals = [
                AppealLine(
                    a.id,
                    a.against,
                    a.lodged_on,
                    a.lodged_from or "",
                    a.grounds or "",
                    a.outcome,
                    a.outcome_on,
                    a.outcome_notes or "",
                )
                for a in appeal_rows
            ]
            steps = step_states(app, facts, redo_step(app, appeal_rows))
            return CaseReviewDetail(
                id=app.id,
                reference=app.reference,
                status=app.status,
                status_label=S(app.status).label,
                received_on=app.received_on,
                channel=app.channel,
                applicant_name=app.applicant_name,
                applicant_kind=app.applicant_kind,
                applicant_contact=app.applicant_contact or "",
                on_behalf_of=app.on_behalf_of or "",
                third_party_relationship=app.third_party_relationship or "",
                consent_recorded_on=app.consent_recorded_on,
                problem=app.problem,
                officer=officer.display_name if officer else "",
                rules=dict(app.rules or {}),
                deadlines=_deadlines(app, today),
                acknowledged_on=app.acknowledged_on,
                threshold_met=app.threshold_met,
                threshold_decided_on=app.threshold_decided_on,
                threshold_reasons=app.threshold_reasons or "",
                proceed_despite_not_met=bool(app.proceed_despite_not_met),
                proceed_grounds=list(app.proceed_grounds or []),
                proceed_reasons=app.proceed_reasons or "",
                decision_letter_sent_on=app.decision_letter_sent_on,
                review_meeting_on=app.review_meeting_on,
                chair=app.chair or "",
                chair_independent=app.chair_independent,
                bodies_represented=list(app.bodies_represented or []),
                victim_invited=app.victim_invited,
                victim_attended=app.victim_attended,
                minutes=app.minutes or "",
                decision=app.decision or "",
                recommendations_made=app.recommendations_made,
                victim_consulted_on_plan=app.victim_consulted_on_plan,
                outcome_sent_on=app.outcome_sent_on,
                closed_on=app.closed_on,
                closure_reason=app.closure_reason or "",
                victim_told_of_closure_on=app.victim_told_of_closure_on,
                cases=cases,
                actions=actions,
                updates=updates,
                appeals=appeals,
                steps=steps,
                version=app.version,
            )

    def incident_reports(self, application_id: uuid.UUID) -> list[IncidentReport]:
        with self._uow("system") as uow:
            return gather_reports(uow, application_id)

    def assessment(self, application_id: uuid.UUID) -> ThresholdAssessment:
        """What the linked cases' incidents show against the rules stored on the application."""
        with self._uow("system") as uow:
            app = load_application(uow, application_id)
            reports = gather_reports(uow, application_id)
            return assess_threshold(reports, app.received_on, CaseReviewRules.from_dict(app.rules))


def count_overdue_case_reviews(session, today: date) -> int:
    """Open applications with a due date passed and the step not done (for the Dashboard)."""
    apps = session.scalars(
        select(CaseReviewApplication).where(
            CaseReviewApplication.status.notin_([S.CLOSED.value, S.APPEAL_TO_PCC.value])
        )
    )
    return sum(1 for app in apps if _row(app, today).overdue)


def _clock(app: CaseReviewApplication, today: date):
    goes_ahead = None if app.threshold_met is None else bool(app.threshold_met or app.proceed_despite_not_met)
    return clock(
        app.received_on,
        today,
        CaseReviewRules.from_dict(app.rules),
        acknowledged_on=app.acknowledged_on,
        decided_on=app.threshold_decided_on,
        review_held_on=app.review_meeting_on,
        review_goes_ahead=goes_ahead,
    )


def _deadlines(app: CaseReviewApplication, today: date) -> list[DeadlineLine]:
    # The due dates stored at receipt are the ones shown: the clock recomputes them from the stored rules,
    # and a later change of settings moves neither.
    c = _clock(app, today)
    closed = app.status == S.CLOSED.value
    return [
        DeadlineLine(d.kind.label, d.due_on, d.done_on, d.applies, d.is_overdue and not closed)
        for d in c.deadlines
    ]


_SHORT = {"acknowledge": "Acknowledge", "decide": "Threshold decision", "review": "Review meeting"}


def _row(app: CaseReviewApplication, today: date) -> CaseReviewRow:
    applicant = app.applicant_name + (f" for {app.on_behalf_of}" if app.on_behalf_of else "")
    if app.status in (S.CLOSED.value, S.APPEAL_TO_PCC.value):
        nxt = None
    else:
        nxt = _clock(app, today).next_deadline
    return CaseReviewRow(
        app.id,
        app.reference,
        applicant,
        app.received_on,
        app.status,
        S(app.status).label,
        _SHORT[nxt.kind.value] if nxt else "",
        nxt.due_on if nxt else None,
        bool(nxt and nxt.is_overdue),
    )


def step_states(app: CaseReviewApplication, facts, redo: Step | None) -> list[StepState]:
    """Which steps are open now. A transition step is enabled when the process allows it from here and
    nothing but its own form's fields is missing (``transition_problems`` over the stored facts)."""
    cur = S(app.status)
    allowed = allowed_targets(cur)
    out: list[StepState] = []
    for step in Step:
        if step is Step.CONSENT:
            ok = cur is S.RECEIVED and bool(app.on_behalf_of)
            out.append(
                StepState(
                    step,
                    ok,
                    ""
                    if ok
                    else "Only for an application made on the victim's behalf, before it is acknowledged.",
                )
            )
        elif step is Step.DECISION_LETTER:
            ok = cur is S.THRESHOLD_DECIDED
            out.append(StepState(step, ok, "" if ok else "Recorded once the threshold is decided."))
        elif step is Step.APPEAL_DECISION:
            ok = cur is S.APPEAL_TO_PCC
            out.append(
                StepState(step, ok, "" if ok else "There is no appeal waiting for the PCC's decision.")
            )
        elif step is redo:
            out.append(StepState(step, True))
        elif STEP_TARGET[step] not in allowed:
            out.append(StepState(step, False, f"Not a step from '{cur.label}'."))
        else:
            f = replace(facts, appeal=None) if step is Step.APPEAL else facts
            blocking = {
                k: v
                for k, v in transition_problems(cur, STEP_TARGET[step], f).items()
                if k not in STEP_FIELDS[step]
            }
            out.append(StepState(step, not blocking, " ".join(blocking.values())))
    return out


def next_case_review_reference(session, year: int) -> str:
    if provisional := provisional_reference(session, "case_review_application"):  # a working copy
        return provisional
    one_at_a_time(session, "case_review_application.reference")
    n = (
        session.scalar(
            select(func.count())
            .select_from(CaseReviewApplication)
            .where(CaseReviewApplication.reference.like(f"CR-{year}-%"))
        )
        or 0
    )
    return f"CR-{year}-{n + 1:03d}"
