"""Restriction, service side: which record a thing belongs to, and accounting for every look.

The rule itself is ``core.domain.restriction.may_see_identifying``; this module finds the ``RecordRef`` of
a referral or a document (a letter inherits its referral's restriction) and writes the audit row that every
unmasked look at a restricted record needs: who, what, when and why (``account_for_looks``).

A reason is asked once and then reused for the same record by the same person for the minutes set in
``safer_homes.reason_minutes``; each look is still written down, with the reason it was given under.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.clock import current as current_clock
from cspdesk.core.domain.protection import REFERRAL_KIND, may_see
from cspdesk.core.domain.restriction import ReasonNeeded, RecordRef
from cspdesk.core.errors import PermissionDenied, ValidationError
from cspdesk.core.services.admin.settings import BY_KEY, read_setting
from cspdesk.core.services.context import Actor
from cspdesk.core.storage.models import Agency, AuditEntry, Document, SaferHomesReferral
from cspdesk.core.storage.uow import UnitOfWork

REASON_SETTING = "safer_homes.reason_minutes"
MAX_REASON = 500
LOOK = "view"
__all__ = [
    "ReasonNeeded",
    "account_for_looks",
    "current_reasons",
    "document_refs",
    "referral_refs",
]  # the audit action of a look at a restricted record's details


def referral_refs(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, RecordRef]:
    wanted = list(dict.fromkeys(i for i in ids if i is not None))
    out: dict[uuid.UUID, RecordRef] = {}
    for i in range(0, len(wanted), 500):
        rows = session.execute(
            select(
                SaferHomesReferral.id,
                SaferHomesReferral.reference,
                SaferHomesReferral.restricted,
                Agency.name,
            )
            .outerjoin(Agency, Agency.id == SaferHomesReferral.referrer_agency_id)
            .where(SaferHomesReferral.id.in_(wanted[i : i + 500]))
        )
        for rid, reference, restricted, agency in rows:
            out[rid] = RecordRef(REFERRAL_KIND, rid, reference, bool(restricted), agency)
    return out


def document_refs(session: Session, document_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, RecordRef | None]:
    """The restricted-capable record each document belongs to (None: it belongs to none)."""
    ids = list(dict.fromkeys(document_ids))
    owners: dict[uuid.UUID, uuid.UUID | None] = {}
    for i in range(0, len(ids), 500):
        for doc_id, referral_id in session.execute(
            select(Document.id, Document.referral_id).where(Document.id.in_(ids[i : i + 500]))
        ):
            owners[doc_id] = referral_id
    refs = referral_refs(session, [r for r in owners.values() if r is not None])
    return {d: (refs.get(r) if r is not None else None) for d, r in owners.items()}


def reason_minutes(session: Session) -> int:
    try:
        return max(0, int(read_setting(session, REASON_SETTING)))
    except (TypeError, ValueError):
        return int(BY_KEY[REASON_SETTING].default)


def current_reasons(session: Session, username: str, refs: Sequence[RecordRef]) -> dict[uuid.UUID, str]:
    """The reason each record was last looked at under by this user, if within the reuse window."""
    minutes = reason_minutes(session)
    ids = [r.id for r in refs if r.id is not None]
    if minutes <= 0 or not ids:
        return {}
    since = current_clock().utcnow() - timedelta(minutes=minutes)
    rows = session.execute(
        select(AuditEntry.entity_id, AuditEntry.details)
        .where(
            AuditEntry.action == LOOK,
            AuditEntry.username == username,
            AuditEntry.at >= since,
            AuditEntry.entity_id.in_(ids),
        )
        .order_by(AuditEntry.at)
    )
    out: dict[uuid.UUID, str] = {}
    for entity_id, details in rows:
        d = look_details(details)
        # Measured from when the reason was given: looks that reused it do not stretch the window.
        if d.get("reason") and not d.get("reused"):
            out[entity_id] = d["reason"]
    return out


def account_for_looks(
    uow: UnitOfWork, actor: Actor, refs: Iterable[RecordRef | None], what: str, reason: str | None
) -> None:
    """Before a read returns restricted details: refuse anyone who may not see them, ask for a reason
    (unless one is current for the record), and write one "view" audit row per restricted record.

    Unrestricted records need nothing. The caller commits (a read that fails afterwards still leaves its
    row: the details were being fetched)."""
    restricted = [r for r in dict.fromkeys(r for r in refs if r is not None) if r.restricted]
    if not restricted:
        return
    if not all(may_see(actor.viewer, r) for r in restricted):
        raise PermissionDenied("This is a restricted record: you do not have permission to see its details.")
    given = (reason or "").strip()
    if len(given) > MAX_REASON or "\x00" in given:
        raise ValidationError(
            {"reason": f"Write the reason in at most {MAX_REASON} characters of plain text."}
        )
    reused = {} if given else current_reasons(uow.session, actor.username, restricted)
    missing = [r for r in restricted if not given and r.id not in reused]
    if missing:
        raise ReasonNeeded(missing)
    uow.audit_many(
        LOOK,
        restricted[0].kind,
        [
            (
                r.id,
                f"{what}: {r.label}",
                {
                    "reference": r.reference,
                    "what": what,
                    "reason": given
                    or (reused[r.id] if r.id is not None else ""),  # a missing one was refused above
                    "reused": not given,
                },
            )
            for r in restricted
        ],
    )


def look(uow_factory, actor: Actor, refs: Iterable[RecordRef | None], what: str, reason: str | None) -> None:
    """``account_for_looks`` in a unit of work of its own, committed."""
    with uow_factory(actor.username) as uow:
        account_for_looks(uow, actor, refs, what, reason)
        uow.commit()


def look_details(details: Any) -> dict[str, Any]:
    return details if isinstance(details, dict) else {}
