"""Foundation benchmark on 100,000 cases: demo generation rate, start-up to the first page of
cases, search by surname/postcode against raw sqlite3, and peak memory with the list open.

  .venv/bin/python bench/bench_foundation.py [--db /tmp/cspdesk-bench-100k.sqlite] [--cases 100000]

Builds the database once (reused if present). Prints a markdown table for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_ms(fn, runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", default="/tmp/cspdesk-bench-100k.sqlite")
    p.add_argument("--cases", type=int, default=100_000)
    args = p.parse_args()
    db = Path(args.db)
    rows = []
    if not db.exists():
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cspdesk", "demo", "--db", str(db), "--cases", str(args.cases)],
            check=True,
            cwd=ROOT,
        )
        secs = time.perf_counter() - t
        rows.append(
            (
                "Demo data generation (incl. process start and migration)",
                f"{args.cases:,} cases in {secs:.1f} s = {args.cases / secs:,.0f} cases/s",
                "—",
            )
        )

    # As on an officer's laptop: compiled bytecode present and used (this sandbox sets
    # PYTHONDONTWRITEBYTECODE).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "cspdesk")], check=True, env=env)
    starts, peaks, readies = [], [], []
    # One start first, not timed: it signs bench.user in (a returning user is the everyday start; a first
    # sign-in writes, so it takes the ordinary start) and warms the file cache as any earlier start would.
    for timed in [False] + [True] * 5:
        env["CSPDESK_PROBE_STARTED"] = repr(time.time())
        out = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "startup_probe.py"), str(db)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        ).stdout.split()
        if not timed:
            continue
        starts.append(float(out[0]))
        peaks.append(float(out[1]))
        readies.append(float(out[3]))
    rows.append(
        (
            "Process start → main window with the first page of (open) cases (median of 5)",
            f"{statistics.median(starts):.2f} s",
            "≤ 1.0 s",
        )
    )
    rows.append(
        (
            "Process start → every service loaded behind that window (median of 5)",
            f"{statistics.median(readies):.2f} s",
            "—",
        )
    )
    rows.append(("Peak memory, window open on the case list", f"{max(peaks):.0f} MB", "≤ 400 MB"))

    from cspdesk.core.services.cases.case_list import CaseQuery
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database
    from cspdesk.core.storage.encryption import connect_file
    from cspdesk.core.storage.search import query_terms

    services = build_services(open_database(db), "bench.user")
    raw = connect_file(db)  # plain or encrypted (storage.encryption): the driver, without CSPDesk
    surname = raw.execute("select surname from person group by surname order by count(*) limit 1").fetchone()[
        0
    ]
    postcode = raw.execute("select postcode from address where place_type='residential' limit 1").fetchone()[
        0
    ]
    for label, text_ in (("surname", surname), ("postcode", postcode)):
        terms = " AND ".join(f'"{t}"*' for t in query_terms(text_))
        sql = (
            "select id from asb_case where rowid in (select rowid from case_fts where case_fts match ?) "
            "order by reported_on desc, reference desc"
        )
        n = len(services.case_list.case_ids(CaseQuery(text=text_)))
        app_ms = median_ms(lambda t=text_: services.case_list.case_ids(CaseQuery(text=t)))
        raw_ms = median_ms(lambda s=sql, t=terms: raw.execute(s, (t,)).fetchall())
        rows.append(
            (
                f"Search by {label} ('{text_}', {n:,} matches) over {args.cases:,} cases",
                f"{app_ms:.2f} ms (raw sqlite3: {raw_ms:.2f} ms, {app_ms / raw_ms:.1f}×)",
                "≤ 50 ms, ≤ 2× raw",
            )
        )
    all_ms = median_ms(lambda: services.case_list.case_ids(CaseQuery()), runs=5)
    rows.append((f"Listing all {args.cases:,} case ids, newest first", f"{all_ms:.0f} ms", "—"))
    page_ms = median_ms(
        lambda: services.case_list.rows_for(services.case_list.case_ids(CaseQuery(status="open"))[:200]),
        runs=5,
    )
    rows.append(("Open cases + one page of 200 rows", f"{page_ms:.0f} ms", "—"))
    print("| Measure | Result | Target |\n|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
