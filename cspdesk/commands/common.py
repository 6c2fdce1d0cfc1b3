"""What every subcommand shares: opening the database and printing user errors without a traceback."""

from __future__ import annotations

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


def open_services(db: str | None, *, username: str | None = None):
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    return build_services(open_database(db), username)


def add_db_argument(parser, required: bool = True) -> None:
    parser.add_argument("--db", required=required, metavar="PATH_OR_URL",
                        help="database file, or a SQLAlchemy URL such as postgresql+psycopg://user@host/cspdesk")
