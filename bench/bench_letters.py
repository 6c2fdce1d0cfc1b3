"""Mail-merge speed: 500 letters in one batch, letters per second and peak memory, against raw ReportLab
drawing an equivalent one-page letter (same embedded font, same logo, ~20 lines) on a bare canvas.

    PYTHONPATH=. python bench/bench_letters.py [--n 500] [--template case_review_threshold]

Figures go into docs/PERFORMANCE.md. Not a test: timings vary with the machine and its load.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cspdesk.core.reports import (  # noqa: E402
    LetterheadSettings,
    LetterJob,
    default_templates,
    demo_values,
    render_batch,
)
from cspdesk.core.reports.fonts import REGULAR, register_fonts  # noqa: E402
from cspdesk.core.reports.letterhead import default_logo_path  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def jobs(n: int, code: str) -> list[LetterJob]:
    t = default_templates()[code]
    lh = LetterheadSettings(officer_name="Priya Sharma")
    base = demo_values()
    return [
        LetterJob(
            t.body,
            {**base, "recipient_name": f"Resident {i}", "reference": f"CSP/2025/{i:04d}"},
            lh,
            protective_marking=t.protective_marking,
            title=t.name,
        )
        for i in range(n)
    ]


def raw_reportlab(n: int) -> float:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()
    logo = str(default_logo_path())
    lines = ["We have considered your application for an Anti-social Behaviour Case Review."] * 20
    start = time.perf_counter()
    for i in range(n):
        buf = io.BytesIO()
        c = Canvas(buf, pagesize=A4, invariant=1)
        c.drawImage(logo, 20 * mm, 260 * mm, width=51 * mm, height=18 * mm, mask="auto")
        c.setFont(REGULAR, 11)
        for j, text in enumerate([f"Resident {i}", "Flat 2, Zoë Court", "Swadlincote", "DE11 0AA", *lines]):
            c.drawString(20 * mm, (240 - j * 6) * mm, text)
        c.drawCentredString(105 * mm, 14 * mm, "Page 1 of 1")
        c.showPage()
        c.save()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--template", default="case_review_threshold")
    args = ap.parse_args()
    items = jobs(args.n, args.template)
    render_batch(items[:2], combined=False)  # warm: fonts registered, template parsed, logo prepared
    rss0 = peak_rss_mb()

    t0 = time.perf_counter()
    files = render_batch(items, combined=False)
    separate = time.perf_counter() - t0
    rss1 = peak_rss_mb()

    t0 = time.perf_counter()
    combined = render_batch(items, combined=True)
    together = time.perf_counter() - t0
    rss2 = peak_rss_mb()

    raw = raw_reportlab(args.n)
    n = args.n
    print(f"template {args.template}, {n} letters, {sum(len(f) for f in files) / n / 1024:.0f} KB each")
    print(
        f"one PDF per letter : {separate:6.2f} s  {n / separate:6.1f} letters/s  peak RSS {rss1:.0f} MB "
        f"(+{rss1 - rss0:.0f} MB)"
    )
    print(
        f"one combined PDF   : {together:6.2f} s  {n / together:6.1f} letters/s  peak RSS {rss2:.0f} MB "
        f"(+{rss2 - rss0:.0f} MB), {len(combined) / 1024 / 1024:.1f} MB file"
    )
    print(f"raw ReportLab      : {raw:6.2f} s  {n / raw:6.1f} letters/s (bare canvas, same font and logo)")


if __name__ == "__main__":
    main()
