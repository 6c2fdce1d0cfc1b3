"""Correcting an incident after it was recorded, and marking it as a duplicate of another (or not).

A correction is checked against the copy the officer's window loaded (``refuse_stale_copy``: someone else's
change to the same incident is named, not overwritten). The incident's line on the chronology is corrected the
way the chronology corrects anything: a new line, the original kept and struck through, and what changed, from
what to what, in its text and the audit row. Whatever depends on the incident is looked at again: the
repeat-victim flag (set, or taken off when a correction or a duplicate takes a report away) and the Case
Review prompt (when the reporter or report date changed, or a duplicate is counted again).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from cspdesk.core.domain.asb_case import original_of
from cspdesk.core.domain.validation import normalise_postcode
from cspdesk.core.domain.vocab import CaseStatus, ChronologyKind, PlaceType, Role
from cspdesk.core.errors import NotFound, ValidationError
from cspdesk.core.services.cases.case_common import (
    CHECK_THEIRS,
    get_case,
    record_chronology,
    refuse_stale_copy,
    show_value,
)
from cspdesk.core.services.cases.case_index import address_text
from cspdesk.core.services.cases.case_parties import LocationInput, make_address
from cspdesk.core.services.cases.incidents import (
    IncidentInput,
    IncidentOutcome,
    case_meets_repeat_victim,
    case_review_prompt_for,
    category_label,
    note_repeat_victim,
    party_names,
    validate_incident,
)
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import Address, Agency, AsbCase, CaseParty, ChronologyEntry, Incident, Ward
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class IncidentDetail:
    """One incident as the edit form shows it; ``value`` goes back to ``edit`` as the form's ``base``."""

    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    value: IncidentInput
    case_place: str  # where the case is, in words (an incident is there unless it says otherwise)
    reporter_removed: bool  # its reporter has since been taken off the case
    duplicate_of_id: uuid.UUID | None
    version: int


class IncidentEditService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def detail(self, case_id: uuid.UUID, incident_id: uuid.UUID) -> IncidentDetail:
        with self._uow("system") as uow:
            s = uow.session
            case = get_case(s, case_id)
            inc = _incident(s, case_id, incident_id)
            reporter = s.get(CaseParty, inc.reporter_party_id) if inc.reporter_party_id else None
            case_place = s.get(Address, case.location_id) if case.location_id else None
            return IncidentDetail(
                inc.id,
                case_id,
                case.reference,
                _input_of(s, case, inc),
                address_text(case_place),
                reporter is not None and reporter.removed_on is not None,
                inc.duplicate_of_id,
                inc.version,
            )

    def edit(
        self,
        actor: Actor,
        case_id: uuid.UUID,
        incident_id: uuid.UUID,
        expected_version: int | None,
        base: IncidentInput,
        new: IncidentInput,
        reason: str = "",
    ) -> IncidentOutcome:
        """Save a corrected incident. ``base`` is what the window showed when
        it loaded (``detail().value``)."""
        actor.require(Role.OFFICER, "correct incidents")
        today = self._today()
        errors = validate_incident(new, today)
        if errors:
            raise ValidationError(errors)
        assert new.occurred_at is not None and new.reported_on is not None
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            inc = _incident(s, case_id, incident_id)
            now = _shown(s, case, _input_of(s, case, inc))
            refuse_stale_copy(
                f"The incident of {inc.occurred_at:%d/%m/%Y} on {case.reference}",
                expected_version,
                inc.version,
                _shown(s, case, base),
                now,
                then=CHECK_THEIRS,
            )
            if new.reporter_party_id is not None and new.reporter_party_id != inc.reporter_party_id:
                reporter = s.get(CaseParty, new.reporter_party_id)
                if reporter is None or reporter.case_id != case_id or reporter.removed_on is not None:
                    raise ValidationError({"reporter": "That reporter is no longer on this case."})
            wanted = _shown(s, case, new)
            diff = {k: (now[k], wanted[k]) for k in wanted if now[k] != wanted[k]}
            if not diff:
                return IncidentOutcome(inc.id, Changes.of(), None, False)
            repeat_before = case_meets_repeat_victim(s, case_id)
            was_at = inc.occurred_at
            inc.occurred_at = new.occurred_at
            inc.reported_on = new.reported_on
            inc.reporter_party_id = new.reporter_party_id
            inc.reporter_name = None if new.reporter_party_id else new.reporter_name.strip()
            inc.reporting_agency_id = new.reporting_agency_id
            inc.police_reference = new.police_reference.strip() or None
            inc.category = new.category or case.category
            inc.description = new.description.strip()
            if "place" in diff:
                place = make_address(s, new.place) if new.place is not None else None
                inc.location_id = place.id if place else case.location_id
            s.flush()
            lines = [
                f"{k.replace('_', ' ').capitalize()}: {show_value(a)} → {show_value(b)}"
                for k, (a, b) in diff.items()
            ]
            what = "\n".join(lines) + (f"\nWhy: {reason.strip()}" if reason.strip() else "")
            # The incident's own line moves to the corrected time (the original kept, struck through); a dated
            # line today says that it was corrected, so the change shows where the timeline is read from.
            _correct_incident_line(
                s,
                case,
                inc,
                f"Corrected on {today:%d/%m/%Y} by {actor.display_name}.\n{what}",
                actor.display_name,
                today,
            )
            record_chronology(
                s,
                case,
                ChronologyKind.NOTE.value,
                f"Incident of {was_at:%d/%m/%Y %H:%M} corrected: "
                + ", ".join(k.replace("_", " ") for k in diff),
                actor.display_name,
                body=what,
                related_type="incident",
                related_id=inc.id,
                today=today,
            )
            counting = {"reported_by", "reported_on"} & set(diff)
            outcome = self._reassess(
                s,
                case,
                inc,
                repeat_before,
                actor.display_name,
                today,
                prompt=bool(counting),
                why="an incident was corrected",
            )
            uow.audit(
                "update",
                "incident",
                inc.id,
                f"{case.reference}: incident corrected",
                {k: [_plain(a), _plain(b)] for k, (a, b) in diff.items()}
                | ({"reason": reason.strip()} if reason.strip() else {}),
            )
            uow.commit()
            return outcome

    def mark_duplicate(
        self,
        actor: Actor,
        case_id: uuid.UUID,
        incident_id: uuid.UUID,
        original_id: uuid.UUID,
        expected_version: int | None = None,
    ) -> IncidentOutcome:
        """The same behaviour reported again (to another agency, or twice): it counts once, as the original.
        If the chosen original is itself a duplicate, the mark points at the report that counts."""
        actor.require(Role.OFFICER, "mark incidents as duplicates")
        if original_id == incident_id:
            raise ValidationError(
                {
                    "duplicate_of": "An incident cannot be a duplicate of itself: choose the other "
                    "report of the same behaviour."
                }
            )
        today = self._today()
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            inc = _incident(s, case_id, incident_id)
            what = f"The incident of {inc.occurred_at:%d/%m/%Y} on {case.reference}"
            refuse_stale_copy(
                what,
                expected_version,
                inc.version,
                {"counted": "on its own"},
                {"counted": _counted_as(s, inc)},
                then=CHECK_THEIRS,
            )
            if inc.duplicate_of_id is not None:
                raise ValidationError(
                    {
                        "duplicate_of": f"It is already counted {_counted_as(s, inc)}. Mark it "
                        "as not a duplicate first if that is wrong."
                    }
                )
            original = s.get(Incident, original_id)
            if original is None or original.case_id != case_id:
                raise ValidationError({"duplicate_of": "Choose an incident on this case as the original."})
            links = dict(
                s.execute(select(Incident.id, Incident.duplicate_of_id).where(Incident.case_id == case_id))
                .tuples()
                .all()
            )
            original = s.get(Incident, original_of(original.id, links)) or original
            if original.id == inc.id:
                raise ValidationError(
                    {
                        "duplicate_of": "That report is already marked as a duplicate of this one; "
                        "this one is the report that counts."
                    }
                )
            repeat_before = case_meets_repeat_victim(s, case_id)
            inc.duplicate_of_id = original.id
            s.flush()
            summary = (
                f"Incident of {inc.occurred_at:%d/%m/%Y %H:%M} marked as a duplicate of the incident of "
                f"{original.occurred_at:%d/%m/%Y %H:%M}: counted once"
            )
            record_chronology(
                s,
                case,
                ChronologyKind.NOTE.value,
                summary,
                actor.display_name,
                body=f"Duplicate: reported {_report_words(s, inc)} — {inc.description}\nCounts as: "
                f"reported {_report_words(s, original)} — {original.description}",
                related_type="incident",
                related_id=inc.id,
                today=today,
            )
            outcome = self._reassess(
                s,
                case,
                inc,
                repeat_before,
                actor.display_name,
                today,
                prompt=False,
                why="an incident was marked as a duplicate",
            )
            uow.audit(
                "update",
                "incident",
                inc.id,
                f"{case.reference}: incident marked as a duplicate",
                {"duplicate_of": str(original.id)},
            )
            uow.commit()
            return outcome

    def unmark_duplicate(
        self, actor: Actor, case_id: uuid.UUID, incident_id: uuid.UUID, expected_version: int | None = None
    ) -> IncidentOutcome:
        """A report marked as a duplicate by mistake: it counts on its own again."""
        actor.require(Role.OFFICER, "mark incidents as duplicates")
        today = self._today()
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            inc = _incident(s, case_id, incident_id)
            what = f"The incident of {inc.occurred_at:%d/%m/%Y} on {case.reference}"
            if inc.duplicate_of_id is None:
                refuse_stale_copy(
                    what,
                    expected_version,
                    inc.version,
                    {"counted": "as a duplicate"},
                    {"counted": "on its own"},
                    then=CHECK_THEIRS,
                )
                raise ValidationError({"duplicate_of": "That incident is not marked as a duplicate."})
            was = s.get(Incident, inc.duplicate_of_id)
            repeat_before = case_meets_repeat_victim(s, case_id)
            inc.duplicate_of_id = None
            s.flush()
            record_chronology(
                s,
                case,
                ChronologyKind.NOTE.value,
                f"Incident of {inc.occurred_at:%d/%m/%Y %H:%M} no longer marked as a duplicate: "
                "counted on its own",
                actor.display_name,
                body=f"It had been marked as a duplicate of the incident of {was.occurred_at:%d/%m/%Y %H:%M} "
                f"(reported {_report_words(s, was)})."
                if was
                else None,
                related_type="incident",
                related_id=inc.id,
                today=today,
            )
            outcome = self._reassess(
                s, case, inc, repeat_before, actor.display_name, today, prompt=True, why=""
            )
            uow.audit(
                "update",
                "incident",
                inc.id,
                f"{case.reference}: incident no longer a duplicate",
                {"was_duplicate_of": str(was.id) if was else None},
            )
            uow.commit()
            return outcome

    @staticmethod
    def _reassess(
        s,
        case: AsbCase,
        inc: Incident,
        repeat_before: bool,
        author: str,
        today: date,
        *,
        prompt: bool,
        why: str,
    ) -> IncidentOutcome:
        """The repeat-victim flag follows a change that made the rule met or no longer met; a flag set for
        another reason (not met before this change either) is left alone. The Case Review prompt is offered
        when the change makes this a victim's second report in the window."""
        repeat_after = case_meets_repeat_victim(s, case.id)
        flagged = cleared = False
        if repeat_after and not repeat_before and not case.repeat_victim:
            case.repeat_victim = flagged = True
            note_repeat_victim(s, case, True, author, today)
        elif repeat_before and not repeat_after and case.repeat_victim:
            case.repeat_victim = False
            cleared = True
            note_repeat_victim(s, case, False, author, today, why)
        review = None
        if (
            prompt
            and case.status == CaseStatus.OPEN.value
            and inc.duplicate_of_id is None
            and inc.reporter_party_id
        ):
            reporter = s.get(CaseParty, inc.reporter_party_id)
            if reporter is not None and reporter.removed_on is None:
                review = case_review_prompt_for(s, reporter, inc.reported_on, exclude=inc.id)
        return IncidentOutcome(
            inc.id,
            Changes.of("incident", "case", "chronology", ids=(case.id, inc.id)),
            review,
            flagged,
            cleared,
        )


def _incident(s, case_id: uuid.UUID, incident_id: uuid.UUID) -> Incident:
    inc = s.get(Incident, incident_id)
    if inc is None or inc.case_id != case_id:
        raise NotFound("That incident is no longer on this case.")
    return inc


def _input_of(s, case: AsbCase, inc: Incident) -> IncidentInput:
    place = None
    if inc.location_id is not None and inc.location_id != case.location_id:
        a = s.get(Address, inc.location_id)
        if a is not None:
            place = LocationInput(
                place_name=a.place_name or "",
                line1=a.line1 or "",
                line2=a.line2 or "",
                town=a.town or "",
                postcode=a.postcode or "",
                place_type=a.place_type,
                ward_id=a.ward_id,
                parish_id=a.parish_id,
            )
    return IncidentInput(
        occurred_at=inc.occurred_at,
        reported_on=inc.reported_on,
        description=inc.description,
        reporter_party_id=inc.reporter_party_id,
        reporter_name=inc.reporter_name or "",
        reporting_agency_id=inc.reporting_agency_id,
        police_reference=inc.police_reference or "",
        category=inc.category,
        duplicate_of_id=inc.duplicate_of_id,
        place=place,
    )


def _shown(s, case: AsbCase, inp: IncidentInput) -> dict[str, Any]:
    """The fields an officer edits, in their words: what a conflict names and the chronology records."""
    names = party_names(s, case.id)
    agency = s.get(Agency, inp.reporting_agency_id) if inp.reporting_agency_id else None
    category = inp.category or case.category
    return {
        "when_it_happened": inp.occurred_at.replace(second=0, microsecond=0) if inp.occurred_at else None,
        "reported_on": inp.reported_on,
        "reported_by": names.get(inp.reporter_party_id, "")
        if inp.reporter_party_id
        else inp.reporter_name.strip(),
        "reported_to": agency.name if agency else "us",
        "police_reference": inp.police_reference.strip(),
        "category": category_label(category),
        "what_happened": inp.description.strip(),
        "place": _place_words(s, inp.place),
    }


def _place_words(s, loc: LocationInput | None) -> str:
    if loc is None or loc.is_blank():
        return "where the case is"
    postcode = normalise_postcode(loc.postcode) if loc.postcode.strip() else ""
    text = ", ".join(
        x.strip() for x in (loc.place_name, loc.line1, loc.line2, loc.town, postcode) if x.strip()
    )
    try:
        extra = [PlaceType(loc.place_type).label.lower()]
    except ValueError:
        extra = []
    ward = s.get(Ward, loc.ward_id) if loc.ward_id else None
    if ward is not None:
        extra.append(f"{ward.name} ward")
    return text + (f" ({'; '.join(extra)})" if extra else "")


def _report_words(s, inc: Incident) -> str:
    agency = s.get(Agency, inc.reporting_agency_id) if inc.reporting_agency_id else None
    ref = f", ref {inc.police_reference}" if inc.police_reference else ""
    return f"{inc.reported_on:%d/%m/%Y} to {agency.name if agency else 'us'}{ref}"


def _counted_as(s, inc: Incident) -> str:
    if inc.duplicate_of_id is None:
        return "on its own"
    original = s.get(Incident, inc.duplicate_of_id)
    return (
        f"as a duplicate of the incident of {original.occurred_at:%d/%m/%Y %H:%M}"
        if original
        else "as a duplicate"
    )


def _correct_incident_line(s, case: AsbCase, inc: Incident, body: str, author: str, today: date) -> None:
    """Supersede the incident's line on the chronology with the corrected one (the original stays, struck
    through), at the incident's corrected time."""
    old = s.scalars(
        select(ChronologyEntry)
        .where(
            ChronologyEntry.case_id == case.id,
            ChronologyEntry.related_type == "incident",
            ChronologyEntry.related_id == inc.id,
            ChronologyEntry.kind == ChronologyKind.INCIDENT.value,
            ChronologyEntry.superseded.is_(False),
        )
        .order_by(ChronologyEntry.created_at.desc())
    ).first()
    ref = f" (police ref {inc.police_reference})" if inc.police_reference else ""
    new = record_chronology(
        s,
        case,
        ChronologyKind.INCIDENT.value,
        f"Incident: {inc.description}{ref}",
        author,
        occurred_at=inc.occurred_at,
        body=body,
        related_type="incident",
        related_id=inc.id,
        today=today,
    )
    if old is not None:
        old.superseded = True
        new.corrects_id = old.id


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v
