"""Which tables a working copy journals, how a row is named (``row_key``) and
how a value is written as JSON."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, LargeBinary, Table, Uuid

from cspdesk.core.storage.models import Base

# Tables whose changes are never brought back: the sync bookkeeping itself, local-only drafts, settings (the
# office decides policy), and crime figures (imported in the office, never edited on a laptop).
NOT_JOURNALLED = frozenset(
    {
        "working_copy_info",
        "change_journal",
        "working_copy",
        "applied_change",
        "sync_conflict",
        "edit_draft",
        "app_setting",
        "crime_figure",
        "figure_import",
        "police_uk_text",
        "police_uk_row",
        "police_uk_holding",
        "population",
        "alembic_version",
    }
)
# Columns every tracked row has that the merge manages itself (never a field-level change).
BOOKKEEPING = frozenset({"updated_at", "version"})


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def journalled(name: str) -> bool:
    return name in Base.metadata.tables and name not in NOT_JOURNALLED


def encode(column: Column, value: Any) -> Any:
    """A column value as JSON (dates as ISO text, UUIDs as hex, bytes as base64)."""
    if value is None:
        return None
    t = column.type
    if isinstance(t, Uuid):
        return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex
    if isinstance(t, DateTime):
        return value.isoformat()
    if isinstance(t, Date):
        return value.isoformat()
    if isinstance(t, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    return value


def decode(column: Column, value: Any) -> Any:
    if value is None:
        return None
    t = column.type
    if isinstance(t, Uuid):
        return uuid.UUID(value)
    if isinstance(t, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(t, Date):
        return date.fromisoformat(value)
    if isinstance(t, LargeBinary):
        return base64.b64decode(value)
    if isinstance(t, JSON):
        return value
    return value


def encode_row(tbl: Table, row: dict[str, Any]) -> dict[str, Any]:
    return {c.name: encode(c, row[c.name]) for c in tbl.columns if c.name in row}


def decode_row(tbl: Table, values: dict[str, Any]) -> dict[str, Any]:
    return {name: decode(tbl.c[name], v) for name, v in values.items() if name in tbl.c}


def row_key(tbl: Table, row: dict[str, Any]) -> str:
    """The primary key as text: a UUID's hex, or the parts of a composite key as a JSON list."""
    parts = [encode(c, row[c.name]) for c in tbl.primary_key.columns]
    return str(parts[0]) if len(parts) == 1 else json.dumps(parts)


def key_clause(tbl: Table, key: str):
    cols = list(tbl.primary_key.columns)
    parts = [key] if len(cols) == 1 else json.loads(key)
    clause = None
    for c, p in zip(cols, parts, strict=True):
        cond = c == decode(c, p)
        clause = cond if clause is None else clause & cond
    return clause


def table_order() -> dict[str, int]:
    """Tables in foreign-key order (parents first)."""
    return {t.name: i for i, t in enumerate(Base.metadata.sorted_tables)}
