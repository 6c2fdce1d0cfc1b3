"""Process start → main window showing the first page of cases, as the app starts (bootstrap.start_window:
the quick first screen when the database allows). Prints seconds to the first page, peak RSS (MB), rows,
seconds until every service has loaded behind the window (the same as the first figure for an ordinary start),
and the process's CPU seconds (every thread) at those two moments: the process goes on after them (tasks
still running on the window's task pool, the warm-up, tearing the window down, which sometimes crashes first),
so its CPU as a whole (``/usr/bin/time``) says little about the start itself.

Used by bench/bench_foundation.py; run it in a fresh process each time:
  .venv/bin/python bench/startup_probe.py DB_PATH
"""

from __future__ import annotations

import os
import resource
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The parent passes the moment it started this process (psutil's create_time is only as fine as the
# kernel's boot-time second, which made it up to a second wrong).
started = float(os.environ.get("CSPDESK_PROBE_STARTED", time.time()))


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from cspdesk.bootstrap import finish_start, start_window
    from cspdesk.gui.app import create_application
    from cspdesk.gui.prompts import Prompts

    app = QApplication.instance() or create_application(sys.argv)
    window = start_window(sys.argv[1], Prompts(), "bench.user")
    window.show()
    window.show_page("cases")
    page = window.pages["cases"]
    # The list as it opens: the officer's default view of open cases.
    app.processEvents()
    # The first page is on screen once the view has asked the model for its rows.
    assert page.model.rowCount() > 0 and page.model.index(0, 0).data()
    app.processEvents()
    elapsed = time.time() - started
    cpu_first = time.process_time()
    rows = page.model.rowCount()
    # Then as the app goes on: the services load behind the window; wait until they are all there.
    finish_start(window, app)
    real = getattr(window.services, "real", None)
    if real is not None:
        real()
        app.processEvents()
    ready = time.time() - started
    cpu_ready = time.process_time()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.3f} {peak_mb:.0f} {rows} {ready:.3f} {cpu_first:.3f} {cpu_ready:.3f}", flush=True)


main()
