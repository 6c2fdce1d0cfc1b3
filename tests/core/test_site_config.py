"""IT's settings file (core/site_config.py): one file deployed to every laptop says which database CSPDesk
opens, for the window's quick start and for everything that opens a database without --db alike."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from cspdesk.core.errors import DatabaseProblem
from cspdesk.core.site_config import configured_database, site_settings_path
from cspdesk.core.storage.database import open_database, resolve_url


@pytest.fixture
def settings_file(tmp_path, monkeypatch):
    """The machine-wide settings folder (%PROGRAMDATA%\\CSPDesk on Windows) moved into the test's folder."""
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    monkeypatch.delenv("CSPDESK_DB", raising=False)
    path = site_settings_path()
    assert path == tmp_path / "site" / "CSPDesk" / "cspdesk.ini"
    path.parent.mkdir(parents=True)
    return path


def test_without_a_settings_file_each_user_has_their_own_database(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "nothing"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CSPDESK_DB", raising=False)
    choice = configured_database()
    # The folder CSPDesk used before platformdirs, so nobody's data moves.
    assert choice.target == str(tmp_path / "data" / "CSPDesk" / "cspdesk.sqlite")
    assert choice.source == "default"


def test_the_window_and_the_commands_open_the_file_it_names(
    settings_file, demo_db_path, tmp_path, monkeypatch
):
    """Catches a start path that ignores IT's file (checked by making quick_start read CSPDESK_DB again: the
    window then opened the user's own, empty database)."""
    shared = tmp_path / "shared drive" / "cspdesk.sqlite"
    shared.parent.mkdir()
    shutil.copy(demo_db_path, shared)
    settings_file.write_text(f"[database]\nurl = {shared}\n", encoding="utf-8")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "own"))

    assert resolve_url(None) == f"sqlite:///{shared}"
    assert open_database(None, migrate=False).label == str(shared)
    from cspdesk.core.services.quick_start import first_screen

    screen = first_screen(None, "admin.user")
    assert screen is not None and screen.label == str(shared) and screen.case_count > 0
    assert not (tmp_path / "own").exists()  # the user's own database was never made


def test_a_server_in_the_settings_file_and_cspdesk_db_still_wins(settings_file, tmp_path, monkeypatch):
    # A Windows settings file saved by Notepad: a byte-order mark, CRLF line ends, a comment.
    settings_file.write_bytes(
        "\ufeff# deployed by IT\r\n[database]\r\nurl = postgresql://cspdesk-db.council.local/"
        "cspdesk?sslmode=verify-full\r\n".encode()
    )
    assert resolve_url(None) == "postgresql+psycopg://cspdesk-db.council.local/cspdesk?sslmode=verify-full"
    from cspdesk.core.services.quick_start import first_screen

    assert first_screen(None) is None  # no quick first screen from a local file: the server is opened
    monkeypatch.setenv("CSPDESK_DB", str(tmp_path / "mine.sqlite"))  # a tester's own override
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'mine.sqlite'}"


def test_a_file_path_may_start_from_the_home_folder(settings_file, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    settings_file.write_text("[database]\nurl = ~/CSPDesk/office.sqlite\n", encoding="utf-8")
    assert configured_database().target == str(tmp_path / "home" / "CSPDesk" / "office.sqlite")
    assert configured_database().source == str(settings_file)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"[database]\nserver = db1\n", 'needs a line "url = ..." under \\[database\\]'),
        (b"url = postgresql://db1/cspdesk\n", "cannot be read"),  # no [database] heading
        (b"[database]\nurl = cspdesk.sqlite\n", "not a full path"),
        (b"[database]\nurl = \xff\xfeH:\\cspdesk.sqlite\n", "not saved as UTF-8"),
    ],
)
def test_a_broken_settings_file_is_refused_with_its_path_never_skipped(settings_file, content, message):
    """Catches a laptop quietly falling back to a private database when IT's file is wrong — an officer's
    cases would then be kept where nobody else sees them (checked by returning the default on a bad file)."""
    settings_file.write_bytes(content)
    with pytest.raises(DatabaseProblem, match=message) as caught:
        resolve_url(None)
    assert str(settings_file) in str(caught.value)
    from cspdesk.core.services.quick_start import first_screen

    with pytest.raises(DatabaseProblem):
        first_screen(None)


def test_cspdesk_about_says_which_database_and_why_and_a_broken_file_is_no_traceback(settings_file, tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_CONFIG_DIRS": str(settings_file.parent.parent),
    }
    settings_file.write_text(
        "[database]\nurl = postgresql://cspdesk-db.council.local/cspdesk\n", encoding="utf-8"
    )
    run = subprocess.run([sys.executable, "-m", "cspdesk", "about"], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert "Database: postgresql+psycopg://cspdesk-db.council.local/cspdesk" in run.stdout
    assert f"Database chosen by: IT's settings file {settings_file}" in run.stdout
    settings_file.write_text("[database\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "cspdesk", "about"], capture_output=True, text=True, env=env)
    assert run.returncode == 2
    assert run.stderr.startswith(f"error: CSPDesk's settings file {settings_file} cannot be read")
    assert "Traceback" not in run.stderr
