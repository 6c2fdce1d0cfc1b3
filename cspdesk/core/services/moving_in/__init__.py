"""Moving in: bringing a team's existing cases, incidents, people, notices and referrals in from spreadsheets.

The area's public face. The window (Import → Existing records…) and ``cspdesk import-records`` use only
what is exported here::

    info = services.moving_in.open_file(path)            # sheets, headings, first rows, notes
    plan = services.moving_in.propose(path, sheet, RecordKind.CASES)   # columns proposed or remembered
    values = services.moving_in.values_to_map(plan)      # status words, initials, wards... to map
    dry = services.moving_in.dry_run(actor, plan)        # counts, rejected rows, flags, uncertain people
    result = services.moving_in.run(actor, plan)         # one transaction, one batch
    services.moving_in.undo(actor, result.batch_id)      # refused once any of its records changed
"""

from cspdesk.core.services.moving_in.api import (
    KIND_LABELS,
    BatchSummary,
    ColumnInfo,
    DryRun,
    FieldType,
    FlaggedRow,
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
from cspdesk.core.services.moving_in.service import MovingInService

__all__ = [
    "KIND_LABELS",
    "BatchSummary",
    "ColumnInfo",
    "DryRun",
    "FieldType",
    "FlaggedRow",
    "ImportPlan",
    "ImportResult",
    "MovingInService",
    "NoticeToCheck",
    "PersonMatch",
    "RecordKind",
    "RejectedRow",
    "SheetInfo",
    "TargetField",
    "ValueToMap",
    "WorkbookInfo",
]
