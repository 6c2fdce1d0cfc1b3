"""Every enforcement date rule, table-driven, with month ends, leap years and year ends."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cspdesk.core.domain.deadlines import (
    DueItem,
    EnforcementRules,
    NoticeDates,
    abc_review_dates,
    add_months,
    closure_hearing_by,
    compute_dates,
    cpn_appeal_by,
    fpn_earliest_prosecution,
    fpn_pay_by,
    next_due,
)
from cspdesk.core.errors import ValidationError
from cspdesk.core.storage.models.enforcement import EnforcementNotice

D = date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2023, 8, 31), 6, D(2024, 2, 29)),  # into a leap February
        (D(2022, 8, 31), 6, D(2023, 2, 28)),  # into a common February
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # from a leap day
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # leap day to leap day
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 5, 31), 1, D(2024, 6, 30)),  # 31st into a 30-day month
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2023, 7, 31), 6, D(2024, 1, 31)),  # across a year end
        (D(2023, 12, 15), 1, D(2024, 1, 15)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),  # backwards
        (D(2024, 1, 1), -1, D(2023, 12, 1)),
        (D(2024, 1, 15), 0, D(2024, 1, 15)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("issued", "rules", "explicit", "comply_by", "lapses_on"),
    [
        (D(2024, 2, 20), EnforcementRules(), None, D(2024, 3, 5), D(2024, 8, 20)),  # leap February
        (D(2023, 2, 20), EnforcementRules(), None, D(2023, 3, 6), D(2023, 8, 20)),
        (D(2024, 12, 31), EnforcementRules(), None, D(2025, 1, 14), D(2025, 6, 30)),  # year end; June has 30
        (D(2023, 8, 31), EnforcementRules(), None, D(2023, 9, 14), D(2024, 2, 29)),  # lapse on a leap day
        (D(2024, 8, 31), EnforcementRules(), None, D(2024, 9, 14), D(2025, 2, 28)),
        (D(2024, 1, 10), EnforcementRules(cpw_comply_days=28), None, D(2024, 2, 7), D(2024, 7, 10)),
        (D(2024, 11, 30), EnforcementRules(cpw_lapse_months=3), None, D(2024, 12, 14), D(2025, 2, 28)),
        (D(2024, 3, 1), EnforcementRules(), D(2024, 4, 1), D(2024, 4, 1), D(2024, 9, 1)),  # per-case period
    ],
)
def test_cpw_comply_by_and_lapse(issued, rules, explicit, comply_by, lapses_on):
    dates = compute_dates("cpw", issued, rules, comply_by=explicit)
    assert (dates.comply_by, dates.lapses_on) == (comply_by, lapses_on)
    assert dates.appeal_by is None  # s.43: a warning cannot be appealed


@pytest.mark.parametrize("explicit", [D(2024, 3, 1), D(2024, 2, 28)])
def test_cpw_comply_by_must_be_after_the_warning(explicit):
    with pytest.raises(ValidationError) as err:
        compute_dates("cpw", D(2024, 3, 1), comply_by=explicit)
    assert "comply_by" in err.value.fields


@pytest.mark.parametrize(
    ("issued", "appeal_by"),
    [
        (D(2024, 1, 1), D(2024, 1, 21)),  # 21 days beginning with the day of issue: 1st..21st
        (D(2024, 2, 10), D(2024, 3, 1)),  # leap February
        (D(2023, 2, 10), D(2023, 3, 2)),
        (D(2024, 2, 29), D(2024, 3, 20)),
        (D(2024, 12, 20), D(2025, 1, 9)),  # year end
    ],
)
def test_cpn_appeal_by_is_issue_plus_20(issued, appeal_by):
    assert cpn_appeal_by(issued) == appeal_by
    assert compute_dates("cpn", issued).appeal_by == appeal_by


@pytest.mark.parametrize(
    ("issued", "rules", "review_on", "expires_on"),
    [
        (D(2024, 2, 29), EnforcementRules(), D(2025, 2, 28), None),  # no statutory expiry by default
        (D(2023, 3, 31), EnforcementRules(), D(2024, 3, 31), None),
        (D(2024, 2, 29), EnforcementRules(cpn_expiry_months=12), D(2025, 2, 28), D(2025, 2, 28)),
        (
            D(2024, 8, 31),
            EnforcementRules(cpn_review_months=6, cpn_expiry_months=24),
            D(2025, 2, 28),
            D(2026, 8, 31),
        ),
    ],
)
def test_cpn_review_and_expiry(issued, rules, review_on, expires_on):
    dates = compute_dates("cpn", issued, rules)
    assert (dates.review_on, dates.expires_on) == (review_on, expires_on)


@pytest.mark.parametrize(
    ("notice_date", "pay_by", "earliest", "discount_by"),
    [
        (D(2024, 2, 20), D(2024, 3, 5), D(2024, 3, 6), D(2024, 3, 1)),
        (D(2023, 2, 20), D(2023, 3, 6), D(2023, 3, 7), D(2023, 3, 2)),
        (D(2024, 2, 15), D(2024, 2, 29), D(2024, 3, 1), D(2024, 2, 25)),  # pay by the leap day
        (D(2024, 12, 25), D(2025, 1, 8), D(2025, 1, 9), D(2025, 1, 4)),  # year end
        (D(2024, 1, 31), D(2024, 2, 14), D(2024, 2, 15), D(2024, 2, 10)),
    ],
)
def test_fpn_dates(notice_date, pay_by, earliest, discount_by):
    dates = compute_dates("fpn", notice_date)
    assert (dates.pay_by, dates.earliest_prosecution_on, dates.discount_by) == (pay_by, earliest, discount_by)
    assert fpn_pay_by(notice_date) == pay_by
    assert fpn_earliest_prosecution(notice_date) == earliest


def test_fpn_without_a_discount_has_no_discount_date():
    rules = EnforcementRules(fpn_discount_amount_pence=None)
    assert compute_dates("fpn", D(2024, 2, 20), rules).discount_by is None


def test_fpn_discount_days_setting():
    assert compute_dates("fpn", D(2024, 2, 20), EnforcementRules(fpn_discount_days=7)).discount_by == D(
        2024, 2, 27
    )


@pytest.mark.parametrize(
    ("notice_date", "pay_by", "earliest"),
    [(D(2024, 2, 15), D(2024, 2, 29), D(2024, 3, 1)), (D(2023, 12, 20), D(2024, 1, 3), D(2024, 1, 4))],
)
def test_pspo_fpn_has_the_same_14_days(notice_date, pay_by, earliest):
    dates = compute_dates("pspo_fpn", notice_date)
    assert (dates.pay_by, dates.earliest_prosecution_on, dates.discount_by) == (pay_by, earliest, None)


@pytest.mark.parametrize(
    ("issued", "rules", "ends_on", "reviews", "end"),
    [
        (
            D(2024, 1, 31),
            EnforcementRules(),
            None,
            (D(2024, 2, 28), D(2024, 3, 27), D(2024, 4, 24), D(2024, 5, 22), D(2024, 6, 19), D(2024, 7, 17)),
            D(2024, 7, 31),
        ),
        (
            D(2024, 1, 1),
            EnforcementRules(abc_review_weeks=12),
            None,
            (D(2024, 3, 25), D(2024, 6, 17)),
            D(2024, 7, 1),
        ),
        (D(2024, 2, 1), EnforcementRules(), D(2024, 3, 1), (D(2024, 2, 29),), D(2024, 3, 1)),
        (
            D(2024, 1, 1),
            EnforcementRules(),
            D(2024, 1, 29),
            (),
            D(2024, 1, 29),
        ),  # a review on the end day is the end
        (
            D(2023, 8, 31),
            EnforcementRules(abc_review_weeks=12),
            None,
            (D(2023, 11, 23), D(2024, 2, 15)),
            D(2024, 2, 29),
        ),
    ],
)
def test_abc_reviews_and_end(issued, rules, ends_on, reviews, end):
    dates = compute_dates("abc", issued, rules, ends_on=ends_on)
    assert dates.review_dates == reviews
    assert dates.expires_on == end
    assert dates.review_on == (reviews[0] if reviews else end)
    assert abc_review_dates(issued, end, rules.abc_review_weeks) == reviews


@pytest.mark.parametrize(
    ("served_at", "hearing_by"),
    [
        (datetime(2024, 3, 1, 14, 30), datetime(2024, 3, 3, 14, 30)),
        (datetime(2024, 2, 28, 9, 0), datetime(2024, 3, 1, 9, 0)),  # through the leap day
        (datetime(2023, 2, 28, 9, 0), datetime(2023, 3, 2, 9, 0)),
        (datetime(2024, 12, 30, 20, 0), datetime(2025, 1, 1, 20, 0)),  # year end
        # s.80(4): Christmas Day is disregarded.
        (datetime(2024, 12, 24, 10, 0), datetime(2024, 12, 27, 10, 0)),
        (datetime(2024, 12, 23, 12, 0), datetime(2024, 12, 26, 12, 0)),
        (datetime(2024, 12, 23, 0, 0), datetime(2024, 12, 25, 0, 0)),  # 48 hours end as Christmas Day begins
        (datetime(2024, 12, 25, 15, 0), datetime(2024, 12, 28, 0, 0)),  # served on Christmas Day
        (datetime(2024, 12, 26, 0, 0), datetime(2024, 12, 28, 0, 0)),
    ],
)
def test_closure_hearing_within_48_hours_of_service(served_at, hearing_by):
    assert closure_hearing_by(served_at) == hearing_by
    assert compute_dates("closure_notice", served_at.date(), served_at=served_at).hearing_by == hearing_by


def test_closure_notice_without_service_time_has_no_hearing_date_yet():
    assert compute_dates("closure_notice", D(2024, 3, 1)).hearing_by is None


@pytest.mark.parametrize(
    ("issued", "ends_on", "expires"),
    [(D(2023, 11, 30), None, D(2024, 2, 29)), (D(2024, 3, 1), D(2024, 4, 15), D(2024, 4, 15))],
)
def test_closure_order_lasts_3_months_unless_the_court_says_less(issued, ends_on, expires):
    assert compute_dates("closure_order", issued, ends_on=ends_on).expires_on == expires


@pytest.mark.parametrize("kind", ["warning_letter", "prosecution", "dispersal_direction", "civil_injunction"])
def test_kinds_without_computed_dates(kind):
    dates = compute_dates(kind, D(2024, 3, 1))
    assert dates == NoticeDates(D(2024, 3, 1))


def test_injunction_end_set_by_the_court_is_kept():
    assert compute_dates("civil_injunction", D(2024, 3, 1), ends_on=D(2025, 3, 1)).expires_on == D(2025, 3, 1)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"ends_on": D(2024, 3, 1)}, "ends_on"),
        ({"served_at": datetime(2024, 2, 29, 23, 0)}, "served_at"),
    ],
)
def test_compute_dates_refuses_impossible_inputs(kwargs, field):
    with pytest.raises(ValidationError) as err:
        compute_dates("closure_order", D(2024, 3, 1), **kwargs)
    assert field in err.value.fields


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        compute_dates("asbo", D(2024, 3, 1))


def test_columns_match_the_notice_model():
    cols = compute_dates("fpn", D(2024, 3, 1)).columns()
    assert "review_dates" not in cols
    for name in cols:
        assert hasattr(EnforcementNotice, name), name


# --- rules -----------------------------------------------------------------------------------------------


def test_rule_defaults_match_domain_md():
    r = EnforcementRules()
    assert (r.cpw_comply_days, r.cpw_lapse_months, r.cpn_review_months, r.cpn_expiry_months) == (
        14,
        6,
        12,
        None,
    )
    assert (r.fpn_max_amount_pence, r.fpn_default_amount_pence) == (10_000, 10_000)
    assert (r.fpn_discount_amount_pence, r.fpn_discount_days) == (7_500, 10)
    assert (r.abc_length_months, r.abc_review_weeks, r.closure_order_months) == (6, 4, 3)


def test_rules_round_trip_and_tolerate_other_versions():
    rules = EnforcementRules(cpw_comply_days=28, fpn_max_amount_pence=50_000, fpn_default_amount_pence=50_000)
    assert EnforcementRules.from_dict(rules.to_dict()) == rules
    assert EnforcementRules.from_dict(None) == EnforcementRules()
    assert EnforcementRules.from_dict({"cpw_comply_days": 21, "added_later": 1}).cpw_comply_days == 21


def test_stored_rules_keep_old_dates_after_a_settings_change():
    stored = EnforcementRules(cpw_comply_days=28).to_dict()  # the setting when the warning was issued
    assert compute_dates("cpw", D(2024, 1, 1), EnforcementRules.from_dict(stored)).comply_by == D(2024, 1, 29)
    assert compute_dates("cpw", D(2024, 1, 1), EnforcementRules()).comply_by == D(2024, 1, 15)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"cpw_comply_days": 0}, "cpw_comply_days"),
        ({"cpn_expiry_months": 0}, "cpn_expiry_months"),
        ({"fpn_default_amount_pence": 10_001}, "fpn_default_amount_pence"),
        ({"fpn_discount_amount_pence": 10_000}, "fpn_discount_amount_pence"),
        ({"fpn_discount_days": 14}, "fpn_discount_days"),  # s.52(8): less than 14 days
        ({"abc_review_weeks": 3}, "abc_review_weeks"),
        ({"abc_review_weeks": 13}, "abc_review_weeks"),
        ({"closure_order_months": 4}, "closure_order_months"),
        ({"fpn_max_amount_pence": 0}, "fpn_max_amount_pence"),
    ],
)
def test_rules_refuse_bad_settings(kwargs, field):
    with pytest.raises(ValidationError) as err:
        EnforcementRules(**kwargs)
    assert field in err.value.fields


def test_raised_cap_is_a_setting():
    rules = EnforcementRules(fpn_max_amount_pence=50_000, fpn_default_amount_pence=50_000)
    assert rules.fpn_max_amount_pence == 50_000


# --- next due --------------------------------------------------------------------------------------------

CPW = compute_dates("cpw", D(2024, 3, 1))  # comply by 15 Mar, lapses 1 Sep
CPN = compute_dates(
    "cpn", D(2024, 3, 1), EnforcementRules(cpn_expiry_months=18)
)  # appeal 21 Mar, review 2025-03-01
CPN_NO_EXPIRY = compute_dates("cpn", D(2024, 3, 1))
FPN = compute_dates("fpn", D(2024, 3, 1))  # discount 11 Mar, pay 15 Mar, prosecute 16 Mar
FPN_NO_DISCOUNT = compute_dates("fpn", D(2024, 3, 1), EnforcementRules(fpn_discount_amount_pence=None))
ABC = compute_dates("abc", D(2024, 1, 31))
CLOSURE = compute_dates("closure_notice", D(2024, 12, 24), served_at=datetime(2024, 12, 24, 10))
TODAY = D(2024, 3, 5)


@pytest.mark.parametrize(
    ("kind", "stage", "dates", "today", "last_reviewed", "expected"),
    [
        ("cpw", "issued", CPW, TODAY, None, (D(2024, 3, 15),
         "CPW comply-by date: record compliance or breach")),
        ("cpw", "issued", CPW, D(2024, 4, 1), None, (D(2024, 3, 15),
         "CPW comply-by date: record compliance or breach")),
        ("cpw", "breached", CPW, TODAY, None, (D(2024, 9, 1), "CPW lapses: issue the CPN before this date")),
        ("cpw", "complied", CPW, TODAY, None, None),
        ("cpw", "escalated", CPW, TODAY, None, None),
        ("cpn", "issued", CPN, TODAY, None, (D(2024, 3, 21), "CPN appeal window closes")),
        ("cpn", "appeal_lodged", CPN, TODAY, None, None),
        ("cpn", "active", CPN, TODAY, None, (D(2025, 3, 1), "CPN review")),
        ("cpn", "active", CPN, TODAY, D(2025, 3, 1), (D(2025, 9, 1), "CPN expires")),
        ("cpn", "active", CPN_NO_EXPIRY, TODAY, D(2025, 3, 2), None),
        ("cpn", "withdrawn", CPN, TODAY, None, None),
        ("fpn", "issued", FPN, TODAY, None, (D(2024, 3, 11), "Early-payment period ends")),
        ("fpn", "issued", FPN, D(2024, 3, 11), None, (D(2024, 3, 11), "Early-payment period ends")),
        ("fpn", "issued", FPN, D(2024, 3, 12), None, (D(2024, 3, 15), "Fixed penalty payment due")),
        ("fpn", "issued", FPN_NO_DISCOUNT, TODAY, None, (D(2024, 3, 15), "Fixed penalty payment due")),
        ("fpn", "unpaid", FPN, TODAY, None, (D(2024, 3, 16),
         "Earliest prosecution date: decide on proceedings")),
        ("fpn", "paid", FPN, TODAY, None, None),
        ("pspo_fpn", "recorded", compute_dates("pspo_fpn", D(2024, 3, 1)), TODAY, None,
         (D(2024, 3, 15), "Fixed penalty payment due")),
        ("abc", "issued", ABC, TODAY, None, (D(2024, 2, 28), "ABC review")),  # overdue: no review recorded
        ("abc", "issued", ABC, TODAY, D(2024, 3, 27), (D(2024, 4, 24), "ABC review")),
        ("abc", "issued", ABC, TODAY, D(2024, 7, 17), (D(2024, 7, 31), "ABC ends: final review")),
        ("abc", "complied", ABC, TODAY, None, None),
        ("closure_notice", "recorded", CLOSURE, TODAY, None,
         (D(2024, 12, 27), "Closure order hearing deadline (48 hours from service)")),
        ("closure_order", "recorded", compute_dates("closure_order", D(2024, 3, 1)), TODAY, None,
         (D(2024, 6, 1), "Closure order ends")),
        ("warning_letter", "issued", compute_dates("warning_letter", D(2024, 3, 1)), TODAY, None, None),
        ("prosecution", "prosecution", compute_dates("prosecution", D(2024, 3, 1)), TODAY, None, None),
    ],
)  # fmt: skip
def test_next_due(kind, stage, dates, today, last_reviewed, expected):
    got = next_due(kind, stage, dates, today, last_reviewed_on=last_reviewed)
    assert got == (DueItem(*expected) if expected else None)
    if got:
        on, what = got  # unpacks as (date, what) for the register
        assert on == expected[0]
