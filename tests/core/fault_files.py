"""Files as a tester meets them: damaged in the middle, or impossible to change (tests of issue 16).

Tests run as root on the development machine, where ``chmod`` does not stop writes: ``unwritable`` marks a
file or folder immutable with ``chattr +i`` when running as root, and uses ``chmod`` otherwise.
"""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
from contextlib import contextmanager
from pathlib import Path

from cspdesk.core.errors import DatabaseProblem

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder(path: Path) -> dict[str, str]:
    """Everything in a folder, with each file's digest: a refusal must leave it exactly as it was."""
    return {p.name: digest(p) if p.is_file() else "dir" for p in sorted(path.iterdir())}


def damage_a_data_page(path: Path) -> int:
    """Flip one byte in a table page in the middle of the file (one of its cell pointers), on a
    page the checks made at every open (the header and the first rows of each table) do not
    read. Returns the page number.

    The damage is made in the page's own structure, so an encrypted file is first made a plain one (as files
    were before encryption; they still open): in an encrypted file any flipped byte fails the page's tamper
    check, which the encryption tests cover."""
    from cspdesk.core.storage import encryption
    from cspdesk.core.storage.sqlite_file import check_sqlite_file

    if encryption.is_encrypted_file(path):
        import sqlite3

        from tests.core.encryption_helpers import plain_copy

        plain = path.with_name(path.name + ".plain")
        plain_copy(path, plain)
        con = sqlite3.connect(plain)  # in WAL mode, as CSPDesk keeps its files
        con.execute("PRAGMA journal_mode=WAL")
        con.close()
        plain.replace(path)

    original = path.read_bytes()
    size = struct.unpack(">H", original[16:18])[0]
    size = 65536 if size == 1 else size
    pages = len(original) // size
    middle = pages // 2
    for step in range(pages // 2):
        for index in (middle + step, middle - step):
            offset = index * size
            if original[offset] != 0x0D or struct.unpack(">H", original[offset + 3 : offset + 5])[0] == 0:
                continue
            data = bytearray(original)
            data[offset + 8] ^= 0xFF  # the first cell pointer now points outside the page
            path.write_bytes(bytes(data))
            try:
                check_sqlite_file(path, read_only=True)
            except DatabaseProblem:
                continue  # a page the open checks read: not the damage this is about
            return index + 1
    raise AssertionError("no table page in the file that the open checks do not read")


@contextmanager
def unwritable(path: Path):
    """Make ``path`` (a file or a folder) impossible to change, as a user meets it (see the module's note)."""
    if IS_ROOT:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
