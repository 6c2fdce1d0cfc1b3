"""Every date on the enforcement ladder, computed in one place.

Statutory periods come from the Anti-social Behaviour, Crime and Policing Act 2014 ("the 2014 Act") and are
cited where the rule is written; local-policy periods come from ``EnforcementRules``. The rules in force are
stored with each notice (``to_dict``), because a change of setting applies to new notices only.

The 2014 Act counts calendar days for every period used here, so no working-day arithmetic appears; if a
local rule ever needs working days, use ``cspdesk.core.domain.calendar``.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from cspdesk.core.domain.vocab import NoticeKind
from cspdesk.core.errors import ValidationError

# s.52(7) (CPN breach) and s.68 (PSPO breach): the statutory cap today. A Bill may raise it to £500, which
# is why the cap in force is a setting (``fpn_max_amount_pence``), not this constant.
STATUTORY_FPN_CAP_PENCE = 10_000
# s.52(5)(a) and s.68(4)(a): "no proceedings ... before the end of the period of 14 days following the date
# of the notice"; paying before the end of that period discharges liability (s.52(5)(b), s.68(4)(b)).
FPN_PAYMENT_DAYS = 14


@dataclass(frozen=True)
class EnforcementRules:
    """Local-policy settings (DOMAIN.md section 3, tagged [L]) with the council's defaults."""

    cpw_comply_days: int = 14  # the Act sets no period: s.43(5)(b) only says "enough time"
    cpw_lapse_months: int = 6
    cpn_review_months: int = 12  # no statutory expiry; a local review point
    cpn_expiry_months: int | None = None  # None: the CPN stays in force until withdrawn or complied
    fpn_max_amount_pence: int = STATUTORY_FPN_CAP_PENCE
    fpn_default_amount_pence: int = 10_000
    fpn_discount_amount_pence: int | None = 7_500  # None: no early-payment discount offered
    fpn_discount_days: int = 10
    abc_length_months: int = 6
    abc_review_weeks: int = 4  # local practice: every 4-12 weeks
    closure_order_months: int = 3  # s.80(6): at most 3 months (extendable under s.82)

    def __post_init__(self) -> None:
        problems: dict[str, str] = {}
        for name in ("cpw_comply_days", "cpw_lapse_months", "cpn_review_months", "abc_length_months"):
            if getattr(self, name) < 1:
                problems[name] = "Must be at least 1."
        if self.cpn_expiry_months is not None and self.cpn_expiry_months < 1:
            problems["cpn_expiry_months"] = "Must be at least 1 month, or left empty for no expiry."
        if self.fpn_max_amount_pence < 1:
            problems["fpn_max_amount_pence"] = "The fixed penalty cap must be more than nothing."
        if not 1 <= self.fpn_default_amount_pence <= self.fpn_max_amount_pence:
            problems["fpn_default_amount_pence"] = (
                "The usual fixed penalty must be more than nothing and within the cap."
            )
        if self.fpn_discount_amount_pence is not None:
            if not 1 <= self.fpn_discount_amount_pence < self.fpn_default_amount_pence:
                problems["fpn_discount_amount_pence"] = (
                    "The early-payment amount must be less than the usual amount."
                )
            # s.52(8): the lower amount applies if paid within a specified period "of less than 14 days".
            if not 1 <= self.fpn_discount_days < FPN_PAYMENT_DAYS:
                problems["fpn_discount_days"] = (
                    "The early-payment period must be 1 to 13 days (s.52(8) of the 2014 Act)."
                )
        if not 4 <= self.abc_review_weeks <= 12:
            problems["abc_review_weeks"] = "Acceptable Behaviour Contracts are reviewed every 4 to 12 weeks."
        if not 1 <= self.closure_order_months <= 3:
            problems["closure_order_months"] = (
                "A closure order lasts at most 3 months (s.80(6) of the 2014 Act)."
            )
        if problems:
            raise ValidationError(problems)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> EnforcementRules:
        """Rules stored with a notice. Unknown keys are ignored and missing keys take today's defaults, so
        notices stored by an older or newer version still load."""
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class NoticeDates:
    """The dates a notice was issued with. Field names match the ``EnforcementNotice`` columns."""

    issued_on: date
    comply_by: date | None = None
    lapses_on: date | None = None
    appeal_by: date | None = None
    review_on: date | None = None
    expires_on: date | None = None
    pay_by: date | None = None
    discount_by: date | None = None
    earliest_prosecution_on: date | None = None
    hearing_by: datetime | None = None
    # Every review date of an ABC; not a column (it is recomputed from ``issued_on`` and the stored rules).
    review_dates: tuple[date, ...] = ()

    def columns(self) -> dict[str, date | datetime | None]:
        """The values to store on the notice row."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "review_dates"}


class DueItem(NamedTuple):
    on: date
    what: str


def add_months(d: date, n: int) -> date:
    """``d`` plus ``n`` calendar months, clamped to the month end (31 Aug + 6 months = 28 or 29 Feb)."""
    months = d.year * 12 + (d.month - 1) + n
    year, month = divmod(months, 12)
    month += 1
    return date(year, month, min(d.day, _cal.monthrange(year, month)[1]))


# --- single rules, each with its authority ---------------------------------------------------------------


def cpw_comply_by(issued_on: date, rules: EnforcementRules, explicit: date | None = None) -> date:
    """s.43(5)(b): the recipient must have had "enough time to deal with the matter" before a CPN. The Act
    sets no period, so the officer may set one per case; otherwise the local default applies."""
    if explicit is not None:
        if explicit <= issued_on:
            raise ValidationError({"comply_by": "The comply-by date must be after the date of the warning."})
        return explicit
    return issued_on + timedelta(days=rules.cpw_comply_days)


def cpw_lapses_on(issued_on: date, rules: EnforcementRules) -> date:
    """Local practice: a warning is treated as spent after ``cpw_lapse_months`` (no statutory period)."""
    return add_months(issued_on, rules.cpw_lapse_months)


def cpn_appeal_by(issued_on: date) -> date:
    """s.46(2): appeal "within the period of 21 days beginning with the day on which the person is issued with
    the notice" - the issue day is day 1, so the last day is issue + 20 days."""
    return issued_on + timedelta(days=20)


def fpn_pay_by(notice_date: date) -> date:
    """s.52(5) (CPN) / s.68(4) (PSPO): the 14 days *following* the date of the notice, so the last day to pay
    is notice date + 14."""
    return notice_date + timedelta(days=FPN_PAYMENT_DAYS)


def fpn_earliest_prosecution(notice_date: date) -> date:
    """s.52(5)(a) / s.68(4)(a): no proceedings before the end of the 14-day period: notice date + 15."""
    return notice_date + timedelta(days=FPN_PAYMENT_DAYS + 1)


def fpn_discount_by(notice_date: date, rules: EnforcementRules) -> date | None:
    """s.52(8): a lower amount if paid within a specified period of less than 14 days (counted, like the
    14 days, from the day after the notice)."""
    if rules.fpn_discount_amount_pence is None:
        return None
    return notice_date + timedelta(days=rules.fpn_discount_days)


def abc_review_dates(issued_on: date, ends_on: date, weeks: int) -> tuple[date, ...]:
    """Local practice: an ABC is reviewed every ``weeks`` weeks; the last review falls before the end date
    (the end itself is the final review)."""
    step = timedelta(weeks=weeks)
    out: list[date] = []
    d = issued_on + step
    while d < ends_on:
        out.append(d)
        d += step
    return tuple(out)


def closure_hearing_by(served_at: datetime) -> datetime:
    """s.80(3): the closure order application must be heard "not later than 48 hours after service of the
    closure notice"; s.80(4): Christmas Day is disregarded in counting those hours."""
    remaining = timedelta(hours=48)
    t = served_at
    while remaining > timedelta(0):
        if (t.month, t.day) == (12, 25):
            t = datetime(t.year, 12, 26, tzinfo=t.tzinfo)
            continue
        christmas = datetime(t.year, 12, 25, tzinfo=t.tzinfo)
        if christmas <= t:
            christmas = datetime(t.year + 1, 12, 25, tzinfo=t.tzinfo)
        step = min(remaining, christmas - t)
        t += step
        remaining -= step
    return t


# --- the entry point -------------------------------------------------------------------------------------


def compute_dates(
    kind: NoticeKind | str,
    issued_on: date,
    rules: EnforcementRules | None = None,
    *,
    served_at: datetime | None = None,
    comply_by: date | None = None,
    ends_on: date | None = None,
) -> NoticeDates:
    """All the dates a new notice of ``kind`` carries.

    ``issued_on`` is the notice date (for an FPN, "the date of the notice" in s.52(5)). ``comply_by`` is a
    per-case CPW period; ``ends_on`` an explicit end (ABC length agreed, injunction or closure order end set
    by the court); ``served_at`` the moment a closure notice was served.
    """
    kind = NoticeKind(kind)
    rules = rules or EnforcementRules()
    if ends_on is not None and ends_on <= issued_on:
        raise ValidationError({"ends_on": "The end date must be after the date of issue."})
    if served_at is not None and served_at.date() < issued_on:
        raise ValidationError({"served_at": "A notice cannot be served before it is issued."})

    if kind is NoticeKind.CPW:
        return NoticeDates(
            issued_on,
            comply_by=cpw_comply_by(issued_on, rules, comply_by),
            lapses_on=cpw_lapses_on(issued_on, rules),
        )
    if kind is NoticeKind.CPN:
        return NoticeDates(
            issued_on,
            appeal_by=cpn_appeal_by(issued_on),
            review_on=add_months(issued_on, rules.cpn_review_months),
            expires_on=add_months(issued_on, rules.cpn_expiry_months) if rules.cpn_expiry_months else None,
        )
    if kind is NoticeKind.FPN:
        return NoticeDates(
            issued_on,
            pay_by=fpn_pay_by(issued_on),
            discount_by=fpn_discount_by(issued_on, rules),
            earliest_prosecution_on=fpn_earliest_prosecution(issued_on),
        )
    if kind is NoticeKind.PSPO_FPN:
        # s.68(4): the same 14 days as a CPN fixed penalty; any discount is the PSPO's own, so none here.
        return NoticeDates(
            issued_on,
            pay_by=fpn_pay_by(issued_on),
            earliest_prosecution_on=fpn_earliest_prosecution(issued_on),
        )
    if kind is NoticeKind.ABC:
        end = ends_on or add_months(issued_on, rules.abc_length_months)
        reviews = abc_review_dates(issued_on, end, rules.abc_review_weeks)
        return NoticeDates(
            issued_on, review_on=reviews[0] if reviews else end, expires_on=end, review_dates=reviews
        )
    if kind is NoticeKind.CLOSURE_NOTICE:
        return NoticeDates(issued_on, hearing_by=closure_hearing_by(served_at) if served_at else None)
    if kind is NoticeKind.CLOSURE_ORDER:
        return NoticeDates(issued_on, expires_on=ends_on or add_months(issued_on, rules.closure_order_months))
    # Warning letters, prosecutions, injunctions and dispersal directions carry no computed date; an end set
    # by a court (injunction) is recorded as given.
    return NoticeDates(issued_on, expires_on=ends_on)


# --- what needs attention next ---------------------------------------------------------------------------


def next_due(
    kind: NoticeKind | str,
    stage: str,
    dates: NoticeDates,
    today: date,
    *,
    last_reviewed_on: date | None = None,
) -> DueItem | None:
    """The next date on which someone must act on this notice, for the "due and overdue" register.

    A date before ``today`` is overdue: it stays the answer until the stage moves on (e.g. a CPW past its
    comply-by stays due until compliance or breach is recorded). ``stage`` is a ``Stage`` value.
    """
    kind = NoticeKind(kind)
    if kind is NoticeKind.CPW:
        if stage == "issued" and dates.comply_by:
            return DueItem(dates.comply_by, "CPW comply-by date: record compliance or breach")
        if stage == "breached" and dates.lapses_on:
            return DueItem(dates.lapses_on, "CPW lapses: issue the CPN before this date")
    elif kind is NoticeKind.CPN:
        if stage == "issued" and dates.appeal_by:
            return DueItem(dates.appeal_by, "CPN appeal window closes")
        if stage == "active":
            due = [
                d
                for d in (dates.review_on, dates.expires_on)
                if d and not (last_reviewed_on and d <= last_reviewed_on)
            ]
            if due:
                first = min(due)
                return DueItem(first, "CPN expires" if first == dates.expires_on else "CPN review")
    elif kind in (NoticeKind.FPN, NoticeKind.PSPO_FPN):
        if stage in ("issued", "recorded") and dates.pay_by:
            if dates.discount_by and today <= dates.discount_by:
                return DueItem(dates.discount_by, "Early-payment period ends")
            return DueItem(dates.pay_by, "Fixed penalty payment due")
        if stage == "unpaid" and dates.earliest_prosecution_on:
            return DueItem(dates.earliest_prosecution_on, "Earliest prosecution date: decide on proceedings")
    elif kind is NoticeKind.ABC:
        if stage == "issued":
            after = last_reviewed_on or dates.issued_on
            for review in dates.review_dates:
                if review > after:
                    return DueItem(review, "ABC review")
            if dates.expires_on:
                return DueItem(dates.expires_on, "ABC ends: final review")
    elif kind is NoticeKind.CLOSURE_NOTICE:
        if stage == "recorded" and dates.hearing_by:
            return DueItem(dates.hearing_by.date(), "Closure order hearing deadline (48 hours from service)")
    elif kind in (NoticeKind.CLOSURE_ORDER, NoticeKind.CIVIL_INJUNCTION):
        if stage == "recorded" and dates.expires_on:
            return DueItem(dates.expires_on, f"{kind.label} ends")
    return None


def is_overdue(due_on: date | None, today: date) -> bool:
    """A date is overdue from the day after it: something due today is due, not yet overdue."""
    return due_on is not None and due_on < today
