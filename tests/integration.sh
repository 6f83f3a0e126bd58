#!/bin/sh
# Integration tests: run the roadlog binary on fixture files and on
# generated fleets, and compare with expected files and with the
# generator's independent truth.
#   tests/integration.sh ROADLOG FIXTURE_BIN_DIR
set -u
ROADLOG=$(realpath "$1")
GEN=$(realpath "$2")/genfleet
TOP=$(cd "$(dirname "$0")/.." && pwd)
WORK=${TMPDIR:-/tmp}/roadlog-it.$$
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
check() { # name, command...
    name=$1; shift
    if "$@" >"$WORK/out.log" 2>&1; then pass "$name"; else fail "$name"; sed 's/^/    /' "$WORK/out.log" | head -40; fi
}
GPS_TYPES=speeding,night_speeding,fatigue_continuous,fatigue_night,fatigue_daily,night_ban,gps_gap,terminal_alarm,terminal_silent
ALL_TYPES=$GPS_TYPES,over_limit,overload,axle_overload,over_capacity,position_mismatch
# what only JT/T 808 carries: the active-safety items (RULES.md §8)
T808_TYPES=$GPS_TYPES,adas_alarm,dsm_alarm,tpms_alarm,bsd_alarm

# events.csv without the source column (it names files and lines, which
# change when rows are shuffled or split)
strip_source() {
    python3 -c '
import csv, sys
r = csv.reader(open(sys.argv[1], newline="", encoding="utf-8-sig"))
h = next(r); i = h.index("source")
for row in r: print(",".join(row[:i] + row[i+1:]))' "$1"
}

fleet() { # dir, genfleet options...
    d=$1; shift
    "$GEN" --out "$d" --quiet "$@" || return 1
}

analyze() { # dir, extra roadlog args...
    d=$1; shift
    reg=""
    [ -f "$d/registry.csv" ] && reg="--registry $d/registry.csv"
    # shellcheck disable=SC2086
    "$ROADLOG" analyze --quiet $reg --out "$d/out" "$@"
}

truth_ok() { # dir, types
    python3 "$TOP/tests/compare_truth.py" "$1/truth.csv" "$1/out/events.csv" --types "$2" &&
        python3 "$TOP/tests/compare_days.py" "$1/truth_days.csv" "$1/out/vehicle_days.csv"
}

# ---- 1. every input variant of FORMATS.md gives the same, true events ----
fleet "$WORK/base" --seed 7 --inject all --drivers --noise || fail "genfleet base"
check "base fleet: events and days match the truth" sh -c "
    $(command -v true) && cd '$WORK/base' && '$ROADLOG' analyze --quiet --registry registry.csv --out out gps.csv $( [ -f "$WORK/base/weighbridge.csv" ] && echo weighbridge.csv ) &&
    python3 '$TOP/tests/compare_truth.py' truth.csv out/events.csv --types $ALL_TYPES &&
    python3 '$TOP/tests/compare_days.py' truth_days.csv out/vehicle_days.csv"
strip_source "$WORK/base/out/events.csv" >"$WORK/base.events"

for v in en zh gbk bom tab semicolon crlf quoted iso slash epoch epoch_ms aliases colorname nocolor; do
    d="$WORK/v-$v"
    fleet "$d" --seed 7 --inject all --drivers --noise --variant "$v" || { fail "genfleet $v"; continue; }
    check "variant $v: matches the truth" sh -c "cd '$d' && '$ROADLOG' analyze --quiet --registry registry.csv --out out gps*.csv weighbridge.csv && python3 '$TOP/tests/compare_truth.py' truth.csv out/events.csv --types $ALL_TYPES && python3 '$TOP/tests/compare_days.py' truth_days.csv out/vehicle_days.csv"
    strip_source "$d/out/events.csv" >"$d.events"
    check "variant $v: same ledger as the base variant" cmp "$WORK/base.events" "$d.events"
done

# ---- 2. order invariance: shuffled, late blind-area rows, split files, gzip ----
for opts in "--shuffle" "--late 15" "--split 4 --shuffle" "--gzip" "--gzip --split 3 --variant mixed"; do
    tag=$(echo "$opts" | tr -c 'a-z0-9' '_')
    d="$WORK/o-$tag"
    # shellcheck disable=SC2086
    fleet "$d" --seed 7 --inject all --drivers --noise $opts || { fail "genfleet $opts"; continue; }
    check "order/packaging $opts: matches the truth" sh -c "cd '$d' && '$ROADLOG' analyze --quiet --registry registry.csv --out out gps*.csv* weighbridge.csv && python3 '$TOP/tests/compare_truth.py' truth.csv out/events.csv --types $ALL_TYPES && python3 '$TOP/tests/compare_days.py' truth_days.csv out/vehicle_days.csv"
    strip_source "$d/out/events.csv" >"$d.events"
    check "order/packaging $opts: same ledger, same event ids" cmp "$WORK/base.events" "$d.events"
    # the same disorder as JT/T 808 traffic (frames in the file's row order)
    case "$opts" in
    --shuffle|--late*)
        if "$(dirname "$GEN")/gen808" "$d/gps.csv" "$d/fleet.808" "$d/fleet.pcap" >"$d/gen808.log" 2>&1; then
            check "JT/T 808 $opts: matches the truth" sh -c "cd '$d' && '$ROADLOG' analyze --quiet --registry registry.csv --out out-808 fleet.808 && python3 '$TOP/tests/compare_truth.py' truth.csv out-808/events.csv --types $T808_TYPES && python3 '$TOP/tests/compare_days.py' truth_days.csv out-808/vehicle_days.csv"
        else
            fail "gen808 $opts: $(tail -1 "$d/gen808.log")"
        fi ;;
    esac
done

# the same fleet as raw JT/T 808 frames and as a pcap capture
d="$WORK/v-en"
if "$(dirname "$GEN")/gen808" "$d/gps.csv" "$d/fleet.808" "$d/fleet.pcap" >"$d/gen808.log" 2>&1; then
    for k in 808 pcap; do
        check "JT/T 808 ($k): matches the truth" sh -c "cd '$d' && '$ROADLOG' analyze --quiet --registry registry.csv --out out-$k fleet.$k && python3 '$TOP/tests/compare_truth.py' truth.csv out-$k/events.csv --types $T808_TYPES"
        check "JT/T 808 ($k): decode gives every CSV position" sh -c "cd '$d' && test \$('$ROADLOG' decode --quiet fleet.$k | wc -l) -eq \$('$ROADLOG' decode --quiet gps.csv | wc -l)"
    done
    # the CSV and the traffic of one fleet: the same alarm-word events,
    # and the same cross-check of what the word says (vehicles.csv)
    check "JT/T 808 and CSV: the same terminal alarms and cross-check" sh -c "cd '$d' && '$ROADLOG' analyze --quiet --registry registry.csv --out out-csv gps.csv && python3 '$TOP/tests/compare_truth.py' truth.csv out-csv/events.csv --types terminal_alarm,terminal_silent && python3 -c '
import csv, sys
cols = (\"speeding_episodes\", \"speeding_with_terminal_alarm\", \"terminal_overspeed_alarms\", \"terminal_overspeed_with_speeding\")
def load(p):
    return {(r[\"plate\"], r[\"plate_color\"]): tuple(r[c] for c in cols) for r in csv.DictReader(open(p, encoding=\"utf-8-sig\"))}
a, b = load(\"out-csv/vehicles.csv\"), load(\"out-808/vehicles.csv\")
bad = [k for k in a if a[k] != b.get(k)]
print(len(a), \"vehicles,\", len(bad), \"differ\", bad[:3])
sys.exit(1 if bad or not any(int(v[2]) for v in a.values()) else 0)'"
    check "decode --alarms lists every alarm item of the traffic" sh -c "cd '$d' && '$ROADLOG' decode --quiet --alarms fleet.808 >alarms.csv && head -1 alarms.csv | grep -qx 'plate,plate_color,phone,time,kind,rule,name,flag,alarm_id,level,alarm_time,lon,lat,speed,detail,source' && test \$(grep -c ',\(adas\|dsm\|tpms\|bsd\),' alarms.csv) -ge \$(( \$(wc -l <safety.csv) - 2 )) && grep -q ',alarm_word,alarm.overspeed,超速报警,' alarms.csv"
else
    fail "gen808: $(tail -1 "$d/gen808.log")"
fi

# the other active-safety dialect (粤标), as configuration; the same frames
# read in the wrong dialect are skipped and counted, never guessed
d="$WORK/gdrta"
if fleet "$d" --seed 11 --inject all --drivers --noise --dialect gdrta && "$(dirname "$GEN")/gen808" "$d/gps.csv" "$d/fleet.808" "$d/fleet.pcap" >/dev/null 2>&1; then
    printf 'jt808.dialect = gdrta\n' >"$d/gdrta.rules"
    for k in 808 pcap; do
        check "GDRTA dialect ($k): matches the truth" sh -c "cd '$d' && '$ROADLOG' analyze --quiet --rules gdrta.rules --registry registry.csv --out out-$k fleet.$k && python3 '$TOP/tests/compare_truth.py' truth.csv out-$k/events.csv --types $T808_TYPES"
    done
    check "GDRTA frames read as JSATL: no active-safety event, every item counted" sh -c "cd '$d' && '$ROADLOG' analyze --quiet --registry registry.csv --out out-wrong fleet.808 && ! grep -q ',\(adas\|dsm\|tpms\|bsd\)_alarm,' out-wrong/events.csv && python3 -c '
import json, sys
c = json.load(open(\"out-wrong/run.json\"))[\"counters\"]
items = sum(1 for l in open(\"safety.csv\") if l[0] not in \"#p\")
print(c.get(\"jt808.safety.bad_length\"), \"skipped for\", items, \"items\")
sys.exit(0 if c.get(\"jt808.safety.bad_length\", 0) >= items and \"jt808.safety.items\" not in c else 1)'"
else
    fail "genfleet/gen808 --dialect gdrta"
fi

# the published real frame (a 0x0200 with a 47-byte 0x65 and JT/T 1078
# items, 0x18 of 3 bytes): a DSM fatigue start, open at the end of the data
VEC=$TOP/../shared/vectors/jt808_active_safety.tsv
if [ -f "$VEC" ]; then
    python3 -c "
import sys
rows = [l.rstrip('\n').split('\t') for l in open('$VEC', encoding='utf-8')][1:]
open('$WORK/vector.808', 'wb').write(b''.join(bytes.fromhex(r[2]) for r in rows))"
    check "published active-safety frame: dsm.fatigue, open, its own time" sh -c "'$ROADLOG' analyze --quiet --out '$WORK/out-vec' '$WORK/vector.808' && grep -q ',dsm_alarm,2021-04-29 12:06:39,2021-04-29 12:06:39,.*,review,dsm.fatigue,.*,open\$' '$WORK/out-vec/events.csv' && '$ROADLOG' decode --quiet --alarms '$WORK/vector.808' | grep -q ',dsm,dsm.fatigue,生理疲劳,start,137505999,1,2021-04-29 12:06:39,121.38828,31.235963,0,fatigue degree 0; attachments 5; terminal 3598950,'"
else
    fail "the vector file $VEC is missing"
fi

# a terminal registered after its first positions: the plate holds for
# those too, in decode and in analyze
python3 - "$WORK/late.808" <<'PYEOF'
import struct, sys
def bcd(s): return bytes(int(s[i:i+2], 16) for i in range(0, len(s), 2))
def frame(msgid, phone, serial, body):
    raw = struct.pack('>HH', msgid, len(body)) + bcd(phone) + struct.pack('>H', serial) + body
    cs = 0
    for b in raw: cs ^= b
    raw += bytes([cs])
    return b'\x7e' + raw.replace(b'\x7d', b'\x7d\x01').replace(b'\x7e', b'\x7d\x02') + b'\x7e'
def pos(t, speed):
    return struct.pack('>IIIIHHH', 0, 3, 22500000, 113900000 + t * 300, 10, speed, 90) + bcd('2611020800%02d' % t)
reg = struct.pack('>HH', 44, 300) + b'MAKER' + b'MODEL123' + b'TERM001' + bytes([2]) + '粤B12345'.encode('gbk')
out = b''.join(frame(0x0200, '013800138000', t, pos(t, 600)) for t in range(0, 60, 10))
out += frame(0x0100, '013800138000', 99, reg)
open(sys.argv[1], 'wb').write(out)
PYEOF
check "JT/T 808: a later registration names earlier positions (decode)" sh -c "'$ROADLOG' decode --quiet '$WORK/late.808' | tail -n +2 | cut -d, -f1,2 | sort -u | grep -qx '粤B12345,2' && test \$('$ROADLOG' decode --quiet '$WORK/late.808' | grep -c '^,') -eq 0"
check "JT/T 808: a later registration names earlier positions (analyze)" sh -c "'$ROADLOG' analyze --quiet --out '$WORK/out-late' '$WORK/late.808' && cut -d, -f1,2 '$WORK/out-late/vehicles.csv' | grep -qx '粤B12345,2'"

# stdin and a file give the same ledger (sources name "stdin" instead)
d="$WORK/base"
check "stdin (-) reads like a file" sh -c "cd '$d' && '$ROADLOG' analyze --quiet --registry registry.csv --out out-file gps.csv && '$ROADLOG' analyze --quiet --registry registry.csv --out out-stdin - <gps.csv && sed 's/,gps.csv:/,stdin:/' out-file/events.csv | cmp - out-stdin/events.csv && cmp out-file/vehicle_days.csv out-stdin/vehicle_days.csv"

# ---- 3. rejects: the generator's malformed rows, by line ----
check "malformed rows are rejected with their line" python3 -c "
import csv, sys
want = {(r['line']) for r in csv.DictReader(open('$WORK/base/truth_rejects.csv'))}
got = {(r['line']) for r in csv.DictReader(open('$WORK/base/out/rejects.csv')) if r['file'] == 'gps.csv'}
print('truth', sorted(want), 'roadlog', sorted(got))
sys.exit(want != got)"

# ---- 4. command line contract ----
check "no arguments: usage, exit 2" sh -c "'$ROADLOG' >/dev/null 2>&1; test \$? -eq 2"
check "unknown option: exit 2" sh -c "'$ROADLOG' analyze --bogus x >/dev/null 2>&1; test \$? -eq 2"
check "unreadable input: exit 1, others still analysed" sh -c "cd '$WORK/base' && '$ROADLOG' analyze --quiet --out out-missing gps.csv /nonexistent.csv 2>err.txt; test \$? -eq 1 && grep -q nonexistent err.txt && test \$(wc -l <out-missing/events.csv) -gt 1"
check "--strict stops at the first bad row with exit 1" sh -c "cd '$WORK/base' && '$ROADLOG' analyze --quiet --strict --out out-strict gps.csv 2>err.txt; test \$? -eq 1 && grep -q 'gps.csv:' err.txt"
check "roadlog rules lists every rule with its basis" sh -c "'$ROADLOG' rules >'$WORK/rules.txt' && grep -q '^speeding.hazmat = 80 ' '$WORK/rules.txt' && grep -q '^fatigue.rest_min_s = 1200 ' '$WORK/rules.txt' && grep -q '^night.window = 22:00-06:00' '$WORK/rules.txt'"
check "roadlog rules output is a valid rules file" sh -c "'$ROADLOG' rules --rules '$WORK/rules.txt' | cmp - '$WORK/rules.txt'"
printf 'speeding.truck = 70\nbogus.rule = 3\n' >"$WORK/bad.rules"
check "unknown rule id: clear error naming file:line, exit 2" sh -c "'$ROADLOG' rules --rules '$WORK/bad.rules' 2>'$WORK/err.txt'; test \$? -eq 2 && grep -q 'bad.rules:2: unknown rule id' '$WORK/err.txt'"
printf 'fatigue.rest_min_s = -5\n' >"$WORK/bad2.rules"
check "out-of-range rule value: error, exit 2" sh -c "'$ROADLOG' rules --rules '$WORK/bad2.rules' 2>'$WORK/err.txt'; test \$? -eq 2 && grep -q 'bad2.rules:1: fatigue.rest_min_s' '$WORK/err.txt'"
printf 'speeding.night_factor = 1\n' >"$WORK/nf.rules"
check "--rules changes detection (night factor 1: fewer night speeding events)" sh -c "cd '$WORK/base' && '$ROADLOG' analyze --quiet --registry registry.csv --rules '$WORK/nf.rules' --out out-nf gps.csv && test \$(grep -c ',night_speeding,' out-nf/events.csv) -lt \$(grep -c ',night_speeding,' out/events.csv) && grep -q '\"speeding.night_factor\":1' out-nf/run.json"
check "decode prints every position with its source" sh -c "cd '$WORK/base' && '$ROADLOG' decode --quiet gps.csv >dec.csv && head -1 dec.csv | grep -qx 'plate,plate_color,phone,time,lon,lat,speed,heading,altitude,status,alarm,mileage,driver,source' && test \$(( \$(wc -l <dec.csv) + \$(wc -l <truth_rejects.csv) - 1 )) -eq \$(wc -l <gps.csv)"
check "--plate limits the analysis to one vehicle" sh -c "cd '$WORK/base' && p=\$(sed -n 2p out/events.csv | cut -d, -f2) && '$ROADLOG' analyze --quiet --registry registry.csv --plate \"\$p\" --out out-plate gps.csv && test \$(cut -d, -f2 out-plate/events.csv | sort -u | grep -vc plate) -eq 1"
check "output folder that cannot be written: exit 1" sh -c "'$ROADLOG' analyze --quiet --out /proc/roadlog-cannot '$WORK/base/gps.csv' 2>/dev/null; test \$? -eq 1"

# ---- the checks themselves: one that cannot run is never a pass ----
UNIT_JT808=$(dirname "$ROADLOG")/tests/test_jt808
if [ -x "$UNIT_JT808" ]; then
    check "unit cases without their input (the JT/T 808 vectors, the active-safety frame) say SKIP and fail" sh -c "cd '$WORK' && ROADLOG_VECTORS=/nonexistent sh '$TOP/tests/run_unit.sh' '$UNIT_JT808' >skip.txt; rc=\$?; grep -q '^SKIP test_jt808: 2 case' skip.txt && grep -q 'ROADLOG_VECTORS' skip.txt && ! grep -q '^PASS' skip.txt && test \$rc -eq 1"
    check "ROADLOG_ALLOW_SKIP=1: the SKIP stays, the run passes" sh -c "cd '$WORK' && ROADLOG_ALLOW_SKIP=1 ROADLOG_VECTORS=/nonexistent sh '$TOP/tests/run_unit.sh' '$UNIT_JT808' | grep -q '^SKIP test_jt808'"
else
    fail "$UNIT_JT808 is not built (make unit builds it)"
fi
check "the browser check without chromium says SKIP and fails" sh -c "cd '$WORK' && ROADLOG_CHROMIUM=/nonexistent/chromium sh '$TOP/tests/browser.sh' '$ROADLOG' >nobrowser.txt 2>&1; rc=\$?; grep -q '^SKIP browser: chromium is not installed' nobrowser.txt && test \$rc -eq 1"

# ---- 5. hand-checked samples with expected outputs ----
for c in "$TOP"/tests/expected/*/; do
    [ -f "$c/cmd" ] || continue
    name=$(basename "$c")
    out="$WORK/exp-$name"
    mkdir -p "$out"
    # cmd runs from the repository top with OUT set; it names inputs by
    # relative paths so that sources are stable
    check "expected outputs: $name" sh -c "cd '$TOP' && OUT='$out' ROADLOG='$ROADLOG' sh '$c/cmd' >/dev/null 2>&1; for f in '$c'/*.csv '$c'/*.jsonl; do [ -f \"\$f\" ] || continue; diff -u \"\$f\" '$out'/\$(basename \"\$f\") || exit 1; done"
done

echo
if [ "$fails" -eq 0 ]; then echo "integration: all passed"; else echo "integration: $fails failed"; fi
[ "$fails" -eq 0 ]
