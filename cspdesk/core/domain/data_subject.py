"""Requests from data subjects (UK GDPR Arts. 15-17): access, rectification, erasure — and when they are due.

UK GDPR Art. 12(3): the controller provides information on action taken on a request under Arts. 15 to 22
"without undue delay and in any event within one month of receipt of the request. That period may be extended
by two further months where necessary, taking into account the complexity and number of the requests"; the
data subject must be told of the extension, with the reasons, within the first month.

The ICO's reading (guidance "Time limits for responding to data protection rights requests"): count from the
day the request is received, to the corresponding calendar date in the next month; where that date does not
exist, the last day of that month; where the due date falls on a weekend or bank
holiday, the next working day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
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
        return {
            "access": "Subject access (Art. 15)",
            "rectification": "Rectification (Art. 16)",
            "erasure": "Erasure (Art. 17)",
        }[self.value]


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
        raise ValidationError(
            {
                "extended_months": "A request can be extended by "
                "at most two further months (UK GDPR Art. 12(3))."
            }
        )
    return _next_working_day(add_months(received_on, 1 + extended_months))


def is_overdue(received_on: date, extended_months: int, closed_on: date | None, today: date) -> bool:
    return closed_on is None and response_due(received_on, extended_months) < today


REDACTED = "[redacted]"


# ----- redaction of third parties (DPA 2018 Sch.2 para.16: information identifying another individual is not
# disclosed without their consent unless it is reasonable to do so; the officer can always see what went)

_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\w)")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_NAME_PAIR = re.compile(r"\b[A-Z][\w'-]+ [A-Z][\w'-]+\b")
_STREET = re.compile(
    r"\b\d+[A-Za-z]?,? (?:[A-Z][\w'-]+ ){1,3}(?:Road|Street|Close|Lane|Avenue|Drive|Way|Grove|"
    r"Crescent|Court|Place|Gardens|Terrace|Walk|Rise|View|Hill|Row|Square|Mews|Green|Park)\b"
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


def _squash(text: str) -> str:
    return re.sub(r"\W", "", text).lower()


@dataclass(frozen=True)
class Redactor:
    """Replaces other people's names, addresses, phones and e-mail addresses with ``[redacted]``.

    ``third_party`` holds what is known about the other people on the subject's records (names, name parts,
    street lines, postcodes, phones); ``subject`` what is the subject's own, which is never redacted (a
    relative sharing their surname has the surname kept but the full name and forename removed). Phone
    numbers, postcodes, e-mail addresses and house-number-and-street addresses not the subject's are redacted
    even when nobody recorded whose they are.
    """

    third_party: frozenset[str]
    subject: frozenset[str] = frozenset()
    # Full names ("forename surname", lower case) of everyone else CSPDesk knows: found in free text as two
    # capitalised words, even on a record they are not a party to.
    known_names: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        third_party: Iterable[str | None],
        subject: Iterable[str | None] = (),
        known_names: Iterable[str] = (),
    ) -> Redactor:
        own = frozenset(s.strip().lower() for s in subject if s and s.strip())
        terms = frozenset(
            t.strip() for t in third_party if t and len(t.strip()) >= 2 and t.strip().lower() not in own
        )
        return cls(terms, own, frozenset(n.lower() for n in known_names if n.lower() not in own))

    def _own(self, found: str) -> bool:
        return _squash(found) in {_squash(s) for s in self.subject}

    def redact(self, text: str | None) -> str:
        if not text:
            return text or ""
        out = text
        for pattern in (_EMAIL, _PHONE, _POSTCODE, _STREET):
            out = pattern.sub(lambda m: m.group(0) if self._own(m.group(0)) else REDACTED, out)
        for term in sorted(self.third_party, key=len, reverse=True):
            out = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", REDACTED, out, flags=re.IGNORECASE)
        if self.known_names:
            out = _NAME_PAIR.sub(
                lambda m: REDACTED if m.group(0).lower() in self.known_names else m.group(0), out
            )
        return out

    def name(self, value: str | None) -> str:
        """A name in a list: shown only when it is the subject's own."""
        if not value:
            return ""
        return value if value.strip().lower() in self.subject else REDACTED
