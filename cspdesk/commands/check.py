"""``cspdesk check --db PATH``: schema version, integrity check, counts; non-zero exit on a problem."""

from __future__ import annotations

from cspdesk.commands.common import add_db_argument, reports_user_errors


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="check a database: schema version, integrity, counts")
    add_db_argument(p)
    p.set_defaults(func=run)


@reports_user_errors
def run(args) -> int:
    from cspdesk.core.services.health import HealthService
    from cspdesk.core.storage.database import open_database

    # Open without migrating: a check must not change what it checks.
    report = HealthService(open_database(args.db, migrate=False)).check()
    print(f"Database:  {report.database}")
    print(f"Schema:    {report.revision or '(empty)'} (this app: {report.head})")
    print(f"Integrity: {report.integrity}")
    for name, n in report.counts.items():
        if n:
            print(f"  {name:32} {n:>10,}")
    for p in report.problems:
        print(f"PROBLEM: {p}")
    print("OK" if report.ok else "PROBLEMS FOUND")
    return 0 if report.ok else 1
