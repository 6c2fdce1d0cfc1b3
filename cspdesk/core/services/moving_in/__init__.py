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

# BEGIN public face (written by tools/public_face_imports.py: run it, do not edit this block)
# What the window and the commands use from this area. Each name is imported from its module when
# first asked for, so importing the package costs nothing; the type checker sees the imports.
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
        counted_as_done,
    )
    from cspdesk.core.services.moving_in.service import MovingInService

_PUBLIC: dict[str, str] = {
    "BatchSummary": "cspdesk.core.services.moving_in.api",
    "ColumnInfo": "cspdesk.core.services.moving_in.api",
    "DryRun": "cspdesk.core.services.moving_in.api",
    "FieldType": "cspdesk.core.services.moving_in.api",
    "FlaggedRow": "cspdesk.core.services.moving_in.api",
    "ImportPlan": "cspdesk.core.services.moving_in.api",
    "ImportResult": "cspdesk.core.services.moving_in.api",
    "KIND_LABELS": "cspdesk.core.services.moving_in.api",
    "MovingInService": "cspdesk.core.services.moving_in.service",
    "NoticeToCheck": "cspdesk.core.services.moving_in.api",
    "PersonMatch": "cspdesk.core.services.moving_in.api",
    "RecordKind": "cspdesk.core.services.moving_in.api",
    "RejectedRow": "cspdesk.core.services.moving_in.api",
    "SheetInfo": "cspdesk.core.services.moving_in.api",
    "TargetField": "cspdesk.core.services.moving_in.api",
    "ValueToMap": "cspdesk.core.services.moving_in.api",
    "WorkbookInfo": "cspdesk.core.services.moving_in.api",
    "counted_as_done": "cspdesk.core.services.moving_in.api",
}
__all__ = [
    "BatchSummary",
    "ColumnInfo",
    "DryRun",
    "FieldType",
    "FlaggedRow",
    "ImportPlan",
    "ImportResult",
    "KIND_LABELS",
    "MovingInService",
    "NoticeToCheck",
    "PersonMatch",
    "RecordKind",
    "RejectedRow",
    "SheetInfo",
    "TargetField",
    "ValueToMap",
    "WorkbookInfo",
    "counted_as_done",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _PUBLIC.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)


# END public face
