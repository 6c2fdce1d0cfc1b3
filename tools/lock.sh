#!/usr/bin/env bash
# The lock: the exact version (and the hash of every file) of each package CSPDesk installs, for Linux,
# Windows and a Mac, Python 3.11 and 3.12 alike (uv's universal resolution).
#   requirements/dev.txt  the app, the PostgreSQL driver, the test tools and PyInstaller: tools/setup.sh, CI
#                         and installer/build.sh install exactly this
#   requirements/app.txt  the app and the PostgreSQL driver only, held to dev.txt's versions:
#                         installer/build-windows.sh downloads the Windows wheels from it
# Each file ends with a line holding the SHA-256 of pyproject.toml's dependency lists (tools/lock_stamp.py),
# which tests/test_lock.py compares: a dependency changed in pyproject.toml without relocking fails the tests.
#
#   tools/lock.sh            after changing dependencies in pyproject.toml (keeps the versions already
#                            locked wherever they still fit)
#   tools/lock.sh --upgrade  every package to its newest version within pyproject.toml's bounds
#   tools/lock.sh --check    fail if the lock is not what tools/lock.sh would write now (asks PyPI)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
[ "$mode" = --check ] || [ "$mode" = --upgrade ] && shift
# Anything else is passed to uv pip compile, e.g. --upgrade-package reportlab, or -c FILE to hold versions.
PY=${PYTHON:-.venv/bin/python}
UV=${UV:-}
if [ -z "$UV" ]; then
  if command -v uv >/dev/null 2>&1; then UV=uv
  else [ -x .venv/bin/uv ] || "$PY" -m pip install -q "uv>=0.4,<1"; UV=$PWD/.venv/bin/uv; fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp requirements/dev.txt requirements/app.txt "$work"/ 2>/dev/null || true  # uv keeps what they pin
extra=(); [ "$mode" = --upgrade ] && extra=(--upgrade)
common=(--universal --python-version 3.11 --generate-hashes --quiet --no-header "${extra[@]}" "$@")
stamp=$("$PY" tools/lock_stamp.py)
lock() {  # lock NAME DESCRIPTION UV-ARGUMENTS...
  local name=$1 what=$2; shift 2
  (cd "$work" && "$UV" pip compile "$OLDPWD/pyproject.toml" "${common[@]}" "$@" -o "$name.txt")
  { echo "# The lock ($what): written by tools/lock.sh, never by hand."
    grep -v -e '^# The lock' -e '^# pyproject-dependencies-sha256:' "$work/$name.txt" \
      | sed "s#$PWD/##g"
    echo "# pyproject-dependencies-sha256: $stamp"; } > "$work/$name.new"
  cp "$work/$name.new" "$work/$name.txt"
}
lock dev "app, PostgreSQL driver, test tools, PyInstaller" --extra test --extra postgres --extra freeze
lock app "app and PostgreSQL driver, at dev.txt's versions" --extra postgres -c dev.txt
if [ "$mode" = --check ]; then
  status=0
  for f in dev app; do diff -u "requirements/$f.txt" "$work/$f.new" >&2 || status=1; done
  [ $status = 0 ] && echo "The lock matches pyproject.toml." >&2
  exit $status
fi
mkdir -p requirements
cp "$work/dev.new" requirements/dev.txt
cp "$work/app.new" requirements/app.txt
echo "Wrote requirements/dev.txt and requirements/app.txt." >&2
