"""People, businesses, community groups and unnamed groups on a case, in their roles; and the case's place."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.domain.asb_case import YOUTH_AGE, age_on, check_not_future, check_perpetrator_age
from cspdesk.core.domain.validation import is_uk_phone, is_uk_postcode, normalise_postcode
from cspdesk.core.domain.vocab import ChronologyKind, PartyKind, PartyRole, PlaceType, Role
from cspdesk.core.errors import NotFound, TransitionRefused, ValidationError
from cspdesk.core.services.cases.case_common import get_case, record_chronology
from cspdesk.core.services.cases.case_index import address_text, person_name, refresh_case_index
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import Address, CaseParty, Organisation, Person
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class LocationInput:
    place_name: str = ""
    line1: str = ""
    line2: str = ""
    town: str = ""
    postcode: str = ""
    place_type: str = PlaceType.RESIDENTIAL.value
    ward_id: uuid.UUID | None = None
    parish_id: uuid.UUID | None = None

    def is_blank(self) -> bool:
        return not any(x.strip() for x in (self.place_name, self.line1, self.line2, self.town, self.postcode))


@dataclass(frozen=True)
class PartyInput:
    role: str = PartyRole.COMPLAINANT.value
    kind: str = PartyKind.PERSON.value
    forename: str = ""
    surname: str = ""
    date_of_birth: date | None = None
    organisation_name: str = ""
    group_description: str = ""
    phone: str = ""
    email: str = ""
    address: LocationInput = field(default_factory=LocationInput)
    vulnerable: bool = False
    notes: str = ""
    person_id: uuid.UUID | None = None  # an existing person (chosen from the duplicate check)


@dataclass(frozen=True)
class PartyRow:
    id: uuid.UUID
    role: str
    role_label: str
    kind: str
    kind_label: str
    name: str
    date_of_birth: date | None
    age: int | None
    youth: bool
    address: str
    phone: str
    vulnerable: bool
    notes: str
    person_id: uuid.UUID | None
    case_review_told_on: date | None
    version: int
    removed_on: date | None = None
    case_review_not_told_for: date | None = None  # the report the officer answered "not told yet" about


def validate_location(loc: LocationInput, prefix: str = "", required: bool = False) -> dict[str, str]:
    errors: dict[str, str] = {}
    if required and loc.is_blank():
        errors[prefix + "place_name"] = "Enter where it happens: a place name, an address or a postcode."
    if loc.postcode.strip() and not is_uk_postcode(loc.postcode):
        errors[prefix + "postcode"] = f"'{loc.postcode.strip()}' is not a UK postcode (for example DE11 0AH)."
    try:
        PlaceType(loc.place_type)
    except ValueError:
        errors[prefix + "place_type"] = "Choose a type of place."
    return errors


def validate_party(p: PartyInput, today: date, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        PartyRole(p.role)
    except ValueError:
        errors[prefix + "role"] = "Choose the party's role."
    try:
        kind = PartyKind(p.kind)
    except ValueError:
        errors[prefix + "kind"] = "Choose person, business, community group or group."
        return errors
    if kind is PartyKind.PERSON:
        if not p.surname.strip() and p.person_id is None:
            errors[prefix + "surname"] = "Enter the person's surname."
        check_not_future(errors, prefix + "date_of_birth", p.date_of_birth, today, "A date of birth")
        if p.role == PartyRole.PERPETRATOR.value and prefix + "date_of_birth" not in errors:
            check_perpetrator_age(errors, prefix + "date_of_birth", p.date_of_birth, today)
    elif kind in (PartyKind.BUSINESS, PartyKind.COMMUNITY_GROUP):
        if not p.organisation_name.strip():
            errors[prefix + "organisation_name"] = f"Enter the {kind.label.lower()}'s name."
    elif not p.group_description.strip():
        errors[prefix + "group_description"] = (
            "Describe the group (for example 'group of 6-8 youths on bikes')."
        )
    if p.phone.strip() and not is_uk_phone(p.phone):
        errors[prefix + "phone"] = f"'{p.phone.strip()}' is not a UK phone number."
    if p.email.strip() and "@" not in p.email:
        errors[prefix + "email"] = "That email address has no @."
    errors.update(validate_location(p.address, prefix))
    return errors


def make_address(session: Session, loc: LocationInput) -> Address | None:
    if loc.is_blank():
        return None
    postcode = normalise_postcode(loc.postcode) if loc.postcode.strip() else None
    ward_id, parish_id = loc.ward_id, loc.parish_id
    if ward_id is None and postcode:
        # A postcode already known to be in a ward: officers rarely know ward boundaries.
        known = session.execute(
            select(Address.ward_id, Address.parish_id)
            .where(Address.postcode == postcode, Address.ward_id.is_not(None))
            .limit(1)
        ).first()
        if known:
            ward_id, parish_id = known.ward_id, parish_id or known.parish_id
    addr = Address(
        place_name=loc.place_name.strip() or None,
        line1=loc.line1.strip() or None,
        line2=loc.line2.strip() or None,
        town=loc.town.strip() or None,
        postcode=postcode,
        ward_id=ward_id,
        parish_id=parish_id,
        place_type=loc.place_type,
    )
    session.add(addr)
    session.flush()
    return addr


def add_party_rows(session: Session, case_id: uuid.UUID, p: PartyInput) -> CaseParty:
    """Write the person/organisation and the case_party row (validated already)."""
    kind = PartyKind(p.kind)
    party = CaseParty(
        case_id=case_id, role=p.role, kind=kind.value, vulnerable=p.vulnerable, notes=p.notes.strip() or None
    )
    if kind is PartyKind.PERSON:
        if p.person_id is not None:
            person = session.get(Person, p.person_id)
            if person is None:
                raise NotFound("That person no longer exists.")
        else:
            addr = make_address(session, p.address)
            person = Person(
                forename=p.forename.strip(),
                surname=p.surname.strip(),
                date_of_birth=p.date_of_birth,
                phone=p.phone.strip() or None,
                email=p.email.strip() or None,
                address_id=addr.id if addr else None,
                vulnerable=p.vulnerable,
            )
            session.add(person)
            session.flush()
        party.person_id = person.id
    elif kind in (PartyKind.BUSINESS, PartyKind.COMMUNITY_GROUP):
        addr = make_address(session, p.address)
        org = Organisation(
            name=p.organisation_name.strip(),
            kind=kind.value,
            phone=p.phone.strip() or None,
            email=p.email.strip() or None,
            address_id=addr.id if addr else None,
        )
        session.add(org)
        session.flush()
        party.organisation_id = org.id
    else:
        party.group_description = p.group_description.strip()
    session.add(party)
    session.flush()
    return party


def party_rows(
    session: Session, case_id: uuid.UUID, today: date, include_removed: bool = False
) -> list[PartyRow]:
    stmt = (
        select(CaseParty, Person, Organisation)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Organisation, Organisation.id == CaseParty.organisation_id)
        .where(CaseParty.case_id == case_id)
    )
    if not include_removed:
        stmt = stmt.where(CaseParty.removed_on.is_(None))
    rows = session.execute(stmt.order_by(CaseParty.created_at)).all()
    addr_ids = {(p.address_id if p else o.address_id if o else None) for _, p, o in rows} - {None}
    addrs = (
        {a.id: a for a in session.scalars(select(Address).where(Address.id.in_(addr_ids)))}
        if addr_ids
        else {}
    )
    out = []
    for party, person, org in rows:
        name = person_name(person) if person else (org.name if org else party.group_description or "")
        dob = person.date_of_birth if person else None
        age = age_on(dob, today)
        addr_id = person.address_id if person else (org.address_id if org else None)
        out.append(
            PartyRow(
                id=party.id,
                role=party.role,
                role_label=PartyRole(party.role).label,
                kind=party.kind,
                kind_label=PartyKind(party.kind).label,
                name=name,
                date_of_birth=dob,
                age=age,
                youth=age is not None and age < YOUTH_AGE,
                address=address_text(addrs.get(addr_id) if addr_id else None),
                phone=(person.phone if person else org.phone if org else None) or "",
                vulnerable=party.vulnerable,
                notes=party.notes or "",
                person_id=party.person_id,
                case_review_told_on=party.case_review_told_on,
                version=party.version,
                removed_on=party.removed_on,
                case_review_not_told_for=party.case_review_not_told_for,
            )
        )
    return out


class CasePartyService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def validate(self, p: PartyInput) -> dict[str, str]:
        """Field messages for one party, before it is added to a form's list."""
        return validate_party(p, self._today())

    def parties(self, case_id: uuid.UUID, include_removed: bool = False) -> list[PartyRow]:
        """The parties on the case, oldest first; ``include_removed`` adds those taken off it."""
        with self._uow("system") as uow:
            return party_rows(uow.session, case_id, self._today(), include_removed)

    def add_party(self, actor: Actor, case_id: uuid.UUID, p: PartyInput) -> Changes:
        actor.require(Role.OFFICER, "add people to a case")
        today = self._today()
        errors = validate_party(p, today)
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            case = get_case(uow.session, case_id)
            party = add_party_rows(uow.session, case_id, p)
            name = _name_of(p)
            record_chronology(
                uow.session,
                case,
                ChronologyKind.PARTY.value,
                f"{PartyRole(p.role).label} added: {name}",
                actor.display_name,
                related_type="case_party",
                related_id=party.id,
                today=today,
            )
            refresh_case_index(uow.session, case_id)
            uow.audit(
                "create", "case_party", party.id, f"{case.reference}: {PartyRole(p.role).label} {name} added"
            )
            uow.commit()
        return Changes.of("party", "case", ids=(case_id, party.id))

    def remove_party(self, actor: Actor, case_id: uuid.UUID, party_id: uuid.UUID, reason: str) -> Changes:
        """Parties are taken off a case, never deleted: the chronology still names them."""
        actor.require(Role.OFFICER, "take people off a case")
        if not reason.strip():
            raise ValidationError({"reason": "Say why they are being taken off the case."})
        today = self._today()
        with self._uow(actor.username) as uow:
            case = get_case(uow.session, case_id)
            party = uow.session.get(CaseParty, party_id)
            if party is None or party.case_id != case_id:
                raise NotFound("That person is no longer on this case.")
            if party.removed_on is not None:  # e.g. from a second window on the same case
                raise TransitionRefused(
                    f"They were already taken off {case.reference} on {party.removed_on:%d/%m/%Y}."
                )
            name = next((r.name for r in party_rows(uow.session, case_id, today) if r.id == party_id), "")
            party.removed_on = today
            record_chronology(
                uow.session,
                case,
                ChronologyKind.PARTY.value,
                f"{PartyRole(party.role).label} taken off the case: {name}",
                actor.display_name,
                body=reason.strip(),
                related_type="case_party",
                related_id=party.id,
                today=today,
            )
            refresh_case_index(uow.session, case_id)
            uow.audit(
                "update",
                "case_party",
                party.id,
                f"{case.reference}: {name} taken off the case",
                {"reason": reason.strip()},
            )
            uow.commit()
        return Changes.of("party", "case", "chronology", ids=(case_id, party_id))

    def set_location(self, actor: Actor, case_id: uuid.UUID, loc: LocationInput) -> Changes:
        actor.require(Role.OFFICER, "change where a case is")
        errors = validate_location(loc, required=True)
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            case = get_case(uow.session, case_id)
            old = uow.session.get(Address, case.location_id) if case.location_id else None
            addr = make_address(uow.session, loc)
            case.location_id = addr.id if addr else None
            record_chronology(
                uow.session,
                case,
                ChronologyKind.NOTE.value,
                f"Location changed to {address_text(addr)}",
                actor.display_name,
                body=f"Was: {address_text(old) or '(none)'}",
                today=self._today(),
            )
            refresh_case_index(uow.session, case_id)
            uow.audit(
                "update",
                "case",
                case.id,
                f"{case.reference}: location changed",
                {"from": address_text(old), "to": address_text(addr)},
            )
            uow.commit()
        return Changes.of("case", ids=(case_id,))


def _name_of(p: PartyInput) -> str:
    kind = PartyKind(p.kind)
    if kind is PartyKind.PERSON:
        return f"{p.forename.strip()} {p.surname.strip()}".strip() or "(existing person)"
    if kind is PartyKind.GROUP:
        return p.group_description.strip()
    return p.organisation_name.strip()
