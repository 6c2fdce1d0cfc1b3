"""Benchmark: peak memory importing a police.uk zip whose member is large once uncompressed (issue 16).

    PYTHONPATH=. python bench/bench_import_memory.py [--member-mb 1000] [--commit] [--keep DIR] [--max-mb N]
                                                     [--files GLOB]

Makes ``download.zip`` holding one CSV of ``--member-mb`` MB (uncompressed) built by repeating the real
rows of ``../shared/data/police-uk/`` (both files, header once; ~1 MB compressed per 100 MB), then runs the
user's path in a fresh process: ``preview_import`` (read and check) and, with ``--commit``, ``commit_import``
(store) on a new database. Reports wall time and the process's peak memory (ru_maxrss), which includes
Python, pandas and SQLAlchemy being loaded (~150 MB). Run it under the shared lock:

    flock /tmp/cspdesk-bench.lock .venv/bin/python bench/bench_import_memory.py --member-mb 1000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

DATA = Path(os.environ.get("CSPDESK_POLICE_UK_DATA", "/work/shared/data/police-uk"))
DISTRICTS = [
    "Amber Valley",
    "Bolsover",
    "Chesterfield",
    "Derbyshire Dales",
    "Erewash",
    "High Peak",
    "North East Derbyshire",
    "South Derbyshire",
]

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from cspdesk.core.services.registry import build_services
from cspdesk.core.storage.database import open_database

zip_path, db_path, commit, max_mb = sys.argv[1], sys.argv[2], sys.argv[3] == "1", int(sys.argv[4])
if max_mb:  # measuring past the limit: raise it for this process only
    from cspdesk.core.importers.figures_results import ImportLimits
    defaults = list(ImportLimits.__init__.__defaults__)
    defaults[-1] = max_mb * 1_000_000
    ImportLimits.__init__.__defaults__ = tuple(defaults)
services = build_services(open_database(db_path), "bench.user")
started = time.perf_counter()
preview = services.figures.preview_import([zip_path])
read_s = time.perf_counter() - started
stored = 0
if commit and preview.anything_to_import:
    stored = services.figures.commit_import(services.actor, preview, import_good_rows=True).rows_imported
total_s = time.perf_counter() - started
print(json.dumps({
    "files": [f.summary.splitlines()[0] for f in preview.files],
    "rows_accepted": preview.rows_accepted, "rows_stored": stored,
    "read_s": round(read_s, 1), "total_s": round(total_s, 1),
    "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
}))
"""


def make_zip(folder: Path, member_mb: int, pattern: str) -> Path:
    header, rows = None, []
    for path in sorted(DATA.glob(pattern)):
        lines = path.read_bytes().splitlines(keepends=True)
        header = header or lines[0]
        rows.extend(lines[1:])
    block = b"".join(rows)
    target = member_mb * 1_000_000
    archive = folder / f"download-{member_mb}mb{'' if pattern == '*-street.csv' else '-' + pattern}.zip"
    if archive.exists():
        return archive
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zipped:
        with zipped.open("2018-12-street.csv", "w", force_zip64=True) as member:
            member.write(header)
            written = len(header)
            while written + len(block) <= target:
                member.write(block)
                written += len(block)
    return archive


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--member-mb", type=int, default=1000)
    parser.add_argument("--commit", action="store_true", help="store the rows too, not only read them")
    parser.add_argument("--keep", type=Path, help="folder for the zip (kept for another run)")
    parser.add_argument(
        "--files",
        default="*-street.csv",
        help="which real files to repeat, e.g. '*derbyshire*' (every row kept: the worst case)",
    )
    parser.add_argument(
        "--plain", action="store_true", help="import the member as a CSV on disk, not the zip"
    )
    parser.add_argument(
        "--max-mb", type=int, default=0, help="raise the size limit for this run (to measure reading past it)"
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="cspdesk-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    archive = make_zip(folder, args.member_mb, args.files)
    if args.plain:
        plain = archive.with_suffix(".csv")
        if not plain.exists():
            with (
                zipfile.ZipFile(archive) as zipped,
                zipped.open(zipped.namelist()[0]) as member,
                plain.open("wb") as out,
            ):
                while chunk := member.read(1 << 24):
                    out.write(chunk)
        archive = plain
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "CSPDESK_USER": "bench.user", "PYTHONPATH": str(Path(__file__).parent.parent)}
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(archive),
                str(Path(scratch) / "b.sqlite"),
                "1" if args.commit else "0",
                str(args.max_mb),
            ],
            capture_output=True,
            text=True,
            env=env,
        )
    if out.returncode:
        sys.exit(out.stderr)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{archive.name}: {archive.stat().st_size / 1e6:.1f} MB, member {args.member_mb:,} MB uncompressed")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
