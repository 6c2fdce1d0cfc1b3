"""The SQLite file before SQLAlchemy: where it lives, whether it is safe to open, which schema it has.

Nothing here imports SQLAlchemy or Alembic, so the window can check the file and read its first screen
(``quick_read``) while the rest loads. ``database.open_database`` builds on these checks.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from pathlib import Path

from cspdesk.core.errors import DatabaseProblem
from cspdesk.core.paths import db_dir, user_data_dir
from cspdesk.core.storage.encryption import connect_file, dbapi_module

SQLITE_MAGIC = b"SQLite format 3\x00"


def default_database_path() -> Path:
    """The user's own database file, in the platform's per-user data folder. (Which database to open when
    none is named — ``CSPDESK_DB``, IT's settings file, or this one — is ``core.site_config``'s to say.)"""
    return user_data_dir() / "cspdesk.sqlite"


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)


def _revision_graph() -> dict[str, str | None]:
    """revision -> down_revision, read from the migration files without importing Alembic."""
    graph: dict[str, str | None] = {}
    for path in (db_dir() / "versions").glob("*.py"):
        text_ = path.read_text(encoding="utf-8")
        if m := _REVISION.search(text_):
            down = _DOWN.search(text_)
            graph[m.group(1)] = down.group(1) if down else None
    return graph


def head_revision() -> str:
    graph = _revision_graph()
    heads = set(graph) - {d for d in graph.values() if d}
    if len(heads) != 1:
        raise RuntimeError(f"The migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def known_revisions() -> set[str]:
    return set(_revision_graph())


def check_sqlite_file(path: Path, *, read_only: bool = False) -> None:
    """Refuse a file that is not SQLite, is corrupt, or is locked — without writing to it, and leaving
    nothing beside it. ``read_only``: the file is only to be read, so another program's write lock does not
    matter (and cannot be tested for without writing)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise DatabaseProblem(f"CSPDesk cannot read the database file {path}: {exc.strerror}.") from exc
    if header != SQLITE_MAGIC and len(header) < 16:  # too short for SQLite or SQLCipher
        raise DatabaseProblem(
            f"{path} is not a CSPDesk database (it is not a SQLite database file). "
            "Choose another file, or restore it from a backup."
        )
    # Anything else may be an encrypted file: connect_file tries its key (a wrong key or a file that is not a
    # database is a KeyProblem saying so).
    try:
        con = connect_file(path, readonly=True, timeout=1)
        try:
            rows = _probe_pages(con)
        finally:
            con.close()
    except (sqlite3.DatabaseError, dbapi_module(path).DatabaseError) as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise _locked(path) from exc
        raise DatabaseProblem(
            f"The database {path} is damaged and cannot be opened ({exc}). It has not been "
            "changed. Restore it from a backup (CSPDesk keeps one beside it each time it upgrades)."
        ) from exc
    if rows != [("ok",)]:
        raise DatabaseProblem(
            f"The database {path} is damaged: {rows[0][0]}. It has not been changed. "
            "Restore it from a backup (CSPDesk keeps one beside it each time it upgrades)."
        )
    if read_only:
        return
    # Another program holding a write lock would make every save fail later: say so now.
    con = connect_file(path, timeout=0.5, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
    except (sqlite3.OperationalError, dbapi_module(path).OperationalError) as exc:
        raise _locked(path) from exc
    finally:
        con.close()


def _probe_pages(con: sqlite3.Connection) -> list[tuple[str]]:
    """Read the schema and the first page of every table and index: a damaged file almost always
    fails here. A full ``PRAGMA quick_check`` reads the whole file (seconds on a large database), so
    it runs in ``cspdesk check`` and not at every start; damage found later is refused by the unit of
    work with the same message, and nothing is written."""
    objects = con.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for type_, name in objects:
        quoted = '"' + name.replace('"', '""') + '"'
        if type_ == "table":
            con.execute(f"SELECT * FROM {quoted} LIMIT 1").fetchall()
        else:
            con.execute(f"PRAGMA index_info({quoted})").fetchall()
    return [("ok",)]


def _locked(path: Path) -> DatabaseProblem:
    return DatabaseProblem(
        f"The database {path} is locked by another program (perhaps CSPDesk on another computer, "
        "or a backup or sync tool). Close that program and try again. Nothing has been changed."
    )


def sqlite_revision_readonly(path: Path) -> tuple[str | None, list[str]]:
    con = connect_file(path, readonly=True, timeout=1)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return revision, tables
    finally:
        con.close()


# ----- read-only files, and looking without leaving anything behind (issue 16)


def read_only_reason(path: Path) -> str | None:
    """Why CSPDesk cannot change this existing file, in the user's words, or None when it can.

    Opening for writing (and closing, writing nothing) is the honest test: it also sees a read-only disk or
    share and a file marked unchangeable (``chattr +i``), which permission bits do not show. SQLite also needs
    to make its ``-wal`` and ``-shm`` files beside the database, so the folder must be writable too."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError as exc:
        if exc.errno == errno.EROFS:
            return "it is on a read-only disk or share"
        if exc.errno == errno.EPERM:
            return "the file is marked as unchangeable (immutable)"
        if exc.errno == errno.EACCES:
            return "you do not have permission to change the file"
        if exc.errno == errno.ENOENT:
            return None
        return f"it cannot be opened for writing ({exc.strerror})"
    os.close(fd)
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
        return f"the folder it is in ({folder}) cannot be written to"
    return None


def quick_check(path: Path) -> str:
    """SQLite's ``PRAGMA quick_check`` on the whole file, read-only: ``"ok"`` or
    what is wrong (its first lines).

    It reads every page (about a second for a few hundred megabytes), so the window runs it in the background
    (``write_gate``) and writes wait for it."""
    try:
        con = connect_file(path, readonly=True, timeout=5)  # plain or encrypted
        try:
            rows = [r[0] for r in con.execute("PRAGMA quick_check(20)")]
        finally:
            con.close()
    except (sqlite3.DatabaseError, dbapi_module(path).DatabaseError) as exc:
        return str(exc)
    if rows == ["ok"]:
        return "ok"
    # SQLite heads its findings "*** in database main ***": not words for a user.
    lines = [line for row in rows for line in row.splitlines() if line.strip() and not line.startswith("***")]
    return "; ".join(lines[:3])
