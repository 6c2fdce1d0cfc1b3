"""Benchmark: open a case with 200 chronology entries and 20 attachments on a 100,000-case database,
and save it. Target: each at most 150 ms.

    cspdesk demo --db /tmp/bench100k.sqlite --cases 100000      # once
    QT_QPA_PLATFORM=offscreen python bench/bench_case_view.py --db /tmp/bench100k.sqlite

"open" is building the case window as a user gets it (header and the Overview tab; other tabs load when
first shown); "open, all tabs" also loads People, Incidents, Risk, Actions, Chronology (200+ entries)
and Documents (20 attachments) — the worst case. "save" is saving a changed title from the Overview
tab, including the window reloading what it shows. Each is reported as wall time and as the CPU time
of this process (the second is what the work costs when the machine is not busy with other things).
The first run adds the chronology entries and attachments to one case.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def prepare(services, chronology: int, attachments: int):
    from sqlalchemy import text

    from cspdesk.core.services.cases.case_list import CaseQuery

    with services.database.engine.connect() as conn:
        row = conn.execute(
            text(
                "select c.id from asb_case c join app_setting s on s.key = 'bench.case' "
                "and s.value = json_quote(c.reference)"
            )
        ).first()
    if row is not None:
        import uuid

        return uuid.UUID(row[0]) if isinstance(row[0], str) else row[0]
    ids = services.case_list.case_ids(CaseQuery(status="open"))
    case_id = ids[len(ids) // 2]
    actor = services.actor
    have = len(services.chronology.entries(case_id))
    for i in range(chronology - have):
        services.chronology.add_note(
            actor, case_id, f"Benchmark note {i + 1}: phoned complainant, no change", "Long body text. " * 20
        )
    photo = os.urandom(250_000)  # about the size of a phone photo, incompressible
    for i in range(attachments):
        services.attachments.add_bytes(actor, case_id, [(f"photo-{i + 1:02d}.jpg", photo + bytes([i]))])
    reference = services.case_edit.detail(case_id).reference
    with services.database.engine.begin() as conn:
        conn.execute(
            text(
                "insert into app_setting (id, key, value, created_at, updated_at, version) "
                "values (:id, 'bench.case', json_quote(:ref), datetime(), datetime(), 1)"
            ),
            {"id": __import__("uuid").uuid4().hex, "ref": reference},
        )
    return case_id


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--runs", type=int, default=15)
    args = p.parse_args()
    os.environ.setdefault("CSPDESK_USER", "bench.admin")
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database
    from cspdesk.gui.app import create_application
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.pages.case_view import CaseView

    app = QApplication.instance() or create_application(sys.argv)
    db = open_database(args.db)
    services = build_services(db, "sarah.bancroft")
    case_id = prepare(services, 200, 20)
    n_chron = len(services.chronology.entries(case_id))
    n_docs = len(services.attachments.documents(case_id))
    cases = services.dashboard.summary().total_cases

    class Quiet:
        parent = None

        def __getattr__(self, name):
            return lambda *a, **k: None

    bus = Bus()
    results: dict[str, list[tuple[float, float]]] = {"open": [], "open, all tabs": [], "save": []}
    view = None

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def since(t: tuple[float, float]) -> tuple[float, float]:
        w, c = clock()
        return (w - t[0]) * 1000, (c - t[1]) * 1000

    def close(v) -> None:
        v.overview.dirty = False
        v.close()
        v.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # as the event loop would

    for i in range(args.runs + 1):
        t = clock()
        view = CaseView(services, bus, Quiet(), case_id)
        app.processEvents()
        opened = since(t)
        close(view)
        t = clock()
        view = CaseView(services, bus, Quiet(), case_id)
        view.load_all()
        app.processEvents()
        all_tabs = since(t)
        view.overview.title.setText(f"Benchmark title {i}")
        view.overview._changed()
        t = clock()
        assert view.overview.save()
        app.processEvents()
        saved = since(t)
        close(view)
        if i:  # the first run warms caches and imports
            results["open"].append(opened)
            results["open, all tabs"].append(all_tabs)
            results["save"].append(saved)

    def show(name, xs):
        wall = [w for w, _ in xs]
        cpu = [c for _, c in xs]
        print(
            f"{name:<15} wall median {statistics.median(wall):6.1f} ms  max {max(wall):6.1f} ms   "
            f"CPU median {statistics.median(cpu):6.1f} ms  max {max(cpu):6.1f} ms   (runs: {len(xs)})"
        )

    print(
        f"Database: {args.db} — {cases:,} cases; case with {n_chron} chronology entries, {n_docs} attachments"
    )
    for name, xs in results.items():
        show(name, xs)
    print(f"Machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
