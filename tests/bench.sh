#!/bin/sh
# make bench: speed and memory of roadlog on generated data of a stated
# size, one core (taskset -c 0), best of 5 runs.  Figures: records/s,
# MB/s, peak RSS and bytes per buffered fix (the machine is a VM whose speed
# varies from run to run: the best run is the figure).
#   tests/bench.sh ROADLOG FIXTURE_BIN_DIR
set -eu
ROADLOG=$(realpath "$1")
BIN=$(realpath "$2")
TOP=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${BENCH_ROWS:-2000000}
DIR=$TOP/build/bench/rows-$ROWS
mkdir -p "$DIR"
CPU="taskset -c ${BENCH_CPU:-0}"
command -v taskset >/dev/null || CPU=""

# a fleet of an older generator (no alarm words, no active-safety items:
# no safety_items in its manifest) is made again
if [ ! -f "$DIR/gps.csv" ] || ! grep -q '^safety_items=' "$DIR/manifest.txt" 2>/dev/null; then
    echo "generating a $ROWS-row fleet in $DIR ..."
    rm -f "$DIR/gps.808" "$DIR/gps.pcap"
    # the alarm scenarios too (RULES.md §8); normal terminals send tyre
    # reports and road signs (active-safety items that are not alarms)
    "$BIN/genfleet" --out "$DIR" --rows "$ROWS" --inject speeding,night_speeding,alarm --quiet
    gzip -6 -c "$DIR/gps.csv" >"$DIR/gps.csv.gz"
fi
# Every step below is required: a generator or a benchmark that cannot
# run stops `make bench` with its error (set -e), never a missing line.
if [ ! -f "$DIR/gps.808" ] || [ ! -f "$DIR/gps.pcap" ]; then
    "$BIN/gen808" "$DIR/gps.csv" "$DIR/gps.808.tmp" "$DIR/gps.pcap.tmp" >/dev/null
    mv "$DIR/gps.808.tmp" "$DIR/gps.808"
    mv "$DIR/gps.pcap.tmp" "$DIR/gps.pcap"
fi
if [ ! -f "$DIR/weigh.csv" ]; then
    "$BIN/genweigh" "$DIR/weigh.csv.tmp" "$ROWS" --registry "$DIR/registry.csv" >/dev/null
    mv "$DIR/weigh.csv.tmp" "$DIR/weigh.csv"
fi
BENCH_JT808=$TOP/build/tests/bench_jt808
[ -x "$BENCH_JT808" ] || { echo "bench: $BENCH_JT808 is missing (make tools builds it)" >&2; exit 1; }

# best of N (BENCH_RUNS, default 5): prints "wall_s user_s maxrss_kb"
measure() {
    best=""
    for i in $(seq "${BENCH_RUNS:-5}"); do
        # shellcheck disable=SC2086
        /usr/bin/time -f "%e %U %M" -o "$DIR/time.txt" $CPU "$@" >/dev/null 2>"$DIR/err.txt" || {
            cat "$DIR/err.txt" >&2; return 1; }
        t=$(cat "$DIR/time.txt")
        if [ -z "$best" ] || [ "$(echo "$t $best" | awk '{print ($1 < $4)}')" = 1 ]; then best=$t; fi
    done
    echo "$best"
}

report() { # label records bytes "wall user rss"
    echo "$4" | awk -v label="$1" -v rec="$2" -v bytes="$3" '{
        printf "%-34s %10.0f rec/s %8.1f MB/s  wall %.2f s  user %.2f s  peak %6.1f MB\n",
               label, rec / $1, bytes / 1e6 / $1, $1, $2, $3 / 1024 }'
}

size() { stat -c %s "$1"; }
rows=$(($(wc -l <"$DIR/gps.csv") - 1))
out=$DIR/out
echo "roadlog bench: $rows GPS rows, $(size "$DIR/gps.csv") bytes CSV, $(size "$DIR/gps.csv.gz") bytes gzipped; one core; best of ${BENCH_RUNS:-5}"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"

r=$(measure "$ROADLOG" analyze --quiet --format csv,jsonl --registry "$DIR/registry.csv" --out "$out" "$DIR/gps.csv")
report "analyze GPS CSV (csv,jsonl out)" "$rows" "$(size "$DIR/gps.csv")" "$r"
csv_rss=$(echo "$r" | cut -d' ' -f3)

# zones (ZONES.md "Speed"): 10 000 polygons of 50 vertices around the
# fleet's cities (tests/bench_zones.py), against the run above; the zone
# file alone with a header-only input is the fixed cost of loading it
# (jansson, datum, GEOS validation, preparation, index).
# BENCH_ONLY=zones stops after this case.
[ -f "$DIR/zones.geojson" ] || python3 "$TOP/tests/bench_zones.py" "$DIR/zones.geojson"
head -1 "$DIR/gps.csv" >"$DIR/header.csv"
rz=$(measure "$ROADLOG" analyze --quiet --format csv,jsonl --registry "$DIR/registry.csv" --zones "$DIR/zones.geojson" --out "$out-zones" "$DIR/gps.csv")
report "  same, 10 000 zones" "$rows" "$(size "$DIR/gps.csv")" "$rz"
rl=$(measure "$ROADLOG" analyze --quiet --format csv,jsonl --zones "$DIR/zones.geojson" --out "$out-zload" "$DIR/header.csv")
echo "$r $rz $rl" | awk -v n="$rows" '{
    printf "%-34s %+.0f %% wall, %+.0f %% user, %+.1f MB peak; loading the zones %.2f s user (%.1f MB);\n", "  zones against none",
           ($4 / $1 - 1) * 100, ($5 / $2 - 1) * 100, ($6 - $3) / 1024, $8, $9 / 1024
    printf "%-34s asking them %.0f ns a fix (user: zones - none - loading)\n", "", ($5 - $2 - $8) / n * 1e9 }'
[ "${BENCH_ONLY:-}" = zones ] && exit 0
r=$(measure "$ROADLOG" analyze --quiet --format csv,jsonl --detect speeding --registry "$DIR/registry.csv" --out "$out" "$DIR/gps.csv")
report "  same, speeding detector only" "$rows" "$(size "$DIR/gps.csv")" "$r"
r=$(measure "$ROADLOG" analyze --quiet --format csv,jsonl --registry "$DIR/registry.csv" --out "$out" "$DIR/gps.csv.gz")
report "analyze GPS CSV gzipped" "$rows" "$(size "$DIR/gps.csv.gz")" "$r"
r=$(measure "$ROADLOG" analyze --quiet --registry "$DIR/registry.csv" --out "$out" "$DIR/gps.csv")
report "analyze GPS CSV, all outputs" "$rows" "$(size "$DIR/gps.csv")" "$r"
r=$(measure "$ROADLOG" decode --quiet "$DIR/gps.csv")
report "decode GPS CSV" "$rows" "$(size "$DIR/gps.csv")" "$r"

# memory per buffered fix: peak RSS of the full run minus that of a run on
# the same file that keeps only each vehicle's first minute (--to): the
# difference is what the buffered fixes cost; the rest (buffers, tables,
# one partly filled chunk per vehicle) is the fixed overhead
first=$(sed -n 2p "$DIR/gps.csv" | cut -d, -f3)
to=$(date -d "$first 1 minute" '+%Y-%m-%d %H:%M:%S' 2>/dev/null || echo "$first")
r=$(measure "$ROADLOG" analyze --quiet --format csv --registry "$DIR/registry.csv" --to "$to" --out "$out-small" "$DIR/gps.csv")
base_rss=$(echo "$r" | cut -d' ' -f3)
kept=$(python3 -c "import json;print(json.load(open('$out-small/run.json'))['counts']['points'])")
awk -v full="$csv_rss" -v base="$base_rss" -v n="$rows" -v k="$kept" 'BEGIN {
    printf "%-34s %.1f bytes per buffered fix (peak %.1f MB; fixed overhead %.1f MB with %d fixes)\n",
           "memory", (full - base) * 1024 / (n - k), full / 1024, base / 1024, k }'

# the decoder alone, positions counted (issue 4's figures: >= 400 MB/s raw,
# >= 250 MB/s pcap); then the whole program on the same files.  The
# pipeline's status is the benchmark's (a crash or a failed read fails
# `make bench`), its output goes through sed only for the indent.
$CPU "$BENCH_JT808" "$DIR/gps.808" "$DIR/gps.pcap" 5 >"$DIR/bench_jt808.txt"
sed 's/^/  /' "$DIR/bench_jt808.txt"
r=$(measure "$ROADLOG" decode --quiet "$DIR/gps.808")
report "decode raw JT/T 808" "$rows" "$(size "$DIR/gps.808")" "$r"
r=$(measure "$ROADLOG" analyze --quiet --format csv --registry "$DIR/registry.csv" --out "$out" "$DIR/gps.808")
report "analyze raw JT/T 808" "$rows" "$(size "$DIR/gps.808")" "$r"
r=$(measure "$ROADLOG" decode --quiet "$DIR/gps.pcap")
report "decode pcap (TCP reassembly)" "$rows" "$(size "$DIR/gps.pcap")" "$r"
wrows=$(($(wc -l <"$DIR/weigh.csv") - 1))
r=$(measure "$ROADLOG" analyze --quiet --format csv --registry "$DIR/registry.csv" --out "$out" "$DIR/weigh.csv")
report "analyze weighbridge CSV" "$wrows" "$(size "$DIR/weigh.csv")" "$r"
