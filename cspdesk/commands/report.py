"""``cspdesk report REPORT ...``: reports printed or written from a database.

Each report is one function ``(reports_subparsers) -> None`` in ``REPORTS`` that adds its own
sub-subcommand and sets ``func``; to add a report, write one and list it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cspdesk.commands.common import add_db_argument, reports_user_errors


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="produce a report (e.g. the Community Trigger figures)")
    reports = p.add_subparsers(dest="report", metavar="REPORT", required=True)
    for add in REPORTS:
        add(reports)


# ----- case-review-figures


def _add_case_review_figures(reports) -> None:
    p = reports.add_parser(
        "case-review-figures", help="the statutory Community Trigger (ASB Case Review) figures for a year"
    )
    add_db_argument(p)
    p.add_argument(
        "--year",
        default=None,
        help="financial year such as 2022/23 (default: the last complete one), a calendar year "
        "such as 2022, or dates 2022-04-01..2023-03-31",
    )
    p.add_argument("--format", choices=("csv", "pdf"), default="csv")
    p.add_argument("--out", metavar="FILE", help="file to write (CSV goes to the screen without it)")
    p.set_defaults(func=run_case_review_figures)


@reports_user_errors
def run_case_review_figures(args) -> int:
    from cspdesk.commands.common import warn_if_copy_out_too_long
    from cspdesk.core.clock import current as current_clock
    from cspdesk.core.services.admin import SettingsService
    from cspdesk.core.services.case_review import CaseReviewService, figures_csv, render_figures_pdf
    from cspdesk.core.storage.database import open_database
    from cspdesk.core.storage.uow import uow_factory_for

    # No sign-in: a report reads, and must not add the person running it to the users table.
    database = open_database(args.db, create=False)
    warn_if_copy_out_too_long(database)
    uow = uow_factory_for(database.engine)
    service = CaseReviewService(
        uow, SettingsService(uow), current_clock().today, render_pdf=render_figures_pdf
    )
    year = args.year or service.default_period_text()
    if args.format == "csv":
        text = figures_csv(service.figures(year))
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8", newline="")
            print(f"Written {args.out}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    out = Path(args.out or f"community-trigger-{year.replace('/', '-')}.pdf")
    out.write_bytes(service.figures_pdf(year))
    print(f"Written {out}", file=sys.stderr)
    return 0


# ----- the report pack, its Action Taken section alone, and quarterly


def _report_pack_service(db: str):
    from cspdesk.commands.common import warn_if_copy_out_too_long
    from cspdesk.core.clock import current as current_clock
    from cspdesk.core.services.admin import SettingsService
    from cspdesk.core.services.figures import FiguresService
    from cspdesk.core.services.reports import ReportPackService, render_report_pack
    from cspdesk.core.storage.database import open_database
    from cspdesk.core.storage.uow import uow_factory_for

    # No sign-in, as above: a scheduled run reads and must not add a user.
    database = open_database(db, create=False)
    warn_if_copy_out_too_long(database)
    uow = uow_factory_for(database.engine)
    settings = SettingsService(uow)
    clock = current_clock()
    return ReportPackService(
        uow, settings, FiguresService(uow, settings, clock.today), clock.today, render_pdf=render_report_pack
    )


def _add_pack(reports, name: str, help_text: str) -> None:
    p = reports.add_parser(name, help=help_text)
    add_db_argument(p)
    p.add_argument(
        "--year",
        default=None,
        help="financial year such as 2022/23 (default: the last complete one), a calendar year "
        "such as 2022, or dates 2022-04-01..2023-03-31",
    )
    p.add_argument("--format", choices=("pdf", "csv"), default="pdf")
    p.add_argument("--out", metavar="FILE", help="file to write (CSV goes to the screen without it)")
    p.set_defaults(func=run_action_taken if name == "action-taken" else run_pack)


def _add_report_pack(reports) -> None:
    _add_pack(
        reports,
        "pack",
        "the partnership report pack (Action Taken, Community Trigger, Crime Figures, Priorities) for a "
        "year, as PDF or CSV",
    )


def _add_action_taken(reports) -> None:
    _add_pack(reports, "action-taken", "the Action Taken section alone (its text, charts and counts)")


@reports_user_errors
def run_pack(args) -> int:
    return _write_pack(args, "report-pack", action_taken_only=False)


@reports_user_errors
def run_action_taken(args) -> int:
    return _write_pack(args, "action-taken", action_taken_only=True)


def _write_pack(args, stem: str, action_taken_only: bool) -> int:
    # Each report under its own name (issue 19: action-taken wrote the whole pack as report-pack-*.pdf).
    service = _report_pack_service(args.db)
    year = args.year or service.default_period_text()
    if args.format == "csv":
        text = service.csv(year, action_taken_only=action_taken_only)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8", newline="")
            print(f"Written {args.out}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    out = Path(args.out or f"{stem}-{year.replace('/', '-')}.pdf")
    service.write_pdf(year, out, action_taken_only=action_taken_only)
    print(f"Written {out}", file=sys.stderr)
    return 0


def _add_quarterly(reports) -> None:
    p = reports.add_parser(
        "quarterly",
        help="the quarterly performance return (counts per quarter) for the county board, as CSV or XLSX",
    )
    add_db_argument(p)
    p.add_argument(
        "--year", default=None, help="financial year such as 2022/23 (default: the last complete one)"
    )
    p.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    p.add_argument("--out", metavar="FILE", required=True, help="file to write")
    p.set_defaults(func=run_quarterly)


@reports_user_errors
def run_quarterly(args) -> int:
    service = _report_pack_service(args.db)
    year = args.year or service.default_period_text()
    out = Path(args.out)
    if out.suffix.lower() != f".{args.format}":
        out = out.with_name(out.name + f".{args.format}")
    service.write_quarterly(year, out)
    print(f"Written {out}", file=sys.stderr)
    return 0


REPORTS = [_add_case_review_figures, _add_report_pack, _add_action_taken, _add_quarterly]
