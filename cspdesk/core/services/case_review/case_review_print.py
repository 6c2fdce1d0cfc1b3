"""Printing the Community Trigger figures. Kept apart from the service so that the GUI, which calls the
service, never has ReportLab in its import graph; the composition root (``registry``) and the command
line hand ``render_figures_pdf`` to ``CaseReviewService``."""

from __future__ import annotations

from datetime import date

from cspdesk.core.domain.case_review_figures import CaseReviewFigures


def render_figures_pdf(
    figures: CaseReviewFigures, sentences: list[tuple[str, str]], council_name: str, produced_on: date
) -> bytes:
    from cspdesk.core.reports.case_review_figures import render_figures_pdf as render

    return render(figures, sentences, council_name=council_name, produced_on=produced_on)
