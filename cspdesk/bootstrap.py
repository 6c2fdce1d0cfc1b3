"""The composition root: database → unit of work → services → window. The only module that
knows both the core and the GUI."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

from cspdesk.core.errors import DatabaseProblem

log = logging.getLogger("cspdesk")


def log_path() -> Path:
    """The user's log file, in platformdirs' log folder (core/paths.py); before 0.1.0 it sat beside the
    database file in the data folder."""
    from cspdesk.core.paths import log_file

    return log_file()


def _setup_logging() -> Path:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        logging.basicConfig(filename=path, level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    except OSError:
        logging.basicConfig(level=logging.INFO)
    return path


def run_window(db: str | None) -> int:
    logfile = _setup_logging()
    from PySide6.QtWidgets import QApplication

    from cspdesk.gui.app import create_application
    from cspdesk.gui.prompts import Prompts

    app = QApplication.instance() or create_application(sys.argv)
    prompts = Prompts()

    def excepthook(exc_type, exc, tb):
        log.error("Unexpected error", exc_info=(exc_type, exc, tb))
        if isinstance(exc, DatabaseProblem):
            prompts.error("Database problem", str(exc))
            return
        prompts.crash("".join(traceback.format_exception_only(exc_type, exc)).strip(), logfile)

    sys.excepthook = excepthook
    try:
        window = start_window(db, prompts)
    except DatabaseProblem as exc:
        log.warning("Database refused: %s", exc)
        prompts.error("CSPDesk cannot open this database", str(exc))
        return 2
    window.show()
    finish_start(window, app)
    window.offer_demo_data_if_empty()
    return app.exec()


def start_window(db: str | None, prompts, username: str | None = None):
    """The window as the app opens it: from the quick first screen when the database allows
    (core.services.quick_start), the services loading behind it once ``finish_start`` is called; otherwise as
    ``build_window``. Raises DatabaseProblem."""
    from cspdesk.core.services.quick_start import StartingServices, first_screen

    username = username or os.environ.get("CSPDESK_USER")
    screen = first_screen(db, username)
    if screen is None:
        return build_window(db, prompts, username)
    from cspdesk.gui.main_window import MainWindow

    services = StartingServices(screen, lambda: _build_services(db, username))
    return MainWindow(services, prompts)


def finish_start(window, app) -> None:
    """After the window has painted its first screen, load the rest (a quick start's services)."""
    start = getattr(window.services, "start", None)
    if start is not None:
        app.processEvents()  # paint first: the background load shares the interpreter with the window
        start()


def build_window(db: str | None, prompts, username: str | None = None):
    """Open the database and build the main window (raises DatabaseProblem)."""
    from cspdesk.gui.main_window import MainWindow

    return MainWindow(_build_services(db, username or os.environ.get("CSPDESK_USER")), prompts)


def _build_services(db: str | None, username: str | None):
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    database = open_database(db)
    if database.backup is not None:
        log.info("Backed up %s to %s before upgrading", database.label, database.backup)
    return build_services(database, username)
