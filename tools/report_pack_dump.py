"""Dump everything the report pack returns for several periods, to prove a restructure changed no result.

    PYTHONPATH=. .venv/bin/python tools/report_pack_dump.py --db COPY.sqlite --out DIR [--user bench.user]
    diff -r --exclude='*.pdf' BEFORE_DIR AFTER_DIR

Run it on a copy of the same database from both checkouts (an older one whose measures carried their records
works too). Per period: every measure with every trace row in order, the printed sentences, the priorities
cells, the pack CSV, the quarterly return and its CSV, and the PDF's text for the ``--pdf`` periods.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from dataclasses import astuple
from datetime import date
from pathlib import Path

from cspdesk.core.clock import FixedClock

PERIODS = [
    "2021/22",
    "2022/23",
    "2025/26",
    "2026/27",
    "2024",
    "2023-07-15..2024-01-20",
    "2022-05-10..2022-08-31",
    "2035/36",
]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--user", default="admin.user")
    p.add_argument("--pdf", nargs="*", default=["2022/23", "2025/26"])
    p.add_argument("--periods", nargs="*", default=PERIODS)
    a = p.parse_args()
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    db = open_database(a.db)
    s = build_services(db, a.user, clock=FixedClock(date(2026, 11, 26)))
    svc = s.report_pack
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for period in a.periods:
        slug = period.replace("/", "-")
        t0 = time.perf_counter()
        pack = svc.pack(period)
        t1 = time.perf_counter()
        ret = svc.quarterly(period)
        t2 = time.perf_counter()
        lines = [
            repr(
                (
                    pack.period,
                    pack.previous,
                    pack.council,
                    pack.area,
                    pack.empty,
                    pack.empty_message,
                    pack.produced_on,
                    pack.wording,
                )
            ),
            repr(pack.crime),
        ]
        total = 0
        for m in pack.measures:
            tr = m.trace if hasattr(m, "trace") else svc.trace(pack.period, m.key)
            total += len(tr)
            lines.append(repr((m.key, m.section, m.label, m.count, m.sentence, m.group, m.in_text, len(tr))))
            lines.extend("    " + repr(astuple(t)) for t in tr)
        for row in pack.priorities:
            lines.append(repr((row.theme, row.label)))
            for c in row.cells:
                lines.append(
                    repr(
                        (
                            "  cell",
                            c.column,
                            c.current.key,
                            c.current.count,
                            c.previous.key,
                            c.previous.count,
                            c.change,
                            c.change_text,
                            c.current.label,
                            c.previous.label,
                        )
                    )
                )
        for m in pack.measures:
            lines.append(repr(("sentence", m.key, pack.sentence(m.key), pack.edit_is_stale(m.key))))
        (out / f"pack-{slug}.txt").write_text("\n".join(lines) + "\n")
        (out / f"pack-{slug}.csv").write_text(svc.csv(period))
        (out / f"quarterly-{slug}.csv").write_text(svc.quarterly_csv(ret))
        (out / f"quarterly-{slug}.txt").write_text(repr(ret) + "\n")
        if period in a.pdf:
            from pypdf import PdfReader

            pdf = svc.write_pdf(period, out / f"pack-{slug}.pdf")
            text = "\n".join(pg.extract_text() for pg in PdfReader(str(pdf)).pages)
            (out / f"pdf-{slug}.txt").write_text(text)
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]
        print(
            f"{period}: pack {t1 - t0:.2f}s quarterly {t2 - t1:.2f}s measures {len(pack.measures)} "
            f"trace rows {total:,} sha {digest}",
            flush=True,
        )
    db.engine.dispose()


if __name__ == "__main__":
    main()
