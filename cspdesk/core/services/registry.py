"""The services the app is built from, created once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cspdesk.core.services.actions import ActionService
from cspdesk.core.services.attachments import AttachmentService
from cspdesk.core.services.case_closure import CaseClosureService
from cspdesk.core.services.case_edit import CaseEditService
from cspdesk.core.services.case_intake import CaseIntakeService
from cspdesk.core.services.case_list import CaseListService
from cspdesk.core.services.case_parties import CasePartyService
from cspdesk.core.services.case_review import CaseReviewService
from cspdesk.core.services.case_review_print import render_figures_pdf
from cspdesk.core.services.cases import CaseService
from cspdesk.core.services.chronology import ChronologyService
from cspdesk.core.services.context import Actor
from cspdesk.core.services.dashboard import DashboardService
from cspdesk.core.services.demo import DemoService
from cspdesk.core.services.documents import DocumentService
from cspdesk.core.services.enforcement import EnforcementService
from cspdesk.core.services.enforcement_register import NoticeRegisterService
from cspdesk.core.services.figures import FiguresService
from cspdesk.core.services.forums import ForumService
from cspdesk.core.services.forums_print import write_forum_log
from cspdesk.core.services.health import HealthService
from cspdesk.core.services.incidents import IncidentService
from cspdesk.core.services.letter_templates import LetterTemplateService
from cspdesk.core.services.letters import LetterService
from cspdesk.core.services.letters_print import LetterPrinter
from cspdesk.core.services.report_pack import ReportPackService
from cspdesk.core.services.report_pack_print import render_report_pack
from cspdesk.core.services.risk import RiskService
from cspdesk.core.services.safer_homes import SaferHomesService
from cspdesk.core.services.safer_homes_outputs import SaferHomesOutputs
from cspdesk.core.services.safer_homes_read import SaferHomesReader
from cspdesk.core.services.saved_filters import SavedFilterService
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
    safer_homes: SaferHomesService
    safer_homes_read: SaferHomesReader
    safer_homes_outputs: SaferHomesOutputs
    case_reviews: CaseReviewService
    # ASB cases end to end (issue 3)
    intake: CaseIntakeService
    case_edit: CaseEditService
    parties: CasePartyService
    incidents: IncidentService
    risk: RiskService
    actions: ActionService
    chronology: ChronologyService
    attachments: AttachmentService
    closure: CaseClosureService
    forums: ForumService
    saved_filters: SavedFilterService
    figures: FiguresService
    enforcement: EnforcementService
    notices: NoticeRegisterService
    report_pack: ReportPackService
    templates: LetterTemplateService
    letters: LetterService
    documents: DocumentService


def build_services(database: Database, username: str | None = None,
                   today: Callable[[], date] = date.today) -> Services:
    uow = uow_factory_for(database.engine)
    users = UserService(uow)
    actor, first = users.sign_in(username)
    settings = SettingsService(uow)
    safer_homes_read = SaferHomesReader(uow, today)
    figures = FiguresService(uow, settings, today)
    templates = LetterTemplateService(uow)
    letters = LetterService(uow, templates, settings, today, printer=LetterPrinter())
    services = Services(
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
        intake=CaseIntakeService(uow, today),
        case_edit=CaseEditService(uow, today),
        parties=CasePartyService(uow, today),
        incidents=IncidentService(uow, today),
        risk=RiskService(uow, today),
        actions=ActionService(uow, today),
        chronology=ChronologyService(uow, today),
        attachments=AttachmentService(uow, today),
        closure=CaseClosureService(uow, today),
        forums=ForumService(uow, today, write_forum_log),
        saved_filters=SavedFilterService(uow, today),
        case_reviews=CaseReviewService(uow, settings, today, render_figures_pdf),
        figures=figures,
        safer_homes=SaferHomesService(uow, today),
        safer_homes_read=safer_homes_read,
        safer_homes_outputs=SaferHomesOutputs(uow, safer_homes_read, today),
        enforcement=EnforcementService(uow, settings, today),
        notices=NoticeRegisterService(uow, today),
        report_pack=ReportPackService(uow, settings, figures, today, render_report_pack),
        templates=templates,
        letters=letters,
        documents=DocumentService(uow),
    )
    letters.attach(services)
    return services
