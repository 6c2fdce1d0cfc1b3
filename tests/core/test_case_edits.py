"""Correcting a case after the fact: a party's details and role, taking a party off and putting them back,
an incident's details, marking an incident as a duplicate of another (and what counts then), and the
officer's answer to the Case Review prompt, "no" included."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import select

from cspdesk.core.domain.asb_case import reporter_counts, same_run_of_reports
from cspdesk.core.errors import ConflictError, TransitionRefused, ValidationError
from cspdesk.core.services.case_review.case_review import ApplicationInput
from cspdesk.core.services.cases.case_parties import LocationInput
from cspdesk.core.services.cases.incidents import IncidentInput
from cspdesk.core.storage.models import AuditEntry
from tests.core.case_helpers import TODAY, open_case


@pytest.fixture
def case(services):
    return open_case(services)


def _party(services, case_id, name, include_removed=False):
    return next(p for p in services.parties.parties(case_id, include_removed) if p.name == name)


def _incident(services, case_id, reporter_id, on: date, **kw):
    return services.incidents.add_incident(
        services.actor,
        case_id,
        IncidentInput(
            occurred_at=datetime.combine(on, datetime.min.time()).replace(hour=20),
            reported_on=on,
            description=kw.pop("description", "Stones thrown"),
            reporter_party_id=reporter_id,
            **kw,
        ),
    )


def _chronology(services, case_id):
    return services.chronology.entries(case_id)


def _audits(services, entity_id):
    with services._uow("system") as uow:
        return [
            (a.action, a.summary, a.details)
            for a in uow.session.scalars(
                select(AuditEntry).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.at)
            )
        ]


# ----- parties ---------------------------------------------------------------------------------------------


def test_edit_a_persons_details_and_role_with_chronology_and_audit(services, case):
    joan = _party(services, case.id, "Joan Platt")
    d = services.party_edit.detail(case.id, joan.id)
    assert d.value.surname == "Platt" and d.value.address.postcode == "DE11 9AA"
    new = replace(
        d.value,
        role="victim",
        surname="Platt-Hughes",
        phone="07700 900123",
        address=LocationInput(line1="3 Elm Close", town="Woodville", postcode="de11 7aa"),
    )
    services.party_edit.edit(services.actor, case.id, joan.id, d.versions, d.value, new)

    row = _party(services, case.id, "Joan Platt-Hughes")
    assert row.role == "victim" and row.phone == "07700 900123"
    assert row.address == "3 Elm Close, Woodville, DE11 7AA"
    line = next(c for c in _chronology(services, case.id) if "role changed" in c.summary)
    assert line.summary == "Joan Platt-Hughes: role changed from Complainant to Victim"
    assert "Surname: Platt → Platt-Hughes" in line.body and "Phone: 01283 222333 → 07700 900123" in line.body
    assert "12 Oak Street, Swadlincote, DE11 9AA → 3 Elm Close, Woodville, DE11 7AA" in line.body
    (details,) = [
        d for a, summary, d in _audits(services, joan.id) if summary.endswith("Joan Platt-Hughes changed")
    ]
    assert details["surname"] == ["Platt", "Platt-Hughes"] and details["role"] == ["Complainant", "Victim"]
    # The case list finds the new name and shows the new role.
    summary_row = services.case_list.rows_for([case.id])[case.id]
    assert "Victim: Joan Platt-Hughes" in summary_row.parties


def test_editing_nothing_changes_nothing(services, case):
    joan = _party(services, case.id, "Joan Platt")
    d = services.party_edit.detail(case.id, joan.id)
    before = len(_chronology(services, case.id))
    assert not services.party_edit.edit(services.actor, case.id, joan.id, d.versions, d.value, d.value).ids
    assert len(_chronology(services, case.id)) == before


def test_editing_a_business_and_a_group(services, case):
    group = _party(services, case.id, "Group of 6-8 youths on bikes")
    d = services.party_edit.detail(case.id, group.id)
    services.party_edit.edit(
        services.actor,
        case.id,
        group.id,
        d.versions,
        d.value,
        replace(d.value, group_description="Group of 10 youths on e-scooters"),
    )
    assert _party(services, case.id, "Group of 10 youths on e-scooters").kind == "group"
    from cspdesk.core.services.cases.case_parties import PartyInput

    services.parties.add_party(
        services.actor,
        case.id,
        PartyInput(role="victim", kind="business", organisation_name="Woodville Tandori"),
    )
    shop = _party(services, case.id, "Woodville Tandori")
    d = services.party_edit.detail(case.id, shop.id)
    services.party_edit.edit(
        services.actor,
        case.id,
        shop.id,
        d.versions,
        d.value,
        replace(d.value, organisation_name="Woodville Tandoori", phone="01283 555666"),
    )
    assert _party(services, case.id, "Woodville Tandoori").phone == "01283 555666"


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"role": "perpetrator", "date_of_birth": date(2019, 1, 1)}, "date_of_birth", "at least 10"),
        ({"surname": "  "}, "surname", "surname"),
        ({"date_of_birth": date(2027, 1, 1)}, "date_of_birth", "future"),
        ({"address": LocationInput(line1="1 High St", postcode="DE1")}, "postcode", "not a UK postcode"),
        ({"phone": "call me"}, "phone", "not a UK phone number"),
        ({"kind": "business", "organisation_name": "Platt Ltd"}, "kind", "take this one off the case"),
    ],
)
def test_party_edit_bad_input_is_refused_with_a_message_and_nothing_saved(
    services, case, change, field, words
):
    joan = _party(services, case.id, "Joan Platt")
    d = services.party_edit.detail(case.id, joan.id)
    with pytest.raises(ValidationError) as e:
        services.party_edit.edit(
            services.actor, case.id, joan.id, d.versions, d.value, replace(d.value, **change)
        )
    assert words in e.value.fields[field]
    assert services.party_edit.detail(case.id, joan.id).value == d.value


def test_two_windows_editing_one_party_the_second_is_told_what_changed(services, case):
    joan = _party(services, case.id, "Joan Platt")
    mine = services.party_edit.detail(case.id, joan.id)
    theirs = services.party_edit.detail(case.id, joan.id)
    services.party_edit.edit(
        services.actor,
        case.id,
        joan.id,
        theirs.versions,
        theirs.value,
        replace(theirs.value, phone="07700 900999"),
    )
    with pytest.raises(ConflictError) as e:
        services.party_edit.edit(
            services.actor,
            case.id,
            joan.id,
            mine.versions,
            mine.value,
            replace(mine.value, notes="Prefers email"),
        )
    assert "changed by someone else" in str(e.value) and "phone: 01283 222333 → 07700 900999" in str(e.value)
    assert e.value.changes == {"phone": ("01283 222333", "07700 900999")}
    assert _party(services, case.id, "Joan Platt").notes == ""


def test_a_version_moved_by_something_the_form_does_not_show_does_not_block_a_save(services, case):
    joan = _party(services, case.id, "Joan Platt")
    d = services.party_edit.detail(case.id, joan.id)
    services.incidents.record_case_review_told(services.actor, case.id, joan.id)  # moves the row's version
    assert services.party_edit.detail(case.id, joan.id).versions != d.versions
    services.party_edit.edit(
        services.actor, case.id, joan.id, d.versions, d.value, replace(d.value, notes="Deaf")
    )
    assert _party(services, case.id, "Joan Platt").notes == "Deaf"


def test_a_person_on_two_cases_changes_on_both(services, case):
    from cspdesk.core.services.cases.case_parties import PartyInput

    joan = _party(services, case.id, "Joan Platt")
    other = open_case(
        services,
        title="Noise from 14 Oak Street",
        parties=(PartyInput(role="complainant", kind="person", person_id=joan.person_id),),
    )
    d = services.party_edit.detail(case.id, joan.id)
    assert d.other_cases == (other.reference,)
    changes = services.party_edit.edit(
        services.actor, case.id, joan.id, d.versions, d.value, replace(d.value, surname="Platts")
    )
    assert other.id in changes.ids
    assert "Joan Platts" in services.case_list.rows_for([other.id])[other.id].parties
    line = next(
        c for c in _chronology(services, case.id) if c.summary.startswith("Complainant details changed")
    )
    assert other.reference in line.body


def test_take_off_the_case_and_put_back(services, case):
    kyle = _party(services, case.id, "Kyle Dunmore")
    services.parties.remove_party(services.actor, case.id, kyle.id, "Added to the wrong case")
    assert "Kyle Dunmore" not in [p.name for p in services.parties.parties(case.id)]
    assert "Kyle Dunmore" not in services.case_list.rows_for([case.id])[case.id].parties
    assert _party(services, case.id, "Kyle Dunmore", include_removed=True).removed_on == TODAY
    with pytest.raises(TransitionRefused, match="already taken off"):
        services.parties.remove_party(services.actor, case.id, kyle.id, "again")
    d = services.party_edit.detail(case.id, kyle.id)
    with pytest.raises(TransitionRefused, match="Put them back"):
        services.party_edit.edit(
            services.actor, case.id, kyle.id, d.versions, d.value, replace(d.value, notes="x")
        )

    services.party_edit.restore(services.actor, case.id, kyle.id)
    assert _party(services, case.id, "Kyle Dunmore").removed_on is None
    assert "Kyle Dunmore" in services.case_list.rows_for([case.id])[case.id].parties
    summaries = [c.summary for c in _chronology(services, case.id)]
    assert "Perpetrator taken off the case: Kyle Dunmore" in summaries
    assert "Perpetrator put back on the case: Kyle Dunmore" in summaries
    audited = [summary for _a, summary, _d in _audits(services, kyle.id)]
    assert {
        "ASB-2026-00001: Kyle Dunmore taken off the case",
        "ASB-2026-00001: Kyle Dunmore put back on the case",
    } <= set(audited)
    with pytest.raises(TransitionRefused, match="on the case already"):
        services.party_edit.restore(services.actor, case.id, kyle.id)


def test_a_partner_cannot_change_people_or_incidents(services, case):
    from cspdesk.core.domain.vocab import Role
    from cspdesk.core.errors import PermissionDenied
    from cspdesk.core.services.context import Actor

    partner = Actor(services.actor.user_id, "p", "Partner", Role.PARTNER)
    joan = _party(services, case.id, "Joan Platt")
    d = services.party_edit.detail(case.id, joan.id)
    with pytest.raises(PermissionDenied):
        services.party_edit.edit(partner, case.id, joan.id, d.versions, d.value, replace(d.value, notes="x"))
    with pytest.raises(PermissionDenied):
        services.party_edit.restore(partner, case.id, joan.id)
    a = _incident(services, case.id, joan.id, date(2026, 11, 10)).incident_id
    b = _incident(services, case.id, joan.id, date(2026, 11, 11)).incident_id
    with pytest.raises(PermissionDenied):
        services.incident_edit.mark_duplicate(partner, case.id, b, a)


# ----- incidents -------------------------------------------------------------------------------------------


def test_correct_an_incident_keeps_the_original_line_struck_through(services, case):
    joan = _party(services, case.id, "Joan Platt")
    police = next(a for a, n in services.intake.options().agencies if n == "Derbyshire Constabulary")
    out = _incident(services, case.id, joan.id, date(2026, 11, 20), description="Stones thown")
    d = services.incident_edit.detail(case.id, out.incident_id)
    assert d.value.place is None and d.case_place.startswith("Eureka Park")
    new = replace(
        d.value,
        occurred_at=datetime(2026, 11, 19, 22, 15),
        description="Stones thrown at windows",
        reporting_agency_id=police,
        police_reference="DC-991",
        category="criminal_damage",
        place=LocationInput(place_name="Maurice Lea Park", town="Church Gresley", place_type="park"),
    )
    services.incident_edit.edit(
        services.actor,
        case.id,
        out.incident_id,
        d.version,
        d.value,
        new,
        reason="Typed from the wrong diary sheet",
    )

    (row,) = services.incidents.incidents(case.id)
    assert row.occurred_at == datetime(2026, 11, 19, 22, 15) and row.description == "Stones thrown at windows"
    assert row.agency == "Derbyshire Constabulary" and row.category_label == "Criminal damage"
    again = services.incident_edit.detail(case.id, out.incident_id)
    assert again.value.place.place_name == "Maurice Lea Park"
    lines = [c for c in _chronology(services, case.id) if c.kind == "incident"]
    old = next(c for c in lines if c.superseded)
    new_line = next(c for c in lines if not c.superseded)
    assert old.summary == "Incident: Stones thown" and new_line.corrects_id == old.id
    assert new_line.summary == "Incident: Stones thrown at windows (police ref DC-991)"
    assert new_line.occurred_at == datetime(2026, 11, 19, 22, 15)
    assert "When it happened: 20/11/2026 20:00 → 19/11/2026 22:15" in new_line.body
    assert "Place: where the case is → Maurice Lea Park, Church Gresley (park)" in new_line.body
    assert "Why: Typed from the wrong diary sheet" in new_line.body
    today_line = next(
        c for c in _chronology(services, case.id) if c.summary.startswith("Incident of 20/11/2026")
    )
    assert today_line.occurred_at.date() == TODAY and today_line.kind == "note"
    assert today_line.summary == (
        "Incident of 20/11/2026 20:00 corrected: when it happened, reported to, police "
        "reference, category, what happened, place"
    )
    (details,) = [
        d for a, summary, d in _audits(services, out.incident_id) if summary.endswith("incident corrected")
    ]
    assert details["what_happened"] == ["Stones thown", "Stones thrown at windows"]
    assert details["reason"] == "Typed from the wrong diary sheet"


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"occurred_at": datetime(2026, 12, 1, 20)}, "occurred_at", "cannot be in the future"),
        ({"reported_on": date(2026, 11, 27)}, "reported_on", "cannot be in the future"),
        (
            {"reported_on": date(2026, 11, 1)},
            "reported_on",
            "cannot have been reported (01/11/2026) before it happened",
        ),
        ({"description": " "}, "description", "Say what happened"),
        ({"reporter_party_id": None, "reporter_name": ""}, "reporter", "who reported it"),
        ({"place": LocationInput(postcode="XX")}, "place_postcode", "not a UK postcode"),
    ],
)
def test_incident_edit_bad_input_is_refused_and_nothing_saved(services, case, change, field, words):
    joan = _party(services, case.id, "Joan Platt")
    out = _incident(services, case.id, joan.id, date(2026, 11, 20))
    d = services.incident_edit.detail(case.id, out.incident_id)
    with pytest.raises(ValidationError) as e:
        services.incident_edit.edit(
            services.actor, case.id, out.incident_id, d.version, d.value, replace(d.value, **change)
        )
    assert words in e.value.fields[field]
    assert services.incident_edit.detail(case.id, out.incident_id).value == d.value


def test_two_windows_correcting_one_incident(services, case):
    joan = _party(services, case.id, "Joan Platt")
    out = _incident(services, case.id, joan.id, date(2026, 11, 20))
    mine = services.incident_edit.detail(case.id, out.incident_id)
    theirs = services.incident_edit.detail(case.id, out.incident_id)
    services.incident_edit.edit(
        services.actor,
        case.id,
        out.incident_id,
        theirs.version,
        theirs.value,
        replace(theirs.value, police_reference="DC-1"),
    )
    with pytest.raises(ConflictError) as e:
        services.incident_edit.edit(
            services.actor,
            case.id,
            out.incident_id,
            mine.version,
            mine.value,
            replace(mine.value, description="Mine"),
        )
    assert "police reference: (blank) → DC-1" in str(e.value)
    assert services.incidents.incidents(case.id)[0].description == "Stones thrown"


def test_correcting_the_reporter_can_make_a_second_report_and_prompt(services, case):
    joan = _party(services, case.id, "Joan Platt")
    kyle = _party(services, case.id, "Kyle Dunmore")
    _incident(services, case.id, joan.id, date(2026, 10, 1))
    wrong = _incident(services, case.id, kyle.id, date(2026, 11, 20))
    assert wrong.case_review_prompt is None
    d = services.incident_edit.detail(case.id, wrong.incident_id)
    out = services.incident_edit.edit(
        services.actor,
        case.id,
        wrong.incident_id,
        d.version,
        d.value,
        replace(d.value, reporter_party_id=joan.id),
    )
    assert out.case_review_prompt is not None and out.case_review_prompt.name == "Joan Platt"
    assert out.case_review_prompt.reports_in_window == 2


# ----- duplicates ------------------------------------------------------------------------------------------


def test_a_duplicate_counts_once_and_the_repeat_victim_flag_follows(services, case):
    joan = _party(services, case.id, "Joan Platt")
    police = next(a for a, n in services.intake.options().agencies if n == "Derbyshire Constabulary")
    first = _incident(services, case.id, joan.id, date(2026, 11, 10))
    again = _incident(services, case.id, joan.id, date(2026, 11, 11), reporting_agency_id=police)
    third = _incident(services, case.id, joan.id, date(2026, 11, 20))
    assert third.repeat_victim and services.case_edit.detail(case.id).repeat_victim
    assert services.incidents.reporter_counts(case.id) == [("Joan Platt", 3)]

    out = services.incident_edit.mark_duplicate(services.actor, case.id, again.incident_id, first.incident_id)
    assert out.repeat_victim_cleared and not services.case_edit.detail(case.id).repeat_victim
    assert services.incidents.reporter_counts(case.id) == [("Joan Platt", 2)]
    rows = {r.id: r for r in services.incidents.incidents(case.id)}
    assert rows[again.incident_id].duplicate_of_id == first.incident_id
    summaries = [c.summary for c in _chronology(services, case.id)]
    assert (
        "Incident of 11/11/2026 20:00 marked as a duplicate of the incident of 10/11/2026 20:00: counted once"
        in summaries
    )
    assert "Repeat victim flag taken off" in summaries

    out = services.incident_edit.unmark_duplicate(services.actor, case.id, again.incident_id)
    assert out.repeat_victim and services.case_edit.detail(case.id).repeat_victim
    assert services.incidents.reporter_counts(case.id) == [("Joan Platt", 3)]
    assert any(
        s.endswith("no longer marked as a duplicate: counted on its own")
        for s in (c.summary for c in _chronology(services, case.id))
    )


def test_duplicate_marks_point_at_the_report_that_counts_and_refuse_nonsense(services, case):
    joan = _party(services, case.id, "Joan Platt")
    a = _incident(services, case.id, joan.id, date(2026, 11, 10)).incident_id
    b = _incident(services, case.id, joan.id, date(2026, 11, 11)).incident_id
    c = _incident(services, case.id, joan.id, date(2026, 11, 12)).incident_id
    services.incident_edit.mark_duplicate(services.actor, case.id, b, a)
    services.incident_edit.mark_duplicate(services.actor, case.id, c, b)  # b is a duplicate: c points at a
    rows = {r.id: r for r in services.incidents.incidents(case.id)}
    assert rows[c].duplicate_of_id == a
    with pytest.raises(ValidationError, match="itself"):
        services.incident_edit.mark_duplicate(services.actor, case.id, a, a)
    with pytest.raises(ValidationError, match="already marked as a duplicate of this one"):
        services.incident_edit.mark_duplicate(services.actor, case.id, a, b)
    with pytest.raises(ValidationError, match="already counted as a duplicate"):
        services.incident_edit.mark_duplicate(services.actor, case.id, b, c)
    other = open_case(services, title="Another case")
    elsewhere = services.incidents.add_incident(
        services.actor,
        other.id,
        IncidentInput(
            occurred_at=datetime(2026, 11, 1, 20),
            reported_on=date(2026, 11, 1),
            description="x",
            reporter_name="Someone",
        ),
    ).incident_id
    with pytest.raises(ValidationError, match="on this case"):
        services.incident_edit.mark_duplicate(services.actor, case.id, a, elsewhere)
    with pytest.raises(ValidationError, match="not marked as a duplicate"):
        services.incident_edit.unmark_duplicate(services.actor, case.id, a)


def test_a_duplicate_marked_in_another_window_is_a_conflict(services, case):
    joan = _party(services, case.id, "Joan Platt")
    a = _incident(services, case.id, joan.id, date(2026, 11, 10)).incident_id
    b = _incident(services, case.id, joan.id, date(2026, 11, 11)).incident_id
    seen = next(r for r in services.incidents.incidents(case.id) if r.id == b)
    services.incident_edit.mark_duplicate(services.actor, case.id, b, a, expected_version=seen.version)
    with pytest.raises(ConflictError, match="changed by someone else"):
        services.incident_edit.mark_duplicate(services.actor, case.id, b, a, expected_version=seen.version)


def test_two_people_reporting_one_incident_are_two_reporters_but_one_incident():
    reports = [
        ("Joan", date(2026, 11, 10), "i1"),
        ("Joan", date(2026, 11, 11), "i1"),
        ("Mr Singh", date(2026, 11, 10), "i1"),
        ("Joan", date(2026, 11, 20), "i3"),
    ]
    assert reporter_counts(reports, TODAY) == [("Joan", 2), ("Mr Singh", 1)]


def test_the_case_review_threshold_does_not_count_a_marked_duplicate(services, case):
    joan = _party(services, case.id, "Joan Platt")
    ids = [
        _incident(services, case.id, joan.id, d).incident_id
        for d in (date(2026, 10, 1), date(2026, 11, 2), date(2026, 11, 3))
    ]
    app_id = services.case_reviews.record_application(
        services.actor,
        ApplicationInput(
            received_on=TODAY,
            channel="email",
            applicant_name="Joan Platt",
            applicant_kind="person",
            problem="Stones at my windows",
            applicant_contact="12 Oak Street",
            case_ids=(case.id,),
        ),
    )
    assert services.case_reviews.assessment(app_id).count == 3
    services.incident_edit.mark_duplicate(services.actor, case.id, ids[2], ids[1])
    a = services.case_reviews.assessment(app_id)
    assert a.count == 2 and not a.threshold_met
    assert [e.reason.value for e in a.excluded] == ["duplicate"]


# ----- the Case Review prompt's answer ---------------------------------------------------------------------


def test_answering_no_is_recorded_and_the_same_run_of_reports_does_not_ask_again(services, case):
    joan = _party(services, case.id, "Joan Platt")
    _incident(services, case.id, joan.id, date(2026, 9, 1))
    second = _incident(services, case.id, joan.id, date(2026, 10, 1))
    prompt = second.case_review_prompt
    assert prompt is not None and prompt.reported_on == date(2026, 10, 1) and prompt.reports_in_window == 2
    services.incidents.record_case_review_not_told(services.actor, case.id, prompt)

    line = next(c for c in _chronology(services, case.id) if c.summary.startswith("Case Review prompt"))
    assert line.summary == "Case Review prompt: Joan Platt not yet told about the ASB Case Review"
    assert "01/10/2026 was Joan Platt's second report within 6 months" in line.body
    assert "answered No" in line.body
    assert _party(services, case.id, "Joan Platt").case_review_not_told_for == date(2026, 10, 1)
    (details,) = [
        d for _a, summary, d in _audits(services, joan.id) if "Case Review prompt answered No" in summary
    ]
    assert details["answer"] == "not told" and details["report_on"] == "2026-10-01"
    # The same run of reports: not asked again.
    assert _incident(services, case.id, joan.id, date(2026, 11, 20)).case_review_prompt is None
    # "Yes" later still records that they were told.
    services.incidents.record_case_review_told(services.actor, case.id, joan.id)
    assert _party(services, case.id, "Joan Platt").case_review_told_on == TODAY


def test_after_a_gap_a_new_second_report_asks_again(services, case):
    joan = _party(services, case.id, "Joan Platt")
    _incident(services, case.id, joan.id, date(2025, 9, 1))
    second = _incident(services, case.id, joan.id, date(2025, 10, 1))
    services.incidents.record_case_review_not_told(services.actor, case.id, second.case_review_prompt)
    _incident(services, case.id, joan.id, date(2026, 6, 1))  # eight months later: back to a first report
    assert _incident(services, case.id, joan.id, date(2026, 7, 1)).case_review_prompt is not None


def test_a_duplicate_report_never_prompts(services, case):
    joan = _party(services, case.id, "Joan Platt")
    first = _incident(services, case.id, joan.id, date(2026, 11, 10))
    dup = _incident(services, case.id, joan.id, date(2026, 11, 11), duplicate_of_id=first.incident_id)
    assert dup.case_review_prompt is None and services.incidents.reporter_counts(case.id) == [
        ("Joan Platt", 1)
    ]


def test_same_run_of_reports_rule():
    runs = [date(2026, 1, 1), date(2026, 3, 1), date(2026, 8, 1), date(2027, 3, 1)]
    assert same_run_of_reports(runs, date(2026, 3, 1), date(2026, 8, 1), 6)
    assert not same_run_of_reports(runs, date(2026, 3, 1), date(2027, 3, 1), 6)  # seven months' gap
    assert same_run_of_reports(runs, date(2026, 3, 1), date(2026, 1, 1), 6)  # an older report entered late


def test_a_future_incident_date_gets_its_own_message_not_a_second_one(services, case):
    with pytest.raises(ValidationError) as e:
        services.incidents.add_incident(
            services.actor,
            case.id,
            IncidentInput(
                occurred_at=datetime(2026, 12, 1, 21),
                reported_on=date(2026, 11, 8),
                description="x",
                reporter_name="A",
            ),
        )
    assert set(e.value.fields) == {"occurred_at"}
