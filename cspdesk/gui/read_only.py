"""Read-only screens for partners: every control that changes something is disabled — and stays disabled
whatever the screen's own code does when a row is selected — rather than refused when they press Save.

``lock_editing(root, keep)`` disables the buttons and inputs under ``root`` (except those named in ``keep``,
which only show or save a copy of what is already there) and installs one event filter that puts any of them
back to disabled if something enables it again.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

# Controls only officers may use, by objectName, wherever they are built: a partner finds them disabled with
# a tooltip saying why (the services refuse them too). Checked by tests/gui/test_partner_walk.py, which
# walks every page as a partner and fails on any enabled control whose service refuses them.
OFFICER_ONLY = frozenset(
    {
        "newCase",  # Cases
        "newApplication",  # Case Reviews
        "recordForum",  # Area Forums (and the boxes of their forms, so nothing there can be typed in)
        "recordForumBox",
        "captureIssueBox",
        "issueAsCase",
        "issueAsIncident",
        "issueAsAction",
        "showDataRequests",  # Dashboard: subject access and other requests
        "resetSentence",  # Reports: the report pack's wording
    }
)
OFFICER_ONLY_TIP = "Partners can look, not change: this is for the partnership's officers."

EDITING = (QAbstractButton, QAbstractSpinBox, QComboBox, QDateEdit, QLineEdit, QPlainTextEdit, QTextEdit)
READ_ONLY_TIP = "Partners can look, not change: ask the case officer."


class _StayDisabled(QObject):
    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.EnabledChange and isinstance(obj, QWidget) and obj.isEnabled():
            obj.setEnabled(False)
        return False


def lock_officer_only(root: QWidget) -> list[QWidget]:
    """Disable, for good, the controls under ``root`` named in ``OFFICER_ONLY`` (call it for a partner)."""
    guard = getattr(root, "_stay_disabled", None) or _StayDisabled(root)
    root._stay_disabled = guard  # type: ignore[attr-defined]
    locked = [w for w in root.findChildren(QWidget) if w.objectName() in OFFICER_ONLY]
    for w in locked:
        w.setEnabled(False)
        w.setToolTip(OFFICER_ONLY_TIP)
        w.installEventFilter(guard)
    return locked


def lock_editing(root: QWidget, keep: Iterable[str] = ()) -> list[QWidget]:
    """Disable every editing control under ``root`` but those whose objectName
    is in ``keep``; returns them."""
    keep = set(keep)
    guard = getattr(root, "_stay_disabled", None) or _StayDisabled(root)
    root._stay_disabled = guard  # type: ignore[attr-defined]
    locked: list[QWidget] = []
    for w in root.findChildren(QWidget):
        if not isinstance(w, EDITING) or w.objectName() in keep or w.property("partnerLocked"):
            continue
        if isinstance(w.parent(), (QTabBar, QComboBox, QAbstractSpinBox)):
            continue  # a tab bar's scroll arrows, a box's own parts: they follow their owner
        if isinstance(w, (QPlainTextEdit, QTextEdit)) and w.isReadOnly():
            continue  # already only shows text (a preview): keep it scrollable
        w.setEnabled(False)
        w.setToolTip(READ_ONLY_TIP)
        w.setProperty("partnerLocked", True)
        w.installEventFilter(guard)
        locked.append(w)
    return locked
