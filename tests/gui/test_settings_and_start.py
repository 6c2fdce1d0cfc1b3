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


def test_the_risk_questionnaire_is_edited_as_a_table_of_questions(window, qtbot):
    """Defect 11: the risk questionnaire was edited in Settings as raw JSON. It is now a table of questions
    with points, buttons to add, remove and move them and spin boxes for the cut-offs; a mistake is said in
    words under it and nothing is saved. (Caught: the JSON box as before - no table to drive.)"""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableWidget

    page = window.pages["settings"]
    window.show_page("settings")
    editor = page.fields["risk.questionnaire"]
    table = editor.findChild(QTableWidget, "riskQuestions")
    before = window.services.risk.questionnaire()
    assert table.rowCount() == len(before.questions)
    assert table.item(0, 0).text() == before.questions[0].text

    qtbot.mouseClick(editor.add_btn, Qt.MouseButton.LeftButton)
    row = table.rowCount() - 1
    table.item(row, 0).setText("Is the victim caring for someone else?")
    table.cellWidget(row, 1).setValue(4)
    table.setCurrentCell(row, 0)
    qtbot.mouseClick(editor.up_btn, Qt.MouseButton.LeftButton)
    table.setCurrentCell(0, 0)
    qtbot.mouseClick(editor.remove_btn, Qt.MouseButton.LeftButton)
    page.save()
    after = window.services.risk.questionnaire()
    texts = [q.text for q in after.questions]
    assert texts[-2] == "Is the victim caring for someone else?" and after.questions[-2].weight == 4
    assert before.questions[0].text not in texts and len(texts) == len(before.questions)
    assert [q.key for q in after.questions[:-2]] == [q.key for q in before.questions[1:-1]]  # kept keys

    editor.high.setValue(999)
    table.item(0, 0).setText("   ")
    page.save()
    error = page.errors["risk.questionnaire"]
    assert (
        not error.isHidden()
        and "highest possible score" in error.text()
        and "question 1 has no words" in error.text()
    )
    assert "{" not in error.text()
    assert window.services.risk.questionnaire() == after
