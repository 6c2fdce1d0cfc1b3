"""``cspdesk import-records``: bring existing cases, incidents, notices, people and actions in from
spreadsheets.

    cspdesk import-records sheets FILE [--kind KIND --sheet S --write-mapping mapping.json]
    cspdesk import-records run --db PATH FILE --sheet S --kind KIND [--mapping mapping.json] [--dry-run]
                               [--confirm-matches]
    cspdesk import-records batches --db PATH
    cspdesk import-records undo --db PATH BATCH

``sheets`` shows each sheet's headings, notes and first rows, and with ``--write-mapping`` writes the proposed
mapping with every value to map (suggestions filled in, others null) for the officer to check and complete.
Exit codes: 0 done (``run``: every row imported; ``--dry-run``: every row would be); 1 ``run``: some rows
refused or values left unmapped, the rest imported (with ``--dry-run``: nothing imported); 2 nothing done (bad
arguments, no such file or database, a file that is not a spreadsheet, a read-only or damaged database, an
undo refused); 70 something unexpected (``commands/unexpected.py``).
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

from cspdesk.commands.common import add_db_argument, open_services, reports_user_errors
from cspdesk.core.errors import UserError

EXIT_OK, EXIT_REFUSED_ROWS, EXIT_ERROR = 0, 1, 2
KINDS = ("cases", "incidents", "people", "notices", "safer_homes", "actions")
SHOWN = 20  # refused and flagged rows printed before "... and N more"


def add_parser(sub) -> None:
    p = sub.add_parser("import-records", help="bring existing records in from spreadsheets (XLSX or CSV)")
    actions = p.add_subparsers(dest="import_command", metavar="ACTION", required=True)

    sheets = actions.add_parser("sheets", help="show a file's sheets, headings and first rows")
    add_db_argument(sheets)
    sheets.add_argument("file", metavar="FILE")
    sheets.add_argument("--kind", choices=KINDS, help="propose a mapping for this kind of record")
    sheets.add_argument("--sheet", help="the sheet to propose a mapping for (default: the first)")
    sheets.add_argument("--write-mapping", metavar="JSON", help="write the proposed mapping to this file")
    sheets.set_defaults(func=run_sheets)

    run = actions.add_parser(
        "run",
        help="import one sheet as one batch (or check it with --dry-run)",
        description="Rows that fail a check are refused and listed with their row number; the rest are "
        "imported in one transaction as one batch, which 'undo' removes while nothing on it has changed.",
    )
    add_db_argument(run)
    run.add_argument("file", metavar="FILE")
    run.add_argument("--sheet", help="the sheet to import (default: the first; a CSV has one)")
    run.add_argument("--kind", choices=KINDS, required=True)
    run.add_argument("--mapping", metavar="JSON", help="columns and values (from 'sheets --write-mapping')")
    run.add_argument("--dry-run", action="store_true", help="check everything; import nothing")
    run.add_argument(
        "--confirm-matches",
        action="store_true",
        help="treat every uncertain person match listed by --dry-run as the same person",
    )
    run.set_defaults(func=run_import)

    batches = actions.add_parser("batches", help="list the imports made, newest first")
    add_db_argument(batches)
    batches.set_defaults(func=run_batches)

    undo = actions.add_parser(
        "undo", help="remove everything one import made, while nothing on it has changed"
    )
    add_db_argument(undo)
    undo.add_argument("batch", metavar="BATCH", help="the batch id 'batches' lists")
    undo.set_defaults(func=run_undo)


def _first_sheet(services, file: str, sheet: str | None) -> str:
    info = services.moving_in.open_file(file)
    if sheet is None:
        return info.sheets[0].name
    if info.sheet(sheet) is None:
        names = ", ".join(f'"{s.name}"' for s in info.sheets)
        raise UserError(f'{Path(file).name} has no sheet called "{sheet}". Its sheets: {names}.')
    return sheet


@reports_user_errors
def run_sheets(args) -> int:
    from cspdesk.core.services.moving_in import RecordKind

    services = open_services(args.db)
    info = services.moving_in.open_file(args.file)
    for sheet in info.sheets:
        print(f'Sheet "{sheet.name}": {sheet.row_count:,} rows, headings on row {sheet.header_row}')
        for note in sheet.notes:
            print(f"  note: {note}")
        for column in sheet.columns:
            hidden = " (hidden)" if column.hidden else ""
            print(f"  {column.heading}{hidden}: {', '.join(column.examples)}")
    if args.kind:
        sheet_name = _first_sheet(services, args.file, args.sheet)
        plan = services.moving_in.propose(args.file, sheet_name, RecordKind(args.kind))
        values: dict[str, dict[str, str | None]] = {}
        for v in services.moving_in.values_to_map(plan):
            values.setdefault(v.field, {})[v.value] = v.mapped_to or v.suggestion
        mapping = {"sheet": sheet_name, "kind": args.kind, "columns": dict(plan.columns), "values": values}
        text = json.dumps(mapping, indent=2, ensure_ascii=False)
        if args.write_mapping:
            Path(args.write_mapping).write_text(text + "\n", encoding="utf-8")
            print(
                f"\nMapping written to {args.write_mapping}: check it (null means not mapped), then 'run' it."
            )
        else:
            print("\n" + text)
    return EXIT_OK


def _read_mapping(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path} does not exist.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"{path} is not a mapping file CSPDesk can read: {error}.") from None
    if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
        raise UserError(f'{path} is not a mapping file: it needs "columns": {{"Heading": "field"}}.')
    return data


@reports_user_errors
def run_import(args) -> int:
    from cspdesk.core.services.moving_in import ImportPlan, RecordKind

    services = open_services(args.db, write=not args.dry_run)
    mi = services.moving_in
    sheet = _first_sheet(services, args.file, args.sheet)
    plan = mi.propose(args.file, sheet, RecordKind(args.kind))
    if args.mapping:
        data = _read_mapping(args.mapping)
        values = {
            field: {k: v for k, v in words.items() if v}
            for field, words in (data.get("values") or {}).items()
            if isinstance(words, dict)
        }
        plan = ImportPlan(plan.path, sheet, plan.kind, data.get("columns") or plan.columns, values)
    dry = mi.dry_run(services.actor, plan)
    if args.confirm_matches and dry.uncertain_people:
        keys = frozenset(m.key for m in dry.uncertain_people)
        plan = ImportPlan(plan.path, sheet, plan.kind, plan.columns, plan.values, keys)
        dry = mi.dry_run(services.actor, plan)
    if dry.missing_fields:
        print(f"error: no column is mapped to {', '.join(dry.missing_fields)}.", file=sys.stderr)
        return EXIT_ERROR
    _print_outcome(dry.counts, dry.rejected, dry.flagged, dry.notes)
    for v in dry.unmapped_values:
        hint = f" (suggested: {v.suggestion})" if v.suggestion else ""
        print(f'  not mapped: {v.field} "{v.value}" on {v.count:,} rows{hint}', file=sys.stderr)
    for m in dry.uncertain_people:
        print(f"  same person? row {m.rows[0]}: {m.in_file} / {m.candidate} ({m.why})")
    if args.dry_run:
        print("\nDry run: nothing was imported.")
        return EXIT_REFUSED_ROWS if dry.rejected or dry.unmapped_values else EXIT_OK
    result = mi.run(services.actor, plan)
    print(f"\nImported as batch {result.batch_id} (undo: cspdesk import-records undo {result.batch_id}).")
    return EXIT_REFUSED_ROWS if result.rejected or dry.unmapped_values else EXIT_OK


def _print_outcome(counts, rejected, flagged, notes) -> None:
    for what, n in counts.items():
        print(f"{what}: {n:,}")
    for note in notes:
        print(f"note: {note}")
    for title, rows, out in (("Refused rows", rejected, sys.stderr), ("Rows to check", flagged, sys.stdout)):
        if rows:
            print(f"\n{title} ({len(rows):,}):", file=out)
            for r in rows[:SHOWN]:
                print(f"  row {r.row}: {r.reason}", file=out)
            if len(rows) > SHOWN:
                print(f"  ... and {len(rows) - SHOWN:,} more", file=out)


@reports_user_errors
def run_batches(args) -> int:
    from cspdesk.core.services.moving_in import counted_as_done

    services = open_services(args.db)
    batches = services.moving_in.batches()
    if not batches:
        print("No imports yet.")
    for b in batches:
        made = counted_as_done({what: n for what, n in b.counts.items() if "refused" not in what})
        undone = f"; undone {b.undone_at:%d/%m/%Y %H:%M} by {b.undone_by}" if b.undone_at else ""
        print(
            f"{b.id}  {b.imported_at:%d/%m/%Y %H:%M}  {b.imported_by}  "
            f"{b.file_name} / {b.sheet}: {made}{undone}"
        )
    return EXIT_OK


@reports_user_errors
def run_undo(args) -> int:
    try:
        batch = uuid.UUID(args.batch)
    except ValueError:
        raise UserError(
            f"{args.batch} is not a batch id ('cspdesk import-records batches' lists them)."
        ) from None
    services = open_services(args.db, write=True)
    services.moving_in.undo(services.actor, batch)
    print(f"Import {batch} undone: everything it made was removed.")
    return EXIT_OK
