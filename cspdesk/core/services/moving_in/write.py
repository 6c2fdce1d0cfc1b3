"""Turning checked rows into records: cases (with their people and places), incidents, notices, actions.

``build`` runs inside the import's unit of work and adds everything to its session; the dry run calls it
too and rolls back, so what a dry run counts is exactly what an import makes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from cspdesk.core.domain.deadlines import EnforcementRules, compute_dates, next_due
from cspdesk.core.domain.enforcement import Stage
from cspdesk.core.domain.safer_homes import ReferralRecord
from cspdesk.core.domain.safer_homes_intake import accept_referral
from cspdesk.core.domain.vocab import (
    ActionStatus,
    AsbCategory,
    CaseStatus,
    NoticeKind,
    PartyKind,
    PartyRole,
    PriorityTheme,
    ReportChannel,
    SaferHomesStatus,
    VictimCategory,
)
from cspdesk.core.errors import ValidationError
from cspdesk.core.services.enforcement.enforcement_steps import issue_stage
from cspdesk.core.services.enforcement.enforcement_support import reference_prefix
from cspdesk.core.services.moving_in.api import FlaggedRow, RecordKind, RejectedRow
from cspdesk.core.services.moving_in.notice_status import imported_stage
from cspdesk.core.services.moving_in.people import FilePerson, PeopleMatcher
from cspdesk.core.services.moving_in.rows import ReadResult, as_date, occurred_at, pence
from cspdesk.core.services.safer_homes.safer_homes_records import Names, write_record
from cspdesk.core.storage.base import Base
from cspdesk.core.storage.models import (
    Address,
    AsbCase,
    CaseAction,
    CaseParty,
    EnforcementNotice,
    Incident,
    NoticeEvent,
    Person,
    SaferHomesReferral,
)
from cspdesk.core.storage.search import compose_search_text

PARTY_SUMMARY_ORDER = (PartyRole.COMPLAINANT, PartyRole.VICTIM, PartyRole.PERPETRATOR, PartyRole.WITNESS)


@dataclass
class Built:
    """What building made: records to add, the imported_record rows, counts and per-row outcomes."""

    objects: list[object] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)  # imported_record values (batch id filled in later)
    counts: dict[str, int] = field(default_factory=dict)
    rejected: list[RejectedRow] = field(default_factory=list)
    flagged: list[FlaggedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    audit: list[tuple[str, uuid.UUID, str]] = field(default_factory=list)  # (entity type, id, summary)
    numbers: dict[str, int] = field(default_factory=dict)  # reference stem -> last number given

    def add(self, obj: object, entity_type: str, entity_id: uuid.UUID, row: int, legacy: str | None = None):
        self.objects.append(obj)
        self.records.append(
            {
                "entity_type": entity_type,
                "entity_id": entity_id,
                "legacy_reference": legacy,
                "source_row": row,
            }
        )

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


@dataclass
class Context:
    session: Session
    actor_name: str
    today: date
    rules: EnforcementRules
    officer_ids: dict[str, uuid.UUID]  # username -> id
    ward_ids: dict[str, uuid.UUID]  # ward name -> id
    case_ids: Callable[[list[str]], dict[str, uuid.UUID]]  # legacy or CSPDesk reference -> case id
    case_prefix: str
    file_name: str
    safer_homes_rules: dict | None = None  # the scheme's rules in force, stored on each referral
    # Called with the rows done so far, every ``BLOCK`` rows: the window's progress bar (issue 21).
    tick: Callable[[int], None] | None = None


T = TypeVar("T")
BLOCK = 500  # rows between two progress reports: often enough to move the bar, rare enough to cost nothing


def every(rows: Iterable[T], tick: Callable[[int], None] | None) -> Iterator[T]:
    """``rows``, calling ``tick(n)`` after each block of ``BLOCK`` (and at the end)."""
    n = 0
    for n, row in enumerate(rows, start=1):
        yield row
        if tick is not None and n % BLOCK == 0:
            tick(n)
    if tick is not None and n % BLOCK:
        tick(n)


def build(kind: RecordKind, read: ReadResult, people: PeopleMatcher, ctx: Context) -> Built:
    built = Built(rejected=list(read.rejected), flagged=list(read.flagged))
    if kind is RecordKind.CASES:
        _cases(read, people, ctx, built)
    elif kind is RecordKind.SAFER_HOMES:
        _referrals(read, ctx, built)
    elif kind is RecordKind.PEOPLE:
        _people_rows(read, people, ctx, built)
    else:
        refs = sorted({str(r.values["case_reference"]) for r in read.rows})
        ids = ctx.case_ids(refs)
        for r in every(read.rows, ctx.tick):
            case_id = ids.get(str(r.values["case_reference"]))
            if case_id is None:
                built.rejected.append(
                    RejectedRow(
                        r.row,
                        f"No case with reference {r.values['case_reference']} in CSPDesk: "
                        "import the case log first, or check the reference",
                    )
                )
                continue
            if kind is RecordKind.INCIDENTS:
                _incident(r.row, r.values, case_id, built)
            elif kind is RecordKind.NOTICES:
                _notice(r.row, r.values, case_id, ctx, built)
            elif kind is RecordKind.ACTIONS:
                _action(r.row, r.values, case_id, ctx, built)
    built.rejected.sort(key=lambda x: x.row)
    built.flagged.sort(key=lambda x: x.row)
    return built


# --- cases and the people on them ----------------------------------------------------------------------


def _address(ctx: Context, built: Built, row: int, line1: str | None, postcode: str | None, ward: str | None):
    if not (line1 or postcode):
        return None
    a = Address(
        id=uuid.uuid4(),
        line1=line1,
        postcode=(postcode or "").upper() or None,
        ward_id=ctx.ward_ids.get(ward) if ward else None,
    )
    built.add(a, "address", a.id, row)
    return a


def _cases(read: ReadResult, people: PeopleMatcher, ctx: Context, built: Built) -> None:
    seen: dict[str, int] = {}
    good = []
    for r in read.rows:
        ref = str(r.values["legacy_reference"])
        if ref in seen:
            built.rejected.append(RejectedRow(r.row, f"Case reference {ref} is on row {seen[ref]} too"))
            continue
        seen[ref] = r.row
        good.append(r)
    no_channel = 0
    for r in every(good, ctx.tick):
        v = r.values
        reported = as_date(v["reported_on"])
        assert reported is not None
        category = str(v["category"])
        location = v.get("location")
        addr = _address(ctx, built, r.row, _s(location), _s(v.get("postcode")), _s(v.get("ward")))
        title = _s(v.get("title")) or (
            f"{AsbCategory(category).label} at {location}" if location else AsbCategory(category).label
        )
        status = str(v.get("status") or CaseStatus.OPEN.value)
        if "reported_via" not in v:
            no_channel += 1
        case_id = uuid.uuid4()
        reference = _next_number(
            ctx, built.numbers, f"{ctx.case_prefix}-{reported.year}-", 5, AsbCase.reference
        )
        parts: list[str | None] = [reference, title, str(v["legacy_reference"])]
        by_role: dict[str, list[str]] = {}
        for role in (PartyRole.PERPETRATOR, PartyRole.COMPLAINANT):
            name = _s(v.get(f"{role.value}_name"))
            if not name:
                continue
            p = people.person(
                r.row, name, as_date(v.get(f"{role.value}_dob")), _s(v.get(f"{role.value}_address"))
            )
            party = CaseParty(
                id=uuid.uuid4(), case_id=case_id, role=role.value, kind=PartyKind.PERSON.value, person_id=None
            )
            built.add(party, "party", party.id, r.row)
            _later_person(built, party, p)
            by_role.setdefault(role.value, []).append(p.name)
            parts.append(p.name)
            if p.address:
                parts.append(p.address)
        if addr is not None:
            parts += [addr.line1, addr.postcode]
        summary = "; ".join(
            f"{role.label}: {', '.join(by_role[role.value])}"
            for role in PARTY_SUMMARY_ORDER
            if role.value in by_role
        )
        case = AsbCase(
            id=case_id,
            reference=reference,
            title=title,
            description=_s(v.get("description")),
            category=category,
            priority_theme=PriorityTheme.ASB_SAFER_SPACES.value,
            status=status,
            reported_via=str(v.get("reported_via") or ReportChannel.PHONE.value),
            reported_on=reported,
            location_id=addr.id if addr else None,
            ward_id=addr.ward_id if addr else (ctx.ward_ids.get(str(v["ward"])) if v.get("ward") else None),
            officer_id=ctx.officer_ids.get(str(v["officer"])) if v.get("officer") else None,
            closed_on=as_date(v.get("closed_on")) if status == CaseStatus.CLOSED.value else None,
            closure_reason=_s(v.get("closure_reason")) if status == CaseStatus.CLOSED.value else None,
            last_activity_on=reported,
            search_text=compose_search_text(parts),
            parties_summary=summary[:500],
            location_summary=", ".join(x for x in (addr.line1, addr.postcode) if x)[:300] if addr else "",
        )
        built.objects.append(case)
        built.records.append(
            {
                "entity_type": "case",
                "entity_id": case_id,
                "legacy_reference": v["legacy_reference"],
                "source_row": r.row,
            }
        )
        built.audit.append(("case", case_id, f"Case {reference} imported from {ctx.file_name} row {r.row}"))
        built.count("cases to make")
    if no_channel:
        built.notes.append(
            f'{no_channel:,} case{"s" if no_channel != 1 else ""} with no "reported via" in the file: '
            "recorded as Phone."
        )
    _people_counts(people, built)


def _later_person(built: Built, party: CaseParty, p: FilePerson) -> None:
    """The party's person is known only once every row is read (a later row may confirm a match)."""
    built.objects.append(("person-of", party, p))


def _people_rows(read: ReadResult, people: PeopleMatcher, ctx: Context, built: Built) -> None:
    ids = ctx.case_ids(sorted({str(r.values["case_reference"]) for r in read.rows}))
    for r in every(read.rows, ctx.tick):
        v = r.values
        case_id = ids.get(str(v["case_reference"]))
        if case_id is None:
            built.rejected.append(
                RejectedRow(
                    r.row,
                    f"No case with reference {v['case_reference']} in CSPDesk: import the case log first",
                )
            )
            continue
        p = people.person(
            r.row,
            str(v["name"]),
            as_date(v.get("date_of_birth")),
            _s(v.get("address")),
            _s(v.get("postcode")),
            _s(v.get("phone")),
        )
        party = CaseParty(
            id=uuid.uuid4(),
            case_id=case_id,
            role=str(v["role"]),
            kind=PartyKind.PERSON.value,
            vulnerable=bool(v.get("vulnerable", False)),
        )
        built.add(party, "party", party.id, r.row)
        _later_person(built, party, p)
        built.audit.append(
            ("party", party.id, f"{PartyRole(str(v['role'])).label} imported from row {r.row}")
        )
        built.count("people on cases")
    _people_counts(people, built)


def _people_counts(people: PeopleMatcher, built: Built) -> None:
    built.counts["people to make"] = len(people.to_make())
    built.counts["people linked to someone already in CSPDesk"] = people.linked
    built.counts["rows naming someone named on an earlier row"] = people.merged_rows


def settle_people(built: Built, people: PeopleMatcher) -> None:
    """Make the new people, point each party at its person, and drop the placeholders."""
    made: set[uuid.UUID] = set()
    objects: list[object] = []
    for p in people.to_make():
        addr = None
        if p.address or p.postcode:
            addr = Address(id=uuid.uuid4(), line1=p.address, postcode=(p.postcode or "").upper() or None)
            objects.append(addr)
            built.records.append(
                {
                    "entity_type": "address",
                    "entity_id": addr.id,
                    "legacy_reference": None,
                    "source_row": p.rows[0],
                }
            )
        person = Person(
            id=p.id,
            forename=p.forename,
            surname=p.surname,
            date_of_birth=p.dob,
            address_id=addr.id if addr else None,
            phone=p.phone,
        )
        objects.append(person)
        made.add(p.id)
        built.records.append(
            {"entity_type": "person", "entity_id": p.id, "legacy_reference": None, "source_row": p.rows[0]}
        )
    rest: list[object] = []
    for obj in built.objects:
        if isinstance(obj, tuple) and obj[0] == "person-of":
            _tag, party, person = obj
            party.person_id = person.person_id()
        else:
            rest.append(obj)
    built.objects = objects + rest


# Tables in the order rows must reach them (each points only at those before it).
WRITE_ORDER = (
    Address,
    Person,
    AsbCase,
    CaseParty,
    Incident,
    EnforcementNotice,
    NoticeEvent,
    CaseAction,
    SaferHomesReferral,
)


def write(session: Session, built: Built, tick: Callable[[int, int], None] | None = None) -> None:
    """Insert what was built, one table at a time in ``WRITE_ORDER``, as bulk INSERTs of many rows (the ORM's
    one-object-at-a-time flush took 3 s for 2,000 cases). Every value still passes the text-limit rule
    (``field_limits.check_statement`` checks bulk statements row by row). ``tick(done, total)`` after each
    table: the records written so far, of all."""
    by_model: dict[type, list] = {model: [] for model in WRITE_ORDER}
    for o in built.objects:
        if type(o) in by_model:
            by_model[type(o)].append(o)
    total, done = sum(len(v) for v in by_model.values()), 0
    for model in WRITE_ORDER:
        objects = by_model[model]
        if not objects:
            continue
        table = Base.metadata.tables[model.__tablename__]
        keys = [c.key for c in table.columns]  # the models name each attribute as its column
        rows = []
        for obj in objects:
            row = {k: v for k, v in ((k, obj.__dict__.get(k)) for k in keys) if v is not None}
            rows.append(row)
        by_keys: dict[tuple[str, ...], list[dict]] = {}
        for row in rows:
            by_keys.setdefault(tuple(sorted(row)), []).append(row)
        for group in by_keys.values():
            session.execute(insert(table), group)
        done += len(objects)
        if tick is not None:
            tick(done, total)


# --- what hangs off a case -----------------------------------------------------------------------------


def _incident(row: int, v: dict, case_id: uuid.UUID, built: Built) -> None:
    when = occurred_at(v)
    incident = Incident(
        id=uuid.uuid4(),
        case_id=case_id,
        occurred_at=when,
        reported_on=as_date(v.get("reported_on")) or when.date(),
        reporter_name=_s(v.get("reporter_name")),
        police_reference=_s(v.get("police_reference")),
        category=_s(v.get("category")),
        description=str(v["description"]),
    )
    built.add(incident, "incident", incident.id, row, _s(v.get("legacy_reference")))
    built.count("incidents to make")


_FILE_DATES = (("comply_by", "Comply by"), ("appeal_by", "Appeal by"), ("pay_by", "Pay by"))


def _notice(row: int, v: dict, case_id: uuid.UUID, ctx: Context, built: Built) -> None:
    kind = NoticeKind(str(v["kind"]))
    served = as_date(v["served_on"])
    assert served is not None
    # A CPW's period is the officer's to set (s.43(5)(b) says only "enough time"): the file's is honoured.
    explicit = as_date(v.get("comply_by")) if kind is NoticeKind.CPW else None
    try:
        dates = compute_dates(kind, served, ctx.rules, comply_by=explicit)
    except ValidationError as error:
        built.rejected.append(RejectedRow(row, "; ".join(error.fields.values())))
        return
    status = str(v["status"]) if v.get("status") else None
    try:
        stage, note = imported_stage(
            kind, issue_stage(kind), status, dates, ctx.today, ctx.rules.cpw_lapse_months
        )
    except ValueError as error:
        built.rejected.append(RejectedRow(row, f"Notice {v['legacy_reference']}: {error}"))
        return
    if note:
        built.flagged.append(FlaggedRow(row, f"Notice {v['legacy_reference']}: {note}"))
        built.count("warnings past their lapse period (imported as lapsed)")
    disagree = []
    for key, label in _FILE_DATES:
        in_file = as_date(v.get(key))
        by_rules = getattr(dates, key)
        if in_file is not None and in_file != by_rules:
            rules = f"{by_rules:%d/%m/%Y}" if by_rules else "no such date for this kind of notice"
            disagree.append(f"{label}: the file says {in_file:%d/%m/%Y}, the rules give {rules}")
    due = next_due(kind, stage.value, dates, ctx.today)
    amount = pence(v.get("amount"))
    notice = EnforcementNotice(
        id=uuid.uuid4(),
        reference="",  # numbered below, in served order
        case_id=case_id,
        kind=kind.value,
        stage=stage.value,
        conduct=_s(v.get("conduct")),
        issuing_officer_id=ctx.officer_ids.get(str(v["officer"])) if v.get("officer") else None,
        served_on=served,
        amount_pence=amount,
        rules=ctx.rules.to_dict(),
        next_due_on=due.on if due else None,
        next_due_what=due.what if due else None,
        **dates.columns(),
    )
    notice.reference = _notice_reference(ctx, built, kind, served.year)
    built.add(notice, "notice", notice.id, row, str(v["legacy_reference"]))
    if disagree:
        words = "; ".join(disagree) + ". Stored as the rules give them: check the notice as served."
        built.records[-1]["check_dates"] = words
        built.flagged.append(FlaggedRow(row, f"Notice {v['legacy_reference']}: {words}"))
        built.count("notices whose dates disagree with the rules")
    event = NoticeEvent(
        id=uuid.uuid4(),
        notice_id=notice.id,
        occurred_on=served,
        event="stage",
        from_stage=Stage.DRAFT.value,
        to_stage=stage.value,
        officer=ctx.actor_name,
        reason=f"Imported from {ctx.file_name} row {row}" + (f", as {stage.label}" if status or note else ""),
    )
    built.add(event, "notice_event", event.id, row)
    built.audit.append(("notice", notice.id, f"{kind.label} {notice.reference} imported from row {row}"))
    built.count("notices to make")


def _action(row: int, v: dict, case_id: uuid.UUID, ctx: Context, built: Built) -> None:
    status = str(v.get("status") or ActionStatus.OPEN.value)
    action = CaseAction(
        id=uuid.uuid4(),
        case_id=case_id,
        description=str(v["description"]),
        owner_user_id=ctx.officer_ids.get(str(v["owner"])) if v.get("owner") else None,
        due_on=as_date(v["due_on"]),
        status=status,
        completed_on=as_date(v.get("completed_on")) if status == ActionStatus.DONE.value else None,
    )
    built.add(action, "action", action.id, row)
    built.audit.append(("action", action.id, f"Action imported from row {row}"))
    built.count("actions to make")


# --- Safer Homes referrals ----------------------------------------------------------------------------

# The later steps in the order they happen, and the status each leads to (domain.safer_homes_workflow).
_LATER_STEPS = (
    ("survey_on", "Surveyed on"),
    ("works_ordered_on", "Works ordered on"),
    ("installed_on", "Works completed on"),
    ("followed_up_on", "Followed up on"),
)
_STATUS_OF_STEP = {
    "survey_on": SaferHomesStatus.SURVEYED,
    "works_ordered_on": SaferHomesStatus.WORKS_ORDERED,
    "installed_on": SaferHomesStatus.SECURED,
    "followed_up_on": SaferHomesStatus.FOLLOWED_UP,
}


def _steps_out_of_order(referred_on: date | None, steps: dict[str, date | None]) -> str | None:
    """Why the later-step dates cannot be right (one before the step it follows), or None."""
    before, before_label = referred_on, "the referral date"
    for key, label in _LATER_STEPS:
        when = steps[key]
        if when is None:
            continue
        if before is not None and when < before:
            return f"{label} {when:%d/%m/%Y} is before {before_label} ({before:%d/%m/%Y})"
        before, before_label = when, label.lower().replace(" on", "")
    return None


def _status_from(steps: dict[str, date | None]) -> SaferHomesStatus:
    """With no status in the file, the furthest step that has a date (a completed job is secured)."""
    reached = [key for key, _label in _LATER_STEPS if steps[key] is not None]
    return _STATUS_OF_STEP[reached[-1]] if reached else SaferHomesStatus.REFERRED


def _referrals(read: ReadResult, ctx: Context, built: Built) -> None:
    """Each row through the intake's own rules (``accept_referral``): restricted when the category demands
    it, only who, when and the category kept without consent. The client is never a ``person`` row."""
    names = Names.load(ctx.session)
    no_consent_details = 0
    for r in every(read.rows, ctx.tick):
        v = r.values
        consent = bool(v["consent_given"])
        method, consent_on = _s(v.get("consent_method")), as_date(v.get("consent_on"))
        if consent and (method is None or consent_on is None):
            no_consent_details += 1
            method = method or f"as recorded in {ctx.file_name}"[:40]
            consent_on = consent_on or as_date(v["referred_on"])
        record = ReferralRecord(
            referred_on=as_date(v["referred_on"]),
            referrer_name=_s(v.get("referrer_name")),
            referrer_agency=_s(v.get("referrer_agency")),
            consent_given=consent,
            consent_method=method,
            consent_on=consent_on,
            client_name=_s(v.get("client_name")),
            client_date_of_birth=as_date(v.get("client_date_of_birth")),
            address_line1=_s(v.get("address_line1")),
            town=_s(v.get("town")),
            postcode=_s(v.get("postcode")),
            ward=_s(v.get("ward")),
            victim_category=VictimCategory(str(v["victim_category"])),
            police_reference=_s(v.get("police_reference")),
            perpetrator_name=_s(v.get("perpetrator_name")),
        )
        # Only an administrator imports, and the one restriction rule lets administrators see restricted
        # referrals (core.domain.protection): who imports a DA referral may see it, as at intake.
        try:
            record = accept_referral(record, ctx.today)
        except ValidationError as error:
            built.rejected.append(RejectedRow(r.row, " ".join(error.fields.values())))
            continue
        if record.consent_given:
            steps = {key: as_date(v.get(key)) for key, _label in _LATER_STEPS}
            refused = _steps_out_of_order(record.referred_on, steps)
            if refused:
                built.rejected.append(RejectedRow(r.row, refused))
                continue
            status = SaferHomesStatus(str(v["status"])) if v.get("status") else _status_from(steps)
            record = record.with_changes(status=status, secured_on=steps["installed_on"], **steps)
        row = SaferHomesReferral(id=uuid.uuid4(), rules=ctx.safer_homes_rules)
        write_record(row, record, names)
        referred = record.referred_on or ctx.today
        row.reference = _next_number(
            ctx, built.numbers, f"SH-{referred.year}-", 4, SaferHomesReferral.reference
        )
        built.add(row, "referral", row.id, r.row, str(v["legacy_reference"]))
        # The audit names the referral, never the client (its details are restricted, not the fact of it).
        built.audit.append(("safer_homes_referral", row.id, f"Safer Homes referral {row.reference} imported"))
        built.count("referrals to make")
        if row.restricted:
            built.count("of them restricted")
    if no_consent_details:
        built.notes.append(
            f"{no_consent_details:,} referral{'s' if no_consent_details != 1 else ''} with consent but no "
            f'record of how or when: recorded as "as recorded in {ctx.file_name}" on the referral date.'
        )


# --- references -----------------------------------------------------------------------------------------


def _next_number(ctx: Context, numbers: dict[str, int], stem: str, width: int, column) -> str:
    """The next reference after the highest one stored with this stem (then counting on in memory: the
    import holds the reference lock, ``storage.portable.one_at_a_time``, for its whole transaction)."""
    if stem not in numbers:
        last = ctx.session.scalar(select(func.max(column)).where(column.like(f"{stem}%")))
        tail = last[len(stem) :] if last else ""
        numbers[stem] = int(tail) if tail.isdigit() else 0
    numbers[stem] += 1
    return f"{stem}{numbers[stem]:0{width}d}"


def _notice_reference(ctx: Context, built: Built, kind: NoticeKind, year: int) -> str:
    return _next_number(ctx, built.numbers, reference_prefix(kind, year), 4, EnforcementNotice.reference)


def _s(value: object) -> str | None:
    return str(value) if value not in (None, "") else None
