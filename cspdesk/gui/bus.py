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
