"""Opening a database safely: check, back up, migrate; refuse clearly when it is not safe.

A database that is newer than this app, locked by another program, corrupt, or not a CSPDesk
database raises ``DatabaseProblem`` with a message in the user's words, and is never modified.
SQLite is the default; the same models and migrations run on PostgreSQL (``postgresql+psycopg://``).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

from cspdesk.core.errors import DatabaseProblem
from cspdesk.core.paths import db_dir
from cspdesk.core.storage.sqlite_file import (  # noqa: F401 - part of this module's interface
    SQLITE_MAGIC,
    check_sqlite_file,
    default_database_path,
    head_revision,
    known_revisions,
    sqlite_revision_readonly,
)


def resolve_url(path_or_url: str | os.PathLike | None) -> str:
    """A file path becomes a SQLite URL; anything with ``://`` is taken as a SQLAlchemy URL."""
    if path_or_url is None:
        path_or_url = default_database_path()
    s = str(path_or_url)
    if "://" in s:
        return s
    return f"sqlite:///{Path(s).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def describe(url: str) -> str:
    """What to show in the title bar: the file path, or the server and database without password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 5})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config():
    # Alembic is imported only when a migration runs: it costs a noticeable part of start-up.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(db_dir()))
    return cfg


@dataclass(frozen=True)
class Database:
    url: str
    engine: Engine
    revision: str
    backup: Path | None  # the copy taken before this start's migration, if any

    @property
    def label(self) -> str:
        return describe(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup_sqlite(path: Path, revision: str | None) -> Path:
    """Copy the database with SQLite's online backup (consistent even in WAL mode)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}-{revision or 'empty'}{path.suffix}")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def open_database(path_or_url: str | os.PathLike | None = None, *, migrate: bool = True) -> Database:
    """Open (creating if needed), back up and upgrade a database; raise ``DatabaseProblem`` if unsafe."""
    url = resolve_url(path_or_url)
    path = sqlite_path(url)
    head = head_revision()
    if path is not None:
        if path.exists() and path.stat().st_size > 0:
            check_sqlite_file(path)
            # Decide from a read-only look, so a file we refuse is never touched.
            revision, tables = sqlite_revision_readonly(path)
            if revision is None and tables:
                raise DatabaseProblem(f"{path} is a SQLite file but not a CSPDesk database. Choose another file.")
            _refuse_newer(url, revision)
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseProblem(f"CSPDesk cannot create the folder {path.parent}: {exc.strerror}.") from exc
    engine = make_engine(url)
    try:
        revision = current_revision(engine)
        if revision is None and path is None and inspect(engine).get_table_names():
            raise DatabaseProblem(f"{describe(url)} already holds tables that are not CSPDesk's. Choose another database.")
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseProblem(f"CSPDesk cannot open {describe(url)}: {exc.orig}.") from exc
    try:
        _refuse_newer(url, revision)
    except DatabaseProblem:
        engine.dispose()
        raise
    backup = None
    if migrate and revision != head:
        if path is not None and revision is not None:
            backup = backup_sqlite(path, revision)
        from alembic import command

        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        revision = head
    return Database(url=url, engine=engine, revision=revision or "", backup=backup)


def _refuse_newer(url: str, revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        raise DatabaseProblem(
            f"The database {describe(url)} was made by a newer version of CSPDesk (schema {revision}). "
            "Install the newer version to open it. Nothing has been changed."
        )
