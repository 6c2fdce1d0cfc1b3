#!/usr/bin/env bash
# Run every test (setting up on first run). Arguments go to pytest, e.g. ./run-tests.sh -m "not gui".
#
# Passes, each run even when an earlier one failed, with a summary at the end and a non-zero exit if any
# failed:
#   1. the whole suite (SQLite), always;
#   2. with CSPDESK_PG=1, and always in CI (CI=true): the tests marked `postgres` (the storage, service and
#      migration tests again, on PostgreSQL) against a throwaway server that tools/with-postgres.sh starts,
#      installing PostgreSQL first if it is missing. CSPDESK_PG=0 skips it;
#   3. with CSPDESK_DATES=1, and always in CI: the core tests again with the system clock moved by faketime
#      to awkward dates (tools/other-dates.sh), proving the suite does not depend on the day it runs.
#      CSPDESK_DATES=0 skips it;
#   4. with CSPDESK_FROZEN=1, and always in CI: the frozen app (installer/build.sh, PyInstaller) built and
#      smoke-tested (installer/smoke_test.py) as council laptops would run it. CSPDESK_FROZEN=0 skips it.
set -uo pipefail
cd "$(dirname "$0")"
bash tools/setup.sh || exit 1
export QT_QPA_PLATFORM=offscreen

want() {  # want VAR: the pass is on when VAR=1, or in CI unless VAR=0
  local v=${!1:-}
  [ "$v" = 1 ] || { [ -z "$v" ] && [ "${CI:-}" = true ]; }
}

passes=()
failed=0
total_passed=0
total_failed=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
record() {  # record NAME EXIT-CODE LOG: the pass's result; its tests (every pytest run in it) added to the totals
  local lines p f
  lines=$(grep -E '^=* *[0-9]+ (passed|failed|skipped|errors?|deselected)\b.* in [0-9.]+s' "$3" || true)
  p=$(grep -oE '[0-9]+ passed' <<<"$lines" | awk '{s+=$1} END {print s+0}')
  f=$(grep -oE '[0-9]+ (failed|errors?)' <<<"$lines" | awk '{s+=$1} END {print s+0}')
  total_passed=$((total_passed + p)); total_failed=$((total_failed + f))
  if [ "$2" = 0 ]; then passes+=("passed  $1: $p passed"); else passes+=("FAILED  $1 (exit $2): $p passed, $f failed"); failed=1; fi
}

if ! want CSPDESK_PG && ! want CSPDESK_DATES && ! want CSPDESK_FROZEN; then
  exec .venv/bin/python -m pytest "$@"
fi

.venv/bin/python -m pytest "$@" 2>&1 | tee "$out/sqlite.log"
record "the whole suite (SQLite)" "${PIPESTATUS[0]}" "$out/sqlite.log"

if want CSPDESK_PG; then
  echo "== The same storage, service and migration tests on PostgreSQL (tests marked postgres) ==" >&2
  bash tools/with-postgres.sh .venv/bin/python -m pytest "$@" -m postgres 2>&1 | tee "$out/pg.log"
  record "PostgreSQL (tests marked postgres)" "${PIPESTATUS[0]}" "$out/pg.log"
fi

if want CSPDESK_DATES; then
  bash tools/other-dates.sh "$@" 2>&1 | tee "$out/dates.log"
  record "core tests on other dates (faketime)" "${PIPESTATUS[0]}" "$out/dates.log"
fi

if want CSPDESK_FROZEN; then
  echo "== The frozen app: built and smoke-tested ==" >&2
  { bash installer/build.sh && .venv/bin/python installer/smoke_test.py dist/cspdesk/cspdesk; } 2>&1 | tee "$out/frozen.log"
  record "the frozen app (build and smoke test)" "${PIPESTATUS[0]}" "$out/frozen.log"
fi

echo "== Summary ==" >&2
printf '  %s\n' "${passes[@]}" >&2
# All passes together, as one closing line (tests counted once per pass they ran in).
echo "${total_passed} passed, ${total_failed} failed"
exit $failed
