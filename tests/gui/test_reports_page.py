"""The Reports page: choose a period, edit a sentence, add a paragraph, trace a count, save the PDF (in the
background) and find the edit and the paragraph in it; the quarterly return exports; no modal ever blocks."""

from __future__ import annotations

import re
import threading

from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QPushButton

from cspdesk.core.domain import report_pack as rp
from cspdesk.core.errors import UserError
from cspdesk.core.services.context import Changes
from tests.gui.fake_prompts import FakePrompts


def _page(qtbot, demo_services, prompts):
    from cspdesk.gui.main_window import MainWindow

    window = MainWindow(demo_services, prompts)
    qtbot.addWidget(window)
    return window, window.pages["reports"]


def _loaded(qtbot, page) -> None:
    """The page counts in the background; wait for it as an officer waits for the tables to fill."""
    qtbot.waitUntil(lambda: not page.loading, timeout=60000)


def _traced(qtbot, page):
    """The records behind a clicked count are read in the background; wait for their dialog."""
    qtbot.waitUntil(lambda: page.trace_dialog is not None and not page.tracing, timeout=60000)
    return page.trace_dialog


def _row_of(page, key: str) -> int:
    return next(r for r in range(page.action_taken.rowCount()) if page._key(page.action_taken, r) == key)


def test_reports_sits_after_crime_figures_and_before_my_work(qtbot, demo_services):
    window, _page_ = _page(qtbot, demo_services, FakePrompts())
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles.index("Reports") == titles.index("Crime Figures") + 1
    assert titles.index("Reports") < titles.index("My work") < titles.index("Settings")
    window.tasks.wait()


def test_edit_add_trace_and_print(qtbot, demo_services, tmp_path):
    prompts = FakePrompts()
    window, page = _page(qtbot, demo_services, prompts)
    window.show_page("reports")
    page.period.setCurrentText("2022/23")
    qtbot.mouseClick(page.findChild(QPushButton, "showReport"), Qt.MouseButton.LeftButton)
    assert page.loading and not page.tabs.isEnabled()  # counted in the background, tables greyed meanwhile
    _loaded(qtbot, page)
    assert page.tabs.isEnabled()
    assert page.pack.period.label == "2022/23"
    row = _row_of(page, rp.CPW)
    assert page.action_taken.item(row, 0).text() == "56"
    assert page.trigger.item(0, 0).text() == "1"

    # Edit a sentence as the officer would (the cell's text changes; it is saved for the period).
    edited = "Issued 56x CPNWs, most of them to young people in Swadlincote town centre."
    page.action_taken.item(row, 2).setText(edited)
    assert demo_services.report_pack.pack("2022/23").sentence(rp.CPW) == edited

    # Add a paragraph through the (fake) prompt, then another, and move it up.
    prompts.answer(
        "ask_text",
        "Supported the 16 days of Action Domestic Abuse Campaign during November.",
        "Liberation Day event held in May.",
    )
    qtbot.mouseClick(page.findChild(QPushButton, "addParagraph"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.findChild(QPushButton, "addParagraph"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.findChild(QPushButton, "paragraphUp"), Qt.MouseButton.LeftButton)
    assert demo_services.report_pack.wording("2022/23").paragraphs == (
        "Liberation Day event held in May.",
        "Supported the 16 days of Action Domestic Abuse Campaign during November.",
    )
    page.paragraphs.setCurrentRow(0)
    qtbot.mouseClick(page.findChild(QPushButton, "removeParagraph"), Qt.MouseButton.LeftButton)
    assert page._paragraph_texts() == [
        "Supported the 16 days of Action Domestic Abuse Campaign during November."
    ]

    # Click the count: the records behind it; double-click one: its case opens.
    opened = []
    page.bus.open_case.disconnect()
    page.bus.open_case.connect(opened.append)
    rect = page.action_taken.visualItemRect(page.action_taken.item(row, 0))
    qtbot.mouseClick(page.action_taken.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = _traced(qtbot, page)
    assert dialog.isVisible() and not dialog.isModal()
    assert dialog.table.model().rowCount() == 56
    assert dialog.table.model().index(0, 0).data() == dialog.rows[0].reference
    dialog.table.doubleClicked.emit(dialog.table.model().index(0, 0))
    first = demo_services.report_pack.trace(page.pack.period, rp.CPW)[0]
    assert opened == [first.case_id] and first.case_id is not None
    dialog.close()

    # A priorities cell traces too.
    page.priorities.cellClicked.emit(0, 1)
    assert _traced(qtbot, page).table.model().rowCount() == page.pack.priorities[0].cells[0].current.count
    page.trace_dialog.close()

    # Print in the background with progress; the PDF holds the edit and the paragraph.
    out = tmp_path / "pack.pdf"
    prompts.answer("ask_save_file", str(out))
    qtbot.mouseClick(page.findChild(QPushButton, "printPack"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("info", "Report pack saved") in [a[:2] for a in prompts.asked], timeout=60000)
    assert page.print_button.isEnabled() and not page.progress.isVisible()
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(str(out)).pages))
    assert edited in text
    assert "Supported the 16 days of Action Domestic Abuse Campaign during November." in text
    assert "Liberation Day" not in text
    window.tasks.wait()


def test_a_bad_period_is_shown_beside_the_field_and_an_empty_one_says_so(qtbot, demo_services):
    window, page = _page(qtbot, demo_services, FakePrompts())
    page.period.setCurrentText("2022/24")
    page.load()
    _loaded(qtbot, page)
    assert "not a financial year" in page.period_error.text()
    page.period.setCurrentText("2035/36")
    page.load()
    _loaded(qtbot, page)
    assert page.period_error.text() == ""
    assert not page.empty.isHidden() and "There are no records for 2035/36" in page.empty.text()
    window.tasks.wait()


class _FirstHeldBack:
    """The page's report service, except that counting 2021/22 waits until the test lets it go, so that
    request's result surely arrives after the newer one's."""

    def __init__(self, service):
        self._service = service
        self.release = threading.Event()
        self.finished_first = False

    def __getattr__(self, name):
        return getattr(self._service, name)

    def pack(self, text, report):
        if text == "2021/22":
            assert self.release.wait(120), "the test never let the first request finish"
            pack = self._service.pack(text, report)
            self.finished_first = True
            return pack
        return self._service.pack(text, report)


def test_the_newest_period_asked_for_wins(qtbot, demo_services):
    """The first period's result arrives last (held back until the second is shown) and must not replace
    it. Catches the page filling the tables from whichever request finishes last (seen to fail with the
    generation check in PageLoader._done removed)."""
    window, page = _page(qtbot, demo_services, FakePrompts())
    pool = window.tasks.pool
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(max(threads, 2))  # the held-back count must not keep the newer one from running
    held = page.service = _FirstHeldBack(page.service)
    try:
        page.period.setCurrentText("2021/22")
        page.load()
        page.period.setCurrentText("2022/23")
        page.load()  # asked before the first has finished: only this one fills the tables
        _loaded(qtbot, page)
        assert page.pack.period.label == "2022/23"
        held.release.set()  # now the older result arrives, late
        assert window.tasks.wait(60000)
        # The worker posted its result before it ended: deliver it, as the event loop would.
        QCoreApplication.sendPostedEvents()
        assert held.finished_first
    finally:
        held.release.set()
        window.tasks.wait()
        pool.setMaxThreadCount(threads)
    assert page.pack.period.label == "2022/23" and not page.loading
    assert page.action_taken.item(_row_of(page, rp.CPW), 0).text() == "56"
    assert page.summary.text().startswith("2022/23: 01/04/2022 to 31/03/2023")


def test_quarterly_table_and_exports(qtbot, demo_services, tmp_path):
    prompts = FakePrompts()
    window, page = _page(qtbot, demo_services, prompts)
    page.period.setCurrentText("2022/23")
    page.load()
    _loaded(qtbot, page)
    q = page.quarterly
    headers = [q.horizontalHeaderItem(c).text() for c in range(q.columnCount())]
    assert headers == [
        "Measure",
        "Q1 Apr–Jun 2022",
        "Q2 Jul–Sep 2022",
        "Q3 Oct–Dec 2022",
        "Q4 Jan–Mar 2023",
        "2022/23",
    ]
    cpw = next(r for r in range(q.rowCount()) if q.item(r, 0).toolTip() == rp.CPW)
    assert q.item(cpw, 5).text() == "56"
    assert sum(int(q.item(cpw, c).text()) for c in range(1, 5)) == 56
    prompts.answer("ask_save_file", str(tmp_path / "q.xlsx"), str(tmp_path / "q"), str(tmp_path / "pack.csv"))
    qtbot.mouseClick(page.findChild(QPushButton, "quarterlyXlsx"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.findChild(QPushButton, "quarterlyCsv"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.findChild(QPushButton, "exportPackCsv"), Qt.MouseButton.LeftButton)
    assert (tmp_path / "q.xlsx").stat().st_size > 0
    assert (tmp_path / "q.csv").read_text(encoding="utf-8").startswith("measure,label,")
    assert f"{rp.CPW},56" in (tmp_path / "pack.csv").read_text(encoding="utf-8")
    assert prompts.titles("error") == []
    window.tasks.wait()


def test_a_trace_read_after_the_records_changed_says_so(qtbot, demo_services):
    """The records behind a count are read when it is clicked: one recorded meanwhile (by someone
    else, so the page was not told) is listed, and the dialog says the count is out of date
    instead of disagreeing silently."""
    from datetime import date

    from cspdesk.core.services.forums.forums import MeetingInput

    window, page = _page(qtbot, demo_services, FakePrompts())
    page.period.setCurrentText("2022/23")
    page.load()
    _loaded(qtbot, page)
    row = _row_of(page, rp.AREA_FORUMS)
    assert page.action_taken.item(row, 0).text() == "6"
    page.trace(rp.AREA_FORUMS)
    assert "changed" not in _traced(qtbot, page).hint.text()
    demo_services.forums.record_forum(
        demo_services.actor, MeetingInput("Extra forum", date(2022, 6, 1), "Hall")
    )
    page.trace(rp.AREA_FORUMS)
    dialog = _traced(qtbot, page)
    assert dialog.table.model().rowCount() == 7
    assert "The records have changed since the report was counted: 7 now" in dialog.hint.text()
    dialog.close()
    window.tasks.wait()


class _Stalling:
    """The page's report service, except that counting says how far it has got, waits until the test lets it
    go, and then fails as a fault would; reading the records behind a count is refused."""

    def __init__(self, service):
        self._service = service
        self.release = threading.Event()

    def __getattr__(self, name):
        return getattr(self._service, name)

    def pack(self, text, report):
        report("Reading the crime figures", 1, 3)
        assert self.release.wait(120), "the test never let the count go on"
        raise RuntimeError("disk I/O error in report_pack_data")

    def trace(self, period, key):
        raise UserError("The records for this count cannot be listed while the database is being moved.")


def test_a_count_shows_its_progress_and_a_failure_in_plain_words(qtbot, demo_services):
    """While a period is counted the summary says which stage it has reached; a count that fails says so in
    plain words beside the period (no internals), the period shown before stays and the tables are usable
    again. A refused trace says why in its own line. Catches progress from the worker going nowhere, and a
    failure leaving the tables greyed or raising at the user."""
    window, page = _page(qtbot, demo_services, FakePrompts())
    page.period.setCurrentText("2022/23")
    page.load()
    _loaded(qtbot, page)
    stalling = page.service = _Stalling(page.service)
    try:
        page.period.setCurrentText("2021/22")
        page.load()
        qtbot.waitUntil(lambda: page.summary.text() == "2021/22: reading the crime figures…", timeout=60000)
        assert not page.tabs.isEnabled()
        assert not page.loader.status.isHidden() and page.loader.status.text() == "Loading the report pack…"
    finally:
        stalling.release.set()
    _loaded(qtbot, page)
    status = page.loader.status.text()
    assert status.startswith("The report pack not loaded. Something went wrong") and "disk" not in status
    assert page.tabs.isEnabled() and page.pack.period.label == "2022/23"
    assert page.summary.text().startswith("2022/23: 01/04/2022 to 31/03/2023")

    page.trace(rp.CPW)
    qtbot.waitUntil(lambda: not page.tracing, timeout=60000)
    assert page.trace_dialog is None
    assert page.trace_loader.status.text() == (
        "The records behind the count not loaded. "
        "The records for this count cannot be listed while the database is being moved."
    )
    window.tasks.wait()


def test_the_period_on_screen_is_saved_and_exported_not_one_typed_since(qtbot, demo_services, tmp_path):
    """A period typed in the box but not yet shown does not take over the report on screen: an edited
    sentence is saved for the period shown, the export is of it (the file is named for it), and a change
    elsewhere recounts it. Catches the page saving, exporting and recounting whatever the box says (it did:
    2022/23's sentence was saved as 2021/22's, 2021/22's counts were exported in a file named for 2022/23,
    and a change recorded elsewhere replaced the report with 2021/22's)."""
    prompts = FakePrompts()
    window, page = _page(qtbot, demo_services, prompts)
    page.period.setCurrentText("2022/23")
    page.load()
    _loaded(qtbot, page)
    page.period.setCurrentText("2021/22")  # typed, not shown: the tables still hold 2022/23
    row = _row_of(page, rp.CPW)
    edited = "Issued 56x CPNWs in 2022/23, mostly in the town centre."
    page.action_taken.item(row, 2).setText(edited)
    assert demo_services.report_pack.pack("2022/23").sentence(rp.CPW) == edited
    assert demo_services.report_pack.wording("2021/22").sentences == {}
    assert page.pack.sentence(rp.CPW) == edited
    prompts.answer("ask_save_file", str(tmp_path / "pack.csv"))
    qtbot.mouseClick(page.findChild(QPushButton, "exportPackCsv"), Qt.MouseButton.LeftButton)
    exported = (tmp_path / "pack.csv").read_text(encoding="utf-8")
    assert f"{rp.CPW},56" in exported
    assert f"{rp.CPW},{demo_services.report_pack.pack('2021/22').measure(rp.CPW).count}" not in exported
    # A change elsewhere recounts the period on screen, not the one typed.
    page.bus.changes_applied.emit(Changes.of("notice"))
    assert page.loading
    _loaded(qtbot, page)
    assert page.pack.period.label == "2022/23" and page.period_text() == "2021/22"
    window.tasks.wait()
