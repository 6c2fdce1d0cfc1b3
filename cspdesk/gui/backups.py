"""The window's side of encryption and backups: asking for a passphrase at start, the backup taken in the
background when the window opens (if the last good one is a day old), and the Settings → Backups panel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.errors import UserError
from cspdesk.gui import theme
from cspdesk.gui.bus import when_ready
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.tasks import TaskRunner

if TYPE_CHECKING:
    from cspdesk.core.services.registry import Services
    from cspdesk.gui.main_window import MainWindow

MIN_PASSPHRASE = 12


def passphrase_prompt(prompts: Prompts) -> Callable[[Path, bool], str | None]:
    """The window's way of asking for a database passphrase
    (``encryption.set_passphrase_prompt``): hidden, twice for a new one. Only on the GUI thread;
    anywhere else there is nobody to ask, and the file is refused."""

    def ask(path: Path, new: bool) -> str | None:
        app = QApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            return None
        if not new:
            return (
                prompts.ask_secret(
                    "CSPDesk: passphrase", f"The database {path.name} is encrypted.\nType its passphrase:"
                )
                or None
            )
        while True:
            first = prompts.ask_secret(
                "CSPDesk: choose a passphrase",
                f"CSPDesk encrypts the database {path.name}. This computer has no "
                "credential store to keep its key,\nso choose a passphrase of at least "
                f"{MIN_PASSPHRASE} characters. Without it the data cannot be read.",
            )
            if not first:
                return None
            if len(first) < MIN_PASSPHRASE:
                prompts.error("Passphrase too short", f"Use at least {MIN_PASSPHRASE} characters.")
                continue
            if prompts.ask_secret("CSPDesk: choose a passphrase", "Type the same passphrase again:") == first:
                return first
            prompts.error("Passphrases differ", "The two passphrases were not the same. Try again.")

    return ask


def back_up_when_ready(window: MainWindow) -> None:
    """Once the services are ready, take a backup in the background if the last good one is a
    day old. A failure shows in the status bar (and the Backups panel shows how old the last
    good one is); it never stops work."""

    def start() -> None:
        window.tasks.start(lambda _report, _cancelled: window.services.backups.back_up_if_due(), done, failed)

    def done(result) -> None:  # a BackupResult (not on the admin area's public face), or None
        if result is not None:
            window.statusBar().showMessage(f"Backed up to {result.backup.path} (checked).", 8000)

    def failed(exc: Exception) -> None:
        text = str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        window.statusBar().showMessage(f"The daily backup failed: {text} (Settings → Backups)", 30000)

    when_ready(window.services, window.bus, start)


class BackupsPanel(QWidget):
    """Settings → Backups: the last good backup, the folder, the rota, and "Back up now"."""

    services: Services

    def __init__(self, services: Services, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.prompts = prompts
        self.tasks = TaskRunner()
        box = QGroupBox("Backups of this database")
        form = QFormLayout(box)
        self.last = named(QLabel(), "lastBackup")
        self.folder = named(QLabel(), "backupFolder")
        self.folder.setWordWrap(True)
        self.rota = named(QLabel(), "backupRota")
        self.note = named(QLabel(), "backupNote")
        self.note.setWordWrap(True)
        for label in (self.last, self.folder, self.rota):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Last good backup:", self.last)
        form.addRow("Folder:", self.folder)
        form.addRow("Kept:", self.rota)
        self.encryption = named(QLabel(), "encryptionState")
        self.encryption.setWordWrap(True)
        form.addRow("Encryption:", self.encryption)
        self.now = named(QPushButton("Back up now"), "backUpNow")
        self.now.clicked.connect(self.back_up_now)
        self.result = named(QLabel(), "backupResult")
        self.result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.now)
        row.addWidget(self.result, 1)
        hint = QLabel(
            "A backup is taken when CSPDesk starts if the last one is a day old, encrypted like the database "
            "and checked after it is written. The folder and how many are kept are under Local settings → "
            "Backups. To restore one, close CSPDesk and run: cspdesk restore --db FILE --from BACKUP"
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(theme.css("muted"))
        v = QVBoxLayout(self)
        v.addWidget(box)
        v.addLayout(row)
        v.addWidget(self.note)
        v.addWidget(hint)
        v.addStretch(1)
        self.load()

    def load(self) -> None:
        status = self.services.backups.status()
        self.encryption.setText(self.services.backups.encryption())
        self.now.setEnabled(status.available)
        if not status.available:
            self.last.setText("—")
            self.folder.setText("—")
            self.rota.setText("—")
            self.note.setText(status.note)
            return
        if status.last is None:
            self.last.setText("None yet")
        else:
            stale = "  (more than a day old)" if status.due else ""
            self.last.setText(
                f"{status.last.taken_at:%d/%m/%Y %H:%M}, {status.last.size / 1e6:,.1f} MB{stale}"
            )
        self.last.setStyleSheet(f"color:{theme.colour('alert')}" if status.due else "")
        self.folder.setText(str(status.folder))
        p = status.policy
        self.rota.setText(
            f"the newest backup of each of the last {p.daily} days, {p.weekly} weeks and {p.monthly} months"
        )
        self.note.setText(status.note)
        self.note.setVisible(bool(status.note))

    def back_up_now(self) -> None:
        self.now.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText("Backing up…")
        self.tasks.start(
            lambda _report, _cancelled: self.services.backups.back_up_now(), self._done, self._failed
        )

    def _done(self, result) -> None:  # a BackupResult (not on the admin area's public face)
        self.result.setText(f"Backed up and checked: {result.backup.path.name}")
        self.load()

    def _failed(self, exc: Exception) -> None:
        self.now.setEnabled(True)
        self.result.setStyleSheet(theme.css("alert"))
        self.result.setText("No backup was made.")
        self.prompts.error(
            "Backup failed", str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        )
