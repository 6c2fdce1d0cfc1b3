"""The notice register over the demo data: the plan's figures, filters, the
due view, counts and drill-down."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text

from cspdesk.core.domain.deadlines import EnforcementRules, compute_dates
from cspdesk.core.domain.enforcement import TRANSITIONS, Stage, allowed_transitions
from cspdesk.core.domain.enforcement_guards import age_on
from cspdesk.core.domain.vocab import NoticeKind
from cspdesk.core.services.enforcement.enforcement_register import NoticeQuery
from tests.enforcement_world import TODAY

FY_2022 = (date(2022, 4, 1), date(2023, 3, 31))


def sql(services, q, **params):
    """Raw rows, with dates as ``date`` on any database (SQLite returns them as ISO text)."""
    with services.database.engine.connect() as c:
        return [tuple(_day(v) for v in row) for row in c.execute(text(q), params).all()]


def _day(value):
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return date.fromisoformat(value)
    return value


def test_demo_year_2022_23_has_the_plans_figures(demo_services):
    report = demo_services.notices.counts(*FY_2022)
    by_kind = {line.kind_code: line.issued for line in report.lines}
    assert by_kind["cpw"] == 56
    assert (report.cpn_following_cpw, report.fpn_following_cpn) == (11, 5)
    assert report.action_taken == [
        "Issued 56x Community Protection Notice Warnings (CPNWs) to individuals committing ASB.",
        "Issued 11x Community Protection Notices (CPNs) for breaches of the above CPNWs and 5x Fixed Penalty "
        "Notices for breach of CPN.",
    ]
    assert by_kind["warning_letter"] > 0 and by_kind["abc"] > 0


def test_demo_years_after_have_similar_numbers_up_to_today(demo_services):
    for year in (2023, 2024, 2025):
        report = demo_services.notices.counts(date(year, 4, 1), date(year + 1, 3, 31))
        cpw = next(line.issued for line in report.lines if line.kind_code == "cpw")
        assert 40 <= cpw <= 70 and 5 <= report.cpn_following_cpw <= 18 and report.fpn_following_cpn <= 10
    assert not sql(demo_services, "select 1 from enforcement_notice where issued_on > :t", t=TODAY)


def test_demo_cpw_and_cpn_only_to_people_16_or_over_on_the_day(demo_services):
    rows = sql(
        demo_services,
        "select n.issued_on, p.date_of_birth from enforcement_notice n "
        "join case_party cp on cp.id = n.party_id join person p on p.id = cp.person_id "
        "where n.kind in ('cpw', 'cpn')",
    )
    assert rows and all(age_on(dob, on) >= 16 for on, dob in rows)


def test_demo_stages_follow_the_state_machine_and_dates_are_computed(demo_services):
    notices = sql(
        demo_services,
        "select id, kind, stage, issued_on, comply_by, appeal_by, pay_by, expires_on from enforcement_notice",
    )
    events = {}
    for nid, frm, to in sql(
        demo_services,
        "select notice_id, from_stage, to_stage from notice_event "
        "where event = 'stage' order by occurred_on, created_at",
    ):
        events.setdefault(nid, []).append((frm, to))
    for nid, kind, stage, issued, comply_by, appeal_by, pay_by, expires in notices:
        path = events[nid]
        assert path[0] == (None, "draft") and path[-1][1] == stage
        for frm, to in path[1:]:
            assert Stage(to) in allowed_transitions(kind, frm), (kind, frm, to)
        dates = compute_dates(
            kind, issued, EnforcementRules(), ends_on=(expires if kind in ("civil_injunction",) else None)
        )
        assert (dates.comply_by, dates.appeal_by, dates.pay_by) == (comply_by, appeal_by, pay_by)
    assert {k.value for k in TRANSITIONS} >= {r[1] for r in notices}


def test_due_view_is_the_overdue_and_upcoming_dates_in_order(demo_services):
    due = demo_services.notices.due(within_days=14)
    assert due, "the demo leaves some dates due"
    assert [d.due_on for d in due] == sorted(d.due_on for d in due)
    assert any(d.overdue for d in due) and all(d.due_on <= TODAY + timedelta(days=14) for d in due)
    assert all(d.overdue == (d.due_on < TODAY) for d in due)
    expected = sql(
        demo_services,
        "select count(*) from enforcement_notice where next_due_on <= :h",
        h=TODAY + timedelta(days=14),
    )[0][0]
    assert len(due) <= expected
    kinds = {d.kind_code for d in due}
    assert kinds & {"cpw", "cpn", "abc", "fpn"}


def test_my_work_is_the_due_view_for_one_officer(demo_services):
    due = demo_services.notices.due(within_days=60)
    officer = due[0].officer
    _, officers = demo_services.notices.filter_options()
    officer_id = next(i for i, name in officers if name == officer)
    mine = demo_services.notices.due(within_days=60, officer_id=officer_id)
    assert mine and {d.officer for d in mine} == {officer}
    assert len(mine) == sum(1 for d in due if d.officer == officer)


def test_register_filters_match_the_database(demo_services):
    reg = demo_services.notices
    assert (
        len(reg.notice_ids(NoticeQuery()))
        == sql(demo_services, "select count(*) from enforcement_notice")[0][0]
    )
    ids = reg.notice_ids(NoticeQuery(kind="cpn", stage="active"))
    assert (
        len(ids)
        == sql(demo_services, "select count(*) from enforcement_notice where kind='cpn' and stage='active'")[
            0
        ][0]
    )
    rows = reg.rows_for(ids)
    assert {r.kind_code for r in rows.values()} == {"cpn"} and {r.stage for r in rows.values()} == {"Active"}
    wards, _ = reg.filter_options()
    ward_id, ward_name = next(w for w in wards if reg.notice_ids(NoticeQuery(ward_id=w[0])))
    assert {r.ward for r in reg.rows_for(reg.notice_ids(NoticeQuery(ward_id=ward_id))).values()} == {
        ward_name
    }
    dated = reg.notice_ids(
        NoticeQuery(issued_from=FY_2022[0], issued_to=FY_2022[1], sort="issued_on", descending=False)
    )
    issued = [reg.rows_for([i])[i].issued_on for i in dated]
    assert issued == sorted(issued) and FY_2022[0] <= issued[0] and issued[-1] <= FY_2022[1]


def test_register_text_search_finds_by_reference_or_name(demo_services):
    reg = demo_services.notices
    some = reg.rows_for(reg.notice_ids(NoticeQuery(kind="cpw"))[:1])
    row = next(iter(some.values()))
    assert row.id in reg.notice_ids(NoticeQuery(text=row.reference))
    surname = row.recipient.split()[-1]
    found = reg.rows_for(reg.notice_ids(NoticeQuery(text=surname)))
    assert row.id in found and all(
        surname.lower() in (r.recipient + r.reference + r.case_reference).lower() for r in found.values()
    )


def test_detail_of_a_demo_cpn_shows_its_history_and_next_moves(demo_services):
    reg = demo_services.notices
    cpn_id = reg.notice_ids(NoticeQuery(kind="cpn", stage="active"))[0]
    d = reg.detail(cpn_id)
    assert d.parent is not None and d.parent.kind == NoticeKind.CPW.label
    assert [code for code, _ in d.allowed] == ["breached", "complied", "expired", "withdrawn"]
    assert d.events[0].to_stage == "draft" and d.requirements and d.informed
    assert ("Appeal by", d.appeal_by) in d.dates


def test_find_cases_and_perpetrators_for_a_new_step(demo_services):
    reg = demo_services.notices
    ref = sql(
        demo_services,
        "select c.reference from asb_case c join case_party p on p.case_id = c.id "
        "where p.role = 'perpetrator' and p.person_id is not null limit 1",
    )[0][0]
    picks = reg.find_cases(ref)
    assert picks[0].reference == ref
    people = reg.perpetrators(picks[0].id)
    assert people and all(p.age is not None for p in people)
