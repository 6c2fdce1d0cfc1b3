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
    p = reports.add_parser("case-review-figures",
                           help="the statutory Community Trigger (ASB Case Review) figures for a year")
    add_db_argument(p)
    p.add_argument("--year", default=None,
                   help="financial year such as 2022/23 (default: the last complete one), a calendar year "
                        "such as 2022, or dates 2022-04-01..2023-03-31")
    p.add_argument("--format", choices=("csv", "pdf"), default="csv")
    p.add_argument("--out", metavar="FILE", help="file to write (CSV goes to the screen without it)")
    p.set_defaults(func=run_case_review_figures)


@reports_user_errors
def run_case_review_figures(args) -> int:
    from cspdesk.core.services.case_review import CaseReviewService
    from cspdesk.core.services.case_review_print import render_figures_pdf
    from cspdesk.core.services.case_review_reports import figures_csv
    from cspdesk.core.services.settings import SettingsService
    from cspdesk.core.storage.database import open_database
    from cspdesk.core.storage.uow import uow_factory_for

    # No sign-in: a report reads, and must not add the person running it to the users table.
    uow = uow_factory_for(open_database(args.db).engine)
    service = CaseReviewService(uow, SettingsService(uow), render_pdf=render_figures_pdf)
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


REPORTS = [_add_case_review_figures]
