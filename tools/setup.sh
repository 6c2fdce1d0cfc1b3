#!/usr/bin/env bash
# Prepares a fresh machine for CSPDesk: Debian packages Qt needs (when run as root),
# a virtual environment in .venv, and the Python packages. Safe to run again: it only
# does what is missing. Used by ./cspdesk.sh and ./run-tests.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xfixes0 libxcb-xkb1 libnss3 libxcomposite1 libxdamage1
  libxrandr2 libxtst6 libxi6 fonts-dejavu-core poppler-utils xvfb)

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "Installing system packages Qt needs: ${missing[*]}" >&2
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
      sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "Please ask an administrator to install: ${missing[*]}" >&2
    fi
  fi
fi

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for c in python3.11 python3.12 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(not ((3,11) <= sys.version_info[:2] < (3,13)))'; then
      PYTHON=$c; break
    fi
  done
fi
[ -n "$PYTHON" ] || { echo "CSPDesk needs Python 3.11 or 3.12." >&2; exit 1; }

# The lock (requirements/dev.txt, written by tools/lock.sh): the app, the PostgreSQL driver (psycopg, for a
# shared server database), the test tools and PyInstaller, at exactly the versions and file hashes the tests
# ran on. Then CSPDesk itself, editable, with nothing more.
LOCK=requirements/dev.txt
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=$(cat pyproject.toml "$LOCK" | sha256sum | cut -c1-16)
if [ "$(cat .venv/.setup-stamp 2>/dev/null)" != "$stamp" ]; then
  echo "Installing Python packages into .venv (first run takes a few minutes)..." >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --require-hashes -r "$LOCK"
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$stamp" > .venv/.setup-stamp
fi
