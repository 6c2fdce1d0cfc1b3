"""Qualifying complaints: the one-month reporting window, the six-month look-back, duplicates across
agencies and the five-individuals limb (s.104(11) of the 2014 Act; South Derbyshire's threshold)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from itertools import count

import pytest

from cspdesk.core.domain.case_review import CaseReviewRules
from cspdesk.core.domain.case_review_threshold import (
    ExclusionReason,
    IncidentReport,
    ThresholdLimb,
    assess_threshold,
    lookback_start,
    reporting_deadline,
)

_ids = count(1)


def rep(
    occurred: date | datetime,
    reported: date,
    reporter: str | None = "p1",
    agency: str = "SDDC",
    duplicate_of: str | None = None,
    id: str | None = None,
) -> IncidentReport:
    at = (
        occurred
        if isinstance(occurred, datetime)
        else datetime.combine(occurred, datetime.min.time()).replace(hour=21)
    )
    return IncidentReport(
        id=id or f"i{next(_ids)}",
        case_reference="ASB/2023/0001",
        occurred_at=at,
        reported_on=reported,
        reporter_key=reporter,
        reporter_name=reporter and reporter.upper(),
        reporting_agency=agency,
        duplicate_of=duplicate_of,
    )


def reasons(a) -> list[ExclusionReason]:
    return [e.reason for e in a.excluded]


# ----------------------------------------------------------------------------------------------
# One-month reporting window: "within the period of one month beginning with the date on which the
# behaviour is alleged to have occurred" - the behaviour day is day one, so the corresponding date a
# month later is one day too late.
# ----------------------------------------------------------------------------------------------

APP = date(2023, 4, 20)


@pytest.mark.parametrize(
    ("occurred", "reported", "qualifies"),
    [
        (date(2023, 1, 10), date(2023, 1, 10), True),  # same day
        (date(2023, 1, 10), date(2023, 2, 9), True),  # last day of the month beginning 10 January
        (date(2023, 1, 10), date(2023, 2, 10), False),  # the corresponding date is outside
        (date(2023, 1, 31), date(2023, 2, 28), True),  # month end: no 31 February, so to 28 February
        (date(2023, 1, 31), date(2023, 3, 1), False),
        (date(2023, 1, 1), date(2023, 1, 31), True),
        (date(2023, 1, 1), date(2023, 2, 1), False),
        (date(2023, 3, 31), date(2023, 4, 30), True),  # no 31 April: to the end of April
        (date(2023, 3, 31), date(2023, 5, 1), False),
    ],
)
def test_one_month_reporting_window(occurred, reported, qualifies):
    a = assess_threshold([rep(occurred, reported)], APP if reported <= APP else date(2023, 5, 10))
    assert (a.count == 1) is qualifies
    if not qualifies:
        assert reasons(a) == [ExclusionReason.REPORTED_TOO_LATE]


def test_one_month_window_in_a_leap_year():
    a = assess_threshold(
        [
            rep(date(2024, 1, 31), date(2024, 2, 29)),
            rep(date(2024, 1, 30), date(2024, 2, 29)),
            rep(date(2024, 1, 29), date(2024, 2, 29)),
        ],
        date(2024, 3, 5),
    )
    assert a.count == 2
    assert a.excluded[0].report.occurred_at.date() == date(2024, 1, 29)
    assert reporting_deadline(date(2024, 1, 29), CaseReviewRules()) == date(2024, 2, 28)


def test_late_report_says_when_the_last_day_was():
    a = assess_threshold([rep(date(2023, 1, 10), date(2023, 2, 10))], APP)
    assert a.excluded[0].detail == (
        "Behaviour on 10 January 2023 was reported 10 February 2023; the last day was 9 February 2023."
    )


def test_report_dated_before_the_behaviour_is_flagged_not_counted():
    a = assess_threshold([rep(date(2023, 3, 10), date(2023, 3, 9))], APP)
    assert a.count == 0 and reasons(a) == [ExclusionReason.REPORTED_BEFORE_BEHAVIOUR]


def test_behaviour_late_at_night_is_dated_by_its_day():
    a = assess_threshold([rep(datetime(2023, 1, 10, 23, 59), date(2023, 2, 9))], APP)
    assert a.count == 1


# ----------------------------------------------------------------------------------------------
# Six-month look-back: the application within six months beginning with the date of the complaint.
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app", "first_day"),
    [
        (date(2023, 7, 15), date(2023, 1, 16)),
        (date(2023, 8, 31), date(2023, 3, 1)),  # 28 February + 6 months ends 27 August
        (date(2024, 3, 1), date(2023, 9, 2)),
        (date(2024, 2, 29), date(2023, 8, 30)),  # 30 and 31 August have no 30/31 February: end of February
        (date(2023, 12, 20), date(2023, 6, 21)),
    ],
)
def test_lookback_start(app, first_day):
    rules = CaseReviewRules()
    assert lookback_start(app, rules) == first_day
    inside = assess_threshold([rep(first_day, first_day)], app)
    outside = assess_threshold([rep(first_day - timedelta(days=1), first_day - timedelta(days=1))], app)
    assert inside.count == 1
    assert outside.count == 0 and reasons(outside) == [ExclusionReason.OUTSIDE_LOOKBACK]


def test_reported_on_the_day_of_the_application_counts_but_not_after():
    app = date(2023, 7, 15)
    a = assess_threshold(
        [rep(date(2023, 7, 14), app), rep(date(2023, 7, 14), date(2023, 7, 16), reporter="p2")], app
    )
    assert a.count == 1
    assert reasons(a) == [ExclusionReason.REPORTED_AFTER_APPLICATION]


def test_the_look_back_uses_the_report_date_not_the_behaviour_date():
    # Behaviour 10 January, reported 9 February (in time); application 8 August: within six months
    # beginning with 9 February although more than six months after the behaviour.
    a = assess_threshold([rep(date(2023, 1, 10), date(2023, 2, 9))], date(2023, 8, 8))
    assert a.count == 1


# ----------------------------------------------------------------------------------------------
# One incident reported to several agencies counts once.
# ----------------------------------------------------------------------------------------------


def test_explicit_duplicate_across_agencies_counts_once():
    first = rep(date(2023, 3, 1), date(2023, 3, 1), agency="Derbyshire Constabulary", id="police")
    dup = rep(date(2023, 3, 1), date(2023, 3, 2), reporter="p2", agency="SDDC", duplicate_of="police")
    a = assess_threshold([first, dup], APP)
    assert a.qualifying == (first,)
    assert reasons(a) == [ExclusionReason.DUPLICATE]
    assert "Derbyshire Constabulary" in a.excluded[0].detail
    assert a.distinct_individuals == 2  # two people reported it


def test_duplicate_chains_are_followed():
    a1 = rep(date(2023, 3, 1), date(2023, 3, 1), id="a1")
    a2 = rep(date(2023, 3, 1), date(2023, 3, 2), reporter="p2", duplicate_of="a1")
    a3 = rep(date(2023, 3, 1), date(2023, 3, 3), reporter="p3", duplicate_of=a2.id)
    assert assess_threshold([a3, a2, a1], APP).count == 1


def test_duplicate_cycle_does_not_hang():
    x = rep(date(2023, 3, 1), date(2023, 3, 1), id="x", duplicate_of="y")
    y = rep(date(2023, 3, 1), date(2023, 3, 2), id="y", duplicate_of="x", reporter="p2")
    assert assess_threshold([x, y], APP).count == 1


def test_duplicate_of_a_report_not_in_the_input_still_counts_itself():
    orphan = rep(date(2023, 3, 1), date(2023, 3, 2), duplicate_of="elsewhere")
    assert assess_threshold([orphan], APP).count == 1


def test_same_time_and_reporter_at_two_agencies_is_one_incident_without_a_link():
    at = datetime(2023, 3, 4, 22, 15)
    police = rep(at, date(2023, 3, 5), agency="Derbyshire Constabulary")
    council = rep(at.replace(second=30), date(2023, 3, 6), agency="SDDC")
    a = assess_threshold([council, police], APP)
    assert a.qualifying == (police,)  # the earliest report is the evidence
    assert reasons(a) == [ExclusionReason.DUPLICATE]


def test_same_time_but_different_reporters_are_not_merged():
    at = datetime(2023, 3, 4, 22, 15)
    assert (
        assess_threshold(
            [rep(at, date(2023, 3, 5), reporter="p1"), rep(at, date(2023, 3, 5), reporter="p2")], APP
        ).count
        == 2
    )


def test_anonymous_reports_are_never_merged_by_time():
    at = datetime(2023, 3, 4, 22, 15)
    assert (
        assess_threshold(
            [rep(at, date(2023, 3, 5), reporter=None), rep(at, date(2023, 3, 5), reporter=None)], APP
        ).count
        == 2
    )


def test_incident_counts_if_any_of_its_reports_was_in_time():
    late_to_police = rep(date(2023, 3, 1), date(2023, 4, 5), agency="Police", id="late")
    timely_to_council = rep(
        date(2023, 3, 1), date(2023, 3, 2), agency="SDDC", duplicate_of="late", reporter="p2"
    )
    a = assess_threshold([late_to_police, timely_to_council], APP)
    assert a.qualifying == (timely_to_council,)
    assert reasons(a) == [ExclusionReason.REPORTED_TOO_LATE]


# ----------------------------------------------------------------------------------------------
# The limbs: three incidents, or five separate individuals.
# ----------------------------------------------------------------------------------------------


def test_three_incidents_meet_the_incidents_limb():
    a = assess_threshold([rep(date(2023, 3, d), date(2023, 3, d)) for d in (1, 8, 15)], APP)
    assert (a.count, a.distinct_individuals, a.limb) == (3, 1, ThresholdLimb.INCIDENTS)
    assert a.threshold_met
    assert a.explanation.startswith("The records show 3 qualifying complaints and 1 separate individual")
    assert "met on the number of complaints" in a.explanation


def test_two_incidents_do_not():
    a = assess_threshold([rep(date(2023, 3, d), date(2023, 3, d)) for d in (1, 8)], APP)
    assert a.limb is ThresholdLimb.NEITHER and not a.threshold_met
    assert "is not met" in a.explanation and "persistence, harm" in a.explanation


def test_five_individuals_reporting_two_incidents_meet_the_individuals_limb():
    first = rep(date(2023, 3, 1), date(2023, 3, 1), reporter="p1", id="one")
    reports = [first] + [
        rep(date(2023, 3, 1), date(2023, 3, 2), reporter=f"p{n}", duplicate_of="one") for n in (2, 3)
    ]
    reports += [rep(date(2023, 3, 9), date(2023, 3, 9), reporter=f"p{n}") for n in (4, 5)]
    reports[-1] = rep(date(2023, 3, 9), date(2023, 3, 9), reporter="p5", duplicate_of=reports[-2].id)
    a = assess_threshold(reports, APP)
    assert (a.count, a.distinct_individuals) == (2, 5)
    assert a.limb is ThresholdLimb.INDIVIDUALS
    assert "met on the number of individuals" in a.explanation


def test_four_individuals_are_not_enough_and_late_reporters_do_not_count():
    reports = [rep(date(2023, 3, 1), date(2023, 3, 1), reporter=f"p{n}") for n in (1, 2, 3, 4)]
    reports.append(rep(date(2023, 1, 1), date(2023, 3, 1), reporter="p5"))  # too late: not an individual
    reports.append(rep(date(2023, 3, 2), date(2023, 3, 2), reporter=None))  # anonymous
    a = assess_threshold(reports, APP)
    assert a.distinct_individuals == 4
    assert a.individuals == ("p1", "p2", "p3", "p4")


def test_both_limbs():
    a = assess_threshold(
        [rep(date(2023, 3, d), date(2023, 3, d), reporter=f"p{d}") for d in range(1, 6)], APP
    )
    assert a.limb is ThresholdLimb.BOTH
    assert "both counts" in a.explanation


def test_a_lower_local_threshold_is_respected():
    rules = CaseReviewRules(incidents_threshold=2, individuals_threshold=2)
    a = assess_threshold([rep(date(2023, 3, 1), date(2023, 3, 1))], APP, rules)
    assert a.limb is ThresholdLimb.NEITHER
    a = assess_threshold(
        [rep(date(2023, 3, 1), date(2023, 3, 1)), rep(date(2023, 3, 2), date(2023, 3, 2))], APP, rules
    )
    assert a.limb is ThresholdLimb.INCIDENTS


def test_no_reports():
    a = assess_threshold([], APP)
    assert (a.count, a.distinct_individuals, a.limb) == (0, 0, ThresholdLimb.NEITHER)
    assert a.explanation.startswith("The records show 0 qualifying complaints and 0 separate individuals")


def test_every_report_is_either_counted_or_excluded_with_a_reason():
    reports = [
        rep(date(2023, 3, 1), date(2023, 3, 1), id="a"),
        rep(date(2023, 3, 1), date(2023, 3, 2), duplicate_of="a", reporter="p2"),
        rep(date(2022, 9, 1), date(2022, 9, 2)),
        rep(date(2023, 2, 1), date(2023, 3, 20)),
        rep(date(2023, 4, 19), date(2023, 4, 21)),
    ]
    a = assess_threshold(reports, APP)
    assert a.count + len(a.excluded) == len(reports)
    assert reasons(a) == [
        ExclusionReason.DUPLICATE,
        ExclusionReason.OUTSIDE_LOOKBACK,
        ExclusionReason.REPORTED_TOO_LATE,
        ExclusionReason.REPORTED_AFTER_APPLICATION,
    ]
    assert all(e.reason.label and e.detail for e in a.excluded)


def test_evidence_is_json_ready_and_keeps_the_rules():
    a = assess_threshold(
        [rep(date(2023, 3, 1), date(2023, 3, 1)), rep(date(2023, 1, 1), date(2023, 3, 1))], APP
    )
    ev = json.loads(json.dumps(a.evidence()))
    assert ev["count"] == 1 and ev["limb"] == "neither"
    assert ev["rules"] == CaseReviewRules().to_dict()
    assert ev["excluded"][0]["reason"] == "reported_too_late"
    assert ev["lookback_from"] == "2022-10-21"
