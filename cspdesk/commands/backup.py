"""``cspdesk backup --db FILE [--to DIR]`` and ``cspdesk restore --db FILE --from BACKUP``."""

from __future__ import annotations

from pathlib import Path

from cspdesk.commands.common import reports_user_errors


def add_parser(sub) -> None:
    p = sub.add_parser("backup", help="back a database file up now (verified; the rota in Settings applies)")
    p.add_argument("--db", required=True, metavar="FILE", help="the database file")
    p.add_argument(
        "--to", metavar="DIR", help="the folder to back up into (default: the one set in Settings)"
    )
    p.set_defaults(func=run_backup)
    p = sub.add_parser(
        "restore", help="put a backup in place of a database file (backing up what it replaces)"
    )
    p.add_argument("--db", required=True, metavar="FILE", help="the database file to replace")
    p.add_argument(
        "--from", dest="source", required=True, metavar="BACKUP", help="the backup file to restore"
    )
    p.set_defaults(func=run_restore)


def _settings(path: Path) -> dict:
    """The backup settings stored in the database (defaults where none is
    stored, or the file cannot be read)."""
    import json
    import sqlite3

    from cspdesk.core.errors import DatabaseProblem
    from cspdesk.core.services.admin.settings import BY_KEY
    from cspdesk.core.storage import encryption

    values = {k: d.default for k, d in BY_KEY.items() if k.startswith("backups.")}
    try:
        con = encryption.connect_file(path, readonly=True, timeout=5)
        try:
            marks = ",".join("?" * len(values))
            for key, value in con.execute(
                f"SELECT key, value FROM app_setting WHERE key IN ({marks})", list(values)
            ):
                values[key] = json.loads(value) if isinstance(value, str) else value
        finally:
            con.close()
    except (DatabaseProblem, sqlite3.DatabaseError, encryption.dbapi_module(path).DatabaseError):
        pass  # a damaged file (the reason for a restore) still has its backups found in the default folder
    return values


def backup_folder_of(path: Path) -> Path:
    from cspdesk.core.storage.backups import default_folder

    chosen = str(_settings(path)["backups.folder"] or "").strip()
    return Path(chosen).expanduser() if chosen else default_folder(path)


def _file(db: str) -> Path:
    from cspdesk.core.errors import DatabaseProblem

    if "://" in db:
        raise DatabaseProblem(
            "A server database is backed up by the server's own tools (pg_dump), not by CSPDesk."
        )
    return Path(db).expanduser().absolute()


@reports_user_errors
def run_backup(args) -> int:
    from cspdesk.core.clock import current
    from cspdesk.core.storage.backups import BackupPolicy, take_backup
    from cspdesk.core.storage.sqlite_file import check_sqlite_file

    path = _file(args.db)
    if not path.is_file():
        from cspdesk.core.errors import DatabaseProblem

        raise DatabaseProblem(f"There is no database file {path} to back up. Nothing has been created.")
    check_sqlite_file(path)  # a damaged, foreign or wrongly keyed file is refused, not copied
    values = _settings(path)
    chosen = str(values["backups.folder"] or "").strip()
    folder = Path(args.to).expanduser() if args.to else backup_folder_of(path)
    policy = BackupPolicy(
        int(values["backups.keep_daily"]),
        int(values["backups.keep_weekly"]),
        int(values["backups.keep_monthly"]),
    )
    # A folder named (on the command line or in Settings) must be there; the default one is made.
    result = take_backup(
        path, folder, when=current().now(), policy=policy, create_folder=not (args.to or chosen)
    )
    print(
        f"Backed up to {result.backup.path} ({result.backup.size / 1e6:,.1f} MB; checked: "
        f"{result.counts.get('asb_case', 0):,} cases, {sum(result.counts.values()):,} rows)."
    )
    for old in result.removed:
        print(f"  older backup let go by the rota: {old.name}")
    return 0


@reports_user_errors
def run_restore(args) -> int:
    from cspdesk.core.clock import current
    from cspdesk.core.storage.backups import restore_backup

    path = _file(args.db)
    folder = backup_folder_of(path) if path.is_file() else Path(args.source).expanduser().absolute().parent
    counts, kept = restore_backup(
        path, Path(args.source).expanduser().absolute(), folder, when=current().now()
    )
    if kept is not None:
        print(f"The database being replaced was kept as {kept}.")
    print(
        f"Restored {path} from {args.source}: {counts.get('asb_case', 0):,} cases, "
        f"{sum(counts.values()):,} rows, checked. Run cspdesk check --db to confirm."
    )
    return 0
