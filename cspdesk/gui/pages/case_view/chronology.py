"""Chronology tab: one dated timeline of everything on the case, filterable by kind. Notes can be added
at any time; a correction adds a new entry and the original stays, struck through."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.vocab import ChronologyKind
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.pages.case_view.base import CasePanel, fill, selected_id, table
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.forms import FieldErrors, combo

if TYPE_CHECKING:
    from cspdesk.core.services.cases import ChronologyRow
    from cspdesk.core.services.registry import Services


class ChronologyPanel(CasePanel):
    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, bus, prompts, case_id, parent)
        self.kind = combo(ChronologyKind.choices(), "All kinds", object_name="chronologyKind")
        self.kind.currentIndexChanged.connect(self.load)
        self.show_corrected = named(QCheckBox("Show corrected originals"), "showCorrected")
        self.show_corrected.setChecked(True)
        self.show_corrected.toggled.connect(self.load)
        self.count = QLabel()
        self.table = table(["When", "Kind", "Entry", "By"], "chronologyTable", 2)
        self.table.currentCellChanged.connect(lambda *_a: self._show_body())
        self.body = named(QPlainTextEdit(readOnly=True), "chronologyBody", "The entry in full")
        self.errors = FieldErrors()
        self.note = named(QLineEdit(placeholderText="Add a note and press Enter"), "note_summary")
        self.note.returnPressed.connect(self.add_note)
        self.add_btn = named(QPushButton("Add note"), "addNote")
        self.add_btn.clicked.connect(self.add_note)
        self.correct_btn = named(QPushButton("Correct selected entry…"), "correctEntry")
        self.correct_btn.clicked.connect(self.correct)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show:"))
        top.addWidget(self.kind)
        top.addWidget(self.show_corrected)
        top.addStretch(1)
        top.addWidget(self.count)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.body)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        add = QHBoxLayout()
        add.addWidget(self.errors.field("summary", self.note), 1)
        add.addWidget(self.add_btn)
        add.addWidget(self.correct_btn)
        v = QVBoxLayout(self)
        v.addLayout(top)
        v.addWidget(splitter, 1)
        v.addLayout(add)
        v.addWidget(self.errors.general)
        self.rows: list[ChronologyRow] = []

    def load(self, *_a: object) -> None:
        kind = self.kind.currentData()
        self.rows = self.services.chronology.entries(
            self.case_id, kinds=[kind] if kind else None, include_superseded=self.show_corrected.isChecked()
        )
        grey = theme.qcolour("muted")
        fill(
            self.table,
            [
                [
                    f"{r.occurred_at:%d/%m/%Y %H:%M}",
                    r.kind_label,
                    r.summary + (" (corrected)" if r.superseded else ""),
                    r.author,
                ]
                for r in self.rows
            ],
            [r.id for r in self.rows],
            lambda i: grey if self.rows[i].superseded else None,
        )
        for i, r in enumerate(self.rows):
            if r.superseded and (item := self.table.item(i, 2)) is not None:
                f = item.font()
                f.setStrikeOut(True)
                item.setFont(f)
        self.count.setText(f"{len(self.rows)} entries")

    def _show_body(self) -> None:
        eid = selected_id(self.table)
        row = next((r for r in self.rows if r.id == eid), None)
        self.body.setPlainText("" if row is None else f"{row.summary}\n\n{row.body}".strip())

    def add_note(self) -> None:
        changes = self.attempt(
            "Note not added",
            lambda: self.services.chronology.add_note(self.services.actor, self.case_id, self.note.text()),
            self.errors,
        )
        if changes is not None:
            self.note.clear()
            self.applied(changes)

    def correct(self) -> None:
        eid = selected_id(self.table)
        row = next((r for r in self.rows if r.id == eid), None)
        if row is None:
            self.prompts.info("Correct an entry", "Select the entry to correct first.")
            return
        text = self.prompts.ask_text("Correct an entry", "The entry as it should read:", row.summary)
        if text is None:
            return
        reason = self.prompts.ask_text(
            "Correct an entry", "Why is it being corrected? (kept with the history)"
        )
        if reason is None:
            return
        changes = self.attempt(
            "Not corrected",
            lambda: self.services.chronology.correct(self.services.actor, row.id, text, row.body, reason),
        )
        if changes is not None:
            self.applied(changes)
