#!/usr/bin/env bash
# Start CSPDesk (setting up on first run). Any arguments go to the app, e.g.
#   ./cspdesk.sh                         your own database (offers demo data when empty)
#   ./cspdesk.sh --db demo.sqlite        another database file
#   ./cspdesk.sh demo --db demo.sqlite   fill a new database with demo data
# Paths (--db, --out, files to import) are read from where you run it, not from the checkout.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
(cd "$here" && bash tools/setup.sh)
exec "$here/.venv/bin/cspdesk" "$@"
