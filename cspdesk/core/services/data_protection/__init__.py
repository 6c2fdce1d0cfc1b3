"""Services for retention reviews, subject access and other data-subject requests, the audit log's reports."""

# BEGIN public face (written by tools/public_face_imports.py: run it, do not edit this block)
# What the window and the commands use from this area. Each name is imported from its module when
# first asked for, so importing the package costs nothing; the type checker sees the imports.
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspdesk.core.services.data_protection.audit_log import (
        AuditLogService,
        LookRow,
        report_csv,
        report_table,
    )
    from cspdesk.core.services.data_protection.retention import DueRecord
    from cspdesk.core.services.data_protection.subject_access import SubjectMatch
    from cspdesk.core.services.data_protection.subject_requests import RequestRow

_PUBLIC: dict[str, str] = {
    "AuditLogService": "cspdesk.core.services.data_protection.audit_log",
    "DueRecord": "cspdesk.core.services.data_protection.retention",
    "LookRow": "cspdesk.core.services.data_protection.audit_log",
    "RequestRow": "cspdesk.core.services.data_protection.subject_requests",
    "SubjectMatch": "cspdesk.core.services.data_protection.subject_access",
    "report_csv": "cspdesk.core.services.data_protection.audit_log",
    "report_table": "cspdesk.core.services.data_protection.audit_log",
}
__all__ = [
    "AuditLogService",
    "DueRecord",
    "LookRow",
    "RequestRow",
    "SubjectMatch",
    "report_csv",
    "report_table",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _PUBLIC.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)


# END public face
