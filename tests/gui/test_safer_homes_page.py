"""The Safer Homes page driven through its widgets: intake to property secured, masking and the
reason asked before a restricted referral is opened. Prompts are answered by a fake; no modal opens."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton
from sqlalchemy import select

from cspdesk.core.domain.safer_homes import RESTRICTED
from cspdesk.core.domain.vocab import Role
from cspdesk.core.storage.models import AuditEntry
from cspdesk.gui.bus import Bus

# The offscreen platform says this whenever a top-level widget is shown; it is not our warning.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


class FakePrompts:
    def __init__(self, tmp_path=None):
        self.parent = None
        self.answers: list[str | None] = []
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.questions: list[str] = []
        self.tmp_path = tmp_path

    def confirm(self, title, text):
        return True

    def info(self, title, text):
        self.infos.append((title, text))

    def error(self, title, text):
        self.errors.append((title, text))

    def ask_text(self, title, label, text=""):
        self.questions.append(label)
        return self.answers.pop(0) if self.answers else None

    def ask_save_file(self, title, suggested, filter_=""):
        return self.tmp_path / suggested


@pytest.fixture
def page(services, qtbot, tmp_path):
    from cspdesk.gui.pages.safer_homes import SaferHomesPage

    prompts = FakePrompts(tmp_path)
    p = SaferHomesPage(services, Bus(), prompts)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    p.prompts_ = prompts
    return p


def field(root, name):
    return root.findChild(object, f"field:{name}")


def type_into(qtbot, root, name, text):
    w = field(root, name)
    w.clear()
    qtbot.keyClicks(w, text)


def choose(root, name, data):
    combo: QComboBox = field(root, name)
    i = combo.findData(data)
    assert i >= 0, (name, data)
    combo.setCurrentIndex(i)


def click(qtbot, root, object_name):
    button = root.findChild(QPushButton, object_name)
    assert button is not None and button.isVisible(), object_name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def status_buttons(screen) -> set[str]:
    return {
        b.objectName()
        for b in screen.findChildren(QPushButton)
        if b.objectName().startswith("status:") and not b.isHidden()
    }


def fill_burglary(qtbot, screen):
    type_into(qtbot, screen, "referrer_name", "PC Ames")
    choose(screen, "referrer_agency", "Derbyshire Constabulary")
    choose(screen, "consent_given", True)
    choose(screen, "consent_method", "verbal")
    type_into(qtbot, screen, "consent_on", "02/11/2026")
    type_into(qtbot, screen, "referred_on", "02/11/2026")
    type_into(qtbot, screen, "client_name", "Arthur Pennyfeather")
    type_into(qtbot, screen, "address_line1", "3 Orchard Row")
    type_into(qtbot, screen, "town", "Melbourne")
    choose(screen, "ward", "Melbourne")
    type_into(qtbot, screen, "phone0", "01332 000111")
    choose(screen, "safe0", True)
    choose(screen, "victim_category", "burglary")
    choose(screen, "tenure", "owner")
    choose(screen, "victim_wants_to_stay", True)


def test_intake_to_property_secured_through_the_widgets(page, qtbot, services):
    screen = page.referral_screen
    click(qtbot, page, "newReferral")
    fill_burglary(qtbot, screen)
    type_into(qtbot, screen, "postcode", "not a postcode")
    click(qtbot, screen, "saveReferral")
    err = field(screen, "postcode").parentWidget().findChild(QLabel)
    assert err.isVisible() and "postcode" in err.text().lower()
    assert page.referral_screen.detail is None  # nothing saved

    type_into(qtbot, screen, "postcode", "de73 8aa")
    click(qtbot, screen, "saveReferral")
    assert screen.detail is not None and screen.detail.reference == "SH-2026-0001"
    assert field(screen, "postcode").text() == "DE73 8AA"
    # Only the next step (and declining or withdrawing) is offered: no skipping to "secured".
    assert status_buttons(screen) == {"status:eligibility_checked", "status:declined", "status:withdrawn"}

    click(qtbot, screen, "checkEligibility")
    assert "Eligible" in screen.findChild(QLabel, "eligibilityResult").text()
    click(qtbot, screen, "status:eligibility_checked")
    # Surveyed needs a survey date and a surveyor: refused, with the reason, until they are recorded.
    click(qtbot, screen, "status:surveyed")
    assert page.prompts_.errors and "survey date" in page.prompts_.errors[-1][1]
    type_into(qtbot, screen, "survey_on", "05/11/2026")
    type_into(qtbot, screen, "surveyor", "Sam Survey")
    click(qtbot, screen, "saveWorks")
    click(qtbot, screen, "status:surveyed")
    assert screen.detail.status.value == "surveyed"

    combo = screen.findChild(QComboBox, "measureChoice")
    combo.setCurrentIndex(combo.findData("door_lock"))
    screen.findChild(object, "measureQuantity").setValue(2)
    click(qtbot, screen, "addMeasure")
    combo.setCurrentIndex(combo.findData("property_marking"))
    screen.findChild(object, "measureQuantity").setValue(1)
    click(qtbot, screen, "addMeasure")
    assert screen.findChild(object, "measuresTable").rowCount() == 2
    assert "£155.00" in screen.findChild(QLabel, "worksTotal").text()
    type_into(qtbot, screen, "contractor", "Midway Locks Ltd")
    type_into(qtbot, screen, "works_ordered_on", "09/11/2026")
    click(qtbot, screen, "saveWorks")
    click(qtbot, screen, "status:works_ordered")
    type_into(qtbot, screen, "installed_on", "16/11/2026")
    type_into(qtbot, screen, "actual_cost_pence", "149.50")
    click(qtbot, screen, "saveWorks")
    click(qtbot, screen, "status:secured")

    flags = screen.findChild(QLabel, "referralFlags").text()
    assert "Property secured" in flags and "Secured 14 days after referral" in flags
    assert status_buttons(screen) == {"status:followed_up", "status:declined", "status:withdrawn"}
    assert screen.timeline.count() >= 8
    # Back on the list, the referral reads as secured; the counts panel counts it.
    click(qtbot, screen, "backToList")
    assert page.table.item(0, 7).text() == "Property secured"
    page.tabs.setCurrentIndex(1)
    page.year.setCurrentIndex(page.year.findData(2026))
    click(qtbot, page, "shShowCounts")
    assert page.sentence.text().startswith("Secured 1 property through the CVS-run Safer Homes Scheme.")
    view = services.safer_homes_read.counts(date(2026, 4, 1), date(2027, 3, 31))
    assert view.counts.spend_pence == 14950


def test_restricted_referral_is_masked_and_opening_asks_a_reason(services, qtbot, tmp_path, clock):
    from cspdesk.gui.pages.safer_homes import SaferHomesPage
    from tests.core.test_safer_homes_service import da_form

    da = services.safer_homes.intake(services.actor, da_form()).id
    services.users.add_user(services.actor, "olive.officer", "Olive Officer", Role.OFFICER)
    officer = services.users.sign_in("olive.officer")[0]

    # An officer without the permission: masked in the list and on the screen, no reason asked.
    services.actor, admin = officer, services.actor
    prompts = FakePrompts(tmp_path)
    page = SaferHomesPage(services, Bus(), prompts)
    qtbot.addWidget(page)
    texts = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    assert texts[2] == RESTRICTED and texts[3] == RESTRICTED and "Larkspur" not in " ".join(texts)
    page.open_row(0)
    assert not prompts.questions and page.referral_screen.detail.masked
    assert (
        field(page.referral_screen, "client_name").text() == RESTRICTED
        and not field(page.referral_screen, "client_name").isEnabled()
    )
    page.search.setText("Quennell")
    page.refresh()
    assert page.table.rowCount() == 0

    # The administrator (once the reason they recorded it under has lapsed) is asked why; cancelling opens
    # nothing; a reason is written to the audit log.
    clock.advance(minutes=16)
    services.actor = admin
    prompts = FakePrompts(tmp_path)
    page = SaferHomesPage(services, Bus(), prompts)
    qtbot.addWidget(page)
    page.open_row(0)
    assert prompts.questions and page.stack.currentIndex() == 0
    prompts.answers = ["Booking the survey with the IDVA"]
    page.open_row(0)
    assert page.stack.currentIndex() == 1
    assert field(page.referral_screen, "address_line1").text() == "17 Larkspur Grove"
    with services.database.engine.connect() as c:
        rows = c.execute(
            select(AuditEntry).where(AuditEntry.action == "view", AuditEntry.entity_id == da)
        ).all()
    assert [r.details["reason"] for r in sorted(rows, key=lambda r: r.seq)] == [
        "Recording the referral",
        "Booking the survey with the IDVA",
    ]


def test_csv_export_from_the_page_is_masked(services, qtbot, tmp_path):
    from cspdesk.gui.pages.safer_homes import SaferHomesPage
    from tests.core.test_safer_homes_service import da_form

    services.safer_homes.intake(services.actor, da_form())
    services.users.add_user(services.actor, "olive.officer", "Olive Officer", Role.OFFICER)
    services.actor = services.users.sign_in("olive.officer")[0]
    prompts = FakePrompts(tmp_path)
    page = SaferHomesPage(services, Bus(), prompts)
    qtbot.addWidget(page)
    page.export_csv()
    text = (tmp_path / "safer-homes-referrals.csv").read_text(encoding="utf-8-sig")
    assert "SH-2026-0001" in text and "Larkspur" not in text and "Quennell" not in text
    page.export_partner()  # no agency chosen: told to choose one, nothing written
    assert prompts.errors and not (tmp_path / "safer-homes-None.csv").exists()


def test_navigation_places_safer_homes_and_the_dashboard_tile_opens_it(services, qtbot):
    from cspdesk.gui.main_window import MainWindow

    w = MainWindow(services, FakePrompts())
    qtbot.addWidget(w)
    keys = list(w.pages)
    # DEVELOPING.md's order: ... ASB Cases, Enforcement, Safer Homes, Case Reviews ...
    before = [k for k in ("cases", "enforcement") if k in keys]
    assert keys.index("safer_homes") == max(keys.index(k) for k in before) + 1
    if "case_reviews" in keys:
        assert keys.index("case_reviews") == keys.index("safer_homes") + 1
    w.pages["dashboard"].safer_homes_tile.findChild(QPushButton).click()
    assert w.stack.currentWidget() is w.pages["safer_homes"] and w.pages["safer_homes"].waiting.isChecked()
    assert isinstance(w.pages["safer_homes"].search, QLineEdit)
