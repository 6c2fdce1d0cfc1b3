"""The enforcement ladder as use cases: start a step, move a notice on, record what happened.

One unit of work per user action; officers act, partners read. Every step is checked by the domain
(``check_transition``, the guards), dated, attributed to the officer as a ``NoticeEvent``, written to the
audit log and to the case chronology, and marks that a letter or notice is due. A guard that is local
policy or a missing fact can be overridden by an administrator with a recorded reason; statutory bars
cannot. The rules in force are stored on each notice when it is created (settings apply to new notices).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from cspdesk.core.domain.enforcement import FOLLOW_ON, NOUN, Stage, TransitionContext, check_transition
from cspdesk.core.domain.enforcement_guards import (
    GuardFailure,
    apply_overrides,
    check_appeal_date,
    check_payment_date,
)
from cspdesk.core.domain.vocab import NoticeKind, PartyRole, Role
from cspdesk.core.errors import ConflictError, NotFound, ValidationError
from cspdesk.core.services.admin.settings import SettingsService, enforcement_rules
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.services.enforcement.enforcement_dto import (
    GuardsFailed,
    InformedInput,
    RequirementInput,
    StepRequest,
    StepStarted,
)
from cspdesk.core.services.enforcement.enforcement_letters import letter_values
from cspdesk.core.services.enforcement.enforcement_steps import (
    add_informed,
    amount_due,
    apply_dates,
    evidence,
    issue_failures,
    issue_stage,
    request_problems,
    set_requirements,
)
from cspdesk.core.services.enforcement.enforcement_support import (
    add_chronology,
    dates_of,
    next_reference,
    recipient_of,
    refresh_next_due,
    stored_rules,
)
from cspdesk.core.storage.models import (
    AppUser,
    AsbCase,
    CaseParty,
    EnforcementNotice,
    NoticeEvent,
)
from cspdesk.core.storage.uow import UnitOfWork

K, S = NoticeKind, Stage
CHANGES = ("notice", "case")

# When the fixed penalty for a CPN breach moves on, the CPN it was for moves with it (stage before, after).
_CPN_FOLLOWS_FPN: dict[Stage, tuple[Stage, Stage]] = {
    S.PAID: (S.FPN_ISSUED, S.PAID),
    S.UNPAID: (S.FPN_ISSUED, S.UNPAID),
    S.PROSECUTION: (S.UNPAID, S.PROSECUTION),
    S.OUTCOME: (S.PROSECUTION, S.OUTCOME),
}
# A fixed penalty withdrawn takes its CPN back to "breached": the breach stands, and the officer chooses what
# next (prosecute it, or deal with it informally and return the notice to active). The CPN's stage that
# mirrored the FPN's, by the FPN's stage when it was withdrawn:
_CPN_MIRRORS_FPN: dict[str, Stage] = {
    S.ISSUED.value: S.FPN_ISSUED,
    S.UNPAID.value: S.UNPAID,
    S.PROSECUTION.value: S.PROSECUTION,
}
NOTE_EVENTS = {
    "review": "Review held",
    "remedial_works": "Remedial works (s.47)",
    "forfeiture": "Forfeiture of items (s.50)",
    "evidence": "Evidence added",
    "note": "Note",
}


class EnforcementService:
    def __init__(
        self, uow: Callable[[str], UnitOfWork], settings: SettingsService, today: Callable[[], date]
    ):
        self._uow = uow
        self._settings = settings
        self._today = today

    def rules_in_force(self):
        """The rules a notice created now would be given (from the Settings page)."""
        return enforcement_rules(self._settings.section("enforcement"))

    # ----- starting a step --------------------------------------------------------------------------

    def start_step(self, actor: Actor, req: StepRequest, override_reason: str = "") -> StepStarted:
        actor.require(Role.OFFICER, "start an enforcement step")
        today = self._today()
        problems = request_problems(req, today)
        if problems:
            raise ValidationError(problems)
        kind = NoticeKind(req.kind)
        rules = self.rules_in_force()
        authority = req.authority.strip() or str(self._settings.get("council.name"))
        with self._uow(actor.username) as uow:
            s = uow.session
            if s.get(AsbCase, req.case_id) is None:
                raise NotFound("That case no longer exists.")
            party = s.get(CaseParty, req.party_id)
            if party is None or party.case_id != req.case_id or party.removed_on is not None:
                raise ValidationError({"party": "Choose a person on this case."})
            if party.role != PartyRole.PERPETRATOR.value:
                raise ValidationError(
                    {"party": "Enforcement steps are taken against a perpetrator on the case."}
                )
            officer_id = req.issuing_officer_id or actor.user_id
            if s.get(AppUser, officer_id) is None:
                raise ValidationError({"issuing_officer": "Choose the issuing officer."})
            amount = req.amount_pence
            discount = req.discount_amount_pence
            if kind in (K.FPN, K.PSPO_FPN) and amount is None:
                amount = rules.fpn_default_amount_pence
            if kind is K.FPN and discount is None:
                discount = rules.fpn_discount_amount_pence
            notice = EnforcementNotice(
                reference=next_reference(s, kind, (req.issued_on or today).year),
                case_id=req.case_id,
                party_id=req.party_id,
                kind=kind.value,
                stage=S.DRAFT.value,
                parent_id=req.parent_id,
                conduct=req.conduct.strip() or None,
                detrimental_effect=req.detrimental_effect.strip() or None,
                issuing_officer_id=officer_id,
                authority=authority,
                comply_by=req.comply_by,
                expires_on=req.ends_on,
                amount_pence=amount,
                discount_amount_pence=discount or None,
                document_due=False,
                rules=rules.to_dict(),
            )
            s.add(notice)
            s.flush()
            set_requirements(s, notice, req.requirements)
            for body in req.informed:
                add_informed(s, notice, body)
            s.add(
                NoticeEvent(
                    notice_id=notice.id,
                    occurred_on=req.issued_on or today,
                    event="stage",
                    from_stage=None,
                    to_stage=S.DRAFT.value,
                    officer=actor.display_name,
                )
            )
            uow.audit(
                "create",
                "notice",
                notice.id,
                f"{NOUN[kind]} {notice.reference} started",
                {"case_id": str(req.case_id), "party_id": str(req.party_id), "rules": rules.to_dict()},
            )
            if req.issued_on is not None:
                s.flush()
                self._issue(
                    uow,
                    actor,
                    notice,
                    req.issued_on,
                    req.served_on,
                    req.service_method,
                    req.served_at,
                    override_reason,
                )
            else:
                add_chronology(
                    s, notice, today, f"{NOUN[kind]} {notice.reference} drafted", actor.display_name
                )
            uow.commit()
            changed = (notice.id,) + ((notice.parent_id,) if notice.parent_id else ())
            return StepStarted(notice.id, notice.reference, notice.stage, Changes.of(*CHANGES, ids=changed))

    def _issue(
        self,
        uow: UnitOfWork,
        actor: Actor,
        notice: EnforcementNotice,
        on: date,
        served_on: date | None,
        service_method: str,
        served_at: datetime | None,
        override_reason: str,
    ) -> None:
        s = uow.session
        kind = NoticeKind(notice.kind)
        to = issue_stage(kind)
        check_transition(kind, notice.stage, to)
        rules = stored_rules(notice)
        overridden = self._settle(issue_failures(s, notice, on, served_on, rules), actor, override_reason)
        apply_dates(notice, on, rules, served_at)
        notice.served_on = served_on
        notice.service_method = service_method.strip() or None
        self._move(uow, actor, notice, to, on, override_reason=override_reason, overridden=overridden)
        parent = s.get(EnforcementNotice, notice.parent_id) if notice.parent_id else None
        if parent is not None and kind is K.CPN and parent.kind == K.CPW.value:
            # The warning was not heeded and a CPN followed: the CPW is breached, then escalated.
            if parent.stage == S.ISSUED.value:
                self._move(uow, actor, parent, S.BREACHED, on, reason=f"CPN {notice.reference} issued")
            if parent.stage == S.BREACHED.value:
                self._move(uow, actor, parent, S.ESCALATED, on, reason=f"CPN {notice.reference} issued")
        if parent is not None and kind is K.FPN and parent.stage == S.BREACHED.value:
            self._move(uow, actor, parent, S.FPN_ISSUED, on, reason=f"FPN {notice.reference} issued")

    # ----- moving a notice on -----------------------------------------------------------------------

    def transition(
        self,
        actor: Actor,
        notice_id: uuid.UUID,
        to_stage: Stage | str,
        on: date,
        *,
        reason: str = "",
        late_appeal_reason: str = "",
        override_reason: str = "",
        outcome: str = "",
        amount_paid_pence: int | None = None,
        evidence_incident_ids: Sequence[uuid.UUID] = (),
        evidence_document_ids: Sequence[uuid.UUID] = (),
        requirements: Sequence[RequirementInput] | None = None,
        served_on: date | None = None,
        service_method: str = "",
        served_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Changes:
        """Move a notice to ``to_stage`` on ``on``: any move the state machine
        allows, with the facts it needs."""
        actor.require(Role.OFFICER, "record enforcement steps")
        to = Stage(to_stage)
        if on > self._today():
            raise ValidationError({"on": "The date cannot be in the future."})
        with self._uow(actor.username) as uow:
            s = uow.session
            notice = self._load(s, notice_id, expected_version)
            kind = NoticeKind(notice.kind)
            if notice.stage == S.DRAFT.value and to is issue_stage(kind):
                self._issue(uow, actor, notice, on, served_on, service_method, served_at, override_reason)
                uow.commit()
                return Changes.of(*CHANGES, ids=(notice.id,))
            check_transition(
                kind, notice.stage, to, TransitionContext(on, dates_of(notice), late_appeal_reason)
            )
            self._not_before_last_step(s, notice, on)
            details: dict[str, Any] = {}
            failures: list[GuardFailure] = []
            # An issued notice has its date (issue/record set it); a None here would have been a TypeError.
            if to is S.APPEAL_LODGED and notice.appeal_by and notice.issued_on is not None:
                failures += check_appeal_date(notice.issued_on, notice.appeal_by, on, late_appeal_reason)
                if late_appeal_reason.strip():
                    details["late_appeal_reason"] = late_appeal_reason.strip()
            if to is S.PAID:
                if notice.issued_on is not None:
                    failures += check_payment_date(notice.issued_on, on, notice.pay_by)
                details["amount_paid_pence"] = amount_due(notice, on, amount_paid_pence)
            if to is S.WITHDRAWN and not reason.strip():
                raise ValidationError({"reason": "Give the reason for withdrawing it."})
            if to in (S.QUASHED, S.MODIFIED, S.DISMISSED, S.OUTCOME) and not outcome.strip():
                raise ValidationError({"outcome": "Record what the court decided."})
            if to is S.BREACHED:
                details.update(evidence(s, notice, evidence_incident_ids, evidence_document_ids))
            overridden = self._settle(failures, actor, override_reason)
            if to is S.PAID:
                notice.paid_on = on
            if outcome.strip():
                notice.outcome = outcome.strip()
                details["outcome"] = outcome.strip()
            if to is S.MODIFIED and requirements is not None:
                details["requirements_before"] = set_requirements(s, notice, requirements, replace=True)
            fpn_stage_before = notice.stage
            self._move(
                uow,
                actor,
                notice,
                to,
                on,
                reason=reason,
                details=details,
                override_reason=override_reason,
                overridden=overridden,
            )
            follow = FOLLOW_ON.get((kind, to))
            if follow is not None:
                self._move(uow, actor, notice, follow, on, reason=f"In force after the appeal was {to.label}")
            changed = [notice.id]
            parent = s.get(EnforcementNotice, notice.parent_id) if notice.parent_id else None
            if kind is K.FPN and parent is not None and parent.kind == K.CPN.value and to in _CPN_FOLLOWS_FPN:
                before, after = _CPN_FOLLOWS_FPN[to]
                if parent.stage == before.value:
                    self._move(uow, actor, parent, after, on, reason=f"FPN {notice.reference}: {to.label}")
                    changed.append(parent.id)
            if kind is K.FPN and parent is not None and parent.kind == K.CPN.value and to is S.WITHDRAWN:
                mirror = _CPN_MIRRORS_FPN.get(fpn_stage_before)
                if mirror is not None and parent.stage == mirror.value:
                    self._move(
                        uow,
                        actor,
                        parent,
                        S.BREACHED,
                        on,
                        reason=f"FPN {notice.reference} withdrawn: {reason.strip()}",
                    )
                    changed.append(parent.id)
            uow.commit()
            return Changes.of(*CHANGES, ids=tuple(changed))

    # The steps an officer names, each a transition with the facts it needs.
    def record_breach(
        self,
        actor: Actor,
        notice_id: uuid.UUID,
        on: date,
        *,
        description: str = "",
        incident_ids: Sequence[uuid.UUID] = (),
        document_ids: Sequence[uuid.UUID] = (),
        override_reason: str = "",
    ) -> Changes:
        return self.transition(
            actor,
            notice_id,
            S.BREACHED,
            on,
            reason=description,
            evidence_incident_ids=incident_ids,
            evidence_document_ids=document_ids,
            override_reason=override_reason,
        )

    def lodge_appeal(self, actor: Actor, notice_id: uuid.UUID, on: date, late_reason: str = "") -> Changes:
        return self.transition(actor, notice_id, S.APPEAL_LODGED, on, late_appeal_reason=late_reason)

    def appeal_outcome(
        self,
        actor: Actor,
        notice_id: uuid.UUID,
        outcome: Stage | str,
        on: date,
        notes: str,
        requirements: Sequence[RequirementInput] | None = None,
    ) -> Changes:
        if Stage(outcome) not in (S.QUASHED, S.MODIFIED, S.DISMISSED):
            raise ValidationError({"outcome": "The court quashes, modifies or dismisses an appeal."})
        return self.transition(actor, notice_id, outcome, on, outcome=notes, requirements=requirements)

    def record_payment(
        self,
        actor: Actor,
        notice_id: uuid.UUID,
        on: date,
        amount_pence: int | None = None,
        override_reason: str = "",
    ) -> Changes:
        return self.transition(
            actor, notice_id, S.PAID, on, amount_paid_pence=amount_pence, override_reason=override_reason
        )

    def withdraw(self, actor: Actor, notice_id: uuid.UUID, on: date, reason: str) -> Changes:
        return self.transition(actor, notice_id, S.WITHDRAWN, on, reason=reason)

    def record_event(
        self,
        actor: Actor,
        notice_id: uuid.UUID,
        event: str,
        on: date,
        text: str,
        details: dict[str, Any] | None = None,
    ) -> Changes:
        """Something recorded without a change of stage: a review, remedial works, forfeiture, a note."""
        actor.require(Role.OFFICER, "record enforcement steps")
        if event not in NOTE_EVENTS:
            raise ValidationError({"event": "Unknown kind of entry."})
        if not text.strip():
            raise ValidationError({"text": "Say what happened."})
        if on > self._today():
            raise ValidationError({"on": "The date cannot be in the future."})
        with self._uow(actor.username) as uow:
            s = uow.session
            notice = self._load(s, notice_id, None)
            kind, stage = NoticeKind(notice.kind), Stage(notice.stage)
            if notice.issued_on is None or on < notice.issued_on:
                raise ValidationError({"on": f"The {NOUN[kind]} was not yet issued on {on:%d/%m/%Y}."})
            if event == "review" and not (
                kind is K.CPN and stage is S.ACTIVE or kind is K.ABC and stage is S.ISSUED
            ):
                raise ValidationError({"event": "Reviews are recorded on an active CPN or an ABC in force."})
            if event in ("remedial_works", "forfeiture") and (
                kind is not K.CPN or stage in (S.DRAFT, S.ISSUED, S.APPEAL_LODGED, S.QUASHED, S.WITHDRAWN)
            ):
                raise ValidationError(
                    {
                        "event": "Remedial works and forfeiture follow a failure to comply with "
                        "a CPN in force (ss.47 and 50)."
                    }
                )
            if event == "review":
                notice.last_reviewed_on = max(on, notice.last_reviewed_on or on)
            s.add(
                NoticeEvent(
                    notice_id=notice.id,
                    occurred_on=on,
                    event=event,
                    from_stage=notice.stage,
                    to_stage=notice.stage,
                    officer=actor.display_name,
                    reason=text.strip(),
                    details=details or None,
                )
            )
            notice.document_due = notice.document_due or event in ("remedial_works", "forfeiture")
            refresh_next_due(notice, self._today())
            add_chronology(
                s,
                notice,
                on,
                f"{NOUN[kind]} {notice.reference}: {NOTE_EVENTS[event].lower()}",
                actor.display_name,
                text.strip(),
            )
            uow.audit(
                "update",
                "notice",
                notice.id,
                f"{NOTE_EVENTS[event]} on {notice.reference}",
                {"event": event, "on": on.isoformat()},
            )
            uow.commit()
            return Changes.of(*CHANGES, ids=(notice.id,))

    def record_informed(self, actor: Actor, notice_id: uuid.UUID, body: str, informed_on: date) -> Changes:
        """Who was told before a CPN is issued (s.43(6))."""
        actor.require(Role.OFFICER, "record enforcement steps")
        with self._uow(actor.username) as uow:
            notice = self._load(uow.session, notice_id, None)
            if notice.kind != K.CPN.value or notice.stage != S.DRAFT.value:
                raise ValidationError({"informed": "Record who was informed on a CPN before it is issued."})
            add_informed(uow.session, notice, InformedInput(body, informed_on))
            uow.audit("update", "notice", notice.id, f"{body} informed before {notice.reference}")
            uow.commit()
            return Changes.of("notice", ids=(notice.id,))

    def mark_document_made(self, actor: Actor, notice_id: uuid.UUID) -> Changes:
        """The letters engine calls this once the notice's letter is filed."""
        actor.require(Role.OFFICER, "record enforcement steps")
        with self._uow(actor.username) as uow:
            notice = self._load(uow.session, notice_id, None)
            notice.document_due = False
            uow.audit("update", "notice", notice.id, f"Document made for {notice.reference}")
            uow.commit()
            return Changes.of("notice", ids=(notice.id,))

    def notice_letter_values(self, notice_id: uuid.UUID) -> dict[str, Any]:
        """The notice, its case and recipient as plain field values for the letters engine."""
        with self._uow("system") as uow:
            return letter_values(uow.session, notice_id, self._settings.all())

    # ----- shared steps -----------------------------------------------------------------------------

    def _load(self, s, notice_id: uuid.UUID, expected_version: int | None) -> EnforcementNotice:
        notice = s.get(EnforcementNotice, notice_id)
        if notice is None:
            raise NotFound("That notice no longer exists.")
        if expected_version is not None and notice.version != expected_version:
            raise ConflictError(
                "Someone else recorded a step on this notice after you opened it; "
                "reopen it to see what changed."
            )
        return notice

    @staticmethod
    def _not_before_last_step(s, notice: EnforcementNotice, on: date) -> None:
        last = s.scalar(
            select(func.max(NoticeEvent.occurred_on)).where(
                NoticeEvent.notice_id == notice.id,
                NoticeEvent.event == "stage",
                NoticeEvent.from_stage.is_not(None),
            )
        )
        if last is not None and on < last:
            raise ValidationError(
                {
                    "on": f"The last step on {notice.reference} was recorded on {last:%d/%m/%Y}; "
                    "a later step cannot be dated before it."
                }
            )

    @staticmethod
    def _settle(failures: list[GuardFailure], actor: Actor, override_reason: str) -> tuple[GuardFailure, ...]:
        if not failures:
            return ()
        if not override_reason.strip():
            raise GuardsFailed(failures)
        return apply_overrides(failures, actor.role, override_reason)

    def _move(
        self,
        uow: UnitOfWork,
        actor: Actor,
        notice: EnforcementNotice,
        to: Stage,
        on: date,
        *,
        reason: str = "",
        details: dict[str, Any] | None = None,
        override_reason: str = "",
        overridden: tuple[GuardFailure, ...] = (),
    ) -> None:
        s = uow.session
        kind = NoticeKind(notice.kind)
        frm = notice.stage
        notice.stage = to.value
        details = dict(details or {})
        if overridden:
            details["overridden"] = [f.code for f in overridden]
        s.add(
            NoticeEvent(
                notice_id=notice.id,
                occurred_on=on,
                event="stage",
                from_stage=frm,
                to_stage=to.value,
                officer=actor.display_name,
                reason=reason.strip() or None,
                override_reason=override_reason.strip() if overridden else None,
                details=details or None,
            )
        )
        notice.document_due = True
        refresh_next_due(notice, self._today())
        name, _, _, _ = recipient_of(s, notice.party_id)
        what = (
            f"issued to {name}"
            if to is S.ISSUED
            else f"recorded against {name}"
            if to is S.RECORDED
            else to.label
        )
        add_chronology(
            s,
            notice,
            on,
            f"{NOUN[kind]} {notice.reference}: {what}",
            actor.display_name,
            reason.strip() or None,
        )
        uow.audit(
            "transition",
            "notice",
            notice.id,
            f"{NOUN[kind]} {notice.reference}: {frm} → {to.value}",
            {"from": frm, "to": to.value, "on": on.isoformat(), **details},
        )
        if overridden:
            uow.audit(
                "override",
                "notice",
                notice.id,
                f"Check overridden on {notice.reference}: {override_reason.strip()}",
                {
                    "codes": [f.code for f in overridden],
                    "messages": [f.message for f in overridden],
                    "reason": override_reason.strip(),
                },
            )
