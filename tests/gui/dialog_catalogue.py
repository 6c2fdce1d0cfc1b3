"""Every dialog and form an officer fills in, opened on the demo data: what the keyboard and large-font tests
(``test_tab_order``, ``test_large_font``) walk through. Each entry is shown before it is returned."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from PySide6.QtWidgets import QWidget
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.gui.loaded import wait_loaded


def _ids(window) -> dict:
    from cspdesk.core.storage.models import CaseParty, EnforcementNotice, Incident

    with Session(window.services.database.engine) as db:
        case_id = db.scalars(
            select(CaseParty.case_id).where(CaseParty.role == "complainant").order_by(CaseParty.case_id)
        ).first()
        party_id = db.scalars(select(CaseParty.id).where(CaseParty.case_id == case_id)).first()
        incident_id = db.scalars(select(Incident.id).where(Incident.case_id == case_id)).first()
        drafts = select(EnforcementNotice.id).where(EnforcementNotice.stage == "draft")
        notice_id = db.scalars(
            drafts.order_by(EnforcementNotice.kind != "cpw", EnforcementNotice.reference)
        ).first()
        if notice_id is None:  # a draft community protection warning against an adult perpetrator
            from cspdesk.core.services.enforcement import RequirementInput, StepRequest
            from cspdesk.core.storage.models import Person

            case, perpetrator = db.execute(
                select(CaseParty.case_id, CaseParty.id)
                .join(Person, Person.id == CaseParty.person_id)
                .where(CaseParty.role == "perpetrator", CaseParty.removed_on.is_(None))
                .where(Person.date_of_birth < date(2000, 1, 1))
                .order_by(CaseParty.id)
            ).first()
            req = StepRequest(
                case_id=case,
                party_id=perpetrator,
                kind="cpw",
                issued_on=None,
                conduct="Loud music late at night",
                detrimental_effect="Neighbours cannot sleep",
                requirements=(RequirementInput("stop", "Stop playing amplified music after 11pm"),),
            )
            notice_id = window.services.enforcement.start_step(window.services.actor, req).notice_id
    return {"case": case_id, "party": party_id, "incident": incident_id, "notice": notice_id}


def dialogs(window) -> Iterator[tuple[str, QWidget]]:
    """(name, dialog) for every dialog the main window opens, each made afresh and not yet shown."""
    from cspdesk.core.services.letters.letter_sources import Subject
    from cspdesk.gui.dialogs.case_edits import IncidentEditDialog, PartyEditDialog
    from cspdesk.gui.dialogs.data_protection import DataProtectionDialog
    from cspdesk.gui.dialogs.data_requests import DataRequestsDialog
    from cspdesk.gui.dialogs.moving_in import PastImportsDialog
    from cspdesk.gui.dialogs.new_letter import NewLetterDialog
    from cspdesk.gui.dialogs.new_step import NewStepDialog
    from cspdesk.gui.dialogs.notice_step import EventDialog, StepDialog
    from cspdesk.gui.shortcuts import ShortcutsDialog
    from cspdesk.gui.working_copies import TakeCopyDialog, WorkingCopiesDialog

    s, ids = window.services, _ids(window)
    yield "New case", window.new_case()
    yield "New letter", NewLetterDialog(s, window.bus, window.prompts, Subject.CASE, ids["case"], window)
    yield "New enforcement step", NewStepDialog(s, window.bus, window.prompts, window, case_id=ids["case"])
    detail = s.notices.detail(ids["notice"])
    yield "Notice step", StepDialog(s, window.bus, window.prompts, detail, "issued", "Issue", window)
    yield "Notice event", EventDialog(s, window.bus, window.prompts, detail, "remedial_works", window)
    yield "Change a party", PartyEditDialog(s, window.prompts, s.party_edit.detail(ids["case"], ids["party"]))
    parties = s.parties.parties(ids["case"], include_removed=True)
    incident = s.incident_edit.detail(ids["case"], ids["incident"])
    yield "Correct an incident", IncidentEditDialog(s, window.prompts, incident, parties)
    yield "Data protection requests", DataRequestsDialog(s, window.bus, window.prompts, window)
    yield "Data protection (Safer Homes)", DataProtectionDialog(s, window.prompts, window)
    yield "Take a working copy", TakeCopyDialog(window)
    yield "Working copies", WorkingCopiesDialog(window)
    yield "Past imports", PastImportsDialog(s, window.bus, window.prompts, window.tasks, window)
    yield "Keyboard shortcuts", ShortcutsDialog(window)


def forms(window, qtbot) -> Iterator[tuple[str, QWidget]]:
    """(name, form) for the forms that live on a page, each on screen in the window."""
    window.show()
    window.show_page("safer_homes")
    sh = window.pages["safer_homes"]
    sh.new_referral()
    qtbot.waitUntil(sh.referral_screen.form.isVisible)
    yield "Safer Homes referral form", sh.referral_screen.form
    window.show_page("case_reviews")
    cr = wait_loaded(qtbot, window.pages["case_reviews"])  # the list comes from a worker
    cr.new_application()
    qtbot.waitUntil(cr.new_form.isVisible)
    yield "Case Review: new application", cr.right.currentWidget()
    if cr.table.rowCount():
        cr.table.selectRow(0)
        qtbot.waitUntil(cr.view.isVisible)
        for step, form in cr.view.step_forms.items():
            cr.view.forms.setCurrentWidget(form)
            yield f"Case Review step: {step.label}", form
    window.show_page("settings")
    settings = window.pages["settings"]
    for i in range(settings.tabs.count()):
        settings.tabs.setCurrentIndex(i)
        yield f"Settings: {settings.tabs.tabText(i)}", settings.tabs.currentWidget()
