"""Area forums (issues become cases, incidents or actions; the printed action
log), saved filters and export."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest

from cspdesk.core.errors import ValidationError
from cspdesk.core.services.cases.actions import ActionInput
from cspdesk.core.services.cases.case_list import CaseQuery
from cspdesk.core.services.cases.saved_filters import query_from_json, query_to_json
from cspdesk.core.services.forums.forums import MeetingInput
from tests.core.case_helpers import TODAY, form, open_case


def _forum(services):
    mid, _ = services.forums.record_forum(
        services.actor,
        MeetingInput(
            "Swadlincote Area Forum",
            date(2026, 11, 18),
            "Civic Offices",
            attendees="Cllr Wheeler; Woodville PC; SNT",
        ),
    )
    return mid


def test_forum_bad_input(services):
    with pytest.raises(ValidationError) as e:
        services.forums.record_forum(services.actor, MeetingInput("", None))
    assert set(e.value.fields) == {"title", "held_on"}
    with pytest.raises(ValidationError) as e:
        services.forums.record_forum(services.actor, MeetingInput("Forum", TODAY + timedelta(days=3)))
    assert "future" in e.value.fields["held_on"]


def test_forum_issues_become_case_incident_and_action_and_the_log_prints(services, tmp_path):
    existing = open_case(services)
    mid = _forum(services)
    services.forums.raise_as_case(
        services.actor,
        mid,
        "Cllr Wheeler",
        form(
            title="Speeding cars on Hearthcote Road",
            category="nuisance_vehicles",
            tags=("nuisance_vehicles",),
            reported_on=date(2026, 11, 18),
            reported_via="area_forum",
            parties=(),
        ),
    )
    services.forums.raise_as_incident(
        services.actor, mid, "Woodville PC", "Youths back at the park on Friday", existing.id
    )
    services.forums.raise_as_action(
        services.actor,
        mid,
        "SNT",
        ActionInput(
            "Extra patrols on Friday evenings", date(2026, 11, 25), owner_user_id=services.actor.user_id
        ),
    )
    issues = services.forums.issues(mid)
    assert [i.became.split(" ")[0] for i in issues] == ["Case", "Incident", "Action,"]
    forum = services.forums.forums()[0]
    assert forum.issues == 3 and forum.open_actions == 1
    assert any(
        r.title == "Speeding cars on Hearthcote Road"
        for r in services.case_list.rows_for(services.case_list.case_ids(CaseQuery())).values()
    )
    assert services.incidents.incidents(existing.id)[0].reporter.startswith("Woodville PC")
    pdf = services.forums.print_action_log(mid, tmp_path / "log.pdf")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Swadlincote Area Forum" in text and "Extra patrols on Friday evenings" in text
    assert "OVERDUE" in text and "OFFICIAL-SENSITIVE" in text


def test_forum_action_needs_owner_and_due_date(services):
    mid = _forum(services)
    with pytest.raises(ValidationError) as e:
        services.forums.raise_as_action(services.actor, mid, "Resident", ActionInput("Cut back hedges"))
    assert {"due_on", "owner"} <= set(e.value.fields)
    assert services.forums.issues(mid) == []


def test_builtin_and_saved_filters(services):
    mine = open_case(services)
    names = [f.name for f in services.saved_filters.filters(services.actor)]
    assert names[:3] == ["My open cases", "My reviews due", "Reviews due"]
    my_open = services.saved_filters.filters(services.actor)[0].query
    assert services.case_list.case_ids(my_open) == [mine.id]
    q = CaseQuery(text="eureka", category="youth_asb", reported_from=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.saved_filters.save(services.actor, "  ", q)
    with pytest.raises(ValidationError):
        services.saved_filters.save(services.actor, "Reviews due", q)
    with pytest.raises(ValidationError):
        services.saved_filters.save(services.actor, "Backwards", q.with_(reported_to=date(2025, 1, 1)))
    fid, _ = services.saved_filters.save(services.actor, "Youth ASB at Eureka", q)
    saved = services.saved_filters.filters(services.actor)[-1]
    assert saved.name == "Youth ASB at Eureka" and saved.query == q and not saved.built_in
    assert services.case_list.case_ids(saved.query) == [mine.id]
    services.saved_filters.delete(services.actor, fid)
    assert "Youth ASB at Eureka" not in [f.name for f in services.saved_filters.filters(services.actor)]


def test_query_json_round_trip(services):
    q = CaseQuery(text="x", ward_id=services.actor.user_id, review_due_by=date(2026, 1, 2), descending=False)
    assert query_from_json(query_to_json(q)) == q


def test_reviews_due_filter_matches_dashboard(demo_services):
    reviews = next(
        f for f in demo_services.saved_filters.filters(demo_services.actor) if f.name == "Reviews due"
    )
    assert (
        len(demo_services.case_list.case_ids(reviews.query)) == demo_services.dashboard.summary().reviews_due
    )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_writes_what_is_on_screen_in_order(demo_services, tmp_path, suffix):
    from cspdesk.core.services.cases.case_export import export_cases

    ids = demo_services.case_list.case_ids(CaseQuery(status="open", sort="reference", descending=False))[:25]
    target = tmp_path / f"cases{suffix}"
    assert export_cases(demo_services.case_list, ids, target) == 25
    refs = [demo_services.case_list.rows_for(ids)[i].reference for i in ids]
    if suffix == ".csv":
        with target.open(encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    else:
        from openpyxl import load_workbook

        rows = [[c for c in r] for r in load_workbook(target).active.iter_rows(values_only=True)]
    assert rows[0][0] == "Reference" and [r[0] for r in rows[1:]] == refs
    with pytest.raises(ValidationError):
        export_cases(demo_services.case_list, ids, tmp_path / "cases.pdf")
