"""``cspdesk copy ...``: working copies for the area forums (take, bring back,
list, revoke, conflicts, decide).

cspdesk copy take --from OFFICE_DB --to FILE (--wards NAME ... | --forum NAME) [--cases open|all]
cspdesk copy bring-back FILE --to OFFICE_DB
cspdesk copy refresh FILE --from OFFICE_DB
cspdesk copy list --db OFFICE_DB
cspdesk copy revoke ID --db OFFICE_DB --reason TEXT
cspdesk copy conflicts --db OFFICE_DB [--all]
cspdesk copy decide ID --keep office|copy --db OFFICE_DB
"""

from __future__ import annotations

import sys
import uuid

from cspdesk.commands.common import add_db_argument, open_services, reports_user_errors


def add_parser(sub) -> None:
    p = sub.add_parser("copy", help="working copies for area forums: take one, bring it back, conflicts")
    cmds = p.add_subparsers(dest="copy_command", metavar="ACTION", required=True)

    t = cmds.add_parser("take", help="write a working copy of some wards' cases to a new file")
    t.add_argument("--from", dest="source", required=True, metavar="PATH_OR_URL", help="the office database")
    t.add_argument(
        "--to", dest="target", required=True, metavar="FILE", help="the new working copy (must not exist)"
    )
    t.add_argument(
        "--wards", nargs="+", default=[], metavar="WARD", help="ward names (quote names with spaces)"
    )
    t.add_argument("--forum", metavar="NAME", help="an area forum's name: its wards and its meetings")
    t.add_argument(
        "--cases", choices=("open", "all"), default="open", help="open cases only (default) or all"
    )
    t.set_defaults(func=run_take)

    b = cmds.add_parser("bring-back", help="apply a working copy's changes to the office database")
    b.add_argument("copy", metavar="FILE", help="the working copy")
    b.add_argument("--to", dest="db", required=True, metavar="PATH_OR_URL", help="the office database")
    b.set_defaults(func=run_bring_back)

    f = cmds.add_parser("refresh", help="pull into a working copy what the office changed since it was taken")
    f.add_argument("copy", metavar="FILE", help="the working copy")
    f.add_argument("--from", dest="db", required=True, metavar="PATH_OR_URL", help="the office database")
    f.set_defaults(func=run_refresh)

    ls = cmds.add_parser("list", help="the working copies taken from a database")
    add_db_argument(ls)
    ls.set_defaults(func=run_list)

    r = cmds.add_parser("revoke", help="refuse a lost copy's changes (administrators)")
    r.add_argument("id", help="the copy's id (the first characters are enough)")
    add_db_argument(r)
    r.add_argument("--reason", required=True)
    r.set_defaults(func=run_revoke)

    c = cmds.add_parser("conflicts", help="changes from copies waiting for an officer to decide")
    add_db_argument(c)
    c.add_argument("--all", action="store_true", help="decided ones too")
    c.set_defaults(func=run_conflicts)

    d = cmds.add_parser("decide", help="decide a conflict: keep the office's value or take the copy's")
    d.add_argument("id", help="the conflict's id (the first characters are enough)")
    d.add_argument("--keep", choices=("office", "copy"), required=True)
    add_db_argument(d)
    d.set_defaults(func=run_decide)


@reports_user_errors
def run_take(args) -> int:
    services = open_services(args.source)
    taken = services.working_copies.take(
        services.actor, args.target, wards=args.wards, forum=args.forum, cases=args.cases
    )
    print(f"Working copy written to {taken.path}: {taken.cases} cases, {taken.rows} rows in all.")
    if not taken.restricted_included:
        print("Restricted Safer Homes referrals were left out: your account may not see them.")
    print(
        f"Copy id {taken.copy_id.hex[:8]}. Bring it back with: "
        f"cspdesk copy bring-back {taken.path} --to {args.source}"
    )
    return 0


@reports_user_errors
def run_bring_back(args) -> int:
    services = open_services(args.db)
    r = services.working_copies.bring_back(services.actor, args.copy)
    if r.applied == 0:
        print(f"Nothing new to bring back ({r.already_brought_back} changes were brought back before).")
        return 0
    print(
        f"Brought back {r.applied} changes: {r.inserted} new records, {r.updated_fields} fields updated, "
        f"{r.deleted} removed, {r.conflicts} conflicts."
    )
    for provisional, reference in r.renumbered:
        print(f"  {provisional} is now {reference}")
    if r.letters_to_check:
        print("Letters printed in the copy quote a provisional reference; tell the recipients the new one:")
        for title, provisional, reference in r.letters_to_check:
            print(f"  {title}: {provisional} -> {reference}")
    if r.conflicts:
        print(
            f"The office's values were kept where both sides changed the same thing; see: "
            f"cspdesk copy conflicts --db {args.db}"
        )
    return 0


@reports_user_errors
def run_refresh(args) -> int:
    services = open_services(args.db)
    counts = services.working_copies.refresh(services.actor, args.copy)
    print(
        f"Working copy refreshed: {counts['added']} records added, {counts['updated']} "
        "updated from the office. Fields changed in the copy kept the copy's value."
    )
    return 0


@reports_user_errors
def run_list(args) -> int:
    services = open_services(args.db)
    rows = services.working_copies.copies()
    if not rows:
        print("No working copies have been taken from this database.")
    for c in rows:
        print(
            f"{c.copy_id.hex[:8]}  {c.taken_at:%d/%m/%Y %H:%M}  {c.taken_by:<20} {c.cases:>6} cases  "
            f"{', '.join(c.wards) or '-'}  {c.state}"
        )
    return 0


def _pick(ids: list[uuid.UUID], prefix: str, what: str) -> uuid.UUID:
    from cspdesk.core.errors import UserError

    found = [i for i in ids if i.hex.startswith(prefix.replace("-", "").lower())]
    if len(found) != 1:
        raise UserError(
            f"No {what} has the id {prefix}."
            if not found
            else f"More than one {what} starts {prefix}; give more of the id."
        )
    return found[0]


@reports_user_errors
def run_revoke(args) -> int:
    services = open_services(args.db)
    copy_id = _pick([c.copy_id for c in services.working_copies.copies()], args.id, "working copy")
    services.working_copies.revoke(services.actor, copy_id, args.reason)
    print(f"Working copy {copy_id.hex[:8]} revoked: its changes will be refused.")
    return 0


@reports_user_errors
def run_conflicts(args) -> int:
    services = open_services(args.db)
    rows = services.working_copies.conflicts(services.actor, include_decided=args.all)
    if not rows:
        print("No conflicts waiting." if not args.all else "No conflicts.")
        return 0
    for c in rows:
        print(f"{c.conflict_id.hex[:8]}  {c.record} — {c.field}: {c.kind}")
        if not c.whole_record:
            print(f"    was:    {c.base}")
        print(f"    office: {c.office}")
        print(f"    copy:   {c.copy}   ({c.copy_author}, {c.copy_at:%d/%m/%Y %H:%M})")
        if c.decided:
            print(f"    {c.decided}")
    print(
        f"{len(rows)} conflict(s). Decide one with: cspdesk copy decide ID --keep office|copy --db {args.db}",
        file=sys.stderr,
    )
    return 0


@reports_user_errors
def run_decide(args) -> int:
    services = open_services(args.db)
    conflict_id = _pick(
        [c.conflict_id for c in services.working_copies.conflicts(services.actor)],
        args.id,
        "undecided conflict",
    )
    services.working_copies.decide(services.actor, conflict_id, args.keep)
    print(f"Decided: the {args.keep}'s value is kept.")
    return 0
