"""What encryption at rest costs: the same demo database plain and SQLCipher-encrypted, timed the same ways.

    flock /tmp/cspdesk-bench.lock .venv/bin/python bench/bench_encryption.py [--cases 100000] [--folder DIR]

Makes ``enc.sqlite`` with ``cspdesk demo`` (encrypted, as every new database is: a random 256-bit key, as the
credential store gives) and ``plain.sqlite``, a plain copy of it (``sqlcipher_export``), once; reused if
present. For each, in fresh processes: process start → window with the first page of cases
(``startup_probe.py``, the quick start), a surname search (the case list's own ``case_ids``), the report pack
for 2025/26, a 500-letter mail merge (``run_batch``, one process, on a fresh copy of the file) and a backup
(online backup API, verified). Prints a markdown table with the ratios for docs/performance/encryption.md.
``--interleaved`` (after a full run has made the files): search and report pack only, both files in one
process, timed alternately.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
KEY = "3c" * 32  # a random-looking 256-bit key, as the credential store would hold


def median_s(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def child(db: Path, repeat: int) -> None:
    """One variant in one process: search, report pack, backup, then a 500-letter merge on a fresh copy."""
    import uuid

    from sqlalchemy import text

    from cspdesk.core.clock import FixedClock, install
    from cspdesk.core.services.cases.case_query import CaseQuery
    from cspdesk.core.services.letters.letter_sources import Subject
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.backups import BackupPolicy, take_backup
    from cspdesk.core.storage.database import open_database

    clock = FixedClock(__import__("datetime").date(2026, 11, 26))
    install(clock)
    db_ = open_database(db)
    services = build_services(db_, "bench.user", clock=clock)
    with db_.engine.connect() as c:
        surname = c.execute(
            text("select surname from person group by surname order by count(*) desc limit 1")
        ).scalar()
    out = {}
    n = len(services.case_list.case_ids(CaseQuery(text=surname)))
    out["search"] = median_s(lambda: services.case_list.case_ids(CaseQuery(text=surname)), repeat * 3)
    out["search_label"] = f"{surname}, {n:,} matches"
    out["pack"] = median_s(lambda: services.report_pack.pack("2025/26"), repeat)
    folder = db.parent / f"backups-{db.stem}"
    t = time.perf_counter()
    take_backup(db, folder, when=clock.now(), policy=BackupPolicy())
    out["backup"] = time.perf_counter() - t
    shutil.rmtree(folder)
    db_.engine.dispose()

    copy = db.with_name(f"merge-{db.name}")
    shutil.copy(db, copy)
    db_ = open_database(copy)
    services = build_services(
        db_, "sarah.bancroft", clock=clock
    )  # a demo officer, with a job title to sign with
    with db_.engine.connect() as c:
        ids = [
            uuid.UUID(r[0])
            for r in c.execute(
                text(
                    "select distinct case_id from case_party where role = "
                    "'complainant' and person_id is not null order by case_id limit 500"
                )
            )
        ]
    letters, actor = services.letters, services.actor
    letters.choices(Subject.CASE)
    letters.form(actor, Subject.CASE, "complaint_ack", ids[0])
    from cspdesk.core.services.letters.letters_batch import run_batch

    t = time.perf_counter()
    r = run_batch(letters, actor, Subject.CASE, "complaint_ack", ids, combined=True, workers=1)
    out["merge"] = time.perf_counter() - t
    out["letters"] = r.letters
    db_.engine.dispose()
    copy.unlink()
    for side in ("-wal", "-shm"):
        Path(f"{copy}{side}").unlink(missing_ok=True)
    print(json.dumps(out), flush=True)


def interleaved(folder: Path, rounds: int) -> None:
    """Both files open in one process, search and report pack timed alternately (the fairest comparison on a
    shared machine); medians of all rounds but the first."""
    from cspdesk.core.clock import FixedClock, install
    from cspdesk.core.services.cases.case_query import CaseQuery
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    clock = FixedClock(__import__("datetime").date(2026, 11, 26))
    install(clock)
    services = {
        name: build_services(open_database(folder / f"{name}.sqlite"), "bench.user", clock=clock)
        for name in ("plain", "enc")
    }
    with services["plain"].database.engine.connect() as c:
        surname = c.exec_driver_sql(
            "select surname from person group by surname order by count(*) desc limit 1"
        ).scalar()
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds + 1):
        for name, s in services.items():
            for what, fn in (
                ("search", lambda s=s: s.case_list.case_ids(CaseQuery(text=surname))),
                ("pack", lambda s=s: s.report_pack.pack("2025/26")),
            ):
                t = time.perf_counter()
                fn()
                times.setdefault((name, what), []).append(time.perf_counter() - t)
    print(f"Interleaved, {rounds} rounds after a warm-up; load average {os.getloadavg()[0]:.2f}\n")
    print("| Measure | Plain | Encrypted | Ratio |\n|---|---:|---:|---:|")
    for what, label, scale, unit in (
        ("search", f"Surname search ({surname})", 1000, "ms"),
        ("pack", "Report pack 2025/26", 1, "s"),
    ):
        a = statistics.median(times[("plain", what)][1:]) * scale
        b = statistics.median(times[("enc", what)][1:]) * scale
        print(f"| {label} | {a:,.2f} {unit} | {b:,.2f} {unit} | {b / a:.2f}× |")


def startup(db: Path, env: dict, runs: int) -> float:
    times = []
    for timed in [False] + [True] * runs:
        env["CSPDESK_PROBE_STARTED"] = repr(time.time())
        out = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "startup_probe.py"), str(db)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        ).stdout.split()
        if timed:
            times.append(float(out[0]))
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--folder", default="/tmp/cspdesk-bench-crypt")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--interleaved",
        action="store_true",
        help="only search and report pack, both files in one process, timed alternately",
    )
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(Path(args.child), args.repeat)
        return 0
    if args.interleaved:
        os.environ.setdefault("CSPDESK_DB_KEY", KEY)
        interleaved(Path(args.folder) / str(args.cases), args.repeat)
        return 0
    folder = Path(args.folder) / str(args.cases)
    folder.mkdir(parents=True, exist_ok=True)
    enc, plain = folder / "enc.sqlite", folder / "plain.sqlite"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM="offscreen", CSPDESK_DB_KEY=KEY, PYTHONPATH=str(ROOT))
    if not enc.exists():
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cspdesk", "demo", "--db", str(enc), "--cases", str(args.cases)],
            check=True,
            cwd=ROOT,
            env=env,
        )
        print(f"demo: {args.cases:,} cases in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    if not plain.exists():
        from cspdesk.core.storage import encryption

        con = encryption.connect_file(enc, key=encryption.DatabaseKey(KEY, "bench"), isolation_level=None)
        version = con.execute("PRAGMA user_version").fetchone()[0]
        con.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        con.execute("SELECT sqlcipher_export('plain')")
        con.execute(f"PRAGMA plain.user_version = {version}")
        con.execute("DETACH DATABASE plain")
        con.close()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "cspdesk")], check=True, env=env)
    results = {}
    for name, db in (("plain", plain), ("encrypted", enc)):
        r = {"start": startup(db, dict(env), args.repeat)}
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(db), "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
        r.update(json.loads(out.stdout.strip().splitlines()[-1]))
        results[name] = r
    p, e = results["plain"], results["encrypted"]
    size = enc.stat().st_size / 1e6
    print(
        f"{args.cases:,} cases ({size:,.0f} MB file); medians of {args.repeat} after a warm-up; load average "
        f"{os.getloadavg()[0]:.2f}\n"
    )
    print("| Measure | Plain | Encrypted | Ratio |\n|---|---:|---:|---:|")
    rows = [
        ("Process start → window with the first page of open cases", "start", 1, "s"),
        (f"Surname search ({p['search_label']})", "search", 1000, "ms"),
        ("Report pack 2025/26", "pack", 1, "s"),
        (f"Mail merge, {p['letters']} letters filed + print file (1 process)", "merge", 1, "s"),
        ("Backup (online backup API, then verified)", "backup", 1, "s"),
    ]
    for label, key, scale, unit in rows:
        a, b = p[key] * scale, e[key] * scale
        print(f"| {label} | {a:,.2f} {unit} | {b:,.2f} {unit} | {b / a:.2f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
