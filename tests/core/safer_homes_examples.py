"""Example referrals shared by the Safer Homes tests. Every identifying string is distinctive so
a test can search serialised output for it and know a hit is a leak."""

from __future__ import annotations

import uuid
from datetime import date

from cspdesk.core.domain.safer_homes import MeasureLine, Phone, ReferralRecord, Tenure
from cspdesk.core.domain.vocab import RiskLevel, SaferHomesStatus, VictimCategory

TODAY = date(2023, 6, 14)  # a Wednesday

DA_NAME = "Philippa Quennell-Astbury"
DA_LINE1 = "17 Larkspur Grove"
DA_LINE2 = "Off Hedgerow Close"
DA_TOWN = "Woodville"
DA_POSTCODE = "DE11 7ZZ"
DA_SAFE_PHONE = "07700 900461"
DA_UNSAFE_PHONE = "07700 900999"
DA_SAFE_CONTACT = "Sister Marguerite Quennell on 07700 900555"
DA_SAFE_ADDRESS = "c/o Swadlincote Library, Civic Way"
DA_PERPETRATOR = "Thaddeus Brockhurst"
DA_POLICE_REF = "DC-23-0456789"
DA_DOB = date(1987, 3, 9)
DA_NOTES = "Ex-partner drives a blue van; knows Larkspur Grove"
DA_ACCESS = "Knock twice; key safe code given by phone"

SECRETS = [
    DA_NAME,
    DA_LINE1,
    DA_LINE2,
    DA_POSTCODE,
    "DE117ZZ",
    DA_SAFE_PHONE,
    DA_UNSAFE_PHONE,
    "900461",
    "900999",
    DA_SAFE_CONTACT,
    DA_SAFE_ADDRESS,
    DA_PERPETRATOR,
    DA_POLICE_REF,
    "1987-03-09",
    DA_NOTES,
    "Larkspur",
    "Quennell",
    "Brockhurst",
]


def da_referral(**changes) -> ReferralRecord:
    record = ReferralRecord(
        id=uuid.UUID("00000000-0000-0000-0000-00000000da01"),
        reference="SH-2023-0042",
        status=SaferHomesStatus.WORKS_ORDERED,
        restricted=True,
        referred_on=date(2023, 6, 1),
        referrer_name="Jo Idva",
        referrer_role="IDVA",
        referrer_agency="Derbyshire Domestic Abuse Support",
        referrer_contact="jo.idva@example.org",
        consent_given=True,
        consent_method="verbal",
        consent_on=date(2023, 6, 1),
        client_name=DA_NAME,
        client_date_of_birth=DA_DOB,
        address_line1=DA_LINE1,
        address_line2=DA_LINE2,
        town=DA_TOWN,
        postcode=DA_POSTCODE,
        ward="Woodville",
        phones=(Phone(DA_SAFE_PHONE, True), Phone(DA_UNSAFE_PHONE, False)),
        safe_contact=DA_SAFE_CONTACT,
        safe_address=DA_SAFE_ADDRESS,
        language="Polish",
        interpreter_needed=True,
        access_needs=DA_ACCESS,
        children_in_household=2,
        victim_category=VictimCategory.DOMESTIC_ABUSE,
        tenure=Tenure.HOUSING_ASSOCIATION,
        landlord_name="Trent & Dove Housing",
        landlord_permission=True,
        perpetrator_name=DA_PERPETRATOR,
        perpetrator_resident=False,
        victim_wants_to_stay=True,
        dash_level=RiskLevel.HIGH,
        dash_score=16,
        marac_on=date(2023, 6, 8),
        police_reference=DA_POLICE_REF,
        eligible=True,
        survey_on=date(2023, 6, 5),
        surveyor="Sam Survey",
        contractor="Midway Locks Ltd",
        works_ordered_on=date(2023, 6, 7),
        notes=DA_NOTES,
        measures=(
            MeasureLine("door_lock", "Door lock upgrade", 2, 6500),
            MeasureLine("fire_letterbox", "Fire-retardant letterbox", 1, 4000),
        ),
    )
    return record.with_changes(**changes)


def burglary_referral(**changes) -> ReferralRecord:
    record = ReferralRecord(
        reference="SH-2023-0043",
        referred_on=date(2023, 6, 2),
        referrer_name="PC Ames",
        referrer_agency="Swadlincote SNT",
        consent_given=True,
        consent_method="written",
        consent_on=date(2023, 6, 2),
        client_name="Arthur Pennyfeather",
        address_line1="3 Orchard Row",
        town="Melbourne",
        postcode="DE73 8AA",
        ward="Melbourne",
        phones=(Phone("01332 000111", True),),
        victim_category=VictimCategory.BURGLARY,
        tenure=Tenure.OWNER,
        victim_wants_to_stay=True,
    )
    return record.with_changes(**changes)
