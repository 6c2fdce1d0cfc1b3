"""Services for the partnership report pack and the quarterly return."""

# BEGIN public face (written by tools/public_face_imports.py: run it, do not edit this block)
# What the window and the commands use from this area. Each name is imported from its module when
# first asked for, so importing the package costs nothing; the type checker sees the imports.
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspdesk.core.services.reports.report_pack import ReportPackService
    from cspdesk.core.services.reports.report_pack_dto import Measure, QuarterlyReturn, ReportPack, TraceRow
    from cspdesk.core.services.reports.report_pack_print import render_report_pack

_PUBLIC: dict[str, str] = {
    "Measure": "cspdesk.core.services.reports.report_pack_dto",
    "QuarterlyReturn": "cspdesk.core.services.reports.report_pack_dto",
    "ReportPack": "cspdesk.core.services.reports.report_pack_dto",
    "ReportPackService": "cspdesk.core.services.reports.report_pack",
    "TraceRow": "cspdesk.core.services.reports.report_pack_dto",
    "render_report_pack": "cspdesk.core.services.reports.report_pack_print",
}
__all__ = [
    "Measure",
    "QuarterlyReturn",
    "ReportPack",
    "ReportPackService",
    "TraceRow",
    "render_report_pack",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _PUBLIC.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)


# END public face
