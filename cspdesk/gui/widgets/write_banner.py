"""The strip above the pages that says why changes are off.

A file CSPDesk cannot write opens read-only (known as it opens); a file that ``PRAGMA quick_check`` finds
damaged is known a little later, when the check running in the background ends
(``storage.write_gate``). Either way saves are refused with the same words by the services; this strip
says it once, before anyone types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel

from cspdesk.gui import theme
from cspdesk.gui.bus import Bus, when_ready
from cspdesk.gui.theme import font_css

if TYPE_CHECKING:
    from cspdesk.core.services.registry import Services


class WriteBanner(QLabel):
    _services: Services

    def __init__(self, services, bus: Bus, tasks):
        super().__init__()
        self.setObjectName("writeBanner")
        self.setWordWrap(True)
        self.setAccessibleName("Changes are off")
        self.setStyleSheet(
            f"QLabel#writeBanner {{ background: {theme.colour('warning_bg')}; "
            f"color: {theme.colour('warning')}; border-bottom: 1px solid {theme.colour('warning_border')}; "
            f"padding: 8px 12px; {font_css(13)} }}"
        )
        self.hide()
        self.answered = False  # the check has answered (the banner shows only if it refused)
        self._services = services
        self._tasks = tasks
        when_ready(services, bus, self._ask)

    def _ask(self) -> None:
        gate = self._services.database.gate
        if gate.decided:
            self._show(gate.refusal)
        else:  # the check of the whole file is still running: hear its answer without holding the window
            self._tasks.start(lambda _report, _cancelled: gate.wait(), self._show, lambda _exc: None)

    def _show(self, message: str | None) -> None:
        self.answered = True
        if message:
            self.setText(message)
            self.show()
