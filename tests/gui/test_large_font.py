"""A large font (issue 19): with the system font half as large again (Settings → fonts, or Windows' "make text
bigger"), every dialog still fits a 1366×768 screen, opens at least as large as its contents need, and no
label or button is cut short."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QLabel, QScrollArea, QWidget

from tests.gui import dialog_catalogue
from tests.gui.test_accessibility import PAGES

SCREEN = QSize(1366, 768 - 40)  # a 1366×768 laptop, less the taskbar


@pytest.fixture
def big_window(qtbot, demo_db_path, prompts):
    """The main window made with the application font 1.5 times its default point size."""
    from cspdesk.bootstrap import build_window

    normal = QApplication.font()
    big = QFont(normal)
    big.setPointSizeF(normal.pointSizeF() * 1.5)
    QApplication.setFont(big)
    try:
        w = build_window(str(demo_db_path), prompts, "admin.user")
        qtbot.addWidget(w)
        yield w
        w.tasks.wait()
        w.services.database.engine.dispose()
    finally:
        QApplication.setFont(normal)


def cut_short(container: QWidget) -> list[str]:
    """Labels (those that do not wrap) and buttons shown narrower than their text needs."""
    out = []
    for w in container.findChildren(QWidget):
        if not w.isVisible() or not isinstance(w, (QLabel, QAbstractButton)):
            continue
        if isinstance(w, QLabel) and (w.wordWrap() or not w.text()):
            continue
        if w.sizeHint().width() > w.width() + 1:
            out.append(f"{w.text()[:40]!r}: needs {w.sizeHint().width()} px, has {w.width()}")
    return out


def test_every_dialog_fits_a_laptop_and_cuts_nothing_short_with_a_large_font(big_window, qtbot):
    """(Caught: the notice step dialog's fixed 520 px minimum, which let it open 533 px wide when its rows
    needed 610; the data protection requests' "Record as the person's records" button beside the redact box,
    cut to 214 of its 292 px.)"""
    problems, seen = {}, 0
    for name, dialog in dialog_catalogue.dialogs(big_window):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        need, has = dialog.minimumSizeHint(), dialog.size()
        found = cut_short(dialog)
        if need.width() > SCREEN.width() or need.height() > SCREEN.height():
            found.append(f"needs {need.toTuple()}, more than a laptop's {SCREEN.toTuple()}")
        if has.width() < need.width() or has.height() < need.height():
            found.append(f"opens at {has.toTuple()}, smaller than the {need.toTuple()} it needs")
        if found:
            problems[name] = found
        seen += 1
        dialog.close()
    assert problems == {}
    assert seen >= 13


def test_every_form_on_a_page_cuts_nothing_short_with_a_large_font(big_window, qtbot):
    """The forms on the pages, in a window as wide as the laptop's screen. (Caught: the risk questionnaire's
    "(The highest possible score is 35.)" at the end of the cut-offs row in Settings: 192 of 308 px.)"""
    big_window.resize(SCREEN)
    problems = {}
    for name, form in dialog_catalogue.forms(big_window, qtbot):
        found = cut_short(form)
        if found:
            problems[name] = found
    assert problems == {}


def test_the_navigation_shows_each_page_name_whole_with_a_large_font(big_window, qtbot):
    """(Caught: the list's fixed 190 px, which cut "Letters & templates" to "Letters & template".)"""
    big_window.resize(SCREEN)
    big_window.show()
    qtbot.waitExposed(big_window)
    nav = big_window.nav
    room = nav.viewport().width()
    cut = [
        nav.item(i).text()
        for i in range(nav.count())
        if nav.visualItemRect(nav.item(i)).width() < nav.sizeHintForColumn(0)
        or nav.fontMetrics().horizontalAdvance(nav.item(i).text()) + 16 > room
    ]
    assert cut == []


def test_no_page_scrolls_sideways_on_a_laptop_with_a_large_font(big_window, qtbot):
    """Every page at 1366×768 with the font half as large again shows no horizontal scroll bar: not the
    window's, not a table's, not a scrolling part of its own. (Caught: the notice register's ten fixed-width
    columns, 1,265 px beside the notice details, which left a sideways scroll bar under the table.)"""
    big_window.resize(SCREEN)
    big_window.show()
    qtbot.waitExposed(big_window)
    area = big_window.stack.parentWidget().parentWidget()
    assert isinstance(area, QScrollArea)
    sideways: dict[str, str] = {}
    for key in PAGES:
        big_window.show_page(key)
        qtbot.waitUntil(lambda k=key: big_window.stack.currentWidget() is big_window.pages[k])
        big_window.tasks.wait()  # the lists have been read and filled
        page = big_window.pages[key]
        try:  # columns fitted to new rows are shrunk again on the next turn of the event loop
            qtbot.waitUntil(lambda p=page: not scrolls_sideways(p, area.viewport().width()), timeout=5000)
        except qtbot.TimeoutError:
            sideways.update(
                {
                    f"{key}{where}": what
                    for where, what in scrolls_sideways(page, area.viewport().width()).items()
                }
            )
    assert sideways == {}, f"sideways scrolling in a {area.viewport().width()} px page: {sideways}"


def scrolls_sideways(page: QWidget, room: int) -> dict[str, str]:
    """Where ``page`` would need a sideways scroll bar: itself, or a table or scrolling part in it."""
    found = {}
    if page.minimumSizeHint().width() > room:
        found[""] = f"needs {page.minimumSizeHint().width()} px of {room}"
    for inner in page.findChildren(QAbstractScrollArea):
        bar = inner.horizontalScrollBar()
        if inner.isVisible() and bar.isVisible() and bar.maximum() > 0:
            found[f": {inner.objectName() or type(inner).__name__}"] = f"scrolls {bar.maximum()}"
    return found


def test_columns_shrunk_to_a_narrow_window_are_not_remembered_as_the_users(big_window, qtbot):
    """The case list remembers the widths a user drags; the columns shrunk to fit a laptop are not theirs.
    (Caught: ``ColumnWidths`` saving ``ColumnsFit``'s widths, so the Reference column came back 35 px wide,
    "Refe…", in the next window, however wide; and, once the user dragged one column, saving the others as
    narrowed.)"""
    from PySide6.QtCore import QSettings

    QSettings().remove("caseList/columnWidths")
    big_window.resize(SCREEN)
    big_window.show()
    big_window.show_page("cases")
    page = big_window.pages["cases"]
    big_window.tasks.wait()
    header = page.table.horizontalHeader()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and header.length() <= page.table.viewport().width())
    assert QSettings().value("caseList/columnWidths") is None
    header.resizeSection(0, 150)  # as a user's drag does
    import json

    saved = json.loads(str(QSettings().value("caseList/columnWidths")))
    assert saved["reference"] == 150
    # The others as they were fitted, not as narrowed: a wider window shows them whole again next time.
    assert saved["title"] > header.sectionSize(1)


def test_the_notice_register_keeps_references_and_dates_whole_with_a_large_font(big_window, qtbot):
    """Narrowing the register's columns to a laptop's width leaves what a notice is known by whole: its
    reference, its case, its dates. (Caught: the columns all cut to one width, "CPW-202…"; and the fixed
    widths drawn for 13 px text, too narrow for "ASB-2026-00037" at 1.5×.)"""
    big_window.resize(SCREEN)
    big_window.show()
    big_window.show_page("enforcement")
    page = big_window.pages["enforcement"]
    big_window.tasks.wait()
    table, model = page.table, page.model
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: model.rowCount() > 0 and header.length() <= table.viewport().width())
    from cspdesk.gui.models.notice_table import KEYS

    cut = []
    for key in ("reference", "case", "issued_on", "next_due_on"):
        col = KEYS.index(key)
        for r in range(min(30, model.rowCount())):
            shown = str(model.index(r, col).data() or "")
            if table.fontMetrics().horizontalAdvance(shown) + 8 > table.columnWidth(col):
                cut.append((key, shown, table.columnWidth(col)))
    assert cut == []


def test_narrowed_columns_widen_again_when_the_window_does(big_window, qtbot):
    """Columns narrowed to a laptop's width get their widths back in a wider window. (Caught: narrowing only,
    so after one small window the case list stayed cut for the rest of the session.)"""
    big_window.resize(4500, 900)  # room for every column as fitted, beside the case summary
    big_window.show()
    big_window.show_page("cases")
    page = big_window.pages["cases"]
    big_window.tasks.wait()
    header = page.table.horizontalHeader()

    def widths() -> list[int]:
        return [header.sectionSize(i) for i in range(header.count())]

    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and header.length() <= page.table.viewport().width())
    wide = widths()
    assert wide[1] == 300  # the title as fitted (its cap), not narrowed
    big_window.resize(SCREEN)
    qtbot.waitUntil(lambda: header.length() <= page.table.viewport().width() and widths() != wide)
    big_window.resize(4500, 900)
    qtbot.waitUntil(lambda: widths() == wide)
