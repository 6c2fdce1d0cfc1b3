"""Python's cycle collector runs on the GUI thread only.

Python collects reference cycles whenever enough objects have been allocated, on whichever thread is
allocating. Our background work allocates a great deal (service reads on the task pool, the warm-up's
imports, the quick start's services loading), so the collector often runs on a worker thread. A widget,
dialog or model that is garbage in a cycle (``self.loader = PageLoader(self, ...)``, a lambda holding its
page) is then destroyed on that worker: Qt's destructors run off the GUI thread while the GUI thread may be
painting or delivering an event to the same object: a crash that comes rarely and far from its cause
(``tests/gui/test_qt_teardown.py``: 20 closed dialogs of 20 destroyed on a worker without this). A user
closing a dialog while the window goes on reading could meet it. (It was the first suspect for the GUI
tests' rare abort inside ``qtbot.keyClicks``; that turned out to be QTest refusing to type "Zoë".)

So automatic collection is switched off and a timer on the GUI thread does the same work, with the same
thresholds Python uses (``gc.get_threshold()``): generation 0 when its count passes the first, the older
generations as Python would (a full collection only once a quarter more objects have grown old). Objects
are still freed at once when their count drops to zero, on the thread that drops it; only cycles wait for
the timer (a few hundred milliseconds, or until the event loop turns).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 250


class GuiThreadCollector(QObject):
    """Collects cycles on the GUI thread, on a timer; automatic collection is off while it lives."""

    def __init__(self, app: QCoreApplication, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(app)
        self.setObjectName("guiThreadCollector")
        self.thresholds = gc.get_threshold()
        self.collections = 0  # how many times the timer has collected (tests wait on it)
        # How many objects the last full collection left in the oldest generation (Python's long_lived_total).
        self.long_lived = len(gc.get_objects(generation=2))
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect_if_due)
        self.timer.start()
        app.aboutToQuit.connect(self.stop)

    def collect_if_due(self) -> None:
        first, second, third = gc.get_count()
        if first <= self.thresholds[0]:
            return
        generation = 0
        if second > self.thresholds[1]:
            generation = 1
            # A full collection walks every object (166,000 with six pages open on a 300-case demo: 120 ms
            # of CPU), so, as Python does, only once the objects that reached the oldest generation since
            # the last one are a quarter of those it left there.
            if third > self.thresholds[2] and self._long_lived_pending() > self.long_lived // 4:
                generation = 2
        gc.collect(generation)
        if generation == 2:
            self.long_lived = len(gc.get_objects(generation=2))
        self.collections += 1

    def _long_lived_pending(self) -> int:
        return len(gc.get_objects(generation=2)) - self.long_lived

    def collect_now(self) -> None:
        gc.collect()
        self.long_lived = len(gc.get_objects(generation=2))
        self.collections += 1

    def stop(self) -> None:
        """Hand collection back to Python (the app is closing: no worker should be left running)."""
        self.timer.stop()
        gc.enable()


def collect_on_gui_thread(app: QCoreApplication) -> GuiThreadCollector:
    """The app's collector, made the first time (idempotent: tests call it for the shared QApplication)."""
    found = app.findChild(GuiThreadCollector, "guiThreadCollector")
    if isinstance(found, GuiThreadCollector):
        if not found.timer.isActive():  # stopped by an earlier aboutToQuit: start again
            gc.disable()
            found.timer.start()
        return found
    return GuiThreadCollector(app)
