"""One clock: no module in cspdesk/ reads the system's date or time except cspdesk/core/clock.py.

A suite that passes today and fails next week is broken; so is a screen whose "today" disagrees with the
service behind it near midnight. Everything asks the clock the composition root hands out
(``services.clock``, the ``today`` callables services get, or ``cspdesk.core.clock.current()``).
Timers that measure a duration (``time.monotonic``, ``time.perf_counter``) are not
calendar reads and are allowed.

What this catches (checked by hand once, 2026-12-06): putting ``date.today()`` back into
``core/services/cases/case_common.py`` or ``QDate.currentDate()`` into ``gui/pages/cases.py`` fails
``test_only_the_clock_reads_the_system_clock`` naming the file and line; ``test_the_check_sees_each_form``
proves the checker itself sees every form it claims to (aliases included).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "cspdesk"
THE_CLOCK = ROOT / "core" / "clock.py"
TESTS = ROOT.parent / "tests"

# (what the name refers to, attribute) pairs that read the wall clock.
_READS = {
    ("datetime", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "fromtimestamp"),
    ("date", "today"),
    ("date", "fromtimestamp"),
    ("QDate", "currentDate"),
    ("QDateTime", "currentDateTime"),
    ("QDateTime", "currentDateTimeUtc"),
    ("QDateTime", "currentMSecsSinceEpoch"),
    ("QDateTime", "currentSecsSinceEpoch"),
    ("QTime", "currentTime"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("time", "ctime"),
    ("time", "asctime"),
    ("time", "strftime"),
}
_MODULE_OF = {
    "datetime": "datetime",
    "date": "datetime",
    "time": "time",
    "QDate": "QtCore",
    "QDateTime": "QtCore",
    "QTime": "QtCore",
}


def clock_reads(source: str) -> list[tuple[int, str]]:
    """Line and text of each read of the system clock in ``source`` (a module's code)."""
    tree = ast.parse(source)
    aliases: dict[str, str] = {}  # local name -> the real name it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                if a.name in _MODULE_OF and node.module.split(".")[-1] in ("datetime", "time", "QtCore"):
                    aliases[a.asname or a.name] = a.name
                elif (node.module, a.name) in {("time", "time"), ("time", "localtime"), ("time", "strftime")}:
                    aliases[a.asname or a.name] = f"time.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name in ("datetime", "time"):
                    aliases[a.asname or a.name] = a.name
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            base = node.value
            # datetime.datetime.now / datetime.date.today
            if (
                isinstance(base, ast.Attribute)
                and isinstance(base.value, ast.Name)
                and aliases.get(base.value.id) == "datetime"
            ):
                name = base.attr
            elif isinstance(base, ast.Name):
                name = aliases.get(base.id, base.id if base.id in _MODULE_OF else "")
            else:
                continue
            if (name, node.attr) in _READS:
                found.append((node.lineno, f"{name}.{node.attr}"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and aliases.get(node.func.id, "").startswith("time.")
        ):
            found.append((node.lineno, aliases[node.func.id]))
    return sorted(found)


def test_only_the_clock_reads_the_system_clock():
    """In the app and in the tests: a test that takes "today" from the computer instead of the frozen clock
    would disagree with the app on any day but the one it was written (and fails in the other-dates pass)."""
    offenders = []
    for path in sorted([*ROOT.rglob("*.py"), *TESTS.rglob("*.py")]):
        if path == THE_CLOCK:
            continue
        for line, text in clock_reads(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT.parent)}:{line}: {text}")
    assert not offenders, (
        "Read the date and time from the app's clock (cspdesk/core/clock.py):\n" + "\n".join(offenders)
    )


def test_the_clock_itself_is_found_reading_it():
    """The check is not vacuous: the one module allowed to read the clock is seen doing so."""
    assert clock_reads(THE_CLOCK.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import date\nx = date.today()",
        "from datetime import date\nf = date.today",  # passed as a default argument, called later
        "import datetime\nx = datetime.datetime.now()",
        "import datetime as dt\nx = dt.date.today()",
        "from datetime import datetime as DT\nx = DT.now()",
        "from datetime import datetime\nx = datetime.utcnow()",
        "from PySide6.QtCore import QDate\nx = QDate.currentDate()",
        "from PySide6.QtCore import QDateTime\nx = QDateTime.currentDateTime()",
        "import time\nx = time.time()",
        "from time import strftime\nx = strftime('%Y')",
    ],
)
def test_the_check_sees_each_form(source):
    assert clock_reads(source), source


@pytest.mark.parametrize(
    "source",
    [
        "import time\nt = time.monotonic()",
        "import time\nt = time.perf_counter()",
        "from datetime import date\nx = date(2026, 11, 26)",
        "from cspdesk.core.clock import current\nx = current().today()",
    ],
)
def test_durations_and_fixed_dates_are_not_clock_reads(source):
    assert not clock_reads(source), source
