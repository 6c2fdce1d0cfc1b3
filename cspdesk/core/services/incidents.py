"""Incidents on a case: who reported them, to which agency, the police reference; counts per reporter;
the repeat-victim flag; and the Case Review prompt on a victim's second report within 6 months."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from cspdesk.core.domain.asb_case import (
    check_not_future,
    check_order,
    is_repeat_victim,
    needs_case_review_prompt,
    reporter_counts,
)
from cspdesk.core.domain.vocab import ChronologyKind, PartyRole, Role
from cspdesk.core.errors import NotFound, ValidationError
from cspdesk.core.services.case_common import get_case, record_chronology, require_open, setting
from cspdesk.core.services.case_index import person_name
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import Agency, CaseParty, Incident, Organisation, Person
from cspdesk.core.storage.uow import UnitOfWork

VICTIM_ROLES = (PartyRole.COMPLAINANT.value, PartyRole.VICTIM.value)


@dataclass(frozen=True)
class IncidentInput:
    occurred_at: datetime | None = None
    reported_on: date | None = None
    description: str = ""
    reporter_party_id: uuid.UUID | None = None
    reporter_name: str = ""
    reporting_agency_id: uuid.UUID | None = None
    police_reference: str = ""
    category: str | None = None
    duplicate_of_id: uuid.UUID | None = None


@dataclass(frozen=True)
class IncidentRow:
    id: uuid.UUID
    occurred_at: datetime
    reported_on: date
    reporter: str
    reporter_party_id: uuid.UUID | None
    agency: str
    police_reference: str
    description: str
    duplicate_of_id: uuid.UUID | None


@dataclass(frozen=True)
class CaseReviewPrompt:
    """Tell this victim about the ASB Case Review (2025 statutory guidance)."""

    party_id: uuid.UUID
    name: str
    reports_in_window: int
    months: int


@dataclass(frozen=True)
class IncidentOutcome:
    incident_id: uuid.UUID
    changes: Changes
    case_review_prompt: CaseReviewPrompt | None
    repeat_victim: bool


def validate_incident(inp: IncidentInput, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if inp.occurred_at is None:
        errors["occurred_at"] = "Enter when it happened."
    if inp.reported_on is None:
        errors["reported_on"] = "Enter the date it was reported."
    if not inp.description.strip():
        errors["description"] = "Say what happened."
    if inp.reporter_party_id is None and not inp.reporter_name.strip():
        errors["reporter"] = "Choose who reported it, or type their name."
    check_not_future(errors, "occurred_at", inp.occurred_at.date() if inp.occurred_at else None, today,
                     "When it happened")
    check_not_future(errors, "reported_on", inp.reported_on, today, "The date reported")
    if "reported_on" not in errors and inp.occurred_at:
        check_order(errors, "reported_on", inp.occurred_at.date(), inp.reported_on,
                    "It cannot have been reported before it happened: the report date")
    return errors


class IncidentService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date] = date.today):
        self._uow = uow
        self._today = today

    def incidents(self, case_id: uuid.UUID) -> list[IncidentRow]:
        with self._uow("system") as uow:
            s = uow.session
            names = _party_names(s, case_id)
            agencies = dict(s.execute(select(Agency.id, Agency.name)).tuples().all())
            rows = s.scalars(select(Incident).where(Incident.case_id == case_id)
                             .order_by(Incident.occurred_at.desc())).all()
            return [IncidentRow(i.id, i.occurred_at, i.reported_on,
                                names.get(i.reporter_party_id, "") if i.reporter_party_id else i.reporter_name or "",
                                i.reporter_party_id, agencies.get(i.reporting_agency_id, ""), i.police_reference or "",
                                i.description, i.duplicate_of_id) for i in rows]

    def reporter_counts(self, case_id: uuid.UUID) -> list[tuple[str, int]]:
        """Reports per reporter in the Case Review look-back (default 6 months); duplicates count once."""
        today = self._today()
        with self._uow("system") as uow:
            s = uow.session
            months = int(setting(s, "case_review.lookback_months"))
            names = _party_names(s, case_id)
            rows = s.execute(select(Incident.reporter_party_id, Incident.reporter_name, Incident.reported_on)
                             .where(Incident.case_id == case_id, Incident.duplicate_of_id.is_(None))).all()
        reports = [(names.get(r.reporter_party_id, "") if r.reporter_party_id else (r.reporter_name or "Unknown"),
                    r.reported_on) for r in rows]
        return reporter_counts(reports, today, months)

    def add_incident(self, actor: Actor, case_id: uuid.UUID, inp: IncidentInput) -> IncidentOutcome:
        actor.require(Role.OFFICER, "record incidents")
        today = self._today()
        errors = validate_incident(inp, today)
        if errors:
            raise ValidationError(errors)
        assert inp.occurred_at is not None and inp.reported_on is not None
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            require_open(case, "record an incident")
            reporter = s.get(CaseParty, inp.reporter_party_id) if inp.reporter_party_id else None
            if inp.reporter_party_id and (reporter is None or reporter.case_id != case_id):
                raise ValidationError({"reporter": "That reporter is no longer on this case."})
            prompt = self._prompt_for(s, reporter, inp.reported_on) if reporter else None
            incident = Incident(case_id=case_id, occurred_at=inp.occurred_at, reported_on=inp.reported_on,
                                reporter_party_id=inp.reporter_party_id,
                                reporter_name=None if reporter else inp.reporter_name.strip(),
                                reporting_agency_id=inp.reporting_agency_id,
                                police_reference=inp.police_reference.strip() or None,
                                category=inp.category or case.category, description=inp.description.strip(),
                                location_id=case.location_id, duplicate_of_id=inp.duplicate_of_id)
            s.add(incident)
            s.flush()
            became_repeat = False
            if reporter is not None and reporter.role in VICTIM_ROLES and not case.repeat_victim:
                dates = list(s.scalars(select(Incident.reported_on).where(
                    Incident.case_id == case_id, Incident.reporter_party_id == reporter.id,
                    Incident.duplicate_of_id.is_(None))))
                if is_repeat_victim(dates, int(setting(s, "cases.repeat_victim_incidents")),
                                    int(setting(s, "cases.repeat_victim_months"))):
                    case.repeat_victim = became_repeat = True
            ref = f" (police ref {incident.police_reference})" if incident.police_reference else ""
            record_chronology(s, case, ChronologyKind.INCIDENT.value, f"Incident: {incident.description}{ref}",
                              actor.display_name, occurred_at=inp.occurred_at, related_type="incident",
                              related_id=incident.id, today=today)
            if became_repeat:
                record_chronology(s, case, ChronologyKind.NOTE.value, "Flagged as a repeat victim",
                                  actor.display_name, body="Set automatically from the incident count (Settings → Cases).",
                                  today=today)
            uow.audit("create", "incident", incident.id, f"{case.reference}: incident recorded")
            uow.commit()
            return IncidentOutcome(incident.id, Changes.of("incident", "case", ids=(case_id, incident.id)),
                                   prompt, became_repeat)

    def _prompt_for(self, s, reporter: CaseParty, reported_on: date) -> CaseReviewPrompt | None:
        if reporter.role not in VICTIM_ROLES:
            return None
        months = int(setting(s, "cases.case_review_prompt_months"))
        party_ids = [reporter.id]
        if reporter.person_id:  # the same victim on other cases counts too
            party_ids = list(s.scalars(select(CaseParty.id).where(CaseParty.person_id == reporter.person_id)))
        told = [d for d in s.scalars(select(CaseParty.case_review_told_on).where(CaseParty.id.in_(party_ids))) if d]
        previous = list(s.scalars(select(Incident.reported_on).where(
            Incident.reporter_party_id.in_(party_ids), Incident.duplicate_of_id.is_(None))))
        if not needs_case_review_prompt(previous, reported_on, months, max(told) if told else None):
            return None
        return CaseReviewPrompt(reporter.id, _party_names(s, reporter.case_id).get(reporter.id, ""),
                                len(previous) + 1, months)

    def record_case_review_told(self, actor: Actor, case_id: uuid.UUID, party_id: uuid.UUID,
                                on: date | None = None, how: str = "") -> Changes:
        actor.require(Role.OFFICER, "record that a victim was told about the Case Review")
        on = on or self._today()
        errors: dict[str, str] = {}
        check_not_future(errors, "told_on", on, self._today(), "The date they were told")
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            party = s.get(CaseParty, party_id)
            if party is None or party.case_id != case_id:
                raise NotFound("That person is no longer on this case.")
            party.case_review_told_on = on
            case.case_review_told_on = on
            name = _party_names(s, case_id).get(party_id, "")
            record_chronology(s, case, ChronologyKind.NOTE.value, f"{name} told about the ASB Case Review",
                              actor.display_name, occurred_at=datetime.combine(on, datetime.now().time()),
                              body=how.strip() or None, today=self._today())
            uow.audit("update", "case_party", party_id, f"{case.reference}: {name} told about the Case Review",
                      {"on": on.isoformat()})
            uow.commit()
        return Changes.of("party", "case", ids=(case_id, party_id))


def _party_names(s, case_id: uuid.UUID) -> dict[uuid.UUID, str]:
    out = {}
    for party, person, org in s.execute(
            select(CaseParty, Person, Organisation)
            .outerjoin(Person, Person.id == CaseParty.person_id)
            .outerjoin(Organisation, Organisation.id == CaseParty.organisation_id)
            .where(CaseParty.case_id == case_id)):
        out[party.id] = person_name(person) if person else (org.name if org else party.group_description or "")
    return out
