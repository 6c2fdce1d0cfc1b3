"""The app exits cleanly with background work still running (gui/tasks.py ``finish_background_work``).

``bench/startup_probe.py`` returned with the window's warm-up still importing on the task pool; Python
then took itself apart while Qt's pool thread went on running Python code: "Error calling Python override of
QRunnable::run(): ... Signal source has been deleted" on every run, and now and then a segfault.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A script as the probe was: the application made as the app makes it, a task reporting its progress, and
# the end of the script reached while the task runs.
SCRIPT = """
import sys
import threading

from cspdesk.gui.app import create_application
from cspdesk.gui.tasks import TaskRunner

app = create_application(sys.argv[:1])
started = threading.Event()


def work(report, cancelled):
    started.set()
    for n in range(400):
        if cancelled():
            return "cancelled"
        threading.Event().wait(0.005)  # a step of work (a page of rows read)
        report("working", n, 400)
    return "done"


TaskRunner().start(work, print, print)
assert started.wait(60)
print("leaving with the task running", flush=True)
"""


def test_leaving_with_a_task_running_cancels_it_and_waits(tmp_path):
    """Catches the exit without ``finish_background_work`` registered (gui/app.py): the worker's next report
    then runs during the interpreter's teardown ("Signal source has been deleted"; at worst a segfault)."""
    script = tmp_path / "leave.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(script)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "leaving with the task running"
    assert "Error calling Python override" not in done.stderr, done.stderr
    assert "Fatal Python error" not in done.stderr, done.stderr
