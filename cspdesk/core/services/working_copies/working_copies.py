"""Working copies for the area forums: take one, see which are out, revoke one,
bring one back, decide conflicts.

The copy is a SQLite file made through ``open_database`` (so it has every check a database has, and will be
encrypted the same way); the rows are written by ``core/sync/take.py``, the journal kept by
``core/sync/journal.py``, and brought back by ``core/sync/bring_back.py`` in one unit of work on the office.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import func, insert, select, update

from cspdesk.core.clock import Clock
from cspdesk.core.domain.protection import can_see_restricted
from cspdesk.core.domain.vocab import MeetingKind, Role
from cspdesk.core.errors import NotFound, PermissionDenied, UserError, ValidationError
from cspdesk.core.services.admin.settings import read_setting
from cspdesk.core.services.cases.case_index import refresh_case_index
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.database import Database, open_database, sqlite_path
from cspdesk.core.storage.models import (
    AsbCase,
    ChangeJournal,
    Meeting,
    SaferHomesReferral,
    SyncConflict,
    Ward,
    WorkingCopy,
    WorkingCopyInfo,
)
from cspdesk.core.storage.portable import one_at_a_time
from cspdesk.core.storage.uow import UnitOfWork
from cspdesk.core.sync import refresh as refreshing
from cspdesk.core.sync import take as taking
from cspdesk.core.sync.bring_back import CopyView, Outcome, bring_back, record_label
from cspdesk.core.sync.journal import is_working_copy
from cspdesk.core.sync.references import copy_code
from cspdesk.core.sync.values import decode_row, key_clause, table

RESTRICTED_VALUE = "(restricted referral: shown only to officers who may see restricted referrals)"
KIND_LABELS = {
    "same_field": "Changed on both sides",
    "closed_in_office": "Closed or taken off in the office, changed in the copy",
    "closed_in_copy": "Closed or taken off in the copy, changed in the office",
    "removed_in_office": "Taken off or removed in the office, changed in the copy",
    "deleted_in_copy": "Removed in the copy, changed in the office",
}


@dataclass(frozen=True)
class CopyInfo:
    """What the open database is, if it is a working copy (for the window's banner and title)."""

    copy_id: uuid.UUID
    office_label: str
    taken_at: datetime
    taken_by: str
    wards: tuple[str, ...]
    forum: str | None
    unsent_changes: int
    days_out: int = 0
    warn_after_days: int = 7  # working_copies.warn_after_days, as the copy holds it

    @property
    def overdue(self) -> bool:
        return out_too_long(self.days_out, self.warn_after_days)

    def overdue_text(self) -> str | None:
        """The warning a window or command shows on a copy out too long (None when it is not)."""
        if not self.overdue:
            return None
        return (
            f"This working copy has been out {self.days_out} days (taken {self.taken_at:%d/%m/%Y}), "
            f"more than the {self.warn_after_days} days the office allows. Bring it back to "
            f"{self.office_label} soon: the office cannot see your changes until you do."
        )


def out_too_long(days_out: int, warn_after_days: int) -> bool:
    """The one rule: a copy not brought back is out too long after ``working_copies.warn_after_days``."""
    return days_out > warn_after_days


@dataclass(frozen=True)
class OfficerOut:
    """An officer with working copies out too long (the office's Dashboard)."""

    officer: str
    copies: int
    longest_days: int
    warn_after_days: int


def officers_out_too_long(session: Any, today: date) -> list[OfficerOut]:
    """Who has working copies out (not brought back, not revoked) for longer than the setting allows."""
    warn = int(read_setting(session, "working_copies.warn_after_days"))
    by_officer: dict[str, list[int]] = {}
    for taken_by, taken_at in session.execute(
        select(WorkingCopy.taken_by, WorkingCopy.taken_at).where(
            WorkingCopy.brought_back_at.is_(None), WorkingCopy.revoked_at.is_(None)
        )
    ):
        days = (today - taken_at.date()).days
        if out_too_long(days, warn):
            by_officer.setdefault(taken_by, []).append(days)
    return [
        OfficerOut(who, len(days), max(days), warn)
        for who, days in sorted(by_officer.items(), key=lambda item: (-max(item[1]), item[0]))
    ]


@dataclass(frozen=True)
class TakenCopy:
    copy_id: uuid.UUID
    path: Path
    cases: int
    rows: int
    restricted_included: bool


@dataclass(frozen=True)
class CopyRow:
    copy_id: uuid.UUID
    taken_by: str
    taken_at: datetime
    wards: tuple[str, ...]
    forum: str | None
    cases: int
    file_name: str
    brought_back_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None
    days_out: int
    overdue: bool  # out (not back, not revoked) for longer than the setting allows

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "Revoked"
        if self.brought_back_at:
            return f"Brought back {self.brought_back_at:%d/%m/%Y %H:%M}"
        return f"Out {self.days_out} day{'s' if self.days_out != 1 else ''}" + (
            " — overdue" if self.overdue else ""
        )


@dataclass(frozen=True)
class BroughtBack:
    copy_id: uuid.UUID
    applied: int
    already_brought_back: int
    inserted: int
    updated_fields: int
    deleted: int
    conflicts: int
    renumbered: tuple[tuple[str, str], ...]  # (provisional, office reference)
    letters_to_check: tuple[tuple[str, str, str], ...]  # (letter title, provisional, office reference)
    changes: Changes


@dataclass(frozen=True)
class RefreshedCopy:
    added: int
    updated: int
    removed: int  # rows the office deleted or that left the copy's scope
    kept: tuple[str, ...]  # plain words: a record the office no longer gives the copy, kept for unsent work

    def summary(self) -> str:
        text = (
            f"{self.added} records added, {self.updated} updated and {self.removed} removed (deleted in the "
            "office or no longer in this copy's wards) from the office. Fields changed in the copy kept the "
            "copy's value."
        )
        if self.kept:
            text += (
                f" {len(self.kept)} record{'s' if len(self.kept) != 1 else ''} the office no longer gives "
                "this copy stay in it because the copy has changes on them not yet brought back:"
            )
        return text


@dataclass(frozen=True)
class ConflictRow:
    conflict_id: uuid.UUID
    record: str
    field: str  # the field's name in words, or "The whole record"
    kind: str
    base: str
    office: str
    copy: str
    copy_author: str
    copy_at: datetime
    decided: str | None  # "Office value kept by ...", "Copy value taken by ..."
    whole_record: bool


def _this_copy(session: Any, today: date) -> CopyInfo | None:
    info = session.scalar(select(WorkingCopyInfo).limit(1))
    if info is None:
        return None
    pending = session.scalar(select(func.count()).select_from(ChangeJournal)) or 0
    return CopyInfo(
        info.copy_id,
        info.office_label,
        info.taken_at,
        info.taken_by,
        tuple(info.wards or ()),
        info.forum,
        pending,
        (today - info.taken_at.date()).days,
        int(read_setting(session, "working_copies.warn_after_days")),
    )


def copy_out_too_long(engine: Any, today: date) -> str | None:
    """The warning for a database that is a working copy out too long (None for any other), for a command
    that opens a database without the services. Never raises: a file it cannot read gets no warning."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    try:
        if not is_working_copy(engine):
            return None
        with Session(engine) as session:
            info = _this_copy(session, today)
    except (SQLAlchemyError, UserError):
        return None
    return info.overdue_text() if info is not None else None


def _words(name: str | None) -> str:
    return name.replace("_", " ").capitalize() if name else "The whole record"


def _shown(value: Any) -> str:
    if value is None:
        return "(blank)"
    if isinstance(value, dict):
        return "; ".join(f"{_words(k)}: {_shown(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return str(value)


class WorkingCopyService:
    def __init__(self, uow: Callable[[str], UnitOfWork], database: Database, clock: Clock):
        self._uow = uow
        self._database = database
        self._clock = clock

    # ----- the open database

    def this_copy(self) -> CopyInfo | None:
        if not is_working_copy(self._database.engine):
            return None
        with self._uow("system") as uow:
            return _this_copy(uow.session, self._clock.today())

    # ----- taking

    def take(
        self,
        actor: Actor,
        target: Path | str,
        *,
        wards: Sequence[str] = (),
        forum: str | None = None,
        cases: str = "open",
    ) -> TakenCopy:
        actor.require(Role.OFFICER, "take a working copy")
        target = Path(target).expanduser()
        errors: dict[str, str] = {}
        if cases not in ("open", "all"):
            errors["cases"] = "Choose open cases or all cases."
        if not wards and not (forum or "").strip():
            errors["wards"] = "Choose the forum or at least one ward."
        if target.exists():
            errors["target"] = f"{target} already exists. Choose a new file name for the working copy."
        elif not target.parent.is_dir():
            errors["target"] = f"The folder {target.parent} does not exist."
        if self.this_copy() is not None:
            errors["source"] = "This database is itself a working copy. Take copies from the office database."
        if errors:
            raise ValidationError(errors)
        ward_ids, ward_names = self._choose_wards(wards, forum)
        copy_id = uuid.uuid4()
        taken_at = self._clock.utcnow()
        include_restricted = can_see_restricted(actor.viewer)
        sel = taking.Selection(tuple(ward_ids), (forum or "").strip() or None, cases, include_restricted)
        engine = self._database.engine
        office_file = sqlite_path(self._database.url)
        copy_db = None
        try:
            if office_file is not None:  # a SQLite office: copied inside SQLite, table by table
                copy_db = open_database(target)
                raw = copy_db.engine.raw_connection()
                try:
                    counts = taking.copy_from_sqlite_file(raw.driver_connection, str(office_file), sel)
                finally:
                    raw.close()
            else:  # a server: chosen there and read in one consistent snapshot
                with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
                    with conn.begin():
                        # The server chooses the rows while the new file is made and migrated here.
                        copy_db = taking.alongside(
                            lambda: taking.choose_on_server(conn, sel), lambda: open_database(target)
                        )
                        raw = copy_db.engine.raw_connection()
                        try:
                            counts = taking.copy_from_server(raw.driver_connection, conn)
                        finally:
                            raw.close()
            with copy_db.engine.begin() as cconn:
                cconn.execute(
                    insert(WorkingCopyInfo),
                    [
                        {
                            "copy_id": copy_id,
                            "office_label": self._database.label,
                            "taken_at": taken_at,
                            "taken_by": actor.username,
                            "wards": ward_names,
                            "forum": sel.forum,
                            "cases": cases,
                            "code": copy_code(copy_id.hex),
                            "refreshed_at": None,
                        }
                    ],
                )
            copy_db.engine.dispose()
            with self._uow(actor.username) as uow:
                uow.session.add(
                    WorkingCopy(
                        id=copy_id,
                        taken_by=actor.username,
                        taken_at=taken_at,
                        wards=ward_names,
                        forum=sel.forum,
                        cases=cases,
                        case_count=counts.get("asb_case", 0),
                        file_name=str(target),
                    )
                )
                uow.audit(
                    "take_copy",
                    "working_copy",
                    copy_id,
                    f"Working copy taken to {target.name}: {counts.get('asb_case', 0)} cases in "
                    f"{', '.join(ward_names)}"
                    + ("" if include_restricted else " (restricted Safer Homes referrals left out)"),
                    {
                        "wards": ward_names,
                        "forum": sel.forum,
                        "cases": cases,
                        "rows": counts,
                        "restricted_included": include_restricted,
                    },
                )
                uow.commit()
        except BaseException:
            if copy_db is not None:
                copy_db.engine.dispose()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            raise
        return TakenCopy(copy_id, target, counts.get("asb_case", 0), sum(counts.values()), include_restricted)

    def _choose_wards(self, wards: Sequence[str], forum: str | None) -> tuple[list[uuid.UUID], list[str]]:
        with self._uow("system") as uow:
            s = uow.session
            by_name = {w.name.lower(): w for w in s.scalars(select(Ward))}
            chosen: dict[uuid.UUID, str] = {}
            unknown = [w for w in wards if w.strip().lower() not in by_name]
            if unknown:
                raise ValidationError(
                    {
                        "wards": f"No ward called {', '.join(unknown)}. The wards are: "
                        f"{', '.join(sorted(w.name for w in by_name.values()))}."
                    }
                )
            for w in wards:
                ward = by_name[w.strip().lower()]
                chosen[ward.id] = ward.name
            if forum and forum.strip():
                meetings = s.scalars(
                    select(Meeting).where(
                        Meeting.kind == MeetingKind.AREA_FORUM.value,
                        Meeting.title.ilike(f"%{forum.strip()}%"),
                    )
                ).all()
                if not meetings:
                    raise ValidationError(
                        {"forum": f"No area forum called '{forum.strip()}' has been recorded."}
                    )
                names = {w.id: w.name for w in by_name.values()}
                for m in meetings:
                    if m.ward_id is not None:
                        chosen[m.ward_id] = names.get(m.ward_id, "")
            return list(chosen), sorted(chosen.values())

    # ----- the office's list

    def copies(self) -> list[CopyRow]:
        today = self._clock.today()
        with self._uow("system") as uow:
            warn = int(read_setting(uow.session, "working_copies.warn_after_days"))
            rows = uow.session.scalars(select(WorkingCopy).order_by(WorkingCopy.taken_at.desc())).all()
            out = []
            for r in rows:
                days = (today - r.taken_at.date()).days
                out_now = r.brought_back_at is None and r.revoked_at is None
                out.append(
                    CopyRow(
                        r.id,
                        r.taken_by,
                        r.taken_at,
                        tuple(r.wards or ()),
                        r.forum,
                        r.case_count,
                        r.file_name,
                        r.brought_back_at,
                        r.revoked_at,
                        r.revoked_by,
                        days,
                        out_now and out_too_long(days, warn),
                    )
                )
            return out

    def revoke(self, actor: Actor, copy_id: uuid.UUID, reason: str) -> Changes:
        actor.require(Role.ADMINISTRATOR, "revoke a working copy")
        if not reason.strip():
            raise ValidationError({"reason": "Say why (for example 'laptop lost on the train')."})
        with self._uow(actor.username) as uow:
            wc = uow.session.get(WorkingCopy, copy_id)
            if wc is None:
                raise NotFound("That working copy is not listed in this database.")
            if wc.revoked_at is None:
                wc.revoked_at = self._clock.utcnow()
                wc.revoked_by = actor.username
                wc.revoked_reason = reason.strip()
                uow.audit(
                    "revoke_copy",
                    "working_copy",
                    copy_id,
                    f"Working copy taken by {wc.taken_by} on "
                    f"{wc.taken_at:%d/%m/%Y} revoked: {reason.strip()}",
                )
                uow.commit()
        return Changes.of("working_copy", ids=(copy_id,))

    # ----- refreshing

    def refresh(self, actor: Actor, copy_path: Path | str) -> RefreshedCopy:
        """Pull into the copy what the office (this database) changed since the copy was taken."""
        actor.require(Role.OFFICER, "refresh a working copy")
        copy_path = Path(copy_path).expanduser()
        copy_db = _open_copy(copy_path)
        try:
            with copy_db.engine.connect() as cconn:
                info = _copy_info(cconn, copy_db, copy_path, "")
            with self._uow("system") as uow:
                wc = uow.session.get(WorkingCopy, info["copy_id"])
                if wc is None or wc.revoked_at is not None:
                    raise UserError("This working copy was not taken from this database, or it was revoked.")
                ward_ids = [
                    w.id for w in uow.session.scalars(select(Ward).where(Ward.name.in_(wc.wards or [])))
                ]
                sel = taking.Selection(tuple(ward_ids), wc.forum, wc.cases, can_see_restricted(actor.viewer))
            engine = self._database.engine
            raw = engine.dialect.name == "sqlite"
            conn = engine.connect()
            if not raw:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            try:
                with conn.begin():
                    rows = taking.gather(conn, sel, raw=raw)
            finally:
                conn.close()
            taking.trim_foreign_keys(rows)
            with copy_db.engine.begin() as cconn:
                done = refreshing.refresh(cconn, rows, raw=raw)
                cconn.execute(update(WorkingCopyInfo).values(refreshed_at=self._clock.utcnow()))
                kept = tuple(_kept_words(cconn, self._database.engine, k) for k in done.kept)
        finally:
            copy_db.engine.dispose()
        counts = {"added": done.added, "updated": done.updated, "removed": done.removed, "kept": len(kept)}
        with self._uow(actor.username) as uow:
            uow.audit(
                "refresh_copy",
                "working_copy",
                info["copy_id"],
                f"Working copy refreshed from the office: {done.added} records added, "
                f"{done.updated} updated, {done.removed} removed, {len(kept)} kept for unsent changes",
                counts,
            )
            uow.commit()
        return RefreshedCopy(done.added, done.updated, done.removed, kept)

    # ----- bringing back

    def bring_back(self, actor: Actor, copy_path: Path | str) -> BroughtBack:
        actor.require(Role.OFFICER, "bring back a working copy")
        copy_path = Path(copy_path).expanduser()
        copy_db = _open_copy(copy_path)
        try:
            with copy_db.engine.connect() as cconn:
                info = _copy_info(cconn, copy_db, copy_path, "; nothing to bring back")
                entries = [
                    dict(e)
                    for e in cconn.execute(
                        select(ChangeJournal.__table__).order_by(ChangeJournal.seq)
                    ).mappings()
                ]
                return self._bring_back(actor, info, entries, CopyView(cconn))
        finally:
            copy_db.engine.dispose()

    def _bring_back(self, actor: Actor, info, entries: list[dict], view: CopyView) -> BroughtBack:
        copy_id = info["copy_id"]
        with self._uow(actor.username) as uow:
            s = uow.session
            one_at_a_time(s, "working_copy.bring_back")  # two laptops back at once: one after the other
            wc = s.get(WorkingCopy, copy_id)
            if wc is None and info["office_label"] == self._database.label:
                # the same database, which has no record of the copy: put back from a backup made before it
                raise UserError(
                    f"This working copy was taken from this database on {info['taken_at']:%d/%m/%Y %H:%M}, "
                    "but the database has no record of it: it has probably been restored from a backup made "
                    "before then. Nothing was brought back. Ask an administrator: the changes in the copy "
                    "can be entered again, or the database restored from a later backup."
                )
            if wc is None:
                raise UserError(
                    f"This working copy was taken from {info['office_label']}, not from "
                    f"{self._database.label}. Bring it back to the database it was taken from."
                )
            if wc.revoked_at is not None:
                raise UserError(
                    f"This working copy was revoked by {wc.revoked_by} on {wc.revoked_at:%d/%m/%Y} "
                    f"({wc.revoked_reason}); its changes are not accepted. Enter them again from the "
                    "paper notes, or ask an administrator."
                )
            now = self._clock.utcnow()
            outcome: Outcome = bring_back(
                s.connection(),
                copy_id,
                entries,
                view,
                renumber=lambda _c, name, row: _office_reference(s, name, row, now),
                now=now,
            )
            for case_id in sorted(outcome.cases_touched):
                # the case list's columns (names, place, search text) from the merged parties and location
                if s.get(AsbCase, uuid.UUID(case_id)) is not None:
                    refresh_case_index(s, uuid.UUID(case_id))
            if outcome.applied:
                wc.brought_back_at = now
                wc.brought_back_by = actor.username
                letters = [(t, p, outcome.renumbered[p]) for t, p in outcome.letters]
                uow.audit(
                    "bring_back",
                    "working_copy",
                    copy_id,
                    f"Working copy taken by {wc.taken_by} on {wc.taken_at:%d/%m/%Y} brought back: "
                    f"{outcome.applied} changes, {outcome.conflicts} conflicts",
                    {
                        "inserted": outcome.inserted,
                        "updated_fields": outcome.updated_fields,
                        "deleted": outcome.deleted,
                        "conflicts": outcome.conflicts,
                        "renumbered": outcome.renumbered,
                        "letters": letters,
                    },
                )
            uow.commit()
        renumbered_letters = tuple((t, p, outcome.renumbered[p]) for t, p in outcome.letters)
        return BroughtBack(
            copy_id,
            outcome.applied,
            outcome.already,
            outcome.inserted,
            outcome.updated_fields,
            outcome.deleted,
            outcome.conflicts,
            tuple(outcome.renumbered.items()),
            renumbered_letters,
            Changes.of(
                "case",
                "party",
                "incident",
                "action",
                "meeting",
                "notice",
                "referral",
                "working_copy",
                "conflict",
            ),
        )

    # ----- conflicts

    def conflicts(self, actor: Actor | None = None, *, include_decided: bool = False) -> list[ConflictRow]:
        """Conflicts waiting (or all). A restricted Safer Homes referral's values are shown only to an
        ``actor`` who may see restricted referrals (core.domain.protection)."""
        with self._uow("system") as uow:
            q = select(SyncConflict).order_by(SyncConflict.created_at)
            if not include_decided:
                q = q.where(SyncConflict.decided_at.is_(None))
            out = []
            for c in uow.session.scalars(q):
                if c.table_name == "safer_homes_referral" and not (
                    actor and can_see_restricted(actor.viewer)
                ):
                    restricted = uow.session.scalar(
                        select(SaferHomesReferral.restricted).where(
                            SaferHomesReferral.id == uuid.UUID(c.row_key)
                        )
                    )
                    if restricted is not False:
                        out.append(
                            ConflictRow(
                                c.id,
                                c.record_label,
                                _words(c.field),
                                KIND_LABELS.get(c.kind, c.kind),
                                RESTRICTED_VALUE,
                                RESTRICTED_VALUE,
                                RESTRICTED_VALUE,
                                c.copy_author,
                                c.copy_at,
                                None,
                                c.field is None,
                            )
                        )
                        continue
                decided = None
                if c.decided_at:
                    decided = (
                        f"{'Office' if c.decision == 'office' else 'Copy'} value kept by {c.decided_by} "
                        f"on {c.decided_at:%d/%m/%Y}"
                    )
                out.append(
                    ConflictRow(
                        c.id,
                        c.record_label,
                        _words(c.field),
                        KIND_LABELS.get(c.kind, c.kind),
                        _shown(c.base_value),
                        _shown(c.office_value),
                        _shown(c.copy_value),
                        c.copy_author,
                        c.copy_at,
                        decided,
                        c.field is None,
                    )
                )
            return out

    def decide(self, actor: Actor, conflict_id: uuid.UUID, keep: str) -> Changes:
        """Keep the office's value (``keep="office"``) or take the copy's (``"copy"``)."""
        actor.require(Role.OFFICER, "decide a working-copy conflict")
        if keep not in ("office", "copy"):
            raise ValidationError({"keep": "Keep the office's value or the copy's."})
        with self._uow(actor.username) as uow:
            s = uow.session
            c = s.get(SyncConflict, conflict_id)
            if c is None:
                raise NotFound("That conflict is no longer listed.")
            if c.decided_at is not None:
                raise UserError(f"That conflict was already decided by {c.decided_by}.")
            if (
                c.table_name == "safer_homes_referral"
                and not can_see_restricted(actor.viewer)
                and s.scalar(
                    select(SaferHomesReferral.restricted).where(SaferHomesReferral.id == uuid.UUID(c.row_key))
                )
            ):
                raise PermissionDenied(
                    "This conflict is on a restricted Safer Homes referral; an officer who may see "
                    "restricted referrals must decide it."
                )
            tbl = table(c.table_name)
            exists = (
                s.connection()
                .execute(select(func.count()).select_from(tbl).where(key_clause(tbl, c.row_key)))
                .scalar_one()
                > 0
            )
            if keep == "copy":
                if not exists:
                    raise UserError(
                        "The record is no longer in this database, so only the office's version can be kept."
                    )
                if c.kind == "deleted_in_copy":
                    s.connection().execute(tbl.delete().where(key_clause(tbl, c.row_key)))
                else:
                    # a whole row (a dict of its columns) when no one field is in conflict
                    values = (
                        cast(dict[str, Any], c.copy_value) if c.field is None else {c.field: c.copy_value}
                    )
                    row = decode_row(tbl, values)
                    if "version" in tbl.c:
                        row["version"] = tbl.c.version + 1
                    if "updated_at" in tbl.c:
                        row["updated_at"] = self._clock.utcnow()
                    s.connection().execute(update(tbl).where(key_clause(tbl, c.row_key)).values(**row))
            c.decided_at = self._clock.utcnow()
            c.decided_by = actor.username
            c.decision = keep
            uow.audit(
                "decide_conflict",
                c.table_name,
                None,
                f"Working-copy conflict on {c.record_label} ({_words(c.field).lower()}): "
                f"{'office' if keep == 'office' else 'copy'} value kept",
                {
                    "row": c.row_key,
                    "field": c.field,
                    "office": c.office_value,
                    "copy": c.copy_value,
                    "copy_author": c.copy_author,
                },
            )
            uow.commit()
        return Changes.of("conflict", "case", "party")


def _office_reference(session, name: str, row: dict[str, Any], now: datetime) -> str:
    """The office's next reference for a record numbered provisionally in a copy (the office's own rules)."""
    if name == "asb_case":
        from cspdesk.core.services.cases.case_intake import _next_reference

        return _next_reference(
            session, str(read_setting(session, "cases.reference_prefix")), row["reported_on"].year
        )
    if name == "enforcement_notice":
        from cspdesk.core.services.enforcement.enforcement_support import next_reference

        return next_reference(session, row["kind"], (row.get("issued_on") or row["created_at"] or now).year)
    if name == "safer_homes_referral":
        from cspdesk.core.services.safer_homes.safer_homes_records import next_reference as sh_next

        return sh_next(session, row["referred_on"])
    from cspdesk.core.services.case_review.case_review import next_case_review_reference

    return next_case_review_reference(session, row["received_on"].year)


def _kept_words(cconn: Any, office: Any, kept: refreshing.Kept) -> str:
    """A kept record in plain words: what it is, and why bringing the copy back will ask about it."""
    tbl = table(kept.table_name)
    label = record_label(kept.table_name, kept.row)
    with office.connect() as oconn:
        still = oconn.execute(select(func.count()).select_from(tbl).where(key_clause(tbl, kept.key))).scalar()
    if not kept.changed_here:
        why = "kept because records made or changed in this copy belong to it"
    elif still:
        why = (
            "no longer in this copy's wards in the office; your changes to it go back when the copy is "
            "brought back"
        )
    else:
        why = (
            "deleted in the office; your changes to it are kept here, and bringing the copy back will list "
            "it as a conflict for you to decide"
        )
    return f"{label}: {why}."


def _open_copy(copy_path: Path) -> Any:
    """The working copy at ``copy_path`` (refresh and bring-back): never made if the path is mistyped."""
    if not copy_path.is_file():
        raise ValidationError({"copy": f"There is no file {copy_path}."})
    return open_database(copy_path, create=False)


def _copy_info(cconn: Any, copy_db: Any, copy_path: Path, doing: str) -> Any:
    """What the copy says it is, or a plain refusal when the file is a CSPDesk database but not a copy."""
    info = (
        cconn.execute(select(WorkingCopyInfo)).mappings().first() if is_working_copy(copy_db.engine) else None
    )
    if info is None:
        raise UserError(f"{copy_path} is a CSPDesk database but not a working copy{doing}.")
    return info
