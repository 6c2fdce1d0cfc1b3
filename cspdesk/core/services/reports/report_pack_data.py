"""The report pack's counts for any period, and the records behind a count when someone asks for them.

Which date puts a record in a period:
- notices: the date issued (drafts are never counted); CPNs only where they followed a CPW, FPNs a CPN;
- Safer Homes: the date the property was secured (``safer_homes_counts``);
- meetings: the date held;
- Case Reviews: ``case_review_figures`` (received, or review meeting held);
- cases: opened = reported in the period, closed = closed in it, open at the end = reported by the end
  and not closed by then; actions: completed in the period, outstanding = due by the end and neither
  completed by then nor cancelled. A case counts under its headline CSP priority theme.

A report reads a **window**: the pack from the start of the earlier period it compares with to the end of its
own, the quarterly return its year. Only cases open at some time in the window, and actions completed in it or
due by its end and not completed before it, are read (``_case_window``, ``_action_window``). An action
completed within a period counts as completed in that period whatever its due date, so the pack's "previous
period" column is always that period's own pack (issue 19: an action done early, due after the earlier
period's end, was counted in one and not the other).

Cases, actions, notices and secured properties are counted by the database: one grouped query per kind of
record gives every period of a report at once, so a report over 100,000 cases reads a few rows, not the cases.
Meetings and Case Reviews are few and counted here from their rows. The records behind a count (``trace``)
are read only when asked for (the page lists them when a count is clicked), under the very condition the count
used: each measure's condition is written once (``_notice_condition``, ``_case_conditions``,
``_action_conditions`` ...) and both the count and the trace are made from it. Safer Homes rows are built
from ``protection.mask_referral_for`` as a partner would see them, so a restricted referral is a reference,
status and category only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, partial
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from cspdesk.core.domain import report_pack as rp
from cspdesk.core.domain.case_review_figures import (
    MEASURE_HEADINGS,
    CaseReviewFigureRecord,
    ReportingPeriod,
    count_figures,
)
from cspdesk.core.domain.enforcement import Stage
from cspdesk.core.domain.protection import Viewer, mask_referral_for
from cspdesk.core.domain.safer_homes import ReferralRecord
from cspdesk.core.domain.safer_homes_counts import categories_sentence, secured_sentence
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
from cspdesk.core.errors import NotFound
from cspdesk.core.services.admin.settings import read_setting
from cspdesk.core.services.reports.report_pack_dto import (
    ACTION_TAKEN,
    CHARTS,
    COMMUNITY_TRIGGER,
    PRIORITIES,
    Measure,
    TraceRow,
)
from cspdesk.core.services.safer_homes.safer_homes_records import Names, to_record
from cspdesk.core.storage.models import (
    AsbCase,
    CaseAction,
    CaseReviewApplication,
    CaseReviewCaseLink,
    EnforcementNotice,
    Meeting,
    SaferHomesMeasure,
    SaferHomesReferral,
)

ASB, ORGANISED, AT_RISK = "Anti-Social Behaviour", "Organised Crime", "Protecting those most at Risk"
_NOTICE_KIND = {
    rp.CPW: (NoticeKind.CPW, None),
    rp.CPN: (NoticeKind.CPN, NoticeKind.CPW),
    rp.FPN: (NoticeKind.FPN, NoticeKind.CPN),
    rp.WARNING_LETTERS: (NoticeKind.WARNING_LETTER, None),
    rp.ABCS: (NoticeKind.ABC, None),
}
_NOTICE_LABEL = {
    rp.CPW: "CPNWs issued",
    rp.CPN: "CPNs issued for breach of a CPNW",
    rp.FPN: "FPNs issued for breach of a CPN",
    rp.WARNING_LETTERS: "ASB warning letters issued",
    rp.ABCS: "ABCs agreed",
}
_MEETING_GROUP = {MeetingKind.IOM: ORGANISED, MeetingKind.CARE: AT_RISK}
# A referral counted in a report is described by these fields only, for every referral: nothing that names,
# locates or reaches the client. A restricted (domestic abuse) referral also loses its ward.
_TRACE_FIELDS = ("reference", "status", "victim_category", "ward")
_CASE_COLUMNS = ("cases_opened", "cases_closed", "cases_open_at_end")
_ACTION_COLUMNS = ("actions_completed", "actions_outstanding")

_PARENT = aliased(EnforcementNotice)


@cache
def _label(enum, value: str | None) -> str:
    """A code's label; cached, as a report labels tens of thousands of rows with a handful of codes."""
    try:
        return enum(value).label if value else ""
    except ValueError:
        return value or ""


def _tally(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows meet ``condition`` (a NULL comparison does not count, as in Python's ``None < x``)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _between(column, start: date, end: date) -> ColumnElement[bool]:
    return and_(column >= start, column <= end)


@dataclass(frozen=True)
class Window:
    """The records a report reads (see the module's docstring)."""

    start: date
    end: date


def pack_window(period: ReportingPeriod) -> Window:
    """The pack compares with the period before, so it reads from that period's start."""
    return Window(rp.previous_period(period).start, period.end)


def year_window(period: ReportingPeriod) -> Window:
    """The quarterly return reads its own period: every quarter is inside it."""
    return Window(period.start, period.end)


# ----- the conditions: one per measure, used for its count and for its trace


def _notice_window(w: Window) -> ColumnElement[bool]:
    return _between(EnforcementNotice.issued_on, w.start, w.end)


def _notice_condition(key: str, p: ReportingPeriod) -> ColumnElement[bool]:
    n = EnforcementNotice
    kind, parent = _NOTICE_KIND[key]
    parts = [_between(n.issued_on, p.start, p.end), n.kind == kind.value]
    if parent is not None:
        parts.append(_PARENT.kind == parent.value)  # no parent (or another kind): not counted
    return and_(*parts)


def _secured_condition(p: ReportingPeriod) -> ColumnElement[bool]:
    return _between(SaferHomesReferral.secured_on, p.start, p.end)


def _case_window(w: Window) -> ColumnElement[bool]:
    c = AsbCase
    return and_(c.reported_on <= w.end, or_(c.closed_on.is_(None), c.closed_on >= w.start))


def _case_conditions(p: ReportingPeriod) -> dict[str, ColumnElement[bool]]:
    c = AsbCase
    return {
        "cases_opened": _between(c.reported_on, p.start, p.end),
        "cases_closed": _between(c.closed_on, p.start, p.end),
        "cases_open_at_end": and_(c.reported_on <= p.end, or_(c.closed_on.is_(None), c.closed_on > p.end)),
    }


def _action_window(w: Window) -> ColumnElement[bool]:
    # Completed in the window, whatever the due date (an action done early counts in the period it was done:
    # issue 19's decision), or due by its end and not completed before it (outstanding at a period's end).
    a = CaseAction
    return or_(
        _between(a.completed_on, w.start, w.end),
        and_(a.due_on <= w.end, or_(a.completed_on.is_(None), a.completed_on >= w.start)),
    )


def _action_conditions(p: ReportingPeriod) -> dict[str, ColumnElement[bool]]:
    a = CaseAction
    return {
        "actions_completed": _between(a.completed_on, p.start, p.end),
        "actions_outstanding": and_(
            a.due_on <= p.end,
            a.status != ActionStatus.CANCELLED.value,
            or_(a.completed_on.is_(None), a.completed_on > p.end),
        ),
    }


# ----- the few rows counted here


@dataclass(frozen=True)
class MeetingRow:
    id: uuid.UUID
    kind: str
    title: str
    held_on: date
    venue: str


@dataclass(frozen=True)
class ReviewRow:
    id: uuid.UUID
    reference: str
    status: str
    record: CaseReviewFigureRecord
    case_id: uuid.UUID | None


def _meetings(s: Session, w: Window) -> tuple[MeetingRow, ...]:
    m = Meeting
    return tuple(
        MeetingRow(r.id, r.kind, r.title, r.held_on, r.venue or "")
        for r in s.execute(
            select(m.id, m.kind, m.title, m.held_on, m.venue).where(m.held_on >= w.start, m.held_on <= w.end)
        )
    )


def _reviews(s: Session) -> tuple[ReviewRow, ...]:
    links: dict[uuid.UUID, uuid.UUID] = {}
    for app_id, case_id in s.execute(select(CaseReviewCaseLink.application_id, CaseReviewCaseLink.case_id)):
        links.setdefault(app_id, case_id)
    a = CaseReviewApplication
    return tuple(
        ReviewRow(
            r.id,
            r.reference,
            r.status,
            CaseReviewFigureRecord(
                r.received_on,
                r.threshold_met,
                bool(r.proceed_despite_not_met),
                r.review_meeting_on,
                r.recommendations_made,
            ),
            links.get(r.id),
        )
        for r in s.execute(
            select(
                a.id,
                a.reference,
                a.status,
                a.received_on,
                a.threshold_met,
                a.proceed_despite_not_met,
                a.review_meeting_on,
                a.recommendations_made,
            )
        )
    )


# ----- counting


@dataclass(frozen=True)
class Counts:
    """What one period of a report counts."""

    period: ReportingPeriod
    notices: Mapping[str, int]  # enforcement measure -> count
    secured: Mapping[str | None, int]  # victim category code (None: not recorded) -> properties secured
    meetings: tuple[MeetingRow, ...]  # every meeting held in the report's window
    reviews: tuple[ReviewRow, ...]  # every Case Review application
    priorities: Mapping[tuple[str, str], int]  # (theme code, column) -> count
    scheme_name: str


def _grouped(s: Session, stmt, width: int) -> dict[Any, list[int]]:
    """``group -> tallies`` from a statement selecting the group and ``width`` tallies."""
    return {row[0]: [int(x) for x in row[1 : 1 + width]] for row in s.execute(stmt)}


def read_counts(s: Session, window: Window, periods: Sequence[ReportingPeriod]) -> list[Counts]:
    """Every count the report's sections need, for each of ``periods`` (all inside ``window``), in one grouped
    query per kind of record."""
    n, r, c, a = EnforcementNotice, SaferHomesReferral, AsbCase, CaseAction
    keys = rp.ENFORCEMENT_MEASURES
    notice_row = s.execute(
        select(*[_tally(_notice_condition(k, p)) for p in periods for k in keys])
        .select_from(n)
        .outerjoin(_PARENT, _PARENT.id == n.parent_id)
        .where(_notice_window(window))
    ).one()
    secured = _grouped(
        s,
        select(r.victim_category, *[_tally(_secured_condition(p)) for p in periods])
        .where(_between(r.secured_on, window.start, window.end))
        .group_by(r.victim_category),
        len(periods),
    )
    case_conds = [_case_conditions(p) for p in periods]
    cases = _grouped(
        s,
        select(c.priority_theme, *[_tally(x[col]) for x in case_conds for col in _CASE_COLUMNS])
        .where(_case_window(window))
        .group_by(c.priority_theme),
        len(periods) * len(_CASE_COLUMNS),
    )
    action_conds = [_action_conditions(p) for p in periods]
    actions = _grouped(
        s,
        select(c.priority_theme, *[_tally(x[col]) for x in action_conds for col in _ACTION_COLUMNS])
        .select_from(a)
        .join(c, c.id == a.case_id)
        .where(_action_window(window))
        .group_by(c.priority_theme),
        len(periods) * len(_ACTION_COLUMNS),
    )
    meetings, reviews = _meetings(s, window), _reviews(s)
    scheme = str(read_setting(s, "safer_homes.scheme_name"))
    out = []
    for i, p in enumerate(periods):
        priorities: dict[tuple[str, str], int] = {}
        for theme in PriorityTheme:
            case_tallies = cases.get(theme.value, [0] * len(periods) * len(_CASE_COLUMNS))
            action_tallies = actions.get(theme.value, [0] * len(periods) * len(_ACTION_COLUMNS))
            for j, col in enumerate(_CASE_COLUMNS):
                priorities[theme.value, col] = case_tallies[i * len(_CASE_COLUMNS) + j]
            for j, col in enumerate(_ACTION_COLUMNS):
                priorities[theme.value, col] = action_tallies[i * len(_ACTION_COLUMNS) + j]
        out.append(
            Counts(
                p,
                {k: int(notice_row[i * len(keys) + j]) for j, k in enumerate(keys)},
                {cat: tallies[i] for cat, tallies in secured.items()},
                meetings,
                reviews,
                priorities,
                scheme,
            )
        )
    return out


def month_counts(s: Session, window: Window, period: ReportingPeriod) -> dict[str, int]:
    """Cases reported in each month of ``period`` (``YYYY-MM`` -> count), counted by day and added up here."""
    c = AsbCase
    by_month: dict[str, int] = {}
    for day, count in s.execute(
        select(c.reported_on, func.count())
        .where(_case_window(window), _between(c.reported_on, period.start, period.end))
        .group_by(c.reported_on)
    ):
        key = f"{day:%Y-%m}"
        by_month[key] = by_month.get(key, 0) + int(count)
    return by_month


# ----- the measures, from the counts


def _meetings_held(
    rows: Sequence[MeetingRow], period: ReportingPeriod
) -> dict[MeetingKind, list[MeetingRow]]:
    held = sorted((m for m in rows if m.held_on in period), key=lambda m: (m.held_on, m.title))
    return {kind: [m for m in held if m.kind == kind.value] for kind in MeetingKind}


def action_taken(c: Counts) -> list[Measure]:
    period = c.period
    when = period.phrase
    out = []
    for key in rp.ENFORCEMENT_MEASURES:
        count = c.notices[key]
        out.append(
            Measure(
                key, ACTION_TAKEN, _NOTICE_LABEL[key], count, rp.notice_sentence(key, count, when), group=ASB
            )
        )
    secured = sum(c.secured.values())
    present = [cat for cat, count in c.secured.items() if cat is not None and count]
    sentence = " ".join(
        x for x in (secured_sentence(secured, c.scheme_name), categories_sentence(present)) if x
    )
    out.append(
        Measure(
            rp.SAFER_HOMES,
            ACTION_TAKEN,
            "Properties secured through Safer Homes",
            secured,
            sentence,
            group=AT_RISK,
        )
    )
    for cat in VictimCategory:
        count = c.secured.get(cat.value, 0)
        out.append(
            Measure(
                rp.safer_homes_category_measure(cat),
                ACTION_TAKEN,
                f"Secured: {cat.label}",
                count,
                rp.safer_homes_category_sentence(cat, count, when),
                group=AT_RISK,
                in_text=False,
            )
        )
    held = _meetings_held(c.meetings, period)
    for kind in MeetingKind:
        count = len(held[kind])
        optional = kind in (MeetingKind.CSP_BOARD, MeetingKind.OTHER)
        out.append(
            Measure(
                rp.meeting_measure(kind),
                ACTION_TAKEN,
                f"{rp.meeting_label(kind)} held",
                count,
                rp.meeting_sentence(kind, count, when),
                group=_MEETING_GROUP.get(kind, ASB),
                in_text=not (optional and not count),
            )
        )
    return out


def community_trigger(c: Counts, area: str) -> list[Measure]:
    figures = count_figures((x.record for x in c.reviews), c.period)
    sentences = figures.sentences(area)
    return [
        Measure(
            rp.CASE_REVIEW_MEASURES[measure],
            COMMUNITY_TRIGGER,
            MEASURE_HEADINGS[measure],
            count,
            sentences[measure],
        )
        for measure, count in figures.as_rows()
    ]


def priorities(c: Counts, section: str = PRIORITIES) -> list[Measure]:
    period = c.period
    out = []
    for theme in PriorityTheme:
        for column, label in rp.PRIORITY_COLUMNS:
            key = rp.priority_measure(theme, column) + ("" if section == PRIORITIES else "_previous")
            when = "" if section == PRIORITIES else f" ({period.label})"
            out.append(
                Measure(
                    key, section, f"{theme.label}: {label.lower()}{when}", c.priorities[theme.value, column]
                )
            )
    return out


def _month_key(month: str) -> str:
    return f"cases_opened_{month.replace('-', '_')}"


def cases_by_month(by_month: Mapping[str, int], period: ReportingPeriod) -> list[Measure]:
    """Cases reported in each month of the period (the chart), as measures so the
    CSV has every charted number."""
    return [
        Measure(_month_key(m), CHARTS, f"Cases opened {m}", by_month.get(m, 0), in_text=False)
        for m in rp.months_of(period)
    ]


# ----- the records behind a count


def referral_trace(record: ReferralRecord, case_id: uuid.UUID | None) -> TraceRow:
    """A referral as a report lists it. The masked view a partner would get (``protection``) is the source,
    so no field outside its open list can appear; a restricted referral shows reference, status and
    category only, and no case link (the case would name the victim)."""
    if record.id is None:
        raise ValueError("Only a stored referral (one with an id) is listed behind a count.")
    shown = mask_referral_for(Viewer(Role.PARTNER), record)
    open_fields = {k: shown.get(k) for k in _TRACE_FIELDS}
    restricted = record.is_restricted
    return TraceRow(
        record_id=record.id,
        reference=str(open_fields["reference"]),
        on=record.secured_on,
        kind=_label(VictimCategory, open_fields["victim_category"]),
        status=_label(SaferHomesStatus, open_fields["status"]),
        detail="" if restricted else str(open_fields["ward"] or ""),
        case_id=None if restricted else case_id,
    )


def _by_date(rows: list[TraceRow]) -> tuple[TraceRow, ...]:
    return tuple(sorted(rows, key=lambda t: (t.on or date.min, t.reference)))


def _notice_trace(s: Session, window: Window, key: str, period: ReportingPeriod) -> tuple[TraceRow, ...]:
    n = EnforcementNotice
    rows = [
        TraceRow(
            r.id,
            r.reference,
            r.issued_on,
            _label(NoticeKind, r.kind),
            _label(Stage, r.stage).capitalize(),
            f"Case {r.case_ref}" if r.case_ref else "",
            r.case_id,
        )
        for r in s.execute(
            select(
                n.id,
                n.reference,
                n.kind,
                n.stage,
                n.issued_on,
                n.case_id,
                AsbCase.reference.label("case_ref"),
            )
            .select_from(n)
            .outerjoin(_PARENT, _PARENT.id == n.parent_id)
            .outerjoin(AsbCase, AsbCase.id == n.case_id)
            .where(_notice_window(window), _notice_condition(key, period))
        )
    ]
    return tuple(sorted(rows, key=lambda t: (t.on, t.reference)))


def _secured_trace(
    s: Session, period: ReportingPeriod, category: VictimCategory | None
) -> tuple[TraceRow, ...]:
    """Properties secured in the period (of one category, or all), as full records put through the mask."""
    r = SaferHomesReferral
    names = Names.load(s)
    ids = select(r.id).where(_secured_condition(period))
    lines: dict[uuid.UUID, list[SaferHomesMeasure]] = {}
    for m in s.scalars(
        select(SaferHomesMeasure)
        .where(SaferHomesMeasure.referral_id.in_(ids))
        .order_by(SaferHomesMeasure.created_at)
    ):
        lines.setdefault(m.referral_id, []).append(m)
    pairs = [
        (to_record(row, lines.get(row.id, ()), names), row.case_id)
        for row in s.scalars(select(r).where(_secured_condition(period)))
    ]
    secured = sorted(
        ((rec, cid) for rec, cid in pairs if rec.secured_on and rec.secured_on in period),
        key=lambda p: (p[0].secured_on, p[0].reference),
    )
    return tuple(
        referral_trace(rec, cid)
        for rec, cid in secured
        if category is None or rec.victim_category is category
    )


def _meeting_trace(
    s: Session, window: Window, kind: MeetingKind, period: ReportingPeriod
) -> tuple[TraceRow, ...]:
    return tuple(
        TraceRow(m.id, m.title, m.held_on, kind.label, "Held", m.venue)
        for m in _meetings_held(_meetings(s, window), period)[kind]
    )


def _review_trace(s: Session, measure: str, period: ReportingPeriod) -> tuple[TraceRow, ...]:
    reviews = _reviews(s)

    def trace(x: ReviewRow, on: date | None) -> TraceRow:
        return TraceRow(
            x.id,
            x.reference,
            on,
            "ASB Case Review",
            _label(CaseReviewStatus, x.status).capitalize(),
            "",
            x.case_id,
        )

    received = [x for x in reviews if x.record.received_on in period]
    met = [
        x for x in reviews if x.record.review_meeting_on is not None and x.record.review_meeting_on in period
    ]
    chosen = {
        "applications": [trace(x, x.record.received_on) for x in received],
        "threshold_not_met": [
            trace(x, x.record.received_on)
            for x in received
            if x.record.threshold_met is False and not x.record.proceed_despite_not_met
        ],
        "reviews_conducted": [trace(x, x.record.review_meeting_on) for x in met],
        "reviews_with_recommendations": [
            trace(x, x.record.review_meeting_on) for x in met if x.record.recommendations_made
        ],
    }
    rows = _by_date(chosen[measure])
    count = dict(count_figures((x.record for x in reviews), period).as_rows())[measure]
    assert len(rows) == count, measure  # the trace is the count, by construction
    return rows


def _case_trace(
    s: Session, window: Window, theme: str | None, column: str, period: ReportingPeriod
) -> tuple[TraceRow, ...]:
    c = AsbCase
    on = {"cases_opened": "reported_on", "cases_closed": "closed_on", "cases_open_at_end": "reported_on"}[
        column
    ]
    stmt = select(c.id, c.reference, c.title, c.priority_theme, c.reported_on, c.closed_on, c.status).where(
        _case_window(window), _case_conditions(period)[column]
    )
    if theme is not None:
        stmt = stmt.where(c.priority_theme == theme)
    return _by_date(
        [
            TraceRow(
                r.id,
                r.reference,
                getattr(r, on),
                _label(PriorityTheme, r.priority_theme),
                r.status.capitalize(),
                r.title,
                r.id,
            )
            for r in s.execute(stmt)
        ]
    )


def _action_trace(
    s: Session, window: Window, theme: str, column: str, period: ReportingPeriod
) -> tuple[TraceRow, ...]:
    a, c = CaseAction, AsbCase
    on = {"actions_completed": "completed_on", "actions_outstanding": "due_on"}[column]
    stmt = (
        select(a.id, a.case_id, c.reference, a.description, a.due_on, a.completed_on, a.status)
        .select_from(a)
        .join(c, c.id == a.case_id)
        .where(_action_window(window), _action_conditions(period)[column], c.priority_theme == theme)
    )
    return _by_date(
        [
            TraceRow(
                r.id,
                r.reference,
                getattr(r, on),
                "Action",
                _label(ActionStatus, r.status).capitalize(),
                r.description,
                r.case_id,
            )
            for r in s.execute(stmt)
        ]
    )


def _tracers(period: ReportingPeriod) -> dict[str, Callable[[Session], tuple[TraceRow, ...]]]:
    """Measure name -> how to read the records behind it, for every measure of the pack for ``period``."""
    window, previous = pack_window(period), rp.previous_period(period)
    out: dict[str, Callable[[Session], tuple[TraceRow, ...]]] = {}
    for key in rp.ENFORCEMENT_MEASURES:
        out[key] = partial(_notice_trace, window=window, key=key, period=period)
    out[rp.SAFER_HOMES] = partial(_secured_trace, period=period, category=None)
    for cat in VictimCategory:
        out[rp.safer_homes_category_measure(cat)] = partial(_secured_trace, period=period, category=cat)
    for kind in MeetingKind:
        out[rp.meeting_measure(kind)] = partial(_meeting_trace, window=window, kind=kind, period=period)
    for measure, key in rp.CASE_REVIEW_MEASURES.items():
        out[key] = partial(_review_trace, measure=measure, period=period)
    for suffix, p in (("", period), ("_previous", previous)):
        for theme in PriorityTheme:
            for column in _CASE_COLUMNS:
                out[rp.priority_measure(theme, column) + suffix] = partial(
                    _case_trace, window=window, theme=theme.value, column=column, period=p
                )
            for column in _ACTION_COLUMNS:
                out[rp.priority_measure(theme, column) + suffix] = partial(
                    _action_trace, window=window, theme=theme.value, column=column, period=p
                )
    for month in rp.months_of(period):
        first = date.fromisoformat(f"{month}-01")
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        span = ReportingPeriod(
            max(first, period.start), min(nxt - timedelta(days=1), period.end), period.kind
        )
        out[_month_key(month)] = partial(
            _case_trace, window=window, theme=None, column="cases_opened", period=span
        )
    return out


def trace(s: Session, period: ReportingPeriod, key: str) -> tuple[TraceRow, ...]:
    """The records behind the count ``key`` in the pack for ``period``, in the order they are listed.
    Crime figures are imported totals: they have no records."""
    if key.startswith("crime_"):
        return ()
    tracer = _tracers(period).get(key)
    if tracer is None:
        raise NotFound("There is no such figure in the report.")
    return tracer(s)
