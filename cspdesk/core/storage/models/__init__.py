"""All tables. Importing this package registers every model on ``Base.metadata``."""

from cspdesk.core.storage.base import Base
from cspdesk.core.storage.models.admin import AppSetting, AppUser, AuditEntry
from cspdesk.core.storage.models.case_review import (
    CaseReviewAppeal,
    CaseReviewApplication,
    CaseReviewCaseLink,
    CaseReviewVictimUpdate,
)
from cspdesk.core.storage.models.cases import (
    AsbCase,
    CaseAction,
    CaseLink,
    CaseParty,
    CasePriorityTag,
    ChronologyEntry,
    EditDraft,
    Incident,
    RiskAssessment,
    SavedCaseFilter,
)
from cspdesk.core.storage.models.data_protection import DataSubjectRequest, RetentionDecision
from cspdesk.core.storage.models.documents import Document, DocumentBlob, LetterTemplate
from cspdesk.core.storage.models.enforcement import (
    EnforcementNotice,
    NoticeEvent,
    NoticeInformedBody,
    NoticeRequirement,
)
from cspdesk.core.storage.models.figures import (
    CrimeFigure,
    FigureImport,
    PoliceUkHolding,
    PoliceUkRow,
    PoliceUkText,
    Population,
)
from cspdesk.core.storage.models.meetings import ForumIssue, Meeting
from cspdesk.core.storage.models.moving_in import ImportBatch, ImportedRecord, ImportMapping
from cspdesk.core.storage.models.parties import Address, Agency, Organisation, Parish, Person, Ward
from cspdesk.core.storage.models.safer_homes import SaferHomesMeasure, SaferHomesReferral
from cspdesk.core.storage.models.sharing import CaseShare
from cspdesk.core.storage.models.sync import (
    AppliedChange,
    ChangeJournal,
    SyncConflict,
    WorkingCopy,
    WorkingCopyInfo,
)

__all__ = [
    "Address",
    "Agency",
    "AppSetting",
    "AppUser",
    "AsbCase",
    "AuditEntry",
    "Base",
    "CaseAction",
    "CaseLink",
    "EditDraft",
    "SavedCaseFilter",
    "CaseParty",
    "CasePriorityTag",
    "CaseReviewAppeal",
    "CaseReviewApplication",
    "CaseReviewCaseLink",
    "CaseReviewVictimUpdate",
    "ChronologyEntry",
    "CrimeFigure",
    "Document",
    "DocumentBlob",
    "EnforcementNotice",
    "FigureImport",
    "ForumIssue",
    "ImportBatch",
    "ImportedRecord",
    "ImportMapping",
    "Incident",
    "LetterTemplate",
    "Meeting",
    "NoticeEvent",
    "NoticeInformedBody",
    "NoticeRequirement",
    "Organisation",
    "Parish",
    "Person",
    "PoliceUkHolding",
    "PoliceUkRow",
    "PoliceUkText",
    "Population",
    "RiskAssessment",
    "SaferHomesMeasure",
    "SaferHomesReferral",
    "Ward",
    "DataSubjectRequest",
    "RetentionDecision",
    "CaseShare",
    "AppliedChange",
    "ChangeJournal",
    "SyncConflict",
    "WorkingCopy",
    "WorkingCopyInfo",
]
