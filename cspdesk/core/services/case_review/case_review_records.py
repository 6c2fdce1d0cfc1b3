"""What the Case Review services share: the DTOs they return, the steps a user can take, and the
bridge from stored rows to the domain's ``CaseReviewFacts`` (so every guard sees the same facts)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.clock import current as current_clock
from cspdesk.core.domain.case_review import ProceedGround, ThresholdDecision
from cspdesk.core.domain.case_review_threshold import IncidentReport
from cspdesk.core.domain.case_review_workflow import (
    ActionPlanItem,
    AppealAgainst,
    AppealFacts,
    AppealOutcome,
    CaseReviewFacts,
)
from cspdesk.core.domain.vocab import ActionStatus, CaseReviewStatus
from cspdesk.core.errors import NotFound
from cspdesk.core.services.cases.case_index import person_name
from cspdesk.core.storage.models import (
    Agency,
    AsbCase,
    CaseAction,
    CaseParty,
    CaseReviewAppeal,
    CaseReviewApplication,
    CaseReviewCaseLink,
    ChronologyEntry,
    Incident,
    Organisation,
    Person,
)
from cspdesk.core.storage.uow import UnitOfWork

S = CaseReviewStatus

APPLICANT_KINDS: dict[str, str] = {
    "person": "Person",
    "business": "Business",
    "community_group": "Community group",
}
CHANNELS: dict[str, str] = {
    "phone": "Phone",
    "email": "Email",
    "online_form": "Online form",
    "letter": "Letter",
    "in_person": "In person",
}
VICTIM_UPDATE_METHODS: dict[str, str] = {
    "phone": "Phone call",
    "email": "Email",
    "letter": "Letter",
    "visit": "Home visit",
    "meeting": "Meeting",
    "text": "Text message",
}
BODIES: tuple[str, ...] = (
    "South Derbyshire District Council",
    "Derbyshire Constabulary",
    "Derby and Derbyshire Integrated Care Board",
    "Housing provider",
    "Derbyshire County Council",
    "Derbyshire Fire and Rescue Service",
)
APPEAL_ROUTE = (
    "If you are not satisfied with the way your application was handled, or with the decision "
    "or action plan, you may ask the Police and Crime Commissioner for Derbyshire to review it: "
    "Office of the Police and Crime Commissioner for Derbyshire, Butterley Hall, Ripley, "
    "Derbyshire DE5 3RS."
)


class Step(StrEnum):
    """What the user can do next on an application. Most are status changes; two only record a date."""

    CONSENT = "consent"
    ACKNOWLEDGE = "acknowledge"
    DECIDE = "decide"
    DECISION_LETTER = "decision_letter"
    REVIEW_MEETING = "review_meeting"
    OUTCOME = "outcome"
    MONITORING = "monitoring"
    CLOSE = "close"
    APPEAL = "appeal"
    APPEAL_DECISION = "appeal_decision"

    @property
    def label(self) -> str:
        return {
            "consent": "Record consent",
            "acknowledge": "Acknowledge",
            "decide": "Decide threshold",
            "decision_letter": "Decision letter sent",
            "review_meeting": "Review meeting",
            "outcome": "Send outcome",
            "monitoring": "Monitor action plan",
            "close": "Close",
            "appeal": "Appeal to PCC",
            "appeal_decision": "PCC decision",
        }[self.value]


# Each transition step and the fields its own form supplies: a guard failing only on these does not
# disable the step (the user is about to fill them in); a guard failing on anything else does.
STEP_TARGET: dict[Step, CaseReviewStatus] = {
    Step.ACKNOWLEDGE: S.ACKNOWLEDGED,
    Step.DECIDE: S.THRESHOLD_DECIDED,
    Step.REVIEW_MEETING: S.REVIEW_MEETING,
    Step.OUTCOME: S.OUTCOME_SENT,
    Step.MONITORING: S.ACTION_PLAN_MONITORING,
    Step.CLOSE: S.CLOSED,
    Step.APPEAL: S.APPEAL_TO_PCC,
}
STEP_FIELDS: dict[Step, frozenset[str]] = {
    Step.ACKNOWLEDGE: frozenset({"acknowledged_on"}),
    Step.DECIDE: frozenset(
        {
            "threshold_met",
            "threshold_decided_on",
            "threshold_reasons",
            "proceed_grounds",
            "proceed_reasons",
            "proceed_despite_not_met",
        }
    ),
    Step.REVIEW_MEETING: frozenset({"review_meeting_on", "minutes", "decision"}),
    Step.OUTCOME: frozenset({"outcome_sent_on", "recommendations_made"}),
    Step.MONITORING: frozenset({"victim_consulted_on_plan"}),
    Step.CLOSE: frozenset({"closed_on", "closure_reason", "victim_told_of_closure_on"}),
    Step.APPEAL: frozenset({"appeal", "appeal.against", "appeal.lodged_on", "appeal.lodged_from"}),
}


@dataclass(frozen=True)
class StepState:
    step: Step
    enabled: bool
    why_not: str = ""


@dataclass(frozen=True)
class DeadlineLine:
    label: str
    due_on: date
    done_on: date | None
    applies: bool
    overdue: bool


@dataclass(frozen=True)
class CaseReviewRow:
    id: uuid.UUID
    reference: str
    applicant: str
    received_on: date
    status: str  # CaseReviewStatus value
    status_label: str
    next_due: str  # what is due next, or ""
    next_due_on: date | None
    overdue: bool


@dataclass(frozen=True)
class LinkedCase:
    id: uuid.UUID
    reference: str
    title: str


@dataclass(frozen=True)
class ActionLine:
    id: uuid.UUID
    description: str
    owner_agency: str  # agency code
    owner_agency_name: str
    due_on: date
    status: str
    progress: str
    completed_on: date | None
    overdue: bool
    version: int


@dataclass(frozen=True)
class VictimUpdateLine:
    id: uuid.UUID
    updated_on: date
    method: str
    summary: str
    author: str


@dataclass(frozen=True)
class AppealLine:
    id: uuid.UUID
    against: str
    lodged_on: date
    lodged_from: str
    grounds: str
    outcome: str | None
    outcome_on: date | None
    outcome_notes: str


@dataclass(frozen=True)
class CaseReviewDetail:
    id: uuid.UUID
    reference: str
    status: str
    status_label: str
    received_on: date
    channel: str
    applicant_name: str
    applicant_kind: str
    applicant_contact: str
    on_behalf_of: str
    third_party_relationship: str
    consent_recorded_on: date | None
    problem: str
    officer: str
    rules: dict
    deadlines: list[DeadlineLine]
    acknowledged_on: date | None
    threshold_met: bool | None
    threshold_decided_on: date | None
    threshold_reasons: str
    proceed_despite_not_met: bool
    proceed_grounds: list[str]
    proceed_reasons: str
    decision_letter_sent_on: date | None
    review_meeting_on: date | None
    chair: str
    chair_independent: bool | None
    bodies_represented: list[str]
    victim_invited: bool | None
    victim_attended: bool | None
    minutes: str
    decision: str
    recommendations_made: bool | None
    victim_consulted_on_plan: bool | None
    outcome_sent_on: date | None
    closed_on: date | None
    closure_reason: str
    victim_told_of_closure_on: date | None
    cases: list[LinkedCase]
    actions: list[ActionLine]
    updates: list[VictimUpdateLine]
    appeals: list[AppealLine]
    steps: list[StepState]
    version: int

    def step(self, step: Step) -> StepState:
        return next(s for s in self.steps if s.step is step)


def load_application(uow: UnitOfWork, application_id: uuid.UUID) -> CaseReviewApplication:
    app = uow.session.get(CaseReviewApplication, application_id)
    if app is None:
        raise NotFound("That Case Review application no longer exists.")
    return app


def agency_codes(s: Session) -> dict[uuid.UUID | None, tuple[str, str]]:
    """Each agency's (code, name) by id; looked up with ``.get`` so an action with no owner finds none."""
    return {a.id: (a.code, a.name) for a in s.execute(select(Agency.id, Agency.code, Agency.name))}


def plan_actions(s: Session, application_id: uuid.UUID) -> list[CaseAction]:
    return list(
        s.scalars(
            select(CaseAction)
            .where(CaseAction.case_review_id == application_id)
            .order_by(CaseAction.due_on, CaseAction.created_at)
        )
    )


def appeals_of(s: Session, application_id: uuid.UUID) -> list[CaseReviewAppeal]:
    return list(
        s.scalars(
            select(CaseReviewAppeal)
            .where(CaseReviewAppeal.application_id == application_id)
            .order_by(CaseReviewAppeal.lodged_on, CaseReviewAppeal.created_at)
        )
    )


def appeal_facts(a: CaseReviewAppeal | None) -> AppealFacts | None:
    if a is None:
        return None
    return AppealFacts(
        AppealAgainst(a.against),
        a.lodged_on,
        S(a.lodged_from) if a.lodged_from else None,
        AppealOutcome(a.outcome) if a.outcome else None,
        a.outcome_on,
    )


def decision_of(app: CaseReviewApplication) -> ThresholdDecision | None:
    if app.threshold_met is None and app.threshold_decided_on is None:
        return None
    return ThresholdDecision(
        app.threshold_met,
        app.threshold_decided_on,
        app.threshold_reasons or "",
        bool(app.proceed_despite_not_met),
        frozenset(ProceedGround(g) for g in app.proceed_grounds or []),
        app.proceed_reasons or "",
    )


def facts_for(s: Session, app: CaseReviewApplication, today: date) -> CaseReviewFacts:
    codes = agency_codes(s)
    actions = tuple(
        ActionPlanItem(
            a.description,
            codes.get(a.owner_agency_id, ("", ""))[0] or None,
            a.due_on,
            ActionStatus(a.status),
            a.completed_on,
        )
        for a in plan_actions(s, app.id)
    )
    appeals = appeals_of(s, app.id)
    return CaseReviewFacts(
        received_on=app.received_on,
        third_party=bool(app.on_behalf_of),
        consent_recorded_on=app.consent_recorded_on,
        acknowledged_on=app.acknowledged_on,
        decision=decision_of(app),
        decision_letter_sent_on=app.decision_letter_sent_on,
        review_meeting_on=app.review_meeting_on,
        minutes=app.minutes or "",
        review_decision=app.decision or "",
        recommendations_made=app.recommendations_made,
        outcome_sent_on=app.outcome_sent_on,
        actions=actions,
        victim_consulted_on_plan=app.victim_consulted_on_plan,
        closed_on=app.closed_on,
        closure_reason=app.closure_reason or "",
        victim_told_of_closure_on=app.victim_told_of_closure_on,
        appeal=appeal_facts(appeals[-1] if appeals else None),
        today=today,
    )


def linked_case_ids(s: Session, application_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        s.scalars(
            select(CaseReviewCaseLink.case_id).where(CaseReviewCaseLink.application_id == application_id)
        )
    )


def note_on_cases(
    uow: UnitOfWork, app: CaseReviewApplication, kind: str, summary: str, author: str, body: str | None = None
) -> None:
    """A line on the chronology of every linked case, so the case officer sees the Case Review's progress."""
    now = current_clock().now()
    for case_id in linked_case_ids(uow.session, app.id):
        uow.session.add(
            ChronologyEntry(
                case_id=case_id,
                occurred_at=now,
                kind=kind,
                summary=summary[:500],
                body=body,
                author=author[:120],
                related_type="case_review",
                related_id=app.id,
            )
        )


LETTER_NAMES = {
    "acknowledgement": "acknowledgement letter",
    "threshold_decision": "threshold decision letter",
    "outcome": "outcome letter (with the recommendations)",
}


def letter_due(
    uow: UnitOfWork, app: CaseReviewApplication, letter: str, due_on: date | None, author: str
) -> None:
    """Record that a letter is now due: on the audit log and on each linked case's chronology. The letters
    engine produces the letter from ``case_review_letter_values``."""
    when = f" by {due_on:%d/%m/%Y}" if due_on else ""
    summary = f"Case Review {app.reference}: {LETTER_NAMES[letter]} due{when}"
    uow.audit(
        "letter_due",
        "case_review",
        app.id,
        summary,
        {"letter": letter, "due_on": due_on.isoformat() if due_on else None},
    )
    note_on_cases(uow, app, "letter", summary, author)


def gather_reports(uow: UnitOfWork, application_id: uuid.UUID) -> list[IncidentReport]:
    """Every incident on the linked cases as an ``IncidentReport``: the reporter (a party's person or
    organisation, or a name typed on the incident) as a key, the reporting agency's code, and the
    incident it duplicates (the same behaviour reported to another agency)."""
    s = uow.session
    case_ids = linked_case_ids(s, application_id)
    codes = agency_codes(s)
    rows = s.execute(
        select(
            Incident,
            AsbCase.reference,
            CaseParty.person_id,
            CaseParty.organisation_id,
            CaseParty.group_description,
            Person,
            Organisation.name,
        )
        .join(AsbCase, AsbCase.id == Incident.case_id)
        .outerjoin(CaseParty, CaseParty.id == Incident.reporter_party_id)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Organisation, Organisation.id == CaseParty.organisation_id)
        .where(Incident.case_id.in_(case_ids))
        .order_by(Incident.occurred_at, Incident.reported_on)
    )
    out = []
    for inc, ref, person_id, org_id, group, person, org_name in rows:
        if person_id is not None:
            key, name = f"person:{person_id}", person_name(person)
        elif org_id is not None:
            key, name = f"organisation:{org_id}", org_name
        elif inc.reporter_name and inc.reporter_name.strip():
            key, name = f"name:{' '.join(inc.reporter_name.lower().split())}", inc.reporter_name.strip()
        else:
            key, name = None, group  # an unnamed group or anonymous: an incident, not an individual
        out.append(
            IncidentReport(
                id=str(inc.id),
                case_reference=ref,
                occurred_at=inc.occurred_at,
                reported_on=inc.reported_on,
                reporter_key=key,
                reporter_name=name,
                reporting_agency=codes.get(inc.reporting_agency_id, (None, None))[0],
                duplicate_of=str(inc.duplicate_of_id) if inc.duplicate_of_id else None,
            )
        )
    return out
