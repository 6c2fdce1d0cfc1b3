"""What the retention queue reads of each kind of record, and how each is anonymised or deleted.

One ``Kind`` per ``RetentionRecord``: ``candidates`` reads the records whose counting event is on or before a
cut-off (the service then asks ``domain.retention.is_due``), ``anonymise`` replaces what identifies a person
(names, addresses, phones, free text) and keeps dates, categories and outcomes, so published counts do not
move; ``delete`` removes the record with everything that belongs to it. References are the only names used.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from cspdesk.core.domain.enforcement import is_closed
from cspdesk.core.domain.retention import ANONYMISED, RecordDates, RetentionRecord
from cspdesk.core.domain.vocab import (
    AsbCategory,
    CaseReviewStatus,
    MeetingKind,
    NoticeKind,
    SaferHomesStatus,
    VictimCategory,
)
from cspdesk.core.errors import ValidationError
from cspdesk.core.storage.models import (
    Address,
    AsbCase,
    AuditEntry,
    CaseAction,
    CaseLink,
    CaseParty,
    CasePriorityTag,
    CaseReviewAppeal,
    CaseReviewApplication,
    CaseReviewCaseLink,
    CaseReviewVictimUpdate,
    ChronologyEntry,
    CrimeFigure,
    Document,
    DocumentBlob,
    EditDraft,
    EnforcementNotice,
    FigureImport,
    ForumIssue,
    Incident,
    Meeting,
    NoticeEvent,
    NoticeInformedBody,
    NoticeRequirement,
    Organisation,
    Person,
    PoliceUkHolding,
    PoliceUkRow,
    RiskAssessment,
    SaferHomesMeasure,
    SaferHomesReferral,
)


@dataclass(frozen=True)
class Candidate:
    """One record as the queue shows it: nothing that names or locates a person."""

    record_id: uuid.UUID | None
    reference: str
    dates: RecordDates
    version: int  # the row's version (an audit-log year: its entry count), checked again at decision time
    description: str  # category, status: never a name or an address
    restricted: bool = False


def _only(query, column, only: uuid.UUID | None):
    """``query`` limited to one record when deciding on it (the queue reads them all)."""
    return query if only is None else query.where(column == only)


def _label(vocab, code: str) -> str:
    try:
        return vocab(code).label
    except ValueError:  # a code from a later version: show it as stored
        return code.replace("_", " ")


def _latest(*days: date | datetime | None) -> date | None:
    found = [d.date() if isinstance(d, datetime) else d for d in days if d is not None]
    return max(found) if found else None


def _latest_from(always: date, *days: date | datetime | None) -> date:
    """The latest of ``always`` (a date every record of the kind has: referred, received) and ``days``."""
    later = _latest(*days)
    return always if later is None else max(always, later)


def _anon(value: str | None) -> str | None:
    return None if value is None else ANONYMISED


# ----- shared clean-up


def _drop_documents(session: Session, *where) -> None:
    """Documents filed on a record go with its personal data: a letter cannot be anonymised, only removed."""
    shas = set(session.scalars(select(Document.sha256).where(or_(*where))))
    session.execute(delete(Document).where(or_(*where)))
    for sha in shas:
        if session.scalar(select(func.count()).select_from(Document).where(Document.sha256 == sha)) == 0:
            session.execute(delete(DocumentBlob).where(DocumentBlob.sha256 == sha))


def _drop_unused_people(session: Session, person_ids: set, organisation_ids: set, address_ids: set) -> None:
    """People, organisations and addresses that no remaining record refers to."""
    for pid in person_ids:
        if not session.scalar(select(func.count()).select_from(CaseParty).where(CaseParty.person_id == pid)):
            address_ids.add(session.scalar(select(Person.address_id).where(Person.id == pid)))
            session.execute(delete(Person).where(Person.id == pid))
    for oid in organisation_ids:
        if not session.scalar(
            select(func.count()).select_from(CaseParty).where(CaseParty.organisation_id == oid)
        ):
            address_ids.add(session.scalar(select(Organisation.address_id).where(Organisation.id == oid)))
            session.execute(delete(Organisation).where(Organisation.id == oid))
    for aid in address_ids - {None}:
        used = sum(
            session.scalar(select(func.count()).select_from(t).where(col == aid)) or 0
            for t, col in (
                (AsbCase, AsbCase.location_id),
                (Incident, Incident.location_id),
                (Person, Person.address_id),
                (Organisation, Organisation.address_id),
            )
        )
        if not used:
            session.execute(delete(Address).where(Address.id == aid))


# ----- enforcement notices (also what a case takes with it)


def _anonymise_notices(session: Session, ids: list) -> None:
    if not ids:
        return
    for n in session.scalars(select(EnforcementNotice).where(EnforcementNotice.id.in_(ids))):
        n.conduct, n.detrimental_effect = _anon(n.conduct), _anon(n.detrimental_effect)
    session.execute(
        update(NoticeRequirement).where(NoticeRequirement.notice_id.in_(ids)).values(text=ANONYMISED)
    )
    for e in session.scalars(select(NoticeEvent).where(NoticeEvent.notice_id.in_(ids))):
        e.reason, e.override_reason, e.details = _anon(e.reason), _anon(e.override_reason), None
    _drop_documents(session, Document.notice_id.in_(ids))


def _delete_notices(session: Session, ids: list) -> None:
    if not ids:
        return
    for table in (NoticeRequirement, NoticeEvent, NoticeInformedBody):
        session.execute(delete(table).where(table.notice_id.in_(ids)))
    _drop_documents(session, Document.notice_id.in_(ids))
    session.execute(
        update(EnforcementNotice).where(EnforcementNotice.parent_id.in_(ids)).values(parent_id=None)
    )
    session.execute(delete(EnforcementNotice).where(EnforcementNotice.id.in_(ids)))


def _notice_candidates(session: Session, cutoff: date, only: uuid.UUID | None = None) -> list[Candidate]:
    last_event = dict(
        session.execute(
            _only(
                select(NoticeEvent.notice_id, func.max(NoticeEvent.occurred_on)).group_by(
                    NoticeEvent.notice_id
                ),
                NoticeEvent.notice_id,
                only,
            )
        )
        .tuples()
        .all()
    )
    n = EnforcementNotice
    rows = session.execute(
        _only(
            select(
                n.id,
                n.reference,
                n.version,
                n.kind,
                n.stage,
                n.served_on,
                n.issued_on,
                n.created_at,
                AsbCase.closed_on,
            ).join(AsbCase, AsbCase.id == n.case_id),
            n.id,
            only,
        )
    )
    out = []
    for nid, ref, version, kind, stage, served, issued, created, case_closed in rows:
        # created_at only for a draft never issued (a bulk import writes "now" there, not the notice's date).
        last = _latest(last_event.get(nid), served, issued) or created.date()
        ended = last if is_closed(kind, stage) else None
        dates = RecordDates(closed_on=case_closed, last_activity_on=last, ended_on=ended)
        if any(d is not None and d <= cutoff for d in (case_closed, last, ended)):
            out.append(
                Candidate(nid, ref, dates, version, f"{_label(NoticeKind, kind)}, {stage.replace('_', ' ')}")
            )
    return out


# ----- ASB cases


def _case_candidates(session: Session, cutoff: date, only: uuid.UUID | None = None) -> list[Candidate]:
    activity = func.coalesce(AsbCase.last_activity_on, AsbCase.closed_on, AsbCase.reported_on)
    rows = session.execute(
        _only(
            select(
                AsbCase.id,
                AsbCase.reference,
                AsbCase.closed_on,
                activity,
                AsbCase.version,
                AsbCase.category,
                AsbCase.status,
            )
            .where(or_(AsbCase.closed_on <= cutoff, activity <= cutoff))
            .where(AsbCase.title != ANONYMISED),
            AsbCase.id,
            only,
        )  # anonymised: no one's data, out of the queue
    ).all()
    return [
        Candidate(
            i,
            ref,
            RecordDates(closed_on=closed, last_activity_on=_latest(act)),
            v,
            f"{_label(AsbCategory, cat)}, {status}",
        )
        for i, ref, closed, act, v, cat, status in rows
    ]


def _anonymise_case(session: Session, case_id: uuid.UUID) -> None:
    case = session.get_one(AsbCase, case_id)  # decide() has read it in this unit of work
    parties = list(session.scalars(select(CaseParty).where(CaseParty.case_id == case_id)))
    people = {p.person_id for p in parties if p.person_id}
    orgs = {p.organisation_id for p in parties if p.organisation_id}
    places = {case.location_id} | set(
        session.scalars(select(Incident.location_id).where(Incident.case_id == case_id))
    )
    for p in parties:  # the party stays (role, vulnerable: counted), the person it pointed at does not
        p.person_id = p.organisation_id = None
        p.kind, p.group_description = "group", ANONYMISED
        p.notes = None
    for i in session.scalars(select(Incident).where(Incident.case_id == case_id)):
        i.description, i.reporter_name, i.police_reference, i.location_id = (
            ANONYMISED,
            _anon(i.reporter_name),
            None,
            None,
        )
    for r in session.scalars(select(RiskAssessment).where(RiskAssessment.case_id == case_id)):
        r.notes, r.single_point_of_contact = _anon(r.notes), _anon(r.single_point_of_contact)
    for a in session.scalars(select(CaseAction).where(CaseAction.case_id == case_id)):
        a.description, a.progress = ANONYMISED, _anon(a.progress)
        a.outcome = a.outcome if a.outcome in (None, "Completed") else ANONYMISED
    for c in session.scalars(select(ChronologyEntry).where(ChronologyEntry.case_id == case_id)):
        if c.kind != "status":  # "Case opened", "Case closed: Resolved" name no one; the rest may
            c.summary, c.body = ANONYMISED, None
    session.execute(
        update(CaseLink)
        .where(or_(CaseLink.case_id == case_id, CaseLink.linked_case_id == case_id))
        .values(reason=None)
    )
    session.execute(delete(EditDraft).where(EditDraft.entity_id == case_id))
    _anonymise_notices(
        session,
        list(session.scalars(select(EnforcementNotice.id).where(EnforcementNotice.case_id == case_id))),
    )
    _drop_documents(session, Document.case_id == case_id)
    case.title, case.description, case.location_id = ANONYMISED, None, None
    case.search_text, case.parties_summary, case.location_summary = case.reference.lower(), "", ""
    session.flush()
    _drop_unused_people(session, people, orgs, places)


def _delete_case(session: Session, case_id: uuid.UUID) -> None:
    parties = list(session.scalars(select(CaseParty).where(CaseParty.case_id == case_id)))
    people = {p.person_id for p in parties if p.person_id}
    orgs = {p.organisation_id for p in parties if p.organisation_id}
    location = session.scalar(select(AsbCase.location_id).where(AsbCase.id == case_id))
    places = {location} | set(
        session.scalars(select(Incident.location_id).where(Incident.case_id == case_id))
    )
    _delete_notices(
        session,
        list(session.scalars(select(EnforcementNotice.id).where(EnforcementNotice.case_id == case_id))),
    )
    incident_ids = select(Incident.id).where(Incident.case_id == case_id).scalar_subquery()
    action_ids = select(CaseAction.id).where(CaseAction.case_id == case_id).scalar_subquery()
    session.execute(
        update(Incident)
        .where(Incident.duplicate_of_id.in_(incident_ids), Incident.case_id != case_id)
        .values(duplicate_of_id=None)
    )
    session.execute(update(ForumIssue).where(ForumIssue.case_id == case_id).values(case_id=None))
    session.execute(
        update(ForumIssue).where(ForumIssue.incident_id.in_(incident_ids)).values(incident_id=None)
    )
    session.execute(update(ForumIssue).where(ForumIssue.action_id.in_(action_ids)).values(action_id=None))
    session.execute(
        update(SaferHomesReferral).where(SaferHomesReferral.case_id == case_id).values(case_id=None)
    )
    _drop_documents(session, Document.case_id == case_id)
    session.execute(update(Incident).where(Incident.case_id == case_id).values(duplicate_of_id=None))
    session.execute(
        update(ChronologyEntry).where(ChronologyEntry.case_id == case_id).values(corrects_id=None)
    )
    for table in (ChronologyEntry, CaseAction, RiskAssessment, Incident, CaseParty, CasePriorityTag):
        session.execute(delete(table).where(table.case_id == case_id))
    session.execute(
        delete(CaseLink).where(or_(CaseLink.case_id == case_id, CaseLink.linked_case_id == case_id))
    )
    session.execute(delete(CaseReviewCaseLink).where(CaseReviewCaseLink.case_id == case_id))
    session.execute(delete(EditDraft).where(EditDraft.entity_id == case_id))
    session.execute(delete(AsbCase).where(AsbCase.id == case_id))
    _drop_unused_people(session, people, orgs, places)


# ----- Safer Homes referrals


def _referral_candidates(session: Session, cutoff: date, only: uuid.UUID | None = None) -> list[Candidate]:
    r = SaferHomesReferral  # columns, not objects: a queue over thousands of referrals builds no ORM rows
    rows = session.execute(
        _only(
            select(
                r.id,
                r.reference,
                r.version,
                r.victim_category,
                r.status,
                r.restricted,
                r.closed_on,
                r.followed_up_on,
                r.secured_on,
                r.installed_on,
                r.works_ordered_on,
                r.survey_on,
                r.referred_on,
            ).where(r.client_name.is_(None) | (r.client_name != ANONYMISED)),
            r.id,
            only,
        )
    )
    out = []
    for rid, ref, version, category, status, restricted, closed, *dates, referred in rows:
        last = _latest_from(referred, closed, *dates)
        if last <= cutoff:
            out.append(
                Candidate(
                    rid,
                    ref,
                    RecordDates(closed_on=closed, last_activity_on=last),
                    version,
                    f"{_label(VictimCategory, category)}, {_label(SaferHomesStatus, status).lower()}",
                    restricted=restricted,
                )
            )
    return out


def _anonymise_referral(session: Session, referral_id: uuid.UUID) -> None:
    r = session.get_one(SaferHomesReferral, referral_id)  # decide() has read it in this unit of work
    r.client_name, r.referrer_name = ANONYMISED, ANONYMISED
    for name in (
        "client_date_of_birth",
        "address_line1",
        "address_line2",
        "town",
        "postcode",
        "phones",
        "safe_contact",
        "safe_address",
        "access_needs",
        "landlord_name",
        "perpetrator_name",
        "police_reference",
        "referrer_contact",
        "notes",
        "language",
    ):
        setattr(r, name, None)
    r.end_reason = _anon(r.end_reason)
    session.execute(
        update(SaferHomesMeasure).where(SaferHomesMeasure.referral_id == referral_id).values(notes=None)
    )
    session.execute(delete(EditDraft).where(EditDraft.entity_id == referral_id))
    _drop_documents(session, Document.referral_id == referral_id)


def _delete_referral(session: Session, referral_id: uuid.UUID) -> None:
    session.execute(delete(SaferHomesMeasure).where(SaferHomesMeasure.referral_id == referral_id))
    _drop_documents(session, Document.referral_id == referral_id)
    session.execute(delete(EditDraft).where(EditDraft.entity_id == referral_id))
    session.execute(delete(SaferHomesReferral).where(SaferHomesReferral.id == referral_id))


# ----- Case Reviews


def _case_review_candidates(session: Session, cutoff: date, only: uuid.UUID | None = None) -> list[Candidate]:
    out = []
    for a in session.scalars(
        _only(
            select(CaseReviewApplication).where(CaseReviewApplication.applicant_name != ANONYMISED),
            CaseReviewApplication.id,
            only,
        )
    ):
        last = _latest_from(
            a.received_on,
            a.closed_on,
            a.victim_told_of_closure_on,
            a.outcome_sent_on,
            a.review_meeting_on,
            a.threshold_decided_on,
            a.acknowledged_on,
        )
        if last <= cutoff:
            out.append(
                Candidate(
                    a.id,
                    a.reference,
                    RecordDates(closed_on=a.closed_on, last_activity_on=last),
                    a.version,
                    _label(CaseReviewStatus, a.status),
                )
            )
    return out


def _anonymise_case_review(session: Session, app_id: uuid.UUID) -> None:
    a = session.get_one(CaseReviewApplication, app_id)  # decide() has read it in this unit of work
    a.applicant_name, a.problem = ANONYMISED, ANONYMISED
    a.applicant_contact = None
    for name in (
        "on_behalf_of",
        "threshold_reasons",
        "proceed_reasons",
        "minutes",
        "decision",
        "closure_reason",
        "third_party_relationship",
    ):
        setattr(a, name, _anon(getattr(a, name)))
    if a.threshold_evidence:  # the counts decided the threshold and stay; the complaints' words go
        a.threshold_evidence = {k: v for k, v in a.threshold_evidence.items() if isinstance(v, int | bool)}
    session.execute(
        update(CaseReviewVictimUpdate)
        .where(CaseReviewVictimUpdate.application_id == app_id)
        .values(summary=ANONYMISED)
    )
    for appeal in session.scalars(select(CaseReviewAppeal).where(CaseReviewAppeal.application_id == app_id)):
        appeal.grounds, appeal.outcome_notes = _anon(appeal.grounds), _anon(appeal.outcome_notes)
    for act in session.scalars(select(CaseAction).where(CaseAction.case_review_id == app_id)):
        act.description, act.progress = ANONYMISED, _anon(act.progress)
    _drop_documents(session, Document.case_review_id == app_id)


def _delete_case_review(session: Session, app_id: uuid.UUID) -> None:
    for table in (CaseReviewVictimUpdate, CaseReviewAppeal, CaseReviewCaseLink):
        session.execute(delete(table).where(table.application_id == app_id))
    session.execute(
        delete(CaseAction).where(CaseAction.case_review_id == app_id, CaseAction.case_id.is_(None))
    )
    session.execute(update(CaseAction).where(CaseAction.case_review_id == app_id).values(case_review_id=None))
    _drop_documents(session, Document.case_review_id == app_id)
    session.execute(delete(CaseReviewApplication).where(CaseReviewApplication.id == app_id))


# ----- forum records (a meeting with the issues raised at it)


def _forum_candidates(session: Session, cutoff: date, only: uuid.UUID | None = None) -> list[Candidate]:
    rows = session.execute(
        _only(
            select(Meeting.id, Meeting.title, Meeting.held_on, Meeting.version, Meeting.kind).where(
                Meeting.held_on <= cutoff, or_(Meeting.notes.is_(None), Meeting.notes != ANONYMISED)
            ),
            Meeting.id,
            only,
        )
    )
    return [
        Candidate(
            i, f"{title} {held:%d/%m/%Y}", RecordDates(last_activity_on=held), v, MeetingKind(kind).label
        )
        for i, title, held, v, kind in rows
    ]


def _anonymise_forum(session: Session, meeting_id: uuid.UUID) -> None:
    m = session.get_one(Meeting, meeting_id)  # decide() has read it in this unit of work
    m.notes = ANONYMISED
    session.execute(
        update(ForumIssue)
        .where(ForumIssue.meeting_id == meeting_id)
        .values(raised_by=None, description=ANONYMISED)
    )
    for act in session.scalars(
        select(CaseAction).where(CaseAction.meeting_id == meeting_id, CaseAction.case_id.is_(None))
    ):
        act.description, act.progress = ANONYMISED, _anon(act.progress)


def _delete_forum(session: Session, meeting_id: uuid.UUID) -> None:
    action_ids = (
        select(CaseAction.id)
        .where(CaseAction.meeting_id == meeting_id, CaseAction.case_id.is_(None))
        .scalar_subquery()
    )
    session.execute(update(ForumIssue).where(ForumIssue.action_id.in_(action_ids)).values(action_id=None))
    session.execute(delete(ForumIssue).where(ForumIssue.meeting_id == meeting_id))
    session.execute(
        delete(CaseAction).where(CaseAction.meeting_id == meeting_id, CaseAction.case_id.is_(None))
    )
    session.execute(update(CaseAction).where(CaseAction.meeting_id == meeting_id).values(meeting_id=None))
    session.execute(delete(Meeting).where(Meeting.id == meeting_id))


# ----- imported figures


def _figures_candidates(session: Session, cutoff: date, only: uuid.UUID | None = None) -> list[Candidate]:
    rows = session.execute(
        _only(
            select(
                FigureImport.id,
                FigureImport.filename,
                FigureImport.imported_at,
                FigureImport.version,
                FigureImport.source,
            ),
            FigureImport.id,
            only,
        )
    )
    return [
        Candidate(i, name, RecordDates(last_activity_on=at.date()), v, source.replace("_", ".") + " import")
        for i, name, at, v, source in rows
        if at.date() <= cutoff
    ]


def _delete_figures(session: Session, import_id: uuid.UUID) -> None:
    from cspdesk.core.services.figures.figures_bulk import text_ids

    session.execute(delete(CrimeFigure).where(CrimeFigure.import_id == import_id))
    holdings = list(session.scalars(select(PoliceUkHolding).where(PoliceUkHolding.import_id == import_id)))
    ids = text_ids(
        session, {h.district for h in holdings} | {h.falls_within for h in holdings if h.falls_within}
    )
    for h in holdings:
        session.execute(
            delete(PoliceUkRow).where(
                PoliceUkRow.district_id == ids[h.district],
                PoliceUkRow.month == h.month,
                PoliceUkRow.falls_within_id.is_(None)
                if h.falls_within is None
                else PoliceUkRow.falls_within_id == ids[h.falls_within],
            )
        )
        session.delete(h)
    session.flush()
    session.execute(delete(FigureImport).where(FigureImport.id == import_id))


# ----- the audit log, a calendar year at a time


def _audit_years(session: Session) -> dict[int, int]:
    year = func.extract("year", AuditEntry.at)
    return {int(y): n for y, n in session.execute(select(year, func.count()).group_by(year)).all()}


def _audit_candidates(session: Session, cutoff: date, only: uuid.UUID | None = None) -> list[Candidate]:
    return [
        Candidate(None, f"Audit log {y}", RecordDates(last_activity_on=date(y, 12, 31)), n, f"{n} entries")
        for y, n in sorted(_audit_years(session).items())
        if date(y, 12, 31) <= cutoff
    ]


def audit_year_version(session: Session, reference: str) -> int | None:
    """An audit-log year's entry count (its "version"): None when the reference is not a year held."""
    try:
        year = int(reference.rsplit(" ", 1)[-1])
    except ValueError:
        return None
    return _audit_years(session).get(year)


def delete_audit_year(session: Session, reference: str, removed_by: str = "retention") -> None:
    """Remove a year of the audit log. Only the oldest year left may go (the tamper-evident chain
    is cut at its start, with an anchor row saying where it now starts:
    ``audit_chain.remove_oldest``), never one in between."""
    from cspdesk.core.storage.audit_chain import remove_oldest

    year = int(reference.rsplit(" ", 1)[-1])
    if session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.at < datetime(year, 1, 1))
    ):
        raise ValidationError(
            {
                "": f"Remove the audit log's older years before {year}: the log is removed from its "
                "oldest year on, so what is left still verifies."
            }
        )
    try:
        remove_oldest(
            session,
            datetime(year + 1, 1, 1),
            removed_by,
            f"Audit log for {year} removed under the retention rules",
        )
    except ValueError as exc:
        raise ValidationError({"": f"The audit log for {year} cannot be removed: {exc}."}) from None


@dataclass(frozen=True)
class Kind:
    model: type | None  # the row whose version is checked (None: the audit log)
    candidates: Callable[..., list[Candidate]]  # (session, cutoff, only=None)
    anonymise: Callable[[Session, uuid.UUID], None] | None
    delete: Callable[[Session, uuid.UUID], None] | None


KINDS: dict[RetentionRecord, Kind] = {
    RetentionRecord.ASB_CASE: Kind(AsbCase, _case_candidates, _anonymise_case, _delete_case),
    RetentionRecord.ENFORCEMENT_NOTICE: Kind(
        EnforcementNotice,
        _notice_candidates,
        lambda s, i: _anonymise_notices(s, [i]),
        lambda s, i: _delete_notices(s, [i]),
    ),
    RetentionRecord.SAFER_HOMES_REFERRAL: Kind(
        SaferHomesReferral, _referral_candidates, _anonymise_referral, _delete_referral
    ),
    RetentionRecord.CASE_REVIEW: Kind(
        CaseReviewApplication, _case_review_candidates, _anonymise_case_review, _delete_case_review
    ),
    RetentionRecord.FORUM_RECORD: Kind(Meeting, _forum_candidates, _anonymise_forum, _delete_forum),
    RetentionRecord.IMPORTED_FIGURES: Kind(FigureImport, _figures_candidates, None, _delete_figures),
    RetentionRecord.AUDIT_LOG: Kind(None, _audit_candidates, None, None),
}
