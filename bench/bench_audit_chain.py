"""The audit log's hash chain: what appending costs a user action, a mail merge's bulk audit, and how long
``cspdesk audit verify`` takes on a large log.

    flock /tmp/cspdesk-bench.lock .venv/bin/python bench/bench_audit_chain.py [--rows 200000]

Makes a new SQLite file in a temporary folder (removed at the end). Results: docs/performance/audit.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=200_000, help="audit rows in the log verified")
    args = p.parse_args()
    from cspdesk.core.storage import audit_chain
    from cspdesk.core.storage.database import open_database
    from cspdesk.core.storage.uow import uow_factory_for

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "audit.sqlite")
        uow = uow_factory_for(db.engine)

        def one_action(n: int) -> None:
            with uow("bench.user") as u:
                u.audit(
                    "view",
                    "safer_homes_referral",
                    None,
                    f"Opened: restricted Safer Homes referral SH-{n}",
                    {"reference": f"SH-{n}", "what": "Opened", "reason": "Benchmark", "reused": False},
                )
                u.commit()

        for n in range(50):  # warm up
            one_action(n)
        single = []
        for n in range(500):
            t = time.perf_counter()
            one_action(n)
            single.append(time.perf_counter() - t)
        print(f"one action with one audit row, median of 500: {statistics.median(single) * 1000:.2f} ms")

        batch = 1000
        t = time.perf_counter()
        written = 550
        while written < args.rows:
            with uow("bench.user") as u:
                u.audit_many(
                    "create", "document", [(None, f"Letter {i}", {"sha256": "0" * 64}) for i in range(batch)]
                )
                u.commit()
            written += batch
        elapsed = time.perf_counter() - t
        per = elapsed / ((written - 550) / batch)
        print(
            f"bulk audit (a mail merge's), {batch} rows a commit: {per * 1000:.1f} ms a batch "
            f"({per / batch * 1e6:.1f} µs a row)"
        )

        with uow("system") as u:
            t = time.perf_counter()
            report = audit_chain.verify(u.session)
            took = time.perf_counter() - t
        print(f"verify {report.rows:,} rows: {took:.2f} s ({report.rows / took:,.0f} rows/s), ok={report.ok}")
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
