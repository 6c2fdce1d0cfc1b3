"""Benchmark: importing 1,000,000 police.uk rows against a bare pandas read_csv + groupby.

    PYTHONPATH=. python bench/bench_figures.py [--rows 1000000] [--repeat 5] [--keep DIR | --file CSV]
                                               [--all-districts]

Generates a police.uk-style CSV by sampling whole rows of the real files in
``../shared/data/police-uk/`` (so districts, crime types, outcomes and locations keep their real
mix), spread over 24 months, with fresh Crime IDs (``--file`` reuses one made before).

Each phase runs in its own process, so the peak memory reported (ru_maxrss) is that phase's alone,
and the two are interleaved ``--repeat`` times on the same file so a change in the machine's load
hits both alike; the medians are reported. The import is the user's path: ``preview_import`` (read
and check the file) then ``commit_import`` (store the rows, replace earlier ones, recount, audit,
commit) on a new database opened as the app opens it. Prints a markdown snippet.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(os.environ.get("CSPDESK_POLICE_UK_DATA", "/work/shared/data/police-uk"))
DISTRICTS = {
    "Amber Valley": 128829,
    "Bolsover": 81305,
    "Chesterfield": 104930,
    "Derbyshire Dales": 72422,
    "Erewash": 115332,
    "High Peak": 92633,
    "North East Derbyshire": 102216,
    "South Derbyshire": 109516,
}
TABLES = (
    "Anti-social behaviour",
    "Violence and sexual offences",
    "Burglary",
    "Vehicle crime",
    "Criminal damage and arson",
    "Public order",
)
MONTHS = [f"{year}-{month:02d}" for year in (2021, 2022) for month in range(1, 13)]


def _cpu_seconds() -> float:
    """User + system CPU of this process: steadier than wall time on a shared, busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def generate(path: Path, rows: int) -> None:
    import numpy as np
    import pandas as pd

    real = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in sorted(DATA.glob("*.csv"))])
    rng = np.random.default_rng(2023)
    sample = real.iloc[rng.integers(0, len(real), rows)].reset_index(drop=True)
    sample["Month"] = np.array(MONTHS)[rng.integers(0, len(MONTHS), rows)]
    has_id = sample["Crime ID"] != ""
    ids = np.frombuffer(rng.bytes(32 * int(has_id.sum())), dtype="S32")
    sample.loc[has_id, "Crime ID"] = [i.hex() for i in ids]
    sample.to_csv(path, index=False)


def all_districts(path: Path) -> list[str]:
    """Every district in the file (the worst case: every row kept)."""
    import pandas as pd

    from cspdesk.core.importers.police_uk_files import LSOA_SUFFIX

    names = pd.read_csv(path, usecols=["LSOA name"], dtype="category")["LSOA name"].cat.categories
    return sorted(set(pd.Series(names.astype(str)).str.replace(LSOA_SUFFIX, "", regex=True)))


def phase_baseline(path: Path) -> dict:
    import pandas as pd

    start, cpu = time.perf_counter(), _cpu_seconds()
    frame = pd.read_csv(path)
    counts = frame.groupby(["Month", "LSOA name", "Crime type"]).size()
    return {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": _cpu_seconds() - cpu,
        "groups": len(counts),
        "peak_mb": _peak_mb(),
    }


def phase_import(path: Path, db: Path, districts: list[str] | None) -> dict:
    import pandas  # noqa: F401 - imported before the clock starts, as the baseline imports it

    import cspdesk.core.importers.figures_files  # noqa: F401 - likewise
    from cspdesk.core.figures.months import Period
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    services = build_services(open_database(db), "bench.officer")  # a new database, made as the app makes it
    figures = services.figures
    if districts:
        services.settings.update(services.actor, {"figures.districts": districts})

    start, cpu = time.perf_counter(), _cpu_seconds()
    preview = figures.preview_import([path])
    read_seconds = time.perf_counter() - start
    outcome = figures.commit_import(services.actor, preview, import_good_rows=True)
    import_seconds = time.perf_counter() - start
    import_cpu = _cpu_seconds() - cpu

    # With --all-districts the other districts get a placeholder population: only the tables' time is wanted.
    populations = {d: DISTRICTS.get(d, 100_000) for d in districts or DISTRICTS}
    figures.save_populations(services.actor, populations, "total population, mid-2020 estimate")
    table_start = time.perf_counter()
    tables = figures.comparison_tables(list(TABLES), Period.of_year("2022-01", "2022-12"), source="police_uk")
    tables_ms = (time.perf_counter() - table_start) * 1000  # the first time: statements compiled, pages read
    table_start = time.perf_counter()
    figures.comparison_tables(list(TABLES), Period.of_year("2022-01", "2022-12"), source="police_uk")
    tables_again_ms = (time.perf_counter() - table_start) * 1000
    local_start = time.perf_counter()
    local = figures.local_breakdown(
        "South Derbyshire", "Anti-social behaviour", Period.of_year("2022-01", "2022-12")
    )
    local_ms = (time.perf_counter() - local_start) * 1000
    return {
        "seconds": import_seconds,
        "cpu_seconds": import_cpu,
        "read_seconds": read_seconds,
        "rows_read": sum(f.rows_read for f in preview.files),
        "rows_stored": outcome.rows_imported,
        "rows_rejected": outcome.rows_rejected,
        "tables": len(tables),
        "tables_ms": tables_ms,
        "tables_again_ms": tables_again_ms,
        "local_ms": local_ms,
        "local_rows": local.total,
        "peak_mb": _peak_mb(),
        "db_mb": db.stat().st_size / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="baseline/import pairs, interleaved")
    parser.add_argument("--keep", type=Path, help="write the generated file here and keep it")
    parser.add_argument("--file", type=Path, help="use this police.uk CSV instead of generating one")
    parser.add_argument("--phase", choices=("baseline", "import"))
    parser.add_argument("--db", type=Path)
    parser.add_argument("--districts", help="(phase import) JSON list of districts to count")
    parser.add_argument(
        "--all-districts",
        action="store_true",
        help="keep every row (worst case) instead of only the eight Derbyshire districts",
    )
    args = parser.parse_args()
    if args.phase == "baseline":
        print(json.dumps(phase_baseline(args.file)))
        return
    if args.phase == "import":
        print(
            json.dumps(
                phase_import(args.file, args.db, json.loads(args.districts) if args.districts else None)
            )
        )
        return

    with tempfile.TemporaryDirectory() as tmp:
        if args.file:
            path = args.file
        else:
            folder = args.keep or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "2021-01-bench-street.csv"
            generate(path, args.rows)
        size_mb = path.stat().st_size / 2**20
        extra = ("--districts", json.dumps(all_districts(path))) if args.all_districts else ()

        # The import opens a new database as the app does, and the app encrypts every new file: the phase
        # needs a key, which a benchmark has no credential store for (a throwaway one, as automation gives).
        env = {**os.environ, "CSPDESK_DB_KEY": os.environ.get("CSPDESK_DB_KEY", "be9c" * 16)}

        def run(*more: str) -> dict:
            out = subprocess.run([sys.executable, __file__, *more], capture_output=True, text=True, env=env)
            if out.returncode:
                sys.exit(f"phase {more[1]} failed:\n{out.stderr.strip()}")
            return json.loads(out.stdout.strip().splitlines()[-1])

        runs = []
        for number in range(1, args.repeat + 1):
            baseline = run("--phase", "baseline", "--file", str(path))
            db = Path(tmp) / f"bench-{number}.sqlite"
            imported = run("--phase", "import", "--file", str(path), "--db", str(db), *extra)
            for leftover in Path(tmp).glob(db.name + "*"):
                leftover.unlink()
            runs.append((baseline, imported, os.getloadavg()[0]))
            print(
                f"run {number}: bare {baseline['seconds']:.2f} s (CPU {baseline['cpu_seconds']:.2f}), "
                f"import {imported['seconds']:.2f} s (CPU {imported['cpu_seconds']:.2f}), "
                f"{imported['seconds'] / baseline['seconds']:.2f}×; load {runs[-1][2]:.2f}",
                file=sys.stderr,
            )

    def median(values) -> float:
        return statistics.median(list(values))

    bare, imp = median(b["seconds"] for b, _i, _l in runs), median(i["seconds"] for _b, i, _l in runs)
    bare_cpu, imp_cpu = (
        median(b["cpu_seconds"] for b, _i, _l in runs),
        median(i["cpu_seconds"] for _b, i, _l in runs),
    )
    ratios = sorted(i["seconds"] / b["seconds"] for b, i, _l in runs)
    cpu_ratios = sorted(i["cpu_seconds"] / b["cpu_seconds"] for b, i, _l in runs)
    last = runs[-1][1]
    print(f"""
{runs[-1][1]["rows_read"]:,} police.uk rows ({size_mb:.0f} MB CSV); {len(runs)} interleaved runs; \
Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; \
load average {min(r[2] for r in runs):.2f}–{max(r[2] for r in runs):.2f}.

| run | bare `read_csv` + groupby | CSPDesk import | ratio | CPU: bare / import (ratio) |
|---|---|---|---|---|""")
    for number, (b, i, _load) in enumerate(runs, start=1):
        print(
            f"| {number} | {b['seconds']:.2f} s | {i['seconds']:.2f} s | "
            f"{i['seconds'] / b['seconds']:.2f}× | {b['cpu_seconds']:.2f} / "
            f"{i['cpu_seconds']:.2f} s ({i['cpu_seconds'] / b['cpu_seconds']:.2f}×) |"
        )
    print(f"""| **median** | **{bare:.2f} s** | **{imp:.2f} s** | **{median(ratios):.2f}×** \
(range {ratios[0]:.2f}–{ratios[-1]:.2f}) | {bare_cpu:.2f} / {imp_cpu:.2f} s ({median(cpu_ratios):.2f}×) |

Peak memory: bare {median(b["peak_mb"] for b, _i, _l in runs):.0f} MB, import \
{median(i["peak_mb"] for _b, i, _l in runs):.0f} MB. Of the import, reading and checking (preview) \
{median(i["read_seconds"] for _b, i, _l in runs):.2f} s. Rows stored {last["rows_stored"]:,} \
(rejected {last["rows_rejected"]:,}); database {last["db_mb"]:.0f} MB. All six comparison tables, \
the first time in the process: {median(i["tables_ms"] for _b, i, _l in runs):.0f} ms median, \
{max(i["tables_ms"] for _b, i, _l in runs):.0f} ms at most; again: \
{median(i["tables_again_ms"] for _b, i, _l in runs):.0f} ms. South Derbyshire ASB local breakdown \
({last["local_rows"]:,} rows) {median(i["local_ms"] for _b, i, _l in runs):.0f} ms.""")


if __name__ == "__main__":
    main()
