"""The house rules: core never imports Qt; pandas and ReportLab are not loaded at start-up; lint is clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LINTED = ("cspdesk", "tests", "tools", "bench", "installer")


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout


def test_import_linter_contracts_hold():
    exe = BIN / "lint-imports"
    assert exe.exists(), "import-linter is a test dependency"
    result = subprocess.run([str(exe)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_services_load_without_qt_pandas_or_reportlab():
    out = _run(
        "import sys, cspdesk.core.services.registry, cspdesk.core.demo;"
        "print(sorted(m for m in ('PySide6','pandas','reportlab','holidays') if m in sys.modules))"
    )
    assert out.strip() == "[]"


def test_window_start_does_not_import_pandas_or_reportlab():
    out = _run(
        "import os, sys; os.environ['QT_QPA_PLATFORM']='offscreen';"
        "import cspdesk.bootstrap, cspdesk.gui.main_window;"
        "print(sorted(m for m in ('pandas','reportlab','holidays') if m in sys.modules))"
    )
    assert out.strip() == "[]"


def test_ruff_is_clean():
    ruff = BIN / "ruff" if (BIN / "ruff").exists() else shutil.which("ruff")
    assert ruff, "ruff is a test dependency"
    result = subprocess.run([str(ruff), "check", *LINTED], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout


def test_ruff_format_is_kept():
    """The tree stays as ``ruff format`` writes it (and, with E501 on, every line within 110 characters).
    Catches a file committed unformatted: one whose layout would change at the next whole-tree format and so
    turn up in someone else's diff. (Seen to fail on a mis-formatted module, then pass once it was put back.)
    Put right with ``.venv/bin/ruff format cspdesk tests tools bench installer``."""
    ruff = BIN / "ruff" if (BIN / "ruff").exists() else shutil.which("ruff")
    assert ruff, "ruff is a test dependency"
    result = subprocess.run(
        [str(ruff), "format", "--check", *LINTED], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_units_of_work_are_only_entered_with_with():
    """A unit of work entered or left by hand (``uow.__exit__(None, None, None)``) skips the error
    translation in ``UnitOfWork.__exit__``, so a lost race reaches the user as a raw database error. Only
    ``with`` may do it. (Caught case_review_steps.py doing so, 2026-12-06;
    tests/core/test_case_review_service.py has the race.)"""
    import ast

    offenders = []
    for path in sorted((ROOT / "cspdesk").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("__enter__", "__exit__")
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, "enter units of work with `with`: " + ", ".join(offenders)
