r"""Which database to open when none is named: the one answer the window and every command share.

In order: ``--db`` (the caller passes it, and this module is not asked), then the ``CSPDESK_DB``
environment variable, then the machine-wide settings file IT deploys to every laptop
(``cspdesk.ini`` in ``paths.site_config_dir()``: ``%PROGRAMDATA%\CSPDesk\cspdesk.ini`` on Windows,
``/etc/xdg/CSPDesk/cspdesk.ini`` on Linux), then the user's own file in their data folder.

The settings file::

    [database]
    # a shared server (the password belongs in the user's pgpass file, never here) ...
    url = postgresql://cspdesk-server.council.local/cspdesk?sslmode=verify-full
    # ... or a file, e.g. on a network drive:  url = H:\CSPDesk\cspdesk.sqlite

A file path may use ``~`` and environment variables (``%USERPROFILE%``, ``$HOME``). A settings file that
cannot be read or says nothing usable is refused with its path, never skipped: a laptop that quietly fell
back to a private file would keep an officer's cases where nobody else sees them.
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path

from cspdesk.core.errors import DatabaseProblem
from cspdesk.core.paths import site_config_dir

SETTINGS_FILE_NAME = "cspdesk.ini"


@dataclass(frozen=True)
class DatabaseChoice:
    """The database to open and why: ``source`` is "CSPDESK_DB", the settings file's path, or "default"."""

    target: str
    source: str


def site_settings_path() -> Path:
    """The machine-wide settings file (it need not exist)."""
    return site_config_dir() / SETTINGS_FILE_NAME


def site_names_a_database() -> bool:
    """Whether ``CSPDESK_DB`` or IT's settings file names the database (then a missing folder is a mistake,
    never one of the user's own to create). The file is not read here: a broken one is reported on opening."""
    return bool(os.environ.get("CSPDESK_DB", "").strip()) or site_settings_path().is_file()


def configured_database() -> DatabaseChoice:
    """The database to open when ``--db`` is not given (raises DatabaseProblem for a broken settings file)."""
    if env := os.environ.get("CSPDESK_DB", "").strip():
        return DatabaseChoice(env, "CSPDESK_DB")
    path = site_settings_path()
    if path.is_file():
        return DatabaseChoice(_read_url(path), str(path))
    from cspdesk.core.storage.sqlite_file import default_database_path

    return DatabaseChoice(str(default_database_path()), "default")


def _read_url(path: Path) -> str:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with path.open(encoding="utf-8-sig") as f:  # Notepad may save UTF-8 with a byte-order mark
            parser.read_file(f)
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise DatabaseProblem(
            f"CSPDesk's settings file {path} cannot be read ({_reason(exc)}). Ask IT to correct or remove it."
        ) from exc
    url = parser.get("database", "url", fallback="").strip()
    if not url:
        raise DatabaseProblem(
            f"CSPDesk's settings file {path} has no database to open: it needs a line "
            '"url = ..." under [database]. Ask IT to correct it.'
        )
    if "\x00" in url:
        raise DatabaseProblem(f"CSPDesk's settings file {path} is damaged. Ask IT to correct it.")
    if "://" in url:
        return url
    file = Path(os.path.expandvars(os.path.expanduser(url)))
    if not file.is_absolute():
        raise DatabaseProblem(
            f'CSPDesk\'s settings file {path} names the database file "{url}", which is not '
            "a full path (it must start from a drive or a folder, such as H:\\CSPDesk\\"
            "cspdesk.sqlite). Ask IT to correct it."
        )
    return str(file)


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "it is not saved as UTF-8 text"
    if isinstance(exc, PermissionError):
        return "you may not read it"
    if isinstance(exc, configparser.Error):
        return str(exc).splitlines()[0]
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)
