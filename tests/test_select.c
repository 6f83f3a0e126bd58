/*
 * test_select.c - --plate and --company (src/select.c, issue 11): comma
 * lists and repeats, plates normalised, a company by its whole name or
 * by a part of only one name, the nearest names of a selector that
 * matches nothing, and selectors that take no vehicle.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "select.h"

/* Messages go to a memory stream the test reads back. */
typedef struct {
    char *text;
    size_t len;
    FILE *f;
} msgbuf;

static void msg_open(msgbuf *m)
{
    memset(m, 0, sizeof *m);
    m->f = open_memstream(&m->text, &m->len);
    assert_non_null(m->f);
}

static const char *msg_text(msgbuf *m)
{
    fflush(m->f);
    return m->text;
}

static void msg_close(msgbuf *m)
{
    fclose(m->f);
    free(m->text);
}

static void lists_and_repeats(void **state)
{
    (void)state;
    sel_list l = {0};
    char why[128];
    /* a comma list, a repeat, spaces and a plate typed loosely */
    assert_null(sel_add_plates(&l, "粤B12345, 粤b 56789", why, sizeof why));
    assert_null(sel_add_plates(&l, "粤B·K2345", why, sizeof why));
    assert_null(sel_add_plates(&l, "粤B12345", why, sizeof why)); /* twice: one selector */
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0], "粤B12345");
    assert_string_equal(l.v[1], "粤B56789");
    assert_string_equal(l.v[2], "粤BK2345");
    assert_string_equal(l.joined, "粤B12345, 粤B56789, 粤BK2345");
    assert_true(sel_has(&l, "粤B56789"));
    assert_false(sel_has(&l, "粤B5678"));
    assert_non_null(sel_add_plates(&l, "粤B1\x01", why, sizeof why));
    assert_non_null(strstr(why, "control"));
    assert_non_null(sel_add_plates(&l, " , ", why, sizeof why));
    sel_free(&l);

    sel_add_names(&l, "甲运输公司,乙运输公司");
    sel_add_names(&l, " 丙公司 ");
    sel_add_names(&l, ",,");
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[2], "丙公司");
    sel_free(&l);
}

static const char *const COMPANIES[] = {"苏州市苏运渣土运输有限公司", "苏州市苏运客运有限公司",
                                         "深圳市鹏程运输有限公司", "北京京通客运有限公司"};

static void companies(void **state)
{
    (void)state;
    msgbuf m;
    msg_open(&m);
    sel_list l = {0};
    /* the whole name; a part of only one name (with a note) */
    sel_add_names(&l, "北京京通客运有限公司,苏运渣土");
    assert_true(sel_resolve_companies(&l, COMPANIES, 4, "analyze", false, m.f));
    assert_string_equal(l.v[0], "北京京通客运有限公司");
    assert_string_equal(l.v[1], "苏州市苏运渣土运输有限公司");
    assert_string_equal(l.joined, "北京京通客运有限公司, 苏州市苏运渣土运输有限公司");
    assert_non_null(strstr(msg_text(&m), "note: --company '苏运渣土' is taken as '苏州市苏运渣土运输有限公司'"));
    assert_null(strstr(msg_text(&m), "北京京通客运有限公司'"));
    sel_free(&l);
    msg_close(&m);

    /* a part of two names: an error listing both */
    msg_open(&m);
    sel_add_names(&l, "苏运");
    assert_false(sel_resolve_companies(&l, COMPANIES, 4, "analyze", false, m.f));
    assert_non_null(strstr(msg_text(&m), "'苏运' is part of 2 company names"));
    assert_non_null(strstr(msg_text(&m), "苏州市苏运渣土运输有限公司, 苏州市苏运客运有限公司"));
    sel_free(&l);
    msg_close(&m);

    /* none: the nearest, a typo of one character */
    msg_open(&m);
    sel_add_names(&l, "鹏城运输");
    assert_false(sel_resolve_companies(&l, COMPANIES, 4, "summary", false, m.f));
    assert_non_null(strstr(msg_text(&m), "roadlog summary: --company '鹏城运输' matches no company"));
    assert_non_null(strstr(msg_text(&m), "nearest: 深圳市鹏程运输有限公司\n"));
    sel_free(&l);
    msg_close(&m);

    /* two spellings of one company are one selector; quiet: no note */
    msg_open(&m);
    sel_add_names(&l, "苏运渣土,苏州市苏运渣土运输有限公司");
    assert_true(sel_resolve_companies(&l, COMPANIES, 4, "analyze", true, m.f));
    assert_int_equal(l.n, 1);
    assert_true(m.len == 0 || msg_text(&m)[0] == 0);
    sel_free(&l);
    msg_close(&m);
}

static void nearest(void **state)
{
    (void)state;
    const char *const plates[] = {"粤B12345", "粤B12346", "粤BK2345", "京AD1234", "粤B99999"};
    size_t out[5];
    /* two digits swapped: 2 edits, within a third of 7 characters */
    size_t n = sel_nearest("粤B12354", plates, 5, out, 5);
    assert_int_equal(n, 3);
    assert_string_equal(plates[out[0]], "粤B12345");
    assert_string_equal(plates[out[1]], "粤B12346");
    assert_string_equal(plates[out[2]], "粤BK2345"); /* 2 edits to a stretch, 3 to the whole */
    /* a digit short: 0 edits to a stretch, the whole one edit away first */
    n = sel_nearest("粤B1234", plates, 5, out, 2);
    assert_int_equal(n, 2);
    assert_string_equal(plates[out[0]], "粤B12345");
    assert_string_equal(plates[out[1]], "粤B12346");
    /* nothing near */
    assert_int_equal(sel_nearest("沪C00000", plates, 5, out, 5), 0);
    assert_int_equal(sel_nearest("粤B12345", plates, 0, out, 5), 0);
}

static void vehicles(void **state)
{
    (void)state;
    msgbuf m;
    sel_list plates = {0}, comps = {0};
    char why[128];
    assert_null(sel_add_plates(&plates, "粤B12345,粤B12354", why, sizeof why));
    sel_ctx s;
    sel_begin(&s, &plates, &comps);
    assert_true(sel_check(&s, "粤B12345", NULL));
    assert_false(sel_check(&s, "粤B56789", "甲"));
    assert_false(sel_check(&s, "13800000001", NULL));
    msg_open(&m);
    assert_false(sel_end(&s, "analyze", m.f));
    assert_non_null(strstr(msg_text(&m), "--plate 粤B12354 matches no vehicle of the input data (3 vehicles); "
                                         "nearest: 粤B12345\n"));
    assert_null(strstr(msg_text(&m), "--plate 粤B12345 "));
    msg_close(&m);
    sel_ctx_free(&s);

    /* each selector took a vehicle, but none took the same one */
    sel_add_names(&comps, "甲");
    sel_free(&plates);
    assert_null(sel_add_plates(&plates, "粤B12345", why, sizeof why));
    sel_begin(&s, &plates, &comps);
    assert_false(sel_check(&s, "粤B12345", "乙"));
    assert_false(sel_check(&s, "粤B56789", "甲"));
    msg_open(&m);
    assert_false(sel_end(&s, "analyze", m.f));
    assert_non_null(strstr(msg_text(&m), "no vehicle is both one of --plate 粤B12345 and of --company '甲'"));
    msg_close(&m);
    sel_ctx_free(&s);

    /* a company with no vehicle in the data */
    sel_free(&plates);
    sel_begin(&s, &plates, &comps);
    assert_false(sel_check(&s, "粤B12345", "乙"));
    msg_open(&m);
    assert_false(sel_end(&s, "analyze", m.f));
    assert_non_null(strstr(msg_text(&m), "--company '甲': none of its vehicles is in the input data"));
    msg_close(&m);
    sel_ctx_free(&s);

    /* no selector: everything, and no complaint */
    sel_free(&comps);
    sel_begin(&s, &plates, &comps);
    assert_true(sel_check(&s, "粤B12345", NULL));
    msg_open(&m);
    assert_true(sel_end(&s, "analyze", m.f));
    msg_close(&m);
    sel_ctx_free(&s);
    sel_free(&plates);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_and_repeats),
        cmocka_unit_test(companies),
        cmocka_unit_test(nearest),
        cmocka_unit_test(vehicles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
