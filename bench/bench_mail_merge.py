"""The whole mail merge as an officer runs it, timed from the moment the merge starts (the Letters page's
task calls ``run_batch``) to every letter committed: values read from the database for each case, every
letter laid out, each filed on its own case as its own PDF (blob, document, chronology, audit, in one
transaction), and the combined print file the page shows afterwards (the page's default; ``--separate``
for "one PDF per letter, into a folder", which has no print file).

    PYTHONPATH=. python bench/bench_mail_merge.py [--n 500] [--workers 1 2] [--repeat 3] \
        [--template complaint_ack]

Each run is a fresh process on a fresh copy of the same demo database, with only what the Mail merge tab
has done before the button is pressed (listed the templates, shown the boxes for the first case): the
first merge pays for importing ReportLab, registering the fonts and starting any helper process, as the
first merge after opening CSPDesk does. The same process then runs the merge again on another fresh copy
(``later merge``: ReportLab loaded, helpers started anew). Prints wall-clock and CPU time (the process
and its helpers) and peak memory (the process; the largest helper). Figures go into
docs/performance/letters.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cpu_seconds() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def reap_helpers(timeout: float = 30) -> None:
    import multiprocessing

    end = time.monotonic() + timeout
    while multiprocessing.active_children() and time.monotonic() < end:
        time.sleep(0.05)


def make_database(folder: Path, n: int) -> tuple[Path, list[str]]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from cspdesk.core.demo import generate_demo
    from cspdesk.core.services.admin.users import UserService
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database
    from cspdesk.core.storage.models import CaseParty
    from cspdesk.core.storage.uow import uow_factory_for

    path = folder / "demo.sqlite"
    db = open_database(path)
    UserService(uow_factory_for(db.engine)).sign_in("bench.officer")
    with Session(db.engine) as s:
        generate_demo(s, cases=int(n * 1.4) + 50, seed=3)
        s.commit()
        ids = list(
            dict.fromkeys(
                s.scalars(
                    select(CaseParty.case_id)
                    .where(CaseParty.role == "complainant", CaseParty.person_id.is_not(None))
                    .order_by(CaseParty.case_id)
                )
            )
        )[:n]
    svc = build_services(db, "bench.officer")
    svc.users.update_user(svc.actor, svc.actor.user_id, job_title="Community Safety Officer")
    db.engine.dispose()
    return path, [str(i) for i in ids]


def child(args: argparse.Namespace) -> None:
    """One process: a first merge, then a later one, each on its own fresh copy of the database."""
    import uuid

    from cspdesk.core.services.letters.letter_sources import Subject
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    ids = [uuid.UUID(i) for i in json.loads(Path(args.ids).read_text())]
    for run in ("first merge", "later merge"):
        copy = Path(args.db).with_name(f"run-{os.getpid()}-{run[0]}.sqlite")
        shutil.copy(args.db, copy)
        db = open_database(copy)
        svc = build_services(db, "bench.officer")
        # What the Mail merge tab has done before "Produce and file letters" is pressed: listed the
        # templates and asked the first matching case's form for the boxes to show. Not ReportLab.
        letters, actor = svc.letters, svc.actor
        letters.choices(Subject.CASE)
        letters.form(actor, Subject.CASE, args.template, ids[0])
        assert "reportlab" not in sys.modules or run == "later merge"
        from cspdesk.core.services.letters.letters_batch import run_batch  # as the page does, inside its task

        c0, t0 = cpu_seconds(), time.perf_counter()
        r = run_batch(
            letters,
            actor,
            Subject.CASE,
            args.template,
            ids,
            combined=not args.separate,
            workers=args.child_workers,
        )
        wall = time.perf_counter() - t0
        reap_helpers()  # their CPU time and memory are counted once they have exited and been waited for
        cpu = cpu_seconds() - c0
        print(
            json.dumps(
                {
                    "run": run,
                    "letters": r.letters,
                    "wall": wall,
                    "cpu": cpu,
                    "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                    "helper_rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                    "print_mb": len(r.combined) / 1e6 if r.combined else 0,
                    "letter_kb": sum(len(p) for _, p in r.files) / len(r.files) / 1024,
                }
            ),
            flush=True,
        )
        db.engine.dispose()
        copy.unlink()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="processes rendering (this one included)"
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--template", default="complaint_ack")
    ap.add_argument(
        "--separate", action="store_true", help="no print file (one PDF per letter, into a folder)"
    )
    ap.add_argument("--child-workers", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--ids", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.db:
        child(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        db, ids = make_database(Path(tmp), args.n)
        (Path(tmp) / "ids.json").write_text(json.dumps(ids))
        what = (
            "one PDF per letter, no print file"
            if args.separate
            else "each filed on its case, and the print file"
        )
        print(
            f"{len(ids)} letters ({args.template}) from {len(ids)} cases, {what}; load before: "
            f"{os.getloadavg()[0]:.2f}"
        )
        for workers in args.workers:
            runs: dict[str, list[dict]] = {}
            for _ in range(args.repeat):
                cmd = [
                    sys.executable,
                    __file__,
                    "--db",
                    str(db),
                    "--ids",
                    str(Path(tmp) / "ids.json"),
                    "--template",
                    args.template,
                    "--child-workers",
                    str(workers),
                ]
                out = subprocess.run(
                    cmd + (["--separate"] if args.separate else []),
                    check=True,
                    capture_output=True,
                    text=True,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                )
                for line in out.stdout.splitlines():
                    r = json.loads(line)
                    runs.setdefault(r["run"], []).append(r)
            for run, rs in runs.items():
                walls = [r["wall"] for r in rs]
                med = statistics.median(walls)
                r = rs[walls.index(sorted(walls)[len(walls) // 2])]
                each = ", ".join(f"{x['letters'] / x['wall']:.0f}" for x in rs)
                label = f"{workers} process{'es' if workers > 1 else ''}, {run}"
                print(
                    f"{label:<26}: median {med:5.2f} s wall {r['letters'] / med:6.1f} letters/s "
                    f"(runs: {each}) | CPU {r['cpu']:5.2f} s | peak RSS {r['rss']:.0f} MB"
                    + (f", helper {r['helper_rss']:.0f} MB" if workers > 1 else "")
                )
            last = runs["first merge"][-1]
            print(f"   files: {last['letter_kb']:.0f} KB a letter; print file {last['print_mb']:.1f} MB")
        print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
