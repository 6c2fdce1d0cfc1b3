"""A read that comes back after its window was closed and deleted is dropped (gui/loading.PageLoader), not
shown into freed widgets.
"""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cspdesk.gui.loading import PageLoader
from cspdesk.gui.tasks import TaskRunner


class _Panel(QWidget):
    """A part of a window that reads in the background, as the pages do (gui/loading.PageLoader)."""

    def __init__(self, tasks: TaskRunner) -> None:
        super().__init__()
        self.table = QLabel("")
        self.loader = PageLoader(self, tasks, "the records", "panelStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(self.loader.status)
        layout.addWidget(self.table)

    def show_rows(self, rows: int) -> None:
        self.table.setText(f"{rows} rows")


def test_a_window_closed_while_its_read_runs_drops_the_result(qtbot):
    """Catches PageLoader handing a read's result to a window that was closed and deleted meanwhile: showing
    it into freed widgets raised "Internal C++ object already deleted" from a slot (a crash dialog for the
    user), as did showing that failure on its deleted status label."""
    release = threading.Event()
    runner = TaskRunner()
    panel = _Panel(runner)
    panel.show()
    qtbot.waitExposed(panel)

    def read() -> int:
        assert release.wait(60)  # the read is still running when the officer closes the window
        return 12

    panel.loader.load(read, panel.show_rows)
    assert panel.loader.status.text() == "Loading the records…"
    with qtbot.waitSignal(panel.destroyed):
        panel.close()
        panel.deleteLater()
    results: list[object] = []
    runner.start(lambda _r, _c: "after", results.append, results.append)  # queued behind the read
    release.set()
    qtbot.waitUntil(lambda: results == ["after"])  # the read's result has been delivered by now
    assert runner.wait()
