"""Small builders for the ASB case tests: a valid intake form and a case opened from it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cspdesk.core.services.cases.case_intake import IntakeForm
from cspdesk.core.services.cases.case_parties import LocationInput, PartyInput

TODAY = date(2026, 11, 26)


def complainant(**kw) -> PartyInput:
    base = PartyInput(
        role="complainant",
        kind="person",
        forename="Joan",
        surname="Platt",
        date_of_birth=date(1950, 3, 4),
        phone="01283 222333",
        address=LocationInput(line1="12 Oak Street", town="Swadlincote", postcode="DE11 9AA"),
    )
    return replace(base, **kw)


def form(**kw) -> IntakeForm:
    base = IntakeForm(
        title="Youths gathering at Eureka Park",
        description="Stones thrown at windows most evenings.",
        category="youth_asb",
        tags=("youth_asb", "parks_open_spaces"),
        reported_on=date(2026, 11, 20),
        reported_via="phone",
        location=LocationInput(
            place_name="Eureka Park", town="Swadlincote", postcode="DE11 0AX", place_type="park"
        ),
        parties=(
            complainant(),
            PartyInput(
                role="perpetrator",
                kind="person",
                forename="Kyle",
                surname="Dunmore",
                date_of_birth=date(2011, 6, 1),
            ),
            PartyInput(role="perpetrator", kind="group", group_description="Group of 6-8 youths on bikes"),
        ),
    )
    return replace(base, **kw)


def open_case(services, **kw):
    return services.intake.open_case(services.actor, form(**kw))
