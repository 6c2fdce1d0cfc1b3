"""The lock (requirements/*.txt, written by tools/lock.sh) is what pyproject.toml
declares, and what is installed.

Two installs a month apart once differed (ReportLab 5 arrived under ">=4.0", and the PDF cutter reads only
what the ReportLab it was written against writes). These tests keep every install — a developer's .venv, CI,
the frozen build, the Windows installer — on the same, locked versions.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import sys
import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from lock_stamp import dependencies_stamp  # noqa: E402

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
LOCKS = {"dev": ROOT / "requirements" / "dev.txt", "app": ROOT / "requirements" / "app.txt"}
# The extras each lock holds besides the app's own dependencies.
LOCK_EXTRAS = {"dev": ["test", "postgres", "freeze"], "app": ["postgres"]}


def pins(lock: Path) -> dict[str, str]:
    """name -> version for the lock's lines that apply to this interpreter and platform."""
    out: dict[str, str] = {}
    env = default_environment()
    for line in lock.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in " #":
            continue
        req = Requirement(line.rstrip(" \\"))
        if req.marker is None or req.marker.evaluate(env):
            (spec,) = req.specifier
            assert spec.operator == "==", line
            out[canonicalize_name(req.name)] = spec.version
    return out


def declared(extras: list[str]) -> list[Requirement]:
    reqs = [Requirement(r) for r in PROJECT["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in PROJECT["optional-dependencies"][extra]]
    return reqs


def test_lock_was_written_from_this_pyproject():
    """Catches a dependency added, removed or re-bounded in pyproject.toml without running tools/lock.sh
    (checked by editing a bound in pyproject.toml: this failed until the lock was written again)."""
    stamp = dependencies_stamp()
    for name, lock in LOCKS.items():
        last = lock.read_text(encoding="utf-8").rstrip().splitlines()[-1]
        assert last == f"# pyproject-dependencies-sha256: {stamp}", (
            f"requirements/{name}.txt was not written from this pyproject.toml: run tools/lock.sh"
        )


def test_every_declared_dependency_is_locked_within_its_bounds():
    """Catches a lock pinning a version pyproject.toml forbids, or missing a dependency (checked by pinning
    reportlab==6.0.0 in dev.txt by hand)."""
    for name, lock in LOCKS.items():
        locked = pins(lock)
        for req in declared(LOCK_EXTRAS[name]):
            if req.marker is not None and not req.marker.evaluate(default_environment()):
                continue
            key = canonicalize_name(req.name)
            assert key in locked, f"{req.name} is declared but not in requirements/{name}.txt"
            assert req.specifier.contains(locked[key], prereleases=True), (
                f"requirements/{name}.txt pins {req.name}=={locked[key]}, outside {req.specifier}"
            )


def test_app_lock_holds_the_same_versions_as_the_dev_lock():
    """The Windows installer (app.txt) must ship the versions the tests ran on (dev.txt)."""
    dev, app = pins(LOCKS["dev"]), pins(LOCKS["app"])
    assert set(app) <= set(dev)
    assert {n: v for n, v in dev.items() if n in app} == app


def test_the_installed_packages_are_the_locked_ones():
    """Catches an environment that drifted from the lock, e.g. tools/setup.sh installing from pyproject.toml's
    ranges again (checked by installing another pypdf into .venv: this test named it)."""
    wrong = {}
    for name, version in pins(LOCKS["dev"]).items():
        try:
            installed = md.version(name)
        except md.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"locked vs installed (run tools/setup.sh): {wrong}"


def test_libraries_whose_internals_we_rely_on_have_an_upper_bound():
    """A new major of these changes what the code reads (ReportLab's PDF output, SQLAlchemy's bind
    processors, Qt's behaviour, pandas' categoricals, openpyxl's cells, Alembic's runtime)."""
    bounded = {canonicalize_name(r.name): r.specifier for r in declared([])}
    for name in ("reportlab", "sqlalchemy", "pyside6", "pandas", "openpyxl", "alembic", "numpy"):
        spec = bounded[name]
        assert any(s.operator in ("<", "==", "~=") for s in spec), f"{name} {spec} has no upper bound"


def _imported_top_level_names() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "cspdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_everything_the_app_imports_is_a_declared_runtime_dependency():
    """Catches an import of a package the app does not declare — numpy was imported but came only through
    pandas — or of a test-only one such as pypdf, which a council laptop would not have (checked by removing
    numpy from pyproject.toml's dependencies)."""
    runtime = {canonicalize_name(r.name) for r in declared(["postgres"])}
    distributions = md.packages_distributions()
    missing = {}
    for name in _imported_top_level_names() - set(sys.stdlib_module_names) - {"cspdesk", "_rl_accel"}:
        dists = {canonicalize_name(d) for d in distributions.get(name, [])}
        # PySide6 and shiboken6 come in the pyside6 package's parts; psycopg's binary part is psycopg[binary].
        dists |= {"pyside6"} if name in ("PySide6", "shiboken6") else set()
        if not dists & runtime:
            missing[name] = sorted(dists) or "not installed"
    assert not missing, f"imported by cspdesk/ but not in pyproject.toml's dependencies: {missing}"
