"""Backups of the local database: where they go, how many are kept, the last good one, taking one now.

The folder and the rota are settings (``backups.*``). A backup is taken when the window starts if the last
good one is more than a day old (``back_up_if_due``, in the background), from the Settings → Backups panel,
and by ``cspdesk backup``. On a PostgreSQL server there is no file to copy: the server's own backups (pg_dump)
are the way, and ``status`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cspdesk.core.clock import Clock
from cspdesk.core.services.admin.settings import SettingsService
from cspdesk.core.storage import backups as store
from cspdesk.core.storage.backups import BackupFile, BackupPolicy, BackupProblem, BackupResult
from cspdesk.core.storage.database import Database, sqlite_path

DUE_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class BackupStatus:
    available: bool  # False on a server database
    folder: Path | None
    last: BackupFile | None
    due: bool
    policy: BackupPolicy
    note: str = ""


class BackupService:
    def __init__(self, database: Database, settings: SettingsService, clock: Clock):
        self._database = database
        self._settings = settings
        self._clock = clock

    @property
    def db_path(self) -> Path | None:
        return sqlite_path(self._database.url)

    def folder(self) -> Path | None:
        path = self.db_path
        if path is None:
            return None
        chosen = str(self._settings.get("backups.folder") or "").strip()
        return Path(chosen).expanduser() if chosen else store.default_folder(path)

    def policy(self) -> BackupPolicy:
        return BackupPolicy(
            int(self._settings.get("backups.keep_daily")),
            int(self._settings.get("backups.keep_weekly")),
            int(self._settings.get("backups.keep_monthly")),
        )

    def status(self) -> BackupStatus:
        path, folder = self.db_path, self.folder()
        if path is None or folder is None:
            return BackupStatus(
                False,
                None,
                None,
                False,
                self.policy(),
                "This database is on a server: it is backed up by the server's own backups (pg_dump), "
                "not by CSPDesk.",
            )
        backups = store.list_backups(folder, path)
        last = backups[0] if backups else None
        due = last is None or self._clock.now() - last.taken_at >= DUE_AFTER
        note = (
            "" if folder.is_dir() else f"The backup folder {folder} is not there yet (or is not connected)."
        )
        return BackupStatus(True, folder, last, due, self.policy(), note)

    def encryption(self) -> str:
        """How the data is protected at rest, in a sentence for the Backups panel."""
        from cspdesk.core.storage import encryption

        path = self.db_path
        if path is None:
            return (
                "On the server: protected by the server's disk "
                "encryption and TLS (see the data protection guide)."
            )
        if not encryption.is_encrypted_file(path):
            return f'NOT encrypted. Close CSPDesk and run: cspdesk encrypt --db "{path}"'
        try:
            source = encryption.key_for(path).source
        except encryption.KeyProblem:
            source = "unknown"
        return f"Encrypted (SQLCipher, 256-bit AES); the key comes from {source}."

    def back_up_now(self) -> BackupResult:
        path, folder = self.db_path, self.folder()
        if path is None or folder is None:
            raise BackupProblem("This database is on a server: back it up with the server's tools (pg_dump).")
        # The default folder is made when needed; a folder chosen in Settings that is not there (a USB drive
        # taken out) is reported, not quietly made on the laptop's own disk.
        chosen = bool(str(self._settings.get("backups.folder") or "").strip())
        return store.take_backup(
            path, folder, when=self._clock.now(), policy=self.policy(), create_folder=not chosen
        )

    def back_up_if_due(self) -> BackupResult | None:
        status = self.status()
        if not status.available or not status.due:
            return None
        return self.back_up_now()
