"""Qt objects are destroyed on the GUI thread, and a read outliving its window is dropped.

Garbage widgets are destroyed on the GUI thread, never on a worker (gui/garbage.py).

Without it a window or dialog left over in a reference cycle is freed by Python's cycle collector on
whichever thread happens to allocate next — often the task pool reading for a page — so Qt's destructors
run on a worker while the GUI thread may be delivering events to the same objects.
"""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from cspdesk.gui.loading import PageLoader
from cspdesk.gui.tasks import TaskRunner


class _Freed:
    """Notes which thread freed its owner (dropped as the dialog's wrapper is deallocated)."""

    def __init__(self, log: list[bool], gui: int) -> None:
        self.log = log
        self.gui = gui

    def __del__(self) -> None:
        self.log.append(threading.get_ident() == self.gui)


class _ClosedDialog(QDialog):
    """A dialog the user has closed that is still in a cycle (its own attribute here; a lambda or a bound
    method held by a helper object in the app)."""

    def __init__(self, log: list[bool]) -> None:
        super().__init__()
        QVBoxLayout(self).addWidget(QLabel("Loading…"))
        self.myself = self
        self.freed = _Freed(log, threading.get_ident())


def _busy_read(_report, _cancelled) -> int:
    """Work as a page's read does it: many small objects (SQLAlchemy rows, DTOs), so the collector is due."""
    rows = [[n, {"n": n}] for n in range(200_000)]
    return len(rows)


def test_a_closed_dialog_in_a_cycle_is_destroyed_on_the_gui_thread(qtbot, _cycles_freed_on_the_gui_thread):
    """Catches automatic collection left on: the worker's allocations then free some of the dialogs on the
    worker thread (seen: 20 of 20 without ``gc.disable()`` in GuiThreadCollector)."""
    log: list[bool] = []
    for _ in range(20):  # not given to qtbot, which would hold them: closed, and held by nothing but a cycle
        dialog = _ClosedDialog(log)
        dialog.show()
        dialog.close()
    del dialog
    results: list[object] = []
    TaskRunner().start(_busy_read, results.append, results.append)
    qtbot.waitUntil(lambda: bool(results))
    assert results == [200_000]
    assert log.count(False) == 0, f"{log.count(False)} dialogs destroyed on a worker thread"
    _cycles_freed_on_the_gui_thread.collect_now()
    assert log and all(log)


def test_the_timer_collects_once_enough_garbage_has_built_up(qtbot, _cycles_freed_on_the_gui_thread):
    """Catches a collector that never collects (the timer not started, or the thresholds misread): cycles
    would then pile up for as long as the window is open."""
    collector = _cycles_freed_on_the_gui_thread
    assert not gc.isenabled()
    before = collector.collections
    for _ in range(5 * gc.get_threshold()[0]):
        cycle: list[object] = []
        cycle.append(cycle)
    qtbot.waitUntil(lambda: collector.collections > before)


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


class _FakeGc:
    """Python's gc as the collector sees it: the counts, the oldest generation's size, what was collected."""

    def __init__(self, counts: tuple[int, int, int], oldest: int) -> None:
        self.counts = counts
        self.oldest = oldest
        self.collected: list[int] = []

    def get_count(self) -> tuple[int, int, int]:
        return self.counts

    def get_objects(self, generation: int) -> list[None]:
        assert generation == 2
        return [None] * self.oldest

    def collect(self, generation: int = 2) -> int:
        self.collected.append(generation)
        return 0


def test_a_full_collection_waits_until_a_quarter_more_objects_have_grown_old(
    monkeypatch, _cycles_freed_on_the_gui_thread
):
    """Catches a full collection each time the oldest generation's count passes its threshold (120 ms of
    CPU each with the pages open: a stall every half-minute of work), where Python waits for a quarter more
    long-lived objects first."""
    from cspdesk.gui import garbage

    collector = _cycles_freed_on_the_gui_thread
    t0, t1, t2 = collector.thresholds
    collector.long_lived = 100_000
    fake = _FakeGc((t0 + 1, 0, 0), oldest=100_000)
    monkeypatch.setattr(garbage, "gc", fake)
    collector.collect_if_due()
    fake.counts = (t0 + 1, t1 + 1, 0)
    collector.collect_if_due()
    fake.counts = (t0 + 1, t1 + 1, t2 + 1)
    fake.oldest = 110_000  # a tenth more: not yet
    collector.collect_if_due()
    fake.oldest = 126_000  # over a quarter more
    collector.collect_if_due()
    fake.counts = (t0, t1 + 1, t2 + 1)  # generation 0 not yet due: nothing
    collector.collect_if_due()
    assert fake.collected == [0, 1, 1, 2]
    assert collector.long_lived == 126_000
