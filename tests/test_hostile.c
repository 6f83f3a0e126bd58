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
#include "timeutil.h"

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

/* ---- time ---- */

/* fuzz_time, UBSan signed overflow in parse_epoch: a 25-digit number in
 * a time field was accumulated into an int64 before its length was
 * checked.  It must be rejected, as every digit run that is neither 10
 * (seconds) nor 13 (milliseconds) digits long. */
static void test_long_digit_run_time(void **st)
{
    (void)st;
    tu_parser tp;
    tu_parser_init(&tp, 8 * 3600);
    int64_t t = 0;
    const char *long_run = "1111111111111111111111111";
    const char *why = tu_parse(&tp, long_run, strlen(long_run), &t);
    assert_non_null(why);
    assert_non_null(strstr(why, "10 digits"));
    why = tu_parse(&tp, "99999999999999999999", 20, &t);
    assert_non_null(why);
    assert_null(tu_parse(&tp, "1762048805123", 13, &t));
    assert_int_equal(t, 1762048805);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crlf_ascii_is_ascii),
        cmocka_unit_test(test_long_digit_run_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
