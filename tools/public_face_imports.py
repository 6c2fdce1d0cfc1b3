"""Make the window and the commands import each service area through its public face.

    .venv/bin/python tools/public_face_imports.py [--check]

An area is a package under ``cspdesk/core/services`` (``cases``, ``letters``, ...). Outside core, in
``cspdesk/gui``, ``cspdesk/commands`` and ``cspdesk/cli.py``, code imports from the area, never from one of
its modules::

    from cspdesk.core.services.cases.case_query import CaseQuery   # before
    from cspdesk.core.services.cases import CaseQuery              # after

The tool finds every such import (at the top of a module or inside a function), rewrites it to the package
form, and adds each name it finds to the area's ``__init__.py``: the block between the BEGIN/END public face
markers, which it writes in full (``__all__``, the imports for the type checker, and the table the package
reads a name from the first time it is asked for, so importing the package costs nothing: the first screen
still opens without SQLAlchemy). Names already in the block stay, so it can be run again at any time (after
a merge brings new imports, say) and it changes nothing the second time. Then ruff sorts and formats the
files it changed.

``--check`` changes nothing and exits 1 if anything would change (tests/test_contracts.py has the rule
itself: the GUI may not import an area's modules).
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "cspdesk" / "core" / "services"
PREFIX = "cspdesk.core.services."
CALLERS = ("cspdesk/gui", "cspdesk/commands", "cspdesk/cli.py")
BEGIN = "# BEGIN public face (written by tools/public_face_imports.py: run it, do not edit this block)"
END = "# END public face"


def areas() -> list[str]:
    return sorted(p.parent.name for p in SERVICES.glob("*/__init__.py"))


def caller_files() -> list[Path]:
    files: list[Path] = []
    for part in CALLERS:
        path = ROOT / part
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def inner_module(module: str | None, known: list[str]) -> tuple[str, str] | None:
    """(area, module) when ``module`` is one of an area's modules, e.g. cspdesk.core.services.cases.risk."""
    if not module or not module.startswith(PREFIX):
        return None
    parts = module[len(PREFIX) :].split(".")
    if len(parts) >= 2 and parts[0] in known:
        return parts[0], module
    return None


def read_face(init: Path) -> dict[str, str]:
    """The names the area's block already exports: {name: module}."""
    text = init.read_text(encoding="utf-8")
    if BEGIN not in text:
        return {}
    block = text[text.index(BEGIN) : text.index(END)]
    for node in ast.walk(ast.parse(block)):
        if isinstance(node, ast.AnnAssign | ast.Assign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            if isinstance(target, ast.Name) and target.id == "_PUBLIC" and node.value is not None:
                return dict(ast.literal_eval(node.value))
    return {}


def face_block(face: dict[str, str]) -> str:
    by_module: dict[str, list[str]] = {}
    for name, module in sorted(face.items()):
        by_module.setdefault(module, []).append(name)
    imports = "".join(
        f"    from {module} import {', '.join(names)}\n" for module, names in sorted(by_module.items())
    )
    table = "".join(f'    "{name}": "{module}",\n' for name, module in sorted(face.items()))
    names = "".join(f'    "{name}",\n' for name in sorted(face))
    return (
        f"{BEGIN}\n"
        "# What the window and the commands use from this area. Each name is imported from its module when\n"
        "# first asked for, so importing the package costs nothing; the type checker sees the imports.\n"
        "import importlib\n"
        "from typing import TYPE_CHECKING\n\n"
        f"if TYPE_CHECKING:\n{imports}\n"
        f"_PUBLIC: dict[str, str] = {{\n{table}}}\n"
        f"__all__ = [\n{names}]\n\n"
        "if not TYPE_CHECKING:\n\n"
        "    def __getattr__(name: str) -> object:\n"
        "        module = _PUBLIC.get(name)\n"
        "        if module is None:\n"
        '            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")\n'
        "        return getattr(importlib.import_module(module), name)\n\n\n"
        f"{END}\n"
    )


def write_face(init: Path, face: dict[str, str]) -> str:
    text = init.read_text(encoding="utf-8")
    block = face_block(face)
    if BEGIN in text:
        start, end = text.index(BEGIN), text.index(END) + len(END) + 1
        return text[:start] + block + text[end:]
    tree = ast.parse(text)
    for node in tree.body:  # the block owns these names
        targets = node.targets if isinstance(node, ast.Assign) else []
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        if names & {"__all__", "__getattr__", "_PUBLIC"}:
            raise SystemExit(f"{init}: remove its own __all__/__getattr__; the public face block sets them")
    lines = text.splitlines(keepends=True)
    head_end = 0  # after the docstring and any "from __future__" import, which must stay first
    for node in tree.body:
        docstring = (
            node is tree.body[0] and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        )
        future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if not (docstring or future):
            break
        head_end = node.end_lineno or 0
    head, rest = "".join(lines[:head_end]).rstrip("\n"), "".join(lines[head_end:]).strip("\n")
    return (head + "\n\n" if head else "") + block + ("\n\n" + rest + "\n" if rest else "")


def rewrite(path: Path, known: list[str], faces: dict[str, dict[str, str]]) -> str:
    """The file with its area imports in the package form; records each name in ``faces``."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    problems = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if inner_module(alias.name, known):
                    problems.append(
                        f"{path}:{node.lineno}: 'import {alias.name}': import names from the area"
                    )
        if not isinstance(node, ast.ImportFrom) or node.level:
            continue
        found = inner_module(node.module, known)
        if not found:
            continue
        area, module = found
        for alias in node.names:
            if alias.name == "*":
                problems.append(f"{path}:{node.lineno}: 'import *' from {module}")
                continue
            face = faces[area]
            if face.get(alias.name, module) != module:
                where = face[alias.name]
                problems.append(f"{path}:{node.lineno}: {area} exports {alias.name} from {where} already")
                continue
            face[alias.name] = module
        old = f"from {module} import"
        line = lines[node.lineno - 1]
        if old not in line:
            problems.append(f"{path}:{node.lineno}: cannot find '{old}' on the line")
            continue
        lines[node.lineno - 1] = line.replace(old, f"from {PREFIX}{area} import", 1)
    if problems:
        raise SystemExit("\n".join(problems))
    return "".join(lines)


def tidy(path: Path, text: str) -> str:
    """``text`` as ruff would leave ``path``: imports sorted (two from one area become one), formatted."""
    ruff = Path(sys.executable).parent / "ruff"
    name = str(path.relative_to(ROOT))
    for command in (["check", "--fix", "--select", "I", "--quiet", "--exit-zero"], ["format", "--quiet"]):
        text = subprocess.run(
            [str(ruff), *command, "--stdin-filename", name, "-"],
            input=text,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if something would change"
    )
    args = parser.parse_args()
    known = areas()
    faces = {area: read_face(SERVICES / area / "__init__.py") for area in known}
    changed: dict[Path, str] = {}
    for path in caller_files():
        new = rewrite(path, known, faces)
        if new != path.read_text(encoding="utf-8"):
            changed[path] = new
    for area in known:
        init = SERVICES / area / "__init__.py"
        if faces[area]:
            new = write_face(init, faces[area])
            if new != init.read_text(encoding="utf-8"):
                changed[init] = new
    changed = {p: tidy(p, new) for p, new in changed.items()}
    changed = {p: new for p, new in changed.items() if new != p.read_text(encoding="utf-8")}
    for path, new in changed.items():
        print(f"{'would change' if args.check else 'changed'} {path.relative_to(ROOT)}")
        if not args.check:
            path.write_text(new, encoding="utf-8")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
