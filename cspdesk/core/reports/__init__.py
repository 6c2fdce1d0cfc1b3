"""Printed documents: letters from templates, mail merge, the case summary. The only place ReportLab
is imported. Plain Python: callers pass values and get PDF bytes back."""

from .batch import render_batch
from .case_summary import CaseSummaryData, render_case_summary
from .fields import FIELDS, FRAME_FIELDS, FieldKind, LetterField, demo_values, field_label
from .letter import BatchCancelled, LetterJob, render_letter
from .letterhead import LetterheadSettings
from .markup import missing_fields, template_fields, unknown_fields, validate_template
from .templates import LetterTemplate, default_templates, format_template_file, parse_template_file

__all__ = [
    "FIELDS",
    "FRAME_FIELDS",
    "BatchCancelled",
    "CaseSummaryData",
    "FieldKind",
    "LetterField",
    "LetterJob",
    "LetterTemplate",
    "LetterheadSettings",
    "default_templates",
    "demo_values",
    "field_label",
    "format_template_file",
    "missing_fields",
    "parse_template_file",
    "render_batch",
    "render_case_summary",
    "render_letter",
    "template_fields",
    "unknown_fields",
    "validate_template",
]
