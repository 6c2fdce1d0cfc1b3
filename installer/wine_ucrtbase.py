"""Wine 8's ucrtbase.dll with the complex-number accessors numpy's Windows build calls — for the Wine smoke
test only, never shipped: installer/wine_smoke.sh writes it over the copy in its throwaway Wine prefix's
system32 and runs Wine with WINEDLLOVERRIDES=ucrtbase=n,b (the installed CSPDesk is not touched):

  python installer/wine_ucrtbase.py SYSTEM32      writes SYSTEM32/ucrtbase.dll

numpy 2's Windows build calls ``crealf`` (the real part of a float complex) from the C runtime as it is
imported. Windows has had it since Windows 10's first Universal CRT; Wine 8 lists it but leaves it
unimplemented, so under Wine the process aborts ("Call from ... to unimplemented function
ucrtbase.dll.crealf"). Each unimplemented function in Wine's ucrtbase.dll is a 24-byte stub that reports the
call and aborts; this copy overwrites the stubs of the seven one-line accessors below with their few machine
instructions (the Microsoft x64 calling convention: a float complex travels in RCX, a double complex by
pointer, a float comes back in XMM0). The "Wine builtin DLL" mark is cleared, so that Wine loads this file as
a native DLL instead of its own copy. Nothing else in the file changes. The transcendental complex functions
(csqrt, cexp ...) stay stubs: CSPDesk never calls them, and a call would stop the test with the function's
name, not pass it quietly.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

WINE_UCRTBASE = Path("/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/ucrtbase.dll")

# name -> machine code (assembled with x86_64-w64-mingw32-as; each shorter than the 24-byte stub it replaces)
CODE = {
    "crealf": bytes.fromhex("660f6ec1 c3"),  # movd xmm0, ecx; ret
    "cimagf": bytes.fromhex("48c1e920 660f6ec1 c3"),  # shr rcx, 32; movd xmm0, ecx; ret
    "creall": bytes.fromhex("f20f1001 c3"),  # movsd xmm0, [rcx]; ret  (long double is double on Windows)
    "cimag": bytes.fromhex("f20f104108 c3"),  # movsd xmm0, [rcx+8]; ret
    "cimagl": bytes.fromhex("f20f104108 c3"),
    "_FCbuild": bytes.fromhex("660f7ec0 660f7ec9 48c1e120 4809c8 c3"),  # eax=re, ecx=im, rax |= rcx << 32
    "conjf": bytes.fromhex("4889c8 480fbaf83f c3"),  # mov rax, rcx; btc rax, 63 (flip the imaginary sign)
}
STUB_SIZE = 24
STUB_START = bytes.fromhex("4883ec28 488d0d")  # sub rsp, 0x28; lea rcx, [module name] ... call the abort
BUILTIN_MARK = (0x40, b"Wine builtin DLL")


def exports(pe: bytes) -> dict[str, int]:
    """Export name -> RVA, read from the PE headers."""
    (pe_at,) = struct.unpack_from("<I", pe, 0x3C)
    opt = pe_at + 24
    if struct.unpack_from("<H", pe, opt)[0] != 0x20B:
        raise SystemExit("not a 64-bit PE file")
    export_rva, _size = struct.unpack_from("<II", pe, opt + 112)
    n_sections = struct.unpack_from("<H", pe, pe_at + 6)[0]
    opt_size = struct.unpack_from("<H", pe, pe_at + 20)[0]
    sections = []
    for i in range(n_sections):
        at = opt + opt_size + 40 * i
        vsize, vaddr, rsize, raddr = struct.unpack_from("<IIII", pe, at + 8)
        sections.append((vaddr, max(vsize, rsize), raddr))

    def offset(rva: int) -> int:
        for vaddr, size, raddr in sections:
            if vaddr <= rva < vaddr + size:
                return rva - vaddr + raddr
        raise SystemExit(f"RVA {rva:#x} is in no section")

    e = offset(export_rva)
    _n_funcs, n_names, funcs, names, ordinals = struct.unpack_from("<IIIII", pe, e + 20)
    out = {}
    for i in range(n_names):
        name_rva = struct.unpack_from("<I", pe, offset(names) + 4 * i)[0]
        name_at = offset(name_rva)
        name = pe[name_at : pe.index(b"\0", name_at)].decode("ascii")
        ordinal = struct.unpack_from("<H", pe, offset(ordinals) + 2 * i)[0]
        out[name] = offset(struct.unpack_from("<I", pe, offset(funcs) + 4 * ordinal)[0])
    return out


def patched(pe: bytes) -> bytes:
    data = bytearray(pe)
    where = exports(pe)
    for name, code in CODE.items():
        at = where[name]
        if data[at : at + len(STUB_START)] != STUB_START:
            # A newer Wine implements it: leave Wine's own.
            continue
        assert len(code) <= STUB_SIZE
        data[at : at + STUB_SIZE] = code + b"\xcc" * (STUB_SIZE - len(code))
    at, mark = BUILTIN_MARK
    if data[at : at + len(mark)] == mark:
        data[at : at + len(mark)] = bytes(len(mark))
    return bytes(data)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "ucrtbase.dll").write_bytes(patched(WINE_UCRTBASE.read_bytes()))


if __name__ == "__main__":
    main()
