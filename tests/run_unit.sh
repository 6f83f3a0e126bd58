#!/bin/sh
# Run every unit-test binary given; fail if any fails.
#
# A case that could not run (cmocka's skip(), e.g. the JT/T 808 vectors
# of ../shared/vectors absent) is reported as SKIP with the reason the
# test printed, never as PASS, and fails the run: every input the suite
# needs is required.  A developer without the inputs may set
# ROADLOG_ALLOW_SKIP=1 to see the rest pass; the SKIP lines stay.
fail=0
for t in "$@"; do
    name=$(basename "$t")
    if "$t" >"$t.log" 2>&1; then
        ok=$(grep -c '\[       OK \]' "$t.log")
        # cmocka prints each skipped case once as it runs, then again in
        # the closing list: the count is the closing "N test(s)" line's
        skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s).*/\1/p' "$t.log" | head -1)
        skipped=${skipped:-0}
        if [ "$skipped" -gt 0 ]; then
            echo "SKIP $name: $skipped case(s) could not run ($ok passed):"
            # what the test printed before each skip: the reason
            awk '/^\[ RUN      \]/ { n = 0; next } /^\[  SKIPPED \] test/ { for (i = 0; i < n; i++) print "    " l[i]; n = 0; next }
                 !/^\[/ { l[n++] = $0 }' "$t.log" | awk '!seen[$0]++'
            if [ "${ROADLOG_ALLOW_SKIP:-0}" != 1 ]; then
                echo "    a required input is missing (see above); ROADLOG_ALLOW_SKIP=1 runs without it"
                fail=1
            fi
        else
            echo "PASS $name ($ok cases)"
        fi
    else
        echo "FAIL $name"; cat "$t.log"; fail=1
    fi
done
exit $fail
