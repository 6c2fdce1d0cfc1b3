"""Backups (issue 15 part 2): taken with the online backup API, encrypted like the file, verified before they
get their name, kept by the rota, restored (after keeping what they replace); a missing or full folder and a
file that is not a CSPDesk backup are plain messages with nothing half-written left behind."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from cspdesk.cli import main
from cspdesk.core.storage import backups as store
from cspdesk.core.storage import encryption, file_copies
from cspdesk.core.storage.backups import BackupFile, BackupPolicy, BackupProblem
from tests.core.encryption_helpers import digest, found_in_bytes, names_in

WHEN = datetime(2026, 11, 26, 10, 0)


def _counts(path):
    con = encryption.connect_file(path, readonly=True)
    try:
        return file_copies.table_counts(con)
    finally:
        con.close()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("damaged_page", [0, 64])
def test_backup_then_damage_then_restore_gives_the_same_counts_and_check_passes(
    demo_db_path, capsys, damaged_page
):
    """The promise of a backup. Catches a backup that is not a faithful copy, a restore that does
    not keep what it replaced (checked by skipping _keep_replaced), and one that gives up when the
    first page is damaged (an encrypted file's damaged first page looks like a wrong key: checked by
    not catching that in _settings)."""
    counts = _counts(demo_db_path)
    assert main(["backup", "--db", str(demo_db_path)]) == 0
    assert "checked" in capsys.readouterr().out
    folder = demo_db_path.parent / "backups"
    (backup,) = folder.glob("*.backup.sqlite")
    assert backup.name == "demo-2026-11-26-100000.backup.sqlite"  # named from the app's clock
    assert backup.read_bytes()[:16] != encryption.SQLITE_MAGIC  # encrypted like the file
    assert found_in_bytes(backup, names_in(demo_db_path)) == []
    with demo_db_path.open("r+b") as fh:  # damage: pages in the middle of the file overwritten
        fh.seek(damaged_page * 4096)
        fh.write(os.urandom(40 * 4096))
    assert main(["check", "--db", str(demo_db_path)]) != 0
    capsys.readouterr()
    assert main(["restore", "--db", str(demo_db_path), "--from", str(backup)]) == 0
    out = capsys.readouterr().out
    assert "was kept as" in out
    assert _counts(demo_db_path) == counts
    assert main(["check", "--db", str(demo_db_path)]) == 0
    assert list(folder.glob("*.before-restore.sqlite"))


def test_the_rota_keeps_the_newest_of_each_day_week_and_month():
    """7 daily, 4 weekly, 12 monthly out of a year and a half of daily backups (two a day)."""
    today = date(2026, 11, 26)  # a Thursday
    backups = []
    for n in range(550):
        for hour in (9, 17):
            d = today - timedelta(days=n)
            backups.append(BackupFile(Path(f"b-{d}-{hour}"), datetime(d.year, d.month, d.day, hour), 1))
    backups.sort(key=lambda b: b.taken_at, reverse=True)
    keep = store.to_keep(backups, BackupPolicy(7, 4, 12), today)
    kept = sorted((b.taken_at for b in backups if b.path in keep), reverse=True)
    assert all(t.hour == 17 for t in kept)  # the newest of each day
    days = {t.date() for t in kept}
    assert {today - timedelta(days=n) for n in range(7)} <= days
    assert date(2026, 11, 15) in days  # Sunday: the newest of the week before last
    assert date(2026, 10, 31) in days and date(2025, 12, 31) in days  # the newest of each month back 12
    assert date(2025, 11, 30) not in days  # 13 months back: gone
    assert len(kept) == 7 + 2 + 11  # this week and last already among the days; this month too


def test_a_backup_lets_go_only_of_its_own_old_backups(demo_db_path, clock):
    folder = demo_db_path.parent / "backups"
    folder.mkdir()
    stranger = folder / "my-notes.sqlite"
    stranger.write_text("not ours")
    old = folder / "demo-2026-01-01-100000.backup.sqlite"
    old.write_bytes(b"x")
    other_db = folder / "other-2026-01-01-100000.backup.sqlite"
    other_db.write_bytes(b"x")
    result = store.take_backup(demo_db_path, folder, when=WHEN, policy=BackupPolicy(1, 0, 0))
    assert result.removed == (old,)
    assert stranger.exists() and other_db.exists() and not old.exists()


def test_a_missing_backup_folder_is_a_plain_message_and_nothing_is_written(demo_db_path, tmp_path, capsys):
    gone = tmp_path / "usb-drive" / "CSPDesk backups"
    assert main(["backup", "--db", str(demo_db_path), "--to", str(gone)]) == 2
    err = capsys.readouterr().err
    assert "is not there" in err and "No backup was made" in err
    assert not gone.exists() and not gone.parent.exists()


@pytest.mark.parametrize("where", ["writing", "flushing"])
def test_a_full_disk_leaves_no_half_file(demo_db_path, monkeypatch, capsys, where):
    """Catches a partial backup left under a name anyone would restore from (checked by renaming before the
    copy is flushed) and a raw OSError reaching the user."""
    folder = demo_db_path.parent / "backups"
    if where == "writing":
        real = file_copies.online_copy

        def fill_up(source, target, key):
            real(source, target, key)
            raise encryption._sqlcipher().OperationalError("database or disk is full")

        monkeypatch.setattr(store, "online_copy", fill_up)
    else:

        def no_space(path):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(file_copies, "fsync_file", no_space)
    assert main(["backup", "--db", str(demo_db_path)]) == 2
    err = capsys.readouterr().err
    assert "the disk is full" in err and "Nothing was left behind" in err
    assert _leftovers(folder) == []


def test_a_backup_that_does_not_verify_is_not_kept(demo_db_path, monkeypatch):
    """Only a verified copy gets a backup's name. Catches verification skipped or its result ignored."""
    folder = demo_db_path.parent / "backups"
    real = file_copies.table_counts
    calls = []

    def one_row_short(con):
        counts = real(con)
        calls.append(1)
        if len(calls) == 2:  # the copy, read back
            counts["asb_case"] -= 1
        return counts

    monkeypatch.setattr(file_copies, "table_counts", one_row_short)
    with pytest.raises(BackupProblem, match="does not hold what the database holds"):
        store.take_backup(demo_db_path, folder, when=WHEN, policy=BackupPolicy())
    assert _leftovers(folder) == []


def test_restore_refuses_a_file_that_is_not_a_cspdesk_backup(demo_db_path, tmp_path, capsys):
    """Catches a restore that takes any SQLite file holding an alembic_version table (checked by dropping the
    revision check in check_backup), and a traceback for a text file."""
    import sqlite3

    before = digest(demo_db_path)
    notes = tmp_path / "notes.sqlite"
    notes.write_text("Forum minutes\n" * 100)
    recipes = tmp_path / "recipes.sqlite"
    con = sqlite3.connect(recipes)
    con.execute("create table recipe (name text)")
    con.commit()
    con.close()
    other_app = tmp_path / "other-app.sqlite"  # another Alembic-managed program's file, just made
    con = sqlite3.connect(other_app)
    con.execute("create table alembic_version (version_num varchar(32))")
    con.execute("create table recipe (name text)")
    con.commit()
    con.close()
    for source in (notes, recipes, other_app, tmp_path / "missing.sqlite"):
        assert main(["restore", "--db", str(demo_db_path), "--from", str(source)]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and ("not a CSPDesk backup" in err or "no backup file" in err)
    assert digest(demo_db_path) == before
    assert not (demo_db_path.parent / "backups").exists()


def test_restore_refuses_while_the_database_is_in_use(demo_db_path, capsys):
    assert main(["backup", "--db", str(demo_db_path)]) == 0
    (backup,) = (demo_db_path.parent / "backups").glob("*.backup.sqlite")
    holder = encryption.connect_file(demo_db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        before = digest(demo_db_path)
        assert main(["restore", "--db", str(demo_db_path), "--from", str(backup)]) == 2
        assert "in use" in capsys.readouterr().err
        assert digest(demo_db_path) == before
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_the_service_backs_up_once_a_day(demo_services, clock, backend):
    """The window's start-up backup: taken when the last good one is a day old, not at every start."""
    if backend != "sqlite":
        status = demo_services.backups.status()
        assert not status.available and "pg_dump" in status.note
        return
    service = demo_services.backups
    assert service.status().last is None and service.status().due
    first = service.back_up_if_due()
    assert first is not None and first.backup.taken_at == clock.now()
    assert service.back_up_if_due() is None
    clock.advance(hours=23)
    assert service.back_up_if_due() is None
    clock.advance(hours=1)
    assert service.back_up_if_due() is not None
    assert service.status().last.taken_at == clock.now()


def test_a_backup_folder_chosen_in_settings_that_is_missing_is_reported(
    demo_services, demo_db_path, tmp_path
):
    """SQLite only (taking demo_db_path): a server database is backed up with the server's own tools."""
    gone = tmp_path / "usb" / "backups"
    demo_services.settings.update(demo_services.actor, {"backups.folder": str(gone)})
    with pytest.raises(BackupProblem, match="is not there"):
        demo_services.backups.back_up_now()
    assert not gone.parent.exists()
