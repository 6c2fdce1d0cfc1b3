"""Printing a subject access bundle. Kept apart from ``SubjectAccessService`` so that the GUI, which
calls the service, never has ReportLab in its import graph; the composition root hands
``render_bundle`` to the service."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def render_bundle(bundle: Any, target: Path) -> Path:
    from cspdesk.core.reports.subject_access import write_bundle

    return write_bundle(bundle, target)
