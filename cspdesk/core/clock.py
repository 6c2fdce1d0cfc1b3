"""The one clock: the only place in CSPDesk that reads the system's date and time.

The composition root (``cspdesk.bootstrap``, the CLI commands) makes one ``SystemClock`` and hands it to the
services (``build_services(..., clock=...)``), which hand it to the pages (``services.clock``); it is also
*installed* here so that the few readers with no service to ask (column defaults such as
``updated_at``, backup file names) use the same object. Tests install a ``FixedClock``
(``tests/conftest.py``), so the suite passes on any date.

Everything else asks a clock: ``clock.today()`` for the calendar date, ``clock.now()`` for the local wall time
(chronology lines, letters' dates), ``clock.utcnow()`` for stored timestamps. A test
(``tests/test_architecture.py::test_only_the_clock_reads_the_system_clock``) fails if any other module in
``cspdesk/`` calls ``date.today()``, ``datetime.now()`` or Qt's ``currentDate``/``currentDateTime``.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def today(self) -> date: ...

    def now(self) -> datetime:
        """Local wall-clock time, naive, to the second."""
        ...

    def utcnow(self) -> datetime:
        """UTC, naive (how timestamps are stored), to the microsecond."""
        ...

    def timestamp(self) -> float:
        """Seconds since the epoch (to compare with a moment another process noted, e.g. its start)."""
        ...


class SystemClock:
    """The real clock. The only reader of the system clock in CSPDesk."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now().replace(microsecond=0)

    def utcnow(self) -> datetime:
        return datetime.now(UTC).replace(tzinfo=None)

    def timestamp(self) -> float:
        return datetime.now(UTC).timestamp()

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that says what it is told (tests, benchmarks, reproducible demo data).

    ``FixedClock(datetime(2026, 11, 26, 10, 0))`` or ``FixedClock(date(2026, 11, 26))`` (10:00 that day).
    The date and wall time stand still unless ``advance`` or ``set`` moves them. ``utcnow`` (stored
    timestamps) is that time taken as UTC plus one microsecond for every earlier call, as a real clock
    always moves on: two rows written one after the other are never stamped the same, so "newest first"
    means what it does in real use.
    """

    def __init__(self, at: datetime | date) -> None:
        self._lock = threading.Lock()
        self._at = self._as_datetime(at)
        self._ticks = 0

    @staticmethod
    def _as_datetime(at: datetime | date) -> datetime:
        if isinstance(at, datetime):
            return at
        return datetime(at.year, at.month, at.day, 10, 0)

    def set(self, at: datetime | date) -> None:
        with self._lock:
            self._at = self._as_datetime(at)
            self._ticks = 0

    def advance(self, **delta: float) -> None:
        """``clock.advance(days=1)``, ``clock.advance(minutes=5)``."""
        with self._lock:
            self._at += timedelta(**delta)

    def today(self) -> date:
        return self._at.date()

    def now(self) -> datetime:
        return self._at.replace(microsecond=0)

    def utcnow(self) -> datetime:
        with self._lock:
            self._ticks += 1
            return self._at + timedelta(microseconds=self._ticks)

    def timestamp(self) -> float:
        return self._at.replace(tzinfo=UTC).timestamp()

    def __repr__(self) -> str:
        return f"FixedClock({self._at.isoformat()})"


_installed: Clock = SystemClock()


def install(clock: Clock) -> Clock:
    """Make ``clock`` the app's clock (the composition root does this once; tests install a FixedClock).
    Returns the clock that was installed before, so a caller can put it back."""
    global _installed
    previous, _installed = _installed, clock
    return previous


def current() -> Clock:
    """The installed clock, for readers that have no service to ask (column defaults, file names)."""
    return _installed
