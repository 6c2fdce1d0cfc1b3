"""The whole mail merge as an officer runs it: values from the database for each case, every letter rendered
and filed on its case (blob, document, chronology, audit), optionally the combined print file.

    PYTHONPATH=. python bench/bench_mail_merge.py [--n 500] [--workers 0 2] [--template complaint_ack]

Prints wall-clock and CPU time (this process and its workers) and peak memory. Figures go into
docs/performance/letters.md.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def cpu_seconds() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    ap.add_argument("--template", default="complaint_ack")
    args = ap.parse_args()
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from cspdesk.core.demo import generate_demo
    from cspdesk.core.services.letter_sources import Subject
    from cspdesk.core.services.letters_batch import run_batch
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.services.users import UserService
    from cspdesk.core.storage.database import open_database
    from cspdesk.core.storage.models import CaseParty
    from cspdesk.core.storage.uow import uow_factory_for

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "bench.sqlite")
        UserService(uow_factory_for(db.engine)).sign_in("bench.officer")
        with Session(db.engine) as s:
            generate_demo(s, cases=int(args.n * 1.4) + 50, seed=3)
            s.commit()
            ids = list(dict.fromkeys(s.scalars(
                select(CaseParty.case_id).where(CaseParty.role == "complainant", CaseParty.person_id.is_not(None))
                .order_by(CaseParty.case_id))))[: args.n]
        svc = build_services(db, "bench.officer")
        svc.users.update_user(svc.actor, svc.actor.user_id, job_title="Community Safety Officer")
        run_batch(svc.letters, svc.actor, Subject.CASE, args.template, ids[:3], combined=True, workers=0)  # warm
        n = len(ids)
        print(f"{n} letters ({args.template}) from {n} cases, each filed on its case")
        rss0 = peak_rss_mb()
        for workers in args.workers:
            for combined in (False, True):
                c0, t0 = cpu_seconds(), time.perf_counter()
                r = run_batch(svc.letters, svc.actor, Subject.CASE, args.template, ids, combined=combined,
                              workers=workers)
                wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
                rss = peak_rss_mb()
                label = f"{'combined print file' if combined else 'one PDF per letter'}, {workers or 1} process"
                print(f"{label:<38}: {wall:6.2f} s wall {r.letters / wall:6.1f} letters/s | CPU {cpu:6.2f} s "
                      f"{r.letters / cpu:6.1f} letters/CPU-s | peak RSS {rss:.0f} MB (+{rss - rss0:.0f})")
        db.engine.dispose()


if __name__ == "__main__":
    main()
