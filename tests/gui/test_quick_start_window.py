"""The app's own start (bootstrap.start_window): the window opens on the first screen read with plain sqlite3,
then the services load behind it and every page works as in an ordinary start."""

from __future__ import annotations

import pytest

from cspdesk.core.storage.encryption import connect_file


@pytest.fixture
def quick_window(qtbot, demo_db_path, prompts):
    from cspdesk.bootstrap import start_window

    w = start_window(str(demo_db_path), prompts, "admin.user")
    qtbot.addWidget(w)
    yield w
    w.close()
    if w.services.ready:
        w.services.database.engine.dispose()


def test_the_window_opens_on_the_open_cases_before_the_services_have_loaded(
    quick_window, demo_db_path, qtbot
):
    w = quick_window
    assert not w.services.ready  # nothing has loaded SQLAlchemy yet
    w.show()
    w.show_page("cases")
    page = w.pages["cases"]
    con = connect_file(demo_db_path)
    newest = con.execute(
        "SELECT reference FROM asb_case WHERE status='open' ORDER BY reported_on DESC, reference DESC"
    ).fetchall()
    con.close()
    assert page.model.rowCount() == len(newest)
    assert [page.model.index(r, 0).data() for r in range(3)] == [r[0] for r in newest[:3]]
    assert page.count.text() == f"{len(newest)} cases"
    assert "DEMO DATA" in w.windowTitle()
    assert page.ward.count() > 1 and page.officer.count() > 1
    assert not w.services.ready


def test_after_the_services_load_the_dashboard_counts_and_every_page_works(quick_window, qtbot):
    from cspdesk.bootstrap import finish_start

    w = quick_window
    w.show()
    qtbot.waitExposed(w)
    dashboard = w.pages["dashboard"]
    assert dashboard.open_tile.value.text() == "…"  # not a false zero while the counts are coming
    cases = w.pages["cases"]
    assert cases.saved.count() == 0  # saved filters come with the services
    from PySide6.QtWidgets import QApplication

    finish_start(w, QApplication.instance())
    qtbot.waitUntil(lambda: w.services.ready, timeout=60000)
    qtbot.waitUntil(lambda: dashboard.open_tile.value.text() != "…", timeout=10000)
    summary = w.services.dashboard.summary()
    assert dashboard.open_tile.value.text() == f"{summary.open_cases:,}"
    qtbot.waitUntil(lambda: cases.saved.count() > 1, timeout=10000)
    # Search now runs on the real services.
    w.show_page("cases")
    cases.search.setText("Swadlincote")
    cases.apply_filters()
    assert 0 < cases.model.rowCount() == len(w.services.case_list.case_ids(cases.query))
    view = w.open_case(cases.model.case_id(0))
    assert view is not None and view.isVisible()
    view.close()


def test_closing_while_the_services_load_waits_for_them(quick_window, qtbot):
    w = quick_window
    w.show()
    w.services.start()
    w.close()  # must not leave a thread building services under a closed window
    assert w.services.ready
