"""The audit log for the Data Protection Officer: who has looked at a restricted record, every look in a
period, and whether the log is still as it was written (the hash chain, ``storage/audit_chain.py``).

A look is an audit row with the action "view", written by ``restriction.account_for_looks`` whenever a
read returned a restricted record's details; its details hold the reference, what was done and the reason.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from cspdesk.core.domain.protection import may_see
from cspdesk.core.domain.restriction import KIND_LABELS
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import PermissionDenied, ValidationError
from cspdesk.core.services.context import Actor
from cspdesk.core.services.restriction import LOOK, look_details, referral_refs
from cspdesk.core.storage import audit_chain
from cspdesk.core.storage.models import AppUser, AuditEntry
from cspdesk.core.storage.uow import UnitOfWork

REPORT_COLUMNS = ("When", "User", "Login", "Record", "Reference", "What", "Reason", "Reason reused")


@dataclass(frozen=True)
class LookRow:
    at: datetime
    username: str
    user: str  # display name
    record_kind: str
    record_id: uuid.UUID | None
    reference: str
    what: str
    reason: str
    reused: bool

    def cells(self) -> list[str]:
        kind = KIND_LABELS.get(self.record_kind, self.record_kind.replace("_", " "))
        return [
            f"{self.at:%d/%m/%Y %H:%M:%S}",
            self.user,
            self.username,
            kind,
            self.reference,
            self.what,
            self.reason,
            "Yes" if self.reused else "",
        ]


class AuditLogService:
    def __init__(self, uow: Callable[[str], UnitOfWork]):
        self._uow = uow

    def _rows(self, uow: UnitOfWork, stmt) -> list[LookRow]:
        names = {u: n for u, n in uow.session.execute(select(AppUser.username, AppUser.display_name))}
        out = []
        for e in uow.session.scalars(stmt):
            d = look_details(e.details)
            out.append(
                LookRow(
                    e.at,
                    e.username,
                    names.get(e.username, e.username),
                    e.entity_type,
                    e.entity_id,
                    str(d.get("reference") or ""),
                    str(d.get("what") or e.summary),
                    str(d.get("reason") or ""),
                    bool(d.get("reused")),
                )
            )
        return out

    def looks_at(self, actor: Actor, record_kind: str, record_id: uuid.UUID) -> list[LookRow]:
        """ "Who has looked at this": every look at one record, newest first. For administrators and for
        those who may see the record (a reason can say as much as the record does)."""
        with self._uow("system") as uow:
            ref = referral_refs(uow.session, [record_id]).get(record_id)
            if ref is None or not (actor.role is Role.ADMINISTRATOR or may_see(actor.viewer, ref)):
                raise PermissionDenied("You do not have permission to see who has looked at this record.")
            return self._rows(
                uow,
                select(AuditEntry)
                .where(
                    AuditEntry.action == LOOK,
                    AuditEntry.entity_type == record_kind,
                    AuditEntry.entity_id == record_id,
                )
                .order_by(AuditEntry.at.desc(), AuditEntry.seq.desc()),
            )

    def views_report(self, actor: Actor, start: date, end: date) -> list[LookRow]:
        """Every look at a restricted record from ``start`` to ``end`` (both included), by user then time:
        the data-protection report. Administrators only; running it is itself logged."""
        actor.require(Role.ADMINISTRATOR, "see the data-protection report")
        if end < start:
            raise ValidationError({"to": "The end date is before the start date."})
        since, until = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
        with self._uow(actor.username) as uow:
            rows = self._rows(
                uow,
                select(AuditEntry)
                .where(
                    AuditEntry.action == LOOK,
                    AuditEntry.at >= since,
                    AuditEntry.at < until,
                )
                .order_by(AuditEntry.username, AuditEntry.at, AuditEntry.seq),
            )
            uow.audit(
                "report",
                "audit_entry",
                None,
                f"Data-protection report of looks at restricted records, {start:%d/%m/%Y} to {end:%d/%m/%Y}",
                {"from": start.isoformat(), "to": end.isoformat(), "rows": len(rows)},
            )
            uow.commit()
        return rows

    def verify(self, expect_head: str | None = None) -> audit_chain.ChainReport:
        """Walk the hash chain (``cspdesk audit verify``). Given a head noted earlier (``N:HASH``, as
        ``ChainReport.head`` shows it), also check the chain still reaches that row with that hash: rows cut
        from the end are a problem too."""
        expected = None
        if expect_head is not None:
            try:
                expected = audit_chain.parse_head(expect_head)
            except ValueError as exc:
                raise ValidationError({"expect_head": str(exc)}) from None
        with self._uow("system") as uow:
            report = audit_chain.verify(uow.session)
            if expected is not None and report.ok:
                problem = audit_chain.check_head(uow.session, report, *expected)
                if problem is not None:
                    report = dataclasses.replace(report, problem=problem)
            return report


def report_table(rows: list[LookRow]) -> list[list[str]]:
    """The report as rows of cells, heading first: one writer makes the CSV (and any XLSX) from this."""
    return [list(REPORT_COLUMNS), *(r.cells() for r in rows)]


def report_csv(rows: list[LookRow]) -> str:
    """The data-protection report as CSV text (every cell neutralised by the shared writer)."""
    import io

    from cspdesk.core.exports import csv_writer

    buf = io.StringIO()
    csv_writer(buf, lineterminator="\r\n").writerows(report_table(rows))
    return buf.getvalue()
