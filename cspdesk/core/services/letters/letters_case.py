"""Letters written from an ASB case: acknowledgement of complaint, letter to the complainant about action
taken, ASB warning letter, and the case summary (everything on the case, for a partner or a court bundle).

Values come from the case and the party the letter is addressed to; what only the officer can write (the
conduct, what has been done) is asked for in the New letter form and never guessed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from cspdesk.core.domain.calendar import add_working_days
from cspdesk.core.domain.vocab import (
    ActionStatus,
    AsbCategory,
    CaseStatus,
    NoticeKind,
    PartyKind,
    PartyRole,
    PriorityTag,
    RiskLevel,
)
from cspdesk.core.errors import NotFound, UserError
from cspdesk.core.services.cases.case_index import address_text, person_name
from cspdesk.core.services.context import Actor
from cspdesk.core.services.letters.letter_sources import LetterSource, ProviderContext, Subject
from cspdesk.core.storage.models import (
    Address,
    AppUser,
    AsbCase,
    CaseAction,
    CaseParty,
    CasePriorityTag,
    ChronologyEntry,
    EnforcementNotice,
    Incident,
    Organisation,
    Person,
)

# "Thank you for contacting us about ...": the category in words a resident would use.
COMPLAINT_WORDS = {
    AsbCategory.YOUTH_ASB: "anti-social behaviour by young people",
    AsbCategory.NUISANCE_VEHICLES: "nuisance vehicles and parking",
    AsbCategory.OFF_ROAD_BIKES: "off-road bikes",
    AsbCategory.NEIGHBOUR_NUISANCE: "nuisance from a neighbour",
    AsbCategory.NOISE: "noise",
    AsbCategory.DRUGS: "drug-related anti-social behaviour",
    AsbCategory.HATE_RELATED: "hate-related incidents",
    AsbCategory.CRIMINAL_DAMAGE: "criminal damage",
    AsbCategory.STREET_DRINKING: "street drinking",
    AsbCategory.INTIMIDATION: "intimidation",
    AsbCategory.ENVIRONMENTAL: "environmental anti-social behaviour",
    AsbCategory.ANIMAL_NUISANCE: "nuisance from animals",
    AsbCategory.OTHER: "anti-social behaviour",
}


def _case(ctx: ProviderContext, case_id: uuid.UUID) -> AsbCase:
    case = ctx.session.get(AsbCase, case_id)
    if case is None:
        raise NotFound("That case no longer exists.")
    return case


# A mail merge asks for hundreds of cases at once: each "many" provider below reads them with a few
# queries of up to this many ids each (well under SQLite's limit on bound parameters), and the
# single-letter providers are the same code asked about one case, so the two can never disagree.
_IN = 500
_GONE = "That case no longer exists."


def _parts(ids: Sequence[uuid.UUID]):
    ids = list(ids)
    for i in range(0, len(ids), _IN):
        yield ids[i : i + _IN]


def _cases(ctx: ProviderContext, case_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AsbCase]:
    out: dict[uuid.UUID, AsbCase] = {}
    for part in _parts(case_ids):
        out.update((c.id, c) for c in ctx.session.scalars(select(AsbCase).where(AsbCase.id.in_(part))))
    return out


def _party_select(roles: tuple[PartyRole, ...]):
    return (
        select(CaseParty, Person, Organisation)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Organisation, Organisation.id == CaseParty.organisation_id)
        .where(
            CaseParty.removed_on.is_(None),
            CaseParty.role.in_([r.value for r in roles]),
            CaseParty.kind != PartyKind.GROUP.value,  # an unnamed group cannot be written to
        )
        .order_by(CaseParty.created_at, CaseParty.id)
    )


def _party_rows(ctx: ProviderContext, case_id: uuid.UUID, roles: tuple[PartyRole, ...]):
    return ctx.session.execute(_party_select(roles).where(CaseParty.case_id == case_id)).all()


def _display(person: Person | None, org: Organisation | None) -> str:
    if person is not None:
        return " ".join(x for x in (person.title, person.forename, person.surname) if x)
    return org.name if org else ""


def _recipients(
    ctx: ProviderContext, case_ids: Sequence[uuid.UUID], roles: tuple[PartyRole, ...]
) -> dict[uuid.UUID, dict]:
    """Name and address of the party each letter is addressed to: the one chosen (``ctx.recipient_id``)
    or the first added in one of ``roles``; blank when the case has none."""
    rows: dict[uuid.UUID, list] = {}
    for part in _parts(case_ids):
        for row in ctx.session.execute(_party_select(roles).where(CaseParty.case_id.in_(part))):
            rows.setdefault(row[0].case_id, []).append(row)
    chosen = {cid: next((r for r in rs if r[0].id == ctx.recipient_id), rs[0]) for cid, rs in rows.items()}
    addr_ids = {
        a
        for _p, person, org in chosen.values()
        if (a := person.address_id if person else org.address_id if org else None)
    }
    addresses: dict[uuid.UUID, Address] = {}
    for part in _parts(sorted(addr_ids)):
        addresses.update((a.id, a) for a in ctx.session.scalars(select(Address).where(Address.id.in_(part))))
    out = {}
    for cid in case_ids:
        if cid not in chosen:
            out[cid] = {"recipient_name": "", "recipient_address": ()}
            continue
        _party, person, org = chosen[cid]
        addr_id = person.address_id if person else (org.address_id if org else None)
        addr = addresses.get(addr_id) if addr_id else None
        lines: list[str] = []
        if org is not None and org.contact_name:
            lines.append(f"For the attention of {org.contact_name}")
        if addr is not None:
            lines += [x for x in (addr.place_name, addr.line1, addr.line2, addr.town, addr.postcode) if x]
        out[cid] = {"recipient_name": _display(person, org), "recipient_address": tuple(lines)}
    return out


def _recipients_for(*roles: PartyRole):
    def recipients(ctx: ProviderContext, case_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
        return [
            (party.id, f"{PartyRole(party.role).label}: {_display(person, org)}")
            for party, person, org in _party_rows(ctx, case_id, roles)
        ]

    return recipients


def _common(ctx: ProviderContext, case: AsbCase) -> dict:
    return {
        "reference": case.reference,
        "letter_date": ctx.today,
        "incident_location": case.location_summary,
        "complaint_date": case.reported_on,
        "complaint_summary": COMPLAINT_WORDS.get(AsbCategory(case.category), "anti-social behaviour"),
    }


ValuesOrProblem = dict[uuid.UUID, dict | UserError]
TO_COMPLAINANT = (PartyRole.COMPLAINANT, PartyRole.VICTIM)


def _one(found: ValuesOrProblem, case_id: uuid.UUID) -> dict:
    v = found[case_id]
    if isinstance(v, UserError):
        raise v
    return v


def complaint_ack_many(ctx: ProviderContext, case_ids: Sequence[uuid.UUID], actor: Actor) -> ValuesOrProblem:
    cases = _cases(ctx, case_ids)
    to = _recipients(ctx, [c for c in case_ids if c in cases], TO_COMPLAINANT)
    next_contact = add_working_days(ctx.today, int(ctx.settings.get("letters.next_contact_working_days", 10)))
    return {
        cid: {**_common(ctx, cases[cid]), **to[cid], "next_contact_by": next_contact}
        if cid in cases
        else NotFound(_GONE)
        for cid in case_ids
    }


def complaint_ack_values(ctx: ProviderContext, case_id: uuid.UUID, actor: Actor) -> dict:
    return _one(complaint_ack_many(ctx, [case_id], actor), case_id)


def complainant_update_many(
    ctx: ProviderContext, case_ids: Sequence[uuid.UUID], actor: Actor
) -> ValuesOrProblem:
    cases = _cases(ctx, case_ids)
    to = _recipients(ctx, [c for c in case_ids if c in cases], TO_COMPLAINANT)
    return {
        cid: {**_common(ctx, cases[cid]), **to[cid]} if cid in cases else NotFound(_GONE) for cid in case_ids
    }


def complainant_update_values(ctx: ProviderContext, case_id: uuid.UUID, actor: Actor) -> dict:
    return _one(complainant_update_many(ctx, [case_id], actor), case_id)


def victims_home(ctx: ProviderContext, case: AsbCase) -> bool:
    """Is the case's location the home of a complainant, victim or witness? Then a letter to the person
    responsible must not print it: it would tell them who complained."""
    return bool(victims_homes(ctx, [case]))


def victims_homes(ctx: ProviderContext, cases: Sequence[AsbCase]) -> set[uuid.UUID]:
    """The cases (of these) whose location is the home of a complainant, victim or witness, or the
    address of an organisation on the case other than the person responsible."""
    located = {c.id: c.location_id for c in cases if c.location_id is not None}
    homes: set[tuple[uuid.UUID, uuid.UUID | None]] = set()
    for part in _parts(list(located)):
        homes.update(
            ctx.session.execute(
                select(CaseParty.case_id, Person.address_id)
                .join(CaseParty, CaseParty.person_id == Person.id)
                .where(
                    CaseParty.case_id.in_(part),
                    CaseParty.removed_on.is_(None),
                    CaseParty.role.in_(
                        [PartyRole.COMPLAINANT.value, PartyRole.VICTIM.value, PartyRole.WITNESS.value]
                    ),
                )
            ).tuples()
        )
        homes.update(
            ctx.session.execute(
                select(CaseParty.case_id, Organisation.address_id)
                .join(CaseParty, CaseParty.organisation_id == Organisation.id)
                .where(CaseParty.case_id.in_(part), CaseParty.role != PartyRole.PERPETRATOR.value)
            ).tuples()
        )
    return {cid for cid, loc in located.items() if (cid, loc) in homes}


def asb_warning_many(ctx: ProviderContext, case_ids: Sequence[uuid.UUID], actor: Actor) -> ValuesOrProblem:
    cases = _cases(ctx, case_ids)
    found = [c for c in case_ids if c in cases]
    to = _recipients(ctx, found, (PartyRole.PERPETRATOR,))
    hidden = victims_homes(ctx, [cases[c] for c in found])
    out: ValuesOrProblem = {}
    for cid in case_ids:
        if cid not in cases:
            out[cid] = NotFound(_GONE)
            continue
        values = {**_common(ctx, cases[cid]), **to[cid]}
        if cid in hidden:
            values["incident_location"] = (
                ""  # the officer words it (e.g. the street), never the victim's address
            )
        out[cid] = values
    return out


def asb_warning_values(ctx: ProviderContext, case_id: uuid.UUID, actor: Actor) -> dict:
    return _one(asb_warning_many(ctx, [case_id], actor), case_id)


def case_summary_data(ctx: ProviderContext, case_id: uuid.UUID, actor: Actor):
    """Everything on the case as the report's plain data."""
    from cspdesk.core.reports.case_summary_data import (
        CaseSummaryData,
        SummaryAction,
        SummaryIncident,
        SummaryNotice,
        SummaryParty,
    )
    from cspdesk.core.reports.case_summary_data import ChronologyEntry as SummaryLine

    s = ctx.session
    case = _case(ctx, case_id)
    officer = s.get(AppUser, case.officer_id) if case.officer_id else None
    parties = []
    party_names: dict[uuid.UUID, str] = {}
    for party, person, org in s.execute(
        select(CaseParty, Person, Organisation)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Organisation, Organisation.id == CaseParty.organisation_id)
        .where(CaseParty.case_id == case_id, CaseParty.removed_on.is_(None))
        .order_by(CaseParty.role, CaseParty.created_at)
    ):
        name = person_name(person) if person else (org.name if org else party.group_description or "")
        party_names[party.id] = name
        addr_id = person.address_id if person else (org.address_id if org else None)
        details = [address_text(s.get(Address, addr_id)) if addr_id else ""]
        if person is not None and person.date_of_birth:
            details.append(f"born {person.date_of_birth.year}")
        if party.vulnerable:
            details.append("vulnerable")
        parties.append(SummaryParty(PartyRole(party.role).label, name, "; ".join(d for d in details if d)))
    incidents = [
        SummaryIncident(
            i.occurred_at,
            address_text(s.get(Address, i.location_id)) if i.location_id else case.location_summary,
            i.description,
            party_names.get(i.reporter_party_id, "") if i.reporter_party_id else (i.reporter_name or ""),
        )
        for i in s.scalars(
            select(Incident)
            .where(Incident.case_id == case_id, Incident.duplicate_of_id.is_(None))
            .order_by(Incident.occurred_at)
        )
    ]
    users = {u.id: u.display_name for u in s.execute(select(AppUser.id, AppUser.display_name))}
    actions = [
        SummaryAction(
            a.created_at.date(),
            a.description,
            users.get(a.owner_user_id, "") if a.owner_user_id else "",
            a.due_on,
            ActionStatus(a.status).label,
        )
        for a in s.scalars(
            select(CaseAction).where(CaseAction.case_id == case_id).order_by(CaseAction.due_on)
        )
    ]
    notices = [
        SummaryNotice(
            NoticeKind(n.kind).label,
            n.reference,
            n.issued_on,
            n.stage.replace("_", " ").capitalize(),
            "; ".join(
                f"{label} {d.day} {d:%B %Y}"
                for label, d in (("comply by", n.comply_by), ("appeal by", n.appeal_by), ("pay by", n.pay_by))
                if d
            ),
        )
        for n in s.scalars(
            select(EnforcementNotice)
            .where(EnforcementNotice.case_id == case_id)
            .order_by(EnforcementNotice.created_at)
        )
    ]
    chronology = [
        SummaryLine(c.occurred_at, c.author, c.summary)
        for c in s.scalars(
            select(ChronologyEntry)
            .where(ChronologyEntry.case_id == case_id, ChronologyEntry.superseded.is_(False))
            .order_by(ChronologyEntry.occurred_at)
        )
    ]
    tags = [
        PriorityTag(t).label
        for t in s.scalars(select(CasePriorityTag.tag).where(CasePriorityTag.case_id == case_id))
    ]
    me = s.get(AppUser, actor.user_id)
    by = actor.display_name + (f", {me.job_title}" if me is not None and me.job_title else "")
    return CaseSummaryData(
        reference=case.reference,
        title=case.title,
        status=CaseStatus(case.status).label,
        opened=case.reported_on,
        closed=case.closed_on,
        lead_officer=officer.display_name if officer else "",
        risk_level=RiskLevel(case.risk_level).label if case.risk_level else "Not assessed",
        priorities=tuple(tags),
        summary=case.description or "",
        prepared_by=by,
        prepared_on=ctx.today,
        parties=tuple(parties),
        incidents=tuple(incidents),
        actions=tuple(actions),
        notices=tuple(notices),
        chronology=tuple(chronology),
    )


def render_case_summary_pdf(ctx: ProviderContext, case_id: uuid.UUID, actor: Actor, letterhead) -> bytes:
    return ctx.printer.case_summary(case_summary_data(ctx, case_id, actor), letterhead)


COMPLAINANT_HINTS = {
    "recipient_name": "add a complainant to the case (Parties)",
    "recipient_address": "record the complainant's address on the case (Parties)",
    "incident_location": "the case's location (edit the case)",
}
PERPETRATOR_HINTS = {
    "recipient_name": "add the person responsible to the case as a perpetrator (Parties)",
    "recipient_address": "record the perpetrator's address on the case (Parties)",
    "incident_location": "the case's location (edit the case)",
}

CASE_LETTERS: tuple[LetterSource, ...] = (
    LetterSource(
        Subject.CASE,
        "complaint_ack",
        complaint_ack_values,
        _recipients_for(PartyRole.COMPLAINANT, PartyRole.VICTIM),
        COMPLAINANT_HINTS,
        ask=("complaint_summary", "next_contact_by"),
        values_many=complaint_ack_many,
    ),
    LetterSource(
        Subject.CASE,
        "complainant_update",
        complainant_update_values,
        _recipients_for(PartyRole.COMPLAINANT, PartyRole.VICTIM),
        COMPLAINANT_HINTS,
        ask=("complaint_summary", "action_summary", "next_steps"),
        values_many=complainant_update_many,
    ),
    LetterSource(
        Subject.CASE,
        "asb_warning",
        asb_warning_values,
        _recipients_for(PartyRole.PERPETRATOR),
        {k: v for k, v in PERPETRATOR_HINTS.items() if k != "incident_location"},
        ask=("incident_location", "conduct", "conduct_effect", "requirements"),
        values_many=asb_warning_many,
    ),
    LetterSource(Subject.CASE, "case_summary", render=render_case_summary_pdf, title="Case summary"),
)
