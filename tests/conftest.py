"""Shared fixtures. Qt runs offscreen; every test gets its own database file."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("CSPDESK_USER", "test.officer")
# Every database the tests make is encrypted (SQLCipher), as the app makes them: a random 256-bit key, which
# needs no stretching, so the suite pays only for the page encryption. A test that reads a file itself opens
# it with cspdesk.core.storage.encryption.connect_file (plain sqlite3 would say "file is not a database").
os.environ.setdefault("CSPDESK_DB_KEY", "5e1f" * 16)
# Keep QSettings (window geometry) out of the developer's real profile.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cspdesk-test-config-")
# ... and the app's log (platformdirs' state folder) out of the real one too.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="cspdesk-test-state-")
# ... and IT's machine-wide settings file (core/site_config.py) out of the tests: it may name a real server.
os.environ["XDG_CONFIG_DIRS"] = os.environ["XDG_CONFIG_HOME"]

import pytest  # noqa: E402

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def clock():
    """Every test runs on one frozen clock: 10:00 on TODAY (26/11/2026), whatever the real date. The app reads
    the date only through its clock (cspdesk.core.clock), so a test that needs another day moves this one:
    ``clock.set(date(2027, 2, 28))`` or ``clock.advance(days=1)``."""
    from cspdesk.core import clock as clock_module

    fixed = clock_module.FixedClock(TODAY)
    previous = clock_module.install(fixed)
    yield fixed
    clock_module.install(previous)


PG_URL = os.environ.get("CSPDESK_TEST_PG_URL")
# Tests that get a database only through these fixtures run on SQLite and, when CSPDESK_TEST_PG_URL
# is set, again on PostgreSQL (marked `postgres`). Tests that handle the SQLite file themselves, and
# GUI tests, stay on SQLite.
_DATABASE_FIXTURES = {"services", "demo_services", "database"}
_FILE_FIXTURES = {"db_path", "demo_db_path", "qtbot"}


def pytest_generate_tests(metafunc):
    names = set(metafunc.fixturenames)
    if PG_URL and names & _DATABASE_FIXTURES and not names & _FILE_FIXTURES:
        metafunc.parametrize(
            "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
        )


def pytest_collection_modifyitems(items):
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)
        if item.get_closest_marker("postgres") and not PG_URL:
            item.add_marker(
                pytest.mark.skip(
                    reason="PostgreSQL: set CSPDESK_TEST_PG_URL, or run CSPDESK_PG=1 ./run-tests.sh"
                )
            )


@pytest.fixture
def backend(request) -> str:
    """ "sqlite", or "postgresql" for the PostgreSQL run of a test."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server():
    """Makes and drops the PostgreSQL databases of this test session (fails, never skips, when the
    server named by CSPDESK_TEST_PG_URL cannot be reached)."""
    if not PG_URL:
        pytest.skip("PostgreSQL: set CSPDESK_TEST_PG_URL, or run CSPDESK_PG=1 ./run-tests.sh")
    from tests.pg import PgServer

    server = PgServer(PG_URL)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def _pg_empty_template(pg_server) -> str:
    """A database migrated to head once per session; each test gets its own copy."""
    from cspdesk.core.storage.database import open_database

    url = pg_server.create()
    open_database(url).engine.dispose()
    return url


@pytest.fixture
def pg_url(pg_server, _pg_empty_template):
    """The URL of a new PostgreSQL database at the current schema, dropped after the test."""
    url = pg_server.create(template=_pg_empty_template)
    yield url
    pg_server.drop(url)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "cspdesk.sqlite"


@pytest.fixture
def database(backend, request):
    from cspdesk.core.storage.database import open_database

    target = request.getfixturevalue("pg_url" if backend == "postgresql" else "db_path")
    db = open_database(target)
    yield db
    db.engine.dispose()


@pytest.fixture
def services(database, clock):
    """Services on a new, empty database; the signed-in user is its administrator."""
    from cspdesk.core.services.registry import build_services

    return build_services(database, "admin.user", clock=clock)


def _fill_demo(db) -> None:
    from sqlalchemy.orm import Session

    from cspdesk.core.demo import generate_demo
    from cspdesk.core.demo.extras import default_extras
    from cspdesk.core.services.admin.users import UserService
    from cspdesk.core.storage.uow import uow_factory_for

    UserService(uow_factory_for(db.engine)).sign_in("admin.user")
    with Session(db.engine) as s:
        generate_demo(s, cases=400, seed=7, today=TODAY, extras=default_extras())
        s.commit()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    """One small demo database made once per run; each test gets its own copy."""
    from cspdesk.core.storage.database import open_database, settle_after_bulk_load

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = open_database(path)
    _fill_demo(db)
    settle_after_bulk_load(db.engine)
    db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_demo_template(pg_server) -> str:
    from cspdesk.core.storage.database import open_database, settle_after_bulk_load

    url = pg_server.create()
    db = open_database(url)
    _fill_demo(db)
    settle_after_bulk_load(db.engine)
    db.engine.dispose()
    return url


@pytest.fixture
def demo_db_path(_demo_template, tmp_path) -> Path:
    target = tmp_path / "demo.sqlite"
    shutil.copy2(_demo_template, target)
    return target


@pytest.fixture
def demo_services(backend, request, clock):
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        target = server.create(template=request.getfixturevalue("_pg_demo_template"))
        request.addfinalizer(lambda: server.drop(target))
    else:
        target = request.getfixturevalue("demo_db_path")
    db = open_database(target)
    yield build_services(db, "admin.user", clock=clock)
    db.engine.dispose()
