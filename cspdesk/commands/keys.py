"""Asking for a database passphrase on the terminal, and choosing a new key (``encrypt``, ``rekey``)."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from cspdesk.core.storage import encryption
from cspdesk.core.storage.encryption import DatabaseKey, KeyProblem

NEW_KEY_ENV = "CSPDESK_DB_NEW_KEY"
MIN_PASSPHRASE = 12


def terminal_prompt(path: Path, new: bool) -> str | None:
    """Ask on the terminal (twice for a new passphrase); None when the user gives nothing."""
    if not new:
        return getpass.getpass(f"Passphrase for {path}: ") or None
    print(
        f"CSPDesk encrypts {path}. Choose a passphrase of at least {MIN_PASSPHRASE} "
        "characters; without it the data cannot be read, so keep it safe.",
        file=sys.stderr,
    )
    while True:
        first = getpass.getpass("New passphrase: ")
        if not first:
            return None
        if len(first) < MIN_PASSPHRASE:
            print(
                f"That is shorter than {MIN_PASSPHRASE} characters. Try again (or press Enter to stop).",
                file=sys.stderr,
            )
            continue
        if getpass.getpass("The same again: ") == first:
            return first
        print("The two did not match. Try again (or press Enter to stop).", file=sys.stderr)


def install_terminal_prompt() -> None:
    """On a terminal, a passphrase is asked for there; anywhere else (a script, a scheduled task) a file with
    no key is refused with a message saying to set CSPDESK_DB_KEY."""
    if sys.stdin is not None and sys.stdin.isatty():
        encryption.set_passphrase_prompt(terminal_prompt)


def choose_new_key(path: Path, env: str) -> tuple[DatabaseKey, bool]:
    """The key a file is to be (re)encrypted with, and whether to keep it in the credential store
    afterwards: ``env`` if set; else a new random key for the credential store; else a new
    passphrase from the terminal."""
    if value := os.environ.get(env):
        return DatabaseKey(value, env), False
    if encryption.key_store_name() is not None:
        return DatabaseKey(encryption.new_secret(), "the key store"), True
    if sys.stdin is not None and sys.stdin.isatty():
        passphrase = terminal_prompt(path, True)
        if passphrase:
            return DatabaseKey(passphrase, "a passphrase"), False
        raise KeyProblem("No passphrase was given. Nothing has been changed.")
    raise KeyProblem(
        f"This computer has no credential store and there is no terminal to ask for a passphrase: set "
        f"{env} to the key to use. Nothing has been changed."
    )
