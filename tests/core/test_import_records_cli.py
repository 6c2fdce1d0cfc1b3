"""``cspdesk import-records``: sheets, a mapping file, a dry run, an import, the batches and undo, with the
exit
codes docs/guide/file-problems.md gives and no traceback."""

from __future__ import annotations

import json

import pytest

from cspdesk.cli import main
from tests.core.fault_files import digest, folder, unwritable

CSV = """Ref no,Date received,Type of ASB,Summary,Officer
MI-0001,03/04/2021,Noise,Loud music,admin.user
MI-0002,13/05/2021,Rubbish,Fly-tipping,nobody
MI-0003,,Noise,No date,
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def admin(monkeypatch):
    monkeypatch.setenv("CSPDESK_USER", "admin.user")


def test_a_sheet_is_mapped_checked_imported_listed_and_undone(demo_db_path, tmp_path, capsys, admin):
    log = tmp_path / "log.csv"
    log.write_text(CSV, encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    db = str(demo_db_path)
    code, out, _ = run(
        capsys,
        "import-records",
        "sheets",
        "--db",
        db,
        str(log),
        "--kind",
        "cases",
        "--write-mapping",
        str(mapping),
    )
    assert code == 0 and 'Sheet "log": 3 rows' in out
    data = json.loads(mapping.read_text(encoding="utf-8"))
    assert data["columns"]["Date received"] == "reported_on"
    assert data["values"]["category"] == {"Noise": "noise", "Rubbish": None}  # not guessed
    data["values"]["category"]["Rubbish"] = "environmental"
    mapping.write_text(json.dumps(data), encoding="utf-8")

    before = digest(demo_db_path)
    code, out, err = run(
        capsys,
        "import-records",
        "run",
        "--db",
        db,
        str(log),
        "--kind",
        "cases",
        "--mapping",
        str(mapping),
        "--dry-run",
    )
    assert code == 1, err  # a row refused: nothing imported
    assert "cases to make: 2" in out and "row 4: Date received is empty" in err
    assert 'not mapped: officer "nobody"' in err
    assert "Dry run: nothing was imported." in out
    assert digest(demo_db_path) == before

    code, out, err = run(
        capsys, "import-records", "run", "--db", db, str(log), "--kind", "cases", "--mapping", str(mapping)
    )
    assert code == 1 and "Imported as batch" in out
    batch = out.split("Imported as batch ")[1].split()[0]
    code, out, _ = run(capsys, "import-records", "batches", "--db", db)
    assert code == 0 and batch in out and "2 cases made" in out

    code, out, _ = run(capsys, "import-records", "undo", "--db", db, batch)
    assert code == 0 and "undone" in out
    code, _, err = run(capsys, "import-records", "undo", "--db", db, batch)
    assert code == 2 and "already undone" in err


def test_files_that_are_not_spreadsheets_are_refused_in_plain_words(demo_db_path, tmp_path, capsys, admin):
    """Catches a traceback, or a file created, for a mistyped path, an empty file, an encrypted workbook or a
    picture renamed to .xlsx."""
    db = str(demo_db_path)
    cases = {
        "missing.xlsx": None,
        "empty.csv": b"",
        "locked.xlsx": bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600,
        "picture.xlsx": b"\x89PNG\r\n\x1a\n" + b"\0" * 600,
        "zip.xlsx": b"PK\x03\x04" + b"\0" * 100,
    }
    words = {
        "missing.xlsx": "does not exist",
        "empty.csv": "is empty",
        "locked.xlsx": "protected with a password",
        "picture.xlsx": "is not an Excel workbook",
        "zip.xlsx": "not a spreadsheet CSPDesk can read",
    }
    files = tmp_path / "files"
    files.mkdir()
    for name, content in cases.items():
        path = files / name
        if content is not None:
            path.write_bytes(content)
        before = folder(files)
        code, _, err = run(capsys, "import-records", "run", "--db", db, str(path), "--kind", "cases")
        assert code == 2 and words[name] in err, (name, err)
        assert folder(files) == before


def test_a_read_only_database_is_refused_before_any_work(demo_db_path, tmp_path, capsys, admin):
    log = tmp_path / "log.csv"
    log.write_text(CSV, encoding="utf-8")
    with unwritable(demo_db_path):
        code, _, err = run(
            capsys, "import-records", "run", "--db", str(demo_db_path), str(log), "--kind", "cases"
        )
    assert code == 2 and "read-only" in err


def test_an_officer_may_not_import(demo_db_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CSPDESK_USER", "someone.new")  # signs in as an officer
    log = tmp_path / "log.csv"
    log.write_text(CSV, encoding="utf-8")
    code, _, err = run(
        capsys, "import-records", "run", "--db", str(demo_db_path), str(log), "--kind", "cases", "--dry-run"
    )
    assert code == 2 and "does not allow you to import records" in err
