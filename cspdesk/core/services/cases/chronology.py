"""A case's timeline: every incident, action, note, notice, letter and status change, filterable by kind.

Nothing on it is edited in place. A correction is a new entry pointing at the one it corrects
(``corrects_id``); the original stays, marked ``superseded``, and is shown struck through.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from cspdesk.core.domain.asb_case import check_not_future
from cspdesk.core.domain.vocab import ChronologyKind, Role
from cspdesk.core.errors import NotFound, TransitionRefused, ValidationError
from cspdesk.core.services.cases.case_common import get_case, record_chronology
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import ChronologyEntry
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class ChronologyRow:
    id: uuid.UUID
    occurred_at: datetime
    kind: str
    kind_label: str
    summary: str
    body: str
    author: str
    superseded: bool
    corrects_id: uuid.UUID | None
    related_type: str | None
    related_id: uuid.UUID | None


class ChronologyService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def entries(
        self,
        case_id: uuid.UUID,
        kinds: Iterable[str] | None = None,
        include_superseded: bool = True,
        limit: int | None = None,
    ) -> list[ChronologyRow]:
        """Newest first."""
        with self._uow("system") as uow:
            cols = (
                ChronologyEntry.id,
                ChronologyEntry.occurred_at,
                ChronologyEntry.kind,
                ChronologyEntry.summary,
                ChronologyEntry.body,
                ChronologyEntry.author,
                ChronologyEntry.superseded,
                ChronologyEntry.corrects_id,
                ChronologyEntry.related_type,
                ChronologyEntry.related_id,
            )
            stmt = select(*cols).where(ChronologyEntry.case_id == case_id)
            kinds = list(kinds) if kinds is not None else None
            if kinds is not None:
                stmt = stmt.where(ChronologyEntry.kind.in_(kinds))
            if not include_superseded:
                stmt = stmt.where(ChronologyEntry.superseded.is_(False))
            stmt = stmt.order_by(ChronologyEntry.occurred_at.desc(), ChronologyEntry.created_at.desc())
            rows = uow.session.execute(stmt.limit(limit) if limit else stmt).all()
        return [
            ChronologyRow(
                r.id,
                r.occurred_at,
                r.kind,
                _kind_label(r.kind),
                r.summary,
                r.body or "",
                r.author,
                r.superseded,
                r.corrects_id,
                r.related_type,
                r.related_id,
            )
            for r in rows
        ]

    def add_note(
        self,
        actor: Actor,
        case_id: uuid.UUID,
        summary: str,
        body: str = "",
        occurred_at: datetime | None = None,
    ) -> Changes:
        """Notes can be added at any time, to open or closed cases."""
        actor.require(Role.OFFICER, "add notes")
        today = self._today()
        errors: dict[str, str] = {}
        if not summary.strip():
            errors["summary"] = "Write the note."
        check_not_future(
            errors, "occurred_at", occurred_at.date() if occurred_at else None, today, "The note's date"
        )
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            case = get_case(uow.session, case_id)
            entry = record_chronology(
                uow.session,
                case,
                ChronologyKind.NOTE.value,
                summary.strip(),
                actor.display_name,
                occurred_at=occurred_at,
                body=body.strip() or None,
                today=today,
            )
            uow.session.flush()
            uow.audit("create", "chronology_entry", entry.id, f"{case.reference}: note added")
            uow.commit()
            return Changes.of("chronology", "case", ids=(case_id, entry.id))

    def correct(self, actor: Actor, entry_id: uuid.UUID, summary: str, body: str, reason: str) -> Changes:
        actor.require(Role.OFFICER, "correct the chronology")
        errors: dict[str, str] = {}
        if not summary.strip():
            errors["summary"] = "Write the corrected entry."
        if not reason.strip():
            errors["reason"] = "Say why it is being corrected; the original stays in the history."
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            s = uow.session
            old = s.get(ChronologyEntry, entry_id)
            if old is None:
                raise NotFound("That chronology entry no longer exists.")
            if old.superseded:
                raise TransitionRefused(
                    "That entry has already been corrected; correct the newer one instead."
                )
            case = get_case(s, old.case_id)
            old.superseded = True
            new = record_chronology(
                s,
                case,
                old.kind,
                summary.strip(),
                actor.display_name,
                occurred_at=old.occurred_at,
                body=(body.strip() + "\n\n" if body.strip() else "") + f"Correction: {reason.strip()}",
                related_type=old.related_type,
                related_id=old.related_id,
                today=self._today(),
            )
            new.corrects_id = old.id
            s.flush()
            uow.audit(
                "update",
                "chronology_entry",
                new.id,
                f"{case.reference}: chronology entry corrected",
                {
                    "corrects": str(old.id),
                    "was": old.summary,
                    "now": summary.strip(),
                    "reason": reason.strip(),
                },
            )
            uow.commit()
            return Changes.of("chronology", "case", ids=(case.id, new.id))


def _kind_label(kind: str) -> str:
    try:
        return ChronologyKind(kind).label
    except ValueError:
        return kind.capitalize()
