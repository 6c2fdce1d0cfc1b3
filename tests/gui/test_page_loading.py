"""Pages show at once and read their data on a worker (issue 19: no action blocks the window over 100 ms).

Through the real main window, shown offscreen: a page says "Loading …" (to screen readers too) and then shows
its data; a result that a newer load replaced is dropped; a failure is shown in plain words, not raised;
F5 reloads the page on screen only, and a page behind it reloads when it is next shown.
"""

from __future__ import annotations

import threading
from datetime import date

from PySide6.QtCore import QCoreApplication, Qt

from cspdesk.core.errors import UserError
from cspdesk.core.services.cases.actions import ActionInput
from cspdesk.gui.pages import my_work
from tests.core.case_helpers import form
from tests.gui.fake_prompts import FakePrompts
from tests.gui.loaded import wait_loaded


def _shown_window(qtbot, services):
    from cspdesk.gui.main_window import MainWindow

    w = MainWindow(services, FakePrompts())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _action(services, case, text: str, due: date):
    services.actions.add_action(
        services.actor, case.id, ActionInput(text, due, owner_user_id=services.actor.user_id)
    )


def _texts(table, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]


def _deliver_finished_tasks(w) -> None:
    """Let every worker finish and hand its result to the GUI thread (queued signals), without sleeping."""
    assert w.tasks.wait(30000)
    QCoreApplication.sendPostedEvents()
    QCoreApplication.processEvents()


def test_my_work_shows_at_once_saying_loading_then_its_lists(qtbot, services):
    """The page is on screen before its lists are read: its status says "Loading your work…" (its accessible
    description too, for a screen reader), then the actions arrive and the status goes. (Caught: My work read
    on the GUI thread again, i.e. the loader given no task runner — no loading state is ever shown.)"""
    case = services.intake.open_case(services.actor, form())
    _action(services, case, "Visit Joan", date(2026, 11, 1))
    w = _shown_window(qtbot, services)
    w.show_page("my_work")
    page = w.pages["my_work"]
    status = page.loader.status
    assert status.isVisible() and status.text() == "Loading your work…"
    assert status.accessibleDescription() == "Loading your work…" and status.accessibleName()
    assert page.action_table.rowCount() == 0
    with qtbot.waitSignal(page.loader.loaded, timeout=30000):
        pass
    assert _texts(page.action_table, 2) == ["Visit Joan"]
    assert not status.isVisible()


def test_a_load_overtaken_by_a_newer_one_is_dropped(qtbot, services, monkeypatch):
    """Away and back quickly: the first reading of My work is held up on its worker; meanwhile the officer
    goes to the Dashboard, an action is added, and My work is shown again (a second reading). The first
    reading then finishes with the old list, and is dropped: the page keeps the newer one.
    (Caught: PageLoader without its "is this still the newest load?" check — the old list replaced it.)"""
    case = services.intake.open_case(services.actor, form())
    _action(services, case, "First visit", date(2026, 11, 1))
    release, first_started = threading.Event(), threading.Event()
    calls = []
    real_read = my_work._read

    def read(services_, overdue_only):
        result = real_read(services_, overdue_only)
        calls.append(len(result[0]))
        if len(calls) == 1:  # the first reading waits (on its worker) until the test lets it go
            first_started.set()
            release.wait(30)
        return result

    monkeypatch.setattr(my_work, "_read", read)
    w = _shown_window(qtbot, services)
    w.show_page("my_work")
    page = w.pages["my_work"]
    qtbot.waitUntil(first_started.is_set, timeout=30000)
    w.show_page("dashboard")
    _action(services, case, "Second visit", date(2026, 11, 2))
    from cspdesk.core.services.context import Changes

    w.bus.changes_applied.emit(Changes.of("action", ids=(case.id,)))
    with qtbot.waitSignal(page.loader.loaded, timeout=30000):
        w.show_page("my_work")
    assert sorted(_texts(page.action_table, 2)) == ["First visit", "Second visit"]
    release.set()
    _deliver_finished_tasks(w)
    assert calls == [1, 2]  # the held-up first reading did finish, with the old list ...
    assert sorted(_texts(page.action_table, 2)) == ["First visit", "Second visit"]  # ... which was not shown
    assert not page.loader.status.isVisible()


def test_a_failed_reading_is_shown_in_plain_words_not_raised(qtbot, services, monkeypatch):
    """A reading that fails on its worker is said on the page in plain words — no exception reaches Qt
    (pytest-qt would fail the test on one) and no internals are shown; a ``UserError`` is shown in its own
    words.
    (Caught: PageLoader's failure path re-raising the worker's exception on the GUI thread.)"""

    def broken(_services, _overdue_only):
        raise RuntimeError("no such table: case_action at /tmp/x.sqlite")

    monkeypatch.setattr(my_work, "_read", broken)
    w = _shown_window(qtbot, services)
    page = w.pages["my_work"]
    with qtbot.waitSignal(page.loader.failed, timeout=30000) as blocker:
        w.show_page("my_work")
    status = page.loader.status
    assert status.isVisible() and status.text() == blocker.args[0]
    assert status.text().startswith("Your work not loaded. Something went wrong while reading.")
    assert "case_action" not in status.text() and "Traceback" not in status.text()
    assert status.accessibleDescription() == status.text()
    assert not page.loader.loading

    def refused(_services, _overdue_only):
        raise UserError("The database is locked by another program.")

    monkeypatch.setattr(my_work, "_read", refused)
    with qtbot.waitSignal(page.loader.failed, timeout=30000):
        page.refresh()
    assert status.text() == "Your work not loaded. The database is locked by another program."


def test_f5_reloads_the_page_on_screen_and_the_others_when_next_shown(qtbot, services, monkeypatch):
    """F5 (Go → Refresh) reloads the page on screen only; Enforcement, built earlier and now behind My work,
    reloads once when it is shown again — with everything that changed meanwhile. (Caught: ``when_shown``
    passing changes straight on — every built page reloaded at once: 9 s at 100,000.)"""
    w = _shown_window(qtbot, services)
    w.show_page("enforcement")
    enforcement = wait_loaded(qtbot, w.pages["enforcement"])
    w.show_page("my_work")
    mine = wait_loaded(qtbot, w.pages["my_work"])
    reloads = []
    monkeypatch.setattr(enforcement, "run_query", lambda: reloads.append("enforcement"))
    refresh = next(a for a in w.findChildren(type(w.menuBar().actions()[0])) if a.text() == "&Refresh")
    with qtbot.waitSignal(mine.loader.loaded, timeout=30000):
        refresh.trigger()
    assert reloads == []
    w.show_page("enforcement")
    assert reloads == ["enforcement"]
    w.show_page("my_work")
    w.show_page("enforcement")
    assert reloads == ["enforcement"]  # nothing changed meanwhile: no second reload
    _deliver_finished_tasks(w)


def test_once_on_screen_the_window_builds_what_a_case_window_needs_in_the_background(qtbot, services):
    """The first opening of a case window built the letters, documents, notices ... services on the GUI
    thread (684 ms at 100,000 cases, with the imports). Once the window is shown, a worker builds them
    beforehand, so the case window finds them ready. (Caught: the warm-up not started from showEvent.)"""
    from cspdesk.gui.warm_up import SERVICES

    assert "letters" not in vars(services)
    w = _shown_window(qtbot, services)
    assert w._warm_up is not None
    _deliver_finished_tasks(w)
    assert [name for name in SERVICES if name not in vars(services)] == []
    case = services.intake.open_case(services.actor, form())
    view = w.open_case(case.id)
    assert view.windowTitle().startswith(case.reference)
    view.close()


def test_a_case_window_opens_with_its_header_and_builds_each_tab_when_first_shown(qtbot, services):
    """Building all nine tabs was most of a case window's opening (684 ms at 100,000 cases): it now opens with
    the header and the Overview; another tab is built, named for screen readers and loaded when first shown
    (a click, Alt+digit or ``show_tab``). (Caught: every tab built in the constructor again.)"""
    case = services.intake.open_case(services.actor, form())
    _action(services, case, "Visit Joan", date(2026, 11, 1))
    w = _shown_window(qtbot, services)
    view = w.open_case(case.id)
    assert case.reference in view.heading.text()
    assert "Actions" not in view.panels and view.tabs.tabText(4) == "Actions"
    view.tabs.setCurrentIndex(4)  # as a click on the tab does
    actions = view.panels["Actions"]
    assert view.tabs.currentWidget() is actions and view.tabs.tabText(4) == "Actions"
    rows = [
        " ".join(
            actions.table.item(r, c).text()
            for c in range(actions.table.columnCount())
            if actions.table.item(r, c)
        )
        for r in range(actions.table.rowCount())
    ]
    assert any("Visit Joan" in row for row in rows)
    assert actions.table.accessibleName()
    view.close()


def test_a_long_list_is_shown_in_steps_with_the_window_answering_between_them(qtbot):
    """A result shown by a generator (Safer Homes' 1,530 referrals) is shown one step per turn of the event
    loop: something queued during the first step runs before the second. (Caught: PageLoader running all the
    steps in one go, which blocked the window for the whole fill.)"""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    from cspdesk.gui.loading import PageLoader
    from cspdesk.gui.tasks import TaskRunner

    page = QWidget()
    qtbot.addWidget(page)
    loader = PageLoader(page, TaskRunner(), "things", "thingsStatus")
    seen: list = []

    def show(n):
        for i in range(n):
            seen.append(i)
            if i == 0:
                QTimer.singleShot(0, lambda: seen.append("the window answered"))
            yield

    with qtbot.waitSignal(loader.loaded, timeout=30000):
        loader.load(lambda: 3, show)
    assert seen == [0, "the window answered", 1, 2]
    assert not loader.loading and not loader.status.isVisible()


def test_a_list_half_shown_stops_when_a_newer_load_starts(qtbot):
    """A newer load (a filter changed while a long list was still being filled) stops the old fill at its
    next step. (Caught: PageLoader's steps not checking that their load is still the newest one.)"""
    from PySide6.QtWidgets import QWidget

    from cspdesk.gui.loading import PageLoader
    from cspdesk.gui.tasks import TaskRunner

    page = QWidget()
    qtbot.addWidget(page)
    loader = PageLoader(page, TaskRunner(), "things", "thingsStatus")
    seen: list = []

    def old(n):
        for i in range(n):
            seen.append(f"old {i}")
            if i == 0:
                loader.load(lambda: 1, new)  # the officer changes a filter meanwhile
            yield

    def new(n):
        seen.append("new")
        return None

    loader.load(lambda: 3, old)
    qtbot.waitUntil(lambda: "new" in seen, timeout=30000)
    assert loader.tasks.wait(30000)
    QCoreApplication.sendPostedEvents()
    QCoreApplication.processEvents()
    assert seen == ["old 0", "new"]
    assert not loader.loading


def test_the_enforcement_register_counts_its_notices_on_a_worker(qtbot, services):
    """Enforcement's register read all 19,391 notice ids on the GUI thread when the page opened (0.33 s in a
    profile at 100,000 cases): the page shows "Loading the register…", then the count. (Caught: run_query
    reading the ids at once again.)"""
    w = _shown_window(qtbot, services)
    w.show_page("enforcement")
    page = w.pages["enforcement"]
    assert page.register_loader.status.text() == "Loading the register…" and page.count.text() == ""
    with qtbot.waitSignal(page.register_loader.loaded, timeout=30000):
        pass
    assert page.count.text() == "0 notices" and not page.register_loader.status.isVisible()
    wait_loaded(qtbot, page)


def test_case_reviews_reads_its_list_on_a_worker_and_selects_a_new_application_when_it_comes(
    qtbot, services, database
):
    """Case Reviews read its applications on the GUI thread when it first opened (120–150 ms at 100,000
    cases): it now says "Loading the applications…" and shows them from a worker; its annual figures are read
    when their tab is shown. An application recorded is selected once the list read again has come.
    (Caught: the list read at once again — no loading state; ``select`` not kept while the list was on its
    way — nothing selected and the application not shown; the figures' tab not filled when shown.)"""
    from tests.core.case_review_examples import case_with_enough_incidents
    from tests.gui.test_case_reviews_page import set_date

    case_with_enough_incidents(database.engine, "ASB-2023-00042")
    w = _shown_window(qtbot, services)
    w.show_page("case_reviews")
    page = w.pages["case_reviews"]
    status = page.loader.status
    assert status.isVisible() and status.text() == "Loading the applications…"
    assert status.accessibleDescription() == "Loading the applications…"
    with qtbot.waitSignal(page.loader.loaded, timeout=30000):
        pass
    assert page.count.text() == "0 applications" and not status.isVisible()
    assert page.figures_text.text() == ""  # not read on the first opening ...
    page.tabs.setCurrentIndex(1)
    assert "Community Trigger" in page.figures_text.text()  # ... but when its tab is shown
    page.tabs.setCurrentIndex(0)

    page.new_application()
    new = page.new_form
    set_date(new, "received_on", date(2023, 4, 20))
    new.widgets["applicant_name"].setText("Jean Bloor")
    new.widgets["problem"].setPlainText("Youths throwing stones at my windows most evenings.")
    page.linker.search.setText("ASB-2023-000")
    page.linker.results.item(0).setCheckState(Qt.CheckState.Checked)
    new.save.click()
    assert page.loader.loading  # the list is being read again, on a worker
    wait_loaded(qtbot, page)
    assert _texts(page.table, 0) == ["CR-2023-001"] and page.count.text() == "1 application"
    assert page.current_id() == page.rows[0].id
    assert page.right.currentWidget() is page.view and page.view.detail.id == page.rows[0].id
    _deliver_finished_tasks(w)


def test_area_forums_reads_its_forums_on_a_worker_and_selects_a_new_one_when_it_comes(qtbot, services):
    """Area Forums read its forums on the GUI thread when it first opened (120–190 ms at 100,000 cases): it
    now says "Loading the forums…" and shows them from a worker; a forum recorded is selected once the list
    read again has come. (Caught: the list read at once again — no loading state; the new forum's selection
    not kept while the list was on its way — the first forum selected instead.)"""
    from cspdesk.core.services.forums import MeetingInput
    from tests.gui.test_case_screen import type_into

    services.forums.record_forum(
        services.actor, MeetingInput("Hilton Area Forum", date(2026, 11, 20), "Village hall")
    )
    w = _shown_window(qtbot, services)
    w.show_page("forums")
    page = w.pages["forums"]
    status = page.loader.status
    assert status.isVisible() and status.text() == "Loading the forums…"
    assert page.forums.rowCount() == 0
    with qtbot.waitSignal(page.loader.loaded, timeout=30000):
        pass
    assert _texts(page.forums, 1) == ["Hilton Area Forum"] and not status.isVisible()
    assert "Hilton Area Forum" in page.detail.text()

    type_into(qtbot, page.f_title, "Swadlincote Area Forum")
    type_into(qtbot, page.f_held, "18/11/2026")  # older: listed second
    page.f_save.click()
    assert page.loader.loading
    wait_loaded(qtbot, page)
    assert _texts(page.forums, 1) == ["Hilton Area Forum", "Swadlincote Area Forum"]
    assert page.forums.currentRow() == 1 and "Swadlincote Area Forum" in page.detail.text()
    _deliver_finished_tasks(w)


def test_crime_figures_reads_on_a_worker_and_its_local_breakdown_when_shown(qtbot, demo_services):
    """Crime Figures read its sources, choices, table, charts and the Local breakdown's police.uk rows on the
    GUI thread when it first opened (111–222 ms at 100,000 cases; 0.66 s of a profile): it now says "Loading
    the figures…" and shows them from a worker, and the Local breakdown is read when its tab is shown. A year
    chosen while the figures are on their way is read again, not overwritten by what was on its way.
    (Caught: the figures read at once again — no loading state; the Local breakdown read on opening; a choice
    made during a load put back to the old one when the load came.)"""
    w = _shown_window(qtbot, demo_services)
    w.show_page("figures")
    page = w.pages["figures"]
    status = page.loader.status
    assert status.isVisible() and status.text() == "Loading the figures…"
    assert page.table.rowCount() == 0
    with qtbot.waitSignal(page.loader.loaded, timeout=30000):
        pass
    assert page.table.rowCount() > 0 and page.year_ending.count() > 1 and not status.isVisible()
    assert page.local.lsoas.rowCount() == 0  # not read on opening ...
    page.tabs.setCurrentWidget(page.local)
    assert page.local.lsoas.rowCount() > 10  # ... but when its tab is shown
    page.tabs.setCurrentIndex(0)

    older = page.year_ending.itemData(1)
    page.refresh()  # as after an import: the figures are read again
    assert page.loader.loading
    page.year_ending.setCurrentIndex(1)  # the officer picks another year meanwhile
    wait_loaded(qtbot, page)
    assert page.year_ending.currentData() == older
    assert page.period_label.text() == page.period().label and older[:4] in page.table_heading.text()
    _deliver_finished_tasks(w)


def test_asb_cases_reads_its_first_list_and_rows_on_a_worker(qtbot, services, monkeypatch):
    """ASB Cases read the open cases' ids and its first page of rows on the GUI thread when it first opened
    (117–133 ms at 100,000 cases): it now says "Loading the cases…" and the ids and the first rows come from
    a worker, so the GUI thread reads no rows to draw them; a search made while that list is on its way is
    not replaced by it. (Caught: the first list read at once again — no loading state; the first rows not
    handed to the model — read on the GUI thread when drawn; ``run_query`` not dropping the first list —
    the search's result overwritten by all open cases.)"""
    first = services.intake.open_case(services.actor, form())
    services.intake.open_case(services.actor, form(title="Graffiti on the underpass"))
    gui_thread_reads = []
    real_rows_for = services.case_list.rows_for

    def rows_for(ids):
        if threading.current_thread() is threading.main_thread():
            gui_thread_reads.append(len(ids))
        return real_rows_for(ids)

    monkeypatch.setattr(services.case_list, "rows_for", rows_for)
    w = _shown_window(qtbot, services)
    w.show_page("cases")
    page = w.pages["cases"]
    status = page.loader.status
    assert status.isVisible() and status.text() == "Loading the cases…"
    assert page.model.rowCount() == 0
    with qtbot.waitSignal(page.loader.loaded, timeout=30000):
        pass
    assert page.model.rowCount() == 2 and page.count.text() == "2 cases" and not status.isVisible()
    assert page.model.data(page.model.index(0, 0)) and gui_thread_reads == []

    _deliver_finished_tasks(w)

    again = _shown_window(qtbot, services)
    again.show_page("cases")  # the first list on its way ...
    cases = again.pages["cases"]
    cases.search.setText(first.reference)
    cases.apply_filters()  # ... and a search meanwhile
    _deliver_finished_tasks(again)
    assert cases.model.rowCount() == 1 and cases.model.case_id(0) == first.id
    assert cases.count.text() == "1 case" and not cases.loader.loading
