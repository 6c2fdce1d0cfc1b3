"""Opening a case: required fields, bad input, duplicates and linked history,
the list columns kept current."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import ConflictError, PermissionDenied, ValidationError
from cspdesk.core.services.cases.case_list import CaseQuery
from cspdesk.core.services.cases.case_parties import LocationInput, PartyInput
from cspdesk.core.services.context import Actor
from tests.core.case_helpers import complainant, form, open_case


def fields_of(exc_info) -> dict[str, str]:
    return exc_info.value.fields


def test_open_case_writes_case_parties_and_list_columns(services):
    opened = open_case(services)
    assert opened.reference == "ASB-2026-00001"
    rows = services.case_list.rows_for([opened.id])
    row = rows[opened.id]
    assert "Complainant: Joan Platt" in row.parties and "Perpetrator: Kyle Dunmore" in row.parties
    assert "Eureka Park" in row.location and "DE11 0AX" in row.location
    # Searchable at once by name and by postcode without its space.
    assert services.case_list.case_ids(CaseQuery(text="dunmore")) == [opened.id]
    assert services.case_list.case_ids(CaseQuery(text="de110ax")) == [opened.id]
    parties = services.parties.parties(opened.id)
    kyle = next(p for p in parties if p.name == "Kyle Dunmore")
    assert kyle.age == 15 and kyle.youth
    chron = services.chronology.entries(opened.id)
    assert [c.summary for c in chron] == ["Case opened"]
    assert open_case(services).reference == "ASB-2026-00002"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": "  "}, "title"),
        ({"category": ""}, "category"),
        ({"tags": ()}, "tags"),
        ({"reported_on": None}, "reported_on"),
        ({"reported_via": ""}, "reported_via"),
        ({"location": LocationInput()}, "location.place_name"),
    ],
)
def test_required_fields_are_named(services, change, field):
    with pytest.raises(ValidationError) as e:
        open_case(services, **change)
    assert field in fields_of(e)


def test_future_report_date_is_refused(services):
    with pytest.raises(ValidationError) as e:
        open_case(services, reported_on=date(2026, 11, 27))
    assert "future" in fields_of(e)["reported_on"]


@pytest.mark.parametrize("postcode", ["DE11 0A", "12345", "QE11 0AH", "DE11 0AHX"])
def test_non_uk_postcode_is_refused_for_place_and_party(services, postcode):
    with pytest.raises(ValidationError) as e:
        open_case(services, location=LocationInput(place_name="Eureka Park", postcode=postcode))
    assert "location.postcode" in fields_of(e)
    with pytest.raises(ValidationError) as e:
        open_case(services, parties=(complainant(address=LocationInput(line1="1 A St", postcode=postcode)),))
    assert "parties.0.postcode" in fields_of(e)


def test_postcode_is_stored_normalised(services):
    opened = open_case(
        services,
        location=LocationInput(place_name="Maurice Lea Park", postcode="de12 6pq", place_type="park"),
    )
    assert "DE12 6PQ" in services.case_edit.detail(opened.id).location


def test_perpetrator_under_ten_is_refused_but_a_young_victim_is_not(services):
    child = PartyInput(
        role="perpetrator", kind="person", forename="Tom", surname="Small", date_of_birth=date(2017, 1, 1)
    )
    with pytest.raises(ValidationError) as e:
        open_case(services, parties=(complainant(), child))
    assert "at least 10" in fields_of(e)["parties.1.date_of_birth"]
    open_case(services, parties=(complainant(), replace(child, role="victim")))


def test_future_date_of_birth_and_party_required_names(services):
    bad = (
        complainant(date_of_birth=date(2027, 1, 1)),
        PartyInput(role="complainant", kind="business", organisation_name=""),
        PartyInput(role="perpetrator", kind="group", group_description=""),
        PartyInput(role="witness", kind="person", surname=""),
        complainant(phone="12"),
    )
    with pytest.raises(ValidationError) as e:
        open_case(services, parties=bad)
    f = fields_of(e)
    assert "future" in f["parties.0.date_of_birth"]
    assert "parties.1.organisation_name" in f and "parties.2.group_description" in f
    assert "parties.3.surname" in f and "parties.4.phone" in f


def test_businesses_community_groups_and_groups_are_parties(services):
    opened = open_case(
        services,
        parties=(
            PartyInput(role="complainant", kind="business", organisation_name="Delph Convenience Store"),
            PartyInput(
                role="victim", kind="community_group", organisation_name="Midway Residents' Association"
            ),
            PartyInput(role="perpetrator", kind="group", group_description="Unknown drivers"),
        ),
    )
    kinds = {p.name: p.kind_label for p in services.parties.parties(opened.id)}
    assert kinds == {
        "Delph Convenience Store": "Business",
        "Midway Residents' Association": "Community group",
        "Unknown drivers": "Group",
    }


def test_duplicates_found_by_person_address_and_place(services):
    first = open_case(services)
    by_person = services.intake.possible_duplicates(
        form(
            location=LocationInput(place_name="Somewhere else"),
            parties=(PartyInput(kind="person", forename="Kyle", surname="DUNMORE"),),
        )
    )
    assert [h.case_id for h in by_person] == [first.id] and "Kyle DUNMORE (perpetrator)" in by_person[
        0
    ].reasons
    by_address = services.intake.possible_duplicates(
        form(location=LocationInput(line1="12 oak street", postcode="de119aa"), parties=())
    )
    assert [h.case_id for h in by_address] == [first.id]
    by_place = services.intake.possible_duplicates(form(parties=()))
    assert [h.case_id for h in by_place] == [first.id] and "same place" in by_place[0].reasons
    nothing = services.intake.possible_duplicates(
        form(location=LocationInput(place_name="Nowhere Lane"), parties=(PartyInput(surname="Unheardof"),))
    )
    assert nothing == []


def test_closed_long_ago_is_not_offered_but_recent_closure_is(services):
    old = open_case(services, reported_on=date(2024, 1, 10))
    services.closure.close(services.actor, old.id, "resolved", closed_on=date(2024, 2, 1))
    assert services.intake.possible_duplicates(form(parties=())) == []
    recent = open_case(services, reported_on=date(2026, 6, 1))
    services.closure.close(services.actor, recent.id, "resolved", closed_on=date(2026, 7, 1))
    assert [h.case_id for h in services.intake.possible_duplicates(form(parties=()))] == [recent.id]


def test_link_instead_of_duplicate(services):
    first = open_case(services)
    second = services.intake.open_case(services.actor, form(), link_to=(first.id,))
    assert [h.case_id for h in services.intake.linked_cases(second.id)] == [first.id]
    assert [h.case_id for h in services.intake.linked_cases(first.id)] == [second.id]


def test_a_partner_cannot_open_cases(services):
    partner = Actor(services.actor.user_id, "p", "Partner", Role.PARTNER)
    with pytest.raises(PermissionDenied):
        services.intake.open_case(partner, form())


def test_two_windows_editing_the_same_case_the_second_is_told_what_changed(services):
    opened = open_case(services)
    a = services.case_edit.detail(opened.id)
    b = services.case_edit.detail(opened.id)
    services.case_edit.save(
        services.actor, opened.id, a.version, a.editable(), {"title": "Youths at Eureka Park"}
    )
    with pytest.raises(ConflictError) as e:
        services.case_edit.save(services.actor, opened.id, b.version, b.editable(), {"description": "Mine"})
    assert e.value.changes["title"] == ("Youths gathering at Eureka Park", "Youths at Eureka Park")
    assert "Youths at Eureka Park" in str(e.value)
    assert services.case_edit.detail(opened.id).description == "Stones thrown at windows most evenings."


def test_save_after_other_tabs_changed_the_case_is_not_a_conflict(services):
    opened = open_case(services)
    d = services.case_edit.detail(opened.id)
    services.chronology.add_note(services.actor, opened.id, "Phoned complainant")  # moves the version
    services.case_edit.save(services.actor, opened.id, d.version, d.editable(), {"category": "noise"})
    assert services.case_edit.detail(opened.id).category == "noise"


def test_overview_save_validates_and_updates_the_list(services):
    opened = open_case(services)
    d = services.case_edit.detail(opened.id)
    with pytest.raises(ValidationError) as e:
        services.case_edit.save(
            services.actor,
            opened.id,
            d.version,
            d.editable(),
            {"title": "", "reported_on": date(2030, 1, 1), "tags": ()},
        )
    assert set(fields_of(e)) == {"title", "reported_on", "tags"}
    services.case_edit.save(
        services.actor,
        opened.id,
        d.version,
        d.editable(),
        {"title": "Off-road bikes on Swadlincote Woodlands", "tags": ("rural_crime",)},
    )
    row = services.case_list.rows_for([opened.id])[opened.id]
    assert (
        row.title == "Off-road bikes on Swadlincote Woodlands"
        and row.priority == "Acquisitive and Rural Crime"
    )


def test_draft_survives_until_saved(services):
    opened = open_case(services)
    d = services.case_edit.detail(opened.id)
    services.case_edit.save_draft(
        services.actor,
        opened.id,
        d.version,
        {"title": "Half-typed", "tags": ("cse",), "reported_on": date(2026, 11, 1)},
    )
    draft = services.case_edit.draft(services.actor, opened.id)
    assert draft == {"title": "Half-typed", "tags": ("cse",), "reported_on": date(2026, 11, 1)}
    services.case_edit.save(services.actor, opened.id, d.version, d.editable(), {"title": "Typed"})
    assert services.case_edit.draft(services.actor, opened.id) is None
