"""Settings → Backups, the backup taken when the window starts, and the passphrase asked for by the window."""

from __future__ import annotations

import keyring
import pytest

from cspdesk.core.storage import encryption
from cspdesk.core.storage.encryption import KeyProblem


def _backups_tab(window):
    window.show_page("settings")
    page = window.pages["settings"]
    from PySide6.QtWidgets import QTabWidget

    tabs = page.findChild(QTabWidget)
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Backups")
    tabs.setCurrentIndex(index)
    return tabs.widget(index)


def test_back_up_now_shows_the_last_good_backup(window, qtbot, demo_db_path):
    """What an officer sees: none yet, then after "Back up now" the backup's date from the app's clock."""
    panel = _backups_tab(window)
    assert panel.last.text() == "None yet"
    assert panel.folder.text() == str(demo_db_path.parent / "backups")
    assert "7 days, 4 weeks and 12 months" in panel.rota.text()
    assert panel.encryption.text() == "Encrypted (SQLCipher, 256-bit AES); the key comes from CSPDESK_DB_KEY."
    qtbot.mouseClick(panel.now, qtbot_left())
    qtbot.waitUntil(lambda: "Backed up and checked" in panel.result.text(), timeout=30000)
    assert panel.last.text().startswith("26/11/2026 10:00")
    assert (demo_db_path.parent / "backups" / "demo-2026-11-26-100000.backup.sqlite").is_file()


def test_a_missing_backup_folder_is_said_plainly(window, qtbot, prompts, tmp_path):
    gone = tmp_path / "usb" / "backups"
    window.services.settings.update(window.services.actor, {"backups.folder": str(gone)})
    panel = _backups_tab(window)
    panel.load()
    assert "not there" in panel.note.text()
    qtbot.mouseClick(panel.now, qtbot_left())
    qtbot.waitUntil(lambda: panel.result.text() == "No backup was made.", timeout=30000)
    assert any("is not there" in text for kind, _title, text in prompts.asked if kind == "error")
    assert not gone.parent.exists()


def test_the_window_backs_up_at_start_when_the_last_backup_is_a_day_old(window, qtbot, demo_db_path, clock):
    """Catches a start-up backup that never runs (checked by not calling back_up_when_ready's task)."""
    from cspdesk.gui.backups import back_up_when_ready

    folder = demo_db_path.parent / "backups"
    back_up_when_ready(window)
    qtbot.waitUntil(lambda: len(list(folder.glob("*.backup.sqlite"))) == 1, timeout=30000)
    qtbot.waitUntil(lambda: "(checked)" in window.statusBar().currentMessage(), timeout=10000)
    back_up_when_ready(window)  # the next start the same day: none
    window.tasks.wait()
    assert len(list(folder.glob("*.backup.sqlite"))) == 1


@pytest.fixture
def passphrase_file(tmp_path, monkeypatch):
    """A database encrypted with a passphrase, on a computer with no
    credential store and no CSPDESK_DB_KEY."""
    from keyring.backends.fail import Keyring

    from cspdesk.core.storage.database import open_database

    previous_store = keyring.get_keyring()
    keyring.set_keyring(Keyring())
    monkeypatch.delenv("CSPDESK_DB_KEY")
    encryption.forget_keys()
    previous = encryption.set_passphrase_prompt(lambda path, new: "the village hall passphrase")
    path = tmp_path / "laptop.sqlite"
    open_database(path).engine.dispose()
    encryption.forget_keys()
    yield path
    encryption.forget_keys()
    encryption.set_passphrase_prompt(previous)
    keyring.set_keyring(previous_store)


def test_the_window_asks_for_the_passphrase_and_refuses_a_wrong_one(qtbot, passphrase_file, prompts):
    from cspdesk.bootstrap import build_window
    from cspdesk.gui.backups import passphrase_prompt

    encryption.set_passphrase_prompt(passphrase_prompt(prompts))
    before = passphrase_file.read_bytes()
    prompts.secrets = ["not the passphrase"]
    with pytest.raises(KeyProblem, match="key is wrong"):
        build_window(str(passphrase_file), prompts, "officer")
    assert passphrase_file.read_bytes() == before
    encryption.forget_keys()
    prompts.secrets = ["the village hall passphrase"]
    w = build_window(str(passphrase_file), prompts, "officer")
    qtbot.addWidget(w)
    assert [kind for kind, *_ in prompts.asked].count("ask_secret") == 2
    w.services.database.engine.dispose()


def test_a_new_passphrase_must_be_long_enough_and_typed_twice(qtbot, prompts, tmp_path):
    from cspdesk.gui.backups import passphrase_prompt

    ask = passphrase_prompt(prompts)
    prompts.secrets = [
        "short",
        "long enough passphrase",
        "long enough passphrasx",
        "long enough passphrase",
        "long enough passphrase",
    ]
    assert ask(tmp_path / "new.sqlite", True) == "long enough passphrase"
    assert [title for kind, title, _text in prompts.asked if kind == "error"] == [
        "Passphrase too short",
        "Passphrases differ",
    ]


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
