"""An office sharing one database: two copies of CSPDesk at once, text the database cannot hold, and
the server-only parts of opening a database (the `postgres` tests need CSPDESK_TEST_PG_URL)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select, text

from cspdesk.cli import main
from cspdesk.core.clock import FixedClock
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import ConflictError, DatabaseProblem, ValidationError
from cspdesk.core.services.cases.case_list import CaseQuery
from cspdesk.core.services.registry import build_services
from cspdesk.core.storage.database import head_revision, open_database
from cspdesk.core.storage.models import AsbCase
from tests.core.case_helpers import TODAY, complainant, form, open_case


@pytest.fixture
def second_computer(services):
    """Another copy of CSPDesk on the same database, signed in as another officer."""
    services.users.add_user(services.actor, "jo.officer", "Jo Officer", Role.OFFICER)
    db = open_database(services.database.url)
    yield build_services(db, "jo.officer", clock=FixedClock(TODAY))
    db.engine.dispose()


def test_a_save_from_another_computer_is_seen_and_a_stale_save_is_told_what_changed(
    services, second_computer
):
    case = open_case(services)
    here = services.case_edit.detail(case.id)
    there = second_computer.case_edit.detail(case.id)
    assert there.reference == case.reference

    second_computer.case_edit.save(
        second_computer.actor, case.id, there.version, there.editable(), {"title": "Youths at Eureka Park"}
    )
    with pytest.raises(ConflictError) as e:
        services.case_edit.save(services.actor, case.id, here.version, here.editable(), {"title": "Mine"})
    assert e.value.changes["title"] == ("Youths gathering at Eureka Park", "Youths at Eureka Park")
    assert services.case_edit.detail(case.id).title == "Youths at Eureka Park"


def test_text_longer_than_its_field_is_refused_beside_the_field_and_nothing_is_saved(services):
    long_surname = "Platt-" + "x" * 120
    with pytest.raises(ValidationError) as e:
        services.intake.open_case(services.actor, form(parties=(complainant(surname=long_surname),)))
    assert (
        e.value.fields["surname"] == "Surname is too long: at most 120 characters, this has 126. "
        "Shorten it and save again."
    )
    assert services.case_list.case_ids(CaseQuery()) == []
    # Exactly at the limit is fine.
    services.intake.open_case(services.actor, form(parties=(complainant(surname="P" * 120),)))
    assert len(services.case_list.case_ids(CaseQuery())) == 1


def test_a_nul_character_is_refused_on_every_database(services):
    with pytest.raises(ValidationError) as e:
        services.intake.open_case(services.actor, form(description="Pasted\x00text"))
    assert "NUL character" in e.value.fields["description"]
    assert services.case_list.case_ids(CaseQuery()) == []


def test_sorting_puts_cases_without_a_review_date_first_going_up_and_last_going_down(services):
    reviewed = open_case(services)
    with services.database.engine.begin() as conn:
        conn.execute(
            AsbCase.__table__.update()
            .where(AsbCase.id == reviewed.id)
            .values(next_review_on=date(2026, 12, 1))
        )
    blank = open_case(services, title="Noise from 14 Oak Street")
    up = services.case_list.case_ids(CaseQuery(sort="next_review_on", descending=False))
    down = services.case_list.case_ids(CaseQuery(sort="next_review_on", descending=True))
    assert list(up) == [blank.id, reviewed.id]
    assert list(down) == [reviewed.id, blank.id]


def test_an_unknown_kind_of_database_is_refused_in_plain_words():
    with pytest.raises(DatabaseProblem, match="SQLite file or on a PostgreSQL server"):
        open_database("mysql://someone@server/cspdesk")


def test_without_the_postgresql_driver_the_message_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if psycopg were not installed
    with pytest.raises(DatabaseProblem, match=r"pip install 'cspdesk\[postgres\]'"):
        open_database("postgresql+psycopg://someone@server/cspdesk")


def test_plain_postgresql_urls_mean_psycopg_and_cspdesk_db_may_hold_one(monkeypatch):
    from cspdesk.core.storage.database import default_database_path, resolve_url

    assert resolve_url("postgresql://u@server/cspdesk") == "postgresql+psycopg://u@server/cspdesk"
    assert resolve_url("postgres://u@server/cspdesk") == "postgresql+psycopg://u@server/cspdesk"
    monkeypatch.setenv("CSPDESK_DB", "postgresql://u@server/cspdesk")  # set once on every office computer
    assert resolve_url(None) == "postgresql+psycopg://u@server/cspdesk"
    assert (
        default_database_path().name == "cspdesk.sqlite"
    )  # a server's URL in CSPDESK_DB is not taken for a file
    from cspdesk.core.services.quick_start import first_screen

    assert first_screen(None) is None  # no quick first screen from a local file: the server is opened


# ----- PostgreSQL only


@pytest.mark.postgres
def test_two_computers_adding_cases_at_the_same_moment_get_different_references(pg_url):
    """Reference numbers are the highest so far plus one: without the numbering lock both computers
    read the same highest and the second save fails."""
    instances = [
        build_services(open_database(pg_url), "admin.user", clock=FixedClock(TODAY)) for _ in range(2)
    ]
    rounds = 8
    start = threading.Barrier(2, timeout=60)
    errors: list[BaseException] = []

    def add_cases(svc):
        try:
            for i in range(rounds):
                start.wait()
                svc.intake.open_case(svc.actor, form(title=f"Case {i}"))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
            start.abort()

    threads = [threading.Thread(target=add_cases, args=(svc,)) for svc in instances]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with instances[0].database.engine.connect() as conn:
        refs = conn.execute(select(AsbCase.reference)).scalars().all()
    assert len(refs) == len(set(refs)) == 2 * rounds
    assert sorted(refs)[-1] == f"ASB-2026-{2 * rounds:05d}"
    for svc in instances:
        svc.database.engine.dispose()


@pytest.mark.postgres
def test_two_computers_starting_a_new_database_together_set_it_up_once(pg_server):
    url = pg_server.create()
    opened: list = []
    errors: list[BaseException] = []
    start = threading.Barrier(2, timeout=60)

    def start_cspdesk():
        try:
            start.wait()
            opened.append(open_database(url))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=start_cspdesk) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert [db.revision for db in opened] == [head_revision()] * 2
    assert all(db.backup is None for db in opened)  # a server is backed up by the server's own tools
    with opened[0].engine.connect() as conn:
        assert conn.execute(text("select count(*) from ward")).scalar() == 15  # reference data once
    for db in opened:
        db.engine.dispose()
    pg_server.drop(url)


@pytest.mark.postgres
def test_a_database_holding_other_tables_is_refused_and_left_alone(pg_server):
    url = pg_server.create()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("create table payroll (id int)"))
    with pytest.raises(DatabaseProblem, match="already holds tables that are not CSPDesk's"):
        open_database(url)
    with engine.connect() as conn:
        assert (
            conn.execute(
                text("select count(*) from information_schema.tables where table_schema = 'public'")
            ).scalar()
            == 1
        )
    engine.dispose()
    pg_server.drop(url)


@pytest.mark.postgres
def test_a_database_made_by_a_newer_cspdesk_is_refused_unchanged(pg_url):
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '9999'"))
    with pytest.raises(DatabaseProblem, match="newer version of CSPDesk"):
        open_database(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == "9999"
    engine.dispose()


@pytest.mark.postgres
def test_a_server_that_cannot_be_reached_is_a_plain_message(tmp_path):
    with pytest.raises(DatabaseProblem, match="cannot reach the database") as e:
        open_database(f"postgresql://cspdesk@/cspdesk?host={tmp_path}")
    assert "Nothing has been changed" in str(e.value)


@pytest.mark.postgres
def test_a_user_who_may_not_create_tables_is_told_and_nothing_is_changed(pg_server):
    url = pg_server.create()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        # PostgreSQL 15 and later: the owner's right to create in "public" comes through pg_database_owner.
        conn.execute(text("revoke create on schema public from pg_database_owner, public"))
    with pytest.raises(DatabaseProblem, match="permission denied for schema public.*must own the database"):
        open_database(url)
    with engine.connect() as conn:
        assert (
            conn.execute(
                text("select count(*) from information_schema.tables where table_schema = 'public'")
            ).scalar()
            == 0
        )
    engine.dispose()
    pg_server.drop(url)


@pytest.mark.postgres
def test_demo_then_check_on_a_server(pg_server, capsys):
    url = pg_server.create()
    assert main(["demo", "--db", url, "--cases", "60", "--seed", "3"]) == 0
    assert main(["check", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "Integrity: ok (PostgreSQL" in out and out.rstrip().endswith("OK")
    db = open_database(url)
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(AsbCase)).scalar() == 60
    db.engine.dispose()
    pg_server.drop(url)


def test_the_search_ignores_case_on_every_database(services):
    case = open_case(services, parties=(replace(complainant(), surname="McALLISTER"),))
    for typed in ("mcallister", "MCALLISTER", "McAllister", "mcall"):
        assert list(services.case_list.case_ids(CaseQuery(text=typed))) == [case.id], typed


@pytest.mark.postgres
def test_without_the_trigram_extension_the_database_is_set_up_and_search_still_works(pg_server):
    """The trigram index that speeds up search needs the right to add pg_trgm; a server that does not
    give it still gets a working database, whose search reads every case."""
    from sqlalchemy import inspect

    url = pg_server.create()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        name = conn.execute(text("select current_database()")).scalar()
        conn.execute(text(f'revoke create on database "{name}" from public, current_user'))
    engine.dispose()
    db = open_database(url)
    assert db.revision == head_revision()
    assert "ix_asb_case_search_trgm" not in {ix["name"] for ix in inspect(db.engine).get_indexes("asb_case")}
    services = build_services(db, "admin.user", clock=FixedClock(TODAY))
    case = open_case(services)
    assert list(services.case_list.case_ids(CaseQuery(text="platt"))) == [case.id]
    db.engine.dispose()
    pg_server.drop(url)
