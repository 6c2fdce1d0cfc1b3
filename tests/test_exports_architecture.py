"""Only ``cspdesk/core/exports.py`` writes CSV or XLSX, so no export can skip formula neutralisation.

A grep over the package: a new export that calls ``csv.writer`` or builds an openpyxl ``Workbook`` itself
(or uses pandas' ``to_csv``/``to_excel``) would write typed text like ``=cmd|' /C calc'!A0`` raw. Reading
Excel files (the importers, through pandas) is allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

import cspdesk

PACKAGE = Path(cspdesk.__file__).parent
SHARED_WRITER = PACKAGE / "core" / "exports.py"
WRITING = re.compile(
    r"csv\.writer\b|csv\.DictWriter\b|\bDictWriter\(|from csv import|"
    r"\bimport openpyxl\b|from openpyxl\b|\.to_csv\(|\.to_excel\(|ExcelWriter|xlsxwriter"
)


def writers_outside_the_shared_module(root: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if path == SHARED_WRITER:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if not WRITING.search(code):
                continue
            # openpyxl styles only decorate cells the shared writer makes; they cannot write a value.
            if re.search(r"from openpyxl\.styles import", code):
                continue
            # Reading a workbook (moving in from a team's spreadsheets) writes nothing.
            if re.search(r"from openpyxl import load_workbook\s*$", code.rstrip()):
                continue
            found.append(f"{path.relative_to(root.parent)}:{number}: {line.strip()}")
    return found


def test_no_module_but_the_shared_writer_writes_csv_or_xlsx():
    """Catches: an export writing CSV/XLSX itself (mutation checked: csv.writer put back in case_export)."""
    assert writers_outside_the_shared_module() == []


def test_the_check_finds_a_writer(tmp_path):
    """The grep itself works: a module with csv.writer or an openpyxl Workbook is reported."""
    (tmp_path / "a.py").write_text("import csv\nw = csv.writer(f)\n")
    (tmp_path / "b.py").write_text("from openpyxl import Workbook\n")
    (tmp_path / "c.py").write_text("from openpyxl.styles import Font\nframe.to_csv(p)\n")
    assert len(writers_outside_the_shared_module(tmp_path)) == 3
