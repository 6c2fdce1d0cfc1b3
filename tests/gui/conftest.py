from __future__ import annotations

import pytest

from cspdesk.gui.garbage import collect_on_gui_thread
from tests.gui.fakes import FakePrompts


@pytest.fixture(autouse=True)
def _cycles_freed_on_the_gui_thread(qapp):
    """As the app does (gui/app.py): without it a worker's allocations free a garbage widget off the GUI
    thread, and a test crashes now and then (gui/garbage.py). Afterwards the test's own garbage (its window,
    closed by now) is freed here on the GUI thread, and Python collects as usual again for the core tests
    (which run no event loop to turn the timer)."""
    collector = collect_on_gui_thread(qapp)
    yield collector
    collector.collect_now()
    collector.stop()


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
