"""Benchmark: importing 1,000,000 police.uk rows against a bare pandas read_csv + groupby.

    PYTHONPATH=. python bench/bench_figures.py [--rows 1000000] [--keep DIR]

Generates a police.uk-style CSV by sampling whole rows of the real files in
``../shared/data/police-uk/`` (so districts, crime types, outcomes and locations keep their real
mix), spread over 24 months, with fresh Crime IDs. Each phase runs in its own process so the
peak memory reported (ru_maxrss) belongs to that phase alone. Prints a markdown snippet.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def phase_baseline(path: Path) -> dict:
    import pandas as pd

    start, cpu = time.perf_counter(), _cpu_seconds()
    frame = pd.read_csv(path)
    counts = frame.groupby(["Month", "LSOA name", "Crime type"]).size()
    return {"seconds": time.perf_counter() - start, "cpu_seconds": _cpu_seconds() - cpu, "groups": len(counts),
            "peak_mb": _peak_mb()}


def phase_import(path: Path, db: Path, all_districts: bool = False) -> dict:
    from sqlalchemy.orm import Session

    from cspdesk.core.figures.months import Period
    from cspdesk.core.importers.figures_files import read_figures_file
    from cspdesk.core.services import figures_store
    from cspdesk.core.storage.database import make_engine
    from cspdesk.core.storage.models import Base

    engine = make_engine(f"sqlite:///{db}")  # the app's own connection settings (WAL, synchronous=NORMAL)
    Base.metadata.create_all(engine)
    start, cpu = time.perf_counter(), _cpu_seconds()
    (imported,) = read_figures_file(path, None if all_districts else list(DISTRICTS))
    read_seconds = time.perf_counter() - start
    with Session(engine) as session, session.begin():
        report = figures_store.store_police_uk(session, imported, "bench")
    import_seconds = time.perf_counter() - start
    import_cpu = _cpu_seconds() - cpu
    with Session(engine) as session, session.begin():
        for area, population in DISTRICTS.items():
            figures_store.set_population(session, area, population, "total population, mid-2020 estimate")
    table_start = time.perf_counter()
    with Session(engine) as session:
        for category in TABLES:
            figures_store.comparison_table(
                session,
                category,
                Period.of_year("2022-01", "2022-12"),
                source="police_uk",
                areas=list(DISTRICTS),
                total_label="Derbyshire County Council area",
                home_area="South Derbyshire",
            )
    tables_ms = (time.perf_counter() - table_start) * 1000
    return {
        "seconds": import_seconds,
        "cpu_seconds": import_cpu,
        "read_seconds": read_seconds,
        "rows_stored": report.rows_stored,
        "tables_ms": tables_ms,
        "peak_mb": _peak_mb(),
        "db_mb": db.stat().st_size / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the generated file here and keep it")
    parser.add_argument("--phase", choices=("baseline", "import"))
    parser.add_argument("--file", type=Path)
    parser.add_argument("--db", type=Path)
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
        print(json.dumps(phase_import(args.file, args.db, args.all_districts)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "2021-01-bench-street.csv"
        generate(path, args.rows)
        size_mb = path.stat().st_size / 2**20

        def run(*extra: str) -> dict:
            out = subprocess.run(
                [sys.executable, __file__, *extra], check=True, capture_output=True, text=True
            )
            return json.loads(out.stdout.strip().splitlines()[-1])

        baseline = run("--phase", "baseline", "--file", str(path))
        extra = ("--all-districts",) if args.all_districts else ()
        imported = run(
            "--phase", "import", "--file", str(path), "--db", str(Path(tmp) / "bench.sqlite"), *extra
        )
    ratio = imported["seconds"] / baseline["seconds"]
    cpu_ratio = imported["cpu_seconds"] / baseline["cpu_seconds"]
    print(f"""
| {args.rows:,} police.uk rows ({size_mb:.0f} MB CSV) | time | CPU time | peak memory |
|---|---|---|---|
| bare `pandas.read_csv` + groupby | {baseline["seconds"]:.2f} s | {baseline["cpu_seconds"]:.2f} s | {baseline["peak_mb"]:.0f} MB |
| CSPDesk import (read + check + store rows + recount) | {imported["seconds"]:.2f} s ({ratio:.2f}×) | {imported["cpu_seconds"]:.2f} s ({cpu_ratio:.2f}×) | {imported["peak_mb"]:.0f} MB |
| … of which reading and checking | {imported["read_seconds"]:.2f} s | | |
| all six comparison tables from the database | {imported["tables_ms"]:.0f} ms | | |

Rows stored: {imported["rows_stored"]:,}; SQLite file {imported["db_mb"]:.0f} MB. Python {sys.version.split()[0]}, {os.cpu_count()} CPUs.""")


if __name__ == "__main__":
    main()
