"""The tests' own rules: no fixed waits and no tests that skip themselves.

A fixed wait (``qtbot.wait(50)``, ``time.sleep(0.03)``, ``QTest.qWait``) is either too short on a busy
machine, so the test fails at random, or passes without the thing it waited for having happened; wait on the
signal or condition instead (``qtbot.waitSignal``, ``qtbot.waitUntil``, a ``threading.Event``). A test that
skips itself (``pytest.skip``, ``pytest.importorskip``, ``pytest.mark.skip``/``skipif``, ``pytest.xfail``)
checks nothing and still shows green; build the data it needs, or fail saying what is missing.

The one exception is conftest.py's PostgreSQL pass: without a server configured, the ``postgres`` tests are
marked skipped at collection (``pytest_collection_modifyitems``) and the ``pg_server`` fixture skips; they run
in CI's PostgreSQL pass (DEVELOPING.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

# (file relative to tests/, function) where a skip is the documented mechanism, not a test skipping itself.
ALLOWED = {("conftest.py", "pytest_collection_modifyitems"), ("conftest.py", "pg_server")}

_SLEEPS = {
    ("time", "sleep"),
    ("qtbot", "wait"),
    ("QTest", "qWait"),
    ("QThread", "sleep"),
    ("QThread", "msleep"),
}
_SKIPS = {"skip", "importorskip", "xfail"}


def _dotted(node: ast.AST) -> list[str]:
    """``pytest.mark.skipif`` -> ["pytest", "mark", "skipif"]; [] for anything
    that is not a plain name chain."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return []


def violations(source: str, name: str = "test_x.py") -> list[str]:
    """Each fixed wait or self-skip in ``source``, as "file:line what"."""
    tree = ast.parse(source)
    slept = {
        a.asname or a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module == "time"
        for a in n.names
        if a.name == "sleep"
    }  # from time import sleep
    found: list[str] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        chain = _dotted(node.func) if isinstance(node, ast.Call) else _dotted(node)
        what = ""
        if isinstance(node, ast.Call) and (
            tuple(chain[-2:]) in _SLEEPS or (len(chain) == 1 and chain[0] in slept)
        ):
            what = f"fixed wait {'.'.join(chain)}(...)"
        elif (
            isinstance(node, ast.Call) and chain[:1] == ["pytest"] and chain[-1] in _SKIPS and len(chain) == 2
        ):
            what = f"self-skip {'.'.join(chain)}(...)"
        elif (
            isinstance(node, ast.Attribute)
            and chain[:2] == ["pytest", "mark"]
            and chain[2:] in (["skip"], ["skipif"], ["xfail"])
        ):
            what = f"self-skip {'.'.join(chain)}"
        if what and (name, function) not in ALLOWED:
            found.append(f"{name}:{node.lineno} {what}")
        if isinstance(node, ast.Attribute) and chain:
            return  # a chain is judged whole, not again for each of its parts
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "")
    return found


def test_no_test_waits_a_fixed_time_or_skips_itself():
    """Catches a new fixed wait or self-skip anywhere under tests/. (Before this session it found
    test_reports_page.py's qtbot.wait(50), test_letters_parallel.py's time.sleep(0.03), the demo CPN skip in
    test_letters_services.py, and the golden-image and cut tests skipping when pdftoppm was missing.)"""
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name != Path(__file__).name:  # this file names the forms to find them
            found += violations(path.read_text(encoding="utf-8"), path.relative_to(TESTS).as_posix())
    assert not found, "Wait on a signal or condition, and build what a test needs:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "def test_a(qtbot):\n    qtbot.wait(50)\n",
        "def test_a(qtbot):\n    qtbot.wait(delay)\n",
        "import time\ndef test_a():\n    time.sleep(0.03)\n",
        "from time import sleep\ndef test_a():\n    sleep(1)\n",
        "from time import sleep as nap\ndef test_a():\n    nap(1)\n",
        "def test_a():\n    QTest.qWait(100)\n",
        "def test_a():\n    QThread.msleep(100)\n",
        "import pytest\ndef test_a():\n    pytest.skip('demo data lacks it')\n",
        "import pytest\ndef test_a():\n    pytest.importorskip('psycopg')\n",
        "import pytest\ndef test_a():\n    pytest.xfail('later')\n",
        "import pytest\n@pytest.mark.skipif(True, reason='x')\ndef test_a():\n    pass\n",
        "import pytest\n@pytest.mark.skip\ndef test_a():\n    pass\n",
        "import pytest\npytestmark = pytest.mark.skipif(True, reason='no tool')\n",
        "import pytest\ndef pytest_collection_modifyitems(items):\n "
        "   items[0].add_marker(pytest.mark.skip())\n",
    ],
)
def test_the_rule_sees_each_form(source):
    """The rule itself can fail: each form it forbids is found (in a test file, and in a conftest hook that is
    not the PostgreSQL one)."""
    assert len(violations(source)) == 1, violations(source)


@pytest.mark.parametrize(
    "source",
    [
        "def test_a(qtbot):\n    qtbot.waitUntil(lambda: done, timeout=5000)\n",
        "def test_a(qtbot, w):\n    with qtbot.waitSignal(w.finished, timeout=5000):\n        w.start()\n",
        "def test_a(event):\n    assert event.wait(60)\n",
        "def test_a():\n    pool.wait(futures, timeout=120)\n",
        "import pytest\n@pytest.mark.slow\ndef test_a():\n    pass\n",
    ],
)
def test_the_rule_lets_waits_on_a_condition_through(source):
    assert violations(source) == []


def test_only_the_postgresql_skips_in_conftest_are_allowed():
    """The PostgreSQL pass's own mechanism in conftest.py is allowed, by name, and nothing else there."""
    hook = (
        "import pytest\ndef pytest_collection_modifyitems(items):\n "
        "   items[0].add_marker(pytest.mark.skip())\n"
    )
    fixture = "import pytest\ndef pg_server():\n    pytest.skip('PostgreSQL: set CSPDESK_TEST_PG_URL')\n"
    assert violations(hook, "conftest.py") == [] and violations(fixture, "conftest.py") == []
    assert (
        violations(fixture, "core/conftest.py") != []
        and violations(fixture.replace("pg_server", "other"), "conftest.py") != []
    )
