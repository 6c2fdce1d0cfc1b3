#!/usr/bin/env bash
# The Windows installer, checked under Wine on Linux (the command line only: PySide6's Qt DLLs need Windows'
# own ICU and do not load under Wine — the window is checked on a real Windows runner, windows-ci.yml):
#   1. silent install for everyone (/S) into a new Wine prefix: program folder, launchers, shortcuts, registry
#   2. installer/smoke_test.py --no-window against the installed cspdesk.exe: --version, about, a new
#      encrypted database with demo data, check, the two PDF reports (with pages) and the quarterly XLSX, a
#      police.uk import, then selftest: a letter and a mail merge in helper processes
#   3. the user's own database made by `cspdesk demo` in their data folder (%LOCALAPPDATA%\CSPDesk);
#      CSPDESK_DB and IT's settings file (%PROGRAMDATA%\CSPDesk\cspdesk.ini) choosing the database; a new
#      database's key kept in, and found again in, the Windows credential store (keyring, via pywin32-ctypes)
#   4. upgrade in place (the installer again, silently): the program still works, the data is untouched
#   5. silent uninstall: program folder, shortcuts and registry entries gone, the user's data kept
#
#   installer/wine_smoke.sh dist/CSPDesk-<version>-setup.exe
set -euo pipefail
cd "$(dirname "$0")/.."
setup=$(realpath "$1")
command -v wine >/dev/null || {
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine wine64 >/dev/null
  else echo "Wine is missing: ask an administrator to install the Debian packages wine and wine64." >&2; exit 1; fi
}
work=$(mktemp -d /tmp/cspdesk-wine-XXXXXX)
trap 'wineserver -k 2>/dev/null || true; rm -rf "$work"' EXIT
# ucrtbase=n,b: the prefix's own ucrtbase.dll, with the accessors numpy needs (see "Wine prefix" below).
export WINEPREFIX=$work/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;ucrtbase=n,b" WINEARCH=win64
# Every new database is encrypted; its key comes as automation gives it (a throwaway: the prefix is deleted).
CSPDESK_DB_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export CSPDESK_DB_KEY
say() { echo "== $*" >&2; }
fail() { echo "WINE SMOKE TEST FAILED: $*" >&2; exit 1; }
# has TEXT OUTPUT (no pipe: grep -q ending early cannot fail the pipeline)
has() { grep -qF -- "$1" <<<"$2"; }

say "Wine prefix"
wineboot -i >/dev/null 2>&1
c=$WINEPREFIX/drive_c
# A Wine gap, not CSPDesk's: numpy 2's Windows build calls the C runtime's crealf as it is imported, which
# Wine 8 lists but leaves unimplemented (the process aborts). Windows has it. The prefix gets a copy of Wine's
# ucrtbase.dll with that stub (and six like it) filled in: installer/wine_ucrtbase.py. The installer is
# untouched.
.venv/bin/python installer/wine_ucrtbase.py "$c/windows/system32"
inst="$c/Program Files/CSPDesk"

say "1. silent install for everyone: $(basename "$setup") /S"
wine "$setup" /S
wineserver -w
for f in cspdesk.exe cspdeskw.exe uninstall.exe python/python.exe python/pythonw.exe lib/cspdesk/__init__.py; do
  [ -f "$inst/$f" ] || fail "not installed: $f"
done
ls "$inst"/lib/cspdesk/__pycache__/*.pyc >/dev/null 2>&1 || fail "the Python files were not compiled at install"
[ -f "$c/users/Public/Desktop/CSPDesk.lnk" ] || fail "no desktop shortcut"
find "$c/ProgramData/Microsoft/Windows/Start Menu" -name CSPDesk.lnk | grep -q . || fail "no Start-menu shortcut"
wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\CSPDesk' /v QuietUninstallString \
  2>/dev/null | grep -q 'uninstall.exe" /S' || fail "no uninstall entry in Programs and Features"
say "   installed: $(du -sh "$inst" | cut -f1) in Program Files"
# Two Wine gaps, not CSPDesk's, worked around here only: Python 3.12's platform module asks WMI through _wmi.pyd,
# which reaches propsys.VariantToString, unimplemented in Wine 8 (the process aborts) — without _wmi.pyd
# Python falls back to the registry, as on older Windows; and a Windows program given /dev/null as its
# standard input, or a file as its standard error, gets an invalid handle ("init_sys_streams"), so each command
# below reads an empty pipe and writes both streams to one pipe.
mv "$inst/python/_wmi.pyd" "$inst/python/_wmi.pyd.wine-off"
cspdesk() { printf '' | wine "$inst/cspdesk.exe" "$@" 2>&1 | cat; }

say "2. the smoke test against the installed cspdesk.exe (no window)"
.venv/bin/python installer/smoke_test.py --no-window -- wine "$inst/cspdesk.exe"

say "3. the user's own database, in their data folder"
about=$(cspdesk about | tr -d '\r')
echo "$about" | sed 's/^/   /' >&2
data=$(echo "$about" | sed -n 's/^Your data folder: //p')
echo "$data" | grep -q 'AppData\\Local\\CSPDesk$' || fail "the data folder is not %LOCALAPPDATA%\\CSPDesk: $data"
own="$data\\cspdesk.sqlite"
own_unix=$(winepath -u "$own" 2>/dev/null)
out=$(cspdesk demo --cases 50 | tr -d '\r')
has "Demo data written" "$out" || fail "demo data in the user's own database: $out"
[ -f "$own_unix" ] || fail "the user's database was not made at $own"
out=$(cspdesk check | tr -d '\r')
[ "$(tail -1 <<<"$out")" = OK ] && has "Database:  $own" "$out" \
  || fail "check of the user's database (no --db): $out"
before=$(sha256sum "$own_unix" | cut -c1-64)
other="$(winepath -w "$work")\\other.sqlite"
out=$(cspdesk demo --db "$other" --cases 10 | tr -d '\r')
has "Demo data written" "$out" || fail "demo data in $other: $out"
out=$(CSPDESK_DB=$other cspdesk about | tr -d '\r')
has "Database chosen by: the CSPDESK_DB environment variable" "$out" || fail "about ignores CSPDESK_DB: $out"
out=$(CSPDESK_DB=$other cspdesk check | tr -d '\r')
has "Database:  $other" "$out" || fail "check ignores CSPDESK_DB: $out"
mkdir -p "$c/ProgramData/CSPDesk"
printf '[database]\r\nurl = %s\r\n' "$other" > "$c/ProgramData/CSPDesk/cspdesk.ini"
out=$(cspdesk about | tr -d '\r')
has "Database chosen by: IT's settings file C:\\ProgramData\\CSPDesk\\cspdesk.ini" "$out" \
  || fail "about ignores IT's settings file: $out"
out=$(cspdesk check | tr -d '\r')
has "Database:  $other" "$out" || fail "check ignores IT's settings file: $out"
rm "$c/ProgramData/CSPDesk/cspdesk.ini"
[ "$(sha256sum "$own_unix" | cut -c1-64)" = "$before" ] || fail "opening other databases changed the user's"
keyed="$(winepath -w "$work")\\keyed.sqlite"
out=$(unset CSPDESK_DB_KEY; cspdesk demo --db "$keyed" --cases 5 | tr -d '\r')
has "Demo data written" "$out" || fail "a new database with its key in the Windows credential store: $out"
out=$(unset CSPDESK_DB_KEY; cspdesk check --db "$keyed" | tr -d '\r')
[ "$(tail -1 <<<"$out")" = OK ] || fail "the key was not found again in the Windows credential store: $out"
say "   the user's database, CSPDESK_DB, IT's settings file, a key in the credential store: ok"

say "4. upgrade in place: the installer again, silently"
wine "$setup" /S
wineserver -w
mv "$inst/python/_wmi.pyd" "$inst/python/_wmi.pyd.wine-off"
cspdesk check --db "$own" | tr -d '\r' | tail -1 | grep -qx OK || fail "check after the upgrade"
[ "$(sha256sum "$own_unix" | cut -c1-64)" = "$before" ] || fail "the upgrade changed the user's database"

say "5. silent uninstall keeps the user's data"
rm -f "$inst/python/_wmi.pyd.wine-off"  # what the installer put there is what it must remove
wine "$inst/uninstall.exe" /S
wineserver -w
sleep 2  # the uninstaller copies itself to a temporary folder and finishes from there
wineserver -w
[ ! -e "$inst/cspdesk.exe" ] && [ ! -e "$inst/lib" ] || fail "the program was not removed"
[ ! -e "$c/users/Public/Desktop/CSPDesk.lnk" ] || fail "the desktop shortcut was left"
if wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\CSPDesk' >/dev/null 2>&1; then
  fail "the uninstall entry was left"
fi
[ -f "$own_unix" ] || fail "uninstalling deleted the user's database"
[ "$(sha256sum "$own_unix" | cut -c1-64)" = "$before" ] || fail "uninstalling changed the user's database"
say "WINE SMOKE TEST PASSED"
