"""Regenerate db/versions/0001_initial_schema.py from the models.

Only while no database made by a released CSPDesk exists (the project's first development
session); after the first release, schema changes are new migrations, never edits of 0001.
Usage: .venv/bin/python tools/regen_initial_migration.py
"""

import shutil
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent
versions = ROOT / "db" / "versions"
with tempfile.TemporaryDirectory() as tmp:
    later = [p for p in versions.glob("*.py") if not p.name.startswith("0001_")]
    for p in later:
        shutil.move(p, Path(tmp) / p.name)
    for p in versions.glob("0001_*.py"):
        p.unlink()
    try:
        cfg = Config()
        cfg.set_main_option("script_location", str(ROOT / "db"))
        cfg.set_main_option("sqlalchemy.url", f"sqlite:///{tmp}/gen.sqlite")
        command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
    finally:
        for p in later:
            shutil.move(Path(tmp) / p.name, versions / p.name)
