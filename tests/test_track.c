/*
 * test_track.c - a vehicle's fixes made into a track (src/track.h),
 * exactly as RULES.md §1: duplicates, invalid fixes (every bound and
 * status bit 1), drift (threshold exclusive) and re-anchoring, intervals
 * driving / stopped with and without gaps, haversine, and drivers carried
 * over to fixes that name none (RULES.md §3).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track.h"

#define T0 INT64_C(1773534600)

/* ---- recording hooks ---- */

typedef struct acc {
    rl_fix f;
    bool have_iv;
    rl_interval iv;
} acc;

typedef struct rec {
    struct { uint64_t origin; point_kind k; int64_t time; } pt[4096];
    int npt;
    uint64_t dup[256];
    int ndup;
    acc a[4096];
    int na;
} rec;

static rec R;

static void h_point(void *ud, const rl_fix *f, point_kind k)
{
    rec *r = ud;
    assert_true(r->npt < 4096);
    r->pt[r->npt].origin = f->origin;
    r->pt[r->npt].k = k;
    r->pt[r->npt].time = f->time;
    r->npt++;
}

static void h_dup(void *ud, const rl_fix *f)
{
    rec *r = ud;
    assert_true(r->ndup < 256);
    r->dup[r->ndup++] = f->origin;
}

static void h_acc(void *ud, const rl_fix *f, const rl_interval *iv)
{
    rec *r = ud;
    assert_true(r->na < 4096);
    acc *a = &r->a[r->na++];
    a->f = *f;
    a->have_iv = iv != NULL;
    if (iv)
        a->iv = *iv;
}

typedef struct env {
    vtable *t;
    rl_vehicle *v;
    rl_rules rules;
    track_counts c;
    uint64_t next_origin;
} env;

static void env_init(env *e)
{
    memset(e, 0, sizeof *e);
    memset(&R, 0, sizeof R);
    e->t = vtable_new();
    e->v = vtable_get(e->t, 1, 2, false);
    rules_defaults(&e->rules);
    e->next_origin = 2;
}

static void env_free(env *e) { vtable_free(e->t); }

/* Add a fix; origin = input line (increasing unless given). */
static uint64_t addf(env *e, int64_t t, double lat, double lon, double kmh, uint32_t driver, bool invalid,
                     uint64_t origin)
{
    rl_fix f;
    memset(&f, 0, sizeof f);
    f.time = t;
    f.lat_e6 = (int32_t)llround(lat * 1e6);
    f.lon_e6 = (int32_t)llround(lon * 1e6);
    f.speed_mkmh = (int32_t)llround(kmh * 1000);
    f.driver_flags = driver | (invalid ? FIX_INVALID : 0);
    f.origin = origin ? origin : e->next_origin++;
    vehicle_add_fix(e->t, e->v, &f);
    return f.origin;
}

static void run(env *e)
{
    track_hooks h = {&R, h_point, h_dup, h_acc};
    memset(&e->c, 0, sizeof e->c);
    track_run(e->v, &e->rules, &h, &e->c, NULL);
}

/* ---- haversine ---- */

static void test_haversine(void **st)
{
    (void)st;
    /* one degree of a meridian: R x pi / 180 with R = 6371.0088 km */
    double deg = 6371.0088 * M_PI / 180.0;
    assert_true(fabs(haversine_km(22000000, 113000000, 23000000, 113000000) - deg) < 1e-6);
    assert_true(fabs(haversine_km(30000000, 113000000, 30000000, 114000000) - deg * cos(30 * M_PI / 180)) < 1e-3);
    /* Tiananmen to People's Square, Shanghai (independent reference) */
    assert_true(fabs(haversine_km(39908700, 116397500, 31230400, 121473700) - 1068.1403434910858) < 1e-6);
    assert_true(fabs(haversine_km(22543210, 113987654, 22547321, 113991234) - 0.5866279519314318) < 1e-9);
    assert_true(haversine_km(22543210, 113987654, 22543210, 113987654) == 0);
    /* symmetric */
    assert_true(fabs(haversine_km(31230400, 121473700, 39908700, 116397500) - 1068.1403434910858) < 1e-6);
}

/* The haversine of RULES.md §1 written plainly, every sin() called: the
 * distance track.c gives (its sin() of small differences comes from a
 * table) must be this, bit for bit. */
static double plain_haversine(int32_t lat1, int32_t lon1, int32_t lat2, int32_t lon2)
{
    const double rad = M_PI / 180.0 / 1e6;
    double c1 = cos(lat1 * rad), c2 = cos(lat2 * rad);
    double dp = ((double)lat2 - (double)lat1) * rad, dl = ((double)lon2 - (double)lon1) * rad;
    double s1 = sin(dp / 2), s2 = sin(dl / 2);
    double h = s1 * s1 + c1 * c2 * s2 * s2;
    if (h > 1)
        h = 1;
    return 2 * 6371.0088 * asin(sqrt(h));
}

static void test_haversine_bit_exact(void **st)
{
    (void)st;
    srand(7);
    /* every difference in and around the table (|d| <= 32768), both signs,
     * then random ones near and far */
    for (int d = -33000; d <= 33000; d++) {
        int32_t lat = 22543210, lon = 113987654;
        double a = haversine_km(lat, lon, lat + d, lon), b = plain_haversine(lat, lon, lat + d, lon);
        double c = haversine_km(lat, lon, lat + d / 3, lon - d), e = plain_haversine(lat, lon, lat + d / 3, lon - d);
        assert_memory_equal(&a, &b, sizeof a);
        assert_memory_equal(&c, &e, sizeof c);
    }
    for (int i = 0; i < 200000; i++) {
        int32_t lat1 = 18000000 + rand() % 36000000, lon1 = 73000000 + rand() % 62000000;
        int32_t span = i % 2 ? 70000 : 40000000;
        int32_t lat2 = lat1 + rand() % span - span / 2, lon2 = lon1 + rand() % span - span / 2;
        double a = haversine_km(lat1, lon1, lat2, lon2), b = plain_haversine(lat1, lon1, lat2, lon2);
        assert_memory_equal(&a, &b, sizeof a);
    }
}

/* ---- track.invalid ---- */

static void test_invalid_bounds(void **st)
{
    (void)st;
    rl_rules r;
    rules_defaults(&r);
    const int32_t lat = 22500000, lon = 113900000, sp = 50000;
    assert_false(track_is_invalid(&r, lat, lon, sp, false, 0));
    /* lon in [73, 136] */
    assert_false(track_is_invalid(&r, lat, 73000000, sp, false, 0));
    assert_true(track_is_invalid(&r, lat, 72999999, sp, false, 0));
    assert_false(track_is_invalid(&r, lat, 136000000, sp, false, 0));
    assert_true(track_is_invalid(&r, lat, 136000001, sp, false, 0));
    /* lat in [3, 54] */
    assert_false(track_is_invalid(&r, 3000000, lon, sp, false, 0));
    assert_true(track_is_invalid(&r, 2999999, lon, sp, false, 0));
    assert_false(track_is_invalid(&r, 54000000, lon, sp, false, 0));
    assert_true(track_is_invalid(&r, 54000001, lon, sp, false, 0));
    assert_true(track_is_invalid(&r, -22500000, lon, sp, false, 0));
    /* speed in [0, 220] */
    assert_false(track_is_invalid(&r, lat, lon, 0, false, 0));
    assert_true(track_is_invalid(&r, lat, lon, -1, false, 0));
    assert_false(track_is_invalid(&r, lat, lon, 220000, false, 0));
    assert_true(track_is_invalid(&r, lat, lon, 220001, false, 0));
    /* status bit 1 (positioned) */
    assert_false(track_is_invalid(&r, lat, lon, sp, true, 0x2));
    assert_false(track_is_invalid(&r, lat, lon, sp, true, 0x3));
    assert_true(track_is_invalid(&r, lat, lon, sp, true, 0x0));
    assert_true(track_is_invalid(&r, lat, lon, sp, true, 0x1));
    assert_true(track_is_invalid(&r, lat, lon, sp, true, 0xFFFFFFFDu));
    assert_false(track_is_invalid(&r, lat, lon, sp, false, 0x0)); /* no status: not judged on it */
    /* bounds come from the rules */
    r.v[R_TRACK_SPEED_MAX_KMH] = 120;
    assert_true(track_is_invalid(&r, lat, lon, 120001, false, 0));
    assert_false(track_is_invalid(&r, lat, lon, 120000, false, 0));
}

static void test_invalid_in_track(void **st)
{
    (void)st;
    env e;
    env_init(&e);
    addf(&e, T0, 22.5, 113.9, 30, 0, false, 0);
    uint64_t bad = addf(&e, T0 + 10, 22.5, 113.9, 30, 0, true, 0);
    addf(&e, T0 + 20, 22.5, 113.9, 30, 0, false, 0);
    run(&e);
    assert_int_equal(e.c.points, 3);
    assert_int_equal(e.c.invalid, 1);
    assert_int_equal(e.c.accepted, 2);
    assert_int_equal(R.npt, 3);
    assert_int_equal(R.pt[1].origin, bad);
    assert_int_equal(R.pt[1].k, PT_INVALID);
    assert_int_equal(R.na, 2);
    /* the interval skips the invalid fix */
    assert_int_equal(R.a[1].iv.dt, 20);
    env_free(&e);
}

/* ---- duplicates ---- */

static void test_duplicates(void **st)
{
    (void)st;
    env e;
    env_init(&e);
    /* second 0: invalid (line 5), invalid (line 3), valid (line 7) -> 7 */
    addf(&e, T0, 22.5, 113.9, 30, 0, true, 5);
    addf(&e, T0, 22.5, 113.9, 31, 0, true, 3);
    addf(&e, T0, 22.5, 113.9, 32, 0, false, 7);
    /* second 10: all invalid, lines 9 and 4 -> 4 (first in input order) */
    addf(&e, T0 + 10, 22.5, 113.9, 40, 0, true, 9);
    addf(&e, T0 + 10, 22.5, 113.9, 41, 0, true, 4);
    /* second 20: two valid, lines 10 and 8 -> 8 */
    addf(&e, T0 + 20, 22.5, 113.9, 50, 0, false, 10);
    addf(&e, T0 + 20, 22.5, 113.9, 51, 0, false, 8);
    /* second 30: one valid among invalid, valid has the largest line */
    addf(&e, T0 + 30, 22.5, 113.9, 60, 0, true, 11);
    addf(&e, T0 + 30, 22.5, 113.9, 61, 0, false, 12);
    run(&e);
    assert_int_equal(e.c.duplicates, 5);
    assert_int_equal(e.c.points, 4);
    assert_int_equal(R.npt, 4);
    assert_int_equal(R.pt[0].origin, 7);
    assert_int_equal(R.pt[0].k, PT_ACCEPTED);
    assert_int_equal(R.pt[1].origin, 4);
    assert_int_equal(R.pt[1].k, PT_INVALID);
    assert_int_equal(R.pt[2].origin, 8);
    assert_int_equal(R.pt[3].origin, 12);
    assert_int_equal(e.c.invalid, 1);
    assert_int_equal(e.c.accepted, 3);
    assert_int_equal(R.ndup, 5);
    uint64_t dsum = 0;
    for (int i = 0; i < R.ndup; i++)
        dsum += R.dup[i];
    assert_int_equal(dsum, 5 + 3 + 9 + 10 + 11);
    env_free(&e);
}

/* ---- drift ---- */

static void test_drift_defaults(void **st)
{
    (void)st;
    env e;
    env_init(&e);
    addf(&e, T0, 22.5, 113.9, 30, 0, false, 0);
    uint64_t jump = addf(&e, T0 + 60, 23.0, 113.9, 30, 0, false, 0);  /* 55.6 km in 60 s */
    addf(&e, T0 + 120, 22.5005, 113.9, 30, 0, false, 0);
    uint64_t near = addf(&e, T0 + 121, 22.5085, 113.9, 30, 0, false, 0); /* 0.89 km in 1 s: < 1 km */
    run(&e);
    assert_int_equal(e.c.drift, 1);
    assert_int_equal(e.c.accepted, 3);
    assert_int_equal(R.pt[1].origin, jump);
    assert_int_equal(R.pt[1].k, PT_DRIFT);
    assert_int_equal(R.pt[3].origin, near);
    assert_int_equal(R.pt[3].k, PT_ACCEPTED);
    /* the interval after the drift fix starts at the last accepted fix */
    assert_int_equal(R.a[1].iv.a.time, T0);
    assert_int_equal(R.a[1].iv.dt, 120);
    env_free(&e);
}

/* Exactly at track.drift_kmh is not drift; a hair above is. */
static void test_drift_threshold_exact(void **st)
{
    (void)st;
    int32_t la = 22500000, lo = 113900000, lb = 22600000;
    double d = haversine_km(la, lo, lb, lo); /* ~11.1 km */
    for (int above = 0; above < 2; above++) {
        env e;
        env_init(&e);
        /* 3600 s apart: the implied speed in km/h is the distance in km */
        e.rules.v[R_TRACK_DRIFT_KMH] = above ? nextafter(d, 0) : d;
        addf(&e, T0, la / 1e6, lo / 1e6, 0, 0, false, 0);
        addf(&e, T0 + 3600, lb / 1e6, lo / 1e6, 0, 0, false, 0);
        run(&e);
        assert_int_equal(e.c.drift, above ? 1 : 0);
        assert_int_equal(e.c.accepted, above ? 1 : 2);
        env_free(&e);
    }
    /* default threshold: 160 km/h over 3600 s is 160 km; 10 km more is drift */
    env e;
    env_init(&e);
    addf(&e, T0, 22.5, 113.9, 0, 0, false, 0);
    addf(&e, T0 + 3600, 22.5 + 159.0 / 111.19508, 113.9, 0, 0, false, 0);
    addf(&e, T0 + 7200, 22.5 + 159.0 / 111.19508 + 170.0 / 111.19508, 113.9, 0, 0, false, 0);
    run(&e);
    assert_int_equal(e.c.drift, 1);
    assert_int_equal(e.c.accepted, 2);
    env_free(&e);
}

/* The distance must exceed track.drift_min_km: exactly at it is not drift. */
static void test_drift_min_km_exact(void **st)
{
    (void)st;
    int32_t la = 22500000, lo = 113900000, lb = 22520000;
    double d = haversine_km(la, lo, lb, lo); /* ~2.2 km in 10 s: 800 km/h */
    for (int above = 0; above < 2; above++) {
        env e;
        env_init(&e);
        e.rules.v[R_TRACK_DRIFT_MIN_KM] = above ? nextafter(d, 0) : d;
        addf(&e, T0, la / 1e6, lo / 1e6, 0, 0, false, 0);
        addf(&e, T0 + 10, lb / 1e6, lo / 1e6, 0, 0, false, 0);
        run(&e);
        assert_int_equal(e.c.drift, above ? 1 : 0);
        env_free(&e);
    }
}

static void test_reanchor(void **st)
{
    (void)st;
    env e;
    env_init(&e);
    uint64_t a = addf(&e, T0, 22.5, 113.9, 30, 0, false, 0);
    uint64_t b1 = addf(&e, T0 + 10, 23.5, 113.9, 30, 0, false, 0);
    uint64_t b2 = addf(&e, T0 + 20, 23.5001, 113.9, 30, 0, false, 0);
    uint64_t b3 = addf(&e, T0 + 30, 23.5002, 113.9, 30, 0, false, 0);
    uint64_t b4 = addf(&e, T0 + 40, 23.5003, 113.9, 30, 0, false, 0);
    run(&e);
    assert_int_equal(e.c.drift, 2);
    assert_int_equal(e.c.accepted, 3);
    assert_int_equal(R.pt[0].origin, a);
    assert_int_equal(R.pt[1].origin, b1);
    assert_int_equal(R.pt[1].k, PT_DRIFT);
    assert_int_equal(R.pt[2].origin, b2);
    assert_int_equal(R.pt[2].k, PT_DRIFT);
    assert_int_equal(R.pt[3].origin, b3);
    assert_int_equal(R.pt[3].k, PT_ACCEPTED); /* the 3rd in a row re-anchors */
    assert_int_equal(R.pt[4].origin, b4);
    assert_int_equal(R.pt[4].k, PT_ACCEPTED); /* near the new reference */
    assert_int_equal(R.a[1].f.origin, b3);
    assert_int_equal(R.a[1].iv.a.origin, a);
    assert_int_equal(R.a[1].iv.dt, 30);
    assert_int_equal(R.a[2].iv.a.origin, b3);
    env_free(&e);
}

static void test_reanchor_run_resets(void **st)
{
    (void)st;
    env e;
    env_init(&e);
    addf(&e, T0, 22.5, 113.9, 30, 0, false, 0);
    addf(&e, T0 + 10, 23.5, 113.9, 30, 0, false, 0);    /* drift 1 */
    addf(&e, T0 + 20, 22.5001, 113.9, 30, 0, false, 0); /* good: run broken */
    addf(&e, T0 + 30, 23.5, 113.9, 30, 0, false, 0);    /* drift 1 */
    addf(&e, T0 + 40, 23.5001, 113.9, 30, 0, false, 0); /* drift 2 */
    uint64_t third = addf(&e, T0 + 50, 23.5002, 113.9, 30, 0, false, 0); /* 3rd: accepted */
    run(&e);
    assert_int_equal(e.c.drift, 3);
    assert_int_equal(e.c.accepted, 3);
    assert_int_equal(R.a[2].f.origin, third);
    env_free(&e);
    /* reanchor_n from the rules */
    env_init(&e);
    e.rules.v[R_TRACK_REANCHOR_N] = 5;
    addf(&e, T0, 22.5, 113.9, 30, 0, false, 0);
    for (int i = 1; i <= 5; i++)
        addf(&e, T0 + 10 * i, 23.5 + i * 0.0001, 113.9, 30, 0, false, 0);
    run(&e);
    assert_int_equal(e.c.drift, 4);
    assert_int_equal(e.c.accepted, 2);
    env_free(&e);
}

/* ---- intervals ---- */

static void test_intervals_no_gap(void **st)
{
    (void)st;
    env e;
    env_init(&e);
    addf(&e, T0, 22.5, 113.9, 0, 0, false, 0);
    addf(&e, T0 + 10, 22.5, 113.9, 5, 0, false, 0);      /* b moving at exactly 5 */
    addf(&e, T0 + 20, 22.5, 113.9, 0, 0, false, 0);      /* a moving */
    addf(&e, T0 + 30, 22.5, 113.9, 4.999, 0, false, 0);  /* neither */
    addf(&e, T0 + 40, 22.5, 113.9, 0, 0, false, 0);      /* neither */
    addf(&e, T0 + 340, 22.5, 113.9, 0, 0, false, 0);     /* dt = 300: no gap */
    run(&e);
    assert_int_equal(R.na, 6);
    assert_false(R.a[0].have_iv);
    static const bool driving[] = {true, true, false, false, false};
    for (int i = 1; i < 6; i++) {
        assert_true(R.a[i].have_iv);
        assert_false(R.a[i].iv.gap);
        if (R.a[i].iv.driving != driving[i - 1])
            fail_msg("interval %d: driving %d", i, R.a[i].iv.driving);
        assert_int_equal(R.a[i].iv.a.time, R.a[i - 1].f.time);
        assert_int_equal(R.a[i].iv.b.time, R.a[i].f.time);
    }
    assert_int_equal(R.a[5].iv.dt, 300);
    env_free(&e);
}

static void test_intervals_gap(void **st)
{
    (void)st;
    env e;
    env_init(&e);
    addf(&e, T0, 22.5, 113.9, 0, 0, false, 0);
    addf(&e, T0 + 301, 22.5, 113.9, 60, 0, false, 0);    /* gap_s + 1: a gap; moving b but no distance */
    addf(&e, T0 + 301 + 3600, 22.5 + 20 / 111.19508, 113.9, 0, 0, false, 0); /* 20 km in 1 h: driving */
    addf(&e, T0 + 301 + 7200, 22.5 + 20.5 / 111.19508, 113.9, 80, 0, false, 0); /* 0.5 km in 1 h, moving: stopped */
    addf(&e, T0 + 301 + 7500, 22.5 + 20.5 / 111.19508, 113.9, 80, 0, false, 0); /* 300 s: no gap, moving */
    run(&e);
    assert_int_equal(R.na, 5);
    assert_true(R.a[1].iv.gap);
    assert_int_equal(R.a[1].iv.dt, 301);
    assert_false(R.a[1].iv.driving);
    assert_true(R.a[2].iv.gap);
    assert_true(R.a[2].iv.driving);
    assert_true(fabs(R.a[2].iv.dist_km - 20.0) < 0.01);
    assert_true(R.a[3].iv.gap);
    assert_false(R.a[3].iv.driving);
    assert_false(R.a[4].iv.gap);
    assert_true(R.a[4].iv.driving);
    env_free(&e);
}

/* Gap interval: driving when distance / dt >= moving_kmh, exactly equal
 * included. */
static void test_gap_moving_exact(void **st)
{
    (void)st;
    int32_t la = 22500000, lo = 113900000, lb = 22545000;
    double d = haversine_km(la, lo, lb, lo); /* ~5 km */
    for (int below = 0; below < 2; below++) {
        env e;
        env_init(&e);
        e.rules.v[R_TRACK_MOVING_KMH] = below ? nextafter(d, 1e9) : d;
        addf(&e, T0, la / 1e6, lo / 1e6, 0, 0, false, 0);
        addf(&e, T0 + 3600, lb / 1e6, lo / 1e6, 0, 0, false, 0);
        run(&e);
        assert_int_equal(R.na, 2);
        assert_true(R.a[1].iv.gap);
        assert_int_equal(R.a[1].iv.driving, !below);
        env_free(&e);
    }
}

static void test_gap_s_from_rules(void **st)
{
    (void)st;
    env e;
    env_init(&e);
    e.rules.v[R_TRACK_GAP_S] = 60;
    addf(&e, T0, 22.5, 113.9, 30, 0, false, 0);
    addf(&e, T0 + 60, 22.5, 113.9, 30, 0, false, 0);
    addf(&e, T0 + 121, 22.5, 113.9, 30, 0, false, 0);
    run(&e);
    assert_false(R.a[1].iv.gap);
    assert_true(R.a[2].iv.gap);
    env_free(&e);
}

static void test_interval_distance(void **st)
{
    (void)st;
    env e;
    env_init(&e);
    addf(&e, T0, 22.543210, 113.987654, 30, 0, false, 0);
    addf(&e, T0 + 60, 22.547321, 113.991234, 30, 0, false, 0);
    run(&e);
    assert_true(fabs(R.a[1].iv.dist_km - 0.5866279519314318) < 1e-9);
    assert_int_equal(R.a[1].iv.dt, 60);
    env_free(&e);
}

/* ---- drivers ---- */

static void test_driver_inherited(void **st)
{
    (void)st;
    env e;
    env_init(&e);
    addf(&e, T0, 22.5, 113.9, 30, 0, false, 0);
    addf(&e, T0 + 10, 22.5, 113.9, 30, 5, false, 0);
    addf(&e, T0 + 20, 22.5, 113.9, 30, 0, false, 0);
    addf(&e, T0 + 30, 22.5, 113.9, 30, 0, false, 0);
    addf(&e, T0 + 40, 22.5, 113.9, 30, 7, false, 0);
    addf(&e, T0 + 50, 22.5, 113.9, 30, 0, false, 0);
    run(&e);
    static const uint32_t want[] = {0, 5, 5, 5, 7, 7};
    assert_int_equal(R.na, 6);
    for (int i = 0; i < 6; i++) {
        if (fix_driver(&R.a[i].f) != want[i])
            fail_msg("fix %d: driver %u, want %u", i, fix_driver(&R.a[i].f), want[i]);
        if (i)
            assert_int_equal(fix_driver(&R.a[i].iv.a), want[i - 1]);
    }
    env_free(&e);
}

/* Input order does not matter (RULES.md §1). */
static void test_shuffle_invariance(void **st)
{
    (void)st;
    enum { N = 3000 };
    static struct { int64_t t; double lat, lon, kmh; uint32_t drv; bool inv; uint64_t o; } fx[N];
    uint64_t x = 12345;
    double lat = 22.5;
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        unsigned r = (unsigned)(x >> 33);
        fx[i].t = T0 + i * 7 + (r % 13 == 0 ? 400 : 0) - (r % 17 == 0 ? 7 : 0);
        lat += (r % 100) * 1e-5;
        fx[i].lat = r % 41 == 0 ? lat + 1.0 : lat;
        fx[i].lon = 113.9;
        fx[i].kmh = (double)(r % 110);
        fx[i].drv = r % 19 == 0 ? 3 : r % 23 == 0 ? 4 : 0;
        fx[i].inv = r % 29 == 0;
        fx[i].o = 2 + (uint64_t)i;
    }
    char *ref = NULL;
    size_t reflen = 0;
    for (int round = 0; round < 4; round++) {
        env e;
        env_init(&e);
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
            addf(&e, fx[i].t, fx[i].lat, fx[i].lon, fx[i].kmh, fx[i].drv, fx[i].inv, fx[i].o);
        }
        run(&e);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        fprintf(f, "%llu %llu %llu %llu %llu\n", (unsigned long long)e.c.points, (unsigned long long)e.c.duplicates,
                (unsigned long long)e.c.invalid, (unsigned long long)e.c.drift, (unsigned long long)e.c.accepted);
        for (int i = 0; i < R.npt; i++)
            fprintf(f, "P %llu %d\n", (unsigned long long)R.pt[i].origin, (int)R.pt[i].k);
        for (int i = 0; i < R.na; i++)
            fprintf(f, "A %llu %u %d %d %.9f\n", (unsigned long long)R.a[i].f.origin, fix_driver(&R.a[i].f),
                    R.a[i].iv.gap, R.a[i].iv.driving, R.a[i].iv.dist_km);
        fclose(f);
        if (!ref) {
            ref = buf;
            reflen = len;
            assert_true(e.c.drift > 0 && e.c.duplicates > 0 && e.c.invalid > 0);
        } else {
            assert_int_equal(len, reflen);
            assert_memory_equal(buf, ref, len);
            free(buf);
        }
        env_free(&e);
    }
    free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_haversine),
        cmocka_unit_test(test_haversine_bit_exact),
        cmocka_unit_test(test_invalid_bounds),
        cmocka_unit_test(test_invalid_in_track),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_drift_defaults),
        cmocka_unit_test(test_drift_threshold_exact),
        cmocka_unit_test(test_drift_min_km_exact),
        cmocka_unit_test(test_reanchor),
        cmocka_unit_test(test_reanchor_run_resets),
        cmocka_unit_test(test_intervals_no_gap),
        cmocka_unit_test(test_intervals_gap),
        cmocka_unit_test(test_gap_moving_exact),
        cmocka_unit_test(test_gap_s_from_rules),
        cmocka_unit_test(test_interval_distance),
        cmocka_unit_test(test_driver_inherited),
        cmocka_unit_test(test_shuffle_invariance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
