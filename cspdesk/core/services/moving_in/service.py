"""The moving-in service: read a spreadsheet, map it, dry-run it, import it as one batch, undo a batch."""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import NotFound, UserError
from cspdesk.core.importers.spreadsheet_values import cell_text
from cspdesk.core.importers.spreadsheets import Sheet, read_spreadsheet
from cspdesk.core.services.admin.settings import (
    BY_KEY,
    enforcement_rules,
    read_setting,
    read_settings,
    section,
)
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.services.moving_in.api import (
    BatchSummary,
    ColumnInfo,
    DryRun,
    ImportPlan,
    ImportResult,
    NoticeToCheck,
    RecordKind,
    SheetInfo,
    TargetField,
    ValueToMap,
    WorkbookInfo,
)
from cspdesk.core.services.moving_in.fields import IMPORTABLE, SPECS, propose_columns, target_fields
from cspdesk.core.services.moving_in.people import Known, PeopleMatcher, norm
from cspdesk.core.services.moving_in.rows import Lookups, ReadResult, dates_as_read, read_rows
from cspdesk.core.services.moving_in.rows import values_to_map as _values_to_map
from cspdesk.core.services.moving_in.write import WRITE_ORDER, Built, Context, build, settle_people, write
from cspdesk.core.services.safer_homes.safer_homes_records import current_rules, stored_rules
from cspdesk.core.storage.base import Base, utcnow
from cspdesk.core.storage.models import (
    Address,
    Agency,
    AppUser,
    AsbCase,
    CaseAction,
    CaseParty,
    EnforcementNotice,
    ImportBatch,
    ImportedRecord,
    ImportMapping,
    Incident,
    NoticeEvent,
    Person,
    SaferHomesReferral,
    Ward,
    WorkingCopyInfo,
)
from cspdesk.core.storage.portable import one_at_a_time

# Inserted through the table, not the mapped class: the ORM split 10,000 rows of mixed shapes (a legacy
# reference or none) into 2,000 small batches.
RECORDS = Base.metadata.tables["imported_record"]
# (what is being done, done so far, out of): "Reading rows", 1200, 2000
Progress = Callable[[str, int, int], None]
FIRST_ROWS = 10
EXAMPLES = 3
CHUNK = 500  # ids per IN (...) list
MODELS: dict[str, Any] = {  # the mapped classes (Tracked: id and version)
    "address": Address,
    "person": Person,
    "case": AsbCase,
    "party": CaseParty,
    "incident": Incident,
    "notice": EnforcementNotice,
    "notice_event": NoticeEvent,
    "action": CaseAction,
    "referral": SaferHomesReferral,
}
NOUNS = {
    "case": "case",
    "incident": "incident",
    "notice": "notice",
    "action": "action",
    "party": "person on a case",
    "referral": "Safer Homes referral",
}


class MovingInService:
    """Importing existing records from XLSX/CSV files. Every write needs an administrator."""

    def __init__(self, uow: Callable, today: Callable):
        self._uow = uow
        self._today = today
        self._lock = threading.Lock()
        self._cached: tuple[tuple[str, int, int], list[Sheet]] | None = None

    # --- reading ---------------------------------------------------------------------------------------

    def _sheets(self, path: str | Path, progress: Progress | None = None) -> list[Sheet]:
        """The file's sheets, read once while it is unchanged (the window asks several times)."""
        p = Path(path)
        try:
            st = p.stat()
            key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
        except OSError:
            return read_spreadsheet(p)  # says in plain words what is wrong with the path
        with self._lock:
            if self._cached is not None and self._cached[0] == key:
                return self._cached[1]
        sheets = read_spreadsheet(p, progress)
        with self._lock:
            self._cached = (key, sheets)
        return sheets

    def _sheet(self, path: str | Path, name: str) -> Sheet:
        sheets = self._sheets(path)
        for sheet in sheets:
            if sheet.name == name:
                return sheet
        names = ", ".join(f'"{s.name}"' for s in sheets)
        raise UserError(f'{Path(path).name} has no sheet called "{name}". Its sheets: {names}.')

    def open_file(self, path: str | Path, progress: Progress | None = None) -> WorkbookInfo:
        """The file's sheets, each with its heading row found, columns, row count, first rows and notes.
        ``progress`` hears of each sheet, and of every 5,000 rows, as it is read.

        Raises ``SpreadsheetProblem`` (a ``UserError``) in plain words for a file that is not a spreadsheet,
        is password-protected, is empty or cannot be found."""
        sheets = self._sheets(path, progress)
        shapes: dict[str, list[str]] = defaultdict(list)
        for sheet in sheets:
            if sheet.headings:
                shapes[sheet.shape].append(sheet.name)
        infos = []
        for sheet in sheets:
            columns = []
            for i, heading in enumerate(sheet.headings):
                examples: list[str] = []
                raw: list[object] = []
                for _row, values in sheet.rows:
                    if len(examples) >= EXAMPLES:
                        break
                    if text := cell_text(values[i]):
                        examples.append(text)
                        raw.append(values[i])
                as_dates = dates_as_read(raw)
                columns.append(ColumnInfo(i, heading, sheet.hidden[i], tuple(examples), as_dates))
            first = tuple(tuple(cell_text(v) for v in values) for _row, values in sheet.rows[:FIRST_ROWS])
            same = tuple(n for n in shapes.get(sheet.shape, []) if n != sheet.name) if sheet.headings else ()
            infos.append(
                SheetInfo(
                    sheet.name,
                    sheet.header_row,
                    tuple(columns),
                    len(sheet.rows),
                    first,
                    tuple(sheet.notes),
                    same,
                    sheet.shape,
                )
            )
        file_type = "xlsx" if Path(path).suffix.lower() in (".xlsx", ".xlsm") else "csv"
        return WorkbookInfo(str(path), file_type, tuple(infos))

    def kinds(self) -> tuple[RecordKind, ...]:
        """The kinds of record a sheet may hold, in the order the window offers them."""
        return IMPORTABLE

    def fields(self, kind: RecordKind) -> tuple[TargetField, ...]:
        """The fields a column of a ``kind`` sheet may be mapped to (choices filled from the database)."""
        kind = _importable(kind)
        with self._uow("moving-in") as uow:
            lookups = self._lookups(uow.session, kind)
        return target_fields(kind, lookups.officers, lookups.wards, lookups.agencies)

    def propose(self, path: str | Path, sheet: str, kind: RecordKind) -> ImportPlan:
        """A plan with columns mapped from their headings (synonyms, case and punctuation ignored), or the
        mapping remembered for a file of the same shape (columns and values). Hidden columns are never
        proposed. Values are mapped only where remembered or where the file's word is CSPDesk's own."""
        kind = _importable(kind)
        found = self._sheet(path, sheet)
        with self._uow("moving-in") as uow:
            kept = uow.session.scalar(
                select(ImportMapping).where(
                    ImportMapping.shape == found.shape, ImportMapping.kind == kind.value
                )
            )
        if kept is not None:
            keys = {s.key for s in SPECS[kind]}
            columns = {h: k for h, k in kept.columns.items() if h in found.headings and k in keys}
            values = {k: dict(v) for k, v in kept.value_map.items()}
            return ImportPlan(str(path), sheet, kind, columns, values, remembered=True)
        return ImportPlan(str(path), sheet, kind, propose_columns(kind, found.headings, found.hidden))

    def values_to_map(self, plan: ImportPlan) -> tuple[ValueToMap, ...]:
        """Every distinct value in the plan's CHOICE/OFFICER/WARD columns, with counts, close-match
        suggestions (never applied unasked) and what the plan maps it to now."""
        sheet = self._sheet(plan.path, plan.sheet)
        with self._uow("moving-in") as uow:
            lookups = self._lookups(uow.session, plan.kind)
        return _values_to_map(sheet, plan, lookups)

    # --- importing -------------------------------------------------------------------------------------

    def dry_run(self, actor: Actor, plan: ImportPlan, progress: Progress | None = None) -> DryRun:
        """What ``run`` would do: counts, rejected rows with reasons, flagged rows, uncertain people.
        Writes nothing."""
        actor.require(Role.ADMINISTRATOR, "import records")
        _importable(plan.kind)
        sheet = self._sheet(plan.path, plan.sheet)
        with self._uow(actor.username) as uow:  # left without commit: nothing is written
            built, read, people, lookups = self._build(uow.session, actor, plan, sheet, progress)
        return DryRun(
            plan,
            len(sheet.rows),
            _counts(built),
            tuple(built.rejected),
            tuple(built.flagged),
            tuple(people.uncertain),
            tuple(v for v in _values_to_map(sheet, plan, lookups) if v.mapped_to is None),
            tuple(read.missing),
            tuple(built.notes),
        )

    def run(self, actor: Actor, plan: ImportPlan, progress: Progress | None = None) -> ImportResult:
        """Import in one transaction as one batch (rejected rows left out, listed in the result), and
        remember the plan's mapping for files of this shape. Needs an administrator."""
        actor.require(Role.ADMINISTRATOR, "import records")
        _importable(plan.kind)
        sheet = self._sheet(plan.path, plan.sheet)
        with self._uow(actor.username) as uow:
            s = uow.session
            one_at_a_time(s, "asb_case.reference")
            one_at_a_time(s, "enforcement_notice.reference")
            built, read, _people, _lookups = self._build(s, actor, plan, sheet, progress)
            if read.missing:
                raise UserError(f"Nothing was imported: no column is mapped to {', '.join(read.missing)}.")
            if not built.records:
                raise UserError(
                    f'Nothing was imported: every row of "{plan.sheet}" was refused '
                    f"({len(built.rejected):,} rows). The dry run lists why."
                )
            if progress:
                progress("Writing records", 0, 1)
            write(s, built, (lambda n, of: progress("Writing records", n, of)) if progress else None)
            batch = ImportBatch(
                id=uuid.uuid4(),
                file_name=Path(plan.path).name,
                sheet=plan.sheet,
                kind=plan.kind.value,
                imported_at=utcnow(),
                imported_by=actor.username,
                counts=_counts(built),
            )
            s.add(batch)
            s.flush()
            rows = [
                {"id": uuid.uuid4(), "batch_id": batch.id, "version_at_import": 1, "check_dates": None, **r}
                for r in built.records
            ]
            for i in range(0, len(rows), 5000):
                s.execute(insert(RECORDS), rows[i : i + 5000])
            summary = f"Imported {plan.kind.label.lower()} from {batch.file_name}, sheet {plan.sheet}"
            uow.audit("import", "import_batch", batch.id, summary, {"counts": batch.counts})
            by_type: dict[str, list] = defaultdict(list)
            for entity_type, entity_id, text in built.audit:
                by_type[entity_type].append((entity_id, text, {"import_batch": batch.id.hex}))
            for entity_type, entries in by_type.items():
                uow.audit_many("import", entity_type, entries)
            self._remember(s, sheet, plan)
            uow.commit()
        kinds = {r["entity_type"] for r in built.records}
        return ImportResult(
            batch.id,
            _counts(built),
            tuple(built.rejected),
            tuple(built.flagged),
            Changes.of("import_batch", *kinds),
            tuple(built.notes),
        )

    def remember(self, actor: Actor, plan: ImportPlan) -> None:
        """Keep the plan's column and value mapping for files of the same shape (``run`` does it too)."""
        actor.require(Role.ADMINISTRATOR, "import records")
        sheet = self._sheet(plan.path, plan.sheet)
        with self._uow(actor.username) as uow:
            self._remember(uow.session, sheet, plan)
            uow.audit("update", "import_mapping", None, f'Mapping kept for sheets like "{plan.sheet}"')
            uow.commit()

    def _remember(self, s: Session, sheet: Sheet, plan: ImportPlan) -> None:
        kept = s.scalar(
            select(ImportMapping).where(
                ImportMapping.shape == sheet.shape, ImportMapping.kind == plan.kind.value
            )
        )
        values = {k: dict(v) for k, v in plan.values.items()}
        if kept is None:
            s.add(
                ImportMapping(
                    shape=sheet.shape, kind=plan.kind.value, columns=dict(plan.columns), value_map=values
                )
            )
        else:
            kept.columns, kept.value_map = dict(plan.columns), values

    def _build(
        self, s: Session, actor: Actor, plan: ImportPlan, sheet: Sheet, progress: Progress | None
    ) -> tuple[Built, ReadResult, PeopleMatcher, Lookups]:
        if s.scalar(select(WorkingCopyInfo.code).limit(1)) is not None:  # only a working copy has one
            raise UserError(
                "This is a working copy: import records in the office database, then take a new working copy."
            )
        total = len(sheet.rows)
        if progress:
            progress("Checking rows", 0, total)
        lookups = self._lookups(s, plan.kind)
        read = read_rows(
            sheet, plan, lookups, (lambda n: progress("Checking rows", n, total)) if progress else None
        )
        people = PeopleMatcher(
            _known_people(s) if plan.kind in (RecordKind.CASES, RecordKind.PEOPLE) else (),
            plan.confirmed_people,
        )
        if read.missing:
            return Built(rejected=list(read.rejected)), read, people, lookups
        prefix = read_setting(s, "cases.reference_prefix") or BY_KEY["cases.reference_prefix"].default
        ctx = Context(
            s,
            actor.display_name,
            self._today(),
            enforcement_rules(section(read_settings(s, "enforcement"), "enforcement")),
            {u: i for u, i in s.execute(select(AppUser.username, AppUser.id))},
            {n: i for n, i in s.execute(select(Ward.name, Ward.id))},
            lambda refs: _case_ids(s, refs),
            str(prefix),
            Path(plan.path).name,
            stored_rules(current_rules(s)) if plan.kind is RecordKind.SAFER_HOMES else None,
            (lambda n: progress("Making records", n, len(read.rows))) if progress else None,
        )
        built = build(plan.kind, read, people, ctx)
        settle_people(built, people)
        if progress:
            progress("Checking rows", len(sheet.rows), len(sheet.rows))
        return built, read, people, lookups

    def _lookups(self, s: Session, kind: RecordKind) -> Lookups:
        officers = tuple(
            (u, d)
            for u, d in s.execute(
                select(AppUser.username, AppUser.display_name)
                .where(AppUser.active.is_(True))
                .order_by(AppUser.display_name)
            )
        )
        wards = tuple((n, n) for (n,) in s.execute(select(Ward.name).order_by(Ward.name)))
        known: dict[str, str] = {}
        entity = {
            RecordKind.CASES: "case",
            RecordKind.NOTICES: "notice",
            RecordKind.SAFER_HOMES: "referral",
        }.get(kind)
        if entity:
            for ref, when in s.execute(
                select(ImportedRecord.legacy_reference, ImportBatch.imported_at)
                .join(ImportBatch, ImportBatch.id == ImportedRecord.batch_id)
                .where(ImportedRecord.entity_type == entity, ImportBatch.undone_at.is_(None))
            ):
                if ref:
                    known[ref] = f"on {when:%d/%m/%Y}"
        agencies = tuple((n, n) for (n,) in s.execute(select(Agency.name).order_by(Agency.name)))
        return Lookups(officers, wards, known, self._today(), agencies)

    # --- batches ---------------------------------------------------------------------------------------

    def batches(self) -> list[BatchSummary]:
        """Every import batch, newest first, undone ones included."""
        with self._uow("moving-in") as uow:
            rows = uow.session.scalars(select(ImportBatch).order_by(ImportBatch.imported_at.desc())).all()
            return [
                BatchSummary(
                    b.id,
                    b.file_name,
                    b.sheet,
                    RecordKind(b.kind),
                    b.imported_at,
                    b.imported_by,
                    dict(b.counts),
                    b.undone_at,
                    b.undone_by,
                )
                for b in rows
            ]

    def undo(self, actor: Actor, batch_id: uuid.UUID) -> Changes:
        """Remove everything a batch made. Refused (``UserError``, plain words) once any of its records
        was changed, or something was added to them, since the import. Needs an administrator."""
        actor.require(Role.ADMINISTRATOR, "undo an import")
        with self._uow(actor.username) as uow:
            s = uow.session
            batch = s.get(ImportBatch, batch_id)
            if batch is None:
                raise NotFound("There is no such import batch.")
            when = f"{batch.imported_at:%d/%m/%Y %H:%M}"
            if batch.undone_at is not None:
                raise UserError(f"The import of {batch.file_name} on {when} was already undone.")
            records = s.execute(
                select(
                    ImportedRecord.entity_type,
                    ImportedRecord.entity_id,
                    ImportedRecord.version_at_import,
                    ImportedRecord.legacy_reference,
                ).where(ImportedRecord.batch_id == batch_id, ImportedRecord.made.is_(True))
            ).all()
            by_type: dict[str, dict[uuid.UUID, tuple[int, str | None]]] = defaultdict(dict)
            for entity_type, entity_id, version, legacy in records:
                by_type[entity_type][entity_id] = (version, legacy)
            ours = {i for ids in by_type.values() for i in ids}
            refusal = _changed_since(s, by_type) or _added_since(s, by_type, ours)
            if refusal:
                raise UserError(
                    f"The import of {batch.file_name} on {when} cannot be undone: {refusal}. Undo changes "
                    "nothing once its records have been worked on; change or remove them one by one instead."
                )
            for model in reversed(WRITE_ORDER):
                name = next(k for k, m in MODELS.items() if m is model)
                ids = list(by_type.get(name, {}))
                for i in range(0, len(ids), CHUNK):
                    s.execute(delete(model).where(model.id.in_(ids[i : i + CHUNK])))
            batch.undone_at = utcnow()
            batch.undone_by = actor.username
            uow.audit(
                "undo",
                "import_batch",
                batch.id,
                f"Import of {batch.file_name} (sheet {batch.sheet}) undone: {len(ours):,} records removed",
            )
            uow.commit()
        return Changes.of("import_batch", *by_type)

    def dates_checked(self, actor: Actor, notice_id: uuid.UUID) -> Changes:
        """An officer has checked an imported notice's dates against the notice as served: it leaves the
        notices to check (Past imports, and the register's "Imported — dates to check"). What disagreed is
        kept in the audit row. The notice itself is not changed, so checking does not stop an undo."""
        actor.require(Role.OFFICER, "mark an imported notice's dates as checked")
        with self._uow(actor.username) as uow:
            s = uow.session
            if s.scalar(select(WorkingCopyInfo.code).limit(1)) is not None:  # what an import made stays home
                raise UserError(
                    "This is a working copy: mark the notice's dates checked in the office database."
                )
            notice = s.get(EnforcementNotice, notice_id)  # partner-scoped like every read
            if notice is None:
                raise NotFound("That notice no longer exists.")
            record = s.scalars(
                select(ImportedRecord).where(
                    ImportedRecord.entity_type == "notice",
                    ImportedRecord.entity_id == notice_id,
                    ImportedRecord.check_dates.is_not(None),
                )
            ).first()
            if record is None:
                raise UserError(
                    f"Notice {notice.reference} has no imported dates to check: someone may have marked "
                    "them checked already."
                )
            uow.audit(
                "dates_checked",
                "notice",
                notice_id,
                f"Imported notice {notice.reference}: dates checked against the notice as served "
                f"(the file said: {record.check_dates})",
            )
            record.check_dates = None
            uow.commit()
        return Changes.of("notice", ids=(notice_id,))

    def notices_to_check(self) -> list[NoticeToCheck]:
        """Imported notices whose dates in the file disagree with the statutory rules (kept as imported)."""
        with self._uow("moving-in") as uow:
            rows = uow.session.execute(
                select(ImportedRecord, EnforcementNotice)
                .join(EnforcementNotice, EnforcementNotice.id == ImportedRecord.entity_id)
                .join(ImportBatch, ImportBatch.id == ImportedRecord.batch_id)
                .where(ImportedRecord.check_dates.is_not(None), ImportBatch.undone_at.is_(None))
                .order_by(EnforcementNotice.reference)
            ).all()
            return [
                NoticeToCheck(
                    n.id,
                    n.reference,
                    r.legacy_reference,
                    n.kind,
                    n.served_on,
                    r.check_dates or "",
                    r.batch_id,
                    r.source_row,
                )
                for r, n in rows
            ]


def _importable(kind: RecordKind | str) -> RecordKind:
    try:
        kind = RecordKind(kind)
    except ValueError:
        names = ", ".join(k.value for k in IMPORTABLE)
        raise UserError(
            f'"{kind}" is not a kind of record CSPDesk imports. Choose one of: {names}.'
        ) from None
    if kind not in SPECS:
        raise UserError(f"{kind.label} cannot be imported from a spreadsheet yet.")
    return kind


def _counts(built: Built) -> dict[str, int]:
    return {k: v for k, v in built.counts.items() if v} | {"rows refused": len(built.rejected)}


def _known_people(s: Session) -> Iterable[Known]:
    for pid, forename, surname, dob, line1 in s.execute(
        select(Person.id, Person.forename, Person.surname, Person.date_of_birth, Address.line1).outerjoin(
            Address, Address.id == Person.address_id
        )
    ):
        yield Known(pid, forename or "", surname or "", dob, norm(line1))


def _case_ids(s: Session, refs: list[str]) -> dict[str, uuid.UUID]:
    """Legacy references (of imports not undone) and CSPDesk references -> case ids."""
    out: dict[str, uuid.UUID] = {}
    for i in range(0, len(refs), CHUNK):
        part = refs[i : i + CHUNK]
        for ref, case_id in s.execute(
            select(ImportedRecord.legacy_reference, ImportedRecord.entity_id)
            .join(ImportBatch, ImportBatch.id == ImportedRecord.batch_id)
            .where(
                ImportedRecord.entity_type == "case",
                ImportedRecord.legacy_reference.in_(part),
                ImportBatch.undone_at.is_(None),
            )
        ):
            out[ref] = case_id
        rest = [r for r in part if r not in out]
        if rest:
            for ref, case_id in s.execute(
                select(AsbCase.reference, AsbCase.id).where(AsbCase.reference.in_(rest))
            ):
                out[ref] = case_id
    return out


def _changed_since(s: Session, by_type: dict[str, dict[uuid.UUID, tuple[int, str | None]]]) -> str | None:
    for name, records in by_type.items():
        model = MODELS[name]
        ids = list(records)
        found: dict[uuid.UUID, int] = {}
        for i in range(0, len(ids), CHUNK):
            query = select(model.id, model.version).where(model.id.in_(ids[i : i + CHUNK]))
            found.update({entity_id: version for entity_id, version in s.execute(query)})
        for entity_id, (version, legacy) in records.items():
            what = (
                f"{NOUNS.get(name, name)} {legacy}"
                if legacy
                else f"a {NOUNS.get(name, name.replace('_', ' '))}"
            )
            if entity_id not in found:
                return f"{what} it made has been removed since"
            if found[entity_id] != version:
                return f"{what} it made has been changed since"
    return None


def _added_since(
    s: Session, by_type: dict[str, dict[uuid.UUID, tuple[int, str | None]]], ours: set[uuid.UUID]
) -> str | None:
    """Something pointing at the batch's records that the batch did not make (an incident added to an
    imported case, a later import's notices...)."""
    tables = {MODELS[name].__table__.name: name for name in by_type}
    skip = {"imported_record", "import_batch", "import_mapping"}
    for table in Base.metadata.sorted_tables:
        if table.name in skip:
            continue
        for fk in table.foreign_keys:
            target = fk.column.table.name
            if target not in tables or fk.column.name != "id":
                continue
            ids = list(by_type[tables[target]])
            for i in range(0, len(ids), CHUNK):
                key = table.c.id if "id" in table.c else fk.parent
                rows = s.execute(select(key, fk.parent).where(fk.parent.in_(ids[i : i + CHUNK]))).all()
                for own_id, points_at in rows:
                    if own_id not in ours or "id" not in table.c:
                        legacy = by_type[tables[target]][points_at][1]
                        noun = NOUNS.get(tables[target], tables[target])
                        thing = f"{noun} {legacy}" if legacy else f"a {noun}"
                        return f"{thing} has had something added since ({table.name.replace('_', ' ')})"
    return None
