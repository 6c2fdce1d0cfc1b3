"""Correcting a case through its widgets: change a party (F2/Enter), take one off (Del) and undo it, put one
back; correct an incident; mark and unmark a duplicate (Ctrl+D / Ctrl+Shift+D) and see the counts, the
repeat-victim flag and the chronology follow; answer "no" to the Case Review prompt; two windows on one
record get the app's "changed by someone else" message and lose nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt

from cspdesk.core.services.cases.incidents import IncidentInput
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.main_window import MainWindow
from cspdesk.gui.pages.case_view import CaseView
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


@pytest.fixture
def view(window, services):
    case_id = services.intake.open_case(services.actor, form()).id
    return window.open_case(case_id)


def type_into(qtbot, widget, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


def pick(combo, label_start: str) -> None:
    i = next(i for i in range(combo.count()) if combo.itemText(i).startswith(label_start))
    combo.setCurrentIndex(i)


def column(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def select(table, col: int, text: str) -> int:
    row = column(table, col).index(text)
    table.setFocus()
    table.selectRow(row)
    return row


def active(qtbot, dlg):
    """The dialog as the window manager leaves it: shown and active (its shortcuts work)."""
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow)
    return dlg


def chronology(view) -> list[str]:
    chron = view.show_tab("Chronology")
    return column(chron.table, 2)


def add_incident(services, case_id, reporter_id, on: date, **kw):
    return services.incidents.add_incident(
        services.actor,
        case_id,
        IncidentInput(
            occurred_at=datetime(on.year, on.month, on.day, 20),
            reported_on=on,
            description=kw.pop("description", "Stones thrown"),
            reporter_party_id=reporter_id,
            **kw,
        ),
    )


# ----- People ----------------------------------------------------------------------------------------------


def test_f2_changes_a_party_with_mistakes_shown_beside_the_fields(qtbot, view, services):
    people = view.show_tab("People")
    select(people.table, 2, "Kyle Dunmore")
    qtbot.keyClick(people.table, Qt.Key.Key_F2)
    dlg = active(qtbot, people.edit_dialog)
    assert dlg.isVisible() and dlg.form.surname.text() == "Dunmore" and not dlg.form.kind.isEnabled()
    type_into(qtbot, dlg.form.dob, "01/06/2019")  # a perpetrator of 7
    type_into(qtbot, dlg.form.phone, "07700 900123")
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    assert "at least 10" in dlg.form.errors.text("date_of_birth") and dlg.isVisible()
    assert "07700 900123" not in column(people.table, 5)  # nothing saved
    type_into(qtbot, dlg.form.dob, "01/06/2010")
    type_into(qtbot, dlg.form.surname, "Dunmore-Hall")
    qtbot.keyClick(dlg.form.surname, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dlg.isVisible()
    assert "Kyle Dunmore-Hall" in column(people.table, 2)
    row = column(people.table, 2).index("Kyle Dunmore-Hall")
    assert (
        people.table.item(row, 3).text() == "16 (youth)"
        and people.table.item(row, 5).text() == "07700 900123"
    )
    assert "Perpetrator details changed: Kyle Dunmore-Hall" in chronology(view)
    assert "Dunmore-Hall" in services.case_list.rows_for([view.case_id])[view.case_id].parties


def test_enter_changes_the_role(qtbot, view):
    people = view.show_tab("People")
    select(people.table, 2, "Joan Platt")
    qtbot.keyClick(people.table, Qt.Key.Key_Return)
    dlg = people.edit_dialog
    pick(dlg.form.role, "Victim")
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    assert people.table.item(column(people.table, 2).index("Joan Platt"), 0).text() == "Victim"
    assert "Joan Platt: role changed from Complainant to Victim" in chronology(view)


def test_del_takes_a_party_off_after_asking_and_undo_puts_them_back(qtbot, view, prompts, services):
    people = view.show_tab("People")
    select(people.table, 2, "Kyle Dunmore")
    qtbot.keyClick(people.table, Qt.Key.Key_Delete)  # cancelled: nothing happens
    assert "Take Kyle Dunmore (perpetrator) off this case?" in prompts.asked[-1][2]
    assert "Kyle Dunmore" in column(people.table, 2)
    prompts.answer("ask_text", "Added to the wrong case")
    select(people.table, 2, "Kyle Dunmore")
    qtbot.keyClick(people.table, Qt.Key.Key_Delete)
    assert "Kyle Dunmore" not in column(people.table, 2)
    assert people.undo_bar.isVisibleTo(people) and "Kyle Dunmore was taken off" in people.undo_label.text()
    qtbot.mouseClick(people.undo_btn, Qt.MouseButton.LeftButton)
    assert "Kyle Dunmore" in column(people.table, 2) and not people.undo_bar.isVisibleTo(people)
    texts = chronology(view)
    assert "Perpetrator taken off the case: Kyle Dunmore" in texts
    assert "Perpetrator put back on the case: Kyle Dunmore" in texts


def test_people_taken_off_can_be_shown_and_put_back(qtbot, view, prompts, services):
    kyle = next(p for p in services.parties.parties(view.case_id) if p.name == "Kyle Dunmore")
    services.parties.remove_party(services.actor, view.case_id, kyle.id, "Wrong Kyle")
    people = view.show_tab("People")
    assert "Kyle Dunmore" not in column(people.table, 2)
    people.show_removed.setChecked(True)
    row = select(people.table, 2, "Kyle Dunmore")
    assert people.table.item(row, 6).text().startswith("taken off the case 26/11/2026")
    assert not people.edit_btn.isEnabled() and people.restore_btn.isVisibleTo(people)
    qtbot.mouseClick(people.restore_btn, Qt.MouseButton.LeftButton)
    row = column(people.table, 2).index("Kyle Dunmore")
    assert people.table.item(row, 6).text() == ""


def test_two_windows_changing_one_party_the_second_is_told_and_keeps_its_typing(qtbot, services):
    case_id = services.intake.open_case(services.actor, form()).id
    a = CaseView(services, Bus(), FakePrompts(), case_id)
    b = CaseView(services, Bus(), FakePrompts(), case_id)
    qtbot.addWidget(a)
    qtbot.addWidget(b)
    dialogs = []
    for v in (a, b):
        people = v.show_tab("People")
        select(people.table, 2, "Joan Platt")
        people.edit()
        dialogs.append(people.edit_dialog)
    da, db = dialogs
    type_into(qtbot, da.form.phone, "07700 900999")
    qtbot.mouseClick(da.save_btn, Qt.MouseButton.LeftButton)
    assert not da.isVisible()
    type_into(qtbot, db.form.notes, "Prefers email")
    qtbot.mouseClick(db.save_btn, Qt.MouseButton.LeftButton)
    ((title, message),) = [(t, x) for m, t, x in b.prompts.asked if m == "error"]
    assert title == "Joan Platt changed by someone else"
    assert "phone: 01283 222333 → 07700 900999" in message and "your changes were not saved" in message
    assert db.isVisible() and db.form.notes.text() == "Prefers email"  # the typing is kept
    assert db.form.phone.text() == "07700 900999"  # and their change is in the untouched field
    qtbot.mouseClick(db.save_btn, Qt.MouseButton.LeftButton)
    assert not db.isVisible()
    joan = next(p for p in services.parties.parties(case_id) if p.name == "Joan Platt")
    assert joan.phone == "07700 900999" and joan.notes == "Prefers email"


# ----- Incidents -------------------------------------------------------------------------------------------


def test_correct_an_incident_with_a_future_date_refused_beside_the_field(qtbot, view, services):
    joan = next(p for p in services.parties.parties(view.case_id) if p.name == "Joan Platt")
    add_incident(services, view.case_id, joan.id, date(2026, 11, 20), description="Stones thown")
    incidents = view.show_tab("Incidents")
    select(incidents.table, 6, "Stones thown")
    qtbot.keyClick(incidents.table, Qt.Key.Key_F2)
    dlg = active(qtbot, incidents.edit_dialog)
    assert dlg.form.day.text() == "20/11/2026" and dlg.form.time.text() == "20:00"
    type_into(qtbot, dlg.form.day, "27/11/2026")
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    assert "cannot be in the future" in dlg.form.errors.text("occurred_at") and dlg.isVisible()
    type_into(qtbot, dlg.form.day, "30/02/2026")
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    assert "not a real date" in dlg.form.errors.text("occurred_at")
    assert column(incidents.table, 0) == ["20/11/2026 20:00"]  # nothing saved
    type_into(qtbot, dlg.form.day, "19/11/2026")
    type_into(qtbot, dlg.form.time, "22:15")
    type_into(qtbot, dlg.form.description, "Stones thrown at windows")
    pick(dlg.form.category, "Criminal damage")
    dlg.form.same_place.setChecked(False)
    type_into(qtbot, dlg.form.place.place_name, "Maurice Lea Park")
    type_into(qtbot, dlg.form.place.postcode, "DE1")
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    assert "not a UK postcode" in dlg.form.errors.text("postcode")
    type_into(qtbot, dlg.form.place.postcode, "DE11 8BX")
    type_into(qtbot, dlg.reason, "Wrong diary sheet")
    qtbot.keyClick(dlg.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dlg.isVisible()
    assert column(incidents.table, 0) == ["19/11/2026 22:15"]
    assert column(incidents.table, 6) == ["Stones thrown at windows"]
    texts = chronology(view)
    assert "Incident: Stones thown (corrected)" in texts and "Incident: Stones thrown at windows" in texts
    assert any(t.startswith("Incident of 20/11/2026 20:00 corrected: when it happened") for t in texts)


def test_two_windows_correcting_one_incident(qtbot, services):
    case_id = services.intake.open_case(services.actor, form()).id
    joan = next(p for p in services.parties.parties(case_id) if p.name == "Joan Platt")
    add_incident(services, case_id, joan.id, date(2026, 11, 20))
    a = CaseView(services, Bus(), FakePrompts(), case_id)
    b = CaseView(services, Bus(), FakePrompts(), case_id)
    qtbot.addWidget(a)
    qtbot.addWidget(b)
    dialogs = []
    for v in (a, b):
        incidents = v.show_tab("Incidents")
        incidents.table.selectRow(0)
        incidents.edit()
        dialogs.append(incidents.edit_dialog)
    da, db = dialogs
    type_into(qtbot, da.form.police_ref, "DC-1")
    qtbot.mouseClick(da.save_btn, Qt.MouseButton.LeftButton)
    type_into(qtbot, db.form.description, "My wording")
    qtbot.mouseClick(db.save_btn, Qt.MouseButton.LeftButton)
    ((title, message),) = [(t, x) for m, t, x in b.prompts.asked if m == "error"]
    assert title == "The incident of 20/11/2026 changed by someone else"
    assert "police reference: (blank) → DC-1" in message
    assert db.form.description.text() == "My wording" and db.form.police_ref.text() == "DC-1"
    assert services.incidents.incidents(case_id)[0].description == "Stones thrown"


def test_mark_and_unmark_a_duplicate_and_the_counts_and_flag_follow(qtbot, view, prompts, services):
    joan = next(p for p in services.parties.parties(view.case_id) if p.name == "Joan Platt")
    police = next(a for a, n in services.intake.options().agencies if n == "Derbyshire Constabulary")
    first = add_incident(
        services, view.case_id, joan.id, date(2026, 11, 10), description="Stones at 12 Oak St"
    )
    add_incident(
        services,
        view.case_id,
        joan.id,
        date(2026, 11, 11),
        description="Stones (to police)",
        reporting_agency_id=police,
        police_reference="DC-77",
    )
    add_incident(services, view.case_id, joan.id, date(2026, 11, 20), description="Bikes on the grass")
    view.refresh()
    assert "Repeat victim" in view.heading.text()
    incidents = view.show_tab("Incidents")
    assert "Joan Platt: 3" in incidents.counts.text()
    row = select(incidents.table, 6, "Stones (to police)")
    prompts.answer("ask_choice", first.incident_id)
    qtbot.keyClick(incidents.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert prompts.titles("ask_choice") == ["Mark as a duplicate"]
    # The nearest incident in time is offered first; the one being marked is not offered.
    assert [value for value, _label in prompts.choices][0] == first.incident_id
    assert [label.split(" — ")[0] for _v, label in prompts.choices] == [
        "10/11/2026 20:00",
        "20/11/2026 20:00",
    ]
    row = column(incidents.table, 6).index("Stones (to police)")
    assert incidents.table.item(row, 5).text() == "10/11/2026 20:00"
    assert incidents.table.item(row, 6).foreground().color().name() == theme.colour("muted")
    assert (
        "Joan Platt: 2" in incidents.counts.text() and "1 duplicate counted once" in incidents.counts.text()
    )
    assert "Repeat victim" in prompts.titles("info") and "Repeat victim" not in view.heading.text()
    assert any("marked as a duplicate of the incident of 10/11/2026 20:00" in t for t in chronology(view))

    incidents = view.show_tab("Incidents")
    select(incidents.table, 6, "Stones (to police)")
    assert incidents.undup_btn.isEnabled() and not incidents.dup_btn.isEnabled()
    qtbot.keyClick(
        incidents.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    row = column(incidents.table, 6).index("Stones (to police)")
    assert incidents.table.item(row, 5).text() == ""
    assert "Joan Platt: 3" in incidents.counts.text() and "Repeat victim" in view.heading.text()


def test_answering_no_to_the_case_review_prompt_is_recorded_and_not_asked_again(qtbot, view, prompts):
    incidents = view.show_tab("Incidents")
    for day in ("01/10/2026", "20/11/2026", "24/11/2026"):
        prompts.answer("confirm", False)
        pick(incidents.reporter, "Joan Platt")
        type_into(qtbot, incidents.day, day)
        type_into(qtbot, incidents.reported_on, day)
        type_into(qtbot, incidents.description, f"Bikes on {day}")
        qtbot.keyClick(incidents.description, Qt.Key.Key_Return)
    assert prompts.titles("confirm") == ["Tell them about the ASB Case Review"]  # once, for the second report
    assert "Case Review prompt: Joan Platt not yet told about the ASB Case Review" in chronology(view)
    people = view.show_tab("People")
    row = select(people.table, 2, "Joan Platt")
    assert "not yet told about Case Review (report of 20/11/2026)" in people.table.item(row, 6).text()
    prompts.answer("ask_text", "By phone")
    qtbot.mouseClick(people.told_btn, Qt.MouseButton.LeftButton)
    row = column(people.table, 2).index("Joan Platt")
    assert "told about Case Review 26/11/2026" in people.table.item(row, 6).text()
    assert "Joan Platt told about the ASB Case Review" in chronology(view)


def test_the_row_keys_act_only_in_their_table(qtbot, view, prompts):
    """Catches the tables' Enter/F2/Del shortcuts set window-wide: with the focus elsewhere on the tab (here
    the 'Show people taken off' box), Del would offer to take the selected person off the case and F2 open
    them for change. Seen to fail with ``QShortcut(key, table, slot, WidgetShortcut)``, whose context
    PySide6 6.11 drops."""
    people = view.show_tab("People")
    select(people.table, 2, "Kyle Dunmore")
    people.show_removed.setFocus()
    qtbot.waitUntil(people.show_removed.hasFocus)
    asked = len(prompts.asked)
    qtbot.keyClick(people.show_removed, Qt.Key.Key_Delete)
    qtbot.keyClick(people.show_removed, Qt.Key.Key_F2)
    assert len(prompts.asked) == asked and getattr(people, "edit_dialog", None) is None
    assert "Kyle Dunmore" in column(people.table, 2)
    people.table.setFocus()
    qtbot.waitUntil(people.table.hasFocus)
    qtbot.keyClick(people.table, Qt.Key.Key_Delete)  # in the table, Del still asks (and is cancelled)
    assert "Take Kyle Dunmore (perpetrator) off this case?" in prompts.asked[-1][2]
