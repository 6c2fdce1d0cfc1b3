"""Benchmark: the retention review queue and subject access on a large demo database.

    flock /tmp/cspdesk-bench.lock .venv/bin/python bench/bench_retention.py \
        --db /tmp/cspdesk-bench-20k.sqlite \
        --cases 20000        # makes the database with `cspdesk demo` first if it is missing

Every period is set to 1 year (so most closed records are due), then: the whole queue read (``due``), the
queue as CSV, one anonymise decision and one delete decision (each on a different case, as the window makes
them), a subject access search and the bundle (read, redact, PDF and CSV) for the person on the most cases.
Wall time, median and max of ``--runs`` after one warm-up where it can be repeated. Decisions change the
database: run on a copy you can throw away.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(fn, runs: int) -> tuple[float, float, object]:
    fn()
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), max(times), result


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--cases", type=int, default=20000)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    os.environ.setdefault("CSPDESK_USER", "bench.admin")
    if not Path(args.db).exists():
        subprocess.run(
            [sys.executable, "-m", "cspdesk", "demo", "--db", args.db, "--cases", str(args.cases)], check=True
        )
    from sqlalchemy import func, select

    from cspdesk.core.domain.retention import DEFAULT_POLICY, RetentionRecord, years_key
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database
    from cspdesk.core.storage.models import AppUser, AsbCase, CaseParty, Person

    db = open_database(args.db)
    build_services(db, "bench.admin")  # signs the benchmark user in; then it administers
    with db.engine.begin() as conn:
        conn.execute(
            AppUser.__table__.update().where(AppUser.username == "bench.admin").values(role="administrator")
        )
    s = build_services(db, "bench.admin")
    s.settings.update(s.actor, {years_key(r): 1 for r in DEFAULT_POLICY})
    with s._uow("bench") as uow:
        cases = uow.session.scalar(select(func.count()).select_from(AsbCase))
    print(f"{cases:,} cases; every retention period 1 year")

    med, worst, due = timed(lambda: s.retention.due(s.actor), args.runs)
    print(
        f"queue (all kinds): {len(due):,} records due — median {med * 1000:.0f} ms, max {worst * 1000:.0f} ms"
    )
    med, worst, text = timed(lambda: s.retention.due_csv(s.actor), args.runs)
    print(f"queue as CSV: {len(text):,} bytes — median {med * 1000:.0f} ms, max {worst * 1000:.0f} ms")
    case_rows = [d for d in due if d.record_type is RetentionRecord.ASB_CASE]
    for decision, row in (("anonymise", case_rows[0]), ("delete", case_rows[1])):
        t = time.perf_counter()
        s.retention.decide(s.actor, row.record_type, row.record_id, row.version, decision)
        print(f"one {decision} decision ({row.reference}): {(time.perf_counter() - t) * 1000:.0f} ms")

    with s._uow("bench") as uow:
        pid = uow.session.scalar(
            select(CaseParty.person_id)
            .where(CaseParty.person_id.is_not(None))
            .group_by(CaseParty.person_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        person = uow.session.get(Person, pid)
    name = f"{person.forename} {person.surname}"
    med, worst, found = timed(lambda: s.subject_access.find(s.actor, name, person.date_of_birth), args.runs)
    print(
        f"subject access search ({len(found.matches)} matches) — median {med * 1000:.0f} ms, "
        f"max {worst * 1000:.0f} ms"
    )
    ref = s.subject_requests.log(s.actor, "access", name, date_of_birth=person.date_of_birth)
    key = next(m.key for m in found.matches if m.key == f"person:{pid}")
    med, worst, bundle = timed(lambda: s.subject_access.bundle(s.actor, ref, [key]), args.runs)
    entries = sum(len(sec.items) for sec in bundle.sections)
    print(
        f"bundle read and redacted ({entries} entries, {bundle.redactions} redactions) — median "
        f"{med * 1000:.0f} ms, max {worst * 1000:.0f} ms"
    )
    with tempfile.TemporaryDirectory() as folder:
        med, worst, _ = timed(lambda: s.subject_access.write(bundle, Path(folder)), args.runs)
    print(f"bundle PDF and CSV written — median {med * 1000:.0f} ms, max {worst * 1000:.0f} ms")
    db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
