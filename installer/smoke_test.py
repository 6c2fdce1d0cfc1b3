"""Smoke test of a built CSPDesk (frozen folder or installed command) before it ships.

  python installer/smoke_test.py dist/cspdesk/cspdesk      # or: python installer/smoke_test.py cspdesk

Checks --version, creating and migrating a database, demo data, and `check`.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

exe = sys.argv[1] if len(sys.argv) > 1 else "cspdesk"
with tempfile.TemporaryDirectory() as tmp:
    db = Path(tmp) / "smoke.sqlite"
    for args in (["--version"], ["demo", "--db", str(db), "--cases", "50"], ["check", "--db", str(db)]):
        result = subprocess.run([exe, *args], capture_output=True, text=True)
        print("$", exe, *args, "\n", result.stdout, result.stderr)
        if result.returncode != 0:
            sys.exit(f"smoke test failed at: {' '.join(args)}")
print("smoke test passed")
