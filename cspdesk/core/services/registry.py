"""The services the app is built from, created once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cspdesk.core.services.case_list import CaseListService
from cspdesk.core.services.case_review import CaseReviewService
from cspdesk.core.services.case_review_print import render_figures_pdf
from cspdesk.core.services.cases import CaseService
from cspdesk.core.services.context import Actor
from cspdesk.core.services.dashboard import DashboardService
from cspdesk.core.services.demo import DemoService
from cspdesk.core.services.enforcement import EnforcementService
from cspdesk.core.services.enforcement_register import NoticeRegisterService
from cspdesk.core.services.figures import FiguresService
from cspdesk.core.services.health import HealthService
from cspdesk.core.services.settings import SettingsService
from cspdesk.core.services.users import UserService
from cspdesk.core.storage.database import Database
from cspdesk.core.storage.uow import uow_factory_for


@dataclass
class Services:
    database: Database
    actor: Actor
    first_sign_in: bool
    users: UserService
    settings: SettingsService
    case_list: CaseListService
    cases: CaseService
    dashboard: DashboardService
    demo: DemoService
    health: HealthService
    case_reviews: CaseReviewService
    figures: FiguresService
    enforcement: EnforcementService
    notices: NoticeRegisterService


def build_services(database: Database, username: str | None = None,
                   today: Callable[[], date] = date.today) -> Services:
    uow = uow_factory_for(database.engine)
    users = UserService(uow)
    actor, first = users.sign_in(username)
    settings = SettingsService(uow)
    return Services(
        database=database,
        actor=actor,
        first_sign_in=first,
        users=users,
        settings=settings,
        case_list=CaseListService(uow, database.engine),
        cases=CaseService(uow, today),
        dashboard=DashboardService(uow, today),
        demo=DemoService(uow),
        health=HealthService(database),
        case_reviews=CaseReviewService(uow, settings, today, render_figures_pdf),
        figures=FiguresService(uow, settings, today),
        enforcement=EnforcementService(uow, settings, today),
        notices=NoticeRegisterService(uow, today),
    )
