#!/bin/sh
# Fuzzing (issue 7): `make test` runs `sh tests/fuzz.sh smoke` (every
# target a few seconds, seeds and crash regressions replayed), `make fuzz`
# runs `sh tests/fuzz.sh long $(FUZZ_SECONDS)` (default 300 s a target).
# The targets, their corpora and the runner live in tests/fuzz/.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
exec sh "$TOP/tests/fuzz/run.sh" "$@"
