"""Where the files the running app reads live: from a source checkout, an installed wheel, or a
PyInstaller bundle. Nothing else in the code builds these paths."""

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
