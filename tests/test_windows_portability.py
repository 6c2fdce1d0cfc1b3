"""Date formats that only Linux understands. glibc's strftime takes "%-d" (no leading zero); Windows'
refuses it with "ValueError: Invalid format string" — the report pack's PDF failed so on every
council laptop until the Windows installer's smoke test ran it (installer/wine_smoke.sh). Write
``f"{d.day} {d:%B %Y}"`` instead."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# %-d, %_d, %^B, %#d ...: strftime flags that one platform's C library has and another's has not.
NON_PORTABLE = re.compile(r"%[-_^#0][a-zA-Z]")


def test_no_date_format_uses_a_platform_only_flag():
    """Catches "%-d" and friends anywhere in the app's code (checked against report_pack.py's "%-d %B %Y",
    which this found)."""
    found = []
    for path in sorted((ROOT / "cspdesk").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if NON_PORTABLE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "date formats Windows refuses:\n" + "\n".join(found)
