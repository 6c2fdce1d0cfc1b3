"""Safer Homes intake (consent, required fields) and the eligibility check.

No consent, no referral: all that is kept is that one was declined, by whom and when, so the
scheme can count them. The client's details are dropped because there is no basis to hold them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from cspdesk.core.domain.safer_homes import ReferralRecord, SaferHomesRules, risk_at_least, risk_rank
from cspdesk.core.domain.validation import is_uk_phone, is_uk_postcode, normalise_postcode
from cspdesk.core.domain.vocab import RiskLevel, SaferHomesStatus, VictimCategory
from cspdesk.core.errors import ValidationError

CONSENT_NOT_GIVEN = "consent not given"

# The police DASH checklist has 27 questions (SafeLives' RIC 24); a score is a count of "yes".
DASH_MAX_SCORE = 27


def _blank(text: str | None) -> bool:
    return text is None or not str(text).strip()


def intake_problems(record: ReferralRecord, today: date) -> dict[str, str]:
    """Field name -> message for everything wrong with a new referral; empty if it may be saved."""
    problems: dict[str, str] = {}
    if _blank(record.referrer_name):
        problems["referrer_name"] = "Enter the referrer's name."
    if _blank(record.referrer_agency):
        problems["referrer_agency"] = "Choose the referring agency."
    if record.referred_on is None:
        problems["referred_on"] = "Enter the date of the referral."
    elif record.referred_on > today:
        problems["referred_on"] = "The referral date cannot be in the future."
    if record.victim_category is None:
        problems["victim_category"] = "Choose the victim category."
    if record.consent_given is None:
        problems["consent_given"] = "Record whether the client consented to the referral."
        return problems
    if record.consent_on is not None and record.consent_on > today:
        problems["consent_on"] = "The consent date cannot be in the future."
    if not record.consent_given:
        # Nothing else about the client is asked for: it will not be kept.
        return problems

    if _blank(record.consent_method):
        problems["consent_method"] = "Record how consent was given (e.g. verbal, written)."
    if record.consent_on is None:
        problems["consent_on"] = "Enter the date consent was given."
    if _blank(record.client_name):
        problems["client_name"] = "Enter the client's name."
    if _blank(record.address_line1):
        problems["address_line1"] = "Enter the first line of the address."
    if _blank(record.postcode):
        problems["postcode"] = "Enter the postcode."
    elif not is_uk_postcode(record.postcode):
        problems["postcode"] = "This does not look like a UK postcode (e.g. DE11 0AH)."
    if record.client_date_of_birth is not None and record.client_date_of_birth > today:
        problems["client_date_of_birth"] = "The date of birth cannot be in the future."
    for i, phone in enumerate(record.phones):
        if not is_uk_phone(phone.number):
            problems[f"phones[{i}].number"] = "This does not look like a UK phone number."
        if phone.safe_to_call is None:
            problems[f"phones[{i}].safe_to_call"] = "Say whether this number is safe to call."
    if record.dash_score is not None and not 0 <= record.dash_score <= DASH_MAX_SCORE:
        problems["dash_score"] = f"A DASH score is between 0 and {DASH_MAX_SCORE}."
    if record.children_in_household < 0:
        problems["children_in_household"] = "The number of children cannot be negative."
    return problems


def validate_intake(record: ReferralRecord, today: date) -> None:
    """Raise ``ValidationError`` with field messages if the referral cannot be saved."""
    problems = intake_problems(record, today)
    if problems:
        raise ValidationError(problems)


def declined_for_no_consent(record: ReferralRecord, today: date) -> ReferralRecord:
    """The only record kept when consent is refused: who referred, when, and the category."""
    return ReferralRecord(
        id=record.id,
        reference=record.reference,
        status=SaferHomesStatus.DECLINED,
        restricted=record.is_restricted,
        referred_on=record.referred_on,
        referrer_name=record.referrer_name,
        referrer_role=record.referrer_role,
        referrer_agency=record.referrer_agency,
        referrer_contact=record.referrer_contact,
        consent_given=False,
        consent_method=record.consent_method,
        consent_on=record.consent_on,
        victim_category=record.victim_category,
        ward=record.ward,  # for counts by ward; a ward never locates a home
        closed_on=today,
        end_reason=CONSENT_NOT_GIVEN,
    )


def accept_referral(record: ReferralRecord, today: date) -> ReferralRecord:
    """Validate a new referral and return what should be stored.

    With consent: status ``referred``, postcode normalised, restricted if the category demands it.
    Without: a declined record (see ``declined_for_no_consent``); no further step is possible.
    """
    validate_intake(record, today)
    if not record.consent_given:
        return declined_for_no_consent(record, today)
    return record.with_changes(
        status=SaferHomesStatus.REFERRED,
        postcode=normalise_postcode(record.postcode or ""),
        restricted=record.is_restricted,
    )


# --- eligibility ----------------------------------------------------------------------------------


class EligibilityCheck(NamedTuple):
    rule: str
    passed: bool
    explanation: str


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool
    reasons: tuple[str, ...]  # why not eligible; empty when eligible
    checks: tuple[EligibilityCheck, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "reasons": list(self.reasons),
            "checks": [c._asdict() for c in self.checks],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EligibilityResult:
        return cls(
            bool(data["eligible"]),
            tuple(data.get("reasons", ())),
            tuple(
                EligibilityCheck(c["rule"], bool(c["passed"]), c["explanation"])
                for c in data.get("checks", ())
            ),
        )


def effective_risk_level(record: ReferralRecord, rules: SaferHomesRules) -> RiskLevel | None:
    """The higher of the recorded level and what the score alone says.

    A score at or above the high threshold is high whatever was typed. Below it the score cannot
    tell standard from medium (that is the assessor's judgement), so it counts as standard.
    """
    from_score: RiskLevel | None = None
    if record.dash_score is not None:
        from_score = RiskLevel.HIGH if record.dash_score >= rules.dash_high_score else RiskLevel.STANDARD
    levels = [lv for lv in (record.dash_level, from_score) if lv is not None]
    if not levels:
        return None
    return max(levels, key=risk_rank)


def _check_consent(record: ReferralRecord) -> EligibilityCheck:
    if record.consent_given:
        return EligibilityCheck("consent", True, "The client consented to the referral.")
    return EligibilityCheck("consent", False, "The client has not consented to the referral.")


def _check_wants_to_stay(record: ReferralRecord, rules: SaferHomesRules) -> EligibilityCheck:
    rule = "victim_wants_to_stay"
    if not rules.victim_must_want_to_stay:
        return EligibilityCheck(rule, True, "Not applied under the scheme's settings.")
    if record.victim_wants_to_stay is None:
        return EligibilityCheck(rule, False, "Not recorded whether the victim wants to stay in the home.")
    if record.victim_wants_to_stay:
        return EligibilityCheck(rule, True, "The victim wants to stay in the home.")
    return EligibilityCheck(rule, False, "The victim does not want to stay in the home.")


def _check_perpetrator(record: ReferralRecord, rules: SaferHomesRules) -> EligibilityCheck:
    rule = "perpetrator_not_resident"
    if not rules.perpetrator_must_not_be_resident:
        return EligibilityCheck(rule, True, "Not applied under the scheme's settings.")
    if record.perpetrator_resident is True:
        return EligibilityCheck(rule, False, "The perpetrator lives at the property.")
    if record.perpetrator_resident is False:
        return EligibilityCheck(rule, True, "The perpetrator does not live at the property.")
    # A burglary or ASB victim often has no known perpetrator; nobody to live there. A domestic
    # abuse perpetrator is always known, so their residence must be stated.
    if _blank(record.perpetrator_name) and record.victim_category != VictimCategory.DOMESTIC_ABUSE:
        return EligibilityCheck(rule, True, "No known perpetrator.")
    return EligibilityCheck(rule, False, "Not recorded whether the perpetrator lives at the property.")


def _check_landlord(record: ReferralRecord, rules: SaferHomesRules) -> EligibilityCheck:
    rule = "landlord_permission"
    if not rules.landlord_permission_if_rented:
        return EligibilityCheck(rule, True, "Not applied under the scheme's settings.")
    if record.tenure is None:
        return EligibilityCheck(rule, False, "Tenure not recorded: say whether the home is owned or rented.")
    if not record.tenure.rented:
        return EligibilityCheck(rule, True, "Owner-occupied: no landlord permission needed.")
    if record.landlord_permission is False:
        return EligibilityCheck(rule, False, "The landlord has refused permission for the works.")
    if record.landlord_permission is True:
        return EligibilityCheck(rule, True, "The landlord has given permission for the works.")
    # Permission is usually sought after the survey, once the works are known, so a pending answer
    # does not stop the referral here; ordering the works needs it (safer_homes_workflow).
    return EligibilityCheck(
        rule, True, "Rented: landlord permission still to be obtained before works are ordered."
    )


def _check_risk(record: ReferralRecord, rules: SaferHomesRules) -> EligibilityCheck:
    rule = "risk_assessment"
    category = record.victim_category
    if category is None or category not in rules.risk_assessment_required_for:
        label = category.label if category else "this category"
        return EligibilityCheck(rule, True, f"No risk assessment required for {label}.")
    level = effective_risk_level(record, rules)
    if level is None:
        return EligibilityCheck(rule, False, f"A DASH risk level or score is required for {category.label}.")
    if rules.minimum_risk_level is not None and not risk_at_least(level, rules.minimum_risk_level):
        return EligibilityCheck(
            rule,
            False,
            f"Risk assessed as {level.label.lower()}; the scheme requires "
            f"{rules.minimum_risk_level.label.lower()} or above for {category.label}.",
        )
    return EligibilityCheck(rule, True, f"DASH risk assessment recorded: {level.label.lower()}.")


def check_eligibility(record: ReferralRecord, rules: SaferHomesRules) -> EligibilityResult:
    """Apply every scheme rule; all must pass. Every check is kept so the decision can be explained."""
    checks = (
        _check_consent(record),
        _check_wants_to_stay(record, rules),
        _check_perpetrator(record, rules),
        _check_landlord(record, rules),
        _check_risk(record, rules),
    )
    reasons = tuple(c.explanation for c in checks if not c.passed)
    return EligibilityResult(not reasons, reasons, checks)
