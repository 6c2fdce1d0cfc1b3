"""Partners see what their agency needs: which ASB cases a partner's agency may see, and sharing a case with
an agency (recorded, dated, audited, withdrawable — never deleted).

The rule is ``core.domain.restriction.partner_may_see_case``; this module finds its three facts for an
agency. Officers and administrators see every case; a partner with no agency sees none.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, union

from cspdesk.core.domain.vocab import ChronologyKind, Role
from cspdesk.core.errors import NotFound, PermissionDenied, TransitionRefused, ValidationError
from cspdesk.core.services.cases.case_common import get_case, record_chronology
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import Agency, CaseAction, CaseShare, Incident
from cspdesk.core.storage.uow import UnitOfWork

MAX_REASON = 500


@dataclass(frozen=True)
class ShareRow:
    id: uuid.UUID
    agency: str
    shared_on: date
    shared_by: str
    reason: str
    withdrawn_on: date | None
    withdrawn_by: str | None

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None


def partner_case_ids(session, agency_id: uuid.UUID | None) -> set[uuid.UUID]:
    """Every case a partner of this agency may see (``restriction.partner_may_see_case``), in one query."""
    if agency_id is None:
        return set()
    reported = select(Incident.case_id).where(Incident.reporting_agency_id == agency_id)
    owns = select(CaseAction.case_id).where(
        CaseAction.owner_agency_id == agency_id, CaseAction.case_id.is_not(None)
    )
    shared = select(CaseShare.case_id).where(
        CaseShare.agency_id == agency_id, CaseShare.withdrawn_on.is_(None)
    )
    return set(session.scalars(union(reported, owns, shared)))


def agency_id_of(session, name: str | None) -> uuid.UUID | None:
    return session.scalar(select(Agency.id).where(Agency.name == name)) if name else None


class CaseSharingService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def visible_case_ids(self, actor: Actor) -> set[uuid.UUID] | None:
        """The cases this actor may see; None = every case (officers and administrators)."""
        if actor.can(Role.OFFICER):
            return None
        with self._uow("system") as uow:
            return partner_case_ids(uow.session, agency_id_of(uow.session, actor.agency))

    def may_see_case(self, actor: Actor, case_id: uuid.UUID) -> bool:
        visible = self.visible_case_ids(actor)
        return visible is None or case_id in visible

    def shares(self, actor: Actor, case_id: uuid.UUID) -> list[ShareRow]:
        """Every share of a case, withdrawn ones too (newest first). Officers only."""
        actor.require(Role.OFFICER, "see who a case is shared with")
        with self._uow("system") as uow:
            names = {i: n for i, n in uow.session.execute(select(Agency.id, Agency.name))}
            rows = uow.session.scalars(
                select(CaseShare)
                .where(CaseShare.case_id == case_id)
                .order_by(CaseShare.shared_on.desc(), CaseShare.created_at.desc())
            ).all()
            return [
                ShareRow(
                    r.id,
                    names.get(r.agency_id, ""),
                    r.shared_on,
                    r.shared_by,
                    r.reason or "",
                    r.withdrawn_on,
                    r.withdrawn_by,
                )
                for r in rows
            ]

    def share(self, actor: Actor, case_id: uuid.UUID, agency: str, reason: str) -> Changes:
        """Share a case with a partner agency, from today, for a reason; on the
        case's chronology and audited."""
        actor.require(Role.OFFICER, "share cases with partner agencies")
        reason = (reason or "").strip()
        problems = {}
        if not reason:
            problems["reason"] = "Say why the case is being shared (it is kept with the share)."
        elif len(reason) > MAX_REASON or "\x00" in reason:
            problems["reason"] = f"Write the reason in at most {MAX_REASON} characters of plain text."
        with self._uow(actor.username) as uow:
            s = uow.session
            agency_id = agency_id_of(s, agency)
            if agency_id is None:
                problems["agency"] = "Choose the agency from the list."
            if problems:
                raise ValidationError(problems)
            case = get_case(s, case_id)
            if s.scalar(
                select(CaseShare.id).where(
                    CaseShare.case_id == case_id,
                    CaseShare.agency_id == agency_id,
                    CaseShare.withdrawn_on.is_(None),
                )
            ):
                raise ValidationError({"agency": f"{case.reference} is already shared with {agency}."})
            share = CaseShare(
                case_id=case_id,
                agency_id=agency_id,
                shared_on=self._today(),
                shared_by=actor.display_name,
                reason=reason,
            )
            s.add(share)
            s.flush()
            record_chronology(
                s,
                case,
                ChronologyKind.NOTE.value,
                f"Shared with {agency}",
                actor.display_name,
                body=reason,
                related_type="case_share",
                related_id=share.id,
                today=self._today(),
            )
            uow.audit(
                "share",
                "asb_case",
                case_id,
                f"{case.reference}: shared with {agency}",
                {"share": str(share.id), "agency": agency, "reason": reason},
            )
            uow.commit()
            return Changes.of("case", "chronology", "case_share", ids=(case_id, share.id))

    def withdraw(self, actor: Actor, share_id: uuid.UUID, reason: str = "") -> Changes:
        """End a share from today; the share stays on record, marked withdrawn."""
        actor.require(Role.OFFICER, "withdraw shares")
        with self._uow(actor.username) as uow:
            s = uow.session
            share = s.get(CaseShare, share_id)
            if share is None:
                raise NotFound("That share no longer exists.")
            if share.withdrawn_on is not None:
                raise TransitionRefused("That share was already withdrawn.")
            if "\x00" in reason or len(reason) > MAX_REASON:
                raise ValidationError({"reason": f"Write the reason in at most {MAX_REASON} characters."})
            agency = s.get(Agency, share.agency_id)
            case = get_case(s, share.case_id)
            share.withdrawn_on = self._today()
            share.withdrawn_by = actor.display_name
            name = agency.name if agency else "the agency"
            record_chronology(
                s,
                case,
                ChronologyKind.NOTE.value,
                f"No longer shared with {name}",
                actor.display_name,
                body=reason.strip() or None,
                related_type="case_share",
                related_id=share.id,
                today=self._today(),
            )
            uow.audit(
                "withdraw",
                "asb_case",
                case.id,
                f"{case.reference}: share with {name} withdrawn",
                {"share": str(share.id), "agency": name, "reason": reason.strip()},
            )
            uow.commit()
            return Changes.of("case", "chronology", "case_share", ids=(case.id, share.id))


def refuse_unless_visible(sharing: CaseSharingService, actor: Actor, case_id: uuid.UUID) -> None:
    if not sharing.may_see_case(actor, case_id):
        raise PermissionDenied("This case is not shared with your agency.")
