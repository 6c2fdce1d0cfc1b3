"""Settings (roles, local policy), the demo-data offer, and refusing a bad database at start."""

from __future__ import annotations

import pytest

from cspdesk.core.errors import DatabaseProblem


def test_administrator_changes_a_setting_and_a_bad_value_is_shown_beside_it(window, qtbot):
    page = window.pages["settings"]
    window.show_page("settings")
    field = page.fields["enforcement.cpw_comply_days"]
    field.setValue(21)
    page.save()
    assert window.services.settings.get("enforcement.cpw_comply_days") == 21
    threshold = page.fields["case_review.incidents_threshold"]
    assert threshold.maximum() == 3  # the Act: never above 3 qualifying complaints


def test_partner_sees_settings_read_only(qtbot, demo_db_path, prompts):
    from cspdesk.bootstrap import build_window

    w = build_window(str(demo_db_path), prompts, "snt.swadlincote")
    qtbot.addWidget(w)
    page = w.pages["settings"]
    assert not page.is_admin
    assert not page.fields["enforcement.cpw_comply_days"].isEnabled()
    w.services.database.engine.dispose()


def test_administrator_gives_a_new_user_a_role(window, qtbot):
    page = window.pages["settings"]
    qtbot.keyClicks(page.new_login, "new.person")
    qtbot.keyClicks(page.new_name, "New Person")
    page.new_role.setCurrentIndex(page.new_role.findData("officer"))
    page._add_user()
    users = {u.username: u for u in window.services.users.list_users()}
    assert users["new.person"].role.value == "officer"


def test_empty_database_offers_demo_data_and_loads_it(qtbot, tmp_path, prompts):
    from cspdesk.bootstrap import build_window

    w = build_window(str(tmp_path / "empty.sqlite"), prompts, "first.user")
    qtbot.addWidget(w)
    prompts.answer_confirm = True
    w.offer_demo_data_if_empty()
    assert "confirm" in prompts.kinds()
    qtbot.waitUntil(lambda: not w.services.demo.is_empty(), timeout=60000)
    w.tasks.wait()
    qtbot.waitUntil(lambda: "DEMO DATA" in w.windowTitle(), timeout=5000)
    assert w.services.dashboard.summary().total_cases == 1500
    w.services.database.engine.dispose()


def test_declining_demo_data_leaves_the_database_empty(qtbot, tmp_path, prompts):
    from cspdesk.bootstrap import build_window

    w = build_window(str(tmp_path / "empty.sqlite"), prompts, "first.user")
    qtbot.addWidget(w)
    prompts.answer_confirm = False
    w.offer_demo_data_if_empty()
    assert w.services.demo.is_empty()
    w.services.database.engine.dispose()


def test_a_file_that_is_not_a_database_is_refused_before_the_window(tmp_path, prompts):
    from cspdesk.bootstrap import build_window

    bad = tmp_path / "letter.sqlite"
    bad.write_text("not a database")
    with pytest.raises(DatabaseProblem, match="not a CSPDesk database"):
        build_window(str(bad), prompts, "someone")
    assert bad.read_text() == "not a database"
