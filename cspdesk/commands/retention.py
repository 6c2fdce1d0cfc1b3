"""``cspdesk retention due|decide``: the review queue of records past retention, and decisions on them.

Administrators only (the signed-in operating-system account). ``due`` lists what is past the period Settings
gives it; ``decide`` keeps (with a reason and a date to review again), anonymises or deletes one record, named
by the type, id and version the queue printed: a record changed since is refused (exit 2), nothing changed.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from cspdesk.commands.common import add_db_argument, open_services, reports_user_errors
from cspdesk.core.errors import ValidationError


def add_parser(sub) -> None:
    p = sub.add_parser(
        "retention",
        help="records past their retention period: list them, keep, anonymise or delete (administrators)",
    )
    actions = p.add_subparsers(dest="retention_action", metavar="ACTION", required=True)
    due = actions.add_parser("due", help="the review queue: records past retention")
    add_db_argument(due)
    due.add_argument("--format", choices=("csv", "text"), default="text")
    due.add_argument("--out", metavar="FILE", help="file to write (the screen without it)")
    due.set_defaults(func=run_due)
    d = actions.add_parser("decide", help="keep, anonymise or delete one record from the queue")
    add_db_argument(d)
    d.add_argument(
        "--type", required=True, dest="record_type", help="record_type from the queue (e.g. asb_case)"
    )
    d.add_argument(
        "--id",
        required=True,
        dest="record",
        help="record_id from the queue (for the audit log: its reference, e.g. 'Audit log 2019')",
    )
    d.add_argument("--version", required=True, type=int, help="version from the queue")
    d.add_argument("--decision", required=True, choices=("keep", "anonymise", "delete"))
    d.add_argument("--reason", help="why it is kept (required with keep)")
    d.add_argument("--until", metavar="YYYY-MM-DD", help="review a kept record again on this date (keep)")
    d.set_defaults(func=run_decide)


@reports_user_errors
def run_due(args) -> int:
    services = open_services(args.db)
    if args.format == "csv":
        text = services.retention.due_csv(services.actor)
    else:
        rows = services.retention.due(services.actor)
        lines = [
            f"{d.due_on:%d/%m/%Y}  {d.type_label:<22} {d.reference:<40} {d.description}"
            + ("  [restricted]" if d.restricted else "")
            for d in rows
        ]
        text = "\n".join(lines + [f"{len(rows)} record(s) past retention."]) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8", newline="")
        print(f"Written {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


@reports_user_errors
def run_decide(args) -> int:
    from cspdesk.core.domain.retention import RetentionRecord

    try:
        record_type = RetentionRecord(args.record_type)
    except ValueError:
        raise ValidationError(
            {"type": "Use a record_type from the queue: " + ", ".join(r.value for r in RetentionRecord) + "."}
        ) from None
    until = None
    if args.until:
        try:
            until = date.fromisoformat(args.until)
        except ValueError:
            raise ValidationError({"until": "Give the date as YYYY-MM-DD."}) from None
    record: object = args.record
    if record_type is not RetentionRecord.AUDIT_LOG:
        import uuid

        try:
            record = uuid.UUID(args.record)
        except ValueError:
            raise ValidationError(
                {"id": "Use the record_id printed by `cspdesk retention due --format csv`."}
            ) from None
    services = open_services(args.db)
    try:
        services.retention.decide(
            services.actor,
            record_type,
            record,
            args.version,
            args.decision,
            reason=args.reason,
            keep_until=until,
        )
    except ValidationError as exc:  # name the fields as the options are named
        flags = {"keep_until": "--until", "reason": "--reason", "decision": "--decision"}
        raise ValidationError({flags.get(k, k): v for k, v in exc.fields.items()}) from None
    print(f"Done: {args.decision} ({record_type.label}).", file=sys.stderr)
    return 0
