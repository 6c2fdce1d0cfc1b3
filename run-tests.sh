#!/usr/bin/env bash
# Run every test (setting up on first run). Arguments go to pytest, e.g. ./run-tests.sh -m "not gui".
set -euo pipefail
cd "$(dirname "$0")"
bash tools/setup.sh
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
