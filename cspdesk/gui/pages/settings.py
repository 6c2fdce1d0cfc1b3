"""Settings: users and their roles, and the declared settings (local policy, letterhead...).

Only an administrator can change anything here; everyone else sees the values read-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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

from cspdesk.core.domain.protection import SAFER_HOMES_RESTRICTED
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.services.admin import SETTINGS
from cspdesk.gui import theme
from cspdesk.gui.widgets.risk_questionnaire import RiskQuestionnaireEditor

if TYPE_CHECKING:
    from cspdesk.core.services.registry import Services


class SettingsPage(QWidget):
    services: Services

    title = "Settings"

    def __init__(self, services, bus, prompts, parent=None):
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
        self.users = QTableWidget(0, 7, objectName="usersTable", accessibleName="Users")
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
        for v, label in Role.choices():
            self.new_role.addItem(label, v)
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
            for v, label in Role.choices():
                combo.addItem(label, v)
            combo.setCurrentIndex(combo.findData(u.role.value))
            combo.setEnabled(self.is_admin)
            combo.currentIndexChanged.connect(lambda _i, uid=u.id, c=combo: self._set_role(uid, c))
            self.users.setCellWidget(r, 2, combo)
            active = QTableWidgetItem("Yes" if u.active else "No")
            self.users.setItem(r, 3, active)
            # Domestic-abuse referrals' names and addresses
            # (core.domain.protection); administrators always do.
            restricted = QCheckBox(objectName=f"restricted:{u.username}")
            restricted.setChecked(u.role == Role.ADMINISTRATOR or SAFER_HOMES_RESTRICTED in u.permissions)
            restricted.setEnabled(self.is_admin and u.role == Role.OFFICER)
            restricted.setToolTip("Administrators always may; partners never may.")
            restricted.toggled.connect(lambda on, row=u: self._set_restricted(row, on))
            self.users.setCellWidget(r, 4, restricted)
            title = QLineEdit(
                u.job_title or "",
                objectName=f"jobTitle:{u.username}",
                accessibleName=f"Job title of {u.display_name}",
            )
            title.setEnabled(self.is_admin)
            title.editingFinished.connect(
                lambda uid=u.id, w=title, old=u.job_title or "": (
                    w.text().strip() != old and self._set_job_title(uid, w)
                )
            )
            self.users.setCellWidget(r, 5, title)
            # A partner sees only what their agency needs (core.domain.restriction): their agency decides it.
            agency = QComboBox(objectName=f"agency:{u.username}")
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

    def _set_role(self, user_id, combo: QComboBox) -> None:
        try:
            changes = self.services.users.update_user(
                self.services.actor, user_id, role=Role(combo.currentData())
            )
        except UserError as exc:
            self.prompts.error("Role not changed", str(exc))
            self.load()
            return
        self.bus.changes_applied.emit(changes)

    def _set_agency(self, user_id, combo: QComboBox) -> None:
        try:
            changes = self.services.users.set_agency(self.services.actor, user_id, combo.currentData())
        except UserError as exc:
            self.prompts.error("Agency not changed", str(exc))
            self.load()
            return
        self.bus.changes_applied.emit(changes)

    def _set_job_title(self, user_id, widget: QLineEdit) -> None:
        try:
            changes = self.services.users.update_user(self.services.actor, user_id, job_title=widget.text())
        except UserError as exc:
            self.prompts.error("Job title not changed", str(exc))
            return
        self.bus.changes_applied.emit(changes)

    def _set_restricted(self, user, on: bool) -> None:
        # Read the user afresh: the row may be stale after an earlier change on this screen.
        current = next((u for u in self.services.users.list_users() if u.id == user.id), user)
        flags = set(current.permissions) - {SAFER_HOMES_RESTRICTED} | (
            {SAFER_HOMES_RESTRICTED} if on else set()
        )
        try:
            changes = self.services.users.update_user(
                self.services.actor, user.id, permissions=frozenset(flags)
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
            if d.kind is dict:  # structured: the risk questionnaire, a table of questions (issue 19)
                w = RiskQuestionnaireEditor()
            elif d.choices:  # a fixed set of values (e.g. what a retention period counts from)
                w = QComboBox()
                for value, label in d.choices:
                    w.addItem(label, value)
            elif d.kind is bool:
                w = QCheckBox()
            elif d.kind is int:
                w = QSpinBox()
                w.setRange(
                    d.minimum if d.minimum is not None else -(10**9),
                    d.maximum if d.maximum is not None else 10**9,
                )
            elif "\n" in str(d.default):
                w = QPlainTextEdit()
                w.setFixedHeight(80)
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
        save = QPushButton("Save settings", objectName="saveSettings")
        save.setEnabled(self.is_admin)
        save.clicked.connect(self.save)
        v.addWidget(save, alignment=Qt.AlignmentFlag.AlignRight)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    @staticmethod
    def _set_widget(w, value) -> None:
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
        else:
            w.setText(str(value))

    @staticmethod
    def _get_widget(w):
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
        return w.text()

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
