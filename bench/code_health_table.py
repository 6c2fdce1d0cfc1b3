"""Reads the raw output of bench/bench_code_health.sh (OUT_DIR) and prints the before/after table for
docs/PERFORMANCE.md: per measure the median over the pairs of each side's figure, wall and CPU.

    python bench/code_health_table.py OUT_DIR [BEFORE_NAME AFTER_NAME]
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path


def figures(out: Path, name: str, pair: int) -> dict[str, tuple[float, float]]:
    """{measure: (wall, cpu)} for one tree and pair (seconds, or ms where the label says so)."""
    got: dict[str, tuple[float, float]] = {}
    lines = (out / f"{name}-startup-{pair}.txt").read_text().splitlines()
    first, ready, cpu, cpu_first, cpu_ready = [], [], [], [], []
    for line in lines:
        parts = line.split()
        if len(parts) in (4, 6) and re.fullmatch(r"[\d.]+", parts[0]):
            first.append(float(parts[0]))
            ready.append(float(parts[3]))
            if len(parts) == 6:  # the probe's own CPU at the first page and when every service is loaded
                cpu_first.append(float(parts[4]))
                cpu_ready.append(float(parts[5]))
        elif line.startswith("cpu_s "):
            cpu.append(float(parts[1]) + float(parts[2]))
    if cpu_first:
        got["Start → first page of cases (s)"] = (statistics.median(first), statistics.median(cpu_first))
        got["Start → every service loaded (s)"] = (statistics.median(ready), statistics.median(cpu_ready))
        got["Start-up process as a whole, to its exit (CPU s)"] = (float("nan"), statistics.median(cpu))
        return _rest(out, name, pair, got)
    got["Start → first page of cases (s; CPU = whole process)"] = (
        statistics.median(first),
        statistics.median(cpu),
    )
    got["Start → every service loaded (s)"] = (statistics.median(ready), float("nan"))
    return _rest(out, name, pair, got)


def _rest(
    out: Path, name: str, pair: int, got: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """The search, reports, merge and import figures of one tree and pair."""
    for line in (out / f"{name}-search-{pair}.txt").read_text().splitlines():
        m = re.match(r"(.+) wall_ms ([\d.]+) cpu_ms ([\d.]+)", line)
        if m:
            got[f"Case list: {m[1]} (ms)"] = (float(m[2]), float(m[3]))
    for line in (out / f"{name}-reports-{pair}.txt").read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"[\d.]+", cells[1]):
            label = re.sub(r"\(.*?\)", "", cells[0]).strip()
            got[f"Reports: {label.replace(', one after another', ', in turn')} (s)"] = (
                float(cells[1]),
                float(cells[4]),
            )
    for line in (out / f"{name}-merge-{pair}.txt").read_text().splitlines():
        m = re.match(r"1 process, (\w+) merge\s*: median\s+([\d.]+) s wall.*CPU\s+([\d.]+) s", line)
        if m:
            got[f"Mail merge, 200 letters, {m[1]} merge (s)"] = (float(m[2]), float(m[3]))
    for line in (out / f"{name}-figures-{pair}.txt").read_text().splitlines():
        m = re.match(r"\| 1 \| ([\d.]+) s \| ([\d.]+) s \|.*\| [\d.]+ / ([\d.]+) s", line)
        if m:
            got["police.uk import, 200,000 rows (s)"] = (float(m[2]), float(m[3]))
    return got


def main() -> int:
    out = Path(sys.argv[1])
    before, after = (
        (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else ("wt-health2-before", "wt-health2-after")
    )
    pairs = sorted(
        int(p.stem.rsplit("-", 1)[1]) for p in out.glob(f"{after}-figures-*.txt") if p.stat().st_size
    )
    rows: dict[str, list[list[tuple[float, float]]]] = {}
    for pair in pairs:
        b, a = figures(out, before, pair), figures(out, after, pair)
        for k in b:
            if k in a:
                rows.setdefault(k, [[], []])
                rows[k][0].append(b[k])
                rows[k][1].append(a[k])
    loads = [
        (out / f"{n}-uptime-{p}.txt").read_text().split("load average:")[1].strip()
        for p in pairs
        for n in (before, after)
    ]
    print(f"{len(pairs)} pairs; load averages at the start of each run: {'; '.join(loads)}\n")
    print("| Measure | Before: wall / CPU | After: wall / CPU | Change, CPU (wall) |")
    print("|---|---:|---:|---:|")
    for k, (b, a) in rows.items():
        bw, bc = statistics.median(x[0] for x in b), statistics.median(x[1] for x in b)
        aw, ac = statistics.median(x[0] for x in a), statistics.median(x[1] for x in a)
        cpu = "—" if bc != bc else f"{(ac / bc - 1) * 100:+.0f} %"
        wall = "—" if bw != bw else f"{(aw / bw - 1) * 100:+.0f} %"
        b_txt = f"{bc:.3g}" if bw != bw else f"{bw:.3g} / {bc:.3g}"
        a_txt = f"{ac:.3g}" if aw != aw else f"{aw:.3g} / {ac:.3g}"
        print(f"| {k} | {b_txt} | {a_txt} | {cpu} ({wall}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
