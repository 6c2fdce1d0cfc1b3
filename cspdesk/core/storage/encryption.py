"""Encryption at rest: SQLite files encrypted with SQLCipher, and where their keys come from.

A CSPDesk file is either plain SQLite (its first 16 bytes are ``SQLite format 3\\0``; files made before
encryption came in, until ``cspdesk encrypt`` converts them) or SQLCipher (every page encrypted; the first 16
bytes are the random salt). New files are encrypted.

**The key** for a file, first found of:

1. ``CSPDESK_DB_KEY`` (automation and tests);
2. the operating system's credential store for the signed-in user (``keyring``: Windows Credential
   Manager, the Secret Service on Linux, the macOS keychain), one entry per database file;
3. a passphrase asked for at start (the window asks; the command line asks on a terminal) — only where
   there is no credential store, or it holds no key for this file.

A key is either 64 hex digits (a random 256-bit key, as CSPDesk makes for the credential store: used as it
is, ``PRAGMA key = "x'…'"``) or a passphrase, stretched the way SQLCipher 4 stretches one (PBKDF2-HMAC-SHA512,
256,000 rounds, the file's salt), so ``sqlcipher``'s own ``PRAGMA key = 'passphrase'`` opens the file too.
The stretching is done once per process and salt (it takes a tenth of a second), not once per connection;
copies (backups, ``encrypt``, ``rekey``) are written with the same salt so the same passphrase opens them.

Nothing here imports SQLAlchemy: the quick start (``quick_read``) and the file checks (``sqlite_file``) open
encrypted files through ``connect_file`` before SQLAlchemy has loaded.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, cast

from cspdesk.core.errors import DatabaseProblem

KEY_ENV = "CSPDESK_DB_KEY"
KEYRING_SERVICE = "CSPDesk database key"
SQLITE_MAGIC = b"SQLite format 3\x00"
_RAW = re.compile(r"^[0-9a-fA-F]{64}$")
# SQLCipher 4's defaults for a passphrase (cipher_compatibility 4).
_KDF_ROUNDS = 256_000


class KeyProblem(DatabaseProblem):
    """No key, a wrong key, or a key store that will not answer: the file is refused and left untouched."""


@dataclass(frozen=True)
class DatabaseKey:
    secret: str = ""
    source: str = (
        ""  # where it came from, in the user's words ("CSPDESK_DB_KEY", "the key store", "a passphrase")
    )

    def __repr__(self) -> str:  # never print the secret (logs, tracebacks)
        return f"DatabaseKey(source={self.source!r})"

    @property
    def is_raw(self) -> bool:
        return bool(_RAW.match(self.secret))

    def pragma(self, salt: bytes | None, *, write_salt: bool = False) -> str:
        """The ``PRAGMA key`` value for a file with this ``salt`` (its first 16 bytes). ``write_salt``: a new
        file, which is to be given this salt (a passphrase's copies keep the original's salt)."""
        if self.is_raw:
            return f"\"x'{self.secret.lower()}'\""
        if salt is None or len(salt) != 16:
            raise ValueError("a passphrase needs the file's 16-byte salt")
        derived = _stretch(self.secret, salt).hex()
        return f"\"x'{derived}{salt.hex() if write_salt else ''}'\""


@lru_cache(maxsize=16)
def _stretch(passphrase: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, _KDF_ROUNDS, 32)


def new_secret() -> str:
    """A random 256-bit key, as 64 hex digits (for the credential store)."""
    return secrets.token_hex(32)


# ----------------------------------------------------------------- what a file is


def file_header(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(16)


def is_encrypted_file(path: Path) -> bool:
    """True for a file that is there, not empty, and not plain SQLite (SQLCipher, or not a database at all:
    only a key can tell those apart)."""
    try:
        return path.stat().st_size > 0 and file_header(path) != SQLITE_MAGIC
    except OSError:
        return False


def is_new_file(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True


# ----------------------------------------------------------------- where keys come from

PassphrasePrompt = Callable[[Path, bool], "str | None"]  # (file, new?) -> passphrase, or None when declined
_prompt: PassphrasePrompt | None = None
_known: dict[Path, DatabaseKey] = {}
_lock = threading.Lock()


def set_passphrase_prompt(prompt: PassphrasePrompt | None) -> PassphrasePrompt | None:
    """Install who asks for a passphrase (the window or the terminal); returns the previous one."""
    global _prompt
    previous, _prompt = _prompt, prompt
    return previous


def remember_key(path: Path, key: DatabaseKey | None) -> None:
    """Use ``key`` for ``path`` for the rest of this process (after ``encrypt``/``rekey``), or forget it."""
    with _lock:
        if key is None:
            _known.pop(_norm(path), None)
        else:
            _known[_norm(path)] = key


def forget_keys() -> None:
    with _lock:
        _known.clear()


def _norm(path: Path) -> Path:
    return Path(path).expanduser().resolve()


def key_store_name() -> str | None:
    """The credential store in use, or None when this computer has none CSPDesk can use."""
    try:
        import keyring  # here, not at the top: the quick start never needs it

        backend = keyring.get_keyring()
    except Exception:  # a broken keyring set-up is "no store", never a crash
        return None
    if getattr(backend, "priority", 0) <= 0 or type(backend).__module__.startswith(
        ("keyring.backends.fail", "keyring.backends.null")
    ):
        return None
    return str(getattr(backend, "name", type(backend).__name__))


def stored_secret(path: Path) -> str | None:
    """The key the credential store holds for ``path`` (None when it has none, or there is no store). A store
    that is there but locked, or refuses, is a ``KeyProblem`` — never silently a new key."""
    if key_store_name() is None:
        return None
    import keyring
    from keyring import errors

    try:
        return keyring.get_password(KEYRING_SERVICE, str(_norm(path)))
    except errors.KeyringLocked as exc:
        raise KeyProblem(_locked_store(path)) from exc
    except errors.KeyringError as exc:
        raise KeyProblem(
            f"The credential store would not give CSPDesk the key for {path} "
            f"({str(exc) or 'no reason given'}). "
            "Unlock it, or set CSPDESK_DB_KEY, and try again. Nothing has been changed."
        ) from exc


def store_secret(path: Path, secret: str) -> bool:
    """Keep ``secret`` in the credential store for ``path``; False when there is no store to keep it in."""
    if key_store_name() is None:
        return False
    import keyring
    from keyring import errors

    try:
        keyring.set_password(KEYRING_SERVICE, str(_norm(path)), secret)
    except errors.KeyringLocked as exc:
        raise KeyProblem(_locked_store(path)) from exc
    except errors.KeyringError as exc:
        raise KeyProblem(
            f"The credential store would not keep the key for {path} ({str(exc) or 'no reason given'}). "
            "Nothing has been changed."
        ) from exc
    return True


def _locked_store(path: Path) -> str:
    return (
        f"The credential store holding the key for {path} is locked. Unlock it (sign in again, or open your "
        "keyring) and try again. Nothing has been changed."
    )


def key_for(path: Path, *, new: bool = False) -> DatabaseKey:
    """The key to open (or, ``new``, to create) the encrypted file ``path``;
    ``KeyProblem`` when there is none."""
    path = _norm(path)
    with _lock:
        if path in _known:
            return _known[path]
    key = _find_key(path, new)
    with _lock:
        _known[path] = key
    return key


def remember(path: Path, key: DatabaseKey) -> None:
    """Use ``key`` for ``path`` for the rest of this run (a copy this process
    has just made of a keyed file)."""
    with _lock:
        _known[_norm(path)] = key


def _find_key(path: Path, new: bool) -> DatabaseKey:
    if env := os.environ.get(KEY_ENV):
        return DatabaseKey(env, KEY_ENV)
    if (secret := stored_secret(path)) is not None:
        return DatabaseKey(secret, "the key store")
    if new and key_store_name() is not None:
        secret = new_secret()
        store_secret(path, secret)
        return DatabaseKey(secret, "the key store")
    if _prompt is not None:
        passphrase = _prompt(path, new)
        if passphrase:
            return DatabaseKey(passphrase, "a passphrase")
        raise KeyProblem(
            f"No passphrase was given for {path}, so CSPDesk has not opened it. Nothing has been changed."
        )
    if new:
        raise KeyProblem(
            f"CSPDesk encrypts every new database and has no key for {path}: this computer "
            "has no credential store, and there is no terminal to ask for a passphrase. "
            f"Set {KEY_ENV}, or run the command in a terminal. Nothing has been created."
        )
    raise KeyProblem(
        f"{path} is encrypted (or is not a database file) and CSPDesk has no key for it here: "
        "the credential store holds none, and there is no terminal to ask for the passphrase. "
        f"Set {KEY_ENV}, or run the command in a terminal. Nothing has been changed."
    )


# ----------------------------------------------------------------- opening files


def _sqlcipher() -> ModuleType:
    from sqlcipher3 import dbapi2

    module: ModuleType = dbapi2  # a module; sqlcipher3 has no type information, so mypy sees Any
    return module


def sqlcipher_connect(target: str, **kwargs: Any) -> sqlite3.Connection:
    """``sqlcipher3.dbapi2.connect(target, **kwargs)``, unkeyed (the caller sends ``PRAGMA key``)."""
    # sqlcipher3 is the standard library's sqlite3 module (pysqlite) built against SQLCipher: its Connection
    # has sqlite3.Connection's API, method for method, but the package ships no type information.
    return cast(sqlite3.Connection, _sqlcipher().connect(target, **kwargs))


@lru_cache(maxsize=1)
def _quiet() -> None:
    # SQLCipher logs every failed page decryption to stderr ("hmac check failed"); a wrong key is reported
    # to the user in plain words instead.
    con = sqlcipher_connect(":memory:")
    try:
        con.execute("PRAGMA cipher_log_level = NONE")
    finally:
        con.close()


def dbapi_module(path: Path) -> ModuleType:
    """The DB-API module for ``path``: sqlite3 for a plain file, sqlcipher3 for an encrypted or new one."""
    return _sqlcipher() if is_encrypted_file(path) or is_new_file(path) else sqlite3


def readonly_uri(path: Path) -> str:
    """A URI to read ``path`` with sqlite3 (``uri=True``) that writes nothing and leaves nothing beside it.

    A read-only connection to a WAL database makes ``-wal`` and ``-shm`` files that only a writer removes,
    so a refused file would be left with two new files beside it, and in a read-only folder it cannot be
    opened at all. With no ``-wal`` beside the file no program has it open and nothing is waiting to be
    folded in, so it is read as an unchanging file (``immutable=1``: no lock files, no locks). With a
    ``-wal`` there, someone has it open (or stopped mid-way), so it is read as they see it (``mode=ro``),
    the files being there already."""
    if Path(f"{path}-wal").exists():
        return f"{path.as_uri()}?mode=ro"
    return f"{path.as_uri()}?mode=ro&immutable=1"


def connect_file(
    path: Path,
    *,
    readonly: bool = False,
    timeout: float = 5.0,
    key: DatabaseKey | None = None,
    isolation_level: str | None = "",
    **kwargs: Any,
) -> sqlite3.Connection:
    """A DB-API connection to the SQLite file ``path``, plain or encrypted (checked: a wrong key raises
    ``KeyProblem`` and nothing has been written). ``readonly`` reads through ``readonly_uri``: nothing is
    written and nothing is left beside the file. A new (missing or
    empty) file is created encrypted."""
    path = Path(path).absolute()
    extra: dict[str, Any] = {} if isolation_level == "" else {"isolation_level": isolation_level}
    target, uri = (readonly_uri(path), True) if readonly else (str(path), False)
    if not (is_encrypted_file(path) or is_new_file(path)):
        plain: sqlite3.Connection = sqlite3.connect(target, uri=uri, timeout=timeout, **extra, **kwargs)
        return plain
    new = is_new_file(path)
    key = key or key_for(path, new=new)
    return open_encrypted(path, key, target=target, uri=uri, timeout=timeout, **extra, **kwargs)


def open_encrypted(
    path: Path,
    key: DatabaseKey,
    *,
    target: str | None = None,
    uri: bool = False,
    timeout: float = 5.0,
    **kwargs: Any,
) -> sqlite3.Connection:
    """A sqlcipher3 connection to ``path`` keyed with ``key`` (creating the file if it is new)."""
    _quiet()
    dbapi = _sqlcipher()
    new = is_new_file(path)
    salt = None if new else file_header(path)
    if new and not key.is_raw:
        salt = os.urandom(16)
    con = sqlcipher_connect(target or str(path), uri=uri, timeout=timeout, **kwargs)
    try:
        con.execute(f"PRAGMA key = {key.pragma(salt, write_salt=new)}")
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi.DatabaseError as exc:
        con.close()
        if "not a database" in str(exc) or "encrypted" in str(exc):
            raise KeyProblem(wrong_key_message(path, key)) from exc
        raise
    return con


def wrong_key_message(path: Path, key: DatabaseKey) -> str:
    return (
        f"CSPDesk cannot open {path} with the key from {key.source}: the key "
        "is wrong, or the file is damaged or not a CSPDesk database. Nothing "
        "has been changed. (A damaged file: restore it from a backup.)"
    )


def salt_of(path: Path) -> bytes | None:
    """The salt an encrypted file's copies are written with (None for a plain file)."""
    return file_header(path) if is_encrypted_file(path) else None


def open_copy_target(target: Path, key: DatabaseKey, salt: bytes | None) -> sqlite3.Connection:
    """A new encrypted file at ``target`` keyed like an original with ``salt`` (so the same passphrase opens
    it), ready to receive pages from SQLite's online backup."""
    _quiet()
    if salt is None and not key.is_raw:
        salt = os.urandom(16)
    con = sqlcipher_connect(str(target))
    con.execute(f"PRAGMA key = {key.pragma(salt, write_salt=True)}")
    return con
