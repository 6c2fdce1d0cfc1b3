"""The window on a file it cannot change (issue 16): a read-only file opens read-only with a
banner saying why (no talk of backups); a damaged one is found by the check running behind the
window, and the banner says so."""

from __future__ import annotations

import pytest

from cspdesk.core.storage.encryption import connect_file
from tests.core.fault_files import damage_a_data_page, digest, unwritable
from tests.gui.loaded import wait_loaded


@pytest.fixture
def started(qtbot, prompts):
    """The window as the app starts it (the quick first screen, the services loading behind it)."""
    from PySide6.QtWidgets import QApplication

    from cspdesk.bootstrap import finish_start, start_window

    windows = []

    def start(path):
        w = start_window(str(path), prompts, "admin.user")
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        finish_start(w, QApplication.instance())
        windows.append(w)
        return w

    yield start
    for w in windows:
        w.close()
        w.tasks.wait()
        if getattr(w.services, "ready", True):
            w.services.database.engine.dispose()


def test_a_read_only_file_opens_with_a_banner_and_saves_are_refused_plainly(
    started, demo_db_path, qtbot, prompts
):
    """Caught: a read-only file was refused as "damaged… Restore it from a backup"."""
    before = digest(demo_db_path)
    with unwritable(demo_db_path):
        w = started(demo_db_path)
        banner = w.write_banner
        qtbot.waitUntil(banner.isVisible, timeout=30000)
        assert "read-only" in banner.text() and "backup" not in banner.text()
        w.show_page("cases")
        assert wait_loaded(qtbot, w.pages["cases"]).model.rowCount() > 0  # everything can be looked at
        w.show_page("settings")
        page = w.pages["settings"]
        page.fields["enforcement.cpw_comply_days"].setValue(21)
        page.save()
        kind, _title, text = prompts.asked[-1]
        assert kind == "error" and "read-only" in text and "backup" not in text
        w.offer_demo_data_if_empty()
        assert "confirm" not in prompts.kinds()
    assert digest(demo_db_path) == before


def test_damage_found_behind_the_window_shows_in_the_banner(started, demo_db_path, qtbot):
    """Caught: a file damaged in the middle opened as if sound and took writes."""
    damage_a_data_page(demo_db_path)
    w = started(demo_db_path)
    qtbot.waitUntil(w.write_banner.isVisible, timeout=60000)
    assert "is damaged" in w.write_banner.text() and "restore the file from a backup" in w.write_banner.text()


def test_a_sound_file_shows_no_banner(started, demo_db_path, qtbot):
    w = started(demo_db_path)
    qtbot.waitUntil(lambda: w.write_banner.answered, timeout=60000)
    assert w.services.database.gate.refusal is None
    assert not w.write_banner.isVisible()


def test_the_window_does_not_create_a_database_in_a_folder_that_does_not_exist(qtbot, tmp_path, prompts):
    """Caught: a mistyped --db made the folders and a new database."""
    from cspdesk.bootstrap import start_window
    from cspdesk.core.errors import DatabaseProblem

    with pytest.raises(DatabaseProblem, match="does not exist"):
        start_window(str(tmp_path / "bad" / "nope" / "x.sqlite"), prompts, "admin.user")
    assert list(tmp_path.iterdir()) == []


def test_letters_can_be_read_from_a_read_only_file_that_never_had_its_templates_installed(demo_db_path):
    """Installing the shipped letter templates writes; on a read-only file the templates it holds are read."""

    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    con = connect_file(demo_db_path)
    con.execute("DELETE FROM letter_template")
    con.commit()
    con.close()
    with unwritable(demo_db_path):
        db = open_database(demo_db_path)
        assert build_services(db, "admin.user").templates.templates() == []
        db.engine.dispose()
