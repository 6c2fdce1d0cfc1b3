"""The PostgreSQL databases of one test session: made on the server named by CSPDESK_TEST_PG_URL
(a role that may create databases), each with a name unique to this session, and all dropped at the
end. Every test gets its own copy of a template database; the next copy is made in the background
while the current test runs, so a test rarely waits for one."""

from __future__ import annotations

import os
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


class PgServer:
    def __init__(self, url: str):
        self._url = make_url(url)
        self._admin = create_engine(self._url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with self._admin.connect() as conn:
            version = conn.execute(text("SHOW server_version_num")).scalar()
        # FILE_COPY copies a small template faster than PostgreSQL 15's default (WAL_LOG).
        self._strategy = " STRATEGY FILE_COPY" if int(version) >= 150000 else ""
        self._prefix = f"cspdesk_test_{os.getpid()}_{uuid.uuid4().hex[:6]}_"
        self._count = 0
        self._made: list[str] = []
        self._lock = threading.Lock()
        self._ahead = ThreadPoolExecutor(1, thread_name_prefix="pg-copy-ahead")
        self._next: dict[str, Future[str]] = {}

    def create(self, template: str | None = None) -> str:
        """A new, empty database (or a copy of ``template``'s); returns its URL."""
        if template is None:
            return self._url_of(self._make(None))
        source = make_url(template).database
        ready = self._next.pop(source, None)
        name = ready.result() if ready is not None else self._make(source)
        self._next[source] = self._ahead.submit(self._make, source)
        return self._url_of(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        self._drop(name)
        with self._lock:
            self._made.remove(name)

    def drop_all(self) -> None:
        self._ahead.shutdown(wait=True)
        for name in reversed(self._made):
            self._drop(name)
        self._made.clear()
        self._admin.dispose()

    def _make(self, template: str | None) -> str:
        with self._lock:
            self._count += 1
            name = f"{self._prefix}{self._count}"
            self._made.append(name)
        sql = f'CREATE DATABASE "{name}"'
        if template:
            sql += f' TEMPLATE "{template}"{self._strategy}'
        with self._admin.connect() as conn:
            conn.execute(text(sql))
        return name

    def _drop(self, name: str) -> None:
        # A connection a test left open (the CLI's engine, say) is ours to end; then a plain DROP, which
        # stops an autovacuum worker busy in the database by itself (DROP ... WITH (FORCE) would need
        # the right to signal the superuser's processes, and a plain DROP with a session still open
        # waits five seconds before refusing).
        with self._admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name "
                    "AND usename = current_user AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))

    def _url_of(self, name: str) -> str:
        return self._url.set(database=name).render_as_string(hide_password=False)
