"""``cspdesk copy``: the round trip from the command line, and its refusals (exit 2, nothing changed)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspdesk.cli import main
from cspdesk.core.services.registry import build_services
from cspdesk.core.storage.database import open_database
from cspdesk.core.storage.models import AsbCase, Ward


def test_take_change_bring_back_and_decide_from_the_command_line(
    demo_db_path, tmp_path, capsys, monkeypatch, clock
):
    monkeypatch.setenv("CSPDESK_USER", "admin.user")
    office = str(demo_db_path)
    db = open_database(office)
    with Session(db.engine) as s:
        ward = s.scalar(
            select(Ward.name)
            .join(AsbCase, AsbCase.ward_id == Ward.id)
            .where(AsbCase.status == "open")
            .group_by(Ward.name)
            .order_by(func.count().desc())
            .limit(1)
        )
    db.engine.dispose()
    laptop = tmp_path / "forum.sqlite"
    assert main(["copy", "take", "--from", office, "--to", str(laptop), "--wards", ward]) == 0
    assert "Working copy written" in capsys.readouterr().out
    assert main(["copy", "take", "--from", office, "--to", str(laptop), "--wards", ward]) == 2
    assert "already exists" in capsys.readouterr().err

    for path, title in ((laptop, "From the forum"), (demo_db_path, "From the office")):
        d = open_database(path)
        services = build_services(d, "admin.user", clock=clock)
        with Session(d.engine) as s:
            case_id = s.scalars(
                select(AsbCase.id)
                .where(
                    AsbCase.ward_id == select(Ward.id).where(Ward.name == ward).scalar_subquery(),
                    AsbCase.status == "open",
                )
                .order_by(AsbCase.reference)
            ).first()
        detail = services.case_edit.detail(case_id)
        services.case_edit.save(
            services.actor, case_id, detail.version, {"title": detail.title}, {"title": title}
        )
        d.engine.dispose()

    assert main(["copy", "bring-back", str(laptop), "--to", office]) == 0
    assert "1 conflicts" in capsys.readouterr().out
    assert main(["copy", "conflicts", "--db", office]) == 0
    out = capsys.readouterr().out
    assert "office: From the office" in out and "copy:   From the forum" in out
    conflict_id = out.split()[0]
    assert main(["copy", "decide", conflict_id, "--keep", "copy", "--db", office]) == 0
    capsys.readouterr()
    assert main(["copy", "conflicts", "--db", office]) == 0
    assert "No conflicts waiting" in capsys.readouterr().out
    assert main(["copy", "bring-back", str(laptop), "--to", office]) == 0
    assert "Nothing new to bring back" in capsys.readouterr().out
    assert main(["copy", "list", "--db", office]) == 0
    assert "Brought back" in capsys.readouterr().out


def test_bringing_back_a_file_that_is_not_a_working_copy_is_refused(
    demo_db_path, db_path, capsys, monkeypatch
):
    monkeypatch.setenv("CSPDESK_USER", "admin.user")
    open_database(db_path).engine.dispose()
    assert main(["copy", "bring-back", str(db_path), "--to", str(demo_db_path)]) == 2
    assert "not a working copy" in capsys.readouterr().err
    missing = db_path.parent / "nowhere" / "x.sqlite"
    assert main(["copy", "bring-back", str(missing), "--to", str(demo_db_path)]) == 2
    assert not missing.parent.exists()


def test_a_mistyped_path_creates_nothing(demo_db_path, tmp_path, capsys, monkeypatch):
    """Only the window and ``demo`` make a database. Caught when written: ``audit verify`` / ``audit views``
    with a mistyped database made a new, empty encrypted file wherever a key was at hand (the copy commands
    already refused; they are here so they stay that way)."""
    monkeypatch.setenv("CSPDESK_USER", "admin.user")
    missing = tmp_path / "mistyped.sqlite"
    for args in (
        ["copy", "bring-back", str(missing), "--to", str(demo_db_path)],
        ["copy", "refresh", str(missing), "--from", str(demo_db_path)],
        ["audit", "verify", "--db", str(missing)],
        ["audit", "views", "--db", str(missing), "--from", "2024-01-01", "--to", "2024-12-31"],
    ):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert "no such database" in err or "There is no file" in err, (args, err)
        assert not missing.exists(), args
