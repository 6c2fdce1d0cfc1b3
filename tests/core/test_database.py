"""Opening databases: created and migrated; backed up before upgrade; refused (untouched) when unsafe."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from sqlalchemy import text

from cspdesk.core.errors import DatabaseProblem
from cspdesk.core.storage.database import default_database_path, head_revision, open_database
from cspdesk.core.storage.encryption import connect_file


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_created_migrated_and_has_reference_data(db_path):
    db = open_database(db_path)
    assert db_path.exists()
    assert db.revision == head_revision()
    with db.engine.connect() as conn:
        assert conn.execute(text("select count(*) from ward")).scalar() == 15
        assert conn.execute(text("select count(*) from parish")).scalar() == 31
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.backup is None  # nothing to back up on creation


def test_a_missing_folder_is_not_created(tmp_path):
    """A mistyped folder creates nothing (issue 16: it used to make the folders and a new database)."""
    with pytest.raises(DatabaseProblem, match="folder .* does not exist"):
        open_database(tmp_path / "new" / "folder" / "cases.sqlite")
    assert list(tmp_path.iterdir()) == []


def test_the_users_own_data_folder_is_created(tmp_path, monkeypatch):
    monkeypatch.delenv("CSPDESK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    db = open_database()
    assert db.revision == head_revision()
    assert default_database_path().is_file() and str(default_database_path()).startswith(str(tmp_path))
    db.engine.dispose()


def test_older_database_is_backed_up_then_upgraded(db_path):
    from alembic import command

    from cspdesk.core.storage.database import alembic_config, make_engine

    engine = make_engine(f"sqlite:///{db_path}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    db = open_database(db_path)
    assert db.revision == head_revision()
    assert db.backup is not None and db.backup.exists()
    con = connect_file(db.backup)
    assert con.execute("select version_num from alembic_version").fetchone()[0] == "0001"
    con.close()


def test_database_from_a_newer_app_is_refused_and_untouched(db_path):
    open_database(db_path).engine.dispose()
    con = connect_file(db_path)
    con.execute("update alembic_version set version_num = '9999_future'")
    con.commit()
    con.close()
    before = digest(db_path)
    with pytest.raises(DatabaseProblem, match="newer version of CSPDesk"):
        open_database(db_path)
    assert digest(db_path) == before


def test_file_that_is_not_a_database_is_refused_and_untouched(db_path):
    db_path.write_text("Dear resident,\nThis is a letter, not a database.\n")
    before = digest(db_path)
    with pytest.raises(DatabaseProblem, match="not a CSPDesk database"):
        open_database(db_path)
    assert digest(db_path) == before


def test_corrupt_database_is_refused_and_untouched(db_path):
    db = open_database(db_path)
    with db.engine.begin() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    db.engine.dispose()
    data = bytearray(db_path.read_bytes())
    # Scribble over the middle of the file, leaving the header intact.
    for i in range(4096, min(len(data), 4096 * 6)):
        data[i] = 0x5A
    db_path.write_bytes(bytes(data))
    before = digest(db_path)
    with pytest.raises(DatabaseProblem, match="damaged"):
        open_database(db_path)
    assert digest(db_path) == before


def test_other_programs_sqlite_file_is_refused(db_path):
    con = sqlite3.connect(db_path)
    con.execute("create table recipes (name text)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseProblem, match="not a CSPDesk database"):
        open_database(db_path)


def test_locked_database_is_refused_with_a_clear_message(db_path):
    open_database(db_path).engine.dispose()
    holder = connect_file(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseProblem, match="locked by another program"):
            open_database(db_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_server_url_is_accepted_as_is():
    from cspdesk.core.storage.database import describe, resolve_url

    url = "postgresql+psycopg://cspdesk:secret@server/cspdesk"
    assert resolve_url(url) == url
    assert "secret" not in describe(url)
