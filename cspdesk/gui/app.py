"""The QApplication: names, style and fonts."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from cspdesk import __version__


def create_application(argv: list[str]) -> QApplication:
    QApplication.setApplicationName("CSPDesk")
    QApplication.setOrganizationName("CSPDesk")
    QApplication.setApplicationVersion(__version__)
    app = QApplication(argv)
    app.setStyle("Fusion")
    return app
