"""The report pack's records, read once per report, and the counts made from them for any period.

Every count keeps the records behind it (``TraceRow``), so a number on the page can always be explained.
Which date puts a record in a period:
- notices: the date issued (drafts are never counted); CPNs only where they followed a CPW, FPNs a CPN;
- Safer Homes: the date the property was secured (``safer_homes_counts``);
- meetings: the date held;
- Case Reviews: ``case_review_figures`` (received, or review meeting held);
- cases: opened = reported in the period, closed = closed in it, open at the end = reported by the end
  and not closed by then; actions: completed in the period, outstanding = due by the end and neither
  completed by then nor cancelled. A case counts under its headline CSP priority theme.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from cspdesk.core.domain import report_pack as rp
from cspdesk.core.domain.case_review_figures import (
    CaseReviewFigureRecord,
    ReportingPeriod,
    count_figures,
)
from cspdesk.core.domain.enforcement import Stage
from cspdesk.core.domain.protection import Viewer, mask_referral_for
from cspdesk.core.domain.safer_homes import ReferralRecord
from cspdesk.core.domain.safer_homes_counts import count_referrals, plan_categories_sentence, plan_sentence
from cspdesk.core.domain.vocab import (
    ActionStatus,
    CaseReviewStatus,
    MeetingKind,
    NoticeKind,
    PriorityTheme,
    Role,
    SaferHomesStatus,
    VictimCategory,
)
from cspdesk.core.services.report_pack_dto import (
    ACTION_TAKEN,
    CHARTS,
    COMMUNITY_TRIGGER,
    PRIORITIES,
    Measure,
    TraceRow,
)
from cspdesk.core.services.safer_homes_records import all_records, settings_section
from cspdesk.core.storage.models import (
    AsbCase,
    CaseAction,
    CaseReviewApplication,
    CaseReviewCaseLink,
    EnforcementNotice,
    Meeting,
)

ASB, ORGANISED, AT_RISK = "Anti-Social Behaviour", "Organised Crime", "Protecting those most at Risk"
_NOTICE_KIND = {rp.CPW: (NoticeKind.CPW, None), rp.CPN: (NoticeKind.CPN, NoticeKind.CPW),
                rp.FPN: (NoticeKind.FPN, NoticeKind.CPN), rp.WARNING_LETTERS: (NoticeKind.WARNING_LETTER, None),
                rp.ABCS: (NoticeKind.ABC, None)}
_NOTICE_LABEL = {rp.CPW: "CPNWs issued", rp.CPN: "CPNs issued for breach of a CPNW",
                 rp.FPN: "FPNs issued for breach of a CPN", rp.WARNING_LETTERS: "ASB warning letters issued",
                 rp.ABCS: "ABCs agreed"}
_MEETING_GROUP = {MeetingKind.IOM: ORGANISED, MeetingKind.CARE: AT_RISK}
# A referral counted in a report is described by these fields only, for every referral: nothing that names,
# locates or reaches the client. A restricted (domestic abuse) referral also loses its ward.
_TRACE_FIELDS = ("reference", "status", "victim_category", "ward")


def _label(enum, value: str | None) -> str:
    try:
        return enum(value).label if value else ""
    except ValueError:
        return value or ""


@dataclass(frozen=True)
class NoticeRow:
    id: uuid.UUID
    reference: str
    kind: str
    stage: str
    issued_on: date
    parent_kind: str | None
    case_id: uuid.UUID | None
    case_reference: str


@dataclass(frozen=True)
class ReviewRow:
    id: uuid.UUID
    reference: str
    status: str
    record: CaseReviewFigureRecord
    case_id: uuid.UUID | None


@dataclass(frozen=True)
class CaseRow:
    id: uuid.UUID
    reference: str
    title: str
    theme: str
    reported_on: date
    closed_on: date | None
    status: str


@dataclass(frozen=True)
class ActionRow:
    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    theme: str
    description: str
    due_on: date
    completed_on: date | None
    status: str


@dataclass(frozen=True)
class Records:
    notices: tuple[NoticeRow, ...]
    referrals: tuple[tuple[ReferralRecord, uuid.UUID | None], ...]
    meetings: tuple[tuple[uuid.UUID, str, str, date, str], ...]  # id, kind, title, held_on, venue
    reviews: tuple[ReviewRow, ...]
    cases: tuple[CaseRow, ...]
    actions: tuple[ActionRow, ...]
    scheme_name: str


def load_records(s: Session, start: date, end: date) -> Records:
    """Everything a report from ``start`` to ``end`` (the earlier period included) can count."""
    parent = aliased(EnforcementNotice)
    n = EnforcementNotice
    notices = tuple(NoticeRow(r.id, r.reference, r.kind, r.stage, r.issued_on, r.parent_kind, r.case_id,
                              r.case_ref or "")
                    for r in s.execute(select(n.id, n.reference, n.kind, n.stage, n.issued_on,
                                              parent.kind.label("parent_kind"), n.case_id,
                                              AsbCase.reference.label("case_ref"))
                                       .outerjoin(parent, parent.id == n.parent_id)
                                       .outerjoin(AsbCase, AsbCase.id == n.case_id)
                                       .where(n.issued_on >= start, n.issued_on <= end)))
    referrals = tuple((record, row.case_id) for row, record in all_records(s))
    meetings = tuple((r.id, r.kind, r.title, r.held_on, r.venue or "") for r in s.execute(
        select(Meeting.id, Meeting.kind, Meeting.title, Meeting.held_on, Meeting.venue)
        .where(Meeting.held_on >= start, Meeting.held_on <= end)))
    links: dict[uuid.UUID, uuid.UUID] = {}
    for app_id, case_id in s.execute(select(CaseReviewCaseLink.application_id, CaseReviewCaseLink.case_id)):
        links.setdefault(app_id, case_id)
    a = CaseReviewApplication
    reviews = tuple(ReviewRow(r.id, r.reference, r.status,
                              CaseReviewFigureRecord(r.received_on, r.threshold_met, bool(r.proceed_despite_not_met),
                                                     r.review_meeting_on, r.recommendations_made), links.get(r.id))
                    for r in s.execute(select(a.id, a.reference, a.status, a.received_on, a.threshold_met,
                                              a.proceed_despite_not_met, a.review_meeting_on,
                                              a.recommendations_made)))
    c = AsbCase
    # Open at the start of the earlier period, or opened since: the only cases any measure can count.
    cases = tuple(CaseRow(r.id, r.reference, r.title, r.priority_theme, r.reported_on, r.closed_on, r.status)
                  for r in s.execute(select(c.id, c.reference, c.title, c.priority_theme, c.reported_on,
                                            c.closed_on, c.status)
                                     .where(c.reported_on <= end, (c.closed_on.is_(None)) | (c.closed_on >= start))))
    ca = CaseAction
    actions = tuple(ActionRow(r.id, r.case_id, r.reference, r.priority_theme, r.description, r.due_on,
                              r.completed_on, r.status)
                    for r in s.execute(select(ca.id, ca.case_id, c.reference, c.priority_theme, ca.description,
                                              ca.due_on, ca.completed_on, ca.status)
                                       .join(c, c.id == ca.case_id)
                                       .where(ca.due_on <= end, (ca.completed_on.is_(None)) |
                                              (ca.completed_on >= start))))
    scheme = str(settings_section(s).get("scheme_name") or "the Safer Homes Scheme")
    return Records(notices, referrals, meetings, reviews, cases, actions, scheme)


def referral_trace(record: ReferralRecord, case_id: uuid.UUID | None) -> TraceRow:
    """A referral as a report lists it. The masked view a partner would get (``protection``) is the source,
    so no field outside its open list can appear; a restricted referral shows reference, status and
    category only, and no case link (the case would name the victim)."""
    shown = mask_referral_for(Viewer(Role.PARTNER), record)
    open_fields = {k: shown.get(k) for k in _TRACE_FIELDS}
    restricted = record.is_restricted
    return TraceRow(record_id=record.id, reference=str(open_fields["reference"]),  # type: ignore[arg-type]
                    on=record.secured_on, kind=_label(VictimCategory, open_fields["victim_category"]),
                    status=_label(SaferHomesStatus, open_fields["status"]),
                    detail="" if restricted else str(open_fields["ward"] or ""),
                    case_id=None if restricted else case_id)


def _notice_trace(n: NoticeRow) -> TraceRow:
    return TraceRow(n.id, n.reference, n.issued_on, _label(NoticeKind, n.kind), _label(Stage, n.stage).capitalize(),
                    f"Case {n.case_reference}" if n.case_reference else "", n.case_id)


def action_taken(r: Records, period: ReportingPeriod) -> list[Measure]:
    when = period.phrase
    inside = [n for n in r.notices if period.start <= n.issued_on <= period.end]
    out = []
    for key in rp.ENFORCEMENT_MEASURES:
        kind, parent = _NOTICE_KIND[key]
        rows = [n for n in inside if n.kind == kind.value and (parent is None or n.parent_kind == parent.value)]
        out.append(Measure(key, ACTION_TAKEN, _NOTICE_LABEL[key], len(rows), rp.notice_sentence(key, len(rows), when),
                           tuple(_notice_trace(n) for n in sorted(rows, key=lambda n: (n.issued_on, n.reference))),
                           ASB))
    secured = sorted(((rec, cid) for rec, cid in r.referrals if rec.secured_on and rec.secured_on in period),
                     key=lambda p: (p[0].secured_on, p[0].reference))
    counts = count_referrals([rec for rec, _ in r.referrals], period.start, period.end)
    sentence = " ".join(x for x in (plan_sentence(counts, r.scheme_name), plan_categories_sentence(counts)) if x)
    out.append(Measure(rp.SAFER_HOMES, ACTION_TAKEN, "Properties secured through Safer Homes", counts.secured,
                       sentence, tuple(referral_trace(rec, cid) for rec, cid in secured), AT_RISK))
    for cat in VictimCategory:
        rows = [(rec, cid) for rec, cid in secured if rec.victim_category is cat]
        out.append(Measure(rp.safer_homes_category_measure(cat), ACTION_TAKEN, f"Secured: {cat.label}", len(rows),
                           rp.safer_homes_category_sentence(cat, len(rows), when),
                           tuple(referral_trace(rec, cid) for rec, cid in rows), AT_RISK, in_text=False))
    held = sorted((m for m in r.meetings if m[3] in period), key=lambda m: (m[3], m[2]))
    for kind in MeetingKind:
        rows = [m for m in held if m[1] == kind.value]
        optional = kind in (MeetingKind.CSP_BOARD, MeetingKind.OTHER)
        out.append(Measure(rp.meeting_measure(kind), ACTION_TAKEN, f"{rp.meeting_label(kind)} held", len(rows),
                           rp.meeting_sentence(kind, len(rows), when),
                           tuple(TraceRow(m[0], m[2], m[3], kind.label, "Held", m[4]) for m in rows),
                           _MEETING_GROUP.get(kind, ASB), in_text=not (optional and not rows)))
    return out


def community_trigger(r: Records, period: ReportingPeriod, area: str) -> list[Measure]:
    from cspdesk.core.domain.case_review_figures import MEASURE_HEADINGS

    figures = count_figures((x.record for x in r.reviews), period)
    sentences = figures.sentences(area)

    def trace(x: ReviewRow, on: date | None) -> TraceRow:
        return TraceRow(x.id, x.reference, on, "ASB Case Review", _label(CaseReviewStatus, x.status).capitalize(),
                        "", x.case_id)

    received = [x for x in r.reviews if x.record.received_on in period]
    met = [x for x in r.reviews if x.record.review_meeting_on is not None and x.record.review_meeting_on in period]
    chosen = {
        "applications": [trace(x, x.record.received_on) for x in received],
        "threshold_not_met": [trace(x, x.record.received_on) for x in received
                              if x.record.threshold_met is False and not x.record.proceed_despite_not_met],
        "reviews_conducted": [trace(x, x.record.review_meeting_on) for x in met],
        "reviews_with_recommendations": [trace(x, x.record.review_meeting_on) for x in met
                                         if x.record.recommendations_made],
    }
    out = []
    for measure, count in figures.as_rows():
        rows = tuple(sorted(chosen[measure], key=lambda t: (t.on or date.min, t.reference)))
        assert len(rows) == count, measure  # the trace is the count, by construction
        out.append(Measure(rp.CASE_REVIEW_MEASURES[measure], COMMUNITY_TRIGGER, MEASURE_HEADINGS[measure], count,
                           sentences[measure], rows))
    return out


def _case_trace(c: CaseRow, on: date | None) -> TraceRow:
    return TraceRow(c.id, c.reference, on, _label(PriorityTheme, c.theme), c.status.capitalize(), c.title, c.id)


def _action_trace(a: ActionRow, on: date | None) -> TraceRow:
    return TraceRow(a.id, a.case_reference, on, "Action", _label(ActionStatus, a.status).capitalize(),
                    a.description, a.case_id)


def priorities(r: Records, period: ReportingPeriod, section: str = PRIORITIES) -> list[Measure]:
    s, e = period.start, period.end
    out = []
    for theme in PriorityTheme:
        cases = [c for c in r.cases if c.theme == theme.value]
        actions = [a for a in r.actions if a.theme == theme.value]
        chosen = {
            "cases_opened": [_case_trace(c, c.reported_on) for c in cases if s <= c.reported_on <= e],
            "cases_closed": [_case_trace(c, c.closed_on) for c in cases if c.closed_on and s <= c.closed_on <= e],
            "cases_open_at_end": [_case_trace(c, c.reported_on) for c in cases
                                  if c.reported_on <= e and (c.closed_on is None or c.closed_on > e)],
            "actions_completed": [_action_trace(a, a.completed_on) for a in actions
                                  if a.completed_on and s <= a.completed_on <= e],
            "actions_outstanding": [_action_trace(a, a.due_on) for a in actions
                                    if a.due_on <= e and a.status != ActionStatus.CANCELLED.value
                                    and (a.completed_on is None or a.completed_on > e)],
        }
        for column, label in rp.PRIORITY_COLUMNS:
            rows = tuple(sorted(chosen[column], key=lambda t: (t.on or date.min, t.reference)))
            key = rp.priority_measure(theme, column) + ("" if section == PRIORITIES else "_previous")
            when = "" if section == PRIORITIES else f" ({period.label})"
            out.append(Measure(key, section, f"{theme.label}: {label.lower()}{when}", len(rows), "", rows))
    return out


def cases_by_month(r: Records, period: ReportingPeriod) -> list[Measure]:
    """Cases reported in each month of the period (the chart), as measures so the CSV has every charted number."""
    by_month: dict[str, list[CaseRow]] = {}
    for c in sorted(r.cases, key=lambda c: (c.reported_on, c.reference)):
        if c.reported_on in period:
            by_month.setdefault(f"{c.reported_on:%Y-%m}", []).append(c)
    return [Measure(f"cases_opened_{m.replace('-', '_')}", CHARTS, f"Cases opened {m}", len(by_month.get(m, ())), "",
                    tuple(_case_trace(c, c.reported_on) for c in by_month.get(m, ())), in_text=False)
            for m in rp.months_of(period)]
