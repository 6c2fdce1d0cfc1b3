"""Working copies in the window: File → Take a working copy…, Bring back…, Working copies and conflicts…, and
the banner that says the open database is a working copy (of which database, taken when)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.gui import theme
from cspdesk.gui.bus import when_ready
from cspdesk.gui.qt_helpers import named

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.working_copies import CopyInfo, TakenCopy
    from cspdesk.gui.main_window import MainWindow


def _action(window: MainWindow, text: str, name: str, slot: Callable[[], object]) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    action.triggered.connect(slot)
    return action


def install(window: MainWindow, file_menu: QMenu) -> None:
    """Add the working-copy entries to the File menu, and the banner if the open database is a copy (once the
    services are ready: a quick start does not wait for them)."""
    services = window.services
    take = _action(window, "Take a &working copy…", "takeWorkingCopy", lambda: take_copy(window))
    back = _action(window, "&Bring back a working copy…", "bringBackWorkingCopy", lambda: bring_back(window))
    refresh = _action(
        window,
        "&Refresh a working copy from this database…",
        "refreshWorkingCopy",
        lambda: refresh_copy(window),
    )
    manage = _action(
        window, "Working copies and &conflicts…", "workingCopies", lambda: WorkingCopiesDialog(window).exec()
    )
    first = file_menu.actions()[0] if file_menu.actions() else None
    for act in (take, back, refresh, manage):
        act.setEnabled(False)
        if first is None:
            file_menu.addAction(act)
        else:
            file_menu.insertAction(first, act)
    if first is None:
        file_menu.addSeparator()
    else:
        file_menu.insertSeparator(first)

    def ready() -> None:
        window.copy_info = services.working_copies.this_copy()
        for act in (take, back, refresh, manage):
            act.setEnabled(window.copy_info is None and services.actor.can(Role.OFFICER))
        if window.copy_info is not None:
            _show_banner(window, window.copy_info)
            window.update_title()

    when_ready(services, window.bus, ready)


def _show_banner(window: MainWindow, info: CopyInfo) -> None:
    text = (
        f"<b>Working copy</b> of {info.office_label}, taken "
        f"{info.taken_at:%d/%m/%Y %H:%M} by {info.taken_by} ({', '.join(info.wards)}). "
        "Your changes reach the office when this copy is brought back there."
    )
    late = info.overdue_text()  # out longer than the office's setting allows
    if late:
        text += f"<br><b>{late}</b>"
    banner = QLabel(text)
    banner.setObjectName("workingCopyBanner")
    banner.setWordWrap(True)
    kind = "alert" if late else "warning"
    colours = (
        f"{theme.colour(kind + '_bg')}; color: {theme.colour(kind)}; "
        f"border-bottom: 1px solid {theme.colour(kind + '_border')}"
    )
    banner.setStyleSheet(f"QLabel {{ background: {colours}; padding: 6px 10px; }}")
    old = window.takeCentralWidget()
    holder = QWidget()
    v = QVBoxLayout(holder)
    v.setContentsMargins(0, 0, 0, 0)
    v.setSpacing(0)
    v.addWidget(banner)
    if old is not None:  # the window's pages, always there once it is built
        v.addWidget(old, 1)
    window.setCentralWidget(holder)
    window.copy_banner = banner


def title_suffix(info: CopyInfo | None) -> str:
    return "" if info is None else f" — WORKING COPY of {info.office_label}, taken {info.taken_at:%d/%m/%Y}"


def _show_error(window: MainWindow, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        window.prompts.error("Working copy", "\n".join(exc.fields.values()))
    else:
        window.prompts.error("Working copy", str(exc))


class TakeCopyDialog(QDialog):
    """Choose the forum or the wards, open or all cases, and where to write the copy."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Take a working copy")
        self.window_ = window
        services = window.services
        form = QFormLayout()
        self.forum = named(QComboBox(), "copyForum")
        self.forum.addItem("(choose wards below)", None)
        for title in sorted({f.title for f in services.forums.forums()}):
            self.forum.addItem(title, title)
        form.addRow("Area forum", self.forum)
        self.wards = named(QListWidget(), "copyWards")
        self.wards.setMinimumHeight(180)
        for _ward_id, name in services.case_list.filter_options().wards:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.wards.addItem(item)
        form.addRow("Wards", self.wards)
        cases = QWidget()
        h = QHBoxLayout(cases)
        h.setContentsMargins(0, 0, 0, 0)
        self.open_only = named(QRadioButton("Open cases"), "copyOpenCases")
        self.open_only.setChecked(True)
        self.all_cases = QRadioButton("All cases (closed ones too)")
        group = QButtonGroup(self)
        group.addButton(self.open_only)
        group.addButton(self.all_cases)
        h.addWidget(self.open_only)
        h.addWidget(self.all_cases)
        h.addStretch(1)
        form.addRow("Cases", cases)
        file_row = QWidget()
        h = QHBoxLayout(file_row)
        h.setContentsMargins(0, 0, 0, 0)
        self.target = named(QLineEdit(), "copyTarget")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose)
        h.addWidget(self.target, 1)
        h.addWidget(browse)
        form.addRow("Save the copy as", file_row)
        note = QLabel(
            "The copy holds the chosen cases with their people, places, incidents, actions, notices and "
            "Safer Homes referrals (restricted ones only if you may see them), and the forum's history."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton("Take the copy", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("copyTake")
        buttons.accepted.connect(self._take)
        buttons.rejected.connect(self.reject)
        v = QVBoxLayout(self)
        v.addLayout(form)
        v.addWidget(note)
        v.addWidget(buttons)
        self.resize(560, 520)
        self.taken: TakenCopy | None = None

    def chosen_wards(self) -> list[str]:
        items = [item for i in range(self.wards.count()) if (item := self.wards.item(i)) is not None]
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    def _choose(self) -> None:
        path = self.window_.prompts.ask_save_file(
            "Save the working copy as", "working-copy.sqlite", "CSPDesk database (*.sqlite)"
        )
        if path:
            self.target.setText(str(path))

    def _take(self) -> None:
        if not self.target.text().strip():
            self.window_.prompts.error("Working copy", "Choose where to save the working copy.")
            return
        try:
            self.taken = self.window_.services.working_copies.take(
                self.window_.services.actor,
                Path(self.target.text().strip()),
                wards=self.chosen_wards(),
                forum=self.forum.currentData(),
                cases="open" if self.open_only.isChecked() else "all",
            )
        except UserError as exc:
            _show_error(self.window_, exc)
            return
        self.accept()


def take_copy(window: MainWindow) -> None:
    dialog = TakeCopyDialog(window)
    if dialog.exec() and dialog.taken is not None:
        t = dialog.taken
        window.prompts.info(
            "Working copy taken",
            f"{t.cases} cases written to {t.path}.\n\nOpen that file on the laptop "
            "(cspdesk --db FILE). Bring it back here with File → Bring back a working copy…"
            + (
                ""
                if t.restricted_included
                else "\n\nRestricted Safer Homes referrals were left out: your account may not see them."
            ),
        )
        window.bus.changes_applied.emit(_copy_changes())


def _copy_changes() -> Changes:
    from cspdesk.core.services.context import Changes

    return Changes.of("working_copy")


def bring_back(window: MainWindow) -> None:
    path = window.prompts.ask_open_file("Bring back a working copy", "CSPDesk database (*.sqlite)")
    if path is None:
        return
    try:
        r = window.services.working_copies.bring_back(window.services.actor, path)
    except UserError as exc:
        _show_error(window, exc)
        return
    if r.applied == 0:
        window.prompts.info("Bring back", "Nothing new to bring back: this copy's changes are already here.")
        return
    lines = [
        f"{r.applied} changes brought back: {r.inserted} new records, {r.updated_fields} fields updated, "
        f"{r.deleted} removed."
    ]
    if r.renumbered:
        lines.append("New references: " + "; ".join(f"{p} is now {n}" for p, n in r.renumbered))
    if r.letters_to_check:
        lines.append(
            "Letters printed in the copy quote a provisional reference (tell the recipients the new one):"
        )
        lines += [f"  {t}: {p} → {n}" for t, p, n in r.letters_to_check]
    if r.conflicts:
        lines.append(f"{r.conflicts} conflicts: the office's values were kept until you decide.")
    window.prompts.info("Working copy brought back", "\n".join(lines))
    window.bus.changes_applied.emit(r.changes)
    if r.conflicts:
        dialog = WorkingCopiesDialog(window)
        dialog.tabs.setCurrentIndex(1)
        dialog.exec()


def refresh_copy(window: MainWindow) -> None:
    path = window.prompts.ask_open_file("Refresh a working copy", "CSPDesk database (*.sqlite)")
    if path is None:
        return
    try:
        done = window.services.working_copies.refresh(window.services.actor, path)
    except UserError as exc:
        _show_error(window, exc)
        return
    window.prompts.info("Working copy refreshed", "\n".join((done.summary(), *done.kept)))


class WorkingCopiesDialog(QDialog):
    """The office's list of copies out (revoke for an administrator) and the conflicts side by side."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Working copies and conflicts")
        self.window_ = window
        self.service = window.services.working_copies
        self.tabs = QTabWidget()
        self.copies = _table(["Taken", "By", "Wards", "Cases", "State", "File"], "copiesTable")
        self.revoke_button = named(QPushButton("Revoke…"), "revokeCopy")
        self.revoke_button.setEnabled(window.services.actor.role is Role.ADMINISTRATOR)
        self.revoke_button.setToolTip("A lost laptop: refuse its copy's changes (administrators)")
        self.revoke_button.clicked.connect(self._revoke)
        self.overdue = named(QLabel(), "copiesOverdue")
        self.overdue.setStyleSheet(f"QLabel {{ color: {theme.colour('alert')}; font-weight: bold; }}")
        page = QWidget()
        v = QVBoxLayout(page)
        v.addWidget(self.overdue)
        v.addWidget(self.copies)
        h = QHBoxLayout()
        h.addStretch(1)
        h.addWidget(self.revoke_button)
        v.addLayout(h)
        self.tabs.addTab(page, "Copies out")
        self.conflicts = _table(
            ["Record", "Field", "What happened", "Changed in the copy by"], "conflictsTable"
        )
        self.conflicts.itemSelectionChanged.connect(self._show_sides)
        sides = QHBoxLayout()
        self.side_before, self.side_office, self.side_copy = (
            _side(sides, title, name)
            for title, name in (
                ("Before (when the copy was taken)", "sideBefore"),
                ("In the office (kept until you decide)", "sideOffice"),
                ("In the copy", "sideCopy"),
            )
        )
        self.keep_office = named(QPushButton("Keep the office value"), "keepOffice")
        self.take_copy_value = named(QPushButton("Take the copy's value"), "takeCopyValue")
        self.keep_office.clicked.connect(lambda: self._decide("office"))
        self.take_copy_value.clicked.connect(lambda: self._decide("copy"))
        page = QWidget()
        v = QVBoxLayout(page)
        v.addWidget(
            QLabel("Both sides changed these. The office value stands until you decide; nothing is lost.")
        )
        v.addWidget(self.conflicts, 1)
        v.addLayout(sides)
        h = QHBoxLayout()
        h.addStretch(1)
        h.addWidget(self.keep_office)
        h.addWidget(self.take_copy_value)
        v.addLayout(h)
        self.tabs.addTab(page, "Conflicts")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs)
        outer.addWidget(buttons)
        self.resize(1000, 520)
        self.refresh()

    def refresh(self) -> None:
        self._copy_rows = self.service.copies()
        self.copies.setRowCount(len(self._copy_rows))
        for i, c in enumerate(self._copy_rows):
            cells = [
                f"{c.taken_at:%d/%m/%Y %H:%M}",
                c.taken_by,
                ", ".join(c.wards),
                str(c.cases),
                c.state,
                c.file_name,
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c.overdue:
                    item.setForeground(theme.qcolour("alert"))
                self.copies.setItem(i, j, item)
        late = [c for c in self._copy_rows if c.overdue]
        self.overdue.setText(
            ""
            if not late
            else f"{len(late)} working cop{'ies have' if len(late) > 1 else 'y has'} been out longer than "
            "the setting allows (Settings → Working copies): bring "
            f"{'them' if len(late) > 1 else 'it'} back, or revoke a lost one."
        )
        self.overdue.setVisible(bool(late))
        self._conflict_rows = self.service.conflicts(self.window_.services.actor)
        self.conflicts.setRowCount(len(self._conflict_rows))
        for i, k in enumerate(self._conflict_rows):
            cells = [k.record, k.field, k.kind, f"{k.copy_author}, {k.copy_at:%d/%m/%Y %H:%M}"]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.conflicts.setItem(i, j, item)
        self.tabs.setTabText(1, f"Conflicts ({len(self._conflict_rows)})")
        for t in (self.copies, self.conflicts):
            t.resizeColumnsToContents()
        if self._conflict_rows:
            self.conflicts.selectRow(0)
        self._show_sides()
        has = bool(self._conflict_rows)
        self.keep_office.setEnabled(has)
        self.take_copy_value.setEnabled(has)

    def _show_sides(self) -> None:
        row = self.conflicts.currentRow()
        k = self._conflict_rows[row] if 0 <= row < len(self._conflict_rows) else None
        self.side_before.setText("" if k is None or k.whole_record else k.base)
        self.side_office.setText("" if k is None else k.office)
        self.side_copy.setText("" if k is None else k.copy)

    def _decide(self, keep: str) -> None:
        row = self.conflicts.currentRow()
        if row < 0:
            self.window_.prompts.error("Conflicts", "Choose a conflict first.")
            return
        try:
            changes = self.service.decide(
                self.window_.services.actor, self._conflict_rows[row].conflict_id, keep
            )
        except UserError as exc:
            _show_error(self.window_, exc)
            return
        self.window_.bus.changes_applied.emit(changes)
        self.refresh()

    def _revoke(self) -> None:
        row = self.copies.currentRow()
        if row < 0:
            self.window_.prompts.error("Working copies", "Choose the copy to revoke.")
            return
        c = self._copy_rows[row]
        reason = self.window_.prompts.ask_text(
            "Revoke a working copy",
            f"Why is the copy taken by {c.taken_by} on {c.taken_at:%d/%m/%Y} "
            "being revoked? Its changes will be refused.",
        )
        if reason is None:
            return
        try:
            self.service.revoke(self.window_.services.actor, c.copy_id, reason)
        except UserError as exc:
            _show_error(self.window_, exc)
            return
        self.refresh()


def _table(headers: list[str], name: str) -> QTableWidget:
    t = named(QTableWidget(0, len(headers)), name)
    t.setHorizontalHeaderLabels(headers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    t.setWordWrap(False)
    return t


def _side(layout: QHBoxLayout, title: str, name: str) -> QLabel:
    box = QWidget()
    v = QVBoxLayout(box)
    v.setContentsMargins(0, 0, 0, 0)
    v.addWidget(QLabel(f"<b>{title}</b>"))
    value = named(QLabel(), name)
    value.setWordWrap(True)
    value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    value.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    value.setMinimumHeight(70)
    value.setStyleSheet(
        "QLabel { background: palette(base); padding: 4px; "
        f"border: 1px solid {theme.colour('panel_border')}; }}"
    )
    v.addWidget(value, 1)
    layout.addWidget(box, 1)
    return value
