#!/usr/bin/env bash
# Builds CSPDesk for council laptops, on a clean clone, from the lock (requirements/dev.txt):
#   dist/cspdesk/                                  the PyInstaller one-folder app (this platform)
#   dist/cspdesk-<version>-linux-x86_64.tar.gz     the same folder, packed (on Linux)
#   dist/CSPDesk-<version>-setup.exe               the Windows installer (with --windows: build-windows.sh)
# Then check it:  .venv/bin/python installer/smoke_test.py dist/cspdesk/cspdesk
#
#   installer/build.sh             the frozen app
#   installer/build.sh --windows   the frozen app and the Windows installer
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh  # .venv exactly as the lock says, PyInstaller included
version=$(.venv/bin/python -c "import cspdesk; print(cspdesk.__version__)")
rm -rf build/pyinstaller dist/cspdesk
started=$(date +%s)
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist \
  --workpath build/pyinstaller installer/cspdesk.spec
if [ "$(uname -s)" = Linux ]; then
  tar -C dist -czf "dist/cspdesk-$version-linux-$(uname -m).tar.gz" cspdesk
fi
echo "Built dist/cspdesk ($(du -sh dist/cspdesk | cut -f1)) in $(( $(date +%s) - started )) s." >&2
if [ "${1:-}" = --windows ]; then
  bash installer/build-windows.sh
fi
