"""Referral intake: required fields, consent, and the eligibility check rule by rule."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cspdesk.core.domain.safer_homes import Phone, SaferHomesRules, Tenure
from cspdesk.core.domain.safer_homes_intake import (
    CONSENT_NOT_GIVEN,
    EligibilityResult,
    accept_referral,
    check_eligibility,
    declined_for_no_consent,
    effective_risk_level,
    intake_problems,
    validate_intake,
)
from cspdesk.core.domain.vocab import RiskLevel, SaferHomesStatus, VictimCategory
from cspdesk.core.errors import ValidationError
from tests.core.safer_homes_examples import SECRETS, TODAY, burglary_referral, da_referral


def new_da(**changes):
    return da_referral(
        status=SaferHomesStatus.REFERRED,
        survey_on=None,
        surveyor=None,
        contractor=None,
        works_ordered_on=None,
        eligible=None,
        measures=(),
        **changes,
    )


def test_a_complete_referral_is_accepted():
    assert intake_problems(new_da(), TODAY) == {}
    accepted = accept_referral(new_da(postcode="de11 7zz", restricted=False), TODAY)
    assert accepted.status is SaferHomesStatus.REFERRED
    assert accepted.postcode == "DE11 7ZZ"
    assert accepted.restricted, "domestic abuse is stored restricted"
    assert not accept_referral(burglary_referral(), TODAY).restricted


@pytest.mark.parametrize(
    "field",
    [
        "referrer_name",
        "referrer_agency",
        "referred_on",
        "consent_given",
        "client_name",
        "address_line1",
        "postcode",
        "victim_category",
        "consent_method",
        "consent_on",
    ],
)
def test_required_fields(field):
    with pytest.raises(ValidationError) as err:
        validate_intake(new_da(**{field: None}), TODAY)
    assert field in err.value.fields
    assert err.value.fields[field]


def test_blank_text_counts_as_missing():
    problems = intake_problems(new_da(client_name="   ", referrer_name=""), TODAY)
    assert {"client_name", "referrer_name"} <= problems.keys()


def test_postcode_must_be_uk_shaped():
    problems = intake_problems(new_da(postcode="DE11"), TODAY)
    assert "UK postcode" in problems["postcode"]


def test_each_phone_must_be_flagged_safe_or_not():
    problems = intake_problems(new_da(phones=(Phone("07700 900461", True), Phone("07700 900462"))), TODAY)
    assert set(problems) == {"phones[1].safe_to_call"}
    problems = intake_problems(new_da(phones=(Phone("123", False),)), TODAY)
    assert set(problems) == {"phones[0].number"}
    assert intake_problems(new_da(phones=()), TODAY) == {}, "no phone at all is allowed: some have none safe"


def test_dates_not_in_the_future():
    problems = intake_problems(
        new_da(
            referred_on=date(2023, 6, 15), client_date_of_birth=date(2023, 6, 15), consent_on=date(2023, 7, 1)
        ),
        TODAY,
    )
    assert {"referred_on", "client_date_of_birth", "consent_on"} <= problems.keys()
    assert intake_problems(new_da(referred_on=TODAY, consent_on=TODAY), TODAY) == {}


def test_dash_score_range_and_children():
    assert "dash_score" in intake_problems(new_da(dash_score=28), TODAY)
    assert "dash_score" in intake_problems(new_da(dash_score=-1), TODAY)
    assert "children_in_household" in intake_problems(new_da(children_in_household=-1), TODAY)


def test_all_problems_reported_at_once():
    with pytest.raises(ValidationError) as err:
        validate_intake(new_da(client_name=None, postcode="x", referrer_name=None), TODAY)
    assert {"client_name", "postcode", "referrer_name"} <= err.value.fields.keys()


# --- consent --------------------------------------------------------------------------------------


def test_no_consent_keeps_only_a_declined_record():
    refused = new_da(consent_given=False, consent_method="verbal")
    assert (
        intake_problems(refused.with_changes(client_name=None, address_line1=None, postcode=None), TODAY)
        == {}
    )
    declined = accept_referral(refused, TODAY)
    assert declined.status is SaferHomesStatus.DECLINED
    assert declined.end_reason == CONSENT_NOT_GIVEN
    assert declined.closed_on == TODAY
    assert declined.consent_given is False
    assert declined.referrer_agency == refused.referrer_agency
    assert declined.victim_category is VictimCategory.DOMESTIC_ABUSE
    assert declined.restricted
    stored = json.dumps(declined.to_dict())
    for secret in SECRETS:
        assert secret not in stored, secret
    assert declined.phones == () and declined.measures == ()


def test_no_consent_still_needs_referrer_date_and_category():
    problems = intake_problems(new_da(consent_given=False, referrer_name=None, victim_category=None), TODAY)
    assert {"referrer_name", "victim_category"} == problems.keys()


def test_declined_for_no_consent_is_ineligible_too():
    declined = declined_for_no_consent(new_da(consent_given=False), TODAY)
    result = check_eligibility(declined, SaferHomesRules())
    assert not result.eligible
    assert "not consented" in " ".join(result.reasons)


# --- eligibility ----------------------------------------------------------------------------------

RULES = SaferHomesRules()


def check(record, rules=RULES):
    result = check_eligibility(record, rules)
    return result, {c.rule: c for c in result.checks}


def test_eligible_referral_passes_every_check():
    result, checks = check(new_da())
    assert result.eligible and result.reasons == ()
    assert set(checks) == {
        "consent",
        "victim_wants_to_stay",
        "perpetrator_not_resident",
        "landlord_permission",
        "risk_assessment",
    }
    assert all(c.passed and c.explanation for c in result.checks)


def test_result_to_dict_is_json_and_round_trips():
    result = check_eligibility(new_da(victim_wants_to_stay=False), RULES)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["eligible"] is False
    assert data["checks"][1] == {
        "rule": "victim_wants_to_stay",
        "passed": False,
        "explanation": "The victim does not want to stay in the home.",
    }
    assert EligibilityResult.from_dict(data) == result
    rule, passed, explanation = result.checks[0]  # a check unpacks as (rule, passed, explanation)
    assert rule == "consent" and passed


@pytest.mark.parametrize(
    ("value", "passed", "words"),
    [(True, True, "wants to stay"), (False, False, "does not want"), (None, False, "Not recorded")],
)
def test_victim_wants_to_stay(value, passed, words):
    result, checks = check(new_da(victim_wants_to_stay=value))
    assert checks["victim_wants_to_stay"].passed is passed
    assert words in checks["victim_wants_to_stay"].explanation
    assert result.eligible is passed


def test_wants_to_stay_not_applied_when_switched_off():
    _, checks = check(new_da(victim_wants_to_stay=False), SaferHomesRules(victim_must_want_to_stay=False))
    assert checks["victim_wants_to_stay"].passed
    assert "Not applied" in checks["victim_wants_to_stay"].explanation


@pytest.mark.parametrize(("value", "passed"), [(False, True), (True, False), (None, False)])
def test_perpetrator_not_resident(value, passed):
    result, checks = check(new_da(perpetrator_resident=value))
    assert checks["perpetrator_not_resident"].passed is passed
    assert result.eligible is passed


def test_no_known_perpetrator_passes_except_for_domestic_abuse():
    _, checks = check(burglary_referral(perpetrator_resident=None, perpetrator_name=None))
    assert checks["perpetrator_not_resident"].passed
    _, checks = check(burglary_referral(perpetrator_resident=None, perpetrator_name="Known Neighbour"))
    assert not checks["perpetrator_not_resident"].passed
    _, checks = check(new_da(perpetrator_resident=None, perpetrator_name=None))
    assert not checks["perpetrator_not_resident"].passed
    _, checks = check(
        new_da(perpetrator_resident=True), SaferHomesRules(perpetrator_must_not_be_resident=False)
    )
    assert checks["perpetrator_not_resident"].passed


@pytest.mark.parametrize(
    ("tenure", "permission", "passed", "words"),
    [
        (Tenure.OWNER, None, True, "Owner-occupied"),
        (Tenure.PRIVATE_RENTED, True, True, "has given"),
        (Tenure.COUNCIL, False, False, "refused"),
        (Tenure.HOUSING_ASSOCIATION, None, True, "still to be obtained"),
        (None, None, False, "Tenure not recorded"),
    ],
)
def test_landlord_permission(tenure, permission, passed, words):
    result, checks = check(new_da(tenure=tenure, landlord_permission=permission))
    assert checks["landlord_permission"].passed is passed
    assert words in checks["landlord_permission"].explanation
    assert result.eligible is passed


def test_landlord_rule_switched_off():
    _, checks = check(
        new_da(tenure=Tenure.PRIVATE_RENTED, landlord_permission=False),
        SaferHomesRules(landlord_permission_if_rented=False),
    )
    assert checks["landlord_permission"].passed


def test_domestic_abuse_needs_a_dash_assessment_by_default():
    result, checks = check(new_da(dash_level=None, dash_score=None))
    assert not checks["risk_assessment"].passed
    assert "DASH" in result.reasons[0]
    assert check(new_da(dash_level=RiskLevel.STANDARD, dash_score=None))[0].eligible
    assert check(new_da(dash_level=None, dash_score=3))[0].eligible
    # Other categories need none by default.
    _, checks = check(burglary_referral())
    assert (
        checks["risk_assessment"].passed
        and "No risk assessment required" in checks["risk_assessment"].explanation
    )


def test_minimum_risk_level_and_required_categories_are_settings():
    rules = SaferHomesRules(
        risk_assessment_required_for=frozenset({VictimCategory.DOMESTIC_ABUSE, VictimCategory.BURGLARY}),
        minimum_risk_level=RiskLevel.MEDIUM,
    )
    assert not check(burglary_referral(), rules)[0].eligible
    assert not check(burglary_referral(dash_level=RiskLevel.STANDARD), rules)[0].eligible
    assert check(burglary_referral(dash_level=RiskLevel.MEDIUM), rules)[0].eligible
    # A score of 14+ is high whatever level was typed.
    assert check(new_da(dash_level=RiskLevel.STANDARD, dash_score=14), rules)[0].eligible
    assert not check(new_da(dash_level=None, dash_score=13), rules)[0].eligible
    no_da = SaferHomesRules(risk_assessment_required_for=frozenset())
    assert check(new_da(dash_level=None, dash_score=None), no_da)[0].eligible


def test_effective_risk_level():
    assert effective_risk_level(new_da(dash_level=None, dash_score=None), RULES) is None
    assert effective_risk_level(new_da(dash_level=None, dash_score=14), RULES) is RiskLevel.HIGH
    assert effective_risk_level(new_da(dash_level=None, dash_score=13), RULES) is RiskLevel.STANDARD
    assert effective_risk_level(new_da(dash_level=RiskLevel.MEDIUM, dash_score=5), RULES) is RiskLevel.MEDIUM
    assert effective_risk_level(new_da(dash_level=RiskLevel.MEDIUM, dash_score=20), RULES) is RiskLevel.HIGH


def test_several_failures_give_several_reasons():
    result, _ = check(
        new_da(victim_wants_to_stay=False, perpetrator_resident=True, landlord_permission=False)
    )
    assert len(result.reasons) == 3
