#!/usr/bin/env bash
# The core tests with the system clock moved to awkward dates by faketime (Debian package `faketime`,
# installed with apt when missing and run as root, as in CI). The app reads the date only through its clock
# (cspdesk/core/clock.py) and the tests freeze that clock, so every date must give the same result; a module
# that read the system clock itself would show up here as a failure on some of these days.
#
#   tools/other-dates.sh                     # all the dates below
#   tools/other-dates.sh -k deadlines        # arguments go to pytest
#
# The dates (UK time, TZ=Europe/London, so the clocks really change):
#   2028-02-29 12:00   the last day of February in a leap year
#   2026-12-25 09:00   Christmas Day, a bank holiday
#   2027-03-28 00:58   the Sunday the clocks go forward (01:00 GMT -> 02:00 BST two minutes in, mid-run)
#   2026-12-31 23:30   New Year's Eve, half an hour before the year changes
#   2029-12-06 10:00   three years from the day this was written
set -uo pipefail
cd "$(dirname "$0")/.."

DATES=("2028-02-29 12:00:00" "2026-12-25 09:00:00" "2027-03-28 00:58:00" "2026-12-31 23:30:00" "2029-12-06 10:00:00")

if ! command -v faketime >/dev/null 2>&1; then
  echo "faketime is not installed: installing it for the other-dates pass..." >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null
  fi
  command -v faketime >/dev/null 2>&1 || { echo "faketime could not be installed" >&2; exit 1; }
fi

export QT_QPA_PLATFORM=offscreen TZ=Europe/London
# pytest-qt and the GUI are left out: the core (and the rule that only the clock reads the system clock) is
# what depends on the date; the whole suite already ran on the real date.
status=0
for when in "${DATES[@]}"; do
  echo "== Core tests with the system clock at $when (faketime) ==" >&2
  # '@' starts the fake clock at that moment and lets it run on, as a real clock does.
  faketime -f "@$when" .venv/bin/python -c 'import datetime,sys; print("  the system clock reads", datetime.datetime.now(), file=sys.stderr)'
  faketime -f "@$when" .venv/bin/python -m pytest -p no:cacheprovider -m "not gui" \
    tests/core tests/test_clock_rule.py "$@" || status=1
done
exit $status
