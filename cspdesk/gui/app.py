"""The QApplication: names, style and fonts."""

from __future__ import annotations

import atexit

from PySide6.QtWidgets import QApplication

from cspdesk import __version__
from cspdesk.gui.tasks import finish_background_work
from cspdesk.gui.theme import focus_style


def create_application(argv: list[str]) -> QApplication:
    QApplication.setApplicationName("CSPDesk")
    QApplication.setOrganizationName("CSPDesk")
    QApplication.setApplicationVersion(__version__)
    app = QApplication(argv)
    # Fusion with a focus ring you can see (issue 19): theme.FocusStyle.
    app.setStyle(focus_style())
    # Background work finished before Python takes itself apart at exit (gui/tasks.py: a crash otherwise).
    atexit.register(finish_background_work)
    return app
