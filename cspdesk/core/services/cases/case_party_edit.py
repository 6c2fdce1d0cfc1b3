"""Correcting a party's details and role after they were added, and putting back a party taken off the case.

A save is checked against the copy the officer's window loaded (``refuse_stale_copy``): if someone else
changed this party since, nothing is saved and the message names what they changed. A person's name, date of
birth, phone and address belong to the person, who may be on other cases too: the detail says which, and those
cases' list columns are refreshed with this one. An address that changes is a new address row (an address may
be shared), never an edit of the old one. Every change is a chronology line and an audit row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select

from cspdesk.core.domain.validation import normalise_postcode
from cspdesk.core.domain.vocab import ChronologyKind, PartyKind, PartyRole, Role
from cspdesk.core.errors import NotFound, TransitionRefused, ValidationError
from cspdesk.core.services.cases.case_common import (
    CHECK_THEIRS,
    get_case,
    record_chronology,
    refuse_stale_copy,
    show_value,
)
from cspdesk.core.services.cases.case_index import person_name, refresh_case_index
from cspdesk.core.services.cases.case_parties import LocationInput, PartyInput, make_address, validate_party
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import Address, AsbCase, CaseParty, Organisation, Person
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class PartyDetail:
    """One party as the edit form shows it; ``value`` goes back to ``edit`` as the form's ``base``."""

    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    kind: str
    name: str
    value: PartyInput
    other_cases: tuple[str, ...]  # references of other cases this person or organisation is on
    removed_on: date | None
    versions: tuple[int, int]  # the case_party row's, and the person's or organisation's


class PartyEditService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def detail(self, case_id: uuid.UUID, party_id: uuid.UUID) -> PartyDetail:
        with self._uow("system") as uow:
            s = uow.session
            case = get_case(s, case_id)
            party = _party(s, case_id, party_id)
            subject = _subject(s, party)
            return PartyDetail(
                party.id,
                case_id,
                case.reference,
                party.kind,
                _name(party, subject),
                _input_of(s, party, subject),
                _other_cases(s, party),
                party.removed_on,
                _versions(party, subject),
            )

    def edit(
        self,
        actor: Actor,
        case_id: uuid.UUID,
        party_id: uuid.UUID,
        expected_versions: tuple[int, int] | None,
        base: PartyInput,
        new: PartyInput,
    ) -> Changes:
        """Save a party's corrected details and role. ``base`` is what the
        window loaded (``detail().value``)."""
        actor.require(Role.OFFICER, "change people on a case")
        today = self._today()
        # person_id is what the form loaded, not a choice of an existing person: the surname is still needed.
        errors = validate_party(replace(new, person_id=None), today)
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            party = _party(s, case_id, party_id)
            subject = _subject(s, party)
            name = _name(party, subject)
            if party.removed_on is not None:
                raise TransitionRefused(
                    f"{name} was taken off {case.reference} on {party.removed_on:%d/%m/%Y}, so "
                    "nothing was saved. Put them back on the case first (People → Show people "
                    "taken off)."
                )
            if new.kind != party.kind:
                raise ValidationError(
                    {
                        "kind": f"A {PartyKind(party.kind).label.lower()} cannot be changed into a "
                        f"{PartyKind(new.kind).label.lower()}: take this one off the case and "
                        "add the right one."
                    }
                )
            now = _shown(s, party, _input_of(s, party, subject))
            refuse_stale_copy(
                f"{name} on {case.reference}",
                expected_versions,
                _versions(party, subject),
                _shown(s, party, base),
                now,
                then=CHECK_THEIRS,
            )
            wanted = _shown(s, party, new)
            diff = {k: (now[k], wanted[k]) for k in wanted if now[k] != wanted[k]}
            if not diff:
                return Changes.of()
            _apply(s, party, subject, new, "address" in diff)
            s.flush()
            new_name = _name(party, subject)
            role = PartyRole(party.role).label
            summary = f"{role} details changed: {new_name}"
            if "role" in diff:
                summary = f"{new_name}: role changed from {diff['role'][0]} to {diff['role'][1]}"
            others = _other_case_ids(s, party)
            body = "\n".join(
                f"{k.replace('_', ' ').capitalize()}: {show_value(a)} → {show_value(b)}"
                for k, (a, b) in diff.items()
            )
            if others and set(diff) & SUBJECT_FIELDS:
                refs = ", ".join(c.reference for cid in others if (c := s.get(AsbCase, cid)) is not None)
                body += (
                    f"\n(The same {PartyKind(party.kind).label.lower()} "
                    f"is on {refs}: their details there changed too.)"
                )
            record_chronology(
                s,
                case,
                ChronologyKind.PARTY.value,
                summary,
                actor.display_name,
                body=body,
                related_type="case_party",
                related_id=party.id,
                today=today,
            )
            for cid in (case_id, *others):
                refresh_case_index(s, cid)
            uow.audit(
                "update",
                "case_party",
                party.id,
                f"{case.reference}: {new_name} changed",
                {k: [_plain(a), _plain(b)] for k, (a, b) in diff.items()},
            )
            uow.commit()
        return Changes.of("party", "case", "chronology", ids=(case_id, party_id, *others))

    def restore(self, actor: Actor, case_id: uuid.UUID, party_id: uuid.UUID) -> Changes:
        """Undo "take off the case": the party is back in their role, and the chronology says so."""
        actor.require(Role.OFFICER, "change people on a case")
        today = self._today()
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            party = _party(s, case_id, party_id)
            name = _name(party, _subject(s, party))
            if party.removed_on is None:
                raise TransitionRefused(f"{name} is on the case already.")
            was = party.removed_on
            party.removed_on = None
            record_chronology(
                s,
                case,
                ChronologyKind.PARTY.value,
                f"{PartyRole(party.role).label} put back on the case: {name}",
                actor.display_name,
                body=f"They had been taken off the case on {was:%d/%m/%Y}.",
                related_type="case_party",
                related_id=party.id,
                today=today,
            )
            refresh_case_index(s, case_id)
            uow.audit(
                "update",
                "case_party",
                party.id,
                f"{case.reference}: {name} put back on the case",
                {"removed_on": was.isoformat()},
            )
            uow.commit()
        return Changes.of("party", "case", "chronology", ids=(case_id, party_id))


SUBJECT_FIELDS = {"forename", "surname", "date_of_birth", "name", "phone", "address"}


def _party(s, case_id: uuid.UUID, party_id: uuid.UUID) -> CaseParty:
    party = s.get(CaseParty, party_id)
    if party is None or party.case_id != case_id:
        raise NotFound("That person is no longer on this case.")
    return party


def _subject(s, party: CaseParty) -> Person | Organisation | None:
    if party.person_id:
        return s.get(Person, party.person_id)
    if party.organisation_id:
        return s.get(Organisation, party.organisation_id)
    return None


def _name(party: CaseParty, subject) -> str:
    if isinstance(subject, Person):
        return person_name(subject)
    if isinstance(subject, Organisation):
        return subject.name
    return party.group_description or ""


def _versions(party: CaseParty, subject) -> tuple[int, int]:
    return (party.version, subject.version if subject is not None else 0)


def _other_case_ids(s, party: CaseParty) -> list[uuid.UUID]:
    if party.person_id:
        same = CaseParty.person_id == party.person_id
    elif party.organisation_id:
        same = CaseParty.organisation_id == party.organisation_id
    else:
        return []
    return sorted(
        {
            cid
            for cid in s.scalars(select(CaseParty.case_id).where(same, CaseParty.removed_on.is_(None)))
            if cid != party.case_id
        },
        key=str,
    )


def _other_cases(s, party: CaseParty) -> tuple[str, ...]:
    ids = _other_case_ids(s, party)
    if not ids:
        return ()
    return tuple(sorted(s.scalars(select(AsbCase.reference).where(AsbCase.id.in_(ids)))))


def _input_of(s, party: CaseParty, subject) -> PartyInput:
    addr_id = subject.address_id if subject is not None else None
    a = s.get(Address, addr_id) if addr_id else None
    loc = (
        LocationInput()
        if a is None
        else LocationInput(
            place_name=a.place_name or "",
            line1=a.line1 or "",
            line2=a.line2 or "",
            town=a.town or "",
            postcode=a.postcode or "",
            place_type=a.place_type,
            ward_id=a.ward_id,
            parish_id=a.parish_id,
        )
    )
    person = subject if isinstance(subject, Person) else None
    org = subject if isinstance(subject, Organisation) else None
    return PartyInput(
        role=party.role,
        kind=party.kind,
        forename=person.forename if person else "",
        surname=person.surname if person else "",
        date_of_birth=person.date_of_birth if person else None,
        organisation_name=org.name if org else "",
        group_description=party.group_description or "",
        phone=(subject.phone if subject is not None else None) or "",
        email=(subject.email if subject is not None else None) or "",
        address=loc,
        vulnerable=party.vulnerable,
        notes=party.notes or "",
        person_id=party.person_id,
    )


def _shown(s, party: CaseParty, p: PartyInput) -> dict[str, Any]:
    """The fields the form edits for this kind of party, in the officer's words."""
    kind = PartyKind(party.kind)
    out: dict[str, Any] = {"role": PartyRole(p.role).label}  # validated before it is shown
    if kind is PartyKind.PERSON:
        out |= {
            "forename": p.forename.strip(),
            "surname": p.surname.strip(),
            "date_of_birth": p.date_of_birth,
        }
    elif kind is PartyKind.GROUP:
        out["description"] = p.group_description.strip()
    else:
        out["name"] = p.organisation_name.strip()
    if kind is not PartyKind.GROUP:
        out |= {"phone": p.phone.strip(), "email": p.email.strip(), "address": _address_words(p.address)}
    out |= {"vulnerable": p.vulnerable, "notes": p.notes.strip()}
    return out


def _address_words(loc: LocationInput) -> str:
    postcode = normalise_postcode(loc.postcode) if loc.postcode.strip() else ""
    return ", ".join(
        x.strip() for x in (loc.place_name, loc.line1, loc.line2, loc.town, postcode) if x.strip()
    )


def _apply(s, party: CaseParty, subject, p: PartyInput, address_changed: bool) -> None:
    party.role = p.role
    party.vulnerable = p.vulnerable
    party.notes = p.notes.strip() or None
    if isinstance(subject, Person):
        subject.forename = p.forename.strip()
        subject.surname = p.surname.strip()
        subject.date_of_birth = p.date_of_birth
        subject.vulnerable = p.vulnerable
    elif isinstance(subject, Organisation):
        subject.name = p.organisation_name.strip()
    else:
        party.group_description = p.group_description.strip()
    if subject is not None:
        subject.phone = p.phone.strip() or None
        subject.email = p.email.strip() or None
        if address_changed:
            addr = make_address(s, p.address)
            subject.address_id = addr.id if addr else None


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v
