"""The steps of a Case Review, each one status change checked by the domain's ``check_transition``.

Every step writes the values from its form onto the application, builds ``CaseReviewFacts`` from what is
then recorded, and lets the domain refuse it (naming the fields) before anything is committed. Each step
writes an audit row, a line on the linked cases' chronology, and says which letter is now due.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

from cspdesk.core.domain.case_review import (
    CaseReviewRules,
    ProceedGround,
    ThresholdDecision,
    format_date,
    validate_threshold_decision,
)
from cspdesk.core.domain.case_review_threshold import assess_threshold
from cspdesk.core.domain.case_review_workflow import (
    AppealAgainst,
    AppealFacts,
    AppealOutcome,
    TransitionGuardFailed,
    appeal_return_status,
    transition_problems,
)
from cspdesk.core.domain.vocab import CaseReviewStatus, Role
from cspdesk.core.errors import ConflictError, TransitionRefused, ValidationError
from cspdesk.core.services.case_review.case_review_records import (
    BODIES,
    STEP_TARGET,
    Step,
    appeals_of,
    facts_for,
    letter_due,
    load_application,
    note_on_cases,
)
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import CaseReviewAppeal, CaseReviewApplication
from cspdesk.core.storage.uow import UnitOfWork

S = CaseReviewStatus


def check_version(app: CaseReviewApplication, version: int | None) -> None:
    if version is not None and app.version != version:
        raise ConflictError(
            "Someone else saved this application after you opened it. Your changes were not "
            "saved; it has been reloaded so you can see theirs."
        )


def redo_step(app: CaseReviewApplication, appeals: list[CaseReviewAppeal]) -> Step | None:
    """After an upheld appeal the stage appealed against is done again: the threshold decided anew, or the
    review meeting held again. Returns the step to redo, or None."""
    if not appeals or appeals[-1].outcome != AppealOutcome.UPHELD.value or appeals[-1].outcome_on is None:
        return None
    last = appeals[-1]
    if last.against == AppealAgainst.THRESHOLD_DECISION.value and app.status == S.THRESHOLD_DECIDED.value:
        if app.threshold_decided_on is None or app.threshold_decided_on < last.outcome_on:
            return Step.DECIDE
    if last.against == AppealAgainst.REVIEW.value and app.status == S.REVIEW_MEETING.value:
        if app.review_meeting_on is None or app.review_meeting_on < last.outcome_on:
            return Step.REVIEW_MEETING
    return None


class CaseReviewSteps:
    _uow: Any
    _today: Any

    # ----- the machinery every step shares
    @contextmanager
    def _step(
        self,
        actor: Actor,
        application_id: uuid.UUID,
        version: int | None,
        step: Step,
        values: dict[str, Any],
        doing: str,
        extra_problems: dict[str, str] | None = None,
        appeal: AppealFacts | None = None,
        target: S | None = None,
    ) -> Iterator[tuple[UnitOfWork, Any]]:
        """``with self._step(...) as (uow, app):`` writes ``values``, checks ``current -> target`` with the
        facts as they now stand, lets the caller add its own rows and audits, and commits when the block ends.
        The unit of work is only ever entered with ``with``, so a lost race at commit reaches the user as
        ``ConflictError``, not a database error."""
        actor.require(Role.OFFICER, doing)
        today = self._today()
        with self._uow(actor.username) as uow:
            app = load_application(uow, application_id)
            check_version(app, version)
            current = S(app.status)
            for k, v in values.items():
                setattr(app, k, v)
            facts = facts_for(uow.session, app, today)
            if appeal is not None:
                facts = replace(facts, appeal=appeal)
            target = target or STEP_TARGET[step]
            problems = dict(extra_problems or {})
            problems.update(transition_problems(current, target, facts))
            if problems:
                raise TransitionGuardFailed(
                    problems,
                    f"Cannot move from '{current.label}' to '{target.label}' "
                    "yet: " + " ".join(problems.values()),
                )
            app.status = target.value
            uow.audit(
                "transition",
                "case_review",
                app.id,
                f"{app.reference}: {current.label} → {target.label}",
                {
                    "from": current.value,
                    "to": target.value,
                    **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()},
                },
            )
            note_on_cases(
                uow, app, "status", f"Case Review {app.reference}: {target.label}", actor.display_name
            )
            yield uow, app
            uow.commit()

    @staticmethod
    def _done(app: CaseReviewApplication, *kinds: str) -> Changes:
        return Changes.of("case_review", "chronology", *kinds, ids=(app.id,))

    # ----- steps
    def record_consent(
        self, actor: Actor, application_id: uuid.UUID, consent_on: date | None, version: int | None = None
    ) -> Changes:
        """Written consent from the victim, for an application made on their behalf."""
        actor.require(Role.OFFICER, "record consent")
        today = self._today()
        with self._uow(actor.username) as uow:
            app = load_application(uow, application_id)
            check_version(app, version)
            if not app.on_behalf_of:
                raise ValidationError(
                    {
                        "consent_recorded_on": "The victim made this "
                        "application themselves: no consent is needed."
                    }
                )
            if consent_on is None:
                raise ValidationError(
                    {"consent_recorded_on": "Record the date of the victim's written consent."}
                )
            if consent_on > today:
                raise ValidationError({"consent_recorded_on": "The date of consent cannot be in the future."})
            app.consent_recorded_on = consent_on
            uow.audit(
                "update",
                "case_review",
                app.id,
                f"{app.reference}: victim's consent recorded, dated {consent_on:%d/%m/%Y}",
            )
            uow.commit()
            return Changes.of("case_review", ids=(app.id,))

    def acknowledge(
        self,
        actor: Actor,
        application_id: uuid.UUID,
        acknowledged_on: date | None,
        version: int | None = None,
    ) -> Changes:
        with self._step(
            actor,
            application_id,
            version,
            Step.ACKNOWLEDGE,
            {"acknowledged_on": acknowledged_on},
            "acknowledge a Case Review application",
        ) as (uow, app):
            pass
        return self._done(app)

    def decide_threshold(
        self, actor: Actor, application_id: uuid.UUID, decision: ThresholdDecision, version: int | None = None
    ) -> Changes:
        """The officer's decision with reasons; the evidence counted is stored with it. After an upheld
        appeal against the decision, records the new decision in place."""
        with self._uow("system") as uow:
            app = load_application(uow, application_id)
            redo = redo_step(app, appeals_of(uow.session, app.id)) is Step.DECIDE
        bad = [g for g in decision.proceed_grounds if g not in set(ProceedGround)]
        if bad:
            raise ValidationError({"proceed_grounds": "Unknown grounds for proceeding."})
        values = {
            "threshold_met": decision.met,
            "threshold_decided_on": decision.decided_on,
            "threshold_reasons": decision.reasons.strip(),
            "proceed_despite_not_met": bool(decision.met is False and decision.proceed_to_review),
            "proceed_grounds": sorted(g.value for g in decision.proceed_grounds),
            "proceed_reasons": decision.proceed_reasons.strip() or None,
        }
        if redo:
            return self._redecide(actor, application_id, decision, values, version)
        with self._step(
            actor, application_id, version, Step.DECIDE, values, "decide a Case Review threshold"
        ) as (uow, app):
            self._store_evidence(uow, app)
            letter_due(
                uow,
                app,
                "threshold_decision",
                max(decision.decided_on or app.decide_by, app.decide_by),
                actor.display_name,
            )
        return self._done(app)

    def _store_evidence(self, uow: UnitOfWork, app: CaseReviewApplication) -> None:
        from cspdesk.core.services.case_review.case_review_records import gather_reports

        a = assess_threshold(
            gather_reports(uow, app.id), app.received_on, CaseReviewRules.from_dict(app.rules)
        )
        app.threshold_evidence = a.evidence()

    def _redecide(self, actor, application_id, decision, values, version) -> Changes:
        actor.require(Role.OFFICER, "decide a Case Review threshold")
        with self._uow(actor.username) as uow:
            app = load_application(uow, application_id)
            check_version(app, version)
            upheld_on = appeals_of(uow.session, app.id)[-1].outcome_on
            validate_threshold_decision(decision, app.received_on, app.acknowledged_on, self._today())
            if decision.decided_on < upheld_on:
                raise ValidationError(
                    {
                        "threshold_decided_on": f"The new decision must be on or after the PCC's "
                        f"decision ({format_date(upheld_on)})."
                    }
                )
            for k, v in values.items():
                setattr(app, k, v)
            app.decision_letter_sent_on = None
            self._store_evidence(uow, app)
            uow.audit(
                "update",
                "case_review",
                app.id,
                f"{app.reference}: threshold decided again after the appeal was upheld",
                {"threshold_met": decision.met},
            )
            letter_due(uow, app, "threshold_decision", decision.decided_on, actor.display_name)
            uow.commit()
            return Changes.of("case_review", "chronology", ids=(app.id,))

    def record_decision_letter(
        self, actor: Actor, application_id: uuid.UUID, sent_on: date | None, version: int | None = None
    ) -> Changes:
        actor.require(Role.OFFICER, "record the decision letter")
        with self._uow(actor.username) as uow:
            app = load_application(uow, application_id)
            check_version(app, version)
            if app.status != S.THRESHOLD_DECIDED.value:
                raise TransitionRefused(
                    "The decision letter is recorded once the threshold has been decided."
                )
            if sent_on is None:
                raise ValidationError(
                    {"decision_letter_sent_on": "Record the date the decision letter was sent."}
                )
            if app.threshold_decided_on and sent_on < app.threshold_decided_on:
                raise ValidationError(
                    {
                        "decision_letter_sent_on": f"The letter ({format_date(sent_on)}) cannot be "
                        f"sent before the decision ({format_date(app.threshold_decided_on)})."
                    }
                )
            if sent_on > self._today():
                raise ValidationError({"decision_letter_sent_on": "The date sent cannot be in the future."})
            app.decision_letter_sent_on = sent_on
            uow.audit(
                "update",
                "case_review",
                app.id,
                f"{app.reference}: threshold decision letter sent {sent_on:%d/%m/%Y}",
            )
            note_on_cases(
                uow,
                app,
                "letter",
                f"Case Review {app.reference}: threshold decision letter sent",
                actor.display_name,
            )
            uow.commit()
            return Changes.of("case_review", "chronology", ids=(app.id,))

    def record_review_meeting(
        self,
        actor: Actor,
        application_id: uuid.UUID,
        *,
        held_on: date | None,
        chair: str,
        chair_independent: bool,
        bodies: list[str],
        victim_invited: bool,
        victim_attended: bool,
        minutes: str,
        decision: str,
        version: int | None = None,
    ) -> Changes:
        extra: dict[str, str] = {}
        if not chair.strip():
            extra["chair"] = "Name the chair of the review meeting."
        if not [b for b in bodies if b.strip()]:
            extra["bodies_represented"] = "List the bodies represented at the meeting."
        if victim_attended and not victim_invited:
            extra["victim_attended"] = "The victim cannot have attended without being invited."
        values = {
            "review_meeting_on": held_on,
            "chair": chair.strip() or None,
            "chair_independent": chair_independent,
            "bodies_represented": [b.strip() for b in bodies if b.strip()],
            "victim_invited": victim_invited,
            "victim_attended": victim_attended,
            "minutes": minutes.strip(),
            "decision": decision.strip(),
        }
        with self._uow("system") as uow:
            app = load_application(uow, application_id)
            redo = redo_step(app, appeals_of(uow.session, app.id)) is Step.REVIEW_MEETING
        # Held again after an upheld appeal: the same guards as the first meeting (from threshold_decided).
        step = (
            self._step(
                actor,
                application_id,
                version,
                Step.REVIEW_MEETING,
                values,
                "record a Case Review meeting",
                extra,
                target=S.REVIEW_MEETING,
            )
            if not redo
            else self._step_redo(actor, application_id, version, values, extra)
        )
        with step as (uow, app):
            # No local timescale for the outcome letter: it is due now, and
            # stays on the chronology until sent.
            letter_due(uow, app, "outcome", None, actor.display_name)
        return self._done(app)

    @contextmanager
    def _step_redo(self, actor, application_id, version, values, extra) -> Iterator[tuple[UnitOfWork, Any]]:
        actor.require(Role.OFFICER, "record a Case Review meeting")
        with self._uow(actor.username) as uow:
            app = load_application(uow, application_id)
            check_version(app, version)
            for k, v in values.items():
                setattr(app, k, v)
            app.outcome_sent_on = None
            problems = dict(extra)
            problems.update(
                transition_problems(
                    S.THRESHOLD_DECIDED, S.REVIEW_MEETING, facts_for(uow.session, app, self._today())
                )
            )
            if problems:
                raise TransitionGuardFailed(problems)
            uow.audit(
                "update",
                "case_review",
                app.id,
                f"{app.reference}: review meeting held again after the appeal was upheld",
            )
            yield uow, app
            uow.commit()

    def send_outcome(
        self,
        actor: Actor,
        application_id: uuid.UUID,
        sent_on: date | None,
        recommendations_made: bool | None,
        version: int | None = None,
    ) -> Changes:
        with self._step(
            actor,
            application_id,
            version,
            Step.OUTCOME,
            {"outcome_sent_on": sent_on, "recommendations_made": recommendations_made},
            "send a Case Review outcome",
        ) as (uow, app):
            pass
        return self._done(app)

    def start_monitoring(
        self,
        actor: Actor,
        application_id: uuid.UUID,
        victim_consulted: bool | None,
        version: int | None = None,
    ) -> Changes:
        with self._step(
            actor,
            application_id,
            version,
            Step.MONITORING,
            {"victim_consulted_on_plan": victim_consulted},
            "monitor a Case Review action plan",
        ) as (uow, app):
            pass
        return self._done(app, "action")

    def close(
        self,
        actor: Actor,
        application_id: uuid.UUID,
        *,
        closed_on: date | None,
        reason: str,
        victim_told_on: date | None,
        version: int | None = None,
    ) -> Changes:
        with self._step(
            actor,
            application_id,
            version,
            Step.CLOSE,
            {
                "closed_on": closed_on,
                "closure_reason": reason.strip(),
                "victim_told_of_closure_on": victim_told_on,
            },
            "close a Case Review",
        ) as (uow, app):
            pass
        return self._done(app)

    def lodge_appeal(
        self,
        actor: Actor,
        application_id: uuid.UUID,
        *,
        against: str,
        lodged_on: date | None,
        grounds: str = "",
        version: int | None = None,
    ) -> Changes:
        """An appeal to the Police and Crime Commissioner for Derbyshire."""
        try:
            against_ = AppealAgainst(against)
        except ValueError:
            raise ValidationError(
                {
                    "appeal.against": "Say what the appeal is against: the threshold decision, "
                    "the review, or the delivery of the action plan."
                }
            ) from None
        with self._uow("system") as uow:
            current = S(load_application(uow, application_id).status)
        facts = AppealFacts(against_, lodged_on, current)
        with self._step(
            actor, application_id, version, Step.APPEAL, {}, "record an appeal", appeal=facts
        ) as (uow, app):
            uow.session.add(
                CaseReviewAppeal(
                    application_id=app.id,
                    against=against_.value,
                    lodged_on=lodged_on,
                    lodged_from=current.value,
                    grounds=grounds.strip() or None,
                )
            )
        return self._done(app)

    def decide_appeal(
        self,
        actor: Actor,
        application_id: uuid.UUID,
        *,
        outcome: str | None,
        outcome_on: date | None,
        notes: str = "",
        version: int | None = None,
    ) -> Changes:
        """The PCC's decision. Not upheld: back to where it was. Upheld: to the stage appealed against."""
        with self._uow("system") as uow:
            app = load_application(uow, application_id)
            appeals = appeals_of(uow.session, app.id)
            if app.status != S.APPEAL_TO_PCC.value or not appeals:
                raise TransitionRefused("There is no appeal waiting for the PCC's decision.")
            last = appeals[-1]
        try:
            outcome_ = AppealOutcome(outcome) if outcome else None
        except ValueError:
            raise ValidationError(
                {"appeal.outcome": "The PCC's decision is 'upheld' or 'not upheld'."}
            ) from None
        facts = AppealFacts(
            AppealAgainst(last.against), last.lodged_on, S(last.lodged_from), outcome_, outcome_on
        )
        target = appeal_return_status(facts)
        if target is None:
            raise ValidationError({"appeal.outcome": "Record the Police and Crime Commissioner's decision."})
        with self._step(
            actor,
            application_id,
            version,
            Step.APPEAL_DECISION,
            {},
            "record an appeal decision",
            appeal=facts,
            target=target,
        ) as (uow, app):
            row = uow.session.get(CaseReviewAppeal, last.id)
            row.outcome, row.outcome_on, row.outcome_notes = outcome_.value, outcome_on, notes.strip() or None
        return self._done(app)


def known_bodies() -> tuple[str, ...]:
    return BODIES
