"""The case screen driven through its widgets: open a case, add people, incidents, a risk assessment, an
action and an attachment, close and reopen it; bad input shown beside fields; unsaved changes and a
stale save from a second window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from cspdesk.gui.main_window import MainWindow
from cspdesk.gui.pages.case_view import EXTRA_CASE_TABS, CaseView
from tests.core.case_helpers import form
from tests.gui.fake_prompts import FakePrompts


@pytest.fixture
def prompts():
    return FakePrompts()


@pytest.fixture
def window(qtbot, services, prompts):
    w = MainWindow(services, prompts)
    qtbot.addWidget(w)
    yield w
    for v in list(w.case_windows.values()):
        v.overview.dirty = False
        v.close()


def pick(combo, label_start: str) -> None:
    i = next(i for i in range(combo.count()) if combo.itemText(i).startswith(label_start))
    combo.setCurrentIndex(i)


def check(list_widget, label_start: str) -> None:
    for i in range(list_widget.count()):
        if list_widget.item(i).text().startswith(label_start):
            list_widget.item(i).setCheckState(Qt.CheckState.Checked)


def type_into(qtbot, widget, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


def fill_new_case(qtbot, dlg) -> None:
    type_into(qtbot, dlg.title_edit, "Off-road bikes on Swadlincote Woodlands")
    pick(dlg.category, "Off-road bikes")
    check(dlg.tags, "Nuisance vehicles")
    pick(dlg.reported_via, "Phone")
    type_into(qtbot, dlg.location.place_name, "Swadlincote Woodlands")
    type_into(qtbot, dlg.location.postcode, "de11 8ep")
    pick(dlg.party_form.role, "Complainant")
    type_into(qtbot, dlg.party_form.forename, "Joan")
    type_into(qtbot, dlg.party_form.surname, "Platt")
    type_into(qtbot, dlg.party_form.address.line1, "12 Oak Street")
    type_into(qtbot, dlg.party_form.address.postcode, "DE11 9AA")
    qtbot.mouseClick(dlg.add_party_btn, Qt.MouseButton.LeftButton)


def open_new_case(qtbot, window) -> CaseView:
    dlg = window.new_case()
    fill_new_case(qtbot, dlg)
    assert dlg.party_list.count() == 1
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    (view,) = window.case_windows.values()
    return view


def test_new_case_dialog_catches_bad_input_beside_the_fields(qtbot, window):
    dlg = window.new_case()
    type_into(qtbot, dlg.reported_on, "01/01/2031")
    type_into(qtbot, dlg.location.postcode, "DE1")
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    e = dlg.errors
    assert "Give the case a short title" in e.text("title")
    assert "Choose a category" in e.text("category") and "priority" in e.text("tags")
    assert "future" in e.text("reported_on")
    assert "not a UK postcode" in e.text("postcode")
    type_into(qtbot, dlg.reported_on, "31/02/2026")
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    assert "not a real date" in e.text("reported_on")
    # A perpetrator under 10 is caught when added to the list.
    pick(dlg.party_form.role, "Perpetrator")
    type_into(qtbot, dlg.party_form.surname, "Small")
    type_into(qtbot, dlg.party_form.dob, "01/01/2020")
    qtbot.mouseClick(dlg.add_party_btn, Qt.MouseButton.LeftButton)
    assert "at least 10" in dlg.party_form.errors.text("date_of_birth")
    assert dlg.party_list.count() == 0
    assert window.case_windows == {}


def test_new_case_shows_duplicates_and_can_link(qtbot, window, services):
    first = services.intake.open_case(services.actor, form())  # Joan Platt at 12 Oak Street
    dlg = window.new_case()
    fill_new_case(qtbot, dlg)
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and dlg.duplicates.count() == 1
    assert "ASB-2026-00001" in dlg.duplicates.item(0).text() and "Joan Platt" in dlg.duplicates.item(0).text()
    dlg.duplicates.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    view = next(iter(window.case_windows.values()))
    assert [h.case_id for h in services.intake.linked_cases(view.case_id)] == [first.id]


def test_work_a_case_end_to_end_through_the_widgets(qtbot, window, services, prompts, tmp_path):
    view = open_new_case(qtbot, window)
    assert view.windowTitle().startswith("ASB-2026-00001")

    # People: a youth perpetrator, and the under-10 rule beside the field.
    people = view.show_tab("People")
    pick(people.form.role, "Perpetrator")
    type_into(qtbot, people.form.forename, "Kyle")
    type_into(qtbot, people.form.surname, "Dunmore")
    type_into(qtbot, people.form.dob, "01/06/2018")
    qtbot.mouseClick(people.add_btn, Qt.MouseButton.LeftButton)
    assert "at least 10" in people.form.errors.text("date_of_birth")
    type_into(qtbot, people.form.dob, "01/06/2011")
    qtbot.mouseClick(people.add_btn, Qt.MouseButton.LeftButton)
    pick(people.form.kind, "Group")
    type_into(qtbot, people.form.group, "Group of youths on bikes")
    qtbot.mouseClick(people.add_btn, Qt.MouseButton.LeftButton)
    names = [people.table.item(r, 2).text() for r in range(people.table.rowCount())]
    assert names == ["Joan Platt", "Kyle Dunmore", "Group of youths on bikes"]
    assert people.table.item(1, 3).text() == "15 (youth)"
    assert "Dunmore" in services.case_list.rows_for([view.case_id])[view.case_id].parties

    # Incidents: Joan's second report within 6 months prompts the Case Review; yes records it.
    incidents = view.show_tab("Incidents")
    prompts.answer("confirm", True)
    for day, text in (
        ("01/10/2026", "Bikes across the grass"),
        ("20/11/2026", "Bikes again, near the play area"),
    ):
        pick(incidents.reporter, "Joan Platt")
        type_into(qtbot, incidents.day, day)
        type_into(qtbot, incidents.time, "19:30")
        type_into(qtbot, incidents.reported_on, day)
        pick(incidents.agency, "Derbyshire Constabulary")
        type_into(qtbot, incidents.police_ref, "DC-1234")
        type_into(qtbot, incidents.description, text)
        qtbot.mouseClick(incidents.add_btn, Qt.MouseButton.LeftButton)
    assert incidents.table.rowCount() == 2
    assert "Tell them about the ASB Case Review" in prompts.titles("confirm")
    assert services.parties.parties(view.case_id)[0].case_review_told_on is not None
    assert "Joan Platt: 2" in incidents.counts.text()
    type_into(qtbot, incidents.day, "01/12/2026")  # the future
    type_into(qtbot, incidents.description, "x")
    qtbot.mouseClick(incidents.add_btn, Qt.MouseButton.LeftButton)
    assert "future" in incidents.errors.text("occurred_at")

    # Risk: high needs a single point of contact; then it is saved and sets the review date.
    risk = view.show_tab("Risk")
    for key in ("violence", "fear", "vulnerable", "hate", "repeat"):
        risk.checks[key].setChecked(True)
    assert "High risk" in risk.score.text()
    qtbot.mouseClick(risk.save_btn, Qt.MouseButton.LeftButton)
    assert "single point of contact" in risk.errors.text("single_point_of_contact")
    type_into(qtbot, risk.spoc, "Sarah Bancroft")
    qtbot.mouseClick(risk.save_btn, Qt.MouseButton.LeftButton)
    assert risk.history.rowCount() == 1 and risk.history.item(0, 3).text() == "High"
    assert "review due" in view.heading.text()

    # Actions: required fields, then an overdue action in red, completed with an outcome.
    actions = view.show_tab("Actions")
    qtbot.mouseClick(actions.add_btn, Qt.MouseButton.LeftButton)
    assert (
        actions.errors.text("description") and actions.errors.text("owner") and actions.errors.text("due_on")
    )
    type_into(qtbot, actions.description, "Visit Joan and take a statement")
    pick(actions.agency, "South Derbyshire District Council")
    type_into(qtbot, actions.due, "20/11/2026")
    qtbot.mouseClick(actions.add_btn, Qt.MouseButton.LeftButton)
    assert "OVERDUE" in actions.table.item(0, 3).text()
    assert "overdue action" in view.heading.text()
    actions.table.selectRow(0)
    prompts.answer("ask_text", "Statement taken")
    qtbot.mouseClick(actions.done_btn, Qt.MouseButton.LeftButton)
    assert actions.table.item(0, 3).text() == "Done" and actions.table.item(0, 4).text() == "Statement taken"

    # Documents: a diary sheet and an email, previewed; the original file can then go.
    docs = view.show_tab("Documents")
    diary = tmp_path / "diary.txt"
    diary.write_text("Fri 20 Nov: bikes on the grass until 10pm\n")
    mail = tmp_path / "complaint.eml"
    mail.write_bytes(b"From: joan@example.org\r\nSubject: Bikes again\r\n\r\nThey were back.\r\n")
    prompts.answer("ask_open_files", [diary, mail])
    qtbot.mouseClick(docs.add_btn, Qt.MouseButton.LeftButton)
    diary.unlink()
    assert docs.table.rowCount() == 2
    row = next(r for r in range(2) if docs.table.item(r, 2).text() == "diary.txt")
    docs.table.selectRow(row)
    assert docs.shown == "text" and "bikes on the grass" in docs.text.toPlainText()
    docs.table.selectRow(1 - row)
    assert docs.shown == "email" and "Subject: Bikes again" in docs.text.toPlainText()

    # Chronology: everything is on it, filterable; a note, and a correction that keeps the original.
    chron = view.show_tab("Chronology")
    kinds = {chron.table.item(r, 1).text() for r in range(chron.table.rowCount())}
    assert {"Incident", "Risk", "Action", "Attachment", "Party", "Status"} <= kinds
    pick(chron.kind, "Incident")
    assert {chron.table.item(r, 1).text() for r in range(chron.table.rowCount())} == {"Incident"}
    pick(chron.kind, "All kinds")
    type_into(qtbot, chron.note, "Phoned Joan; she will keep a diary")
    qtbot.keyClick(chron.note, Qt.Key.Key_Return)
    row = next(
        r for r in range(chron.table.rowCount()) if chron.table.item(r, 2).text().startswith("Phoned Joan")
    )
    chron.table.selectRow(row)
    prompts.answer("ask_text", "Phoned Joan Platt; she will keep a diary", "Surname missing")
    qtbot.mouseClick(chron.correct_btn, Qt.MouseButton.LeftButton)
    texts = [chron.table.item(r, 2).text() for r in range(chron.table.rowCount())]
    assert "Phoned Joan; she will keep a diary (corrected)" in texts
    assert "Phoned Joan Platt; she will keep a diary" in texts

    # Close with a reason, then reopen with a reason.
    overview = view.show_tab("Overview")
    prompts.answer("ask_choice", "resolved").answer("ask_text", "Bikes stopped after patrols")
    qtbot.mouseClick(overview.close_btn, Qt.MouseButton.LeftButton)
    assert "Closed: Resolved" in view.heading.text()
    assert not overview.close_btn.isVisibleTo(view) and overview.reopen_btn.isVisibleTo(view)
    prompts.answer("ask_text", "Bikes are back")
    qtbot.mouseClick(overview.reopen_btn, Qt.MouseButton.LeftButton)
    assert view.heading.text().count("Open") >= 1 and "Closed" not in view.heading.text()
    assert services.case_edit.detail(view.case_id).status == "open"


def test_closing_with_unsaved_changes_asks(qtbot, window, prompts, services):
    view = open_new_case(qtbot, window)
    overview = view.panel("Overview")
    type_into(qtbot, overview.title, "Changed title")
    assert overview.dirty
    prompts.answer("save_discard_cancel", "cancel")
    assert not view.close()
    assert window.case_windows
    prompts.answer("save_discard_cancel", "save")
    assert view.close()
    assert services.case_edit.detail(view.case_id).title == "Changed title"


def test_unsaved_typing_survives_a_crash_as_a_draft(qtbot, window, prompts, services):
    view = open_new_case(qtbot, window)
    case_id = view.case_id
    overview = view.panel("Overview")
    type_into(qtbot, overview.title, "Half typed")
    overview.title.editingFinished.emit()  # leaving the field keeps a draft
    overview.dirty = False  # the window vanishes without asking, as in a crash
    view.close()
    prompts.answer("confirm", True)
    again = window.open_case(case_id)
    assert "Unsaved changes found" in prompts.titles("confirm")
    assert again.panel("Overview").title.text() == "Half typed" and again.panel("Overview").dirty


def test_two_windows_second_save_is_told_what_changed(qtbot, services, prompts):
    case_id = services.intake.open_case(services.actor, form()).id
    from cspdesk.gui.bus import Bus

    a = CaseView(services, Bus(), prompts, case_id)
    b = CaseView(services, Bus(), FakePrompts(), case_id)
    qtbot.addWidget(a)
    qtbot.addWidget(b)
    type_into(qtbot, a.overview.title, "Youths at Eureka Park")
    assert a.overview.save()
    type_into(qtbot, b.overview.description, "My version")
    assert not b.overview.save()
    (message,) = b.prompts.texts("error")
    assert "changed by someone else" in message and "Youths at Eureka Park" in message
    assert services.case_edit.detail(case_id).description != "My version"
    a.overview.dirty = b.overview.dirty = False


def test_extra_case_tabs_hook(qtbot, services, prompts):
    from PySide6.QtWidgets import QLabel

    case_id = services.intake.open_case(services.actor, form()).id
    made = []

    def notices(services_, bus, prompts_, cid):
        made.append(cid)
        return "Notices", QLabel("notices go here")

    EXTRA_CASE_TABS.append(notices)
    try:
        from cspdesk.gui.bus import Bus

        view = CaseView(services, Bus(), prompts, case_id)
        qtbot.addWidget(view)
    finally:
        EXTRA_CASE_TABS.remove(notices)
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert titles[-1] == "Notices" and made == [case_id]
    view.add_tab("Letters", QLabel("letters"))
    assert view.tabs.tabText(view.tabs.count() - 1) == "Letters"
