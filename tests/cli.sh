#!/bin/sh
# The command line as a fleet operator meets it (issue 11): --help of
# every subcommand, options missing their value, dates that do not
# exist, --from after --to, --plate/--company lists and selections that
# match nothing, the registry missing, nothing written when no input can
# be read, summary periods without data and damaged outputs.
#
#   sh tests/cli.sh ROADLOG FIXTURE_BIN_DIR
set -u
ROADLOG=$(realpath "$1")
GEN=$(realpath "$2")/genfleet
TOP=$(cd "$(dirname "$0")/.." && pwd)
S=$TOP/fixtures/samples
WORK=$(mktemp -d "${TMPDIR:-/tmp}/roadlog-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
# check NAME CONDITION: CONDITION is shell code; its output is shown when it fails
check() {
    if (eval "$2") >"$WORK/check.log" 2>&1; then pass "$1"; else fail "$1"; sed 's/^/    /' "$WORK/check.log" | head -30; fi
}
# rl NAME ARGS...: run roadlog; stdout in NAME.out, stderr in NAME.err, status in NAME.rc
rl() {
    name=$1; shift
    "$ROADLOG" "$@" >"$name.out" 2>"$name.err"
    echo $? >"$name.rc"
}
rc_is() { r=$(cat "$1.rc"); [ "$r" -eq "$2" ] || { echo "exit status $r, expected $2"; cat "$1.err"; return 1; }; }
err_has() { grep -Fq -- "$2" "$1.err" || { echo "stderr lacks '$2':"; cat "$1.err"; return 1; }; }
out_has() { grep -Fq -- "$2" "$1.out" || { echo "stdout lacks '$2':"; head -40 "$1.out"; return 1; }; }
nothing_in() { [ ! -e "$1" ] || { echo "$1 was written:"; ls -la "$1"; return 1; }; }

# ---- --help: every subcommand its own options, an example, exit codes ----
for c in analyze decode summary rules; do
    rl "help-$c" "$c" --help
    check "$c --help: its own usage, options, an example and the exit codes" \
        "rc_is help-$c 0 && out_has help-$c 'usage: roadlog $c' && out_has help-$c 'options:' && out_has help-$c 'example:' && out_has help-$c '  2  usage' && ! out_has help-$c 'roadlog decode  [OPTIONS]' 2>/dev/null"
done
check "analyze --help lists its options and what exit 1 means" \
    "out_has help-analyze '--require-registry' && out_has help-analyze '--company NAME' && out_has help-analyze '--format LIST' && out_has help-analyze '  1  an input cannot be read'"
check "summary --help lists --repeat, not --format or --port" \
    "out_has help-summary '--repeat N' && ! grep -q -- '--format\|--port' help-summary.out"
check "rules --help lists --rules and nothing of analyze" \
    "out_has help-rules '--rules FILE' && ! grep -q -- '--out\|--registry' help-rules.out"
rl help-word help summary
check "roadlog help summary = roadlog summary --help" "rc_is help-word 0 && cmp help-word.out help-summary.out"
rl help-none help bogus
check "roadlog help bogus: usage error" "rc_is help-none 2 && err_has help-none \"no command 'bogus'\""
rl usage
check "roadlog alone: the general usage, exit 2" "rc_is usage 2 && err_has usage 'roadlog analyze [OPTIONS] INPUT...' && err_has usage 'COMMAND --help'"

# ---- options missing their value ----
rl noval-next analyze --out --from 2026-11-01 "$S/gps_en.csv"
check "--out followed by an option: usage error naming --out, no folder '--out'" \
    "rc_is noval-next 2 && err_has noval-next '--out needs a value (DIR), but the next argument is the option --from' && nothing_in ./--from && nothing_in ./--out"
rl noval-end analyze "$S/gps_en.csv" --registry
check "--registry at the end without its value: usage error naming it" \
    "rc_is noval-end 2 && err_has noval-end '--registry needs a value (FILE)'"
rl noval-eq analyze --out=--odd --quiet "$S/gps_en.csv"
check "--out=--odd is taken as typed" "rc_is noval-eq 0 && test -f ./--odd/events.csv"
rl otherscmd rules --out x
check "an option of another subcommand: usage error" "rc_is otherscmd 2 && err_has otherscmd '--out does not apply to \`roadlog rules\`'"
rl unknown analyze --bogus x
check "an unknown option is named" "rc_is unknown 2 && err_has unknown 'unknown option --bogus'"

# ---- dates: what is wrong, in words ----
rl d1 analyze --from 2026-13-01 "$S/gps_en.csv"
rl d2 analyze --to 2026-11-31 "$S/gps_en.csv"
rl d3 analyze --from "2026-11-02 25:00:00" "$S/gps_en.csv"
rl d4 summary --from 2026-02-29 x
rl d5 analyze --from 2026-11-0x "$S/gps_en.csv"
check "--from 2026-13-01: month 13 does not exist" "rc_is d1 2 && err_has d1 \"--from '2026-13-01': month 13 does not exist\""
check "--to 2026-11-31: November has 30 days" "rc_is d2 2 && err_has d2 'day 31 does not exist: November 2026 has 30 days'"
check "--from ... 25:00:00: hour 25 does not exist" "rc_is d3 2 && err_has d3 'hour 25 does not exist'"
check "--from 2026-02-29 (summary): February 2026 has 28 days" "rc_is d4 2 && err_has d4 'February 2026 has 28 days'"
check "--from 2026-11-0x: not a time, the forms named" "rc_is d5 2 && err_has d5 'expected YYYY-MM-DD[ HH:MM:SS]'"
rl swapped analyze --from 2026-11-30 --to 2026-11-01 --out swapped "$S/gps_en.csv"
check "--from after --to: usage error, nothing written" "rc_is swapped 2 && err_has swapped \"--from '2026-11-30' is after --to '2026-11-01'\" && nothing_in swapped"

# ---- selections ----
REG=$S/registry.csv
rl plist analyze --quiet --registry "$REG" --plate 粤B12345,粤B56789 --out plist "$S/gps_en.csv"
check "--plate A,B selects both" \
    "rc_is plist 0 && test \"\$(tail -n +2 plist/vehicles.csv | cut -d, -f1 | sort -u | tr '\n' ' ')\" = '粤B12345 粤B56789 '"
rl prep analyze --quiet --registry "$REG" --plate 粤B12345 --plate '粤b 56789' --out prep "$S/gps_en.csv"
check "--plate A --plate B selects both (not only the last)" "rc_is prep 0 && cmp plist/vehicles.csv prep/vehicles.csv"
rl ptypo analyze --registry "$REG" --plate 粤B12345,粤B12354 --out ptypo "$S/gps_en.csv"
check "a --plate matching no vehicle: exit 1, the nearest plates named, nothing written" \
    "rc_is ptypo 1 && err_has ptypo '--plate 粤B12354 matches no vehicle of the input data (3 vehicles); nearest: 粤B12345' && nothing_in ptypo"
rl cpart analyze --registry "$REG" --company 鹏程 --out cpart "$S/gps_en.csv"
check "--company by the part of one name: a note saying which, those vehicles only" \
    "rc_is cpart 0 && err_has cpart \"note: --company '鹏程' is taken as '深圳市鹏程运输有限公司'\" && ! grep -q 粤BK2345 cpart/vehicles.csv && grep -q 粤B12345 cpart/vehicles.csv && grep -q '\"company\":\"深圳市鹏程运输有限公司\"' cpart/run.json"
rl cwhole analyze --quiet --registry "$REG" --company 深圳市鹏程运输有限公司 --out cwhole "$S/gps_en.csv"
check "--company by its whole name: the same vehicles, no note" "rc_is cwhole 0 && test ! -s cwhole.err && cmp cpart/vehicles.csv cwhole/vehicles.csv"
rl ctwo analyze --quiet --registry "$REG" --company 深圳市鹏程运输有限公司,北京京通客运有限公司 --out ctwo "$S/gps_en.csv"
check "--company A,B: both companies' vehicles" "rc_is ctwo 0 && grep -q 粤BK2345 ctwo/vehicles.csv && grep -q 粤B12345 ctwo/vehicles.csv"
rl camb analyze --registry "$REG" --company 有限公司 --out camb "$S/gps_en.csv"
check "--company that is part of several names: exit 1, the names listed" \
    "rc_is camb 1 && err_has camb \"'有限公司' is part of 3 company names\" && err_has camb '北京京通客运有限公司' && nothing_in camb"
rl cnone analyze --registry "$REG" --company 苏运渣土 --out cnone "$S/gps_en.csv"
check "--company matching no company: exit 1, not a clean report" \
    "rc_is cnone 1 && err_has cnone \"--company '苏运渣土' matches no company of the registry (3 names)\" && nothing_in cnone"
rl ctypo analyze --registry "$REG" --company 鹏城运输 --out ctypo "$S/gps_en.csv"
check "--company with a typo: the nearest company named" "rc_is ctypo 1 && err_has ctypo 'nearest: 深圳市鹏程运输有限公司'"
rl cnoreg analyze --company 鹏程 --out cnoreg "$S/gps_en.csv"
check "--company without a registry: exit 1, says why" \
    "rc_is cnoreg 1 && err_has cnoreg 'no registry was read, so no vehicle has a company' && nothing_in cnoreg"
rl cnodata analyze --registry "$REG" --company 浙江之江旅游客运有限公司 --out cnodata "$S/gps_en.csv"
check "--company whose vehicles are not in the data: exit 1" \
    "rc_is cnodata 1 && err_has cnodata \"--company '浙江之江旅游客运有限公司': none of its vehicles is in the input data\""
rl cross analyze --registry "$REG" --plate 粤B12345 --company 北京京通客运有限公司 --out cross "$S/gps_en.csv"
check "--plate and --company that never meet: exit 1" "rc_is cross 1 && err_has cross 'no vehicle is both one of --plate 粤B12345'"
rl dplate decode --plate 粤B12345,粤B12354 "$S/gps_en.csv"
check "decode --plate: a plate matching nothing is an error, the other decoded" \
    "rc_is dplate 1 && err_has dplate '--plate 粤B12354 matches no vehicle' && test \$(grep -c '^粤B12345,' dplate.out) -eq 21"

# ---- the registry missing ----
"$GEN" --out fleet --quiet --seed 7 --inject all || fail "genfleet"
rl withreg analyze --registry fleet/registry.csv --out withreg fleet/gps.csv
rl noreg analyze --out noreg fleet/gps.csv
NV=$(tail -n +2 noreg/vehicles.csv | wc -l)
NY=$(python3 -c 'import csv,sys; print(sum(r["plate_color"] == "2" for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))))' noreg/vehicles.csv)
check "no registry: a warning with the count on stderr" \
    "rc_is noreg 0 && err_has noreg \"warning: No registry (--registry) was given: $NV vehicles not in the registry were checked as class 'other' (120 km/h)\""
check "no registry: yellow plates counted as large vehicles whose speeding may be missed" \
    "test $NY -gt 0 && err_has noreg \"; $NY of them have yellow plates (large vehicles), whose class limits are 100 km/h or lower\""
check "no registry: the banner on report.html" \
    "grep -q \"id=\\\"unregistered\\\"><strong>No registry (--registry) was given: $NV vehicles not in the registry were checked as class &#39;other&#39; (120 km/h)\" noreg/report.html"
NU=$(python3 -c 'import csv,sys; print(sum(r["registered"] == "no" for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))))' withreg/vehicles.csv)
# one vehicle is "1 vehicle ... was", more "N vehicles ... were"
if [ "$NU" = 1 ]; then LACK="1 vehicle not in the registry was checked"; else LACK="$NU vehicles not in the registry were checked"; fi
check "with the registry: the vehicles it lacks counted, on stderr and report.html" \
    "rc_is withreg 0 && test $NU -gt 0 && test $NU -lt $NV && err_has withreg \"warning: $LACK as class 'other' (120 km/h)\" && grep -q \"<strong>$LACK\" withreg/report.html"
rl reqreg analyze --require-registry --out reqreg fleet/gps.csv
check "--require-registry without --registry: usage error" "rc_is reqreg 2 && err_has reqreg '--require-registry needs --registry FILE'"
head -5 fleet/registry.csv >fewreg.csv
rl reqfew analyze --registry fewreg.csv --require-registry --out reqfew fleet/gps.csv
check "--require-registry with vehicles not in it: exit 1, named, nothing written" \
    "rc_is reqfew 1 && err_has reqfew 'vehicles are not in the registry: ' && nothing_in reqfew"
rl noregfile analyze --registry no-such-registry.csv --out noregfile fleet/gps.csv
check "--registry that cannot be read: exit 1, said, nothing written (not every vehicle as class other)" \
    "rc_is noregfile 1 && err_has noregfile 'the registry no-such-registry.csv cannot be read: nothing written' && nothing_in noregfile"
rl selfres0 analyze --quiet --registry fleet/registry.csv --out selfres fleet/gps.csv
rl selfres analyze --registry fleet/registry.csv --resume selfres --out selfres/ fleet/gps.csv
check "--resume DIR --out DIR: usage error, the carry left as it was" \
    "rc_is selfres 2 && err_has selfres 'is the folder --resume reads' && python3 -c 'import json,sys; sys.exit(json.load(open(\"selfres/run.json\"))[\"resumed_from\"] is not None)'"
printf 'hello world\nfoo bar\n' >hello.csv
rl hello analyze --out hello hello.csv
check "a CSV whose header names no known table: a warning on stderr, the header in rejects.csv" \
    "err_has hello 'hello.csv: warning: the header names no known table' && grep -q 'header names no known table' hello/rejects.csv"
printf 'plate,time,lon,lat,speed\n粤B12345,2026-11-02 08:00:00,113.1,22.5,50\n粤B12345,bad,113.1,22.5,50\n' >strictbad.csv
rl strictstop analyze --strict --out strictstop strictbad.csv
check "--strict stop: exit 1, rejects.csv and run.json say why, no carry to resume from" \
    "rc_is strictstop 1 && test -f strictstop/rejects.csv && test -f strictstop/run.json && test ! -e strictstop/carry"
rl strictkeep0 analyze --quiet --out strictkeep fleet/gps.csv
cp strictkeep/run.json strictkeep.run.json
rl strictkeep analyze --strict --out strictkeep strictbad.csv
check "--strict stop over an earlier run's output: exit 1, the folder left as it was" \
    "rc_is strictkeep 1 && err_has strictkeep 'holds an earlier run' && cmp -s strictkeep/run.json strictkeep.run.json && test -d strictkeep/carry"
rl mergetwice merge --out mergetwice selfres selfres/
check "merge of the same output twice: usage error, nothing written" \
    "rc_is mergetwice 2 && err_has mergetwice 'are the same run' && nothing_in mergetwice"
rl reqall analyze --registry "$REG" --require-registry --plate 粤B12345,粤BK2345 --out reqall "$S/gps_en.csv"
rl reqall0 analyze --quiet --registry "$REG" --plate 粤B12345,粤BK2345 --out reqall0 "$S/gps_en.csv"
check "--require-registry with every vehicle registered: no warning, the same as without" \
    "rc_is reqall 0 && ! grep -q 'vehicles not in the registry were' reqall.err && cmp reqall/events.csv reqall0/events.csv"
check "report.html in Chinese: the banner in Chinese" \
    "\"$ROADLOG\" analyze --quiet --lang zh --format html --out noreg-zh fleet/gps.csv && grep -q '未提供车辆登记表（--registry）：$NV 辆车不在车辆登记表中' noreg-zh/report.html"

# ---- nothing written when no input can be read ----
mkdir keep && echo old >keep/events.csv
rl unread analyze --out keep /nonexistent.csv "$WORK"
check "every input unreadable: exit 1, nothing written into --out" \
    "rc_is unread 1 && err_has unread 'no input could be read: nothing written to keep/' && test \"\$(ls keep)\" = events.csv && grep -qx old keep/events.csv"
rl unread2 analyze --out fresh /nonexistent.csv
check "every input unreadable: no output folder made" "rc_is unread2 1 && nothing_in fresh"
rl oneread analyze --quiet --out oneread /nonexistent.csv "$S/gps_en.csv"
check "one input readable: exit 1 for the other, outputs written" "rc_is oneread 1 && test -f oneread/events.csv && test -f oneread/run.json"

# ---- summary: periods, selections, damaged outputs, the registry ----
FX=$TOP/fixtures/reports/summary
SREG=$FX/registry.csv
rl snodata summary --registry "$SREG" --from 2026-12-01 --out snodata "$FX"
check "summary --from after the data: says the period has no data, exit 1, nothing written" \
    "rc_is snodata 1 && err_has snodata 'no data in the period 2026-12-01 to (end): the outputs cover 2026-11-02 to 2026-11-03' && nothing_in snodata && ! grep -q 上线率 snodata.out"
rl sok summary --quiet --registry "$SREG" --from 2026-11-01 --to 2026-11-30 --out sok "$FX"
check "summary over the data's month: exit 0" "rc_is sok 0 && test -f sok/summary.csv && out_has sok '2 sources, 6 events'"
rl scomp summary --registry "$SREG" --company 甲 --out scomp "$FX"
check "summary --company by the part of one name: a note, the self-check" \
    "rc_is scomp 0 && err_has scomp \"note: --company '甲' is taken as '甲运输公司'\" && out_has scomp 'company: 甲运输公司 (self-check)'"
rl scnone summary --registry "$SREG" --company 丙运输 --out scnone "$FX"
check "summary --company matching no company: exit 1, the names near it" \
    "rc_is scnone 1 && err_has scnone \"--company '丙运输' matches no company\" && err_has scnone 'nearest: 甲运输公司' && nothing_in scnone"
rl sctwo summary --quiet --registry "$SREG" --company 甲运输公司,乙物流公司 --out sctwo "$FX"
check "summary --company A,B: both companies" "rc_is sctwo 0 && out_has sctwo 'company: 甲运输公司, 乙物流公司'"
rl splate summary --quiet --registry "$SREG" --plate 粤B00002 --out splate "$FX"
rl sptypo summary --registry "$SREG" --plate 粤B00020 --out sptypo "$FX"
check "summary --plate: that vehicle; a plate matching none: exit 1" \
    "rc_is splate 0 && out_has splate '2 sources, 2 events' && rc_is sptypo 1 && err_has sptypo '--plate 粤B00020 matches no vehicle'"
rl snodata2 summary --registry "$SREG" --plate 粤B00004 --out snodata2 "$FX"
check "summary of a registered vehicle without any data: exit 1" \
    "rc_is snodata2 1 && err_has snodata2 'no data of the selected vehicles: the outputs cover 2026-11-02 to 2026-11-03'"
rl sunread summary --out sunread /nonexistent/out
check "summary with no readable input: exit 1, nothing written" "rc_is sunread 1 && nothing_in sunread"

# damaged lines: named with file:line, counted, the rest read; --strict stops
cp -r "$FX" dmg
printf '00000000000000f1,粤B00002,2,coach,甲运输公司,D1,speeding,2026-11-03 16:00:00,,,,,,,1e309,100,,,,,,\n' >>dmg/day2/events.csv
printf '00000000000000f2,粤B00002,2,coach,甲运输公司,D1,speeding,2026-11-31 16:00:00,,,,,,,120,100,,,,,,\n' >>dmg/day2/events.csv
sed -n 2p "$FX/day2/vehicle_days.csv" | awk -F, 'BEGIN{OFS=","} {$3="2026-11-04"; $4="99999999999999999999"; print}' >>dmg/day2/vehicle_days.csv
printf '{"tool":"roadlog","tz":"+08:00",' >dmg/day1/run.json
rl sdmg summary --registry "$SREG" --out sdmg dmg
check "summary: damaged lines named with file:line and reason, counted, the rest read (exit 0)" \
    "rc_is sdmg 0 && err_has sdmg \"dmg/day2/events.csv:5: damaged line left out: value '1e309': number is out of range\" && err_has sdmg \"dmg/day2/events.csv:6: damaged line left out: start_time '2026-11-31 16:00:00': date does not exist\" && err_has sdmg "dmg/day2/vehicle_days.csv:5: damaged line left out: points '99999999999999999999': number is out of range" && err_has sdmg 'dmg/day1/run.json:1:' && err_has sdmg 'warning: 4 damaged lines in the outputs were left out' && out_has sdmg '2 sources, 6 events'"
rl sdmgs summary --strict --registry "$SREG" --out sdmgs dmg
check "summary --strict: the first damaged output stops it, exit 1, nothing written" \
    "rc_is sdmgs 1 && err_has sdmgs '(stopping: --strict)' && nothing_in sdmgs"

# chains (RUNS.md §2): the latest version of an event stands, withdrawn ones no longer count
cp -r "$FX" chain
mkdir chain/day3
sed 's/"exit_status":0}/"exit_status":0,"run_id":"00000000000000d3","chain_seq":1}/' "$FX/day2/run.json" >chain/day3/run.json
head -1 "$FX/day2/events.csv" | sed 's/$/,status/' >chain/day3/events.csv
sed -n 2p "$FX/day2/events.csv" | sed 's/$/,withdrawn/' >>chain/day3/events.csv
rl schain summary --quiet --registry "$SREG" --out schain chain
check "summary: an event withdrawn by a later run of its chain no longer counts" \
    "rc_is schain 0 && out_has schain '3 sources, 5 events' && grep -q '^by_type,fatigue_continuous,[^,]*,1,' schain/summary.csv"

# the registry missing when the outputs were made: the summary's banner
rl snoreg summary --quiet --out snoreg noreg
check "summary.html: the banner counts the vehicles the outputs checked as class other" \
    "rc_is snoreg 0 && grep -q \"<strong>$NV vehicles not in the registry were checked as class &#39;other&#39; (120 km/h)\" snoreg/summary.html"
rl swithreg summary --quiet --out swithreg reqall
check "summary.html: no banner when every vehicle was in the registry" "rc_is swithreg 0 && ! grep -q 'id=\"unregistered\"' swithreg/summary.html"

# ---- pcapng of several link types, through the binary ----
G808=$(dirname "$GEN")/gen808
if "$G808" fleet/gps.csv fleet/fleet.808 fleet/fleet.pcap >/dev/null 2>&1 && python3 "$TOP/tests/pcap2ng.py" fleet/fleet.pcap mixed.pcapng; then
    rl ngdec decode --quiet mixed.pcapng
    rl ngpcap decode --quiet fleet/fleet.pcap
    check "pcapng Ethernet + Linux cooked: every position decoded, as from the pcap" \
        "rc_is ngdec 0 && test \$(tail -n +2 ngdec.out | wc -l) -eq \$(tail -n +2 ngpcap.out | wc -l) && test \$(tail -n +2 ngdec.out | wc -l) -gt 1000"
    # a hostile block after the first packets: 2 GB long
    python3 - mixed.pcapng hostile.pcapng <<'PYEOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
pos, n = 0, 0
while pos < len(d):                       # the end of the 20th packet block
    t, l = struct.unpack("<II", d[pos:pos + 8])
    pos += l
    n += t == 6
    if n == 20:
        break
open(sys.argv[2], "wb").write(d[:pos] + struct.pack("<II", 6, 0x7FFFFFFC) + b"\0" * 24 + d[pos:])

PYEOF
    rl nghost analyze --quiet --out nghost hostile.pcapng
    check "pcapng block of 2 GB: rejected with its packet, the packets before it analysed, nothing allocated for it" \
        "rc_is nghost 0 && grep -q 'hostile.pcapng#21,.*capture cut short after packet 20: block at byte [0-9]* has a length of 2147483644, over the 16 MiB a block may have' nghost/rejects.csv && test \$(tail -n +2 nghost/rejects.csv | wc -l) -eq 1"
    # an interface of a link type roadlog does not read, between the others
    python3 - mixed.pcapng userlink.pcapng <<'PYEOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
shb_len = struct.unpack("<I", d[4:8])[0]
idb = lambda lt: struct.pack("<IIHHII", 1, 20, lt, 0, 262144, 20)
epb = lambda ifn: struct.pack("<IIIIIII", 6, 36, ifn, 0, 0, 4, 4) + b"junk" + struct.pack("<I", 36)
# interface 2 is LINKTYPE_USER0 (147): three packets of it after the others' first blocks
body = d[shb_len:]
out, pos, n = [d[:shb_len]], 0, 0
while pos < len(body):
    t, l = struct.unpack("<II", body[pos:pos + 8])
    out.append(body[pos:pos + l])
    pos += l
    if t == 1:
        n += 1
        if n == 2:
            out.append(idb(147))
    elif t == 6 and len(out) < 12:
        out.append(epb(2))
open(sys.argv[2], "wb").write(b"".join(out))
PYEOF
    rl nguser analyze --quiet --out nguser userlink.pcapng
    check "pcapng interface of an unknown link type: its packets skipped and said once, the others analysed" \
        "rc_is nguser 0 && grep -q 'packets of link type 147 ([a-zA-Z0-9_]*) skipped' nguser/rejects.csv && test \$(tail -n +2 nguser/rejects.csv | wc -l) -eq 1 && grep -q '\"pcap.unsupported_link_packets\":' nguser/run.json && test \$(tail -n +2 nguser/vehicles.csv | wc -l) -gt 10"
else
    fail "gen808 / pcap2ng for the pcapng cases"
fi

echo
if [ "$fails" -eq 0 ]; then echo "cli: all passed"; else echo "cli: $fails failed"; fi
[ "$fails" -eq 0 ]
