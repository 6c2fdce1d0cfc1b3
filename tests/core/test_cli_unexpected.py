"""Every command: an unexpected error is one plain line, a log file with the traceback, and exit code 70 —
never a traceback on the terminal, never exit 1 (which `figures import` uses for "good rows imported")."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cspdesk.cli import main
from cspdesk.commands import unexpected
from cspdesk.commands.unexpected import EXIT_UNEXPECTED

POLICE_FILE = Path("/work/shared/data/police-uk/2018-12-derbyshire-street.csv")


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("CSPDESK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # the log folder (platformdirs)
    return tmp_path / "data" / "CSPDesk"


def _explode(*_args, **_kwargs):
    raise RuntimeError("secret detail from deep inside")


def _new_database(path):
    """Only the window and ``demo`` make a database (a mistyped path creates nothing): make it first."""
    from cspdesk.core.storage.database import open_database

    open_database(path).engine.dispose()
    return path


def test_an_unexpected_error_in_an_import_is_one_line_and_a_log_file(
    tmp_path, data_home, capsys, monkeypatch
):
    """Catches: a traceback with exit 1 (mutation checked: cli.main calling args.func directly)."""
    from cspdesk.core.importers import figures_files

    monkeypatch.setattr(figures_files, "_read_csv", _explode)
    db = _new_database(tmp_path / "f.sqlite")
    code = main(["figures", "import", "--db", str(db), str(POLICE_FILE)])
    err = capsys.readouterr().err
    assert code == EXIT_UNEXPECTED
    assert "Traceback" not in err and "secret detail" not in err
    from cspdesk.core.paths import log_file

    log = log_file()
    assert err.strip() == (
        f"error: something unexpected went wrong (RuntimeError), and the command stopped. "
        f"The details are in {log}; send that file to whoever supports CSPDesk."
    )
    written = log.read_text(encoding="utf-8")
    assert "Traceback" in written and "secret detail from deep inside" in written
    assert "2026-11-26 10:00:00" in written  # the app's clock, not the system's


def test_a_log_folder_that_cannot_be_written_falls_back_to_the_temporary_folder(
    tmp_path, capsys, monkeypatch
):
    if os.geteuid() == 0:
        monkeypatch.setattr(unexpected, "log_folder", lambda: Path("/proc/no-such-folder"))
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
        monkeypatch.setattr(unexpected, "log_folder", lambda: locked / "CSPDesk")
    monkeypatch.setattr(unexpected.tempfile, "gettempdir", lambda: str(tmp_path))
    code = unexpected.run_guarded(lambda: _explode(), ["report"])
    assert code == EXIT_UNEXPECTED
    assert f"The details are in {tmp_path}" in capsys.readouterr().err
    assert "secret detail" in next(tmp_path.glob("cspdesk-*.log")).read_text(encoding="utf-8")


def test_ctrl_c_is_stopped_not_a_traceback(capsys):
    def interrupted() -> int:
        raise KeyboardInterrupt

    assert unexpected.run_guarded(interrupted, []) == 130
    assert capsys.readouterr().err.strip() == "Stopped."


@pytest.mark.parametrize(
    ("content", "expected_code"),
    [
        (POLICE_FILE.read_bytes().replace(b"\n", b"\r"), 0),  # CR-only line endings: imported
        (POLICE_FILE.read_bytes().upper(), 0),  # headings (and everything else) in capitals
        (POLICE_FILE.read_text().encode("utf-16"), 0),
        (b"\x00\x01\x02" * 5000, 2),  # not text: refused, nothing imported
        (b"month,area,category,count\n2023-01,Erewash,ASB,99999999999999999999999\n", 2),  # no good rows
        (b"month,area,category,count\n2023-01,Erewash,ASB,5\n2023-02,Erewash,ASB,1e3\n", 1),  # one rejected
    ],
)
def test_files_that_crashed_the_command_now_give_the_guides_exit_codes(
    tmp_path, data_home, capsys, content, expected_code
):
    """Catches: tracebacks with exit 1 for CR-only files, capitals in headings, UTF-16 (issue 16)."""
    path = tmp_path / "2018-12-derbyshire-street.csv"
    path.write_bytes(content)
    code = main(["figures", "import", "--db", str(_new_database(tmp_path / "f.sqlite")), str(path)])
    out = capsys.readouterr()
    assert code == expected_code, out.err
    assert "Traceback" not in out.out + out.err and "\x00" not in out.out + out.err
