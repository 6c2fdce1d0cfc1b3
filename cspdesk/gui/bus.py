"""One application-wide signal tells every page what changed (STYLE.md)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Bus(QObject):
    changes_applied = Signal(object)  # core.services.context.Changes
    open_case = Signal(object)  # a case id
    show_cases = Signal(object)  # a CaseQuery to apply on the case list
    show_safer_homes = Signal(object)  # a safer_homes_read.ReferralQuery to apply on the referral list
    show_case_reviews = Signal(object)  # a Case Reviews list filter: "open", "overdue", a status
    new_case = Signal()  # open the new-case dialog
    show_notice = Signal(object)  # an enforcement notice id to show on the Enforcement page
    # The services are ready: after a quick start (core.services.quick_start) the window opens on its first
    # screen before they are; pages that need more than that screen wait for this. Use ``when_ready``.
    services_ready = Signal()


def services_are_ready(services) -> bool:
    """False while a quick start's services are still loading in the background."""
    return getattr(services, "ready", True)


def when_ready(services, bus: Bus, callback) -> None:
    """Run ``callback`` on the GUI thread once the services are ready: now, or
    when ``services_ready`` comes."""
    if services_are_ready(services):
        callback()
        return

    def once() -> None:
        bus.services_ready.disconnect(once)
        callback()

    bus.services_ready.connect(once)
