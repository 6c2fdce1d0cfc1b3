"""Protection of restricted (domestic-abuse) referrals: masking, works orders, partner lists, audit.

The tests serialise each view to JSON and search it for every identifying string in the example,
so a leak through any field (including ones added later) is caught."""

from __future__ import annotations

import json

import pytest

from cspdesk.core.domain.protection import (
    NO_SAFE_PHONE,
    OPEN_FIELDS,
    SAFER_HOMES_RESTRICTED,
    Viewer,
    audit_details,
    audit_reason_required,
    can_see_personal_details,
    can_see_restricted,
    check_audit_reason,
    mask_referral_for,
    partner_referral_list,
    works_order_view,
)
from cspdesk.core.domain.safer_homes import RESTRICTED, Phone
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import PermissionDenied, ValidationError
from tests.core.safer_homes_examples import (
    DA_ACCESS,
    DA_LINE1,
    DA_LINE2,
    DA_NAME,
    DA_POSTCODE,
    DA_SAFE_PHONE,
    DA_UNSAFE_PHONE,
    SECRETS,
    burglary_referral,
    da_referral,
)

ADMIN = Viewer(Role.ADMINISTRATOR)
OFFICER = Viewer(Role.OFFICER)
FLAGGED_OFFICER = Viewer(Role.OFFICER, frozenset({SAFER_HOMES_RESTRICTED}))
DA_PARTNER = Viewer(
    Role.PARTNER, frozenset({SAFER_HOMES_RESTRICTED}), agency="Derbyshire Domestic Abuse Support"
)
SNT_PARTNER = Viewer(Role.PARTNER, agency="Swadlincote SNT")

NOT_PERMITTED = [OFFICER, DA_PARTNER, SNT_PARTNER, Role.OFFICER, Role.PARTNER, "officer", "partner"]
PERMITTED = [ADMIN, FLAGGED_OFFICER, Role.ADMINISTRATOR, "administrator"]


def leaks(payload, secrets=SECRETS) -> list[str]:
    text = json.dumps(payload, ensure_ascii=False)
    return [s for s in secrets if s in text]


def test_permission_model():
    assert can_see_restricted(ADMIN) and can_see_restricted(FLAGGED_OFFICER)
    assert not can_see_restricted(OFFICER)
    assert not can_see_restricted(DA_PARTNER), "a partner never sees restricted details, flag or not"
    assert not can_see_restricted(Role.OFFICER), "a bare role carries no flags"


@pytest.mark.parametrize("who", NOT_PERMITTED)
@pytest.mark.parametrize("flag", [True, False])
def test_masked_view_never_contains_restricted_details(who, flag):
    record = da_referral(restricted=flag)  # the DA category alone restricts it
    view = mask_referral_for(who, record)
    assert leaks(view) == []
    for key in (
        "client_name",
        "address_line1",
        "address_line2",
        "town",
        "postcode",
        "phones",
        "safe_contact",
        "safe_address",
        "client_date_of_birth",
        "perpetrator_name",
        "police_reference",
        "notes",
    ):
        assert view[key] == RESTRICTED
    assert view["ward"] == "Woodville"
    assert view["victim_category"] == "domestic_abuse"
    assert view["reference"] == "SH-2023-0042"
    assert view["status"] == "works_ordered"


def test_masking_is_an_allow_list():
    view = mask_referral_for(OFFICER, da_referral())
    assert {k for k, v in view.items() if v != RESTRICTED} <= OPEN_FIELDS
    # Empty fields are masked too, so the view does not reveal which are filled in.
    assert mask_referral_for(OFFICER, da_referral(safe_address=None))["safe_address"] == RESTRICTED
    for sensitive in (
        "client_name",
        "address_line1",
        "address_line2",
        "town",
        "postcode",
        "phones",
        "safe_contact",
        "safe_address",
        "client_date_of_birth",
        "perpetrator_name",
        "dash_level",
        "dash_score",
        "marac_on",
        "police_reference",
        "notes",
        "access_needs",
        "end_reason",
        "landlord_name",
        "referrer_name",
        "referrer_contact",
        "case_id",
    ):
        assert sensitive not in OPEN_FIELDS


@pytest.mark.parametrize("who", PERMITTED)
def test_permitted_roles_see_everything(who):
    view = mask_referral_for(who, da_referral())
    assert view == da_referral().to_dict()
    assert view["client_name"] == DA_NAME
    assert view["postcode"] == DA_POSTCODE
    assert DA_UNSAFE_PHONE in json.dumps(view)


def test_ordinary_referral_visible_to_officers_and_the_referring_partner_only():
    record = burglary_referral()
    assert mask_referral_for(OFFICER, record)["client_name"] == "Arthur Pennyfeather"
    assert mask_referral_for(SNT_PARTNER, record)["client_name"] == "Arthur Pennyfeather"
    other = mask_referral_for(DA_PARTNER, record)
    assert other["client_name"] == RESTRICTED
    assert leaks(other, ["Pennyfeather", "Orchard Row", "DE73 8AA", "01332 000111"]) == []
    assert not can_see_personal_details(Viewer(Role.PARTNER), record), "a partner with no agency sees nothing"


def test_restricted_flag_on_an_ordinary_category_is_honoured():
    record = burglary_referral(restricted=True)
    assert mask_referral_for(OFFICER, record)["postcode"] == RESTRICTED
    assert mask_referral_for(SNT_PARTNER, record)["postcode"] == RESTRICTED
    assert mask_referral_for(FLAGGED_OFFICER, record)["postcode"] == "DE73 8AA"


# --- works order ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERMITTED)
def test_works_order_has_what_the_contractor_needs_and_nothing_else(who):
    order = works_order_view(da_referral(), who)
    assert order["address_line1"] == DA_LINE1
    assert order["postcode"] == DA_POSTCODE
    assert order["contact_phone"] == DA_SAFE_PHONE
    assert order["access_details"] == DA_ACCESS
    assert order["interpreter_language"] == "Polish"
    assert [m["code"] for m in order["measures"]] == ["door_lock", "fire_letterbox"]
    # What the contractor must never be told. The address itself is the point of a works order.
    address_and_safe_phone = (DA_LINE1, DA_LINE2, "Larkspur", DA_POSTCODE, DA_SAFE_PHONE, "900461")
    never = [s for s in SECRETS if s not in address_and_safe_phone]
    never += [
        "domestic",
        "Domestic",
        "abuse",
        "DASH",
        "MARAC",
        "IDVA",
        "Jo Idva",
        "perpetrator",
        "high",
        "Trent & Dove",
        "risk",
        "victim",
        "category",
        "reason",
        "2023-06-08",
        "16",
    ]
    text = json.dumps(order)
    assert [s for s in never if s in text] == []
    assert set(order) == {
        "reference",
        "contractor",
        "works_ordered_on",
        "address_line1",
        "address_line2",
        "town",
        "postcode",
        "access_details",
        "interpreter_language",
        "contact_phone",
        "contact_note",
        "measures",
    }


def test_works_order_without_a_safe_number_says_so():
    order = works_order_view(
        da_referral(phones=(Phone(DA_UNSAFE_PHONE, False), Phone("07700 900100"))), ADMIN
    )
    assert order["contact_phone"] is None
    assert order["contact_note"] == NO_SAFE_PHONE
    assert DA_UNSAFE_PHONE not in json.dumps(order) and "900100" not in json.dumps(order)


@pytest.mark.parametrize("who", [OFFICER, DA_PARTNER, SNT_PARTNER, Role.PARTNER])
def test_works_order_refused_to_those_who_may_not_see_the_address(who):
    with pytest.raises(PermissionDenied):
        works_order_view(da_referral(), who)


def test_officer_may_order_works_on_an_ordinary_referral_but_a_partner_may_not():
    assert works_order_view(burglary_referral(), OFFICER)["postcode"] == "DE73 8AA"
    with pytest.raises(PermissionDenied):
        works_order_view(burglary_referral(), SNT_PARTNER)


# --- partner list ---------------------------------------------------------------------------------


def test_partner_list_has_only_that_agencys_referrals_and_no_restricted_details():
    records = [
        da_referral(),
        burglary_referral(),
        burglary_referral(referrer_agency="Elsewhere", reference="X"),
    ]
    rows = partner_referral_list(records, "Derbyshire Domestic Abuse Support")
    assert [r["reference"] for r in rows] == ["SH-2023-0042"]
    assert rows[0]["client"] == RESTRICTED
    assert rows[0]["status_label"] == "Works ordered"
    assert leaks(rows) == []
    assert "domestic" not in json.dumps(rows).lower().replace("derbyshire domestic abuse support", "")
    snt = partner_referral_list(records, "Swadlincote SNT")
    assert [r["client"] for r in snt] == ["Arthur Pennyfeather"]
    assert leaks(snt, ["Orchard Row", "DE73 8AA", "01332", "burglary"]) == []


# --- audit ----------------------------------------------------------------------------------------


def test_audit_reason_required_only_when_restricted_details_are_shown():
    assert audit_reason_required(da_referral(), ADMIN)
    assert audit_reason_required(da_referral(), FLAGGED_OFFICER)
    assert audit_reason_required(da_referral(restricted=False), Role.ADMINISTRATOR)
    assert not audit_reason_required(da_referral(), OFFICER), "they see only the masked view"
    assert not audit_reason_required(da_referral(), DA_PARTNER)
    assert not audit_reason_required(burglary_referral(), ADMIN)


def test_check_audit_reason():
    for reason in (None, "", "  "):
        with pytest.raises(ValidationError) as err:
            check_audit_reason(da_referral(), ADMIN, reason)
        assert "reason" in err.value.fields
    check_audit_reason(da_referral(), ADMIN, "Arranging survey")
    check_audit_reason(burglary_referral(), ADMIN, None)


def test_audit_details_name_the_reference_not_the_client():
    entry = audit_details(da_referral(), "  Arranging survey ")
    assert entry["details"] == {"reference": "SH-2023-0042", "reason": "Arranging survey"}
    assert "SH-2023-0042" in entry["summary"]
    assert leaks(entry) == []
