"""Benchmark: correcting a case on a 100,000-case database — a party changed, an incident corrected, an
incident marked as a duplicate and back — each as the officer sees it: the service call, then the case window
reloading the header and the tab. Target: like a save, at most 150 ms.

    cspdesk demo --db /tmp/bench100k.sqlite --cases 100000      # once
    QT_QPA_PLATFORM=offscreen python bench/bench_case_edits.py --db /tmp/bench100k.sqlite

The case is the open case with the most incidents. Each run changes a value and the next changes it back, so
the case does not drift (its chronology grows by the lines each change writes). Reported as wall time and as
the CPU time of this process, median and max of ``--runs`` after one warm-up run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--runs", type=int, default=15)
    args = p.parse_args()
    os.environ.setdefault("CSPDESK_USER", "bench.admin")
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import text

    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database
    from cspdesk.gui.app import create_application
    from cspdesk.gui.bus import Bus
    from cspdesk.gui.pages.case_view import CaseView

    app = QApplication.instance() or create_application(sys.argv)
    db = open_database(args.db)
    services = build_services(db, "sarah.bancroft")
    with db.engine.connect() as conn:
        row = conn.execute(
            text(
                "select c.id, count(*) n from asb_case c join incident i on i.case_id = c.id "
                "where c.status = 'open' group by c.id order by n desc, c.reference limit 1"
            )
        ).first()
    import uuid

    case_id = uuid.UUID(row[0]) if isinstance(row[0], str) else row[0]

    class Quiet:
        parent = None

        def __getattr__(self, name):
            return lambda *a, **k: None

    bus = Bus()
    view = CaseView(services, bus, Quiet(), case_id)
    view.load_all()
    people, incidents = view.panel("People"), view.panel("Incidents")
    actor = services.actor

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def timed(work) -> tuple[float, float]:
        w0, c0 = clock()
        work()
        app.processEvents()
        w1, c1 = clock()
        return (w1 - w0) * 1000, (c1 - c0) * 1000

    def change_party(i: int) -> None:
        party = services.parties.parties(case_id)[0]
        d = services.party_edit.detail(case_id, party.id)
        changes = services.party_edit.edit(
            actor, case_id, party.id, d.versions, d.value, replace(d.value, notes=f"bench {i % 2}")
        )
        view.show_tab("People")
        bus.changes_applied.emit(changes)

    def correct_incident(i: int) -> None:
        inc = services.incidents.incidents(case_id)[0]
        d = services.incident_edit.detail(case_id, inc.id)
        out = services.incident_edit.edit(
            actor, case_id, inc.id, d.version, d.value, replace(d.value, police_reference=f"BENCH-{i % 2}")
        )
        view.show_tab("Incidents")
        bus.changes_applied.emit(out.changes)

    def mark_and_unmark(_i: int) -> None:
        rows = [r for r in services.incidents.incidents(case_id) if r.duplicate_of_id is None]
        out = services.incident_edit.mark_duplicate(actor, case_id, rows[0].id, rows[1].id)
        bus.changes_applied.emit(out.changes)
        out = services.incident_edit.unmark_duplicate(actor, case_id, rows[0].id)
        bus.changes_applied.emit(out.changes)

    results: dict[str, list[tuple[float, float]]] = {
        "load People": [],
        "load Incidents": [],
        "change a party": [],
        "correct an incident": [],
        "mark + unmark": [],
    }
    for i in range(args.runs + 1):
        measured = {
            "load People": timed(people.load),
            "load Incidents": timed(incidents.load),
            "change a party": timed(lambda i=i: change_party(i)),
            "correct an incident": timed(lambda i=i: correct_incident(i)),
            "mark + unmark": timed(lambda i=i: mark_and_unmark(i)),
        }
        if i:  # the first run warms caches and imports
            for k, v in measured.items():
                results[k].append(v)

    n_inc = len(services.incidents.incidents(case_id))
    print(
        f"Database: {args.db} — case {services.case_edit.detail(case_id).reference} with {n_inc} incidents, "
        f"{len(services.chronology.entries(case_id))} chronology entries"
    )
    for name, xs in results.items():
        wall = [w for w, _ in xs]
        cpu = [c for _, c in xs]
        print(
            f"{name:<20} wall median {statistics.median(wall):6.1f} ms  max {max(wall):6.1f} ms   "
            f"CPU median {statistics.median(cpu):6.1f} ms  max {max(cpu):6.1f} ms   (runs: {len(xs)})"
        )
    print(f"Machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    view.overview.dirty = False
    view.close()
    db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
