"""Moving in: a council's case log of 2,000 cases and its 6,000 incidents (tools/make_moving_in_workbook.py),
mapping done, read, checked (dry run) and imported into a new database. Target: under 10 s in all.

    flock /tmp/cspdesk-bench.lock .venv/bin/python bench/bench_moving_in.py [--cases 2000 --incidents 6000]

Makes a new (encrypted) SQLite file in a temporary folder, removed at the end. Results:
docs/performance/moving-in.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location(
        "make_moving_in_workbook", ROOT / "tools/make_moving_in_workbook.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=int, default=2000)
    p.add_argument("--incidents", type=int, default=6000)
    args = p.parse_args()
    os.environ.setdefault("CSPDESK_DB_KEY", "b3" * 32)
    from cspdesk.core.domain.vocab import Role
    from cspdesk.core.services.moving_in import ImportPlan, RecordKind
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "case-log.xlsx"
        _tool().make_workbook(book, args.cases, args.incidents, notices=0)
        services = build_services(open_database(Path(tmp) / "bench.sqlite"), "bench.admin")
        services.users.add_user(services.actor, "joe.bloggs", "Joe Bloggs", Role.OFFICER)
        services.users.add_user(services.actor, "sam.khan", "Sam Khan", Role.OFFICER)
        mi = services.moving_in
        timings: list[tuple[str, float]] = []

        def timed(label: str, fn):
            start = time.perf_counter()
            out = fn()
            timings.append((label, time.perf_counter() - start))
            return out

        def mapped(sheet: str, kind: RecordKind) -> ImportPlan:
            # The mapping an officer would have made in the window: every suggestion taken, the rest chosen.
            plan = mi.propose(book, sheet, kind)
            values = {k: dict(v) for k, v in plan.values.items()}
            for v in mi.values_to_map(plan):
                if v.mapped_to is None:
                    values.setdefault(v.field, {})[v.value] = v.suggestion or "other"
            return ImportPlan(plan.path, plan.sheet, plan.kind, plan.columns, values)

        timed("read the workbook (3 sheets)", lambda: mi.open_file(book))
        cases_plan = mapped("Case log", RecordKind.CASES)
        incidents_plan = mapped("Incidents", RecordKind.INCIDENTS)
        timed(f"dry run, {args.cases:,} cases", lambda: mi.dry_run(services.actor, cases_plan))
        cases = timed(f"import, {args.cases:,} cases", lambda: mi.run(services.actor, cases_plan))
        timed(f"dry run, {args.incidents:,} incidents", lambda: mi.dry_run(services.actor, incidents_plan))
        incidents = timed(
            f"import, {args.incidents:,} incidents", lambda: mi.run(services.actor, incidents_plan)
        )
        timed(
            "undo both imports",
            lambda: (mi.undo(services.actor, incidents.batch_id), mi.undo(services.actor, cases.batch_id)),
        )
        services.database.engine.dispose()
    total = sum(t for label, t in timings if not label.startswith("undo"))
    for label, seconds in timings:
        print(f"{label:<32} {seconds:6.2f} s")
    print(f"{'read, check and import in all':<32} {total:6.2f} s  (target: under 10 s)")
    print(
        f"made: {cases.counts.get('cases to make', 0):,} cases, {incidents.counts.get('incidents to make', 0):,} incidents"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
