"""Quick start: the first screen read with plain sqlite3 must be the case list's own answer, and the
stand-in services must hand over to the real ones without losing or staling anything."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from cspdesk.core.errors import DatabaseProblem
from cspdesk.core.services.cases.case_query import CaseQuery
from cspdesk.core.services.quick_start import DEFAULT_CASE_QUERY, FIRST_PAGE, StartingServices, first_screen
from cspdesk.core.storage.encryption import connect_file
from tests.core.case_helpers import form


def test_first_screen_is_what_the_case_list_service_answers(demo_db_path, demo_services):
    screen = first_screen(demo_db_path, "admin.user", page=15)
    assert screen is not None
    real = demo_services.case_list
    ids = real.case_ids(DEFAULT_CASE_QUERY)
    assert len(ids) > 15  # so "the first page" is a real cut
    assert list(screen.ids) == list(ids)
    assert screen.rows == real.rows_for(list(ids)[:15])
    assert screen.options == real.filter_options()
    assert screen.actor == demo_services.actor
    assert screen.demo == demo_services.settings.get_optional("demo.data")
    assert screen.label == str(demo_db_path.resolve())


def test_a_partner_takes_the_ordinary_start_and_names_are_case_insensitive(demo_db_path, demo_services):
    """Catches the quick first screen (every open case, read with plain sqlite3) shown to a partner, who may
    see only their agency's cases (``case_list.case_ids(q, actor)``)."""
    assert first_screen(demo_db_path, "SNT.Swadlincote") is None
    screen = first_screen(demo_db_path, "Admin.User")
    assert screen is not None and screen.actor.role.value == "administrator"


@pytest.mark.parametrize("case", ["new user", "server url", "missing file", "empty file", "older schema"])
def test_anything_but_a_known_user_on_a_current_file_takes_the_ordinary_start(case, demo_db_path, tmp_path):
    db, user = str(demo_db_path), "admin.user"
    if case == "new user":
        user = "never.seen"
    elif case == "server url":
        db = "postgresql+psycopg://someone@server/cspdesk"
    elif case == "missing file":
        db = str(tmp_path / "nothing-here.sqlite")
    elif case == "empty file":
        (tmp_path / "empty.sqlite").write_bytes(b"")
        db = str(tmp_path / "empty.sqlite")
    elif case == "older schema":
        con = connect_file(demo_db_path)
        con.execute("UPDATE alembic_version SET version_num = '0001'")
        con.commit()
        con.close()
    assert first_screen(db, user) is None


def test_a_damaged_file_is_refused_and_left_alone(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    before = bad.read_bytes()
    with pytest.raises(DatabaseProblem, match="damaged"):
        first_screen(bad, "admin.user")
    assert bad.read_bytes() == before


def test_a_newer_database_is_refused_by_the_ordinary_start_and_not_changed(
    demo_db_path, prompts_free_window_builder
):
    con = connect_file(demo_db_path)
    con.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    con.commit()
    con.close()
    before = demo_db_path.read_bytes()
    assert first_screen(demo_db_path, "admin.user") is None
    with pytest.raises(DatabaseProblem, match="newer version"):
        prompts_free_window_builder(demo_db_path)
    assert demo_db_path.read_bytes() == before


@pytest.fixture
def prompts_free_window_builder():
    from cspdesk.bootstrap import _build_services

    return lambda db: _build_services(str(db), "admin.user")


def _starting(demo_db_path, build=None):
    from cspdesk.bootstrap import _build_services

    screen = first_screen(demo_db_path, "admin.user")
    return StartingServices(screen, build or (lambda: _build_services(str(demo_db_path), "admin.user")))


def test_the_first_screen_is_answered_without_the_real_services(demo_db_path):
    built = []
    s = _starting(demo_db_path, build=lambda: built.append(1))
    ids = s.case_list.case_ids(CaseQuery(status="open"))
    first = list(ids)[:FIRST_PAGE]  # the demo's 40 open cases are all on the first page
    assert first and set(s.case_list.rows_for(first)) == set(first)
    assert s.case_list.filter_options().wards
    assert s.settings.get_optional("demo.data") is not None
    assert s.database.label.endswith("demo.sqlite")
    assert not s.ready and not built


def test_other_questions_wait_for_the_real_services_and_then_everything_comes_from_them(demo_db_path):
    s = _starting(demo_db_path)
    ready = threading.Event()
    s.when_ready(ready.set)
    everything = s.case_list.case_ids(CaseQuery(status=None))  # not the first screen: starts and waits
    assert s.ready and ready.is_set()
    assert len(everything) > len(s.case_list.case_ids(DEFAULT_CASE_QUERY))
    # After the hand-over a new case shows up in the default list: nothing is served from the first screen.
    real = s.real()
    before = len(s.case_list.case_ids(DEFAULT_CASE_QUERY))
    s.intake.open_case(s.actor, form(title="Quick start hand-over"))
    assert len(s.case_list.case_ids(DEFAULT_CASE_QUERY)) == before + 1
    assert s.database is real.database and s.settings is real.settings
    called = []
    s.when_ready(lambda: called.append(1))  # already ready: now
    assert called == [1]
    real.database.engine.dispose()


def test_a_failed_background_start_is_reported_to_whoever_asks(demo_db_path):
    def broken():
        raise DatabaseProblem("The database is locked by another program.")

    s = _starting(demo_db_path, build=broken)
    told = []
    s.when_ready(lambda: told.append(1))
    s.start()
    with pytest.raises(DatabaseProblem, match="locked"):
        s.case_list.case_ids(CaseQuery(text="smith"))
    assert told == [1]  # the window is still told, so it can stop waiting
    s.settle()


def test_the_first_screen_does_not_import_sqlalchemy(demo_db_path):
    """The point of the quick start: the window and its first screen load without SQLAlchemy."""
    code = (
        "import sys;from cspdesk.core.services.quick_start import first_screen;import "
        "cspdesk.gui.main_window, cspdesk.gui.pages.cases, cspdesk.gui.pages.dashboard, "
        f"cspdesk.bootstrap;s = first_screen({str(demo_db_path)!r}, 'admin.user');assert s "
        "is not None and len(s.ids) > 0;loaded = sorted(m for m in sys.modules if "
        "m.split('.')[0] in ('sqlalchemy', 'alembic', 'pandas', 'reportlab'));print(loaded)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
