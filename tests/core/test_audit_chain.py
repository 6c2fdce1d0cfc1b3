"""The audit log is a hash chain: ``cspdesk audit verify`` finds a row changed, removed or inserted out of
order with plain sqlite3, and two writers at once still make one line.

Mutations each test was seen to fail against (then put back):
- ``audit_chain.row_hash`` leaving out ``summary`` → ``test_a_row_changed_with_sqlite3...`` fails.
- ``audit_chain.verify`` without the ``seq`` gap check →
  ``test_a_removed_row...`` fails (names the wrong row).
- ``audit_chain._take_append_lock`` doing nothing → ``test_two_writers_at_once...`` fails on SQLite (two
  appends read the same last row; the unique ``seq`` refuses the second: "try again").
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from cspdesk.cli import main
from cspdesk.core.domain.vocab import Role
from cspdesk.core.storage.encryption import connect_file
from cspdesk.core.storage.models import AuditEntry
from tests.core.test_safer_homes_service import da_form


def _some_history(services) -> None:
    for name in ("ann.one", "bob.two", "cat.three"):
        services.users.add_user(services.actor, name, name.title(), Role.OFFICER)
    rid = services.safer_homes.intake(services.actor, da_form()).id
    services.safer_homes_read.open(services.actor, rid, "Checking the referral")


def test_every_row_joins_the_chain_in_order(services):
    """Catches audit rows written outside the chain (the bulk path included)."""
    _some_history(services)
    with services._uow("tester") as uow:
        uow.audit_many("create", "thing", [(None, f"bulk row {i}", {"i": i}) for i in range(5)])
        uow.commit()
    with services.database.engine.connect() as c:
        rows = c.execute(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert all(r.prev_hash == p.row_hash for p, r in zip(rows, rows[1:], strict=False))
    report = services.audit_log.verify()
    assert report.ok and report.rows == len(rows)


def test_two_writers_at_once_still_make_one_line(services):
    """Catches two appends reading the same last row (a fork in the chain)."""
    errors: list[BaseException] = []

    def write(who: str) -> None:
        try:
            for i in range(15):
                with services._uow(who) as uow:
                    uow.audit("note", "thing", None, f"{who} {i}")
                    uow.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(f"writer{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = services.audit_log.verify()
    assert report.ok and report.rows >= 30


def _db(services) -> str:
    return str(services.database.engine.url.database)


def _tamper(services, sql: str) -> None:
    services.database.engine.dispose()
    with connect_file(Path(_db(services))) as c:  # plain sqlite3, but for the key (the file is encrypted)
        c.execute(sql)


def test_an_untouched_log_verifies_and_exits_0(db_path, services, capsys):
    _some_history(services)
    assert main(["audit", "verify", "--db", str(db_path)]) == 0
    assert "OK" in capsys.readouterr().out


def test_a_row_changed_with_sqlite3_is_named(db_path, services, capsys):
    """Catches an edit of an audit row's text going unnoticed."""
    _some_history(services)
    _tamper(services, "UPDATE audit_entry SET summary = 'nothing to see' WHERE seq = 3")
    assert main(["audit", "verify", "--db", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "BROKEN: Row 3 (" in out and "changed" in out


def test_a_removed_row_is_named(db_path, services, capsys):
    """Catches a deleted audit row going unnoticed."""
    _some_history(services)
    _tamper(services, "DELETE FROM audit_entry WHERE seq = 2")
    assert main(["audit", "verify", "--db", str(db_path)]) == 1
    assert "Row 2 removed" in capsys.readouterr().out


def test_a_row_inserted_out_of_order_is_named(db_path, services, capsys):
    """Catches rows moved about, or a row inserted by hand with no place in the chain."""
    _some_history(services)
    _tamper(services, "UPDATE audit_entry SET seq = -seq WHERE seq IN (2, 3)")
    _tamper(services, "UPDATE audit_entry SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END WHERE seq < 0")
    assert main(["audit", "verify", "--db", str(db_path)]) == 1
    assert "does not follow row 1" in capsys.readouterr().out


def test_a_row_inserted_by_hand_is_named(db_path, services, capsys):
    """Catches a row slipped into the log with plain SQL (no place in the chain)."""
    _some_history(services)
    _tamper(
        services,
        "INSERT INTO audit_entry (id, at, username, action, entity_type, summary) "
        "VALUES ('00000000000000000000000000000001', '2026-11-26 09:00:00', 'x', 'view', 'y', 'z')",
    )
    assert main(["audit", "verify", "--db", str(db_path)]) == 1
    assert "outside the chain" in capsys.readouterr().out


def test_audit_views_lists_looks_as_csv_for_an_administrator(db_path, services, capsys, monkeypatch):
    """Catches the DPO report missing a look, or given to someone who is not an administrator."""
    _some_history(services)
    services.database.engine.dispose()
    monkeypatch.setenv("CSPDESK_USER", "admin.user")
    assert (
        main(
            [
                "audit",
                "views",
                "--db",
                str(db_path),
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("When,User,Login,Record,Reference,What,Reason")
    # Recording the referral was its first look; opening it the second.
    assert len(lines) == 3 and all("SH-2026-0001" in line for line in lines[1:])
    assert "Recording the referral" in lines[1] and "Checking the referral" in lines[2]
    monkeypatch.setenv("CSPDESK_USER", "ann.one")
    assert main(["audit", "views", "--db", str(db_path), "--from", "2026-11-01", "--to", "2026-11-30"]) == 2
    assert "administrator" in capsys.readouterr().err.lower()
    monkeypatch.setenv("CSPDESK_USER", "admin.user")
    assert main(["audit", "views", "--db", str(db_path), "--from", "26/11/2026", "--to", "2026-11-30"]) == 2
    assert date(2026, 11, 26)


def test_the_retention_rules_remove_the_oldest_year_and_what_is_left_still_verifies(database, clock):
    """The retention queue may delete a year of the audit log (issue 15). Caught when written: the chain then
    reported "rows 1 to N removed" for a lawful deletion. Now the oldest year goes with an anchor row (itself
    chained) saying where the chain starts; a year in between is refused; and removing rows by hand is still
    caught after an anchor."""
    from datetime import datetime

    from cspdesk.core.errors import ValidationError
    from cspdesk.core.services.data_protection.retention_records import delete_audit_year
    from cspdesk.core.services.registry import build_services

    clock.set(datetime(2024, 6, 1, 9, 0))
    services = build_services(database, "admin.user", clock=clock)
    for name in ("ann.one", "bob.two", "cat.three"):  # rows of 2024
        services.users.add_user(services.actor, name, name.title(), Role.OFFICER)
    clock.set(datetime(2025, 6, 1, 9, 0))
    services.users.add_user(services.actor, "dan.four", "Dan Four", Role.OFFICER)  # a row of 2025
    clock.set(datetime(2026, 11, 26, 10, 0))
    services.users.add_user(services.actor, "eve.five", "Eve Five", Role.OFFICER)  # and of 2026
    with services._uow("dpo") as uow:
        with pytest.raises(ValidationError, match="older years"):
            delete_audit_year(uow.session, "Audit log 2025", "dpo")  # 2024 is still there
    with services._uow("dpo") as uow:
        delete_audit_year(uow.session, "Audit log 2024", "dpo")
        uow.commit()
    report = services.audit_log.verify()
    assert report.ok, report.problem
    with services.database.engine.connect() as c:
        assert c.execute(select(AuditEntry).where(AuditEntry.at < datetime(2025, 1, 1))).first() is None
    with database.engine.begin() as c:  # a row removed by hand after the anchor (SQLite and PostgreSQL)
        c.exec_driver_sql("DELETE FROM audit_entry WHERE seq = (SELECT max(seq) - 1 FROM audit_entry)")
    assert not services.audit_log.verify().ok
