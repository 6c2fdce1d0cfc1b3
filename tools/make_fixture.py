"""Keep a small database at the current schema in db/fixtures, for migration tests after it changes.

Run once for every schema that ships: .venv/bin/python tools/make_fixture.py
"""

from pathlib import Path

from sqlalchemy.orm import Session

from cspdesk.core.demo import generate_demo
from cspdesk.core.demo.extras import default_extras
from cspdesk.core.storage.database import open_database

ROOT = Path(__file__).resolve().parent.parent
db = open_database(ROOT / "db" / "fixtures" / "tmp.sqlite")
with Session(db.engine) as s:
    generate_demo(s, cases=60, seed=1, admin_username="fixture.admin", extras=default_extras())
    s.commit()
with db.engine.connect() as conn:
    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
db.engine.dispose()
target = ROOT / "db" / "fixtures" / f"schema-{db.revision}-small-demo.sqlite"
(ROOT / "db" / "fixtures" / "tmp.sqlite").replace(target)
print(target)
