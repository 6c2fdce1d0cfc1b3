"""Database faults (issue 16): a damaged file is never written to; read-only is not damaged; a mistyped path
creates nothing; a refusal leaves the folder as it was; a full disk leaves no half-made backup; an empty
database is "not set up yet"; every command honours CSPDESK_DB.

Tests run as root on the development machine, where ``chmod`` does not stop writes. ``unwritable`` therefore
marks a file or folder immutable with ``chattr +i`` when running as root (ext4 and most Linux file systems),
and uses ``chmod`` otherwise (CI's ordinary user). The real permission case is also run in a child process
as root *without* the capability that lets root ignore permissions (``setpriv --bounding-set
-dac_override``), so a plain ``chmod 444`` is what stops it, as for an officer.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cspdesk.cli import main
from cspdesk.core.errors import DatabaseNotSetUp, DatabaseProblem, NoSuchDatabase
from cspdesk.core.storage.database import head_revision, open_database
from cspdesk.core.storage.encryption import connect_file
from tests.core.fault_files import IS_ROOT, damage_a_data_page, digest, folder, unwritable


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def analyst_file(tmp_path) -> Path:
    path = tmp_path / "analyst.csv"
    path.write_text("Month,Area,Category,Count\n2022-01,Chesterfield,ASB incidents,5\n", encoding="utf-8")
    return path


# ----- a damaged file is never written to


def test_check_reports_damage_in_the_middle_of_the_file_without_a_traceback(demo_db_path, capsys):
    """Caught: check crashed with a traceback on a byte flipped in a data page (the open checks pass)."""
    damage_a_data_page(demo_db_path)
    before = folder(demo_db_path.parent)
    code, out, err = run(capsys, "check", "--db", str(demo_db_path))
    assert code == 1
    assert "PROBLEMS FOUND" in out and "Integrity check failed" in out and "restore it from a backup" in out
    assert "Traceback" not in out + err
    assert folder(demo_db_path.parent) == before  # not a byte changed, no -wal or -shm left


def test_figures_import_refuses_a_damaged_file_and_leaves_it_byte_identical(
    demo_db_path, analyst_file, capsys, monkeypatch
):
    """Caught: ``figures import`` wrote into a file damaged in the middle (only the first pages are read at
    open; quick_check now runs before the first write)."""
    monkeypatch.setenv("CSPDESK_USER", "admin.user")
    damage_a_data_page(demo_db_path)
    before = folder(demo_db_path.parent)
    code, out, err = run(capsys, "figures", "import", "--db", str(demo_db_path), str(analyst_file))
    assert code == 2
    assert "is damaged" in err and "restore the file from a backup" in err and "***" not in err
    assert folder(demo_db_path.parent) == before


def test_a_service_write_is_refused_on_a_damaged_file(demo_db_path):
    """Caught: any save went ahead on a file damaged away from the pages read at open. The write waits for
    quick_check, which the window starts in the background as it opens."""
    from cspdesk.core.services.cases.case_query import CaseQuery
    from cspdesk.core.services.registry import build_services

    damage_a_data_page(demo_db_path)
    before = digest(demo_db_path)
    db = open_database(demo_db_path)
    db.gate.start()
    services = build_services(db, "admin.user")
    assert len(services.case_list.case_ids(CaseQuery(status="open"))) > 0  # reading still works
    with pytest.raises(DatabaseProblem, match="is damaged") as refused:
        services.settings.update(services.actor, {"enforcement.cpw_comply_days": 21})
    # Refused by the check, before any write: not by SQLite tripping over the damage half-way through one.
    assert db.gate.problem and "out of range" in db.gate.problem and db.gate.problem in str(refused.value)
    db.engine.dispose()
    assert digest(demo_db_path) == before
    assert sorted(p.name for p in demo_db_path.parent.iterdir()) == [demo_db_path.name]


def test_a_sound_file_is_written_once_the_check_passes(demo_db_path):
    """The gate must not refuse a healthy file (a gate that refused everything would pass the tests above)."""
    from cspdesk.core.services.registry import build_services

    db = open_database(demo_db_path)
    services = build_services(db, "admin.user")
    services.settings.update(services.actor, {"enforcement.cpw_comply_days": 21})
    assert services.settings.get("enforcement.cpw_comply_days") == 21
    assert db.gate.decided and db.gate.refusal is None
    db.engine.dispose()


def test_an_upgrade_checks_the_whole_file_before_backing_it_up(db_path, monkeypatch):
    """Caught: an old file damaged mid-way would be backed up and migrated (written) before anyone noticed."""
    _make_old_schema(db_path)
    _fill_pages(db_path)
    damage_a_data_page(db_path)
    before = folder(db_path.parent)
    with pytest.raises(DatabaseProblem, match="is damaged"):
        open_database(db_path)
    assert folder(db_path.parent) == before  # no backup, no migration, no -wal


def test_refusing_a_damaged_file_at_open_leaves_no_wal_or_shm(db_path):
    """Caught: refusing a damaged file left empty -wal and -shm files beside it,
    though it said "not changed"."""
    open_database(db_path).engine.dispose()
    data = bytearray(db_path.read_bytes())
    for i in range(4096, min(len(data), 4096 * 6)):
        data[i] = 0x5A
    db_path.write_bytes(bytes(data))
    before = folder(db_path.parent)
    with pytest.raises(DatabaseProblem, match="damaged"):
        open_database(db_path)
    assert folder(db_path.parent) == before


# ----- read-only is not damaged


def test_an_unwritable_file_opens_read_only_and_refuses_writes_plainly(demo_db_path):
    """Caught: a read-only file was called "damaged... Restore it from a backup" (advice that could lead
    someone to overwrite good data with an old backup)."""
    from cspdesk.core.services.cases.case_query import CaseQuery
    from cspdesk.core.services.registry import build_services

    before = digest(demo_db_path)
    with unwritable(demo_db_path):
        db = open_database(demo_db_path)
        assert db.read_only and "damaged" not in db.read_only
        services = build_services(db, "admin.user")
        assert len(services.case_list.case_ids(CaseQuery(status="open"))) > 0  # viewing works
        with pytest.raises(DatabaseProblem) as refused:
            services.settings.update(services.actor, {"enforcement.cpw_comply_days": 21})
        message = str(refused.value)
        assert "read-only" in message and "backup" not in message and "damaged" not in message
        db.engine.dispose()
        assert folder(demo_db_path.parent) == {demo_db_path.name: before}


def test_someone_new_can_look_at_a_read_only_file_without_it_being_written(demo_db_path):
    """Signing in for the first time writes a user row: on a read-only file it must not (nor fail)."""
    from cspdesk.core.services.registry import build_services

    with unwritable(demo_db_path):
        db = open_database(demo_db_path)
        services = build_services(db, "someone.new")
        assert services.actor.role.value == "partner" and not services.first_sign_in
        db.engine.dispose()


def test_a_file_in_a_read_only_folder_opens_read_only(demo_db_path):
    """Caught: a file in a read-only folder was "damaged" (SQLite cannot make its -wal beside it)."""
    before = folder(demo_db_path.parent)
    with unwritable(demo_db_path.parent):
        db = open_database(demo_db_path)
        assert "folder" in db.read_only
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("select count(*) from asb_case").scalar() == 400
        db.engine.dispose()
    assert folder(demo_db_path.parent) == before


def test_a_read_only_disk_is_named_as_such(tmp_path, monkeypatch):
    """A read-only medium (EROFS) cannot be made here without mounting one, so the open call is told so."""
    from cspdesk.core.storage import sqlite_file

    path = tmp_path / "x.sqlite"
    path.write_bytes(b"")

    def read_only_disk(*_args, **_kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(sqlite_file.os, "open", read_only_disk)
    assert sqlite_file.read_only_reason(path) == "it is on a read-only disk or share"


@pytest.mark.parametrize("command", [["demo", "--cases", "5"], ["figures", "import"]])
def test_commands_that_write_refuse_a_read_only_file_plainly(demo_db_path, analyst_file, capsys, command):
    """Caught: ``figures import`` and ``demo`` on an immutable file ended in a 70-line traceback."""
    argv = command + ["--db", str(demo_db_path)] + ([str(analyst_file)] if command[0] == "figures" else [])
    before = folder(demo_db_path.parent)
    with unwritable(demo_db_path):
        code, out, err = run(capsys, *argv)
    assert code == 2
    assert "read-only" in err and "backup" not in err and "Traceback" not in out + err
    assert folder(demo_db_path.parent) == before


def test_check_and_reports_work_on_a_read_only_file(demo_db_path, tmp_path, capsys):
    with unwritable(demo_db_path):
        code, out, _ = run(capsys, "check", "--db", str(demo_db_path))
        assert code == 0 and "Writable:  no:" in out and out.strip().endswith("OK")
        code, out, err = run(
            capsys,
            "report",
            "action-taken",
            "--db",
            str(demo_db_path),
            "--year",
            "2025/26",
            "--format",
            "csv",
        )
        assert code == 0 and "measure" in out.splitlines()[0]


def test_real_file_permissions_stop_writes_with_a_plain_message(demo_db_path, analyst_file):
    """As an officer meets it: ``chmod 444``. Run in a child process; as root, without the capabilities that
    let root ignore permissions (see the module's note)."""
    demo_db_path.chmod(0o444)
    argv = [
        sys.executable,
        "-m",
        "cspdesk",
        "figures",
        "import",
        "--db",
        str(demo_db_path),
        str(analyst_file),
    ]
    if IS_ROOT:
        argv = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable"] + argv
    before = folder(demo_db_path.parent)
    result = subprocess.run(
        argv, capture_output=True, text=True, env={**os.environ, "CSPDESK_USER": "admin.user"}
    )
    assert result.returncode == 2, result.stderr
    assert "read-only, because you do not have permission to change the file" in result.stderr
    assert "Traceback" not in result.stderr and "backup" not in result.stderr
    assert folder(demo_db_path.parent) == before


# ----- mistyped paths create nothing


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["report", "action-taken", "--format", "csv"],
        ["report", "quarterly", "--out", "q.xlsx", "--format", "xlsx"],
        ["report", "case-review-figures"],
        ["figures", "import", "analyst.csv"],
        ["figures", "table", "--category", "ASB incidents", "--from", "2022-01", "--to", "2022-12"],
    ],
)
def test_commands_refuse_a_missing_database_and_create_nothing(
    tmp_path, analyst_file, capsys, monkeypatch, command
):
    """Caught: ``check`` made the folder and a 4 KB file then crashed; ``report`` silently made a new database
    and printed all-zero figures with exit 0."""
    monkeypatch.chdir(tmp_path)
    before = folder(tmp_path)
    missing = tmp_path / "bad" / "missing.sqlite"
    code, out, err = run(capsys, *command, "--db", str(missing))
    assert code == 2
    assert f"no such database: {missing}" in err and "Traceback" not in out + err
    assert folder(tmp_path) == before
    code, _, err = run(capsys, *command, "--db", "mistyped.sqlite")
    assert code == 2 and f"no such database: {tmp_path / 'mistyped.sqlite'}" in err
    assert folder(tmp_path) == before


def test_demo_refuses_a_folder_that_does_not_exist(tmp_path, capsys):
    """Caught: ``demo --db bad/nope/x.sqlite`` made the folders."""
    code, _, err = run(capsys, "demo", "--db", str(tmp_path / "bad" / "nope" / "x.sqlite"), "--cases", "5")
    assert code == 2 and "does not exist" in err
    assert list(tmp_path.iterdir()) == []


def test_demo_creates_a_database_in_a_folder_that_exists(tmp_path, capsys):
    code, _, _ = run(capsys, "demo", "--db", str(tmp_path / "x.sqlite"), "--cases", "5")
    assert code == 0 and (tmp_path / "x.sqlite").is_file()


# ----- not set up yet; CSPDESK_DB


def test_check_on_an_empty_file_says_it_is_not_set_up_yet(db_path, capsys):
    """Caught: an empty file crashed ``check`` ("no such table: address") after it had been set up by the
    check itself."""
    db_path.write_bytes(b"")
    code, out, err = run(capsys, "check", "--db", str(db_path))
    assert code == 2 and "not set up yet" in err and "Traceback" not in out + err
    assert db_path.stat().st_size == 0
    code, _, err = run(capsys, "report", "action-taken", "--db", str(db_path), "--format", "csv")
    assert code == 2 and "not set up yet" in err and db_path.stat().st_size == 0


@pytest.mark.postgres
def test_check_on_an_empty_server_database_says_it_is_not_set_up_yet(pg_server, capsys):
    """Caught: ``check`` on a new, empty server database ended in a traceback (relation "address" does not
    exist)."""
    from sqlalchemy import inspect

    from cspdesk.core.storage.database import make_engine

    url = pg_server.create()
    try:
        code, out, err = run(capsys, "check", "--db", url)
        assert code == 2 and "not set up yet" in err and "Traceback" not in out + err
        engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        assert inspect(engine).get_table_names() == []  # the check set nothing up
        engine.dispose()
    finally:
        pg_server.drop(url)


def test_not_set_up_is_its_own_error_for_a_server_database_too(tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(DatabaseNotSetUp):
        open_database(empty, create=False)
    with pytest.raises(NoSuchDatabase):
        open_database(tmp_path / "none.sqlite", create=False)


def test_every_command_honours_cspdesk_db(demo_db_path, capsys, monkeypatch):
    """Caught: the window honoured CSPDESK_DB but ``check`` and ``report`` demanded ``--db``."""
    monkeypatch.setenv("CSPDESK_DB", str(demo_db_path))
    code, out, _ = run(capsys, "check")
    assert code == 0 and f"Database:  {demo_db_path}" in out
    code, out, _ = run(capsys, "report", "action-taken", "--format", "csv", "--year", "2025/26")
    assert code == 0 and "measure" in out.splitlines()[0]
    monkeypatch.setenv("CSPDESK_DB", str(demo_db_path.parent / "elsewhere.sqlite"))
    code, out, _ = run(capsys, "--db", str(demo_db_path), "check")  # --db before the command wins
    assert code == 0 and f"Database:  {demo_db_path}" in out


# ----- disk full during the upgrade backup


def _make_old_schema(path: Path) -> None:
    from alembic import command

    from cspdesk.core.storage.database import alembic_config, make_engine

    engine = make_engine(f"sqlite:///{path}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()


def _fill_pages(path: Path) -> None:
    """Enough rows for a table page in the middle of the file."""
    con = connect_file(path)  # plain or encrypted, as the file is
    con.execute("CREATE TABLE filler (text TEXT)")
    con.executemany("INSERT INTO filler VALUES (?)", [("x" * 200,) for _ in range(2000)])
    con.commit()
    con.close()


def test_disk_full_during_the_upgrade_backup_is_plain_and_leaves_no_partial_copy(db_path, monkeypatch):
    """Caught: a traceback, and a 0-byte backup file left behind to be trusted later."""
    from cspdesk.core.storage import database as database_module

    _make_old_schema(db_path)
    before = folder(db_path.parent)

    def copy_until_the_disk_is_full(_source: Path, target: Path) -> None:
        target.write_bytes(
            b"SQLite format 3\x00" + b"\x00" * 1000
        )  # part of a copy, as a full disk leaves it
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(database_module, "_copy_database", copy_until_the_disk_is_full)
    with pytest.raises(DatabaseProblem, match="not enough space on the disk") as refused:
        open_database(db_path)
    assert "Nothing has been changed" in str(refused.value)
    assert folder(db_path.parent) == before  # no partial backup, and the file was not upgraded
    monkeypatch.undo()
    assert open_database(db_path).revision == head_revision()  # with room on the disk, the upgrade goes ahead


# ----- no display; cspdesk.sh


def test_no_display_is_a_plain_message_and_an_exit_code(tmp_path):
    """Caught: with no display Qt aborted the process (SIGABRT) with a misleading hint about libxcb."""
    from cspdesk.bootstrap import no_display_message

    if not sys.platform.startswith("linux"):  # Windows and macOS always have their own display
        assert no_display_message() is None
        return
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "cspdesk", "--db", str(tmp_path / "x.sqlite")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert "there is no display" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cspdesk_sh_reads_paths_from_where_it_is_run(tmp_path):
    """Caught: ./cspdesk.sh changed to the checkout, so --db and --out landed there."""
    script = Path(__file__).resolve().parents[2] / "cspdesk.sh"
    result = subprocess.run(
        ["bash", str(script), "check", "--db", "mine.sqlite"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 2
    assert f"no such database: {tmp_path / 'mine.sqlite'}" in result.stderr
    assert not (script.parent / "mine.sqlite").exists()


def test_a_backup_copy_that_really_fails_half_way_leaves_nothing(db_path):
    """The same with SQLite's own copy failing for real: a child process whose files may not grow past half
    the database's size (RLIMIT_FSIZE, the kernel's file size limit) cannot finish the backup copy."""
    _make_old_schema(db_path)
    _fill_pages(db_path)
    before = folder(db_path.parent)
    code = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "path = Path(sys.argv[1])\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (path.stat().st_size // 2, resource.RLIM_INFINITY))\n"
        "from cspdesk.core.errors import DatabaseProblem\n"
        "from cspdesk.core.storage.database import open_database\n"
        "try:\n"
        "    open_database(path)\n"
        "except DatabaseProblem as exc:\n"
        "    print(exc)\n"
        "    sys.exit(2)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(db_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2, result.stderr
    assert "could not back up" in result.stdout and "no partial copy was left" in result.stdout
    assert folder(db_path.parent) == before


def test_a_read_only_file_that_needs_an_upgrade_is_refused_plainly(db_path):
    """An upgrade changes the file, so a read-only one at an older schema cannot open here; the message says
    so, and does not send anyone to a backup."""
    _make_old_schema(db_path)
    before = folder(db_path.parent)
    with unwritable(db_path):
        with pytest.raises(DatabaseProblem, match="needs upgrading") as refused:
            open_database(db_path)
    assert "read-only" in str(refused.value) and "backup" not in str(refused.value)
    assert folder(db_path.parent) == before


@pytest.mark.parametrize("kind", ["newer", "foreign"])
def test_refusing_a_newer_or_foreign_file_leaves_nothing_beside_it(db_path, kind):
    """Caught: every refusal's read-only look made -wal and -shm files that nobody removed."""
    if kind == "newer":
        open_database(db_path).engine.dispose()
        con = connect_file(db_path)
        con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    else:
        con = connect_file(db_path)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE recipes (name TEXT)")
    con.commit()
    con.close()
    before = folder(db_path.parent)
    with pytest.raises(DatabaseProblem):
        open_database(db_path)
    assert folder(db_path.parent) == before
