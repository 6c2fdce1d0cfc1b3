"""The composition root: database → unit of work → services → window. The only module that
knows both the core and the GUI."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from cspdesk.core.errors import DatabaseProblem

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

    from cspdesk.core.services.registry import ServiceRegistry, Services
    from cspdesk.gui.main_window import MainWindow
    from cspdesk.gui.prompts import Prompts

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
        logging.basicConfig(
            filename=path, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    except OSError:
        logging.basicConfig(level=logging.INFO)
    return path


EXIT_NO_DISPLAY = 3  # the window cannot open: no display (docs/guide/file-problems.md lists every exit code)


def no_display_message() -> str | None:
    """Why the window cannot open here, or None. On Linux, Qt with no display to talk to aborts the whole
    process (SIGABRT) with a hint about libxcb that sends people the wrong way, so ask before it starts."""
    if not sys.platform.startswith("linux"):
        return None
    if any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return None
    return (
        "CSPDesk cannot open its window: there is no display here (neither DISPLAY nor WAYLAND_DISPLAY is "
        "set, as over ssh or in a scheduled job). Start it from a desktop session. The commands (cspdesk "
        "check, report, figures, demo) need no display."
    )


def run_window(db: str | None) -> int:
    if (problem := no_display_message()) is not None:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_NO_DISPLAY
    logfile = _setup_logging()
    from PySide6.QtWidgets import QApplication

    from cspdesk.gui.app import create_application
    from cspdesk.gui.prompts import Prompts

    app = QApplication.instance() or create_application(sys.argv)
    prompts = Prompts()
    from cspdesk.core.storage.encryption import set_passphrase_prompt
    from cspdesk.gui.backups import back_up_when_ready, passphrase_prompt

    set_passphrase_prompt(passphrase_prompt(prompts))  # no key in the store or CSPDESK_DB_KEY: ask

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
    _warm_up_in_background()
    back_up_when_ready(window)  # in the background, if the last good backup is a day old
    window.offer_demo_data_if_empty()
    return app.exec()


def start_window(db: str | None, prompts: Prompts, username: str | None = None) -> MainWindow:
    """The window as the app opens it: from the quick first screen when the database allows
    (core.services.quick_start), the services loading behind it once ``finish_start`` is called; otherwise as
    ``build_window``. Raises DatabaseProblem."""
    from cspdesk.core.services.quick_start import StartingServices, first_screen

    username = username or os.environ.get("CSPDESK_USER")
    screen = first_screen(db, username)
    if screen is None:
        return build_window(db, prompts, username)
    from cspdesk.gui.main_window import MainWindow

    services: Services = StartingServices(screen, lambda: _build_services(db, username))
    return MainWindow(services, prompts)


def _warm_up_in_background() -> None:
    """Pay one-off costs off the GUI thread, after the first paint: the bank holidays (the ``holidays``
    package loads every country on first use, 0.2-1.5 s) that the first working-day count would otherwise pay
    while an officer waits for a page."""
    import threading

    def warm() -> None:
        try:
            from cspdesk.core.clock import current
            from cspdesk.core.domain.calendar import english_bank_holidays

            english_bank_holidays(current().today().year)
        except Exception:  # only a head start: the first real use does the same and reports any problem
            log.warning("Warming up the calendar failed", exc_info=True)

    threading.Thread(target=warm, name="cspdesk-warm-up", daemon=True).start()


def finish_start(window: MainWindow, app: QCoreApplication) -> None:
    """After the window has painted its first screen, load the rest (a quick start's services)."""
    from cspdesk.core.services.quick_start import StartingServices

    if isinstance(window.services, StartingServices):
        app.processEvents()  # paint first: the background load shares the interpreter with the window
        window.services.start()


def build_window(db: str | None, prompts: Prompts, username: str | None = None) -> MainWindow:
    """Open the database and build the main window (raises DatabaseProblem)."""
    from cspdesk.gui.main_window import MainWindow

    return MainWindow(_build_services(db, username or os.environ.get("CSPDESK_USER")), prompts)


def _build_services(db: str | None, username: str | None) -> ServiceRegistry:
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    database = open_database(db)
    database.gate.start()  # quick_check of the whole file in the background; the first save waits for it
    if database.backup is not None:
        log.info("Backed up %s to %s before upgrading", database.label, database.backup)
    return build_services(database, username)
