"""Golden images: page 1 of every default template (and the case summary) against a stored low-resolution
PNG, so a change that moves the address out of the window or breaks the letterhead is seen.

Regenerate after an intended change of layout (and look at the result before committing it):
    CSPDESK_UPDATE_GOLDEN=1 pytest tests/core/test_letters_golden.py
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

from cspdesk.core.reports import default_templates, demo_values, render_letter
from cspdesk.core.reports.case_summary import demo_case_summary, render_case_summary

from .letters_helpers import LETTERHEAD

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("CSPDESK_UPDATE_GOLDEN") == "1"
# Mean absolute difference per pixel (0-255). Identical renders give 0; font hinting or a poppler
# upgrade moves edges by a pixel (well under 1); a moved block or missing logo gives several.
TOLERANCE = 1.5

PDFTOPPM = shutil.which("pdftoppm")

Gray = tuple[int, int, bytes]  # width, height, one byte per pixel


def rasterise(pdf: bytes) -> Gray:
    assert PDFTOPPM, "pdftoppm (poppler-utils) is needed for the golden images: tools/setup.sh installs it"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "page.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            [
                PDFTOPPM,
                "-r",
                "30",
                "-gray",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(src),
                str(Path(tmp) / "page"),
            ],
            capture_output=True,
            check=True,
            timeout=60,
        )
        return parse_pgm((Path(tmp) / "page.pgm").read_bytes())


def parse_pgm(data: bytes) -> Gray:
    """Binary PGM (P5): a tiny text header, then the pixels."""
    assert data.startswith(b"P5"), "pdftoppm did not write a PGM"
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    magic, w, h, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    assert magic == b"P5" and maxval == 255
    return w, h, data[pos + 1 : pos + 1 + w * h]


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def write_png(path: Path, img: Gray) -> None:
    w, h, px = img
    raw = b"".join(b"\x00" + px[r * w : (r + 1) * w] for r in range(h))  # filter 0 on every row
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)  # 8-bit greyscale
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def read_png(path: Path) -> Gray:
    """8-bit greyscale PNG, as written above or by any tool (all five row filters handled)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w, h = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour == 0, "golden PNGs are 8-bit greyscale"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    out = bytearray()
    prev = bytearray(w)
    for r in range(h):
        f, line = raw[r * (w + 1)], bytearray(raw[r * (w + 1) + 1 : (r + 1) * (w + 1)])
        for i in range(w):
            a = line[i - 1] if i else 0
            b, c = prev[i], prev[i - 1] if i else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    return w, h, bytes(out)


def mean_abs_diff(a: Gray, b: Gray) -> float:
    assert a[:2] == b[:2], f"size changed: {a[:2]} vs {b[:2]}"
    return sum(abs(x - y) for x, y in zip(a[2], b[2], strict=True)) / len(a[2])


def _documents() -> dict[str, bytes]:
    docs = {}
    for code, t in default_templates().items():
        docs[code] = render_letter(t.body, demo_values(), LETTERHEAD, protective_marking=t.protective_marking)
    docs["case_summary"] = render_case_summary(demo_case_summary(), LETTERHEAD)
    return docs


@pytest.mark.parametrize("name", [*default_templates(), "case_summary"])
def test_page_one_matches_golden(name):
    image = rasterise(_documents_cache()[name])
    path = GOLDEN / f"{name}.png"
    if UPDATE or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        write_png(path, image)
        if not UPDATE:
            pytest.fail(f"No golden image for {name}: wrote {path}; look at it, then commit it")
    diff = mean_abs_diff(image, read_png(path))
    assert diff <= TOLERANCE, f"{name}: page 1 differs from {path.name} by {diff:.2f} (tolerance {TOLERANCE})"


def test_golden_comparison_notices_a_moved_address():
    t = default_templates()["cpw"]
    values = demo_values()
    base = rasterise(render_letter(t.body, values, LETTERHEAD))
    moved = rasterise(render_letter(t.body, {**values, "recipient_address": ["Elsewhere"]}, LETTERHEAD))
    assert mean_abs_diff(base, moved) > 0.3  # the address block alone is a small part of the page


_CACHE: dict[str, bytes] = {}


def _documents_cache() -> dict[str, bytes]:
    if not _CACHE:
        _CACHE.update(_documents())
    return _CACHE
