"""Named case-list filters: the built-in ones every officer has ("My open cases", "Reviews due",
"Offered for closure") and the ones an officer saves for themselves."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from cspdesk.core.domain.vocab import CaseStatus, Role
from cspdesk.core.errors import NotFound, ValidationError
from cspdesk.core.services.cases.case_common import setting
from cspdesk.core.services.cases.case_query import CaseQuery
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import SavedCaseFilter
from cspdesk.core.storage.uow import UnitOfWork

_DATES = ("reported_from", "reported_to", "review_due_by", "inactive_before")
_UUIDS = ("ward_id", "officer_id")


@dataclass(frozen=True)
class SavedFilter:
    id: uuid.UUID | None  # None for a built-in
    name: str
    query: CaseQuery

    @property
    def built_in(self) -> bool:
        return self.id is None


def query_to_json(q: CaseQuery) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(q):
        v = getattr(q, f.name)
        if v is None or v == "":
            continue
        out[f.name] = v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, uuid.UUID) else v
    return out


def query_from_json(d: dict[str, Any]) -> CaseQuery:
    known = {f.name for f in fields(CaseQuery)}
    kw: dict[str, Any] = {}
    for k, v in d.items():
        if k not in known or v is None:
            continue
        kw[k] = date.fromisoformat(v) if k in _DATES else uuid.UUID(v) if k in _UUIDS else v
    return CaseQuery(**kw)


class SavedFilterService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def built_ins(self, actor: Actor) -> list[SavedFilter]:
        today = self._today()
        open_ = CaseStatus.OPEN.value
        with self._uow("system") as uow:
            days = int(setting(uow.session, "cases.inactive_days"))
        return [
            SavedFilter(None, "My open cases", CaseQuery(status=open_, officer_id=actor.user_id)),
            SavedFilter(
                None,
                "My reviews due",
                CaseQuery(
                    status=open_,
                    officer_id=actor.user_id,
                    review_due_by=today,
                    sort="next_review_on",
                    descending=False,
                ),
            ),
            SavedFilter(
                None,
                "Reviews due",
                CaseQuery(status=open_, review_due_by=today, sort="next_review_on", descending=False),
            ),
            SavedFilter(
                None,
                f"No activity for {days} days (offer closure)",
                CaseQuery(status=open_, inactive_before=today - timedelta(days=days)),
            ),
            SavedFilter(None, "All open cases", CaseQuery(status=open_)),
        ]

    def filters(self, actor: Actor) -> list[SavedFilter]:
        """Built-ins first, then the officer's own, by name."""
        with self._uow("system") as uow:
            own = uow.session.scalars(
                select(SavedCaseFilter)
                .where(SavedCaseFilter.user_id == actor.user_id)
                .order_by(SavedCaseFilter.name)
            ).all()
            mine = [SavedFilter(f.id, f.name, query_from_json(f.query)) for f in own]
        return self.built_ins(actor) + mine

    def save(self, actor: Actor, name: str, query: CaseQuery) -> tuple[uuid.UUID, Changes]:
        actor.require(Role.PARTNER, "save filters")
        name = name.strip()
        errors: dict[str, str] = {}
        if not name:
            errors["name"] = "Name the filter."
        elif name.lower() in {f.name.lower() for f in self.built_ins(actor)}:
            errors["name"] = f"'{name}' is a built-in filter; choose another name."
        if query.reported_from and query.reported_to and query.reported_to < query.reported_from:
            errors["reported_to"] = "The 'to' date is before the 'from' date."
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            s = uow.session
            row = s.scalar(
                select(SavedCaseFilter).where(
                    SavedCaseFilter.user_id == actor.user_id, SavedCaseFilter.name == name
                )
            )
            if row is None:  # saving under an existing name replaces it, as a file would
                row = SavedCaseFilter(user_id=actor.user_id, name=name, query=query_to_json(query))
                s.add(row)
            else:
                row.query = query_to_json(query)
            s.flush()
            uow.audit("update", "saved_case_filter", row.id, f"Case filter '{name}' saved")
            uow.commit()
            return row.id, Changes.of("saved_filter", ids=(row.id,))

    def delete(self, actor: Actor, filter_id: uuid.UUID) -> Changes:
        with self._uow(actor.username) as uow:
            row = uow.session.get(SavedCaseFilter, filter_id)
            if row is None or row.user_id != actor.user_id:
                raise NotFound("That saved filter no longer exists.")
            uow.session.delete(row)
            uow.audit("delete", "saved_case_filter", filter_id, f"Case filter '{row.name}' deleted")
            uow.commit()
        return Changes.of("saved_filter", ids=(filter_id,))
