from __future__ import annotations

import pytest

from tests.gui.fakes import FakePrompts


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
