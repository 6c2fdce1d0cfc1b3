"""Mail-merge speed: 500 letters in one batch, letters per second and peak memory, against raw ReportLab
drawing an equivalent one-page letter (same embedded font, same logo, ~20 lines) on a bare canvas.

    PYTHONPATH=. python bench/bench_letters.py [--n 500] [--template case_review_threshold] [--workers 2]

"Each letter laid out alone" is how merged letters were made before (one document per letter); a merge now
lays them out 50 at a time and cuts them apart ("one PDF each (cut)"), with the print file alongside.

Besides wall-clock time it prints CPU time (this process and its workers): on a loaded machine the wall
clock mostly measures the other programs, the CPU time what a letter costs.

Figures go into docs/PERFORMANCE.md. Not a test: timings vary with the machine and its load.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
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


def cpu_seconds() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def accelerated() -> bool:
    try:
        import _rl_accel  # noqa: F401  (ReportLab's optional C speed-ups: the rl-accel package)
    except ImportError:
        return False
    return True


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
    ap.add_argument(
        "--workers", type=int, default=1, help="processes rendering the merge (this one included)"
    )
    args = ap.parse_args()
    from cspdesk.core.reports.batch import render_merge
    from cspdesk.core.reports.letter import build_pdf

    items = jobs(args.n, args.template)
    render_batch(items[:2], combined=False)  # warm: fonts registered, template parsed, logo prepared
    rss0 = peak_rss_mb()
    n = args.n

    def timed(label: str, fn):
        c0, t0 = cpu_seconds(), time.perf_counter()
        out = fn()
        wall = time.perf_counter() - t0
        end = time.monotonic() + 30
        while multiprocessing.active_children() and time.monotonic() < end:
            time.sleep(0.05)  # helpers' CPU time is counted once they have exited and been waited for
        cpu = cpu_seconds() - c0
        rss = peak_rss_mb()
        print(
            f"{label:<34}: {wall:6.2f} s wall {n / wall:6.1f} letters/s | CPU {cpu:6.2f} s "
            f"{n / cpu:6.1f} letters/CPU-s | peak RSS {rss:.0f} MB (+{rss - rss0:.0f} MB)"
        )
        return out

    print(
        f"template {args.template}, {n} letters, rl-accel {'on' if accelerated() else 'off'}, "
        f"{args.workers} process{'es' if args.workers > 1 else ''}"
    )
    timed("each letter laid out alone", lambda: [build_pdf([job]) for job in items])
    combined = timed("one combined PDF", lambda: render_batch(items, combined=True))
    files, print_file = timed(
        f"one PDF each (cut), {args.workers} proc.", lambda: render_merge(items, workers=args.workers)
    )
    _, print_file = timed(
        f"each + print file, {args.workers} proc.",
        lambda: render_merge(items, combined=True, workers=args.workers),
    )
    print(
        f"files: {sum(len(f) for f in files) / n / 1024:.0f} KB each; "
        f"one combined PDF {len(combined) / 1024 / 1024:.1f} MB; print "
        f"file (chunks joined) {len(print_file) / 1024 / 1024:.1f} MB"
    )
    c0 = cpu_seconds()
    raw = raw_reportlab(n)
    cpu = cpu_seconds() - c0
    print(
        f"{'raw ReportLab (bare canvas)':<34}: {raw:6.2f} s wall {n / raw:6.1f} letters/s | CPU {cpu:6.2f} s "
        f"{n / cpu:6.1f} letters/CPU-s"
    )


if __name__ == "__main__":
    main()
