"""Asking for the reason to look at a restricted record, in one place.

A service that would show restricted details raises ``ReasonNeeded`` when no reason of the user's is
current (``core/services/restriction.py``); ``with_reason`` then asks once and tries again. The reason goes
to the audit log with the look, so the question says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cspdesk.core.domain.restriction import ReasonNeeded

QUESTION = (
    "This is a restricted (domestic abuse) record: {what} shows the client's details.\n"
    "Why do you need to see them? Your reason is recorded in the audit log with your name."
)

_UNSET = object()


def with_reason(prompts, what: str, call: Callable[[str | None], Any], default: Any = None) -> Any:
    """``call(reason)``: first with no reason (a recent one may be reused), then, if the service asks, with
    the reason the user types. ``default`` if they cancel. Other errors are the caller's to show."""
    try:
        return call(None)
    except ReasonNeeded:
        reason = prompts.ask_text("Reason for looking", QUESTION.format(what=what))
        if reason is None or not reason.strip():
            return default
        return call(reason)
