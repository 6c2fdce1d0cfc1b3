"""Letters in the window: preview (QtPdf), print to a PDF printer, save as, file on the case, the case's
Documents panel, mail merge with progress and cancel, and the template editor."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.services.letters.letter_sources import Subject
from cspdesk.core.storage.models import CaseParty, Document
from cspdesk.gui.dialogs.letter_preview import LetterPreviewDialog, print_document
from tests.gui.loaded import wait_loaded


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def officer_window(window):
    s = window.services
    s.users.update_user(s.actor, s.actor.user_id, job_title="Community Safety Officer")
    return window


@pytest.fixture
def sample_pdf(officer_window):
    from cspdesk.core.reports import default_templates, demo_values, render_letter
    from tests.core.letters_helpers import LETTERHEAD

    t = default_templates()["cpn"]  # several pages
    return render_letter(t.body, demo_values(), LETTERHEAD, protective_marking=True)


def case_with_complainant(services):
    with Session(services.database.engine) as db:
        return db.scalars(
            select(CaseParty.case_id)
            .where(CaseParty.role == "complainant", CaseParty.person_id.is_not(None))
            .order_by(CaseParty.case_id)
        ).first()


def test_navigation_has_letters_after_crime_figures_and_before_settings(window):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles.index("Crime Figures") < titles.index("Letters & templates") < titles.index("Settings")


def test_preview_dialog_shows_every_page_and_save_as_writes_the_file(qtbot, sample_pdf, prompts, tmp_path):
    prompts.save_to = tmp_path / "copy"  # no extension typed: .pdf is added
    dlg = LetterPreviewDialog(sample_pdf, "CPN", "CPN.pdf", prompts)
    qtbot.addWidget(dlg)
    dlg.show()
    n = pages(sample_pdf)
    assert n >= 2 and dlg.page_count() == n and dlg.pages.text() == f"{n} pages"
    assert not dlg.file_btn.isVisible()  # nothing to file: a copy or a demo
    qtbot.mouseClick(dlg.save_btn, Qt.MouseButton.LeftButton)
    assert (tmp_path / "copy.pdf").read_bytes() == sample_pdf
    assert "Saved to" in dlg.status.text()


def test_print_renders_every_page_to_a_pdf_printer(qtbot, sample_pdf, tmp_path):
    dlg = LetterPreviewDialog(sample_pdf, "CPN", "CPN.pdf", None)
    qtbot.addWidget(dlg)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(100)
    assert print_document(dlg.document, printer) == pages(sample_pdf)
    printed = PdfReader(str(tmp_path / "printed.pdf"))
    assert len(printed.pages) == pages(sample_pdf)
    box = printed.pages[0].mediabox
    assert abs(float(box.width) - 595) < 3 and abs(float(box.height) - 842) < 3  # A4, not shrunk


def test_print_button_goes_through_the_print_prompt(qtbot, sample_pdf, prompts, tmp_path):
    dlg = LetterPreviewDialog(sample_pdf, "CPN", "CPN.pdf", prompts)
    qtbot.addWidget(dlg)
    qtbot.mouseClick(dlg.print_btn, Qt.MouseButton.LeftButton)  # the user cancels the print dialog
    assert prompts.kinds() == ["ask_print"] and "Sent" not in dlg.status.text()
    prompts.print_to = tmp_path / "out.pdf"
    qtbot.mouseClick(dlg.print_btn, Qt.MouseButton.LeftButton)
    assert len(PdfReader(str(prompts.print_to)).pages) == pages(sample_pdf)


def test_new_letter_from_the_case_screen_previews_then_files_on_the_case(officer_window, qtbot):
    w = officer_window
    s = w.services
    case_id = case_with_complainant(s)
    view = w.open_case(case_id)
    qtbot.addWidget(view)
    panel = view.panel("Letters")
    view.tabs.setCurrentWidget(panel)
    assert panel.case_id == case_id and panel.empty.isVisible() and panel.table.rowCount() == 0
    dlg = panel.new_letter("complaint_ack")
    assert dlg.recipient.currentText().startswith(("Complainant: ", "Victim: "))
    qtbot.mouseClick(dlg.preview_btn, Qt.MouseButton.LeftButton)
    preview = dlg.preview
    assert preview is not None and preview.page_count() >= 1 and preview.file_btn.isVisible()
    assert s.documents.for_case(s.actor, case_id) == []  # nothing filed by previewing
    qtbot.mouseClick(preview.file_btn, Qt.MouseButton.LeftButton)
    docs = s.documents.for_case(s.actor, case_id)
    assert len(docs) == 1 and s.documents.content(s.actor, docs[0].id) == preview.pdf
    assert panel.table.rowCount() == 1 and "Acknowledgement of complaint" in panel.table.item(0, 1).text()
    reprint = panel.open_selected()
    assert reprint.pdf == preview.pdf and not reprint.file_btn.isVisible()
    reprint.close()
    # Return on the list opens the selected letter too (the panel's shortcut).
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    panel.table.setFocus()
    qtbot.waitUntil(panel.table.hasFocus)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert panel.dialog is not reprint and panel.dialog.pdf == preview.pdf
    # the case screen's own Documents tab lists the filed letter too
    docs_tab = view.panel("Documents")
    docs_tab.load()
    assert any(d.id == docs[0].id for d in docs_tab.rows)


def test_a_copy_of_an_attachment_that_cannot_be_written_says_why(officer_window, qtbot, tmp_path):
    """Open on a document that is not a PDF saves a copy where the user says; a place that cannot be written
    (a folder since removed) is said in words. Catches the OSError reaching the user as a crash (it did:
    the panel wrote the file unguarded)."""
    from cspdesk.gui.widgets.documents_panel import DocumentsPanel

    w = officer_window
    s = w.services
    case_id = case_with_complainant(s)
    s.attachments.add_bytes(s.actor, case_id, [("diary.txt", b"Mon: shouting\n")])
    panel = DocumentsPanel(s, w.bus, w.prompts, case_id)
    qtbot.addWidget(panel)
    panel.table.selectRow(next(r for r, d in enumerate(panel.rows) if d.filename == "diary.txt"))
    prompts = w.prompts

    def errors():
        return [(title, text) for kind, title, text in prompts.asked if kind == "error"]

    prompts.save_to = tmp_path / "gone" / "diary.txt"
    assert panel.open_selected() is None
    assert [title for title, _ in errors()] == ["Copy not saved"]
    assert "could not be written" in errors()[0][1]
    prompts.save_to = tmp_path / "diary.txt"
    assert panel.open_selected() is None
    assert (tmp_path / "diary.txt").read_bytes() == b"Mon: shouting\n"
    assert len(errors()) == 1


def test_a_missing_field_is_shown_beside_its_box_and_nothing_is_previewed(officer_window, qtbot):
    from cspdesk.gui.dialogs.new_letter import NewLetterDialog

    s = officer_window.services
    case_id = case_with_complainant(s)
    dlg = NewLetterDialog(
        s, officer_window.bus, officer_window.prompts, Subject.CASE, case_id, code="complainant_update"
    )
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.fields.widgets["action_summary"].setPlainText("We have visited the household concerned.")
    qtbot.mouseClick(dlg.preview_btn, Qt.MouseButton.LeftButton)
    assert dlg.preview is None
    err = dlg.fields.errors["next_steps"]
    assert err.isVisible() and "What happens next" in err.text()
    assert not dlg.fields.errors["action_summary"].isVisible()


def merge_page(window):
    window.show_page("letters")
    page = window.pages["letters"]
    page.tabs.setCurrentWidget(page.merge)
    return page.merge


def test_mail_merge_shows_progress_files_every_letter_and_opens_the_print_file(officer_window, qtbot):
    m = merge_page(officer_window)
    m.template.setCurrentIndex(m.template.findData("complaint_ack"))
    wait_loaded(qtbot, m)  # the count and the letter's questions come from a worker
    m.skip.setChecked(True)
    n = int(m.count.text().split()[0].replace(",", ""))
    assert 5 <= n <= 200
    steps = []
    m.progress.valueChanged.connect(steps.append)
    task = m.run()
    assert task is not None and not m.run_btn.isEnabled() and m.cancel_btn.isEnabled()
    qtbot.waitUntil(lambda: m.result is not None or "No letters" in m.stage.text(), timeout=120_000)
    r = m.result
    assert r is not None, m.report.toPlainText()
    assert r.letters + len(r.skipped) == n and r.letters > 0
    assert m.progress.maximum() == r.letters and m.progress.value() == r.letters and len(steps) > 2
    assert f"{r.letters:,} letters produced and filed" in m.report.toPlainText()
    with Session(officer_window.services.database.engine) as db:
        assert len(db.scalars(select(Document.id)).all()) == r.letters
    assert m.preview is not None and m.preview.page_count() == pages(r.combined)
    assert m.run_btn.isEnabled() and not m.cancel_btn.isEnabled()


def test_mail_merge_one_file_each_into_a_folder(officer_window, qtbot, prompts, tmp_path):
    m = merge_page(officer_window)
    m.search.setText("ASB-20")
    m.template.setCurrentIndex(m.template.findData("complaint_ack"))
    wait_loaded(qtbot, m)  # the count and the letter's questions come from a worker
    m.separate.setChecked(True)
    m.skip.setChecked(True)
    prompts.folder = tmp_path
    m.run()
    qtbot.waitUntil(lambda: m.result is not None or "No letters" in m.stage.text(), timeout=120_000)
    files = sorted(tmp_path.glob("*.pdf"))
    assert m.result is not None and len(files) == m.result.letters > 0
    assert files[0].read_bytes() == m.result.files[0][1]


def test_cancelling_a_mail_merge_files_nothing(officer_window, qtbot):
    m = merge_page(officer_window)
    m.template.setCurrentIndex(m.template.findData("complaint_ack"))
    wait_loaded(qtbot, m)  # the count and the letter's questions come from a worker
    m.skip.setChecked(True)
    m.run()
    m.cancel()
    qtbot.waitUntil(lambda: m.result is not None or "No letters" in m.stage.text(), timeout=120_000)
    assert m.result is None and "cancelled" in m.report.toPlainText()
    with Session(officer_window.services.database.engine) as db:
        assert db.scalars(select(Document.id)).all() == []


def test_template_editor_refuses_an_unknown_field_with_the_name_shown(window, qtbot):
    window.show_page("letters")
    ed = window.pages["letters"].editor
    window.pages["letters"].tabs.setCurrentWidget(ed)
    ed.select_code("complaint_ack")
    ed.body.moveCursor(ed.body.textCursor().MoveOperation.End)
    ed.body.insertPlainText("\nPlease write to {recipient_nmae}.\n")
    qtbot.mouseClick(ed.save_btn, Qt.MouseButton.LeftButton)
    assert "{recipient_nmae}" in ed.error.text()
    assert window.services.templates.current("complaint_ack").revision == 1
    assert ed.preview_template() is None and "{recipient_nmae}" in ed.error.text()
    # put it right with the field list, and save a new revision
    ed.body.setPlainText(ed.body.toPlainText().replace("{recipient_nmae}", ""))
    ed.body.moveCursor(ed.body.textCursor().MoveOperation.End)
    ed.insert_field("recipient_name")
    qtbot.mouseClick(ed.save_btn, Qt.MouseButton.LeftButton)
    assert ed.error.text() == ""
    assert window.services.templates.current("complaint_ack").revision == 2
    assert ed.history.count() == 2 and ed.current.revision == 2
    preview = ed.preview_template()
    assert preview is not None and preview.page_count() >= 1


def test_ctrl_s_saves_a_template_revision(window, qtbot):
    """The editor's Save shortcut (Ctrl+S) saves a new revision as the button does. Catches the shortcut
    being made but never connected (it was built from keyword properties the type stubs do not list)."""
    window.show_page("letters")
    ed = window.pages["letters"].editor
    window.pages["letters"].tabs.setCurrentWidget(ed)
    ed.select_code("complaint_ack")
    ed.body.moveCursor(ed.body.textCursor().MoveOperation.End)
    ed.body.insertPlainText("\nWith thanks.\n")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    ed.body.setFocus()
    qtbot.waitUntil(ed.body.hasFocus)
    qtbot.keyClick(ed.body, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.services.templates.current("complaint_ack").revision == 2)
    assert "With thanks." in window.services.templates.current("complaint_ack").body


def test_template_editor_is_read_only_for_others(qtbot, demo_db_path, prompts):
    from cspdesk.bootstrap import build_window

    w = build_window(str(demo_db_path), prompts, "someone.partner")
    qtbot.addWidget(w)
    ed = w.pages["letters"].editor
    assert not ed.save_btn.isEnabled() and ed.body.isReadOnly()
    assert ed.preview_btn.isEnabled()
    assert not w.pages["letters"].merge.run_btn.isEnabled()
    w.services.database.engine.dispose()


def test_case_review_letters_from_the_case_reviews_page(officer_window, qtbot):
    w = officer_window
    w.show_page("case_reviews")
    page = wait_loaded(qtbot, w.pages["case_reviews"])  # the list comes from a worker
    assert page.rows, "the demo data has Case Review applications"
    page.table.selectRow(0)
    aid = page.current_id()
    panel = page.open_letters()
    assert panel.subject is Subject.APPLICATION and panel.case_id == aid
    dlg = panel.new_letter("case_review_ack")
    assert dlg.letter.currentData() == "case_review_ack"
    assert [dlg.letter.itemData(i) for i in range(dlg.letter.count())] == [
        "case_review_ack",
        "case_review_threshold",
        "case_review_outcome",
    ]
    qtbot.mouseClick(dlg.preview_btn, Qt.MouseButton.LeftButton)
    assert dlg.preview is not None, dlg.problems.text()
    qtbot.mouseClick(dlg.preview.file_btn, Qt.MouseButton.LeftButton)
    docs = w.services.documents.for_record(w.services.actor, Subject.APPLICATION, aid)
    assert len(docs) == 1 and docs[0].template_code == "case_review_ack"
    assert panel.table.rowCount() == 1


def test_an_administrator_sets_a_job_title_that_then_signs_letters(window, qtbot):
    from PySide6.QtWidgets import QLineEdit

    window.show_page("settings")
    page = window.pages["settings"]
    box = page.findChild(QLineEdit, "jobTitle:admin.user")
    box.setText("Community Safety Team Leader")
    box.editingFinished.emit()
    s = window.services
    assert s.letters.letterhead(s.actor).officer_title == "Community Safety Team Leader"


def test_safer_homes_letters_from_the_referral_screen(officer_window, qtbot, prompts):
    from cspdesk.core.storage.models import SaferHomesReferral

    w = officer_window
    with Session(w.services.database.engine) as db:
        rid = db.scalars(
            select(SaferHomesReferral.id)
            .where(SaferHomesReferral.contractor.is_not(None))
            .order_by(SaferHomesReferral.reference)
        ).first()
    prompts.answer_text = "Arranging the works order"
    w.show_page("safer_homes")
    page = w.pages["safer_homes"]
    page.open_referral(rid)
    panel = page.referral_screen.open_letters()
    assert panel.subject is Subject.REFERRAL and panel.case_id == rid
    dlg = panel.new_letter("safer_homes_works_order")
    names = [a.name for a in dlg.form_dto.asked]
    assert "recipient_address" in names and "client_name" not in names
    dlg.fields.widgets["recipient_address"].setPlainText("Unit 4, Tetron Point\nSwadlincote\nDE11 0BB")
    qtbot.mouseClick(dlg.preview_btn, Qt.MouseButton.LeftButton)
    assert dlg.preview is not None, dlg.problems.text()
    qtbot.mouseClick(dlg.preview.file_btn, Qt.MouseButton.LeftButton)
    assert panel.table.rowCount() == 1


def test_a_notice_letter_from_the_enforcement_page(officer_window, qtbot):
    from cspdesk.core.storage.models import EnforcementNotice

    w = officer_window
    with Session(w.services.database.engine) as db:
        nid = db.scalars(
            select(EnforcementNotice.id)
            .where(EnforcementNotice.kind == "cpw", EnforcementNotice.issued_on.is_not(None))
            .order_by(EnforcementNotice.reference)
        ).first()
    w.show_page("enforcement")
    detail = w.pages["enforcement"].detail
    assert not detail.letters_btn.isVisibleTo(detail)
    detail.show_notice(nid)
    assert detail.letters_btn.isVisibleTo(detail)
    panel = detail.open_letters()
    dlg = panel.new_letter()
    assert [dlg.letter.itemData(i) for i in range(dlg.letter.count())] == ["cpw"]
    qtbot.mouseClick(dlg.preview_btn, Qt.MouseButton.LeftButton)
    assert dlg.preview is not None, dlg.problems.text()
    qtbot.mouseClick(dlg.preview.file_btn, Qt.MouseButton.LeftButton)
    assert panel.table.rowCount() == 1 and w.services.documents.for_record(
        w.services.actor, Subject.NOTICE, nid
    )


def test_mail_merge_to_notices_uses_the_template_for_their_kind(officer_window, qtbot):
    m = merge_page(officer_window)
    m.subject.setCurrentIndex(m.subject.findData(Subject.NOTICE))
    assert not m.status.isVisibleTo(m) and m.notice_stage.isVisibleTo(m)
    codes = [m.template.itemData(i) for i in range(m.template.count())]
    assert codes == ["asb_warning", "abc", "cpw", "cpn", "fpn"]
    m.template.setCurrentIndex(m.template.findData("cpw"))
    wait_loaded(qtbot, m)  # the count and the letter's questions come from a worker
    ids = m.case_ids()
    assert ids and "notice" in m.count.text()
    m.skip.setChecked(True)
    m.run()
    qtbot.waitUntil(lambda: m.result is not None or "No letters" in m.stage.text(), timeout=120_000)
    r = m.result
    assert r is not None, m.report.toPlainText()
    assert r.letters + len(r.skipped) == len(ids) and r.letters > 0
    docs = officer_window.services.documents.for_record(officer_window.services.actor, Subject.NOTICE, ids[0])
    assert len(docs) == 1 or any(p.record_id == ids[0] for p in r.skipped)


def test_template_names_are_shown_in_full_on_a_laptop(window, qtbot):
    """Defect 11: at 1366×768 the templates list cut long names ("Community Protection Notice Warn",
    "ASB Case Review: acknowledgeme"). Long names now wrap: each item is tall enough for its words at the
    list's width. (Caught: the list without word wrap, as before.)"""
    from PySide6.QtCore import QRect, Qt

    window.resize(1366, 768)
    window.show_page("letters")
    page = window.pages["letters"]
    page.tabs.setCurrentWidget(page.editor)
    names = page.editor.list
    qtbot.waitUntil(lambda: names.count() > 5 and names.isVisible())
    names.doItemsLayout()
    width = names.viewport().width()
    metrics = names.fontMetrics()
    for i in range(names.count()):
        item = names.item(i)
        needed = metrics.boundingRect(QRect(0, 0, width - 8, 10000), Qt.TextFlag.TextWordWrap, item.text())
        assert needed.height() <= names.visualItemRect(item).height() + 2, item.text()
    window.tasks.wait()
