"""The case list: filter, search and sort over every case, fetched lazily by the page.

``case_ids`` runs one query per change of filter and returns ids in order; the GUI asks
``rows_for`` for just the rows it is about to draw. Neither ever loads a case's children.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Sequence

from sqlalchemy import ColumnElement, Select, TextClause, bindparam, select, text
from sqlalchemy.engine import Engine

from cspdesk.core.domain.vocab import CaseStatus
from cspdesk.core.services.cases.case_query import (  # noqa: F401 - the DTOs are part of this module's interface
    CaseIds,
    CaseListRow,
    CaseQuery,
    FilterOptions,
    case_list_row,
)
from cspdesk.core.services.context import Actor
from cspdesk.core.services.scope import is_scoped, visible_case_ids
from cspdesk.core.storage import first_screen_sql
from cspdesk.core.storage.models import AppUser, AsbCase, Ward
from cspdesk.core.storage.portable import ordered, uuid_as_text
from cspdesk.core.storage.prepared import prepared_for
from cspdesk.core.storage.search import SqliteFtsSearch, exact_reference_forms, search_for
from cspdesk.core.storage.uow import UnitOfWork

SORT_COLUMNS = {
    "reference": AsbCase.reference,
    "title": AsbCase.title,
    "category": AsbCase.category,
    "priority": AsbCase.priority_theme,
    "status": AsbCase.status,
    "reported_on": AsbCase.reported_on,
    "risk": AsbCase.risk_level,
    "next_review_on": AsbCase.next_review_on,
    "ward": AsbCase.ward_id,
    "officer": AsbCase.officer_id,
    "location": AsbCase.location_summary,
    "parties": AsbCase.parties_summary,
}


# The filters a CaseQuery can set (each a parameter of the list's statement, named q_<field>).
_FILTER_FIELDS = (
    "status",
    "priority",
    "category",
    "ward_id",
    "officer_id",
    "risk_level",
    "reported_from",
    "reported_to",
    "review_due_by",
    "inactive_before",
)


class CaseListService:
    def __init__(
        self,
        uow: Callable[[str], UnitOfWork],
        engine: Engine,
        viewer: Callable[[], Actor | None] | None = None,
    ):
        """``viewer``: who ``uow``'s units of work read for (the registry's ``services.actor``), so that
        ``case_ids`` without an actor knows whether to scope without opening a unit of work to ask; without
        it, it asks the unit of work's session (``services.scope.viewer_of``)."""
        self._uow = uow
        self._viewer = viewer
        self._engine = engine
        self._search = search_for(engine)
        self._id_text = uuid_as_text(AsbCase.id, engine)
        self._names: dict[uuid.UUID, str] | None = None
        self._shapes: dict[
            Hashable, CaseQuery
        ] = {}  # shape -> a query of that shape, to build its statement from
        self._prepared = prepared_for(engine, self._prepared_statement)

    def _prepared_statement(self, shape: Hashable) -> Select | TextClause:
        if shape == _BY_STATUS_SHAPE:  # the list the window opens on: the quick start runs this same SQL
            return text(first_screen_sql.LIST_BY_STATUS)
        return self._statement(self._shapes[shape], named=True).with_only_columns(self._id_text)

    def _statement(self, q: CaseQuery, *, named: bool = False) -> Select:
        """The list's query; ``named`` leaves every value as a parameter named after its field (``q_status``…)
        for ``storage.prepared``, so the statement depends only on which filters are set and the order."""

        def value(field: str, v):
            return bindparam(f"q_{field}") if named else v

        stmt = select(AsbCase.id)
        if q.text.strip():
            clause: ColumnElement[bool] | TextClause | None
            if named:
                clause = SqliteFtsSearch.named_clause() if SqliteFtsSearch.match(q.text) is not None else None
            else:
                clause = self._search.clause(q.text)
            if clause is not None:
                stmt = stmt.where(clause)
        if q.status:
            stmt = stmt.where(AsbCase.status == value("status", q.status))
        if q.priority:
            stmt = stmt.where(AsbCase.priority_theme == value("priority", q.priority))
        if q.category:
            stmt = stmt.where(AsbCase.category == value("category", q.category))
        if q.ward_id:
            stmt = stmt.where(AsbCase.ward_id == value("ward_id", q.ward_id))
        if q.officer_id:
            stmt = stmt.where(AsbCase.officer_id == value("officer_id", q.officer_id))
        if q.risk_level:
            stmt = stmt.where(AsbCase.risk_level == value("risk_level", q.risk_level))
        if q.reported_from:
            stmt = stmt.where(AsbCase.reported_on >= value("reported_from", q.reported_from))
        if q.reported_to:
            stmt = stmt.where(AsbCase.reported_on <= value("reported_to", q.reported_to))
        if q.review_due_by:
            stmt = stmt.where(
                AsbCase.status == CaseStatus.OPEN.value,
                AsbCase.next_review_on <= value("review_due_by", q.review_due_by),
            )
        if q.inactive_before:
            stmt = stmt.where(
                AsbCase.status == CaseStatus.OPEN.value,
                AsbCase.last_activity_on < value("inactive_before", q.inactive_before),
            )
        col = SORT_COLUMNS.get(q.sort, AsbCase.reported_on)
        return stmt.order_by(
            ordered(col, q.descending, self._engine), ordered(AsbCase.reference, q.descending, self._engine)
        )

    @staticmethod
    def _shape(q: CaseQuery, match: str | None) -> tuple:
        """What the named statement depends on: which filters are set, and the order."""
        return (
            match is not None,
            *(bool(getattr(q, f)) for f in _FILTER_FIELDS),
            q.sort if q.sort in SORT_COLUMNS else "reported_on",
            q.descending,
        )

    def case_ids(self, q: CaseQuery, actor: Actor | None = None) -> CaseIds:
        """The list's ids in order. For a partner (``actor``, or the signed-in user the services read for),
        only the cases their agency may see (``services.scope``); officers and administrators see all."""
        ids = self._case_ids(q)  # (not through the ORM on SQLite: scoped here)
        if actor is None and self._viewer is not None:
            # The signed-in user: their role and agency are fixed for the session (an Actor is frozen, made at
            # sign-in), so an officer's search costs no unit of work here (issue 20: +27 % on a surname).
            actor = self._viewer()
            if actor is None:  # units of work that read for nobody in particular: nothing is scoped
                return ids
        if actor is not None and not is_scoped(actor):
            return ids
        with self._uow("system") as uow:
            visible = visible_case_ids(uow.session, actor)
        if visible is None:
            return ids
        return CaseIds([raw for raw, case_id in zip(ids._raw, ids, strict=True) if case_id in visible])

    def _case_ids(self, q: CaseQuery) -> CaseIds:
        if self._prepared is not None:
            # SQLite: compiled once per shape and run on the driver (storage.prepared), a search in a
            # fraction of a millisecond instead of SQLAlchemy's fixed half a millisecond a query.
            match = SqliteFtsSearch.match(q.text) if q.text.strip() else None
            values = {f"q_{f}": getattr(q, f) for f in _FILTER_FIELDS if getattr(q, f)}
            if match is not None:
                values["fts_q"] = match
            shape = self._shape(q, match)
            if shape not in self._shapes:
                self._shapes[shape] = q
            return self._exact_first(CaseIds(self._prepared.scalars(shape, values)), q.text)
        with self._uow("system") as uow:
            # Ids come back as text and become UUIDs only when used: 100,000 of them stay cheap.
            stmt = self._statement(q).with_only_columns(self._id_text)
            return self._exact_first(CaseIds(uow.session.connection().execute(stmt).scalars().all()), q.text)

    def _exact_first(self, ids: CaseIds, query: str) -> CaseIds:
        """The case whose reference is exactly the one typed first in the list (``storage.search``)."""
        forms = exact_reference_forms(query)
        if not forms or len(ids) < 2:
            return ids
        with self._engine.connect() as conn:
            exact = conn.execute(
                select(self._id_text).where(AsbCase.reference.in_(forms)).limit(1)
            ).scalar_one_or_none()
        raw = ids._raw
        if exact is None or exact not in raw:
            return ids
        return CaseIds([exact, *(r for r in raw if r != exact)])

    def _lookup_names(self, uow: UnitOfWork) -> dict[uuid.UUID, str]:
        # Wards and officers are few; a dictionary beats a join on every page.
        s = uow.session
        names = {w.id: w.name for w in s.execute(text(first_screen_sql.WARDS).columns(Ward.id, Ward.name))}
        users = text(first_screen_sql.USER_NAMES).columns(AppUser.id, AppUser.display_name)
        names.update({u.id: u.display_name for u in s.execute(users)})
        return names

    def forget_names(self) -> None:
        self._names = None

    def rows_for(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CaseListRow]:
        if not ids:
            return {}
        with self._uow("system") as uow:
            # ORM attributes, not the table's columns: the partner scope (services.scope) applies to
            # ORM entities, and a select of bare table columns would slip past it.
            cols = [getattr(AsbCase, name) for name in first_screen_sql.ROW_COLUMNS]
            out: dict[uuid.UUID, CaseListRow] = {}
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                rows = uow.session.execute(select(*cols).where(AsbCase.id.in_(chunk))).all()
                # Read the names again when a row names a ward or officer not yet seen (a demo load, a new
                # user): a stale cache showed blank officers (issue 19).
                wanted = {k for r in rows for k in (r.ward_id, r.officer_id) if k is not None}
                if self._names is None or not wanted <= self._names.keys():
                    self._names = self._lookup_names(uow)
                names = self._names
                for r in rows:
                    out[r.id] = case_list_row(tuple(r), names)
            return out

    def filter_options(self) -> FilterOptions:
        with self._uow("system") as uow:
            s = uow.session
            wards = [tuple(r) for r in s.execute(text(first_screen_sql.WARDS).columns(Ward.id, Ward.name))]
            officers = text(first_screen_sql.OFFICERS).columns(AppUser.id, AppUser.display_name)
            return FilterOptions(wards, [tuple(r) for r in s.execute(officers)])


# The shape of a list by one status, newest first (the window's first list): first_screen_sql.LIST_BY_STATUS.
_BY_STATUS_SHAPE = CaseListService._shape(CaseQuery(status="open"), None)
