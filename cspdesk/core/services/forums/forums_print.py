"""Printing a forum's action log. Kept apart from ``ForumService`` so that the GUI, which calls the
service, never has ReportLab in its import graph; the composition root (``registry``) hands
``write_forum_log`` to the service."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_forum_log(log: Any, target: Path) -> Path:
    from cspdesk.core.reports.forum_log import write_forum_log as write

    return write(log, target)
