"""Safer Homes status machine and timing.

referred -> eligibility_checked -> surveyed -> works_ordered -> secured -> followed_up -> closed;
declined or withdrawn, with a reason, from any open status. An ineligible referral is declined.
Steps are never skipped: each records a date the scheme reports on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from cspdesk.core.domain.calendar import add_working_days, is_working_day, working_days_between
from cspdesk.core.domain.safer_homes import (
    CLOSING_STATUSES,
    MeasureLine,
    ReferralRecord,
    SaferHomesRules,
    Tenure,
)
from cspdesk.core.domain.vocab import SaferHomesStatus
from cspdesk.core.errors import TransitionRefused

S = SaferHomesStatus

# The main line, in order; each status may move only to the next one.
PATHWAY: tuple[SaferHomesStatus, ...] = (
    S.REFERRED,
    S.ELIGIBILITY_CHECKED,
    S.SURVEYED,
    S.WORKS_ORDERED,
    S.SECURED,
    S.FOLLOWED_UP,
    S.CLOSED,
)
ENDINGS = frozenset({S.DECLINED, S.WITHDRAWN})


class SaferHomesTransitionRefused(TransitionRefused):
    """``needed`` lists what must be recorded first, one item per field, for the GUI to show."""

    def __init__(self, message: str, needed: Sequence[str] = ()):
        self.needed = tuple(needed)
        super().__init__(message)


@dataclass(frozen=True)
class TransitionFacts:
    """What is known about the referral once the proposed change is applied.

    The service applies the officer's edits (dates, contractor, measures) to the record, then asks
    whether the status change is allowed on the result.
    """

    referred_on: date | None = None
    eligible: bool | None = None
    survey_on: date | None = None
    surveyor: str | None = None
    measures: tuple[MeasureLine, ...] = field(default=())
    contractor: str | None = None
    tenure: Tenure | None = None
    landlord_permission: bool | None = None
    works_ordered_on: date | None = None
    installed_on: date | None = None
    followed_up_on: date | None = None
    reason: str | None = None  # for declined / withdrawn
    today: date | None = None  # if given, no step may be dated after it

    @classmethod
    def of(
        cls, record: ReferralRecord, reason: str | None = None, today: date | None = None
    ) -> TransitionFacts:
        return cls(
            referred_on=record.referred_on,
            eligible=record.eligible,
            survey_on=record.survey_on,
            surveyor=record.surveyor,
            measures=record.measures,
            contractor=record.contractor,
            tenure=record.tenure,
            landlord_permission=record.landlord_permission,
            works_ordered_on=record.works_ordered_on,
            installed_on=record.installed_on,
            followed_up_on=record.followed_up_on,
            reason=reason if reason is not None else record.end_reason,
            today=today,
        )


def allowed_next(status: SaferHomesStatus) -> tuple[SaferHomesStatus, ...]:
    """The statuses a referral may move to from ``status`` (facts permitting)."""
    if status in CLOSING_STATUSES:
        return ()
    i = PATHWAY.index(status)
    return (PATHWAY[i + 1], S.DECLINED, S.WITHDRAWN)


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _dated(
    needed: list[str], label: str, when: date | None, after: date | None, after_label: str, today: date | None
) -> None:
    if when is None:
        needed.append(f"enter the {label}")
        return
    if after is not None and when < after:
        needed.append(f"the {label} cannot be before the {after_label} ({after:%d/%m/%Y})")
    if today is not None and when > today:
        needed.append(f"the {label} cannot be in the future")


def _needed_for(to: SaferHomesStatus, facts: TransitionFacts) -> list[str]:
    needed: list[str] = []
    if to in ENDINGS:
        if _blank(facts.reason):
            needed.append(f"give the reason it is {to.label.lower()}")
    elif to is S.ELIGIBILITY_CHECKED:
        if facts.eligible is None:
            needed.append("run the eligibility check")
        elif not facts.eligible:
            needed.append("the referral is not eligible: decline it, giving the reasons")
    elif to is S.SURVEYED:
        _dated(needed, "survey date", facts.survey_on, facts.referred_on, "referral date", facts.today)
        if _blank(facts.surveyor):
            needed.append("name the surveyor")
    elif to is S.WORKS_ORDERED:
        if not facts.measures:
            needed.append("specify at least one measure")
        if _blank(facts.contractor):
            needed.append("name the contractor")
        if facts.tenure is None:
            needed.append("record whether the home is owned or rented")
        elif facts.tenure.rented and facts.landlord_permission is not True:
            needed.append("record the landlord's permission (the home is rented)")
        _dated(needed, "order date", facts.works_ordered_on, facts.survey_on, "survey date", facts.today)
    elif to is S.SECURED:
        _dated(
            needed, "installed date", facts.installed_on, facts.works_ordered_on, "order date", facts.today
        )
    elif to is S.FOLLOWED_UP:
        _dated(
            needed, "follow-up date", facts.followed_up_on, facts.installed_on, "installed date", facts.today
        )
    return needed


def check_transition(from_: SaferHomesStatus, to: SaferHomesStatus, facts: TransitionFacts) -> None:
    """Raise ``SaferHomesTransitionRefused`` unless the referral may move from ``from_`` to ``to``."""
    from_, to = S(from_), S(to)
    if from_ in CLOSING_STATUSES:
        raise SaferHomesTransitionRefused(f"This referral is {from_.label.lower()}; it cannot be changed.")
    if to == from_:
        raise SaferHomesTransitionRefused(f"This referral is already {from_.label.lower()}.")
    if to not in allowed_next(from_):
        nxt = allowed_next(from_)[0]
        raise SaferHomesTransitionRefused(
            f"A referral that is {from_.label.lower()} cannot be marked {to.label.lower()}: "
            f"it must be {nxt.label.lower()} first.",
            (f"mark it {nxt.label.lower()}",),
        )
    needed = _needed_for(to, facts)
    if needed:
        raise SaferHomesTransitionRefused(
            f"Cannot mark as {to.label.lower()}: " + "; ".join(needed) + ".", needed
        )


def may_transition(from_: SaferHomesStatus, to: SaferHomesStatus, facts: TransitionFacts) -> bool:
    try:
        check_transition(from_, to, facts)
    except TransitionRefused:
        return False
    return True


def apply_transition(
    record: ReferralRecord, to: SaferHomesStatus, on: date, reason: str | None = None
) -> ReferralRecord:
    """Check the move, then return the record in its new status with the status's date stamped.

    ``record`` already carries the officer's edits (survey date, contractor, installed date ...).
    The date a property counts as secured is the date the works were installed, not the day
    someone got round to changing the status, so the yearly figure is right.
    """
    to = S(to)
    check_transition(record.status, to, TransitionFacts.of(record, reason=reason, today=on))
    changes: dict[str, object] = {"status": to}
    if to is S.ELIGIBILITY_CHECKED:
        changes["eligible"] = True
    elif to is S.SECURED:
        changes["secured_on"] = record.installed_on
    elif to is S.CLOSED:
        changes["closed_on"] = on
    elif to in ENDINGS:
        changes.update(
            closed_on=on, end_reason=(reason if reason is not None else record.end_reason or "").strip()
        )
    return record.with_changes(**changes)


# --- timing ---------------------------------------------------------------------------------------


def days_to_secure(record: ReferralRecord) -> int | None:
    """Calendar days from referral to property secured; None until it is secured."""
    if record.referred_on is None or record.secured_on is None:
        return None
    return (record.secured_on - record.referred_on).days


def working_days_to_secure(record: ReferralRecord) -> int | None:
    """Working days (weekends and English bank holidays excluded) from referral to secured."""
    if record.referred_on is None or record.secured_on is None:
        return None
    return working_days_between(record.referred_on, record.secured_on)


def waiting_target_date(referred_on: date, rules: SaferHomesRules) -> date:
    """The last day a referral may wait unsecured before it is flagged."""
    return add_working_days(referred_on, rules.waiting_flag_working_days)


def is_waiting_too_long(record: ReferralRecord, today: date, rules: SaferHomesRules) -> bool:
    """Open, not yet secured, and more than the setting's working days since referral."""
    if record.referred_on is None or not record.is_open or record.secured_on is not None:
        return False
    if PATHWAY.index(record.status) >= PATHWAY.index(S.SECURED):
        return False
    return working_days_between(record.referred_on, today) > rules.waiting_flag_working_days


def follow_up_due(installed_on: date, rules: SaferHomesRules) -> date:
    """The follow-up call is due ``follow_up_days`` after installation, moved on to a working day
    because nobody is in the office to make it at a weekend or on a bank holiday."""
    due = installed_on + timedelta(days=rules.follow_up_days)
    while not is_working_day(due):
        due += timedelta(days=1)
    return due


def is_follow_up_overdue(record: ReferralRecord, today: date, rules: SaferHomesRules) -> bool:
    if record.status is not S.SECURED or record.installed_on is None:
        return False
    return today > follow_up_due(record.installed_on, rules)
