"""Provisional references in a working copy.

A laptop at a forum cannot know which numbers the office will hand out tonight, so a record numbered in a copy
gets a provisional reference that cannot be mistaken for an office one ("WC3F2A-C001": copy 3F2A, case
1) and is given its office number when it is brought back (``bring_back``), inside the same
transaction as the office's own numbering (so the two never clash). Letters printed in the copy that
quoted it are listed for the officer.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from cspdesk.core.storage.models import WorkingCopyInfo
from cspdesk.core.sync.values import table

# Table → the letter after the copy's code in its provisional references.
NUMBERED = {
    "asb_case": "C",
    "enforcement_notice": "N",
    "safer_homes_referral": "S",
    "case_review_application": "R",
}
PROVISIONAL = re.compile(r"^WC[0-9A-F]{4}-[CNSR]\d{3,}$")


def copy_code(copy_id_hex: str) -> str:
    return "WC" + copy_id_hex[:4].upper()


def is_provisional(reference: str | None) -> bool:
    return bool(reference and PROVISIONAL.match(reference))


def provisional_reference(session: Session, table_name: str) -> str | None:
    """The next provisional reference for ``table_name`` if this database is a working copy, else None (the
    caller then numbers as the office does)."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    try:
        code = session.scalar(select(WorkingCopyInfo.code).limit(1))
    except DBAPIError:
        return None
    if code is None:
        return None
    stem = f"{code}-{NUMBERED[table_name]}"
    refs = session.scalars(
        select(table(table_name).c.reference).where(table(table_name).c.reference.like(stem + "%"))
    )
    numbers = [int(r[len(stem) :]) for r in refs if r[len(stem) :].isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:03d}"
