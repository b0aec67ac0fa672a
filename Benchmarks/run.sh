#!/usr/bin/env bash
# The SPEC §8 benchmark, run by hand (not part of `swift test`): release build, a cached
# demo store at full scale, then the pty driver. Results go to stdout and bench-out/last.txt.
#   Benchmarks/run.sh                      # 5000 clients, 10 years (first run builds the store)
#   CLIENTS=500 YEARS=2 Benchmarks/run.sh  # a quick, smaller run
#   REBUILD=1 Benchmarks/run.sh            # rebuild the cached store
#   SCRATCH=.build-bench Benchmarks/run.sh # build in another scratch folder
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-5000}
YEARS=${YEARS:-10}
OUT=bench-out
mkdir -p "$OUT"
DB="$OUT/demo-${CLIENTS}x${YEARS}.sqlite"

build=(swift build -c release)
if [ -n "${SCRATCH:-}" ]; then build+=(--scratch-path "$SCRATCH"); fi
echo "== release build"
"${build[@]}" 2>&1 | tail -n 2
BIN="$("${build[@]}" --show-bin-path)/caseload"

# The store takes minutes to build at full scale: keep it, but only while it is current for today
# (the demo is dated around the day it was made; a stale one still works, today's lists just thin out).
if [ ! -f "$DB" ] || [ "${REBUILD:-0}" = "1" ]; then
    echo "== building $DB (demo --clients $CLIENTS --years $YEARS)"
    rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.lock"
    start=$(date +%s.%N)
    "$BIN" demo --db "$DB" --clients "$CLIENTS" --years "$YEARS" | tee "$OUT/demo-${CLIENTS}x${YEARS}.txt"
    end=$(date +%s.%N)
    python3 -c "print(round($end - $start, 1))" > "$DB.seconds"
else
    echo "== using the cached $DB (REBUILD=1 to rebuild)"
fi
seconds=$(cat "$DB.seconds" 2>/dev/null || echo "")
bytes=$(stat -c %s "$DB")

# Navigation runs as the demo's first clinical supervisor, its clinical director (the other supervisors report
# to them), over their team (v once: mine -> team), so the table really has every client of the program in it:
# the widest view the roles allow anyone (README, Roles).
supervisor=$(sed -n 's/.*--as: \([^ ]*\) (clinical supervisor).*/\1/p' "$OUT/demo-${CLIENTS}x${YEARS}.txt" 2>/dev/null || true)
nav=()
if [ -n "$supervisor" ]; then nav=(--nav-as "$supervisor" --scope-presses 1); fi

echo "== driving $BIN in an 80x24 pty"
python3 Benchmarks/tui_bench.py --bin "$BIN" --db "$DB" "${nav[@]}" \
    --demo-seconds "$seconds" --demo-bytes "$bytes" \
    --demo-label "demo --clients $CLIENTS --years $YEARS" "$@" | tee "$OUT/last.txt"

# Note search (FTS5) at full scale, through the store's own code path.
if [ -n "$supervisor" ]; then
    echo "== note search timings"
    build_bench=(swift build -c release --product caseload-bench)
    if [ -n "${SCRATCH:-}" ]; then build_bench+=(--scratch-path "$SCRATCH"); fi
    "${build_bench[@]}" 2>&1 | tail -n 1
    "$("${build[@]}" --show-bin-path)/caseload-bench" --db "$DB" --as "$supervisor" ${SEARCH_ARGS:-} | tee -a "$OUT/last.txt"
fi
