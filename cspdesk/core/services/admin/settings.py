"""Settings are declared once here (key, type, default, label) and read through one reader.

Local policy from DOMAIN.md lives here: every [L] value is a setting. Where the domain's rules dataclass
(``EnforcementRules``, ``CaseReviewRules``, ``SaferHomesRules``) states the council's default next to the Act
it comes from, the declaration takes that value (``_ENF.cpw_comply_days``) rather than writing the number
again, so a default is written in one place. QSettings holds only window geometry and column state.

Reading: ``read_setting(session, key)`` and ``read_settings(session, prefix)`` inside a unit of work (the
values as stored, or the declared default), ``SettingsService`` outside one; the rules the services apply
are built from them by ``enforcement_rules``, ``case_review_rules`` and ``safer_homes_rules`` below.
Nothing else reads the ``app_setting`` table (``stored_value``/``store_value`` keep undeclared records such
as the report pack's wording).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from cspdesk.core.domain.asb_case import DEFAULT_RISK_QUESTIONNAIRE
from cspdesk.core.domain.case_review import CaseReviewRules
from cspdesk.core.domain.deadlines import EnforcementRules
from cspdesk.core.domain.safer_homes import DEFAULT_MEASURES, Measure, SaferHomesRules
from cspdesk.core.domain.vocab import Role, VictimCategory
from cspdesk.core.errors import ValidationError
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import AppSetting
from cspdesk.core.storage.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The domain's defaults, named once (the dataclasses cite the Act beside each).
_ENF, _CR, _SH = EnforcementRules(), CaseReviewRules(), SaferHomesRules()


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
    # A text setting with a fixed set of values: (value, label) pairs, offered as a list on the Settings page.
    choices: tuple[tuple[str, str], ...] = ()


def _questionnaire_problem(value: Any) -> str | None:
    from cspdesk.core.domain.asb_case import RiskQuestionnaire

    try:
        RiskQuestionnaire.from_setting(value)
    except ValueError as exc:
        return str(exc)
    return None


def _retention_settings() -> list[SettingDef]:
    """Per record type: the retention period and the event it counts from (rule: core.domain.retention)."""
    from cspdesk.core.domain.retention import (
        ALLOWED_EVENTS,
        DEFAULT_POLICY,
        RetentionRecord,
        event_problem,
        from_key,
        years_key,
    )

    out: list[SettingDef] = []
    for record, (years, event) in DEFAULT_POLICY.items():
        if record is not RetentionRecord.ASB_CASE:  # its period is the long-standing retention.case_years
            out.append(
                SettingDef(
                    years_key(record),
                    int,
                    years,
                    f"{record.label}: keep for (years)",
                    "Data protection",
                    1,
                    50,
                )
            )
        out.append(
            SettingDef(
                from_key(record),
                str,
                event.value,
                f"{record.label}: years count from",
                "Data protection",
                check=partial(event_problem, record),
                choices=tuple((e.value, e.label) for e in ALLOWED_EVENTS[record]),
            )
        )
    return out


SETTINGS: tuple[SettingDef, ...] = (
    # Letterhead
    SettingDef("council.name", str, "South Derbyshire District Council", "Council name", "Letterhead"),
    SettingDef("council.team", str, "Communities Team", "Team", "Letterhead"),
    SettingDef(
        "council.address", str, "Civic Way\nSwadlincote\nDerbyshire\nDE11 0AH", "Address", "Letterhead"
    ),
    SettingDef("council.phone", str, "01283 595924", "Telephone", "Letterhead"),
    SettingDef("council.email", str, "community.safety@southderbyshire.gov.uk", "Email", "Letterhead"),
    SettingDef("council.website", str, "www.southderbyshire.gov.uk", "Website", "Letterhead"),
    SettingDef("council.logo_path", str, "", "Logo image (blank for the default)", "Letterhead"),
    SettingDef("council.home_district", str, "South Derbyshire", "Home district", "Letterhead"),
    SettingDef(
        "letters.next_contact_working_days",
        int,
        10,
        "Acknowledgement: officer will be in touch within (working days)",
        "Letterhead",
        1,
        60,
    ),
    # Cases
    SettingDef("cases.reference_prefix", str, "ASB", "Case reference prefix", "Cases"),
    SettingDef("cases.repeat_victim_incidents", int, 3, "Repeat victim: similar incidents", "Cases", 1, 50),
    SettingDef("cases.repeat_victim_months", int, 3, "Repeat victim: within months", "Cases", 1, 24),
    SettingDef(
        "cases.case_review_prompt_months",
        int,
        6,
        "Tell a victim about the Case Review on a second report within (months)",
        "Cases",
        1,
        24,
    ),
    SettingDef("cases.inactive_days", int, 90, "Offer closure after days without activity", "Cases", 7, 3650),
    SettingDef("risk.review_days_high", int, 14, "Risk review every (days), high", "Risk", 1, 365),
    SettingDef("risk.review_days_medium", int, 28, "Risk review every (days), medium", "Risk", 1, 365),
    SettingDef(
        "risk.review_days_standard", int, 0, "Risk review every (days), standard (0 = none)", "Risk", 0, 365
    ),
    SettingDef(
        "risk.questionnaire",
        dict,
        DEFAULT_RISK_QUESTIONNAIRE.as_setting(),
        "Risk questionnaire (questions, weights, medium and high cut-offs)",
        "Risk",
        help="Each assessment keeps the questionnaire it used; changing it never rescores old ones.",
        check=_questionnaire_problem,
    ),
    # Enforcement (DOMAIN.md section 3)
    SettingDef(
        "enforcement.cpw_comply_days",
        int,
        _ENF.cpw_comply_days,
        "CPW: days allowed to comply",
        "Enforcement",
        1,
        365,
    ),
    SettingDef(
        "enforcement.cpw_lapse_months",
        int,
        _ENF.cpw_lapse_months,
        "CPW: treated as lapsed after (months)",
        "Enforcement",
        1,
        60,
    ),
    SettingDef(
        "enforcement.cpn_review_months",
        int,
        _ENF.cpn_review_months,
        "CPN: review / local expiry after (months)",
        "Enforcement",
        1,
        60,
    ),
    SettingDef(
        "enforcement.fpn_max_pence",
        int,
        _ENF.fpn_max_amount_pence,
        "FPN: maximum amount (pence)",
        "Enforcement",
        100,
        50000,
    ),
    SettingDef(
        "enforcement.fpn_default_pence",
        int,
        _ENF.fpn_default_amount_pence,
        "FPN: usual amount (pence)",
        "Enforcement",
        100,
        50000,
    ),
    SettingDef(
        "enforcement.fpn_discount_pence",
        int,
        _ENF.fpn_discount_amount_pence or 0,
        "FPN: early-payment amount (pence, 0 = none)",
        "Enforcement",
        0,
        50000,
    ),
    SettingDef(
        "enforcement.fpn_discount_days",
        int,
        _ENF.fpn_discount_days,
        "FPN: early payment within (days)",
        "Enforcement",
        1,
        13,
        help="s.52(8) of the 2014 Act: the early-payment period is less than 14 days.",
    ),
    SettingDef(
        "enforcement.fpn_payment_details",
        str,
        "",
        "FPN: how to pay (printed on every FPN)",
        "Enforcement",
        help="Whom to pay and how: a payments web page, a "
        "card line and its hours. Blank: asked for each FPN.",
    ),
    SettingDef(
        "enforcement.abc_months", int, _ENF.abc_length_months, "ABC: length (months)", "Enforcement", 1, 24
    ),
    SettingDef(
        "enforcement.abc_review_weeks",
        int,
        _ENF.abc_review_weeks,
        "ABC: review every (weeks)",
        "Enforcement",
        4,
        12,
    ),
    # Case Review (DOMAIN.md section 4)
    SettingDef(
        "case_review.incidents_threshold",
        int,
        _CR.incidents_threshold,
        "Threshold: related incidents in the look-back",
        "Case Reviews",
        1,
        3,
        help="The Act does not allow a threshold above 3 qualifying complaints.",
    ),
    SettingDef(
        "case_review.individuals_threshold",
        int,
        _CR.individuals_threshold,
        "Threshold: separate individuals reporting",
        "Case Reviews",
        1,
        50,
    ),
    SettingDef(
        "case_review.lookback_months", int, _CR.lookback_months, "Look-back (months)", "Case Reviews", 1, 6
    ),
    SettingDef(
        "case_review.acknowledge_days",
        int,
        _CR.acknowledge_working_days,
        "Acknowledge within (working days)",
        "Case Reviews",
        1,
        60,
    ),
    SettingDef(
        "case_review.decide_days",
        int,
        _CR.decide_working_days,
        "Decide threshold within (working days)",
        "Case Reviews",
        1,
        60,
    ),
    SettingDef(
        "case_review.review_days",
        int,
        _CR.review_working_days,
        "Hold the review within (working days)",
        "Case Reviews",
        1,
        90,
    ),
    SettingDef(
        "case_review.appeal_working_days",
        int,
        20,
        "Appeal to the PCC within (working days of the decision or outcome letter)",
        "Case Reviews",
        5,
        90,
        help="Local practice: the Act sets no period for an appeal to the Police and Crime Commissioner.",
    ),
    # Safer Homes (DOMAIN.md section 5)
    SettingDef(
        "safer_homes.waiting_working_days",
        int,
        _SH.waiting_flag_working_days,
        "Flag referrals not secured within (working days)",
        "Safer Homes",
        1,
        120,
    ),
    SettingDef(
        "safer_homes.follow_up_days",
        int,
        _SH.follow_up_days,
        "Follow-up call after install (days)",
        "Safer Homes",
        1,
        365,
    ),
    SettingDef(
        "safer_homes.require_landlord_permission",
        bool,
        _SH.landlord_permission_if_rented,
        "Rented homes need landlord permission",
        "Safer Homes",
    ),
    SettingDef(
        "safer_homes.require_wants_to_stay",
        bool,
        _SH.victim_must_want_to_stay,
        "Eligible only if the victim wants to stay",
        "Safer Homes",
    ),
    SettingDef(
        "safer_homes.require_perpetrator_not_resident",
        bool,
        _SH.perpetrator_must_not_be_resident,
        "Eligible only if the perpetrator does not live there",
        "Safer Homes",
    ),
    SettingDef(
        "safer_homes.require_dash_for_domestic_abuse",
        bool,
        VictimCategory.DOMESTIC_ABUSE in _SH.risk_assessment_required_for,
        "Domestic abuse referrals need a DASH level or score",
        "Safer Homes",
    ),
    SettingDef(
        "safer_homes.works_complete_working_days",
        int,
        _SH.works_complete_working_days,
        "Works order: complete within (working days)",
        "Safer Homes",
        1,
        60,
    ),
    SettingDef(
        "safer_homes.scheme_name",
        str,
        "the CVS-run Safer Homes Scheme",
        "Scheme name (as in the plan's sentence)",
        "Safer Homes",
    ),
    SettingDef(
        "safer_homes.reason_minutes",
        int,
        15,
        "Ask again for the reason for looking at a restricted referral after (minutes)",
        "Safer Homes",
        0,
        480,
        help="Within this time the last reason given for a record "
        "is reused (each look is still logged); 0 asks every time.",
    ),
    SettingDef(
        "safer_homes.measures",
        list,
        [m.to_dict() for m in _SH.measures],
        "Catalogue of measures (code, label, unit cost in pence)",
        "Safer Homes",
    ),
    # Data protection (DOMAIN.md section 9)
    SettingDef("retention.case_years", int, 6, "Keep closed ASB cases for (years)", "Data protection", 1, 50),
    *_retention_settings(),
    # Backups of the local database file (issue 15; core/services/admin/backups.py)
    SettingDef(
        "backups.folder",
        str,
        "",
        "Backup folder (empty: 'backups' beside the database file)",
        "Backups",
        help="A folder on another drive (a network share, an "
        "encrypted USB drive) survives a lost laptop disk.",
    ),
    SettingDef(
        "backups.keep_daily", int, 7, "Keep the newest backup of each of the last (days)", "Backups", 0, 366
    ),
    SettingDef("backups.keep_weekly", int, 4, "... and of each of the last (weeks)", "Backups", 0, 260),
    SettingDef("backups.keep_monthly", int, 12, "... and of each of the last (months)", "Backups", 0, 240),
    # Crime figures (DOMAIN.md section 7)
    SettingDef(
        "figures.total_label", str, "Derbyshire County Council area", "Total row label", "Crime figures"
    ),
    SettingDef(
        "figures.districts",
        list,
        [
            "Amber Valley",
            "Bolsover",
            "Chesterfield",
            "Derbyshire Dales",
            "Erewash",
            "High Peak",
            "North East Derbyshire",
            "South Derbyshire",
        ],
        "Districts in the county",
        "Crime figures",
    ),
    # Bounds on imported figures (issue 16): a count or population above these is a rejected row, not stored.
    SettingDef(
        "figures.max_count",
        int,
        1_000_000,
        "Largest monthly count accepted from a figures file",
        "Crime figures",
        1,
        2_000_000_000,
    ),
    SettingDef(
        "figures.max_population",
        int,
        100_000_000,
        "Largest population accepted from a population table",
        "Crime figures",
        1,
        2_000_000_000,
    ),
    # Working copies (issue 17)
    SettingDef(
        "working_copies.warn_after_days",
        int,
        7,
        "Warn about working copies out for more than (days)",
        "Working copies",
        1,
        365,
    ),
)

BY_KEY: dict[str, SettingDef] = {s.key: s for s in SETTINGS}


# ----- the one reader


def read_settings(session: Session, prefix: str | None = None) -> dict[str, Any]:
    """Every declared setting (or those under ``prefix.``), as stored or else its declared default, read in
    the caller's session. Keys keep their prefix."""
    query = select(AppSetting.key, AppSetting.value)
    if prefix:
        query = query.where(AppSetting.key.like(f"{prefix}.%"))
    stored = dict(session.execute(query).tuples().all())
    return {
        d.key: stored.get(d.key, d.default)
        for d in SETTINGS
        if prefix is None or d.key.startswith(prefix + ".")
    }


def read_setting(session: Session, key: str) -> Any:
    """One declared setting's value (stored or default), read in the caller's session."""
    defn = BY_KEY[key]
    value = session.scalar(select(AppSetting.value).where(AppSetting.key == key))
    return defn.default if value is None else value


def section(values: dict[str, Any], prefix: str) -> dict[str, Any]:
    """``values``' keys under ``prefix.``, without it (what the rules dataclasses take)."""
    return {k[len(prefix) + 1 :]: v for k, v in values.items() if k.startswith(prefix + ".")}


def stored_value(session: Session, key: str, default: Any = None) -> Any:
    """A record kept in the settings table that is not a declared setting (the demo marker, the report pack's
    wording for a period), or ``default``."""
    value = session.scalar(select(AppSetting.value).where(AppSetting.key == key))
    return default if value is None else value


def store_value(session: Session, key: str, value: Any) -> Any:
    """Keep ``value`` under an undeclared ``key``; returns what was there before (None if nothing)."""
    row = session.scalar(select(AppSetting).where(AppSetting.key == key))
    if row is None:
        session.add(AppSetting(key=key, value=value))
        return None
    old, row.value = row.value, value
    return old


# ----- the rules in force, from the settings (keys without their prefix, as ``section`` gives them)


def enforcement_rules(values: dict[str, Any]) -> EnforcementRules:
    """The ``enforcement.*`` settings as the domain's rules. A discount of 0 pence means no early-payment
    discount. Rules with no setting (the CPN expiry, the closure order length) keep the domain's values."""
    return EnforcementRules(
        cpw_comply_days=int(values["cpw_comply_days"]),
        cpw_lapse_months=int(values["cpw_lapse_months"]),
        cpn_review_months=int(values["cpn_review_months"]),
        fpn_max_amount_pence=int(values["fpn_max_pence"]),
        fpn_default_amount_pence=int(values["fpn_default_pence"]),
        fpn_discount_amount_pence=int(values["fpn_discount_pence"] or 0) or None,
        fpn_discount_days=int(values["fpn_discount_days"]),
        abc_length_months=int(values["abc_months"]),
        abc_review_weeks=int(values["abc_review_weeks"]),
    )


def case_review_rules(values: dict[str, Any]) -> CaseReviewRules:
    """The ``case_review.*`` settings as the domain's threshold and timescales."""
    return CaseReviewRules(
        incidents_threshold=int(values["incidents_threshold"]),
        individuals_threshold=int(values["individuals_threshold"]),
        lookback_months=int(values["lookback_months"]),
        acknowledge_working_days=int(values["acknowledge_days"]),
        decide_working_days=int(values["decide_days"]),
        review_working_days=int(values["review_days"]),
    )


def safer_homes_rules(values: dict[str, Any]) -> SaferHomesRules:
    """The ``safer_homes.*`` settings as the scheme's rules. A hand-edited catalogue of measures that does not
    parse falls back to the default catalogue rather than stopping intake."""
    try:
        measures = tuple(Measure.from_dict(m) for m in values["measures"] or ())
    except (KeyError, TypeError, ValueError):
        measures = DEFAULT_MEASURES
    return SaferHomesRules(
        victim_must_want_to_stay=bool(values["require_wants_to_stay"]),
        perpetrator_must_not_be_resident=bool(values["require_perpetrator_not_resident"]),
        landlord_permission_if_rented=bool(values["require_landlord_permission"]),
        risk_assessment_required_for=frozenset({VictimCategory.DOMESTIC_ABUSE})
        if values["require_dash_for_domestic_abuse"]
        else frozenset(),
        waiting_flag_working_days=int(values["waiting_working_days"]),
        follow_up_days=int(values["follow_up_days"]),
        works_complete_working_days=int(values["works_complete_working_days"]),
        measures=measures or DEFAULT_MEASURES,
    )


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
            raise ValidationError(
                {
                    defn.key: f"{defn.label}: must be between {defn.minimum} and {defn.maximum}."
                    + (f" {defn.help}" if defn.help else "")
                }
            )
        return v
    if defn.kind is str:
        if defn.check is not None and (problem := defn.check(str(value))):
            raise ValidationError({defn.key: problem})
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
            return read_settings(uow.session)

    def get(self, key: str) -> Any:
        with self._uow("system") as uow:
            return read_setting(uow.session, key)

    def get_optional(self, key: str, default: Any = None) -> Any:
        """A stored value that has no declaration (e.g. the demo-data marker), or ``default``."""
        with self._uow("system") as uow:
            return stored_value(uow.session, key, default)

    def section(self, prefix: str) -> dict[str, Any]:
        """Settings whose key starts with ``prefix.``, keyed without it (for the rules dataclasses)."""
        with self._uow("system") as uow:
            return section(read_settings(uow.session, prefix), prefix)

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
                uow.audit(
                    "update",
                    "setting",
                    None,
                    f"Setting '{BY_KEY[k].label}' changed",
                    {"key": k, "from": old, "to": v},
                )
            uow.commit()
        return Changes.of("setting")
