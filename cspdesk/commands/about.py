"""``cspdesk about [--db PATH_OR_URL]``: the version and where things live, as Help → About shows them.

For IT checking a deployment: it says which database a laptop would open and why (``--db``, ``CSPDESK_DB``,
IT's settings file, or the user's own file), without opening it — so it changes nothing and needs no server.
"""

from __future__ import annotations

import sqlite3

from cspdesk.commands.common import reports_user_errors


def add_parser(sub) -> None:
    p = sub.add_parser("about", help="the version, and which database and folders CSPDesk uses here")
    p.add_argument(
        "--db", metavar="PATH_OR_URL", help="the database to describe (default: the one CSPDesk would open)"
    )
    p.set_defaults(func=run)


@reports_user_errors
def run(args) -> int:
    from cspdesk.core.about import about_text
    from cspdesk.core.site_config import configured_database
    from cspdesk.core.storage.database import describe, resolve_url, sqlite_path
    from cspdesk.core.storage.sqlite_file import sqlite_revision_readonly

    choice = configured_database() if args.db is None else None
    url = resolve_url(args.db if choice is None else choice.target)
    path = sqlite_path(url)
    revision = None
    if path is None:
        revision = "(on the server: see cspdesk check)"
    elif not path.is_file():
        revision = "(no such file yet)"
    else:
        try:
            revision = sqlite_revision_readonly(path)[0] or "(empty)"
        except sqlite3.Error as exc:
            revision = f"(cannot be read: {exc}; see cspdesk check)"
    print(about_text(describe(url), revision))
    why = (
        "--db"
        if choice is None
        else {
            "CSPDESK_DB": "the CSPDESK_DB environment variable",
            "default": "your own database (no --db, CSPDESK_DB or settings file)",
        }.get(choice.source, f"IT's settings file {choice.source}")
    )
    print(f"Database chosen by: {why}")
    return 0
