"""Benchmark: the partnership report pack and the quarterly return on a large database.

    cp /tmp/cspdesk-bench-100k.sqlite /tmp/rs100k.sqlite      # a copy: signing in writes the user once
    PYTHONPATH=. python bench/bench_report_pack.py --db /tmp/rs100k.sqlite [--period 2025/26] [--repeat 7]

Times what the Reports page and ``cspdesk report action-taken|quarterly`` ask of the service, through the
real services (a fresh unit of work each call, the Crime Figures section included): ``pack(period)``,
``quarterly(period)``, and the records behind a count as the page reads them when it is clicked — the largest
count of the pack, and every count one after another. Prints the median, fastest and slowest wall time and
the median CPU time of ``--repeat`` runs after one warm-up (CPU time because wall time on a shared machine
swings), the load average, and a markdown table for docs/performance/reports.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date

from cspdesk.core.clock import FixedClock


def _time(fn, repeat: int) -> tuple[float, float, float, float, object]:
    result = fn()  # warm-up: fills SQLite's page cache and SQLAlchemy's statement cache
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), min(wall), max(wall), statistics.median(cpu), result


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--period", default="2025/26", help="as typed on the page (default 2025/26)")
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument(
        "--today", default="2026-11-26", help="YYYY-MM-DD (the produced-on date; default 2026-11-26)"
    )
    p.add_argument("--user", default="bench.user")
    args = p.parse_args()

    from sqlalchemy import text

    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    today = date.fromisoformat(args.today)
    db = open_database(args.db)
    services = build_services(db, args.user, clock=FixedClock(today))
    with db.engine.connect() as c:
        cases = c.execute(text("select count(*) from asb_case")).scalar()
        actions = c.execute(text("select count(*) from case_action")).scalar()
        notices = c.execute(text("select count(*) from enforcement_notice")).scalar()
    service = services.report_pack
    pack = service.pack(args.period)
    biggest = max((m for m in pack.measures if not m.key.startswith("crime_")), key=lambda m: m.count)
    timed = [
        (f"pack('{args.period}'), Crime Figures section included", lambda: service.pack(args.period)),
        (f"quarterly('{args.period}')", lambda: service.quarterly(args.period)),
    ]
    if hasattr(service, "trace"):  # an older checkout, whose pack carried every record, has no trace()
        timed += [
            (
                f"records behind the largest count ({biggest.key}, {biggest.count:,})",
                lambda: service.trace(pack.period, biggest.key),
            ),
            (
                f"records behind every count, one after another ({len(pack.measures)} counts)",
                lambda: [service.trace(pack.period, m.key) for m in pack.measures],
            ),
        ]
    rows = []
    for name, fn in timed:
        rows.append((name, *_time(fn, args.repeat)[:4]))
    load = os.getloadavg()
    print(
        f"Database: {args.db} — {cases:,} cases, {actions:,} actions, {notices:,} notices; "
        f"period {args.period}; {args.repeat} runs after a warm-up; load average {load[0]:.2f} {load[1]:.2f}"
    )
    print()
    print("| What | Median s | Fastest s | Slowest s | Median CPU s |")
    print("|---|---:|---:|---:|---:|")
    for name, median, fastest, slowest, cpu in rows:
        print(f"| {name} | {median:.3f} | {fastest:.3f} | {slowest:.3f} | {cpu:.3f} |")
    db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
