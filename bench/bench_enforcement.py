"""Benchmark: the notice register's "due and overdue" view over a 100,000-case database.

    PYTHONPATH=. python -m cspdesk demo --db /tmp/bench-enf.sqlite --cases 100000
    PYTHONPATH=. python bench/bench_enforcement.py --db /tmp/bench-enf.sqlite [--repeat 30]

Times the service calls the Enforcement page and the Dashboard make (through the real services, a fresh
unit of work each time, rows turned into DTOs): the due view (14 days), "My work" (one officer), the
first page of the register, and the counts for a year. Prints the median and worst of ``--repeat`` runs
after one warm-up, the database's size, and a markdown snippet for docs/performance/enforcement.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from sqlalchemy import text

from cspdesk.core.clock import FixedClock


def _time(fn, repeat: int) -> tuple[float, float, float, float, object]:
    """Median, 95th-percentile and worst wall time, and median CPU time, in ms. CPU time is reported too
    because wall time on a shared, loaded machine swings from run to run."""
    result = fn()  # warm-up: the first call loads names and fills SQLite's page cache
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    p95 = sorted(wall)[max(0, round(0.95 * len(wall)) - 1)]
    return statistics.median(wall), p95, max(wall), statistics.median(cpu), result


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--repeat", type=int, default=50)
    p.add_argument("--today", default=None, help="YYYY-MM-DD (default: today)")
    args = p.parse_args()

    from cspdesk.core.services.enforcement.enforcement_register import NoticeQuery
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    today = date.fromisoformat(args.today) if args.today else date.today()
    db = open_database(args.db)
    services = build_services(db, "bench.user", clock=FixedClock(today))
    with db.engine.connect() as c:
        cases = c.execute(text("select count(*) from asb_case")).scalar()
        notices = c.execute(text("select count(*) from enforcement_notice")).scalar()
        plan = c.execute(
            text("explain query plan select id from enforcement_notice where next_due_on <= :d"), {"d": today}
        ).all()
    reg = services.notices
    # "My work" for the officer with the most dates due, as a busy officer would see it.
    busiest = statistics.mode([d.officer for d in reg.due(14)] or [""])
    officer = next((i for i, name in reg.filter_options()[1] if name == busiest), None)
    year = (date(today.year - (today.month < 4), 4, 1), date(today.year + (today.month >= 4), 3, 31))
    rows = []
    for name, fn in [
        ("Due and overdue (14 days)", lambda: reg.due(14)),
        ("My work (one officer, 14 days)", lambda: reg.due(14, officer_id=officer)),
        ("Dashboard (due list, overdue count)", lambda: reg.due(14)),
        ("Register: all notice ids, newest first", lambda: reg.notice_ids(NoticeQuery())),
        ("Register: first page of 200 rows", lambda: reg.rows_for(reg.notice_ids(NoticeQuery())[:200])),
        ("Counts for this financial year", lambda: reg.counts(*year)),
    ]:
        median, p95, worst, cpu, result = _time(fn, args.repeat)
        size = len(result) if hasattr(result, "__len__") else len(result.lines)
        rows.append((name, median, p95, worst, cpu, size))
    print(f"Database: {args.db} — {cases:,} cases, {notices:,} notices; today {today:%d/%m/%Y}")
    print(f"Query plan for the due view: {' / '.join(str(r[-1]) for r in plan)}")
    print()
    print("| View | Median ms | 95th pct ms | Worst ms | Median CPU ms | Rows |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, median, p95, worst, cpu, size in rows:
        print(f"| {name} | {median:.1f} | {p95:.1f} | {worst:.1f} | {cpu:.1f} | {size:,} |")
    db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
