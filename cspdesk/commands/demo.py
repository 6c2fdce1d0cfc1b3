"""``cspdesk demo --db PATH [--cases N] [--seed S]``: fill a new database with demo data."""

from __future__ import annotations

import sys

from cspdesk.commands.common import add_db_argument, open_services, reports_user_errors


def add_parser(sub) -> None:
    p = sub.add_parser("demo", help="fill an empty database with realistic, fictional demo data")
    add_db_argument(p)
    p.add_argument("--cases", type=int, default=1500, help="how many ASB cases (default 1500)")
    p.add_argument("--seed", type=int, default=2023, help="random seed, for repeatable data (default 2023)")
    p.set_defaults(func=run)


@reports_user_errors
def run(args) -> int:
    services = open_services(args.db, create=True, write=True)

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "cases" and total >= 20000:
            print(f"  {done:,} / {total:,} cases", file=sys.stderr)

    report = services.demo.load(None, cases=args.cases, seed=args.seed, progress=progress)
    print(
        f"Demo data written to {services.database.label}: {report.cases:,} cases, {report.people:,} people, "
        f"{report.incidents:,} incidents, {report.actions:,} actions, {report.meetings:,} meetings "
        f"{timing(report.cases, report.seconds)}."
    )
    for k, v in report.extra.items():
        print(f"  {k}: {v:,}")
    return 0


def timing(cases: int, seconds: float) -> str:
    """How long the load took, with its rate when that means something: not for a run under a second (its
    fixed costs swamp it), nor one timed as no time at all (a frozen clock under faketime printed
    "in 0.0 s (0 cases/s)"), nor a rate under one case a second."""
    if seconds < 0.05:
        return "in under 0.1 s"
    text = f"in {seconds:.1f} s"
    if seconds >= 1 and cases / seconds >= 1:
        text += f" ({cases / seconds:,.0f} cases/s)"
    return text
