"""The long build checks, as tests run only when asked — they are outside tests/, so ./run-tests.sh never
collects them:

  .venv/bin/python -m pytest installer/ -q

CI runs the first on every run through .ci/run (the build and the smoke test directly); the second when
CSPDESK_WINDOWS=1. Each fails, never skips, when its tools are missing and cannot be installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*argv: str, timeout: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


def _version() -> str:
    sys.path.insert(0, str(ROOT))
    from cspdesk import __version__

    return __version__


def test_frozen_build_passes_the_smoke_test():
    """The PyInstaller folder: every part a laptop uses, through the frozen executable itself. Catches a
    frozen build whose helper processes cannot start (checked by building without
    multiprocessing.freeze_support() in __main__: each helper started the app's own command line, and
    "helper processes start" failed)."""
    build = _run("bash", "installer/build.sh", timeout=1800)
    assert build.returncode == 0, build.stderr[-4000:]
    smoke = _run(sys.executable, "installer/smoke_test.py", "dist/cspdesk/cspdesk", timeout=1800)
    assert smoke.returncode == 0, smoke.stdout[-6000:] + smoke.stderr[-2000:]
    assert "smoke test passed" in smoke.stdout


def test_windows_installer_installs_runs_upgrades_and_uninstalls_under_wine():
    """The NSIS installer built on Linux, installed silently under Wine; the installed command line runs the
    smoke test; upgrade and uninstall keep the user's data (installer/wine_smoke.sh)."""
    build = _run("bash", "installer/build-windows.sh", "--fast", "--check", timeout=3600)
    assert build.returncode == 0, build.stdout[-6000:] + build.stderr[-4000:]
    assert (ROOT / "dist" / f"CSPDesk-{_version()}-setup.exe").is_file()
    assert "WINE SMOKE TEST PASSED" in build.stderr
