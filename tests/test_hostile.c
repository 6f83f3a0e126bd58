/*
 * test_hostile.c - regression tests for what fuzzing and the bad-data
 * contract work found (issue 7).  Each test names the finding; the input
 * that found it is also kept in tests/fuzz/corpus/<target>/ so that the
 * smoke run of `make test` replays it under the sanitizers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"

/* ---- csvin ---- */

typedef struct {
    int rows, rejects;
} counts;

static bool c_header(void *ud, const csv_row *row)
{
    (void)ud;
    (void)row;
    return true;
}

static bool c_row(void *ud, const csv_row *row)
{
    counts *c = ud;
    (void)row;
    c->rows++;
    return true;
}

static bool c_reject(void *ud, uint64_t line, const char *why, const void *raw, size_t n)
{
    counts *c = ud;
    (void)line;
    (void)why;
    (void)raw;
    (void)n;
    c->rejects++;
    return true;
}

/* fuzz_csvin, UBSan "pointer overflow" in utf8_valid: an ASCII line
 * ending in CR (every CRLF file) was taken for one with non-ASCII bytes,
 * and checked with a length that wrapped below zero.  It happened to
 * read nothing, but the file was then labelled UTF-8. */
static void test_crlf_ascii_is_ascii(void **st)
{
    (void)st;
    counts c = {0};
    csvin_handler h = {&c, c_header, c_row, c_reject};
    csvin *r = csvin_new(&h);
    const char *text = "plate,time\r\nB1,2026-11-02 10:00:00\r\nB2,2026-11-02 10:00:01\r\n";
    assert_true(csvin_feed(r, text, strlen(text)));
    assert_true(csvin_finish(r));
    assert_int_equal(c.rows, 2);
    assert_int_equal(c.rejects, 0);
    assert_string_equal(csvin_encoding(r), "ascii");
    csvin_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crlf_ascii_is_ascii),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
