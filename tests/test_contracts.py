"""The import contracts say everything docs/DEVELOPING.md says, and each one can fail.

Rules: Qt only in the GUI (core, commands and cli never import it); ReportLab only in ``core.reports``; pandas
only in ``core.importers``; the GUI never reaches into storage; no import cycles between the service areas
(one package per area under ``core/services``). import-linter checks them (``pyproject.toml``);
``tests/test_architecture.py`` runs it on the real code. Here:

- every module and package under ``cspdesk`` and ``cspdesk.core`` is named by each "only in X" contract (a new
  package such as ``core/exports.py`` must be added, or it would be free to import ReportLab);
- a forbidden import added to a temporary copy of the code breaks the contract that forbids it. What this
  caught when written: before these contracts a module-level ``import reportlab`` in
  ``core/services/dashboard.py`` left every contract KEPT.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"


def _contracts() -> dict[str, dict]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["name"]: c for c in data["tool"]["importlinter"]["contracts"]}


def _children(package: str) -> set[str]:
    folder = ROOT / package.replace(".", "/")
    names = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in folder.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    return {f"{package}.{n}" for n in names if n != "__main__"}


@pytest.mark.parametrize(
    "contract, allowed",
    [
        ("ReportLab only in core.reports", {"cspdesk.core.reports"}),
        ("pandas only in core.importers", {"cspdesk.core.importers"}),
    ],
)
def test_only_in_contracts_name_every_other_module(contract, allowed):
    sources = set(_contracts()[contract]["source_modules"])
    everything = (_children("cspdesk") - {"cspdesk.core"}) | _children("cspdesk.core")
    missing = everything - sources - allowed
    assert not missing, f"add {sorted(missing)} to the source_modules of '{contract}' in pyproject.toml"


def _lint_copy(tmp_path: Path, module: str, line: str) -> str:
    """lint-imports on a copy of the code with ``line`` added to ``module``; returns its report."""
    shutil.copytree(ROOT / "cspdesk", tmp_path / "cspdesk", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / (module.replace(".", "/") + ".py")
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run([str(LINT), "--no-cache"], capture_output=True, text=True, cwd=tmp_path, env=env)
    return result.stdout + result.stderr


@pytest.mark.parametrize(
    "module, line, contract",
    [
        ("cspdesk.core.services.dashboard", "import reportlab  # noqa", "ReportLab only in core.reports"),
        ("cspdesk.gui.pages.dashboard", "import reportlab.pdfgen  # noqa", "ReportLab only in core.reports"),
        ("cspdesk.core.services.cases.case_list", "import pandas  # noqa", "pandas only in core.importers"),
        ("cspdesk.core.reports.letter", "import pandas  # noqa", "pandas only in core.importers"),
        ("cspdesk.commands.check", "from PySide6 import QtCore  # noqa", "Qt only in the GUI"),
        ("cspdesk.core.domain.calendar", "from PySide6 import QtCore  # noqa", "core never imports Qt"),
        ("cspdesk.gui.pages.cases", "import sqlalchemy  # noqa", "gui never reaches into storage"),
        # letters already uses cases (case_common, case_index): cases using
        # letters back is a cycle between areas
        (
            "cspdesk.core.services.cases.case_edit",
            "import cspdesk.core.services.letters.letters  # noqa",
            "no cycles between the service areas",
        ),
    ],
)
def test_each_contract_fails_when_broken(tmp_path, module, line, contract):
    report = _lint_copy(tmp_path, module, line)
    broken = [ln for ln in report.splitlines() if ln.endswith("BROKEN")]
    assert any(ln.startswith(contract) for ln in broken), report
