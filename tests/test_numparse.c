/*
 * test_numparse.c - numbers from text fields into fixed point
 * (src/numparse.h): rounding half away from zero at every scale, Excel
 * exponents, NaN/infinity/too large rejected, JT/T 808 words in decimal
 * and 0x-hex, and formatting back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "numparse.h"

static int64_t fixed_ok(const char *s, int scale)
{
    int64_t v = INT64_C(0x5A5A5A5A);
    const char *err = num_fixed(s, strlen(s), scale, &v);
    if (err)
        fail_msg("\"%s\" (scale %d) rejected: %s", s, scale, err);
    return v;
}

static void fixed_bad(const char *s, int scale)
{
    int64_t v = 0;
    const char *err = num_fixed(s, strlen(s), scale, &v);
    if (!err)
        fail_msg("\"%s\" (scale %d) accepted as %lld", s, scale, (long long)v);
    assert_true(strlen(err) > 0);
}

static void test_plain(void **st)
{
    (void)st;
    assert_int_equal(fixed_ok("100", 3), 100000);
    assert_int_equal(fixed_ok("100.0", 3), 100000);
    assert_int_equal(fixed_ok("100.000000000", 3), 100000);
    assert_int_equal(fixed_ok("85.3", 3), 85300);
    assert_int_equal(fixed_ok("+85.3", 3), 85300);
    assert_int_equal(fixed_ok("-85.3", 3), -85300);
    assert_int_equal(fixed_ok("0", 3), 0);
    assert_int_equal(fixed_ok("007.50", 3), 7500);
    assert_int_equal(fixed_ok("113.987654", 6), 113987654);
    assert_int_equal(fixed_ok("22.5", 6), 22500000);
    assert_int_equal(fixed_ok("-33.868820", 6), -33868820);
    assert_int_equal(fixed_ok("42", 0), 42);
}

static void test_round_half_away(void **st)
{
    (void)st;
    /* scale 0 */
    assert_int_equal(fixed_ok("2.5", 0), 3);
    assert_int_equal(fixed_ok("-2.5", 0), -3);
    assert_int_equal(fixed_ok("2.4999", 0), 2);
    assert_int_equal(fixed_ok("-2.4999", 0), -2);
    assert_int_equal(fixed_ok("0.5", 0), 1);
    assert_int_equal(fixed_ok("-0.5", 0), -1);
    assert_int_equal(fixed_ok("3.5", 0), 4); /* not banker's rounding */
    /* scale 3 */
    assert_int_equal(fixed_ok("12.3455", 3), 12346);
    assert_int_equal(fixed_ok("-12.3455", 3), -12346);
    assert_int_equal(fixed_ok("12.3454999", 3), 12345);
    assert_int_equal(fixed_ok("0.0005", 3), 1);
    assert_int_equal(fixed_ok("-0.0005", 3), -1);
    assert_int_equal(fixed_ok("0.0004999", 3), 0);
    assert_int_equal(fixed_ok("-0.0004999", 3), 0);
    assert_int_equal(fixed_ok("99.9995", 3), 100000);
    assert_int_equal(fixed_ok("100.0005", 3), 100001);
    /* scale 6 */
    assert_int_equal(fixed_ok("113.9876545", 6), 113987655);
    assert_int_equal(fixed_ok("-113.9876545", 6), -113987655);
    assert_int_equal(fixed_ok("0.0000005", 6), 1);
    assert_int_equal(fixed_ok("-0.0000005", 6), -1);
    assert_int_equal(fixed_ok("0.00000049999999999", 6), 0);
    /* many fraction digits: only the first after the scale decides, and
     * the rest (even far away) break a tie */
    assert_int_equal(fixed_ok("0.12345678901234567890123", 6), 123457);
    assert_int_equal(fixed_ok("1.00049999999999999999999", 3), 1000);
}

static void test_exponent(void **st)
{
    (void)st;
    assert_int_equal(fixed_ok("1.2E+05", 0), 120000);
    assert_int_equal(fixed_ok("1.2e5", 0), 120000);
    assert_int_equal(fixed_ok("1.2E5", 3), 120000000);
    assert_int_equal(fixed_ok("-1.2E+05", 0), -120000);
    assert_int_equal(fixed_ok("1.5E-3", 3), 2);
    assert_int_equal(fixed_ok("-1.5E-3", 3), -2);
    assert_int_equal(fixed_ok("8.53E+01", 3), 85300);
    assert_int_equal(fixed_ok("2.2E+01", 6), 22000000);
    fixed_bad("1e309", 0);
    fixed_bad("1e309", 3);
    fixed_bad("-1e309", 3);
    fixed_bad("1e19", 0);
    fixed_bad("1E", 0);
    fixed_bad("1E+", 0);
}

static void test_bad(void **st)
{
    (void)st;
    fixed_bad("", 3);
    fixed_bad("   ", 3);
    fixed_bad("NaN", 3);
    fixed_bad("nan", 3);
    fixed_bad("inf", 3);
    fixed_bad("-inf", 3);
    fixed_bad("Infinity", 3);
    fixed_bad("abc", 3);
    fixed_bad("12a", 3);
    fixed_bad("1.2.3", 3);
    fixed_bad("1,5", 3);
    fixed_bad("-", 3);
    fixed_bad("+", 3);
    fixed_bad(".", 3);
    fixed_bad("0x10", 3);
    fixed_bad("--1", 3);
    fixed_bad("1 2", 3);
}

static void test_too_large(void **st)
{
    (void)st;
    fixed_bad("1234567890123456789012345", 0);
    fixed_bad("1234567890123456789012345", 3);
    fixed_bad("-1234567890123456789012345", 0);
    fixed_bad("9223372036854775808", 0);
    fixed_bad("9223372036854775807", 3);
    fixed_bad("99999999999999999999", 0);
    /* large but representable values are kept exactly */
    assert_int_equal(fixed_ok("123456789012.345", 3), INT64_C(123456789012345));
    assert_int_equal(fixed_ok("-123456789012.3455", 3), -INT64_C(123456789012346));
    assert_int_equal(fixed_ok("1234567890123456", 0), INT64_C(1234567890123456));
    /* many digits of a small number are fine */
    assert_int_equal(fixed_ok("0000000000000000000000000000001.5", 3), 1500);
}

static void test_length_honoured(void **st)
{
    (void)st;
    int64_t v = 0;
    assert_null(num_fixed("85.3999", 4, 3, &v));
    assert_int_equal(v, 85300);
}

/* ---- JT/T 808 words ---- */

static uint32_t word_ok(const char *s)
{
    uint32_t v = 0x5A5A5A5A;
    const char *err = num_word(s, strlen(s), &v);
    if (err)
        fail_msg("word \"%s\" rejected: %s", s, err);
    return v;
}

static void word_bad(const char *s)
{
    uint32_t v = 0;
    const char *err = num_word(s, strlen(s), &v);
    if (!err)
        fail_msg("word \"%s\" accepted as %u", s, v);
}

static void test_word(void **st)
{
    (void)st;
    assert_int_equal(word_ok("0"), 0);
    assert_int_equal(word_ok("3"), 3);
    assert_int_equal(word_ok("262147"), 262147);
    assert_int_equal(word_ok("4294967295"), UINT32_MAX);
    assert_int_equal(word_ok("0x0"), 0);
    assert_int_equal(word_ok("0x00000003"), 3);
    assert_int_equal(word_ok("0X1a"), 26);
    assert_int_equal(word_ok("0xC0000"), 0xC0000);
    assert_int_equal(word_ok("0xFFFFFFFF"), UINT32_MAX);
    assert_int_equal(word_ok("0xffffffff"), UINT32_MAX);
}

/* num_whole: counts and seconds read back from our own outputs. */
static void test_whole(void **st)
{
    (void)st;
    int64_t v = -1;
    assert_null(num_whole("12", 2, &v));
    assert_int_equal(v, 12);
    assert_null(num_whole("12.0", 4, &v)); /* Excel */
    assert_int_equal(v, 12);
    assert_null(num_whole("-7", 2, &v));
    assert_int_equal(v, -7);
    assert_null(num_whole("123456789012345", 15, &v));
    assert_int_equal(v, 123456789012345);
    assert_string_equal(num_whole("5.5", 3, &v), "not a whole number");
    assert_non_null(num_whole("99999999999999999999", 20, &v)); /* past int64 once scaled */
    assert_non_null(num_whole("1e309", 5, &v));
    assert_non_null(num_whole("NaN", 3, &v));
    assert_non_null(num_whole("", 0, &v));
    assert_non_null(num_whole("12x", 3, &v));
}

static void test_word_bad(void **st)
{
    (void)st;
    word_bad("");
    word_bad("0x");
    word_bad("0X");
    word_bad("0xg");
    word_bad("0x1g");
    word_bad("-1");
    word_bad("12a");
    word_bad("1.5");
    word_bad("4294967296");
    word_bad("99999999999999999999");
    word_bad("18446744073709551617"); /* 2^64 + 1: must not wrap */
    word_bad("0x100000000");
    word_bad("0x1FFFFFFFF");
    word_bad("0x10000000000000001");
}

/* ---- formatting ---- */

static void fmt_is(int64_t v, int scale, const char *want)
{
    char b[32];
    int n = num_format_fixed(b, v, scale);
    assert_string_equal(b, want);
    assert_int_equal(n, (int)strlen(want));
}

static void test_format(void **st)
{
    (void)st;
    fmt_is(85300, 3, "85.3");
    fmt_is(120000, 3, "120");
    fmt_is(-500, 3, "-0.5");
    fmt_is(0, 3, "0");
    fmt_is(5, 3, "0.005");
    fmt_is(-5, 3, "-0.005");
    fmt_is(113987654, 6, "113.987654");
    fmt_is(22500000, 6, "22.5");
    fmt_is(42, 0, "42");
    fmt_is(-42, 0, "-42");
    fmt_is(INT64_MAX, 0, "9223372036854775807");
    fmt_is(INT64_MIN, 3, "-9223372036854775.808");
}

static void test_format_roundtrip(void **st)
{
    (void)st;
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int scale = (int)(x % 7);
        int64_t v = (int64_t)(x >> 3) % INT64_C(100000000000);
        if (x & 4)
            v = -v;
        char b[32];
        num_format_fixed(b, v, scale);
        assert_int_equal(fixed_ok(b, scale), v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_round_half_away),
        cmocka_unit_test(test_exponent),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_length_honoured),
        cmocka_unit_test(test_word),
        cmocka_unit_test(test_whole),
        cmocka_unit_test(test_word_bad),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
