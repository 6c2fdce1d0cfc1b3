"""Refuse text that a column cannot hold before the database sees it, in the user's words.

SQLite stores a string of any length in a ``VARCHAR(120)``; PostgreSQL refuses it (and any text with
a NUL character) with an error no user should see. Checking every new or changed value against its
column at flush gives both databases the same rule and a field-level ``ValidationError`` instead.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import String, inspect
from sqlalchemy.orm import Mapper, Session

from cspdesk.core.errors import ValidationError


@cache
def _text_columns(mapper: Mapper) -> dict[str, int | None]:
    """Attribute name -> the most characters its column holds (None: any number) for text columns."""
    out: dict[str, int | None] = {}
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if isinstance(column.type, String):
            out[attr.key] = column.type.length
    return out


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def check_text_fits(session: Session, _flush_context, _instances) -> None:
    problems: dict[str, str] = {}
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        columns = _text_columns(state.mapper)
        # A changed row: only what changed (older rows may have been written before the rule).
        keys = columns if state.key is None else columns.keys() & state.committed_state.keys()
        for key in keys:
            value = state.dict.get(key)
            if not isinstance(value, str):
                continue
            limit = columns[key]
            if limit is not None and len(value) > limit:
                problems[key] = (f"{_label(key)} is too long: at most {limit:,} characters, "
                                 f"this has {len(value):,}. Shorten it and save again.")
            elif "\x00" in value:
                problems[key] = f"{_label(key)} contains a NUL character, which cannot be stored. Remove it."
    if problems:
        raise ValidationError(problems)


def check_rows_fit(model: type, rows: list[dict]) -> None:
    """``check_text_fits`` for rows written with a Core INSERT (no ORM object to look at): the same rule."""
    columns = _text_columns(inspect(model))
    problems: dict[str, str] = {}
    for row in rows:
        for key, limit in columns.items():
            value = row.get(key)
            if not isinstance(value, str):
                continue
            if limit is not None and len(value) > limit:
                problems[key] = (f"{_label(key)} is too long: at most {limit:,} characters, "
                                 f"this has {len(value):,}. Shorten it and save again.")
            elif "\x00" in value:
                problems[key] = f"{_label(key)} contains a NUL character, which cannot be stored. Remove it."
    if problems:
        raise ValidationError(problems)
