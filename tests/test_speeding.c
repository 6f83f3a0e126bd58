/*
 * test_speeding.c - speeding and night speeding (RULES.md §2) through the
 * whole analysis engine (src/analyze.h on an rl_run): episode length 59 s
 * vs 60 s, speed exactly at the limit, gaps cutting runs, the coach night
 * limit (0.8 x), runs across 22:00 and 06:00 cut for coaches and not for
 * trucks, value / limit / excess / severity / rule, per-vehicle limits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "run.h"
#include "timeutil.h"

typedef struct ctx {
    rl_run run;
    rl_sink sink;
    uint64_t line;
} ctx;

static ctx *new_ctx(void)
{
    ctx *c = calloc(1, sizeof *c);
    run_init(&c->run);
    analyze_sink(&c->run, &c->sink);
    c->line = 2;
    return c;
}

static void free_ctx(ctx *c)
{
    run_free(&c->run);
    free(c);
}

static void reg(ctx *c, const char *plate, int color, vehicle_class cls, int limit_kmh)
{
    reg_entry e;
    memset(&e, 0, sizeof e);
    e.plate = strtab_intern(c->run.str, plate, strlen(plate));
    e.color = color;
    e.cls = cls;
    e.rated_load_kg = e.curb_kg = e.max_gross_kg = -1;
    e.seats = -1;
    e.speed_limit_mkmh = limit_kmh * 1000;
    registry_add(&c->run.reg, &e);
    c->run.have_registry = true;
}

/* Local time "YYYY-MM-DD HH:MM:SS" in the run's zone. */
static int64_t lt(ctx *c, const char *s)
{
    tu_parser tp;
    tu_parser_init(&tp, c->run.opt.tz);
    int64_t t;
    assert_null(tu_parse(&tp, s, strlen(s), &t));
    return t;
}

static void pos(ctx *c, const char *plate, int color, int64_t t, int32_t speed_mkmh)
{
    rl_position p;
    memset(&p, 0, sizeof p);
    p.origin = RL_ORIGIN(0, c->line++);
    p.time = t;
    p.lat_e6 = 22500000;
    p.lon_e6 = 113900000;
    p.speed_mkmh = speed_mkmh;
    p.color = color;
    p.plate = plate;
    p.plate_len = strlen(plate);
    c->sink.position(c->sink.ud, &p);
}

/* Fixes every `step` seconds from t0 to t1 inclusive at one speed. */
static void run_at(ctx *c, const char *plate, int color, int64_t t0, int64_t t1, int step, int32_t mkmh)
{
    for (int64_t t = t0; t <= t1; t += step)
        pos(c, plate, color, t, mkmh);
}

static size_t count_type(ctx *c, event_type t)
{
    size_t n = 0;
    for (size_t i = 0; i < c->run.events.n; i++)
        n += c->run.events.e[i].type == t;
    return n;
}

static const rl_event *ev(ctx *c, size_t i)
{
    assert_true(i < c->run.events.n);
    return &c->run.events.e[i];
}

static size_t nspeed(ctx *c) { return count_type(c, EV_SPEEDING) + count_type(c, EV_NIGHT_SPEEDING); }

#define NOON "2026-03-15 12:00:00"

/* ---- episode length ---- */

static void test_59_vs_60_seconds(void **st)
{
    (void)st;
    for (int len = 59; len <= 60; len++) {
        ctx *c = new_ctx();
        int64_t t0 = lt(c, NOON);
        run_at(c, "A1", 2, t0 - 60, t0 - 10, 10, 100000);
        run_at(c, "A1", 2, t0, t0 + len, 1, 130000); /* other: limit 120 */
        run_at(c, "A1", 2, t0 + len + 1, t0 + len + 60, 10, 100000);
        analyze_finish(&c->run);
        if (len == 59) {
            assert_int_equal(nspeed(c), 0);
        } else {
            assert_int_equal(nspeed(c), 1);
            const rl_event *e = ev(c, 0);
            assert_int_equal(e->type, EV_SPEEDING);
            assert_int_equal(e->start, t0);
            assert_int_equal(e->end, t0 + 60);
            assert_int_equal(e->evidence_points, 61);
            assert_int_equal(e->value, 130000);
            assert_int_equal(e->limit, 120000);
            assert_int_equal(e->scale, 3);
            assert_string_equal(e->rule, "speeding.other");
            assert_int_equal(e->origin, RL_ORIGIN(0, 2 + 6)); /* the first fix above the limit */
        }
        free_ctx(c);
    }
}

static void test_min_duration_from_rules(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    c->run.rules.v[R_SPEEDING_MIN_DURATION_S] = 120;
    int64_t t0 = lt(c, NOON);
    run_at(c, "A1", 2, t0, t0 + 119, 7, 130000); /* last - first = 119 */
    run_at(c, "A2", 2, t0, t0 + 120, 10, 130000);
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 1);
    assert_int_equal(ev(c, 0)->end - ev(c, 0)->start, 120);
    free_ctx(c);
}

/* ---- the limit itself ---- */

static void test_exactly_at_limit(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    int64_t t0 = lt(c, NOON);
    run_at(c, "A1", 2, t0, t0 + 300, 10, 120000); /* exactly 120: not above */
    run_at(c, "A2", 2, t0, t0 + 300, 10, 120001); /* 120.001: above */
    reg(c, "A3", 2, CLASS_HAZMAT, 0);
    run_at(c, "A3", 2, t0, t0 + 300, 10, 80000);  /* hazmat at exactly 80 */
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 1);
    const rl_event *e = ev(c, 0);
    assert_string_equal(run_vehicle_label(&c->run, vtable_at(c->run.vt, e->vehicle)), "A2");
    assert_int_equal(e->value, 120001);
    assert_int_equal(e->end - e->start, 300);
    free_ctx(c);
}

static void test_below_limit_breaks_run(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    int64_t t0 = lt(c, NOON);
    run_at(c, "A1", 2, t0, t0 + 100, 10, 130000);
    pos(c, "A1", 2, t0 + 105, 119000);
    run_at(c, "A1", 2, t0 + 110, t0 + 200, 10, 140000);
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 2);
    assert_int_equal(ev(c, 0)->start, t0);
    assert_int_equal(ev(c, 0)->end, t0 + 100);
    assert_int_equal(ev(c, 0)->value, 130000);
    assert_int_equal(ev(c, 1)->start, t0 + 110);
    assert_int_equal(ev(c, 1)->end, t0 + 200);
    assert_int_equal(ev(c, 1)->value, 140000);
    free_ctx(c);
}

/* ---- gaps ---- */

static void test_gap_inside_run(void **st)
{
    (void)st;
    for (int gap = 300; gap <= 301; gap++) {
        ctx *c = new_ctx();
        int64_t t0 = lt(c, NOON);
        run_at(c, "A1", 2, t0, t0 + 100, 10, 130000);
        run_at(c, "A1", 2, t0 + 100 + gap, t0 + 200 + gap, 10, 130000);
        analyze_finish(&c->run);
        if (gap == 300) { /* no gap: one episode */
            assert_int_equal(nspeed(c), 1);
            assert_int_equal(ev(c, 0)->end - ev(c, 0)->start, 200 + gap);
            assert_int_equal(ev(c, 0)->evidence_points, 22);
        } else { /* a gap cuts the run */
            assert_int_equal(nspeed(c), 2);
            assert_int_equal(ev(c, 0)->end, t0 + 100);
            assert_int_equal(ev(c, 1)->start, t0 + 100 + gap);
            assert_int_equal(ev(c, 0)->evidence_points, 11);
        }
        free_ctx(c);
    }
}

/* Fixes that are not accepted (invalid, duplicate) are not part of the
 * run and do not break it. */
static void test_invalid_and_duplicate_inside_run(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    int64_t t0 = lt(c, NOON);
    run_at(c, "A1", 2, t0, t0 + 50, 10, 130000);
    pos(c, "A1", 2, t0 + 55, 250000);  /* invalid: speed > 220 */
    pos(c, "A1", 2, t0 + 50, 135000);  /* duplicate second: the first copy is kept */
    run_at(c, "A1", 2, t0 + 60, t0 + 100, 10, 125000);
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 1);
    const rl_event *e = ev(c, 0);
    assert_int_equal(e->start, t0);
    assert_int_equal(e->end, t0 + 100);
    assert_int_equal(e->value, 130000);
    assert_int_equal(e->evidence_points, 11);
    free_ctx(c);
}

/* ---- night (coach / charter) ---- */

static void test_coach_night_limit(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    reg(c, "K1", 2, CLASS_COACH, 0);
    reg(c, "K2", 2, CLASS_CHARTER, 0);
    reg(c, "K3", 2, CLASS_COACH, 0);
    int64_t night = lt(c, "2026-03-15 23:00:00"), day = lt(c, NOON);
    run_at(c, "K1", 2, night, night + 120, 10, 90000);  /* > 80 at night */
    run_at(c, "K1", 2, day, day + 120, 10, 90000);      /* < 100 by day */
    run_at(c, "K2", 2, night, night + 120, 10, 80001);
    run_at(c, "K3", 2, night, night + 120, 10, 80000);  /* exactly 0.8 x 100 */
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 2);
    assert_int_equal(count_type(c, EV_NIGHT_SPEEDING), 2);
    const rl_event *e = ev(c, 0);
    assert_int_equal(e->type, EV_NIGHT_SPEEDING);
    assert_int_equal(e->start, night);
    assert_int_equal(e->value, 90000);
    assert_int_equal(e->limit, 80000);
    assert_true(fabs(event_excess_pct(e) - 12.5) < 1e-9);
    assert_string_equal(e->rule, "speeding.coach");
    assert_string_equal(e->severity, "6 pts; warning or 20-200 yuan");
    assert_int_equal(ev(c, 1)->limit, 80000);
    assert_int_equal(ev(c, 1)->value, 80001);
    assert_string_equal(ev(c, 1)->rule, "speeding.charter");
    free_ctx(c);
}

static void test_coach_run_cut_at_22(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    reg(c, "K1", 2, CLASS_COACH, 0);
    reg(c, "T1", 2, CLASS_TRUCK, 0);
    int64_t a = lt(c, "2026-03-15 21:58:00"), b = lt(c, "2026-03-15 22:02:00"), ten = lt(c, "2026-03-15 22:00:00");
    run_at(c, "K1", 2, a, b, 10, 110000);
    run_at(c, "T1", 2, a, b, 10, 110000);
    analyze_finish(&c->run);
    /* coach: two events, cut between 21:59:50 and 22:00:00 */
    assert_int_equal(nspeed(c), 3);
    const rl_event *k1 = ev(c, 0), *k2 = ev(c, 1), *t1 = ev(c, 2);
    assert_string_equal(run_vehicle_label(&c->run, vtable_at(c->run.vt, k1->vehicle)), "K1");
    assert_int_equal(k1->type, EV_SPEEDING);
    assert_int_equal(k1->start, a);
    assert_int_equal(k1->end, ten - 10);
    assert_int_equal(k1->limit, 100000);
    assert_int_equal(k1->evidence_points, 12);
    assert_int_equal(k2->type, EV_NIGHT_SPEEDING);
    assert_int_equal(k2->start, ten); /* 22:00:00 is night */
    assert_int_equal(k2->end, b);
    assert_int_equal(k2->limit, 80000);
    assert_int_equal(k2->evidence_points, 13);
    /* truck: not cut, always `speeding` */
    assert_string_equal(run_vehicle_label(&c->run, vtable_at(c->run.vt, t1->vehicle)), "T1");
    assert_int_equal(t1->type, EV_SPEEDING);
    assert_int_equal(t1->start, a);
    assert_int_equal(t1->end, b);
    assert_int_equal(t1->limit, 100000);
    assert_int_equal(t1->evidence_points, 25);
    free_ctx(c);
}

static void test_coach_run_cut_at_06(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    reg(c, "K1", 2, CLASS_CHARTER, 0);
    reg(c, "T1", 2, CLASS_HEAVY_TRUCK, 0);
    int64_t a = lt(c, "2026-03-16 05:58:00"), b = lt(c, "2026-03-16 06:02:00"), six = lt(c, "2026-03-16 06:00:00");
    run_at(c, "K1", 2, a, b, 10, 110000);
    run_at(c, "T1", 2, a, b, 10, 110000);
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 3);
    const rl_event *k1 = ev(c, 0), *k2 = ev(c, 1), *t1 = ev(c, 2);
    assert_int_equal(k1->type, EV_NIGHT_SPEEDING);
    assert_int_equal(k1->start, a);
    assert_int_equal(k1->end, six - 10);
    assert_int_equal(k1->limit, 80000);
    assert_int_equal(k2->type, EV_SPEEDING); /* 06:00:00 is not night */
    assert_int_equal(k2->start, six);
    assert_int_equal(k2->end, b);
    assert_int_equal(k2->limit, 100000);
    assert_int_equal(t1->type, EV_SPEEDING);
    assert_int_equal(t1->end - t1->start, 240);
    free_ctx(c);
}

/* A coach slower than the day limit but above the night one: speeding
 * starts exactly at 22:00:00. */
static void test_coach_night_starts_at_22(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    reg(c, "K1", 2, CLASS_COACH, 0);
    run_at(c, "K1", 2, lt(c, "2026-03-15 21:55:00"), lt(c, "2026-03-15 22:05:00"), 10, 95000);
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 1);
    assert_int_equal(ev(c, 0)->type, EV_NIGHT_SPEEDING);
    assert_int_equal(ev(c, 0)->start, lt(c, "2026-03-15 22:00:00"));
    assert_int_equal(ev(c, 0)->end, lt(c, "2026-03-15 22:05:00"));
    free_ctx(c);
}

/* Midnight is no boundary: a coach's night run across it is one episode. */
static void test_coach_night_run_across_midnight(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    reg(c, "K1", 2, CLASS_COACH, 0);
    int64_t a = lt(c, "2026-03-15 23:58:00"), b = lt(c, "2026-03-16 00:02:00");
    run_at(c, "K1", 2, a, b, 10, 90000);
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 1);
    assert_int_equal(ev(c, 0)->type, EV_NIGHT_SPEEDING);
    assert_int_equal(ev(c, 0)->start, a);
    assert_int_equal(ev(c, 0)->end, b);
    assert_int_equal(ev(c, 0)->evidence_points, 25);
    free_ctx(c);
}

static void test_night_in_analysis_zone(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    c->run.opt.tz = 0;
    reg(c, "K1", 2, CLASS_COACH, 0);
    /* 23:00 UTC is 07:00 in China, but the analysis zone is UTC here */
    run_at(c, "K1", 2, lt(c, "2026-03-15 23:00:00"), lt(c, "2026-03-15 23:02:00"), 10, 90000);
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 1);
    assert_int_equal(ev(c, 0)->type, EV_NIGHT_SPEEDING);
    free_ctx(c);
}

static void test_night_factor_from_rules(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    c->run.rules.v[R_SPEEDING_NIGHT_FACTOR] = 0.5;
    reg(c, "K1", 2, CLASS_COACH, 0);
    int64_t n = lt(c, "2026-03-16 01:00:00");
    run_at(c, "K1", 2, n, n + 120, 10, 51000);
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 1);
    assert_int_equal(ev(c, 0)->limit, 50000);
    free_ctx(c);
}

static void test_night_window_from_rules(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    char err[128];
    assert_true(rules_set(&c->run.rules, "night.window", "23:00-05:00", err, sizeof err));
    reg(c, "K1", 2, CLASS_COACH, 0);
    run_at(c, "K1", 2, lt(c, "2026-03-15 22:30:00"), lt(c, "2026-03-15 22:40:00"), 10, 90000); /* day now */
    run_at(c, "K1", 2, lt(c, "2026-03-16 05:30:00"), lt(c, "2026-03-16 05:40:00"), 10, 90000); /* day now */
    run_at(c, "K1", 2, lt(c, "2026-03-16 04:30:00"), lt(c, "2026-03-16 04:40:00"), 10, 90000); /* night */
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 1);
    assert_int_equal(ev(c, 0)->type, EV_NIGHT_SPEEDING);
    assert_int_equal(ev(c, 0)->start, lt(c, "2026-03-16 04:30:00"));
    free_ctx(c);
}

/* ---- per-vehicle limit ---- */

static void test_vehicle_limit_override(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    reg(c, "T1", 2, CLASS_TRUCK, 70);
    reg(c, "K1", 2, CLASS_COACH, 90);
    int64_t d = lt(c, NOON), n = lt(c, "2026-03-15 23:30:00");
    run_at(c, "T1", 2, d, d + 60, 10, 75000);
    run_at(c, "K1", 2, d, d + 60, 10, 91000);
    run_at(c, "K1", 2, n, n + 60, 10, 73000); /* night: 0.8 x 90 = 72 */
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 3);
    const rl_event *k_day = ev(c, 0), *k_night = ev(c, 1), *t = ev(c, 2);
    assert_int_equal(k_day->limit, 90000);
    assert_int_equal(k_day->type, EV_SPEEDING);
    assert_int_equal(k_night->limit, 72000);
    assert_int_equal(k_night->type, EV_NIGHT_SPEEDING);
    assert_int_equal(t->limit, 70000);
    assert_int_equal(t->value, 75000);
    free_ctx(c);
}

static void test_class_limits_from_rules(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    char err[128];
    assert_true(rules_set(&c->run.rules, "speeding.muck", "40", err, sizeof err));
    reg(c, "M1", 2, CLASS_MUCK, 0);
    int64_t d = lt(c, NOON);
    run_at(c, "M1", 2, d, d + 60, 10, 45000);
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 1);
    assert_int_equal(ev(c, 0)->limit, 40000);
    assert_string_equal(ev(c, 0)->rule, "speeding.muck");
    free_ctx(c);
}

/* ---- value, excess, severity (RULES.md §2 table) ---- */

static void one_episode(vehicle_class cls, int32_t peak_mkmh, const char *severity, int64_t limit)
{
    ctx *c = new_ctx();
    reg(c, "V1", 2, cls, 0);
    int64_t d = lt(c, NOON);
    run_at(c, "V1", 2, d, d + 60, 10, (int32_t)limit + 1);
    pos(c, "V1", 2, d + 65, peak_mkmh);
    run_at(c, "V1", 2, d + 70, d + 120, 10, (int32_t)limit + 1);
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 1);
    const rl_event *e = ev(c, 0);
    assert_int_equal(e->value, peak_mkmh);
    assert_int_equal(e->limit, limit);
    if (strcmp(e->severity, severity) != 0)
        fail_msg("%s at %d vs %lld: severity \"%s\", want \"%s\"", class_name(cls), peak_mkmh, (long long)limit,
                 e->severity, severity);
    double want_pct = (double)(peak_mkmh - limit) / (double)limit * 100.0;
    assert_true(fabs(event_excess_pct(e) - want_pct) < 1e-9);
    free_ctx(c);
}

static void test_severity_in_events(void **st)
{
    (void)st;
    /* group A, hazmat limit 80 */
    one_episode(CLASS_HAZMAT, 87999, "6 pts; warning or 20-200 yuan", 80000);
    one_episode(CLASS_HAZMAT, 88000, "6 pts; warning or 20-200 yuan", 80000);
    one_episode(CLASS_HAZMAT, 95999, "6 pts; warning or 20-200 yuan", 80000);
    one_episode(CLASS_HAZMAT, 96000, "12 pts; warning or 20-200 yuan", 80000);
    one_episode(CLASS_HAZMAT, 120000, "12 pts; warning or 20-200 yuan", 80000);
    one_episode(CLASS_HAZMAT, 120001, "12 pts; 200-2000 yuan", 80000);
    /* group A, muck limit 60 */
    one_episode(CLASS_MUCK, 72000, "12 pts; warning or 20-200 yuan", 60000);
    one_episode(CLASS_MUCK, 71999, "6 pts; warning or 20-200 yuan", 60000);
    /* group B, truck limit 100, other 120 */
    one_episode(CLASS_TRUCK, 110000, "0 pts; warning or 20-200 yuan", 100000);
    one_episode(CLASS_TRUCK, 119999, "0 pts; warning or 20-200 yuan", 100000);
    one_episode(CLASS_TRUCK, 120000, "6 pts; warning or 20-200 yuan", 100000);
    one_episode(CLASS_TRUCK, 150000, "12 pts; warning or 20-200 yuan", 100000);
    one_episode(CLASS_TRUCK, 150001, "12 pts; 200-2000 yuan", 100000);
    one_episode(CLASS_OTHER, 144000, "6 pts; warning or 20-200 yuan", 120000);
    one_episode(CLASS_OTHER, 143999, "0 pts; warning or 20-200 yuan", 120000);
}

/* Events carry their positions, ids, and are sorted by plate, colour,
 * start. */
static void test_event_details_and_order(void **st)
{
    (void)st;
    ctx *c = new_ctx();
    int64_t d = lt(c, NOON);
    run_at(c, "B2", 2, d + 1000, d + 1100, 10, 130000);
    run_at(c, "B2", 2, d, d + 100, 10, 130000);
    run_at(c, "B2", 1, d + 500, d + 600, 10, 130000);
    run_at(c, "A9", 2, d + 2000, d + 2100, 10, 130000);
    analyze_finish(&c->run);
    assert_int_equal(nspeed(c), 4);
    const char *want_plate[] = {"A9", "B2", "B2", "B2"};
    int want_color[] = {2, 1, 2, 2};
    int64_t want_start[] = {d + 2000, d + 500, d, d + 1000};
    for (int i = 0; i < 4; i++) {
        const rl_event *e = ev(c, (size_t)i);
        const rl_vehicle *v = vtable_at(c->run.vt, e->vehicle);
        assert_string_equal(run_vehicle_label(&c->run, v), want_plate[i]);
        assert_int_equal(v->color, want_color[i]);
        assert_int_equal(e->start, want_start[i]);
        assert_true(e->have_pos);
        assert_int_equal(e->start_lat_e6, 22500000);
        assert_int_equal(e->end_lon_e6, 113900000);
        char id[17];
        event_make_id(want_plate[i], want_color[i], e->type, e->start, NULL, id);
        assert_string_equal(e->id, id);
    }
    free_ctx(c);
}

/* Results do not depend on input order or on rows being split between
 * "files" (RULES.md §1). */
static void test_shuffled_input_same_events(void **st)
{
    (void)st;
    enum { N = 4000 };
    static int64_t tt[N];
    static int32_t sp[N];
    static char plate[N][4];
    uint64_t x = 99;
    ctx *probe = new_ctx();
    int64_t base = lt(probe, "2026-03-15 20:00:00");
    free_ctx(probe);
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int veh = i % 4;
        snprintf(plate[i], sizeof plate[i], "K%d", veh);
        tt[i] = base + (i / 4) * 11;
        int phase = (int)((i / 4) / 15) % 3;
        sp[i] = phase == 0 ? 70000 : phase == 1 ? 95000 : 125000 + (int32_t)((x >> 40) % 5000);
    }
    char *ref = NULL;
    for (int round = 0; round < 3; round++) {
        ctx *c = new_ctx();
        reg(c, "K0", 2, CLASS_COACH, 0);
        reg(c, "K1", 2, CLASS_TRUCK, 0);
        reg(c, "K2", 2, CLASS_CHARTER, 0);
        int idx[N];
        for (int i = 0; i < N; i++)
            idx[i] = i;
        for (int i = N - 1; round > 0 && i > 0; i--) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            int j = (int)((x >> 33) % (uint64_t)(i + 1));
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
        }
        for (int k = 0; k < N; k++) {
            int i = idx[k];
            rl_position p;
            memset(&p, 0, sizeof p);
            p.origin = RL_ORIGIN(round == 2 ? (unsigned)(i % 2) : 0, 2 + (uint64_t)i);
            p.time = tt[i];
            p.lat_e6 = 22500000;
            p.lon_e6 = 113900000;
            p.speed_mkmh = sp[i];
            p.color = 2;
            p.plate = plate[i];
            p.plate_len = 2;
            c->sink.position(c->sink.ud, &p);
        }
        analyze_finish(&c->run);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        for (size_t i = 0; i < c->run.events.n; i++) {
            const rl_event *e = &c->run.events.e[i];
            fprintf(f, "%s %d %lld %lld %lld %lld %s %u\n", e->id, e->type, (long long)e->start, (long long)e->end,
                    (long long)e->value, (long long)e->limit, e->severity, e->evidence_points);
        }
        fclose(f);
        if (!ref) {
            ref = buf;
            assert_true(c->run.events.n > 10);
            assert_true(count_type(c, EV_NIGHT_SPEEDING) > 0);
        } else {
            assert_string_equal(buf, ref);
            free(buf);
        }
        free_ctx(c);
    }
    free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_59_vs_60_seconds),
        cmocka_unit_test(test_min_duration_from_rules),
        cmocka_unit_test(test_exactly_at_limit),
        cmocka_unit_test(test_below_limit_breaks_run),
        cmocka_unit_test(test_gap_inside_run),
        cmocka_unit_test(test_invalid_and_duplicate_inside_run),
        cmocka_unit_test(test_coach_night_limit),
        cmocka_unit_test(test_coach_run_cut_at_22),
        cmocka_unit_test(test_coach_run_cut_at_06),
        cmocka_unit_test(test_coach_night_starts_at_22),
        cmocka_unit_test(test_coach_night_run_across_midnight),
        cmocka_unit_test(test_night_in_analysis_zone),
        cmocka_unit_test(test_night_factor_from_rules),
        cmocka_unit_test(test_night_window_from_rules),
        cmocka_unit_test(test_vehicle_limit_override),
        cmocka_unit_test(test_class_limits_from_rules),
        cmocka_unit_test(test_severity_in_events),
        cmocka_unit_test(test_event_details_and_order),
        cmocka_unit_test(test_shuffled_input_same_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
