"""The case list driven as an officer would: search, filter, sort, open."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from cspdesk.gui.models.case_table import COLUMNS
from tests.gui.loaded import wait_loaded


def cases_page(window, qtbot):
    window.show_page("cases")
    return wait_loaded(qtbot, window.pages["cases"])  # the first list comes from a worker


def count_of(page) -> int:
    return int(page.count.text().split()[0].replace(",", ""))


def visible_column(page, key):
    col = [c[0] for c in COLUMNS].index(key)
    model = page.model
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_title_and_status_bar_show_the_database(window, demo_db_path):
    assert str(demo_db_path) in window.windowTitle()
    assert "DEMO DATA" in window.windowTitle()
    assert str(demo_db_path) in window.db_label.text()
    assert "Administrator" in window.user_label.text()


def test_navigation_lists_only_working_pages_and_ctrl_digits_switch(window, qtbot):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[:2] == ["Dashboard", "ASB Cases"] and titles[-1] == "Settings"
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.pages["cases"]


def test_typing_a_surname_narrows_the_list(window, qtbot):
    page = cases_page(window, qtbot)
    page.clear_filters()
    everything = count_of(page)
    assert everything == 400
    row0_parties = visible_column(page, "parties")
    surname = (
        next(p for p in row0_parties if "Perpetrator:" in p).split("Perpetrator: ")[1].split()[-1].strip(";,")
    )
    qtbot.keyClicks(page.search, surname)
    qtbot.waitUntil(lambda: count_of(page) < everything, timeout=3000)
    assert count_of(page) > 0
    rows = page.services.case_list.rows_for([page.model.case_id(r) for r in range(page.model.rowCount())])
    assert all(surname.lower() in (r.parties + r.location + r.title).lower() for r in rows.values())


def test_search_with_no_match_says_so(window, qtbot):
    page = cases_page(window, qtbot)
    qtbot.keyClicks(page.search, "Zzyzx")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert count_of(page) == 0
    assert "No cases match" in page.summary.toPlainText()


def test_filter_by_ward_and_status(window, qtbot):
    page = cases_page(window, qtbot)
    page.status.setCurrentIndex(page.status.findData("closed"))
    idx = page.ward.findText("Swadlincote")
    page.ward.setCurrentIndex(idx)
    wards = set(visible_column(page, "ward"))
    statuses = set(visible_column(page, "status"))
    assert wards == {"Swadlincote"} and statuses == {"Closed"}


def test_date_range_in_the_wrong_order_is_explained_not_applied(window, qtbot):
    from PySide6.QtCore import QDate

    page = cases_page(window, qtbot)
    before = count_of(page)
    page.from_on.setChecked(True)
    page.to_on.setChecked(True)
    page.from_date.setDate(QDate(2025, 6, 1))
    page.to_date.setDate(QDate(2025, 1, 1))
    assert "after the 'to' date" in page.message.text()
    page.to_date.setDate(QDate(2025, 12, 31))
    assert page.message.text() == ""
    assert count_of(page) <= before


def test_clicking_a_header_sorts(window, qtbot):
    page = cases_page(window, qtbot)
    page.clear_filters()
    col = [c[0] for c in COLUMNS].index("reference")
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(col) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    refs = visible_column(page, "reference")
    assert refs == sorted(refs) or refs == sorted(refs, reverse=True)
    first_order = refs[:5]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert visible_column(page, "reference")[:5] != first_order


def test_selecting_shows_summary_and_enter_opens_the_case(window, qtbot):
    page = cases_page(window, qtbot)
    page.table.setFocus()
    page.table.selectRow(0)
    ref = visible_column(page, "reference")[0]
    assert ref in page.summary.toPlainText()
    with qtbot.waitSignal(page.case_activated, timeout=2000) as sig:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert sig.args[0] == page.model.case_id(0)


def test_dashboard_count_opens_the_filtered_list(window, qtbot):
    dash = window.pages["dashboard"]
    window.show_page("dashboard")
    table = dash.by_priority
    label = table.item(0, 0).text()
    expected = int(table.item(0, 1).text().replace(",", ""))
    table.cellDoubleClicked.emit(0, 0)
    page = window.pages["cases"]
    assert window.stack.currentWidget() is page
    assert page.priority.currentText() == label
    assert count_of(page) == expected


def test_an_overdue_review_is_marked_on_open_cases_only(window, qtbot):
    """The list asks the domain whether a review is overdue on the app's clock (26/11/2026 in tests): an open
    case with a past review date is marked, a review due today or on a closed case is not."""
    from datetime import date

    page = cases_page(window, qtbot)
    page.clear_filters()
    col = [c[0] for c in COLUMNS].index("next_review_on")
    model = page.model
    rows = page.services.case_list.rows_for([model.case_id(r) for r in range(model.rowCount())])
    today = date(2026, 11, 26)
    marked = 0
    for r in range(model.rowCount()):
        row = rows[model.case_id(r)]
        red = model.index(r, col).data(Qt.ItemDataRole.ForegroundRole) is not None
        expected = row.status == "Open" and row.next_review_on is not None and row.next_review_on < today
        assert red == expected, (row.reference, row.status, row.next_review_on)
        marked += red
    assert marked > 0


def test_columns_fit_their_words_and_keep_the_users_widths(qtbot, demo_db_path, prompts):
    """Defect 11: the case list's columns were cut at the default width ("Safeguarding and Vulnerabi…") and
    a width the user dragged was lost on the next start. Short columns now fit their header and the first
    rows; long free-text ones are capped (their tooltip shows all); a dragged width comes back in a new
    window. (Caught: the fixed widths as before - Priority and Officer cut; widths not saved.)"""
    from cspdesk.bootstrap import build_window

    def open_window():
        w = build_window(str(demo_db_path), prompts, "admin.user")
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        # Room for every column: on the offscreen screen (800 wide) laptop.ColumnsFit narrows them all for
        # now, which is not what this test is about (tests/gui/test_large_font.py is).
        w.resize(4000, 900)
        return w, cases_page(w, qtbot)

    window, page = open_window()
    page.clear_filters()
    table, model = page.table, page.model
    metrics = table.fontMetrics()
    keys = [c[0] for c in COLUMNS]
    for key in keys:
        if key in ("title", "parties", "location"):
            continue
        col = keys.index(key)
        width = table.columnWidth(col)
        header = str(model.headerData(col, Qt.Orientation.Horizontal))
        assert table.horizontalHeader().fontMetrics().horizontalAdvance(header) < width, key
        for r in range(min(40, model.rowCount())):
            text = str(model.index(r, col).data() or "")
            assert metrics.horizontalAdvance(text) + 8 <= width, (key, text, width)
    officer = keys.index("officer")
    table.horizontalHeader().resizeSection(officer, 233)
    window.tasks.wait()
    window.close()
    window.services.database.engine.dispose()
    window, page = open_window()
    qtbot.waitUntil(lambda: page.table.columnWidth(officer) == 233)
    window.tasks.wait()
    window.services.database.engine.dispose()
