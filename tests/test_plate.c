/*
 * test_plate.c - plate normalisation and plate colours (src/plate.h)
 * against FORMATS.md "Vehicles": trim, full-width ASCII to half-width,
 * drop spaces, '-', '·', '•', '・', upper-case Latin letters; colour codes
 * 0-5, 9 and names in English and Chinese, with or without 色.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "plate.h"
#include "record.h"

static void norm_is(const char *in, const char *want)
{
    char out[RL_PLATE_MAX + 1];
    memset(out, 'x', sizeof out);
    size_t n = 999;
    const char *err = plate_normalize(in, strlen(in), out, &n);
    if (err)
        fail_msg("plate \"%s\" rejected: %s", in, err);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void norm_rejects(const char *in, size_t len)
{
    char out[RL_PLATE_MAX + 1];
    size_t n = 0;
    const char *err = plate_normalize(in, len, out, &n);
    if (!err)
        fail_msg("plate \"%.*s\" accepted as \"%s\", must be rejected", (int)len, in, out);
    assert_true(strlen(err) > 0);
}

static void test_basic(void **st)
{
    (void)st;
    norm_is("粤B12345", "粤B12345");
    norm_is("粤b 12345", "粤B12345");
    norm_is("  粤B12345  ", "粤B12345");
    norm_is("\t粤B12345\t", "粤B12345");
    norm_is("京a·f0236", "京AF0236");
    norm_is("粤B12345学", "粤B12345学");
    norm_is("沪AD12345", "沪AD12345");
}

static void test_separators(void **st)
{
    (void)st;
    norm_is("粤B-12345", "粤B12345");
    norm_is("粤B·12345", "粤B12345");       /* U+00B7 */
    norm_is("粤B\xE2\x80\xA2" "12345", "粤B12345"); /* • U+2022 */
    norm_is("粤B\xE3\x83\xBB" "12345", "粤B12345"); /* ・ U+30FB */
    norm_is("粤 B 1 2 3 4 5", "粤B12345");
    norm_is("粤B - 123·45", "粤B12345");
    norm_is("粤B\xE3\x80\x80" "12345", "粤B12345"); /* ideographic space U+3000 */
    norm_is("\xE3\x80\x80粤B12345\xE3\x80\x80", "粤B12345");
}

static void test_fullwidth(void **st)
{
    (void)st;
    norm_is("粤Ｂ12345", "粤B12345");
    norm_is("粤ｂ12345", "粤B12345");
    norm_is("粤Ｂ１２３４５", "粤B12345");
    norm_is("粤Ｂ·12345", "粤B12345");
    norm_is("粤Ｂ－１２３４５", "粤B12345"); /* full-width hyphen U+FF0D */
    norm_is("京ＡＦ０２３６", "京AF0236");
    norm_is("ＡＢＣ", "ABC");
}

static void test_all_spellings_one_vehicle(void **st)
{
    (void)st;
    static const char *const spellings[] = {
        "粤B12345", "粤b12345", "粤B 12345", "粤b 12345", "粤B-12345", "粤B·12345", "粤Ｂ·12345",
        "粤Ｂ１２３４５", " 粤B・12345 ", "粤B•12345", "粤B\xE3\x80\x80" "12345", "粤ｂ－１２３４５",
    };
    for (size_t i = 0; i < sizeof spellings / sizeof *spellings; i++)
        norm_is(spellings[i], "粤B12345");
}

static void test_rejects(void **st)
{
    (void)st;
    norm_rejects("", 0);
    norm_rejects("   ", 3);
    norm_rejects("\xE3\x80\x80", 3);
    norm_rejects(" - · ", strlen(" - · "));
    norm_rejects("粤B\x01" "2345", 7);
    norm_rejects("粤B12\n345", strlen("粤B12\n345"));
    norm_rejects("粤B12\x7f" "345", strlen("粤B12\x7f" "345"));
    static const char nul[] = "粤B12\0" "345";
    norm_rejects(nul, sizeof nul - 1); /* NUL inside the given length */
    char longp[80];
    memset(longp, 'A', sizeof longp);
    norm_rejects(longp, RL_PLATE_MAX + 1);
    norm_rejects(longp, sizeof longp);
}

static void test_max_length(void **st)
{
    (void)st;
    char in[RL_PLATE_MAX + 1], want[RL_PLATE_MAX + 1];
    memset(in, 'a', RL_PLATE_MAX);
    in[RL_PLATE_MAX] = 0;
    memset(want, 'A', RL_PLATE_MAX);
    want[RL_PLATE_MAX] = 0;
    norm_is(in, want);
    /* separators do not count towards the length */
    char in2[2 * RL_PLATE_MAX + 1];
    for (int i = 0; i < RL_PLATE_MAX; i++) {
        in2[2 * i] = 'a';
        in2[2 * i + 1] = '-';
    }
    in2[2 * RL_PLATE_MAX] = 0;
    norm_is(in2, want);
}

static void test_length_honoured(void **st)
{
    (void)st;
    char out[RL_PLATE_MAX + 1];
    size_t n = 0;
    const char *s = "粤B12345TAIL";
    assert_null(plate_normalize(s, strlen("粤B12345"), out, &n));
    assert_string_equal(out, "粤B12345");
    assert_int_equal(n, strlen("粤B12345"));
}

/* ---- colours ---- */

static int color_of(const char *s)
{
    int c = -42;
    if (!plate_color_parse(s, strlen(s), &c))
        fail_msg("colour \"%s\" rejected", s);
    return c;
}

static void color_bad(const char *s)
{
    int c = -42;
    if (plate_color_parse(s, strlen(s), &c))
        fail_msg("\"%s\" accepted as colour %d", s, c);
}

static void test_color_codes(void **st)
{
    (void)st;
    assert_int_equal(color_of("0"), RL_COLOR_UNKNOWN);
    assert_int_equal(color_of("1"), RL_COLOR_BLUE);
    assert_int_equal(color_of("2"), RL_COLOR_YELLOW);
    assert_int_equal(color_of("3"), RL_COLOR_BLACK);
    assert_int_equal(color_of("4"), RL_COLOR_WHITE);
    assert_int_equal(color_of("5"), RL_COLOR_GREEN);
    assert_int_equal(color_of("9"), RL_COLOR_OTHER);
    assert_int_equal(color_of(""), RL_COLOR_UNKNOWN);
}

static void test_color_names(void **st)
{
    (void)st;
    assert_int_equal(color_of("blue"), 1);
    assert_int_equal(color_of("蓝"), 1);
    assert_int_equal(color_of("蓝色"), 1);
    assert_int_equal(color_of("yellow"), 2);
    assert_int_equal(color_of("黄"), 2);
    assert_int_equal(color_of("黄色"), 2);
    assert_int_equal(color_of("black"), 3);
    assert_int_equal(color_of("黑"), 3);
    assert_int_equal(color_of("黑色"), 3);
    assert_int_equal(color_of("white"), 4);
    assert_int_equal(color_of("白"), 4);
    assert_int_equal(color_of("白色"), 4);
    assert_int_equal(color_of("green"), 5);
    assert_int_equal(color_of("绿"), 5);
    assert_int_equal(color_of("绿色"), 5);
    assert_int_equal(color_of("other"), 9);
    assert_int_equal(color_of("其他"), 9);
    assert_int_equal(color_of("unknown"), 0);
    assert_int_equal(color_of("未知"), 0);
    int c;
    assert_true(plate_color_parse("渐变绿", strlen("渐变绿"), &c));
    assert_true(plate_color_parse("黄绿", strlen("黄绿"), &c));
    assert_true(plate_color_parse("黄绿色", strlen("黄绿色"), &c));
    /* English names are case-insensitive, as header names are */
    assert_int_equal(color_of("Yellow"), 2);
    assert_int_equal(color_of("BLUE"), 1);
}

static void test_color_bad(void **st)
{
    (void)st;
    color_bad("6");
    color_bad("7");
    color_bad("8");
    color_bad("10");
    color_bad("-1");
    color_bad("1.5");
    color_bad("purple");
    color_bad("紫");
    color_bad("紫色");
    color_bad("色");
    color_bad("黄黄");
    color_bad("yellowish");
    color_bad("2x");
}

static void test_color_names_roundtrip(void **st)
{
    (void)st;
    static const int codes[] = {1, 2, 3, 4, 5, 9};
    static const char *const en[] = {"blue", "yellow", "black", "white", "green", "other"};
    static const char *const zh[] = {"蓝色", "黄色", "黑色", "白色", "绿色", "其他"};
    for (int i = 0; i < 6; i++) {
        assert_string_equal(plate_color_name(codes[i]), en[i]);
        assert_string_equal(plate_color_name_zh(codes[i]), zh[i]);
        assert_int_equal(color_of(plate_color_name(codes[i])), codes[i]);
        assert_int_equal(color_of(plate_color_name_zh(codes[i])), codes[i]);
    }
    assert_non_null(plate_color_name(0));
    assert_int_equal(color_of(plate_color_name(0)), 0);
}

/* ---- UTF-8 validity (tells UTF-8 from GBK) ---- */

static void test_utf8_valid(void **st)
{
    (void)st;
    assert_true(utf8_valid("", 0));
    assert_true(utf8_valid("plate", 5));
    assert_true(utf8_valid("粤B12345", strlen("粤B12345")));
    assert_true(utf8_valid("\xF0\x9F\x9A\x8C", 4));      /* U+1F68C */
    assert_false(utf8_valid("\xD4\xC1" "B12345", 8));    /* 粤 in GBK */
    assert_false(utf8_valid("\xB3\xB5\xC5\xC6\xBA\xC5", 6)); /* 车牌号 in GBK */
    assert_false(utf8_valid("\xC0\xAF", 2));            /* overlong */
    assert_false(utf8_valid("\xE0\x80\xAF", 3));        /* overlong */
    assert_false(utf8_valid("\xED\xA0\x80", 3));        /* surrogate */
    assert_false(utf8_valid("\xE4\xB8", 2));            /* truncated */
    assert_false(utf8_valid("\xF4\x90\x80\x80", 4));    /* > U+10FFFF */
    assert_false(utf8_valid("\x80", 1));
    assert_false(utf8_valid("\xFF", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_separators),
        cmocka_unit_test(test_fullwidth),
        cmocka_unit_test(test_all_spellings_one_vehicle),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_max_length),
        cmocka_unit_test(test_length_honoured),
        cmocka_unit_test(test_color_codes),
        cmocka_unit_test(test_color_names),
        cmocka_unit_test(test_color_bad),
        cmocka_unit_test(test_color_names_roundtrip),
        cmocka_unit_test(test_utf8_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
