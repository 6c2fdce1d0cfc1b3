"""Command-line subcommands. Each module has ``add_parser(subparsers)`` setting ``func`` to a
function ``(args) -> int`` (the exit code); ``cspdesk.cli`` lists the modules."""
