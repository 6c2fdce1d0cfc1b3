"""Safer Homes counts for a period, and the partnership plan's sentence made from them.

Counts are by category, agency and ward only. No address, postcode or name is ever an input to a
grouping here, so no report built on these can print one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import Any

from cspdesk.core.domain.safer_homes import ReferralRecord
from cspdesk.core.domain.safer_homes_workflow import working_days_to_secure
from cspdesk.core.domain.vocab import SaferHomesStatus, VictimCategory

NOT_RECORDED = "Not recorded"
DEFAULT_SCHEME_NAME = "the CVS-run Safer Homes Scheme"


@dataclass(frozen=True)
class SaferHomesCounts:
    start: date
    end: date
    referrals: int  # referred in the period, whatever became of them
    declined: int  # of those referrals
    withdrawn: int
    secured: int  # properties secured in the period, whenever referred
    referrals_by_category: Mapping[str, int]  # VictimCategory code -> count
    secured_by_category: Mapping[str, int]
    referrals_by_agency: Mapping[str, int]
    referrals_by_ward: Mapping[str, int]
    secured_by_ward: Mapping[str, int]
    spend_pence: int  # on properties secured in the period
    spend_estimated: int  # how many of those had no actual cost, so the measures' total was used
    median_working_days_to_secure: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "referrals": self.referrals,
            "declined": self.declined,
            "withdrawn": self.withdrawn,
            "secured": self.secured,
            "referrals_by_category": dict(self.referrals_by_category),
            "secured_by_category": dict(self.secured_by_category),
            "referrals_by_agency": dict(self.referrals_by_agency),
            "referrals_by_ward": dict(self.referrals_by_ward),
            "secured_by_ward": dict(self.secured_by_ward),
            "spend_pence": self.spend_pence,
            "spend_estimated": self.spend_estimated,
            "median_working_days_to_secure": self.median_working_days_to_secure,
        }


def _within(d: date | None, start: date, end: date) -> bool:
    return d is not None and start <= d <= end


def _sorted(counter: Counter[str]) -> dict[str, int]:
    # Largest first, then by name, so tables read the same way every time.
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _category(r: ReferralRecord) -> str:
    return r.victim_category.value if r.victim_category else NOT_RECORDED


def count_referrals(records: Iterable[ReferralRecord], start: date, end: date) -> SaferHomesCounts:
    """Counts for ``start`` to ``end`` inclusive.

    A referral counts as referred by ``referred_on`` and as secured by ``secured_on``, so one made
    in March and secured in April appears in each month's figure once.
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    records = list(records)
    referred = [r for r in records if _within(r.referred_on, start, end)]
    secured = [r for r in records if _within(r.secured_on, start, end)]
    spend = 0
    estimated = 0
    for r in secured:
        if r.actual_cost_pence is not None:
            spend += r.actual_cost_pence
        else:
            spend += r.estimated_cost_pence
            estimated += 1
    waits = [w for w in (working_days_to_secure(r) for r in secured) if w is not None]
    return SaferHomesCounts(
        start=start,
        end=end,
        referrals=len(referred),
        declined=sum(r.status is SaferHomesStatus.DECLINED for r in referred),
        withdrawn=sum(r.status is SaferHomesStatus.WITHDRAWN for r in referred),
        secured=len(secured),
        referrals_by_category=_sorted(Counter(_category(r) for r in referred)),
        secured_by_category=_sorted(Counter(_category(r) for r in secured)),
        referrals_by_agency=_sorted(Counter(r.referrer_agency or NOT_RECORDED for r in referred)),
        referrals_by_ward=_sorted(Counter(r.ward or NOT_RECORDED for r in referred)),
        secured_by_ward=_sorted(Counter(r.ward or NOT_RECORDED for r in secured)),
        spend_pence=spend,
        spend_estimated=estimated,
        median_working_days_to_secure=float(median(waits)) if waits else None,
    )


def plan_sentence(counts: SaferHomesCounts, scheme_name: str = DEFAULT_SCHEME_NAME) -> str:
    """The plan's "Action Taken" line: "Secured 286 properties through the CVS-run Safer Homes Scheme." """
    return secured_sentence(counts.secured, scheme_name)


def secured_sentence(n: int, scheme_name: str = DEFAULT_SCHEME_NAME) -> str:
    """``plan_sentence`` from the number secured alone (the report pack counts it in the database)."""
    if n == 0:
        return f"Secured no properties through {scheme_name}."
    return f"Secured {n:,} propert{'y' if n == 1 else 'ies'} through {scheme_name}."


_VICTIM_WORDS = {
    VictimCategory.DOMESTIC_ABUSE: "domestic abuse",
    VictimCategory.BURGLARY: "burglary",
    VictimCategory.ASB: "ASB",
    VictimCategory.HATE_CRIME: "hate crime",
}


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def plan_categories_sentence(counts: SaferHomesCounts) -> str:
    """The plan's follow-on: "This includes victims of domestic abuse, burglary and ASB." ("" if none)."""
    return categories_sentence(c for c, n in counts.secured_by_category.items() if n)


def categories_sentence(categories: Iterable[str]) -> str:
    """``plan_categories_sentence`` from the categories (``VictimCategory`` codes) with a property secured."""
    present = set(categories)
    victims = [words for cat, words in _VICTIM_WORDS.items() if cat.value in present]
    parts = [f"victims of {_join(victims)}"] if victims else []
    if VictimCategory.OLDER_VULNERABLE.value in present:
        parts.append("older or vulnerable people")
    return f"This includes {' and '.join(parts)}." if parts else ""
