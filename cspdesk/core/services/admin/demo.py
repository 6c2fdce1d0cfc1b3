"""Loading demo data through the app (the GUI's offer on an empty database, and ``cspdesk demo``)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from cspdesk.core.demo import DemoReport, generate_demo
from cspdesk.core.demo.extras import default_extras
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import ValidationError
from cspdesk.core.services.context import Actor
from cspdesk.core.storage.database import settle_after_bulk_load
from cspdesk.core.storage.models import AsbCase
from cspdesk.core.storage.uow import UnitOfWork


class DemoService:
    def __init__(self, uow: Callable[[str], UnitOfWork]):
        self._uow = uow

    def is_empty(self) -> bool:
        with self._uow("system") as uow:
            return not uow.session.scalar(select(func.count()).select_from(AsbCase))

    def load(
        self,
        actor: Actor | None,
        *,
        cases: int = 1500,
        seed: int = 2023,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> DemoReport:
        if actor is not None:
            actor.require(Role.ADMINISTRATOR, "load demo data")
        if cases < 1 or cases > 1_000_000:
            raise ValidationError({"cases": "Choose between 1 and 1,000,000 demo cases."})
        username = actor.username if actor else "demo"
        with self._uow(username) as uow:
            if uow.session.scalar(select(func.count()).select_from(AsbCase)):
                raise ValidationError({"": "Demo data can only be loaded into an empty database."})
            report = generate_demo(
                uow.session,
                cases=cases,
                seed=seed,
                admin_username=username,
                progress=progress,
                extras=default_extras(),
            )
            uow.audit("create", "demo", None, f"Demo data loaded: {report.cases} cases")
            uow.commit()
        engine = uow.session.get_bind()
        assert isinstance(engine, Engine)  # the unit of work's sessions are bound to the engine
        settle_after_bulk_load(engine)
        return report
