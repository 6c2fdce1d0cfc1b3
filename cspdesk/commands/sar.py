"""``cspdesk sar ...``: subject access, rectification and erasure requests from the command line.

cspdesk sar log --db D --kind access --name "Joan Platt" [--dob 1950-03-04] [--address ...] [--received ...]
cspdesk sar find --db D --name "Joan Platt" [--dob 1950-03-04] [--address "12 Oak Street"] [--request R]
cspdesk sar bundle --db D --request DSR-2026-0001 --match person:<id> [--match ...] [--redact NAME] --out DIR
cspdesk sar list --db D [--open]
cspdesk sar extend --db D --request R --months 2 --reason "..."
cspdesk sar close --db D --request R --outcome completed|partly|refused|withdrawn [--notes "..."]
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from cspdesk.commands.common import add_db_argument, open_services, reports_user_errors
from cspdesk.core.errors import ValidationError


def _date(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({field: "Give the date as YYYY-MM-DD."}) from None


def add_parser(sub) -> None:
    p = sub.add_parser("sar", help="subject access, rectification and erasure requests (UK GDPR Arts. 15-17)")
    actions = p.add_subparsers(dest="sar_action", metavar="ACTION", required=True)

    a = actions.add_parser("log", help="record a new request; prints its reference and due date")
    add_db_argument(a)
    a.add_argument("--kind", choices=("access", "rectification", "erasure"), default="access")
    a.add_argument("--name", required=True, help="the person the request is from (or about)")
    a.add_argument("--dob", metavar="YYYY-MM-DD")
    a.add_argument("--address")
    a.add_argument("--received", metavar="YYYY-MM-DD", help="the day it was received (default: today)")
    a.add_argument("--details", help="what was asked (e.g. which entry is wrong)")
    a.set_defaults(func=run_log)

    f = actions.add_parser("find", help="records that may be about a person, with what matched")
    add_db_argument(f)
    f.add_argument("--name", required=True)
    f.add_argument("--dob", metavar="YYYY-MM-DD")
    f.add_argument("--address")
    f.add_argument("--request", help="the request this search is for (recorded in the audit log)")
    f.set_defaults(func=run_find)

    b = actions.add_parser(
        "bundle", help="write the PDF letter and CSV for a request from the confirmed matches"
    )
    add_db_argument(b)
    b.add_argument("--request", required=True)
    b.add_argument(
        "--match",
        action="append",
        required=True,
        metavar="KEY",
        help="a match key printed by `find` (person:..., referral:..., case_review:...); repeat",
    )
    b.add_argument(
        "--redact",
        action="append",
        default=[],
        metavar="TEXT",
        help="also redact this (someone named in free text whom CSPDesk does not know); repeat",
    )
    b.add_argument("--out", required=True, metavar="DIR", help="folder to write the two files to")
    b.set_defaults(func=run_bundle)

    ls = actions.add_parser("list", help="requests with their due dates")
    add_db_argument(ls)
    ls.add_argument("--open", action="store_true", help="only those not closed")
    ls.set_defaults(func=run_list)

    e = actions.add_parser("extend", help="extend by one or two months (Art. 12(3)), with the reason")
    add_db_argument(e)
    e.add_argument("--request", required=True)
    e.add_argument("--months", type=int, required=True)
    e.add_argument("--reason", required=True)
    e.set_defaults(func=run_extend)

    c = actions.add_parser("close", help="close a request with its outcome")
    add_db_argument(c)
    c.add_argument("--request", required=True)
    c.add_argument("--outcome", required=True, choices=("completed", "partly", "refused", "withdrawn"))
    c.add_argument("--notes")
    c.set_defaults(func=run_close)


@reports_user_errors
def run_log(args) -> int:
    services = open_services(args.db)
    ref = services.subject_requests.log(
        services.actor,
        args.kind,
        args.name,
        received_on=_date(args.received, "received"),
        date_of_birth=_date(args.dob, "dob"),
        address=args.address,
        details=args.details,
    )
    row = services.subject_requests.get(services.actor, ref)
    print(f"{ref}\tdue {row.due_on:%d/%m/%Y}")
    return 0


@reports_user_errors
def run_find(args) -> int:
    services = open_services(args.db)
    found = services.subject_access.find(
        services.actor, args.name, _date(args.dob, "dob"), args.address, request_reference=args.request
    )
    for m in found.matches:
        dob = f"{m.date_of_birth:%d/%m/%Y}" if m.date_of_birth else "-"
        print(
            f"{m.key}\t{m.source}\t{m.name}\t{dob}\t{m.address or '-'}\tmatched on {', '.join(m.matched_on)}"
            f"\t{m.records}"
        )
    print(f"{len(found.matches)} possible match(es).", file=sys.stderr)
    if found.hidden_restricted:
        print(
            f"{found.hidden_restricted} restricted Safer Homes referral(s) may also "
            "match: ask someone allowed to see restricted referrals to search.",
            file=sys.stderr,
        )
    return 0


@reports_user_errors
def run_bundle(args) -> int:
    out = Path(args.out)
    if not out.is_dir():
        raise ValidationError({"out": f"{out}: no such folder (nothing was written)."})
    services = open_services(args.db)
    bundle = services.subject_access.bundle(services.actor, args.request, args.match, also_redact=args.redact)
    pdf, table = services.subject_access.write(bundle, out)
    print(
        f"Written {pdf}\nWritten {table}\n{bundle.redactions} "
        "redaction(s). Read the letter before it is sent.",
        file=sys.stderr,
    )
    return 0


@reports_user_errors
def run_list(args) -> int:
    services = open_services(args.db)
    for r in services.subject_requests.requests(services.actor, open_only=args.open):
        state = (
            f"closed {r.closed_on:%d/%m/%Y} ({r.outcome.value})"
            if r.closed_on
            else "OVERDUE"
            if r.overdue
            else "open"
        )
        print(
            f"{r.reference}\t{r.kind.value}\treceived "
            f"{r.received_on:%d/%m/%Y}\tdue {r.due_on:%d/%m/%Y}\t{state}"
        )
    return 0


@reports_user_errors
def run_extend(args) -> int:
    services = open_services(args.db)
    services.subject_requests.extend(services.actor, args.request, args.months, args.reason)
    print(f"{args.request} due {services.subject_requests.get(services.actor, args.request).due_on:%d/%m/%Y}")
    return 0


@reports_user_errors
def run_close(args) -> int:
    services = open_services(args.db)
    services.subject_requests.close(services.actor, args.request, args.outcome, args.notes)
    print(f"{args.request} closed: {args.outcome}")
    return 0
