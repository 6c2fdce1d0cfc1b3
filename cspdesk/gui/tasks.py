"""Background work on a thread pool; results come back on the GUI thread as signals.

The work function receives a ``report(stage, done, total)`` callback and a ``cancelled()`` check.
It must not touch widgets; services open their own sessions, so nothing crosses threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class TaskSignals(QObject):
    progress = Signal(str, int, int)
    finished = Signal(object)
    failed = Signal(object)


Work = Callable[[Callable[[str, int, int], None], Callable[[], bool]], Any]


class Task(QRunnable):
    def __init__(self, work: Work) -> None:
        super().__init__()
        self.work = work
        self.signals = TaskSignals()
        self._cancelled = False
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancelled = True

    def run(self) -> None:
        try:
            result = self.work(lambda s, d, t: self.signals.progress.emit(s, d, t), lambda: self._cancelled)
        except Exception as exc:  # delivered to the GUI thread, which shows it
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class TaskRunner:
    def __init__(self) -> None:
        self.pool = QThreadPool.globalInstance()
        self._running: set[Task] = set()

    def start(
        self,
        work: Work,
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        on_progress: Callable[[str, int, int], None] | None = None,
    ) -> Task:
        task = Task(work)
        self._running.add(task)

        def finished(result: object) -> None:
            self._running.discard(task)
            on_done(result)

        def failed(exc: Exception) -> None:
            self._running.discard(task)
            on_error(exc)

        task.signals.finished.connect(finished)
        task.signals.failed.connect(failed)
        if on_progress:
            task.signals.progress.connect(on_progress)
        self.pool.start(task)
        return task

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
