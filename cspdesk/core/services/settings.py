"""Settings are declared once here (key, type, default, label) and read through ``SettingsService``.

Local policy from DOMAIN.md lives here: every [L] value is a setting with its default.
QSettings holds only window geometry and column state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from cspdesk.core.domain.asb_case import DEFAULT_RISK_QUESTIONNAIRE
from cspdesk.core.domain.safer_homes import DEFAULT_MEASURES
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import ValidationError
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import AppSetting
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class SettingDef:
    key: str
    kind: type  # int, str, bool, float, list, dict
    default: Any
    label: str
    section: str
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""
    # For structured values: returns what is wrong with a value, or None (e.g. the risk questionnaire).
    check: Callable[[Any], str | None] | None = None


def _questionnaire_problem(value: Any) -> str | None:
    from cspdesk.core.domain.asb_case import RiskQuestionnaire

    try:
        RiskQuestionnaire.from_setting(value)
    except ValueError as exc:
        return str(exc)
    return None


SETTINGS: tuple[SettingDef, ...] = (
    # Letterhead
    SettingDef("council.name", str, "South Derbyshire District Council", "Council name", "Letterhead"),
    SettingDef("council.team", str, "Communities Team", "Team", "Letterhead"),
    SettingDef("council.address", str, "Civic Way\nSwadlincote\nDerbyshire\nDE11 0AH", "Address", "Letterhead"),
    SettingDef("council.phone", str, "01283 595924", "Telephone", "Letterhead"),
    SettingDef("council.email", str, "community.safety@southderbyshire.gov.uk", "Email", "Letterhead"),
    SettingDef("council.website", str, "www.southderbyshire.gov.uk", "Website", "Letterhead"),
    SettingDef("council.logo_path", str, "", "Logo image (blank for the default)", "Letterhead"),
    SettingDef("council.home_district", str, "South Derbyshire", "Home district", "Letterhead"),
    SettingDef("letters.next_contact_working_days", int, 10,
               "Acknowledgement: officer will be in touch within (working days)", "Letterhead", 1, 60),
    # Cases
    SettingDef("cases.reference_prefix", str, "ASB", "Case reference prefix", "Cases"),
    SettingDef("cases.repeat_victim_incidents", int, 3, "Repeat victim: similar incidents", "Cases", 1, 50),
    SettingDef("cases.repeat_victim_months", int, 3, "Repeat victim: within months", "Cases", 1, 24),
    SettingDef("cases.case_review_prompt_months", int, 6, "Tell a victim about the Case Review on a second report within (months)", "Cases", 1, 24),
    SettingDef("cases.inactive_days", int, 90, "Offer closure after days without activity", "Cases", 7, 3650),
    SettingDef("risk.review_days_high", int, 14, "Risk review every (days), high", "Risk", 1, 365),
    SettingDef("risk.review_days_medium", int, 28, "Risk review every (days), medium", "Risk", 1, 365),
    SettingDef("risk.review_days_standard", int, 0, "Risk review every (days), standard (0 = none)", "Risk", 0, 365),
    SettingDef("risk.questionnaire", dict, DEFAULT_RISK_QUESTIONNAIRE.as_setting(),
               "Risk questionnaire (questions, weights, medium and high cut-offs)", "Risk",
               help="Each assessment keeps the questionnaire it used; changing it never rescores old ones.",
               check=_questionnaire_problem),
    # Enforcement (DOMAIN.md section 3)
    SettingDef("enforcement.cpw_comply_days", int, 14, "CPW: days allowed to comply", "Enforcement", 1, 365),
    SettingDef("enforcement.cpw_lapse_months", int, 6, "CPW: treated as lapsed after (months)", "Enforcement", 1, 60),
    SettingDef("enforcement.cpn_review_months", int, 12, "CPN: review / local expiry after (months)", "Enforcement", 1, 60),
    SettingDef("enforcement.fpn_max_pence", int, 10000, "FPN: maximum amount (pence)", "Enforcement", 100, 50000),
    SettingDef("enforcement.fpn_default_pence", int, 10000, "FPN: usual amount (pence)", "Enforcement", 100, 50000),
    SettingDef("enforcement.fpn_discount_pence", int, 7500, "FPN: early-payment amount (pence, 0 = none)", "Enforcement", 0, 50000),
    SettingDef("enforcement.fpn_discount_days", int, 10, "FPN: early payment within (days)", "Enforcement", 1, 13,
               help="s.52(8) of the 2014 Act: the early-payment period is less than 14 days."),
    SettingDef("enforcement.abc_months", int, 6, "ABC: length (months)", "Enforcement", 1, 24),
    SettingDef("enforcement.abc_review_weeks", int, 4, "ABC: review every (weeks)", "Enforcement", 4, 12),
    # Case Review (DOMAIN.md section 4)
    SettingDef("case_review.incidents_threshold", int, 3, "Threshold: related incidents in the look-back", "Case Reviews", 1, 3,
               help="The Act does not allow a threshold above 3 qualifying complaints."),
    SettingDef("case_review.individuals_threshold", int, 5, "Threshold: separate individuals reporting", "Case Reviews", 1, 50),
    SettingDef("case_review.lookback_months", int, 6, "Look-back (months)", "Case Reviews", 1, 6),
    SettingDef("case_review.acknowledge_days", int, 10, "Acknowledge within (working days)", "Case Reviews", 1, 60),
    SettingDef("case_review.decide_days", int, 15, "Decide threshold within (working days)", "Case Reviews", 1, 60),
    SettingDef("case_review.review_days", int, 20, "Hold the review within (working days)", "Case Reviews", 1, 90),
    SettingDef("case_review.appeal_working_days", int, 20,
               "Appeal to the PCC within (working days of the decision or outcome letter)", "Case Reviews", 5, 90,
               help="Local practice: the Act sets no period for an appeal to the Police and Crime Commissioner."),
    # Safer Homes (DOMAIN.md section 5)
    SettingDef("safer_homes.waiting_working_days", int, 10, "Flag referrals not secured within (working days)", "Safer Homes", 1, 120),
    SettingDef("safer_homes.follow_up_days", int, 28, "Follow-up call after install (days)", "Safer Homes", 1, 365),
    SettingDef("safer_homes.require_landlord_permission", bool, True, "Rented homes need landlord permission", "Safer Homes"),
    SettingDef("safer_homes.require_wants_to_stay", bool, True, "Eligible only if the victim wants to stay", "Safer Homes"),
    SettingDef("safer_homes.require_perpetrator_not_resident", bool, True, "Eligible only if the perpetrator does not live there", "Safer Homes"),
    SettingDef("safer_homes.require_dash_for_domestic_abuse", bool, True, "Domestic abuse referrals need a DASH level or score", "Safer Homes"),
    SettingDef("safer_homes.scheme_name", str, "the CVS-run Safer Homes Scheme", "Scheme name (as in the plan's sentence)", "Safer Homes"),
    SettingDef("safer_homes.measures", list, [m.to_dict() for m in DEFAULT_MEASURES],
               "Catalogue of measures (code, label, unit cost in pence)", "Safer Homes"),
    # Data protection (DOMAIN.md section 9)
    SettingDef("retention.case_years", int, 6, "Keep closed ASB cases for (years)", "Data protection", 1, 50),
    # Crime figures (DOMAIN.md section 7)
    SettingDef("figures.total_label", str, "Derbyshire County Council area", "Total row label", "Crime figures"),
    SettingDef("figures.districts", list, ["Amber Valley", "Bolsover", "Chesterfield", "Derbyshire Dales", "Erewash",
                                           "High Peak", "North East Derbyshire", "South Derbyshire"],
               "Districts in the county", "Crime figures"),
    # Bounds on imported figures (issue 16): a count or population above these is a rejected row, not stored.
    SettingDef("figures.max_count", int, 1_000_000, "Largest monthly count accepted from a figures file",
               "Crime figures", 1, 2_000_000_000),
    SettingDef("figures.max_population", int, 100_000_000, "Largest population accepted from a population table",
               "Crime figures", 1, 2_000_000_000),
)

BY_KEY: dict[str, SettingDef] = {s.key: s for s in SETTINGS}


def _coerce(defn: SettingDef, value: Any) -> Any:
    if defn.kind is bool:
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "on"}
        return bool(value)
    if defn.kind is int:
        try:
            v = int(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError({defn.key: f"{defn.label}: enter a whole number."}) from exc
        if defn.minimum is not None and v < defn.minimum or defn.maximum is not None and v > defn.maximum:
            raise ValidationError({defn.key: f"{defn.label}: must be between {defn.minimum} and {defn.maximum}."
                                   + (f" {defn.help}" if defn.help else "")})
        return v
    if defn.kind is str:
        return str(value)
    if not isinstance(value, defn.kind):
        raise ValidationError({defn.key: f"{defn.label}: wrong kind of value."})
    if defn.check is not None and (problem := defn.check(value)):
        raise ValidationError({defn.key: problem})
    return value


class SettingsService:
    def __init__(self, uow: Callable[[str], UnitOfWork]):
        self._uow = uow

    def all(self) -> dict[str, Any]:
        with self._uow("system") as uow:
            stored = {s.key: s.value for s in uow.session.scalars(select(AppSetting))}
        return {d.key: stored.get(d.key, d.default) for d in SETTINGS}

    def get(self, key: str) -> Any:
        defn = BY_KEY[key]
        with self._uow("system") as uow:
            row = uow.session.scalar(select(AppSetting).where(AppSetting.key == key))
        return defn.default if row is None else row.value

    def get_optional(self, key: str, default: Any = None) -> Any:
        """A stored value that has no declaration (e.g. the demo-data marker), or ``default``."""
        with self._uow("system") as uow:
            row = uow.session.scalar(select(AppSetting).where(AppSetting.key == key))
        return default if row is None else row.value

    def section(self, prefix: str) -> dict[str, Any]:
        """Settings whose key starts with ``prefix.``, keyed without it (for the rules dataclasses)."""
        values = self.all()
        return {k[len(prefix) + 1:]: v for k, v in values.items() if k.startswith(prefix + ".")}

    def update(self, actor: Actor, changes: dict[str, Any]) -> Changes:
        actor.require(Role.ADMINISTRATOR, "change settings")
        unknown = [k for k in changes if k not in BY_KEY]
        if unknown:
            raise ValidationError({k: f"Unknown setting {k}." for k in unknown})
        errors: dict[str, str] = {}
        clean: dict[str, Any] = {}
        for k, v in changes.items():
            try:
                clean[k] = _coerce(BY_KEY[k], v)
            except ValidationError as exc:
                errors.update(exc.fields)
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            for k, v in clean.items():
                row = uow.session.scalar(select(AppSetting).where(AppSetting.key == k))
                old = BY_KEY[k].default if row is None else row.value
                if old == v:
                    continue
                if row is None:
                    uow.session.add(AppSetting(key=k, value=v))
                else:
                    row.value = v
                uow.audit("update", "setting", None, f"Setting '{BY_KEY[k].label}' changed",
                          {"key": k, "from": old, "to": v})
            uow.commit()
        return Changes.of("setting")
