"""Guards before an enforcement step: pure checks over plain facts, each returning ``GuardFailure``s.

Law: Anti-social Behaviour, Crime and Policing Act 2014 - s.43(1) (16 or over), s.43(5) (written warning and
enough time), s.43(6) (inform first), s.46(2) (appeal window), s.52 (fixed penalties), s.1(1) and s.36(1)
(minimum age 10). A failure is ``overridable`` only where the rule is local policy or a fact is missing;
statutory bars are put right by correcting the facts, never overridden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from cspdesk.core.domain.deadlines import EnforcementRules
from cspdesk.core.domain.enforcement import Stage, a
from cspdesk.core.domain.vocab import NoticeKind, PartyKind, Role
from cspdesk.core.errors import TransitionRefused, ValidationError

K = NoticeKind
S = Stage


@dataclass(frozen=True)
class GuardFailure:
    code: str
    message: str
    overridable: bool = False  # statutory bars are not; local-policy checks and missing facts are
    field: str = ""


@dataclass(frozen=True)
class Recipient:
    party_id: object = None
    is_body: bool = False  # a business or organisation: s.43(1) "an individual aged 16 or over, or a body"
    date_of_birth: date | None = None

    @classmethod
    def from_party(cls, party_id: object, kind: PartyKind | str, date_of_birth: date | None) -> Recipient:
        return cls(
            party_id, PartyKind(kind) in (PartyKind.BUSINESS, PartyKind.COMMUNITY_GROUP), date_of_birth
        )


@dataclass(frozen=True)
class NoticeFacts:
    """What the guards need to know about an earlier notice (the CPW a CPN follows, the CPN an FPN is for)."""

    kind: NoticeKind
    stage: Stage
    party_id: object = None
    issued_on: date | None = None
    comply_by: date | None = None
    lapses_on: date | None = None
    breached_on: date | None = None

    def __post_init__(self) -> None:
        # Services may pass the stored strings; compare as enums from here on.
        object.__setattr__(self, "kind", NoticeKind(self.kind))
        object.__setattr__(self, "stage", Stage(self.stage))


@dataclass(frozen=True)
class InformedBody:
    body: str
    informed_on: date


# Minimum ages: s.43(1) CPW/CPN 16; s.1(1) civil injunction 10; s.36(1) dispersal direction 10.
MINIMUM_AGE: Mapping[NoticeKind, int] = {
    K.CPW: 16,
    K.CPN: 16,
    K.CIVIL_INJUNCTION: 10,
    K.DISPERSAL_DIRECTION: 10,
}


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years. Someone born on 29 February comes of age on 1 March in a common year."""
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def check_recipient(kind: NoticeKind | str, recipient: Recipient, on: date) -> list[GuardFailure]:
    kind = NoticeKind(kind)
    minimum = MINIMUM_AGE.get(kind)
    if minimum is None or recipient.is_body:
        return []
    dob = recipient.date_of_birth
    if dob is None:
        return [
            GuardFailure(
                "date_of_birth_unknown",
                f"{a(kind, capital=True)} can only be given to someone aged {minimum} or over. "
                "Record the date of birth, or an administrator can override with the reason.",
                overridable=True,
                field="date_of_birth",
            )
        ]
    if dob > on:
        return [
            GuardFailure(
                "date_of_birth_after_issue",
                "The date of birth is after the date of issue.",
                field="date_of_birth",
            )
        ]
    if age_on(dob, on) < minimum:
        return [
            GuardFailure(
                "under_minimum_age",
                f"The recipient is {age_on(dob, on)} on {on:%d/%m/%Y}; "
                f"{a(kind)} can only be given to someone aged {minimum} or over."
                + (" Consider a warning letter or an ABC instead." if minimum == 16 else ""),
                field="date_of_birth",
            )
        ]
    return []


def check_cpn_issue(
    issue_on: date, recipient: Recipient, warning: NoticeFacts | None, informed: Sequence[InformedBody]
) -> list[GuardFailure]:
    """Before a CPN: s.43(1) age, s.43(5) a written warning and enough time, s.43(6) who was informed."""
    out = check_recipient(K.CPN, recipient, issue_on)
    out += _check_warning(issue_on, recipient, warning)
    if not informed:
        out.append(
            GuardFailure(
                "informed_not_recorded",
                "Record who was informed before the CPN is issued (s.43(6)). If nobody was appropriate, an "
                "administrator can override with the reason.",
                overridable=True,
                field="informed",
            )
        )
    for body in informed:
        if body.informed_on > issue_on:
            out.append(
                GuardFailure(
                    "informed_after_issue",
                    f"{body.body} was informed on {body.informed_on:%d/%m/%Y}, after the "
                    "CPN's date; s.43(6) requires informing them before it is issued.",
                    field="informed",
                )
            )
    return out


def _check_warning(issue_on: date, recipient: Recipient, w: NoticeFacts | None) -> list[GuardFailure]:
    def fail(code: str, message: str, overridable: bool = False) -> list[GuardFailure]:
        return [GuardFailure(code, message, overridable, "warning")]

    if w is None or w.kind is not K.CPW:
        return fail(
            "no_warning",
            "A CPN can only follow a written warning (CPW) for the same conduct (s.43(5)(a)). "
            "Link the CPW this CPN follows, or issue a CPW first.",
        )
    if recipient.party_id is not None and w.party_id is not None and w.party_id != recipient.party_id:
        return fail(
            "warning_other_person",
            "The CPW was given to someone else; a CPN needs a warning to the same person.",
        )
    if w.stage in (S.DRAFT, S.WITHDRAWN) or w.issued_on is None:
        return fail(
            "warning_not_in_force",
            f"The CPW is {w.stage.label}; a CPN needs a warning that was issued and stands.",
        )
    if w.issued_on > issue_on:
        return fail("warning_after_notice", "The CPW is dated after the CPN; the warning must come first.")
    if w.stage is S.LAPSED or (w.lapses_on and issue_on >= w.lapses_on):
        return fail(
            "warning_lapsed",
            "The CPW has lapsed under local policy; issue a fresh warning, or an "
            "administrator can override with the reason.",
            True,
        )
    if w.stage in (S.COMPLIED, S.ESCALATED):
        return fail(
            f"warning_{w.stage.value}",
            f"The CPW is recorded as {w.stage.label}; an administrator can "
            "override with the reason (e.g. the behaviour resumed).",
            True,
        )
    if w.comply_by and issue_on <= w.comply_by:
        return fail(
            "comply_by_not_passed",
            f"The warning allows until {w.comply_by:%d/%m/%Y} to deal with the matter "
            "(s.43(5)(b)); issue the CPN after that, or an administrator can override with the reason.",
            True,
        )
    return []


def check_fpn_amount(
    amount_pence: int, rules: EnforcementRules, discount_pence: int | None = None
) -> list[GuardFailure]:
    """s.52(7) / s.68: at most the cap (a setting, £100 today); s.52(8): an early-payment amount is lower."""
    if amount_pence <= 0:
        return [
            GuardFailure("amount_missing", "Enter the amount of the fixed penalty.", field="amount_pence")
        ]
    if amount_pence > rules.fpn_max_amount_pence:
        return [
            GuardFailure(
                "amount_over_cap",
                f"A fixed penalty cannot be more than £{rules.fpn_max_amount_pence / 100:.2f}.",
                field="amount_pence",
            )
        ]
    if discount_pence is not None and not 0 < discount_pence < amount_pence:
        return [
            GuardFailure(
                "discount_not_lower",
                "The early-payment amount must be less than the full amount (s.52(8)).",
                field="discount_amount_pence",
            )
        ]
    return []


def check_fpn_issue(
    issue_on: date,
    cpn: NoticeFacts | None,
    amount_pence: int,
    rules: EnforcementRules,
    discount_pence: int | None = None,
) -> list[GuardFailure]:
    """s.52(1): an FPN is for the s.48 offence, so it needs a recorded breach of an active CPN."""
    out: list[GuardFailure] = []
    if cpn is None or cpn.kind is not K.CPN:
        out.append(
            GuardFailure(
                "no_cpn",
                "An FPN is for failing to comply with a CPN (s.48, s.52(1)); link the CPN that was breached.",
                field="parent",
            )
        )
    elif cpn.stage is S.FPN_ISSUED:
        out.append(
            GuardFailure("fpn_already_issued", "This breach already has an FPN; record a new breach first.")
        )
    elif cpn.stage is not S.BREACHED:
        out.append(
            GuardFailure(
                "cpn_not_breached",
                f"The CPN is '{cpn.stage.label}'; an FPN can only follow a recorded "
                "breach of an active CPN. Record the breach first.",
            )
        )
    elif cpn.breached_on and issue_on < cpn.breached_on:
        out.append(
            GuardFailure(
                "fpn_before_breach", "The FPN is dated before the breach it is for.", field="issued_on"
            )
        )
    return out + check_fpn_amount(amount_pence, rules, discount_pence)


def check_service_date(issued_on: date, served_on: date | None) -> list[GuardFailure]:
    if served_on is not None and served_on < issued_on:
        return [
            GuardFailure(
                "served_before_issue", "A notice cannot be served before it is issued.", field="served_on"
            )
        ]
    return []


def check_payment_date(notice_date: date, paid_on: date, pay_by: date | None = None) -> list[GuardFailure]:
    if paid_on < notice_date:
        return [GuardFailure("paid_before_notice", "The payment date is before the notice.", field="paid_on")]
    if pay_by and paid_on > pay_by:
        return [
            GuardFailure(
                "paid_late",
                f"Paid after {pay_by:%d/%m/%Y}: payment after the 14 days no longer "
                "discharges liability (s.52(5)(b)). An administrator can accept it with the reason.",
                overridable=True,
                field="paid_on",
            )
        ]
    return []


def check_appeal_date(
    issued_on: date, appeal_by: date, lodged_on: date, court_accepted_late_reason: str = ""
) -> list[GuardFailure]:
    """s.46(2): 21 days beginning with the day of issue. A late appeal the court
    accepted is recorded with why."""
    if lodged_on < issued_on:
        return [
            GuardFailure(
                "appeal_before_issue", "An appeal cannot be lodged before the notice.", field="lodged_on"
            )
        ]
    if lodged_on > appeal_by and not court_accepted_late_reason.strip():
        return [
            GuardFailure(
                "appeal_out_of_time",
                f"The last day to appeal was {appeal_by:%d/%m/%Y} (s.46(2)). Record "
                "it only if the court accepted it late, giving the reason.",
                True,
                "lodged_on",
            )
        ]
    return []


def raise_if_failed(failures: Sequence[GuardFailure]) -> None:
    if failures:
        raise TransitionRefused(" ".join(f.message for f in failures))


def apply_overrides(
    failures: Sequence[GuardFailure], role: Role | str, reason: str
) -> tuple[GuardFailure, ...]:
    """Accept ``failures`` on an administrator's recorded reason; returns what was overridden (for the audit).

    Statutory bars are never overridable; a wrong fact (date of birth, dates) is corrected instead.
    """
    if not failures:
        return ()
    blocking = [f.message for f in failures if not f.overridable]
    if blocking:
        raise TransitionRefused(" ".join(blocking) + " This cannot be overridden.")
    if Role(role) is not Role.ADMINISTRATOR:
        raise TransitionRefused(
            "Only an administrator can override: " + " ".join(f.message for f in failures)
        )
    if not reason or not reason.strip():
        raise ValidationError({"override_reason": "Give the reason for overriding the check."})
    return tuple(failures)
