#!/bin/sh
# chain.sh - runs that compose (RUNS.md §2-3): a --resume chain over slices
# of a generated 3-day fleet, cut at midnight and at 13:37 (GPS CSV and raw
# JT/T 808), then `roadlog merge`, gives the one-run result: events.csv,
# events.jsonl, vehicles.csv and vehicle_days.csv the same but for the
# source column (the slices are other files), run.json's counts agree;
# the driver sheets (drivers.html, --by driver) the same but for sources.
# Late rows (blind-area uploads in the next dump) are merged into the
# timeline; parts (1, 2 and 7, a driver on vehicles of two parts) merge
# into the one run too.  A carry from other rules, another zone or a
# damaged one is refused with the reason.
#   tests/chain.sh ROADLOG FIXTURE_BIN_DIR
set -u
ROADLOG=$(realpath "$1")
BIN=$(realpath "$2")
WORK=$(mktemp -d /tmp/roadlog-chain-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
fails=0
passes=0
pass() { passes=$((passes + 1)); echo "PASS $1"; }
fail() { fails=$((fails + 1)); echo "FAIL $1"; }

"$BIN/genfleet" --out in --days 3 --seed 5 --vehicles 60 --inject all --drivers --noise --quiet || { fail genfleet; exit 1; }
"$BIN/gen808" in/gps.csv all.808 all.pcap >/dev/null || { fail gen808; exit 1; }

# slices of a CSV: rows by their time at the cuts; `late H` moves some rows
# less than H hours before a cut into the next slice (uploaded late)
cat >slice.py <<'EOF'
import sys, random, datetime
src, prefix, late = sys.argv[1], sys.argv[2], float(sys.argv[3])
cuts = sys.argv[4:]
lines = open(src, encoding="utf-8").read().splitlines(True)
head, rows = lines[0], lines[1:]
ti = head.strip().split(",").index("time")
parts = [[] for _ in range(len(cuts) + 1)]
random.seed(9)
ts = lambda s: datetime.datetime.strptime(s, "%Y-%m-%d %H:%M:%S")
for r in rows:
    t = r.split(",")[ti]
    k = sum(1 for c in cuts if t >= c)
    try:
        before = (ts(cuts[k]) - ts(t)).total_seconds() if k < len(cuts) else None
    except ValueError:
        before = None
    if late and before is not None and before < late * 3600 and random.random() < 0.3:
        k += 1
    parts[k].append(r)
for k, p in enumerate(parts):
    open("%s%d.csv" % (prefix, k), "w", encoding="utf-8").writelines([head] + p)
EOF
# the same comparison for every file: CSV rows, the source column left out
cat >same.py <<'EOF'
import csv, json, sys
a, b = sys.argv[1], sys.argv[2]
def rows(d, f):
    out = []
    for r in csv.reader(open("%s/%s" % (d, f), encoding="utf-8-sig")):
        if r and r[0] == "event_id":
            src = r.index("source")
        out.append([x for i, x in enumerate(r) if f != "events.csv" or i != src])
    return out
bad = []
for f in ("events.csv", "vehicles.csv", "vehicle_days.csv"):
    if rows(a, f) != rows(b, f):
        bad.append(f)
def jrows(d):
    out = []
    for l in open(d + "/events.jsonl", encoding="utf-8"):
        o = json.loads(l); o.pop("source"); out.append(o)
    return out
if jrows(a) != jrows(b):
    bad.append("events.jsonl")
# drivers.html: every sheet, its events' sources left out
import re
def sheets(d):
    t = open(d + "/drivers.html", encoding="utf-8").read()
    return re.sub(r'<td class="small">[^<]*<br>', '<td class="small"><br>', t)
if sheets(a) != sheets(b):
    bad.append("drivers.html")
ca = json.load(open(a + "/run.json"))["counts"]
cb = json.load(open(b + "/run.json"))["counts"]
for k in ca:
    if k != "registry_rows" and ca[k] != cb.get(k):
        bad.append("run.json %s %s/%s" % (k, ca[k], cb.get(k)))
print(" ".join(bad))
sys.exit(1 if bad else 0)
EOF

"$ROADLOG" analyze --quiet --by driver --registry in/registry.csv --out one in/gps.csv || fail "one run"
"$ROADLOG" analyze --quiet --by driver --registry in/registry.csv --out one808 all.808 || fail "one run (JT/T 808)"

# chain NAME INPUT...: analyze each input resuming the one before, then merge
chain() {
    name=$1
    shift
    prev=""
    k=0
    outs=""
    for in in "$@"; do
        out=$name/run$k
        # shellcheck disable=SC2086
        "$ROADLOG" analyze --quiet --by driver --registry in/registry.csv ${prev:+--resume $prev} --out "$out" "$in" ||
            { fail "$name: analyze $in"; return 1; }
        prev=$out
        outs="$outs $out"
        k=$((k + 1))
    done
    # shellcheck disable=SC2086
    "$ROADLOG" merge --quiet --by driver --out "$name/all" $outs || { fail "$name: merge"; return 1; }
}

python3 slice.py in/gps.csv mid 0 "2026-11-03 00:00:00" "2026-11-04 00:00:00"
chain mid mid0.csv mid1.csv mid2.csv &&
    { d=$(python3 same.py one mid/all) && pass "3 days cut at midnight, resumed and merged: the one-run result" ||
        fail "cut at midnight: $d"; }
python3 slice.py in/gps.csv odd 0 "2026-11-02 13:37:00" "2026-11-03 13:37:00" "2026-11-04 02:15:00"
chain odd odd0.csv odd1.csv odd2.csv odd3.csv &&
    { d=$(python3 same.py one odd/all) && pass "cut at 13:37 (and 02:15), resumed and merged: the one-run result" ||
        fail "cut at 13:37: $d"; }
# summary over the runs of a chain (RUNS.md §2): each event once, its
# latest version; vehicle-days of one chain added up; terminal_silent judged
# over the summary's period: the one run's summary.  Two unrelated outputs
# of the same days (one run and the merged chain) count once, not twice.
sumsame() { # NAME OUTPUT...: the summary of OUTPUT... against the one run's
    name=$1
    shift
    "$ROADLOG" summary --quiet --registry in/registry.csv --out "sum-$name" "$@" >"sum-$name.txt" &&
        cmp -s sum-one/summary.csv "sum-$name/summary.csv" &&
        [ "$(tail -n +2 sum-one.txt)" = "$(tail -n +2 "sum-$name.txt")" ]
}
"$ROADLOG" summary --quiet --registry in/registry.csv --out sum-one one >sum-one.txt || fail "summary of one run"
sumsame odd odd/run0 odd/run1 odd/run2 odd/run3 &&
    pass "summary over a chain's four runs (cut at 13:37): the one run's summary" ||
    { fail "summary over a chain: not the one run's"; diff sum-one/summary.csv sum-odd/summary.csv | head -10; }
sumsame mid mid/run2 mid/run0 mid/run1 &&
    pass "summary over a chain's runs given out of order: the one run's summary" ||
    fail "summary over a chain given out of order: not the one run's"
"$ROADLOG" analyze --quiet --by driver --registry in/registry.csv --resume odd/run1 --out odd/run2b odd2.csv ||
    fail "a slice analysed again from the same carry"
sumsame again odd/run0 odd/run1 odd/run2 odd/run2b odd/run3 odd/run1 &&
    pass "summary with one output given twice and a slice analysed twice from one carry: each counted once" ||
    { fail "summary over repeated outputs of a chain: not the one run's"; diff sum-one/summary.csv sum-again/summary.csv | head -10; }
"$ROADLOG" summary --quiet --registry in/registry.csv --out sum-ev one/events.csv >/dev/null
n1=$(grep -c ',terminal_silent,' one/events.csv)
n2=$(grep '^by_type,terminal_silent,' sum-ev/summary.csv | cut -d, -f4)
[ "$n1" -gt 0 ] && [ "$n1" = "$n2" ] &&
    pass "summary of an events.csv alone: its terminal_silent events counted as they are ($n1)" ||
    fail "summary of an events.csv alone: $n2 terminal_silent, events.csv has $n1"
"$ROADLOG" analyze --quiet --detect speeding --registry in/registry.csv --out ds in/gps.csv &&
    "$ROADLOG" merge --quiet --out mds ds &&
    [ "$(grep -c ',terminal_silent,' mds/events.csv)" -eq 0 ] &&
    python3 -c "import json,sys; sys.exit(json.load(open('mds/run.json'))['options']['detect'] != ['speeding'])" &&
    pass "merge of outputs analysed with --detect speeding: no terminal_silent made, run.json names the detectors" ||
    fail "merge of --detect speeding outputs: terminal_silent made or detectors not carried"
sumsame twice one mid/all &&
    pass "summary over one run and the merged chain of the same days: counted once" ||
    { fail "summary over two outputs of the same days: not the one run's"; diff sum-one/summary.csv sum-twice/summary.csv | head -10; }

# the night's fatigue across midnight is in the chain's ledger (the two
# events a daily run without --resume loses)
n=$(grep -c ',fatigue_night,\|,fatigue_continuous,' mid/all/events.csv)
m=$(grep -c ',fatigue_night,\|,fatigue_continuous,' one/events.csv)
[ "$n" -eq "$m" ] && [ "$n" -gt 0 ] && pass "fatigue across midnight: $n events, as in one run" ||
    fail "fatigue across midnight: $n in the chain, $m in one run"
# a stint that runs on past the end of a run is open there, closed later
grep -q ',open$' odd/run0/events.csv && pass "an event still running where a run's data ends has status open" ||
    fail "no open event at the end of a run"

# raw JT/T 808 in three pieces (frames cut where they end), registrations
# only in the first
python3 - <<'EOF'
d = open("all.808", "rb").read()
cuts = [d.find(b"\x7e\x7e", int(len(d) * f)) + 1 for f in (0.37, 0.71)]
for k, (a, b) in enumerate(zip([0] + cuts, cuts + [len(d)])):
    open("f%d.808" % k, "wb").write(d[a:b])
EOF
chain j808 f0.808 f1.808 f2.808 &&
    { d=$(python3 same.py one808 j808/all) && pass "JT/T 808 in three runs (registrations carried): the one-run result" ||
        fail "JT/T 808 chain: $d"; }

# late rows: some rows of each slice arrive with the next dump
python3 slice.py in/gps.csv late 6 "2026-11-02 13:37:00" "2026-11-03 13:37:00"
chain late late0.csv late1.csv late2.csv
if [ -f late/all/events.csv ]; then
    d=$(python3 same.py one late/all)
    case "$d" in
    "" | "vehicle_days.csv") pass "late rows within the carried 24 h: the one-run ledger ($d)" ;;
    *) fail "late rows: $d" ;;
    esac
    w=$(cat late/run1/events.csv late/run2/events.csv | grep -c ',withdrawn$')
    echo "    (withdrawn by late rows: $w)"
fi
"$ROADLOG" analyze --quiet --registry in/registry.csv --resume late/run2 --out late/run3 mid0.csv
lb=$(python3 -c "import json; print(json.load(open('late/run3/run.json'))['counts']['late_beyond_carry'])")
[ "$lb" -gt 0 ] && pass "rows older than the carried 24 hours: analysed on their own, late_beyond_carry $lb" ||
    fail "late_beyond_carry not counted ($lb)"

# parts: vehicles split by plate, merged (a driver drives vehicles of two)
python3 - <<'EOF'
import zlib, unicodedata
lines = open("in/gps.csv", encoding="utf-8").read().splitlines(True)
head, rows = lines[0], lines[1:]
def norm(p):
    p = unicodedata.normalize("NFKC", p)
    for c in " -·•・":
        p = p.replace(c, "")
    return p.upper()
for n in (1, 2, 7):
    parts = [[] for _ in range(n)]
    for r in rows:
        parts[zlib.crc32(norm(r.split(",")[0]).encode()) % n].append(r)
    for k, p in enumerate(parts):
        open("p%d_%d.csv" % (n, k), "w", encoding="utf-8").writelines([head] + p)
EOF
for n in 1 2 7; do
    outs=""
    k=0
    while [ $k -lt $n ]; do
        "$ROADLOG" analyze --quiet --by driver --registry in/registry.csv --out "parts$n/part-$k" "p${n}_$k.csv" ||
            fail "part $k of $n"
        outs="$outs parts$n/part-$k"
        k=$((k + 1))
    done
    # shellcheck disable=SC2086
    "$ROADLOG" merge --quiet --by driver --out "parts$n/all" $outs &&
        { d=$(python3 same.py one "parts$n/all") && pass "$n parts merged: the one-run result" || fail "$n parts: $d"; }
done
# a driver on vehicles of two parts: the parts alone miss events the merge has
drivers=$(python3 - <<'EOF'
import csv
seen = {}
for k in range(7):
    for r in csv.DictReader(open("parts7/part-%d/drivers.seg" % k, encoding="utf-8-sig")):
        if r["driver"]:
            seen.setdefault(r["driver"], set()).add(k)
print(sum(1 for v in seen.values() if len(v) > 1))
EOF
)
[ "$drivers" -gt 0 ] && pass "drivers on vehicles of two parts: $drivers, their fatigue walked across the parts" ||
    fail "no driver spans two parts: the test fleet does not test it"

# a driver known by an ID-card number with fatigue and other events, in a
# part of two: the merge walks the fatigue again from drivers.seg (full
# numbers) and reads the rest from the ledgers (masked); one sheet still
awk 'BEGIN {
    print "plate,plate_color,time,lon,lat,speed,driver";
    for (m = 0; m < 330; m++) {
        v = (m >= 120 && m < 130) ? 135 : 60;
        printf "粤B60001,2,2026-11-02 %02d:%02d:00,%.6f,22.500000,%d,440301198203154417\n", 6 + int(m / 60), m % 60, 113.9 + m * 0.01, v;
        printf "粤B60002,2,2026-11-02 %02d:%02d:00,114.000000,23.000000,0,\n", 6 + int(m / 60), m % 60;
    }
}' >idcard.csv
grep -v 粤B60002 idcard.csv >idcard0.csv
{ head -1 idcard.csv; grep 粤B60002 idcard.csv; } >idcard1.csv
"$ROADLOG" analyze --quiet --by driver --out id/one idcard.csv &&
    "$ROADLOG" analyze --quiet --by driver --out id/p0 idcard0.csv &&
    "$ROADLOG" analyze --quiet --by driver --out id/p1 idcard1.csv &&
    "$ROADLOG" merge --quiet --by driver --out id/all id/p0 id/p1 || fail "ID-card driver: a run failed"
kinds=$(grep -c '440301\*\*\*\*\*\*\*\*4417' id/one/events.csv)
sheets=$(grep -o '<h2>[^<]*440301\*\*\*\*\*\*\*\*4417' id/all/drivers.html | wc -l)
if [ "$kinds" -ge 2 ] && grep -q fatigue id/one/events.csv && [ "$sheets" -eq 1 ] &&
    d=$(python3 same.py id/one id/all); then
    pass "a driver's ID-card number masked: fatigue walked again and the ledgers' events on one sheet"
else
    fail "ID-card driver: $kinds events, $sheets sheets in the merge; ${d:-}"
fi

# refusals: other rules, another zone, a damaged carry, merge of other rules
printf 'speeding.hazmat = 70\n' >other.rules
"$ROADLOG" analyze --quiet --registry in/registry.csv --rules other.rules --resume mid/run0 --out x mid1.csv 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q 'speeding.hazmat' err.txt && pass "a carry of other rules: exit 2, the rule named" ||
    fail "carry of other rules: exit $rc: $(cat err.txt)"
"$ROADLOG" analyze --quiet --registry in/registry.csv --tz +07:00 --resume mid/run0 --out x mid1.csv 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q 'zone' err.txt && pass "a carry of another time zone: exit 2" || fail "carry of another zone: exit $rc"
cp -r mid/run0 broken
printf 'x' >>broken/carry/rest.bin
"$ROADLOG" analyze --quiet --registry in/registry.csv --resume broken --out x mid1.csv 2>err.txt
rc=$?
[ $rc -eq 1 ] && grep -q 'damaged' err.txt && pass "a damaged carry: exit 1, said so" || fail "damaged carry: exit $rc: $(cat err.txt)"
"$ROADLOG" analyze --quiet --registry in/registry.csv --rules other.rules --out otherrules mid1.csv
"$ROADLOG" merge --quiet --out x mid/run0 otherrules 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q 'speeding.hazmat' err.txt && pass "merge of outputs of other rules: exit 2, the rule named" ||
    fail "merge of other rules: exit $rc"

echo "chain: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
