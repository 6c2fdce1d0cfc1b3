"""``cspdesk check``: schema version, integrity and counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from cspdesk.core.storage.database import Database, check_integrity, head_revision
from cspdesk.core.storage.models import Base


@dataclass(frozen=True)
class HealthReport:
    database: str
    revision: str
    head: str
    integrity: str
    counts: dict[str, int]
    problems: list[str]

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
            problems.append(f"Integrity check failed: {integrity}")
        with self._db.engine.connect() as conn:
            counts = {}
            for name in sorted(Base.metadata.tables):
                table = Base.metadata.tables[name]
                counts[name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
        return HealthReport(self._db.label, self._db.revision, head, integrity, counts, problems)
