/*
 * test_gps_csv.c - GPS track rows to positions (parsers/gps_csv.h),
 * FORMATS.md §1: required fields (plate, time, lon, lat, speed) missing or
 * bad reject the row with the field named and its file:line; optional
 * fields that do not parse are dropped, not fatal; colour codes and names;
 * plate normalised; driver trimmed; invalid-but-parsable fixes are still
 * positions (RULES.md §1 counts them, `decode` prints them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "ingest.h"
#include "gps_csv.h"
#include "record.h"
#include "run.h"
#include "rowtext.h"

#define T0 INT64_C(1773534600) /* 2026-03-15 08:30:00 +08:00 */
#define CST (8 * 3600)

/* ---- a sink that records ---- */

typedef struct got_pos {
    rl_position p;
    char plate[64], driver[64];
    bool have_plate, have_driver;
} got_pos;

typedef struct sinkrec {
    got_pos pos[64];
    int npos;
    struct { rl_origin where; char why[256]; } rej[64];
    int nrej;
    bool strict;
} sinkrec;

static void s_position(void *ud, const rl_position *p)
{
    sinkrec *s = ud;
    assert_true(s->npos < 64);
    got_pos *g = &s->pos[s->npos++];
    memset(g, 0, sizeof *g);
    g->p = *p;
    if (p->plate) {
        g->have_plate = true;
        assert_true(p->plate_len < sizeof g->plate);
        memcpy(g->plate, p->plate, p->plate_len);
    }
    if (p->driver && p->driver_len) {
        g->have_driver = true;
        assert_true(p->driver_len < sizeof g->driver);
        memcpy(g->driver, p->driver, p->driver_len);
    }
}

static bool s_reject(void *ud, rl_origin where, const char *why, const void *raw, size_t n)
{
    sinkrec *s = ud;
    assert_true(s->nrej < 64);
    s->rej[s->nrej].where = where;
    snprintf(s->rej[s->nrej].why, sizeof s->rej[s->nrej].why, "%s", why);
    s->nrej++;
    (void)raw;
    (void)n;
    return !s->strict;
}

static void s_count(void *ud, const char *what, uint64_t n)
{
    (void)ud;
    (void)what;
    (void)n;
}

#define FULL_HDR "plate|plate_color|time|lon|lat|speed|heading|altitude|status|alarm|mileage|driver"

static sinkrec S;

static bool feed(const char *header, const char *fields, uint64_t line, unsigned fi, bool detail)
{
    static rl_sink sink;
    sink = (rl_sink){&S, s_position, NULL, NULL, s_reject, s_count};
    row *h = mk(header, 1);
    gpscsv *g = gpscsv_new(&h->r, &sink, fi, CST, detail);
    assert_non_null(g);
    row *r = mk(fields, line);
    bool ok = gpscsv_row(g, &r->r);
    rm(r);
    gpscsv_free(g);
    rm(h);
    return ok;
}

static void reset(void) { memset(&S, 0, sizeof S); }

static void test_full_row(void **st)
{
    (void)st;
    reset();
    assert_true(feed(FULL_HDR, "粤b 12345|2|2026-03-15 08:30:00|113.987654|22.543210|85.3|270|15|0x3|4|12345.6| 张三 ",
                     17, 3, true));
    assert_int_equal(S.nrej, 0);
    assert_int_equal(S.npos, 1);
    const got_pos *g = &S.pos[0];
    assert_string_equal(g->plate, "粤B12345");
    assert_int_equal(g->p.plate_len, strlen("粤B12345"));
    assert_int_equal(g->p.color, RL_COLOR_YELLOW);
    assert_int_equal(g->p.time, T0);
    assert_int_equal(g->p.lon_e6, 113987654);
    assert_int_equal(g->p.lat_e6, 22543210);
    assert_int_equal(g->p.speed_mkmh, 85300);
    assert_int_equal(g->p.origin, RL_ORIGIN(3, 17));
    assert_true(g->p.have & RL_HAVE_STATUS);
    assert_int_equal(g->p.status, 3);
    assert_true(g->p.have & RL_HAVE_HEADING);
    assert_int_equal(g->p.heading, 270);
    assert_true(g->p.have & RL_HAVE_ALTITUDE);
    assert_int_equal(g->p.altitude_m, 15);
    assert_true(g->p.have & RL_HAVE_ALARM);
    assert_int_equal(g->p.alarm, 4);
    assert_true(g->p.have & RL_HAVE_MILEAGE);
    assert_int_equal(g->p.mileage_m, 12345600);
    assert_true(g->have_driver);
    assert_string_equal(g->driver, "张三");
}

static void test_minimal_row(void **st)
{
    (void)st;
    reset();
    assert_true(feed("time|lat|lon|speed|plate", "1773534600|-33.868820|151.209300|0|A1", 2, 0, true));
    assert_int_equal(S.npos, 1);
    assert_int_equal(S.pos[0].p.time, T0);
    assert_int_equal(S.pos[0].p.lat_e6, -33868820);
    assert_int_equal(S.pos[0].p.lon_e6, 151209300);
    assert_int_equal(S.pos[0].p.speed_mkmh, 0);
    assert_int_equal(S.pos[0].p.color, 0);
    assert_int_equal(S.pos[0].p.have & RL_HAVE_STATUS, 0);
    assert_false(S.pos[0].have_driver);
    assert_string_equal(S.pos[0].plate, "A1");
}

static void test_chinese_header(void **st)
{
    (void)st;
    reset();
    assert_true(feed("车牌号|车牌颜色|定位时间|经度|纬度|速度(km/h)|状态|驾驶员|接收时间",
                     "京A·F0236|黄色|2026/3/15 8:30:00|116.397128|39.916527|60|262147|440301199001011234|garbage", 5,
                     1, false));
    assert_int_equal(S.nrej, 0);
    assert_int_equal(S.npos, 1);
    assert_string_equal(S.pos[0].plate, "京AF0236");
    assert_int_equal(S.pos[0].p.color, 2);
    assert_int_equal(S.pos[0].p.time, T0);
    assert_int_equal(S.pos[0].p.speed_mkmh, 60000);
    assert_int_equal(S.pos[0].p.status, 262147);
    assert_string_equal(S.pos[0].driver, "440301199001011234");
    assert_int_equal(S.pos[0].p.origin, RL_ORIGIN(1, 5));
}

static void test_colours(void **st)
{
    (void)st;
    static const struct { const char *txt; int code; } c[] = {
        {"1", 1}, {"2", 2}, {"3", 3}, {"4", 4}, {"5", 5}, {"9", 9}, {"0", 0}, {"", 0},
        {"蓝", 1}, {"蓝色", 1}, {"黄", 2}, {"黄色", 2}, {"yellow", 2}, {"black", 3}, {"白色", 4}, {"绿", 5},
        {"green", 5}, {"其他", 9},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        reset();
        char fields[128];
        snprintf(fields, sizeof fields, "A1|%s|2026-03-15 08:30:00|113.9|22.5|10", c[i].txt);
        assert_true(feed("plate|color|time|lon|lat|speed", fields, 2, 0, false));
        if (S.npos != 1)
            fail_msg("colour \"%s\" rejected: %s", c[i].txt, S.nrej ? S.rej[0].why : "?");
        assert_int_equal(S.pos[0].p.color, c[i].code);
    }
}

/* A required field missing or bad: reject naming the field, at file:line. */
static void reject_names(const char *fields, const char *field)
{
    reset();
    assert_true(feed("plate|time|lon|lat|speed", fields, 42, 7, false));
    if (S.npos != 0)
        fail_msg("row \"%s\" accepted", fields);
    assert_int_equal(S.nrej, 1);
    assert_int_equal(S.rej[0].where, RL_ORIGIN(7, 42));
    if (!strstr(S.rej[0].why, field))
        fail_msg("row \"%s\": reason \"%s\" does not name %s", fields, S.rej[0].why, field);
}

static void test_required_fields(void **st)
{
    (void)st;
    reject_names("|2026-03-15 08:30:00|113.9|22.5|10", "plate");
    reject_names("  |2026-03-15 08:30:00|113.9|22.5|10", "plate");
    reject_names("A\x01" "1|2026-03-15 08:30:00|113.9|22.5|10", "plate");
    reject_names("A1||113.9|22.5|10", "time");
    reject_names("A1|2026-02-30 08:30:00|113.9|22.5|10", "time");
    reject_names("A1|2026-03-15 25:61:00|113.9|22.5|10", "time");
    reject_names("A1|yesterday|113.9|22.5|10", "time");
    reject_names("A1|2026-03-15 08:30:00||22.5|10", "lon");
    reject_names("A1|2026-03-15 08:30:00|east|22.5|10", "lon");
    reject_names("A1|2026-03-15 08:30:00|NaN|22.5|10", "lon");
    reject_names("A1|2026-03-15 08:30:00|113.9||10", "lat");
    reject_names("A1|2026-03-15 08:30:00|113.9|1e309|10", "lat");
    reject_names("A1|2026-03-15 08:30:00|113.9|22.5|", "speed");
    reject_names("A1|2026-03-15 08:30:00|113.9|22.5|fast", "speed");
    reject_names("A1|2026-03-15 08:30:00|113.9|22.5|inf", "speed");
}

static void test_field_count(void **st)
{
    (void)st;
    reset();
    assert_true(feed("plate|time|lon|lat|speed", "A1|2026-03-15 08:30:00|113.9", 9, 2, false));
    assert_int_equal(S.npos, 0);
    assert_int_equal(S.nrej, 1);
    assert_int_equal(S.rej[0].where, RL_ORIGIN(2, 9));
    reset();
    assert_true(feed("plate|time|lon|lat|speed", "A1|2026-03-15 08:30:00|113.9|22.5|10|extra|more", 10, 2, false));
    assert_int_equal(S.npos, 0);
    assert_int_equal(S.nrej, 1);
    assert_int_equal(S.rej[0].where, RL_ORIGIN(2, 10));
}

static void test_optional_bad_tolerated(void **st)
{
    (void)st;
    reset();
    assert_true(feed(FULL_HDR, "A1|2|2026-03-15 08:30:00|113.9|22.5|10|north|high|0x3|lots|far|D1", 3, 0, true));
    assert_int_equal(S.nrej, 0);
    assert_int_equal(S.npos, 1);
    assert_int_equal(S.pos[0].p.have & (RL_HAVE_HEADING | RL_HAVE_ALTITUDE | RL_HAVE_ALARM | RL_HAVE_MILEAGE), 0);
    assert_true(S.pos[0].p.have & RL_HAVE_STATUS);
    assert_int_equal(S.pos[0].p.speed_mkmh, 10000);
    assert_string_equal(S.pos[0].driver, "D1");
    /* empty optional fields: simply absent */
    reset();
    assert_true(feed(FULL_HDR, "A1|||113.9|22.5|10||||||", 4, 0, true));
    assert_int_equal(S.nrej, 1); /* time is required */
    reset();
    assert_true(feed(FULL_HDR, "A1||2026-03-15 08:30:00|113.9|22.5|10||||||", 4, 0, true));
    assert_int_equal(S.nrej, 0);
    assert_int_equal(S.npos, 1);
    assert_int_equal(S.pos[0].p.have, 0);
    assert_false(S.pos[0].have_driver);
}

/* Out-of-range fixes are positions (track.invalid counts them). */
static void test_invalid_is_still_a_position(void **st)
{
    (void)st;
    reset();
    assert_true(feed("plate|time|lon|lat|speed|status", "A1|2026-03-15 08:30:00|0|0|0|0", 2, 0, false));
    assert_true(feed("plate|time|lon|lat|speed|status", "A1|2026-03-15 08:30:01|200.5|95|300|1", 3, 0, false));
    assert_true(feed("plate|time|lon|lat|speed|status", "A1|2026-03-15 08:30:02|113.9|22.5|-3|3", 4, 0, false));
    assert_int_equal(S.nrej, 0);
    assert_int_equal(S.npos, 3);
    assert_int_equal(S.pos[1].p.lon_e6, 200500000);
    assert_int_equal(S.pos[1].p.lat_e6, 95000000);
    assert_int_equal(S.pos[1].p.speed_mkmh, 300000);
    assert_int_equal(S.pos[2].p.speed_mkmh, -3000);
}

static void test_times(void **st)
{
    (void)st;
    static const char *const t[] = {"2026-03-15 08:30:00", "2026/03/15 08:30:00", "2026/3/15 8:30:00",
                                     "2026-03-15T08:30:00+08:00", "2026-03-15T00:30:00Z", "2026-03-15T08:30:00",
                                     "1773534600", "1773534600999", "2026-03-15T00:30:00.5Z"};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        reset();
        char fields[128];
        snprintf(fields, sizeof fields, "A1|%s|113.9|22.5|10", t[i]);
        assert_true(feed("plate|time|lon|lat|speed", fields, 2, 0, false));
        if (S.npos != 1)
            fail_msg("time \"%s\" rejected", t[i]);
        assert_int_equal(S.pos[0].p.time, T0);
    }
}

static void test_driver_trimmed(void **st)
{
    (void)st;
    reset();
    assert_true(feed("plate|time|lon|lat|speed|driver", "A1|1773534600|113.9|22.5|10|\t D-007 \t", 2, 0, false));
    assert_string_equal(S.pos[0].driver, "D-007");
    reset();
    assert_true(feed("plate|time|lon|lat|speed|driver", "A1|1773534600|113.9|22.5|10|   ", 2, 0, false));
    assert_int_equal(S.npos, 1);
    assert_false(S.pos[0].have_driver);
}

static void test_strict_stops(void **st)
{
    (void)st;
    reset();
    S.strict = true;
    assert_false(feed("plate|time|lon|lat|speed", "A1|bad|113.9|22.5|10", 2, 0, false));
    assert_int_equal(S.nrej, 1);
    reset();
    S.strict = true;
    assert_true(feed("plate|time|lon|lat|speed", "A1|1773534600|113.9|22.5|10", 2, 0, false));
}

static void test_number_forms(void **st)
{
    (void)st;
    reset();
    assert_true(feed("plate|time|lon|lat|speed|status|alarm|mileage",
                     "A1|1773534600|1.139876545E+02|22.5|1.2E+02|0x00040003|0x80000000|1.5E+03", 2, 0, true));
    assert_int_equal(S.nrej, 0);
    assert_int_equal(S.pos[0].p.lon_e6, 113987655);
    assert_int_equal(S.pos[0].p.speed_mkmh, 120000);
    assert_int_equal(S.pos[0].p.status, 0x40003);
    assert_int_equal(S.pos[0].p.alarm, 0x80000000u);
    assert_int_equal(S.pos[0].p.mileage_m, 1500000);
}

/* A whole file through dispatch: physical line numbers (header = line 1,
 * a quoted field spanning two lines, a blank line, CRLF, BOM), rejects as
 * file:line naming the field. */
static void test_through_file(void **st)
{
    (void)st;
    char path[64];
    snprintf(path, sizeof path, "/tmp/roadlog_gps_%d.csv", (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("\xEF\xBB\xBFplate,time,lon,lat,speed,driver\r\n"          /* 1 */
          "粤B1,2026-03-15 08:30:00,113.9,22.5,10,\"张\r\n"             /* 2 */
          "三\"\r\n"                                                  /* 3 */
          "粤B1,2026-02-30 08:30:00,113.9,22.5,10,x\r\n"               /* 4 */
          "\r\n"                                                       /* 5 */
          "粤B1,2026-03-15 08:30:10,,22.5,10,x\r\n"                    /* 6 */
          "粤B1,2026-03-15 08:30:20,113.9,22.5,10,\r\n",               /* 7 */
          f);
    fclose(f);
    reset();
    rl_run run;
    run_init(&run);
    run.opt.quiet = true;
    rl_sink sink = {&S, s_position, NULL, NULL, s_reject, s_count};
    assert_true(ingest_input(&run, path, &sink, WANT_ANY));
    assert_int_equal(S.npos, 2);
    assert_int_equal(RL_ORIGIN_POS(S.pos[0].p.origin), 2);
    /* the quoted line break is kept (as CRLF or normalised to LF) */
    assert_true(strcmp(S.pos[0].driver, "张\r\n三") == 0 || strcmp(S.pos[0].driver, "张\n三") == 0);
    assert_int_equal(RL_ORIGIN_POS(S.pos[1].p.origin), 7);
    assert_int_equal(S.nrej, 2);
    char where[128], want[128];
    run_format_origin(&run, S.rej[0].where, where, sizeof where);
    snprintf(want, sizeof want, "%s:4", path);
    assert_string_equal(where, want);
    assert_non_null(strstr(S.rej[0].why, "time"));
    run_format_origin(&run, S.rej[1].where, where, sizeof where);
    snprintf(want, sizeof want, "%s:6", path);
    assert_string_equal(where, want);
    assert_non_null(strstr(S.rej[1].why, "lon"));
    run_free(&run);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_row),
        cmocka_unit_test(test_minimal_row),
        cmocka_unit_test(test_chinese_header),
        cmocka_unit_test(test_colours),
        cmocka_unit_test(test_required_fields),
        cmocka_unit_test(test_field_count),
        cmocka_unit_test(test_optional_bad_tolerated),
        cmocka_unit_test(test_invalid_is_still_a_position),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_driver_trimmed),
        cmocka_unit_test(test_strict_stops),
        cmocka_unit_test(test_number_forms),
        cmocka_unit_test(test_through_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
