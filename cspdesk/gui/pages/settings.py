"""Settings: users and their roles, and the declared settings (local policy, letterhead...).

Only an administrator can change anything here; everyone else sees the values read-only.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.restriction import SAFER_HOMES_RESTRICTED
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.services.admin import SETTINGS
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.risk_questionnaire import RiskQuestionnaireEditor

if TYPE_CHECKING:
    from cspdesk.core.services.registry import Services


class SettingsPage(QWidget):
    services: Services

    title = "Settings"

    def __init__(self, services: Services, bus: Bus, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.is_admin = services.actor.can(Role.ADMINISTRATOR)
        tabs = self.tabs = QTabWidget()
        tabs.addTab(self._users_tab(), "Users")
        tabs.addTab(self._settings_tab(), "Local settings")
        from cspdesk.gui.pages.retention import RetentionTab

        tabs.addTab(RetentionTab(services, bus, prompts), "Retention")
        from cspdesk.gui.backups import BackupsPanel

        tabs.addTab(BackupsPanel(services, prompts), "Backups")
        layout = QVBoxLayout(self)
        if not self.is_admin:
            note = QLabel("Only an administrator can change settings. You can see them here.")
            note.setStyleSheet(theme.css("muted"))
            layout.addWidget(note)
        layout.addWidget(tabs)
        self.load()

    # ----- users
    def _users_tab(self) -> QWidget:
        w = QWidget()
        self.users = named(QTableWidget(0, 7), "usersTable", "Users")
        self.users.setHorizontalHeaderLabels(
            [
                "Name",
                "Login",
                "Role",
                "Active",
                "Sees restricted Safer Homes",
                "Job title (signs letters)",
                "Agency (partners)",
            ]
        )
        self.users.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.users.verticalHeader().setVisible(False)
        self.users.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.new_login = QLineEdit(placeholderText="Computer login, e.g. jane.smith")
        self.new_name = QLineEdit(placeholderText="Full name")
        self.new_role = QComboBox()
        for role, label in Role.choices():
            self.new_role.addItem(label, role)
        self.new_role.setCurrentIndex(self.new_role.findData(Role.OFFICER.value))
        add = QPushButton("Add user")
        add.clicked.connect(self._add_user)
        row = QHBoxLayout()
        for x in (self.new_login, self.new_name, self.new_role, add):
            row.addWidget(x)
            x.setEnabled(self.is_admin)
        v = QVBoxLayout(w)
        v.addWidget(self.users)
        v.addLayout(row)
        return w

    def load(self) -> None:
        users = self.services.users.list_users()
        agencies = self.services.users.agencies()
        self.users.setRowCount(len(users))
        for r, u in enumerate(users):
            self.users.setItem(r, 0, QTableWidgetItem(u.display_name))
            self.users.setItem(r, 1, QTableWidgetItem(u.username))
            combo = QComboBox()
            for role, label in Role.choices():
                combo.addItem(label, role)
            combo.setCurrentIndex(combo.findData(u.role.value))
            combo.setEnabled(self.is_admin)
            combo.currentIndexChanged.connect(lambda _i, uid=u.id, c=combo: self._set_role(uid, c))
            self.users.setCellWidget(r, 2, combo)
            active = QTableWidgetItem("Yes" if u.active else "No")
            self.users.setItem(r, 3, active)
            # Domestic-abuse referrals' names and addresses
            # (core.domain.protection); administrators always do.
            restricted = named(QCheckBox(), f"restricted:{u.username}")
            restricted.setChecked(u.role == Role.ADMINISTRATOR or SAFER_HOMES_RESTRICTED in u.permissions)
            restricted.setEnabled(self.is_admin and u.role == Role.OFFICER)
            restricted.setToolTip("Administrators always may; partners never may.")
            restricted.toggled.connect(
                lambda on, uid=u.id, had=u.permissions: self._set_restricted(uid, had, on)
            )
            self.users.setCellWidget(r, 4, restricted)
            title = named(
                QLineEdit(u.job_title or ""), f"jobTitle:{u.username}", f"Job title of {u.display_name}"
            )
            title.setEnabled(self.is_admin)
            title.editingFinished.connect(
                lambda uid=u.id, w=title, old=u.job_title or "": self._job_title_edited(uid, w, old)
            )
            self.users.setCellWidget(r, 5, title)
            # A partner sees only what their agency needs (core.domain.restriction): their agency decides it.
            agency = named(QComboBox(), f"agency:{u.username}")
            agency.addItem("—", None)
            for name in agencies:
                agency.addItem(name, name)
            agency.setCurrentIndex(max(0, agency.findData(u.agency)) if u.agency else 0)
            agency.setEnabled(self.is_admin)
            agency.setToolTip(
                "A partner sees only cases their agency reported on, owns an action on or that are "
                "shared with it, and only the Safer Homes referrals it made."
            )
            agency.currentIndexChanged.connect(lambda _i, uid=u.id, c=agency: self._set_agency(uid, c))
            self.users.setCellWidget(r, 6, agency)
        values = self.services.settings.all()
        for key, widget in self.fields.items():
            self._set_widget(widget, values[key])

    def _set_role(self, user_id: uuid.UUID, combo: QComboBox) -> None:
        try:
            changes = self.services.users.update_user(
                self.services.actor, user_id, role=Role(combo.currentData())
            )
        except UserError as exc:
            self.prompts.error("Role not changed", str(exc))
            self.load()
            return
        self.bus.changes_applied.emit(changes)

    def _set_agency(self, user_id: uuid.UUID, combo: QComboBox) -> None:
        try:
            changes = self.services.users.set_agency(self.services.actor, user_id, combo.currentData())
        except UserError as exc:
            self.prompts.error("Agency not changed", str(exc))
            self.load()
            return
        self.bus.changes_applied.emit(changes)

    def _job_title_edited(self, user_id: uuid.UUID, widget: QLineEdit, old: str) -> None:
        if widget.text().strip() != old:
            self._set_job_title(user_id, widget)

    def _set_job_title(self, user_id: uuid.UUID, widget: QLineEdit) -> None:
        try:
            changes = self.services.users.update_user(self.services.actor, user_id, job_title=widget.text())
        except UserError as exc:
            self.prompts.error("Job title not changed", str(exc))
            return
        self.bus.changes_applied.emit(changes)

    def _set_restricted(self, user_id: uuid.UUID, had: frozenset[str], on: bool) -> None:
        """``had``: the user's permissions when the row was shown."""
        # Read the user afresh: the row may be stale after an earlier change on this screen.
        current = next((u.permissions for u in self.services.users.list_users() if u.id == user_id), had)
        flags = set(current) - {SAFER_HOMES_RESTRICTED} | ({SAFER_HOMES_RESTRICTED} if on else set())
        try:
            changes = self.services.users.update_user(
                self.services.actor, user_id, permissions=frozenset(flags)
            )
        except UserError as exc:
            self.prompts.error("Permission not changed", str(exc))
            self.load()
            return
        self.bus.changes_applied.emit(changes)

    def _add_user(self) -> None:
        try:
            changes = self.services.users.add_user(
                self.services.actor,
                self.new_login.text(),
                self.new_name.text(),
                Role(self.new_role.currentData()),
            )
        except UserError as exc:
            self.prompts.error("User not added", str(exc))
            return
        self.new_login.clear()
        self.new_name.clear()
        self.load()
        self.bus.changes_applied.emit(changes)

    # ----- settings
    def _settings_tab(self) -> QWidget:
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        inner = QWidget()
        v = QVBoxLayout(inner)
        sections: dict[str, QFormLayout] = {}
        for d in SETTINGS:
            if d.kind is list:
                continue
            if d.section not in sections:
                box = QGroupBox(d.section)
                sections[d.section] = QFormLayout(box)
                v.addWidget(box)
            w: QWidget
            if d.kind is dict:  # structured: the risk questionnaire, a table of questions (issue 19)
                w = RiskQuestionnaireEditor()
            elif d.choices:  # a fixed set of values (e.g. what a retention period counts from)
                w = choices = QComboBox()
                for value, label in d.choices:
                    choices.addItem(label, value)
            elif d.kind is bool:
                w = QCheckBox()
            elif d.kind is int:
                w = spin = QSpinBox()
                spin.setRange(
                    d.minimum if d.minimum is not None else -(10**9),
                    d.maximum if d.maximum is not None else 10**9,
                )
            elif "\n" in str(d.default):
                w = text = QPlainTextEdit()
                text.setFixedHeight(80)
            else:
                w = QLineEdit()
            w.setObjectName(f"setting:{d.key}")
            w.setEnabled(self.is_admin)
            if d.help:
                w.setToolTip(d.help)
            err = QLabel()
            err.setStyleSheet(theme.css("alert"))
            cell = QWidget()
            h = QVBoxLayout(cell)
            h.setContentsMargins(0, 0, 0, 0)
            h.addWidget(w)
            h.addWidget(err)
            err.hide()
            sections[d.section].addRow(d.label, cell)
            self.fields[d.key] = w
            self.errors[d.key] = err
        save = named(QPushButton("Save settings"), "saveSettings")
        save.setEnabled(self.is_admin)
        save.clicked.connect(self.save)
        v.addWidget(save, alignment=Qt.AlignmentFlag.AlignRight)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    @staticmethod
    def _set_widget(w: QWidget, value: Any) -> None:  # a value of settings.all(): of the setting's kind
        if isinstance(w, RiskQuestionnaireEditor):
            w.set_value(value)
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(max(0, w.findData(value)))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QSpinBox):
            w.setValue(int(value))
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(str(value))
        elif isinstance(w, QLineEdit):
            w.setText(str(value))

    @staticmethod
    def _get_widget(w: QWidget) -> object:
        if isinstance(w, RiskQuestionnaireEditor):
            return w.value()
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QSpinBox):
            return w.value()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QLineEdit):
            return w.text()
        raise TypeError(f"no reading for a {type(w).__name__}")

    def save(self) -> None:
        current = self.services.settings.all()
        changed = {
            k: self._get_widget(w) for k, w in self.fields.items() if self._get_widget(w) != current[k]
        }
        for err in self.errors.values():
            err.hide()
        if not changed:
            return
        try:
            changes = self.services.settings.update(self.services.actor, changed)
        except ValidationError as exc:
            for key, msg in exc.fields.items():
                if key in self.errors:
                    self.errors[key].setText(msg)
                    self.errors[key].show()
            return
        except UserError as exc:
            self.prompts.error("Settings not saved", str(exc))
            return
        self.bus.changes_applied.emit(changes)
