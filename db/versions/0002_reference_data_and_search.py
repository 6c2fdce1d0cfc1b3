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
    ward_ids = {}
    ward_rows = []
    for r in _rows("wards.csv"):
        ward_ids[r["name"]] = uuid.uuid4()
        ward_rows.append({"id": ward_ids[r["name"]], "name": r["name"], "code": r["code"] or None, **base})
    op.bulk_insert(ward, ward_rows)
    op.bulk_insert(parish, [{"id": uuid.uuid4(), "name": r["name"], "ward_id": ward_ids.get(r["ward"]), **base}
                            for r in _rows("parishes.csv")])
    op.bulk_insert(agency, [{"id": uuid.uuid4(), "code": r["code"], "name": r["name"], "kind": r["kind"],
                             "active": True, **base} for r in _rows("agencies.csv")])

    if op.get_bind().dialect.name == "sqlite":
        # Full-text search over the case list (storage/search.py). External content: the text lives
        # once, in asb_case.search_text; triggers keep the index in step with every write.
        op.execute("CREATE VIRTUAL TABLE case_fts USING fts5(search_text, content='asb_case', "
                   "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')")
        op.execute("CREATE TRIGGER case_fts_ai AFTER INSERT ON asb_case BEGIN "
                   "INSERT INTO case_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END")
        op.execute("CREATE TRIGGER case_fts_ad AFTER DELETE ON asb_case BEGIN "
                   "INSERT INTO case_fts(case_fts, rowid, search_text) VALUES('delete', old.rowid, old.search_text); END")
        op.execute("CREATE TRIGGER case_fts_au AFTER UPDATE OF search_text ON asb_case BEGIN "
                   "INSERT INTO case_fts(case_fts, rowid, search_text) VALUES('delete', old.rowid, old.search_text); "
                   "INSERT INTO case_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("case_fts_ai", "case_fts_ad", "case_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS case_fts")
    op.execute("DELETE FROM agency")
    op.execute("DELETE FROM parish")
    op.execute("DELETE FROM ward")
