"""Screenshots of Import → Existing records… and Import → Past imports for docs/guide/moving-in.md.

Drives the real window over a database (a demo one: its officers are what the workbook's initials map to)
through every step of the wizard on a council-shaped workbook, shooting each step, then Past imports and the
case list found by a legacy reference. Run offscreen or under Xvfb:

    .venv/bin/python tools/make_moving_in_workbook.py /tmp/log.xlsx --cases 60 --incidents 150 --notices 12
    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshot_moving_in.py --db demo.sqlite \\
        --workbook /tmp/log.xlsx --out docs/screenshots [--size 1366x768] [--user root]

The database is changed (the case log and the notice register are imported; the register's import is undone).
Files: moving-in-1-choose.png … moving-in-9-register.png (the Enforcement register showing the imported
notices whose dates to check).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--workbook", required=True)
    p.add_argument("--out", required=True, help="folder for the PNG files")
    p.add_argument("--size", default="1366x768", help="the screen: the wizard fills it less a taskbar")
    p.add_argument("--user", default="root")  # the demo's administrator (admin.user is a partner there)
    args = p.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/gui/fakes: no file dialog to click
    os.environ["CSPDESK_USER"] = args.user
    from PySide6.QtWidgets import QApplication, QWizard

    from cspdesk.bootstrap import build_window
    from cspdesk.gui.app import create_application
    from tests.gui.fakes import FakePrompts

    app = QApplication.instance() or create_application(sys.argv)
    prompts = FakePrompts(files=[Path(args.workbook)], confirm=True)
    window = build_window(args.db, prompts, args.user)
    w, h = (int(x) for x in args.size.split("x"))
    window.resize(w, h - 40)
    window.show()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        for _ in range(3):
            window.tasks.wait()
            app.processEvents()

    def shoot(widget, name: str) -> None:
        settle()
        widget.grab().save(str(out / f"moving-in-{name}.png"))
        print(out / f"moving-in-{name}.png")

    wizard = window.import_records()
    wizard.resize(min(w - 266, 1600), min(h - 80, 900))  # the screen less a taskbar and a title bar
    settle()
    wizard.choose_page.choose_file()
    shoot(wizard, "1-choose")
    wizard.next()
    shoot(wizard, "2-kind")
    wizard.next()
    shoot(wizard, "3-columns")
    wizard.next()
    settle()
    shoot(wizard, "4-values")
    wizard.values_page.apply_suggestions()
    for box in wizard.values_page.boxes.values():  # what has no suggestion: left blank or left out
        if box.currentData() is None:
            box.setCurrentIndex(box.count() - 1)
    wizard.next()
    shoot(wizard, "5-preview")
    wizard.button(QWizard.WizardButton.CommitButton).click()
    shoot(wizard, "6-imported")
    legacy = wizard.plan and next(iter(wizard.sheet.first_rows), ("",))[0]
    wizard.accept()
    window.show_cases(legacy or "")
    settle()
    shoot(window, "8-cases")
    # The notice register too (through the service, as the wizard would): its notices whose dates in the
    # file disagree with the rules are marked on the Enforcement page.
    from cspdesk.core.services.moving_in import ImportPlan, RecordKind

    moving_in, actor = window.services.moving_in, window.services.actor
    proposed = moving_in.propose(args.workbook, "CPW-CPN register", RecordKind.NOTICES)
    values: dict[str, dict[str, str | None]] = {}
    for v in moving_in.values_to_map(proposed):  # as "Use every suggestion" would
        values.setdefault(v.field, {})[v.value] = v.mapped_to or v.suggestion
    plan = ImportPlan(proposed.path, proposed.sheet, proposed.kind, proposed.columns, values)
    window.bus.changes_applied.emit(moving_in.run(actor, plan).changes)
    window.show_page("enforcement")
    settle()
    from cspdesk.gui.pages.enforcement import EnforcementPage

    register = window.pages.page("enforcement", EnforcementPage)
    register.to_check.setChecked(True)
    settle()
    register.table.selectRow(0)
    shoot(window, "9-register")
    past = window.past_imports()
    past.resize(min(w, 1000), 520)
    past.table.selectRow(0)
    past.notices.selectRow(0)
    shoot(past, "7-past-imports")
    past.undo_selected()
    settle()
    past.close()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
