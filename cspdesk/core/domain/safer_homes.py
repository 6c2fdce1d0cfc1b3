"""Safer Homes referrals: the record, the scheme's settings and its catalogue of measures.

The CVS-run scheme secures the homes of victims of domestic abuse, burglary and ASB (DOMAIN.md
section 5). Everything here is plain data: the service layer copies a ``SaferHomesReferral`` row
into a ``ReferralRecord`` and hands it to the rules in ``safer_homes_intake``,
``safer_homes_workflow``, ``safer_homes_counts`` and ``protection``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from cspdesk.core.domain.vocab import Labelled, RiskLevel, SaferHomesStatus, VictimCategory

# Shown in place of any field a viewer may not see. One constant, so tests and the GUI agree.
RESTRICTED = "Restricted"


class Tenure(Labelled):
    OWNER = "owner"
    COUNCIL = "council"
    HOUSING_ASSOCIATION = "housing_association"
    PRIVATE_RENTED = "private_rented"

    @property
    def rented(self) -> bool:
        # A council tenant needs the council-as-landlord's permission just as a private tenant does.
        return self is not Tenure.OWNER


# Statuses from which nothing moves on; every other status is "open".
CLOSING_STATUSES = frozenset({SaferHomesStatus.CLOSED, SaferHomesStatus.DECLINED, SaferHomesStatus.WITHDRAWN})


def is_restricted_category(category: VictimCategory | str | None) -> bool:
    """Domestic-abuse referrals are always restricted: the address is where the victim hides."""
    return category == VictimCategory.DOMESTIC_ABUSE


# --- catalogue of measures ------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One kind of work the scheme pays for, at the scheme's agreed unit cost."""

    code: str
    label: str
    unit_cost_pence: int

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "unit_cost_pence": self.unit_cost_pence}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Measure:
        return cls(str(data["code"]), str(data["label"]), int(data["unit_cost_pence"]))


# Plausible 2023 supply-and-fit prices for a small CVS scheme [L, ?]: a starting point for the
# settings screen, to be replaced by the contractor's schedule of rates.
DEFAULT_MEASURES: tuple[Measure, ...] = (
    Measure("door_lock", "Door lock upgrade (anti-snap cylinder or British Standard mortice)", 6500),
    Measure("window_lock", "Window lock (per window)", 1500),
    Measure("door_chain_viewer", "Door chain and door viewer", 3500),
    Measure("hinge_bolts", "Hinge bolts (per door)", 2000),
    Measure("replacement_door", "Replacement external door (PAS 24)", 95000),
    Measure("video_doorbell", "Video doorbell", 11000),
    Measure("window_alarm", "Window alarm (per window)", 1200),
    Measure("personal_alarm", "Personal alarm", 1500),
    Measure("external_lighting", "External security lighting (PIR)", 6000),
    Measure("property_marking", "Property marking kit", 2500),
    Measure("fire_letterbox", "Fire-retardant letterbox", 4000),
    Measure("smoke_alarm", "Smoke alarm (10-year sealed)", 2000),
    # Derbyshire Fire and Rescue's home safety visit is free; listed so it is recorded and counted.
    Measure("fire_safety_visit", "Fire service home safety visit (referral)", 0),
    Measure("safe_room", "Safe room (reinforced door, locks and means of calling for help)", 150000),
)


# --- scheme settings ------------------------------------------------------------------------------

_RISK_ORDER = {RiskLevel.STANDARD: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


def risk_rank(level: RiskLevel) -> int:
    return _RISK_ORDER[level]


def risk_at_least(level: RiskLevel, minimum: RiskLevel) -> bool:
    return risk_rank(level) >= risk_rank(minimum)


@dataclass(frozen=True)
class SaferHomesRules:
    """The scheme's settings. Defaults follow DOMAIN.md section 5; each is local practice [L]."""

    victim_must_want_to_stay: bool = True
    perpetrator_must_not_be_resident: bool = True
    landlord_permission_if_rented: bool = True
    # Categories for which a DASH level or score must be recorded before the referral is eligible.
    risk_assessment_required_for: frozenset[VictimCategory] = frozenset({VictimCategory.DOMESTIC_ABUSE})
    # If set, those categories must also be assessed at least this level. None: any level will do,
    # since target hardening helps standard-risk victims too.
    minimum_risk_level: RiskLevel | None = None
    # SafeLives: 14 or more "yes" answers on the DASH checklist is high risk and goes to MARAC.
    dash_high_score: int = 14
    waiting_flag_working_days: int = 10
    follow_up_days: int = 28
    # The works order asks the contractor to finish within this many working days
    # of the order (local practice).
    works_complete_working_days: int = 10
    measures: tuple[Measure, ...] = DEFAULT_MEASURES

    def measure(self, code: str) -> Measure | None:
        return next((m for m in self.measures if m.code == code), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "victim_must_want_to_stay": self.victim_must_want_to_stay,
            "perpetrator_must_not_be_resident": self.perpetrator_must_not_be_resident,
            "landlord_permission_if_rented": self.landlord_permission_if_rented,
            "risk_assessment_required_for": sorted(c.value for c in self.risk_assessment_required_for),
            "minimum_risk_level": self.minimum_risk_level.value if self.minimum_risk_level else None,
            "dash_high_score": self.dash_high_score,
            "waiting_flag_working_days": self.waiting_flag_working_days,
            "follow_up_days": self.follow_up_days,
            "measures": [m.to_dict() for m in self.measures],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SaferHomesRules:
        """Missing keys take the default, so settings saved by an older version still load."""
        default = cls()
        minimum = data.get("minimum_risk_level", None)
        measures = data.get("measures")
        return cls(
            victim_must_want_to_stay=bool(
                data.get("victim_must_want_to_stay", default.victim_must_want_to_stay)
            ),
            perpetrator_must_not_be_resident=bool(
                data.get("perpetrator_must_not_be_resident", default.perpetrator_must_not_be_resident)
            ),
            landlord_permission_if_rented=bool(
                data.get("landlord_permission_if_rented", default.landlord_permission_if_rented)
            ),
            risk_assessment_required_for=frozenset(
                VictimCategory(c)
                for c in data.get("risk_assessment_required_for", default.risk_assessment_required_for)
            ),
            minimum_risk_level=RiskLevel(minimum) if minimum else None,
            dash_high_score=int(data.get("dash_high_score", default.dash_high_score)),
            waiting_flag_working_days=int(
                data.get("waiting_flag_working_days", default.waiting_flag_working_days)
            ),
            follow_up_days=int(data.get("follow_up_days", default.follow_up_days)),
            measures=tuple(Measure.from_dict(m) for m in measures)
            if measures is not None
            else default.measures,
        )


# --- the referral as plain data -------------------------------------------------------------------


@dataclass(frozen=True)
class Phone:
    number: str
    # None means nobody asked. Calling an unsafe number can alert the perpetrator, so intake
    # refuses a phone until someone has said whether it is safe.
    safe_to_call: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "safe_to_call": self.safe_to_call}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Phone:
        safe = data.get("safe_to_call")
        return cls(str(data.get("number") or ""), None if safe is None else bool(safe))


@dataclass(frozen=True)
class MeasureLine:
    """One item of works specified on a referral (mirrors ``SaferHomesMeasure``)."""

    code: str
    description: str
    quantity: int = 1
    unit_cost_pence: int = 0
    installed: bool = False

    @property
    def total_pence(self) -> int:
        return self.quantity * self.unit_cost_pence

    @classmethod
    def from_catalogue(cls, measure: Measure, quantity: int = 1) -> MeasureLine:
        return cls(measure.code, measure.label, quantity, measure.unit_cost_pence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "description": self.description,
            "quantity": self.quantity,
            "unit_cost_pence": self.unit_cost_pence,
            "installed": self.installed,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MeasureLine:
        return cls(
            str(data["code"]),
            str(data.get("description") or data["code"]),
            int(data.get("quantity", 1)),
            int(data.get("unit_cost_pence", 0)),
            bool(data.get("installed", False)),
        )


@dataclass(frozen=True)
class ReferralRecord:
    """A Safer Homes referral as plain values (mirrors ``storage.models.safer_homes``).

    Agency and ward are carried by name, not id: the domain never looks anything up.
    """

    id: uuid.UUID | None = None
    reference: str = ""
    status: SaferHomesStatus = SaferHomesStatus.REFERRED
    restricted: bool = False
    referred_on: date | None = None
    referrer_name: str | None = None
    referrer_role: str | None = None
    referrer_agency: str | None = None
    referrer_contact: str | None = None
    consent_given: bool | None = None  # None: not yet recorded
    consent_method: str | None = None
    consent_on: date | None = None
    client_name: str | None = None
    client_date_of_birth: date | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    town: str | None = None
    postcode: str | None = None
    ward: str | None = None
    phones: tuple[Phone, ...] = ()
    safe_contact: str | None = None
    safe_address: str | None = None
    language: str | None = None
    interpreter_needed: bool = False
    access_needs: str | None = None
    children_in_household: int = 0
    victim_category: VictimCategory | None = None
    tenure: Tenure | None = None
    landlord_name: str | None = None
    landlord_permission: bool | None = None
    perpetrator_name: str | None = None
    perpetrator_resident: bool | None = None
    victim_wants_to_stay: bool | None = None
    dash_level: RiskLevel | None = None
    dash_score: int | None = None
    marac_on: date | None = None
    police_reference: str | None = None
    case_id: uuid.UUID | None = None
    eligible: bool | None = None
    survey_on: date | None = None
    surveyor: str | None = None
    contractor: str | None = None
    works_ordered_on: date | None = None
    installed_on: date | None = None
    secured_on: date | None = None
    followed_up_on: date | None = None
    closed_on: date | None = None
    end_reason: str | None = None
    actual_cost_pence: int | None = None
    notes: str | None = None
    measures: tuple[MeasureLine, ...] = field(default=())

    @property
    def is_restricted(self) -> bool:
        # Either the stored flag or the category: a category edited to DA must be masked at once,
        # before anyone remembers to set the flag.
        return self.restricted or is_restricted_category(self.victim_category)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSING_STATUSES

    @property
    def safe_phones(self) -> tuple[Phone, ...]:
        return tuple(p for p in self.phones if p.safe_to_call is True)

    @property
    def estimated_cost_pence(self) -> int:
        return sum(m.total_pence for m in self.measures)

    def with_changes(self, **changes: Any) -> ReferralRecord:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: dates as ISO strings, enums as their codes."""
        out: dict[str, Any] = {}
        for f in fields(self):
            out[f.name] = _to_json(getattr(self, f.name))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReferralRecord:
        """Build from ``to_dict`` output or from a row's column values; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            convert = _FROM_JSON.get(key)
            values[key] = convert(value) if convert is not None and value is not None else value
        return cls(**values)


def _to_json(value: Any) -> Any:
    if isinstance(value, tuple):
        return [v.to_dict() for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Labelled):
        return value.value
    return value


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


_FROM_JSON: dict[str, Any] = {
    "id": _uuid,
    "case_id": _uuid,
    "status": SaferHomesStatus,
    "victim_category": VictimCategory,
    "tenure": Tenure,
    "dash_level": RiskLevel,
    "phones": lambda v: tuple(p if isinstance(p, Phone) else Phone.from_dict(p) for p in v),
    "measures": lambda v: tuple(m if isinstance(m, MeasureLine) else MeasureLine.from_dict(m) for m in v),
    **{
        name: _date
        for name in (
            "referred_on",
            "consent_on",
            "client_date_of_birth",
            "marac_on",
            "survey_on",
            "works_ordered_on",
            "installed_on",
            "secured_on",
            "followed_up_on",
            "closed_on",
        )
    },
}


def format_pence(pence: int) -> str:
    """£1,234.56 — money is held in whole pence so sums never drift."""
    sign = "-" if pence < 0 else ""
    pounds, p = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{p:02d}"


def works_complete_by(ordered_on: date, rules: SaferHomesRules) -> date:
    """The date a works order asks the contractor to finish by: ``rules.works_complete_working_days`` working
    days after the order (setting ``safer_homes.works_complete_working_days``; local practice)."""
    from cspdesk.core.domain.calendar import add_working_days

    return add_working_days(ordered_on, rules.works_complete_working_days)
