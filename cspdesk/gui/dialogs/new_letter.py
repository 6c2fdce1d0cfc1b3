"""New letter: choose the letter and the recipient, write what only the officer can write, preview.

Nothing is stored until the officer clicks "File on case" in the preview. Anything missing that cannot
be typed here (an address, the officer's job title) is listed with where to put it right.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.errors import UserError, ValidationError
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.dialogs.letter_preview import LetterPreviewDialog
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.reasons import with_reason
from cspdesk.gui.tab_order import focusable_in, tab_through
from cspdesk.gui.widgets.letter_fields import LetterFieldsForm

if TYPE_CHECKING:
    from cspdesk.core.services.letters import FiledLetter, LetterDraft, LetterForm, Subject
    from cspdesk.core.services.registry import Services


class NewLetterDialog(QDialog):
    services: Services

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        subject: Subject,
        record_id: uuid.UUID,
        parent: QWidget | None = None,
        code: str | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("newLetter")
        self.setWindowTitle("New letter")
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.subject = subject
        self.record_id = record_id
        self.preview: LetterPreviewDialog | None = None
        self.form_dto: LetterForm | None = None

        self.letter = named(QComboBox(), "letterChoice")
        for c in services.letters.choices(subject, record_id):
            self.letter.addItem(c.name + ("" if c.is_template_letter else " (report)"), c.code)
        self.recipient = named(QComboBox(), "recipientChoice")
        self.large_print = named(QCheckBox("Large print (16 pt)"), "largePrint")
        self.fields = LetterFieldsForm()
        self.problems = named(QLabel(), "letterProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(theme.css("alert"))
        self.preview_btn = named(QPushButton("&Preview…"), "previewLetter")
        self.preview_btn.setDefault(True)
        self.preview_btn.clicked.connect(self.show_preview)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        self.cancel_btn = cancel

        head = QFormLayout()
        head.addRow("Letter:", self.letter)
        head.addRow("To:", self.recipient)
        head.addRow("", self.large_print)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.fields)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its fields take the focus, not the frame
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.preview_btn)
        buttons.addWidget(cancel)
        v = QVBoxLayout(self)
        v.addLayout(head)
        intro = QLabel(
            "Write what this letter needs. Everything else comes from the case and the letterhead."
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(theme.css("muted"))
        v.addWidget(intro)
        v.addWidget(scroll, 1)
        v.addWidget(self.problems)
        v.addLayout(buttons)
        self.resize(640, 600)

        if code is not None and (i := self.letter.findData(code)) >= 0:
            self.letter.setCurrentIndex(i)
        self.letter.currentIndexChanged.connect(lambda _i: self.load())
        self.recipient.currentIndexChanged.connect(lambda _i: self.load(keep_recipient=True))
        self.load()

    def code(self) -> str | None:
        """The chosen letter's code; None when the record has no letter to choose."""
        return self.letter.currentData()

    def load(self, keep_recipient: bool = False) -> None:
        code = self.code()
        if code is None:
            self.problems.setText("There is no letter for this record.")
            self.preview_btn.setEnabled(False)
            return
        recipient_id = self.recipient.currentData() if keep_recipient else None
        try:
            # On a restricted record the form shows the client's details: a look, asked a reason (then
            # reused).
            f: LetterForm | None = with_reason(
                self.prompts,
                "this letter's form",
                lambda reason: self.services.letters.form(
                    self.services.actor, self.subject, code, self.record_id, recipient_id, reason
                ),
            )
        except UserError as exc:
            self.problems.setText(str(exc))
            return
        if f is None:
            self.problems.setText("No reason was given, so the letter's details are not shown.")
            self.preview_btn.setEnabled(False)
            return
        self.preview_btn.setEnabled(True)
        self.form_dto = f
        if not keep_recipient:
            self.recipient.blockSignals(True)
            self.recipient.clear()
            for rid, label in f.recipients:
                self.recipient.addItem(label, rid)
            if not f.recipients:  # the record names its addressee (a notice's recipient, an applicant)
                self.recipient.addItem(
                    f.addressee or ("Nobody on the case to write to" if f.large_print_possible else "—"), None
                )
            self.recipient.blockSignals(False)
        self.recipient.setEnabled(len(f.recipients) > 1)
        self.large_print.setEnabled(f.large_print_possible)
        self.fields.set_fields(f.asked)
        # The letter's questions are made after the buttons: Tab reaches them before Preview and Cancel.
        tab_through([self.large_print, *focusable_in(self.fields), self.preview_btn, self.cancel_btn])
        asked = {a.name for a in f.asked}
        others = [m for m in f.missing if m.name not in asked]
        self.problems.setText(
            "Missing, and needed before this letter can be produced:\n"
            + "\n".join(f"• {m.label} — {m.fix}" for m in others)
            if others
            else ""
        )

    def show_preview(self) -> None:
        code = self.code()
        if code is None:  # the button is disabled then
            return
        try:
            draft: LetterDraft | None = with_reason(
                self.prompts,
                "previewing this letter",
                lambda reason: self.services.letters.draft(
                    self.services.actor,
                    self.subject,
                    code,
                    self.record_id,
                    typed=self.fields.values(),
                    recipient_id=self.recipient.currentData(),
                    large_print=self.large_print.isChecked() and self.large_print.isEnabled(),
                    reason=reason,
                ),
            )
            if draft is None:
                return
        except ValidationError as exc:
            rest = self.fields.show_errors(exc.fields)
            self.problems.setText(str(exc) if rest else "Fill in the boxes marked in red.")
            return
        except UserError as exc:
            self.prompts.error("Letter not produced", str(exc))
            return
        self.fields.show_errors({})
        self.problems.setText("")

        def file() -> FiledLetter:
            filed = self.services.letters.file(self.services.actor, draft)
            self.bus.changes_applied.emit(filed.changes)
            return filed

        self.preview = LetterPreviewDialog(
            draft.pdf,
            draft.title,
            draft.filename,
            self.prompts,
            on_file=file,
            note="Not filed yet: check the letter, then File on case.",
            parent=self,
        )
        self.preview.finished.connect(self._preview_closed)
        self.preview.open()

    def _preview_closed(self, _result: int) -> None:
        if self.preview is not None and self.preview.filed is not None:
            self.accept()
