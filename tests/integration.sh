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
# drivers: the runs above mask ID-card numbers (compare_truth.py masks the
# truth alike); in full with --show-ids, and nowhere in full without it
check "base fleet --show-ids: drivers in full match the truth" sh -c "
    cd '$WORK/base' && '$ROADLOG' analyze --quiet --show-ids --format csv --registry registry.csv --out out-ids gps.csv &&
    grep -q '\"driver_ids\":\"shown\"' out-ids/run.json && grep -qE ',[0-9]{17}[0-9X],' out-ids/events.csv &&
    python3 '$TOP/tests/compare_truth.py' truth.csv out-ids/events.csv --types $GPS_TYPES"
check "base fleet: no ID-card number in full in any output" sh -c "
    cd '$WORK/base/out' && grep -q '\"driver_ids\":\"masked\"' run.json && grep -qE ',[0-9]{6}[*]{8}[0-9X]{4},' events.csv &&
    ! grep -rlE '[0-9]{17}[0-9X]' events.csv events.jsonl vehicles.csv report.html events.geojson"

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
    # the same capture as a pcapng of two link types (Ethernet + Linux
    # cooked), which libpcap refuses at its second interface (issue 11);
    # also big-endian, and in two sections of either byte order
    for ng in "" "--big" "--sections"; do
        python3 "$TOP/tests/pcap2ng.py" "$d/fleet.pcap" "$d/fleet$ng.pcapng" $ng || fail "pcap2ng $ng"
        check "pcapng Ethernet + Linux cooked $ng: every position, the same events" sh -c "cd '$d' && test \$('$ROADLOG' decode --quiet fleet$ng.pcapng | wc -l) -eq \$('$ROADLOG' decode --quiet gps.csv | wc -l) && '$ROADLOG' analyze --quiet --registry registry.csv --format csv --out out-ng$ng fleet$ng.pcapng && python3 '$TOP/tests/compare_truth.py' truth.csv out-ng$ng/events.csv --types $GPS_TYPES && cmp out-pcap/vehicle_days.csv out-ng$ng/vehicle_days.csv && test \$(tail -n +2 out-ng$ng/rejects.csv | wc -l) -eq 0"
    done
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

# a weighing's station, kept for report.html's evidence, is a string of the
# task that read its file: it names the station in the run too (the GPS
# file before it fills the run's strings with other names)
mkdir -p "$WORK/station"
printf 'plate,plate_color,time,lon,lat,speed,driver\n粤B50001,2,2026-11-02 09:29:00,114.20,22.56,60,张三\n粤B50001,2,2026-11-02 09:31:00,114.21,22.56,60,李四\n' \
    >"$WORK/station/gps.csv"
printf 'time,station,plate,plate_color,axles,gross_kg,axle_kg,speed,mode,lon,lat\n2026-11-02 09:30:00,S-01 东站,粤B50001,2,3,36251,7500;9000;9751,23.4,wim,114.20,22.56\n' \
    >"$WORK/station/weigh.csv"
check "weighing evidence names its station (read by a task of its own)" sh -c "cd '$WORK/station' &&
    '$ROADLOG' analyze --quiet --format csv,html --threads 2 --out out gps.csv weigh.csv &&
    grep -q 'S-01 东站' out/report.html"

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

# ---- 5. zones (ZONES.md): the generator's demo city ----
ZONE_TYPES=$ALL_TYPES,zone_restricted,route_deviation
zfleet() { # dir, genfleet options...
    d=$1; shift
    fleet "$d" --seed 7 --inject all,zones --drivers --noise "$@"
}
zanalyze() { # dir, zone file, out, extra args...
    za_dir=$1 za_zones=$2 za_out=$3; shift 3
    (cd "$za_dir" && "$ROADLOG" analyze --quiet --registry registry.csv --zones "$za_zones" --out "$za_out" "$@" gps*.csv* weighbridge.csv)
}
ztruth() { # dir, out
    python3 "$TOP/tests/compare_truth.py" "$1/truth.csv" "$1/$2/events.csv" --types "$ZONE_TYPES" &&
        python3 "$TOP/tests/compare_days.py" "$1/truth_days.csv" "$1/$2/vehicle_days.csv"
}
zfleet "$WORK/zbase" || fail "genfleet zones"
zanalyze "$WORK/zbase" zones.geojson out >/dev/null 2>&1
check "zones: events (rule, severity, zone, road type) and days match the truth" ztruth "$WORK/zbase" out
check "zones: every kind of zone event is there" sh -c "test \$(grep -c ',zone_restricted,' '$WORK/zbase/out/events.csv') -ge 7 && grep -q ',route_deviation,' '$WORK/zbase/out/events.csv' && grep -q ',zone:mountain-pass,' '$WORK/zbase/out/events.csv' && grep -q ',urban-road,城市主干道,other,' '$WORK/zbase/out/events.csv'"
strip_source "$WORK/zbase/out/events.csv" >"$WORK/zbase.events"
for z in gcj02 bd09; do
    zanalyze "$WORK/zbase" "zones-$z.geojson" "out-$z" >/dev/null 2>&1
    strip_source "$WORK/zbase/out-$z/events.csv" >"$WORK/zbase-$z.events" 2>/dev/null
    check "zones drawn in $z (converted at load): the same ledger" cmp "$WORK/zbase.events" "$WORK/zbase-$z.events"
done
zanalyze "$WORK/zbase" zones-gcj02.geojson out-asis --zones-coord wgs84 >/dev/null 2>&1
check "--zones-coord overrides the file's datum (gcj02 read as wgs84 differs)" sh -c "! python3 '$TOP/tests/compare_truth.py' '$WORK/zbase/truth.csv' '$WORK/zbase/out-asis/events.csv' --types zone_restricted,route_deviation >/dev/null"
for opts in "--shuffle" "--late 15" "--split 4 --shuffle" "--gzip --split 3 --variant mixed"; do
    tag=z$(echo "$opts" | tr -c 'a-z0-9' '_')
    d="$WORK/$tag"
    # shellcheck disable=SC2086
    zfleet "$d" $opts || { fail "genfleet zones $opts"; continue; }
    zanalyze "$d" zones.geojson out >/dev/null 2>&1
    check "zones, $opts: matches the truth" ztruth "$d" out
    strip_source "$d/out/events.csv" >"$d.events"
    check "zones, $opts: the same ledger, the same event ids" cmp "$WORK/zbase.events" "$d.events"
done
if "$(dirname "$GEN")/gen808" "$WORK/zbase/gps.csv" "$WORK/zbase/fleet.808" "$WORK/zbase/fleet.pcap" >/dev/null 2>&1; then
    check "zones, JT/T 808: matches the truth" sh -c "cd '$WORK/zbase' && '$ROADLOG' analyze --quiet --registry registry.csv --zones zones.geojson --out out-808 fleet.808 && python3 '$TOP/tests/compare_truth.py' truth.csv out-808/events.csv --types $GPS_TYPES,zone_restricted,route_deviation"
fi
check "zones far from every vehicle change nothing" sh -c "cd '$WORK/base' && '$ROADLOG' analyze --quiet --registry registry.csv --zones '$WORK/zbase/zones.geojson' --out out-farzones gps.csv && '$ROADLOG' analyze --quiet --registry registry.csv --out out-nozones gps.csv && cmp out-farzones/events.csv out-nozones/events.csv"
# a --resume chain cut anywhere (inside a restricted run, a route
# deviation, across midnight in the festival zone), then merged: the
# one-run ledger (RUNS.md §2), the zone runs carried across the cut
(cd "$WORK/zbase" && "$ROADLOG" analyze --quiet --registry registry.csv --zones zones.geojson --out out-gps gps.csv) >/dev/null 2>&1
strip_source "$WORK/zbase/out-gps/events.csv" >"$WORK/zbase-gps.events"
for cut in "2026-11-02 09:14:00" "2026-11-02 10:10:00" "2026-11-02 21:50:30" "2026-11-02 23:55:00"; do
    tag=$(echo "$cut" | tr -c '0-9' '_')
    d="$WORK/zchain-$tag"
    mkdir -p "$d"
    python3 - "$WORK/zbase/gps.csv" "$d" "$cut" <<'PYEOF'
import sys
src, d, cut = sys.argv[1:4]
lines = open(src, encoding="utf-8").read().splitlines(True)
ti = lines[0].strip().split(",").index("time")
with open(d + "/p1.csv", "w", encoding="utf-8") as a, open(d + "/p2.csv", "w", encoding="utf-8") as b:
    a.write(lines[0])
    b.write(lines[0])
    for row in lines[1:]:
        (a if row.split(",")[ti] < cut else b).write(row)
PYEOF
    (cd "$d" && "$ROADLOG" analyze --quiet --registry "$WORK/zbase/registry.csv" --zones "$WORK/zbase/zones.geojson" --out c1 p1.csv &&
        "$ROADLOG" analyze --quiet --registry "$WORK/zbase/registry.csv" --zones "$WORK/zbase/zones.geojson" --resume c1 --out c2 p2.csv &&
        "$ROADLOG" merge --quiet --zones "$WORK/zbase/zones.geojson" --out cm c1 c2) >"$d/log" 2>&1
    strip_source "$d/cm/events.csv" >"$d.events" 2>/dev/null
    check "zones, --resume cut at $cut, merged: the one-run ledger" cmp "$WORK/zbase-gps.events" "$d.events"
done
# runs longer than the carried 24 hours: the checkpoint falls inside
# them, so the zone detector's state (and the speeding state's zone) goes
# through the carry: a hazmat 30 h in the no-go area, the route truck
# moving 30 h off its route, a truck 30 h over the urban road's 40 km/h
d="$WORK/zlong"
mkdir -p "$d"
python3 - "$d" "$WORK/zbase/zones.geojson" <<'PYEOF'
import json, sys
d, zones = sys.argv[1:3]
route = [f for f in json.load(open(zones, encoding="utf-8"))["features"] if f["properties"]["kind"] == "route"][0]
rplate = route["properties"]["plates"][0]
with open(d + "/registry.csv", "w", encoding="utf-8") as f:
    f.write("plate,plate_color,class\n粤Z00001,2,hazmat\n%s,2,muck\n粤Z00003,2,truck\n" % rplate)
with open(d + "/gps.csv", "w", encoding="utf-8") as f:
    f.write("plate,plate_color,time,lon,lat,speed\n")
    for m in range(0, 30 * 60):
        t = "2026-11-%02d %02d:%02d:00" % (2 + m // 1440, m // 60 % 24, m % 60)
        f.write("粤Z00001,2,%s,102.745000,25.030000,0\n" % t)
        f.write("%s,2,%s,102.650000,24.960000,10\n" % (rplate, t))
        f.write("粤Z00003,2,%s,102.650000,25.080100,45\n" % t)
lines = open(d + "/gps.csv", encoding="utf-8").read().splitlines(True)
with open(d + "/p1.csv", "w", encoding="utf-8") as a, open(d + "/p2.csv", "w", encoding="utf-8") as b:
    a.write(lines[0])
    b.write(lines[0])
    for row in lines[1:]:
        (a if row.split(",")[2] < "2026-11-03 05:00:00" else b).write(row)
PYEOF
(cd "$d" && "$ROADLOG" analyze --quiet --registry registry.csv --zones "$WORK/zbase/zones.geojson" --out one gps.csv &&
    "$ROADLOG" analyze --quiet --registry registry.csv --zones "$WORK/zbase/zones.geojson" --out c1 p1.csv &&
    "$ROADLOG" analyze --quiet --registry registry.csv --zones "$WORK/zbase/zones.geojson" --resume c1 --out c2 p2.csv &&
    "$ROADLOG" merge --quiet --zones "$WORK/zbase/zones.geojson" --out cm c1 c2) >"$d/log" 2>&1
# (the zone events and speeding are compared: a fatigue stint of 30 h is
# longer than the carried 24 h, and the per-driver pass counts its start
# as fatigue.late_beyond_carry, in main as well)
strip_source "$d/one/events.csv" 2>/dev/null | grep -E ',(zone_restricted|route_deviation|speeding),' >"$d/one.events"
strip_source "$d/cm/events.csv" 2>/dev/null | grep -E ',(zone_restricted|route_deviation|speeding),' >"$d/cm.events"
check "zones: runs of 30 h across a --resume checkpoint, merged: the one-run ledger" sh -c "test \$(wc -l <'$d/one.events') -eq 3 && cmp '$d/one.events' '$d/cm.events' && grep -q ',zone_restricted,2026-11-02 00:00:00,2026-11-03 05:59:00,' '$d/one/events.csv' && grep -q ',route_deviation,2026-11-02 00:00:00,2026-11-03 05:59:00,' '$d/one/events.csv' && grep -q ',speeding,2026-11-02 00:00:00,2026-11-03 05:59:00,.*,zone:urban-road,' '$d/one/events.csv' && grep -q ',zone_restricted,2026-11-02 00:00:00,2026-11-03 04:59:00,.*,open\$' '$d/c1/events.csv'"
check "--resume with other zone files: exit 2" sh -c "cd '$WORK/zchain-2026_11_02_10_10_00_' && '$ROADLOG' analyze --quiet --registry '$WORK/zbase/registry.csv' --zones '$WORK/zbase/zones-gcj02.geojson' --resume c1 --out c3 p2.csv 2>err.txt; test \$? -eq 2 && grep -q 'zone.files' err.txt"
check "merge of outputs with other zone files: exit 2" sh -c "cd '$WORK/zbase' && '$ROADLOG' merge --quiet --out out-mz out-gps out-gcj02 2>err.txt; test \$? -eq 2 && grep -q 'other zone files' err.txt"
check "fixtures/zones/demo-city.geojson is the generator's demo city" cmp "$TOP/fixtures/zones/demo-city.geojson" "$WORK/zbase/zones.geojson"
check "run.json lists the zone file (sha256, datum, zones)" python3 -c "
import json, hashlib, sys
z = json.load(open('$WORK/zbase/out-gcj02/run.json'))['zones']
want = hashlib.sha256(open('$WORK/zbase/zones-gcj02.geojson', 'rb').read()).hexdigest()
sys.exit(not (len(z) == 1 and z[0]['sha256'] == want and z[0]['coord'] == 'gcj02' and z[0]['zones'] == 8))"
check "events.geojson carries the zones that gave events" python3 -c "
import json, sys
f = json.load(open('$WORK/zbase/out/events.geojson'))['features']
zones = {x['properties']['zone_id']: x for x in f if x['properties'].get('kind') == 'zone'}
named = {x['properties']['zone_id'] for x in f if x['properties'].get('kind') != 'zone' and x['properties'].get('zone_id')}
print(sorted(zones), sorted(named))
sys.exit(not (named and set(zones) == named and zones['centre']['geometry']['type'] == 'Polygon' and zones['muck-route']['geometry']['type'] == 'LineString'))"
check "report.html draws the zones of zone events on the vehicles' maps" python3 -c "
import glob, json, re, sys
d = '$WORK/zbase/out'
pages = [d + '/report.html'] + sorted(glob.glob(d + '/vehicles/*.html'))
blocks = lambda t, i: [json.loads(m) for m in re.findall(r'<script type=\"application/json\" id=\"' + i + r'\">(.*?)</script>', t, re.S)]
ev = [x['properties'] for x in json.load(open(d + '/events.geojson'))['features'] if x['properties'].get('kind') != 'zone']
zones, maps = {}, []
for p in pages:
    t = open(p, encoding='utf-8').read()
    for b in blocks(t, 'rl-zones'):
        zones.update({z['properties']['zone_id']: z for z in b})
    maps += [m for m in blocks(t, r'rl-map-v[0-9]+')]
drawn = {z for m in maps for z in m['zi']}
named = {e['zone_id'] for e in ev if e['zone_id']}
zev = {e['event_id'] for e in ev if e['type'] in ('zone_restricted', 'route_deviation')}
on_map = {x[4] for m in maps for x in m['e']}
print(sorted(zones), sorted(drawn), len(zev - on_map))
sys.exit(not (named and set(zones) == named and drawn == named and zev and zev <= on_map
              and zones['centre']['geometry']['type'] == 'Polygon'
              and zones['muck-route']['geometry']['type'] == 'LineString'))"
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a","kind":"restricted"},"geometry":{"type":"Polygon","coordinates":[[[113.9,22.49],[113.95,22.52],[113.95,22.49],[113.9,22.52],[113.9,22.49]]]}}]}' >"$WORK/bow.geojson"
check "a self-intersecting zone: exit 2 naming the file, feature and reason" sh -c "'$ROADLOG' analyze --quiet --zones '$WORK/bow.geojson' --out '$WORK/out-bow' '$WORK/base/gps.csv' 2>'$WORK/err.txt'; test \$? -eq 2 && grep -q 'bow.geojson: feature 1 (id \"a\"): the polygon is not valid (Self-intersection' '$WORK/err.txt' && test ! -f '$WORK/out-bow/events.csv'"
# on one CPU the zones load before the inputs: a bad zone file stops the
# run before any input is read (the missing input is never looked at)
check "a self-intersecting zone on one CPU: exit 2 before any input is read" sh -c "taskset -c 0 '$ROADLOG' analyze --quiet --zones '$WORK/bow.geojson' --out '$WORK/out-bow1' '$WORK/no-such-input.csv' 2>'$WORK/err.txt'; test \$? -eq 2 && grep -q 'the polygon is not valid' '$WORK/err.txt' && ! grep -q 'no-such-input' '$WORK/err.txt' && test ! -e '$WORK/out-bow1'"
check "--zones-coord with an unknown datum: exit 2" sh -c "'$ROADLOG' analyze --quiet --zones-coord utm --zones '$WORK/zbase/zones.geojson' '$WORK/base/gps.csv' >/dev/null 2>&1; test \$? -eq 2"
check "roadlog rules lists zone.min_s and speeding.default_road" sh -c "'$ROADLOG' rules | grep -q '^zone.min_s = 60 ' && '$ROADLOG' rules | grep -q '^speeding.default_road = expressway ' && '$ROADLOG' rules | grep -q '^zone.buffer_m = 25 '"

# ---- the checks themselves: one that cannot run is never a pass ----
UNIT_JT808=$(dirname "$ROADLOG")/tests/test_jt808
if [ -x "$UNIT_JT808" ]; then
    check "unit cases without their input (the JT/T 808 vectors, the active-safety frame) say SKIP and fail" sh -c "cd '$WORK' && ROADLOG_VECTORS=/nonexistent sh '$TOP/tests/run_unit.sh' '$UNIT_JT808' >skip.txt; rc=\$?; grep -q '^SKIP test_jt808: 2 case' skip.txt && grep -q 'ROADLOG_VECTORS' skip.txt && ! grep -q '^PASS' skip.txt && test \$rc -eq 1"
    check "ROADLOG_ALLOW_SKIP=1: the SKIP stays, the run passes" sh -c "cd '$WORK' && ROADLOG_ALLOW_SKIP=1 ROADLOG_VECTORS=/nonexistent sh '$TOP/tests/run_unit.sh' '$UNIT_JT808' | grep -q '^SKIP test_jt808'"
else
    fail "$UNIT_JT808 is not built (make unit builds it)"
fi
check "the browser check without chromium says SKIP and fails" sh -c "cd '$WORK' && ROADLOG_CHROMIUM=/nonexistent/chromium sh '$TOP/tests/browser.sh' '$ROADLOG' >nobrowser.txt 2>&1; rc=\$?; grep -q '^SKIP browser: chromium is not installed' nobrowser.txt && test \$rc -eq 1"

# ---- 6. hand-checked samples with expected outputs ----
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
