"""Settings → Retention: the review queue in the window, driven with real widgets."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QTabWidget
from sqlalchemy import select

from cspdesk.core.domain.retention import ANONYMISED, RetentionRecord
from cspdesk.core.storage.models import AsbCase


def _open_tab(window, qtbot):
    window.services.settings.update(window.services.actor, {"retention.case_years": 1})
    window.show_page("settings")
    tabs = window.pages["settings"].findChild(QTabWidget)
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Retention")
    tabs.setCurrentIndex(index)
    tab = tabs.widget(index)
    qtbot.waitUntil(lambda: tab.table.rowCount() > 0)
    tab.kind.setCurrentIndex(tab.kind.findData(RetentionRecord.ASB_CASE))
    qtbot.waitUntil(lambda: tab.rows and all(d.record_type is RetentionRecord.ASB_CASE for d in tab.rows))
    return tab


def _select(tab, qtbot, row: int = 0):
    tab.table.setFocus()
    tab.table.selectRow(row)
    qtbot.waitUntil(lambda: tab.keep.isEnabled())


def test_an_administrator_anonymises_a_case_from_the_queue(window, qtbot, prompts):
    tab = _open_tab(window, qtbot)
    first = tab.rows[0]
    assert first.record_type is RetentionRecord.ASB_CASE
    _select(tab, qtbot)
    qtbot.mouseClick(tab.anonymise, Qt.MouseButton.LeftButton)
    assert prompts.asked[-1][0] == "confirm" and first.reference in prompts.asked[-1][2]
    qtbot.waitUntil(lambda: first.reference not in {d.reference for d in tab.rows})
    with window.services._uow("t") as uow:
        assert uow.session.get(AsbCase, first.record_id).title == ANONYMISED


def test_keep_without_a_reason_is_refused_beside_the_fields(window, qtbot):
    tab = _open_tab(window, qtbot)
    before = len(tab.rows)
    _select(tab, qtbot)
    qtbot.mouseClick(tab.keep, Qt.MouseButton.LeftButton)
    assert tab.error.isVisible() and "Say why" in tab.error.text()
    qtbot.keyClicks(tab.reason, "Injunction proceedings pending")
    tab.until.setDate(QDate(2027, 6, 1))
    qtbot.mouseClick(tab.keep, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(tab.rows) == before - 1)


def test_a_record_changed_after_the_queue_was_read_is_not_deleted(window, qtbot, prompts):
    """The plain message, and the record still there, when someone else changed it meanwhile."""
    tab = _open_tab(window, qtbot)
    first = tab.rows[0]
    with window.services._uow("someone.else") as uow:
        uow.session.get(AsbCase, first.record_id).description = "New information from the police"
        uow.commit()
    _select(tab, qtbot)
    qtbot.mouseClick(tab.delete, Qt.MouseButton.LeftButton)
    kind, title, text = prompts.asked[-1]
    assert kind == "error" and "changed by someone else" in text and "Traceback" not in text
    with window.services._uow("t") as uow:
        assert (
            uow.session.scalar(select(AsbCase.description).where(AsbCase.id == first.record_id))
            == "New information from the police"
        )


def test_the_event_a_period_counts_from_is_chosen_from_a_list_in_settings(window, qtbot):
    """Only the events that apply to a kind of record are offered, and the choice is what the queue uses."""
    from cspdesk.core.domain.retention import RetentionEvent

    page = window.pages["settings"]
    window.show_page("settings")
    box = page.fields["retention.asb_case_from"]
    assert [box.itemData(i) for i in range(box.count())] == ["closure", "last_activity"]
    assert box.currentData() == "closure"
    box.setCurrentIndex(box.findData("last_activity"))
    page.save()
    policy = window.services.retention.policies()[RetentionRecord.ASB_CASE]
    assert policy.counts_from is RetentionEvent.LAST_ACTIVITY
