"""``cspdesk``: the window, and the command-line subcommands.

``cspdesk [--db PATH_OR_URL]`` opens the window; ``cspdesk SUBCOMMAND ...`` runs a command.
Only imports what the chosen command needs, so the window starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from cspdesk import __version__

COMMAND_MODULES = [
    "demo",
    "check",
    "report",
    "figures",
    "import_records",
    "retention",
    "sar",
    "encrypt",
    "backup",
    "audit",
    "copy",
    "about",
    "selftest",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cspdesk", description="CSPDesk: case tracking for Community Safety Partnerships."
    )
    parser.add_argument("--version", action="version", version=f"CSPDesk {__version__}")
    parser.add_argument(
        "--db", metavar="PATH_OR_URL", help="database to open (default: your own, in your data folder)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"cspdesk.commands.{name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    from cspdesk.commands.keys import install_terminal_prompt

    install_terminal_prompt()  # an encrypted file with no key: ask on a terminal, else refuse plainly
    if args.command is None:
        from cspdesk.bootstrap import run_window

        return run_window(args.db)
    from cspdesk.commands.unexpected import run_guarded

    return run_guarded(lambda: args.func(args), argv)


if __name__ == "__main__":
    sys.exit(main())
