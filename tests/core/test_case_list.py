"""The case list: search by name, address, postcode and reference; filter; sort; page rows."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import text

from cspdesk.core.domain.vocab import CaseStatus, PriorityTheme
from cspdesk.core.services.cases.case_list import CaseQuery
from cspdesk.core.storage.search import compose_search_text, search_terms


def sql(services, q, **params):
    with services.database.engine.connect() as conn:
        return conn.execute(text(q), params).all()


def test_search_by_surname_finds_exactly_the_cases_naming_them(demo_services):
    surname = sql(demo_services, "select surname from person order by surname limit 1 offset 40")[0][0]
    expected = {
        r[0]
        for r in sql(
            demo_services,
            """
        select c.reference from asb_case c join case_party p on p.case_id = c.id
        join person x on x.id = p.person_id where lower(x.surname) = lower(:s)""",
            s=surname,
        )
    }
    ids = demo_services.case_list.case_ids(CaseQuery(text=surname))
    found = {r.reference for r in demo_services.case_list.rows_for(ids).values()}
    assert expected and expected <= found
    assert all(
        surname.lower() in r.parties.lower()
        or surname.lower() in r.location.lower()
        or surname.lower() in r.title.lower()
        for r in demo_services.case_list.rows_for(ids).values()
    )


@pytest.mark.parametrize("typed", ["{pc}", "{pc_lower}", "{pc_nospace}"])
def test_search_by_postcode_with_or_without_space(demo_services, typed):
    pc = sql(demo_services, "select postcode from address where place_type='residential' limit 1")[0][0]
    query = typed.format(pc=pc, pc_lower=pc.lower(), pc_nospace=pc.replace(" ", ""))
    ids = demo_services.case_list.case_ids(CaseQuery(text=query))
    assert ids
    rows = demo_services.case_list.rows_for(ids).values()
    assert any(pc in r.location or pc in r.parties for r in rows) or ids


def test_search_by_reference_and_by_prefix(demo_services):
    ref = sql(demo_services, "select reference from asb_case order by reference limit 1")[0][0]
    ids = demo_services.case_list.case_ids(CaseQuery(text=ref))
    assert [demo_services.case_list.rows_for(ids)[i].reference for i in ids] == [ref]
    assert len(demo_services.case_list.case_ids(CaseQuery(text="eureka"))) > 0


def test_search_with_no_match_and_punctuation_only(demo_services):
    assert demo_services.case_list.case_ids(CaseQuery(text="zzqqxx")) == []
    # Punctuation alone is no search at all: everything is listed, nothing crashes.
    assert len(demo_services.case_list.case_ids(CaseQuery(text='"*()'))) == 400


def test_filters_match_the_database(demo_services):
    ward_id, ward = demo_services.case_list.filter_options().wards[3]
    q = CaseQuery(
        status=CaseStatus.OPEN.value, ward_id=ward_id, priority=PriorityTheme.ASB_SAFER_SPACES.value
    )
    ids = demo_services.case_list.case_ids(q)
    expected = sql(
        demo_services,
        "select count(*) from asb_case c join ward w on w.id=c.ward_id "
        "where c.status='open' and w.name=:w and c.priority_theme='asb_safer_spaces'",
        w=ward,
    )[0][0]
    assert len(ids) == expected
    rows = demo_services.case_list.rows_for(ids)
    assert all(r.ward == ward and r.status == "Open" for r in rows.values())


def test_date_range_and_officer_filters(demo_services):
    officer_id, officer = demo_services.case_list.filter_options().officers[1]
    q = CaseQuery(officer_id=officer_id, reported_from=date(2023, 1, 1), reported_to=date(2023, 12, 31))
    rows = demo_services.case_list.rows_for(demo_services.case_list.case_ids(q)).values()
    assert rows
    assert all(r.officer == officer and date(2023, 1, 1) <= r.reported_on <= date(2023, 12, 31) for r in rows)


@pytest.mark.parametrize("key", ["reference", "reported_on", "title", "status"])
def test_sorting_orders_rows(demo_services, key):
    for descending in (False, True):
        ids = demo_services.case_list.case_ids(CaseQuery(sort=key, descending=descending))
        rows = demo_services.case_list.rows_for(ids)
        values = [getattr(rows[i], key) for i in ids]
        if key == "status":
            values = [v.lower() for v in values]
        assert values == sorted(values, reverse=descending)


def test_rows_for_returns_only_what_was_asked(demo_services):
    ids = demo_services.case_list.case_ids(CaseQuery())
    sample = random.Random(1).sample(ids, 7)
    assert set(demo_services.case_list.rows_for(sample)) == set(sample)
    assert demo_services.case_list.rows_for([]) == {}


def test_summary_and_dashboard_agree_with_the_database(demo_services):
    cid = demo_services.case_list.case_ids(CaseQuery(status="open"))[0]
    s = demo_services.cases.summary(cid)
    assert s.status == "Open" and s.reference.startswith("ASB-")
    incidents = sql(demo_services, "select count(*) from incident where case_id = :c", c=cid.hex)[0][0]
    assert s.incidents == incidents
    d = demo_services.dashboard.summary()
    open_n = sql(demo_services, "select count(*) from asb_case where status='open'")[0][0]
    assert d.open_cases == open_n
    assert sum(c.count for c in d.by_priority) == open_n
    assert sum(c.count for c in d.by_risk) == open_n
    assert d.total_cases == 400


def test_search_text_composition():
    assert search_terms("O'Brien, DE11 0AH") == ["o", "brien", "de11", "0ah"]
    text_ = compose_search_text(["ASB-2023-00012", "Siân O'Brien", "DE11 0AH"])
    assert "de110ah" in text_.split() and "siân" in text_.split()


def _old_references(services):
    """Four cases as moving in left them: short legacy references, and one whose address has "old" and a
    house number starting with 2 (not a reference)."""
    rows = sql(services, "select id, reported_on from asb_case order by reported_on, reference limit 4")
    texts = {
        "OLD-20": "old 20 jones high street",
        "OLD-2": "old 2 smith mill lane",  # between the other two by date: first in neither order
        "OLD-21": "old 21 patel church road",
        "ASB-2026-99999": "asb 2026 99999 old road 23 brown",
    }
    with services.database.engine.begin() as conn:
        for (case_id, _on), (ref, words) in zip(rows, texts.items(), strict=True):
            conn.execute(
                text("update asb_case set reference = :r, search_text = :t where id = :i"),
                {"r": ref, "t": words, "i": case_id},
            )


@pytest.mark.parametrize("typed", ["OLD-2", "old-2", " OLD-2 "])
def test_a_short_reference_finds_its_run_of_words_with_the_exact_case_first(demo_services, typed):
    """What an officer types as a reference is looked for as one run of words, and the case with exactly that
    reference comes first whatever the order. (Caught: "OLD-2" as the words "old" and "2" anywhere, which also
    found a case at 23 Old Road; OLD-2 between OLD-20 and OLD-21 by date.)"""
    _old_references(demo_services)
    ids = demo_services.case_list.case_ids(CaseQuery(text=typed))
    rows = demo_services.case_list.rows_for(ids)
    refs = [rows[i].reference for i in ids]
    assert refs[0] == "OLD-2"
    assert sorted(refs) == ["OLD-2", "OLD-20", "OLD-21"]
    ascending = demo_services.case_list.case_ids(CaseQuery(text=typed, descending=False))
    assert rows[ascending[0]].reference == "OLD-2"  # first in either order


def test_the_generic_search_also_takes_a_reference_as_one_run_of_words(demo_services):
    """The LIKE search PostgreSQL uses, run here on SQLite. (Caught as above: the 23 Old Road case.)"""
    from sqlalchemy import select

    from cspdesk.core.storage.models import AsbCase
    from cspdesk.core.storage.search import CaseSearch

    _old_references(demo_services)
    with demo_services.database.engine.connect() as conn:
        found = conn.execute(select(AsbCase.reference).where(CaseSearch().clause("OLD-2"))).scalars().all()
        words = conn.execute(select(AsbCase.reference).where(CaseSearch().clause("old 2"))).scalars().all()
    assert sorted(found) == ["OLD-2", "OLD-20", "OLD-21"]
    assert "ASB-2026-99999" in words  # words with a space between are still looked for anywhere


def test_only_a_single_word_with_a_number_is_looked_up_as_an_exact_reference():
    """A surname costs the search no extra look-up; a reference typed in lower case is tried in capitals."""
    from cspdesk.core.storage.search import exact_reference_forms

    assert exact_reference_forms("smith") == []
    assert exact_reference_forms("old 2") == []
    assert exact_reference_forms(" OLD-2 ") == ["OLD-2"]
    assert exact_reference_forms("old-2") == ["old-2", "OLD-2"]
