"""The app's services as the window sees them (``Services``), and the narrower shapes of what it can be
answered before they are built.

Two classes are ``Services``: the registry the composition root builds (``registry.ServiceRegistry``) and the
quick start's ``StartingServices``, which stands in for it from the first screen until the registry is ready.
Both subclass this class, so every service is declared once, with its real class: a page calling a method a
service does not have fails the type checker, not the screen. The database, the settings and the case list
are declared as protocols (``DatabaseInfo``, ``Settings``, ``cases.case_query.CaseList``) that the real ones
and the quick start's stand-ins both satisfy; the window never reaches the database's engine, so
``DatabaseInfo`` does not offer it.

Nothing but ``typing`` is imported at run time: the quick start imports this before SQLAlchemy is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from cspdesk.core.clock import Clock
    from cspdesk.core.services.admin.backups import BackupService
    from cspdesk.core.services.admin.demo import DemoService
    from cspdesk.core.services.admin.health import HealthService
    from cspdesk.core.services.admin.users import UserService
    from cspdesk.core.services.case_review.case_review import CaseReviewService
    from cspdesk.core.services.cases.actions import ActionService
    from cspdesk.core.services.cases.case_closure import CaseClosureService
    from cspdesk.core.services.cases.case_edit import CaseEditService
    from cspdesk.core.services.cases.case_intake import CaseIntakeService
    from cspdesk.core.services.cases.case_parties import CasePartyService
    from cspdesk.core.services.cases.case_party_edit import PartyEditService
    from cspdesk.core.services.cases.case_query import CaseList
    from cspdesk.core.services.cases.case_sharing import CaseSharingService
    from cspdesk.core.services.cases.cases import CaseService
    from cspdesk.core.services.cases.chronology import ChronologyService
    from cspdesk.core.services.cases.incident_edit import IncidentEditService
    from cspdesk.core.services.cases.incidents import IncidentService
    from cspdesk.core.services.cases.risk import RiskService
    from cspdesk.core.services.cases.saved_filters import SavedFilterService
    from cspdesk.core.services.context import Actor, Changes
    from cspdesk.core.services.dashboard import DashboardService
    from cspdesk.core.services.data_protection.audit_log import AuditLogService
    from cspdesk.core.services.data_protection.retention import RetentionService
    from cspdesk.core.services.data_protection.subject_access import SubjectAccessService
    from cspdesk.core.services.data_protection.subject_requests import SubjectRequestService
    from cspdesk.core.services.enforcement.enforcement import EnforcementService
    from cspdesk.core.services.enforcement.enforcement_register import NoticeRegisterService
    from cspdesk.core.services.figures.figures import FiguresService
    from cspdesk.core.services.forums.forums import ForumService
    from cspdesk.core.services.letters.attachments import AttachmentService
    from cspdesk.core.services.letters.documents import DocumentService
    from cspdesk.core.services.letters.letter_templates import LetterTemplateService
    from cspdesk.core.services.letters.letters import LetterService
    from cspdesk.core.services.moving_in.service import MovingInService
    from cspdesk.core.services.reports.report_pack import ReportPackService
    from cspdesk.core.services.safer_homes.safer_homes import SaferHomesService
    from cspdesk.core.services.safer_homes.safer_homes_outputs import SaferHomesOutputs
    from cspdesk.core.services.safer_homes.safer_homes_read import SaferHomesReader
    from cspdesk.core.services.working_copies.working_copies import WorkingCopyService
    from cspdesk.core.storage.write_gate import WriteGate


class DatabaseInfo(Protocol):
    """What the window may ask of the database (``storage.database.Database``): its name, its schema
    revision and whether this session may write to it."""

    @property
    def label(self) -> str: ...
    @property
    def revision(self) -> str: ...
    @property
    def read_only(self) -> str | None: ...
    @property
    def gate(self) -> WriteGate: ...


class Settings(Protocol):
    """The one settings reader (``admin.settings.SettingsService``); values are of each setting's own kind."""

    def all(self) -> dict[str, Any]: ...
    def get(self, key: str) -> Any: ...
    def get_optional(self, key: str, default: Any = None) -> Any: ...
    def section(self, prefix: str) -> dict[str, Any]: ...
    def update(self, actor: Actor, changes: dict[str, Any]) -> Changes: ...


class Services:
    """The app's services by name (``services.case_list``, ``services.enforcement``...). A new service is
    declared here and made in ``registry._FACTORIES``. Declarations only: each subclass sets or makes them."""

    database: DatabaseInfo
    settings: Settings
    case_list: CaseList
    clock: Clock
    actor: Actor
    first_sign_in: bool
    users: UserService
    cases: CaseService
    dashboard: DashboardService
    demo: DemoService
    health: HealthService
    intake: CaseIntakeService
    case_edit: CaseEditService
    parties: CasePartyService
    party_edit: PartyEditService
    incidents: IncidentService
    incident_edit: IncidentEditService
    risk: RiskService
    actions: ActionService
    chronology: ChronologyService
    attachments: AttachmentService
    closure: CaseClosureService
    forums: ForumService
    saved_filters: SavedFilterService
    case_reviews: CaseReviewService
    figures: FiguresService
    safer_homes: SaferHomesService
    safer_homes_read: SaferHomesReader
    safer_homes_outputs: SaferHomesOutputs
    enforcement: EnforcementService
    notices: NoticeRegisterService
    report_pack: ReportPackService
    templates: LetterTemplateService
    letters: LetterService
    documents: DocumentService
    retention: RetentionService
    subject_requests: SubjectRequestService
    subject_access: SubjectAccessService
    backups: BackupService
    audit_log: AuditLogService
    sharing: CaseSharingService
    working_copies: WorkingCopyService
    moving_in: MovingInService
