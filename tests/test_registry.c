/*
 * test_registry.c - the vehicle registry (src/registry.h) and its CSV
 * (parsers/registry_csv.h), FORMATS.md §5 and "Vehicles": join by plate
 * and colour, colour 0 matching a plate unique in the registry (and taking
 * its colour), ambiguous plates, terminal phones compared without leading
 * zeros, tonnes headers, night_exempt values, bad rows rejected.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "registry.h"
#include "registry_csv.h"
#include "run.h"
#include "strtab.h"
#include "rowtext.h"

typedef struct rejlog {
    struct { rl_origin where; char why[256]; } r[64];
    int n;
} rejlog;

static bool on_reject(void *ud, rl_origin where, const char *why, const void *raw, size_t n)
{
    rejlog *l = ud;
    assert_true(l->n < 64);
    l->r[l->n].where = where;
    snprintf(l->r[l->n].why, sizeof l->r[l->n].why, "%s", why);
    l->n++;
    (void)raw;
    (void)n;
    return true;
}

static void on_count(void *ud, const char *what, uint64_t n)
{
    (void)ud;
    (void)what;
    (void)n;
}

typedef struct fixture {
    rl_registry reg;
    strtab *str;
    rejlog rej;
    rl_sink sink;
    regcsv *rc;
    row *hdr;
} fixture;

static fixture *open_reg(const char *header)
{
    fixture *x = calloc(1, sizeof *x);
    registry_init(&x->reg);
    x->str = strtab_new();
    x->sink = (rl_sink){&x->rej, NULL, NULL, NULL, on_reject, on_count};
    x->hdr = mk(header, 1);
    x->rc = regcsv_new(&x->hdr->r, &x->reg, x->str, &x->sink, 4);
    assert_non_null(x->rc);
    return x;
}

static void add_row(fixture *x, const char *fields, uint64_t line)
{
    row *w = mk(fields, line);
    assert_true(regcsv_row(x->rc, &w->r));
    rm(w);
}

static void close_reg(fixture *x)
{
    regcsv_free(x->rc);
    rm(x->hdr);
    registry_free(&x->reg);
    strtab_free(x->str);
    free(x);
}

static const reg_entry *lookup(fixture *x, const char *plate, int color)
{
    uint32_t id = strtab_find(x->str, plate, strlen(plate));
    if (id == UINT32_MAX)
        return NULL;
    return registry_lookup(&x->reg, id, color);
}

#define FULL "plate|plate_color|class|company|axles|rated_load_kg|curb_kg|max_gross_kg|seats|terminal_phone|speed_limit_kmh|night_exempt"

static void test_full_row(void **st)
{
    (void)st;
    fixture *x = open_reg(FULL);
    add_row(x, "粤b·12345|黄色|hazmat|深圳危运|3|15000|10000|25000|3|013800138000|70|0", 2);
    assert_int_equal(x->rej.n, 0);
    assert_int_equal(regcsv_rows(x->rc), 1);
    const reg_entry *e = lookup(x, "粤B12345", 2);
    assert_non_null(e);
    assert_int_equal(e->color, 2);
    assert_int_equal(e->cls, CLASS_HAZMAT);
    assert_string_equal(strtab_get(x->str, e->company), "深圳危运");
    assert_int_equal(e->axles, 3);
    assert_int_equal(e->rated_load_kg, 15000);
    assert_int_equal(e->curb_kg, 10000);
    assert_int_equal(e->max_gross_kg, 25000);
    assert_int_equal(e->seats, 3);
    assert_string_equal(strtab_get(x->str, e->phone), "13800138000");
    assert_int_equal(e->speed_limit_mkmh, 70000);
    assert_false(e->night_exempt);
    assert_int_equal(e->origin, RL_ORIGIN(4, 2));
    close_reg(x);
}

static void test_minimal_row(void **st)
{
    (void)st;
    fixture *x = open_reg("plate|class");
    add_row(x, "A1|truck", 2);
    const reg_entry *e = lookup(x, "A1", 0);
    assert_non_null(e);
    assert_int_equal(e->cls, CLASS_TRUCK);
    assert_int_equal(e->company, 0);
    assert_int_equal(e->axles, 0);
    assert_int_equal(e->rated_load_kg, -1);
    assert_int_equal(e->curb_kg, -1);
    assert_int_equal(e->max_gross_kg, -1);
    assert_int_equal(e->seats, -1);
    assert_int_equal(e->speed_limit_mkmh, 0);
    assert_false(e->night_exempt);
    close_reg(x);
}

static void test_chinese_header_and_classes(void **st)
{
    (void)st;
    fixture *x = open_reg("车牌号|车牌颜色|车辆类型|业户名称|轴数|核定载质量|整备质量|总质量|核定载客|终端手机号|限速|夜间豁免");
    add_row(x, "粤A1|2|班线客车|客运一|2|||18000|45|13900000001||是", 2);
    add_row(x, "粤A2|2|旅游包车|客运二|2|||18000|39|||", 3);
    add_row(x, "粤A3|2|危货|危运|3|15000|10000|25000|2|||", 4);
    add_row(x, "粤A4|2|渣土车|土方|4|||31000|2|||", 5);
    add_row(x, "粤A5|2|重型货车|物流|5|||43000|2|||", 6);
    add_row(x, "粤A6|1|货车|物流|2|||4495|2|||", 7);
    add_row(x, "粤A7|1|其他|||||||5|||", 8);
    add_row(x, "粤A8|2|危险货物运输车|危运|3||||2|||", 9);
    assert_int_equal(x->rej.n, 0);
    assert_int_equal(regcsv_rows(x->rc), 8);
    static const vehicle_class want[] = {CLASS_COACH, CLASS_CHARTER, CLASS_HAZMAT, CLASS_MUCK,
                                         CLASS_HEAVY_TRUCK, CLASS_TRUCK, CLASS_OTHER, CLASS_HAZMAT};
    for (int i = 0; i < 8; i++) {
        char p[16];
        snprintf(p, sizeof p, "粤A%d", i + 1);
        const reg_entry *e = lookup(x, p, 0);
        assert_non_null(e);
        assert_int_equal(e->cls, want[i]);
    }
    assert_true(lookup(x, "粤A1", 2)->night_exempt);
    assert_int_equal(lookup(x, "粤A1", 2)->seats, 45);
    close_reg(x);
}

static void test_tonnes(void **st)
{
    (void)st;
    fixture *x = open_reg("plate|class|核定载质量(吨)|整备质量（吨）|总质量(t)");
    add_row(x, "A1|truck|10.5|7.25|18", 2);
    const reg_entry *e = lookup(x, "A1", 0);
    assert_non_null(e);
    if (e->rated_load_kg != 10500 || e->curb_kg != 7250 || e->max_gross_kg != 18000)
        fail_msg("tonnes headers: rated %lld curb %lld max_gross %lld kg, want 10500 7250 18000",
                 (long long)e->rated_load_kg, (long long)e->curb_kg, (long long)e->max_gross_kg);
    close_reg(x);
    /* the same with the columns in another order */
    x = open_reg("总质量（吨）|plate|核定载质量(t)|class");
    add_row(x, "49|A2|30.5|heavy_truck", 2);
    e = lookup(x, "A2", 0);
    assert_non_null(e);
    if (e->rated_load_kg != 30500 || e->max_gross_kg != 49000)
        fail_msg("tonnes headers: rated %lld max_gross %lld kg, want 30500 49000", (long long)e->rated_load_kg,
                 (long long)e->max_gross_kg);
    close_reg(x);
    x = open_reg("plate|class|rated_load_kg|curb_kg(kg)|max_gross_kg");
    add_row(x, "A1|truck|10500|7250|18000", 2);
    e = lookup(x, "A1", 0);
    assert_int_equal(e->rated_load_kg, 10500);
    assert_int_equal(e->curb_kg, 7250);
    assert_int_equal(e->max_gross_kg, 18000);
    close_reg(x);
}

static void test_night_exempt_values(void **st)
{
    (void)st;
    static const struct { const char *v; bool want; } t[] = {
        {"1", true}, {"true", true}, {"TRUE", true}, {"yes", true}, {"Yes", true}, {"是", true},
        {"0", false}, {"false", false}, {"no", false}, {"否", false}, {"", false},
    };
    fixture *x = open_reg("plate|class|night_exempt");
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char f[64], p[16];
        snprintf(p, sizeof p, "P%zu", i);
        snprintf(f, sizeof f, "%s|coach|%s", p, t[i].v);
        add_row(x, f, 2 + i);
        const reg_entry *e = lookup(x, p, 0);
        assert_non_null(e);
        if (e->night_exempt != t[i].want)
            fail_msg("night_exempt \"%s\" read as %d", t[i].v, e->night_exempt);
    }
    close_reg(x);
}

static void test_colour_join(void **st)
{
    (void)st;
    fixture *x = open_reg("plate|plate_color|class");
    add_row(x, "粤B1|黄|hazmat", 2);
    add_row(x, "粤B2|黄|truck", 3);
    add_row(x, "粤B2|蓝|other", 4);
    /* unique plate: colour 0 matches and gives the registry's row */
    const reg_entry *e = lookup(x, "粤B1", 0);
    assert_non_null(e);
    assert_int_equal(e->color, 2);
    assert_int_equal(e->cls, CLASS_HAZMAT);
    assert_ptr_equal(lookup(x, "粤B1", 2), e);
    /* a named colour must match */
    assert_null(lookup(x, "粤B1", 1));
    /* the same plate in two colours: two vehicles, colour 0 is ambiguous */
    assert_null(lookup(x, "粤B2", 0));
    assert_int_equal(lookup(x, "粤B2", 2)->cls, CLASS_TRUCK);
    assert_int_equal(lookup(x, "粤B2", 1)->cls, CLASS_OTHER);
    close_reg(x);
}

static void test_duplicate_rows(void **st)
{
    (void)st;
    fixture *x = open_reg("plate|plate_color|class|company");
    add_row(x, "粤B1|2|truck|old", 2);
    add_row(x, "粤B1|2|hazmat|new", 3);
    const reg_entry *e = lookup(x, "粤B1", 2);
    assert_int_equal(e->cls, CLASS_HAZMAT); /* the last row wins */
    assert_string_equal(strtab_get(x->str, e->company), "new");
    assert_int_equal(x->reg.duplicates, 1);
    /* still unique for a colour-0 join */
    assert_ptr_equal(lookup(x, "粤B1", 0), e);
    close_reg(x);
}

static void test_phones(void **st)
{
    (void)st;
    const char *c;
    size_t n;
    phone_canon("013800138000", 12, &c, &n);
    assert_int_equal(n, 11);
    assert_memory_equal(c, "13800138000", 11);
    phone_canon("13800138000", 11, &c, &n);
    assert_int_equal(n, 11);
    assert_memory_equal(c, "13800138000", 11);
    phone_canon("000000", 6, &c, &n);
    assert_int_equal(n, 1);
    assert_memory_equal(c, "0", 1);
    phone_canon("00012345678901", 14, &c, &n);
    assert_int_equal(n, 11);
    assert_memory_equal(c, "12345678901", 11);

    fixture *x = open_reg("plate|plate_color|class|terminal_phone");
    add_row(x, "粤B1|2|truck|013800138000", 2);
    add_row(x, "粤B2|2|truck|00013900000002", 3);
    uint32_t id = strtab_find(x->str, "13800138000", 11);
    assert_int_not_equal(id, UINT32_MAX);
    const reg_entry *e = registry_by_phone(&x->reg, id);
    assert_non_null(e);
    assert_ptr_equal(e, lookup(x, "粤B1", 2));
    id = strtab_find(x->str, "13900000002", 11);
    assert_int_not_equal(id, UINT32_MAX);
    assert_ptr_equal(registry_by_phone(&x->reg, id), lookup(x, "粤B2", 2));
    uint32_t other = strtab_intern(x->str, "13700000000", 11);
    assert_null(registry_by_phone(&x->reg, other));
    close_reg(x);
}

static void reject_at(const char *header, const char *fields, uint64_t line)
{
    fixture *x = open_reg(header);
    add_row(x, fields, line);
    if (x->rej.n != 1)
        fail_msg("registry row \"%s\": %d rejects", fields, x->rej.n);
    assert_int_equal(x->rej.r[0].where, RL_ORIGIN(4, line));
    assert_int_equal(regcsv_rows(x->rc), 0);
    close_reg(x);
}

static void test_bad_rows(void **st)
{
    (void)st;
    reject_at("plate|plate_color|class", "|2|truck", 5);
    reject_at("plate|plate_color|class", "A1|2|", 6);
    reject_at("plate|plate_color|class", "A1|2|bus", 7);
    reject_at("plate|plate_color|class", "A1|purple|truck", 8);
    reject_at("plate|plate_color|class|rated_load_kg", "A1|2|truck|heavy", 9);
    reject_at("plate|plate_color|class|axles", "A1|2|truck|two", 10);
    reject_at("plate|plate_color|class|seats", "A1|2|coach|many", 11);
    reject_at("plate|plate_color|class|speed_limit_kmh", "A1|2|coach|fast", 12);
    reject_at("plate|plate_color|class", "A1|2", 13); /* too few fields */
}

/* ---- through the analysis: rows with and without a colour are one
 * vehicle, which takes the registry's colour and class ---- */

static void position(rl_run *run, const rl_sink *s, const char *plate, int color, int64_t t, uint64_t line)
{
    rl_position p;
    memset(&p, 0, sizeof p);
    p.origin = RL_ORIGIN(0, line);
    p.time = t;
    p.lat_e6 = 22500000;
    p.lon_e6 = 113900000;
    p.speed_mkmh = 10000;
    p.color = color;
    p.plate = plate;
    p.plate_len = strlen(plate);
    s->position(s->ud, &p);
}

/* Registry: 粤B1 yellow only; 粤B2 yellow and blue.  Data: each plate's
 * rows alternate between colour 0 and one colour. */
static void colour_zero_run(rl_run *run_out)
{
    rl_run run;
    run_init(&run);
    reg_entry e;
    memset(&e, 0, sizeof e);
    e.plate = strtab_intern(run.str, "粤B1", strlen("粤B1"));
    e.color = 2;
    e.cls = CLASS_HAZMAT;
    e.rated_load_kg = e.curb_kg = e.max_gross_kg = -1;
    e.seats = -1;
    registry_add(&run.reg, &e);
    e.plate = strtab_intern(run.str, "粤B2", strlen("粤B2"));
    e.color = 2;
    e.cls = CLASS_TRUCK;
    registry_add(&run.reg, &e);
    e.color = 1;
    e.cls = CLASS_OTHER;
    registry_add(&run.reg, &e);
    run.have_registry = true;
    rl_sink s;
    analyze_sink(&run, &s);
    for (int i = 0; i < 10; i++) {
        position(&run, &s, "粤B1", i % 2 ? 2 : 0, 1773534600 + i * 10, 2 + (uint64_t)i);
        position(&run, &s, "粤B2", i % 2 ? 1 : 0, 1773534600 + i * 10, 100 + (uint64_t)i);
    }
    analyze_finish(&run);
    *run_out = run;
}

static void test_colour_zero_unique_plate(void **st)
{
    (void)st;
    rl_run run;
    colour_zero_run(&run);
    int found_b1 = 0;
    for (size_t i = 0; i < run.norder; i++) {
        rl_vehicle *v = vtable_at(run.vt, run.order[i]);
        if (strcmp(run_vehicle_label(&run, v), "粤B1") == 0) {
            found_b1++;
            assert_int_equal(v->color, 2);
            assert_int_equal(v->cls, CLASS_HAZMAT);
            assert_int_equal(run.vstats[run.order[i]].points, 10);
        }
    }
    assert_int_equal(found_b1, 1);
    run_free(&run);
}

static void test_colour_zero_plate_in_two_colours(void **st)
{
    (void)st;
    rl_run run;
    colour_zero_run(&run);
    int b2_blue = 0, b2_unknown = 0;
    for (size_t i = 0; i < run.norder; i++) {
        rl_vehicle *v = vtable_at(run.vt, run.order[i]);
        const char *label = run_vehicle_label(&run, v);
        if (strcmp(label, "粤B2") == 0 && v->color == 1) {
            b2_blue++;
            assert_int_equal(v->cls, CLASS_OTHER);
            /* only its own 5 rows: the plate is in the registry in two
             * colours, so a colour-0 row matches neither */
            if (run.vstats[run.order[i]].points != 5)
                fail_msg("粤B2 blue has %llu points: colour-0 rows of a plate registered in two colours were "
                         "joined to it", (unsigned long long)run.vstats[run.order[i]].points);
        }
        if (strcmp(label, "粤B2") == 0 && v->color == 0) {
            b2_unknown++;
            assert_null(v->reg);
            assert_int_equal(run.vstats[run.order[i]].points, 5);
        }
    }
    assert_int_equal(b2_blue, 1);
    assert_int_equal(b2_unknown, 1);
    run_free(&run);
}

/* Unregistered vehicles are analysed as `other` and counted; the same
 * plate in two colours is two vehicles. */
static void test_unregistered_and_two_colours(void **st)
{
    (void)st;
    rl_run run;
    run_init(&run);
    reg_entry e;
    memset(&e, 0, sizeof e);
    e.plate = strtab_intern(run.str, "粤B1", strlen("粤B1"));
    e.color = 2;
    e.cls = CLASS_HAZMAT;
    e.rated_load_kg = e.curb_kg = e.max_gross_kg = -1;
    e.seats = -1;
    registry_add(&run.reg, &e);
    run.have_registry = true;
    rl_sink s;
    analyze_sink(&run, &s);
    for (int i = 0; i < 4; i++) {
        position(&run, &s, "粤B1", 2, 1773534600 + i * 10, 2 + (uint64_t)i);
        position(&run, &s, "粤B1", 1, 1773534600 + i * 10, 20 + (uint64_t)i);
        position(&run, &s, "粤C9", 1, 1773534600 + i * 10, 40 + (uint64_t)i);
    }
    analyze_finish(&run);
    assert_int_equal(run.norder, 3);
    assert_int_equal(run.unregistered, 2);
    int seen = 0;
    for (size_t i = 0; i < run.norder; i++) {
        rl_vehicle *v = vtable_at(run.vt, run.order[i]);
        const char *label = run_vehicle_label(&run, v);
        assert_int_equal(run.vstats[run.order[i]].points, 4);
        if (strcmp(label, "粤B1") == 0 && v->color == 2) {
            assert_int_equal(v->cls, CLASS_HAZMAT);
            seen |= 1;
        } else if (strcmp(label, "粤B1") == 0 && v->color == 1) {
            assert_int_equal(v->cls, CLASS_OTHER);
            assert_null(v->reg);
            seen |= 2;
        } else if (strcmp(label, "粤C9") == 0) {
            assert_int_equal(v->cls, CLASS_OTHER);
            seen |= 4;
        }
    }
    assert_int_equal(seen, 7);
    run_free(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_row),
        cmocka_unit_test(test_minimal_row),
        cmocka_unit_test(test_chinese_header_and_classes),
        cmocka_unit_test(test_tonnes),
        cmocka_unit_test(test_night_exempt_values),
        cmocka_unit_test(test_colour_join),
        cmocka_unit_test(test_duplicate_rows),
        cmocka_unit_test(test_phones),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_colour_zero_unique_plate),
        cmocka_unit_test(test_colour_zero_plate_in_two_colours),
        cmocka_unit_test(test_unregistered_and_two_colours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
