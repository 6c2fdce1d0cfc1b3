"""What the case summary prints, as plain data (no ReportLab here, so services can build it freely)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class SummaryParty:
    role: str  # complainant, victim, witness, perpetrator …
    name: str
    details: str = ""  # address, contact, date of birth: whatever the service decides to share


@dataclass(frozen=True)
class SummaryIncident:
    when: date | datetime
    location: str
    description: str
    reported_by: str = ""


@dataclass(frozen=True)
class SummaryAction:
    when: date
    action: str
    owner: str = ""
    due: date | None = None
    status: str = ""


@dataclass(frozen=True)
class SummaryNotice:
    kind: str  # e.g. "Community Protection Notice"
    reference: str
    issued: date | None
    status: str
    key_dates: str = ""  # e.g. "Comply by 26 March 2025; appeal by 1 April 2025"


@dataclass(frozen=True)
class ChronologyEntry:
    when: date | datetime
    who: str
    entry: str


@dataclass(frozen=True)
class CaseSummaryData:
    reference: str
    title: str
    status: str
    opened: date
    closed: date | None = None
    lead_officer: str = ""
    risk_level: str = ""
    priorities: tuple[str, ...] = ()
    summary: str = ""
    prepared_for: str = ""
    prepared_by: str = ""
    prepared_on: date | None = None
    parties: Sequence[SummaryParty] = field(default_factory=tuple)
    incidents: Sequence[SummaryIncident] = field(default_factory=tuple)
    actions: Sequence[SummaryAction] = field(default_factory=tuple)
    notices: Sequence[SummaryNotice] = field(default_factory=tuple)
    chronology: Sequence[ChronologyEntry] = field(default_factory=tuple)
