"""Working copies from the window: take one, see it is a copy, bring it back,
decide a conflict side by side."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspdesk.core.storage.models import AsbCase, Ward
from cspdesk.gui import working_copies as wc
from tests.gui.fakes import FakePrompts


def _file_action(window, name):
    return next(a for a in window.menuBar().actions()[0].menu().actions() if a.objectName() == name)


def _take_in_window(window, qtbot, target) -> str:
    """Take a copy of the ward with most open cases through the dialog; returns the ward's name."""
    with Session(window.services.database.engine) as s:
        busiest = s.scalar(
            select(Ward.name)
            .join(AsbCase, AsbCase.ward_id == Ward.id)
            .where(AsbCase.status == "open")
            .group_by(Ward.name)
            .order_by(func.count().desc())
            .limit(1)
        )
    dialog = wc.TakeCopyDialog(window)
    qtbot.addWidget(dialog)
    for i in range(dialog.wards.count()):
        if dialog.wards.item(i).text() == busiest:
            dialog.wards.item(i).setCheckState(Qt.CheckState.Checked)
    dialog.target.setText(str(target))
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.taken is not None, window.prompts.asked
    return busiest


def test_take_work_in_the_copy_and_bring_it_back_from_the_window(window, qtbot, tmp_path):
    from cspdesk.bootstrap import build_window

    assert _file_action(window, "takeWorkingCopy").isEnabled()
    assert getattr(window, "copy_banner", None) is None and "WORKING COPY" not in window.windowTitle()
    target = tmp_path / "forum.sqlite"
    ward = _take_in_window(window, qtbot, target)

    laptop = build_window(str(target), FakePrompts(), "admin.user")
    qtbot.addWidget(laptop)
    laptop.show()
    qtbot.waitExposed(laptop)
    try:
        banner = laptop.copy_banner
        assert banner.isVisible() and "Working copy" in banner.text() and ward in banner.text()
        assert "WORKING COPY of" in laptop.windowTitle()
        assert not _file_action(laptop, "takeWorkingCopy").isEnabled()  # no copy of a copy
        s = laptop.services
        with Session(s.database.engine) as session:
            case = session.scalars(select(AsbCase).order_by(AsbCase.reference)).first()
        d = s.case_edit.detail(case.id)
        s.case_edit.save(s.actor, case.id, d.version, {"title": d.title}, {"title": "Changed at the forum"})
    finally:
        laptop.tasks.wait()
        laptop.services.database.engine.dispose()

    window.prompts.files = [target]
    wc.bring_back(window)
    assert any(k == "info" and "brought back" in t for k, t, _ in window.prompts.asked), window.prompts.asked
    with Session(window.services.database.engine) as session:
        assert session.get(AsbCase, case.id).title == "Changed at the forum"
    dialog = wc.WorkingCopiesDialog(window)
    qtbot.addWidget(dialog)
    assert dialog.copies.rowCount() == 1 and dialog.copies.item(0, 4).text().startswith("Brought back")


def test_the_conflicts_dialog_shows_both_values_and_takes_the_copys(window, qtbot, tmp_path):
    target = tmp_path / "forum.sqlite"
    _take_in_window(window, qtbot, target)
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    office = window.services
    copy_db = open_database(target)
    copy = build_services(copy_db, "admin.user", clock=office.clock)
    with Session(copy_db.engine) as session:
        case = session.scalars(select(AsbCase).order_by(AsbCase.reference)).first()
    d = copy.case_edit.detail(case.id)
    copy.case_edit.save(copy.actor, case.id, d.version, {"title": d.title}, {"title": "Copy title"})
    copy_db.engine.dispose()
    o = office.case_edit.detail(case.id)
    office.case_edit.save(office.actor, case.id, o.version, {"title": o.title}, {"title": "Office title"})
    office.working_copies.bring_back(office.actor, target)

    dialog = wc.WorkingCopiesDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tabs.tabText(1) == "Conflicts (1)"
    dialog.conflicts.selectRow(0)
    assert dialog.conflicts.item(0, 1).text() == "Title"
    assert (dialog.side_before.text(), dialog.side_office.text(), dialog.side_copy.text()) == (
        d.title,
        "Office title",
        "Copy title",
    )
    qtbot.mouseClick(dialog.take_copy_value, Qt.MouseButton.LeftButton)
    assert dialog.conflicts.rowCount() == 0 and dialog.tabs.tabText(1) == "Conflicts (0)"
    with Session(office.database.engine) as session:
        assert session.get(AsbCase, case.id).title == "Copy title"


def test_a_copy_out_too_long_is_flagged_in_the_list(window, qtbot, tmp_path, clock):
    _take_in_window(window, qtbot, tmp_path / "forum.sqlite")
    dialog = wc.WorkingCopiesDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.overdue.isVisible()
    clock.advance(days=8)  # the setting's default: warn after 7 days
    dialog.refresh()
    assert dialog.overdue.isVisible() and "1 working copy has been out" in dialog.overdue.text()
    assert "overdue" in dialog.copies.item(0, 4).text()
