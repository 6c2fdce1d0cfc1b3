"""Whether this session may write to its database: a damaged or read-only file is never written to.

Opening a SQLite file checks its header and the first page of every table (``sqlite_file``), which misses
damage in the middle of the file. ``PRAGMA quick_check`` finds it but reads every page, so it runs once per
session before the first write: in the background as the window starts (``start()``), or when the first write
comes (a command). Every connection of the engine has a SQLite *authorizer* (called as a statement is
prepared, for each thing it would do); a statement that would change the database waits for the check and
is refused if the file is damaged or read-only. SQLite itself refuses it, so no write path is missed: the
unit of work, bulk inserts on the raw driver, migrations.

A refused write fails with "not authorized"; ``refusal_for`` turns it into ``DatabaseProblem`` with the reason
in the user's words (``WritesRefused``, a ``DatabaseProblem``; the unit of work does this).
``gate_for(engine)`` finds an engine's gate; a server database (PostgreSQL) has an open gate:
the server keeps its own pages.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from cspdesk.core.errors import WritesRefused
from cspdesk.core.storage.sqlite_file import quick_check

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

# Authorizer action codes that change the database (sqlite3 module constants).
_WRITES = frozenset(
    getattr(sqlite3, name)
    for name in (
        "SQLITE_INSERT",
        "SQLITE_UPDATE",
        "SQLITE_DELETE",
        "SQLITE_CREATE_TABLE",
        "SQLITE_CREATE_INDEX",
        "SQLITE_CREATE_TRIGGER",
        "SQLITE_CREATE_VIEW",
        "SQLITE_CREATE_TEMP_TABLE",
        "SQLITE_CREATE_TEMP_INDEX",
        "SQLITE_CREATE_TEMP_TRIGGER",
        "SQLITE_CREATE_TEMP_VIEW",
        "SQLITE_CREATE_VTABLE",
        "SQLITE_DROP_TABLE",
        "SQLITE_DROP_INDEX",
        "SQLITE_DROP_TRIGGER",
        "SQLITE_DROP_VIEW",
        "SQLITE_DROP_TEMP_TABLE",
        "SQLITE_DROP_TEMP_INDEX",
        "SQLITE_DROP_TEMP_TRIGGER",
        "SQLITE_DROP_TEMP_VIEW",
        "SQLITE_DROP_VTABLE",
        "SQLITE_ALTER_TABLE",
        "SQLITE_REINDEX",
        "SQLITE_ANALYZE",
    )
    if hasattr(sqlite3, name)
)
# Writes to the connection's own temporary schema are not writes to the file.
_TEMP = "temp"


def damaged_message(path: Path | str, problem: str) -> str:
    return (
        f"The database {path} is damaged ({problem}). CSPDesk will not change it, so nothing can be saved "
        "to it. Close CSPDesk and restore the file from a backup (CSPDesk keeps one beside it each time it "
        "upgrades), or ask IT to."
    )


def read_only_message(path: Path | str, reason: str) -> str:
    return (
        f"CSPDesk opened {path} read-only, because {reason}. You can look at, search and print everything, "
        "but changes cannot be saved. To make changes, ask IT to let you change the file, or copy it to a "
        "folder you can write to and open the copy."
    )


class WriteGate:
    """Writes allowed, refused (``refusal`` says why), or waiting for the check of the file."""

    def __init__(self, path: Path | None = None, *, read_only: str | None = None, checked: bool = False):
        self._path = path
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._started = False
        self.read_only = read_only  # why the file cannot be written, in the user's words
        self._refusal: str | None = read_only_message(path or "", read_only) if read_only else None
        self.problem: str | None = None  # what quick_check found
        if path is None or read_only or checked:
            self._started = True
            self._done.set()

    # ----- the check
    def start(self) -> None:
        """Run the check on a background thread (once); writes that come meanwhile wait for it."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, name="cspdesk-quick-check", daemon=True).start()

    def _run(self) -> None:
        assert self._path is not None  # a gate with no file is done from the start
        try:
            result = quick_check(self._path)
            if result != "ok":
                self.problem = result
                self._refusal = damaged_message(self._path, result)
        except BaseException as exc:  # an unreadable file is as good as damaged for writing
            self.problem = str(exc)
            self._refusal = damaged_message(self._path, str(exc))
        finally:
            self._done.set()

    def wait(self) -> str | None:
        """Wait for the check (starting it if nobody has); the reason writes are refused, or None."""
        if not self._done.is_set():
            self.start()
            self._done.wait()
        return self._refusal

    @property
    def decided(self) -> bool:
        return self._done.is_set()

    @property
    def refusal(self) -> str | None:
        """Why writes are refused, if known yet (None while the check runs)."""
        return self._refusal if self._done.is_set() else None

    def require_writable(self) -> None:
        """Raise ``WritesRefused`` (waiting for the check) unless this session may write."""
        if (message := self.wait()) is not None:
            raise WritesRefused(message)

    # ----- every connection
    def authorize(
        self, action: int, arg1: str | None, arg2: str | None, db_name: str | None, _source: str | None
    ) -> int:
        if action not in _WRITES or db_name == _TEMP:
            return sqlite3.SQLITE_OK
        if self._done.is_set() and self._refusal is None:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_OK if self.wait() is None else sqlite3.SQLITE_DENY

    def install(self, dbapi_connection: sqlite3.Connection) -> None:
        dbapi_connection.set_authorizer(self.authorize)


OPEN = WriteGate()  # a server database, or anything with no file to check
_GATES: weakref.WeakKeyDictionary[Engine, WriteGate] = weakref.WeakKeyDictionary()


def attach(engine: Engine, gate: WriteGate) -> None:
    """Give ``engine`` this gate: every connection it makes (from now on) asks it before writing."""
    from sqlalchemy import event

    _GATES[engine] = gate

    event.listen(engine, "connect", lambda dbapi_connection, _record: gate.install(dbapi_connection))


def gate_for(engine: Engine) -> WriteGate:
    return _GATES.get(engine, OPEN)


def refusal_for(bind: Engine | Connection, exc: BaseException) -> WritesRefused | None:
    """The plain message for a write the gate (or SQLite, on a read-only file) refused, else None."""
    text = str(getattr(exc, "orig", exc))
    if "not authorized" not in text and "readonly database" not in text:
        return None
    gate = gate_for(bind.engine)  # a session's bind: the engine, or a connection of it
    message = gate.refusal or gate.wait() if gate is not OPEN else None
    return WritesRefused(
        message or "CSPDesk cannot change this database: it is read-only. Nothing was saved."
    )
