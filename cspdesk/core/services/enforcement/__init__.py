"""Services for the enforcement ladder (CPW, CPN, FPN, ABC...): steps,
statutory dates, the notice register."""

# BEGIN public face (written by tools/public_face_imports.py: run it, do not edit this block)
# What the window and the commands use from this area. Each name is imported from its module when
# first asked for, so importing the package costs nothing; the type checker sees the imports.
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspdesk.core.services.enforcement.enforcement_dto import (
        REQUIREMENT_KINDS,
        DueRow,
        EventLine,
        GuardsFailed,
        InformedInput,
        NoticeCountsReport,
        NoticeDetail,
        RequirementInput,
        RequirementLine,
        StepRequest,
    )
    from cspdesk.core.services.enforcement.enforcement_register import NoticeQuery

_PUBLIC: dict[str, str] = {
    "DueRow": "cspdesk.core.services.enforcement.enforcement_dto",
    "EventLine": "cspdesk.core.services.enforcement.enforcement_dto",
    "GuardsFailed": "cspdesk.core.services.enforcement.enforcement_dto",
    "InformedInput": "cspdesk.core.services.enforcement.enforcement_dto",
    "NoticeCountsReport": "cspdesk.core.services.enforcement.enforcement_dto",
    "NoticeDetail": "cspdesk.core.services.enforcement.enforcement_dto",
    "NoticeQuery": "cspdesk.core.services.enforcement.enforcement_register",
    "REQUIREMENT_KINDS": "cspdesk.core.services.enforcement.enforcement_dto",
    "RequirementInput": "cspdesk.core.services.enforcement.enforcement_dto",
    "RequirementLine": "cspdesk.core.services.enforcement.enforcement_dto",
    "StepRequest": "cspdesk.core.services.enforcement.enforcement_dto",
}
__all__ = [
    "DueRow",
    "EventLine",
    "GuardsFailed",
    "InformedInput",
    "NoticeCountsReport",
    "NoticeDetail",
    "NoticeQuery",
    "REQUIREMENT_KINDS",
    "RequirementInput",
    "RequirementLine",
    "StepRequest",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _PUBLIC.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)


# END public face
