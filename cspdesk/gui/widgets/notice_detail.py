"""One notice in full — its dates, requirements and history — with a button for each step allowed now.

The buttons come from the state machine (``NoticeDetail.allowed``); each opens a small dialog asking
for the date and the facts. Issuing a CPN from a CPW, or an FPN from a breached CPN, opens the New step
dialog with the warning or notice already linked.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.enforcement import Stage
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError
from cspdesk.gui import theme
from cspdesk.gui.dialogs.new_step import NewStepDialog
from cspdesk.gui.dialogs.notice_step import EventDialog, StepDialog
from cspdesk.gui.qt_helpers import named

if TYPE_CHECKING:
    from cspdesk.core.services.enforcement import EventLine, NoticeDetail
    from cspdesk.core.services.registry import Services
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.prompts import Prompts
    from cspdesk.gui.widgets.documents_panel import DocumentsPanel

S = Stage
# A move that is really a new notice: (kind of the notice shown, stage) -> kind of the new step.
NEW_STEP_FOR = {("cpw", S.ESCALATED.value): "cpn", ("cpn", S.FPN_ISSUED.value): "fpn"}

EVENT_BUTTONS = {
    "review": "Record review",
    "remedial_works": "Remedial works (s.47)",
    "forfeiture": "Forfeiture (s.50)",
    "note": "Add a note",
}


def _events_for(d: NoticeDetail) -> list[str]:
    kind, stage = d.kind_code, d.stage_code
    out = []
    if (kind, stage) in (("cpn", "active"), ("abc", "issued")):
        out.append("review")
    if kind == "cpn" and stage not in ("draft", "issued", "appeal_lodged", "quashed", "withdrawn"):
        out += ["remedial_works", "forfeiture"]
    if stage != "draft":
        out.append("note")
    return out


def _issued(d: NoticeDetail) -> str:
    """Who issued the notice and how it was served, leaving out what the record lacks (an imported notice
    may have no officer or authority: "Issued by , ;" before)."""
    e = html.escape
    by = ", ".join(e(x) for x in (d.officer, d.authority) if x)
    served = f"served {d.served_on:%d/%m/%Y}" if d.served_on else ""
    if served and d.service_method:
        served += f" ({e(d.service_method[0].lower() + d.service_method[1:])})"
    parts = [f"<b>Issued by</b> {by}" if by else "", served[:1].upper() + served[1:] if not by else served]
    return "; ".join(p for p in parts if p) or "Issued by: not recorded"


def detail_html(d: NoticeDetail, today: date) -> str:
    e = html.escape
    recipient = f"{e(d.recipient)} · " if d.recipient else ""  # an imported notice may name nobody

    def day(v: date | datetime) -> str:
        return v.strftime("%d/%m/%Y %H:%M") if hasattr(v, "hour") else v.strftime("%d/%m/%Y")

    dates = (
        "".join(f"<tr><td>{e(label)}</td><td>{day(v)}</td></tr>" for label, v in d.dates)
        or "<tr><td colspan=2>Not issued yet: dates are computed when it is.</td></tr>"
    )
    due = ""
    if d.next_due_on:
        colour = theme.colour("alert") if d.next_due_on < today else theme.colour("accent")
        due = (
            f"<p style='color:{colour}'><b>Next: {e(d.next_due_what)} — {d.next_due_on:%d/%m/%Y}"
            f"{' (overdue)' if d.next_due_on < today else ''}</b></p>"
        )
    muted = theme.colour("muted")
    reqs = "".join(
        f"<li><b>{e(r.kind)}</b>: {e(r.text)}{f' (by {r.due_on:%d/%m/%Y})' if r.due_on else ''}"
        f"{'' if r.in_force else ' <i>— not in force</i>'}"
        f"{f'<br><span style=color:{muted}>{e(r.note)}</span>' if r.note else ''}</li>"
        for r in d.requirements
    )
    history = "".join(
        f"<tr><td>{ev.occurred_on:%d/%m/%Y}</td><td>{e(_event_text(ev))}</td><td>{e(ev.officer)}</td></tr>"
        + (
            f"<tr><td></td><td colspan=2 style='color:{theme.colour('muted')}'>{e(ev.reason)}</td></tr>"
            if ev.reason
            else ""
        )
        + (
            f"<tr><td></td><td colspan=2 style='color:{theme.colour('warning')}'>Check "
            f"overridden: {e(ev.override_reason)}</td></tr>"
            if ev.override_reason
            else ""
        )
        for ev in d.events
    )
    informed = "".join(f"<li>{e(b)} — {on:%d/%m/%Y}</li>" for b, on in d.informed)
    links = ""
    if d.parent:
        links += f"<p>Follows {e(d.parent.kind)} <b>{e(d.parent.reference)}</b> ({e(d.parent.stage)})</p>"
    for c in d.children:
        links += f"<p>Led to {e(c.kind)} <b>{e(c.reference)}</b> ({e(c.stage)})</p>"
    money = ""
    if d.amount_pence:
        money = f"<p>Amount £{d.amount_pence / 100:.2f}"
        if d.discount_amount_pence:
            money += f"; £{d.discount_amount_pence / 100:.2f} if paid early"
        money += (f"; paid {d.paid_on:%d/%m/%Y}" if d.paid_on else "") + "</p>"
    letter = (
        f"<p style='color:{theme.colour('warning')}'>A letter or notice is due for the latest step.</p>"
        if d.document_due
        else ""
    )
    return (
        f"<h3 style='margin-bottom:0'>{e(d.reference)} — {e(d.kind)}</h3><p "
        f"style='margin-top:2px'><b>{e(d.stage)}</b> · {recipient}case {e(d.case_reference)}<br>"
        f"<span style='color:{theme.colour('muted')}'>{e(d.recipient_address)}</span></p>"
        f"{due}{letter}{links}<p>{_issued(d)}</p>{money}<h4>Dates</h4><table cellspacing=3>{dates}</table>"
        f"<h4>Conduct</h4><p>{e(d.conduct) or '—'}</p>"
        + (f"<h4>Detrimental effect</h4><p>{e(d.detrimental_effect)}</p>" if d.detrimental_effect else "")
        + (f"<h4>Requirements</h4><ul>{reqs}</ul>" if reqs else "")
        + (f"<h4>Informed before issue (s.43(6))</h4><ul>{informed}</ul>" if informed else "")
        + (f"<h4>Outcome</h4><p>{e(d.outcome)}</p>" if d.outcome else "")
        + f"<h4>History</h4><table cellspacing=3>{history}</table>"
    )


def _event_text(ev: EventLine) -> str:
    if ev.event != "stage":
        return {
            "review": "Review held",
            "remedial_works": "Remedial works",
            "forfeiture": "Forfeiture",
            "note": "Note",
            "evidence": "Evidence added",
        }.get(ev.event, ev.event)
    text = ev.to_stage.capitalize() if not ev.from_stage else f"{ev.from_stage} → {ev.to_stage}"
    if ev.details.get("late_appeal_reason"):
        text += f" (late, accepted: {ev.details['late_appeal_reason']})"
    if ev.details.get("amount_paid_pence"):
        text += f" (£{ev.details['amount_paid_pence'] / 100:.2f})"
    if ev.details.get("incident_ids"):
        text += f" ({len(ev.details['incident_ids'])} incident(s) as evidence)"
    return text


class NoticeDetailView(QWidget):
    """Shows one notice; ``show_notice(id)`` loads it, ``clear()`` empties it."""

    services: Services

    changed = Signal(object)  # Changes, after a step was saved here

    def __init__(self, services: Services, bus: Bus, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.bus, self.prompts = services, bus, prompts
        self.detail: NoticeDetail | None = None
        self.dialog: QDialog | None = None  # the dialog open from here, for tests and to keep it alive
        self.browser = named(QTextBrowser(), "noticeDetail", "Notice details")
        self.browser.setMinimumWidth(300)
        # An imported notice whose dates in the old file disagree with the rules (issue 21): said above the
        # details until an officer has checked them against the notice as served.
        self.check_band = named(QLabel(), "datesToCheck")
        self.check_band.setWordWrap(True)
        self.check_band.setStyleSheet(theme.banner_css("warning") + " padding: 6px;")
        self.checked_btn = named(QPushButton("Dates checked"), "datesChecked")
        self.checked_btn.setToolTip(
            "You have checked this notice's dates against the notice as served: off the notices to check"
        )
        self.checked_btn.clicked.connect(self.mark_dates_checked)
        self.actions_label = QLabel("Next steps")
        self.actions_label.setStyleSheet("font-weight: 600;")
        # Not ``self.actions``: that would hide QWidget.actions().
        self.action_grid = QGridLayout()
        self.action_grid.setSpacing(4)
        box = QWidget()
        box.setLayout(self.action_grid)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_band, 1)
        check_row.addWidget(self.checked_btn)
        v.addLayout(check_row)
        v.addWidget(self.browser, 1)
        v.addWidget(self.actions_label)
        v.addWidget(box)
        self.letters_btn = named(QPushButton("Letters…"), "noticeLetters")
        self.letters_btn.setToolTip("The notice as a letter, filed on the case; copies and reprints")
        self.letters_btn.clicked.connect(self.open_letters)
        v.addWidget(self.letters_btn)
        self.buttons: dict[str, QPushButton] = {}
        self.clear()

    def clear(self) -> None:
        self.detail = None
        self.letters_btn.hide()
        self._show_check("")
        self.browser.setHtml(
            f"<p style='color:{theme.colour('muted')}'>"
            "Select a notice to see its dates, requirements and history.</p>"
        )
        self._set_buttons([])

    def show_notice(self, notice_id: uuid.UUID) -> None:
        try:
            detail = self.services.notices.detail(notice_id)
        except UserError as exc:
            self.browser.setHtml(f"<p>{html.escape(str(exc))}</p>")
            self._set_buttons([])
            self._show_check("")
            return
        self.detail = detail
        self._show_check(detail.dates_to_check)
        self.browser.setHtml(detail_html(detail, self.services.notices.today()))
        self.letters_btn.show()
        can_act = self.services.actor.can(Role.OFFICER)
        items = [(f"action:{code}", label, code) for code, label in detail.allowed]
        if (detail.kind_code, detail.stage_code) == ("cpw", S.ISSUED.value):
            # Issuing the CPN records the breach of the warning and escalates it in one step.
            items.insert(0, ("action:escalated", "Issue CPN", S.ESCALATED.value))
        items += [(f"event:{ev}", EVENT_BUTTONS[ev], ev) for ev in _events_for(detail)]
        self._set_buttons(items if can_act else [])

    def _show_check(self, words: str) -> None:
        self.check_band.setText(f"Imported — dates to check. {words}" if words else "")
        self.check_band.setVisible(bool(words))
        self.checked_btn.setVisible(bool(words) and self.services.actor.can(Role.OFFICER))

    def mark_dates_checked(self) -> None:
        """The officer has checked the imported dates against the notice as served (audited)."""
        d = self.detail
        if d is None or not d.dates_to_check:
            return
        if not self.prompts.confirm(
            "Dates checked?",
            f"Have you checked {d.reference}'s dates against the notice as it was served?\n\n"
            f"{d.dates_to_check}\n\nIt leaves the imported notices to check; the audit log keeps what "
            "disagreed.",
        ):
            return
        try:
            changes = self.services.moving_in.dates_checked(self.services.actor, d.id)
        except UserError as exc:
            self.prompts.error("Dates not marked checked", str(exc))
            self.refresh()
            return
        self.bus.changes_applied.emit(changes)
        self.refresh()

    def open_letters(self) -> DocumentsPanel | None:
        """This notice's letters (the template for its kind), filed on the notice and its case."""
        if self.detail is None:
            return None
        from cspdesk.core.services.letters import Subject
        from cspdesk.gui.widgets.documents_panel import open_documents_dialog

        self.documents_panel = open_documents_dialog(
            self, self.services, self.bus, self.prompts, self.detail.id, self.detail.reference, Subject.NOTICE
        )
        return self.documents_panel

    def refresh(self) -> None:
        if self.detail is not None:
            self.show_notice(self.detail.id)

    def _set_buttons(self, items: Sequence[tuple[str, str, str]]) -> None:
        """One button per (object name, label, stage or event code)."""
        while self.action_grid.count():
            item = self.action_grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self.buttons = {}
        for i, (name, label, code) in enumerate(items):
            b = named(QPushButton(label), name)
            b.clicked.connect(lambda _=False, n=name, c=code, lab=label: self._act(n, c, lab))
            self.action_grid.addWidget(b, i // 3, i % 3)
            self.buttons[name] = b
        self.actions_label.setVisible(bool(items))

    def _act(self, name: str, code: str, label: str) -> None:
        d = self.detail
        if d is None:
            return
        dlg: EventDialog | NewStepDialog | StepDialog
        if name.startswith("event:"):
            dlg = EventDialog(self.services, self.bus, self.prompts, d, code, self)
        elif (d.kind_code, code) in NEW_STEP_FOR:
            dlg = NewStepDialog(
                self.services,
                self.bus,
                self.prompts,
                self,
                case_id=d.case_id,
                party_id=d.party_id,
                kind=NEW_STEP_FOR[(d.kind_code, code)],
                parent_notice_id=d.id,
            )
        else:
            dlg = StepDialog(self.services, self.bus, self.prompts, d, code, label, self)
        dlg.saved.connect(lambda _r: self.refresh())
        self.dialog = dlg
        dlg.open()
