"""No attribute of a window class hides one of Qt's methods.

A widget whose ``__init__`` says ``self.event = "note"`` replaces ``QObject.event()`` for Python callers and
for PySide6's virtual dispatch: Qt's next event to it calls a string, and the app died (EventDialog, found
this session). ``MyWorkPage.actions`` (a table) hid ``QWidget.actions()``, ``self.screen`` hid
``QWidget.screen()``, ``self.find`` hid ``QWidget.find()``: each waited for the one caller that would crash.

This test imports every module under ``cspdesk/gui``, takes each class that subclasses a Qt class, and reads
(with ``ast``) every ``self.<name> = ...`` in its methods and every assignment in its class body, in the class
and in each of its own (cspdesk) bases. A name that is a callable attribute of the first PySide6 class in
its MRO (a method, a signal, a nested enum) fails the test with file:line and the Qt method hidden. Methods
written with ``def`` are overrides (``showEvent``, ``eventFilter``) and are Qt's way; they are not looked at.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cspdesk.gui

GUI = Path(cspdesk.gui.__file__).parent


@dataclass(frozen=True)
class Hidden:
    where: str  # file:line
    cls: str
    name: str
    qt: str  # the Qt class whose callable attribute is hidden

    def __str__(self) -> str:
        return f"{self.where}: {self.cls}.{self.name} hides {self.qt}.{self.name}()"


def _gui_modules() -> list[str]:
    names = [cspdesk.gui.__name__]
    for info in pkgutil.walk_packages([str(GUI)], prefix="cspdesk.gui."):
        names.append(info.name)
    return names


def _qt_base(cls: type) -> type | None:
    """The first PySide6 class in ``cls``'s MRO, or None if it is not a Qt class."""
    return next((k for k in cls.__mro__ if k.__module__.startswith("PySide6.")), None)


@cache
def _qt_callables(qt: type) -> frozenset[str]:
    names = set()
    for name in dir(qt):
        try:
            value = getattr(qt, name)
        except Exception:  # an attribute PySide6 cannot give without an instance: not a method to hide
            continue
        if callable(value) and not name.startswith("__"):
            names.add(name)
    return frozenset(names)


@cache
def _class_nodes(path: str) -> dict[str, ast.ClassDef]:
    """Every class in a source file by its qualified name (classes in classes included)."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
    found: dict[str, ast.ClassDef] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                found[prefix + node.name] = node
                visit(node.body, f"{prefix}{node.name}.")

    visit(tree.body, "")
    return found


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        return [node.target]
    return []


def _flatten(target: ast.expr) -> list[ast.expr]:
    if isinstance(target, (ast.Tuple, ast.List)):
        return [t for elt in target.elts for t in _flatten(elt)]
    if isinstance(target, ast.Starred):
        return _flatten(target.value)
    return [target]


def assigned_names(node: ast.ClassDef) -> list[tuple[str, int]]:
    """(name, line) for each class-body assignment and each ``self.<name> = ...`` in the class's methods."""
    names: list[tuple[str, int]] = []
    for stmt in node.body:
        for target in _targets(stmt):
            for t in _flatten(target):
                if isinstance(t, ast.Name):
                    names.append((t.id, t.lineno))
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.args.args:
            this = stmt.args.args[0].arg  # "self", whatever it is called
            for inner in ast.walk(stmt):
                for target in _targets(inner):
                    for t in _flatten(target):
                        if (
                            isinstance(t, ast.Attribute)
                            and isinstance(t.value, ast.Name)
                            and t.value.id == this
                        ):
                            names.append((t.attr, t.lineno))
    return names


def qt_classes() -> list[type]:
    classes: dict[str, type] = {}
    for module_name in _gui_modules():
        module = importlib.import_module(module_name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == module_name and _qt_base(obj) is not None:
                classes[f"{module_name}.{obj.__qualname__}"] = obj
    return list(classes.values())


def hidden_qt_methods(classes: list[type]) -> list[Hidden]:
    found: set[Hidden] = set()
    root = GUI.parent.parent
    for cls in classes:
        qt = _qt_base(cls)
        assert qt is not None
        qt_names = _qt_callables(qt)
        for own in cls.__mro__:
            if not own.__module__.startswith("cspdesk."):
                continue
            path = inspect.getsourcefile(own)
            assert path is not None, own
            node = _class_nodes(path).get(own.__qualname__)
            assert node is not None, f"{own.__qualname__} not found in {path}"
            for name, line in assigned_names(node):
                if name in qt_names:
                    where = f"{Path(path).relative_to(root)}:{line}"
                    found.add(Hidden(where, own.__qualname__, name, qt.__name__))
    return sorted(found, key=str)


def test_the_scan_sees_the_window_classes():
    """The scan is not looking at nothing: the main window, dialogs and pages are among the classes read."""
    names = {c.__name__ for c in qt_classes()}
    assert {"MainWindow", "DataRequestsDialog", "DashboardPage", "PageLoader", "TaskSignals"} <= names
    assert len(names) > 100


def test_the_scan_finds_a_hidden_qt_method():
    """What the standing test below catches: ``self.event = ...`` in a dialog (the crash this session met),
    a class attribute named for a Qt signal, and ``self.actions`` in a page; and not an override by def."""
    source = """
class Probe:
    finished = None
    kind = "note"
    def __init__(self):
        self.event = "note"
        self.actions, self.rows = [], []
        self.title = "x"
    def showEvent(self, event):
        pass
"""
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.ClassDef)
    from PySide6.QtWidgets import QDialog

    qt_names = _qt_callables(QDialog)
    hidden = sorted(name for name, _line in assigned_names(node) if name in qt_names)
    assert hidden == ["actions", "event", "finished"]


def test_no_window_class_hides_a_qt_method():
    """Catches a widget, dialog, page or model whose attribute shadows a method of its Qt base class, before
    Qt calls that method on it (a segfault, or a wrong answer, far from the line at fault). Rename it."""
    hidden = hidden_qt_methods(qt_classes())
    assert not hidden, "Attributes that hide Qt methods (rename them):\n" + "\n".join(map(str, hidden))
