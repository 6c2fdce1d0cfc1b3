"""The case list's first screen as SQL text: the one source both ``services.cases.case_list`` and the quick
start (``storage.quick_read``, plain ``sqlite3`` before SQLAlchemy has loaded) run.

The window opens on the default list: one status (open), newest first. The case list service runs
``LIST_BY_STATUS`` for every list of that shape on SQLite (where the quick start runs), the row columns in
``ROW_COLUMNS`` order for every row it draws, and ``WARDS`` and ``OFFICERS`` for the filters; the quick start
runs the same strings, so the two cannot drift apart. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

# A case list row's columns, in the order ``case_query.case_list_row`` reads them.
ROW_COLUMNS = (
    "id",
    "reference",
    "title",
    "category",
    "priority_theme",
    "status",
    "reported_on",
    "ward_id",
    "officer_id",
    "risk_level",
    "next_review_on",
    "parties_summary",
    "location_summary",
)

# The ids of the cases with one status, newest first (the reference breaks a tie); parameter :q_status.
LIST_BY_STATUS = "SELECT id FROM asb_case WHERE status = :q_status ORDER BY reported_on DESC, reference DESC"

# Every user's name (the list shows the officer's).
USER_NAMES = "SELECT id, display_name FROM app_user"

# The filters' choices: every ward, and everyone but partners, by name.
WARDS = "SELECT id, name FROM ward ORDER BY name"
OFFICERS = "SELECT id, display_name FROM app_user WHERE role != 'partner' ORDER BY display_name"


def rows_sql(count: int) -> str:
    """The row columns of ``count`` cases, given as ``?`` parameters (the quick start's first page)."""
    return f"SELECT {', '.join(ROW_COLUMNS)} FROM asb_case WHERE id IN ({','.join('?' * count)})"
