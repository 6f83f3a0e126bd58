#!/bin/sh
# shard.sh - shard by shard (RUNS.md §3): `roadlog shard` into 1, 2 and 7
# parts, `analyze` of each part, against one run over the same inputs, on
# a generated fleet (drivers who change vehicles, noise, late rows,
# weighings, terminal alarms, the demo city's zones) as CSV, gzip, JT/T 808
# and pcap:
#   - 1 part: events.csv, events.jsonl, vehicles.csv, vehicle_days.csv and
#     rejects.csv byte for byte those of one run;
#   - shard -> analyze each part -> merge: one run's outputs byte for byte
#     and its counts (the guarantee);
#   - N parts: the parts' events together (sorted) are one run's, but for
#     the fatigue events of drivers who drove vehicles of two parts (those
#     are `merge`'s, from drivers.seg); vehicle_days rows likewise, and
#     vehicles.csv rows of the vehicles those events do not touch; the
#     rejects (each in one part, with the original file:line) in order;
#     run.json: the original inputs in every part, the records and counts
#     adding up to one run's;
#   - `decode` of the parts gives every position of the inputs, with its
#     original source;
#   - several shard processes into one folder (--task I/T with JT/T 808
#     traffic split over files, registrations and drivers in earlier
#     files; --first-input by hand) give the parts one process gives;
#   - bad inputs rejected as one run rejects them; --strict writes no
#     part; a damaged or cut record file, another --tz, a registry changed
#     since sharding: exit 1 with the reason; shard holds no input whole;
#   - JT/T 808 active-safety items in the GDRTA dialect (a rule shard
#     reads with): the same through shard, and another dialect refused.
#   tests/shard.sh ROADLOG FIXTURE_BIN_DIR
set -u
ROADLOG=$(realpath "$1")
BIN=$(realpath "$2")
WORK=$(mktemp -d /tmp/roadlog-shard-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fails=0
passes=0
pass() { passes=$((passes + 1)); echo "PASS $1"; }
fail() { fails=$((fails + 1)); echo "FAIL $1"; }
cd "$WORK" || exit 1

[ -x "$BIN/gen808" ] || { echo "SKIP shard.sh: $BIN/gen808 is missing (make tools)"; exit 1; }
# the fleet: scenarios, drivers (one changes vehicles), noise, late rows, weighings
"$BIN/genfleet" --out f --seed 13 --inject all,zones --drivers --noise --late 10 --vehicles 70 --days 2 --weigh 300 \
    --quiet || { fail "genfleet"; exit 1; }
"$BIN/gen808" f/gps.csv f/fleet.808 f/fleet.pcap >/dev/null || { fail "gen808"; exit 1; }
gzip -k f/gps.csv
REG=f/registry.csv
ZONES="--zones f/zones.geojson" # zone events: per vehicle, in the analyses

# compare.py ONE PARTDIR...: the parts against one run; prints what differs
cat >compare.py <<'EOF'
import csv, io, json, re, sys
one, parts = sys.argv[1], sys.argv[2:]
def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))
def lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()
problems = []
# drivers of vehicles of two parts: from the parts' positions (decode.csv
# of each part, written by the test)
seen = {}
for i, p in enumerate(parts):
    for r in rows(p + "/decode.csv")[1:]:
        if r[12]:
            seen.setdefault(r[12], set()).add(i)
cross = {d for d, s in seen.items() if len(s) > 1}
# events name a driver's ID-card number masked (issue 17), decode in full
cross |= {d[:6] + "*" * 8 + d[-4:] for d in cross if re.fullmatch(r"[0-9]{17}[0-9Xx]", d)}
def skip(r):  # an events.csv row: fatigue of a driver of two parts
    return r[6].startswith("fatigue_") and r[5] in cross
ev_one = rows(one + "/events.csv")
head = ev_one[0]
left_out = [r for r in ev_one[1:] if skip(r)]
touched = {(r[1], r[2]) for r in left_out}
ev_parts = []
for p in parts:
    ev = rows(p + "/events.csv")
    if ev[0] != head:
        problems.append(p + ": events.csv header differs")
    ev_parts += [r for r in ev[1:] if not skip(r)]
touched |= {(r[1], r[2]) for p in parts for r in rows(p + "/events.csv")[1:] if skip(r)}
a = sorted(r for r in ev_one[1:] if not skip(r))
b = sorted(ev_parts)
if a != b:
    problems.append("events.csv: %d rows in one run, %d in the parts; first difference: %s" % (
        len(a), len(b), next(([x, y] for x, y in zip(a, b) if x != y), "lengths")))
# events.jsonl: the same events
def jskip(e):
    return e["type"].startswith("fatigue_") and e["driver"] in cross
ja = sorted(l for l in lines(one + "/events.jsonl") if not jskip(json.loads(l)))
jb = sorted(l for p in parts for l in lines(p + "/events.jsonl") if not jskip(json.loads(l)))
if ja != jb:
    problems.append("events.jsonl differs")
# vehicle_days: every row; vehicles: rows of vehicles the left-out events do not touch
for name, keep in (("vehicle_days.csv", lambda r: True), ("vehicles.csv", lambda r: (r[0], r[1]) not in touched)):
    a = sorted(r for r in rows(one + "/" + name)[1:] if keep(r))
    b = sorted(r for p in parts for r in rows(p + "/" + name)[1:] if keep(r))
    if a != b:
        problems.append("%s: %d rows against %d" % (name, len(a), len(b)))
# rejects: each in one part, in input order (registry rows, read by every part, once)
rej = rows(one + "/rejects.csv")
reg_files = {i["path"] for i in json.load(open(one + "/run.json"))["inputs"] if i["kind"] == "registry"}
got = [rows(parts[0] + "/rejects.csv")[0]]
for k, p in enumerate(parts):
    got += [r for r in rows(p + "/rejects.csv")[1:] if k == 0 or r[1] not in reg_files]
if got != rej:
    problems.append("rejects.csv: %d rows against %d" % (len(rej), len(got)))
# run.json: the original inputs in every part; records, rejects and counts add up
jo = json.load(open(one + "/run.json"))
jp = [json.load(open(p + "/run.json")) for p in parts]
for k in ("positions", "weighings", "rejected", "points", "duplicates", "invalid", "drift", "accepted",
          "vehicles", "unregistered_vehicles", "registration_conflicts"):
    if jo["counts"][k] != sum(j["counts"][k] for j in jp):
        problems.append("run.json counts.%s: %s against %s" % (k, jo["counts"][k], [j["counts"][k] for j in jp]))
for j, p in zip(jp, parts):
    if [(i["path"], i["kind"], i["size"], i["sha256"]) for i in j["inputs"]] != \
       [(i["path"], i["kind"], i["size"], i["sha256"]) for i in jo["inputs"]]:
        problems.append(p + ": run.json inputs are not the original inputs")
    if not j.get("record_files") or any(not i["path"].endswith(".rlrec") for i in j["record_files"]):
        problems.append(p + ": run.json has no record_files")
for n, i in enumerate(jo["inputs"]):
    if i["kind"] == "registry":
        continue
    for k in ("records", "rejected"):
        if i[k] != sum(j["inputs"][n][k] for j in jp):
            problems.append("run.json inputs[%d].%s: %s against %s" % (n, k, i[k], [j["inputs"][n][k] for j in jp]))
for p in problems:
    print("    " + p)
print("    (%d events, %d left to merge: fatigue of %d drivers of two parts)" % (len(ev_one) - 1, len(left_out),
                                                                               len(cross)), file=sys.stderr)
sys.exit(1 if problems else 0)
EOF

# decode columns CSV keeps through a record file: analyze reads no heading,
# altitude, alarm or mileage from a CSV, so neither does shard
keep_cols() { if [ "$1" = csv ] || [ "$1" = gzip ]; then cut -d, -f1-7,10,13-; else cat; fi; }

OUTS="events.csv events.jsonl vehicles.csv vehicle_days.csv rejects.csv"
for form in csv gzip 808 pcap; do
    case $form in
    csv) IN="f/gps.csv f/weighbridge.csv" ;;
    gzip) IN="f/gps.csv.gz f/weighbridge.csv" ;;
    808) IN="f/fleet.808 f/weighbridge.csv" ;;
    pcap) IN="f/fleet.pcap f/weighbridge.csv" ;;
    esac
    # shellcheck disable=SC2086
    "$ROADLOG" analyze --quiet $ZONES --registry $REG --out one-$form $IN || fail "$form: one run exit $?"
    # shellcheck disable=SC2086
    "$ROADLOG" decode --quiet --registry $REG $IN | keep_cols $form | sort >dec-$form.csv
    for n in 1 2 7; do
        S=S-$form-$n
        # shellcheck disable=SC2086
        if ! "$ROADLOG" shard --quiet --parts $n --registry $REG --out $S $IN; then
            fail "$form, $n parts: shard exit $?"
            continue
        fi
        dirs=""
        ok=1
        p=0
        while [ $p -lt $n ]; do
            P=$(printf 'part-%04d' $p)
            [ "$(ls $S/$P | wc -l)" -eq 1 ] && [ -z "$(ls -A $S/$P | grep -v '\.rlrec$')" ] ||
                { fail "$form, $n parts: $S/$P holds $(ls -A $S/$P)"; ok=0; }
            "$ROADLOG" analyze --quiet $ZONES --registry $REG --out O-$form-$n/$P $S/$P || { fail "$form, $n parts: analyze $P exit $?"; ok=0; }
            "$ROADLOG" decode --quiet --registry $REG $S/$P >O-$form-$n/$P/decode.csv
            dirs="$dirs O-$form-$n/$P"
            p=$((p + 1))
        done
        [ $ok -eq 1 ] || continue
        if [ $n -eq 1 ]; then
            for o in $OUTS; do
                cmp -s one-$form/$o O-$form-$n/part-0000/$o || { fail "$form, 1 part: $o differs from one run"; ok=0; }
            done
        fi
        # shellcheck disable=SC2086
        python3 compare.py one-$form $dirs >cmp.log 2>cmp.err || { fail "$form, $n parts: the parts are not one run"; cat cmp.log; ok=0; }
        # shellcheck disable=SC2086
        cat $(for d in $dirs; do echo $d/decode.csv; done) | grep -v '^plate,' | keep_cols $form |
            sort | cmp -s - "$(grep -v '^plate,' dec-$form.csv >dec.tmp && echo dec.tmp)" ||
            { fail "$form, $n parts: decode of the parts is not decode of the inputs"; ok=0; }
        # the guarantee: shard -> analyze each part -> merge is one run
        # shellcheck disable=SC2086
        if "$ROADLOG" merge --quiet --out M-$form-$n $dirs; then
            for o in $OUTS; do
                cmp -s one-$form/$o M-$form-$n/$o || { fail "$form, $n parts merged: $o differs from one run"; ok=0; }
            done
            python3 - one-$form/run.json M-$form-$n/run.json <<'PY' || { fail "$form, $n parts merged: run.json counts differ"; ok=0; }
import json, sys
a, b = (json.load(open(p))["counts"] for p in sys.argv[1:])
bad = {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)}
print("    " + str(bad) if bad else "", end="")
sys.exit(1 if bad else 0)
PY
        else
            fail "$form, $n parts: merge exit $?"
            ok=0
        fi
        [ $ok -eq 1 ] && pass "$form, $n parts, merged: one run $(cat cmp.err | tr -d '\n')"
    done
done

# ---- several shard processes into one folder ----
python3 - <<'EOF'
# JT/T 808 traffic in three files cut between frames: registrations and
# drivers (0x0702) of a terminal in one file, its positions in the next
d = open("f/fleet.808", "rb").read()
cuts = [0]
for i in (1, 2):
    at = len(d) * i // 3
    while not (d[at - 1] == 0x7E and d[at] == 0x7E):
        at += 1
    cuts.append(at)
cuts.append(len(d))
for i in range(3):
    open("f/t%d.808" % i, "wb").write(d[cuts[i]:cuts[i + 1]])
# the GPS log in two files, the second gzipped
import gzip
rows = open("f/gps.csv", "rb").read().splitlines(keepends=True)
half = len(rows) // 2
open("f/gps-a.csv", "wb").write(b"".join(rows[:half]))
with gzip.open("f/gps-b.csv.gz", "wb") as g:
    g.write(rows[0] + b"".join(rows[half:]))
EOF
IN="f/gps-a.csv f/t0.808 f/gps-b.csv.gz f/t1.808 f/weighbridge.csv f/t2.808 $REG"
# shellcheck disable=SC2086
"$ROADLOG" analyze --quiet --out one-m $IN || fail "several: one run exit $?"
# shellcheck disable=SC2086
"$ROADLOG" shard --quiet --parts 3 --out S-single $IN || fail "several: one shard process exit $?"
for t in 2 0 1; do
    # shellcheck disable=SC2086
    "$ROADLOG" shard --quiet --parts 3 --task $t/3 --out S-tasks $IN || fail "several: task $t exit $?"
done
# by hand, numbering the inputs: CSV only (JT/T 808 needs every file's registrations: --task)
"$ROADLOG" shard --quiet --parts 3 --first-input 2 --out S-hand f/weighbridge.csv f/gps-b.csv.gz || fail "several: --first-input exit $?"
"$ROADLOG" shard --quiet --parts 3 --out S-hand f/gps-a.csv || fail "several: --first-input exit $?"
"$ROADLOG" analyze --quiet --out one-h f/gps-a.csv f/weighbridge.csv f/gps-b.csv.gz || fail "several: one run exit $?"
ok=1
[ "$(ls S-tasks/part-0001 | wc -l)" -eq 3 ] || { fail "several: 3 tasks wrote $(ls S-tasks/part-0001 | wc -l) files in part-0001"; ok=0; }
for p in part-0000 part-0001 part-0002; do
    "$ROADLOG" analyze --quiet --out A/$p S-single/$p && "$ROADLOG" analyze --quiet --out B/$p S-tasks/$p &&
        "$ROADLOG" analyze --quiet --out H/$p S-hand/$p || { fail "several: analyze $p"; ok=0; }
    "$ROADLOG" decode --quiet S-tasks/$p >B/$p/decode.csv
    "$ROADLOG" decode --quiet S-hand/$p >H/$p/decode.csv
    for o in $OUTS; do
        cmp -s A/$p/$o B/$p/$o || { fail "several: $p/$o of 3 tasks differs from one process"; ok=0; }
    done
done
# every position with its driver (a 0x0702 of an earlier file) and source
"$ROADLOG" decode --quiet S-single/part-0000 S-single/part-0001 S-single/part-0002 | sort >dec-single.csv
"$ROADLOG" decode --quiet S-tasks/part-0000 S-tasks/part-0001 S-tasks/part-0002 | sort >dec-tasks.csv
cmp -s dec-single.csv dec-tasks.csv || { fail "several: decode of the 3 tasks' parts differs from one process's"; ok=0; }
python3 compare.py one-m B/part-0000 B/part-0001 B/part-0002 >cmp.log 2>cmp.err || { fail "several: --task parts are not one run"; cat cmp.log; ok=0; }
python3 compare.py one-h H/part-0000 H/part-0001 H/part-0002 >cmp.log 2>cmp.err || { fail "several: --first-input parts are not one run"; cat cmp.log; ok=0; }
for x in B:one-m H:one-h; do
    "$ROADLOG" merge --quiet --out M-${x%%:*} ${x%%:*}/part-0000 ${x%%:*}/part-0001 ${x%%:*}/part-0002 ||
        { fail "several: merge ${x%%:*}"; ok=0; }
    for o in $OUTS; do
        cmp -s ${x#*:}/$o M-${x%%:*}/$o || { fail "several: ${x%%:*} merged: $o differs from one run"; ok=0; }
    done
done
[ $ok -eq 1 ] && pass "several shard processes into one folder (--task 3 groups with JT/T 808 across files, --first-input)"

# ---- the GDRTA dialect of active-safety items: a rule shard reads with ----
"$BIN/genfleet" --out g --seed 19 --inject alarm --dialect gdrta --vehicles 30 --days 2 --quiet || fail "genfleet gdrta"
"$BIN/gen808" g/gps.csv g/fleet.808 g/fleet.pcap >/dev/null || fail "gen808 gdrta"
echo "jt808.dialect = gdrta" >gdrta.rules
"$ROADLOG" analyze --quiet --rules gdrta.rules --registry g/registry.csv --out one-g g/fleet.808 || fail "gdrta: one run"
"$ROADLOG" shard --quiet --parts 3 --rules gdrta.rules --registry g/registry.csv --out S-g g/fleet.808 || fail "gdrta: shard"
ok=1
for p in part-0000 part-0001 part-0002; do
    "$ROADLOG" analyze --quiet --rules gdrta.rules --registry g/registry.csv --out G/$p S-g/$p || { fail "gdrta: analyze $p"; ok=0; }
done
"$ROADLOG" merge --quiet --out G/all G/part-0000 G/part-0001 G/part-0002 || { fail "gdrta: merge"; ok=0; }
for o in $OUTS; do
    cmp -s one-g/$o G/all/$o || { fail "gdrta: merged $o differs from one run"; ok=0; }
done
"$ROADLOG" analyze --quiet --registry g/registry.csv --out G/plain S-g/part-0000 2>dialect.err
rc=$?
[ $rc -eq 1 ] && grep -q "sharded with jt808.dialect = gdrta, this run has jsatl" dialect.err ||
    { fail "gdrta: analyze with the other dialect: exit $rc: $(cat dialect.err)"; ok=0; }
n=$(grep -c "adas_alarm\|dsm_alarm\|tpms_alarm\|bsd_alarm" one-g/events.csv)
[ "$n" -gt 0 ] || { fail "gdrta: the fleet has no active-safety event"; ok=0; }
[ $ok -eq 1 ] && pass "GDRTA active-safety items: shard with the rules, merged parts are one run ($n active-safety events); analyze with another dialect refused"

# ---- bad input: as one run ----
head -c 300000 f/gps.csv.gz >f/cut.csv.gz
head -c 5000 /dev/urandom >f/junk.bin
: >f/empty.csv
BAD="f/cut.csv.gz f/junk.bin f/empty.csv f/missing.csv f/fleet.808"
# shellcheck disable=SC2086
"$ROADLOG" analyze --quiet --registry $REG --out one-bad $BAD 2>/dev/null
rc_one=$?
# shellcheck disable=SC2086
"$ROADLOG" shard --quiet --parts 2 --registry $REG --out S-bad $BAD 2>shard.err
rc_shard=$?
rc_parts=""
for p in part-0000 part-0001; do
    "$ROADLOG" analyze --quiet --registry $REG --out O-bad/$p S-bad/$p 2>/dev/null
    rc_parts="$rc_parts $?"
    "$ROADLOG" decode --quiet --registry $REG S-bad/$p >O-bad/$p/decode.csv 2>/dev/null
done
if [ $rc_one -eq 1 ] && [ $rc_shard -eq 1 ] && [ "$rc_parts" = " 1 1" ] &&
    grep -q "missing.csv: cannot open" shard.err &&
    python3 compare.py one-bad O-bad/part-0000 O-bad/part-0001 >cmp.log 2>cmp.err; then
    pass "bad inputs: rejected with their file:line as one run, exit 1 at shard and at every part"
else
    fail "bad inputs (exit one run $rc_one, shard $rc_shard, parts$rc_parts)"
    cat cmp.log
fi
"$ROADLOG" shard --quiet --strict --parts 2 --out S-strict f/cut.csv.gz f/fleet.808 2>strict.err
rc=$?
if [ $rc -eq 1 ] && grep -q "gps.csv\|cut.csv.gz:[0-9]*: .*stopping: --strict" strict.err &&
    [ -z "$(find S-strict -type f)" ]; then
    pass "--strict: exit 1 at the first bad record, no part written"
else
    fail "--strict: exit $rc, files: $(find S-strict -type f | head -3)"
fi

# ---- damaged record files, another zone, a changed registry ----
F=$(ls S-csv-1/part-0000/*.rlrec)
mkdir -p D
head -c 100000 "$F" >D/cut.rlrec
python3 -c "
d = bytearray(open('$F', 'rb').read()); d[len(d) // 2] ^= 0x5a; open('D/flip.rlrec', 'wb').write(d)"
"$ROADLOG" analyze --quiet --out o-cut D/cut.rlrec 2>cut.err
rc1=$?
"$ROADLOG" analyze --quiet --out o-flip D/flip.rlrec 2>flip.err
rc2=$?
"$ROADLOG" analyze --quiet --tz +09:00 --out o-tz "$F" 2>tz.err
rc3=$?
if [ $rc1 -eq 1 ] && grep -q "cut.rlrec@100000: record file is cut short" cut.err &&
    grep -q "^D/cut.rlrec@100000," o-cut/rejects.csv &&
    [ $rc2 -eq 1 ] && grep -q "flip.rlrec@[0-9]*: record file is damaged" flip.err &&
    [ $rc3 -eq 1 ] && grep -q "sharded with --tz +08:00, this run has --tz +09:00" tz.err && [ ! -e o-tz ]; then
    pass "a cut or damaged record file, another --tz: exit 1 with the reason and the offset (another zone: nothing written)"
else
    fail "damaged record files: exit $rc1 $rc2 $rc3: $(cat cut.err flip.err tz.err | head -3)"
fi
cp $REG f/reg2.csv
"$ROADLOG" shard --quiet --parts 2 --out S-reg f/gps.csv f/reg2.csv || fail "registry input: shard"
"$ROADLOG" analyze --quiet --out o-reg S-reg/part-0001 || fail "registry input: analyze"
"$ROADLOG" analyze --quiet --out o-reg1 f/gps.csv f/reg2.csv
echo "京A00000,2,truck,x,2,,,,,,," >>f/reg2.csv
"$ROADLOG" analyze --quiet --out o-reg2 S-reg/part-0001 2>reg.err
rc=$?
if [ $rc -eq 1 ] && grep -q "reg2.csv: the registry has changed since it was sharded" reg.err &&
    [ "$(python3 -c "import json; print(json.load(open('o-reg/run.json'))['counts']['registry_rows'])")" = \
      "$(python3 -c "import json; print(json.load(open('o-reg1/run.json'))['counts']['registry_rows'])")" ]; then
    pass "a registry among the inputs: every part reads it again, and refuses it changed"
else
    fail "registry among the inputs: exit $rc: $(head -2 reg.err)"
fi

# ---- memory: shard streams ----
# a registry with a bad row, read by every part: merged, its reject and
# its rows count once, as in one run
cp $REG f/regbad.csv
printf '粤Z00000,2,bogus\n' >>f/regbad.csv
"$ROADLOG" analyze --quiet --registry f/regbad.csv --out one-rb f/gps.csv
"$ROADLOG" shard --quiet --parts 3 --registry f/regbad.csv --out S-rb f/gps.csv
for p in part-0000 part-0001 part-0002; do
    "$ROADLOG" analyze --quiet --registry f/regbad.csv --out O-rb/$p S-rb/$p
done
"$ROADLOG" merge --quiet --out O-rb/all O-rb/part-0000 O-rb/part-0001 O-rb/part-0002
if cmp -s one-rb/rejects.csv O-rb/all/rejects.csv && python3 -c "
import json, sys
a = json.load(open('one-rb/run.json')); b = json.load(open('O-rb/all/run.json'))
ins = lambda d: sorted((i['path'], i.get('records'), i.get('rejected')) for i in d['inputs'])
sys.exit(a['counts']['rejected'] != b['counts']['rejected'] or ins(a) != ins(b))"; then
    pass "merged parts that each read a registry with a bad row: its reject and its rows once, as one run"
else
    fail "merged parts: the registry's rejects or rows counted per part ($(wc -l <O-rb/all/rejects.csv) rejects lines, one run $(wc -l <one-rb/rejects.csv))"
fi

# the peak for a log ten times larger grows by far less than the log
# (AddressSanitizer's quarantine of freed blocks off: it is not roadlog's)
"$BIN/genfleet" --out big --seed 5 --rows 600000 --quiet || fail "genfleet big"
head -n 60000 big/gps.csv >small.csv
if [ -x /usr/bin/time ]; then
    for f in small.csv big/gps.csv; do
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" \
            /usr/bin/time -f "%M" -o mem.txt "$ROADLOG" shard --quiet --parts 16 --out "S-mem-$(basename $f)" "$f" ||
            fail "shard $f"
        tail -1 mem.txt >>peaks.txt
    done
    small_kb=$(sed -n 1p peaks.txt)
    big_kb=$(sed -n 2p peaks.txt)
    size_kb=$(( $(wc -c <big/gps.csv) / 1024 ))
    if [ $((big_kb - small_kb)) -lt $((size_kb / 8)) ]; then
        pass "shard streams: $((big_kb / 1024)) MB peak for a $((size_kb / 1024)) MB log, $((small_kb / 1024)) MB for a tenth of it"
    else
        fail "shard holds its input: $big_kb KB peak for $size_kb KB, $small_kb KB for a tenth"
    fi
else
    fail "GNU time (/usr/bin/time) is missing: apt-get install time"
fi

echo "shard.sh: $passes passed, $fails failed"
[ $fails -eq 0 ]
