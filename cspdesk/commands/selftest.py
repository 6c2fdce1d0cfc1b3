"""``cspdesk selftest``: does this installation work? For IT after installing, and for the smoke test of the
frozen build and of the Windows installer.

On a throwaway database in a temporary folder (the user's own data is never touched): a new database, demo
data, the integrity check, a letter, helper processes starting, a mail merge rendered in them, and the
window opening on its first page of cases. Prints one line per step; exit code 0 when all passed, 1 when one
failed (the rest still run where they can).

  cspdesk selftest                     everything (the window needs a display, or QT_QPA_PLATFORM=offscreen)
  cspdesk selftest --no-window         the command line only (a server with no desktop; Wine)
  cspdesk selftest --out DIR           also keep the letter and the merge's print file in DIR, to look at
  cspdesk selftest --db FILE           work on a copy of FILE (a SQLite database) instead of new demo data
  cspdesk selftest --window-only --db FILE   only open the window on FILE (the frozen start-up benchmark)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CASES = 120  # enough open cases with complainants for a merge above batch.default_workers' threshold


def add_parser(sub) -> None:
    p = sub.add_parser("selftest", help="check that this installation works, on a throwaway database")
    p.add_argument("--no-window", action="store_true", help="skip opening the window")
    p.add_argument("--window-only", action="store_true", help="only open the window (on --db)")
    p.add_argument(
        "--db",
        metavar="FILE",
        help="work on a copy of this SQLite database instead of new demo data "
        "(with --window-only: the database to open, not copied)",
    )
    p.add_argument("--out", metavar="DIR", help="keep the letter and the mail merge's print file here")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.window_only:
        if not args.db:
            print("error: --window-only needs --db FILE", file=sys.stderr)
            return 2
        return 0 if _step("window opens on its first page of cases", lambda: _window(args.db)) else 1
    folder = Path(tempfile.mkdtemp(prefix="cspdesk-selftest-"))
    out = Path(args.out) if args.out else folder
    out.mkdir(parents=True, exist_ok=True)
    db = folder / "selftest.sqlite"
    state: dict = {}
    try:
        if args.db:
            ok = _step(f"a copy of {args.db}", lambda: _copy_database(Path(args.db), db, state))
        else:
            ok = _step("new database", lambda: _new_database(db, state))
            ok = ok and _step("demo data", lambda: _demo(state))
        ok = ok and _step("integrity check", lambda: _check(state)) and ok
        ok = _step("a letter", lambda: _letter(state, out)) and ok
        ok = _step("helper processes start", _helper_processes) and ok
        ok = _step("mail merge in helper processes", lambda: _merge(state, out)) and ok
        if "services" in state:
            state.pop("services").database.engine.dispose()
        if not args.no_window:
            ok = _step("window opens on its first page of cases", lambda: _window(str(db))) and ok
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("SELF-TEST PASSED" if ok else "SELF-TEST FAILED")
    return 0 if ok else 1


def _step(name: str, action: Callable[[], str]) -> bool:
    started = time.perf_counter()
    try:
        said = action()
    except Exception as exc:  # a self-test reports every failure as a line, never as a crash
        print(f"FAILED  {name}: {type(exc).__name__}: {exc}", flush=True)
        # The details for whoever supports CSPDesk go to the log, not the screen
        # (no traceback reaches a user).
        from cspdesk.commands.unexpected import write_crash_log

        logfile = write_crash_log(exc, ["selftest", name])
        if logfile is not None:
            print(f"        details: {logfile}", flush=True)
        return False
    print(f"ok      {name} ({time.perf_counter() - started:.1f} s){': ' + said if said else ''}", flush=True)
    return True


def _new_database(db: Path, state: dict, username: str = "selftest") -> str:
    from cspdesk.commands.common import open_services

    # The self-test's own user: the first to open a new database becomes its administrator.
    services = open_services(str(db), username=username, create=True, write=True)
    state["services"] = services
    return f"{db.name}, schema {services.database.revision}"


def _copy_database(source: Path, db: Path, state: dict) -> str:
    import sqlite3

    # Read-only, leaving no -wal or -shm file behind (encryption.readonly_uri).
    from cspdesk.core.storage import encryption

    if not source.is_file():
        raise FileNotFoundError(f"no such database: {source}")
    src = encryption.connect_file(source, readonly=True)  # plain or encrypted; through readonly_uri
    salt = encryption.salt_of(source)
    if salt is not None:  # the copy encrypted like its source, with its key (never a plain copy of the data)
        key = encryption.key_for(source)
        dst = encryption.open_copy_target(db, key, salt)
        encryption.remember(db, key)
    else:
        dst = sqlite3.connect(db)
    try:
        src.backup(dst)  # a consistent copy, even of a file in use
        # Signed in as the copy's first administrator: on a copy only, to file letters as the test does.
        row = dst.execute(
            "SELECT username FROM app_user WHERE role = 'administrator' AND active "
            "ORDER BY created_at LIMIT 1"
        ).fetchone()
    finally:
        src.close()
        dst.close()
    if row is None:
        raise RuntimeError(f"{source} has no administrator to sign in as")
    said = _new_database(db, state, row[0])
    services = state["services"]
    services.users.update_user(services.actor, services.actor.user_id, job_title="Community Safety Officer")
    return said


def _demo(state: dict) -> str:
    services = state["services"]
    report = services.demo.load(None, cases=CASES, seed=2023)
    # Letters are signed with the officer's job title.
    services.users.update_user(services.actor, services.actor.user_id, job_title="Community Safety Officer")
    return f"{report.cases} cases"


def _check(state: dict) -> str:
    from cspdesk.core.services.admin.health import HealthService

    report = HealthService(state["services"].database).check()
    if not report.ok:
        raise RuntimeError("; ".join(report.problems) or report.integrity)
    return report.integrity


def _cases(services) -> list:
    from cspdesk.core.services.cases.case_query import CaseQuery

    return list(services.case_list.case_ids(CaseQuery()))


def _letter(state: dict, out: Path) -> str:
    from cspdesk.core.services.letters.letter_sources import Subject

    services = state["services"]
    for case_id in _cases(services):
        choices = {c.code: c for c in services.letters.choices(Subject.CASE, case_id)}
        if "complaint_ack" not in choices:
            continue
        try:
            filed = services.letters.generate(services.actor, Subject.CASE, "complaint_ack", case_id)
        except Exception:  # this case lacks something the letter needs: try the next
            continue
        pdf = services.documents.content(services.actor, filed.document_id)
        if not pdf.startswith(b"%PDF-"):
            raise RuntimeError("the filed letter is not a PDF")
        (out / "letter.pdf").write_bytes(pdf)
        return f"{len(pdf):,} bytes, filed on the case"
    raise RuntimeError("no case could have a complaint acknowledgement")


def _helper_process_id() -> int:
    return os.getpid()


def _helper_processes() -> str:
    """A mail merge's helpers are spawned: in a frozen build they start the app's own executable, which must
    become a helper (multiprocessing.freeze_support in __main__) instead of opening another window."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pid = pool.submit(_helper_process_id).result(timeout=120)
    if pid == os.getpid():
        raise RuntimeError("the helper ran in this process")
    return f"helper process {pid}"


def _merge(state: dict, out: Path) -> str:
    from cspdesk.core.reports.batch import default_workers
    from cspdesk.core.services.letters.letter_sources import Subject
    from cspdesk.core.services.letters.letters_batch import run_batch

    services = state["services"]
    ids = _cases(services)
    workers = max(2, default_workers(len(ids)))
    result = run_batch(
        services.letters,
        services.actor,
        Subject.CASE,
        "complaint_ack",
        ids,
        combined=True,
        skip_incomplete=True,
        workers=workers,
    )
    if result.combined is None or not result.combined.startswith(b"%PDF-"):
        raise RuntimeError("no print file")
    (out / "merge.pdf").write_bytes(result.combined)
    # A helper that cannot start is not an error for a merge (it carries on in this process): "helper
    # processes start" above is the check that they do.
    return f"{result.letters} letters filed, {len(result.skipped)} skipped, {workers} processes asked for"


def _window(db: str) -> str:
    # Qt lives in the GUI (import contract): the check itself is cspdesk.gui.selftest, imported only now.
    from cspdesk.gui.selftest import first_page

    return first_page(db)
