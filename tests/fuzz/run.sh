#!/bin/sh
# Build and run the libFuzzer targets of tests/fuzz/ (issue 7).
#
#   sh tests/fuzz/run.sh smoke [TARGET...]      every target a few seconds (make test)
#   sh tests/fuzz/run.sh long [SECONDS] [TARGET...]   every target SECONDS (default 300; make fuzz)
#   sh tests/fuzz/run.sh replay [TARGET...]     only the seed corpora, no fuzzing
#
# Targets are built with clang -fsanitize=fuzzer,address,undefined into
# build-fuzz/ (the library once, with coverage, then one binary per
# tests/fuzz/fuzz_*.c).  Each run starts from tests/fuzz/corpus/<target>/
# (small seeds kept in git, crash regressions among them); a long run
# keeps what it learns in build-fuzz/corpus/<target>/, so a later long
# run goes on from there (smoke runs start from the seeds every time).  A crash, a leak, a sanitizer report, a timeout or a broken
# contract check fails the run; the input is saved as
# build-fuzz/artifacts/<target>-crash-... and the log tail is printed.
# To turn a finding into a regression test: fix it, then copy the artifact
# into tests/fuzz/corpus/<target>/ (the smoke run replays it every time).
#
# Environment: FUZZ_SMOKE_SECONDS (default 3), FUZZ_JOBS (parallel
# targets, default: the number of CPUs, at most 4).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
MODE=${1:-smoke}
[ $# -gt 0 ] && shift
case "$MODE" in
smoke) SECS=${FUZZ_SMOKE_SECONDS:-3} ;;
long)
    SECS=300
    case "${1:-}" in
    '' ) ;;
    *[!0-9]*) ;;
    *) SECS=$1; shift ;;
    esac ;;
replay) SECS=0 ;;
*) echo "usage: $0 smoke|long [SECONDS]|replay [TARGET...]" >&2; exit 2 ;;
esac

OUT=build-fuzz
# FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION (the common convention): checksums
# that would stop the fuzzer at the door are not checked (rlrec.c)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
LIBS=$(sed -n 's/^LIBS *= *//p' Makefile)

# ---- a clean machine: clang and the libFuzzer runtime ----
have_libfuzzer() {
    command -v clang >/dev/null 2>&1 || return 1
    t=$(mktemp -d)
    printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}\n' >"$t/t.c"
    clang -fsanitize=fuzzer,address,undefined -o "$t/t" "$t/t.c" >/dev/null 2>&1
    rc=$?
    rm -rf "$t"
    return $rc
}
if ! have_libfuzzer; then
    sh tests/deps.sh clang libclang-rt-14-dev
    have_libfuzzer || { echo "fuzz: clang with libFuzzer is not usable" >&2; exit 1; }
fi

# ---- build ----
# The library with coverage instrumentation (no libFuzzer main), through
# the Makefile so its dependency tracking decides what to recompile.
# Warnings are not errors here: clang and gcc do not warn alike, and the
# gcc build already enforces -Werror.
make -s BUILD=$OUT CC=clang OPT=-O1 WARN="-Wall -Wextra -Wno-unused-parameter" \
    CFLAGS="-fsanitize=fuzzer-no-link $SAN -gline-tables-only" "$OUT/libroadlog.a"

if [ $# -gt 0 ]; then
    TARGETS=$*
else
    TARGETS=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c | sed 's/^fuzz_//'; done)
fi

mkdir -p "$OUT/artifacts" "$OUT/tmp"
# scratch files of the targets (fuzz_analyze's outputs) stay in build-fuzz/
TMPDIR=$TOP/$OUT/tmp
export TMPDIR
for t in $TARGETS; do
    src=tests/fuzz/fuzz_$t.c
    bin=$OUT/fuzz_$t
    [ -f "$src" ] || { echo "fuzz: no target $t ($src)" >&2; exit 2; }
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$OUT/libroadlog.a" -nt "$bin" ] ||
        [ tests/fuzz/fuzz_common.h -nt "$bin" ]; then
        clang -std=c11 -g -O1 -D_GNU_SOURCE -Isrc -Iparsers -Ireports -Itests/fuzz \
            -fsanitize=fuzzer $SAN -o "$bin" "$src" "$OUT/libroadlog.a" $LIBS
    fi
done

# ---- run ----
# Per target: libFuzzer's options (tests/fuzz/<target>.options, one
# -flag=value a line), a dictionary when there is one.
run_one() {
    t=$1
    seeds=tests/fuzz/corpus/$t
    # long runs build on what earlier long runs found; a smoke run starts
    # from the seeds alone, so `make test` takes the same time every day
    work=$OUT/corpus/$t
    if [ "$MODE" = smoke ]; then
        work=$OUT/smoke/$t
        rm -rf "$work"
    fi
    mkdir -p "$work" "$seeds"
    log=$OUT/fuzz_$t.log
    opts="-timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 -artifact_prefix=$OUT/artifacts/$t-"
    [ -f "tests/fuzz/$t.options" ] && opts="$opts $(grep -v '^#' "tests/fuzz/$t.options" | tr '\n' ' ')"
    [ -f "tests/fuzz/dict/$t.dict" ] && opts="$opts -dict=tests/fuzz/dict/$t.dict"
    if [ "$SECS" -eq 0 ]; then
        # shellcheck disable=SC2086
        "$OUT/fuzz_$t" $opts -runs=0 "$seeds" >"$log" 2>&1
    else
        # shellcheck disable=SC2086
        "$OUT/fuzz_$t" $opts -max_total_time="$SECS" "$work" "$seeds" >"$log" 2>&1
    fi
}

report() {
    t=$1
    rc=$2
    log=$OUT/fuzz_$t.log
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    if [ "$rc" -eq 0 ]; then
        echo "PASS fuzz_$t (${runs:-?} runs, coverage ${cov:-?}, $(ls "tests/fuzz/corpus/$t" | wc -l) seeds)"
    else
        echo "FAIL fuzz_$t (exit $rc)"
        grep -E 'ERROR|SUMMARY|contract broken|Test unit written' "$log" | head -10 | sed 's/^/    /'
        tail -40 "$log" | sed 's/^/    | /'
    fi
}

JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$JOBS" -gt 4 ] && JOBS=4
[ "$JOBS" -lt 1 ] && JOBS=1
fails=0
set -- $TARGETS
while [ $# -gt 0 ]; do
    batch=""
    i=0
    while [ $# -gt 0 ] && [ $i -lt "$JOBS" ]; do
        batch="$batch $1"
        (if run_one "$1"; then echo 0; else echo $?; fi >"$OUT/fuzz_$1.rc") &
        shift
        i=$((i + 1))
    done
    wait
    for t in $batch; do
        rc=$(cat "$OUT/fuzz_$t.rc")
        report "$t" "$rc"
        [ "$rc" -eq 0 ] || fails=$((fails + 1))
    done
done
if [ "$fails" -eq 0 ]; then
    echo "fuzz ($MODE): all targets passed"
else
    echo "fuzz ($MODE): $fails target(s) failed; inputs in $OUT/artifacts/"
fi
[ "$fails" -eq 0 ]
