"""The retention review queue: records past the period Settings gives them, and an administrator's decisions.

The rule ("is this record due?") is ``core.domain.retention``; what each kind of record reads and how it is
anonymised or deleted is ``retention_records``. Each decision is one unit of work: the record is read again,
its version compared with the one the queue showed (someone else's change since is refused with a plain
message and nothing is changed), the decision stored (``retention_decision``) and audited by reference only.
Restricted Safer Homes referrals are in the queue like any other: the queue never shows a name or an address.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from cspdesk.core.domain.deadlines import add_months
from cspdesk.core.domain.retention import (
    RecordDates,
    RetentionDecisionKind,
    RetentionPolicy,
    RetentionRecord,
    allowed_decisions,
    is_due,
    retain_until,
)
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import ConflictError, NotFound, ValidationError
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.services.data_protection.data_protection_csv import write_csv
from cspdesk.core.services.data_protection.retention_records import (
    KINDS,
    audit_year_version,
    delete_audit_year,
)
from cspdesk.core.storage.models import RetentionDecision
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class DueRecord:
    record_type: RetentionRecord
    record_id: uuid.UUID | None
    reference: str
    description: str
    counts_from: str  # the event's words: "closure", "last activity", "the notice's end"
    event_on: date
    due_on: date
    version: int
    restricted: bool
    kept_until: date | None  # an earlier keep decision that has run out
    decisions: tuple[RetentionDecisionKind, ...]

    @property
    def type_label(self) -> str:
        return self.record_type.label


@dataclass(frozen=True)
class DecisionRow:
    record_type: RetentionRecord
    reference: str
    decision: RetentionDecisionKind
    reason: str | None
    keep_until: date | None
    decided_on: date
    decided_by: str


CSV_COLUMNS = (
    "record_type",
    "reference",
    "description",
    "restricted",
    "counts_from",
    "event_on",
    "due_on",
    "kept_until",
    "decisions",
    "record_id",
    "version",
)


class RetentionService:
    def __init__(self, uow: Callable[[str], UnitOfWork], settings, today: Callable[[], date]):
        self._uow = uow
        self._settings = settings
        self._today = today

    def policies(self) -> dict[RetentionRecord, RetentionPolicy]:
        values = self._settings.all()
        return {r: RetentionPolicy.from_settings(r, values) for r in RetentionRecord}

    def due(self, actor: Actor, record_type: RetentionRecord | str | None = None) -> list[DueRecord]:
        """Records past retention and not held by a keep decision, oldest due first."""
        actor.require(Role.ADMINISTRATOR, "review records past retention")
        record_type = None if record_type is None else RetentionRecord(record_type)
        today = self._today()
        out: list[DueRecord] = []
        with self._uow(actor.username) as uow:
            latest = _latest_decisions(uow.session)
            for record, policy in self.policies().items():
                if record_type is not None and record is not record_type:
                    continue
                # A generous cut-off for the query (a few days either way of a 29 February); the rule decides.
                cutoff = add_months(today, -12 * policy.years) + timedelta(days=3)
                for c in KINDS[record].candidates(uow.session, cutoff):
                    last = latest.get((record.value, c.record_id if c.record_id else c.reference))
                    if last is not None and last.decision == RetentionDecisionKind.ANONYMISE.value:
                        continue
                    kept = last.keep_until if last is not None else None
                    event_on = c.dates.event_date(policy.counts_from)
                    due_on = retain_until(policy, c.dates)
                    # No counting event yet (a case still open) is never due; is_due says so too.
                    if event_on is None or due_on is None or not is_due(policy, c.dates, today, kept):
                        continue
                    out.append(
                        DueRecord(
                            record,
                            c.record_id,
                            c.reference,
                            c.description,
                            policy.counts_from.label,
                            event_on,
                            due_on,
                            c.version,
                            c.restricted,
                            kept,
                            allowed_decisions(record),
                        )
                    )
        out.sort(key=lambda d: (d.due_on, d.record_type.value, d.reference))
        return out

    def due_csv(self, actor: Actor) -> str:
        return write_csv(
            CSV_COLUMNS,
            (
                [
                    d.record_type.value,
                    d.reference,
                    d.description,
                    "yes" if d.restricted else "no",
                    d.counts_from,
                    d.event_on.isoformat(),
                    d.due_on.isoformat(),
                    d.kept_until.isoformat() if d.kept_until else "",
                    " ".join(x.value for x in d.decisions),
                    d.record_id.hex if d.record_id else "",
                    d.version,
                ]
                for d in self.due(actor)
            ),
        )

    def decide(
        self,
        actor: Actor,
        record_type: RetentionRecord | str,
        record: uuid.UUID | str,
        version: int,
        decision: RetentionDecisionKind | str,
        *,
        reason: str | None = None,
        keep_until: date | None = None,
    ) -> Changes:
        """Keep (with a reason and the date to review it again), anonymise or delete one record.

        ``record`` is the id the queue showed (for a year of the audit log, its reference); ``version`` the
        version it showed. Refused, with nothing changed, when the record changed or went in the meantime."""
        actor.require(Role.ADMINISTRATOR, "decide what happens to records past retention")
        record_type = RetentionRecord(record_type)
        try:
            decision = RetentionDecisionKind(decision)
        except ValueError:
            raise ValidationError({"decision": "Choose keep, anonymise or delete."}) from None
        if decision not in allowed_decisions(record_type):
            raise ValidationError(
                {
                    "decision": f"{record_type.label}: records of this kind can only be "
                    + " or ".join(d.value for d in allowed_decisions(record_type))
                    + "."
                }
            )
        today = self._today()
        reason = (reason or "").strip() or None
        if decision is RetentionDecisionKind.KEEP:
            errors = {}
            if reason is None:
                errors["reason"] = "Say why the record is kept beyond its retention period."
            if keep_until is None or keep_until <= today:
                errors["keep_until"] = "Give the date to review it again (after today)."
            if errors:
                raise ValidationError(errors)
        policy = self.policies()[record_type]
        kind = KINDS[record_type]
        with self._uow(actor.username) as uow:
            s = uow.session
            if kind.model is None:  # a year of the audit log: its entry count stands in for a version
                reference = str(record)
                current = audit_year_version(s, reference)
                record_id = None
                key: object = reference
            else:
                record_id = record if isinstance(record, uuid.UUID) else uuid.UUID(str(record))
                row = s.get(kind.model, record_id)
                current = None if row is None else row.version
                reference = "" if row is None else _reference(record_type, row)
                key = record_id
            if current is None:
                raise NotFound(
                    f"That {record_type.label.lower()} is no longer in the database: someone else "
                    "has deleted it. Refresh the queue."
                )
            if current != version:
                raise ConflictError(
                    f"{record_type.label} {reference} was changed by someone else after the queue "
                    "was read. Nothing was done; refresh the queue and decide again."
                )
            candidate = next(
                (
                    c
                    for c in kind.candidates(s, today + timedelta(days=3), record_id)
                    if (c.record_id or c.reference) == key
                ),
                None,
            )
            last = _latest_decisions(s, record_type, record_id, reference).get((record_type.value, key))
            kept = last.keep_until if last is not None else None
            if candidate is None or not is_due(policy, candidate.dates, today, kept):
                raise ConflictError(
                    f"{record_type.label} {reference} is not due for review (its retention period "
                    "has not ended, or a keep decision holds it). Nothing was done."
                )
            # allowed_decisions (checked above) and KINDS agree on what each kind can do (a test holds
            # them together); the checks below are that agreement, stated where the calls are made.
            if decision is RetentionDecisionKind.ANONYMISE:
                if kind.anonymise is None or record_id is None:
                    raise ValidationError({"decision": f"{record_type.label}: cannot be anonymised."})
                kind.anonymise(s, record_id)
            elif decision is RetentionDecisionKind.DELETE:
                if kind.model is None:
                    delete_audit_year(s, reference, actor.username)
                elif kind.delete is None or record_id is None:
                    raise ValidationError({"decision": f"{record_type.label}: cannot be deleted."})
                else:
                    kind.delete(s, record_id)
            s.add(
                RetentionDecision(
                    record_type=record_type.value,
                    record_id=record_id,
                    reference=reference,
                    decision=decision.value,
                    reason=reason,
                    keep_until=keep_until,
                    decided_on=today,
                    decided_by=actor.username,
                )
            )
            words = {
                RetentionDecisionKind.KEEP: f"kept until {keep_until:%d/%m/%Y}" if keep_until else "kept",
                RetentionDecisionKind.ANONYMISE: "anonymised",
                RetentionDecisionKind.DELETE: "deleted",
            }[decision]
            uow.audit(
                f"retention_{decision.value}",
                record_type.value,
                record_id,
                f"Retention: {record_type.label} {reference} {words}",
                {
                    "reference": reference,
                    "decision": decision.value,
                    "reason": reason,
                    "keep_until": keep_until.isoformat() if keep_until else None,
                },
            )
            uow.commit()
        return Changes.of(record_type.value, "retention", ids=(record_id,) if record_id else ())

    def decisions(self, actor: Actor) -> list[DecisionRow]:
        actor.require(Role.ADMINISTRATOR, "see retention decisions")
        with self._uow(actor.username) as uow:
            rows = uow.session.scalars(
                select(RetentionDecision).order_by(
                    RetentionDecision.decided_on.desc(), RetentionDecision.created_at.desc()
                )
            )
            return [
                DecisionRow(
                    RetentionRecord(r.record_type),
                    r.reference,
                    RetentionDecisionKind(r.decision),
                    r.reason,
                    r.keep_until,
                    r.decided_on,
                    r.decided_by,
                )
                for r in rows
            ]


def _latest_decisions(
    session,
    record_type: RetentionRecord | None = None,
    record_id: uuid.UUID | None = None,
    reference: str | None = None,
) -> dict[tuple[str, object], RetentionDecision]:
    """The latest decision per record (all records, or the one named)."""
    query = select(RetentionDecision).order_by(RetentionDecision.decided_on, RetentionDecision.created_at)
    if record_type is not None:
        query = query.where(
            RetentionDecision.record_type == record_type.value,
            RetentionDecision.record_id == record_id
            if record_id
            else RetentionDecision.reference == reference,
        )
    latest: dict[tuple[str, object], RetentionDecision] = {}
    for d in session.scalars(query):
        latest[(d.record_type, d.record_id if d.record_id else d.reference)] = d
    return latest


def _reference(record_type: RetentionRecord, row) -> str:
    if record_type is RetentionRecord.FORUM_RECORD:
        return f"{row.title} {row.held_on:%d/%m/%Y}"
    if record_type is RetentionRecord.IMPORTED_FIGURES:
        return row.filename
    return row.reference


__all__ = ["DecisionRow", "DueRecord", "RecordDates", "RetentionService"]
