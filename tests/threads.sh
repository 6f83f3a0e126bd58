#!/bin/sh
# threads.sh - one run, however it is cut on one machine (RUNS.md §1):
# events.csv, events.jsonl, vehicles.csv, vehicle_days.csv and rejects.csv
# byte for byte the same for --threads 1, 2 and 4 and --memory from a
# budget that spills almost everything to unlimited, on a generated fleet
# in every input form (plain, shuffled, split, gzipped, JT/T 808, pcap)
# and on a large CSV read in byte ranges (GBK, CRLF, quoted rows across
# lines and across range boundaries, bad rows); run.json's counts agree.
# The documents drawn from what the per-vehicle and per-driver passes keep
# (event fixes, day samples, weighings' stations: events.geojson,
# tracks.geojson, report.html but for the time it was made, drivers.html)
# are the same too.
# Then temporary files: none left after SIGINT, and a full temporary disk
# is "cannot write temporary data to DIR: No space left on device", exit
# 1, --out as it was.
#   tests/threads.sh ROADLOG FIXTURE_BIN_DIR [quick]
# `quick` (the ThreadSanitizer run): fewer combinations, smaller data.
set -u
ROADLOG=$(realpath "$1")
BIN=$(realpath "$2")
QUICK=${3:-}
TOP=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/roadlog-threads-XXXXXX)
MNT=""
cleanup() {
    [ -n "$MNT" ] && umount "$MNT" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
fails=0
passes=0
pass() { passes=$((passes + 1)); echo "PASS $1"; }
fail() { fails=$((fails + 1)); echo "FAIL $1"; }
OUTS="events.csv events.jsonl vehicles.csv vehicle_days.csv rejects.csv"
DOCS="events.geojson tracks.geojson report.html drivers.html"

# a document as it compares: report.html without the time it was made
doc() {
    sed 's/^\(<header><h1>[^<]*<\/h1><p class="meta">[^0-9<]*\) [0-9-]* [0-9:]* ·/\1 ·/' "$1"
}

# the counts of run.json, without what may differ (time, how it was cut)
counts() {
    python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("started", "duration_s", "threads", "memory", "spilled_bytes", "run_id"):
    d.pop(k, None)
print(json.dumps(d, sort_keys=True))
EOF
}

# same REF OUT LABEL: the outputs of OUT are those of REF
same() {
    for f in $OUTS; do
        if ! cmp -s "$1/$f" "$2/$f"; then
            fail "$3: $f differs from the one-thread, in-memory run"
            diff "$1/$f" "$2/$f" | head -5 | sed 's/^/    /'
            return
        fi
    done
    for f in $DOCS; do
        [ -f "$1/$f" ] || continue
        if [ ! -f "$2/$f" ] || [ "$(doc "$1/$f" | cksum)" != "$(doc "$2/$f" | cksum)" ]; then
            fail "$3: $f differs from the one-thread, in-memory run"
            diff "$1/$f" "$2/$f" | head -5 | cut -c1-300 | sed 's/^/    /'
            return
        fi
    done
    if [ "$(counts "$1/run.json")" != "$(counts "$2/run.json")" ]; then
        fail "$3: run.json counts differ"
        return
    fi
    pass "$3"
}

if [ -n "$QUICK" ]; then
    THREADS="1 2 4"
    MEMORY="1M"
    FORMS="plain 808"
    FLEET="--vehicles 40 --days 2"
    BIG_ROWS=230000
else
    THREADS="1 2 4"
    MEMORY="1M 32M"
    FORMS="plain shuffled split gzip 808 pcap"
    FLEET="--vehicles 120 --days 3"
    BIG_ROWS=450000
fi

# ---- a generated fleet in every input form ----
F=$WORK/fleet
# shellcheck disable=SC2086
# (with the demo city's zones: the workers share one zone set, each asking
# through its own query context; the writers draw the zones side by side)
"$BIN/genfleet" --out "$F" --seed 11 --inject all,zones --drivers --noise --late 10 $FLEET --quiet || { fail "genfleet"; exit 1; }
"$BIN/gen808" "$F/gps.csv" "$F/fleet.808" "$F/fleet.pcap" >/dev/null || { fail "gen808"; exit 1; }
python3 - "$F" <<'EOF'
import random, sys, gzip
d = sys.argv[1]
lines = open(d + "/gps.csv", encoding="utf-8").read().splitlines(True)
head, rows = lines[0], lines[1:]
random.seed(3)
random.shuffle(rows)
open(d + "/shuffled.csv", "w", encoding="utf-8").writelines([head] + rows)
for k in range(3):
    open(d + "/part%d.csv" % k, "w", encoding="utf-8").writelines([head] + rows[k::3])
with gzip.open(d + "/gps.csv.gz", "wt", encoding="utf-8") as f:
    f.writelines(lines)
EOF
inputs() {
    case "$1" in
    plain) echo "$F/gps.csv $F/weighbridge.csv" ;;
    shuffled) echo "$F/shuffled.csv $F/weighbridge.csv" ;;
    split) echo "$F/part0.csv $F/part1.csv $F/part2.csv $F/weighbridge.csv" ;;
    gzip) echo "$F/gps.csv.gz $F/weighbridge.csv" ;;
    808) echo "$F/fleet.808 $F/weighbridge.csv" ;;
    pcap) echo "$F/fleet.pcap $F/weighbridge.csv" ;;
    esac
}
for form in $FORMS; do
    ref=$WORK/ref-$form
    # shellcheck disable=SC2046
    "$ROADLOG" analyze --quiet --threads 1 --by driver --registry "$F/registry.csv" --zones "$F/zones.geojson" \
        --out "$ref" $(inputs "$form") ||
        { fail "$form: one thread"; continue; }
    for t in $THREADS; do
        for m in $MEMORY unlimited; do
            [ "$t" = 1 ] && [ "$m" = unlimited ] && continue
            mem=""
            [ "$m" != unlimited ] && mem="--memory $m"
            out=$WORK/o-$form-$t-$m
            # shellcheck disable=SC2046,SC2086
            "$ROADLOG" analyze --quiet --threads "$t" $mem --by driver --registry "$F/registry.csv" \
                --zones "$F/zones.geojson" --out "$out" $(inputs "$form") ||
                { fail "$form --threads $t --memory $m: exit status"; continue; }
            same "$ref" "$out" "$form --threads $t --memory $m"
        done
    done
done
# the budget did spill
out=$WORK/o-plain-2-1M
if python3 -c "import json,sys; sys.exit(0 if json.load(open('$out/run.json'))['spilled_bytes'] > 0 else 1)"; then
    pass "--memory 1M spills (run.json spilled_bytes > 0)"
else
    fail "--memory 1M did not spill"
fi
# each reader appends its spills to one temporary file: --memory 1M on four
# threads spills dozens of times, and still runs within 32 open files (it
# took a file a spill, so it met the limit: "Too many open files", exit 1)
out=$WORK/o-fds
# shellcheck disable=SC2046
if (ulimit -n 32 && "$ROADLOG" analyze --quiet --threads 4 --memory 1M --by driver --registry "$F/registry.csv" \
    --zones "$F/zones.geojson" --out "$out" $(inputs plain)); then
    same "$WORK/ref-plain" "$out" "--threads 4 --memory 1M within 32 open files"
else
    fail "--threads 4 --memory 1M within 32 open files: exit status"
fi

# ---- a large CSV in byte ranges: GBK, CRLF, quoted rows across lines ----
B=$WORK/big.csv
python3 - "$B" "$BIG_ROWS" <<'EOF'
import random, sys, time
path, n = sys.argv[1], int(sys.argv[2])
random.seed(5)
t0 = 1762012800  # 2025-11-02 00:00 +08:00
with open(path, "w", encoding="gbk", newline="") as f:
    f.write("车牌号,车牌颜色,定位时间,经度,纬度,速度,驾驶员,备注\r\n")
    for i in range(n):
        r = random.random()
        # a note of three lines every few rows: many range boundaries
        # fall inside a quoted field
        note = '"第一行\r\n第二行, 有逗号\r\n第三行 ""引号"""' if r < 0.3 else ('"未闭合' if r < 0.301 else "")
        speed = random.choice(["60", "95", "130", "abc"]) if r > 0.99 else ("135" if (i // 97) % 5 == 0 else "62")
        ts = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t0 + 8 * 3600 + (i // 60) * 30))
        f.write("粤B%05d,2,%s,%.6f,%.6f,%s,司机%d,%s\r\n" % (i % 60, ts, 113 + (i % 997) * 1e-4, 22.5 + (i % 60) * 1e-3,
                                                      speed, i % 7, note))
EOF
"$ROADLOG" analyze --quiet --threads 1 --out "$WORK/big1" "$B" || fail "big CSV, one thread"
for t in 2 3 4; do
    "$ROADLOG" analyze --quiet --threads "$t" --out "$WORK/big$t" "$B" || { fail "big CSV --threads $t"; continue; }
    same "$WORK/big1" "$WORK/big$t" "large GBK CSV with quoted rows across ranges, --threads $t"
done
"$ROADLOG" analyze --quiet --threads 2 --memory 1M --out "$WORK/bigm" "$B" &&
    same "$WORK/big1" "$WORK/bigm" "large GBK CSV, --threads 2 --memory 1M"

# ---- temporary files: SIGINT, a full temporary disk ----
T=$WORK/tmp
mkdir -p "$T"
"$ROADLOG" analyze --quiet --threads 2 --memory 1M --tmp "$T" --out "$WORK/int" "$B" "$B" "$B" "$B" &
pid=$!
i=0
# wait for it to be spilling (or done)
while [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null && [ -z "$(ls /proc/$pid/fd 2>/dev/null | head -1)" ]; do
    sleep 0.05
    i=$((i + 1))
done
sleep 0.3
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
left=$(ls -A "$T" | wc -l)
parts=$(ls "$WORK/int" 2>/dev/null | grep -c '\.part$')
if [ "$rc" -ne 0 ] && [ "$left" -eq 0 ] && [ "$parts" -eq 0 ] && [ ! -f "$WORK/int/events.csv" ]; then
    pass "SIGINT: exit $rc, no temporary file left, no output put in place"
else
    fail "SIGINT: exit $rc, $left temporary files left, $parts parts in --out"
fi

MNT=$WORK/full
mkdir -p "$MNT"
if mount -t tmpfs -o size=256k tmpfs "$MNT" 2>/dev/null; then
    mkdir -p "$WORK/keep"
    echo "an earlier run" >"$WORK/keep/events.csv"
    "$ROADLOG" analyze --quiet --threads 2 --memory 1M --tmp "$MNT" --out "$WORK/keep" "$B" 2>"$WORK/full.err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q "cannot write temporary data to $MNT: No space left on device" "$WORK/full.err" &&
        [ "$(cat "$WORK/keep/events.csv")" = "an earlier run" ] && [ "$(ls "$WORK/keep" | wc -l)" -eq 1 ] &&
        [ "$(ls -A "$MNT" | wc -l)" -eq 0 ]; then
        pass "full temporary disk: the message, exit 1, --out as it was, the disk empty again"
    else
        fail "full temporary disk: exit $rc: $(cat "$WORK/full.err") ($(ls "$WORK/keep" | tr '\n' ' '))"
    fi
    umount "$MNT" && MNT=""
else
    # no mount here: fault injection instead, a --tmp that cannot be written
    mkdir -p "$WORK/ro" "$WORK/keep"
    chmod 555 "$WORK/ro"
    echo "an earlier run" >"$WORK/keep/events.csv"
    "$ROADLOG" analyze --quiet --threads 2 --memory 1M --tmp "$WORK/ro" --out "$WORK/keep" "$B" 2>"$WORK/full.err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q "cannot write temporary data to $WORK/ro" "$WORK/full.err" &&
        [ "$(cat "$WORK/keep/events.csv")" = "an earlier run" ]; then
        pass "temporary folder that cannot be written (no tmpfs here): the message, exit 1, --out as it was"
    else
        fail "temporary folder that cannot be written: exit $rc: $(cat "$WORK/full.err")"
    fi
fi

echo "threads: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
