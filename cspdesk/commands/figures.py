"""``cspdesk figures``: the analyst's monthly routine from the command line.

    cspdesk figures import --db PATH FILE [FILE ...] [--dry-run] [--strict] [--label TEXT]
    cspdesk figures population --db PATH FILE [--label TEXT]
    cspdesk figures table --db PATH --category NAME --from YYYY-MM --to YYYY-MM [--total-label TEXT] \
        --format csv

Import exit codes, chosen for a script that runs every month: 0 everything was imported (a police.uk
file already in the database is skipped, not an error); 1 some rows were rejected — the good rows
*were* imported (unless --strict or --dry-run), and every rejected row is printed with file, row and
column so it can be corrected and the file imported again (re-importing replaces, never double
counts); 2 nothing was imported (bad arguments, no readable file, permission); 70 something unexpected
(``commands/unexpected.py``: one line and a log file, as for every command).
"""

from __future__ import annotations

import sys

from cspdesk.commands.common import add_db_argument, open_services, reports_user_errors

EXIT_OK, EXIT_REJECTED, EXIT_ERROR = 0, 1, 2


def add_parser(sub) -> None:
    p = sub.add_parser("figures", help="crime figures: import files, set populations, print a table")
    figures = p.add_subparsers(dest="figures_command", metavar="ACTION", required=True)

    imp = figures.add_parser(
        "import",
        help="import analyst figures, police.uk street-level files (CSV or zip) or a population table",
        description="The format of each file is recognised from its header row. Good rows are imported even "
        "when some rows are rejected (exit code 1, every rejected row listed); "
        "use --strict to import nothing in that case, or --dry-run to only check.",
    )
    add_db_argument(imp)
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--dry-run", action="store_true", help="read and check the files; import nothing")
    imp.add_argument("--strict", action="store_true", help="import nothing if any row is rejected")
    imp.add_argument(
        "--label", help='population base, for a population file (e.g. "total population, mid-2020 estimate")'
    )
    imp.set_defaults(func=run_import)

    pop = figures.add_parser("population", help="import the population table (area,population)")
    add_db_argument(pop)
    pop.add_argument("file", metavar="FILE")
    pop.add_argument(
        "--label",
        help="what the figures are, printed in each table's footnote "
        "(default: the label already in the database)",
    )
    pop.add_argument("--dry-run", action="store_true", help="read and check the file; import nothing")
    pop.add_argument("--strict", action="store_true", help="import nothing if any row is rejected")
    pop.set_defaults(func=run_population)

    table = figures.add_parser("table", help="print a district comparison table")
    add_db_argument(table)
    table.add_argument("--category", required=True, help='e.g. "ASB incidents"')
    table.add_argument("--from", dest="first", required=True, metavar="YYYY-MM")
    table.add_argument("--to", dest="last", required=True, metavar="YYYY-MM")
    table.add_argument("--total-label", help="label of the total row (default: the setting)")
    table.add_argument(
        "--source",
        choices=("analyst", "police_uk"),
        default="analyst",
        help="whose figures (default: the Partnership Analyst's)",
    )
    table.add_argument("--format", choices=("csv", "text"), default="csv")
    table.set_defaults(func=run_table)


def _import(args, files: list[str], population_only: bool = False) -> int:
    services = open_services(args.db, write=not args.dry_run)
    figures = services.figures
    preview = figures.preview_import(files)
    if population_only:
        wrong = [f for f in preview.files if f.importable and f.kind != "population"]
        if wrong:
            print(
                f"error: {wrong[0].file} is a {wrong[0].kind_label}, not a population table "
                "(area,population); use 'cspdesk figures import'.",
                file=sys.stderr,
            )
            return EXIT_ERROR
    for file in preview.files:
        print(file.summary)
    rejected = preview.rejections
    if rejected:
        print(f"\nRejected rows ({len(rejected):,}):", file=sys.stderr)
        for rejection in rejected:
            print(f"  {rejection}", file=sys.stderr)
    if args.dry_run:
        print("\nDry run: nothing was imported.")
        return EXIT_REJECTED if rejected else EXIT_OK
    if rejected and args.strict:
        print("\n--strict: nothing was imported because rows were rejected.", file=sys.stderr)
        return EXIT_REJECTED
    if not preview.anything_to_import:
        skipped = all(f.already_imported for f in preview.files)
        print("\nNothing to import." + (" Every file was already imported." if skipped else ""))
        return EXIT_OK if skipped else EXIT_ERROR
    outcome = figures.commit_import(
        services.actor, preview, import_good_rows=True, population_label=getattr(args, "label", None)
    )
    print("\nImported:")
    for file in outcome.files:
        for line in file.lines:
            print(f"  {line}")
    if rejected:
        print(
            f"\n{outcome.rows_imported:,} rows imported; {len(rejected):,} rejected rows were left out. "
            "Correct them and import the file again: figures already in the database are replaced, "
            "not added twice.",
            file=sys.stderr,
        )
        return EXIT_REJECTED
    return EXIT_OK


@reports_user_errors
def run_import(args) -> int:
    return _import(args, args.files)


@reports_user_errors
def run_population(args) -> int:
    return _import(args, [args.file], population_only=True)


@reports_user_errors
def run_table(args) -> int:
    from cspdesk.core.figures.export import write_table_csv
    from cspdesk.core.figures.months import Period

    period = Period.of_year(args.first, args.last)
    services = open_services(args.db)
    figures = services.figures
    if args.category not in figures.categories(args.source):
        known = ", ".join(figures.categories(args.source)) or "none yet"
        print(
            f"error: category: there are no {args.source} figures for {args.category!r}. "
            f"Categories held: {known}.",
            file=sys.stderr,
        )
        return EXIT_ERROR
    table = figures.comparison_table(args.category, period, source=args.source, total_label=args.total_label)
    if args.format == "csv":
        write_table_csv(table, sys.stdout)
        return EXIT_OK
    print(f"{table.category} {period.label}")
    for row in table.rows:
        print(f"  {row.area:<36}{row.volume_text:>8}{row.rate_text:>7}{row.trend_text:>9}")
    print(
        f"  Rate per 1,000 {table.population_label or 'population'}; trend: % change compared to previous "
        "12 months."
    )
    if table.sentence:
        print(f"  {table.sentence}")
    return EXIT_OK
