"""Whatever the running app reads must be found when installed from a wheel, not only from a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_carries_migrations_and_reference_data_and_opens_a_database(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("cspdesk-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        zf.extractall(site)
    assert "cspdesk/_data/db/versions/0001_initial_schema.py" in names
    assert "cspdesk/_data/db/reference/wards.csv" in names
    assert not any("/fixtures/" in n for n in names)
    # Run from the unpacked wheel, away from the checkout: it must find db/ inside the package.
    code = (
        "import sys; from cspdesk.core import paths; from cspdesk.core.storage.database import open_database;"
        "assert '_data' in str(paths.db_dir()), paths.db_dir();"
        f"db = open_database(r'{tmp_path / 'installed.sqlite'}'); print(db.revision)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "CSPDESK_DB_KEY": "5e1f" * 16},
    )  # new files are encrypted: a key is needed
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip()
