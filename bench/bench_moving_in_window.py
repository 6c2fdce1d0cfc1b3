"""The moving-in wizard keeps the window responsive (issue 21): the longest event-loop stall and the time of
each step on a council-sized case log (2,000 cases by default), driven through the real window.

  flock /tmp/cspdesk-bench.lock .venv/bin/python bench/bench_moving_in_window.py --db /tmp/movein-bench.sqlite

The database is made (demo data, 200 cases) if it does not exist, and copied before each run, so it is not
changed. A 2 ms heartbeat runs throughout; a step's stall is the longest gap between two heartbeats from its
click until its background work is done. Prints a markdown table for docs/performance/moving-in.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _workbook(path: Path, cases: int) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_moving_in_workbook", ROOT / "tools/make_moving_in_workbook.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.make_workbook(path, cases=cases, incidents=cases * 3, notices=cases // 7)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--cases", type=int, default=2000)
    p.add_argument("--user", default="admin.user")
    args = p.parse_args()
    os.environ["CSPDESK_USER"] = args.user
    db = Path(args.db)
    if not db.exists():
        subprocess.run(
            [sys.executable, "-m", "cspdesk", "demo", "--db", str(db), "--cases", "200"], check=True, cwd=ROOT
        )
    work = Path(tempfile.mkdtemp(prefix="movein-bench-"))
    copy = work / "db.sqlite"
    shutil.copy(db, copy)
    book = work / "case-log.xlsx"
    _workbook(book, args.cases)

    from PySide6.QtWidgets import QApplication, QWizard

    from bench.bench_gui_stalls import Heartbeat
    from cspdesk.bootstrap import build_window
    from cspdesk.gui.app import create_application
    from tests.gui.fakes import FakePrompts

    app = QApplication.instance() or create_application(sys.argv)
    window = build_window(str(copy), FakePrompts(files=[book]), args.user)
    window.show()
    beat = Heartbeat(app)
    wizard = window.import_records()
    rows: list[tuple[str, float, float]] = []

    def step(name: str, action, done) -> None:
        app.processEvents()
        beat.last, beat.worst = time.perf_counter(), 0.0
        started = time.perf_counter()
        action()
        while not done():
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
        rows.append((name, (time.perf_counter() - started) * 1000, beat.worst * 1000))

    step(
        "Read the file",
        wizard.choose_page.choose_file,
        lambda: wizard.sheet is not None and wizard.task is None,
    )
    wizard.next()  # the kind: ASB cases
    step("Propose the columns", wizard.next, lambda: bool(wizard.columns_page.boxes) and wizard.task is None)
    step("Read the values", wizard.next, lambda: bool(wizard.values_page.boxes) and wizard.task is None)
    wizard.values_page.apply_suggestions()
    for box in wizard.values_page.boxes.values():
        if box.currentData() is None:
            box.setCurrentIndex(box.count() - 1)
    step("Dry run", wizard.next, lambda: wizard.dry is not None and wizard.task is None)
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    step("Import", commit.click, lambda: wizard.imported is not None and wizard.task is None)
    imported = wizard.imported
    wizard.accept()
    past = window.past_imports()
    past.table.selectRow(0)
    window.prompts.answer_confirm = True
    step("Undo", past.undo_selected, lambda: past.task is None)

    print(
        f"{args.cases:,} cases, {args.cases * 3:,} incidents on the workbook; "
        f"imported: {dict(imported.counts)}"
    )
    print("| Step | Time (s) | Longest stall (ms) |\n|---|---:|---:|")
    for name, total, stall in rows:
        print(f"| {name} | {total / 1000:.1f} | {stall:.0f} |")
    window.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
