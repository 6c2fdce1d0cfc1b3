"""Where the files the running app reads live: from a source checkout, an installed wheel, or a
PyInstaller bundle; and the folders it writes to (the user's data and logs, the machine-wide settings),
which come from platformdirs. Nothing else in the code builds these paths."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # cspdesk/


def _first_existing(*candidates: Path) -> Path:
    for c in candidates:
        if c.is_dir():
            return c
    return candidates[0]


def _roots() -> list[Path]:
    roots = []
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        roots.append(Path(sys._MEIPASS))
    roots.append(_PACKAGE.parent)  # source checkout: the repository root
    roots.append(_PACKAGE / "_data")  # installed wheel: copied in by the build
    return roots


def resources_dir() -> Path:
    """``resources/``: letter templates, fonts, the default logo, icons."""
    return _first_existing(*(r / "resources" for r in _roots()))


def db_dir() -> Path:
    """``db/``: the Alembic environment, migrations and reference data."""
    return _first_existing(*(r / "db" for r in _roots()))


# The folders below are platformdirs' answers for the app name "CSPDesk" with no vendor folder. The data
# folder is where CSPDesk has always kept a user's database: ~/.local/share/CSPDesk ($XDG_DATA_HOME) on
# Linux, %LOCALAPPDATA%\CSPDesk on Windows, ~/Library/Application Support/CSPDesk on a Mac.
_APP = "CSPDesk"


def user_data_dir() -> Path:
    """The signed-in user's own data folder: their database file and its backups."""
    import platformdirs

    return Path(platformdirs.user_data_dir(_APP, appauthor=False, roaming=False))


def user_log_dir() -> Path:
    r"""The signed-in user's log folder: ~/.local/state/CSPDesk/log ($XDG_STATE_HOME) on Linux,
    %LOCALAPPDATA%\CSPDesk\Logs on Windows, ~/Library/Logs/CSPDesk on a Mac."""
    import platformdirs

    return Path(platformdirs.user_log_dir(_APP, appauthor=False))


def site_config_dir() -> Path:
    r"""The machine-wide settings folder IT deploys to (core/site_config.py): /etc/xdg/CSPDesk (the first
    of $XDG_CONFIG_DIRS) on Linux, %PROGRAMDATA%\CSPDesk on Windows, /Library/Application Support/CSPDesk
    on a Mac."""
    import platformdirs

    return Path(platformdirs.site_config_dir(_APP, appauthor=False))


def log_file() -> Path:
    """The file the app logs to (and the crash dialog names)."""
    return user_log_dir() / "cspdesk.log"
