"""Services for ASB cases: intake, the case screen (parties, incidents, actions, risk, chronology,
attachments), the case list and search, closure."""

# BEGIN public face (written by tools/public_face_imports.py: run it, do not edit this block)
# What the window and the commands use from this area. Each name is imported from its module when
# first asked for, so importing the package costs nothing; the type checker sees the imports.
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspdesk.core.services.cases.actions import ActionInput, ActionRow
    from cspdesk.core.services.cases.case_edit import CaseDetail
    from cspdesk.core.services.cases.case_export import export_cases
    from cspdesk.core.services.cases.case_intake import DuplicateHit, IntakeForm
    from cspdesk.core.services.cases.case_parties import LocationInput, PartyInput, PartyRow
    from cspdesk.core.services.cases.case_party_edit import PartyDetail
    from cspdesk.core.services.cases.case_query import LIST_COLUMNS, CaseQuery
    from cspdesk.core.services.cases.case_sharing import ShareRow
    from cspdesk.core.services.cases.chronology import ChronologyRow
    from cspdesk.core.services.cases.incident_edit import IncidentDetail
    from cspdesk.core.services.cases.incidents import IncidentInput, IncidentOutcome, IncidentRow

_PUBLIC: dict[str, str] = {
    "ActionInput": "cspdesk.core.services.cases.actions",
    "ActionRow": "cspdesk.core.services.cases.actions",
    "CaseDetail": "cspdesk.core.services.cases.case_edit",
    "CaseQuery": "cspdesk.core.services.cases.case_query",
    "ChronologyRow": "cspdesk.core.services.cases.chronology",
    "DuplicateHit": "cspdesk.core.services.cases.case_intake",
    "IncidentDetail": "cspdesk.core.services.cases.incident_edit",
    "IncidentInput": "cspdesk.core.services.cases.incidents",
    "IncidentOutcome": "cspdesk.core.services.cases.incidents",
    "IncidentRow": "cspdesk.core.services.cases.incidents",
    "IntakeForm": "cspdesk.core.services.cases.case_intake",
    "LIST_COLUMNS": "cspdesk.core.services.cases.case_query",
    "LocationInput": "cspdesk.core.services.cases.case_parties",
    "PartyDetail": "cspdesk.core.services.cases.case_party_edit",
    "PartyInput": "cspdesk.core.services.cases.case_parties",
    "PartyRow": "cspdesk.core.services.cases.case_parties",
    "ShareRow": "cspdesk.core.services.cases.case_sharing",
    "export_cases": "cspdesk.core.services.cases.case_export",
}
__all__ = [
    "ActionInput",
    "ActionRow",
    "CaseDetail",
    "CaseQuery",
    "ChronologyRow",
    "DuplicateHit",
    "IncidentDetail",
    "IncidentInput",
    "IncidentOutcome",
    "IncidentRow",
    "IntakeForm",
    "LIST_COLUMNS",
    "LocationInput",
    "PartyDetail",
    "PartyInput",
    "PartyRow",
    "ShareRow",
    "export_cases",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _PUBLIC.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)


# END public face
