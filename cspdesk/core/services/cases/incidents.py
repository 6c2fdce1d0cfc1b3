"""Incidents on a case: who reported them, to which agency, the police reference; counts per reporter;
the repeat-victim flag; and the Case Review prompt on a victim's second report within 6 months, with the
officer's answer (told, or not yet) recorded either way.

Reports marked as a duplicate of another (the same behaviour reported to a second agency) count once:
in the per-reporter counts, the repeat-victim rule and the prompt. Editing and marking duplicates is in
``incident_edit``; the rules it shares with adding are the module functions here."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from cspdesk.core.domain.asb_case import (
    check_not_future,
    is_repeat_victim,
    needs_case_review_prompt,
    original_of,
    reporter_counts,
    same_run_of_reports,
)
from cspdesk.core.domain.deadlines import add_months
from cspdesk.core.domain.vocab import AsbCategory, ChronologyKind, PartyRole, Role
from cspdesk.core.errors import NotFound, ValidationError
from cspdesk.core.services.cases.case_common import get_case, now_on, record_chronology, require_open, setting
from cspdesk.core.services.cases.case_index import person_name
from cspdesk.core.services.cases.case_parties import LocationInput, make_address, validate_location
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import Agency, AsbCase, CaseParty, Incident, Organisation, Person
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
    place: LocationInput | None = None  # None: where the case is


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
    category: str = ""
    category_label: str = ""
    version: int = 1


@dataclass(frozen=True)
class CaseReviewPrompt:
    """Tell this victim about the ASB Case Review (2025 statutory guidance)."""

    party_id: uuid.UUID
    name: str
    reports_in_window: int
    months: int
    reported_on: date | None = None  # the report that crossed the threshold


@dataclass(frozen=True)
class IncidentOutcome:
    incident_id: uuid.UUID
    changes: Changes
    case_review_prompt: CaseReviewPrompt | None
    repeat_victim: bool  # the case has just been flagged a repeat victim
    repeat_victim_cleared: bool = False  # the flag came off: a correction or a duplicate took a report away


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
    check_not_future(
        errors, "occurred_at", inp.occurred_at.date() if inp.occurred_at else None, today, "When it happened"
    )
    check_not_future(errors, "reported_on", inp.reported_on, today, "The date reported")
    # Only when both dates are otherwise right: a future "when" already has its own message.
    if (
        not {"reported_on", "occurred_at"} & set(errors)
        and inp.occurred_at
        and inp.reported_on
        and inp.reported_on < inp.occurred_at.date()
    ):
        errors["reported_on"] = (
            f"It cannot have been reported ({inp.reported_on:%d/%m/%Y}) before it happened "
            f"({inp.occurred_at:%d/%m/%Y})."
        )
    if inp.category:
        try:
            AsbCategory(inp.category)
        except ValueError:
            errors["category"] = "Choose a category."
    if inp.place is not None:
        errors.update(validate_location(inp.place, "place_", required=True))
    return errors


class IncidentService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def incidents(self, case_id: uuid.UUID) -> list[IncidentRow]:
        with self._uow("system") as uow:
            s = uow.session
            names = party_names(s, case_id)
            agencies = dict(s.execute(select(Agency.id, Agency.name)).tuples().all())
            rows = s.scalars(
                select(Incident).where(Incident.case_id == case_id).order_by(Incident.occurred_at.desc())
            ).all()
            return [
                IncidentRow(
                    i.id,
                    i.occurred_at,
                    i.reported_on,
                    names.get(i.reporter_party_id, "") if i.reporter_party_id else i.reporter_name or "",
                    i.reporter_party_id,
                    agencies.get(i.reporting_agency_id, "") if i.reporting_agency_id else "",
                    i.police_reference or "",
                    i.description,
                    i.duplicate_of_id,
                    i.category or "",
                    category_label(i.category),
                    i.version,
                )
                for i in rows
            ]

    def reporter_counts(self, case_id: uuid.UUID) -> list[tuple[str, int]]:
        """Reports per reporter in the Case Review look-back (default 6 months). A person's reports of one
        incident (marked as duplicates) count once; another person reporting it counts as a reporter too."""
        today = self._today()
        with self._uow("system") as uow:
            s = uow.session
            months = int(setting(s, "case_review.lookback_months"))
            names = party_names(s, case_id)
            rows = s.execute(
                select(
                    Incident.id,
                    Incident.reporter_party_id,
                    Incident.reporter_name,
                    Incident.reported_on,
                    Incident.duplicate_of_id,
                ).where(Incident.case_id == case_id)
            ).all()
        links = {r.id: r.duplicate_of_id for r in rows}
        reports = [
            (
                names.get(r.reporter_party_id, "") if r.reporter_party_id else (r.reporter_name or "Unknown"),
                r.reported_on,
                original_of(r.id, links),
            )
            for r in rows
        ]
        return reporter_counts(reports, today, months)

    def duplicates_in_lookback(self, case_id: uuid.UUID) -> int:
        """Reports in the look-back marked as duplicates (each counted once, as the report it repeats)."""
        today = self._today()
        with self._uow("system") as uow:
            s = uow.session
            since = add_months(today, -int(setting(s, "case_review.lookback_months")))
            return len(
                s.scalars(
                    select(Incident.id).where(
                        Incident.case_id == case_id,
                        Incident.duplicate_of_id.is_not(None),
                        Incident.reported_on >= since,
                        Incident.reported_on <= today,
                    )
                ).all()
            )

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
            if inp.reporter_party_id and (
                reporter is None or reporter.case_id != case_id or reporter.removed_on is not None
            ):
                raise ValidationError({"reporter": "That reporter is no longer on this case."})
            if inp.duplicate_of_id is not None:
                original = s.get(Incident, inp.duplicate_of_id)
                if original is None or original.case_id != case_id:
                    raise ValidationError(
                        {"duplicate_of": "Choose an incident on this case as the original."}
                    )
            # A duplicate is the same behaviour reported again: it neither prompts nor counts.
            prompt = (
                case_review_prompt_for(s, reporter, inp.reported_on)
                if reporter and inp.duplicate_of_id is None
                else None
            )
            place_id = case.location_id
            if inp.place is not None:
                place = make_address(s, inp.place)
                place_id = place.id if place else case.location_id
            incident = Incident(
                case_id=case_id,
                occurred_at=inp.occurred_at,
                reported_on=inp.reported_on,
                reporter_party_id=inp.reporter_party_id,
                reporter_name=None if reporter else inp.reporter_name.strip(),
                reporting_agency_id=inp.reporting_agency_id,
                police_reference=inp.police_reference.strip() or None,
                category=inp.category or case.category,
                description=inp.description.strip(),
                location_id=place_id,
                duplicate_of_id=inp.duplicate_of_id,
            )
            s.add(incident)
            s.flush()
            became_repeat = False
            if reporter is not None and reporter.role in VICTIM_ROLES and not case.repeat_victim:
                if party_is_repeat_victim(s, case_id, reporter.id):
                    case.repeat_victim = became_repeat = True
            ref = f" (police ref {incident.police_reference})" if incident.police_reference else ""
            record_chronology(
                s,
                case,
                ChronologyKind.INCIDENT.value,
                f"Incident: {incident.description}{ref}",
                actor.display_name,
                occurred_at=inp.occurred_at,
                related_type="incident",
                related_id=incident.id,
                today=today,
            )
            if became_repeat:
                note_repeat_victim(s, case, True, actor.display_name, today)
            uow.audit("create", "incident", incident.id, f"{case.reference}: incident recorded")
            uow.commit()
            return IncidentOutcome(
                incident.id, Changes.of("incident", "case", ids=(case_id, incident.id)), prompt, became_repeat
            )

    def record_case_review_told(
        self, actor: Actor, case_id: uuid.UUID, party_id: uuid.UUID, on: date | None = None, how: str = ""
    ) -> Changes:
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
            name = party_names(s, case_id).get(party_id, "")
            record_chronology(
                s,
                case,
                ChronologyKind.NOTE.value,
                f"{name} told about the ASB Case Review",
                actor.display_name,
                occurred_at=now_on(on),
                body=how.strip() or None,
                today=self._today(),
            )
            uow.audit(
                "update",
                "case_party",
                party_id,
                f"{case.reference}: {name} told about the Case Review",
                {"on": on.isoformat()},
            )
            uow.commit()
        return Changes.of("party", "case", ids=(case_id, party_id))

    def record_case_review_not_told(
        self, actor: Actor, case_id: uuid.UUID, prompt: CaseReviewPrompt
    ) -> Changes:
        """The officer answered "no" to the Case Review prompt: put the threshold and the answer on the
        chronology, so it is auditable, and remember the crossing so the same run of reports does not ask
        again (``same_run_of_reports``)."""
        actor.require(Role.OFFICER, "record the answer to the Case Review prompt")
        today = self._today()
        crossed_on = prompt.reported_on or today
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            party = s.get(CaseParty, prompt.party_id)
            if party is None or party.case_id != case_id:
                raise NotFound("That person is no longer on this case.")
            party.case_review_not_told_for = crossed_on
            name = party_names(s, case_id).get(party.id, "")
            record_chronology(
                s,
                case,
                ChronologyKind.NOTE.value,
                f"Case Review prompt: {name} not yet told about the ASB Case Review",
                actor.display_name,
                body=(
                    f"The report of {crossed_on:%d/%m/%Y} was {name}'s second report within {prompt.months} "
                    f"months ({prompt.reports_in_window} reports in that time), the point at which the 2025 "
                    "statutory guidance says a victim must be told about the ASB Case Review (the Community "
                    f"Trigger). Asked whether they had been told, {actor.display_name} answered No. CSPDesk "
                    "will not ask again while these reports continue; record it on the People tab (Told "
                    "about the Case Review…) once they have been told."
                ),
                related_type="case_party",
                related_id=party.id,
                today=today,
            )
            uow.audit(
                "update",
                "case_party",
                party.id,
                f"{case.reference}: Case Review prompt answered No for {name}",
                {
                    "report_on": crossed_on.isoformat(),
                    "reports_in_window": prompt.reports_in_window,
                    "months": prompt.months,
                    "answer": "not told",
                },
            )
            uow.commit()
        return Changes.of("party", "case", ids=(case_id, party.id))


def category_label(value: str | None) -> str:
    try:
        return AsbCategory(value).label if value else ""
    except ValueError:  # a code from an older list: show it as stored
        return value or ""


def case_review_prompt_for(
    s, reporter: CaseParty, reported_on: date, exclude: uuid.UUID | None = None
) -> CaseReviewPrompt | None:
    """The prompt due for a report by ``reporter`` on ``reported_on`` (``exclude``: the incident being
    changed, so it is not its own earlier report). Duplicates never count. No prompt if they were told
    within the window, or the officer answered "not told" to the same run of reports."""
    if reporter.role not in VICTIM_ROLES:
        return None
    months = int(setting(s, "cases.case_review_prompt_months"))
    same = CaseParty.person_id == reporter.person_id if reporter.person_id else CaseParty.id == reporter.id
    # The same victim on other cases counts too.
    marks = s.execute(
        select(
            CaseParty.id, CaseParty.case_id, CaseParty.case_review_told_on, CaseParty.case_review_not_told_for
        ).where(same)
    ).all()
    told = [m.case_review_told_on for m in marks if m.case_review_told_on]
    # By case first (indexed), then by reporter: incident.reporter_party_id has no index of its own.
    stmt = select(Incident.reported_on).where(
        Incident.case_id.in_({m.case_id for m in marks}),
        Incident.reporter_party_id.in_([m.id for m in marks]),
        Incident.duplicate_of_id.is_(None),
    )
    if exclude is not None:
        stmt = stmt.where(Incident.id != exclude)
    previous = list(s.scalars(stmt))
    if not needs_case_review_prompt(previous, reported_on, months, max(told) if told else None):
        return None
    if any(
        m.case_review_not_told_for is not None
        and same_run_of_reports(previous, m.case_review_not_told_for, reported_on, months)
        for m in marks
    ):
        return None
    since = add_months(reported_on, -months)
    in_window = sum(1 for d in previous if since <= d <= reported_on) + 1
    return CaseReviewPrompt(
        reporter.id, party_names(s, reporter.case_id).get(reporter.id, ""), in_window, months, reported_on
    )


def party_is_repeat_victim(s, case_id: uuid.UUID, party_id: uuid.UUID) -> bool:
    """The local repeat-victim rule (Settings → Cases) over this party's reports, duplicates not counted."""
    return _meets_repeat_rule(
        s,
        list(
            s.scalars(
                select(Incident.reported_on).where(
                    Incident.case_id == case_id,
                    Incident.reporter_party_id == party_id,
                    Incident.duplicate_of_id.is_(None),
                )
            )
        ),
    )


def case_meets_repeat_victim(s, case_id: uuid.UUID) -> bool:
    """Whether any victim or complainant still on the case meets the repeat-victim rule."""
    victims = set(
        s.scalars(
            select(CaseParty.id).where(
                CaseParty.case_id == case_id, CaseParty.role.in_(VICTIM_ROLES), CaseParty.removed_on.is_(None)
            )
        )
    )
    dates: dict[uuid.UUID, list[date]] = {}
    for party_id, on in s.execute(
        select(Incident.reporter_party_id, Incident.reported_on).where(
            Incident.case_id == case_id, Incident.duplicate_of_id.is_(None)
        )
    ):
        if party_id in victims:
            dates.setdefault(party_id, []).append(on)
    return any(_meets_repeat_rule(s, d) for d in dates.values())


def _meets_repeat_rule(s, dates: list[date]) -> bool:
    return is_repeat_victim(
        dates, int(setting(s, "cases.repeat_victim_incidents")), int(setting(s, "cases.repeat_victim_months"))
    )


def note_repeat_victim(s, case: AsbCase, flagged: bool, author: str, today: date, why: str = "") -> None:
    if flagged:
        record_chronology(
            s,
            case,
            ChronologyKind.NOTE.value,
            "Flagged as a repeat victim",
            author,
            body="Set automatically from the incident count (Settings → Cases).",
            today=today,
        )
    else:
        record_chronology(
            s,
            case,
            ChronologyKind.NOTE.value,
            "Repeat victim flag taken off",
            author,
            body=(
                "No victim on the case now has enough reports in the period for the repeat-victim "
                f"rule (Settings → Cases){': ' + why if why else ''}."
            ),
            today=today,
        )


def party_names(s, case_id: uuid.UUID) -> dict[uuid.UUID, str]:
    out = {}
    for party, person, org in s.execute(
        select(CaseParty, Person, Organisation)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Organisation, Organisation.id == CaseParty.organisation_id)
        .where(CaseParty.case_id == case_id)
    ):
        out[party.id] = (
            person_name(person) if person else (org.name if org else party.group_description or "")
        )
    return out
