"""Run by ``test_scaled_screen.py`` in a process of its own: Qt's scale factor is fixed when the application
starts, so a 1920×1080 screen at 150 % needs a new QApplication. Opens every page and the dialogs an officer
uses in the window, shown maximised on that screen, and prints what does not fit as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

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


def main(db: str, config: str) -> int:
    from PySide6.QtWidgets import QApplication, QScrollArea

    app = QApplication(["probe", "-platform", f"offscreen:configfile={config}"])
    screen = app.primaryScreen()
    room = screen.availableGeometry().size()
    from cspdesk.bootstrap import build_window
    from tests.gui.fake_prompts import FakePrompts

    window = build_window(db, FakePrompts(), "admin.user")
    window.showMaximized()
    app.processEvents()
    problems: dict[str, object] = {"screen": [room.width(), room.height(), screen.devicePixelRatio()]}
    area = window.stack.parentWidget().parentWidget()
    assert isinstance(area, QScrollArea)
    for key in PAGES:
        window.show_page(key)
        app.processEvents()
        hint = window.minimumSizeHint()
        if hint.width() > room.width() or hint.height() > room.height():
            problems[f"window on {key}"] = [hint.width(), hint.height()]
        if window.pages[key].minimumSizeHint().width() > area.viewport().width():
            problems[f"page {key}"] = window.pages[key].minimumSizeHint().width()
    dialogs = {"New case": window.new_case()}
    from cspdesk.gui.dialogs.new_step import NewStepDialog

    dialogs["New enforcement step"] = NewStepDialog(window.services, window.bus, window.prompts, window)
    for name, dlg in dialogs.items():
        dlg.show()
        app.processEvents()
        if dlg.minimumSizeHint().width() > room.width() or dlg.minimumSizeHint().height() > room.height():
            problems[name] = list(dlg.minimumSizeHint().toTuple())
        if dlg.width() > room.width() or dlg.height() > room.height():
            problems[f"{name} opened"] = list(dlg.size().toTuple())
        dlg.close()
    window.tasks.wait()
    window.services.database.engine.dispose()
    print(json.dumps(problems))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main(sys.argv[1], sys.argv[2]))
