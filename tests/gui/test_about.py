"""Help → About: what support asks for first — the version, the database and its schema, where the data,
backups and log are."""

from __future__ import annotations

from cspdesk import __version__


def _about_action(window):
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    return next(a for a in help_menu.actions() if a.text() == "&About CSPDesk")


def test_about_shows_version_database_schema_and_where_things_live(
    window, prompts, demo_db_path, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    _about_action(window).trigger()
    kind, title, text = prompts.asked[-1]
    assert (kind, title) == ("info", "About CSPDesk")
    assert f"Version: CSPDesk {__version__}" in text
    assert f"Database: {demo_db_path}" in text
    assert f"Schema revision: {window.services.database.revision}" in text
    assert f"Backups: {demo_db_path.parent} ({demo_db_path.stem}.backup-<date>-<schema>.sqlite" in text
    assert f"Log file: {tmp_path / 'state' / 'CSPDesk' / 'log' / 'cspdesk.log'}" in text
    assert "Your data folder: " in text


def test_about_answers_at_once_while_the_quick_start_is_still_loading(qtbot, demo_db_path, prompts):
    """The quick start's window has no services yet: About must answer from the first screen, not wait for
    them (checked by asking the database for its URL, which only the loaded services know: the About box then
    started the whole load and waited for it)."""
    from cspdesk.bootstrap import start_window
    from cspdesk.core.services.quick_start import StartingServices

    w = start_window(str(demo_db_path), prompts, "admin.user")
    qtbot.addWidget(w)
    assert isinstance(w.services, StartingServices) and not w.services.ready
    _about_action(w).trigger()
    assert f"Database: {demo_db_path}" in prompts.asked[-1][2]
    assert not w.services.ready
