"""``cspdesk check``: schema version, integrity and counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from cspdesk.core.storage.database import Database, check_integrity, head_revision, sqlite_path
from cspdesk.core.storage.models import Base
from cspdesk.core.storage.sqlite_file import read_only_reason


@dataclass(frozen=True)
class HealthReport:
    database: str
    revision: str
    head: str
    integrity: str
    counts: dict[str, int]
    problems: list[str]
    writable: str = "yes"  # or "no: <why>" for a file CSPDesk can only read

    @property
    def ok(self) -> bool:
        return not self.problems


class HealthService:
    def __init__(self, database: Database):
        self._db = database

    def check(self) -> HealthReport:
        problems: list[str] = []
        head = head_revision()
        if self._db.revision != head:
            problems.append(f"Schema is at {self._db.revision or 'nothing'}, this app expects {head}.")
        integrity, dangling = check_integrity(self._db.engine)
        if dangling:
            problems.append(f"{dangling} rows point at records that do not exist.")
        if integrity.split()[0] != "ok":
            problems.append(
                f"Integrity check failed: {integrity}. CSPDesk will not change this file; restore it "
                "from a backup (one is kept beside it each time CSPDesk upgrades it)."
            )
        counts = {}
        unreadable = []
        with self._db.engine.connect() as conn:
            for name in sorted(Base.metadata.tables):
                table = Base.metadata.tables[name]
                try:
                    counts[name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
                except DBAPIError:  # a damaged page: the integrity line above says what
                    conn.rollback()
                    unreadable.append(name)
        if unreadable:
            problems.append(f"These tables cannot be read: {', '.join(unreadable)}.")
        path = sqlite_path(self._db.url)
        reason = read_only_reason(path) if path is not None else None
        writable = f"no: {reason}" if reason else "yes"
        if integrity.split()[0] != "ok":
            writable = "no: it is damaged, and CSPDesk does not change a damaged file"
        return HealthReport(self._db.label, self._db.revision, head, integrity, counts, problems, writable)
