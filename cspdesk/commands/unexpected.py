"""The last line of defence for every command: anything unexpected is one plain line and a log file.

A traceback on a terminal tells a user nothing they can act on and can show data they should not
copy into an e-mail; the log file keeps it for whoever fixes the fault. The exit code is its own
(``EXIT_UNEXPECTED``), so a script never mistakes a crash for "some rows were rejected" (1) or
"nothing was done" (2).
"""

from __future__ import annotations

import getpass
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

EXIT_UNEXPECTED = 70  # BSD sysexits' EX_SOFTWARE: an internal error
EXIT_INTERRUPTED = 130  # Ctrl+C, as shells report it


def log_folder() -> Path:
    """Where the app's log lives (beside the user's own database, as the window's log does)."""
    from cspdesk.bootstrap import log_path

    return log_path().parent


def write_crash_log(exc: BaseException, argv: list[str]) -> Path | None:
    """Append the traceback to ``cspdesk.log`` (or a file in the temporary folder if that cannot be
    written); returns the file, or None if nothing could be written anywhere."""
    from cspdesk import __version__
    from cspdesk.core import clock

    text = (
        f"\n{clock.current().now():%Y-%m-%d %H:%M:%S} CSPDesk {__version__} command failed: "
        f"cspdesk {' '.join(argv)}\n" + "".join(traceback.format_exception(exc))
    )
    candidates = []
    try:
        candidates.append(log_folder() / "cspdesk.log")
    except Exception:  # noqa: BLE001 - the log folder itself may be what is broken
        pass
    candidates.append(Path(tempfile.gettempdir()) / f"cspdesk-{_user()}.log")
    for path in candidates:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(text)
            return path
        except OSError:
            continue
    return None


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment
        return "user"


def run_guarded(command: Callable[[], int], argv: list[str]) -> int:
    """Run a command; an exception it did not handle becomes one line on stderr and ``EXIT_UNEXPECTED``."""
    try:
        return command()
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - this is the handler of last resort
        logfile = write_crash_log(exc, argv)
        where = (
            f"The details are in {logfile}; send that file to whoever supports CSPDesk."
            if logfile
            else "The details could not be written to a log file."
        )
        print(
            f"error: something unexpected went wrong ({type(exc).__name__}), and the command stopped. "
            f"{where}",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED
