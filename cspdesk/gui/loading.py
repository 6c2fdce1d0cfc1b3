"""A page's data, read on a worker thread and shown when it comes (issue 19: no action blocks the window).

``PageLoader`` runs a page's reading on the task pool (services open their own sessions, so no session
crosses threads) and hands the result to the page on the GUI thread. Meanwhile its status label says
"Loading …" (named for screen readers); a result for a load that a newer one replaced is dropped, so
a page changed quickly shows what was asked for last; a failure is shown in plain words, never raised.
Without a task runner (a page built on its own, as most tests do) the same steps run at once.

``when_shown`` makes a page that is not on screen keep the changes it is told about and reload once,
when it is shown (F5 reloads the page on screen only, not every page built so far).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget
from shiboken6 import isValid

from cspdesk.core.errors import UserError
from cspdesk.gui.tasks import TaskRunner
from cspdesk.gui.theme import css

log = logging.getLogger(__name__)


def plain_words(exc: BaseException) -> str:
    """What to tell a user about a failed read: a ``UserError``'s own message; otherwise no internals."""
    if isinstance(exc, UserError):
        return str(exc)
    return "Something went wrong while reading. Press F5 to try again; the log file has the details."


class PageLoader(QObject):
    """Loads one part of a page in the background. ``loaded`` comes after the page has been filled."""

    loaded = Signal()
    failed = Signal(str)  # the message shown

    def __init__(self, parent: QWidget, tasks: TaskRunner | None, what: str, object_name: str):
        super().__init__(parent)
        self.tasks = tasks
        self.what = what  # "your work", "notices": the status reads "Loading your work…"
        self.status = QLabel()
        self.status.setObjectName(object_name)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(f"Loading {what}")
        self.status.hide()
        self._generation = 0
        self.loading = False

    def load(self, work: Callable[[], Any], show: Callable[[Any], Iterator[None] | None]) -> None:
        """Run ``work()`` on a worker and ``show(result)`` on the GUI thread, unless a newer load started.
        ``show`` may return an iterator: its steps then run one per turn of the event loop (a long list)."""
        self._generation += 1
        generation = self._generation
        if self.tasks is None:
            try:
                result = work()
            except Exception as exc:  # shown, as the background path shows it
                self._failed(generation, exc)
                return
            self._done(generation, show, result)
            return
        self.loading = True
        self._say(f"Loading {self.what}…", css("muted"))
        self.tasks.start(
            lambda _report, _cancelled: work(),
            lambda result: self._done(generation, show, result),
            lambda exc: self._failed(generation, exc),
        )

    def drop(self) -> None:
        """Forget a load still on its way (what it would show is no longer wanted)."""
        self._generation += 1
        self.loading = False
        self.status.hide()

    def _current(self, generation: int) -> bool:
        """Whether a result is still wanted: no newer load has started, and the page has not been closed
        and deleted meanwhile (a read outlives its window: showing it then would touch freed widgets)."""
        return generation == self._generation and isValid(self) and isValid(self.status)

    def _done(self, generation: int, show: Callable[[Any], Any], result: Any) -> None:
        if not self._current(generation):  # the user has asked for something newer, or closed the page
            return
        try:
            steps = show(result)
        except Exception as exc:
            self._failed(generation, exc)
            return
        if isinstance(steps, Iterator):  # shown in steps, the event loop running between them
            if self.tasks is None:
                for _step in steps:
                    pass
            else:
                self._step(generation, steps)
                return
        self._finished()

    def _step(self, generation: int, steps: Iterator) -> None:
        """One step of showing a large result; the next is queued, so input and painting come in between."""
        if not self._current(generation):  # a newer load has started: this one stops half-shown
            return
        try:
            next(steps)
        except StopIteration:
            self._finished()
            return
        except Exception as exc:
            self._failed(generation, exc)
            return
        QTimer.singleShot(0, self, lambda: self._step(generation, steps))

    def _finished(self) -> None:
        self.loading = False
        self.status.hide()
        self.status.setAccessibleDescription("")
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not self._current(generation):
            return
        if not isinstance(exc, UserError):
            log.error("Reading %s failed", self.what, exc_info=exc)
        self.loading = False
        message = f"{self.what[:1].upper()}{self.what[1:]} not loaded. {plain_words(exc)}"
        self._say(message, css("alert"))  # read when drawn: the palette in use
        self.failed.emit(message)

    def _say(self, text: str, style: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(style)
        self.status.setAccessibleDescription(text)  # a screen reader reads the state, not only the label
        self.status.show()


def when_shown(page: QWidget, handler: Callable[[Any], None]) -> Callable[[Any], None]:
    """A ``changes_applied`` slot for ``page``: ``handler(changes)`` at once if the page is on screen (or
    is not inside a shown window, as a page built on its own in a test); otherwise once, with everything
    that changed meanwhile, when the page is next shown."""
    keeper = _ShownKeeper(page, handler)
    page.installEventFilter(keeper)
    return keeper.changed


class _ShownKeeper(QObject):
    def __init__(self, page: QWidget, handler: Callable[[Any], None]):
        super().__init__(page)
        self.page = page
        self.handler = handler
        self.pending: Any = None

    def changed(self, changes) -> None:
        window = self.page.window()
        if self.page.isVisible() or window is self.page or not window.isVisible():
            self.handler(changes)
            return
        self.pending = changes if self.pending is None else _merged(self.pending, changes)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.page and event.type() == QEvent.Type.Show and self.pending is not None:
            pending, self.pending = self.pending, None
            self.handler(pending)
        return False


def _merged(a, b):
    from cspdesk.core.services.context import Changes

    return Changes(a.kinds | b.kinds, a.ids | b.ids)
