"""Letters written from an ASB case: acknowledgement of complaint, letter to the complainant about action
taken, ASB warning letter, and the case summary (everything on the case, for a partner or a court bundle).

Values come from the case and the party the letter is addressed to; what only the officer can write (the
conduct, what has been done) is asked for in the New letter form and never guessed.
"""

from __future__ import annotations

import uuid

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
from cspdesk.core.errors import NotFound
from cspdesk.core.services.case_index import address_text, person_name
from cspdesk.core.services.context import Actor
from cspdesk.core.services.letter_sources import LetterSource, ProviderContext, Subject
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


def _party_rows(ctx: ProviderContext, case_id: uuid.UUID, roles: tuple[PartyRole, ...]):
    return ctx.session.execute(
        select(CaseParty, Person, Organisation)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Organisation, Organisation.id == CaseParty.organisation_id)
        .where(
            CaseParty.case_id == case_id,
            CaseParty.removed_on.is_(None),
            CaseParty.role.in_([r.value for r in roles]),
            CaseParty.kind != PartyKind.GROUP.value,  # an unnamed group cannot be written to
        )
        .order_by(CaseParty.created_at)
    ).all()


def _display(person: Person | None, org: Organisation | None) -> str:
    if person is not None:
        return " ".join(x for x in (person.title, person.forename, person.surname) if x)
    return org.name if org else ""


def _recipient(ctx: ProviderContext, case_id: uuid.UUID, roles: tuple[PartyRole, ...]) -> dict:
    rows = _party_rows(ctx, case_id, roles)
    chosen = next((r for r in rows if r[0].id == ctx.recipient_id), rows[0] if rows else None)
    if chosen is None:
        return {"recipient_name": "", "recipient_address": ()}
    _party, person, org = chosen
    addr_id = person.address_id if person else (org.address_id if org else None)
    addr = ctx.session.get(Address, addr_id) if addr_id else None
    lines: list[str] = []
    if org is not None and org.contact_name:
        lines.append(f"For the attention of {org.contact_name}")
    if addr is not None:
        lines += [x for x in (addr.place_name, addr.line1, addr.line2, addr.town, addr.postcode) if x]
    return {"recipient_name": _display(person, org), "recipient_address": tuple(lines)}


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


def complaint_ack_values(ctx: ProviderContext, case_id: uuid.UUID, actor: Actor) -> dict:
    case = _case(ctx, case_id)
    days = int(ctx.settings.get("letters.next_contact_working_days", 10))
    return {
        **_common(ctx, case),
        **_recipient(ctx, case_id, (PartyRole.COMPLAINANT, PartyRole.VICTIM)),
        "next_contact_by": add_working_days(ctx.today, days),
    }


def complainant_update_values(ctx: ProviderContext, case_id: uuid.UUID, actor: Actor) -> dict:
    case = _case(ctx, case_id)
    return {**_common(ctx, case), **_recipient(ctx, case_id, (PartyRole.COMPLAINANT, PartyRole.VICTIM))}


def victims_home(ctx: ProviderContext, case: AsbCase) -> bool:
    """Is the case's location the home of a complainant, victim or witness? Then a letter to the person
    responsible must not print it: it would tell them who complained."""
    if case.location_id is None:
        return False
    homes = ctx.session.scalars(
        select(Person.address_id)
        .join(CaseParty, CaseParty.person_id == Person.id)
        .where(
            CaseParty.case_id == case.id,
            CaseParty.removed_on.is_(None),
            CaseParty.role.in_([PartyRole.COMPLAINANT.value, PartyRole.VICTIM.value, PartyRole.WITNESS.value]),
        )
    ).all()
    orgs = ctx.session.scalars(
        select(Organisation.address_id)
        .join(CaseParty, CaseParty.organisation_id == Organisation.id)
        .where(CaseParty.case_id == case.id, CaseParty.role != PartyRole.PERPETRATOR.value)
    ).all()
    return case.location_id in {*homes, *orgs}


def asb_warning_values(ctx: ProviderContext, case_id: uuid.UUID, actor: Actor) -> dict:
    case = _case(ctx, case_id)
    values = {**_common(ctx, case), **_recipient(ctx, case_id, (PartyRole.PERPETRATOR,))}
    if victims_home(ctx, case):
        values["incident_location"] = ""  # the officer words it (e.g. the street), never the victim's address
    return values


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
        for a in s.scalars(select(CaseAction).where(CaseAction.case_id == case_id).order_by(CaseAction.due_on))
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
    ),
    LetterSource(
        Subject.CASE,
        "complainant_update",
        complainant_update_values,
        _recipients_for(PartyRole.COMPLAINANT, PartyRole.VICTIM),
        COMPLAINANT_HINTS,
        ask=("complaint_summary", "action_summary", "next_steps"),
    ),
    LetterSource(
        Subject.CASE,
        "asb_warning",
        asb_warning_values,
        _recipients_for(PartyRole.PERPETRATOR),
        {k: v for k, v in PERPETRATOR_HINTS.items() if k != "incident_location"},
        ask=("incident_location", "conduct", "conduct_effect", "requirements"),
    ),
    LetterSource(Subject.CASE, "case_summary", render=render_case_summary_pdf, title="Case summary"),
)
