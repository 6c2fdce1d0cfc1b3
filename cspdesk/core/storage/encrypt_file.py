"""``cspdesk encrypt`` and ``cspdesk rekey``: a database file, and every copy of it
CSPDesk keeps, put under a key.

Encrypting converts the plain file with ``sqlcipher_export`` into a new file, checks the encrypted copy opens
and has the same rows, then renames it over the plain one and overwrites the plain bytes it can reach
(``file_copies.rewrite_encrypted``). The copies CSPDesk made of the plain file are not left in plain text: the
upgrade backups beside it (``<name>.backup-<time>-<revision>.sqlite``) and the backups in the backup folder
are encrypted with the same key too; one that cannot be read (damaged) is overwritten and removed instead, and
the report lists it. Rekeying does the same with the old key and the new one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from cspdesk.core.errors import DatabaseProblem
from cspdesk.core.storage import encryption
from cspdesk.core.storage.backups import list_backups
from cspdesk.core.storage.encryption import DatabaseKey
from cspdesk.core.storage.file_copies import CopyProblem, rewrite_encrypted, shred
from cspdesk.core.storage.sqlite_file import check_sqlite_file, sqlite_revision_readonly


@dataclass
class KeyChange:
    counts: dict[str, int]
    copies: list[Path] = field(default_factory=list)  # backups put under the key
    removed: list[Path] = field(
        default_factory=list
    )  # plain copies that could not be read, overwritten and removed
    left: list[Path] = field(
        default_factory=list
    )  # encrypted copies the old key does not open (rekey), untouched


def copies_of(path: Path, backup_folder: Path | None) -> list[Path]:
    """Every copy CSPDesk keeps of ``path``: upgrade backups beside it, and backups and
    before-restore copies in the backup folder."""
    path = Path(path)
    found = sorted(path.parent.glob(f"{path.stem}.backup-*{path.suffix}"))
    if backup_folder is not None:
        found += [b.path for b in list_backups(backup_folder, path)]
        found += sorted(Path(backup_folder).glob(f"{path.stem}-*.before-restore.sqlite"))
    return [p for p in dict.fromkeys(found) if p.is_file() and p != path]


def encrypt_database(path: Path, key: DatabaseKey, backup_folder: Path | None) -> KeyChange:
    path = Path(path).absolute()
    if encryption.is_encrypted_file(path):
        raise DatabaseProblem(
            f"{path} is already encrypted (or is not a database file). To change its key use "
            "cspdesk rekey. Nothing has been changed."
        )
    if not path.is_file():
        raise DatabaseProblem(f"There is no database file {path}. Nothing has been created.")
    check_sqlite_file(path)
    revision, tables = sqlite_revision_readonly(path)
    if revision is None:
        raise DatabaseProblem(f"{path} is not a CSPDesk database. Nothing has been changed.")
    try:
        counts = rewrite_encrypted(path, None, key)
    except CopyProblem as exc:
        raise DatabaseProblem(f"{exc} The database is still as it was, not encrypted.") from exc
    encryption.remember_key(path, key)
    change = KeyChange(counts)
    for copy in copies_of(path, backup_folder):
        if encryption.is_encrypted_file(copy):
            continue
        try:
            rewrite_encrypted(copy, None, key)
            change.copies.append(copy)
        except (CopyProblem, DatabaseProblem, sqlite3.DatabaseError):
            shred(copy)
            change.removed.append(copy)
    return change


def rekey_database(
    path: Path, old_key: DatabaseKey, new_key: DatabaseKey, backup_folder: Path | None
) -> KeyChange:
    path = Path(path).absolute()
    if not path.is_file():
        raise DatabaseProblem(f"There is no database file {path}. Nothing has been created.")
    if not encryption.is_encrypted_file(path):
        raise DatabaseProblem(
            f"{path} is not encrypted: encrypt it first with cspdesk encrypt. Nothing has been changed."
        )
    check_sqlite_file(path)  # with the old key: a wrong key is refused here, nothing changed
    try:
        counts = rewrite_encrypted(path, old_key, new_key)
    except CopyProblem as exc:
        raise DatabaseProblem(f"{exc} The database still has its old key.") from exc
    encryption.remember_key(path, new_key)
    change = KeyChange(counts)
    for copy in copies_of(path, backup_folder):
        try:
            if encryption.is_encrypted_file(copy):
                rewrite_encrypted(copy, old_key, new_key)
            else:
                rewrite_encrypted(copy, None, new_key)
            change.copies.append(copy)
        except (CopyProblem, DatabaseProblem, sqlite3.DatabaseError):
            change.left.append(copy)
    return change
