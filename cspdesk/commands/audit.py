"""``cspdesk audit verify --db D`` and ``cspdesk audit views --db D --from --to [--format csv|text]``.

verify: walks the audit log's hash chain and prints its head (last row number and hash, to note down
elsewhere); exit 0 when it is whole, 1 naming the first row changed, removed or inserted out of order, or
(given ``--expect-head N:HASH`` noted earlier) when the chain no longer reaches that row with that hash: its
newest rows were cut; 2 when the database cannot be opened or the head is mistyped. views: the
data-protection report (every look at a restricted record in the period, by user), for an administrator;
exit 2 for anyone else.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from cspdesk.commands.common import add_db_argument, reports_user_errors
from cspdesk.core.errors import ValidationError


def add_parser(sub) -> None:
    p = sub.add_parser("audit", help="the audit log: check its hash chain, the data-protection report")
    actions = p.add_subparsers(dest="audit", metavar="ACTION", required=True)
    v = actions.add_parser(
        "verify", help="walk the audit log's hash chain; non-zero exit naming the first break"
    )
    add_db_argument(v)
    v.add_argument(
        "--expect-head",
        metavar="N:HASH",
        help="a head printed by an earlier check: fail if the chain no longer reaches that row with that "
        "hash",
    )
    v.set_defaults(func=run_verify)
    r = actions.add_parser("views", help="every look at a restricted record in a period, by user")
    add_db_argument(r)
    r.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    r.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    r.add_argument("--format", choices=("csv", "text"), default="csv")
    r.add_argument("--out", metavar="FILE", help="file to write (the screen without it)")
    r.set_defaults(func=run_views)


def _service(db):
    from cspdesk.commands.common import warn_if_copy_out_too_long
    from cspdesk.core.services.data_protection import AuditLogService
    from cspdesk.core.storage.database import open_database
    from cspdesk.core.storage.uow import uow_factory_for

    # Opened without upgrading: checking the log must not change the file it checks.
    database = open_database(db, migrate=False, create=False)
    warn_if_copy_out_too_long(database)
    return AuditLogService(uow_factory_for(database.engine))


@reports_user_errors
def run_verify(args) -> int:
    report = _service(args.db).verify(args.expect_head)
    print(f"Audit rows checked: {report.rows:,}")
    print(f"Last row's hash:    {report.last_hash}")
    print(f"Chain head:         {report.head}")
    if report.ok:
        print("OK: the audit log is whole (no row changed, removed or inserted out of order).")
        if args.expect_head:
            print(f"It still reaches the head noted earlier ({args.expect_head.strip()}).")
        else:
            print(
                "Note the chain head somewhere else: --expect-head with it later shows rows cut from the end."
            )
        return 0
    print(f"BROKEN: {report.problem}")
    return 1


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({field: f"{text!r} is not a date: write it as YYYY-MM-DD."}) from None


@reports_user_errors
def run_views(args) -> int:
    from cspdesk.core.services.admin import UserService
    from cspdesk.core.services.context import os_username
    from cspdesk.core.services.data_protection import report_csv, report_table

    start, end = _date(args.start, "from"), _date(args.end, "to")
    service = _service(args.db)
    actor = UserService(service._uow).existing(os_username())
    rows = service.views_report(actor, start, end)
    if args.format == "csv":
        text = report_csv(rows)
    else:
        table = report_table(rows)
        widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
        text = "".join(
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n" for r in table
        )
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8", newline="")
        print(f"Written {args.out} ({len(rows)} looks)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
