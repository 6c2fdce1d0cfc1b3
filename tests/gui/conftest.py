from __future__ import annotations

import pytest

from cspdesk.gui.garbage import collect_on_gui_thread
from tests.gui.fakes import FakePrompts


@pytest.fixture(scope="package", autouse=True)
def _gui_thread_collector(qapp):
    """As the app does (gui/app.py): without it a worker's allocations free a garbage widget off the GUI
    thread (gui/garbage.py). After the last GUI test the garbage left is
    freed here, on the GUI thread, and Python collects as usual again for the tests after (which turn no
    event loop for the collector's timer)."""
    collector = collect_on_gui_thread(qapp)
    yield collector
    collector.collect_now()
    collector.stop()


@pytest.fixture(autouse=True)
def _cycles_freed_on_the_gui_thread(qapp, _gui_thread_collector):
    """The collector, running again if a test quit the application (aboutToQuit stops it)."""
    return collect_on_gui_thread(qapp)


@pytest.fixture
def prompts():
    return FakePrompts()


@pytest.fixture
def window(qtbot, demo_db_path, prompts):
    """The real main window on a copy of the small demo database, signed in as its administrator."""
    from cspdesk.bootstrap import build_window

    w = build_window(str(demo_db_path), prompts, "admin.user")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.tasks.wait()
    w.services.database.engine.dispose()
