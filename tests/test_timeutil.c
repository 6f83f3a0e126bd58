/*
 * test_timeutil.c - civil time (src/timeutil.h) against FORMATS.md §1 and
 * RULES.md §1: every accepted time form, impossible times rejected, local
 * time with an offset, formatting round trips, local day and
 * seconds-of-day around midnight and before 1970, JT/T 808 BCD time.
 *
 * Written from the spec, not from the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "timeutil.h"

#define CST (8 * 3600)
/* 2026-03-15 08:30:00 +08:00 = 2026-03-15 00:30:00Z */
#define T0 INT64_C(1773534600)

static int64_t parse_ok(int32_t tz, const char *s)
{
    tu_parser tp;
    tu_parser_init(&tp, tz);
    int64_t t = INT64_MIN;
    const char *err = tu_parse(&tp, s, strlen(s), &t);
    if (err)
        fail_msg("\"%s\" rejected: %s", s, err);
    return t;
}

static void expect_reject(int32_t tz, const char *s)
{
    tu_parser tp;
    tu_parser_init(&tp, tz);
    int64_t t = 12345;
    const char *err = tu_parse(&tp, s, strlen(s), &t);
    if (!err)
        fail_msg("\"%s\" accepted as %lld, must be rejected", s, (long long)t);
    assert_true(strlen(err) > 0);
}

/* ---- FORMATS.md §1: every time form ---- */

static void test_plain_dash(void **st)
{
    (void)st;
    assert_int_equal(parse_ok(CST, "2026-03-15 08:30:00"), T0);
    assert_int_equal(parse_ok(CST, "2026-03-15 08:30:59"), T0 + 59);
    assert_int_equal(parse_ok(CST, "2026-03-15 00:00:00"), T0 - 8 * 3600 - 30 * 60);
    assert_int_equal(parse_ok(CST, "2026-03-15 23:59:59"), T0 + 15 * 3600 + 29 * 60 + 59);
}

static void test_plain_slash(void **st)
{
    (void)st;
    assert_int_equal(parse_ok(CST, "2026/03/15 08:30:00"), T0);
    assert_int_equal(parse_ok(CST, "2026/3/15 08:30:00"), T0);
    assert_int_equal(parse_ok(CST, "2026/03/15 8:30:00"), T0);
}

static void test_one_digit_fields(void **st)
{
    (void)st;
    int64_t t = parse_ok(CST, "2026-03-05 08:05:09");
    assert_int_equal(parse_ok(CST, "2026/3/5 8:05:09"), t);
    assert_int_equal(parse_ok(CST, "2026-3-5 8:05:09"), t);
    assert_int_equal(parse_ok(CST, "2026/3/05 08:05:09"), t);
    assert_int_equal(parse_ok(CST, "2026/03/5 8:05:09"), t);
    assert_int_equal(t, T0 - 10 * RL_DAY_S - 25 * 60 + 9);
}

static void test_iso(void **st)
{
    (void)st;
    assert_int_equal(parse_ok(CST, "2026-03-15T08:30:00"), T0); /* no offset: local */
    assert_int_equal(parse_ok(0, "2026-03-15T08:30:00"), T0 + 8 * 3600);
    assert_int_equal(parse_ok(CST, "2026-03-15T00:30:00Z"), T0);
    assert_int_equal(parse_ok(-5 * 3600, "2026-03-15T00:30:00Z"), T0); /* Z ignores the local zone */
    assert_int_equal(parse_ok(0, "2026-03-15T08:30:00+08:00"), T0);
    assert_int_equal(parse_ok(0, "2026-03-15T08:30:00+0800"), T0);
    assert_int_equal(parse_ok(CST, "2026-03-14T19:30:00-05:00"), T0);
    assert_int_equal(parse_ok(CST, "2026-03-14T19:30:00-0500"), T0);
    assert_int_equal(parse_ok(CST, "2026-03-15T06:00:00+05:30"), T0);
}

static void test_iso_fraction(void **st)
{
    (void)st;
    assert_int_equal(parse_ok(CST, "2026-03-15T00:30:00.5Z"), T0);
    assert_int_equal(parse_ok(CST, "2026-03-15T00:30:00.000Z"), T0);
    /* a fraction never moves the time into the next second */
    assert_int_equal(parse_ok(CST, "2026-03-15T00:30:00.999Z"), T0);
    assert_int_equal(parse_ok(0, "2026-03-15T08:30:00.123456+08:00"), T0);
    assert_int_equal(parse_ok(CST, "2026-03-15T08:30:00.25"), T0);
}

static void test_epoch(void **st)
{
    (void)st;
    assert_int_equal(parse_ok(CST, "1773534600"), T0);
    assert_int_equal(parse_ok(0, "1773534600"), T0); /* epoch carries no zone */
    assert_int_equal(parse_ok(CST, "1773534600000"), T0);
    assert_int_equal(parse_ok(CST, "1773534600999"), T0); /* floored */
    assert_int_equal(parse_ok(CST, "1773534600500"), T0);
    assert_int_equal(parse_ok(CST, "1773534601001"), T0 + 1);
    assert_int_equal(parse_ok(CST, "1000000000"), 1000000000);
}

static void test_epoch_bad_lengths(void **st)
{
    (void)st;
    /* only 10 (s) or 13 (ms) digits are epoch times */
    expect_reject(CST, "177353460");
    expect_reject(CST, "17735346001");
    expect_reject(CST, "17735346000001");
}

/* ---- times that do not exist reject the row ---- */

static void test_impossible(void **st)
{
    (void)st;
    expect_reject(CST, "2026-02-30 00:00:00");
    expect_reject(CST, "2026-02-30T00:00:00Z");
    expect_reject(CST, "2026/2/30 1:00:00");
    expect_reject(CST, "2026-01-01 25:61:00");
    expect_reject(CST, "2026-01-01 25:00:00");
    expect_reject(CST, "2026-01-01 24:00:00");
    expect_reject(CST, "2026-01-01 23:60:00");
    expect_reject(CST, "2026-01-01 23:59:61");
    expect_reject(CST, "2026-02-29 12:00:00"); /* 2026 is not a leap year */
    expect_reject(CST, "1900-02-29 12:00:00"); /* century, not divisible by 400 */
    expect_reject(CST, "2026-04-31 12:00:00");
    expect_reject(CST, "2026-13-01 12:00:00");
    expect_reject(CST, "2026-00-10 12:00:00");
    expect_reject(CST, "2026-01-00 12:00:00");
    expect_reject(CST, "2026-01-32 12:00:00");
    expect_reject(CST, "2026-01-01T25:00:00Z");
}

static void test_leap_days_accepted(void **st)
{
    (void)st;
    assert_int_equal(parse_ok(CST, "2024-02-29 12:00:00"), INT64_C(1709179200));
    assert_int_equal(parse_ok(CST, "2024/2/29 12:00:00"), INT64_C(1709179200));
    assert_int_equal(parse_ok(0, "2000-02-29 00:00:00"), INT64_C(951782400));
    assert_true(tu_valid_date(2024, 2, 29));
    assert_true(tu_valid_date(2000, 2, 29));
    assert_false(tu_valid_date(2026, 2, 29));
    assert_false(tu_valid_date(1900, 2, 29));
    assert_false(tu_valid_date(2026, 2, 30));
    assert_false(tu_valid_date(2026, 4, 31));
    assert_true(tu_valid_date(2026, 12, 31));
    assert_false(tu_valid_date(2026, 13, 1));
    assert_false(tu_valid_date(2026, 0, 1));
    assert_false(tu_valid_date(2026, 1, 0));
}

static void test_garbage(void **st)
{
    (void)st;
    expect_reject(CST, "");
    expect_reject(CST, "   ");
    expect_reject(CST, "yesterday");
    expect_reject(CST, "2026-03-15 08:30:00xyz");
    expect_reject(CST, "2026-03-15 08:3a:00");
    expect_reject(CST, "2026-03-15T08:30:00+25:00");
    expect_reject(CST, "17735346OO");
}

/* The parser caches the last date: a cached date must never let an
 * impossible one through, nor carry a previous offset along. */
static void test_parser_cache(void **st)
{
    (void)st;
    tu_parser tp;
    tu_parser_init(&tp, CST);
    int64_t t;
    assert_null(tu_parse(&tp, "2026-02-28 10:00:00", 19, &t));
    assert_int_equal(t, INT64_C(1772244000));
    assert_non_null(tu_parse(&tp, "2026-02-30 10:00:00", 19, &t));
    assert_null(tu_parse(&tp, "2026-02-28 10:00:01", 19, &t));
    assert_int_equal(t, INT64_C(1772244001));
    assert_null(tu_parse(&tp, "2026-03-01 10:00:00", 19, &t));
    assert_int_equal(t, INT64_C(1772244000) + RL_DAY_S);
    assert_null(tu_parse(&tp, "2026-03-01T10:00:00Z", 20, &t));
    assert_int_equal(t, INT64_C(1772244000) + RL_DAY_S + 8 * 3600);
    assert_null(tu_parse(&tp, "2026-03-01 10:00:00", 19, &t));
    assert_int_equal(t, INT64_C(1772244000) + RL_DAY_S);
    /* the length given is honoured: bytes after n are not read */
    assert_null(tu_parse(&tp, "2026-03-01 10:00:00junk", 19, &t));
    assert_int_equal(t, INT64_C(1772244000) + RL_DAY_S);
}

/* ---- local zone ---- */

static void test_local_offset(void **st)
{
    (void)st;
    assert_int_equal(parse_ok(0, "2026-03-15 08:30:00"), T0 + 8 * 3600);
    assert_int_equal(parse_ok(5 * 3600 + 1800, "2026-03-15 06:00:00"), T0);
    assert_int_equal(parse_ok(-5 * 3600, "2026-03-14 19:30:00"), T0);
    assert_int_equal(parse_ok(0, "1969-12-31 23:59:59"), -1);
    assert_int_equal(parse_ok(CST, "1970-01-01 08:00:00"), 0);
    assert_int_equal(parse_ok(CST, "1970-01-01 00:00:00"), -8 * 3600);
}

static void test_parse_tz(void **st)
{
    (void)st;
    int32_t o = 1;
    assert_true(tu_parse_tz("+08:00", &o));
    assert_int_equal(o, 28800);
    assert_true(tu_parse_tz("-05:30", &o));
    assert_int_equal(o, -19800);
    assert_true(tu_parse_tz("-0530", &o));
    assert_int_equal(o, -19800);
    assert_true(tu_parse_tz("+0800", &o));
    assert_int_equal(o, 28800);
    assert_true(tu_parse_tz("+8", &o));
    assert_int_equal(o, 28800);
    o = 1;
    assert_true(tu_parse_tz("Z", &o));
    assert_int_equal(o, 0);
    o = 1;
    assert_true(tu_parse_tz("UTC", &o));
    assert_int_equal(o, 0);
    assert_true(tu_parse_tz("+00:00", &o));
    assert_int_equal(o, 0);
    assert_false(tu_parse_tz("", &o));
    assert_false(tu_parse_tz("abc", &o));
    assert_false(tu_parse_tz("+08:60", &o));
    assert_false(tu_parse_tz("+25:00", &o));
    assert_false(tu_parse_tz("+08:00x", &o));
}

/* ---- formatting ---- */

static void test_format(void **st)
{
    (void)st;
    char b[20], iso[26];
    tu_format(T0, CST, b);
    assert_string_equal(b, "2026-03-15 08:30:00");
    tu_format(T0, 0, b);
    assert_string_equal(b, "2026-03-15 00:30:00");
    tu_format(T0, -5 * 3600, b);
    assert_string_equal(b, "2026-03-14 19:30:00");
    tu_format_iso(T0, CST, iso);
    assert_string_equal(iso, "2026-03-15T08:30:00+08:00");
    tu_format_iso(T0, -19800, iso);
    assert_string_equal(iso, "2026-03-14T19:00:00-05:30");
    tu_format_iso(T0, 19800, iso);
    assert_string_equal(iso, "2026-03-15T06:00:00+05:30");
    tu_format(-1, 0, b);
    assert_string_equal(b, "1969-12-31 23:59:59");
    tu_format(0, CST, b);
    assert_string_equal(b, "1970-01-01 08:00:00");
    tu_format(INT64_C(951825600), 0, b); /* 2000-02-29 12:00:00Z */
    assert_string_equal(b, "2000-02-29 12:00:00");
}

static void test_format_roundtrip(void **st)
{
    (void)st;
    static const int32_t zones[] = {CST, 0, -5 * 3600, 19800, -12 * 3600, 14 * 3600};
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* 1900 .. 2100 */
        int64_t t = (int64_t)(x % (200ull * 366 * RL_DAY_S)) - INT64_C(2208988800);
        int32_t z = zones[i % 6];
        char b[20], iso[26];
        tu_format(t, z, b);
        assert_int_equal(strlen(b), 19);
        assert_int_equal(parse_ok(z, b), t);
        tu_format_iso(t, z, iso);
        assert_int_equal(strlen(iso), 25);
        assert_int_equal(parse_ok(CST, iso), t);
        assert_int_equal(parse_ok(-3 * 3600, iso), t);
    }
}

static void test_format_day(void **st)
{
    (void)st;
    char d[11];
    tu_format_day(20527, d);
    assert_string_equal(d, "2026-03-15");
    tu_format_day(0, d);
    assert_string_equal(d, "1970-01-01");
    tu_format_day(-1, d);
    assert_string_equal(d, "1969-12-31");
    tu_format_day(11016, d);
    assert_string_equal(d, "2000-02-29");
}

/* tu_formatter keeps the date of the day before and the text of the
 * second before: a run of times across midnight, repeated seconds, a
 * return to an earlier day and random times must each read as tu_format
 * and tu_format_iso write them with nothing kept. */
static void formatter_is(tu_formatter *tf, int64_t t, int32_t z)
{
    char got[19], want[20], got_iso[25], want_iso[26];
    tu_formatter_local(tf, t, got);
    tu_format(t, z, want);
    if (memcmp(got, want, 19) != 0)
        fail_msg("tu_formatter_local(%lld) = %.19s, want %s", (long long)t, got, want);
    tu_formatter_iso(tf, t, got_iso);
    tu_format_iso(t, z, want_iso);
    if (memcmp(got_iso, want_iso, 25) != 0)
        fail_msg("tu_formatter_iso(%lld) = %.25s, want %s", (long long)t, got_iso, want_iso);
}

static void test_formatter_keeps_nothing_stale(void **st)
{
    (void)st;
    tu_formatter tf;
    tu_formatter_init(&tf, CST);
    char b[19];
    /* 2026-03-15 23:59:59, the same second again, then midnight */
    int64_t last = T0 + 15 * 3600 + 29 * 60 + 59;
    tu_formatter_local(&tf, last, b);
    assert_memory_equal(b, "2026-03-15 23:59:59", 19);
    tu_formatter_local(&tf, last, b);
    assert_memory_equal(b, "2026-03-15 23:59:59", 19);
    tu_formatter_local(&tf, last + 1, b);
    assert_memory_equal(b, "2026-03-16 00:00:00", 19);
    tu_formatter_local(&tf, T0, b);
    assert_memory_equal(b, "2026-03-15 08:30:00", 19);
    char iso[25];
    tu_formatter_iso(&tf, T0, iso);
    assert_memory_equal(iso, "2026-03-15T08:30:00+08:00", 25);
    static const int32_t zones[] = {CST, 0, -5 * 3600, 19800, -19800};
    uint64_t x = 0x2545F4914F6CDD1Dull;
    for (size_t zi = 0; zi < sizeof zones / sizeof *zones; zi++) {
        tu_formatter_init(&tf, zones[zi]);
        for (int64_t t = T0 - 3 * RL_DAY_S; t < T0 + 3 * RL_DAY_S; t += 997) {
            formatter_is(&tf, t, zones[zi]);
            formatter_is(&tf, t, zones[zi]);
        }
        for (int i = 0; i < 5000; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            formatter_is(&tf, (int64_t)(x % (400ull * 366 * RL_DAY_S)) - INT64_C(4102444800), zones[zi]);
        }
    }
}

/* ---- local day and second of day ---- */

static void test_local_day_midnight(void **st)
{
    (void)st;
    /* 2026-03-14 23:59:59 +08:00, then 2026-03-15 00:00:00 +08:00 */
    int64_t before = T0 - 8 * 3600 - 30 * 60 - 1;
    assert_int_equal(tu_local_day(before, CST), 20526);
    assert_int_equal(tu_local_sod(before, CST), 86399);
    assert_int_equal(tu_local_day(before + 1, CST), 20527);
    assert_int_equal(tu_local_sod(before + 1, CST), 0);
    /* the same instant is on the 14th in UTC until 16:00 */
    assert_int_equal(tu_local_day(before + 1, 0), 20526);
    assert_int_equal(tu_local_sod(before + 1, 0), 16 * 3600);
    /* 22:00 and 06:00 local */
    assert_int_equal(tu_local_sod(parse_ok(CST, "2026-03-15 22:00:00"), CST), 22 * 3600);
    assert_int_equal(tu_local_sod(parse_ok(CST, "2026-03-15 06:00:00"), CST), 6 * 3600);
    char d[11];
    tu_format_day(tu_local_day(before, CST), d);
    assert_string_equal(d, "2026-03-14");
    tu_format_day(tu_local_day(before + 1, CST), d);
    assert_string_equal(d, "2026-03-15");
}

static void test_negative_epoch(void **st)
{
    (void)st;
    assert_int_equal(tu_local_day(-1, 0), -1);
    assert_int_equal(tu_local_sod(-1, 0), 86399);
    assert_int_equal(tu_local_day(-86400, 0), -1);
    assert_int_equal(tu_local_sod(-86400, 0), 0);
    assert_int_equal(tu_local_day(-86401, 0), -2);
    assert_int_equal(tu_local_sod(-86401, 0), 86399);
    assert_int_equal(tu_local_day(0, 0), 0);
    assert_int_equal(tu_local_day(-1, CST), 0); /* 1970-01-01 07:59:59 local */
    assert_int_equal(tu_local_sod(-1, CST), 8 * 3600 - 1);
    assert_int_equal(tu_local_day(0, -3600), -1);
    assert_int_equal(tu_local_sod(0, -3600), 82800);
    assert_int_equal(tu_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(tu_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(tu_days_from_civil(2026, 3, 15), 20527);
    assert_int_equal(tu_days_from_civil(1, 1, 1), -719162);
    assert_int_equal(tu_days_from_civil(2000, 3, 1), 11017);
}

static void test_civil_roundtrip(void **st)
{
    (void)st;
    for (int64_t days = -800000; days <= 800000; days += 7) {
        int64_t y;
        unsigned m, d;
        tu_civil_from_days(days, &y, &m, &d);
        assert_true(tu_valid_date(y, m, d));
        assert_int_equal(tu_days_from_civil(y, m, d), days);
    }
    int64_t y;
    unsigned m, d;
    tu_civil_from_days(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    tu_civil_from_days(11016, &y, &m, &d);
    assert_int_equal(y, 2000);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
}

/* ---- JT/T 808 BCD time (+08:00) ---- */

static void test_bcd(void **st)
{
    (void)st;
    int64_t t = 0;
    const unsigned char ok[6] = {0x26, 0x03, 0x15, 0x08, 0x30, 0x00};
    assert_true(tu_from_bcd6(ok, &t));
    assert_int_equal(t, T0);
    const unsigned char leap[6] = {0x24, 0x02, 0x29, 0x12, 0x00, 0x00};
    assert_true(tu_from_bcd6(leap, &t));
    assert_int_equal(t, INT64_C(1709179200));
    const unsigned char midnight[6] = {0x26, 0x03, 0x15, 0x00, 0x00, 0x00};
    assert_true(tu_from_bcd6(midnight, &t));
    assert_int_equal(t, T0 - 8 * 3600 - 1800);
    const unsigned char last[6] = {0x26, 0x12, 0x31, 0x23, 0x59, 0x59};
    assert_true(tu_from_bcd6(last, &t));
    assert_int_equal(t, parse_ok(CST, "2026-12-31 23:59:59"));

    const unsigned char notbcd[6] = {0x26, 0x0A, 0x15, 0x08, 0x30, 0x00};
    assert_false(tu_from_bcd6(notbcd, &t));
    const unsigned char notbcd2[6] = {0x26, 0x03, 0x15, 0x08, 0x3F, 0x00};
    assert_false(tu_from_bcd6(notbcd2, &t));
    const unsigned char feb30[6] = {0x26, 0x02, 0x30, 0x08, 0x30, 0x00};
    assert_false(tu_from_bcd6(feb30, &t));
    const unsigned char feb29[6] = {0x26, 0x02, 0x29, 0x08, 0x30, 0x00};
    assert_false(tu_from_bcd6(feb29, &t));
    const unsigned char h24[6] = {0x26, 0x03, 0x15, 0x24, 0x00, 0x00};
    assert_false(tu_from_bcd6(h24, &t));
    const unsigned char m60[6] = {0x26, 0x03, 0x15, 0x23, 0x60, 0x00};
    assert_false(tu_from_bcd6(m60, &t));
    const unsigned char mon0[6] = {0x26, 0x00, 0x15, 0x08, 0x30, 0x00};
    assert_false(tu_from_bcd6(mon0, &t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_dash),
        cmocka_unit_test(test_plain_slash),
        cmocka_unit_test(test_one_digit_fields),
        cmocka_unit_test(test_iso),
        cmocka_unit_test(test_iso_fraction),
        cmocka_unit_test(test_epoch),
        cmocka_unit_test(test_epoch_bad_lengths),
        cmocka_unit_test(test_impossible),
        cmocka_unit_test(test_leap_days_accepted),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_parser_cache),
        cmocka_unit_test(test_local_offset),
        cmocka_unit_test(test_parse_tz),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_roundtrip),
        cmocka_unit_test(test_format_day),
        cmocka_unit_test(test_formatter_keeps_nothing_stale),
        cmocka_unit_test(test_local_day_midnight),
        cmocka_unit_test(test_negative_epoch),
        cmocka_unit_test(test_civil_roundtrip),
        cmocka_unit_test(test_bcd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
