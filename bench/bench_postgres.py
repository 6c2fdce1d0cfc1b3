"""The case list on a PostgreSQL server, beside the same on a SQLite file: search (FTS5 on SQLite, LIKE
over ``search_text`` on PostgreSQL), listing every id, and a page of rows.

  .venv/bin/python bench/bench_postgres.py --url postgresql://cspdesk@localhost/cspdesk_bench \\
      [--cases 100000] [--sqlite /tmp/cspdesk-bench-100k.sqlite]

Fills the server database with ``cspdesk demo --cases N`` when it has no cases (timed), then times the
service calls the case list makes (median of repeated runs). Prints a markdown table.
"""

from __future__ import annotations

import argparse
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


def measure(target: str, surname: str, postcode: str) -> dict[str, str]:
    from cspdesk.core.services.cases.case_list import CaseQuery
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    db = open_database(target)
    services = build_services(db, "bench.user")
    out = {}
    for label, text_ in (("surname", surname), ("postcode", postcode)):
        n = len(services.case_list.case_ids(CaseQuery(text=text_)))
        ms = median_ms(lambda t=text_: services.case_list.case_ids(CaseQuery(text=t)))
        out[f"Search by {label} ('{text_}')"] = f"{ms:.1f} ms ({n:,} matches)"
    out["Listing every case id, newest first"] = (
        f"{median_ms(lambda: services.case_list.case_ids(CaseQuery()), 5):.0f} ms"
    )
    out["Open cases + one page of 200 rows"] = "{:.0f} ms".format(
        median_ms(
            lambda: services.case_list.rows_for(services.case_list.case_ids(CaseQuery(status="open"))[:200]),
            5,
        )
    )
    db.engine.dispose()
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True, help="an empty (or earlier filled) PostgreSQL database")
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--sqlite", help="a SQLite demo database of the same size, for comparison")
    args = p.parse_args()

    from sqlalchemy import create_engine, text

    from cspdesk.core.storage.database import resolve_url

    url = resolve_url(args.url)
    engine = create_engine(url)
    with engine.connect() as conn:
        has_cases = (
            conn.execute(
                text("select count(*) from information_schema.tables where table_name = 'asb_case'")
            ).scalar()
            and conn.execute(text("select count(*) from asb_case")).scalar()
        )
    if not has_cases:
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cspdesk", "demo", "--db", url, "--cases", str(args.cases)],
            check=True,
            cwd=ROOT,
        )
        secs = time.perf_counter() - t
        print(
            f"Demo data: {args.cases:,} cases in {secs:.0f} s ({args.cases / secs:,.0f} cases/s)",
            file=sys.stderr,
        )
    with engine.connect() as conn:
        cases = conn.execute(text("select count(*) from asb_case")).scalar()
        surname = conn.execute(
            text("select surname from person group by surname order by count(*), surname limit 1")
        ).scalar()
        postcode = conn.execute(
            text("select postcode from address where place_type = 'residential' order by postcode limit 1")
        ).scalar()
    engine.dispose()

    results = {"PostgreSQL": measure(url, surname, postcode)}
    if args.sqlite:
        results["SQLite"] = measure(args.sqlite, surname, postcode)
    names = list(results)
    print(f"| Measure ({cases:,} cases) | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for key in results["PostgreSQL"]:
        print(f"| {key} | " + " | ".join(results[n].get(key, "—") for n in names) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
