"""Whole-file copies of a SQLite database that are safe to trust: written to a temporary name beside the
target, verified (it opens, ``PRAGMA integrity_check`` is ok, every table has the rows the original had),
flushed to the disk, and only then renamed into place. A copy that fails at any step is removed, so a half
file is never left behind under a name anyone would restore from.

Used by backups (``storage.backups``) and by ``cspdesk encrypt`` / ``cspdesk rekey`` (``rewrite_encrypted``:
SQLCipher's ``sqlcipher_export`` into a new file, since the online backup API cannot change a file's key).
No SQLAlchemy: these run on plain DB-API connections (sqlite3 or sqlcipher3).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cspdesk.core.errors import DatabaseProblem
from cspdesk.core.storage import encryption
from cspdesk.core.storage.encryption import DatabaseKey


class CopyProblem(DatabaseProblem):
    """A copy could not be written or did not verify; nothing was left behind
    and the original is untouched."""


@dataclass(frozen=True)
class VerifiedCopy:
    path: Path
    counts: dict[str, int]  # rows per table
    size: int


def table_counts(con: sqlite3.Connection) -> dict[str, int]:
    """Rows in every table (SQLite's own tables, and the full-text index and its shadow tables, left out: the
    index is rebuilt from the rows)."""
    rows = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    out = {}
    for name, _sql in rows:
        if name in virtual or any(name.startswith(v + "_") for v in virtual):
            continue
        quoted = '"' + name.replace('"', '""') + '"'
        out[name] = con.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]
    return out


def verify(path: Path, key: DatabaseKey | None, expected: dict[str, int] | None = None) -> dict[str, int]:
    """Open ``path`` read-only (with ``key`` when it is encrypted), run the integrity check, and compare its
    row counts with ``expected``; the counts, or ``CopyProblem`` saying what is wrong."""
    try:
        con = encryption.connect_file(path, readonly=True, key=key)
        try:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
            if rows != ["ok"]:
                raise CopyProblem(f"The copy {path.name} failed its integrity check: {'; '.join(rows[:3])}.")
            counts = table_counts(con)
        finally:
            con.close()
    except (sqlite3.DatabaseError, encryption.dbapi_module(path).DatabaseError) as exc:
        raise CopyProblem(f"The copy {path.name} cannot be read back ({exc}).") from exc
    if expected is not None and counts != expected:
        differ = sorted(k for k in set(counts) | set(expected) if counts.get(k) != expected.get(k))
        raise CopyProblem(
            f"The copy {path.name} does not hold what the database holds (tables {', '.join(differ[:5])} "
            "differ)."
        )
    return counts


def temp_name(target: Path) -> Path:
    """The temporary name a copy is written under: beside the target, hidden, never mistaken for a copy."""
    return target.with_name(f".{target.name}.{os.getpid()}.partial")


def remove_quietly(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(OSError):
            p.unlink()


def fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open a folder this way and needs nothing more.
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def written_then_renamed(target: Path, what: str) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` to write; on success flush it and rename it to ``target``; on
    any failure remove it and raise ``CopyProblem`` in plain words (disk full, folder gone, no permission)."""
    tmp = temp_name(target)
    remove_quietly(tmp)
    try:
        yield tmp
        fsync_file(tmp)
        os.replace(tmp, target)
        fsync_folder(target.parent)
    except CopyProblem:
        remove_quietly(tmp)
        raise
    except (OSError, sqlite3.Error, Exception) as exc:
        remove_quietly(tmp)
        raise CopyProblem(
            f"CSPDesk could not write {what} to {target.parent}: {plain_reason(exc, target.parent)} "
            "Nothing was left behind."
        ) from exc


def plain_reason(exc: BaseException, folder: Path) -> str:
    text = str(getattr(exc, "strerror", None) or exc)
    lower = text.lower()
    if "full" in lower or getattr(exc, "errno", None) == 28:
        return "the disk is full. Free some space (or choose another folder) and try again."
    if not folder.exists():
        return "the folder is not there (a removed USB drive, or a network folder that is not connected)."
    if "permission" in lower or "access" in lower or "readonly" in lower or "read-only" in lower:
        return "CSPDesk is not allowed to write there. Choose another folder."
    return f"{text}."


def online_copy(source: Path, target: Path, key: DatabaseKey | None) -> dict[str, int]:
    """Copy the database ``source`` into the new file ``target`` with SQLite's online backup API (consistent
    while others read and write), encrypted like the source; the source's row counts at the moment copied."""
    salt = encryption.salt_of(source)
    src = encryption.connect_file(source, key=key, isolation_level=None, timeout=10)
    try:
        if salt is not None:
            dst = encryption.open_copy_target(target, key or encryption.key_for(source), salt)
        else:
            dst = sqlite3.connect(str(target))
        try:
            # One read transaction: the counts are those of the snapshot the backup copies.
            src.execute("BEGIN")
            counts = table_counts(src)
            src.backup(dst)
            src.execute("ROLLBACK")
            dst.execute("PRAGMA journal_mode = DELETE")  # a copy is one file: no -wal beside it
        finally:
            dst.close()
    finally:
        src.close()
    return counts


def rewrite_encrypted(path: Path, old_key: DatabaseKey | None, new_key: DatabaseKey) -> dict[str, int]:
    """Replace the SQLite file ``path`` (plain when ``old_key`` is None, else encrypted with ``old_key``)
    with the same database encrypted with ``new_key``: ``sqlcipher_export`` into a temporary file,
    verified (opens with the new key, integrity check, same row counts), flushed, renamed over the
    original. Returns the counts."""
    path = Path(path)
    old_link = None
    with written_then_renamed(path, "the encrypted copy") as tmp:
        src = (
            encryption.connect_file(path, key=old_key, isolation_level=None)
            if old_key is not None
            else encryption.sqlcipher_connect(str(path), isolation_level=None)
        )
        try:
            src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            salt = os.urandom(16) if not new_key.is_raw else None
            src.execute(
                f"ATTACH DATABASE ? AS target KEY {new_key.pragma(salt, write_salt=True)}", (str(tmp),)
            )
            src.execute("BEGIN IMMEDIATE")  # nobody writes while the copy is made
            counts = table_counts(src)
            version = src.execute("PRAGMA main.user_version").fetchone()[0]
            src.execute("SELECT sqlcipher_export('target')")
            src.execute(f"PRAGMA target.user_version = {int(version)}")
            src.execute("COMMIT")
            src.execute("DETACH DATABASE target")
        finally:
            src.close()
        verify(tmp, new_key, counts)
        # A second name for the original, so that once the copy is renamed over it its bytes can be
        # overwritten (a file system without hard links keeps them in free space: the guide says so).
        old_link = path.with_name(f".{path.name}.{os.getpid()}.old")
        try:
            remove_quietly(old_link)
            os.link(path, old_link)
        except OSError:
            old_link = None
        shred_sidecars(path)
    if old_link is not None:
        shred(old_link)
    return counts


def shred_sidecars(path: Path) -> None:
    """The original's -wal and -shm may hold pages of the old (plain) file: overwrite and remove them."""
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        shred(side)


def shred(path: Path) -> None:
    """Overwrite a file with zeros, flush, remove it (best effort: an SSD or a copy-on-write file system may
    keep the old blocks — the guide says full-disk encryption covers that)."""
    try:
        size = path.stat().st_size
    except OSError:
        return
    try:
        with path.open("rb+") as fh:
            block = b"\0" * 65536
            left = size
            while left > 0:
                n = min(left, len(block))
                fh.write(block[:n])
                left -= n
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        pass
    with contextlib.suppress(OSError):
        path.unlink()
