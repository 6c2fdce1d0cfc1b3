"""What the moving-in window and command see: the files read, the fields offered, the plan, the results.

Plain frozen dataclasses, no ORM objects: the window holds these across threads.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from cspdesk.core.services.context import Changes


class RecordKind(StrEnum):
    """What one sheet holds (one row a record)."""

    CASES = "cases"
    INCIDENTS = "incidents"
    PEOPLE = "people"
    NOTICES = "notices"
    SAFER_HOMES = "safer_homes"
    ACTIONS = "actions"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    RecordKind.CASES: "ASB cases",
    RecordKind.INCIDENTS: "Incidents on cases",
    RecordKind.PEOPLE: "People on cases",
    RecordKind.NOTICES: "Enforcement notices",
    RecordKind.SAFER_HOMES: "Safer Homes referrals",
    RecordKind.ACTIONS: "Actions on cases",
}


class FieldType(StrEnum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"  # counts and amounts ("1,234", "£12.50")
    CHOICE = "choice"  # one of CSPDesk's words (status, category, notice kind...): values are mapped
    OFFICER = "officer"  # a user, by name or initials: values are mapped
    WARD = "ward"  # a ward in the reference data: values are mapped
    YES_NO = "yes_no"


@dataclass(frozen=True)
class TargetField:
    """A field of CSPDesk a column can be mapped to."""

    key: str  # e.g. "reported_on"
    label: str  # e.g. "Reported on"
    type: FieldType
    required: bool = False
    # CHOICE/OFFICER/WARD: (value, label) pairs a file's value may be mapped to; empty for the others.
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""  # one line shown beside the drop-down


@dataclass(frozen=True)
class ColumnInfo:
    """One column of a sheet as read."""

    index: int  # 0-based position in the sheet
    heading: str  # as written (merged heading cells named "Heading (2)", blanks "Column F")
    hidden: bool = False  # hidden in Excel: offered, never proposed in a mapping
    examples: tuple[str, ...] = ()  # the first few non-blank values, as text
    # The same values as a date field would read them (Excel serial numbers as dd/mm/yyyy): the mapping
    # preview shows these once the column is mapped to a date.
    as_dates: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetInfo:
    """One sheet (a CSV file is one sheet named after the file)."""

    name: str
    header_row: int  # 1-based row number of the headings, as Excel shows it
    columns: tuple[ColumnInfo, ...]
    row_count: int  # data rows after the headings, totals and blank rows left out
    first_rows: tuple[tuple[str, ...], ...]  # up to 10 data rows, as text, one value per column
    # Plain-words notes: "Headings found on row 3", "Totals row at row 1,203 left out", "2 hidden columns"...
    notes: tuple[str, ...] = ()
    same_shape_as: tuple[str, ...] = ()  # other sheets of this file with the same headings
    shape: str = ""  # the file-shape key a mapping is remembered by (hash of the normalised headings)

    def column(self, heading: str) -> ColumnInfo | None:
        return next((c for c in self.columns if c.heading == heading), None)


@dataclass(frozen=True)
class WorkbookInfo:
    path: str
    file_type: str  # "xlsx" or "csv"
    sheets: tuple[SheetInfo, ...]
    notes: tuple[str, ...] = ()

    def sheet(self, name: str) -> SheetInfo | None:
        return next((s for s in self.sheets if s.name == name), None)


@dataclass(frozen=True)
class ValueToMap:
    """A value found in a mapped CHOICE/OFFICER/WARD column that needs a CSPDesk value."""

    field: str  # target field key
    value: str  # as written in the file (trimmed)
    count: int  # rows holding it
    suggestion: str | None = None  # the close match proposed (a choice's value), never applied unasked
    mapped_to: str | None = None  # what the plan maps it to now, if anything


@dataclass(frozen=True)
class ImportPlan:
    """Everything the officer decided: which file, sheet and kind, each column's field, each value's word.

    ``columns``: heading -> target field key (columns not named are not imported).
    ``values``: target field key -> {value as in the file -> CSPDesk value}. A value left out (or mapped to
    "") leaves the field blank where it may be blank; where it is required the row is rejected.
    ``confirmed_people``: keys of uncertain person matches (``PersonMatch.key``) the officer confirmed as
    the same person; the rest are made as new people.
    ``remembered``: ``propose`` took the mapping from an earlier file of the same shape (the window says so).
    """

    path: str
    sheet: str
    kind: RecordKind
    columns: Mapping[str, str]
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    confirmed_people: frozenset[str] = frozenset()
    remembered: bool = False


@dataclass(frozen=True)
class RejectedRow:
    row: int  # the sheet's row number as Excel shows it (the line number in a CSV)
    reason: str  # plain words: "Reported on: 31/02/2021 is not a date"


@dataclass(frozen=True)
class FlaggedRow:
    """A row imported but worth a look: an ambiguous date, a notice whose dates disagree with the rules."""

    row: int
    reason: str


@dataclass(frozen=True)
class PersonMatch:
    """A person in the file who may be someone already known (same surname and date of birth, say)."""

    key: str  # stable within one plan: pass it back in ``ImportPlan.confirmed_people`` to link
    rows: tuple[int, ...]
    in_file: str  # "Jon Smith, born 03/04/1990, 12 High St"
    candidate: str  # "John Smith, born 03/04/1990, 12 High Street (case ASB-2024-0012)"
    why: str  # "same surname and date of birth; first names differ"


@dataclass(frozen=True)
class DryRun:
    """What an import would do; nothing has been written."""

    plan: ImportPlan
    rows_read: int
    # Plain-words counts: {"cases to make": 1998, "people to make": 2100, "people linked": 40, ...}
    counts: Mapping[str, int]
    rejected: tuple[RejectedRow, ...] = ()
    flagged: tuple[FlaggedRow, ...] = ()
    uncertain_people: tuple[PersonMatch, ...] = ()
    unmapped_values: tuple[ValueToMap, ...] = ()  # values met that the plan does not map
    missing_fields: tuple[str, ...] = ()  # labels of required fields no column is mapped to
    notes: tuple[str, ...] = ()  # what will be done that the officer should know ("recorded as Phone")

    @property
    def importable(self) -> bool:
        """True when running it would import something (rejected rows are left out, not fatal)."""
        return not self.missing_fields and self.rows_read > len(self.rejected)


def counted_as_done(counts: Mapping[str, int]) -> str:
    """An import's counts in words once it has run: "49 cases made, 120 people linked" (the dry run's keys
    say what it would do: "cases to make")."""
    done = (f"{n:,} {what.replace(' to make', ' made')}" for what, n in counts.items() if n)
    return ", ".join(done) or "nothing"


@dataclass(frozen=True)
class ImportResult:
    batch_id: uuid.UUID
    counts: Mapping[str, int]
    rejected: tuple[RejectedRow, ...]
    flagged: tuple[FlaggedRow, ...]
    changes: Changes
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchSummary:
    id: uuid.UUID
    file_name: str
    sheet: str
    kind: RecordKind
    imported_at: datetime
    imported_by: str
    counts: Mapping[str, int]
    undone_at: datetime | None = None
    undone_by: str | None = None


@dataclass(frozen=True)
class NoticeToCheck:
    """An imported notice whose dates in the file disagree with the statutory rules (kept as in the file)."""

    notice_id: uuid.UUID
    reference: str
    legacy_reference: str | None
    kind: str
    served_on: date | None
    disagreements: str  # "Appeal by: file 10/03/2021, rules 17/03/2021"
    batch_id: uuid.UUID
    row: int
