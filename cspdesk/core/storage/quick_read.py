"""The first screen read straight from the SQLite file, before SQLAlchemy has loaded.

Importing SQLAlchemy and mapping the models is most of CSPDesk's start-up. For a database that is already
at this version's schema, the window opens on what this module reads with plain ``sqlite3`` — who is
signing in, the demo-data marker, the ordered ids of the officer's default case list (open cases, newest
first) and its first page of rows, and the ward and officer filters — while the rest loads in the
background (``services.quick_start``). The list's SQL is the case list service's own
(``storage.first_screen_sql``); a test holds the two to the same answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cspdesk.core.storage import first_screen_sql
from cspdesk.core.storage.encryption import connect_file

# The case list's columns, in the order CaseListService reads them.
CASE_ROW_COLUMNS = first_screen_sql.ROW_COLUMNS


@dataclass(frozen=True)
class RawFirstScreen:
    user: tuple[
        str, str, str, str, list[str]
    ]  # id (32 hex digits), username, display name, role, permissions
    demo: object  # the demo-data marker setting, or None
    case_count: int
    ids: list[str]  # open cases, newest first (as stored: 32 hex digits)
    rows: list[tuple[Any, ...]]  # the first ``page`` of them, columns as CASE_ROW_COLUMNS
    names: dict[str, str]  # ward and user ids → names
    wards: list[tuple[str, str]]
    officers: list[tuple[str, str]]


def read_first_screen(path: Path, username: str, *, status: str, page: int) -> RawFirstScreen | None:
    """What the window shows first, or None when this user has never signed in here (signing in for the
    first time writes, so it waits for the full start)."""
    con = connect_file(path, readonly=True, timeout=5)  # plain or encrypted, with the same key
    try:
        user = con.execute(
            "SELECT id, username, display_name, role, permissions FROM app_user WHERE username = ?",
            (username,),
        ).fetchone()
        if user is None:
            return None
        demo = con.execute("SELECT value FROM app_setting WHERE key = 'demo.data'").fetchone()
        case_count = con.execute("SELECT count(*) FROM asb_case").fetchone()[0]
        ids = [r[0] for r in con.execute(first_screen_sql.LIST_BY_STATUS, {"q_status": status})]
        first = ids[:page]
        rows = con.execute(first_screen_sql.rows_sql(len(first)), first).fetchall() if first else []
        wards = con.execute(first_screen_sql.WARDS).fetchall()
        officers = con.execute(first_screen_sql.OFFICERS).fetchall()
        users = con.execute(first_screen_sql.USER_NAMES).fetchall()
    finally:
        con.close()
    names = {id_: name for id_, name in wards}
    names.update({id_: name for id_, name in users})
    return RawFirstScreen(
        user=(user[0], user[1], user[2], user[3], json.loads(user[4] or "[]")),
        demo=json.loads(demo[0]) if demo else None,
        case_count=case_count,
        ids=ids,
        rows=rows,
        names=names,
        wards=wards,
        officers=officers,
    )
