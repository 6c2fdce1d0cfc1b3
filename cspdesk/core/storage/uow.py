"""The unit of work: one short Session per user action, committed or rolled back as a whole."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from cspdesk.core.errors import ConflictError, DatabaseProblem
from cspdesk.core.storage.audit_chain import append as append_audit
from cspdesk.core.storage.field_limits import check_text_fits
from cspdesk.core.storage.write_gate import refusal_for


class UnitOfWork:
    """``with uow_factory() as uow: ... uow.commit()``. Leaving without commit rolls back.

    ``audit()`` adds the audit row to the same transaction as the change it records.
    """

    def __init__(self, session_factory: Callable[[], Session], username: str):
        self._session_factory = session_factory
        self.username = username
        # Who the reads are for (an Actor; None: nobody in particular): services.scope limits a partner's
        # reads.
        self.viewer: Any = None
        self.session: Session
        self._audit_rows: list[dict[str, Any]] = []

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self._audit_rows = []
        self.session.info["username"] = self.username  # the author of a working copy's journal entries
        self.session.info["viewer"] = self.viewer
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # close() ends the transaction (discarding anything not committed) without expiring what
        # was loaded, so values read inside the block stay readable after it.
        self.session.close()
        if isinstance(exc, StaleDataError):
            raise ConflictError(
                "Someone else saved this record after you opened it. Your changes were not saved; "
                "reopen it to see theirs."
            ) from exc
        if isinstance(exc, DBAPIError) and (refused := refusal_for(self.session.get_bind(), exc)) is not None:
            raise refused from exc  # a damaged or read-only file (storage.write_gate): nothing was written
        if isinstance(exc, DBAPIError) and "malformed" in str(exc.orig):
            raise DatabaseProblem(
                "The database file is damaged and CSPDesk stopped before changing anything. Close CSPDesk "
                "and restore the file from a backup (one is kept beside it each time CSPDesk upgrades it)."
            ) from exc
        if isinstance(exc, OperationalError) and "locked" in str(exc.orig):
            raise DatabaseProblem(
                "The database is busy or locked by another program; nothing was saved. Try again in a moment."
            ) from exc
        if isinstance(exc, OperationalError) and exc.connection_invalidated:
            raise DatabaseProblem(
                "CSPDesk lost its connection to the database server; nothing was saved. Check the network "
                "and try again."
            ) from exc
        if isinstance(exc, IntegrityError) and _is_unique_violation(exc):
            # Two people saving the same new thing at the same moment on a shared database (the
            # second is refused by a unique index): nothing of theirs is lost by trying again.
            raise ConflictError(
                "Someone else saved the same record at the same moment. Your changes were not saved; "
                "try again."
            ) from exc

    def commit(self) -> None:
        # The audit rows join the hash chain last, after everything else this action wrote: the chain's
        # lock is then held for the shortest time (``audit_chain``).
        if self._audit_rows:
            rows, self._audit_rows = self._audit_rows, []
            append_audit(self.session, rows)
        self.session.commit()

    def audit(
        self,
        action: str,
        entity_type: str,
        entity_id: uuid.UUID | None,
        summary: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        """An audit row, written with the change when ``commit`` is called (never without it)."""
        self._audit_rows.append(
            {
                "username": self.username,
                "action": action,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "summary": summary,
                "details": details,
            }
        )

    def audit_many(
        self, action: str, entity_type: str, rows: list[tuple[uuid.UUID | None, str, dict[str, Any] | None]]
    ) -> None:
        """``audit`` for many records at once (entity id, summary, details): one INSERT at commit."""
        for entity_id, summary, details in rows:
            self.audit(action, entity_type, entity_id, summary, details)


def _is_unique_violation(exc: IntegrityError) -> bool:
    # psycopg: sqlstate 23505; sqlite3: "UNIQUE constraint failed".
    return getattr(exc.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(exc.orig)


def uow_factory_for(engine: Engine) -> Callable[[str], UnitOfWork]:
    sessions = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
    event.listen(sessions, "before_flush", check_text_fits)
    from cspdesk.core.sync.journal import attach_if_working_copy

    attach_if_working_copy(sessions, engine)  # a working copy journals every change it makes
    return lambda username: UnitOfWork(sessions, username)
