"""The services the app is built from, created by the composition root.

Each service is made (and its module imported) the first time something asks for it, so start-up pays only
for what the first screen uses. ``users`` and ``settings`` exist from the start: signing in needs them.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from cspdesk.core.clock import Clock
from cspdesk.core.clock import current as current_clock
from cspdesk.core.services.admin.settings import SettingsService
from cspdesk.core.services.admin.users import UserService
from cspdesk.core.services.context import Actor
from cspdesk.core.services.registry_types import Services as Services  # what the window is given
from cspdesk.core.storage.database import Database
from cspdesk.core.storage.uow import UnitOfWork, uow_factory_for

if TYPE_CHECKING:
    from cspdesk.core.services.cases.case_list import CaseListService


def _get(module: str, name: str) -> Any:
    return getattr(importlib.import_module(f"cspdesk.core.services.{module}"), name)


def _letters(s: ServiceRegistry) -> Any:
    letters = _get("letters.letters", "LetterService")(
        s._uow, s.templates, s.settings, s._today, printer=_get("letters.letters_print", "LetterPrinter")()
    )
    letters.attach(s)  # letter sources reach the other services through it
    return letters


_FACTORIES: dict[str, Callable[[ServiceRegistry], Any]] = {
    "case_list": lambda s: _get("cases.case_list", "CaseListService")(
        s._uow, s.database.engine, lambda: s.actor
    ),
    "cases": lambda s: _get("cases.cases", "CaseService")(s._uow, s._today),
    "dashboard": lambda s: _get("dashboard", "DashboardService")(s._uow, s._today),
    "demo": lambda s: _get("admin.demo", "DemoService")(s._uow),
    "health": lambda s: _get("admin.health", "HealthService")(s.database),
    "intake": lambda s: _get("cases.case_intake", "CaseIntakeService")(s._uow, s._today),
    "case_edit": lambda s: _get("cases.case_edit", "CaseEditService")(s._uow, s._today),
    "parties": lambda s: _get("cases.case_parties", "CasePartyService")(s._uow, s._today),
    "party_edit": lambda s: _get("cases.case_party_edit", "PartyEditService")(s._uow, s._today),
    "incidents": lambda s: _get("cases.incidents", "IncidentService")(s._uow, s._today),
    "incident_edit": lambda s: _get("cases.incident_edit", "IncidentEditService")(s._uow, s._today),
    "risk": lambda s: _get("cases.risk", "RiskService")(s._uow, s._today),
    "actions": lambda s: _get("cases.actions", "ActionService")(s._uow, s._today),
    "chronology": lambda s: _get("cases.chronology", "ChronologyService")(s._uow, s._today),
    "attachments": lambda s: _get("letters.attachments", "AttachmentService")(s._uow, s._today),
    "closure": lambda s: _get("cases.case_closure", "CaseClosureService")(s._uow, s._today),
    "forums": lambda s: _get("forums.forums", "ForumService")(
        s._uow, s._today, _get("forums.forums_print", "write_forum_log")
    ),
    "saved_filters": lambda s: _get("cases.saved_filters", "SavedFilterService")(s._uow, s._today),
    "case_reviews": lambda s: _get("case_review.case_review", "CaseReviewService")(
        s._uow, s.settings, s._today, _get("case_review.case_review_print", "render_figures_pdf")
    ),
    "figures": lambda s: _get("figures.figures", "FiguresService")(s._uow, s.settings, s._today),
    "safer_homes": lambda s: _get("safer_homes.safer_homes", "SaferHomesService")(s._uow, s._today),
    "safer_homes_read": lambda s: _get("safer_homes.safer_homes_read", "SaferHomesReader")(s._uow, s._today),
    "safer_homes_outputs": lambda s: _get("safer_homes.safer_homes_outputs", "SaferHomesOutputs")(
        s._uow, s.safer_homes_read, s._today
    ),
    "enforcement": lambda s: _get("enforcement.enforcement", "EnforcementService")(
        s._uow, s.settings, s._today
    ),
    "notices": lambda s: _get("enforcement.enforcement_register", "NoticeRegisterService")(s._uow, s._today),
    "report_pack": lambda s: _get("reports.report_pack", "ReportPackService")(
        s._uow, s.settings, s.figures, s._today, _get("reports.report_pack_print", "render_report_pack")
    ),
    "templates": lambda s: _get("letters.letter_templates", "LetterTemplateService")(s._uow),
    "letters": _letters,
    "documents": lambda s: _get("letters.documents", "DocumentService")(s._uow),
    "retention": lambda s: _get("data_protection.retention", "RetentionService")(
        s._uow, s.settings, s._today
    ),
    "subject_requests": lambda s: _get("data_protection.subject_requests", "SubjectRequestService")(
        s._uow, s._today
    ),
    "subject_access": lambda s: _get("data_protection.subject_access", "SubjectAccessService")(
        s._uow,
        s.settings,
        s.subject_requests,
        s._today,
        _get("data_protection.subject_access_print", "render_bundle"),
    ),
    "backups": lambda s: _get("admin.backups", "BackupService")(s.database, s.settings, s.clock),
    "audit_log": lambda s: _get("data_protection.audit_log", "AuditLogService")(s._uow),
    "sharing": lambda s: _get("cases.case_sharing", "CaseSharingService")(s._uow, s._today),
    "working_copies": lambda s: _get("working_copies.working_copies", "WorkingCopyService")(
        s._uow, s.database, s.clock
    ),
    "moving_in": lambda s: _get("moving_in.service", "MovingInService")(s._uow, s._today),
}


def _viewing(uow: Callable, services: ServiceRegistry) -> Callable:
    """Units of work that read for the signed-in user (``services.actor``): ``services.scope`` limits a
    partner's reads to what their agency may see, in every service at once."""
    import cspdesk.core.services.scope  # noqa: F401 - installs the session event that does the scoping

    def make(username: str):
        unit = uow(username)
        unit.viewer = services.actor
        return unit

    return make


class ServiceRegistry(Services):
    """The app's services by name, each made the first time something asks for it. The services themselves are
    declared on ``Services`` (``registry_types``); here, the real classes of what it holds from the start."""

    database: Database
    settings: SettingsService
    case_list: CaseListService
    _uow: Callable[[str], UnitOfWork]  # a unit of work for a username, reading as the signed-in user
    _today: Callable[[], date]  # the clock's today

    def __init__(
        self,
        database: Database,
        actor: Actor,
        first_sign_in: bool,
        users: UserService,
        settings: SettingsService,
        uow: Callable,
        clock: Clock,
    ):
        self.database = database
        self.clock = clock
        self.actor = actor
        self.first_sign_in = first_sign_in
        self.users = users
        self.settings = settings
        # A partner's reads are scoped to their agency's cases (services.scope).
        self._uow = _viewing(uow, self)
        self._today = clock.today
        self._lock = threading.RLock()  # a background task and the window may ask for the same one

    def __getattr__(self, name: str) -> Any:  # only called for names not yet set
        factory = _FACTORIES.get(name)
        if factory is None:
            raise AttributeError(name)
        with self._lock:
            if name not in self.__dict__:
                self.__dict__[name] = factory(self)
        return self.__dict__[name]


def build_services(
    database: Database, username: str | None = None, clock: Clock | None = None
) -> ServiceRegistry:
    """The services on ``database`` for ``username``, on ``clock`` (the installed clock if none is given)."""
    clock = clock or current_clock()
    uow = uow_factory_for(database.engine)
    users = UserService(uow)
    if database.read_only:  # signing in for the first time would write (storage.write_gate)
        actor, first = users.look_in(username), False
    else:
        actor, first = users.sign_in(username)
    return ServiceRegistry(database, actor, first, users, SettingsService(uow), uow, clock)
