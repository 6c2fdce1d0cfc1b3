"""Background work on a thread pool; results come back on the GUI thread as signals.

The work function receives a ``report(stage, done, total)`` callback and a ``cancelled()`` check.
It must not touch widgets; services open their own sessions, so nothing crosses threads.

The pool's threads are Qt's, so Python does not wait for them as it exits: a task still running then runs
Python code while the interpreter is being taken apart ("Signal source has been deleted", or a segfault, as
``bench/startup_probe.py`` met when it returned with the warm-up still loading). ``finish_background_work``
cancels every runner's tasks and waits for the pool; the application registers it to run at exit
(``gui/app.py``), before Python tears anything down.
"""

from __future__ import annotations

import weakref
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
        _runners.add(self)

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

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()


_runners: weakref.WeakSet[TaskRunner] = weakref.WeakSet()


def finish_background_work(msecs: int = 30000) -> bool:
    """Cancel the tasks of every runner, drop those not started, and wait for the rest to return (a task
    checks ``cancelled()`` between its steps). True if the pool is idle."""
    for runner in list(_runners):
        runner.cancel_all()
    pool = QThreadPool.globalInstance()
    pool.clear()
    return pool.waitForDone(msecs)
