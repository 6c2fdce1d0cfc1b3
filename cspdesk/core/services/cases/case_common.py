"""What every case service does inside its unit of work: find the case, write a chronology line,
mark activity, and check the copy the user edited is still the current one.

Other areas (enforcement notices, letters) call ``record_chronology`` so that everything that
happens on a case lands on one timeline.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import insert, or_, update
from sqlalchemy.orm import Session

from cspdesk.core.clock import current as current_clock
from cspdesk.core.domain.vocab import CaseStatus
from cspdesk.core.errors import ConflictError, NotFound, TransitionRefused
from cspdesk.core.services.scope import refuse_hidden_case
from cspdesk.core.storage.base import utcnow
from cspdesk.core.storage.models import AsbCase, ChronologyEntry


def get_case(session: Session, case_id: uuid.UUID) -> AsbCase:
    case = session.get(AsbCase, case_id)
    if case is None:
        refuse_hidden_case(session, case_id)  # a partner's: "not your agency's", in plain words
        raise NotFound("That case no longer exists.")
    return case


def require_open(case: AsbCase, doing: str) -> None:
    if case.status != CaseStatus.OPEN.value:
        raise TransitionRefused(
            f"{case.reference} is closed. Reopen it (Overview → Reopen) before you {doing}."
        )


def now_on(today: date | None = None) -> datetime:
    """The clock's time now, on ``today`` when the service's calendar gives one (both come from the one clock
    the composition root hands out, so they agree except in a test that pins a service to another day)."""
    now = current_clock().now()
    return now if today is None or today == now.date() else datetime.combine(today, now.time())


def at_time(on: date | datetime, hour: int = 12) -> datetime:
    return on if isinstance(on, datetime) else datetime.combine(on, time(hour))


def record_chronology(
    session: Session,
    case: AsbCase,
    kind: str,
    summary: str,
    author: str,
    *,
    occurred_at: datetime | None = None,
    body: str | None = None,
    related_type: str | None = None,
    related_id: uuid.UUID | None = None,
    today: date | None = None,
) -> ChronologyEntry:
    """Add one line to the case's timeline and mark the case as active."""
    if occurred_at is None:
        occurred_at = now_on(today)
    entry = ChronologyEntry(
        case_id=case.id,
        occurred_at=occurred_at,
        kind=kind,
        summary=summary[:500],
        body=body,
        author=author,
        related_type=related_type,
        related_id=related_id,
    )
    session.add(entry)
    touch(case, today or occurred_at.date())
    return entry


def record_chronology_many(
    session: Session,
    kind: str,
    author: str,
    lines: Sequence[tuple[uuid.UUID, str, str | None, uuid.UUID | None]],
    *,
    today: date | None = None,
) -> None:
    """``record_chronology`` for many cases at once (a mail merge): ``lines`` are (case id, summary,
    related type, related id). One INSERT for the entries and one UPDATE marking the cases active,
    instead of loading each case and flushing it; the rows are the ones ``record_chronology`` writes."""
    if not lines:
        return
    occurred_at = now_on(today)
    today = today or occurred_at.date()
    session.execute(
        insert(ChronologyEntry),
        [
            {
                "case_id": case_id,
                "occurred_at": occurred_at,
                "kind": kind,
                "summary": summary[:500],
                "body": None,
                "author": author,
                "related_type": related_type,
                "related_id": related_id,
            }
            for case_id, summary, related_type, related_id in lines
        ],
    )
    case_ids = sorted({line[0] for line in lines})
    for i in range(0, len(case_ids), 500):
        session.execute(
            update(AsbCase)
            .where(
                AsbCase.id.in_(case_ids[i : i + 500]),
                or_(AsbCase.last_activity_on.is_(None), AsbCase.last_activity_on < today),
            )
            # what touch() does through the ORM: the version moves, so an open copy is known to be stale
            .values(last_activity_on=today, version=AsbCase.version + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def touch(case: AsbCase, today: date) -> None:
    if case.last_activity_on is None or case.last_activity_on < today:
        case.last_activity_on = today


def check_version(
    case: AsbCase,
    expected_version: int | None,
    base: Mapping[str, Any] | None = None,
    current: Mapping[str, Any] | None = None,
) -> None:
    """Refuse a save made from an old copy, saying what changed since it was opened.

    ``base`` is what the user's window showed when it loaded; ``current`` is the same fields now. The
    version counter moves whenever anything on the case changes (an incident added in another tab
    touches the case's activity date), so when it has moved but none of the fields this form edits
    differ from what the user saw, nothing they could overwrite has changed and the save goes ahead.
    """
    refuse_stale_copy(
        case.reference,
        expected_version,
        case.version,
        base,
        current,
        "The change was elsewhere on the case (people, incidents or actions).",
    )


RELOAD = "Reload the case to see their changes, then make yours again."
CHECK_THEIRS = "Check their change, then save yours again."  # a form that shows their change beside yours


def refuse_stale_copy(
    what: str,
    expected_version: Any,
    version: Any,
    base: Mapping[str, Any] | None = None,
    current: Mapping[str, Any] | None = None,
    elsewhere: str = "",
    then: str = RELOAD,
) -> None:
    """The stale-save rule for any record a window edits (a case, a party, an incident).

    ``expected_version`` is the version counter (or a tuple of counters) the window loaded. If it has
    moved and any field in ``current`` differs from ``base``, ``ConflictError`` names what changed, from
    what to what; if it moved but those fields are as the window showed them, the save goes ahead.
    """
    if expected_version is None or expected_version == version:
        return
    changes = {}
    if base is not None and current is not None:
        changes = {k: (base.get(k), current.get(k)) for k in current if base.get(k) != current.get(k)}
        if not changes:
            return
    shown = "; ".join(
        f"{k.replace('_', ' ')}: {show_value(a)} → {show_value(b)}" for k, (a, b) in changes.items()
    )
    raise ConflictError(
        f"{what} was changed by someone else after you opened it, so your changes were not saved."
        + (f"\n\nWhat changed: {shown}." if shown else (f"\n\n{elsewhere}" if elsewhere else ""))
        + f"\n\n{then}",
        changes,
    )


def show_value(v: Any) -> str:
    """A field's value as an officer reads it in a message or on the chronology."""
    if v is None or v == "":
        return "(blank)"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, datetime):
        return f"{v:%d/%m/%Y %H:%M}"
    if isinstance(v, date):
        return f"{v:%d/%m/%Y}"
    if isinstance(v, list | tuple | set | frozenset):
        return ", ".join(str(x) for x in v) or "(none)"
    return str(v)


def setting(session: Session, key: str) -> Any:
    """A declared setting's value read inside the caller's unit of work (``settings.read_setting``)."""
    from cspdesk.core.services.admin.settings import read_setting

    return read_setting(session, key)
