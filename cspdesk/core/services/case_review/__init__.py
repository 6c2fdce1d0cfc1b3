"""Services for Community Trigger / ASB Case Review applications: steps, the action plan, figures, letters."""

# BEGIN public face (written by tools/public_face_imports.py: run it, do not edit this block)
# What the window and the commands use from this area. Each name is imported from its module when
# first asked for, so importing the package costs nothing; the type checker sees the imports.
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspdesk.core.services.case_review.case_review import ApplicationInput, CaseReviewService
    from cspdesk.core.services.case_review.case_review_print import render_figures_pdf
    from cspdesk.core.services.case_review.case_review_records import (
        APPLICANT_KINDS,
        BODIES,
        CHANNELS,
        VICTIM_UPDATE_METHODS,
        CaseReviewDetail,
        CaseReviewRow,
        LinkedCase,
        Step,
    )
    from cspdesk.core.services.case_review.case_review_reports import figures_csv

_PUBLIC: dict[str, str] = {
    "APPLICANT_KINDS": "cspdesk.core.services.case_review.case_review_records",
    "ApplicationInput": "cspdesk.core.services.case_review.case_review",
    "BODIES": "cspdesk.core.services.case_review.case_review_records",
    "CHANNELS": "cspdesk.core.services.case_review.case_review_records",
    "CaseReviewDetail": "cspdesk.core.services.case_review.case_review_records",
    "CaseReviewRow": "cspdesk.core.services.case_review.case_review_records",
    "CaseReviewService": "cspdesk.core.services.case_review.case_review",
    "LinkedCase": "cspdesk.core.services.case_review.case_review_records",
    "Step": "cspdesk.core.services.case_review.case_review_records",
    "VICTIM_UPDATE_METHODS": "cspdesk.core.services.case_review.case_review_records",
    "figures_csv": "cspdesk.core.services.case_review.case_review_reports",
    "render_figures_pdf": "cspdesk.core.services.case_review.case_review_print",
}
__all__ = [
    "APPLICANT_KINDS",
    "ApplicationInput",
    "BODIES",
    "CHANNELS",
    "CaseReviewDetail",
    "CaseReviewRow",
    "CaseReviewService",
    "LinkedCase",
    "Step",
    "VICTIM_UPDATE_METHODS",
    "figures_csv",
    "render_figures_pdf",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _PUBLIC.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)


# END public face
