"""Scheme settings, the catalogue of measures and the plain referral record."""

from __future__ import annotations

import json

from cspdesk.core.domain.safer_homes import (
    DEFAULT_MEASURES,
    Measure,
    MeasureLine,
    ReferralRecord,
    SaferHomesRules,
    Tenure,
    format_pence,
    is_restricted_category,
)
from cspdesk.core.domain.vocab import RiskLevel, VictimCategory
from tests.core.safer_homes_examples import burglary_referral, da_referral


def test_default_rules_follow_the_domain_notes():
    rules = SaferHomesRules()
    assert rules.victim_must_want_to_stay
    assert rules.perpetrator_must_not_be_resident
    assert rules.landlord_permission_if_rented
    assert rules.risk_assessment_required_for == {VictimCategory.DOMESTIC_ABUSE}
    assert rules.minimum_risk_level is None
    assert rules.dash_high_score == 14
    assert rules.waiting_flag_working_days == 10
    assert rules.follow_up_days == 28


def test_rules_round_trip_through_json():
    rules = SaferHomesRules(
        victim_must_want_to_stay=False,
        risk_assessment_required_for=frozenset({VictimCategory.DOMESTIC_ABUSE, VictimCategory.HATE_CRIME}),
        minimum_risk_level=RiskLevel.MEDIUM,
        waiting_flag_working_days=5,
        follow_up_days=14,
        measures=(Measure("door_lock", "Door lock", 7000),),
    )
    assert SaferHomesRules.from_dict(json.loads(json.dumps(rules.to_dict()))) == rules
    assert SaferHomesRules.from_dict(SaferHomesRules().to_dict()) == SaferHomesRules()


def test_rules_from_partial_settings_take_defaults():
    rules = SaferHomesRules.from_dict({"waiting_flag_working_days": 7})
    assert rules.waiting_flag_working_days == 7
    assert rules.measures == DEFAULT_MEASURES
    assert rules.risk_assessment_required_for == {VictimCategory.DOMESTIC_ABUSE}
    # An empty list is a deliberate choice: no category needs a risk assessment.
    assert (
        SaferHomesRules.from_dict({"risk_assessment_required_for": []}).risk_assessment_required_for == set()
    )


def test_catalogue_covers_the_typical_works():
    codes = {m.code for m in DEFAULT_MEASURES}
    for code in (
        "door_lock",
        "window_lock",
        "door_chain_viewer",
        "hinge_bolts",
        "replacement_door",
        "video_doorbell",
        "window_alarm",
        "personal_alarm",
        "external_lighting",
        "property_marking",
        "fire_letterbox",
        "smoke_alarm",
        "fire_safety_visit",
        "safe_room",
    ):
        assert code in codes
    assert len(codes) == len(DEFAULT_MEASURES), "codes are unique"
    assert all(isinstance(m.unit_cost_pence, int) and m.unit_cost_pence >= 0 for m in DEFAULT_MEASURES)
    assert (
        SaferHomesRules().measure("safe_room").unit_cost_pence
        > SaferHomesRules().measure("door_lock").unit_cost_pence
    )
    assert SaferHomesRules().measure("nope") is None


def test_measure_line_from_catalogue_costs():
    line = MeasureLine.from_catalogue(SaferHomesRules().measure("window_lock"), quantity=4)
    assert line.total_pence == 4 * 1500
    assert da_referral().estimated_cost_pence == 2 * 6500 + 4000


def test_format_pence():
    assert format_pence(0) == "£0.00"
    assert format_pence(123456) == "£1,234.56"
    assert format_pence(-5) == "-£0.05"


def test_domestic_abuse_is_always_restricted():
    assert is_restricted_category(VictimCategory.DOMESTIC_ABUSE)
    assert is_restricted_category("domestic_abuse")
    assert not is_restricted_category(VictimCategory.BURGLARY)
    # The category alone is enough, even if the stored flag was never set.
    assert da_referral(restricted=False).is_restricted
    assert not burglary_referral().is_restricted
    assert burglary_referral(restricted=True).is_restricted


def test_tenure_rented():
    assert not Tenure.OWNER.rented
    assert all(t.rented for t in Tenure if t is not Tenure.OWNER)


def test_record_round_trips_through_json():
    record = da_referral()
    assert ReferralRecord.from_dict(json.loads(json.dumps(record.to_dict()))) == record
    assert ReferralRecord.from_dict({"reference": "X", "not_a_field": 1}).reference == "X"


def test_safe_phones_only_those_flagged_safe():
    assert [p.number for p in da_referral().safe_phones] == ["07700 900461"]
