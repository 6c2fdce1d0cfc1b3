"""Helpers for the encryption and backup tests: an in-memory credential store, plain copies, digests."""

from __future__ import annotations

import hashlib
from pathlib import Path

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from cspdesk.core.storage import encryption

TEST_KEY = "5e1f" * 16  # tests/conftest.py's CSPDESK_DB_KEY


class MemoryKeyring(KeyringBackend):
    """A credential store that keeps secrets in a dict; ``locked`` makes it
    refuse, as a locked keyring does."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.locked = False

    def get_password(self, service, username):
        if self.locked:
            raise keyring.errors.KeyringLocked("the collection is locked")
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        if self.locked:
            raise keyring.errors.KeyringLocked("the collection is locked")
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username), None)


def plain_copy(source: Path, target: Path, key: str = TEST_KEY) -> Path:
    """A plain (unencrypted) SQLite copy of an encrypted database, as files were before encryption came in."""
    con = encryption.connect_file(source, key=encryption.DatabaseKey(key, "test"), isolation_level=None)
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        con.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        con.execute("SELECT sqlcipher_export('plain')")
        con.execute(f"PRAGMA plain.user_version = {version}")
        con.execute("DETACH DATABASE plain")
    finally:
        con.close()
    assert target.read_bytes()[:16] == encryption.SQLITE_MAGIC
    return target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names_in(path: Path, key: str = TEST_KEY) -> list[bytes]:
    """Surnames and street names of the people and addresses in a database (to look for in its bytes)."""
    con = encryption.connect_file(path, readonly=True, key=encryption.DatabaseKey(key, "test"))
    try:
        surnames = [
            r[0] for r in con.execute("SELECT DISTINCT surname FROM person WHERE length(surname) > 5")
        ]
        streets = [
            r[0] for r in con.execute("SELECT DISTINCT line1 FROM address WHERE length(line1) > 8 LIMIT 50")
        ]
        # Safer Homes referrals: domestic-abuse victims' names, addresses and police references.
        victims = [
            v
            for r in con.execute(
                "SELECT client_name, address_line1, police_reference FROM safer_homes_referral LIMIT 50"
            )
            for v in r
            if v and len(v) > 8
        ]
    finally:
        con.close()
    assert surnames and streets and victims
    return [n.encode() for n in surnames + streets + victims]


def found_in_bytes(path: Path, needles: list[bytes]) -> list[bytes]:
    data = path.read_bytes()
    for side in ("-wal", "-shm"):
        p = Path(f"{path}{side}")
        if p.exists():
            data += p.read_bytes()
    return [n for n in needles if n in data]
