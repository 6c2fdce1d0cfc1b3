"""Benchmark: what the write gate costs (issue 16) — ``PRAGMA quick_check`` over a whole file, which the
window runs in the background at start and a command runs before its first write, and the SQLite authorizer on
every connection during a bulk write (demo data generation, the heaviest writer).

    cspdesk demo --db /tmp/bench-qc.sqlite --cases 20000          # once (any demo file will do)
    flock /tmp/cspdesk-bench.lock .venv/bin/python bench/bench_quick_check.py --db /tmp/bench-qc.sqlite

Prints the file's size, quick_check's wall time (median of ``--runs``, the page cache warm after the first run
and cold-ish on the first), and demo generation of ``--cases`` cases into a new file with and without the
authorizer installed (alternating, median of ``--runs``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _demo_seconds(cases: int, gate: bool) -> float:
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage import database as database_module
    from cspdesk.core.storage.database import open_database

    original = database_module.attach
    if not gate:
        database_module.attach = lambda _engine, _gate: None
    try:
        with tempfile.TemporaryDirectory() as folder:
            db = open_database(Path(folder) / "demo.sqlite")
            services = build_services(db, "bench.admin")
            start = time.perf_counter()
            services.demo.load(None, cases=cases, seed=5)
            seconds = time.perf_counter() - start
            db.engine.dispose()
    finally:
        database_module.attach = original
    return seconds


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True, help="a demo database to check (read only)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--cases", type=int, default=1500, help="demo cases for the authorizer's cost (0: skip)")
    args = p.parse_args()
    from cspdesk.core.storage.sqlite_file import quick_check

    path = Path(args.db)
    print(f"{path}: {path.stat().st_size / 1e6:,.0f} MB")
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        result = quick_check(path)
        times.append(time.perf_counter() - start)
    print(
        f"quick_check: {result}; first {times[0]:.2f} s, median {statistics.median(times):.2f} s "
        f"({', '.join(f'{t:.2f}' for t in times)})"
    )
    if args.cases:
        with_gate, without = [], []
        for _ in range(args.runs):
            with_gate.append(_demo_seconds(args.cases, True))
            without.append(_demo_seconds(args.cases, False))
        print(
            f"demo data, {args.cases:,} cases: with the authorizer median "
            f"{statistics.median(with_gate):.2f} s ({', '.join(f'{t:.2f}' for t in with_gate)}); "
            f"without {statistics.median(without):.2f} s ({', '.join(f'{t:.2f}' for t in without)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
