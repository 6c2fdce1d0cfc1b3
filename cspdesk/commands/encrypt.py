"""``cspdesk encrypt --db FILE`` (a plain database file, and CSPDesk's copies of it, encrypted) and
``cspdesk rekey --db FILE`` (the same under a new key)."""

from __future__ import annotations

import os
from pathlib import Path

from cspdesk.commands.common import reports_user_errors
from cspdesk.commands.keys import NEW_KEY_ENV, choose_new_key
from cspdesk.core.errors import DatabaseProblem


def add_parser(sub) -> None:
    p = sub.add_parser("encrypt", help="encrypt a plain database file (and CSPDesk's backups of it)")
    p.add_argument("--db", required=True, metavar="FILE", help="the database file")
    p.set_defaults(func=run_encrypt)
    p = sub.add_parser("rekey", help="change the key of an encrypted database file (and of its backups)")
    p.add_argument("--db", required=True, metavar="FILE", help="the database file")
    p.set_defaults(func=run_rekey)
    p = sub.add_parser(
        "key",
        help="show a database's key (for safekeeping), or keep it in this computer's "
        "credential store (after moving the file, or on a new laptop)",
    )
    p.add_argument("--db", required=True, metavar="FILE", help="the database file")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--show", action="store_true", help="print the key (it opens the file: keep it safe)")
    what.add_argument(
        "--store",
        action="store_true",
        help="keep the key (from CSPDESK_DB_KEY or the passphrase asked for) in the credential store",
    )
    p.set_defaults(func=run_key)


def _folder(path: Path) -> Path:
    from cspdesk.commands.backup import backup_folder_of

    return backup_folder_of(path)


def _report(change, path: Path, key, stored: bool, verb: str) -> None:
    print(
        f"{path} {verb}: {change.counts.get('asb_case', 0):,} cases, {sum(change.counts.values()):,} rows in "
        f"{len(change.counts)} tables, checked in the encrypted copy."
    )
    print(f"The key is kept in {'the credential store for this user' if stored else key.source}.")
    for copy in change.copies:
        print(f"  backup encrypted too: {copy}")
    for copy in change.removed:
        print(f"  unreadable plain copy overwritten and removed: {copy}")
    for copy in change.left:
        print(f"  NOT changed (the old key does not open it): {copy}")


@reports_user_errors
def run_encrypt(args) -> int:
    from cspdesk.core.storage import encryption
    from cspdesk.core.storage.encrypt_file import encrypt_database

    path = Path(args.db).expanduser().absolute()
    if encryption.is_encrypted_file(path):
        raise DatabaseProblem(
            f"{path} is already encrypted (or is not a database file). To change its key use "
            "cspdesk rekey. Nothing has been changed."
        )
    if not path.is_file():
        raise DatabaseProblem(f"There is no database file {path}. Nothing has been created.")
    folder = _folder(path)
    key, store = choose_new_key(path, encryption.KEY_ENV)
    if store:  # kept first: a key the store will not keep is never used
        encryption.store_secret(path, key.secret)
    change = encrypt_database(path, key, folder)
    _report(change, path, key, store, "is now encrypted")
    return 0


@reports_user_errors
def run_rekey(args) -> int:
    from cspdesk.core.storage import encryption
    from cspdesk.core.storage.encrypt_file import rekey_database

    path = Path(args.db).expanduser().absolute()
    if os.environ.get(encryption.KEY_ENV) and not os.environ.get(NEW_KEY_ENV):
        raise DatabaseProblem(
            f"The key comes from {encryption.KEY_ENV}: set {NEW_KEY_ENV} to the new key (and use "
            f"it as {encryption.KEY_ENV} from then on). Nothing has been changed."
        )
    if not path.is_file():
        raise DatabaseProblem(f"There is no database file {path}. Nothing has been created.")
    old = encryption.key_for(path)
    folder = _folder(path)
    key, store = choose_new_key(path, NEW_KEY_ENV)
    if store:  # kept first: a key the store will not keep is never used; put back if the change fails
        encryption.store_secret(path, key.secret)
    try:
        change = rekey_database(path, old, key, folder)
    except BaseException:
        if store and old.source == "the key store":
            encryption.store_secret(path, old.secret)
        raise
    _report(change, path, key, store, "has a new key")
    return 0


@reports_user_errors
def run_key(args) -> int:
    from cspdesk.core.storage import encryption
    from cspdesk.core.storage.sqlite_file import check_sqlite_file

    path = Path(args.db).expanduser().absolute()
    if not path.is_file():
        raise DatabaseProblem(f"There is no database file {path}. Nothing has been created.")
    if not encryption.is_encrypted_file(path):
        raise DatabaseProblem(f"{path} is not encrypted, so it has no key. Encrypt it with cspdesk encrypt.")
    check_sqlite_file(path)  # the key is shown or kept only once it has opened the file
    key = encryption.key_for(path)
    if args.show:
        print(key.secret)
        return 0
    if encryption.key_store_name() is None:
        raise DatabaseProblem(
            "This computer has no credential store to keep the key in: go on setting "
            f"{encryption.KEY_ENV}, or typing the passphrase."
        )
    encryption.store_secret(path, key.secret)
    print(
        f"The key for {path} is now kept in the credential "
        f"store for this user ({encryption.key_store_name()})."
    )
    return 0
