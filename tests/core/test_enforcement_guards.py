"""Every guard, pass and fail, table-driven; and who may override what."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cspdesk.core.domain.deadlines import EnforcementRules
from cspdesk.core.domain.enforcement import Stage
from cspdesk.core.domain.enforcement_guards import (
    GuardFailure,
    InformedBody,
    NoticeFacts,
    Recipient,
    age_on,
    apply_overrides,
    check_appeal_date,
    check_cpn_issue,
    check_fpn_amount,
    check_fpn_issue,
    check_payment_date,
    check_recipient,
    check_service_date,
    raise_if_failed,
)
from cspdesk.core.domain.vocab import NoticeKind, Role
from cspdesk.core.errors import TransitionRefused, ValidationError

D = date
K, S = NoticeKind, Stage


def codes(failures: list[GuardFailure]) -> list[tuple[str, bool]]:
    return [(f.code, f.overridable) for f in failures]


# --- age -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dob", "on", "age"),
    [
        (D(2008, 3, 1), D(2024, 3, 1), 16),  # on the birthday
        (D(2008, 3, 2), D(2024, 3, 1), 15),  # the day before
        (D(2008, 2, 29), D(2024, 2, 28), 15),
        (D(2008, 2, 29), D(2024, 2, 29), 16),
        (D(2008, 2, 29), D(2025, 2, 28), 16),  # leap-day birthday in a common year: 1 March
        (D(2008, 2, 29), D(2025, 3, 1), 17),
        (D(2007, 12, 31), D(2024, 1, 1), 16),  # year end
    ],
)
def test_age_on(dob, on, age):
    assert age_on(dob, on) == age


ISSUE = D(2024, 3, 1)


@pytest.mark.parametrize(
    ("kind", "recipient", "expected"),
    [
        ("cpw", Recipient("p", date_of_birth=D(2008, 3, 1)), []),
        ("cpw", Recipient("p", date_of_birth=D(2008, 3, 2)), [("under_minimum_age", False)]),
        ("cpn", Recipient("p", date_of_birth=D(2010, 1, 1)), [("under_minimum_age", False)]),
        ("cpn", Recipient("p", date_of_birth=D(1970, 1, 1)), []),
        ("cpn", Recipient("p"), [("date_of_birth_unknown", True)]),
        ("cpw", Recipient("p"), [("date_of_birth_unknown", True)]),
        ("cpn", Recipient("p", date_of_birth=D(2024, 3, 2)), [("date_of_birth_after_issue", False)]),
        ("cpn", Recipient("shop", is_body=True), []),  # s.43(1): "or a body" - no age
        ("cpw", Recipient.from_party("shop", "business", None), []),
        ("cpw", Recipient.from_party("club", "community_group", None), []),
        ("cpw", Recipient.from_party("youths", "group", None), [("date_of_birth_unknown", True)]),
        ("cpw", Recipient.from_party("p", "person", D(2009, 1, 1)), [("under_minimum_age", False)]),
        ("civil_injunction", Recipient("p", date_of_birth=D(2014, 3, 1)), []),  # s.1(1): 10 or over
        ("civil_injunction", Recipient("p", date_of_birth=D(2014, 3, 2)), [("under_minimum_age", False)]),
        ("dispersal_direction", Recipient("p", date_of_birth=D(2015, 1, 1)), [("under_minimum_age", False)]),
        ("warning_letter", Recipient("p", date_of_birth=D(2014, 1, 1)), []),  # no statutory age
        ("abc", Recipient("p", date_of_birth=D(2014, 1, 1)), []),
        ("fpn", Recipient("p"), []),
    ],
)
def test_check_recipient(kind, recipient, expected):
    assert codes(check_recipient(kind, recipient, ISSUE)) == expected


def test_under_16_message_says_age_and_alternative():
    (failure,) = check_recipient("cpn", Recipient("p", date_of_birth=D(2009, 6, 1)), ISSUE)
    assert failure.message == (
        "The recipient is 14 on 01/03/2024; a CPN can only be given to someone aged 16 or over. "
        "Consider a warning letter or an ABC instead."
    )
    assert failure.field == "date_of_birth"


def test_injunction_under_10_leap_day_birthday_in_a_common_year():
    child = Recipient("p", date_of_birth=D(2012, 2, 29))
    assert codes(check_recipient("civil_injunction", child, D(2022, 2, 28))) == [("under_minimum_age", False)]
    assert check_recipient("civil_injunction", child, D(2022, 3, 1)) == []


# --- before a CPN ----------------------------------------------------------------------------------------

ADULT = Recipient("p1", date_of_birth=D(1990, 5, 5))
CPW_OK = NoticeFacts(
    K.CPW, S.BREACHED, "p1", D(2024, 1, 1), comply_by=D(2024, 1, 15), lapses_on=D(2024, 7, 1)
)
INFORMED = (InformedBody("Swadlincote SNT", D(2024, 1, 30)), InformedBody("Housing provider", D(2024, 2, 1)))
CPN_ON = D(2024, 2, 1)
EARLY = (InformedBody("Swadlincote SNT", D(2024, 1, 5)),)


@pytest.mark.parametrize(
    ("issue_on", "recipient", "warning", "informed", "expected"),
    [
        (CPN_ON, ADULT, CPW_OK, INFORMED, []),
        (CPN_ON, ADULT, replace(CPW_OK, stage=S.ISSUED), INFORMED, []),  # breach not yet recorded on the CPW
        (D(2024, 1, 16), ADULT, CPW_OK, EARLY, []),  # the day after comply-by
        (D(2024, 1, 15), ADULT, CPW_OK, EARLY, [("comply_by_not_passed", True)]),
        (D(2024, 1, 10), ADULT, CPW_OK, EARLY, [("comply_by_not_passed", True)]),
        (CPN_ON, ADULT, None, INFORMED, [("no_warning", False)]),
        (CPN_ON, ADULT, replace(CPW_OK, kind=K.WARNING_LETTER), INFORMED, [("no_warning", False)]),
        (CPN_ON, ADULT, replace(CPW_OK, party_id="p2"), INFORMED, [("warning_other_person", False)]),
        (CPN_ON, ADULT, replace(CPW_OK, stage=S.WITHDRAWN), INFORMED, [("warning_not_in_force", False)]),
        (
            CPN_ON,
            ADULT,
            replace(CPW_OK, stage=S.DRAFT, issued_on=None),
            INFORMED,
            [("warning_not_in_force", False)],
        ),
        (
            CPN_ON,
            ADULT,
            replace(CPW_OK, issued_on=D(2024, 2, 2)),
            INFORMED,
            [("warning_after_notice", False)],
        ),
        (CPN_ON, ADULT, replace(CPW_OK, stage=S.LAPSED), INFORMED, [("warning_lapsed", True)]),
        (D(2024, 7, 1), ADULT, CPW_OK, INFORMED, [("warning_lapsed", True)]),  # lapse date reached
        (D(2024, 6, 30), ADULT, CPW_OK, INFORMED, []),
        (CPN_ON, ADULT, replace(CPW_OK, stage=S.COMPLIED), INFORMED, [("warning_complied", True)]),
        (CPN_ON, ADULT, replace(CPW_OK, stage=S.ESCALATED), INFORMED, [("warning_escalated", True)]),
        (CPN_ON, ADULT, CPW_OK, (), [("informed_not_recorded", True)]),
        (CPN_ON, ADULT, CPW_OK, (InformedBody("Police", D(2024, 2, 2)),), [("informed_after_issue", False)]),
        (
            CPN_ON,
            Recipient("p1", date_of_birth=D(2008, 2, 2)),
            CPW_OK,
            INFORMED,
            [("under_minimum_age", False)],
        ),
        (CPN_ON, Recipient("p1"), CPW_OK, INFORMED, [("date_of_birth_unknown", True)]),
        (CPN_ON, Recipient("p1", is_body=True), CPW_OK, INFORMED, []),
        (CPN_ON, Recipient(None, date_of_birth=D(1990, 1, 1)), CPW_OK, INFORMED, []),  # no id to compare
        (
            D(2024, 1, 10),
            Recipient("p1"),
            None,
            (),
            [("date_of_birth_unknown", True), ("no_warning", False), ("informed_not_recorded", True)],
        ),
    ],
)
def test_check_cpn_issue(issue_on, recipient, warning, informed, expected):
    assert codes(check_cpn_issue(issue_on, recipient, warning, informed)) == expected


def test_cpn_guard_accepts_stored_strings():
    warning = NoticeFacts("cpw", "breached", "p1", D(2024, 1, 1), comply_by=D(2024, 1, 15))
    assert warning.kind is K.CPW and warning.stage is S.BREACHED
    assert check_cpn_issue(CPN_ON, ADULT, warning, INFORMED) == []


def test_comply_by_message_cites_the_act():
    (failure,) = check_cpn_issue(D(2024, 1, 15), ADULT, CPW_OK, EARLY)
    assert "15/01/2024" in failure.message and "s.43(5)(b)" in failure.message


# --- before an FPN ---------------------------------------------------------------------------------------

CPN_BREACHED = NoticeFacts(K.CPN, S.BREACHED, "p1", D(2024, 3, 1), breached_on=D(2024, 5, 1))
RAISED = EnforcementRules(fpn_max_amount_pence=50_000, fpn_default_amount_pence=50_000)


@pytest.mark.parametrize(
    ("issue_on", "cpn", "amount", "rules", "discount", "expected"),
    [
        (D(2024, 5, 2), CPN_BREACHED, 10_000, EnforcementRules(), 7_500, []),
        (D(2024, 5, 1), CPN_BREACHED, 10_000, EnforcementRules(), None, []),  # same day as the breach
        (D(2024, 4, 30), CPN_BREACHED, 10_000, EnforcementRules(), None, [("fpn_before_breach", False)]),
        (D(2024, 5, 2), None, 10_000, EnforcementRules(), None, [("no_cpn", False)]),
        (D(2024, 5, 2), replace(CPN_BREACHED, kind=K.CPW), 10_000, EnforcementRules(), None,
         [("no_cpn", False)]),
        (D(2024, 5, 2), replace(CPN_BREACHED, stage=S.ACTIVE), 10_000, EnforcementRules(), None,
         [("cpn_not_breached", False)]),
        (D(2024, 5, 2), replace(CPN_BREACHED, stage=S.ISSUED), 10_000, EnforcementRules(), None,
         [("cpn_not_breached", False)]),
        (D(2024, 5, 2), replace(CPN_BREACHED, stage=S.APPEAL_LODGED), 10_000, EnforcementRules(), None,
         [("cpn_not_breached", False)]),
        (D(2024, 5, 2), replace(CPN_BREACHED, stage=S.FPN_ISSUED), 10_000, EnforcementRules(), None,
         [("fpn_already_issued", False)]),
        (D(2024, 5, 2), CPN_BREACHED, 10_001, EnforcementRules(), None, [("amount_over_cap", False)]),
        (D(2024, 5, 2), CPN_BREACHED, 0, EnforcementRules(), None, [("amount_missing", False)]),
        (D(2024, 5, 2), CPN_BREACHED, 50_000, RAISED, None, []),  # a raised cap is a setting
        (D(2024, 5, 2), CPN_BREACHED, 50_001, RAISED, None, [("amount_over_cap", False)]),
        (D(2024, 5, 2), CPN_BREACHED, 10_000, EnforcementRules(), 10_000, [("discount_not_lower", False)]),
        (D(2024, 5, 2), CPN_BREACHED, 10_000, EnforcementRules(), 0, [("discount_not_lower", False)]),
        (D(2024, 5, 2), None, 20_000, EnforcementRules(), None,
         [("no_cpn", False), ("amount_over_cap", False)]),
    ],
)  # fmt: skip
def test_check_fpn_issue(issue_on, cpn, amount, rules, discount, expected):
    assert codes(check_fpn_issue(issue_on, cpn, amount, rules, discount)) == expected


def test_cap_message_shows_pounds():
    (failure,) = check_fpn_amount(12_000, EnforcementRules())
    assert failure.message == "A fixed penalty cannot be more than £100.00."


# --- dates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "served", "expected"),
    [
        (D(2024, 3, 1), D(2024, 3, 1), []),
        (D(2024, 3, 1), D(2024, 3, 4), []),
        (D(2024, 3, 1), None, []),
        (D(2024, 3, 1), D(2024, 2, 29), [("served_before_issue", False)]),
    ],
)
def test_check_service_date(issued, served, expected):
    assert codes(check_service_date(issued, served)) == expected


@pytest.mark.parametrize(
    ("notice", "paid", "pay_by", "expected"),
    [
        (D(2024, 3, 1), D(2024, 3, 1), D(2024, 3, 15), []),
        (D(2024, 3, 1), D(2024, 3, 15), D(2024, 3, 15), []),  # last day of the 14
        (D(2024, 3, 1), D(2024, 3, 16), D(2024, 3, 15), [("paid_late", True)]),
        (D(2024, 3, 1), D(2024, 2, 29), D(2024, 3, 15), [("paid_before_notice", False)]),
        (D(2024, 3, 1), D(2024, 4, 1), None, []),
    ],
)
def test_check_payment_date(notice, paid, pay_by, expected):
    assert codes(check_payment_date(notice, paid, pay_by)) == expected


@pytest.mark.parametrize(
    ("lodged", "reason", "expected"),
    [
        (D(2024, 3, 1), "", []),  # the day of issue is day 1 of 21
        (D(2024, 3, 21), "", []),  # day 21
        (D(2024, 3, 22), "", [("appeal_out_of_time", True)]),
        (D(2024, 3, 22), "  ", [("appeal_out_of_time", True)]),
        (D(2024, 3, 22), "Court extended time on 25/03/2024", []),
        (D(2024, 2, 29), "", [("appeal_before_issue", False)]),
    ],
)
def test_check_appeal_date(lodged, reason, expected):
    assert codes(check_appeal_date(D(2024, 3, 1), D(2024, 3, 21), lodged, reason)) == expected


# --- overrides -------------------------------------------------------------------------------------------

SOFT = GuardFailure("comply_by_not_passed", "Too soon.", overridable=True)
SOFT2 = GuardFailure("informed_not_recorded", "Nobody informed.", overridable=True)
HARD = GuardFailure("under_minimum_age", "Under 16.")


@pytest.mark.parametrize(
    ("failures", "role", "reason", "raises", "match"),
    [
        ([], Role.OFFICER, "", None, None),  # nothing to override
        ([SOFT, SOFT2], Role.ADMINISTRATOR, "Recipient refused to engage", None, None),
        ([SOFT], "administrator", "Agreed at tasking", None, None),
        (
            [SOFT],
            Role.OFFICER,
            "Agreed at tasking",
            TransitionRefused,
            "Only an administrator can override: Too soon.",
        ),
        ([SOFT], Role.PARTNER, "Agreed at tasking", TransitionRefused, "Only an administrator"),
        ([SOFT], Role.ADMINISTRATOR, "", ValidationError, "Give the reason"),
        ([SOFT], Role.ADMINISTRATOR, "   ", ValidationError, "Give the reason"),
        (
            [SOFT, HARD],
            Role.ADMINISTRATOR,
            "Because",
            TransitionRefused,
            "^Under 16. This cannot be overridden.$",
        ),
        ([HARD], Role.OFFICER, "Because", TransitionRefused, "cannot be overridden"),
    ],
)
def test_apply_overrides(failures, role, reason, raises, match):
    if raises is None:
        assert apply_overrides(failures, role, reason) == tuple(failures)
    else:
        with pytest.raises(raises, match=match) as err:
            apply_overrides(failures, role, reason)
        if raises is ValidationError:
            assert "override_reason" in err.value.fields


def test_raise_if_failed():
    raise_if_failed([])
    with pytest.raises(TransitionRefused, match="^Too soon. Under 16.$"):
        raise_if_failed([SOFT, HARD])
