"""The case screen: one window per case, with tabs Overview, People, Incidents, Risk, Actions,
Chronology and Documents.

Other areas add their own tabs without editing this package: append a factory to
``EXTRA_CASE_TABS`` at import time (e.g. in the module that defines the panel), or call
``CaseView.add_tab(title, widget)`` on a built view. A factory is called as
``factory(services, bus, prompts, case_id)`` and returns ``(tab title, widget)``; if the widget has a
``load()`` method it is called whenever the case changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from cspdesk.core.services.registry import Services
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.prompts import Prompts

EXTRA_CASE_TABS: list[Callable[[Services, Bus, Prompts, uuid.UUID], tuple[str, QWidget]]] = []

# The modules that register tabs here. The case screen imports them before it is built, since the main
# window no longer imports every page at start-up (pages are imported when first shown).
CASE_TAB_MODULES = (
    "cspdesk.gui.widgets.notices_panel",
    "cspdesk.gui.pages.letters",
    "cspdesk.gui.widgets.sharing_panel",
)

from cspdesk.gui.pages.case_view.view import CaseView  # noqa: E402  (the hook list must exist first)

__all__ = ["EXTRA_CASE_TABS", "CaseView"]
