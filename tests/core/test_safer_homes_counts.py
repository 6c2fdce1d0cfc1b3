"""Counts for a period and the plan's sentence; never an address."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from cspdesk.core.domain.safer_homes import MeasureLine
from cspdesk.core.domain.safer_homes_counts import (
    NOT_RECORDED,
    count_referrals,
    plan_categories_sentence,
    plan_sentence,
)
from cspdesk.core.domain.vocab import SaferHomesStatus as S
from cspdesk.core.domain.vocab import VictimCategory as V
from tests.core.safer_homes_examples import SECRETS, burglary_referral, da_referral

YEAR = (date(2022, 4, 1), date(2023, 3, 31))


def secured(base, referred_on, secured_on, **changes):
    return base(
        referred_on=referred_on, status=S.SECURED, installed_on=secured_on, secured_on=secured_on, **changes
    )


def test_counts_for_a_period():
    records = [
        secured(da_referral, date(2022, 5, 3), date(2022, 5, 10), actual_cost_pence=17000),
        secured(
            burglary_referral, date(2022, 3, 28), date(2022, 4, 4), actual_cost_pence=6500
        ),  # referred before
        secured(burglary_referral, date(2023, 3, 20), date(2023, 4, 3)),  # secured after the period
        burglary_referral(referred_on=date(2022, 7, 1), status=S.DECLINED, ward=None),
        burglary_referral(
            referred_on=date(2022, 8, 1), status=S.WITHDRAWN, referrer_agency=None, victim_category=V.ASB
        ),
        secured(
            burglary_referral,
            date(2022, 9, 1),
            date(2022, 9, 5),
            actual_cost_pence=None,
            measures=(MeasureLine("window_lock", "Window lock", 3, 1500),),
            ward="Hilton",
            victim_category=V.OLDER_VULNERABLE,
        ),
    ]
    c = count_referrals(records, *YEAR)
    assert c.referrals == 5
    assert c.declined == 1 and c.withdrawn == 1
    assert c.secured == 3
    assert c.referrals_by_category == {"burglary": 2, "asb": 1, "domestic_abuse": 1, "older_vulnerable": 1}
    assert c.secured_by_category == {"burglary": 1, "domestic_abuse": 1, "older_vulnerable": 1}
    assert c.referrals_by_agency == {
        "Swadlincote SNT": 3,
        "Derbyshire Domestic Abuse Support": 1,
        NOT_RECORDED: 1,
    }
    assert c.referrals_by_ward["Melbourne"] == 2 and c.referrals_by_ward[NOT_RECORDED] == 1
    assert c.secured_by_ward == {"Hilton": 1, "Melbourne": 1, "Woodville": 1}
    assert c.spend_pence == 17000 + 6500 + 3 * 1500
    assert c.spend_estimated == 1
    assert c.median_working_days_to_secure == 5.0  # waits of 5, 5 and 2 working days


def test_counts_never_contain_an_address_or_name():
    c = count_referrals([secured(da_referral, date(2022, 5, 3), date(2022, 5, 10))], *YEAR)
    text = json.dumps(c.to_dict())
    assert [s for s in SECRETS if s in text] == []
    assert "Woodville" in text, "the ward is kept"


def test_empty_period():
    c = count_referrals([], *YEAR)
    assert (c.referrals, c.secured, c.spend_pence, c.median_working_days_to_secure) == (0, 0, 0, None)
    assert plan_sentence(c) == "Secured no properties through the CVS-run Safer Homes Scheme."
    assert plan_categories_sentence(c) == ""
    with pytest.raises(ValueError):
        count_referrals([], date(2023, 1, 2), date(2023, 1, 1))


def test_the_plans_sentence_from_286_secured_properties():
    start = date(2022, 4, 1)
    cats = [V.DOMESTIC_ABUSE, V.BURGLARY, V.ASB]
    records = [
        secured(
            burglary_referral,
            start + timedelta(days=i % 300),
            start + timedelta(days=i % 300 + 5),
            reference=f"SH-{i}",
            victim_category=cats[i % 3],
        )
        for i in range(286)
    ]
    c = count_referrals(records, *YEAR)
    assert c.secured == 286
    assert plan_sentence(c) == "Secured 286 properties through the CVS-run Safer Homes Scheme."
    assert plan_categories_sentence(c) == "This includes victims of domestic abuse, burglary and ASB."


def test_sentence_wording():
    one = count_referrals([secured(burglary_referral, date(2022, 5, 1), date(2022, 5, 2))], *YEAR)
    assert (
        plan_sentence(one, "the Safer Homes Scheme") == "Secured 1 property through the Safer Homes Scheme."
    )
    assert plan_categories_sentence(one) == "This includes victims of burglary."
    older = count_referrals(
        [secured(burglary_referral, date(2022, 5, 1), date(2022, 5, 2), victim_category=V.OLDER_VULNERABLE)],
        *YEAR,
    )
    assert plan_categories_sentence(older) == "This includes older or vulnerable people."
