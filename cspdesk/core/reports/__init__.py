"""Printed documents: letters from templates, mail merge, the case summary. The only place ReportLab
is imported. Plain Python: callers pass values and get PDF bytes back.

Names are loaded on first use, so that ``from cspdesk.core.reports.fields import FIELDS`` (the template
editor, the services' missing-field checks) does not import ReportLab while the window starts.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "render_batch": "batch",
    "render_merge": "batch",
    "CaseSummaryData": "case_summary",
    "render_case_summary": "case_summary",
    "FIELDS": "fields",
    "FRAME_FIELDS": "fields",
    "FieldKind": "fields",
    "LetterField": "fields",
    "demo_values": "fields",
    "field_label": "fields",
    "BatchCancelled": "letter",
    "LetterJob": "letter",
    "render_letter": "letter",
    "LetterheadSettings": "letterhead",
    "missing_fields": "markup",
    "template_fields": "markup",
    "unknown_fields": "markup",
    "validate_template": "markup",
    "LetterTemplate": "templates",
    "default_templates": "templates",
    "format_template_file": "templates",
    "parse_template_file": "templates",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
