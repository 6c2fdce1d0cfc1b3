#!/usr/bin/env bash
# Start CSPDesk (setting up on first run). Any arguments go to the app, e.g.
#   ./cspdesk.sh                         your own database (offers demo data when empty)
#   ./cspdesk.sh --db demo.sqlite        another database file
#   ./cspdesk.sh demo --db demo.sqlite   fill a new database with demo data
set -euo pipefail
cd "$(dirname "$0")"
bash tools/setup.sh
exec .venv/bin/cspdesk "$@"
