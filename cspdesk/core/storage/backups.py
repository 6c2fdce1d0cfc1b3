"""Backups of a SQLite database file: taken with SQLite's online backup API (encrypted like the file),
verified, kept by a rota, and restored.

A backup is named ``<stem>-<YYYY-MM-DD>-<HHMMSS>.backup.sqlite`` from the app's clock and lives in the backup
folder (by default ``backups/`` in the database's folder). Only a copy that has been verified (it opens,
``integrity_check`` is ok, each table has the rows the database had at that moment) is given that name
(``file_copies.written_then_renamed``), so every file with the name is a good backup and the newest one is
"the last good backup". The rota keeps the newest backup of each of the last N days, ISO weeks and months
(7, 4 and 12 by default) and removes the others; it never touches any other file.

Restoring first copies what it replaces into the backup folder (``…before-restore.sqlite``; a file too damaged
to be read by SQLite is copied byte for byte), then puts the verified backup in place. Nothing here imports
SQLAlchemy.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from cspdesk.core.errors import DatabaseProblem
from cspdesk.core.storage import encryption
from cspdesk.core.storage.file_copies import (
    CopyProblem,
    online_copy,
    plain_reason,
    remove_quietly,
    verify,
    written_then_renamed,
)
from cspdesk.core.storage.sqlite_file import known_revisions

SUFFIX = ".backup.sqlite"
_STAMP = re.compile(r"-(\d{4}-\d{2}-\d{2})-(\d{6})" + re.escape(SUFFIX) + "$")


class BackupProblem(DatabaseProblem):
    """A backup or restore that could not be done; said plainly, with nothing half-written left behind."""


@dataclass(frozen=True)
class BackupPolicy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    size: int


@dataclass(frozen=True)
class BackupResult:
    backup: BackupFile
    counts: dict[str, int]
    removed: tuple[Path, ...]  # older backups the rota let go


def default_folder(db_path: Path) -> Path:
    return Path(db_path).parent / "backups"


def backup_name(db_path: Path, when: datetime) -> str:
    return f"{Path(db_path).stem}-{when:%Y-%m-%d-%H%M%S}{SUFFIX}"


def list_backups(folder: Path, db_path: Path) -> list[BackupFile]:
    """This database's backups in ``folder``, newest first (an empty list when the folder is not there)."""
    stem = Path(db_path).stem
    found = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return []
    for p in entries:
        m = _STAMP.search(p.name)
        if not m or p.name[: m.start()] != stem:
            continue
        try:
            taken = datetime.strptime(m.group(1) + m.group(2), "%Y-%m-%d%H%M%S")
            found.append(BackupFile(p, taken, p.stat().st_size))
        except (ValueError, OSError):
            continue
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def to_keep(backups: list[BackupFile], policy: BackupPolicy, today: date) -> set[Path]:
    """The rota: the newest backup of each of the last ``daily`` days, ``weekly`` ISO weeks and ``monthly``
    months (counted back from ``today``); the newest backup of all is always kept."""
    keep: set[Path] = set()
    if backups:
        keep.add(backups[0].path)

    def newest_per(period: _Period, count: int, current: int) -> None:
        if count <= 0:
            return
        wanted: list[int] = []
        p = current
        for _ in range(count):
            wanted.append(p)
            p = period.previous(p)
        seen: set[int] = set()
        for b in backups:  # newest first: the first seen in a period is its newest
            k = period.of(b.taken_at.date())
            if k in wanted and k not in seen:
                seen.add(k)
                keep.add(b.path)

    newest_per(_Days, policy.daily, _Days.of(today))
    newest_per(_Weeks, policy.weekly, _Weeks.of(today))
    newest_per(_Months, policy.monthly, _Months.of(today))
    return keep


class _Period(Protocol):
    """A run of days (a day, an ISO week, a month), numbered so the one before is one less."""

    @staticmethod
    def of(d: date) -> int: ...

    @staticmethod
    def previous(k: int) -> int: ...


class _Days:
    @staticmethod
    def of(d: date) -> int:
        return d.toordinal()

    @staticmethod
    def previous(k: int) -> int:
        return k - 1


class _Weeks:
    @staticmethod
    def of(d: date) -> int:
        return (d.toordinal() - d.weekday()) // 7  # Monday-based weeks

    @staticmethod
    def previous(k: int) -> int:
        return k - 1


class _Months:
    @staticmethod
    def of(d: date) -> int:
        return d.year * 12 + d.month - 1

    @staticmethod
    def previous(k: int) -> int:
        return k - 1


def take_backup(
    db_path: Path, folder: Path, *, when: datetime, policy: BackupPolicy, create_folder: bool = True
) -> BackupResult:
    """Back ``db_path`` up into ``folder`` now (``when``, from the app's clock), verify it, apply the rota."""
    db_path = Path(db_path)
    folder = Path(folder)
    if not db_path.is_file():
        raise BackupProblem(f"There is no database file {db_path} to back up.")
    if not folder.is_dir():
        if not create_folder:
            raise BackupProblem(
                f"The backup folder {folder} is not there (a removed USB drive, or a network folder "
                "that is not connected?). Connect it or choose another folder. No backup was made."
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackupProblem(
                f"CSPDesk cannot make the backup folder {folder}: {plain_reason(exc, folder.parent)} "
                "No backup was made."
            ) from exc
    target = folder / backup_name(db_path, when)
    for stale in folder.glob(
        f".{db_path.stem}-*{SUFFIX}.*.partial"
    ):  # a backup cut off when CSPDesk was closed
        remove_quietly(stale)
    key = encryption.key_for(db_path) if encryption.is_encrypted_file(db_path) else None
    try:
        with written_then_renamed(target, "the backup") as tmp:
            counts = online_copy(db_path, tmp, key)
            verify(tmp, key, counts)
    except CopyProblem as exc:
        raise BackupProblem(str(exc)) from exc
    backups = list_backups(folder, db_path)
    keep = to_keep(backups, policy, when.date())
    removed = []
    for b in backups:
        if b.path not in keep:
            remove_quietly(b.path)
            removed.append(b.path)
    return BackupResult(BackupFile(target, when, target.stat().st_size), counts, tuple(removed))


def check_backup(backup: Path, db_path: Path) -> dict[str, int]:
    """The row counts of ``backup`` if it is a good CSPDesk backup that this installation can open with the
    key of ``db_path``; otherwise ``BackupProblem`` saying why (nothing is changed)."""
    backup = Path(backup)
    if not backup.is_file():
        raise BackupProblem(f"There is no backup file {backup}.")
    not_ours = f"{backup} is not a CSPDesk backup (or was made with another key). Nothing has been changed."
    try:
        key = encryption.key_for(db_path) if encryption.is_encrypted_file(backup) else None
        counts = verify(backup, key)
        con = encryption.connect_file(backup, readonly=True, key=key)
        try:
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except encryption.KeyProblem as exc:
        raise BackupProblem(not_ours) from exc
    except CopyProblem as exc:
        raise BackupProblem(f"{backup} cannot be restored: {exc} Nothing has been changed.") from exc
    except (sqlite3.DatabaseError, encryption.dbapi_module(backup).DatabaseError) as exc:
        raise BackupProblem(not_ours) from exc
    if revision is None or "asb_case" not in counts:
        raise BackupProblem(not_ours)
    if revision[0] not in known_revisions():
        raise BackupProblem(
            f"{backup} was made by a newer version of CSPDesk (schema {revision[0]}). Install the "
            "newer version to restore it. Nothing has been changed."
        )
    return counts


def refuse_if_in_use(db_path: Path) -> None:
    """Another program (CSPDesk itself) with the file open for writing would be
    overwritten mid-work: refuse."""
    if not db_path.is_file():
        return
    try:
        con = encryption.connect_file(db_path, timeout=0.5, isolation_level=None)
    except (DatabaseProblem, sqlite3.DatabaseError, encryption.dbapi_module(db_path).DatabaseError):
        return  # damaged or keyed otherwise: that is why it is being restored
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
    except (sqlite3.OperationalError, encryption.dbapi_module(db_path).OperationalError) as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise BackupProblem(
                f"The database {db_path} is in use (CSPDesk or another program has it open). Close it "
                "and try again. Nothing has been changed."
            ) from exc
    except (sqlite3.DatabaseError, encryption.dbapi_module(db_path).DatabaseError):
        pass
    finally:
        con.close()


def restore_backup(
    db_path: Path, backup: Path, folder: Path, *, when: datetime
) -> tuple[dict[str, int], Path | None]:
    """Put ``backup`` in place of ``db_path``, first copying what it replaces into ``folder``. Returns the
    restored counts and where the replaced file was kept (None when there was none)."""
    db_path = Path(db_path).absolute()
    counts = check_backup(backup, db_path)
    refuse_if_in_use(db_path)
    kept = None
    if db_path.is_file() and db_path.stat().st_size > 0:
        kept = _keep_replaced(db_path, Path(folder), when)
    key = encryption.key_for(db_path) if encryption.is_encrypted_file(Path(backup)) else None
    try:
        with written_then_renamed(db_path, "the restored database") as tmp:
            shutil.copyfile(backup, tmp)
            verify(tmp, key, counts)
            # A -wal left by the file being replaced would be replayed onto the restored one.
            for side in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
                side.unlink(missing_ok=True)
    except CopyProblem as exc:
        raise BackupProblem(str(exc)) from exc
    return counts, kept


def _keep_replaced(db_path: Path, folder: Path, when: datetime) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupProblem(
            f"CSPDesk cannot make the backup folder {folder} to keep the file it would replace: "
            f"{plain_reason(exc, folder.parent)} Nothing has been changed."
        ) from exc
    target = folder / f"{db_path.stem}-{when:%Y-%m-%d-%H%M%S}.before-restore.sqlite"
    try:
        with written_then_renamed(target, "a copy of the database being replaced") as tmp:
            try:
                key = encryption.key_for(db_path) if encryption.is_encrypted_file(db_path) else None
                online_copy(db_path, tmp, key)
            except (DatabaseProblem, sqlite3.DatabaseError, encryption.dbapi_module(db_path).DatabaseError):
                # Too damaged (or keyed otherwise) for SQLite to read: keep its bytes as they are.
                remove_quietly(tmp)
                shutil.copyfile(db_path, tmp)
                for side in ("-wal", "-shm"):
                    if Path(f"{db_path}{side}").is_file():
                        shutil.copyfile(f"{db_path}{side}", f"{target}{side}")
    except CopyProblem as exc:
        raise BackupProblem(f"{exc} The database has not been replaced.") from exc
    return target
