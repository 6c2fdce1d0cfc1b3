"""Printing the report pack. Kept apart from ``ReportPackService`` so that the GUI, which calls the service,
never has ReportLab in its import graph; the composition root (``registry``) and the command line hand
``render_report_pack`` to the service."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def render_report_pack(
    pack: Any, letterhead: dict[str, str], path: Path, parts: tuple[str, ...] | None = None
) -> Path:
    from cspdesk.core.reports.report_pack import PARTS
    from cspdesk.core.reports.report_pack import render_report_pack as render

    return render(pack, letterhead, path, parts or PARTS)
