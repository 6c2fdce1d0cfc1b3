"""What Help → About and ``cspdesk about`` say: the version, the database, its schema, and where the data,
backups, logs and IT's settings file live. One list, so the window and the command never disagree."""

from __future__ import annotations

from pathlib import Path

from cspdesk import __version__
from cspdesk.core import paths
from cspdesk.core.site_config import site_settings_path


def about_facts(database_label: str | None, revision: str | None) -> list[tuple[str, str]]:
    """(label, value) pairs; ``database_label`` is ``Database.label`` (a file's path, or a server's URL
    without its password), None when no database is open."""
    facts = [("Version", f"CSPDesk {__version__}")]
    server = database_label is not None and "://" in database_label
    if database_label is not None:
        facts.append(("Database", database_label))
        facts.append(("Schema revision", revision or "not set up yet"))
    facts.append(("Your data folder", str(paths.user_data_dir())))
    if server:
        facts.append(("Backups", "kept by the database server (ask IT)"))
    else:
        file = Path(database_label) if database_label else paths.user_data_dir() / "cspdesk.sqlite"
        facts.append(
            (
                "Backups",
                f"{file.parent} ({file.stem}.backup-<date>-<schema>{file.suffix}, "
                "copied before each upgrade)",
            )
        )
    facts.append(("Log file", str(paths.log_file())))
    settings = site_settings_path()
    facts.append(("IT's settings file", f"{settings}{'' if settings.is_file() else ' (none)'}"))
    return facts


def about_text(database_label: str | None, revision: str | None) -> str:
    return "\n".join(f"{label}: {value}" for label, value in about_facts(database_label, revision))
