"""The notice register marks imported notices whose dates to check (issue 21), filters to them, and an officer
takes one off the list from its detail with "Dates checked"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from cspdesk.core.services.moving_in import ImportPlan, RecordKind
from cspdesk.gui.bus import Bus
from cspdesk.gui.models.notice_table import KEYS, TO_CHECK
from tests.gui.test_enforcement_gui import FakePrompts

CASES = "Case Ref,Date reported,Category,Summary\nSD0001,03/04/2021,Noise,Loud music\n"
NOTICES = (
    "Notice No,Case,Type,Date served,Appeal by\n"
    "N1,SD0001,CPN,04/01/2021,24/01/2021\n"
    "N2,SD0001,CPN,04/01/2021,01/02/2021\n"
)


def _import(services, tmp_path: Path, name: str, text: str, kind: RecordKind) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    plan = services.moving_in.propose(path, path.stem, kind)
    services.moving_in.run(
        services.actor, ImportPlan(plan.path, plan.sheet, plan.kind, plan.columns, plan.values)
    )


def test_the_register_marks_filters_and_clears_imported_notices_whose_dates_to_check(
    qtbot, services, tmp_path
):
    """Caught, each seen failing once: the model not marking the row; the filter box not passed to the
    query; the detail's band and "Dates checked" button never shown; the button not calling the service."""
    from cspdesk.gui.pages.enforcement import EnforcementPage

    _import(services, tmp_path, "cases.csv", CASES, RecordKind.CASES)
    _import(services, tmp_path, "notices.csv", NOTICES, RecordKind.NOTICES)
    prompts = FakePrompts()
    page = EnforcementPage(services, Bus(), prompts)
    qtbot.addWidget(page)
    page.show()
    model, what = page.model, KEYS.index("next_due_what")
    assert model.rowCount() == 2
    marked = [r for r in range(2) if str(model.data(model.index(r, what))).startswith(TO_CHECK)]
    assert len(marked) == 1
    tip = model.data(model.index(marked[0], 0), Qt.ItemDataRole.ToolTipRole)
    assert "the file says 01/02/2021, the rules give 24/01/2021" in tip
    assert model.data(model.index(marked[0], 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(marked[0], 0), Qt.ItemDataRole.DecorationRole) is not None  # an icon
    assert model.data(model.index(1 - marked[0], 0), Qt.ItemDataRole.DecorationRole) is None

    qtbot.mouseClick(page.to_check, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert page.count.text() == "1 notice"
    page.table.selectRow(0)
    detail = page.detail
    assert detail.check_band.isVisible() and "the file says 01/02/2021" in detail.check_band.text()
    assert detail.checked_btn.isVisible()

    qtbot.mouseClick(detail.checked_btn, Qt.MouseButton.LeftButton)
    assert prompts.asked and prompts.asked[-1][0] == "Dates checked?"
    assert prompts.errors == []
    qtbot.waitUntil(lambda: model.rowCount() == 0)  # the filter's list refreshed by changes_applied
    assert not detail.check_band.isVisible() and not detail.checked_btn.isVisible()
    assert services.moving_in.notices_to_check() == []
    page.clear_filters()
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert not any(str(model.data(model.index(r, what))).startswith(TO_CHECK) for r in range(2))
    assert not page.to_check.isChecked()
