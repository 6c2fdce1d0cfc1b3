"""Requests from data subjects: logged with their statutory due date, extended, closed with an outcome.

Access (Art. 15), rectification (Art. 16) and erasure (Art. 17) requests are recorded against the person with
their outcome. The due date is ``domain.data_subject.response_due`` (UK GDPR Art. 12(3)); the Dashboard shows
open requests and those past it. Audit rows name the request by reference, never the person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from cspdesk.core.domain.data_subject import (
    MAX_EXTENSION_MONTHS,
    RequestKind,
    RequestOutcome,
    is_overdue,
    response_due,
)
from cspdesk.core.domain.protection import can_see_restricted
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import NotFound, ValidationError
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import DataSubjectRequest
from cspdesk.core.storage.portable import one_at_a_time
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class RequestRow:
    reference: str
    kind: RequestKind
    received_on: date
    subject_name: str
    subject_date_of_birth: date | None
    subject_address: str | None
    details: str | None
    due_on: date
    extended_months: int
    extension_reason: str | None
    closed_on: date | None
    outcome: RequestOutcome | None
    outcome_notes: str | None
    officer: str
    overdue: bool
    version: int
    confirmed: dict


@dataclass(frozen=True)
class RequestCounts:
    open: int
    overdue: int
    next_due: date | None


WITHHELD = "(name withheld)"


def _row(r: DataSubjectRequest, today: date, may_see: bool) -> RequestRow:
    """A request as ``may_see`` allows: who it is about, and what they asked, are identifying details (the
    person may be a restricted Safer Homes client), shown only to those who may see restricted records."""
    return RequestRow(
        r.reference,
        RequestKind(r.kind),
        r.received_on,
        r.subject_name if may_see else WITHHELD,
        r.subject_date_of_birth if may_see else None,
        r.subject_address if may_see else None,
        r.details if may_see else None,
        r.due_on,
        r.extended_months,
        r.extension_reason,
        r.closed_on,
        RequestOutcome(r.outcome) if r.outcome else None,
        r.outcome_notes,
        r.officer,
        is_overdue(r.received_on, r.extended_months, r.closed_on, today),
        r.version,
        dict(r.confirmed or {}),
    )


class SubjectRequestService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def log(
        self,
        actor: Actor,
        kind: RequestKind | str,
        subject_name: str,
        *,
        received_on: date | None = None,
        date_of_birth: date | None = None,
        address: str | None = None,
        details: str | None = None,
    ) -> str:
        """Record a new request; returns its reference (DSR-2026-0001)."""
        actor.require(Role.OFFICER, "record a data protection request")
        today = self._today()
        received_on = received_on or today
        errors = {}
        try:
            kind_ = RequestKind(kind)
        except ValueError:
            errors["kind"] = "Choose access, rectification or erasure."
        if not (subject_name or "").strip():
            errors["subject_name"] = "Give the name of the person the request is from (or about)."
        if received_on > today:
            errors["received_on"] = "The date received cannot be in the future."
        if date_of_birth is not None and date_of_birth >= today:
            errors["date_of_birth"] = "The date of birth must be in the past."
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            s = uow.session
            stem = f"DSR-{received_on.year}-"
            one_at_a_time(s, "data_subject_request.reference")
            last = s.scalar(
                select(DataSubjectRequest.reference)
                .where(DataSubjectRequest.reference.like(f"{stem}%"))
                .order_by(DataSubjectRequest.reference.desc())
                .limit(1)
            )
            reference = f"{stem}{(int(last[len(stem) :]) + 1) if last else 1:04d}"
            req = DataSubjectRequest(
                reference=reference,
                kind=kind_.value,
                received_on=received_on,
                subject_name=subject_name.strip(),
                subject_date_of_birth=date_of_birth,
                subject_address=(address or "").strip() or None,
                details=(details or "").strip() or None,
                extended_months=0,
                due_on=response_due(received_on),
                officer=actor.username,
            )
            s.add(req)
            s.flush()
            uow.audit(
                "create",
                "data_subject_request",
                req.id,
                f"{kind_.label} request {reference} logged, due {req.due_on:%d/%m/%Y}",
            )
            uow.commit()
        return reference

    def _get(self, uow: UnitOfWork, reference: str) -> DataSubjectRequest:
        req = uow.session.scalar(
            select(DataSubjectRequest).where(DataSubjectRequest.reference == reference.strip())
        )
        if req is None:
            raise NotFound(f"There is no request {reference}.")
        return req

    def get(self, actor: Actor, reference: str) -> RequestRow:
        actor.require(Role.OFFICER, "see data protection requests")
        with self._uow(actor.username) as uow:
            return _row(self._get(uow, reference), self._today(), can_see_restricted(actor.viewer))

    def requests(self, actor: Actor, *, open_only: bool = False) -> list[RequestRow]:
        actor.require(Role.OFFICER, "see data protection requests")
        query = select(DataSubjectRequest).order_by(DataSubjectRequest.due_on, DataSubjectRequest.reference)
        if open_only:
            query = query.where(DataSubjectRequest.closed_on.is_(None))
        with self._uow(actor.username) as uow:
            may_see = can_see_restricted(actor.viewer)
            return [_row(r, self._today(), may_see) for r in uow.session.scalars(query)]

    def counts(self) -> RequestCounts:
        """For the Dashboard: open requests, how many are past their due date, and the next due."""
        today = self._today()
        with self._uow("system") as uow:
            rows = (
                uow.session.execute(
                    select(DataSubjectRequest.due_on).where(DataSubjectRequest.closed_on.is_(None))
                )
                .scalars()
                .all()
            )
        return RequestCounts(len(rows), sum(1 for d in rows if d < today), min(rows) if rows else None)

    def extend(self, actor: Actor, reference: str, months: int, reason: str) -> Changes:
        """Extend by one or two further months (Art. 12(3)), with the reason the person must be told."""
        actor.require(Role.OFFICER, "extend a data protection request")
        errors = {}
        if not (reason or "").strip():
            errors["reason"] = "Say why (the person must be told the reason within the first month)."
        if not 1 <= months <= MAX_EXTENSION_MONTHS:
            errors["months"] = "Extend by one or two months (UK GDPR Art. 12(3): at most two further months)."
        if errors:
            raise ValidationError(errors)
        today = self._today()
        with self._uow(actor.username) as uow:
            req = self._get(uow, reference)
            if req.closed_on is not None:
                raise ValidationError({"months": f"{req.reference} is closed."})
            if response_due(req.received_on) < today:
                raise ValidationError(
                    {
                        "months": "An extension must be made, and the person told, within the "
                        f"first month (by {response_due(req.received_on):%d/%m/%Y})."
                    }
                )
            req.extended_months = months
            req.extension_reason = reason.strip()
            req.due_on = response_due(req.received_on, months)
            uow.audit(
                "update",
                "data_subject_request",
                req.id,
                f"Request {req.reference} extended by {months} month(s), due {req.due_on:%d/%m/%Y}",
            )
            uow.commit()
            return Changes.of("data_subject_request", ids=(req.id,))

    def close(
        self, actor: Actor, reference: str, outcome: RequestOutcome | str, notes: str | None = None
    ) -> Changes:
        actor.require(Role.OFFICER, "close a data protection request")
        try:
            outcome = RequestOutcome(outcome)
        except ValueError:
            raise ValidationError({"outcome": "Choose completed, partly, refused or withdrawn."}) from None
        notes = (notes or "").strip() or None
        if outcome in (RequestOutcome.REFUSED, RequestOutcome.PARTLY) and notes is None:
            raise ValidationError(
                {
                    "notes": "Give the reasons (the person must be told them and of their right to "
                    "complain to the ICO, Art. 12(4))."
                }
            )
        with self._uow(actor.username) as uow:
            req = self._get(uow, reference)
            if req.closed_on is not None:
                raise ValidationError(
                    {"outcome": f"{req.reference} was already closed on {req.closed_on:%d/%m/%Y}."}
                )
            req.closed_on, req.outcome, req.outcome_notes = self._today(), outcome.value, notes
            uow.audit(
                "transition",
                "data_subject_request",
                req.id,
                f"Request {req.reference} closed: {outcome.label.lower()}",
            )
            uow.commit()
            return Changes.of("data_subject_request", ids=(req.id,))

    def confirm(self, actor: Actor, reference: str, matches: list[str]) -> None:
        """Record which of the found records the officer confirmed are this person (``kind:id`` keys)."""
        actor.require(Role.OFFICER, "confirm a data subject's records")
        with self._uow(actor.username) as uow:
            req = self._get(uow, reference)
            req.confirmed = {"matches": sorted(set(matches))}
            uow.audit(
                "update",
                "data_subject_request",
                req.id,
                f"Request {req.reference}: {len(set(matches))} record(s) confirmed as the person's",
            )
            uow.commit()
