"""Demo data and the command line: version, demo, check (non-zero on a problem)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cspdesk import __version__
from cspdesk.cli import main
from cspdesk.core.storage.encryption import connect_file


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_demo_then_check_reports_counts(db_path, capsys):
    assert main(["demo", "--db", str(db_path), "--cases", "120", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "120 cases" in out
    assert main(["check", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "Integrity: ok" in out and "asb_case" in out and out.strip().endswith("OK")


def test_demo_refuses_a_database_that_has_cases(db_path, capsys):
    assert main(["demo", "--db", str(db_path), "--cases", "10"]) == 0
    assert main(["demo", "--db", str(db_path), "--cases", "10"]) == 2
    assert "empty database" in capsys.readouterr().err


def test_demo_is_repeatable_with_a_seed(tmp_path):
    refs = []
    for name in ("a.sqlite", "b.sqlite"):
        assert main(["demo", "--db", str(tmp_path / name), "--cases", "50", "--seed", "11"]) == 0
        con = connect_file(tmp_path / name)
        refs.append(
            con.execute("select reference, title, category from asb_case order by reference").fetchall()
        )
        con.close()
    assert refs[0] == refs[1]


def test_check_exits_non_zero_on_a_schema_problem(db_path, capsys):
    from alembic import command

    from cspdesk.core.storage.database import alembic_config, make_engine

    engine = make_engine(f"sqlite:///{db_path}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    assert main(["check", "--db", str(db_path)]) == 1
    assert "Schema is at 0001" in capsys.readouterr().out


def test_check_on_a_file_that_is_not_a_database_says_so(db_path, capsys):
    db_path.write_bytes(b"not a database at all" * 10)
    assert main(["check", "--db", str(db_path)]) == 2
    assert "not a CSPDesk database" in capsys.readouterr().err


def test_cli_runs_as_a_module():
    out = subprocess.run(
        [sys.executable, "-m", "cspdesk", "--version"], capture_output=True, text=True, check=True
    )
    assert __version__ in out.stdout


def test_demo_when_the_person_running_it_is_one_of_the_demo_officers(db_path, monkeypatch, capsys):
    monkeypatch.setenv("CSPDESK_USER", "sarah.bancroft")
    assert main(["demo", "--db", str(db_path), "--cases", "20"]) == 0
    con = connect_file(db_path)
    roles = dict(con.execute("select username, role from app_user").fetchall())
    con.close()
    assert roles["sarah.bancroft"] == "administrator"
    assert "mark.tunnicliffe" in roles


def test_postcode_search_uses_the_whole_postcode():
    from cspdesk.core.storage.search import query_terms

    assert query_terms("DE65 5ZY") == ["de655zy"]
    assert query_terms("de655zy") == ["de655zy"]
    assert query_terms("Trent Lane") == ["trent", "lane"]


@pytest.mark.parametrize(
    ("cases", "seconds", "said"),
    [
        (10, 0.0, "in under 0.1 s"),  # a frozen clock (faketime): no "(0 cases/s)"
        (0, 3.0, "in 3.0 s"),  # nothing loaded: no rate of 0
        (400, 0.4, "in 0.4 s"),  # under a second: no rate
        (1, 4.0, "in 4.0 s"),  # under one case a second: no "(0 cases/s)"
        (100_000, 40.0, "in 40.0 s (2,500 cases/s)"),
    ],
)
def test_demo_says_its_rate_only_when_it_means_something(cases, seconds, said):
    """(Caught: "(0 cases/s)" for a small or instant run.)"""
    from cspdesk.commands.demo import timing

    assert timing(cases, seconds) == said


def test_demo_on_a_frozen_clock_prints_no_rate_of_zero(db_path, capsys, monkeypatch):
    """Under faketime the load is timed as no time at all. (Caught: "in 0.0 s (0 cases/s).")"""
    import cspdesk.core.demo.generate as generate

    monkeypatch.setattr(generate.time, "perf_counter", lambda: 1000.0)
    assert main(["demo", "--db", str(db_path), "--cases", "10", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "10 cases" in out and "in under 0.1 s." in out
    assert "cases/s" not in out
