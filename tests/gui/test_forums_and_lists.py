"""Area Forums page, My work, saved filters and export on the case list — through the widgets."""

from __future__ import annotations

import csv
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from cspdesk.core.services.cases.actions import ActionInput
from tests.core.case_helpers import form
from tests.gui.fake_prompts import FakePrompts
from tests.gui.loaded import wait_loaded
from tests.gui.test_case_screen import pick, type_into


def _window(qtbot, services, prompts):
    from cspdesk.gui.main_window import MainWindow

    w = MainWindow(services, prompts)
    qtbot.addWidget(w)
    return w


def test_forum_record_capture_issues_and_print_the_log(qtbot, services, tmp_path):
    prompts = FakePrompts()
    case = services.intake.open_case(services.actor, form())
    w = _window(qtbot, services, prompts)
    page = wait_loaded(qtbot, w.pages["forums"])  # the forums come from a worker
    qtbot.mouseClick(page.f_save, Qt.MouseButton.LeftButton)
    assert "Name the forum" in page.f_errors.text("title")
    type_into(qtbot, page.f_title, "Swadlincote Area Forum")
    type_into(qtbot, page.f_held, "18/11/2026")
    type_into(qtbot, page.f_attendees, "Cllr Wheeler; SNT")
    qtbot.mouseClick(page.f_save, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, page)
    assert page.forums.rowCount() == 1 and page.forums.item(0, 1).text() == "Swadlincote Area Forum"

    type_into(qtbot, page.raised_by, "Woodville PC")
    type_into(qtbot, page.issue_text, "Youths back at the park")
    type_into(qtbot, page.case_ref, "ASB-1999-1")
    qtbot.mouseClick(page.as_incident, Qt.MouseButton.LeftButton)
    assert "No case has the reference" in page.i_errors.text("case")
    type_into(qtbot, page.case_ref, case.reference)
    qtbot.mouseClick(page.as_incident, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, page)
    type_into(qtbot, page.issue_text, "Cut back the hedges by the footpath")
    page.case_ref.clear()
    pick(page.a_agency, "South Derbyshire District Council")
    type_into(qtbot, page.a_due, "15/12/2026")
    qtbot.mouseClick(page.as_action, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, page)
    became = [page.issues.item(r, 2).text() for r in range(page.issues.rowCount())]
    assert became[0] == f"Incident on {case.reference}" and became[1].startswith("Action, due 15/12/2026")
    assert page.action_log.rowCount() == 1

    # A new case from an issue: the new-case dialog opens filled in from the forum.
    type_into(qtbot, page.issue_text, "Speeding on Hearthcote Road")
    qtbot.mouseClick(page.as_case, Qt.MouseButton.LeftButton)
    dlg = page._dialog
    assert dlg.title_edit.text() == "Speeding on Hearthcote Road" and dlg.reported_on.text() == "18/11/2026"
    pick(dlg.category, "Nuisance vehicles")
    type_into(qtbot, dlg.location.place_name, "Hearthcote Road")
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, page)
    assert page.issues.rowCount() == 3 and page.issues.item(2, 2).text().startswith("Case ASB-2026-")

    target = tmp_path / "forum.pdf"
    prompts.answer("ask_save_file", target)
    qtbot.mouseClick(page.print_btn, Qt.MouseButton.LeftButton)
    assert target.read_bytes().startswith(b"%PDF")
    for v in list(w.case_windows.values()):
        v.close()


def test_my_work_lists_overdue_actions_and_opens_the_case(qtbot, services):
    case = services.intake.open_case(services.actor, form())
    services.actions.add_action(
        services.actor,
        case.id,
        ActionInput("Visit Joan", date(2026, 11, 1), owner_user_id=services.actor.user_id),
    )
    prompts = FakePrompts()
    w = _window(qtbot, services, prompts)
    page = wait_loaded(qtbot, w.pages["my_work"])
    table = page.action_table
    assert table.item(0, 4).text() == "OVERDUE" and table.item(0, 2).text() == "Visit Joan"
    # QWidget.actions() is still the page's own (an attribute of that name hid it, so anything walking the
    # widgets and calling it got a table).
    assert all(isinstance(a, QAction) for a in page.actions())
    page._open(table, 0)
    assert case.id in w.case_windows
    w.case_windows[case.id].close()


def test_saved_filters_and_export_of_what_is_on_screen(qtbot, demo_services, tmp_path):
    prompts = FakePrompts()
    w = _window(qtbot, demo_services, prompts)
    page = w.pages["cases"]
    pick(page.saved, "Reviews due")
    page._apply_saved(page.saved.currentIndex())
    assert page.model.rowCount() == demo_services.dashboard.summary().reviews_due
    pick(page.saved, "All open cases")
    page._apply_saved(page.saved.currentIndex())
    type_into(qtbot, page.search, "eureka")
    page.apply_filters()
    shown = page.model.ids()
    assert shown
    prompts.answer("ask_text", "Open at Eureka")
    qtbot.mouseClick(page.save_filter_btn, Qt.MouseButton.LeftButton)
    assert page.saved.currentText() == "Open at Eureka  (mine)"
    page.clear_filters()
    assert page.model.rowCount() > len(shown)
    pick(page.saved, "Open at Eureka")
    page._apply_saved(page.saved.currentIndex())
    assert page.model.ids() == shown
    target = tmp_path / "cases.csv"
    prompts.answer("ask_save_file", target)
    qtbot.mouseClick(page.export_btn, Qt.MouseButton.LeftButton)
    with target.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    refs = demo_services.case_list.rows_for(shown)
    assert [r[0] for r in rows[1:]] == [refs[i].reference for i in shown]


def test_forum_names_are_shown_in_full_on_a_laptop(window, qtbot):
    """Defect 11: on a 1366×768 screen the forums list cut every forum's name to "W…", "Hi…". (Caught: the
    Forum column as the stretching one, left with what the other columns did not take.)"""

    window.resize(1366, 768)
    window.show_page("forums")
    page = window.pages["forums"]
    table = page.forums
    qtbot.waitUntil(lambda: table.rowCount() > 0)
    table.horizontalHeader().resizeSections()  # the layout Qt makes when the window is next drawn
    metrics = table.fontMetrics()
    width = table.columnWidth(1)
    for r in range(table.rowCount()):
        name = table.item(r, 1).text()
        assert metrics.horizontalAdvance(name) <= width, (name, width)
    window.tasks.wait()
