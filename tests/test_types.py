"""The type checker passes: mypy with the configuration in pyproject.toml (strict on core.domain and the
clock, checked elsewhere but for the modules still listed as not yet clean). A renamed service method then
fails here, not when its screen runs.

What it catches (checked 2026-12-06): ``def add_working_days(start: date, n: int) -> date`` in
``core/domain/calendar.py`` returning a string, or a domain function without annotations, fails this test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_passes():
    result = subprocess.run([sys.executable, "-m", "mypy"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
