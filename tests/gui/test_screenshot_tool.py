"""tools/screenshot.py, which takes the screenshots in docs/ (issue 19): a row it is asked to open is opened
once the page's list has been read, and nothing is left running on a worker when the window goes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_safer_homes_referral_is_opened_and_shot_without_a_worker_left_running(demo_db_path, tmp_path):
    """(Caught: ``--open-row 0`` called before the list had been read on its worker, so no referral opened
    and the list was shot instead; the window closed while a read was still running, which printed "Signal
    source has been deleted".)"""
    out = tmp_path / "referral.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "screenshot.py"), "--db", str(demo_db_path)]
        + ["--page", "safer_homes", "--open-row", "0", "--out", str(out), "--size", "1366x728"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Signal source has been deleted" not in done.stderr
    assert "Traceback" not in done.stderr
    assert out.stat().st_size > 10000
