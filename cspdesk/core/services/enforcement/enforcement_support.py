"""Helpers the enforcement services share: the rules in force, references, a notice's dates and what is
due next, who the recipient is, and the case chronology line each step adds."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime, time

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cspdesk.core.domain.deadlines import EnforcementRules, NoticeDates, abc_review_dates, next_due
from cspdesk.core.domain.enforcement import Stage
from cspdesk.core.domain.enforcement_guards import NoticeFacts
from cspdesk.core.domain.vocab import NoticeKind
from cspdesk.core.services.cases.case_index import address_text, person_name
from cspdesk.core.storage.models import (
    Address,
    AsbCase,
    CaseParty,
    ChronologyEntry,
    EnforcementNotice,
    NoticeEvent,
    Organisation,
    Person,
)
from cspdesk.core.storage.portable import one_at_a_time
from cspdesk.core.sync.references import provisional_reference

K = NoticeKind

# Short codes for notice references ("CPW-2024-0007").
REFERENCE_CODE: Mapping[NoticeKind, str] = {
    K.WARNING_LETTER: "WL",
    K.ABC: "ABC",
    K.CPW: "CPW",
    K.CPN: "CPN",
    K.FPN: "FPN",
    K.PROSECUTION: "PROS",
    K.CIVIL_INJUNCTION: "INJ",
    K.PSPO_FPN: "PSPO",
    K.CLOSURE_NOTICE: "CLN",
    K.CLOSURE_ORDER: "CLO",
    K.DISPERSAL_DIRECTION: "DISP",
}

# Tools given by police or a court and recorded on the case, not issued by the council.
RECORDED_KINDS = frozenset(
    {K.CIVIL_INJUNCTION, K.PSPO_FPN, K.CLOSURE_NOTICE, K.CLOSURE_ORDER, K.DISPERSAL_DIRECTION}
)


def reference_prefix(kind: NoticeKind | str, year: int) -> str:
    return f"{REFERENCE_CODE[NoticeKind(kind)]}-{year}-"


def next_reference(session: Session, kind: NoticeKind | str, year: int) -> str:
    if provisional := provisional_reference(session, "enforcement_notice"):  # a working copy
        return provisional
    prefix = reference_prefix(kind, year)
    one_at_a_time(session, "enforcement_notice.reference")
    last = session.scalar(
        select(func.max(EnforcementNotice.reference)).where(EnforcementNotice.reference.like(f"{prefix}%"))
    )
    n = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{n:04d}"


def stored_rules(notice: EnforcementNotice) -> EnforcementRules:
    return EnforcementRules.from_dict(notice.rules)


def dates_of(notice: EnforcementNotice) -> NoticeDates | None:
    """The dates stored on the notice (the ABC review dates recomputed from the rules it was issued with)."""
    if notice.issued_on is None:
        return None
    reviews: tuple[date, ...] = ()
    if notice.kind == K.ABC.value and notice.expires_on:
        reviews = abc_review_dates(notice.issued_on, notice.expires_on, stored_rules(notice).abc_review_weeks)
    return NoticeDates(
        issued_on=notice.issued_on,
        comply_by=notice.comply_by,
        lapses_on=notice.lapses_on,
        appeal_by=notice.appeal_by,
        review_on=notice.review_on,
        expires_on=notice.expires_on,
        pay_by=notice.pay_by,
        discount_by=notice.discount_by,
        earliest_prosecution_on=notice.earliest_prosecution_on,
        hearing_by=notice.hearing_by,
        review_dates=reviews,
    )


def refresh_next_due(notice: EnforcementNotice, today: date) -> None:
    """Keep ``next_due_on``/``next_due_what`` current, so the due view is one indexed query."""
    dates = dates_of(notice)
    due = (
        None
        if dates is None
        else next_due(notice.kind, notice.stage, dates, today, last_reviewed_on=notice.last_reviewed_on)
    )
    notice.next_due_on = due.on if due else None
    notice.next_due_what = due.what[:120] if due else None


def facts_of(session: Session, notice: EnforcementNotice) -> NoticeFacts:
    breached_on = session.scalar(
        select(func.max(NoticeEvent.occurred_on)).where(
            NoticeEvent.notice_id == notice.id,
            NoticeEvent.to_stage == "breached",
            NoticeEvent.event == "stage",
        )
    )
    return NoticeFacts(
        kind=NoticeKind(notice.kind),
        stage=Stage(notice.stage),
        party_id=_person_key(session, notice.party_id),
        issued_on=notice.issued_on,
        comply_by=notice.comply_by,
        lapses_on=notice.lapses_on,
        breached_on=breached_on,
    )


def _person_key(session: Session, party_id: uuid.UUID | None) -> object:
    """The same person may be a party to several cases: compare people, not party rows."""
    if party_id is None:
        return None
    party = session.get(CaseParty, party_id)
    if party is None:
        return party_id
    return party.person_id or party.organisation_id or party.id


def person_key(session: Session, party_id: uuid.UUID | None) -> object:
    return _person_key(session, party_id)


def notices_to_same_recipient(session: Session, party_id: uuid.UUID | None) -> Select:
    """``select(EnforcementNotice)`` limited to notices given to the same person or body as ``party_id``
    (on any case)."""
    stmt = select(EnforcementNotice).join(CaseParty, CaseParty.id == EnforcementNotice.party_id)
    party = session.get(CaseParty, party_id) if party_id else None
    if party is None:
        return stmt.where(EnforcementNotice.party_id == party_id)
    if party.person_id:
        return stmt.where(CaseParty.person_id == party.person_id)
    if party.organisation_id:
        return stmt.where(CaseParty.organisation_id == party.organisation_id)
    return stmt.where(EnforcementNotice.party_id == party.id)


def recipient_of(
    session: Session, party_id: uuid.UUID | None
) -> tuple[str, str, Person | None, CaseParty | None]:
    """(name, address, person, party) for the notice's recipient."""
    if party_id is None:
        return "", "", None, None
    party = session.get(CaseParty, party_id)
    if party is None:
        return "", "", None, None
    person = session.get(Person, party.person_id) if party.person_id else None
    org = session.get(Organisation, party.organisation_id) if party.organisation_id else None
    name = person_name(person) if person else (org.name if org else party.group_description or "")
    addr_id = person.address_id if person else (org.address_id if org else None)
    addr = session.get(Address, addr_id) if addr_id else None
    return name, address_text(addr), person, party


def add_chronology(
    session: Session, notice: EnforcementNotice, on: date, summary: str, author: str, body: str | None = None
) -> None:
    """Every enforcement step is a line on the case's chronology (kind 'notice')."""
    session.add(
        ChronologyEntry(
            case_id=notice.case_id,
            occurred_at=datetime.combine(on, time(12, 0)),
            kind="notice",
            summary=summary[:500],
            body=body,
            author=author,
            related_type="notice",
            related_id=notice.id,
        )
    )
    case = session.get(AsbCase, notice.case_id)
    if case is not None and (case.last_activity_on is None or case.last_activity_on < on):
        case.last_activity_on = on
