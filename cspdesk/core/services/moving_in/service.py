"""The moving-in service: read a spreadsheet, map it, dry-run it, import it as one batch, undo a batch."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.services.moving_in.api import (
    BatchSummary,
    DryRun,
    ImportPlan,
    ImportResult,
    NoticeToCheck,
    RecordKind,
    TargetField,
    ValueToMap,
    WorkbookInfo,
)

# (what is being done, done so far, out of): "Reading rows", 1200, 2000
Progress = Callable[[str, int, int], None]


class MovingInService:
    """Importing existing records from XLSX/CSV files. Every write needs an administrator."""

    def __init__(self, uow: Callable, today: Callable):
        self._uow = uow
        self._today = today

    def open_file(self, path: str | Path) -> WorkbookInfo:
        """The file's sheets, each with its heading row found, columns, row count, first rows and notes.

        Raises ``ImportProblem`` (a ``UserError``) in plain words for a file that is not a spreadsheet,
        is password-protected, is empty or cannot be found."""
        raise NotImplementedError

    def kinds(self) -> tuple[RecordKind, ...]:
        """The kinds of record a sheet may hold, in the order the window offers them."""
        raise NotImplementedError

    def fields(self, kind: RecordKind) -> tuple[TargetField, ...]:
        """The fields a column of a ``kind`` sheet may be mapped to (choices filled from the database)."""
        raise NotImplementedError

    def propose(self, path: str | Path, sheet: str, kind: RecordKind) -> ImportPlan:
        """A plan with columns mapped from their headings (synonyms, case and punctuation ignored), or the
        mapping remembered for a file of the same shape (columns and values). Hidden columns are never
        proposed. Values are mapped only where remembered or where the file's word is CSPDesk's own."""
        raise NotImplementedError

    def values_to_map(self, plan: ImportPlan) -> tuple[ValueToMap, ...]:
        """Every distinct value in the plan's CHOICE/OFFICER/WARD columns, with counts, close-match
        suggestions (never applied unasked) and what the plan maps it to now."""
        raise NotImplementedError

    def dry_run(self, actor: Actor, plan: ImportPlan, progress: Progress | None = None) -> DryRun:
        """What ``run`` would do: counts, rejected rows with reasons, flagged rows, uncertain people.
        Writes nothing."""
        raise NotImplementedError

    def run(self, actor: Actor, plan: ImportPlan, progress: Progress | None = None) -> ImportResult:
        """Import in one transaction as one batch (rejected rows left out, listed in the result), and
        remember the plan's mapping for files of this shape. Needs an administrator."""
        raise NotImplementedError

    def remember(self, actor: Actor, plan: ImportPlan) -> None:
        """Keep the plan's column and value mapping for files of the same shape (``run`` does it too)."""
        raise NotImplementedError

    def batches(self) -> list[BatchSummary]:
        """Every import batch, newest first, undone ones included."""
        raise NotImplementedError

    def undo(self, actor: Actor, batch_id: uuid.UUID) -> Changes:
        """Remove everything a batch made. Refused (``UserError``, plain words) once any of its records
        was changed, or something was added to them, since the import. Needs an administrator."""
        raise NotImplementedError

    def notices_to_check(self) -> list[NoticeToCheck]:
        """Imported notices whose dates in the file disagree with the statutory rules (kept as imported)."""
        raise NotImplementedError
