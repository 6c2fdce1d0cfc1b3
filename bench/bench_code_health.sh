#!/usr/bin/env bash
# Code health before/after (issue 20): the same benchmarks on two checkouts, interleaved pair by pair, each
# tree running its own bench/ scripts on its own code (PYTHONPATH) with one .venv. Raw output goes to
# OUT/<tree>-<bench>-<pair>.txt; the table in docs/PERFORMANCE.md is read from there.
#
#   CSPDESK_DB_KEY=... flock /tmp/cspdesk-bench.lock bash bench/bench_code_health.sh \
#       BEFORE_TREE AFTER_TREE DB_100K OUT_DIR [PAIRS [FIRST_PAIR]]
#
# DB_100K: an encrypted 100,000-case demo database (`cspdesk demo --cases 100000`, then `cspdesk encrypt`);
# each tree gets its own copy, signed in once before timing.
set -euo pipefail
BEFORE=$1 AFTER=$2 DB=$3 OUT=$4 PAIRS=${5:-3} FIRST=${6:-1}
PY=${PY:-$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/python}
: "${CSPDESK_DB_KEY:?set CSPDESK_DB_KEY (the key of DB_100K)}"
mkdir -p "$OUT"
# One start-up probe for both trees (the after tree's: it also prints the CPU at the first page and when every
# service is loaded; it uses only bootstrap.start_window/finish_start, which both trees have).
PROBE=$AFTER/bench/startup_probe.py
export QT_QPA_PLATFORM=offscreen
SEARCH=$(cat <<'PYEOF'
import sys, time, statistics
try:
    from cspdesk.core.services.cases.case_list import CaseQuery
except ImportError:  # before the one-package-per-area move
    from cspdesk.core.services.case_list import CaseQuery
from cspdesk.core.services.registry import build_services
from cspdesk.core.storage.database import open_database
s = build_services(open_database(sys.argv[1]), "bench.user")
for label, q, runs in (("surname", CaseQuery(text="Smith"), 15), ("postcode", CaseQuery(text="DE11"), 15),
                       ("all ids", CaseQuery(), 5)):
    s.case_list.case_ids(q)
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        s.case_list.case_ids(q)
        wall.append((time.perf_counter() - t) * 1000); cpu.append((time.process_time() - c) * 1000)
    print(f"{label} wall_ms {statistics.median(wall):.2f} cpu_ms {statistics.median(cpu):.2f}")
PYEOF
)
CSV="$OUT/2021-01-bench-street.csv"  # one police.uk-style file of 200,000 rows for both trees
[ -f "$CSV" ] || (cd "$AFTER" && PYTHONPATH=$AFTER:$AFTER/bench "$PY" -c \
    "import sys, bench_figures as b; from pathlib import Path; b.generate(Path(sys.argv[1]), 200_000)" "$CSV")
for tree in "$BEFORE" "$AFTER"; do
    name=$(basename "$tree")
    cp "$DB" "$OUT/$name.sqlite"
    # bench.user signs in once and is made an officer (a new name signs in as a partner, who sees no cases)
    (cd "$tree" && PYTHONPATH=$tree "$PY" -c "
import sys
from cspdesk.core.services.registry import build_services
from cspdesk.core.storage.database import open_database
from cspdesk.core.storage.encryption import connect_file
build_services(open_database(sys.argv[1]), 'bench.user')
c = connect_file(sys.argv[1])
c.execute(\"update app_user set role='officer' where username='bench.user'\")
c.commit()
" "$OUT/$name.sqlite")
    # warm-up (tolerating the teardown crash below)
    (cd "$tree" && PYTHONPATH=$tree "$PY" "$PROBE" "$OUT/$name.sqlite" > /dev/null) || true
done
for pair in $(seq "$FIRST" "$PAIRS"); do
    for tree in "$BEFORE" "$AFTER"; do
        name=$(basename "$tree"); db="$OUT/$name.sqlite"; o="$OUT/$name"
        cd "$tree"; export PYTHONPATH=$tree
        uptime > "$o-uptime-$pair.txt"
        for i in 1 2 3; do
            CSPDESK_PROBE_STARTED=$("$PY" -c 'import time; print(repr(time.time()))') \
                /usr/bin/time -f "cpu_s %U %S" "$PY" "$PROBE" "$db" \
                >> "$o-startup-$pair.txt" 2>&1 \
                || true  # Qt sometimes crashes tearing the window down, after the probe has printed
        done
        "$PY" -c "$SEARCH" "$db" > "$o-search-$pair.txt" 2>&1
        "$PY" bench/bench_report_pack.py --db "$db" --repeat 3 > "$o-reports-$pair.txt" 2>&1
        "$PY" bench/bench_mail_merge.py --n 200 --workers 1 --repeat 1 > "$o-merge-$pair.txt" 2>&1
        "$PY" bench/bench_figures.py --rows 200000 --repeat 1 --file "$CSV" \
            > "$o-figures-$pair.txt" 2>&1
    done
done
echo done > "$OUT/finished"
