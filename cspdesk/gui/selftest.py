"""The window's part of ``cspdesk selftest``: it starts as the app starts and
shows its first page of cases."""

from __future__ import annotations

import os
import sys

from cspdesk.core.clock import current as clock


def first_page(db: str) -> str:
    """Open the window on ``db`` as the app does and check its first page of cases (``cspdesk selftest``)."""
    # The moment the process started, when a benchmark passes it (bench/bench_frozen.py).
    started = float(os.environ["CSPDESK_PROBE_STARTED"]) if "CSPDESK_PROBE_STARTED" in os.environ else None
    from PySide6.QtWidgets import QApplication

    from cspdesk.bootstrap import finish_start, start_window
    from cspdesk.core.services.quick_start import StartingServices
    from cspdesk.gui.app import create_application
    from cspdesk.gui.pages.cases import CasesPage
    from cspdesk.gui.prompts import Prompts

    app = QApplication.instance() or create_application(sys.argv[:1])
    window = start_window(db, Prompts(), "selftest")
    window.show()
    window.show_page("cases")
    page = window.pages["cases"]
    if not isinstance(page, CasesPage):
        raise RuntimeError("the case list did not open")
    app.processEvents()
    rows = page.model.rowCount()
    first = page.model.index(0, 0).data() if rows else None
    if not rows or not first:
        raise RuntimeError("the case list is empty")
    app.processEvents()
    elapsed = clock().timestamp() - started if started is not None else None
    finish_start(window, app)
    if isinstance(window.services, StartingServices):
        window.services.real()  # the services load behind the window: they must load in this build too
    window.close()
    timing = f", {elapsed:.2f} s after the process started" if elapsed is not None else ""
    return f"{rows} open cases, first {first}{timing}"
