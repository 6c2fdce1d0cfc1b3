"""A long mail merge renders in worker processes: the letters must be byte-for-byte the ones a single
process makes (they are filed as they are), in the same order, and cancelling must still work."""

from __future__ import annotations

import time

import pytest

from cspdesk.core.reports import BatchCancelled, LetterJob, default_templates, demo_values
from cspdesk.core.reports.batch import CHUNK, render_merge

from .letters_helpers import LETTERHEAD, page_count

pytestmark = pytest.mark.slow


def jobs(n: int) -> list[LetterJob]:
    t = default_templates()["complaint_ack"]
    return [
        LetterJob(t.body, {**demo_values(), "recipient_name": f"Resident {i}", "reference": f"R/{i:03d}"},
                  LETTERHEAD, t.protective_marking, False, t.name)
        for i in range(n)
    ]


def test_worker_processes_give_the_same_bytes_in_the_same_order():
    items = jobs(3 * CHUNK + 3)
    serial, serial_print = render_merge(items, combined=True)
    seen: list[int] = []

    def slowly(done: int, total: int) -> None:  # this process slowed down, so the helper takes some chunks
        seen.append(done)
        time.sleep(0.03)

    parallel, parallel_print = render_merge(items, combined=True, workers=2, progress=slowly)
    assert parallel == serial
    assert parallel_print == serial_print and page_count(parallel_print) == sum(page_count(p) for p in serial)
    assert seen[-1] == len(items) and seen == sorted(seen)


def test_cancelling_stops_worker_processes():
    items = jobs(4 * CHUNK)
    with pytest.raises(BatchCancelled):
        render_merge(items, workers=2, cancelled=lambda: True)
