#!/usr/bin/env bash
# Run every test (setting up on first run). Arguments go to pytest, e.g. ./run-tests.sh -m "not gui".
#
# With CSPDESK_PG=1, and always in CI (CI=true), a second pass then runs the tests marked `postgres`
# (the storage, service and migration tests again, on PostgreSQL) against a throwaway server that
# tools/with-postgres.sh starts, installing PostgreSQL first if it is missing. CSPDESK_PG=0 skips it.
set -euo pipefail
cd "$(dirname "$0")"
bash tools/setup.sh
export QT_QPA_PLATFORM=offscreen
pg=${CSPDESK_PG:-}
if [ -z "$pg" ] && [ "${CI:-}" = true ]; then pg=1; fi
if [ "$pg" != 1 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
.venv/bin/python -m pytest "$@"
echo "== The same storage, service and migration tests on PostgreSQL (tests marked postgres) ==" >&2
exec bash tools/with-postgres.sh .venv/bin/python -m pytest "$@" -m postgres
