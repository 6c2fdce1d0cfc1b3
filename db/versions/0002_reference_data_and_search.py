"""Reference data (wards, parishes, partner agencies) and the case search index.

Revision ID: 0002
Revises: 0001
"""

import csv
import uuid
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
TRIGRAM_INDEX = "ix_asb_case_search_trgm"  # PostgreSQL only; kept out of the models (db/env.py)
# The rows this revision adds get ids made from their names, so its downgrade can tell them from rows an office
# typed in itself (which have random ids) and takes away only its own.
NAMESPACE = uuid.UUID("6f0c7c2e-3b1a-4d55-9a43-0c2d8e2f0002")


def _own_id(table: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{table}:{key}")


def _rows(name):
    with (REFERENCE / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def upgrade() -> None:
    now = datetime.utcnow()
    base = {"created_at": now, "updated_at": now, "version": 1}
    ward = sa.table("ward", sa.column("id", sa.Uuid), sa.column("name"), sa.column("code"),
                    sa.column("created_at"), sa.column("updated_at"), sa.column("version"))
    parish = sa.table("parish", sa.column("id", sa.Uuid), sa.column("name"), sa.column("ward_id", sa.Uuid),
                      sa.column("created_at"), sa.column("updated_at"), sa.column("version"))
    agency = sa.table("agency", sa.column("id", sa.Uuid), sa.column("code"), sa.column("name"), sa.column("kind"),
                      sa.column("active"), sa.column("created_at"), sa.column("updated_at"), sa.column("version"))
    bind = op.get_bind()
    # A database made before this revision may hold some of these already (typed in by the office): those
    # stay as they are, and only the missing ones are added.
    ward_ids = {name: id_ for id_, name in bind.execute(sa.select(ward.c.id, ward.c.name))}
    have_parishes = set(bind.scalars(sa.select(parish.c.name)))
    have_agencies = set(bind.scalars(sa.select(agency.c.code)))
    ward_rows = []
    for r in _rows("wards.csv"):
        if r["name"] not in ward_ids:
            ward_ids[r["name"]] = _own_id("ward", r["name"])
            ward_rows.append({"id": ward_ids[r["name"]], "name": r["name"], "code": r["code"] or None, **base})
    if ward_rows:
        op.bulk_insert(ward, ward_rows)
    parish_rows = [{"id": _own_id("parish", r["name"]), "name": r["name"], "ward_id": ward_ids.get(r["ward"]), **base}
                   for r in _rows("parishes.csv") if r["name"] not in have_parishes]
    if parish_rows:
        op.bulk_insert(parish, parish_rows)
    agency_rows = [{"id": _own_id("agency", r["code"]), "code": r["code"], "name": r["name"], "kind": r["kind"], "active": True,
                    **base} for r in _rows("agencies.csv") if r["code"] not in have_agencies]
    if agency_rows:
        op.bulk_insert(agency, agency_rows)

    if bind.dialect.name == "postgresql":
        # Case search on PostgreSQL is LIKE over asb_case.search_text (storage/search.py); a trigram index
        # answers it without reading every case (100,000 cases: ~15 ms instead of ~150 ms). pg_trgm ships
        # with PostgreSQL and is trusted (13+), so the database's owner may create it. Where it cannot be
        # had, search still works, reading every case.
        try:
            with bind.begin_nested():
                op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except sa.exc.DBAPIError:
            return
        op.execute(f"CREATE INDEX {TRIGRAM_INDEX} ON asb_case USING gin (search_text gin_trgm_ops)")
    if bind.dialect.name == "sqlite":
        # Full-text search over the case list (storage/search.py). External content: the text lives
        # once, in asb_case.search_text; triggers keep the index in step with every write.
        op.execute("CREATE VIRTUAL TABLE case_fts USING fts5(search_text, content='asb_case', "
                   "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')")
        op.execute("CREATE TRIGGER case_fts_ai AFTER INSERT ON asb_case BEGIN "
                   "INSERT INTO case_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END")
        # Cases written before this revision: index them now, or a search would never find them.
        op.execute("INSERT INTO case_fts(case_fts) VALUES ('rebuild')")
        op.execute("CREATE TRIGGER case_fts_ad AFTER DELETE ON asb_case BEGIN "
                   "INSERT INTO case_fts(case_fts, rowid, search_text) VALUES('delete', old.rowid, old.search_text); END")
        op.execute("CREATE TRIGGER case_fts_au AFTER UPDATE OF search_text ON asb_case BEGIN "
                   "INSERT INTO case_fts(case_fts, rowid, search_text) VALUES('delete', old.rowid, old.search_text); "
                   "INSERT INTO case_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END")
        # Cases written before this revision: index them now, or a search would never find them.
        op.execute("INSERT INTO case_fts(case_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("case_fts_ai", "case_fts_ad", "case_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS case_fts")
    # Take away the reference rows this revision added, but only those nothing points at: a case, a person or
    # a user on one of its wards or agencies keeps it. Rows the office typed in before this revision stay.
    bind = op.get_bind()
    for table, key, file in (("parish", "name", "parishes.csv"), ("ward", "name", "wards.csv"),
                             ("agency", "code", "agencies.csv")):
        _delete_unreferenced(bind, table, [_own_id(table, r[key]) for r in _rows(file)])


def _delete_unreferenced(bind, table: str, ids: list[uuid.UUID]) -> None:
    """Delete the rows of ``table`` with one of ``ids`` that no foreign key in the database points at."""
    target = sa.table(table, sa.column("id", sa.Uuid))
    statement = sa.delete(target).where(target.c.id.in_(ids))
    inspector = sa.inspect(bind)
    for other in inspector.get_table_names():
        for fk in inspector.get_foreign_keys(other):
            if fk["referred_table"] != table:
                continue
            for column in fk["constrained_columns"]:
                pointing = sa.table(other, sa.column(column, sa.Uuid))
                statement = statement.where(~sa.exists().where(pointing.c[column] == target.c.id))
    bind.execute(statement)
