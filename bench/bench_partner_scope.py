"""Benchmark: what the partner scope (``services.scope``) costs a partner's reads, against an administrator's.

    cspdesk demo --db /tmp/bench10k.sqlite --cases 10000      # once
    python bench/bench_partner_scope.py --db /tmp/bench10k.sqlite [--repeat 5]

Adds two partners if they are not there (the police, whose agency is on most cases, and the Youth Offending
Team, on few) and times, for each of them and the administrator, the reads every screen makes: the case
list's ids, the dashboard, the notice register (ids and the first 200 rows), Case Reviews, My work, and a
case of their own opened (summary, detail, chronology). Median milliseconds of ``--repeat`` runs (wall time).
"""

from __future__ import annotations

import argparse
import statistics
import time


def _partner(admin, name: str, agency: str):
    from cspdesk.core.domain.vocab import Role

    users = {u.username: u for u in admin.users.list_users()}
    if name not in users:
        admin.users.add_user(admin.actor, name, name.title(), Role.PARTNER)
        users = {u.username: u for u in admin.users.list_users()}
    admin.users.set_agency(admin.actor, users[name].id, agency)


def _time(call, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    from cspdesk.core.services.cases.case_query import CaseQuery
    from cspdesk.core.services.enforcement.enforcement_register import NoticeQuery
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    db = open_database(args.db)
    admin = build_services(db, "admin.user")
    _partner(admin, "bench.police", "Derbyshire Constabulary")
    _partner(admin, "bench.yot", "Youth Offending Team")
    every = CaseQuery(status=None)
    print(f"{'who':<14}{'cases':>7}  " + "  ".join(f"{h:>11}" for h in HEADINGS))
    for who in ("admin.user", "bench.police", "bench.yot"):
        s = build_services(db, who)
        ids = s.case_list.case_ids(every)
        case_id = ids[len(ids) // 2] if len(ids) else None
        notices = s.notices.notice_ids(NoticeQuery())
        reads = {
            "case list": lambda s=s: s.case_list.case_ids(every),
            "dashboard": lambda s=s: s.dashboard.summary(),
            "notices": lambda s=s: s.notices.rows_for(s.notices.notice_ids(NoticeQuery())[:200]),
            "reviews": lambda s=s: s.case_reviews.list_applications(),
            "my work": lambda s=s: s.actions.my_work(s.actor),
            "open case": lambda s=s, c=case_id: (
                s.cases.summary(c),
                s.case_edit.detail(c),
                s.chronology.entries(c),
            ),
        }
        times = [_time(reads[h], args.repeat) for h in HEADINGS]
        print(
            f"{who:<14}{len(ids):>7}  " + "  ".join(f"{t:>9.1f}ms" for t in times),
            f"({len(notices)} notices)",
        )
    db.engine.dispose()
    return 0


HEADINGS = ("case list", "dashboard", "notices", "reviews", "my work", "open case")

if __name__ == "__main__":
    raise SystemExit(main())
