"""The letter template editor: an administrator changes the wording without code. Every save is a new
revision; old revisions stay so any filed letter can be reproduced. Others can read and preview."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.dialogs.letter_preview import LetterPreviewDialog
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.letters import TemplateRevision
    from cspdesk.core.services.registry import Services

SYNTAX = (
    "<b># Heading</b>, <b>## smaller heading</b> · blank line = new paragraph · <b>- bullet</b> · "
    "<b>1. numbered</b> · <b>**bold**</b> · <b>{field}</b> · <b>[if field] … [else] … [end]</b> · "
    "<b>[signature]</b> · <b>[signline Signed by]</b> · <b>[pagebreak]</b> · <b>// note</b> (never printed)"
)


class TemplateEditor(QWidget):
    services: Services

    def __init__(self, services: Services, bus: Bus, prompts: Prompts, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("templateEditor")
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.is_admin = services.actor.can(Role.ADMINISTRATOR)
        self.current: TemplateRevision | None = None  # the revision being edited
        self.templates: list[TemplateRevision] = []
        self.preview: LetterPreviewDialog | None = None

        self.list = named(QListWidget(), "templateList", "Letter templates")
        self.list.setMinimumWidth(200)
        # A long name wraps instead of being cut ("Community Protection Notice Warn", issue 19).
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentRowChanged.connect(self._select)
        self.name = named(QLineEdit(), "templateName")
        self.marking = named(QCheckBox("Marked OFFICIAL-SENSITIVE"), "templateMarking")
        self.marking.setToolTip("The protective marking, for letters naming victims or perpetrators.")
        self.body = named(QPlainTextEdit(), "templateBody", "Template wording")
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.body.setFont(mono)
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.error = named(QLabel(), "templateError")
        self.error.setStyleSheet(theme.css("alert"))
        self.error.setWordWrap(True)
        self.info = named(QLabel(), "templateInfo")
        self.info.setStyleSheet(theme.css("muted"))
        self.info.setWordWrap(True)
        syntax = QLabel(SYNTAX)
        syntax.setWordWrap(True)
        syntax.setStyleSheet(theme.css("muted"))

        self.field_filter = named(QLineEdit(), "fieldFilter")
        self.field_filter.setPlaceholderText("Find a field")
        self.field_filter.textChanged.connect(self._filter_fields)
        self.field_list = named(QListWidget(), "fieldList")
        from cspdesk.core.services.letters import field_list

        for f in field_list():
            item = QListWidgetItem(f"{f.label}  {{{f.name}}}")
            item.setData(Qt.ItemDataRole.UserRole, f.name)
            item.setToolTip(f.description)
            self.field_list.addItem(item)
        self.field_list.itemDoubleClicked.connect(lambda _i: self.insert_field())
        self.insert_btn = named(QPushButton("&Insert field"), "insertField")
        self.insert_btn.clicked.connect(lambda: self.insert_field())
        self.history = named(QListWidget(), "templateHistory")
        self.history_preview = named(QPushButton("Preview this revision"), "previewRevision")
        self.history_preview.clicked.connect(self.preview_revision)
        self.restore_btn = named(QPushButton("Copy into the editor"), "restoreRevision")
        self.restore_btn.clicked.connect(self.restore_revision)

        self.preview_btn = named(QPushButton("&Preview with demo data"), "previewTemplate")
        self.preview_btn.clicked.connect(self.preview_template)
        self.save_btn = named(QPushButton("&Save as new revision"), "saveTemplate")
        self.save_btn.clicked.connect(self.save)
        self.revert_btn = named(QPushButton("Undo changes"), "revertTemplate")
        self.revert_btn.clicked.connect(lambda: self._show(self.current))
        for w in (self.name, self.marking, self.save_btn, self.insert_btn, self.restore_btn, self.revert_btn):
            w.setEnabled(self.is_admin)
        self.body.setReadOnly(not self.is_admin)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(self.save)

        middle = QWidget()
        mv = QVBoxLayout(middle)
        mv.setContentsMargins(0, 0, 0, 0)
        if not self.is_admin:
            note = QLabel("Only an administrator can change letter templates. You can read and preview them.")
            note.setStyleSheet(theme.css("muted"))
            mv.addWidget(note)
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("", self.marking)
        mv.addLayout(form)
        mv.addWidget(self.info)
        mv.addWidget(self.body, 1)
        mv.addWidget(syntax)
        mv.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_btn)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_btn)
        buttons.addWidget(self.save_btn)
        mv.addLayout(buttons)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(QLabel("<b>Fields</b> (double-click to insert)"))
        rv.addWidget(self.field_filter)
        rv.addWidget(self.field_list, 2)
        rv.addWidget(self.insert_btn)
        rv.addWidget(QLabel("<b>Revisions</b>"))
        rv.addWidget(self.history, 1)
        hb = QVBoxLayout()  # one above the other: the editor fits a laptop (issue 19)
        hb.addWidget(self.history_preview)
        hb.addWidget(self.restore_btn)
        rv.addLayout(hb)

        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(middle)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 4)
        split.setStretchFactor(2, 2)
        split.setSizes([230, 700, 300])
        v = QVBoxLayout(self)
        v.addWidget(split)
        bus.changes_applied.connect(self._on_changes)
        self.load()

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches("letter_template"):
            self.load()

    # ----- loading
    def load(self) -> None:
        code = self.current.code if self.current else None
        self.templates = self.services.templates.templates()
        self.list.blockSignals(True)
        self.list.clear()
        for t in self.templates:
            item = QListWidgetItem(
                f"{t.name}\n  revision {t.revision}{'' if t.shipped else ' · ' + t.author}"
            )
            item.setData(Qt.ItemDataRole.UserRole, t.code)
            self.list.addItem(item)
        self.list.blockSignals(False)
        codes = [t.code for t in self.templates]
        self.list.setCurrentRow(codes.index(code) if code in codes else 0)

    def _select(self, row: int) -> None:
        if 0 <= row < len(self.templates):
            self._show(self.templates[row])

    def select_code(self, code: str) -> None:
        self.list.setCurrentRow([t.code for t in self.templates].index(code))

    def _show(self, t: TemplateRevision | None) -> None:
        if t is None:
            return
        self.current = t
        self.name.setText(t.name)
        self.marking.setChecked(t.protective_marking)
        self.body.setPlainText(t.body)
        who = "shipped with CSPDesk" if t.shipped else f"saved by {t.author}"
        when = f" on {t.saved_at:%d/%m/%Y %H:%M}" if t.saved_at else ""
        never = f" · never prints: {', '.join(t.excluded_fields)}" if t.excluded_fields else ""
        self.info.setText(f"Code {t.code} · revision {t.revision}, {who}{when}{never}")
        self.error.setText("")
        self.history.clear()
        for r in self.services.templates.history(t.code):
            who = "shipped" if r.shipped else r.author
            item = QListWidgetItem(f"Revision {r.revision} · {who} · {r.saved_at:%d/%m/%Y %H:%M}")
            item.setData(Qt.ItemDataRole.UserRole, r.revision)
            self.history.addItem(item)

    def _filter_fields(self, text: str) -> None:
        text = text.lower()
        for i in range(self.field_list.count()):
            item = self.field_list.item(i)
            if item is not None:
                item.setHidden(bool(text) and text not in item.text().lower())

    # ----- editing
    def insert_field(self, name: str | None = None) -> None:
        if not self.is_admin:
            return
        if name is None:
            item = self.field_list.currentItem()
            if item is None:
                return
            name = item.data(Qt.ItemDataRole.UserRole)
        self.body.insertPlainText("{" + name + "}")
        self.body.setFocus()

    def preview_template(self) -> LetterPreviewDialog | None:
        if self.current is None:
            return None
        try:
            pdf = self.services.letters.preview_template(
                self.services.actor,
                self.current.code,
                name=self.name.text(),
                body=self.body.toPlainText(),
                protective_marking=self.marking.isChecked(),
            )
        except ValidationError as exc:
            self.error.setText(str(exc))
            return None
        except UserError as exc:
            self.prompts.error("No preview", str(exc))
            return None
        self.error.setText("")
        return self._open_preview(pdf, f"{self.name.text()} (demo data)")

    def _open_preview(self, pdf: bytes, title: str) -> LetterPreviewDialog:
        self.preview = LetterPreviewDialog(
            pdf,
            title,
            f"{title}.pdf",
            self.prompts,
            note="Demo data: made-up names and addresses.",
            parent=self,
        )
        self.preview.open()
        return self.preview

    def save(self) -> None:
        if not self.is_admin or self.current is None:
            return
        try:
            saved, changes = self.services.templates.save(
                self.services.actor,
                self.current.code,
                name=self.name.text(),
                body=self.body.toPlainText(),
                protective_marking=self.marking.isChecked(),
                based_on=self.current.revision,
            )
        except ValidationError as exc:
            self.error.setText(str(exc))
            return
        except UserError as exc:
            self.prompts.error("Template not saved", str(exc))
            return
        self.error.setText("")
        self.current = saved
        self.bus.changes_applied.emit(changes)
        self.load()

    def _history_revision(self) -> TemplateRevision | None:
        item = self.history.currentItem()
        if item is None or self.current is None:
            return None
        return self.services.templates.revision(self.current.code, item.data(Qt.ItemDataRole.UserRole))

    def preview_revision(self) -> LetterPreviewDialog | None:
        r = self._history_revision()
        if r is None:
            return None
        try:
            pdf = self.services.letters.preview_template(
                self.services.actor, r.code, name=r.name, body=r.body, protective_marking=r.protective_marking
            )
        except UserError as exc:
            self.prompts.error("No preview", str(exc))
            return None
        return self._open_preview(pdf, f"{r.name}, revision {r.revision} (demo data)")

    def restore_revision(self) -> None:
        r = self._history_revision()
        if r is None or not self.is_admin:
            return
        self.name.setText(r.name)
        self.marking.setChecked(r.protective_marking)
        self.body.setPlainText(r.body)
        self.error.setText(
            f"Revision {r.revision}'s wording is in the editor: Save to make it the current one."
        )
