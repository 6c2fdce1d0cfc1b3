"""Laptop screens (issue 19): every page and dialog fits 1366×768 at 125 % scaling (``laptop.LAPTOP``, the
logical room left for a window), and opening a wide page once does not leave the window wide for good."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QScrollArea

from cspdesk.gui.laptop import LAPTOP

PAGES = [
    "dashboard",
    "cases",
    "enforcement",
    "safer_homes",
    "case_reviews",
    "forums",
    "figures",
    "reports",
    "letters",
    "my_work",
    "settings",
]


def fits(size: QSize, room: QSize = LAPTOP) -> bool:
    return size.width() <= room.width() and size.height() <= room.height()


def test_every_page_fits_a_laptop_and_none_widens_the_window_for_good(window, qtbot):
    """Defect 2: after Safer Homes was opened the window's minimum became 1,742 px and stayed there; Reports
    and Letters needed more than 1,100 px, Crime Figures 779 px of height. Each page is opened in the room a
    1366×768 laptop at 125 % leaves: the window's minimum fits, and the page needs no sideways scrolling
    (scrolling down is allowed). (Caught: a plain QStackedWidget as the page stack, whose minimum is its
    widest page's; ``fit_for_laptops`` not run, which leaves Safer Homes 1,227 px wide.)"""
    window.resize(LAPTOP)
    area = window.stack.parentWidget().parentWidget()
    assert isinstance(area, QScrollArea)
    too_wide = {}
    for key in PAGES:
        window.show_page(key)
        qtbot.waitUntil(lambda k=key: window.stack.currentWidget() is window.pages[k])
        assert fits(window.minimumSizeHint()), (key, window.minimumSizeHint())
        page = window.pages[key]
        if page.minimumSizeHint().width() > area.viewport().width():
            too_wide[key] = page.minimumSizeHint().width()
        for inner in page.findChildren(QScrollArea):  # a page's own scrolling part (the Dashboard's tiles)
            if (
                inner.isVisible()
                and inner.widget() is not None
                and inner.widget().minimumSizeHint().width() > inner.viewport().width()
            ):
                too_wide[f"{key}: {inner.widget().objectName() or 'scrolling part'}"] = (
                    inner.widget().minimumSizeHint().width()
                )
    assert too_wide == {}, f"wider than a laptop's {area.viewport().width()} px: {too_wide}"
    window.show_page("dashboard")
    assert fits(window.stack.minimumSizeHint(), QSize(400, 300))  # the widest page left nothing behind
    qtbot.waitUntil(lambda: area.widget().width() <= area.viewport().width())
    assert area.horizontalScrollBar().maximum() == 0  # nothing off to the side
    window.tasks.wait()


@pytest.mark.parametrize("key", ["letters", "figures"])
def test_a_page_narrower_than_it_needs_scrolls_instead_of_going_off_screen(window, qtbot, key):
    window.resize(QSize(700, 450))
    window.show_page(key)
    area = window.stack.parentWidget().parentWidget()
    qtbot.waitUntil(lambda: window.width() <= 700)
    assert window.width() <= 700 and window.height() <= 450  # the window did not grow past the screen
    page = window.pages[key]
    assert page.minimumSizeHint().height() > area.viewport().height()
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0)  # the rest of the page is a scroll away
    window.tasks.wait()


def test_the_window_size_is_remembered_for_each_screen(qtbot, demo_db_path, prompts, monkeypatch):
    """Window sizes are remembered per screen: a size chosen on a docked monitor does not come back on the
    laptop's own screen, and a first start is never larger than the screen. (Caught: one "main/geometry" for
    every screen.)"""
    from PySide6.QtCore import QSettings

    from cspdesk.bootstrap import build_window
    from cspdesk.gui import laptop

    QSettings().clear()

    def open_window():
        w = build_window(str(demo_db_path), prompts, "admin.user")
        qtbot.addWidget(w)
        return w

    monkeypatch.setattr(laptop, "screen_key", lambda _w: "monitor-1920x1040")
    w = open_window()
    w.resize(600, 500)  # within the offscreen screen, so Qt keeps it as it is
    w.close()
    again = open_window()
    assert (again.width(), again.height()) == (600, 500)
    again.close()
    monkeypatch.setattr(laptop, "screen_key", lambda _w: "laptop-1092x574")
    on_laptop = open_window()
    room = on_laptop.screen().availableGeometry().size()
    assert on_laptop.width() <= room.width() and on_laptop.height() <= room.height()
    assert (on_laptop.width(), on_laptop.height()) != (600, 500)
    on_laptop.close()
    for window in (w, again, on_laptop):
        window.services.database.engine.dispose()


def test_every_dialog_and_the_case_window_fit_a_laptop(window, qtbot):
    """The dialogs an officer opens through the day, and the case window on each of its tabs: each one's
    minimum fits 1366×768 at 125 %, and it opens no larger than its screen, so no button is ever below the
    bottom of the screen. (Caught: the New case dialog's fixed 1100×820 size, without ``bound_to_screen``; the
    case window's tabs outside a scroll area, 566 px tall.)"""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from cspdesk.core.services.letters.letter_sources import Subject
    from cspdesk.core.storage.models import CaseParty, EnforcementNotice
    from cspdesk.gui.dialogs.new_letter import NewLetterDialog
    from cspdesk.gui.dialogs.new_step import NewStepDialog
    from cspdesk.gui.dialogs.notice_step import StepDialog

    s = window.services
    with Session(s.database.engine) as db:
        case_id = db.scalars(
            select(CaseParty.case_id).where(CaseParty.role == "complainant").order_by(CaseParty.case_id)
        ).first()
        notice_id = db.scalars(
            select(EnforcementNotice.id)
            .where(EnforcementNotice.kind == "cpw", EnforcementNotice.stage == "draft")
            .order_by(EnforcementNotice.reference)
        ).first()
    opened = {"New case": window.new_case()}
    view = window.open_case(case_id)
    for i in range(view.tabs.count()):
        view.tabs.setCurrentIndex(i)
        opened[f"Case window: {view.tabs.tabText(i)}"] = view
        assert fits(view.minimumSizeHint()), (view.tabs.tabText(i), view.minimumSizeHint())
    opened["New letter"] = NewLetterDialog(s, window.bus, window.prompts, Subject.CASE, case_id, window)
    opened["New enforcement step"] = NewStepDialog(s, window.bus, window.prompts, window, case_id=case_id)
    if notice_id is not None:
        opened["Notice step"] = StepDialog(
            s, window.bus, window.prompts, s.notices.detail(notice_id), "issued", "Issue", window
        )
    too_big = {}
    for name, dlg in opened.items():
        qtbot.addWidget(dlg) if dlg is not view else None
        dlg.show()
        room = dlg.screen().availableGeometry().size()
        if not fits(dlg.minimumSizeHint()) or not fits(dlg.size(), room):
            too_big[name] = (dlg.minimumSizeHint().toTuple(), dlg.size().toTuple())
        dlg.close()
    assert too_big == {}, too_big
    window.tasks.wait()
