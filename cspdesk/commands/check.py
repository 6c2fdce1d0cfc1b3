"""``cspdesk check [--db PATH_OR_URL]``: schema version, integrity check, counts.

Exit codes: 0 the database is sound; 1 the check ran and found problems (damage, an old schema, rows pointing
at nothing); 2 it could not be checked (no such database, not set up yet, not a CSPDesk database, locked).
The file is only read (opened read-only), so a check never changes what it checks."""

from __future__ import annotations

from cspdesk.commands.common import add_db_argument, reports_user_errors


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="check a database: schema version, integrity, counts")
    add_db_argument(p)
    p.set_defaults(func=run)


@reports_user_errors
def run(args) -> int:
    from cspdesk.commands.common import warn_if_copy_out_too_long
    from cspdesk.core.services.admin import HealthService
    from cspdesk.core.storage.database import open_database

    # Read-only and without migrating: a check must not change what it checks.
    database = open_database(args.db, migrate=False, create=False, read_only=True)
    warn_if_copy_out_too_long(database)
    report = HealthService(database).check()
    print(f"Database:  {report.database}")
    print(f"Schema:    {report.revision or '(empty)'} (this app: {report.head})")
    print(f"Integrity: {report.integrity}")
    print(f"Writable:  {report.writable}")
    for name, n in report.counts.items():
        if n:
            print(f"  {name:32} {n:>10,}")
    for p in report.problems:
        print(f"PROBLEM: {p}")
    print("OK" if report.ok else "PROBLEMS FOUND")
    return 0 if report.ok else 1
