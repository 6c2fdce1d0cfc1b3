"""A long mail merge renders in worker processes: the letters must be byte-for-byte the ones a single
process makes (they are filed as they are), in the same order, and cancelling must still work."""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor, wait

import pytest

from cspdesk.core.reports import BatchCancelled, LetterJob, batch, default_templates, demo_values
from cspdesk.core.reports.batch import CHUNK, render_merge

from .letters_helpers import LETTERHEAD, page_count

pytestmark = pytest.mark.slow


def jobs(n: int) -> list[LetterJob]:
    t = default_templates()["complaint_ack"]
    return [
        LetterJob(
            t.body,
            {**demo_values(), "recipient_name": f"Resident {i}", "reference": f"R/{i:03d}"},
            LETTERHEAD,
            t.protective_marking,
            False,
            t.name,
        )
        for i in range(n)
    ]


class _WatchedPool(ProcessPoolExecutor):
    """The merge's helper pool, recording what it is given, so the test can wait for the helper to be ready
    and see that it rendered letters."""

    made: list[_WatchedPool] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitted: list[tuple[str, Future]] = []
        _WatchedPool.made.append(self)

    def submit(self, fn, /, *args, **kwargs):
        future = super().submit(fn, *args, **kwargs)
        self.submitted.append((fn.__name__, future))
        return future


def test_worker_processes_give_the_same_bytes_in_the_same_order(monkeypatch):
    """Catches a merge whose letters come out in another order, or different, when a helper process lays
    out some of them. This process waits, at its first letter, until the helper has started, so the helper
    surely takes the first chunk (before, a fixed sleep per letter only made that likely). Seen to fail with
    the helper given its chunk's letters in reverse order."""
    monkeypatch.setattr(batch, "ProcessPoolExecutor", _WatchedPool)
    _WatchedPool.made.clear()
    items = jobs(3 * CHUNK + 3)
    serial, serial_print = render_merge(items, combined=True)
    seen: list[int] = []

    def held_until_the_helper_is_ready(done: int, total: int) -> None:
        if not seen:
            (pool,) = _WatchedPool.made
            ready = [f for name, f in pool.submitted if name == "_ready"]
            finished, _ = wait(ready, timeout=120)  # returns as soon as the helper has loaded ReportLab
            assert finished == set(ready), "the helper process did not start"
        seen.append(done)

    parallel, parallel_print = render_merge(
        items, combined=True, workers=2, progress=held_until_the_helper_is_ready
    )
    (pool,) = _WatchedPool.made
    assert [name for name, _ in pool.submitted].count("_render_chunk") >= 1  # the helper did lay out letters
    assert parallel == serial
    assert parallel_print == serial_print and page_count(parallel_print) == sum(page_count(p) for p in serial)
    assert seen[-1] == len(items) and seen == sorted(seen)


def test_cancelling_stops_worker_processes():
    items = jobs(4 * CHUNK)
    with pytest.raises(BatchCancelled):
        render_merge(items, workers=2, cancelled=lambda: True)
