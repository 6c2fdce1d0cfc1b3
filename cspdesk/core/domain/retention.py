"""Retention: how long each kind of record is kept, counted from which event, and whether it is due.

UK GDPR Art. 5(1)(e) (storage limitation): personal data is kept no longer than necessary for the purpose.
How long is local policy (DOMAIN.md section 9: councils publish 5 or 6 years for ASB case files; legal
proceedings 6 years from the last court date), so each record type's period and the event it counts from are
settings (``core/services/admin/settings.py``: ``retention.<type>_years`` and ``retention.<type>_from``). This
module holds the rule; the service reads the dates and asks it.

A record is *due* for review when its counting event has happened and the period since it has passed, and no
"keep" decision holds it until a later date. An open case (no closure) is never
due when counting from closure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from cspdesk.core.domain.deadlines import add_months
from cspdesk.core.domain.vocab import Labelled


class RetentionRecord(Labelled):
    """The kinds of record the retention queue reviews (codes stored on decisions; keep them stable)."""

    ASB_CASE = "asb_case"
    ENFORCEMENT_NOTICE = "enforcement_notice"
    SAFER_HOMES_REFERRAL = "safer_homes_referral"
    CASE_REVIEW = "case_review"
    FORUM_RECORD = "forum_record"
    IMPORTED_FIGURES = "imported_figures"
    AUDIT_LOG = "audit_log"

    @property
    def label(self) -> str:
        return _RECORD_LABELS[self]


_RECORD_LABELS = {
    RetentionRecord.ASB_CASE: "ASB case",
    RetentionRecord.ENFORCEMENT_NOTICE: "Enforcement notice",
    RetentionRecord.SAFER_HOMES_REFERRAL: "Safer Homes referral",
    RetentionRecord.CASE_REVIEW: "Case Review",
    RetentionRecord.FORUM_RECORD: "Forum record",
    RetentionRecord.IMPORTED_FIGURES: "Imported figures",
    RetentionRecord.AUDIT_LOG: "Audit log",
}


class RetentionEvent(Labelled):
    CLOSURE = "closure"
    LAST_ACTIVITY = "last_activity"
    NOTICE_END = "notice_end"

    @property
    def label(self) -> str:
        return {"closure": "closure", "last_activity": "last activity", "notice_end": "the notice's end"}[
            self.value
        ]


class RetentionDecisionKind(Labelled):
    KEEP = "keep"
    ANONYMISE = "anonymise"
    DELETE = "delete"


# Which events make sense for which record (a forum meeting is never "closed"; an audit entry only happened).
ALLOWED_EVENTS: dict[RetentionRecord, tuple[RetentionEvent, ...]] = {
    RetentionRecord.ASB_CASE: (RetentionEvent.CLOSURE, RetentionEvent.LAST_ACTIVITY),
    RetentionRecord.ENFORCEMENT_NOTICE: (
        RetentionEvent.NOTICE_END,
        RetentionEvent.CLOSURE,
        RetentionEvent.LAST_ACTIVITY,
    ),
    RetentionRecord.SAFER_HOMES_REFERRAL: (RetentionEvent.CLOSURE, RetentionEvent.LAST_ACTIVITY),
    RetentionRecord.CASE_REVIEW: (RetentionEvent.CLOSURE, RetentionEvent.LAST_ACTIVITY),
    RetentionRecord.FORUM_RECORD: (RetentionEvent.LAST_ACTIVITY,),
    RetentionRecord.IMPORTED_FIGURES: (RetentionEvent.LAST_ACTIVITY,),
    RetentionRecord.AUDIT_LOG: (RetentionEvent.LAST_ACTIVITY,),
}

# Anonymising keeps dates, categories and outcomes; it makes sense only where a record names people.
ANONYMISABLE = frozenset(
    {
        RetentionRecord.ASB_CASE,
        RetentionRecord.ENFORCEMENT_NOTICE,
        RetentionRecord.SAFER_HOMES_REFERRAL,
        RetentionRecord.CASE_REVIEW,
        RetentionRecord.FORUM_RECORD,
    }
)

# Defaults (DOMAIN.md section 9): 6 years after closure for casework; notices 6 years from their end (legal
# proceedings: 6 years from the last court date); figures are statistics with no one in them (10 years);
# the audit log 7 years, so it outlives the casework it explains.
DEFAULT_POLICY: dict[RetentionRecord, tuple[int, RetentionEvent]] = {
    RetentionRecord.ASB_CASE: (6, RetentionEvent.CLOSURE),
    RetentionRecord.ENFORCEMENT_NOTICE: (6, RetentionEvent.NOTICE_END),
    RetentionRecord.SAFER_HOMES_REFERRAL: (6, RetentionEvent.CLOSURE),
    RetentionRecord.CASE_REVIEW: (6, RetentionEvent.CLOSURE),
    RetentionRecord.FORUM_RECORD: (6, RetentionEvent.LAST_ACTIVITY),
    RetentionRecord.IMPORTED_FIGURES: (10, RetentionEvent.LAST_ACTIVITY),
    RetentionRecord.AUDIT_LOG: (7, RetentionEvent.LAST_ACTIVITY),
}


def years_key(record: RetentionRecord) -> str:
    """The setting holding the period. ASB cases keep the key the settings page always had."""
    return "retention.case_years" if record is RetentionRecord.ASB_CASE else f"retention.{record.value}_years"


def from_key(record: RetentionRecord) -> str:
    return f"retention.{record.value}_from"


def event_problem(record: RetentionRecord, value: object) -> str | None:
    """What is wrong with ``value`` as the counting event of ``record`` (a setting's check), or None."""
    allowed = ALLOWED_EVENTS[record]
    if value in {e.value for e in allowed}:
        return None
    words = ", ".join(f"'{e.value}' ({e.label})" for e in allowed)
    return f"{record.label}: the retention period counts from one of {words}."


@dataclass(frozen=True)
class RetentionPolicy:
    years: int
    counts_from: RetentionEvent

    @classmethod
    def from_settings(cls, record: RetentionRecord, values: Mapping[str, Any]) -> RetentionPolicy:
        years, event = DEFAULT_POLICY[record]
        chosen = values.get(from_key(record), event.value)
        if event_problem(record, chosen) is None:
            event = RetentionEvent(chosen)
        return cls(int(values.get(years_key(record), years)), event)


@dataclass(frozen=True)
class RecordDates:
    """The dates a record's retention can count from; None where the event has not happened."""

    closed_on: date | None = None
    last_activity_on: date | None = None
    ended_on: date | None = None  # a notice's end: expiry, lapse, payment or withdrawal

    def event_date(self, event: RetentionEvent) -> date | None:
        return {
            RetentionEvent.CLOSURE: self.closed_on,
            RetentionEvent.LAST_ACTIVITY: self.last_activity_on,
            RetentionEvent.NOTICE_END: self.ended_on,
        }[event]


def retain_until(policy: RetentionPolicy, dates: RecordDates) -> date | None:
    """The first day the record may be reviewed for disposal, or None while its counting event is to come.

    Whole years in calendar months (29 February + 1 year = 28 February)."""
    start = dates.event_date(policy.counts_from)
    return None if start is None else add_months(start, 12 * policy.years)


def is_due(policy: RetentionPolicy, dates: RecordDates, today: date, kept_until: date | None = None) -> bool:
    """True when the record is past retention and no keep decision holds it beyond ``today``."""
    until = retain_until(policy, dates)
    if until is None or until > today:
        return False
    return kept_until is None or kept_until <= today


def allowed_decisions(record: RetentionRecord) -> tuple[RetentionDecisionKind, ...]:
    if record in ANONYMISABLE:
        return (RetentionDecisionKind.KEEP, RetentionDecisionKind.ANONYMISE, RetentionDecisionKind.DELETE)
    return (RetentionDecisionKind.KEEP, RetentionDecisionKind.DELETE)


ANONYMISED = "[anonymised]"
