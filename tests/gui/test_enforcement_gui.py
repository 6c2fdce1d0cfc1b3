"""Enforcement through the widgets: a case from warning letter to FPN paid, a CPN to appeal quashed,
overrides answered through the injected Prompts, errors beside fields, the register, counts and Dashboard."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel, QPushButton

from cspdesk.core.clock import FixedClock
from cspdesk.core.services.registry import build_services
from cspdesk.gui.bus import Bus
from tests.enforcement_world import TODAY, make_world, step


class FakePrompts:
    """Answers modal questions without a human; records what was asked."""

    def __init__(self, text_answer: str | None = None):
        self.parent = None
        self.text_answer = text_answer
        self.asked: list[tuple[str, str]] = []
        self.errors: list[tuple[str, str]] = []

    def confirm(self, title, text):
        self.asked.append((title, text))
        return True

    def info(self, title, text):
        self.asked.append((title, text))

    def error(self, title, text):
        self.errors.append((title, text))

    def ask_text(self, title, label, text=""):
        self.asked.append((title, label))
        return self.text_answer


@pytest.fixture
def world(services):
    return make_world(services)


@pytest.fixture
def officer_services(database, world):
    return build_services(database, "dean.slater", clock=FixedClock(TODAY))


def set_date(widget, d: date) -> None:
    widget.setDate(QDate(d.year, d.month, d.day))


def fill_step(dlg, *, kind=None, party=None, issued=None, conduct=None, effect=None, requirement=None):
    if kind is not None:
        dlg.kind.setCurrentIndex(dlg.kind.findData(kind))
    if party is not None:
        dlg.party.setCurrentIndex(dlg.party.findData(str(party)))
    if issued is not None:
        set_date(dlg.issued_on, issued)
        set_date(dlg.served_on, issued)
    if conduct is not None:
        dlg.conduct.setPlainText(conduct)
    if effect is not None:
        dlg.effect.setPlainText(effect)
    if requirement is not None:
        dlg.requirements.table.cellWidget(0, 1).setText(requirement)


def press(qtbot, detail_view, name, on: date, text: str = ""):
    """Click a notice's action button and complete its dialog with a date (and text)."""
    button = detail_view.buttons[name]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dlg = detail_view.dialog
    assert dlg.isVisible()
    set_date(dlg.on, on)
    if text:
        dlg.text.setPlainText(text)
    return dlg


def stage_of(services, notice_id) -> str:
    return services.notices.detail(notice_id).stage_code


def test_a_case_from_warning_letter_to_fpn_paid(qtbot, officer_services, world):
    from cspdesk.gui.widgets.notices_panel import NoticesPanel

    s, prompts = officer_services, FakePrompts()
    bus = Bus()
    panel = NoticesPanel(s, bus, prompts, world.case_id)
    qtbot.addWidget(panel)
    panel.show()

    # 1. Warning letter
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    dlg = panel.dialog
    fill_step(
        dlg,
        kind="warning_letter",
        party=world.adult,
        issued=date(2026, 1, 2),
        conduct="Loud music late at night",
        requirement="Keep music down after 11pm",
    )
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible(), dlg.errors.text()
    assert panel.model.rowCount() == 1 and panel.count.text() == "1 notice"
    letter = panel.detail.detail
    assert letter.kind_code == "warning_letter" and letter.stage_code == "issued"
    dlg = press(qtbot, panel.detail, "action:breached", date(2026, 1, 9), "Music again on 8 January")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert stage_of(s, letter.id) == "breached"

    # 2. CPW
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    dlg = panel.dialog
    fill_step(
        dlg,
        kind="cpw",
        party=world.adult,
        issued=date(2026, 1, 12),
        conduct="Loud amplified music",
        effect="Neighbours cannot sleep",
        requirement="Stop playing amplified music after 11pm",
    )
    assert "Comply by 26/01/2026" in dlg.preview.text()
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    cpw = panel.detail.detail
    assert (cpw.kind_code, cpw.comply_by) == ("cpw", date(2026, 1, 26))
    assert "Issue CPN" in [b.text() for b in panel.detail.buttons.values()]

    # 3. CPN from the CPW's own button: the warning is linked and its conduct carried over
    qtbot.mouseClick(panel.detail.buttons["action:escalated"], Qt.MouseButton.LeftButton)
    dlg = panel.detail.dialog
    assert dlg.kind.currentData() == "cpn" and dlg.parent_choice.currentData() == str(cpw.id)
    assert dlg.conduct.toPlainText() == "Loud amplified music"
    set_date(dlg.issued_on, date(2026, 2, 2))
    set_date(dlg.served_on, date(2026, 2, 2))
    dlg.informed.table.cellWidget(0, 1).setText("Derbyshire Constabulary SNT")
    set_date(dlg.informed.table.cellWidget(0, 0), date(2026, 1, 30))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible(), dlg.errors.text()
    assert stage_of(s, cpw.id) == "escalated"
    cpn_id = next(r.id for r in s.notices.case_notices(world.case_id) if r.kind_code == "cpn")
    panel.select_notice(cpn_id)
    assert panel.detail.detail.appeal_by == date(2026, 2, 22)

    # 4. Active after the appeal window, then a breach with an incident as evidence
    dlg = press(qtbot, panel.detail, "action:active", date(2026, 2, 23))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    dlg = press(qtbot, panel.detail, "action:breached", date(2026, 4, 1), "Music at 2am, witnessed by PCSO")
    dlg.incidents.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert stage_of(s, cpn_id) == "breached"

    # 5. FPN from the CPN's button, then paid early at the lower amount
    qtbot.mouseClick(panel.detail.buttons["action:fpn_issued"], Qt.MouseButton.LeftButton)
    dlg = panel.detail.dialog
    assert dlg.kind.currentData() == "fpn" and dlg.parent_choice.currentData() == str(cpn_id)
    set_date(dlg.issued_on, date(2026, 4, 10))
    set_date(dlg.served_on, date(2026, 4, 10))
    assert "pay by 24/04/2026" in dlg.preview.text()
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible(), dlg.errors.text()
    fpn_id = next(r.id for r in s.notices.case_notices(world.case_id) if r.kind_code == "fpn")
    panel.select_notice(fpn_id)
    dlg = press(qtbot, panel.detail, "action:paid", date(2026, 4, 15))
    assert dlg.amount.value() == 75.0
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert stage_of(s, fpn_id) == "paid" and stage_of(s, cpn_id) == "paid"
    assert "Paid" in panel.detail.browser.toPlainText()
    assert panel.model.rowCount() == 4 and not prompts.errors


def test_a_cpn_to_appeal_quashed_on_the_register(qtbot, officer_services, world):
    from cspdesk.gui.pages.enforcement import EnforcementPage

    s = officer_services
    warning = s.enforcement.start_step(world.officer, step(world, "cpw", date(2026, 1, 5)))
    cpn = s.enforcement.start_step(
        world.officer, step(world, "cpn", date(2026, 2, 2), parent_id=warning.notice_id)
    )
    page = EnforcementPage(s, Bus(), FakePrompts())
    qtbot.addWidget(page)
    page.show()
    page.search.setText(cpn.reference)
    page.apply_filters()
    assert page.model.rowCount() == 1
    page.table.selectRow(0)
    assert set(page.detail.buttons) >= {"action:appeal_lodged", "action:active", "action:withdrawn"}
    assert "action:breached" not in page.detail.buttons  # only moves allowed now are offered

    dlg = press(qtbot, page.detail, "action:appeal_lodged", date(2026, 2, 25))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and "22/02/2026" in dlg.errors.text()  # out of time: refused, dialog stays open
    dlg.late_reason.setText("Court accepted: recipient was in hospital")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    assert "Suspended while the appeal is heard" in page.detail.browser.toPlainText()
    assert "Stays in force during the appeal" in page.detail.browser.toPlainText()

    dlg = press(qtbot, page.detail, "action:quashed", date(2026, 3, 20), "Quashed: not persistent")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert stage_of(s, cpn.notice_id) == "quashed"
    assert page.detail.buttons == {} or set(page.detail.buttons) == {"event:note"}
    assert page.model.rowCount() == 1 and page.model.data(page.model.index(0, 2)) == "Quashed"


def _hidden_qt_methods(widget, qt_class) -> list[str]:
    """The names an instance sets on itself that are methods of its Qt class (signals, which PySide keeps
    on the instance once connected, are not)."""
    from PySide6.QtCore import Signal

    def is_method(name: str) -> bool:
        found = getattr(qt_class, name, None)
        return callable(found) and not isinstance(found, Signal)

    return sorted(name for name in vars(widget) if is_method(name))


def test_a_note_is_recorded_through_its_dialog_and_no_qt_method_is_hidden(qtbot, officer_services, world):
    """The event dialog, its notice view and the new-step dialog hide none of Qt's methods with their own
    attributes. (Caught: ``EventDialog.event``, the kind of entry as text, hid ``QObject.event()``, which Qt
    calls for every event the dialog gets; it worked only while the dialog's first events came before it was
    set, and a plain dialog doing the same crashes Python. ``NoticeDetailView.actions`` hid
    ``QWidget.actions()``; ``NewStepDialog.find`` hid ``QWidget.find()``.)"""
    from PySide6.QtWidgets import QDialog, QWidget

    from cspdesk.gui.widgets.notices_panel import NoticesPanel

    s = officer_services
    warning = s.enforcement.start_step(world.officer, step(world, "cpw", date(2026, 1, 5)))
    cpn = s.enforcement.start_step(
        world.officer, step(world, "cpn", date(2026, 2, 2), parent_id=warning.notice_id)
    )
    panel = NoticesPanel(s, Bus(), FakePrompts(), world.case_id)
    qtbot.addWidget(panel)
    panel.show()
    panel.select_notice(cpn.notice_id)
    assert _hidden_qt_methods(panel.detail, QWidget) == []

    dlg = press(qtbot, panel.detail, "event:note", date(2026, 2, 3), "Spoke to the recipient's mother")
    assert _hidden_qt_methods(dlg, QDialog) == []
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible(), dlg.errors.text()
    events = s.notices.detail(cpn.notice_id).events
    assert [(e.event, e.reason) for e in events if e.event == "note"] == [
        ("note", "Spoke to the recipient's mother")
    ]
    assert "Spoke to the recipient's mother" in panel.detail.browser.toPlainText()

    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    assert _hidden_qt_methods(panel.dialog, QDialog) == []


def test_administrator_override_is_asked_through_prompts_and_recorded(qtbot, services, world):
    from cspdesk.gui.pages.enforcement import EnforcementPage

    prompts = FakePrompts(text_answer="Police confirm he is 34")
    page = EnforcementPage(services, Bus(), prompts)
    qtbot.addWidget(page)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dlg = page.dialog
    dlg.case_search.setText("ASB-2026-00001")
    qtbot.mouseClick(dlg.find_button, Qt.MouseButton.LeftButton)
    assert dlg.cases.count() == 1 and dlg.party.count() == 5
    fill_step(
        dlg,
        kind="cpw",
        party=world.no_dob,
        issued=date(2026, 3, 2),
        conduct="Shouting abuse",
        effect="Residents afraid",
        requirement="Stop shouting abuse",
    )
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()
    assert prompts.asked and "date of birth" in prompts.asked[0][1]
    shown = page.detail.detail
    assert shown.kind_code == "cpw"
    assert any(e.override_reason == "Police confirm he is 34" for e in shown.events)


def test_an_officer_cannot_override_and_sees_why_beside_the_field(qtbot, officer_services, world):
    from cspdesk.gui.widgets.notices_panel import NoticesPanel

    prompts = FakePrompts(text_answer="should not be asked")
    panel = NoticesPanel(officer_services, Bus(), prompts, world.case_id)
    qtbot.addWidget(panel)
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    dlg = panel.dialog
    fill_step(
        dlg,
        kind="cpw",
        party=world.teen,
        issued=date(2026, 3, 2),
        conduct="Stones thrown",
        effect="Windows broken",
        requirement="Stop throwing stones",
    )
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and not prompts.asked
    label = dlg.findChild(QLabel, "error:party")
    assert label is None or not label.isVisible()
    assert "aged 16 or over" in dlg.errors.text()
    fill_step(dlg, conduct="")
    dlg.kind.setCurrentIndex(dlg.kind.findData("warning_letter"))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    conduct_error = dlg.findChild(QLabel, "error:conduct")
    assert conduct_error.isVisible() and "conduct" in conduct_error.text()
    assert panel.model.rowCount() == 0


def test_register_filters_counts_and_my_work(qtbot, demo_services):
    from cspdesk.gui.pages.enforcement import EnforcementPage

    page = EnforcementPage(demo_services, Bus(), FakePrompts())
    qtbot.addWidget(page)
    total = page.model.rowCount()
    page.kind.setCurrentIndex(page.kind.findData("cpw"))
    cpws = page.model.rowCount()
    assert 0 < cpws < total and page.count.text() == f"{cpws:,} notices"
    assert {page.model.data(page.model.index(r, 1)) for r in range(cpws)} == {"CPW"}
    page.year.setCurrentIndex(page.year.findData(2022))
    assert "Issued 56x" in page.action_taken.text() and "11x" in page.action_taken.text()
    assert "5x Fixed Penalty" in page.action_taken.text()
    all_due = page.due_table.rowCount()
    assert all_due > 0
    page.mine.setChecked(True)  # the signed-in administrator issued none of the demo notices
    assert page.due_table.rowCount() == 0
    page.mine.setChecked(False)
    page.due_table.selectRow(0)
    assert page.detail.detail is not None and page.detail.detail.next_due_on is not None


def test_enforcement_is_after_asb_cases_and_the_dashboard_shows_what_is_due(qtbot, demo_services):
    from cspdesk.gui.main_window import MainWindow

    window = MainWindow(demo_services, FakePrompts())
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[:3] == ["Dashboard", "ASB Cases", "Enforcement"]
    dash = window.pages["dashboard"]
    window.show()  # the Dashboard counts once it is on screen
    qtbot.waitUntil(lambda: dash.notices_due.rowCount() > 0, timeout=5000)
    overdue = sum(1 for d in demo_services.notices.due(14) if d.overdue)
    assert dash.notices_tile.value.text() == f"{overdue:,}" and dash.notices_due.rowCount() > 0
    dash.notices_due.cellDoubleClicked.emit(0, 0)
    assert window.stack.currentWidget() is window.pages["enforcement"]
    assert window.pages["enforcement"].detail.detail is not None
    window.show_page("dashboard")
    qtbot.mouseClick(dash.findChild(QPushButton, "showDueNotices"), Qt.MouseButton.LeftButton)
    page = window.pages["enforcement"]
    assert window.stack.currentWidget() is page and page.tabs.currentIndex() == 1


def test_the_case_screen_has_an_enforcement_tab_with_the_cases_notices(qtbot, officer_services, world):
    from cspdesk.gui.pages.case_view import CaseView
    from cspdesk.gui.widgets.notices_panel import NoticesPanel

    s = officer_services
    s.enforcement.start_step(world.officer, step(world, "cpw", date(2026, 1, 5)))
    view = CaseView(s, Bus(), FakePrompts(), world.case_id)
    qtbot.addWidget(view)
    panel = view.show_tab("Enforcement")
    assert isinstance(panel, NoticesPanel) and panel.model.rowCount() == 1
    panel.table.selectRow(0)
    assert panel.detail.detail.kind_code == "cpw" and "action:breached" in panel.detail.buttons


def test_my_work_lists_the_officers_own_enforcement_dates(qtbot, officer_services, world):
    from cspdesk.gui.pages.my_work import MyWorkPage

    s = officer_services
    started = s.enforcement.start_step(world.officer, step(world, "cpw", date(2026, 11, 20)))
    bus = Bus()
    shown = []
    bus.show_notice.connect(shown.append)
    page = MyWorkPage(s, bus, FakePrompts(), lambda _key: None)
    qtbot.addWidget(page)
    assert page.notices.rowCount() == 1
    assert page.notices.item(0, 1).text() == started.reference
    assert page.notices.item(0, 0).text() == "04/12/2026"  # the comply-by date
    page.notices.doubleClicked.emit(page.notices.model().index(0, 0))
    assert shown == [started.notice_id]
