"""What every subcommand shares: opening the database and printing user errors without a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import wraps

from cspdesk.core.errors import UserError, ValidationError


def reports_user_errors(func: Callable[..., int]) -> Callable[..., int]:
    @wraps(func)
    def wrapper(*args, **kwargs) -> int:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            for field, message in exc.fields.items():
                print(f"error: {field + ': ' if field else ''}{message}", file=sys.stderr)
            return 2
        except UserError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    return wrapper


def open_services(db: str | None, *, username: str | None = None, create: bool = False, write: bool = False):
    """The services on ``db`` (None: ``CSPDESK_DB``, else the user's own database). Only ``demo`` may
    ``create`` one; a command that will ``write`` is refused now if the file is read-only or damaged."""
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    database = open_database(db, create=create)
    if write:
        try:
            database.gate.require_writable()
        except UserError:
            database.engine.dispose()  # closing the last connection removes the -wal and -shm it made
            raise
    warn_if_copy_out_too_long(database)
    return build_services(database, username)


def warn_if_copy_out_too_long(database) -> None:
    """A command run on a working copy out longer than the office allows says so first (on stderr)."""
    from cspdesk.core.clock import current
    from cspdesk.core.services.working_copies import copy_out_too_long

    late = copy_out_too_long(database.engine, current().today())
    if late:
        print(f"warning: {late}", file=sys.stderr)


def add_db_argument(parser, required: bool = False) -> None:
    # SUPPRESS: given before the command (``cspdesk --db X check``) it is not overwritten by this one's None.
    parser.add_argument(
        "--db",
        required=required,
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS,
        help="database file, or a URL such as postgresql://user@host/cspdesk (default: "
        "$CSPDESK_DB, else your own database)",
    )
