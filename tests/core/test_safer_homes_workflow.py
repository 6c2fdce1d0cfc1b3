"""The Safer Homes status machine (every pair of statuses) and its clocks."""

from __future__ import annotations

from datetime import date

import pytest

from cspdesk.core.domain.safer_homes import MeasureLine, SaferHomesRules, Tenure
from cspdesk.core.domain.safer_homes_workflow import (
    PATHWAY,
    SaferHomesTransitionRefused,
    TransitionFacts,
    allowed_next,
    apply_transition,
    check_transition,
    days_to_secure,
    follow_up_due,
    is_follow_up_overdue,
    is_waiting_too_long,
    may_transition,
    waiting_target_date,
    working_days_to_secure,
)
from cspdesk.core.domain.vocab import SaferHomesStatus as S
from cspdesk.core.errors import TransitionRefused
from tests.core.safer_homes_examples import burglary_referral, da_referral

COMPLETE = TransitionFacts(
    referred_on=date(2023, 6, 1),
    eligible=True,
    survey_on=date(2023, 6, 5),
    surveyor="Sam Survey",
    measures=(MeasureLine("door_lock", "Door lock", 1, 6500),),
    contractor="Midway Locks Ltd",
    tenure=Tenure.OWNER,
    works_ordered_on=date(2023, 6, 7),
    installed_on=date(2023, 6, 12),
    followed_up_on=date(2023, 7, 10),
    reason="Client moved to a refuge",
    today=date(2023, 7, 31),
)

OPEN = [S.REFERRED, S.ELIGIBILITY_CHECKED, S.SURVEYED, S.WORKS_ORDERED, S.SECURED, S.FOLLOWED_UP]
EXPECTED_ALLOWED = {(a, b) for a, b in zip(PATHWAY, PATHWAY[1:], strict=False)} | {
    (a, end) for a in OPEN for end in (S.DECLINED, S.WITHDRAWN)
}


@pytest.mark.parametrize("to", list(S))
@pytest.mark.parametrize("from_", list(S))
def test_every_pair(from_, to):
    """With every fact in place, exactly the expected pairs are allowed; all others are refused."""
    if (from_, to) in EXPECTED_ALLOWED:
        check_transition(from_, to, COMPLETE)
        assert to in allowed_next(from_)
    else:
        with pytest.raises(TransitionRefused) as err:
            check_transition(from_, to, COMPLETE)
        assert str(err.value)
        assert not may_transition(from_, to, COMPLETE)


def test_expected_table_is_what_the_issue_says():
    assert len(EXPECTED_ALLOWED) == 6 + 12
    assert allowed_next(S.CLOSED) == allowed_next(S.DECLINED) == allowed_next(S.WITHDRAWN) == ()


def test_skipped_step_says_what_comes_first():
    with pytest.raises(SaferHomesTransitionRefused) as err:
        check_transition(S.REFERRED, S.SECURED, COMPLETE)
    assert "eligibility checked first" in str(err.value)
    with pytest.raises(SaferHomesTransitionRefused) as err:
        check_transition(S.SURVEYED, S.SECURED, COMPLETE)
    assert "works ordered first" in str(err.value)
    assert err.value.needed == ("mark it works ordered",)


def test_closed_states_are_final():
    for end in (S.CLOSED, S.DECLINED, S.WITHDRAWN):
        with pytest.raises(TransitionRefused, match="cannot be changed"):
            check_transition(end, S.REFERRED, COMPLETE)


def test_accepts_plain_string_codes():
    check_transition("referred", "eligibility_checked", COMPLETE)


def refused(from_, to, **changes):
    facts = TransitionFacts(**{**COMPLETE.__dict__, **changes})
    with pytest.raises(SaferHomesTransitionRefused) as err:
        check_transition(from_, to, facts)
    return err.value


@pytest.mark.parametrize("end", [S.DECLINED, S.WITHDRAWN])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_ending_needs_a_reason(end, reason):
    err = refused(S.SURVEYED, end, reason=reason)
    assert "reason" in str(err)


def test_eligibility_checked_needs_an_eligible_result():
    assert "run the eligibility check" in str(refused(S.REFERRED, S.ELIGIBILITY_CHECKED, eligible=None))
    assert "decline it" in str(refused(S.REFERRED, S.ELIGIBILITY_CHECKED, eligible=False))
    check_transition(S.REFERRED, S.DECLINED, TransitionFacts(reason="Perpetrator lives at the property"))


def test_surveyed_needs_date_and_surveyor():
    err = refused(S.ELIGIBILITY_CHECKED, S.SURVEYED, survey_on=None, surveyor=" ")
    assert err.needed == ("enter the survey date", "name the surveyor")
    assert "before the referral date" in str(
        refused(S.ELIGIBILITY_CHECKED, S.SURVEYED, survey_on=date(2023, 5, 31))
    )
    assert "future" in str(refused(S.ELIGIBILITY_CHECKED, S.SURVEYED, survey_on=date(2023, 8, 1)))


def test_works_ordered_needs_measure_contractor_and_landlord():
    err = refused(S.SURVEYED, S.WORKS_ORDERED, measures=(), contractor=None)
    assert "specify at least one measure" in err.needed
    assert "name the contractor" in err.needed
    for permission in (None, False):
        err = refused(
            S.SURVEYED, S.WORKS_ORDERED, tenure=Tenure.PRIVATE_RENTED, landlord_permission=permission
        )
        assert "landlord" in str(err)
    check_transition(
        S.SURVEYED,
        S.WORKS_ORDERED,
        TransitionFacts(**{**COMPLETE.__dict__, "tenure": Tenure.COUNCIL, "landlord_permission": True}),
    )
    assert "owned or rented" in str(refused(S.SURVEYED, S.WORKS_ORDERED, tenure=None))
    assert "enter the order date" in refused(S.SURVEYED, S.WORKS_ORDERED, works_ordered_on=None).needed
    assert "before the survey date" in str(
        refused(S.SURVEYED, S.WORKS_ORDERED, works_ordered_on=date(2023, 6, 4))
    )


def test_secured_needs_installed_date_not_before_order():
    assert "enter the installed date" in refused(S.WORKS_ORDERED, S.SECURED, installed_on=None).needed
    err = refused(S.WORKS_ORDERED, S.SECURED, installed_on=date(2023, 6, 6))
    assert "cannot be before the order date (07/06/2023)" in str(err)
    check_transition(
        S.WORKS_ORDERED, S.SECURED, TransitionFacts(**{**COMPLETE.__dict__, "installed_on": date(2023, 6, 7)})
    )


def test_followed_up_needs_date_not_before_install():
    assert "enter the follow-up date" in refused(S.SECURED, S.FOLLOWED_UP, followed_up_on=None).needed
    assert "before the installed date" in str(
        refused(S.SECURED, S.FOLLOWED_UP, followed_up_on=date(2023, 6, 11))
    )


def test_facts_of_a_record():
    facts = TransitionFacts.of(da_referral(), today=date(2023, 6, 14))
    check_transition(S.SURVEYED, S.WORKS_ORDERED, facts)
    assert TransitionFacts.of(da_referral(end_reason="moved"), reason=None).reason == "moved"


# --- timing ---------------------------------------------------------------------------------------

RULES = SaferHomesRules()


def test_time_to_secure():
    # Thursday 25 May 2023 to Friday 2 June: Spring bank holiday on Monday 29 May.
    record = burglary_referral(referred_on=date(2023, 5, 25), secured_on=date(2023, 6, 2))
    assert days_to_secure(record) == 8
    assert working_days_to_secure(record) == 5
    assert days_to_secure(burglary_referral()) is None
    assert working_days_to_secure(burglary_referral()) is None


def test_waiting_flag_counts_working_days():
    referred = date(2023, 4, 3)  # Monday; Good Friday 7 April and Easter Monday 10 April follow
    assert waiting_target_date(referred, RULES) == date(2023, 4, 19)
    record = burglary_referral(referred_on=referred)
    assert not is_waiting_too_long(record, date(2023, 4, 19), RULES)
    assert is_waiting_too_long(record, date(2023, 4, 20), RULES)
    assert not is_waiting_too_long(record, date(2023, 4, 20), SaferHomesRules(waiting_flag_working_days=20))


@pytest.mark.parametrize(
    "changes",
    [
        {"status": S.SECURED, "secured_on": date(2023, 4, 12)},
        {"status": S.FOLLOWED_UP, "secured_on": date(2023, 4, 12)},
        {"status": S.DECLINED},
        {"status": S.WITHDRAWN},
        {"status": S.CLOSED},
        {"referred_on": None},
    ],
)
def test_secured_or_ended_referrals_are_never_flagged(changes):
    record = burglary_referral(referred_on=date(2023, 4, 3)).with_changes(**changes)
    assert not is_waiting_too_long(record, date(2023, 6, 1), RULES)


def test_follow_up_due_and_overdue():
    assert follow_up_due(date(2023, 6, 12), RULES) == date(2023, 7, 10)
    # 28 days after Thursday 1 June 2023 is a Thursday; after Saturday-landing dates it moves on.
    assert follow_up_due(date(2023, 7, 31), RULES) == date(2023, 8, 29)  # 28 Aug is the Summer bank holiday
    assert follow_up_due(date(2023, 6, 3), RULES) == date(2023, 7, 3)  # lands on Sat 1 July -> Mon 3 July
    record = da_referral(status=S.SECURED, installed_on=date(2023, 6, 12))
    assert not is_follow_up_overdue(record, date(2023, 7, 10), RULES)
    assert is_follow_up_overdue(record, date(2023, 7, 11), RULES)
    assert not is_follow_up_overdue(record.with_changes(status=S.FOLLOWED_UP), date(2023, 8, 1), RULES)


def test_apply_transition_walks_the_whole_pathway():
    record = burglary_referral(eligible=True)
    record = apply_transition(record, S.ELIGIBILITY_CHECKED, date(2023, 6, 2))
    record = apply_transition(
        record.with_changes(survey_on=date(2023, 6, 5), surveyor="Sam"), S.SURVEYED, date(2023, 6, 5)
    )
    record = apply_transition(
        record.with_changes(
            measures=(MeasureLine("door_lock", "Door lock", 1, 6500),),
            contractor="Midway Locks",
            works_ordered_on=date(2023, 6, 6),
        ),
        S.WORKS_ORDERED,
        date(2023, 6, 6),
    )
    record = apply_transition(
        record.with_changes(installed_on=date(2023, 6, 9)), S.SECURED, date(2023, 6, 12)
    )
    assert record.secured_on == date(2023, 6, 9), "secured when installed, not when the status was changed"
    record = apply_transition(
        record.with_changes(followed_up_on=date(2023, 7, 7)), S.FOLLOWED_UP, date(2023, 7, 7)
    )
    record = apply_transition(record, S.CLOSED, date(2023, 7, 10))
    assert record.status is S.CLOSED and record.closed_on == date(2023, 7, 10)


def test_apply_transition_ending_records_reason_and_date():
    record = apply_transition(burglary_referral(), S.WITHDRAWN, date(2023, 6, 9), reason="  Moved away ")
    assert (record.status, record.closed_on, record.end_reason) == (
        S.WITHDRAWN,
        date(2023, 6, 9),
        "Moved away",
    )
    with pytest.raises(TransitionRefused):
        apply_transition(burglary_referral(), S.DECLINED, date(2023, 6, 9))
    with pytest.raises(TransitionRefused):
        apply_transition(burglary_referral(), S.SURVEYED, date(2023, 6, 9))
