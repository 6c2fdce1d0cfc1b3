"""Partners see what their agency needs: the one place that scopes every read to the cases a partner may see.

The rule is ``core.domain.restriction.partner_may_see_case`` (their agency reported on the case, owns one of
its actions, or the case is shared with it). This module applies it to every query a partner's services
make, not screen by screen: the signed-in user's services (``registry.build_services``) open their units of
work with the user as ``viewer`` (``UnitOfWork.viewer``, kept in ``session.info``), and for a partner a
session event adds the rule to every ORM select:

- ``AsbCase`` rows: only the visible cases;
- rows that belong to a case (parties, incidents, risk, chronology, notices, shares, links, tags ...): only
  those of visible cases; rows that may belong to none (an action raised at a forum, a letter on a referral,
  a forum issue not yet on a case) stay, and their own rules apply to them;
- Case Review applications: only those linked to a visible case.

So a list, a count, a search, a print or an export built on the ORM is scoped without knowing about partners,
and a case opened by id that is not theirs is refused in plain words (``refuse_hidden_case``). Officers and
administrators are not scoped; nor is a unit of work with no viewer (the office's own checks, the CLI's
administrative commands). A query that must see everything (working out the visible set itself) passes the
execution option ``unscoped=True``.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, false, or_, select, union
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql.util import find_tables

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import NotFound, PermissionDenied
from cspdesk.core.storage.models import (
    Agency,
    AsbCase,
    CaseAction,
    CaseLink,
    CaseParty,
    CasePriorityTag,
    CaseReviewApplication,
    CaseReviewCaseLink,
    CaseShare,
    ChronologyEntry,
    Document,
    EnforcementNotice,
    ForumIssue,
    Incident,
    RiskAssessment,
)

NOT_YOURS = (
    "This case is not one your agency is part of, and it has not been shared with your agency, so it "
    "cannot be shown. Ask the case officer to share it if you need to see it."
)
# Rows that always belong to a case, and rows that may belong to none (kept when they do not).
_ON_A_CASE = (
    CaseParty,
    Incident,
    RiskAssessment,
    ChronologyEntry,
    CaseShare,
    CasePriorityTag,
    EnforcementNotice,
)
_MAYBE_ON_A_CASE = (CaseAction, Document, ForumIssue)
_UNSCOPED = {"unscoped": True}
_CACHE = "visible_cases"


def viewer_of(session: Session) -> Any:
    """The signed-in user the session reads for (None: nobody in particular, nothing is scoped)."""
    return session.info.get("viewer")


def is_scoped(actor: Any) -> bool:
    return actor is not None and not actor.can(Role.OFFICER)


def _visible(agency_id: uuid.UUID) -> Any:
    """The rule as one SQL union of case ids, on the tables themselves (not the mapped classes, so the session
    event never scopes the query that does the scoping). Used as a subquery: no list of ids is sent, however
    many cases an agency has."""
    incident, action, share = Incident.__table__.c, CaseAction.__table__.c, CaseShare.__table__.c
    return union(
        select(incident.case_id).where(incident.reporting_agency_id == agency_id),
        select(action.case_id).where(action.owner_agency_id == agency_id, action.case_id.is_not(None)),
        select(share.case_id).where(share.agency_id == agency_id, share.withdrawn_on.is_(None)),
    )


def partner_case_ids(session: Session, agency_id: uuid.UUID | None) -> set[uuid.UUID]:
    """Every case a partner of this agency may see (``restriction.partner_may_see_case``), in one query."""
    if agency_id is None:
        return set()
    return set(session.scalars(_visible(agency_id), execution_options=_UNSCOPED))


def agency_id_of(session: Session, name: str | None) -> uuid.UUID | None:
    if not name:
        return None
    return session.scalar(select(Agency.id).where(Agency.name == name), execution_options=_UNSCOPED)


def visible_case_ids(session: Session, actor: Any = None) -> set[uuid.UUID] | None:
    """The cases the actor (default: the session's viewer) may see; None = every case."""
    actor = viewer_of(session) if actor is None else actor
    if not is_scoped(actor):
        return None
    cached = session.info.get(_CACHE)
    if cached is not None and cached[0] == actor.agency:
        return cached[1]
    ids = partner_case_ids(session, agency_id_of(session, actor.agency))
    session.info[_CACHE] = (actor.agency, ids)
    return ids


def scope_core(session: Session, stmt: Any, case_column: Any) -> Any:
    """A Core statement (run on the connection, so the session event does not see it) limited to the
    viewer's cases by ``case_column``. Readers that skip the ORM for speed call this."""
    viewer = viewer_of(session)
    if not is_scoped(viewer):
        return stmt
    agency_id = agency_id_of(session, viewer.agency)
    return stmt.where(
        false() if agency_id is None else case_column.in_(_visible(agency_id).scalar_subquery())
    )


def refuse_hidden_case(session: Session, case_id: uuid.UUID) -> None:
    """Raise in plain words if the case is not the viewer's to see (or no longer exists)."""
    visible = visible_case_ids(session)
    if visible is not None and case_id not in visible:
        exists = session.scalar(select(AsbCase.id).where(AsbCase.id == case_id), execution_options=_UNSCOPED)
        if exists is None:
            raise NotFound("That case no longer exists.")
        raise PermissionDenied(NOT_YOURS)


def _criteria(agency_id: uuid.UUID | None) -> dict[type, Any]:
    """The rule as loader criteria, by mapped class, for one agency (None: a partner with no agency, who sees
    no case nor anything on one). Built once per agency: the expressions are immutable."""
    visible = None if agency_id is None else _visible(agency_id).scalar_subquery()

    def on(column: Any) -> Any:
        return false() if visible is None else column.in_(visible)

    link = CaseReviewCaseLink.__table__.c
    out: dict[type, Any] = {
        AsbCase: on(AsbCase.id),
        CaseReviewApplication: false()
        if visible is None
        else CaseReviewApplication.id.in_(select(link.application_id).where(link.case_id.in_(visible))),
        CaseReviewCaseLink: on(CaseReviewCaseLink.case_id),
        CaseLink: on(CaseLink.case_id),
    }
    out.update({c: on(c.case_id) for c in _ON_A_CASE})
    out.update({c: or_(c.case_id.is_(None), on(c.case_id)) for c in _MAYBE_ON_A_CASE})
    return {c: with_loader_criteria(c, where) for c, where in out.items()}


_BY_AGENCY: dict[uuid.UUID | None, dict[type, Any]] = {}
_CLASS_OF: dict[Any, type] = {
    c.__table__: c  # type: ignore[attr-defined]
    for c in (AsbCase, CaseReviewApplication, CaseReviewCaseLink, CaseLink, *_ON_A_CASE, *_MAYBE_ON_A_CASE)
}


@event.listens_for(Session, "do_orm_execute")
def _scope_to_visible_cases(state: ORMExecuteState) -> None:
    if not state.is_select or state.execution_options.get("unscoped"):
        return
    viewer = viewer_of(state.session)
    if not is_scoped(viewer):
        return
    known = state.session.info.get("scope_agency")
    if known is None or known[0] != viewer.agency:
        known = state.session.info["scope_agency"] = (
            viewer.agency,
            agency_id_of(state.session, viewer.agency),
        )
    criteria = _BY_AGENCY.get(known[1])
    if criteria is None:
        criteria = _BY_AGENCY[known[1]] = _criteria(known[1])
    # Only the tables the statement reads, anywhere in it (a count, a join, a subquery): each option costs
    # its share of every query's cache key.
    statement: Any = state.statement  # a Select here (is_select)
    tables = find_tables(statement, check_columns=True, include_aliases=True, include_joins=True)
    wanted = [criteria[c] for t in set(tables) if (c := _CLASS_OF.get(t)) is not None]
    if wanted:
        state.statement = state.statement.options(*wanted)
