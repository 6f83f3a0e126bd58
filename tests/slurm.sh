#!/bin/sh
# slurm.sh - `roadlog slurm` on a real cluster (RUNS.md §4): a single-node
# Slurm cluster from Debian's slurm-wlm and munge, stood up here as root
# without systemd (munged as the munge user, slurmctld and slurmd as root,
# every file under one test folder, ports of their own), then:
#   - --dry-run prints the three sbatch scripts and submits nothing;
#   - 4 parts, 2 shard tasks, on a generated fleet (CSV and JT/T 808 over
#     several files, gzip, weighings, a registry): exit 0 and the merged
#     output is one run's (events.csv, events.jsonl, vehicles.csv,
#     vehicle_days.csv, rejects.csv byte for byte, run.json's counts);
#   - the same command again: nothing submitted, exit 0; another command
#     on the same work folder: refused;
#   - an analysis that fails (a record file cut short): exit 1, the task
#     named with its log and exit status; mended and run again: only that
#     task and the merge run again, the result is one run's;
#   - a shard task killed (scancel) while it reads, after the command that
#     submitted it was itself stopped and run again (it waits for the jobs
#     in the queue, submits nothing twice; a third one meanwhile is
#     refused): exit 1 naming the task, its log and CANCELLED; run again:
#     completes, only that task is run again, nothing counted twice.
# A cluster that cannot start is a FAIL with the reason, never a pass.
# The daemons are stopped by their pid files at the end, also on failure.
#   tests/slurm.sh ROADLOG FIXTURE_BIN_DIR
set -u
ROADLOG=$(realpath "$1")
BIN=$(realpath "$2")
fails=0
passes=0
pass() { passes=$((passes + 1)); echo "PASS $1"; }
fail() { fails=$((fails + 1)); echo "FAIL $1"; }

need() {
    echo "SKIP slurm.sh: $1"
    echo "FAIL slurm.sh cannot run (a required check): $1"
    exit 1
}
[ "$(id -u)" -eq 0 ] || need "standing up slurmctld and slurmd needs root (run make test as root)"
for c in munged mungekey slurmctld slurmd sbatch squeue scancel scontrol sinfo runuser python3; do
    command -v $c >/dev/null 2>&1 || need "$c is missing: apt-get install slurm-wlm munge (see .ci/packages)"
done
[ -x "$BIN/gen808" ] || need "$BIN/gen808 is missing (make tools)"

WORK=$(mktemp -d /tmp/roadlog-slurm-XXXXXX)
chmod 0755 "$WORK"
C=$WORK/cluster
mkdir -p "$C/munge" "$C/state" "$C/spool" "$C/log"
chmod 0755 "$C" "$C/munge"

# Stop a daemon by its pid file; it is gone when /proc has no live
# process of that pid (a stopped daemon may linger as a zombie).
stop_daemon() {
    [ -f "$1" ] || return 0
    pid=$(cat "$1")
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null
    i=0
    while [ $i -lt 50 ]; do
        state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
        { [ -z "$state" ] || [ "$state" = Z ]; } && return 0
        sleep 0.1
        i=$((i + 1))
    done
    kill -9 "$pid" 2>/dev/null
}
cleanup() {
    if [ -f "$C/slurmctld.pid" ]; then
        scancel --quiet --user root 2>/dev/null
    fi
    [ -n "${BGPID:-}" ] && kill "$BGPID" 2>/dev/null
    [ -n "${FEEDPID:-}" ] && kill "$FEEDPID" 2>/dev/null
    stop_daemon "$C/slurmd.pid"
    stop_daemon "$C/slurmctld.pid"
    stop_daemon "$C/munge/munged.pid"
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- the cluster ----
chown munge:munge "$C/munge"
runuser -u munge -- mungekey --create --keyfile="$C/munge/munge.key" >"$C/log/mungekey.log" 2>&1 ||
    { fail "cluster: mungekey --create: $(tail -2 "$C/log/mungekey.log")"; exit 1; }
runuser -u munge -- munged --key-file="$C/munge/munge.key" --socket="$C/munge/munge.socket" \
    --pid-file="$C/munge/munged.pid" --log-file="$C/munge/munged.log" --seed-file="$C/munge/munged.seed" ||
    { fail "cluster: munged does not start: $(tail -3 "$C/munge/munged.log" 2>/dev/null)"; exit 1; }
ports=$(python3 -c "
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(('127.0.0.1', 0))
print(' '.join(str(s.getsockname()[1]) for s in ss))")
set -- $ports
H=$(hostname -s)
cat >"$C/slurm.conf" <<EOF
ClusterName=roadlogtest
SlurmctldHost=$H(127.0.0.1)
SlurmctldPort=$1
SlurmdPort=$2
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$C/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$C/state
SlurmdSpoolDir=$C/spool
SlurmctldPidFile=$C/slurmctld.pid
SlurmdPidFile=$C/slurmd.pid
SlurmctldLogFile=$C/log/slurmctld.log
SlurmdLogFile=$C/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=$H NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=roadlog Nodes=$H Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$C/slurm.conf"
slurmctld -c -f "$SLURM_CONF" || { fail "cluster: slurmctld does not start: $(tail -3 "$C/log/slurmctld.log")"; exit 1; }
slurmd -f "$SLURM_CONF" || { fail "cluster: slurmd does not start: $(tail -3 "$C/log/slurmd.log")"; exit 1; }
i=0
until sinfo -h -o '%T' 2>/dev/null | grep -q '^idle'; do
    i=$((i + 1))
    if [ $i -gt 100 ]; then
        fail "cluster: the node is not idle after 10 s: $(sinfo 2>&1 | tail -2); $(tail -3 "$C/log/slurmctld.log")"
        exit 1
    fi
    sleep 0.1
done
pass "a single-node Slurm cluster is up (idle after $((i / 10)).$((i % 10)) s)"

# ---- the fleet, and one run ----
cd "$WORK" || exit 1
"$BIN/genfleet" --out f --seed 17 --inject all --drivers --noise --late 10 --vehicles 60 --days 2 --weigh 200 \
    --quiet || { fail "genfleet"; exit 1; }
"$BIN/gen808" f/gps.csv f/fleet.808 f/fleet.pcap >/dev/null || { fail "gen808"; exit 1; }
python3 - <<'EOF'
import gzip
rows = open("f/gps.csv", "rb").read().splitlines(keepends=True)
half = len(rows) // 2
open("f/gps-a.csv", "wb").write(b"".join(rows[:half]))
with gzip.open("f/gps-b.csv.gz", "wb") as g:
    g.write(rows[0] + b"".join(rows[half:]))
# the JT/T 808 traffic in two files: a terminal's registration in one, its positions in the other
d = open("f/fleet.808", "rb").read()
at = len(d) // 2
while not (d[at - 1] == 0x7E and d[at] == 0x7E):
    at += 1
open("f/t0.808", "wb").write(d[:at])
open("f/t1.808", "wb").write(d[at:])
EOF
IN="f/gps-a.csv f/t0.808 f/gps-b.csv.gz f/weighbridge.csv f/t1.808"
OPTS="--registry f/registry.csv"
# shellcheck disable=SC2086
"$ROADLOG" analyze --quiet $OPTS --out one $IN || fail "one run: exit $?"
OUTS="events.csv events.jsonl vehicles.csv vehicle_days.csv rejects.csv"

# same ONE OUT LABEL: OUT is ONE's result
same() {
    for o in $OUTS; do
        if ! cmp -s "$1/$o" "$2/$o"; then
            fail "$3: $o differs from one run"
            diff "$1/$o" "$2/$o" | head -4 | sed 's/^/    /'
            return 1
        fi
    done
    python3 - "$1/run.json" "$2/run.json" <<'EOF' || { fail "$3: run.json counts differ"; return 1; }
import json, sys
a, b = (json.load(open(p))["counts"] for p in sys.argv[1:])
bad = {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)}
if bad:
    print("    ", bad)
sys.exit(1 if bad else 0)
EOF
}

# started KIND-I: how many times a task's script has run (its log, appended)
started() { grep -c "^roadlog slurm: $1, job" "W/logs/$1.log" 2>/dev/null || echo 0; }
jobs_submitted() { wc -l <"$1/state/jobs" 2>/dev/null || echo 0; }

# ---- --dry-run ----
# shellcheck disable=SC2086
"$ROADLOG" slurm --parts 4 --shard-tasks 2 --work Wdry --out OUTdry --dry-run $OPTS $IN >dry.txt 2>dry.err
rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c '^#!/bin/sh' dry.txt)" -eq 3 ] && grep -q '^# sbatch --parsable --array=0-1 .*shard.sbatch' dry.txt &&
    grep -q '^# sbatch --parsable --array=0-3 --dependency=afterok:.*analyze.sbatch' dry.txt &&
    grep -q "shard --parts 4 --task \"\$task/2\"" dry.txt && grep -q " merge .*--out '$WORK/OUTdry'" dry.txt &&
    [ ! -e Wdry ] && [ -z "$(squeue -h 2>/dev/null)" ]; then
    pass "--dry-run prints the three sbatch scripts and their sbatch commands, submits and writes nothing"
else
    fail "--dry-run: exit $rc: $(head -3 dry.err)"
fi

# ---- the whole run ----
t0=$(date +%s)
# shellcheck disable=SC2086
"$ROADLOG" slurm --parts 4 --shard-tasks 2 --poll 0.5 --work W --out OUT $OPTS $IN 2>run1.err
rc=$?
t1=$(date +%s)
if [ $rc -eq 0 ] && grep -q "merge 1/1 done" run1.err && same one OUT "4 parts on the cluster"; then
    pass "4 parts, 2 shard tasks on the cluster: exit 0 in $((t1 - t0)) s, the merged output is one run's"
else
    [ $rc -eq 0 ] || { fail "4 parts on the cluster: exit $rc"; sed 's/^/    /' run1.err | tail -12; }
fi
once=1
for t in shard-0 shard-1 analyze-0 analyze-1 analyze-2 analyze-3 merge; do
    [ "$(started $t)" -eq 1 ] || once=0
done
[ $once -eq 1 ] || fail "every task runs once: $(for t in shard-0 shard-1 analyze-3 merge; do printf '%s %s ' $t "$(started $t)"; done)"

# ---- again: nothing to do; another command on the folder: refused ----
n=$(jobs_submitted W)
# shellcheck disable=SC2086
"$ROADLOG" slurm --parts 4 --shard-tasks 2 --poll 0.5 --work W --out OUT $OPTS $IN 2>run2.err
rc=$?
if [ $rc -eq 0 ] && [ "$(jobs_submitted W)" -eq "$n" ] && [ "$(started merge)" -eq 1 ]; then
    pass "the same command again: everything is done, nothing submitted, exit 0"
else
    fail "the same command again: exit $rc, $(jobs_submitted W) submissions (were $n)"
fi
# shellcheck disable=SC2086
"$ROADLOG" slurm --parts 3 --poll 0.5 --work W --out OUT $OPTS $IN 2>other.err
rc=$?
if [ $rc -eq 2 ] && grep -q 'holds the work of another command.*"parts 4" where this one has "parts 3"' other.err; then
    pass "another command on the same work folder: refused (exit 2) saying what differs"
else
    fail "another command on the same work folder: exit $rc: $(cat other.err)"
fi

# ---- an analysis that fails ----
REC=$(ls W/shards/part-0002/*.rlrec | head -1)
cp "$REC" rec.bak
head -c 2000 rec.bak >"$REC"
rm -f W/state/analyze-2.done
# shellcheck disable=SC2086
"$ROADLOG" slurm --parts 4 --shard-tasks 2 --poll 0.5 --work W --out OUT $OPTS $IN 2>fail.err
rc=$?
if [ $rc -eq 1 ] && grep -q "analyze task 2 (job [0-9]*_2) failed with exit status 1; log: $WORK/W/logs/analyze-2.log" fail.err &&
    grep -q "record file is cut short" fail.err && [ "$(started analyze-1)" -eq 1 ]; then
    pass "a failed analysis: exit 1, named with its log and exit status (and the log's last lines)"
else
    fail "a failed analysis: exit $rc"
    sed 's/^/    /' fail.err | tail -8
fi
cp rec.bak "$REC"
# shellcheck disable=SC2086
"$ROADLOG" slurm --parts 4 --shard-tasks 2 --poll 0.5 --work W --out OUT $OPTS $IN 2>mend.err
rc=$?
if [ $rc -eq 0 ] && [ "$(started analyze-2)" -eq 3 ] && [ "$(started analyze-1)" -eq 1 ] &&
    [ "$(started shard-0)" -eq 1 ] && [ "$(started merge)" -eq 2 ] && same one OUT "mended"; then
    pass "mended and run again: only that analysis and the merge run again; one run's result"
else
    fail "mended and run again: exit $rc; analyze-2 ran $(started analyze-2) times, analyze-1 $(started analyze-1), merge $(started merge)"
    sed 's/^/    /' mend.err | tail -5
fi

# ---- a shard task killed while it reads; the command stopped and run again ----
# f/live.csv is a pipe: the shard task that reads it waits for its data
mkfifo f/live.csv
LIVE="f/gps-a.csv f/t0.808 f/live.csv f/weighbridge.csv f/t1.808"
# one run over the same inputs (the pipe fed once)
gzip -dc f/gps-b.csv.gz >f/b.csv
(cat f/b.csv >f/live.csv) &
FEEDPID=$!
# shellcheck disable=SC2086
"$ROADLOG" analyze --quiet $OPTS --out one-live $LIVE || fail "one run over the pipe: exit $?"
wait $FEEDPID
FEEDPID=""
# the shard task that reads the pipe: running, without its done mark,
# while the other one has its mark (squeue may still show a task that
# has just written its mark as running)
waiting_shard() {
    i=0
    while [ $i -lt 600 ]; do
        for r in $(squeue -h -r -n roadlog-shard -t RUNNING -o '%i'); do
            k=${r#*_}
            if [ ! -e "W2/state/shard-$k.done" ] && [ -e "W2/state/shard-$((1 - k)).done" ]; then
                echo "$r"
                return 0
            fi
        done
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# wait_for PID SECONDS: the exit status of a background command, or 124
# when it has not ended in time (it is then killed: a hang is a failure)
wait_for() {
    wf_n=0
    while :; do
        wf_st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
        { [ -z "$wf_st" ] || [ "$wf_st" = Z ]; } && break
        wf_n=$((wf_n + 1))
        if [ $wf_n -gt $(($2 * 5)) ]; then
            kill "$1" 2>/dev/null
            wait "$1" 2>/dev/null
            return 124
        fi
        sleep 0.2
    done
    wait "$1"
}
# shellcheck disable=SC2086
"$ROADLOG" slurm --parts 4 --shard-tasks 2 --poll 0.5 --work W2 --out OUT2 $OPTS $LIVE 2>live1.err &
BGPID=$!
task=$(waiting_shard) || {
    fail "the shard task reading the pipe is not seen running"
    squeue 2>&1 | sed 's/^/    /'
    ls W2/state 2>&1 | sed 's/^/    /'
    sed 's/^/    /' live1.err | tail -5
    tail -3 W2/logs/shard-*.log | sed 's/^/    /'
}
kill "$BGPID"
wait "$BGPID" 2>/dev/null
BGPID=""
n=$(jobs_submitted W2)
queued=$(squeue -h -r -o '%i' | wc -l)
# shellcheck disable=SC2086
"$ROADLOG" slurm --parts 4 --shard-tasks 2 --poll 0.5 --work W2 --out OUT2 $OPTS $LIVE 2>live2.err &
BGPID=$!
i=0
until grep -q "jobs of an earlier run are in the queue: waiting for them" live2.err || [ $i -gt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
# a third client meanwhile: refused, it would submit the same tasks again
# shellcheck disable=SC2086
"$ROADLOG" slurm --parts 4 --shard-tasks 2 --poll 0.5 --work W2 --out OUT2 $OPTS $LIVE 2>third.err
rc3=$?
scancel "$task"
wait_for "$BGPID" 120
rc=$?
BGPID=""
k=${task#*_}
if [ $rc3 -eq 1 ] && grep -q "another roadlog slurm is at work on $WORK/W2" third.err; then
    pass "a second roadlog slurm on a work folder in use: refused (exit 1)"
else
    fail "a second roadlog slurm on a work folder in use: exit $rc3: $(cat third.err)"
fi
if [ -n "$task" ] && [ "$queued" -gt 0 ] && [ $rc -eq 1 ] && [ "$(jobs_submitted W2)" -eq "$n" ] &&
    grep -q "shard task $k (job ${task%_*}_$k) left the queue without finishing: Slurm says CANCELLED.*; log: $WORK/W2/logs/shard-$k.log" live2.err; then
    pass "a shard task killed (scancel) while it reads, the command stopped and run again meanwhile: it waited for the queued jobs, submitted nothing twice, then exit 1 naming the task, its log and CANCELLED"
else
    fail "scancel of shard task $task: exit $rc, $(jobs_submitted W2) submissions (were $n), $queued queued"
    sed 's/^/    /' live2.err | tail -8
fi
(cat f/b.csv >f/live.csv) &
FEEDPID=$!
# shellcheck disable=SC2086
"$ROADLOG" slurm --parts 4 --shard-tasks 2 --poll 0.5 --work W2 --out OUT2 $OPTS $LIVE 2>live3.err &
BGPID=$!
wait_for "$BGPID" 300
rc=$?
BGPID=""
kill $FEEDPID 2>/dev/null
wait $FEEDPID 2>/dev/null
FEEDPID=""
other=$((1 - k))
if [ $rc -eq 0 ] && [ "$(grep -c '^roadlog slurm: shard-'$k', job' W2/logs/shard-$k.log)" -eq 2 ] &&
    [ "$(grep -c '^roadlog slurm: shard-'$other', job' W2/logs/shard-$other.log)" -eq 1 ] &&
    same one-live OUT2 "killed and run again"; then
    pass "run again after the kill: completes, only the killed shard task (and what follows it) runs again; one run's result, nothing counted twice"
else
    fail "run again after the kill: exit $rc"
    sed 's/^/    /' live3.err | tail -8
fi

echo "slurm.sh: $passes passed, $fails failed"
[ $fails -eq 0 ]
