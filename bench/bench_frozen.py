"""The frozen build (installer/build.sh → dist/cspdesk/): its size, and the start-up time to the first page of
cases, beside the same start from the source checkout.

  flock /tmp/cspdesk-bench.lock .venv/bin/python bench/bench_frozen.py [--db FILE] [--runs 5]

Start-up is timed from the moment this process starts the program to the window showing its first page of
open cases (``cspdesk selftest --window-only``: bootstrap.start_window, offscreen, as the app starts), on a
database of 1,500 demo cases (made once if missing). One untimed start first of each (it signs the user in
and warms the file cache, as any earlier start would); then the median of --runs.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "dist" / "cspdesk" / "cspdesk"


def start_time(cmd: list[str], db: Path, env: dict) -> float:
    env = {**env, "CSPDESK_PROBE_STARTED": repr(time.time())}
    out = subprocess.run(
        [*cmd, "selftest", "--window-only", "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    return float(re.search(r"([\d.]+) s after the process started", out).group(1))


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", type=Path, default=Path("/tmp/cspdesk-bench-frozen.sqlite"))
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    if not FROZEN.is_file():
        sys.exit("build it first: installer/build.sh")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if not args.db.exists():
        subprocess.run(
            [str(FROZEN), "demo", "--db", str(args.db), "--cases", "1500"],
            check=True,
            env=env,
            capture_output=True,
        )
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "cspdesk")], check=True, env=env)
    print(f"Frozen folder dist/cspdesk: {size_mb(ROOT / 'dist' / 'cspdesk'):,.0f} MB")
    for tar in sorted((ROOT / "dist").glob("cspdesk-*.tar.gz")):
        print(f"{tar.name}: {tar.stat().st_size / 1e6:,.0f} MB")
    for setup in sorted((ROOT / "dist").glob("CSPDesk-*-setup.exe")):
        print(f"{setup.name}: {setup.stat().st_size / 1e6:,.0f} MB")
    for label, cmd in (("frozen", [str(FROZEN)]), ("source checkout", [sys.executable, "-m", "cspdesk"])):
        start_time(cmd, args.db, env)
        times = [start_time(cmd, args.db, env) for _ in range(args.runs)]
        print(
            f"Start → first page of cases, {label}: median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}, {args.runs} runs)"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
