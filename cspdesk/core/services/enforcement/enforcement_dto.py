"""What the enforcement services take and return: plain frozen values, never ORM rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from cspdesk.core.errors import ValidationError


class GuardsFailed(ValidationError):
    """A guard refused a step. ``overridable`` is true when every failure is one an administrator may
    override with a recorded reason (statutory bars never are)."""

    def __init__(self, failures):
        self.failures = tuple(failures)
        self.overridable = all(f.overridable for f in self.failures)
        fields: dict[str, str] = {}
        for f in self.failures:
            key = f.field or ""
            fields[key] = f"{fields[key]} {f.message}" if key in fields else f.message
        super().__init__(fields, " ".join(f.message for f in self.failures))

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.failures]


@dataclass(frozen=True)
class RequirementInput:
    kind: str  # stop / do / take_steps
    text: str
    due_on: date | None = None


REQUIREMENT_KINDS = {"stop": "Stop doing", "do": "Do", "take_steps": "Take reasonable steps"}


@dataclass(frozen=True)
class InformedInput:
    body: str
    informed_on: date


@dataclass(frozen=True)
class StepRequest:
    """Everything the "New enforcement step" dialog collects. ``issued_on`` None saves a draft."""

    case_id: uuid.UUID
    party_id: uuid.UUID
    kind: str  # vocab.NoticeKind value
    issued_on: date | None
    conduct: str = ""
    detrimental_effect: str = ""
    requirements: tuple[RequirementInput, ...] = ()
    issuing_officer_id: uuid.UUID | None = None  # None: the signed-in officer
    authority: str = ""  # blank: the council's name from the settings
    served_on: date | None = None
    service_method: str = ""
    parent_id: uuid.UUID | None = None  # the CPW a CPN follows, the CPN an FPN is for
    comply_by: date | None = None  # a CPW's own period, instead of the local default
    ends_on: date | None = None  # an ABC's agreed end, an injunction's or closure order's end set by a court
    served_at: datetime | None = None  # when a closure notice was served (starts the 48 hours)
    amount_pence: int | None = None  # FPN; None: the usual amount from the settings
    discount_amount_pence: int | None = None
    informed: tuple[InformedInput, ...] = ()  # who was told before a CPN (s.43(6))

    def with_(self, **kw: Any) -> StepRequest:
        return replace(self, **kw)


@dataclass(frozen=True)
class StepStarted:
    notice_id: uuid.UUID
    reference: str
    stage: str
    changes: Any  # context.Changes


@dataclass(frozen=True)
class NoticeRow:
    id: uuid.UUID
    reference: str
    kind: str  # label
    kind_code: str
    stage: str  # label
    stage_code: str
    case_id: uuid.UUID
    case_reference: str
    recipient: str
    ward: str
    officer: str
    issued_on: date | None
    next_due_on: date | None
    next_due_what: str
    document_due: bool
    # Imported with dates in the old file that disagree with the statutory rules, not yet checked: what
    # disagrees, in words ("" for every other notice).
    dates_to_check: str = ""


@dataclass(frozen=True)
class DueRow:
    id: uuid.UUID
    reference: str
    kind: str
    kind_code: str
    stage: str
    case_id: uuid.UUID
    case_reference: str
    recipient: str
    officer: str
    due_on: date
    what: str
    overdue: bool


@dataclass(frozen=True)
class RequirementLine:
    kind: str  # label
    kind_code: str
    text: str
    due_on: date | None
    in_force: bool
    note: str = ""


@dataclass(frozen=True)
class EventLine:
    occurred_on: date
    event: str
    from_stage: str
    to_stage: str
    officer: str
    reason: str
    override_reason: str
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LinkedNotice:
    id: uuid.UUID
    reference: str
    kind: str
    stage: str


@dataclass(frozen=True)
class NoticeDetail:
    id: uuid.UUID
    reference: str
    kind: str
    kind_code: str
    stage: str
    stage_code: str
    case_id: uuid.UUID
    case_reference: str
    party_id: uuid.UUID | None
    recipient: str
    recipient_address: str
    conduct: str
    detrimental_effect: str
    officer: str
    authority: str
    served_on: date | None
    service_method: str
    dates: list[tuple[str, date | datetime]]  # (label, date) in the order a reader wants them
    issued_on: date | None
    appeal_by: date | None
    pay_by: date | None
    comply_by: date | None
    amount_pence: int | None
    discount_amount_pence: int | None
    paid_on: date | None
    outcome: str
    next_due_on: date | None
    next_due_what: str
    document_due: bool
    requirements: list[RequirementLine]
    events: list[EventLine]
    informed: list[tuple[str, date]]
    parent: LinkedNotice | None
    children: list[LinkedNotice]
    allowed: list[tuple[str, str]]  # (stage code, label) the notice can move to now
    closed: bool
    version: int
    dates_to_check: str = ""  # as NoticeRow's: imported with dates that disagree with the rules, unchecked


@dataclass(frozen=True)
class CountLine:
    kind_code: str
    kind: str
    issued: int
    by_stage: list[tuple[str, int]]  # (stage label, count) for the notices issued in the period


@dataclass(frozen=True)
class NoticeCountsReport:
    start: date
    end: date
    lines: list[CountLine]
    cpn_following_cpw: int
    fpn_following_cpn: int
    action_taken: list[str]


@dataclass(frozen=True)
class CasePick:
    id: uuid.UUID
    reference: str
    title: str


@dataclass(frozen=True)
class PartyPick:
    id: uuid.UUID
    name: str
    kind: str
    date_of_birth: date | None
    age: int | None
    address: str


@dataclass(frozen=True)
class ParentPick:
    id: uuid.UUID
    label: str
    kind_code: str
    stage_code: str
