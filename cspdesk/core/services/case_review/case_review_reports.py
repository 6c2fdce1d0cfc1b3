"""What leaves CSPDesk about Case Reviews: the statutory annual figures (on screen, CSV, PDF) and the
plain values the letters engine fills its acknowledgement, threshold decision and outcome letters with."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from cspdesk.core import exports
from cspdesk.core.domain.case_review import ProceedGround, format_date
from cspdesk.core.domain.case_review_figures import (
    MEASURE_HEADINGS,
    CaseReviewFigureRecord,
    CaseReviewFigures,
    count_figures,
    financial_year_containing,
    parse_period,
)
from cspdesk.core.domain.postal import postal_lines
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.services.case_review.case_review_records import (
    APPEAL_ROUTE,
    APPLICANT_KINDS,
    CHANNELS,
    agency_codes,
    load_application,
    plan_actions,
)
from cspdesk.core.storage.models import AppUser, CaseReviewApplication

LETTERS = ("acknowledgement", "threshold_decision", "outcome")


def figures_csv(figures: CaseReviewFigures) -> str:
    """``measure,count`` and the four rows, in the published order."""
    return exports.csv_text(["measure", "count"], figures.as_rows())


class CaseReviewReports:
    _uow: Any
    _today: Any
    _render_pdf: Any

    def default_period_text(self) -> str:
        """The last complete financial year (the one a plan reports on)."""
        this = financial_year_containing(self._today())
        return financial_year_containing(date(this.start.year - 1, 4, 1)).label

    def figures(self, period_text: str) -> CaseReviewFigures:
        """The four published figures for a year as typed ("2022/23", "2022", "2022-04-01..2023-03-31")."""
        period = parse_period(period_text)
        with self._uow("system") as uow:
            records = [
                CaseReviewFigureRecord(
                    r.received_on,
                    r.threshold_met,
                    bool(r.proceed_despite_not_met),
                    r.review_meeting_on,
                    r.recommendations_made,
                )
                for r in uow.session.execute(
                    select(
                        CaseReviewApplication.received_on,
                        CaseReviewApplication.threshold_met,
                        CaseReviewApplication.proceed_despite_not_met,
                        CaseReviewApplication.review_meeting_on,
                        CaseReviewApplication.recommendations_made,
                    )
                )
            ]
        return count_figures(records, period)

    def _letterhead(self) -> dict[str, str]:
        from cspdesk.core.services.admin.settings import read_settings

        with self._uow("system") as uow:
            return read_settings(uow.session, "council")

    def _appeal_by(self) -> date:
        from cspdesk.core.domain.case_review import appeal_by
        from cspdesk.core.services.admin.settings import read_setting

        with self._uow("system") as uow:
            days = int(read_setting(uow.session, "case_review.appeal_working_days"))
        return appeal_by(self._today(), days)

    def figures_sentences(self, figures: CaseReviewFigures) -> list[tuple[str, str]]:
        """(heading, sentence) for each measure, in the plan's wording."""
        area = self._letterhead()["council.home_district"]
        sentences = figures.sentences(area)
        return [(MEASURE_HEADINGS[m], sentences[m]) for m, _ in figures.as_rows()]

    def figures_pdf(self, period_text: str) -> bytes:
        """The printable page; needs the renderer given to the service (``case_review_print``)."""
        figures = self.figures(period_text)
        if self._render_pdf is None:
            raise UserError("Printing is not available here.")
        head = self._letterhead()
        return self._render_pdf(figures, self.figures_sentences(figures), head["council.name"], self._today())

    # ----- letters
    def case_review_letter_values(self, application_id: uuid.UUID, letter: str) -> dict[str, Any]:
        """Plain values for the letters engine: ``letter`` is acknowledgement, threshold_decision or outcome.

        Keys named as the letters engine declares them (``recipient_name``, ``application_date``,
        ``threshold_met``, ``recommendations``...; dates as ``date``) plus plain-text ones for any other use
        (``applicant_name``, ``received_date``, ``decision``, ``reasons``, ``appeal_route``...). ``appeal_by``
        is the letter's date plus the local appeal period (setting ``case_review.appeal_working_days``; the
        Act sets none), for the threshold decision and outcome letters.
        """
        if letter not in LETTERS:
            raise ValidationError(
                {"letter": f"Unknown Case Review letter '{letter}'; expected one of {', '.join(LETTERS)}."}
            )
        with self._uow("system") as uow:
            s = uow.session
            app = load_application(uow, application_id)
            officer = s.get(AppUser, app.officer_id) if app.officer_id else None
            codes = agency_codes(s)
            actions = plan_actions(s, app.id)
            contact = app.applicant_contact or ""
            v: dict[str, Any] = {
                "letter": letter,
                "reference": app.reference,
                "recipient_name": app.applicant_name,
                "recipient_address": postal_lines(contact),  # no phone or email on the envelope
                "letter_date": self._today(),
                "officer_name": officer.display_name if officer else "",
                "officer_title": (officer.job_title or "") if officer else "",
                "officer_email": (officer.email or "") if officer else "",
                "officer_phone": (officer.phone or "") if officer else "",
                "application_date": app.received_on,
                "threshold_decision_by": app.decide_by,
                "review_meeting_by": app.review_by,
                "appeal_by": self._appeal_by() if letter in ("threshold_decision", "outcome") else None,
                "applicant_name": app.applicant_name,
                "applicant_address": ", ".join(postal_lines(contact)),
                "applicant_contact": contact,
                "applicant_kind": APPLICANT_KINDS.get(app.applicant_kind, app.applicant_kind),
                "on_behalf_of": app.on_behalf_of or "",
                "third_party_relationship": app.third_party_relationship or "",
                "channel": CHANNELS.get(app.channel, app.channel),
                "received_date": format_date(app.received_on),
                "problem": app.problem,
                "acknowledge_by": format_date(app.acknowledge_by) if app.acknowledge_by else "",
                "decide_by": format_date(app.decide_by) if app.decide_by else "",
                "review_by": format_date(app.review_by) if app.review_by else "",
                "acknowledged_date": format_date(app.acknowledged_on) if app.acknowledged_on else "",
                "appeal_route": APPEAL_ROUTE,
            }
            if app.threshold_met is not None:
                proceed = bool(app.proceed_despite_not_met)
                reasons = app.threshold_reasons or ""
                if proceed:
                    reasons += (
                        f" Although the threshold is not met, a review will be held: "
                        f"{app.proceed_reasons or ''}"
                    )
                v.update(
                    {
                        "decision": (
                            "The threshold for an ASB Case Review is met."
                            if app.threshold_met
                            else "The threshold for an ASB Case Review is not met, but a review will be held."
                            if proceed
                            else "The threshold for an ASB Case Review is not met."
                        ),
                        # The letter's "met" branch is the one that says a review will take place.
                        "threshold_met": bool(app.threshold_met) or proceed,
                        "review_goes_ahead": bool(app.threshold_met) or proceed,
                        "decision_date": format_date(app.threshold_decided_on)
                        if app.threshold_decided_on
                        else "",
                        "reasons": app.threshold_reasons or "",
                        "threshold_reasons": reasons.strip(),
                        "proceed_grounds": [ProceedGround(g).label for g in app.proceed_grounds or []],
                        "proceed_reasons": app.proceed_reasons or "",
                        "evidence_summary": (app.threshold_evidence or {}).get("explanation", ""),
                    }
                )
            if app.review_meeting_on is not None:
                items = [
                    {
                        "action": a.description,
                        "owner": codes.get(a.owner_agency_id, ("", ""))[1],
                        "due_date": format_date(a.due_on),
                    }
                    for a in actions
                ]
                v.update(
                    {
                        "review_meeting_date": app.review_meeting_on,
                        "review_date": format_date(app.review_meeting_on),
                        "review_summary": app.decision or "",
                        "chair": app.chair or "",
                        "chair_independent": bool(app.chair_independent),
                        "bodies_represented": list(app.bodies_represented or []),
                        "review_decision": app.decision or "",
                        "recommendations_made": bool(app.recommendations_made),
                        "recommendation_items": items,
                        "recommendations": [
                            f"{i['action']} — {i['owner']}, by {i['due_date']}." for i in items
                        ],
                    }
                )
            return v
