#!/bin/sh
# The case ledger (LEDGER.md, issue 16) on the roadlog binary: the same
# suite against SQLite (a file) and against PostgreSQL (a throw-away
# server from Debian's postgresql package, started here and stopped by
# its pid at the end, also when a check fails).  If PostgreSQL cannot be
# started the suite FAILS with the reason: it is required.
#   tests/ledger.sh ROADLOG FIXTURE_BIN_DIR
set -u
ROADLOG=$(realpath "$1")
GEN=$(realpath "$2")/genfleet
TOP=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/roadlog-ledger.XXXXXX")
PGPID=""
PGDIR=""
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
check() { # name, command...
    name=$1; shift
    if "$@" >"$WORK/out.log" 2>&1; then pass "$name"; else fail "$name"; sed 's/^/    /' "$WORK/out.log" | head -40; fi
}

# ---- the throw-away PostgreSQL server ----
# initdb and pg_ctl refuse to run as root: as root they run as the
# postgres user (the package makes it).  Unix socket only, in WORK.
stop_pg() {
    [ -n "$PGPID" ] || return 0
    kill -INT "$PGPID" 2>/dev/null # fast shutdown: sessions ended, clean stop
    i=0
    while kill -0 "$PGPID" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "$PGPID" 2>/dev/null
    PGPID=""
}
cleanup() {
    stop_pg
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

PGWHY=""
start_pg() {
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
        PGWHY="no PostgreSQL server (/usr/lib/postgresql/*/bin/initdb): the postgresql package is required"
        return 1
    fi
    PGDIR=$WORK/pg
    mkdir -p "$PGDIR"
    AS=""
    if [ "$(id -u)" = 0 ]; then
        if ! id postgres >/dev/null 2>&1; then PGWHY="running as root and there is no postgres user"; return 1; fi
        chown postgres "$PGDIR"
        chmod 755 "$WORK"
        AS="runuser -u postgres --"
    fi
    if ! $AS "$PGBIN/initdb" -D "$PGDIR/data" -A trust -E UTF8 --locale=C -U postgres >"$PGDIR/initdb.log" 2>&1; then
        PGWHY="initdb failed: $(tail -3 "$PGDIR/initdb.log" | tr '\n' ' ')"
        return 1
    fi
    PGPORT=$((20000 + $$ % 20000))
    if ! $AS "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
        -o "-k $PGDIR -p $PGPORT -c listen_addresses='' -c fsync=off" start >"$PGDIR/pg_ctl.log" 2>&1; then
        PGPID=$(head -1 "$PGDIR/data/postmaster.pid" 2>/dev/null)
        PGWHY="the server did not start: $(tail -3 "$PGDIR/server.log" 2>/dev/null | tr '\n' ' ')"
        return 1
    fi
    PGPID=$(head -1 "$PGDIR/data/postmaster.pid")
    PSQL="$PGBIN/psql -h $PGDIR -p $PGPORT -U postgres -X -q -A -t"
    return 0
}
# a number for each new database (a file: $(newdb) runs in a subshell)
next_n() { n=$(($(cat "$WORK/n" 2>/dev/null || echo 0) + 1)); echo "$n" >"$WORK/n"; echo "$n"; }
# A fresh database on the server: its URL.
pg_newdb() {
    PGN=$(next_n)
    $PSQL -d postgres -c "CREATE DATABASE rl$PGN" >/dev/null || return 1
    echo "postgresql:///rl$PGN?host=$PGDIR&port=$PGPORT&user=postgres"
}

# ---- inputs ----
FX=$WORK/fx
python3 "$TOP/tests/ledger_fixture.py" "$FX" --many 2400 || fail "ledger_fixture.py"
# a huge output for the kill test: big enough that an import takes seconds
python3 -c "
import sys; sys.path.insert(0, '$TOP/tests'); import ledger_fixture as f
f.many('$FX', 200000, 'huge', '9a9a9a9a9a9a9a9a', month=8)" || fail "huge output"
# a real fleet, analysed: its outputs as a clerk imports them
"$GEN" --out "$WORK/fleet" --seed 16 --inject all --drivers --noise --quiet || fail "genfleet"
"$ROADLOG" analyze --quiet --registry "$WORK/fleet/registry.csv" --out "$WORK/fleet/out" \
    "$WORK/fleet/gps.csv" "$WORK/fleet/weighbridge.csv" || fail "analyze the fleet"
FLEET_EVENTS=$(python3 -c "import csv;print(sum(1 for _ in csv.DictReader(open('$WORK/fleet/out/events.csv'))))")
# the same fleet's GPS log as two daily dumps cut at midnight, analysed as
# a --resume chain (RUNS.md §2), and as one run
python3 - "$WORK/fleet/gps.csv" "$WORK/fleet" <<'EOF' || fail "daily dumps"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines(True)
head, rows = lines[0], lines[1:]
ti = head.strip().split(",").index("time")
days = [[r for r in rows if (r.split(",")[ti] < "2026-11-03") == (k == 0)] for k in (0, 1)]
for k, d in enumerate(days):
    open("%s/day%d.csv" % (sys.argv[2], k + 1), "w", encoding="utf-8").writelines([head] + d)
EOF
"$ROADLOG" analyze --quiet --registry "$WORK/fleet/registry.csv" --out "$WORK/fleet/d1" "$WORK/fleet/day1.csv" &&
    "$ROADLOG" analyze --quiet --registry "$WORK/fleet/registry.csv" --resume "$WORK/fleet/d1" --out "$WORK/fleet/d2" \
        "$WORK/fleet/day2.csv" &&
    "$ROADLOG" analyze --quiet --registry "$WORK/fleet/registry.csv" --out "$WORK/fleet/one" "$WORK/fleet/gps.csv" ||
    fail "analyze the daily dumps"

# rows of `list --csv` (stdin) as "event_id case_status ..." lines
csv_cols() { # columns...
    python3 -c "
import csv, sys
cols = sys.argv[1:]
for r in csv.DictReader(sys.stdin):
    print(' '.join(r[c] for c in cols))" "$@"
}

# ---- the suite, on one database ----
suite() { # kind, url-or-file maker
    kind=$1
    newdb=$2
    S=$WORK/$kind
    mkdir -p "$S"
    DB=$($newdb) || { fail "$kind: a database for the suite"; return; }
    L() { "$ROADLOG" ledger --db "$DB" "$@"; }
    DB2=$($newdb)

    # import is idempotent, and one output is all or nothing
    check "$kind: import a fleet's outputs: every event is a case" sh -c "
        '$ROADLOG' ledger --db '$DB' import '$WORK/fleet/out' >'$S/imp1' &&
        grep -q ': $FLEET_EVENTS added, 0 updated, 0 unchanged' '$S/imp1' &&
        '$ROADLOG' ledger --db '$DB' list --csv >'$S/list1' &&
        test \$(python3 -c \"import csv;print(sum(1 for _ in csv.DictReader(open('$S/list1'))))\") -eq $FLEET_EVENTS"
    check "$kind: importing the same output again changes nothing" sh -c "
        '$ROADLOG' ledger --db '$DB' import '$WORK/fleet/out' >'$S/imp2' &&
        grep -q ': 0 added, 0 updated, $FLEET_EVENTS unchanged' '$S/imp2' &&
        '$ROADLOG' ledger --db '$DB' list --csv | cmp - '$S/list1'"
    check "$kind: cases are the events: same ids, plates, types, starts" sh -c "
        python3 -c \"
import csv
a = sorted((r['event_id'], r['plate'], r['type'], r['start_time'], r['value']) for r in csv.DictReader(open('$WORK/fleet/out/events.csv')))
b = sorted((r['event_id'], r['plate'], r['type'], r['start_time'], r['value']) for r in csv.DictReader(open('$S/list1')))
assert a == b, (len(a), len(b))
assert all(r['case_status'] == 'open' for r in csv.DictReader(open('$S/list1')))\""

    check "$kind: a row that is not an event is rejected with file:line, the rest imported; --strict imports none" sh -c "
        '$ROADLOG' ledger --db '$DB2' import --strict '$FX/badrows' >'$S/bad.out' 2>'$S/bad.err'; test \$? -eq 1 &&
        grep -q 'badrows/events.csv:3: event_id is not 16 hex digits (not an event roadlog wrote) (stopping: --strict)' '$S/bad.err' &&
        grep -q 'not imported (the ledger is as it was)' '$S/bad.err' &&
        test \$('$ROADLOG' ledger --db '$DB2' list --csv --from 2026-07-01 --to 2026-07-31 | tail -n +2 | wc -l) -eq 0 &&
        '$ROADLOG' ledger --db '$DB2' import '$FX/badrows' >'$S/bad.out' 2>'$S/bad.err' &&
        grep -q 'badrows: 3 added, 0 updated, 0 unchanged; 2 rows rejected' '$S/bad.out' &&
        grep -q 'badrows/events.csv:5: unknown event type' '$S/bad.err' &&
        test \$('$ROADLOG' ledger --db '$DB2' list --csv --from 2026-07-01 --to 2026-07-31 | tail -n +2 | wc -l) -eq 3"

    # a --resume chain: the latest version stands, withdrawn dismisses
    read -r X Y Z <"$FX/chain/ids"
    L import "$FX/chain/day1" "$FX/chain/day2" "$FX/chain/day3" >"$S/chain.out" 2>&1
    check "$kind: chain: day 2 replaces day 1's open event, dismisses the withdrawn one, day 3 reopens it" sh -c "
        grep -q 'day1: 3 added, 0 updated, 0 unchanged' '$S/chain.out' &&
        grep -q 'day2: 0 added, 2 updated, 0 unchanged (1 dismissed: withdrawn by later data)' '$S/chain.out' &&
        grep -q 'day3: 0 added, 1 updated, 0 unchanged (1 reopened: reported again)' '$S/chain.out' &&
        '$ROADLOG' ledger --db '$DB' show $X | grep -q '^end  *2026-10-02 02:00:00' &&
        '$ROADLOG' ledger --db '$DB' show $X | grep -q '^event status  *closed' &&
        '$ROADLOG' ledger --db '$DB' show $Y | grep -q 'open -> dismissed  by .*withdrawn by later data' &&
        '$ROADLOG' ledger --db '$DB' show $Y | grep -q 'dismissed -> open  by .*reported again by later data' &&
        '$ROADLOG' ledger --db '$DB' show $Y | grep -q '^value  *112'"
    check "$kind: chain: an earlier run imported again does not undo the later one" sh -c "
        '$ROADLOG' ledger --db '$DB' import '$FX/chain/day1' | grep -q '0 added, 0 updated, 3 unchanged' &&
        '$ROADLOG' ledger --db '$DB' show $X | grep -q '^end  *2026-10-02 02:00:00' &&
        '$ROADLOG' ledger --db '$DB' show $Y | grep -q '^status  *open'"
    check "$kind: chain: imported in reverse order, the ledger holds the same versions" sh -c "
        '$ROADLOG' ledger --db '$DB2' import '$FX/chain/day3' '$FX/chain/day2' '$FX/chain/day1' >/dev/null &&
        '$ROADLOG' ledger --db '$DB2' show $X | grep -q '^end  *2026-10-02 02:00:00' &&
        '$ROADLOG' ledger --db '$DB2' show $Y | grep -q '^value  *112' &&
        '$ROADLOG' ledger --db '$DB2' show $Y | grep -q '^status  *open' &&
        '$ROADLOG' ledger --db '$DB2' show $Z | grep -q '^status  *open'"

    DB4=$($newdb)
    check "$kind: vehicle-days of a --resume chain add up; an unrelated re-run does not stand against them" sh -c "
        '$ROADLOG' ledger --db '$DB4' import '$FX/vdchain/b' '$FX/vdchain/c' '$FX/vdchain/a' >/dev/null &&
        '$ROADLOG' ledger --db '$DB4' report --month 2026-10 --out '$S/vdrep' | grep -E '^1 +1 +1 +100.0% +100.0% .*戊公司'"

    DB5=$($newdb)
    DB6=$($newdb)
    check "$kind: a real --resume chain imported day by day holds what one run over both days gives" sh -c "
        '$ROADLOG' ledger --db '$DB5' import '$WORK/fleet/d1' '$WORK/fleet/d2' >'$S/rchain.out' &&
        grep -q 'd2: .* updated' '$S/rchain.out' &&
        '$ROADLOG' ledger --db '$DB6' import '$WORK/fleet/one' >/dev/null &&
        '$ROADLOG' ledger --db '$DB5' list --csv >'$S/rchain.csv' && '$ROADLOG' ledger --db '$DB6' list --csv >'$S/one.csv' &&
        python3 - '$S/rchain.csv' '$S/one.csv' <<'EOF'
import csv, sys
def cases(p):
    out = {}
    for r in csv.DictReader(open(p, encoding='utf-8')):
        # what the runs decide; not when or from which file it was imported
        for k in ('opened_at', 'changed_at', 'source'):
            r.pop(k)
        out[r['event_id']] = r
    return out
a, b = cases(sys.argv[1]), cases(sys.argv[2])
assert a.keys() == b.keys(), (sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys()))
diff = [k for k in a if a[k] != b[k]]
assert not diff, [(a[k], b[k]) for k in diff[:2]]
assert len(a) > 10
EOF"

    check "$kind: ... and the same 考核 table (vehicle-days of the chain add up to the one run's)" sh -c "
        '$ROADLOG' ledger --db '$DB5' report --month 2026-11 --out '$S/rc' | sed -n '/^rank /,/ Total\$/p' >'$S/rc.table' &&
        '$ROADLOG' ledger --db '$DB6' report --month 2026-11 --out '$S/ro' | sed -n '/^rank /,/ Total\$/p' >'$S/ro.table' &&
        test \$(wc -l <'$S/rc.table') -gt 3 && cmp '$S/rc.table' '$S/ro.table'"

    # transitions
    check "$kind: the whole path open -> notified -> supervised -> rectified -> closed, kept in history" sh -c "
        '$ROADLOG' ledger --db '$DB' set $Z --status notified --by 张三 --note '电话通知，约谈' &&
        '$ROADLOG' ledger --db '$DB' set $Z --status supervised --by 张三 --deadline 2030-01-31 &&
        '$ROADLOG' ledger --db '$DB' set $Z --status rectified --by 李四 --note 已整改 &&
        '$ROADLOG' ledger --db '$DB' set $Z --status 已销号 --by 王五 &&
        '$ROADLOG' ledger --db '$DB' show $Z >'$S/z.show' &&
        grep -q '^status  *closed (已销号), deadline 2030-01-31' '$S/z.show' &&
        grep -q 'open -> notified  by 张三  note: 电话通知，约谈' '$S/z.show' &&
        grep -q 'notified -> supervised  by 张三  deadline 2030-01-31' '$S/z.show' &&
        grep -q 'supervised -> rectified  by 李四  note: 已整改' '$S/z.show' &&
        grep -q 'rectified -> closed  by 王五' '$S/z.show'"
    check "$kind: a transition not in LEDGER.md is refused with the allowed ones named, exit 1, nothing changed" sh -c "
        '$ROADLOG' ledger --db '$DB' set $X --status closed --by 张三 2>'$S/refused'; test \$? -eq 1 &&
        grep -q 'open -> closed is not allowed; from open: notified, dismissed' '$S/refused' &&
        '$ROADLOG' ledger --db '$DB' show $X | grep -q '^status  *open'"
    check "$kind: a batch with one refused case changes none of them" sh -c "
        '$ROADLOG' ledger --db '$DB' set $X $Z --status notified --by 张三 2>'$S/refused2'; test \$? -eq 1 &&
        grep -q '$Z: closed -> notified is not allowed; from closed: open' '$S/refused2' &&
        '$ROADLOG' ledger --db '$DB' show $X | grep -q '^status  *open'"
    check "$kind: dismissing and reopening need a note" sh -c "
        ! '$ROADLOG' ledger --db '$DB' set $X --status dismissed --by 张三 2>/dev/null &&
        '$ROADLOG' ledger --db '$DB' set $X --status dismissed --by 张三 --note '申诉成立：GPS漂移' &&
        ! '$ROADLOG' ledger --db '$DB' set $X --status open --by 张三 2>/dev/null &&
        '$ROADLOG' ledger --db '$DB' set $X --status open --by 张三 --note 复查 &&
        '$ROADLOG' ledger --db '$DB' show $X | grep -q 'dismissed -> open  by 张三  note: 复查'"
    check "$kind: usage errors exit 2; an unknown case exits 1" sh -c "
        '$ROADLOG' ledger --db '$DB' set $X --status notified 2>/dev/null; test \$? -eq 2 &&
        '$ROADLOG' ledger --db '$DB' set $X --status frozen --by a 2>/dev/null; test \$? -eq 2 &&
        '$ROADLOG' ledger --db '$DB' bogus 2>/dev/null; test \$? -eq 2 &&
        '$ROADLOG' ledger --db '$DB' report 2>/dev/null; test \$? -eq 2 &&
        '$ROADLOG' ledger --db '$DB' list --from yesterday 2>/dev/null; test \$? -eq 2 &&
        '$ROADLOG' ledger --db '$DB' show 0123456789abcdef 2>/dev/null; test \$? -eq 1 &&
        '$ROADLOG' ledger --db '$DB' set 0123456789abcdef --status notified --by a 2>/dev/null; test \$? -eq 1"
    check "$kind: deadlines: overdue when past it and not rectified, closed or dismissed" sh -c "
        '$ROADLOG' ledger --db '$DB' list --overdue --csv | python3 -c \"
import csv, sys
ids = [r['event_id'] for r in csv.DictReader(sys.stdin)]
assert '$X' in ids and '$Z' not in ids, ids\" &&
        '$ROADLOG' ledger --db '$DB' set $X --status notified --by 张三 &&
        '$ROADLOG' ledger --db '$DB' set $X --status supervised --by 张三 --deadline 2099-12-31 &&
        '$ROADLOG' ledger --db '$DB' list --overdue --csv | python3 -c \"
import csv, sys
ids = [r['event_id'] for r in csv.DictReader(sys.stdin)]
assert '$X' not in ids, ids\" &&
        '$ROADLOG' ledger --db '$DB' list --status supervised --csv | grep -q '^$X,supervised,no,2099-12-31,'"
    check "$kind: set by selection: --plate --type --from --to" sh -c "
        '$ROADLOG' ledger --db '$DB' import '$FX/months' >/dev/null &&
        '$ROADLOG' ledger --db '$DB' set --plate 粤A00001 --type speeding --from 2026-10-01 --to 2026-10-31 --status notified --by 张三 | grep -q '^2 cases notified' &&
        test \$('$ROADLOG' ledger --db '$DB' list --plate 粤A00001 --status notified --csv | tail -n +2 | wc -l) -eq 2 &&
        test \$('$ROADLOG' ledger --db '$DB' list --plate 粤A00001 --status open --csv | tail -n +2 | wc -l) -eq 1"

    # hostile text: stored and shown exactly, never executed
    L import "$FX/hostile" >/dev/null 2>&1
    HID=$(python3 -c "import json;print(json.load(open('$FX/hostile.json'))[0]['event_id'])")
    check "$kind: hostile text: plates, drivers, companies with quotes, ;, --, NUL, formulas read back byte for byte" sh -c "
        '$ROADLOG' ledger --db '$DB' set $HID --status dismissed --by \"O'Brien; DROP TABLE cases; --\" --note \"'); DELETE FROM history; -- =cmd|' /C calc'!A0\" &&
        '$ROADLOG' ledger --db '$DB' list --csv --from 2026-10-01 --to 2026-10-04 >'$S/hostile.csv' &&
        python3 - '$FX/hostile.json' '$S/hostile.csv' <<'EOF'
import csv, io, json, sys
want = json.load(open(sys.argv[1]))
rows = {r['event_id']: r for r in csv.DictReader(io.StringIO(open(sys.argv[2], 'rb').read().decode('utf-8'), newline=''))}
def unq(s):  # the leading ' that CSV output puts before formula-like text
    return s[1:] if s[:1] == \"'\" and s[1:2] in '=+-@' else s
for w in want:
    r = rows[w['event_id']]
    for k in ('plate', 'driver', 'company'):
        assert unq(r[k]) == w[k], (k, r[k], w[k])
        if w[k][:1] in '=+-@':
            assert r[k][:1] == \"'\", ('not neutralised', k, r[k])
r = rows[want[0]['event_id']]
assert r['case_status'] == 'dismissed' and unq(r['changed_by']) == \"O'Brien; DROP TABLE cases; --\", r
EOF
        '$ROADLOG' ledger --db '$DB' show $HID | grep -qF \"note: '); DELETE FROM history; -- =cmd|' /C calc'!A0\" &&
        '$ROADLOG' ledger --db '$DB' list --csv --driver 'dr\"i;v--er' | grep -q '^$HID,' &&
        '$ROADLOG' ledger --db '$DB' list | grep -qF '粤B\\x00NUL' &&
        '$ROADLOG' ledger --db '$DB' report --month 2026-10 --out '$S/hrep' >/dev/null &&
        grep -qF '&lt;img src=x onerror=alert(1)&gt;' '$S/hrep/ledger.html' && ! grep -qF '<img src=x' '$S/hrep/ledger.html' &&
        ! grep -qF '<script>' '$S/hrep/ledger.html' &&
        '$ROADLOG' ledger --db '$DB' list --csv >/dev/null"

    # blacklists, recomputed from the cases
    L import "$FX/blacklist" >/dev/null 2>&1
    check "$kind: blacklist: a vehicle with 3 speeding cases in 12 months, listed from the third" sh -c "
        '$ROADLOG' ledger --db '$DB' blacklist --at '2026-12-31' --csv >'$S/bl1' &&
        grep -q '^blacklist.vehicle_events_12m,粤C00001 (2),2026-01-10 10:00:00,2026-12-20 10:00:00,3,3,2026-12-20 10:00:00,2027-12-20 10:00:00,yes,' '$S/bl1' &&
        ! grep -q '粤C00002' '$S/bl1' &&
        '$ROADLOG' ledger --db '$DB' blacklist --at '2026-12-19' --csv | grep -vq '粤C00001'"
    check "$kind: blacklist: a driver reaching 12 points; removed early 12 months after the last trigger" sh -c "
        '$ROADLOG' ledger --db '$DB' blacklist --at 2026-03-05 --csv | grep -q '^blacklist.driver_points_12m,王五,2026-03-01 10:00:00,2026-03-05 10:00:00,2,12,2026-03-05 10:00:00,2027-03-05 10:00:00,yes,' &&
        '$ROADLOG' ledger --db '$DB' blacklist --at 2026-03-04 --csv | grep -vq '王五' &&
        '$ROADLOG' ledger --db '$DB' blacklist --at '2027-03-05 10:00:00' --csv | grep -vq '王五'"
    check "$kind: blacklist: a company over 1 case per vehicle in a month, listed from the next month" sh -c "
        '$ROADLOG' ledger --db '$DB' blacklist --at 2026-03-01 --csv | grep -q '^blacklist.company_rate_month,丙公司,2026-03-01 00:00:00,2026-03-01 00:00:00,1,1,2026-03-01 00:00:00,2027-03-01 00:00:00,yes,2026-02 (2.00)' &&
        '$ROADLOG' ledger --db '$DB' blacklist --at '2026-02-28 23:59:59' --csv | grep -vq '丙公司'"
    BL3=$(cut -d' ' -f3 "$FX/blacklist.ids")
    check "$kind: blacklist: dismissing a case takes its listing away (recomputed, never edited)" sh -c "
        '$ROADLOG' ledger --db '$DB' set $BL3 --status dismissed --by 张三 --note 申诉成立 &&
        '$ROADLOG' ledger --db '$DB' blacklist --at 2026-12-31 --csv | grep -vq '粤C00001' &&
        '$ROADLOG' ledger --db '$DB' set $BL3 --status open --by 张三 --note 复核后恢复 &&
        '$ROADLOG' ledger --db '$DB' blacklist --at 2026-12-31 --csv | grep -q '粤C00001'"

    # the monthly report and the 考核 table
    DB3=$($newdb)
    "$ROADLOG" ledger --db "$DB3" import "$FX/months" >/dev/null 2>&1
    check "$kind: report --month writes ledger.html (self-contained) and ledger.xlsx" sh -c "
        '$ROADLOG' ledger --db '$DB3' report --month 2026-11 --out '$S/rep' >'$S/rep.txt' &&
        test -s '$S/rep/ledger.html' && test -s '$S/rep/ledger.xlsx' &&
        grep -q 'Content-Security-Policy' '$S/rep/ledger.html' && ! grep -qi 'src=\"http' '$S/rep/ledger.html' &&
        python3 -c \"
import zipfile; z = zipfile.ZipFile('$S/rep/ledger.xlsx'); wb = z.read('xl/workbook.xml').decode()
assert '概况' in wb and '企业考核' in wb and '黑名单' in wb, wb\""
    check "$kind: the 考核 table: figures of each company against hand counts, ranks, change from last month" sh -c "
        '$ROADLOG' summary --by company --out '$S/sum' '$FX/months' >'$S/sum.txt' &&
        python3 - '$S/sum/company.csv' <<'EOF'
import csv, sys
rows = {(r['month'], r['company']): r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8'))}
def f(m, c, k): return rows[(m, c)][k]
# October: 甲 4 vehicles (粤A00004 silent), 4 cases: 3 speeding + 1 fatigue
assert f('2026-10', '甲运输公司', 'vehicles') == '4' and f('2026-10', '甲运输公司', 'online') == '3'
assert abs(float(f('2026-10', '甲运输公司', 'online_rate')) - 0.75) < 1e-9
assert abs(float(f('2026-10', '甲运输公司', 'data_quality')) - 987 * 6 / 6000) < 1e-6
assert abs(float(f('2026-10', '甲运输公司', 'track_completeness')) - (6 * 250.5 - 2 * 10.5) / (6 * 250.5)) < 1e-6
assert abs(float(f('2026-10', '甲运输公司', 'drift_rate')) - 1 / 3) < 1e-6
assert f('2026-10', '甲运输公司', 'cases_not_dismissed') == '4' and f('2026-10', '甲运输公司', 'cases_per_vehicle') == '1'
assert abs(float(f('2026-10', '甲运输公司', 'speeding_per_vehicle')) - 0.75) < 1e-9
assert abs(float(f('2026-10', '甲运输公司', 'fatigue_per_10k_km')) - 1 / (6 * 250.5 / 10000)) < 1e-6
# 乙 2 vehicles, 1 case: fewer per vehicle, ranked first; the unregistered row is not ranked
assert f('2026-10', '乙客运公司', 'rank') == '1' and f('2026-10', '甲运输公司', 'rank') == '2'
assert f('2026-10', '(not in the registry)', 'rank') == '' and f('2026-10', '(not in the registry)', 'vehicles') == '1'
# November: 乙 3 cases on 2 vehicles, 甲 1 on 4: they change places
assert f('2026-11', '甲运输公司', 'rank') == '1' and f('2026-11', '甲运输公司', 'prev_rank') == '2'
assert f('2026-11', '甲运输公司', 'rank_change') == '1' and f('2026-11', '乙客运公司', 'rank_change') == '-1'
assert abs(float(f('2026-11', '甲运输公司', 'cases_per_vehicle_change')) - (0.25 - 1)) < 1e-9
assert f('2026-11', '甲运输公司', 'open') == '1' and f('2026-11', '甲运输公司', 'handled_rate') == '0'
EOF"
    check "$kind: summary --by company gives the ledger report's 考核 table" sh -c "
        sed -n '/^rank /,/ Total\$/p' '$S/rep.txt' >'$S/rep.table' &&
        sed -n '/^2026-11\$/,\$p' '$S/sum.txt' | sed -n '/^rank /,/ Total\$/p' >'$S/sum.table' &&
        test -s '$S/rep.table' && cmp '$S/rep.table' '$S/sum.table'"
    check "$kind: report: closing and dismissing cases moves 处理率, the rank among companies is kept" sh -c "
        for id in \$('$ROADLOG' ledger --db '$DB3' list --company 乙客运公司 --from 2026-11-01 --to 2026-11-30 --csv | tail -n +2 | cut -d, -f1); do
            '$ROADLOG' ledger --db '$DB3' set \$id --status dismissed --by 张三 --note 误报 >/dev/null || exit 1; done &&
        '$ROADLOG' ledger --db '$DB3' report --month 2026-11 --out '$S/rep2' >'$S/rep2.txt' &&
        grep -E '^1 .* 100.0% .*乙客运公司' '$S/rep2.txt' && grep -q 'dismissed 3' '$S/rep2.txt'"

    # two clerks at once: nothing lost, every change in the history
    L import "$FX/many" >/dev/null
    L list --from 2026-09-01 --to 2026-09-30 --csv | tail -n +2 | cut -d, -f1 | sort >"$S/many.ids"
    head -1000 "$S/many.ids" >"$S/a.ids"
    sed -n '1001,2000p' "$S/many.ids" >"$S/b.ids"
    sed -n '2001,2100p' "$S/many.ids" >"$S/c.ids"
    clerk() { # name, ids file
        for st in notified supervised rectified; do
            xargs -r -n 100 "$ROADLOG" ledger --db "$DB" set --status $st --by "$1" <"$2" >/dev/null || return 1
        done
    }
    clerk 甲 "$S/a.ids" & pa=$!
    clerk 乙 "$S/b.ids" & pb=$!
    okc=0
    wait $pa || okc=1
    wait $pb || okc=1
    check "$kind: two clerks changing 1 000 cases each at once: every change made" sh -c "
        test $okc -eq 0 &&
        test \$('$ROADLOG' ledger --db '$DB' list --status rectified --from 2026-09-01 --to 2026-09-30 --csv | tail -n +2 | wc -l) -eq 2000"
    check "$kind: ... and every transition in the history, in order" hist_check "$S" 6000 "$S/a.ids" "$S/b.ids"
    # the same 100 cases, one by one, by both, the same change: each case
    # is moved once, by one of them; the other is refused (a lost update
    # would show as two transitions from open)
    race() { # name, status, note
        n=0
        while read -r id; do
            "$ROADLOG" ledger --db "$DB" set "$id" --status "$2" --by "$1" --note "$3" >/dev/null 2>&1 && n=$((n + 1))
        done <"$S/c.ids"
        echo "$n" >"$S/race.$1"
    }
    race 丙 notified 通知 & pa=$!
    race 丁 notified 约谈 & pb=$!
    wait $pa
    wait $pb
    check "$kind: two clerks on the same 100 cases: each case moved once, by one of them, no update lost" sh -c "
        test \$((\$(cat '$S/race.丙') + \$(cat '$S/race.丁'))) -eq 100 &&
        test \$('$ROADLOG' ledger --db '$DB' list --status notified --from 2026-09-01 --to 2026-09-30 --csv | tail -n +2 | wc -l) -eq 100"
    check "$kind: ... each of them with exactly one transition in the history" hist_check "$S" 100 "$S/c.ids"

    # killed mid-way: as before
    L list --csv >"$S/before.csv"
    "$ROADLOG" ledger --db "$DB" import "$FX/huge" >/dev/null 2>&1 &
    pk=$!
    sleep 2
    killed=0
    kill -KILL $pk 2>/dev/null && killed=1
    wait $pk 2>/dev/null
    check "$kind: import killed (SIGKILL) mid-way leaves the ledger as it was" sh -c "
        test $killed -eq 1 &&
        '$ROADLOG' ledger --db '$DB' list --csv | cmp - '$S/before.csv' &&
        '$ROADLOG' ledger --db '$DB' import '$FX/chain/day1' | grep -q '3 unchanged'"

    # analyze shows the status of each event's case
    check "$kind: analyze --ledger shows each event's case status in report.html and events.xlsx" sh -c "
        '$ROADLOG' analyze --quiet --lang en --registry '$WORK/fleet/registry.csv' --ledger '$DB' --out '$S/an' '$WORK/fleet/gps.csv' '$WORK/fleet/weighbridge.csv' &&
        test \$(grep -o 'Case: <b>open (overdue)</b>' '$S/an/report.html' | wc -l) -eq $FLEET_EVENTS &&
        python3 -c \"
import zipfile; z = zipfile.ZipFile('$S/an/events.xlsx')
s = z.read('xl/worksheets/sheet1.xml').decode() + (z.read('xl/sharedStrings.xml').decode() if 'xl/sharedStrings.xml' in z.namelist() else '')
assert '案件状态' in s and '待处理（逾期）' in s\""
}

# history checks straight from the database (the test's own reading)
hist_check() { # dir, expected transitions, files of the cases' ids
    d=$1; n=$2; shift 2
    cat "$@" >"$d/hist.ids"
    case "$DB" in
    postgresql://*) q() { $PSQL -d "$(echo "$DB" | sed 's|postgresql:///||; s|?.*||')" -c "$1"; } ;;
    *) q() { python3 -c "import sqlite3,sys;c=sqlite3.connect(sys.argv[1]);[print('|'.join(str(x) for x in r)) for r in c.execute(sys.argv[2])]" "$DB" "$1"; } ;;
    esac
    q "SELECT c.event_id, h.from_status, h.to_status, c.status FROM history h JOIN cases c ON c.case_id = h.case_id
       ORDER BY c.event_id, h.id" >"$d/hist.txt" || return 1
    python3 - "$d/hist.txt" "$n" "$d/hist.ids" <<'EOF'
import sys
ids = set(open(sys.argv[3]).read().split())
rows = [l.rstrip('\n').split('|') for l in open(sys.argv[1]) if l.strip()]
rows = [r for r in rows if r[0] in ids]
assert len(rows) == int(sys.argv[2]), (len(rows), sys.argv[2])
last = {}
for eid, f, t, cur in rows:
    assert last.get(eid, 'open') == f, ('a transition from a status the case was not in', eid, f, last.get(eid))
    last[eid] = t
for eid, f, t, cur in rows:
    assert last[eid] == cur, ('status differs from the last transition', eid, cur, last[eid])
EOF
}

# ---- SQLite ----
sq_newdb() { echo "$WORK/sqlite/ledger$(next_n).db"; }
mkdir -p "$WORK/sqlite"
suite sqlite sq_newdb
F=$WORK/sqlite/ledger1.db
check "sqlite: the ledger file is made with mode 0600 and has a schema_version" sh -c "
    test \$(stat -c %a '$F') = 600 &&
    python3 -c \"import sqlite3;c=sqlite3.connect('$F');assert c.execute('select app, version from schema_version').fetchall() == [('roadlog ledger', 1)]\""
check "sqlite: a file that is not a database: clear error, exit 1" sh -c "
    head -c 100000 /dev/urandom >'$WORK/junk.db';
    '$ROADLOG' ledger --db '$WORK/junk.db' list 2>'$WORK/e'; test \$? -eq 1 && grep -q 'not a roadlog ledger: not a SQLite database' '$WORK/e' &&
    '$ROADLOG' ledger --db '$WORK/junk.db' import '$FX/chain/day1' 2>/dev/null; test \$? -eq 1"
check "sqlite: another program's SQLite database: refused, exit 1, left alone" sh -c "
    python3 -c \"import sqlite3;c=sqlite3.connect('$WORK/other.db');c.execute('create table invoices (n)');c.commit()\" &&
    '$ROADLOG' ledger --db '$WORK/other.db' import '$FX/chain/day1' 2>'$WORK/e'; test \$? -eq 1 &&
    grep -q 'not a roadlog ledger: the database holds other tables (invoices)' '$WORK/e' &&
    python3 -c \"import sqlite3;c=sqlite3.connect('$WORK/other.db');assert [r[0] for r in c.execute('select name from sqlite_master')] == ['invoices']\""
check "sqlite: a ledger of a newer schema is refused with a clear message" sh -c "
    cp '$F' '$WORK/newer.db' && python3 -c \"import sqlite3;c=sqlite3.connect('$WORK/newer.db');c.execute('update schema_version set version = 7');c.commit()\" &&
    '$ROADLOG' ledger --db '$WORK/newer.db' list 2>'$WORK/e'; test \$? -eq 1 && grep -q 'schema version 7, newer than this roadlog knows (1): use a newer roadlog' '$WORK/e'"
check "sqlite: a damaged ledger (pages overwritten): clear error, exit 1" sh -c "
    python3 -c \"import sqlite3;c=sqlite3.connect('$F');c.execute('pragma wal_checkpoint(TRUNCATE)');c.close()\" &&
    cp '$F' '$WORK/damaged.db' &&
    python3 -c \"
f = open('$WORK/damaged.db', 'r+b'); f.seek(4096 * 3); f.write(b'\\xde\\xad' * 40000); f.close()\" &&
    '$ROADLOG' ledger --db '$WORK/damaged.db' list --csv >/dev/null 2>'$WORK/e'; test \$? -eq 1 && grep -qi 'malformed\\|not a roadlog ledger' '$WORK/e'"
check "sqlite: no ledger yet: list says so, exit 1, and makes no file" sh -c "
    '$ROADLOG' ledger --db '$WORK/none.db' list 2>'$WORK/e'; test \$? -eq 1 && grep -q 'no such ledger' '$WORK/e' && test ! -e '$WORK/none.db'"
check "sqlite: no ledger yet: set says so, exit 1, and makes no file" sh -c "
    '$ROADLOG' ledger --db '$WORK/none.db' set 0123456789abcdef --status notified 2>'$WORK/e'; test \$? -eq 1 && grep -q 'no such ledger' '$WORK/e' && test ! -e '$WORK/none.db'"
check "report --month 2026-13, list --from 2026-11-31: usage errors naming what is wrong" sh -c "
    '$ROADLOG' ledger --db '$WORK/none.db' report --month 2026-13 2>'$WORK/e'; test \$? -eq 2 && grep -q \"month '2026-13': expected a month as YYYY-MM\" '$WORK/e' &&
    '$ROADLOG' ledger --db '$WORK/none.db' list --from 2026-11-31 2>'$WORK/e'; test \$? -eq 2 && grep -q 'November 2026 has 30 days' '$WORK/e'"
check "sqlite: ROADLOG_DB names the ledger" sh -c "
    ROADLOG_DB='$F' '$ROADLOG' ledger list --csv | grep -q '^$(cut -d' ' -f1 "$FX/chain/ids"),'"

# ---- PostgreSQL ----
if start_pg; then
    pass "postgresql: a throw-away server started (pid $PGPID)"
    suite postgresql pg_newdb
    U=$(pg_newdb)
    D=$(echo "$U" | sed 's|postgresql:///||; s|?.*||')
    check "postgresql: a database holding other tables is refused, exit 1" sh -c "
        $PSQL -d $D -c 'CREATE TABLE invoices (n int)' &&
        '$ROADLOG' ledger --db '$U' import '$FX/chain/day1' 2>'$WORK/e'; test \$? -eq 1 &&
        grep -q 'not a roadlog ledger: the database holds other tables (invoices)' '$WORK/e'"
    check "postgresql: a server that does not answer: clear error, exit 1, no password shown" sh -c "
        '$ROADLOG' ledger --db 'postgresql://clerk:secret@127.0.0.1:1/rl?connect_timeout=3' list 2>'$WORK/e'; test \$? -eq 1 &&
        grep -q 'cannot connect to the ledger' '$WORK/e' && ! grep -q secret '$WORK/e'"
    stop_pg
    check "postgresql: the server is stopped by its pid" sh -c "! kill -0 $(head -1 "$PGDIR/data/postmaster.pid" 2>/dev/null || echo 999999) 2>/dev/null"
else
    fail "postgresql: cannot start a throw-away server: $PGWHY"
fi

echo "ledger: $fails failed"
[ "$fails" -eq 0 ]
