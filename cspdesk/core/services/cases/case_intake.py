"""Opening a case from a complaint: the form, its checks, possible duplicates, and the new case."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select

from cspdesk.core.domain.asb_case import check_not_future
from cspdesk.core.domain.validation import is_uk_postcode, normalise_postcode
from cspdesk.core.domain.vocab import (
    AsbCategory,
    CaseStatus,
    ChronologyKind,
    PartyKind,
    PriorityTag,
    ReportChannel,
    Role,
)
from cspdesk.core.errors import ValidationError
from cspdesk.core.services.admin.settings import BY_KEY
from cspdesk.core.services.cases.case_common import at_time, record_chronology, setting
from cspdesk.core.services.cases.case_index import refresh_case_index
from cspdesk.core.services.cases.case_parties import (
    LocationInput,
    PartyInput,
    add_party_rows,
    make_address,
    validate_location,
    validate_party,
)
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import (
    Address,
    Agency,
    AppUser,
    AsbCase,
    CaseLink,
    CaseParty,
    CasePriorityTag,
    Parish,
    Person,
    Ward,
)
from cspdesk.core.storage.portable import one_at_a_time
from cspdesk.core.storage.uow import UnitOfWork
from cspdesk.core.sync.references import provisional_reference

OPTIONS_SECONDS = 60
RECENT_DAYS = 365  # closed cases this recent still count as "linked history"


@dataclass(frozen=True)
class IntakeForm:
    title: str = ""
    description: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()
    reported_on: date | None = None
    reported_via: str = ""
    officer_id: uuid.UUID | None = None
    location: LocationInput = field(default_factory=LocationInput)
    parties: tuple[PartyInput, ...] = ()


@dataclass(frozen=True)
class DuplicateHit:
    case_id: uuid.UUID
    reference: str
    title: str
    status: str
    reported_on: date
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class IntakeOptions:
    wards: list[tuple[uuid.UUID, str]]
    parishes: list[tuple[uuid.UUID, str]]
    officers: list[tuple[uuid.UUID, str]]
    agencies: list[tuple[uuid.UUID, str]]


@dataclass(frozen=True)
class OpenedCase:
    id: uuid.UUID
    reference: str
    changes: Changes


def validate_intake(form: IntakeForm, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not form.title.strip():
        errors["title"] = "Give the case a short title (what, where)."
    elif len(form.title) > 300:
        errors["title"] = "Keep the title under 300 characters; put the detail in the description."
    try:
        AsbCategory(form.category)
    except ValueError:
        errors["category"] = "Choose a category."
    if not form.tags:
        errors["tags"] = "Tag the case with at least one CSP priority."
    else:
        try:
            [PriorityTag(t) for t in form.tags]
        except ValueError:
            errors["tags"] = "Unknown priority tag."
    if form.reported_on is None:
        errors["reported_on"] = "Enter the date it was reported."
    check_not_future(errors, "reported_on", form.reported_on, today, "The date reported")
    try:
        ReportChannel(form.reported_via)
    except ValueError:
        errors["reported_via"] = "Choose how it was reported."
    errors.update(validate_location(form.location, "location.", required=True))
    for i, p in enumerate(form.parties):
        errors.update(validate_party(p, today, f"parties.{i}."))
    return errors


class CaseIntakeService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today
        self._options: tuple[float, IntakeOptions] | None = None

    def options(self) -> IntakeOptions:
        """Wards, parishes, officers and agencies for the forms. They change rarely, so a copy is kept for a
        minute: every case window builds several forms from them."""
        now = time.monotonic()
        if self._options is not None and now - self._options[0] < OPTIONS_SECONDS:
            return self._options[1]
        with self._uow("system") as uow:
            s = uow.session
            opts = IntakeOptions(
                wards=[(r.id, r.name) for r in s.execute(select(Ward.id, Ward.name).order_by(Ward.name))],
                parishes=[
                    (r.id, r.name) for r in s.execute(select(Parish.id, Parish.name).order_by(Parish.name))
                ],
                officers=[
                    (r.id, r.display_name)
                    for r in s.execute(
                        select(AppUser.id, AppUser.display_name)
                        .where(AppUser.role != Role.PARTNER.value, AppUser.active.is_(True))
                        .order_by(AppUser.display_name)
                    )
                ],
                agencies=[
                    (r.id, r.name)
                    for r in s.execute(
                        select(Agency.id, Agency.name).where(Agency.active.is_(True)).order_by(Agency.name)
                    )
                ],
            )
        self._options = (now, opts)
        return opts

    def validate(self, form: IntakeForm) -> dict[str, str]:
        return validate_intake(form, self._today())

    def possible_duplicates(self, form: IntakeForm, limit: int = 20) -> list[DuplicateHit]:
        """Open cases, or cases closed in the last year, with the same person, address or place."""
        today = self._today()
        reasons: dict[uuid.UUID, list[str]] = {}
        with self._uow("system") as uow:
            s = uow.session
            for p in form.parties:
                if p.kind != PartyKind.PERSON.value:
                    continue
                person_ids: list[uuid.UUID] = [p.person_id] if p.person_id else []
                if not person_ids and p.surname.strip():
                    stmt = select(Person.id).where(func.lower(Person.surname) == p.surname.strip().lower())
                    if p.forename.strip():
                        stmt = stmt.where(func.lower(Person.forename) == p.forename.strip().lower())
                    if p.date_of_birth:
                        stmt = stmt.where(
                            or_(Person.date_of_birth.is_(None), Person.date_of_birth == p.date_of_birth)
                        )
                    person_ids = list(s.scalars(stmt.limit(200)))
                if person_ids:
                    name = f"{p.forename} {p.surname}".strip() or "this person"
                    for cid, role in s.execute(
                        select(CaseParty.case_id, CaseParty.role).where(CaseParty.person_id.in_(person_ids))
                    ):
                        reasons.setdefault(cid, []).append(f"{name} ({role})")
            address_ids: set[uuid.UUID] = set()
            locs = [form.location] + [p.address for p in form.parties]
            for loc in locs:
                if loc.postcode.strip() and is_uk_postcode(loc.postcode):
                    stmt = select(Address.id).where(Address.postcode == normalise_postcode(loc.postcode))
                    if loc.line1.strip():
                        stmt = stmt.where(func.lower(Address.line1) == loc.line1.strip().lower())
                    elif not loc.place_name.strip():
                        continue  # a postcode alone covers a whole street: too broad to call a duplicate
                    address_ids.update(s.scalars(stmt.limit(200)))
                if loc.place_name.strip():
                    address_ids.update(
                        s.scalars(
                            select(Address.id).where(Address.place_name == loc.place_name.strip()).limit(200)
                        )
                    )
            if address_ids:
                ids = list(address_ids)
                for cid in s.scalars(select(AsbCase.id).where(AsbCase.location_id.in_(ids))):
                    reasons.setdefault(cid, []).append("same place")
                for cid in s.scalars(
                    select(CaseParty.case_id)
                    .join(Person, Person.id == CaseParty.person_id)
                    .where(Person.address_id.in_(ids))
                ):
                    reasons.setdefault(cid, []).append("same address")
            if not reasons:
                return []
            recent = today - timedelta(days=RECENT_DAYS)
            rows = s.execute(
                select(AsbCase.id, AsbCase.reference, AsbCase.title, AsbCase.status, AsbCase.reported_on)
                .where(
                    AsbCase.id.in_(list(reasons)),
                    or_(AsbCase.status == CaseStatus.OPEN.value, AsbCase.closed_on >= recent),
                )
                .order_by(AsbCase.status.desc(), AsbCase.reported_on.desc())
                .limit(limit)
            ).all()
            return [
                DuplicateHit(
                    r.id,
                    r.reference,
                    r.title,
                    CaseStatus(r.status).label,
                    r.reported_on,
                    tuple(dict.fromkeys(reasons[r.id])),
                )
                for r in rows
            ]

    def open_case(self, actor: Actor, form: IntakeForm, link_to: tuple[uuid.UUID, ...] = ()) -> OpenedCase:
        actor.require(Role.OFFICER, "open cases")
        today = self._today()
        errors = validate_intake(form, today)
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            case = create_case(uow, actor, form, today, link_to)
            uow.commit()
            return OpenedCase(case.id, case.reference, Changes.of("case", "party", ids=(case.id,)))

    def linked_cases(self, case_id: uuid.UUID) -> list[DuplicateHit]:
        with self._uow("system") as uow:
            s = uow.session
            ids = set(s.scalars(select(CaseLink.linked_case_id).where(CaseLink.case_id == case_id)))
            ids |= set(s.scalars(select(CaseLink.case_id).where(CaseLink.linked_case_id == case_id)))
            rows = (
                s.execute(
                    select(AsbCase.id, AsbCase.reference, AsbCase.title, AsbCase.status, AsbCase.reported_on)
                    .where(AsbCase.id.in_(list(ids)))
                    .order_by(AsbCase.reported_on.desc())
                ).all()
                if ids
                else []
            )
            return [
                DuplicateHit(
                    r.id, r.reference, r.title, CaseStatus(r.status).label, r.reported_on, ("linked",)
                )
                for r in rows
            ]


def _next_reference(session, prefix: str, year: int) -> str:
    if provisional := provisional_reference(session, "asb_case"):  # a working copy: numbered on bring-back
        return provisional
    stem = f"{prefix}-{year}-"
    one_at_a_time(session, "asb_case.reference")
    last = session.scalar(
        select(AsbCase.reference)
        .where(AsbCase.reference.like(f"{stem}%"))
        .order_by(AsbCase.reference.desc())
        .limit(1)
    )
    try:
        n = int(last[len(stem) :]) + 1 if last else 1
    except ValueError:
        n = 1
    return f"{stem}{n:05d}"


def create_case(
    uow: UnitOfWork, actor: Actor, form: IntakeForm, today: date, link_to: tuple[uuid.UUID, ...] = ()
) -> AsbCase:
    """Write a validated intake form as a new case inside the caller's unit of work (not committed)."""
    assert form.reported_on is not None
    s = uow.session
    prefix = setting(s, "cases.reference_prefix") or BY_KEY["cases.reference_prefix"].default
    reference = _next_reference(s, str(prefix), form.reported_on.year)
    tags = [PriorityTag(t) for t in dict.fromkeys(form.tags)]
    addr = make_address(s, form.location)
    case = AsbCase(
        reference=reference,
        title=form.title.strip(),
        description=form.description.strip() or None,
        category=form.category,
        priority_theme=tags[0].theme.value,
        status=CaseStatus.OPEN.value,
        reported_via=form.reported_via,
        reported_on=form.reported_on,
        location_id=addr.id if addr else None,
        ward_id=addr.ward_id if addr else None,
        officer_id=form.officer_id or actor.user_id,
        last_activity_on=today,
    )
    s.add(case)
    s.flush()
    s.add_all([CasePriorityTag(case_id=case.id, tag=t.value) for t in tags])
    for p in form.parties:
        add_party_rows(s, case.id, p)
    for other in dict.fromkeys(link_to):
        s.add(CaseLink(case_id=case.id, linked_case_id=other, reason="Linked at intake"))
    record_chronology(
        s,
        case,
        ChronologyKind.STATUS.value,
        "Case opened",
        actor.display_name,
        occurred_at=at_time(form.reported_on, 9),
        body=f"Reported by {ReportChannel(form.reported_via).label.lower()}",
        today=today,
    )
    refresh_case_index(s, case.id)
    uow.audit(
        "create",
        "case",
        case.id,
        f"Case {reference} opened: {case.title}",
        {"links": [str(x) for x in link_to]},
    )
    return case
