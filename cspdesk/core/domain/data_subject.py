"""Requests from data subjects (UK GDPR Arts. 15-17): access, rectification, erasure — and when they are due.

UK GDPR Art. 12(3): the controller provides information on action taken on a request under Arts. 15 to 22
"without undue delay and in any event within one month of receipt of the request. That period may be extended
by two further months where necessary, taking into account the complexity and number of the requests"; the
data subject must be told of the extension, with the reasons, within the first month.

The ICO's reading (guidance "Time limits for responding to data protection rights requests"): count from the
day the request is received, to the corresponding calendar date in the next month; where that date does not
exist, the last day of that month; where the due date falls on a weekend or bank holiday, the next working day.
"""

from __future__ import annotations

from datetime import date, timedelta

from cspdesk.core.domain.calendar import is_working_day
from cspdesk.core.domain.deadlines import add_months
from cspdesk.core.domain.vocab import Labelled
from cspdesk.core.errors import ValidationError


class RequestKind(Labelled):
    ACCESS = "access"  # Art. 15
    RECTIFICATION = "rectification"  # Art. 16
    ERASURE = "erasure"  # Art. 17

    @property
    def label(self) -> str:
        return {"access": "Subject access (Art. 15)", "rectification": "Rectification (Art. 16)",
                "erasure": "Erasure (Art. 17)"}[self.value]


class RequestOutcome(Labelled):
    """How a request ended. Blank while it is open."""

    COMPLETED = "completed"  # answered / rectified / erased
    PARTLY = "partly"  # partly complied with (e.g. erasure refused for records the law requires us to keep)
    REFUSED = "refused"  # with reasons (e.g. Art. 17(3)(b) legal obligation, manifestly unfounded)
    WITHDRAWN = "withdrawn"


MAX_EXTENSION_MONTHS = 2  # Art. 12(3): "two further months"


def _next_working_day(d: date) -> date:
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def response_due(received_on: date, extended_months: int = 0) -> date:
    """The day a response is due: one calendar month from receipt, plus any extension (Art. 12(3))."""
    if not 0 <= extended_months <= MAX_EXTENSION_MONTHS:
        raise ValidationError({"extended_months": "A request can be extended by at most two further months "
                                                  "(UK GDPR Art. 12(3))."})
    return _next_working_day(add_months(received_on, 1 + extended_months))


def is_overdue(received_on: date, extended_months: int, closed_on: date | None, today: date) -> bool:
    return closed_on is None and response_due(received_on, extended_months) < today


REDACTED = "[redacted]"
