"""The Case Review rules in force, calendar-month arithmetic, and the officer's threshold decision."""

from __future__ import annotations

from datetime import date

import pytest

from cspdesk.core.domain.case_review import (
    CaseReviewRules,
    ProceedGround,
    ThresholdDecision,
    add_months,
    last_day_of_months_beginning,
    threshold_decision_problems,
    validate_threshold_decision,
)
from cspdesk.core.errors import ValidationError


def test_defaults_are_south_derbyshire_published_procedure():
    r = CaseReviewRules()
    assert r.to_dict() == {
        "incidents_threshold": 3,
        "individuals_threshold": 5,
        "lookback_months": 6,
        "reporting_window_months": 1,
        "acknowledge_working_days": 10,
        "decide_working_days": 15,
        "review_working_days": 20,
    }


def test_round_trip_through_dict():
    r = CaseReviewRules(incidents_threshold=2, individuals_threshold=4, review_working_days=25)
    assert CaseReviewRules.from_dict(r.to_dict()) == r


def test_from_dict_tolerates_older_and_newer_stored_rules():
    assert CaseReviewRules.from_dict({"incidents_threshold": 2}) == CaseReviewRules(incidents_threshold=2)
    assert CaseReviewRules.from_dict({"something_new": 9}) == CaseReviewRules()
    assert CaseReviewRules.from_dict(None) == CaseReviewRules()


def test_threshold_can_never_be_set_above_three_complaints():
    with pytest.raises(ValidationError) as e:
        CaseReviewRules(incidents_threshold=4)
    assert "s.104(4)" in e.value.fields["incidents_threshold"]
    assert CaseReviewRules(incidents_threshold=1).incidents_threshold == 1


def test_from_dict_validates_too():
    with pytest.raises(ValidationError) as e:
        CaseReviewRules.from_dict({"incidents_threshold": 5})
    assert set(e.value.fields) == {"incidents_threshold"}


@pytest.mark.parametrize(
    "name",
    [
        "incidents_threshold",
        "individuals_threshold",
        "lookback_months",
        "reporting_window_months",
        "acknowledge_working_days",
    ],
)
@pytest.mark.parametrize("bad", [0, -1, "3", 2.5, True, None])
def test_values_must_be_positive_whole_numbers(name, bad):
    with pytest.raises(ValidationError) as e:
        CaseReviewRules(**{name: bad})
    assert name in e.value.fields


def test_every_bad_field_is_named_at_once():
    with pytest.raises(ValidationError) as e:
        CaseReviewRules(incidents_threshold=9, individuals_threshold=0, lookback_months=-2)
    assert set(e.value.fields) == {"incidents_threshold", "individuals_threshold", "lookback_months"}


def test_timescales_must_run_in_order():
    with pytest.raises(ValidationError) as e:
        CaseReviewRules(acknowledge_working_days=10, decide_working_days=5)
    assert "decide_working_days" in e.value.fields
    with pytest.raises(ValidationError) as e:
        CaseReviewRules(decide_working_days=15, review_working_days=14)
    assert "review_working_days" in e.value.fields
    # Equal is fine: acknowledgement and decision in one letter.
    CaseReviewRules(acknowledge_working_days=10, decide_working_days=10, review_working_days=10)


def test_label_for_each_rule():
    assert all(CaseReviewRules.label(k) for k in CaseReviewRules().to_dict())


@pytest.mark.parametrize(
    ("d", "months", "expected"),
    [
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 8, 31), -6, date(2023, 2, 28)),
        (date(2023, 12, 15), 1, date(2024, 1, 15)),
        (date(2023, 1, 15), -1, date(2022, 12, 15)),
    ],
)
def test_add_months_clamps_to_month_end(d, months, expected):
    assert add_months(d, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "last"),
    [
        (date(2023, 1, 10), 1, date(2023, 2, 9)),  # "beginning with" includes the first day
        (date(2023, 1, 1), 1, date(2023, 1, 31)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),  # no 31 February: end of February
        (date(2023, 1, 29), 1, date(2023, 2, 28)),
        (date(2024, 1, 30), 1, date(2024, 2, 29)),  # leap year
        (date(2023, 3, 1), 1, date(2023, 3, 31)),
        (date(2023, 12, 20), 1, date(2024, 1, 19)),  # across the year end
        (date(2023, 1, 16), 6, date(2023, 7, 15)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
    ],
)
def test_period_of_months_beginning_with(start, months, last):
    assert last_day_of_months_beginning(start, months) == last


# ----------------------------------------------------------------------------------------------
# The threshold decision
# ----------------------------------------------------------------------------------------------

RECEIVED = date(2023, 6, 1)


def test_met_with_reasons_is_valid():
    validate_threshold_decision(
        ThresholdDecision(True, date(2023, 6, 10), "Four qualifying complaints."), RECEIVED
    )


@pytest.mark.parametrize("met", [True, False])
def test_reasons_are_required_either_way(met):
    with pytest.raises(ValidationError) as e:
        validate_threshold_decision(ThresholdDecision(met, date(2023, 6, 10), "   "), RECEIVED)
    assert set(e.value.fields) == {"threshold_reasons"}


def test_undecided_and_undated_decision_is_refused():
    p = threshold_decision_problems(ThresholdDecision(None, None, "x"), RECEIVED)
    assert set(p) == {"threshold_met", "threshold_decided_on"}


def test_decision_before_receipt_or_acknowledgement_is_refused():
    p = threshold_decision_problems(ThresholdDecision(True, date(2023, 5, 31), "x"), RECEIVED)
    assert "before the application was received" in p["threshold_decided_on"]
    p = threshold_decision_problems(
        ThresholdDecision(True, date(2023, 6, 3), "x"), RECEIVED, acknowledged_on=date(2023, 6, 5)
    )
    assert "before the acknowledgement" in p["threshold_decided_on"]
    p = threshold_decision_problems(
        ThresholdDecision(True, date(2023, 6, 9), "x"), RECEIVED, today=date(2023, 6, 8)
    )
    assert "future" in p["threshold_decided_on"]


def test_not_met_but_proceeding_needs_grounds_and_reasons():
    d = ThresholdDecision(False, date(2023, 6, 10), "Two complaints only.", proceed_to_review=True)
    assert set(threshold_decision_problems(d, RECEIVED)) == {"proceed_grounds", "proceed_reasons"}
    d = ThresholdDecision(
        False,
        date(2023, 6, 10),
        "Two complaints only.",
        proceed_to_review=True,
        proceed_grounds=frozenset({ProceedGround.POTENTIAL_HARM}),
        proceed_reasons="Victim is vulnerable and the behaviour is escalating.",
    )
    validate_threshold_decision(d, RECEIVED)
    assert d.review_goes_ahead


def test_not_met_without_proceeding_does_not_go_ahead():
    d = ThresholdDecision(False, date(2023, 6, 10), "One complaint; police responded the same day.")
    validate_threshold_decision(d, RECEIVED)
    assert not d.review_goes_ahead


def test_grounds_only_make_sense_when_not_met_and_proceeding():
    met_with_grounds = ThresholdDecision(
        True,
        date(2023, 6, 10),
        "x",
        proceed_to_review=True,
        proceed_grounds=frozenset({ProceedGround.HARM}),
        proceed_reasons="y",
    )
    assert "proceed_despite_not_met" in threshold_decision_problems(met_with_grounds, RECEIVED)
    not_ticked = ThresholdDecision(
        False, date(2023, 6, 10), "x", proceed_grounds=frozenset({ProceedGround.HARM})
    )
    assert "proceed_despite_not_met" in threshold_decision_problems(not_ticked, RECEIVED)


def test_proceed_ground_labels():
    assert ProceedGround.ADEQUACY_OF_RESPONSE.label == "Adequacy of the response"
    assert {g.value for g in ProceedGround} == {
        "persistence",
        "harm",
        "potential_harm",
        "adequacy_of_response",
    }
