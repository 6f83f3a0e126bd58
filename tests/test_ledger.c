/*
 * test_ledger.c - the source column of the ledger: run_format_origin
 * writes what snprintf would, cut at the same byte.
 */
#include "harness.h"

#include <stdio.h>

#include "util.h"

static void add_input(rl_run *run, const char *name, rl_loc_kind loc)
{
    run->inputs = xrealloc(run->inputs, (run->ninputs + 1) * sizeof *run->inputs);
    rl_input *in = &run->inputs[run->ninputs++];
    memset(in, 0, sizeof *in);
    in->name = xstrdup(name);
    in->loc = loc;
}

/* ---- run_format_origin ---- */

static void test_format_origin_as_snprintf(void **st)
{
    (void)st;
    rl_run run;
    run_init(&run);
    char longname[600];
    memset(longname, 'q', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    add_input(&run, "gps.csv", RL_LOC_LINE);
    add_input(&run, "-", RL_LOC_OFFSET);
    add_input(&run, "cap.pcap", RL_LOC_PACKET);
    add_input(&run, longname, RL_LOC_LINE);
    add_input(&run, "", RL_LOC_LINE);
    static const uint64_t positions[] = {0, 7, 12080, 281474976710655ull};
    static const size_t sizes[] = {1, 2, 5, 9, 12, 64, 512};
    for (unsigned fi = 0; fi <= run.ninputs + 1; fi++)
        for (size_t p = 0; p < sizeof positions / sizeof *positions; p++)
            for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
                char got[600], want[600];
                memset(got, '#', sizeof got);
                const char *name = "?";
                char sep = ':';
                if (fi < run.ninputs) {
                    name = strcmp(run.inputs[fi].name, "-") == 0 ? "stdin" : run.inputs[fi].name;
                    sep = fi == 1 ? '@' : fi == 2 ? '#' : ':';
                }
                int n = snprintf(want, sizes[s], "%s%c%llu", name, sep, (unsigned long long)positions[p]);
                assert_true(n > 0);
                run_format_origin(&run, RL_ORIGIN(fi, positions[p]), got, sizes[s]);
                assert_string_equal(got, want);
                /* nothing past the NUL */
                assert_int_equal(got[sizes[s]], '#');
            }
    run_free(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_origin_as_snprintf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
