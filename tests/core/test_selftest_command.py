"""``cspdesk selftest``: the installation checking itself (the frozen build's and the installer's smoke tests
run it too). It must pass on a good installation, and never touch a real database."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def _run(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("CSPDESK_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "cspdesk", "selftest", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )


def test_selftest_passes_on_this_installation_and_keeps_the_letters_when_asked(tmp_path):
    run = _run(tmp_path, "--no-window", "--out", str(tmp_path / "out"))
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert "ok      helper processes start" in run.stdout
    assert "ok      mail merge in helper processes" in run.stdout
    assert run.stdout.rstrip().endswith("SELF-TEST PASSED")
    assert (tmp_path / "out" / "letter.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "out" / "merge.pdf").read_bytes().startswith(b"%PDF-")
    assert not (tmp_path / "data").exists()  # the user's own database was never made


def test_selftest_on_a_database_works_on_a_copy_and_leaves_the_file_as_it_was(tmp_path, demo_db_path):
    """Catches a self-test that files its letters in the real database (checked by opening --db itself
    instead of the copy: the file's hash changed)."""
    before = hashlib.sha256(demo_db_path.read_bytes()).hexdigest()
    run = _run(tmp_path, "--no-window", "--db", str(demo_db_path))
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert "ok      a letter" in run.stdout
    assert hashlib.sha256(demo_db_path.read_bytes()).hexdigest() == before
    assert not list(demo_db_path.parent.glob("*-wal"))


def test_a_failing_step_is_a_line_and_exit_code_1_not_a_crash(tmp_path):
    (tmp_path / "not-a-database.sqlite").write_bytes(b"hello")
    run = _run(tmp_path, "--no-window", "--db", str(tmp_path / "not-a-database.sqlite"))
    assert run.returncode == 1
    assert "FAILED  a copy of" in run.stdout
    assert run.stdout.rstrip().endswith("SELF-TEST FAILED")
