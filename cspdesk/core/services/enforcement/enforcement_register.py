"""The notice register: every notice across all cases, what is due, one notice in full, and counts.

Like the case list, ``notice_ids`` runs one query per change of filter and ``rows_for`` fetches only the
rows being drawn. The due view is one query on the indexed ``next_due_on`` column, which every step keeps
current (``enforcement_support.refresh_next_due``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import aliased

from cspdesk.core.domain.enforcement import NoticeRecord, Stage, action_taken_lines, count_notices
from cspdesk.core.domain.vocab import NoticeKind, PartyKind, PartyRole
from cspdesk.core.services.cases.case_index import age_on
from cspdesk.core.services.enforcement.enforcement_detail import notice_detail
from cspdesk.core.services.enforcement.enforcement_dto import (
    CasePick,
    CountLine,
    DueRow,
    NoticeCountsReport,
    NoticeDetail,
    NoticeRow,
    ParentPick,
    PartyPick,
)
from cspdesk.core.services.enforcement.enforcement_support import notices_to_same_recipient, recipient_of
from cspdesk.core.services.scope import scope_core
from cspdesk.core.storage.models import (
    AppUser,
    AsbCase,
    CaseParty,
    Document,
    EnforcementNotice,
    ImportedRecord,
    Incident,
    Organisation,
    Person,
    Ward,
)
from cspdesk.core.storage.search import CaseSearch
from cspdesk.core.storage.uow import UnitOfWork

N = EnforcementNotice
SORT_COLUMNS = {
    "reference": N.reference,
    "kind": N.kind,
    "stage": N.stage,
    "issued_on": N.issued_on,
    "next_due_on": N.next_due_on,
    "officer": N.issuing_officer_id,
    "case": AsbCase.reference,
    "ward": AsbCase.ward_id,
}


@dataclass(frozen=True)
class NoticeQuery:
    kind: str | None = None
    stage: str | None = None
    officer_id: uuid.UUID | None = None
    ward_id: uuid.UUID | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    case_id: uuid.UUID | None = None
    text: str = ""  # notice or case reference, or the recipient's name
    due_within_days: int | None = None  # set: only notices due by today + this many days (overdue included)
    dates_to_check: bool = False  # only imported notices whose dates in the file disagree with the rules
    sort: str = "issued_on"
    descending: bool = True

    def with_(self, **kw) -> NoticeQuery:
        return replace(self, **kw)


def _label(enum, value: str | None) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value or ""


def _recipient_columns():
    return (Person.forename, Person.surname, Organisation.name.label("org_name"), CaseParty.group_description)


def _with_recipient(stmt: Select) -> Select:
    return (
        stmt.outerjoin(CaseParty, CaseParty.id == N.party_id)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .outerjoin(Organisation, Organisation.id == CaseParty.organisation_id)
    )


def _to_check() -> Select:
    """The imported notices whose dates in the old file disagree with the statutory rules and that no officer
    has yet marked as checked (``MovingInService.dates_checked`` clears ``check_dates``)."""
    return select(ImportedRecord.entity_id).where(
        ImportedRecord.entity_type == "notice", ImportedRecord.check_dates.is_not(None)
    )


def _name(r) -> str:
    if r.surname:
        return f"{r.forename or ''} {r.surname}".strip()
    return r.org_name or r.group_description or ""


class NoticeRegisterService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today
        self._names: dict[uuid.UUID, str] | None = None

    def today(self) -> date:
        return self._today()

    # ----- the register --------------------------------------------------------------------------------

    def _statement(self, q: NoticeQuery) -> Select:
        stmt = select(N.id)
        needs_case = q.ward_id is not None or q.sort in ("case", "ward") or bool(q.text.strip())
        if needs_case:
            stmt = stmt.join(AsbCase, AsbCase.id == N.case_id)
        if q.text.strip():
            like = f"%{q.text.strip().lower()}%"
            stmt = _with_recipient(stmt).where(
                or_(
                    N.reference.ilike(like),
                    AsbCase.reference.ilike(like),
                    Person.surname.ilike(like),
                    Person.forename.ilike(like),
                    Organisation.name.ilike(like),
                )
            )
        if q.kind:
            stmt = stmt.where(N.kind == q.kind)
        if q.stage:
            stmt = stmt.where(N.stage == q.stage)
        if q.officer_id:
            stmt = stmt.where(N.issuing_officer_id == q.officer_id)
        if q.ward_id:
            stmt = stmt.where(AsbCase.ward_id == q.ward_id)
        if q.issued_from:
            stmt = stmt.where(N.issued_on >= q.issued_from)
        if q.issued_to:
            stmt = stmt.where(N.issued_on <= q.issued_to)
        if q.case_id:
            stmt = stmt.where(N.case_id == q.case_id)
        if q.dates_to_check:
            stmt = stmt.where(N.id.in_(_to_check()))
        if q.due_within_days is not None:
            stmt = stmt.where(N.next_due_on <= self._today() + timedelta(days=q.due_within_days))
            return stmt.order_by(N.next_due_on.asc(), N.reference.asc())
        col = SORT_COLUMNS.get(q.sort, N.issued_on)
        return stmt.order_by(
            col.desc() if q.descending else col.asc(),
            N.reference.desc() if q.descending else N.reference.asc(),
        )

    def notice_ids(self, q: NoticeQuery) -> list[uuid.UUID]:
        with self._uow("system") as uow:
            # A Core read: the ids need no ORM loading, which costs more than the query on 20,000 rows.
            stmt = scope_core(uow.session, self._statement(q), EnforcementNotice.case_id)  # a partner's cases
            return list(uow.session.connection().scalars(stmt))

    def forget_names(self) -> None:
        self._names = None

    def _lookup(self, uow: UnitOfWork, wanted: Iterable[uuid.UUID | None] = ()) -> dict[uuid.UUID, str]:
        # Read again when a row names a ward or officer the cache has not seen (issue 19: the Dashboard's
        # Officer column was blank after a demo load, as the names were cached while there were no users).
        if self._names is None or any(k is not None and k not in self._names for k in wanted):
            names = {w.id: w.name for w in uow.session.execute(select(Ward.id, Ward.name))}
            names.update(
                {u.id: u.display_name for u in uow.session.execute(select(AppUser.id, AppUser.display_name))}
            )
            self._names = names
        return self._names

    def rows_for(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, NoticeRow]:
        if not ids:
            return {}
        out: dict[uuid.UUID, NoticeRow] = {}
        with self._uow("system") as uow:
            cols = (
                N.id,
                N.reference,
                N.kind,
                N.stage,
                N.case_id,
                N.issuing_officer_id,
                N.issued_on,
                N.next_due_on,
                N.next_due_what,
                N.document_due,
                AsbCase.reference.label("case_ref"),
                AsbCase.ward_id,
                *_recipient_columns(),
            )
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                stmt = _with_recipient(select(*cols).join(AsbCase, AsbCase.id == N.case_id)).where(
                    N.id.in_(chunk)
                )
                rows = uow.session.execute(stmt).all()
                names = self._lookup(uow, [k for r in rows for k in (r.ward_id, r.issuing_officer_id)])
                to_check: dict[uuid.UUID, str | None] = dict(
                    uow.session.execute(
                        _to_check()
                        .add_columns(ImportedRecord.check_dates)
                        .where(ImportedRecord.entity_id.in_(chunk))
                    )
                    .tuples()
                    .all()
                )
                for r in rows:
                    out[r.id] = NoticeRow(
                        id=r.id,
                        reference=r.reference,
                        kind=_label(NoticeKind, r.kind),
                        kind_code=r.kind,
                        stage=_label(Stage, r.stage).capitalize(),
                        stage_code=r.stage,
                        case_id=r.case_id,
                        case_reference=r.case_ref,
                        recipient=_name(r),
                        ward=names.get(r.ward_id, ""),
                        officer=names.get(r.issuing_officer_id, ""),
                        issued_on=r.issued_on,
                        next_due_on=r.next_due_on,
                        next_due_what=r.next_due_what or "",
                        document_due=r.document_due,
                        dates_to_check=to_check.get(r.id) or "",
                    )
        return out

    def case_notices(self, case_id: uuid.UUID) -> list[NoticeRow]:
        ids = self.notice_ids(NoticeQuery(case_id=case_id, sort="issued_on", descending=True))
        rows = self.rows_for(ids)
        return [rows[i] for i in ids if i in rows]

    # ----- due and overdue ----------------------------------------------------------------------------

    def due(
        self, within_days: int = 14, officer_id: uuid.UUID | None = None, limit: int | None = None
    ) -> list[DueRow]:
        """Notices with a date needing action by today + ``within_days`` (overdue first): one indexed query.

        ``officer_id`` gives "My work" (the notices an officer issued).
        """
        today = self._today()
        horizon = today + timedelta(days=within_days)
        cols = (
            N.id,
            N.reference,
            N.kind,
            N.stage,
            N.case_id,
            N.issuing_officer_id,
            N.next_due_on,
            N.next_due_what,
            N.pay_by,
            N.discount_by,
            AsbCase.reference.label("case_ref"),
            *_recipient_columns(),
        )
        stmt = _with_recipient(select(*cols).join(AsbCase, AsbCase.id == N.case_id)).where(
            N.next_due_on <= horizon
        )
        if officer_id is not None:
            stmt = stmt.where(N.issuing_officer_id == officer_id)
        stmt = stmt.order_by(N.next_due_on.asc(), N.reference.asc())
        if limit is not None:
            stmt = stmt.limit(limit)
        out: list[DueRow] = []
        with self._uow("system") as uow:
            rows = uow.session.execute(stmt).all()
            names = self._lookup(uow, [r.issuing_officer_id for r in rows])
            for r in rows:
                on, what = r.next_due_on, r.next_due_what or ""
                # The stored date was the early-payment deadline; once it passes,
                # the full payment date is next.
                if r.discount_by and on == r.discount_by and today > r.discount_by and r.pay_by:
                    on, what = r.pay_by, "Fixed penalty payment due"
                    if on > horizon:
                        continue
                out.append(
                    DueRow(
                        id=r.id,
                        reference=r.reference,
                        kind=_label(NoticeKind, r.kind),
                        kind_code=r.kind,
                        stage=_label(Stage, r.stage).capitalize(),
                        case_id=r.case_id,
                        case_reference=r.case_ref,
                        recipient=_name(r),
                        officer=names.get(r.issuing_officer_id, ""),
                        due_on=on,
                        what=what,
                        overdue=on < today,
                    )
                )
        return out

    # ----- one notice ---------------------------------------------------------------------------------

    def detail(self, notice_id: uuid.UUID) -> NoticeDetail:
        with self._uow("system") as uow:
            return notice_detail(uow.session, notice_id)

    # ----- counts -------------------------------------------------------------------------------------

    def counts(self, start: date, end: date) -> NoticeCountsReport:
        """Notices issued from ``start`` to ``end`` inclusive, by type and by where they are now."""
        parent = aliased(EnforcementNotice)
        with self._uow("system") as uow:
            rows = uow.session.execute(
                select(N.kind, N.issued_on, N.stage, parent.kind.label("parent_kind"))
                .outerjoin(parent, parent.id == N.parent_id)
                .where(N.issued_on >= start, N.issued_on <= end)
            ).all()
        counts = count_notices(
            (
                NoticeRecord(
                    NoticeKind(r.kind),
                    r.issued_on,
                    Stage(r.stage),
                    NoticeKind(r.parent_kind) if r.parent_kind else None,
                )
                for r in rows
            ),
            start,
            end,
        )
        lines = []
        for kind in NoticeKind:
            n = counts.issued(kind)
            if not n:
                continue
            stages = sorted(
                ((st.label, c) for (k, st), c in counts.by_stage.items() if k is kind), key=lambda x: -x[1]
            )
            lines.append(CountLine(kind.value, kind.label, n, stages))
        return NoticeCountsReport(
            start,
            end,
            lines,
            counts.following(NoticeKind.CPN, NoticeKind.CPW),
            counts.following(NoticeKind.FPN, NoticeKind.CPN),
            action_taken_lines(counts),
        )

    # ----- choosing a case, a person and what a step follows -------------------------------------------

    def find_cases(self, text: str, limit: int = 30) -> list[CasePick]:
        clause = CaseSearch().clause(text)
        if clause is None:
            return []
        with self._uow("system") as uow:
            rows = uow.session.execute(
                select(AsbCase.id, AsbCase.reference, AsbCase.title)
                .where(or_(AsbCase.reference.ilike(f"%{text.strip()}%"), clause))
                .order_by(AsbCase.reported_on.desc())
                .limit(limit)
            )
            return [CasePick(r.id, r.reference, r.title) for r in rows]

    def case_pick(self, case_id: uuid.UUID) -> CasePick | None:
        with self._uow("system") as uow:
            c = uow.session.get(AsbCase, case_id)
            return CasePick(c.id, c.reference, c.title) if c else None

    def perpetrators(self, case_id: uuid.UUID) -> list[PartyPick]:
        today = self._today()
        with self._uow("system") as uow:
            s = uow.session
            parties = s.scalars(
                select(CaseParty).where(
                    CaseParty.case_id == case_id,
                    CaseParty.role == PartyRole.PERPETRATOR.value,
                    CaseParty.removed_on.is_(None),
                )
            ).all()
            out = []
            for p in parties:
                name, address, person, _ = recipient_of(s, p.id)
                dob = person.date_of_birth if person else None
                out.append(PartyPick(p.id, name, _label(PartyKind, p.kind), dob, age_on(dob, today), address))
            return out

    def parent_candidates(self, party_id: uuid.UUID, kind: str) -> list[ParentPick]:
        """What a new step may follow: the CPWs to this person (for a CPN), or
        their breached CPNs (an FPN)."""
        want = {
            NoticeKind.CPN.value: NoticeKind.CPW.value,
            NoticeKind.FPN.value: NoticeKind.CPN.value,
            NoticeKind.PROSECUTION.value: NoticeKind.CPN.value,
        }.get(kind)
        if want is None:
            return []
        with self._uow("system") as uow:
            s = uow.session
            rows = s.scalars(
                notices_to_same_recipient(s, party_id)
                .where(N.kind == want, N.issued_on.is_not(None))
                .order_by(N.issued_on.desc())
            ).all()
            out = []
            for n in rows:
                if kind == NoticeKind.FPN.value and n.stage != Stage.BREACHED.value:
                    continue
                label = f"{n.reference} — issued {n.issued_on:%d/%m/%Y}, {Stage(n.stage).label}"
                if n.comply_by:
                    label += f", comply by {n.comply_by:%d/%m/%Y}"
                out.append(ParentPick(n.id, label, n.kind, n.stage))
            return out

    def evidence_options(
        self, case_id: uuid.UUID
    ) -> tuple[list[tuple[uuid.UUID, str]], list[tuple[uuid.UUID, str]]]:
        """(incidents, documents) on a case that a breach can cite as evidence, newest first."""
        with self._uow("system") as uow:
            s = uow.session
            incidents = [
                (r.id, f"{r.occurred_at:%d/%m/%Y} — {r.description}"[:120])
                for r in s.execute(
                    select(Incident.id, Incident.occurred_at, Incident.description)
                    .where(Incident.case_id == case_id)
                    .order_by(Incident.occurred_at.desc())
                )
            ]
            documents = [
                (r.id, r.title)
                for r in s.execute(
                    select(Document.id, Document.title)
                    .where(Document.case_id == case_id)
                    .order_by(Document.created_at.desc())
                )
            ]
        return incidents, documents

    def filter_options(self) -> tuple[list[tuple[uuid.UUID, str]], list[tuple[uuid.UUID, str]]]:
        """(wards, officers) for the register's filters."""
        with self._uow("system") as uow:
            wards = [
                (r.id, r.name) for r in uow.session.execute(select(Ward.id, Ward.name).order_by(Ward.name))
            ]
            officers = [
                (r.id, r.display_name)
                for r in uow.session.execute(
                    select(AppUser.id, AppUser.display_name)
                    .where(AppUser.role != "partner")
                    .order_by(AppUser.display_name)
                )
            ]
        return wards, officers
