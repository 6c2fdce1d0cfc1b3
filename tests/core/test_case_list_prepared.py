"""The case list's ids on SQLite come from statements compiled once per shape and run on the driver
(storage.prepared); they must be exactly what the same query through SQLAlchemy gives."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from cspdesk.core.services.cases.case_list import SORT_COLUMNS, CaseQuery
from cspdesk.core.storage.encryption import connect_file


def _through_sqlalchemy(case_list, q):
    prepared, case_list._prepared = case_list._prepared, None
    try:
        return list(case_list.case_ids(q))
    finally:
        case_list._prepared = prepared


def _queries(demo_db_path):
    con = connect_file(demo_db_path)
    ward = uuid.UUID(
        con.execute("SELECT ward_id FROM asb_case WHERE ward_id IS NOT NULL LIMIT 1").fetchone()[0]
    )
    officer = uuid.UUID(
        con.execute("SELECT officer_id FROM asb_case WHERE officer_id IS NOT NULL LIMIT 1").fetchone()[0]
    )
    surname = con.execute("SELECT surname FROM person WHERE surname IS NOT NULL LIMIT 1").fetchone()[0]
    postcode = con.execute("SELECT postcode FROM address WHERE postcode IS NOT NULL LIMIT 1").fetchone()[0]
    reference = con.execute("SELECT reference FROM asb_case LIMIT 1").fetchone()[0]
    con.close()
    base = [
        CaseQuery(),
        CaseQuery(status="open"),
        CaseQuery(status="closed", priority="asb_safer_spaces"),
        CaseQuery(category="youth_asb"),
        CaseQuery(ward_id=ward),
        CaseQuery(officer_id=officer),
        CaseQuery(risk_level="high"),
        CaseQuery(reported_from=date(2022, 4, 1), reported_to=date(2023, 3, 31)),
        CaseQuery(review_due_by=date(2026, 11, 26)),
        CaseQuery(inactive_before=date(2026, 6, 1)),
        CaseQuery(text=surname),
        CaseQuery(text=postcode),
        CaseQuery(text=reference),
        CaseQuery(text="!!!"),
        CaseQuery(text="zzzznothing"),
        CaseQuery(text=surname, status="open", ward_id=ward),
        CaseQuery(status="open", officer_id=officer, reported_from=date(2025, 1, 1)),
    ]
    sorts = [CaseQuery(status="open", sort=s, descending=d) for s in SORT_COLUMNS for d in (True, False)]
    return [*base, *sorts, CaseQuery(sort="no such column")]


def test_every_shape_of_list_gives_what_sqlalchemy_gives(demo_services, demo_db_path):
    case_list = demo_services.case_list
    assert case_list._prepared is not None  # SQLite: the prepared path is the one in use
    queries = _queries(demo_db_path)
    nonempty = 0
    for q in queries:
        got = list(case_list.case_ids(q))
        assert got == _through_sqlalchemy(case_list, q), q
        nonempty += bool(got)
    assert nonempty >= len(queries) - 3  # the comparisons are over real lists, not empty ones


@pytest.mark.parametrize("first,second", [("open", "closed"), ("closed", "open")])
def test_a_shape_compiled_once_still_takes_each_querys_own_values(demo_services, first, second):
    case_list = demo_services.case_list
    a = list(case_list.case_ids(CaseQuery(status=first)))
    b = list(case_list.case_ids(CaseQuery(status=second)))
    assert a and b and not set(a) & set(b)
    assert b == _through_sqlalchemy(case_list, CaseQuery(status=second))
