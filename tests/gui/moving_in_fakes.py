"""A stand-in for ``services.moving_in`` speaking its API (``core/services/moving_in``), for the window's
tests of what the real service cannot be made to do on cue: an import that is still running when Cancel is
pressed, an undo refused."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime

from cspdesk.core.errors import UserError
from cspdesk.core.services.context import Changes
from cspdesk.core.services.moving_in import (
    BatchSummary,
    ColumnInfo,
    DryRun,
    FieldType,
    ImportPlan,
    ImportResult,
    NoticeToCheck,
    PersonMatch,
    RecordKind,
    RejectedRow,
    SheetInfo,
    TargetField,
    ValueToMap,
    WorkbookInfo,
)

STATUS = TargetField(
    "status", "Status", FieldType.CHOICE, required=True, choices=(("open", "Open"), ("closed", "Closed"))
)
FIELDS = (
    TargetField("legacy_reference", "Their reference", FieldType.TEXT, required=True),
    TargetField("reported_on", "Reported on", FieldType.DATE, required=True),
    STATUS,
    TargetField("summary", "Summary", FieldType.TEXT),
)
SHEET = SheetInfo(
    name="Cases",
    header_row=3,
    columns=(
        ColumnInfo(0, "Case Ref", examples=("A1", "A2", "A3")),
        ColumnInfo(1, "Date rec'd", examples=("01/02/2024", "03/02/2024", "31/02/2024")),
        ColumnInfo(2, "Status", examples=("Open", "open - monitoring", "CLOSED")),
        ColumnInfo(3, "Notes", hidden=True, examples=("x",)),
    ),
    row_count=3,
    first_rows=(
        ("A1", "01/02/2024", "Open", "x"),
        ("A2", "03/02/2024", "CLOSED", ""),
        ("A3", "31/02/2024", "", ""),
    ),
    notes=("Headings found on row 3", "Totals row at row 7 left out", "1 hidden column: Notes"),
)


class FakeMovingIn:
    def __init__(self):
        self.gate: threading.Event | None = None  # set: run() waits on it (an import "still running")
        self.started = threading.Event()
        self.runs: list[ImportPlan] = []
        self.undo_refusal: str | None = None
        self.to_check: list[NoticeToCheck] = []
        self._batches: list[BatchSummary] = []
        self.sheet = SHEET

    def open_file(self, path, progress=None):
        if progress is not None:  # as the real one reports a big sheet
            progress('Reading sheet "Cases" (1 of 1)', 5_000, 10_000)
        return WorkbookInfo(str(path), "xlsx", (self.sheet,))

    def kinds(self):
        return tuple(RecordKind)

    def fields(self, kind):
        return FIELDS

    def propose(self, path, sheet, kind):
        return ImportPlan(str(path), sheet, kind, {"Case Ref": "legacy_reference", "Status": "status"})

    def values_to_map(self, plan):
        return (
            ValueToMap("status", "Open", 1, mapped_to="open"),
            ValueToMap("status", "open - monitoring", 1, suggestion="open"),
            ValueToMap("status", "CLOSED", 1, suggestion="closed"),
        )

    def dry_run(self, actor, plan, progress=None):
        return DryRun(
            plan,
            3,
            {"cases to make": 2},
            rejected=(RejectedRow(5, "Reported on: 31/02/2024 is not a date"),),
            uncertain_people=(
                PersonMatch("p1", (4,), "Jon Smith", "John Smith (ASB-1)", "same date of birth"),
            ),
        )

    def run(self, actor, plan, progress=None):
        self.started.set()
        if self.gate is not None:
            while not self.gate.wait(0.01):
                if progress:
                    progress("Importing", 0, 3)  # raises when the window has been told to cancel
        self.runs.append(plan)
        batch = BatchSummary(
            uuid.uuid4(), "log.xlsx", plan.sheet, plan.kind, datetime(2026, 11, 26, 10), "admin", {"cases": 2}
        )
        self._batches.insert(0, batch)
        return ImportResult(batch.id, {"cases made": 2}, (), (), Changes.of("case"))

    def batches(self):
        return list(self._batches)

    def notices_to_check(self):
        return list(self.to_check)

    def dates_checked(self, actor, notice_id):
        self.to_check = [n for n in self.to_check if n.notice_id != notice_id]
        return Changes.of("notice", ids=(notice_id,))

    def undo(self, actor, batch_id):
        if self.undo_refusal:
            raise UserError(self.undo_refusal)
        return Changes.of("case")
