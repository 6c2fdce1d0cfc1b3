"""Migrations carry real data: a demo written at revision 0001 goes up to head and back down to 0001, on
SQLite and on PostgreSQL, with every row of every table the same at each step.

The fixtures are made by ``tools/make_fixture.py`` (one command; run it after a schema change):
``schema-0001-small-demo.sqlite`` is a 60-case demo written at 0001 on wards and agencies the office typed in
(0002 later brought them as reference data); ``schema-<head>-small-demo.sqlite`` is the same demo at head, on
0002's own reference rows. On PostgreSQL a database is taken to 0001 and the fixture's rows copied into it.

Mutations these tests were seen to fail against (then put back):
- 0002's upgrade adding every reference row again (unique ward name refused: the office's own wards);
- 0002's upgrade without the FTS ``rebuild`` (a case written before it is never found by the search);
- 0002's downgrade back to ``DELETE FROM ward`` etc. (wards that cases point at deleted: refused by the
  foreign keys on both databases).
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, text

from cspdesk.core.paths import db_dir
from cspdesk.core.services.cases.case_query import CaseQuery
from cspdesk.core.services.registry import build_services
from cspdesk.core.storage.database import (
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    open_database,
)
from cspdesk.core.storage.models import AsbCase, Base

FIXTURES = db_dir() / "fixtures"
AT_0001 = FIXTURES / "schema-0001-small-demo.sqlite"
AT_HEAD = FIXTURES / f"schema-{head_revision()}-small-demo.sqlite"
REFERENCE = {"ward", "parish", "agency"}  # 0002's reference data


def _snapshot(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table the models know, as text, in a fixed order."""
    with engine.connect() as conn:
        return {
            table.name: sorted(tuple(repr(v) for v in row) for row in conn.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }


def _migrate(engine: Engine, revision: str, down: bool = False) -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _dangling(engine: Engine) -> int:
    """Rows whose foreign key points at nothing (SQLite's check; PostgreSQL enforces them itself)."""
    if engine.dialect.name != "sqlite":
        return 0
    with engine.connect() as conn:
        return len(conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall())


def _sqlite_copy(fixture: Path, tmp_path: Path) -> Path:
    target = tmp_path / fixture.name
    shutil.copy2(fixture, target)
    return target


def _postgres_copy(fixture: Path, pg_server) -> str:
    """A new PostgreSQL database at 0001 holding the fixture's rows (its reference rows included)."""
    url = pg_server.create()
    engine = make_engine(url)
    _migrate(engine, "0001")
    source = create_engine(f"sqlite:///{fixture}")
    with source.connect() as src, engine.begin() as dst:
        for table in Base.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in src.execute(select(table))]
            if rows:
                dst.execute(table.insert(), rows)
    source.dispose()
    engine.dispose()
    return url


def _up_and_down_keeps_everything(target: str | Path) -> None:
    at_0001 = open_database(target, migrate=False)
    assert at_0001.revision == "0001"
    before = _snapshot(at_0001.engine)
    assert len(before["asb_case"]) == 60 and before["ward"] and before["enforcement_notice"]
    at_0001.engine.dispose()

    db = open_database(target)  # the upgrade a user's start makes
    assert db.revision == head_revision()
    assert _snapshot(db.engine) == before  # nothing lost, nothing doubled (the office's wards kept)
    assert _dangling(db.engine) == 0

    _migrate(db.engine, "0001", down=True)
    assert current_revision(db.engine) == "0001"
    assert _snapshot(db.engine) == before  # 0002's downgrade took nothing of 0001's
    assert _dangling(db.engine) == 0
    _migrate(db.engine, "head")  # and up again
    assert current_revision(db.engine) == head_revision()
    db.engine.dispose()


def _search_finds_an_old_case(target: str | Path) -> None:
    db = open_database(target)
    with db.engine.connect() as conn:
        case_id, search_text = conn.execute(
            select(AsbCase.id, AsbCase.search_text).order_by(AsbCase.reference).limit(1)
        ).one()
    word = search_text.split()[-1]
    services = build_services(db, "fixture.admin")
    found = services.case_list.case_ids(CaseQuery(text=word))
    assert case_id in list(found), f"{word!r} did not find the case written before the upgrade"
    db.engine.dispose()


def _downgrade_keeps_what_is_in_use(target: str | Path) -> None:
    db = open_database(target)
    before = _snapshot(db.engine)
    with db.engine.connect() as conn:
        wards_in_use = {
            uuid.UUID(str(w))
            for (w,) in conn.execute(text("SELECT DISTINCT ward_id FROM asb_case WHERE ward_id IS NOT NULL"))
        }
    assert wards_in_use, "the fixture's cases are on wards"
    _migrate(db.engine, "0001", down=True)
    after = _snapshot(db.engine)
    assert _dangling(db.engine) == 0
    for name in set(before) - REFERENCE:
        assert after[name] == before[name], f"{name} changed on the way down"
    with db.engine.connect() as conn:
        wards_left = {uuid.UUID(str(w)) for (w,) in conn.execute(text("SELECT id FROM ward"))}
    assert wards_in_use <= wards_left  # the cases' wards stay
    # 0002's parishes and agencies that nothing uses are gone (its wards are all used, by cases or parishes)
    assert len(after["parish"]) < len(before["parish"])
    assert len(after["agency"]) < len(before["agency"])
    db.engine.dispose()


def test_0001_data_goes_up_to_head_and_back_down_intact(tmp_path):
    _up_and_down_keeps_everything(_sqlite_copy(AT_0001, tmp_path))


def test_a_case_written_before_the_search_index_is_found_after_the_upgrade(tmp_path, clock):
    _search_finds_an_old_case(_sqlite_copy(AT_0001, tmp_path))


def test_0002_downgrade_keeps_the_wards_and_agencies_records_point_at(tmp_path):
    _downgrade_keeps_what_is_in_use(_sqlite_copy(AT_HEAD, tmp_path))


@pytest.mark.postgres
def test_postgresql_0001_data_goes_up_to_head_and_back_down_intact(pg_server):
    url = _postgres_copy(AT_0001, pg_server)
    _up_and_down_keeps_everything(url)
    pg_server.drop(url)


@pytest.mark.postgres
def test_postgresql_a_case_written_at_0001_is_found_after_the_upgrade(pg_server, clock):
    url = _postgres_copy(AT_0001, pg_server)
    _search_finds_an_old_case(url)
    pg_server.drop(url)


@pytest.mark.postgres
def test_postgresql_0002_downgrade_keeps_the_wards_and_agencies_records_point_at(pg_server):
    url = _postgres_copy(AT_HEAD, pg_server)
    open_database(url).engine.dispose()  # to head
    _downgrade_keeps_what_is_in_use(url)
    pg_server.drop(url)
