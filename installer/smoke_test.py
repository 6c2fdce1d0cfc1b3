"""Smoke test of a built CSPDesk — the frozen folder, an installed copy, or one under Wine — before it ships.

  python installer/smoke_test.py dist/cspdesk/cspdesk
  python installer/smoke_test.py --no-window -- wine "C:/Program Files/CSPDesk/cspdesk.exe"

Everything a council laptop uses, through the built program itself, in a throwaway home folder (the tester's
own data is never touched): --version, about, a new database with demo data, check, each report (two PDFs and
the quarterly XLSX), a police.uk import, and ``cspdesk selftest`` (a letter, a mail merge in helper processes,
and — unless --no-window — the window opening offscreen on its first page of cases). Exit code 0 when every
step passed. Needs only the standard library, so it runs where CSPDesk is not installed.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLICE_UK = ROOT.parent / "shared" / "data" / "police-uk"  # CI has ../shared beside the clone


# Three rows in police.uk's street-level format, from its December 2018 Derbyshire file.
SAMPLE_POLICE_UK = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context\n"
    ",2018-12,Derbyshire Constabulary,Derbyshire Constabulary,-1.377557,53.096984,On or near Prospect Street,"
    "E01019400,Amber Valley 001A,Anti-social behaviour,,\n"
    "19613d0c5bc05f227461095c73309bf7aa951bcf92f451808e95d033a17814d3,2018-12,Derbyshire Constabulary,"
    "Derbyshire Constabulary,-1.373260,53.100835,On or near Salcombe Road,E01019400,Amber Valley 001A,"
    "Other theft,Investigation complete; no suspect identified,\n"
    ",2018-12,Derbyshire Constabulary,Derbyshire Constabulary,-1.373260,53.100835,On or near Salcombe Road,"
    "E01019400,Amber Valley 001A,Anti-social behaviour,,\n"
)


def version() -> str:
    text = (ROOT / "cspdesk" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--no-window", action="store_true", help="skip the window (no Qt: a server, Wine)")
    p.add_argument("--police-uk", type=Path, default=POLICE_UK, help="folder of police.uk street CSVs")
    p.add_argument(
        "--sample-police-uk",
        action="store_true",
        help="import a small police.uk file written here instead (where ../shared is missing)",
    )
    p.add_argument("--cases", type=int, default=200)
    p.add_argument("--keep", type=Path, help="keep the database, reports and letters in this folder")
    p.add_argument(
        "--wine",
        type=Path,
        metavar="DEMO_DB",
        help="under Wine 8, which cannot import numpy (its ucrtbase lacks crealf): take the demo data "
        "from DEMO_DB (made by another build) and leave the numpy steps (demo, police.uk "
        "import, quarterly XLSX) to a Windows runner",
    )
    p.add_argument("command", nargs="+", help="the program to test (and what runs it, e.g. wine)")
    args = p.parse_args()
    cmd = args.command[1:] if args.command[0] == "--" else args.command
    # The steps run in a temporary folder: a program named by a relative path is found from here first.
    cmd = [str(Path(c).resolve()) if Path(c).is_file() else c for c in cmd]
    police = [] if args.sample_police_uk else sorted(args.police_uk.glob("*-street.csv"))
    if not police and not args.sample_police_uk:
        sys.exit(f"no police.uk street files in {args.police_uk}")

    with tempfile.TemporaryDirectory(prefix="cspdesk-smoke-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        home = Path(tmp) / "home"
        home.mkdir()
        env = {
            **os.environ,
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CONFIG_DIRS": str(home / "site"),
            "CSPDESK_USER": "smoke.tester",
        }
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.pop("CSPDESK_DB", None)
        # Every new database is encrypted; a machine with no credential store and no terminal (CI) gives the
        # key as automation does. A throwaway key: the smoke test's files are deleted with its folder.
        if "CSPDESK_DB_KEY" not in env:
            env["CSPDESK_DB_KEY"] = secrets.token_hex(32)
        db = work / "smoke.sqlite"
        if args.sample_police_uk:
            police = [work / "2018-12-derbyshire-street.csv"]
            police[0].write_text(SAMPLE_POLICE_UK, encoding="utf-8")
        failures: list[str] = []

        def step(
            name: str,
            argv: list[str],
            ok_codes=(0,),
            expect: str | None = None,
            makes: tuple[Path, bytes] | None = None,
            timeout: int = 600,
        ) -> str:
            started = time.perf_counter()
            try:
                # Standard input an empty pipe, not /dev/null (which a Windows program under Wine cannot use).
                r = subprocess.run(
                    [*cmd, *argv],
                    input="",
                    capture_output=True,
                    text=True,
                    env=env,
                    cwd=work,
                    timeout=timeout,
                    encoding="utf-8",
                    errors="replace",
                )
                out, code = r.stdout + r.stderr, r.returncode
            except subprocess.TimeoutExpired:
                out, code = f"timed out after {timeout} s", None
            problem = None
            if code not in ok_codes:
                problem = f"exit code {code}"
            elif expect is not None and expect not in out:
                problem = f"no {expect!r} in the output"
            elif makes is not None and not (
                makes[0].is_file() and makes[0].read_bytes().startswith(makes[1])
            ):
                problem = f"{makes[0].name} not written as expected"
            elif "Traceback" in out:
                problem = "a traceback"
            secs = time.perf_counter() - started
            if problem:
                failures.append(name)
                print(
                    f"FAILED  {name} ({secs:.1f} s): {problem}\n$ {' '.join(argv)}\n{out[-4000:]}", flush=True
                )
            else:
                print(f"ok      {name} ({secs:.1f} s)", flush=True)
            return out

        step("version", ["--version"], expect=f"CSPDesk {version()}")
        step("about", ["about"], expect=f"Version: CSPDesk {version()}")
        if args.wine:
            # A new database is set up by the first command that opens it (no demo data: it needs numpy).
            new = work / "new.sqlite"
            step(
                "new database",
                ["report", "case-review-figures", "--db", str(new), "--out", str(work / "new.csv")],
                makes=(work / "new.csv", b""),
            )
            step("check the new database", ["check", "--db", str(new)], expect="\nOK")
            shutil.copy(args.wine, db)
            print(f"--      demo data: {args.wine} copied in (made by another build)")
        else:
            step(
                "new database with demo data",
                ["demo", "--db", str(db), "--cases", str(args.cases)],
                expect="Demo data written",
            )
        step("check", ["check", "--db", str(db)], expect="\nOK")
        reports = [("case-review-figures", "pdf", b"%PDF-"), ("action-taken", "pdf", b"%PDF-")]
        reports += [] if args.wine else [("quarterly", "xlsx", b"PK")]
        for report, fmt, magic in reports:
            out = work / f"{report}.{fmt}"
            step(
                f"report {report} as {fmt.upper()}",
                ["report", report, "--db", str(db), "--format", fmt, "--year", "2025/26", "--out", str(out)],
                makes=(out, magic),
            )
        # police.uk files hold some rows the importer rejects (no location): exit code 1 says "some rejected".
        if args.wine:
            print("--      quarterly XLSX and police.uk import: need numpy, left to a Windows runner")
        else:
            step(
                "police.uk import",
                ["figures", "import", "--db", str(db), *map(str, police)],
                ok_codes=(0, 1),
                expect="Imported",
            )
        step("check again", ["check", "--db", str(db)], expect="\nOK")
        selftest = ["selftest", "--out", str(work)] + (["--no-window"] if args.no_window else [])
        selftest += ["--db", str(db)] if args.wine else []
        step(
            "selftest: a letter, a mail merge in helper processes"
            + ("" if args.no_window else ", the window"),
            selftest,
            expect="SELF-TEST PASSED",
        )
    if failures:
        print(f"SMOKE TEST FAILED: {', '.join(failures)}")
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
