"""Opening a database safely: check, back up, migrate; refuse clearly when it is not safe.

A database that is newer than this app, locked by another program, corrupt, or not a CSPDesk
database raises ``DatabaseProblem`` with a message in the user's words, and is never modified.
SQLite is the default; the same models and migrations run on PostgreSQL (``postgresql+psycopg://``).

On PostgreSQL there is no file to check or copy. An upgrade runs as one transaction (PostgreSQL
undoes every step if one fails, so a failed upgrade leaves the database as it was) under an advisory
lock (two computers starting a new version together: the second waits, then finds it done). Backing
the server up is the server's job (pg_dump, or the backups its administrator already runs).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from cspdesk.core.clock import current as current_clock
from cspdesk.core.errors import DatabaseNotSetUp, DatabaseProblem, NoSuchDatabase
from cspdesk.core.paths import db_dir
from cspdesk.core.storage.encryption import connect_file, dbapi_module, key_for, open_copy_target, salt_of
from cspdesk.core.storage.sqlite_file import (
    check_sqlite_file,
    known_revisions,
    read_only_reason,
    sqlite_revision_readonly,
)

# Part of this module's interface (imported from here elsewhere): "x as x" re-exports them.
from cspdesk.core.storage.sqlite_file import default_database_path as default_database_path
from cspdesk.core.storage.sqlite_file import head_revision as head_revision
from cspdesk.core.storage.write_gate import OPEN, WriteGate, attach

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.pool import ConnectionPoolEntry

# PostgreSQL URLs as servers and other tools write them; CSPDesk talks to PostgreSQL through psycopg 3.
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def resolve_url(path_or_url: str | os.PathLike[str] | None) -> str:
    """A file path becomes a SQLite URL; anything with ``://`` is taken as a SQLAlchemy URL
    (``postgresql://`` and ``postgres://`` mean ``postgresql+psycopg://``)."""
    if path_or_url is None:
        # CSPDESK_DB or IT's settings file may hold a server's URL: text, not a
        # Path (which would fold its "//").
        from cspdesk.core.site_config import configured_database

        path_or_url = configured_database().target
    s = str(path_or_url)
    for scheme in _POSTGRES_SCHEMES:
        if s.startswith(scheme):
            return "postgresql+psycopg://" + s[len(scheme) :]
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


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def encrypted_engine_arguments(path: Path | None) -> dict[str, Any]:
    """For an encrypted (or new, so encrypted) SQLite file: SQLAlchemy's pysqlite dialect over sqlcipher3 (the
    same DB-API, so errors are translated as usual), each connection keyed before anything else runs."""
    from cspdesk.core.storage import encryption

    if path is None or not (encryption.is_encrypted_file(path) or encryption.is_new_file(path)):
        return {}
    key = encryption.key_for(path, new=encryption.is_new_file(path))
    return {
        "module": encryption.dbapi_module(path),
        "creator": lambda: encryption.open_encrypted(path, key, timeout=5, check_same_thread=False),
    }


def make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": 5}, **encrypted_engine_arguments(sqlite_path(url))
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pre_ping: a connection the server or the network dropped overnight is replaced, not used.
    return create_engine(url, pool_pre_ping=True)


def _read_only_sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def make_read_only_engine(path: Path) -> Engine:
    """An engine that only reads ``path`` and leaves nothing beside it (``encryption.readonly_uri``): for a
    file that cannot be written, and for ``cspdesk check``, which must not change what it checks."""
    from sqlalchemy.pool import QueuePool

    # Plain or encrypted, through readonly_uri; the dialect over the file's own DB-API (sqlite3 or
    # sqlcipher3), so its errors are translated as SQLAlchemy's (DBAPIError) like any other engine's.
    engine = create_engine(
        "sqlite://",
        poolclass=QueuePool,
        module=dbapi_module(path),
        creator=lambda: connect_file(path, readonly=True, timeout=5, check_same_thread=False),
    )
    event.listen(engine, "connect", _read_only_sqlite_pragmas)
    return engine


def _engine_for(url: str) -> Engine:
    """The engine for a database URL, or ``DatabaseProblem`` saying what is missing or wrong."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError as exc:
        raise DatabaseProblem(
            f"{url!r} is neither a database file nor a database URL such as postgresql://user@server/cspdesk."
        ) from exc
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseProblem(
            f"CSPDesk keeps its data in a SQLite file or on a PostgreSQL server; "
            f"{describe(url)} is a {backend} database. Choose another database."
        )
    try:
        return make_engine(url)
    except (ImportError, NoSuchModuleError) as exc:
        raise DatabaseProblem(
            f"CSPDesk cannot open {describe(url)}: this installation has no PostgreSQL driver "
            "(psycopg 3). Install it with: pip install 'cspdesk[postgres]'."
        ) from exc


def alembic_config() -> Config:
    # Alembic is imported only when a migration runs: it costs a noticeable part of start-up.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(db_dir()))
    return cfg


MIGRATION_LOCK = 0x4353504D494752  # "CSP" "MIGR": the advisory lock key for upgrades on PostgreSQL


@dataclass(frozen=True)
class Database:
    url: str
    engine: Engine
    revision: str
    backup: Path | None  # the copy taken before this start's migration, if any
    # Whether this session may write: a read-only file, or one quick_check found damaged (storage.write_gate).
    gate: WriteGate = OPEN

    @property
    def label(self) -> str:
        return describe(self.url)

    @property
    def read_only(self) -> str | None:
        """Why the file cannot be changed (it opened read-only), in the user's words, or None."""
        return self.gate.read_only

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def settle_after_bulk_load(engine: Engine) -> None:
    """After a bulk load (demo data): SQLite folds the large write-ahead log into the file, so the next
    start is quick; PostgreSQL refreshes the planner's statistics now rather than when autovacuum gets
    round to it, so the first searches are planned for the data that is there."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def check_integrity(engine: Engine) -> tuple[str, int]:
    """(``"ok"`` or what is wrong, rows pointing at records that do not exist) for ``cspdesk check``."""
    with engine.connect() as conn:
        if engine.dialect.name != "sqlite":
            version = conn.execute(text("SHOW server_version")).scalar()
            # The server enforces foreign keys itself and checks its own pages; there is no
            # whole-database check to run from a client.
            return f"ok (PostgreSQL {version} keeps its own integrity; back it up with the server's tools)", 0
        try:
            rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            integrity = "ok" if rows == ["ok"] else "; ".join(rows[:5])
            return integrity, len(conn.execute(text("PRAGMA foreign_key_check")).fetchall())
        except DBAPIError as exc:  # damage bad enough that the check itself cannot read the file
            return f"damaged: {exc.orig}", 0


def backup_sqlite(path: Path, revision: str | None) -> Path:
    """Copy the database with SQLite's online backup (consistent even in WAL mode)."""
    stamp = current_clock().now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}-{revision or 'empty'}{path.suffix}")
    try:
        _copy_database(path, target)
    except (OSError, sqlite3.Error, dbapi_module(path).Error) as exc:
        _remove_partial(target)
        raise DatabaseProblem(_backup_failed_message(path, target, exc)) from exc
    return target


def _copy_database(path: Path, target: Path) -> None:
    src = connect_file(path)
    try:
        dst = (
            open_copy_target(target, key_for(path), salt_of(path))
            if salt_of(path)
            else sqlite3.connect(str(target))
        )
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _remove_partial(target: Path) -> None:
    """A backup that did not finish is not a backup: leave no 0-byte or
    half-written copy to be trusted later."""
    for leftover in (target, Path(f"{target}-journal"), Path(f"{target}-wal"), Path(f"{target}-shm")):
        try:
            leftover.unlink(missing_ok=True)
        except OSError:
            pass


def _backup_failed_message(path: Path, target: Path, exc: BaseException) -> str:
    full = getattr(exc, "errno", None) == errno.ENOSPC or "full" in str(exc)
    why = (
        f"there is not enough space on the disk for {target.name}"
        if full
        else f"{getattr(exc, 'strerror', None) or exc}"
    )
    then = (
        "Free some space (or ask IT to) and try again."
        if full
        else "Put that right (or ask IT to) and try again."
    )
    return (
        f"CSPDesk could not back up {path} before upgrading it: {why}. "
        f"Nothing has been changed and no partial copy was left. {then}"
    )


def open_database(
    path_or_url: str | os.PathLike[str] | None = None,
    *,
    migrate: bool = True,
    create: bool = True,
    read_only: bool = False,
) -> Database:
    """Open, back up and upgrade a database; raise ``DatabaseProblem`` if unsafe.

    ``create``: a missing file is made (only in a folder that exists; the user's own data folder is made
    too) and an empty one set up; otherwise a missing file is "no such database" and an empty one "not set up
    yet", and nothing is created. ``read_only``: only read it (``cspdesk check``). A file that cannot be
    written opens read-only whatever is asked (``Database.read_only`` says why)."""
    url = resolve_url(path_or_url)
    path = sqlite_path(url)
    head = head_revision()
    gate = OPEN
    if path is not None:
        if path.exists() and path.stat().st_size > 0:
            reason = read_only_reason(path)
            check_sqlite_file(path, read_only=read_only or reason is not None)
            # Decide from a read-only look, so a file we refuse is never touched.
            revision, tables = sqlite_revision_readonly(path)
            if revision is None and tables:
                raise DatabaseProblem(
                    f"{path} is a SQLite file but not a CSPDesk database. Choose another file."
                )
            _refuse_newer(url, revision)
            if read_only or reason is not None:
                return _open_read_only(url, path, revision, reason, migrate and not read_only)
            gate = WriteGate(path)
            if migrate and revision != head:
                gate.require_writable()  # quick_check before the upgrade's backup and first write
        else:
            _refuse_to_create(path, create)
            gate = WriteGate(path, checked=True)  # a new file: nothing to check
    engine = _engine_for(url)
    if gate is not OPEN:
        attach(engine, gate)
    try:
        revision = current_revision(engine)
        if revision is None and path is None and inspect(engine).get_table_names():
            raise DatabaseProblem(
                f"{describe(url)} already holds tables that are not CSPDesk's. Choose another database."
            )
        if revision is None and not create:
            raise DatabaseNotSetUp(not_set_up_message(describe(url)))
    except DatabaseProblem:
        engine.dispose()
        raise
    except OperationalError as exc:
        engine.dispose()
        if path is not None:
            raise DatabaseProblem(f"CSPDesk cannot open {describe(url)}: {exc.orig}.") from exc
        reason = (
            str(exc.orig).strip().splitlines()[0].strip()
            if str(exc.orig).strip()
            else type(exc.orig).__name__
        )
        raise DatabaseProblem(
            f"CSPDesk cannot reach the database {describe(url)}: {reason}. Check the server's "
            "name, that it is running, and your user name and password. Nothing has been changed."
        ) from exc
    try:
        _refuse_newer(url, revision)
    except DatabaseProblem:
        engine.dispose()
        raise
    backup = None
    if migrate and revision != head:
        if path is not None and revision is not None:
            try:
                backup = backup_sqlite(path, revision)
            except DatabaseProblem:
                engine.dispose()  # closing the last connection removes the -wal and -shm it made
                raise
        from alembic import command

        cfg = alembic_config()
        if path is None and engine.dialect.name == "postgresql":
            _upgrade_server(engine, cfg, url)
        else:
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        revision = head
    return Database(url=url, engine=engine, revision=revision or "", backup=backup, gate=gate)


def not_set_up_message(label: str) -> str:
    return (
        f"This database is not set up yet: {label} holds no CSPDesk tables. Open it in CSPDesk (or run "
        "'cspdesk demo' to fill it with demo data) to set it up. Nothing has been changed."
    )


def _refuse_to_create(path: Path, create: bool) -> None:
    """A mistyped path creates nothing: only the window and ``demo`` make a database, and only in a folder
    that exists (the user's own data folder excepted)."""
    if path.exists():  # an empty file
        if not create:
            raise DatabaseNotSetUp(not_set_up_message(str(path)))
        return
    if not create:
        raise NoSuchDatabase(
            f"no such database: {path}. Check the name and folder (nothing has been created)."
        )
    if path.parent.is_dir():
        return
    from cspdesk.core.site_config import site_names_a_database

    own_folder = default_database_path().expanduser().resolve().parent
    if path.parent != own_folder or site_names_a_database():
        raise NoSuchDatabase(
            f"CSPDesk cannot create the database {path}: the folder {path.parent} does not "
            "exist. Check the name and folder (nothing has been created)."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseProblem(f"CSPDesk cannot create the folder {path.parent}: {exc.strerror}.") from exc


def _open_read_only(
    url: str, path: Path, revision: str | None, reason: str | None, upgrade: bool
) -> Database:
    """A file opened only to be read: a read-only one (``reason``) or for ``cspdesk check``."""
    if revision is None:
        raise DatabaseNotSetUp(not_set_up_message(str(path)))
    if upgrade and revision != head_revision():
        raise DatabaseProblem(
            f"The database {path} needs upgrading to this version of CSPDesk, which means "
            f"changing it, but it is read-only because {reason}. Nothing has been changed. Ask "
            "IT to let you change the file, or open it with the version of CSPDesk that made it."
        )
    engine = make_read_only_engine(path)
    gate = WriteGate(path, read_only=reason or "it was opened only to be read")
    attach(engine, gate)
    return Database(url=url, engine=engine, revision=revision, backup=None, gate=gate)


def _upgrade_server(engine: Engine, cfg: Config, url: str) -> None:
    from alembic import command

    try:
        with engine.begin() as conn:
            # Held to the end of the upgrade's transaction; a second CSPDesk starting now waits here,
            # then Alembic finds the database at head and does nothing.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except DBAPIError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
        raise DatabaseProblem(
            f"CSPDesk could not set up or upgrade the database {describe(url)}: {reason}. Nothing has been "
            "changed. The user CSPDesk signs in as must own the database (CREATE DATABASE ... OWNER ...)."
        ) from exc


def _refuse_newer(url: str, revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        raise DatabaseProblem(
            f"The database {describe(url)} was made by a newer version of CSPDesk (schema {revision}). "
            "Install the newer version to open it. Nothing has been changed."
        )
