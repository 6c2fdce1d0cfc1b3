"""Tab order (issue 19, keyboard): in every dialog an officer fills in, the Tab key reaches every enabled
control and moves through them as they are read: down a column, then on to the next column to the right."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QWidget, QWizard

from cspdesk.gui.accessibility import _is_control


def _chain(dialog: QWidget) -> list[QWidget]:
    """The controls Tab visits, from the dialog round to the dialog again."""
    seen, out = set(), []
    w = dialog.nextInFocusChain()
    while w is not None and w is not dialog and id(w) not in seen:
        seen.add(id(w))
        if (
            w.focusPolicy() & Qt.FocusPolicy.TabFocus
            and w.isVisibleTo(dialog)
            and w.isEnabled()
            and dialog.isAncestorOf(w)
        ):
            out.append(w)
        w = w.nextInFocusChain()
    return out


def _in_a_list(w: QWidget, dialog: QWidget) -> bool:
    """A control drawn in a table's cell: the table's own keys move between those."""
    p = w.parentWidget()
    while p is not None and p is not dialog:
        if isinstance(p, QAbstractItemView):
            return True
        p = p.parentWidget()
    return False


def out_of_order(dialog: QWidget) -> tuple[list[str], list[str]]:
    """(controls Tab never reaches, steps that go back up without moving to a column further right)."""
    chain = _chain(dialog)
    if isinstance(dialog, QWizard) and any(dialog.currentPage().isAncestorOf(w) for w in chain):
        # A wizard makes its Back/Next/Cancel before its pages and puts the focus on the page itself: the
        # chain is a ring that starts, for the user, at the page's first control.
        page = dialog.currentPage()
        first = next(i for i, w in enumerate(chain) if page.isAncestorOf(w))
        chain = chain[first:] + chain[:first]
    controls = [
        w
        for w in dialog.findChildren(QWidget)
        if _is_control(w)
        and w.isVisibleTo(dialog)
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not _in_a_list(w, dialog)
    ]
    unreached = [w.accessibleName() or w.objectName() for w in controls if w not in chain]
    ordered = [w for w in chain if not _in_a_list(w, dialog)]
    back = []
    for a, b in zip(ordered, ordered[1:], strict=False):
        pa, pb = a.mapTo(dialog, QPoint(0, 0)), b.mapTo(dialog, QPoint(0, 0))
        if pb.y() + 4 < pa.y() and pb.x() <= pa.x():
            back.append(f"{a.accessibleName() or a.objectName()} -> {b.accessibleName() or b.objectName()}")
    return unreached, back


def test_every_dialog_is_tabbed_through_in_reading_order(window, qtbot):
    """Every dialog the window opens (``dialog_catalogue.dialogs``: new case, letter, enforcement step, notice
    step and event, party and incident edits, data protection requests, working copies, past imports, ...).
    Caught: the New letter dialog's questions, made after its buttons, came after Cancel (Tab went from
    Cancel back up to the first question); a scroll area's frame taking the focus between them; the notice
    step and event dialogs' fields, added after Save and Cancel were made ("Cancel -> Notes")."""
    from tests.gui import dialog_catalogue

    problems, seen = {}, []
    for name, dialog in dialog_catalogue.dialogs(window):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        unreached, back = out_of_order(dialog)
        if unreached or back:
            problems[name] = (unreached, back)
        seen.append(name)
        dialog.close()
    assert problems == {}
    assert len(seen) >= 13 and "Notice step" in seen  # the walk reached them all
    window.tasks.wait()


def test_every_form_on_a_page_is_tabbed_through_in_reading_order(window, qtbot):
    """The forms that live on a page: the Safer Homes referral form, the Case Review application and each of
    its step forms, and each tab of Settings."""
    from tests.gui import dialog_catalogue

    problems, seen = {}, []
    for name, form in dialog_catalogue.forms(window, qtbot):
        unreached, back = out_of_order(form)
        if unreached or back:
            problems[name] = (unreached, back)
        seen.append(name)
    assert problems == {}
    assert len(seen) >= 8 and "Safer Homes referral form" in seen
    window.tasks.wait()
