"""Remake the migration fixtures in db/fixtures: one command after every schema change.

    .venv/bin/python tools/make_fixture.py

Writes two small demo databases (60 cases, fixed seed, plain SQLite so any test key opens them):

- ``schema-0001-small-demo.sqlite``: the demo written at revision 0001 (the wards, parishes and agencies an
  office had then typed in, from db/reference, and the demo's cases, notices, referrals... on them).
  tests/migrations/test_migration_data.py upgrades it to head and back down to 0001, on SQLite and on
  PostgreSQL, and checks the data on the way;
- ``schema-<head>-small-demo.sqlite``: the same demo at the current head, for the next schema change.

Until the first release 0001 is regenerated from the models (tools/regen_initial_migration.py), so run this
after that: the demo is written with today's models into a database at 0001, which only works while the
models and 0001 agree.
"""

from __future__ import annotations

import csv
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from sqlalchemy import create_engine, event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from cspdesk.core.demo import generate_demo  # noqa: E402
from cspdesk.core.demo.extras import default_extras  # noqa: E402
from cspdesk.core.storage.database import alembic_config, head_revision  # noqa: E402
from cspdesk.core.storage.models import Agency, Parish, Ward  # noqa: E402

FIXTURES = ROOT / "db" / "fixtures"
REFERENCE = ROOT / "db" / "reference"
CASES, SEED, ADMIN = 60, 1, "fixture.admin"


def _plain_engine(path: Path) -> Engine:
    """A plain (unencrypted) SQLite file with the app's connection settings."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    return engine


def _migrate(engine: Engine, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _type_in_reference_data(s: Session) -> None:
    """What an office at 0001 had typed in: the wards, parishes and agencies (0002 brought them as data)."""
    wards = {
        r["name"]: Ward(id=uuid.uuid4(), name=r["name"], code=r["code"] or None) for r in _rows("wards.csv")
    }
    s.add_all(wards.values())
    s.flush()  # the parishes point at them
    for r in _rows("parishes.csv"):
        ward = wards.get(r["ward"])
        s.add(Parish(id=uuid.uuid4(), name=r["name"], ward_id=ward.id if ward else None))
    for r in _rows("agencies.csv"):
        s.add(Agency(id=uuid.uuid4(), code=r["code"], name=r["name"], kind=r["kind"], active=True))
    s.flush()


def _settle(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
    engine.dispose()


def make(revision: str) -> Path:
    target = FIXTURES / f"schema-{revision}-small-demo.sqlite"
    tmp = FIXTURES / f"tmp-{revision}.sqlite"
    tmp.unlink(missing_ok=True)
    engine = _plain_engine(tmp)
    _migrate(engine, revision)
    with Session(engine) as s:
        if revision == "0001":
            _type_in_reference_data(s)
        generate_demo(s, cases=CASES, seed=SEED, admin_username=ADMIN, extras=default_extras())
        s.commit()
    _settle(engine)
    tmp.replace(target)
    return target


def main() -> int:
    for old in FIXTURES.glob("schema-*-small-demo.sqlite"):
        old.unlink()
    for revision in ("0001", head_revision()):
        print(make(revision))
    return 0


if __name__ == "__main__":
    sys.exit(main())
