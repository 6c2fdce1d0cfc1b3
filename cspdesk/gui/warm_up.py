"""Loading, on a worker, what the first opening of a page or of a case window would otherwise load on the
GUI thread (issue 19: a case window's first opening blocked the window for 684 ms at 100,000 cases, most of
it importing modules and building services; the pages' first openings 150–580 ms).

Started once the window is on screen and its services are ready, while the officer reads the Dashboard.
Importing only defines classes (no widget is made off the GUI thread); the service registry builds each
service under its lock. Service modules are imported before the registry is asked, so the registry's lock
is held only for the quick construction, not for an import the window might wait on.
"""

from __future__ import annotations

import importlib
import logging

from cspdesk.core.clock import current as current_clock
from cspdesk.core.domain.calendar import english_bank_holidays

log = logging.getLogger(__name__)

# The case window and the modules it loads for its tabs (cspdesk.gui.pages.case_view.CASE_TAB_MODULES).
GUI_MODULES = (
    "cspdesk.gui.pages.case_view",
    "cspdesk.gui.widgets.notices_panel",
    "cspdesk.gui.pages.letters",
    "cspdesk.gui.widgets.sharing_panel",
    "cspdesk.gui.dialogs.case_edits",
    "cspdesk.gui.dialogs.new_step",
)

SERVICE_MODULES = (
    "cspdesk.core.services.cases.case_edit",
    "cspdesk.core.services.cases.case_closure",
    "cspdesk.core.services.cases.case_sharing",
    "cspdesk.core.services.cases.actions",
    "cspdesk.core.services.cases.chronology",
    "cspdesk.core.services.letters.letters",
    "cspdesk.core.services.letters.letters_print",
    "cspdesk.core.services.letters.documents",
    "cspdesk.core.services.enforcement.enforcement_register",
    "cspdesk.core.services.safer_homes.safer_homes_read",
)

# Built in this order: what a case window asks for first, then what the pages ask for.
SERVICES = (
    "case_edit",
    "closure",
    "sharing",
    "parties",
    "incidents",
    "risk",
    "actions",
    "chronology",
    "documents",
    "letters",
    "notices",
    "enforcement",
    "safer_homes_read",
    "case_reviews",
    "forums",
    "figures",
)


def warm_up(window):
    """Start the warm-up on the window's task pool; returns the task (None if there is nothing to do)."""
    modules = [*window.pages.modules(), *GUI_MODULES, *SERVICE_MODULES]
    services = window.services

    def work(_report, cancelled) -> None:
        for name in modules:
            if cancelled():
                return
            importlib.import_module(name)
        for name in SERVICES:
            if cancelled():
                return
            getattr(services, name)
        # The first due date worked out (a Case Review's, a notice's) imports the holidays package: 1.8 s
        # on the GUI thread in a profile of the first Case Reviews opening under load.
        english_bank_holidays(current_clock().today().year)

    def failed(exc) -> None:  # nothing is lost: the page or window loads it itself when opened
        log.warning("Warm-up stopped: %s", exc)

    return window.tasks.start(work, lambda _none: None, failed)
