"""Benchmark: take a working copy of one forum area (about a sixth of the cases) and bring back 1,000 changed
records. Target: each under 10 s.

    cspdesk demo --db /tmp/bench100k.sqlite --cases 100000                      # once
    flock /tmp/cspdesk-bench.lock python bench/bench_working_copy.py --db /tmp/bench100k.sqlite
    tools/with-postgres.sh sh -c '.venv/bin/cspdesk demo --db "$CSPDESK_TEST_PG_URL" --cases 100000 &&
        .venv/bin/python bench/bench_working_copy.py --db "$CSPDESK_TEST_PG_URL"'     # a PostgreSQL office

The office database is copied first (so it can be run again on the same file). The area is the largest wards
while they bring it nearer a sixth of all cases (open and closed: ``--cases all``). In the copy, 1,000
records are changed through the journal: 500 cases (description), 300 people (phone), 200 new actions; 50
of those cases are also changed in the office (title) and in the copy (title) to make conflicts.
Reported: wall time of ``take`` and of ``bring_back`` (each a single run: they write files and a
transaction that a second run would not repeat).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True, help="a demo office database (left unchanged: a copy is used)")
    p.add_argument("--changes", type=int, default=1000)
    p.add_argument("--take-only", action="store_true", help="stop after the take")
    p.add_argument("--profile", metavar="FILE", help="write a cProfile of the take to FILE")
    args = p.parse_args()
    os.environ.setdefault("CSPDESK_USER", "sarah.bancroft")
    from sqlalchemy import func, select

    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database
    from cspdesk.core.storage.models import AsbCase, CaseAction, CaseParty, Person, Ward

    work = Path(tempfile.mkdtemp(prefix="cspdesk-bench-copy-"))
    if "://" in args.db:  # a server database, used as it is (fill a new one with demo data first)
        office_db = open_database(args.db)
    else:
        office_path = work / "office.sqlite"
        shutil.copy2(args.db, office_path)
        office_db = open_database(office_path)
    # A database made by a build without the working-copy tables (same schema revision until the first
    # release): add them, so one 100,000-case database serves every branch's benchmarks.
    from cspdesk.core.storage.models import Base

    Base.metadata.create_all(
        office_db.engine,
        tables=[
            Base.metadata.tables[n]
            for n in (
                "working_copy_info",
                "working_copy",
                "change_journal",
                "applied_change",
                "sync_conflict",
            )
        ],
    )
    office = build_services(office_db, "sarah.bancroft")
    with office_db.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(AsbCase)).scalar_one()
        per_ward = conn.execute(
            select(Ward.name, func.count())
            .join(AsbCase, AsbCase.ward_id == Ward.id)
            .group_by(Ward.name)
            .order_by(func.count().desc())
        ).all()
    wards, n = [], 0
    for name, count in per_ward:  # the largest wards while they bring the area nearer a sixth of all cases
        if abs(n + count - total / 6) >= abs(n - total / 6):
            break
        wards.append(name)
        n += count
    print(f"Office: {total:,} cases; area: {', '.join(wards)} ({n:,} cases, {n / total:.0%})")

    copy_path = work / "laptop.sqlite"
    server = _server_processes(office_db)
    server_cpu0, cpu0 = _cpu(server), time.process_time()
    profile = cProfile.Profile() if args.profile else None
    t0 = time.perf_counter()
    if profile:
        profile.enable()
    taken = office.working_copies.take(office.actor, copy_path, wards=wards, cases="all")
    take_s = time.perf_counter() - t0
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)
    cpu = time.process_time() - cpu0
    server_cpu = f", server {_cpu(server) - server_cpu0:.2f} s" if server else ""
    size = copy_path.stat().st_size
    print(f"take:        {take_s:6.2f} s  ({taken.cases:,} cases, {taken.rows:,} rows, {size / 1e6:.0f} MB)")
    print(f"  CPU time:  {cpu:6.2f} s in this process (all threads){server_cpu}")
    if args.take_only:
        office_db.engine.dispose()
        shutil.rmtree(work)
        return 0

    copy_db = open_database(copy_path)
    copy = build_services(copy_db, "sarah.bancroft")
    n_cases, n_people, n_actions = args.changes // 2, args.changes * 3 // 10, args.changes // 5
    with copy._uow("sarah.bancroft") as uow:
        s = uow.session
        cases = s.scalars(select(AsbCase).order_by(AsbCase.reference).limit(n_cases)).all()
        for i, c in enumerate(cases):
            c.description = f"{c.description or ''} Raised again at the forum ({i})."[:2000]
        people = s.scalars(
            select(Person)
            .join(CaseParty, CaseParty.person_id == Person.id)
            .where(CaseParty.case_id.in_([c.id for c in cases[:n_people]]))
            .distinct()
            .limit(n_people)
        ).all()
        for i, person in enumerate(people):
            person.phone = f"07700 9{i:05d}"
        for i, c in enumerate(cases[:n_actions]):
            s.add(
                CaseAction(
                    case_id=c.id,
                    description=f"Forum action {i}",
                    due_on=date(2026, 12, 1) + timedelta(i % 20),
                )
            )
        for c in cases[:50]:
            c.title = f"{c.title} (forum)"[:300]
        uow.commit()
    copy_db.engine.dispose()
    with office._uow("sarah.bancroft") as uow:
        for c in uow.session.scalars(select(AsbCase).where(AsbCase.id.in_([c.id for c in cases[:50]]))):
            c.title = f"{c.title} (office)"[:300]
        uow.commit()
    changed = len(cases) + len(people) + min(n_actions, len(cases))
    print(
        f"changed in the copy: {changed:,} records ({len(cases)} cases, {len(people)} people, "
        f"{min(n_actions, len(cases))} new actions; 50 titles changed on both sides)"
    )

    t0 = time.perf_counter()
    result = office.working_copies.bring_back(office.actor, copy_path)
    back_s = time.perf_counter() - t0
    print(
        f"bring back:  {back_s:6.2f} s  ({result.applied:,} journal entries: {result.inserted} inserted, "
        f"{result.updated_fields} fields updated, {result.conflicts} conflicts)"
    )
    t0 = time.perf_counter()
    again = office.working_copies.bring_back(office.actor, copy_path)
    print(f"again:       {time.perf_counter() - t0:6.2f} s  ({again.applied} applied)")
    office_db.engine.dispose()
    shutil.rmtree(work)
    return 0


def _server_processes(office_db) -> list[int]:
    """The PostgreSQL server's main process and its children when it runs on this machine and /proc can be
    read (a throwaway server from tools/with-postgres.sh): their CPU time is the server's share of a take,
    which the machine's load does not change. Empty for a SQLite office or a server elsewhere."""
    if office_db.engine.dialect.name != "postgresql":
        return []
    from sqlalchemy import text

    with office_db.engine.connect() as conn:
        backend = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    try:
        return [int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])]
    except OSError:
        return []


def _cpu(server: list[int]) -> float:
    """CPU seconds of the server: its main process (with the children it has reaped: backends that ended)
    and every process still running under it."""
    if not server:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    main = server[0]
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        if pid == main:
            total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        elif int(fields[1]) == main:
            total += int(fields[11]) + int(fields[12])
    return total / tick


if __name__ == "__main__":
    raise SystemExit(main())
