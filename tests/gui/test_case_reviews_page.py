"""The Case Reviews page: an application taken from receipt to closure through the widgets, with the
refusals shown beside the fields, only the allowed steps enabled, and the figures panel."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from cspdesk.core.services.case_review.case_review_records import Step
from cspdesk.gui.bus import Bus
from cspdesk.gui.pages.case_reviews import CaseReviewsPage
from tests.core.case_review_examples import case_with_enough_incidents


class FakePrompts:
    def __init__(self, save_to=None):
        self.errors: list[tuple[str, str]] = []
        self.save_to = save_to

    def error(self, title, text):
        self.errors.append((title, text))

    def info(self, title, text):
        pass

    def confirm(self, title, text):
        return True

    def ask_save_file(self, title, suggested, filter_=""):
        return self.save_to / suggested if self.save_to else None


def set_date(form, name, d: date) -> None:
    form.widgets[name].edit.setDate(QDate(d.year, d.month, d.day))


def enabled_steps(page) -> set[Step]:
    return {s for s, b in page.view.step_buttons.items() if b.isEnabled()}


# The offscreen platform plugin says this when any top-level window is shown; it is not ours to fix.
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_an_application_from_receipt_to_closure_through_the_widgets(qtbot, services, database, tmp_path):
    case_with_enough_incidents(database.engine, "ASB-2023-00042")
    prompts = FakePrompts(tmp_path)
    page = CaseReviewsPage(services, Bus(), prompts)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()

    # Receipt: refused until a case is linked, the message beside the case finder.
    qtbot.mouseClick(page.new_btn, Qt.MouseButton.LeftButton)
    new = page.new_form
    set_date(new, "received_on", date(2023, 4, 20))
    new.widgets["channel"].setCurrentIndex(new.widgets["channel"].findData("email"))
    qtbot.keyClicks(new.widgets["applicant_name"], "Jean Bloor")
    new.widgets["problem"].setPlainText("Youths throwing stones at my windows most evenings.")
    qtbot.mouseClick(new.save, Qt.MouseButton.LeftButton)
    assert page.case_error.isVisible() and "Link the ASB case" in page.case_error.text()
    qtbot.keyClicks(page.linker.search, "ASB-2023-000")
    assert page.linker.results.count() == 1
    page.linker.results.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(new.save, Qt.MouseButton.LeftButton)
    assert page.table.rowCount() == 1 and page.table.item(0, 0).text() == "CR-2023-001"
    assert "Received" in page.table.item(0, 3).text()
    assert page.table.item(0, 4).text().startswith("OVERDUE")  # today is 2026 in the tests
    assert enabled_steps(page) == {Step.ACKNOWLEDGE}
    assert "consent" not in page.view.step_buttons[Step.DECIDE].toolTip()
    assert page.view.evidence.rowCount() == 4 and "4 qualifying complaints" in page.view.evidence_note.text()

    def step(s: Step):
        qtbot.mouseClick(page.view.step_buttons[s], Qt.MouseButton.LeftButton)
        form = page.view.step_forms[s]
        assert form.isVisible()
        return form

    def save(form):
        qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)

    # Acknowledge: a date before receipt is refused beside the field.
    f = step(Step.ACKNOWLEDGE)
    set_date(f, "acknowledged_on", date(2023, 4, 19))
    save(f)
    assert (
        f.errors["acknowledged_on"].isVisible()
        and "before the date it was received" in f.errors["acknowledged_on"].text()
    )
    set_date(f, "acknowledged_on", date(2023, 4, 24))
    save(f)
    assert page.table.item(0, 3).text() == "Acknowledged"
    assert enabled_steps(page) == {Step.DECIDE}

    # Decide: no reasons, refused.
    f = step(Step.DECIDE)
    f.set("threshold_met", True)
    set_date(f, "threshold_decided_on", date(2023, 4, 28))
    save(f)
    assert f.errors["threshold_reasons"].isVisible()
    f.set("threshold_reasons", "Four qualifying complaints in six months.")
    save(f)
    assert enabled_steps(page) == {Step.DECISION_LETTER, Step.REVIEW_MEETING, Step.APPEAL}
    assert "hold the review meeting" in page.view.step_buttons[Step.CLOSE].toolTip()

    # Review meeting: no minutes, refused.
    f = step(Step.REVIEW_MEETING)
    set_date(f, "review_meeting_on", date(2023, 5, 10))
    f.set("chair", "Anne Hollis")
    f.set("chair_independent", True)
    f.set("bodies_represented", ["South Derbyshire District Council", "Derbyshire Constabulary"])
    f.set("victim_invited", True)
    f.set("victim_attended", True)
    f.set("decision", "Agree an action plan.")
    save(f)
    assert f.errors["minutes"].isVisible() and "minutes" in f.errors["minutes"].text()
    f.set("minutes", "Partners reviewed the response; agreed CCTV and patrols.")
    save(f)
    assert page.table.item(0, 3).text() == "Review meeting"

    # Action plan: an action without an owner is refused; then added.
    page.view.tabs.setCurrentIndex(1)
    add = page.view.add_action
    add.set("description", "Install CCTV at the alley")
    set_date(add, "due_on", date(2023, 6, 30))
    save(add)
    assert (
        add.errors["owner_agency"].isVisible() and "agency that owns it" in add.errors["owner_agency"].text()
    )
    add.set("owner_agency", "SDDC")
    save(add)
    assert page.view.action_plan.rowCount() == 1
    assert page.view.action_plan.item(0, 1).text() == "South Derbyshire District Council"

    f = step(Step.OUTCOME)
    set_date(f, "outcome_sent_on", date(2023, 5, 12))
    f.set("recommendations_made", True)
    save(f)
    f = step(Step.MONITORING)
    f.set("victim_consulted_on_plan", True)
    save(f)
    assert page.table.item(0, 3).text() == "Action plan monitoring"
    assert not page.view.step_buttons[Step.CLOSE].isEnabled()  # the action is still open

    # Victim update and the action completed.
    page.view.tabs.setCurrentIndex(2)
    up = page.view.add_update
    set_date(up, "updated_on", date(2023, 6, 1))
    up.set("summary", "Told that CCTV has been ordered.")
    save(up)
    assert page.view.updates.item(0, 2).text() == "Told that CCTV has been ordered."
    page.view.action_plan.selectRow(0)
    upd = page.view.update_action
    upd.set("status", "done")
    upd.set("progress", "Camera installed.")
    set_date(upd, "completed_on", date(2023, 6, 28))
    save(upd)
    assert page.view.action_plan.item(0, 3).text() == "Done"
    assert page.view.step_buttons[Step.CLOSE].isEnabled()

    f = step(Step.CLOSE)
    set_date(f, "closed_on", date(2023, 7, 10))
    f.set("closure_reason", "All actions delivered; no reports since June.")
    set_date(f, "victim_told_of_closure_on", date(2023, 7, 10))
    save(f)
    assert page.table.item(0, 3).text() == "Closed" and page.table.item(0, 4).text() == ""
    assert enabled_steps(page) == {Step.APPEAL}
    assert "<b>Closed</b> 10/07/2023" in page.view.record.text()
    assert prompts.errors == []

    # The year's figures on screen, and saved as CSV.
    page.tabs.setCurrentIndex(1)
    page.year.setText("2022/23")
    qtbot.mouseClick(page.findChild(type(page.new_btn), "figuresShow"), Qt.MouseButton.LeftButton)
    assert "No Community Trigger applications were received" in page.figures_text.text()
    page.year.setText("2023/2")
    page.show_figures()
    assert "not a year" in page.year_error.text()
    page.year.setText("2023/24")
    page.show_figures()
    page.year.setText("2023")
    page.show_figures()
    assert (
        "One Community Trigger application was received in South Derbyshire in 2023."
        in page.figures_text.text()
    )
    page._save("pdf")
    assert (tmp_path / "community-trigger-2023.pdf").read_bytes().startswith(b"%PDF")
    page._save("csv")
    assert (tmp_path / "community-trigger-2023.csv").read_text() == (
        "measure,count\napplications,1\nthreshold_not_met,0\nreviews_conducted,1\nreviews_with_recommendations,1\n"
    )
