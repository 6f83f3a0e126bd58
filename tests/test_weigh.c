/*
 * test_weigh.c - weighbridge and weigh-in-motion (RULES.md §5,
 * FORMATS.md §4) through the whole engine: every tier edge the issue
 * lists (exactly 30 % and 50 %, exactly 1000 kg over the limit, at and
 * just above the 5 % WIM tolerance, 20 % over capacity), the registry's
 * lower max_gross_kg, unknown vehicles, GPS at the scale (5 km exactly
 * vs 5.001 km, the ±600 s window, the nearest fix against a brute-force
 * search), vehicle days, and the CSV parser on real files (tonnes vs kg
 * headers, Chinese headers, separators, rejects with their line).
 */
#include <stdio.h>
#include <unistd.h>

#include "harness.h"
#include "detect.h"
#include "ingest.h"
#include "track.h"
#include "weigh_csv.h"

/* ---- building weighings and registry rows ---- */

typedef struct {
    const char *plate;
    int color;               /* 0 = not read */
    int64_t t;
    int axles;
    int64_t gross;
    bool wim;
    int nax;
    int ax[RL_MAX_AXLES];
    int pax;                 /* passengers; 0 = not given */
    bool pos;                /* station position given */
    int32_t lat_e6, lon_e6;
} wspec;

static void h_weigh(harness *h, const wspec *s)
{
    rl_weighing w;
    memset(&w, 0, sizeof w);
    w.origin = RL_ORIGIN(1, ++h->line);
    w.time = s->t;
    w.plate = s->plate;
    w.plate_len = strlen(s->plate);
    w.color = s->color;
    w.axles = s->axles;
    w.gross_kg = s->gross;
    w.wim = s->wim;
    w.naxle_kg = s->nax;
    for (int i = 0; i < s->nax; i++)
        w.axle_kg[i] = s->ax[i];
    w.passengers = s->pax ? s->pax : -1;
    w.have_pos = s->pos;
    w.lat_e6 = s->lat_e6;
    w.lon_e6 = s->lon_e6;
    h->sink.weighing(h->sink.ud, &w);
}

/* A registry row with masses and seats (-1 = not given). */
static void h_register_masses(harness *h, const char *plate, vehicle_class c, int64_t rated, int64_t curb,
                              int64_t max_gross, int seats)
{
    h_register(h, plate, 2, c);
    uint32_t id = strtab_intern(h->run.str, plate, strlen(plate));
    for (size_t i = 0; i < h->run.reg.n; i++)
        if (h->run.reg.e[i].plate == id && h->run.reg.e[i].color == 2) {
            h->run.reg.e[i].rated_load_kg = rated;
            h->run.reg.e[i].curb_kg = curb;
            h->run.reg.e[i].max_gross_kg = max_gross;
            h->run.reg.e[i].seats = seats;
        }
}

/* The event of type t starting at `start`, or NULL. */
static const rl_event *find(const harness *h, event_type t, int64_t start)
{
    for (size_t i = 0; i < h->run.events.n; i++)
        if (h->run.events.e[i].type == t && h->run.events.e[i].start == start)
            return &h->run.events.e[i];
    return NULL;
}

static uint64_t counter(const harness *h, const char *name)
{
    for (size_t i = 0; i < h->run.counters.n; i++)
        if (strcmp(h->run.counters.c[i].name, name) == 0)
            return h->run.counters.c[i].n;
    return 0;
}

#define D0 "2026-11-02 "

/* ---- over_limit (超限) ---- */

static void over_limit_edges(void **state)
{
    (void)state;
    static const struct {
        int axles;
        int64_t gross;
        bool wim;
        int64_t limit;           /* 0 = no event */
        const char *rule, *severity;
    } c[] = {
        {3, 25000, false, 0, NULL, NULL},                              /* = limit */
        {3, 26000, false, 25000, "overlimit.axles_3", "warning"},      /* exactly 1000 kg over */
        {3, 26001, false, 25000, "overlimit.axles_3", "1000 yuan"},    /* 1001 kg: 2 started tonnes */
        {2, 18000, false, 0, NULL, NULL},
        {2, 20000, false, 18000, "overlimit.axles_2", "1000 yuan"},    /* exactly 2000 kg: 2 tonnes */
        {4, 31001, false, 31000, "overlimit.axles_4", "warning"},
        {5, 43000, false, 0, NULL, NULL},
        {5, 45500, false, 43000, "overlimit.axles_5", "1500 yuan"},
        {6, 51450, true, 0, NULL, NULL},                               /* exactly +5 % WIM */
        {6, 51451, true, 49000, "overlimit.axles_6", "1500 yuan"},     /* 2451 kg: 3 tonnes */
        {7, 49500, false, 49000, "overlimit.axles_6", "warning"},      /* 7 axles: the 6-axle limit */
        {6, 49000 + 60000, false, 49000, "overlimit.axles_6", "30000 yuan"}, /* 60 t: exactly the cap */
        {6, 49000 + 60001, false, 49000, "overlimit.axles_6", "30000 yuan"}, /* capped */
        {1, 30000, false, 0, NULL, NULL},                              /* < 2 axles: not checked */
        {2, 18900, true, 0, NULL, NULL},                               /* 18000 x 1.05 */
        {2, 18901, true, 18000, "overlimit.axles_2", "warning"},
    };
    harness h;
    h_init(&h);
    int64_t t0 = T(D0 "08:00:00");
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        /* each on its own unknown vehicle: no registry row */
        char plate[32];
        snprintf(plate, sizeof plate, "粤A%05zu", i);
        h_weigh(&h, &(wspec){.plate = plate, .color = 2, .t = t0 + (int64_t)i * 60, .axles = c[i].axles,
                             .gross = c[i].gross, .wim = c[i].wim, .pos = true, .lat_e6 = 23050000,
                             .lon_e6 = 113300000});
    }
    h_finish(&h);
    size_t want = 0;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        const rl_event *e = find(&h, EV_OVER_LIMIT, t0 + (int64_t)i * 60);
        if (!c[i].limit) {
            if (e)
                fail_msg("case %zu: %d axles %lld kg: unexpected over_limit", i, c[i].axles, (long long)c[i].gross);
            continue;
        }
        want++;
        if (!e)
            fail_msg("case %zu: %d axles %lld kg: no over_limit", i, c[i].axles, (long long)c[i].gross);
        assert_int_equal(e->value, c[i].gross);
        assert_int_equal(e->limit, c[i].limit);
        assert_int_equal(e->scale, 0);
        assert_string_equal(e->rule, c[i].rule);
        assert_string_equal(e->severity, c[i].severity);
        assert_int_equal(e->end, e->start);
        assert_int_equal(e->evidence_points, 1);
        assert_true(e->have_pos);
        assert_int_equal(e->start_lat_e6, 23050000);
        assert_int_equal(e->end_lon_e6, 113300000);
        assert_false(e->have_gps); /* no GPS for these vehicles */
        assert_int_equal(RL_ORIGIN_POS(e->origin), i + 2);
    }
    assert_int_equal(h.run.events.n, want);
    /* every one is a vehicle without a registry row, counted as such */
    assert_int_equal(h.run.unregistered, sizeof c / sizeof c[0]);
    h_free(&h);
}

/* The registry's max_gross_kg replaces the axle table when lower; coaches
 * and charters are not checked (超限 is a freight rule). */
static void over_limit_registry(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_register_masses(&h, "粤B40001", CLASS_HEAVY_TRUCK, -1, -1, 28000, -1); /* 4 axles, licence 28 t */
    h_register_masses(&h, "粤B40002", CLASS_HEAVY_TRUCK, -1, -1, 40000, -1); /* higher: the table rules */
    h_register_masses(&h, "粤B40003", CLASS_COACH, -1, -1, -1, 45);
    h_register_masses(&h, "粤B40004", CLASS_CHARTER, -1, -1, -1, 33);
    h_register_masses(&h, "粤B40005", CLASS_TRUCK, -1, -1, 0, -1);       /* 0 = not given */
    int64_t t = T(D0 "09:00:00");
    h_weigh(&h, &(wspec){.plate = "粤B40001", .color = 2, .t = t, .axles = 4, .gross = 28000});
    h_weigh(&h, &(wspec){.plate = "粤B40001", .color = 2, .t = t + 60, .axles = 4, .gross = 29000});
    h_weigh(&h, &(wspec){.plate = "粤B40002", .color = 2, .t = t, .axles = 4, .gross = 31001});
    h_weigh(&h, &(wspec){.plate = "粤B40003", .color = 2, .t = t, .axles = 3, .gross = 30000});
    h_weigh(&h, &(wspec){.plate = "粤B40004", .color = 2, .t = t, .axles = 2, .gross = 30000});
    h_weigh(&h, &(wspec){.plate = "粤B40005", .color = 2, .t = t, .axles = 2, .gross = 18001});
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_OVER_LIMIT), 3);
    const rl_event *e = h_event(&h, EV_OVER_LIMIT, 0);
    assert_string_equal(h_plate(&h, e), "粤B40001");
    assert_int_equal(e->start, t + 60);
    assert_int_equal(e->value, 29000);
    assert_int_equal(e->limit, 28000);
    assert_string_equal(e->rule, "overlimit.max_gross_kg");
    assert_string_equal(e->severity, "warning");
    e = h_event(&h, EV_OVER_LIMIT, 1);
    assert_string_equal(h_plate(&h, e), "粤B40002");
    assert_int_equal(e->limit, 31000);
    assert_string_equal(e->rule, "overlimit.axles_4");
    e = h_event(&h, EV_OVER_LIMIT, 2);
    assert_string_equal(h_plate(&h, e), "粤B40005");
    assert_int_equal(e->limit, 18000);
    /* max_gross_kg also makes the 29 t an overload (记分办法) */
    assert_int_equal(h_count(&h, EV_OVERLOAD), 1);
    assert_int_equal(h_event(&h, EV_OVERLOAD, 0)->start, t + 60);
    assert_int_equal(h.run.unregistered, 0);
    h_free(&h);
}

/* Tolerances come from the rules table. */
static void tolerance_from_rules(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    char err[200];
    assert_true(rules_set(&h.run.rules, "weigh.static_tolerance_pct", "2", err, sizeof err));
    assert_true(rules_set(&h.run.rules, "weigh.wim_tolerance_pct", "2.5", err, sizeof err));
    assert_true(rules_set(&h.run.rules, "overlimit.axles_3", "26000", err, sizeof err));
    int64_t t = T(D0 "09:00:00");
    h_weigh(&h, &(wspec){.plate = "粤C00001", .t = t, .axles = 3, .gross = 26520});      /* 26000 x 1.02 */
    h_weigh(&h, &(wspec){.plate = "粤C00001", .t = t + 1, .axles = 3, .gross = 26521});
    h_weigh(&h, &(wspec){.plate = "粤C00001", .t = t + 2, .axles = 3, .gross = 26650, .wim = true}); /* x 1.025 */
    h_weigh(&h, &(wspec){.plate = "粤C00001", .t = t + 3, .axles = 3, .gross = 26651, .wim = true});
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_OVER_LIMIT), 2);
    assert_int_equal(h_event(&h, EV_OVER_LIMIT, 0)->start, t + 1);
    assert_int_equal(h_event(&h, EV_OVER_LIMIT, 0)->limit, 26000);
    assert_int_equal(h_event(&h, EV_OVER_LIMIT, 1)->start, t + 3);
    h_free(&h);
}

/* ---- overload (超载) ---- */

static void overload_tiers(void **state)
{
    (void)state;
    static const struct {
        int64_t gross;
        bool wim;
        int64_t payload;         /* 0 = no event */
        const char *severity;
    } c[] = {
        {18000, false, 0, NULL},                          /* payload = rated */
        {18001, false, 10001, "1 pts; 200-500 yuan"},
        {20999, false, 12999, "1 pts; 200-500 yuan"},     /* 29.99 % */
        {21000, false, 13000, "3 pts; 500-2000 yuan"},    /* exactly 30 % */
        {22999, false, 14999, "3 pts; 500-2000 yuan"},
        {23000, false, 15000, "6 pts; 500-2000 yuan"},    /* exactly 50 % */
        {26000, false, 18000, "6 pts; 500-2000 yuan"},
        {18500, true, 0, NULL},                           /* payload 10500: exactly +5 % WIM */
        {18501, true, 10501, "1 pts; 200-500 yuan"},
    };
    harness h;
    h_init(&h);
    /* truck, 4 axles, curb 8000 + rated 10000, licence 31 t (no over_limit below it) */
    h_register_masses(&h, "粤B50001", CLASS_TRUCK, 10000, 8000, 31000, -1);
    int64_t t0 = T(D0 "10:00:00");
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        h_weigh(&h, &(wspec){.plate = "粤B50001", .color = 2, .t = t0 + (int64_t)i * 600, .axles = 4,
                             .gross = c[i].gross, .wim = c[i].wim});
    h_finish(&h);
    size_t want = 0;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        const rl_event *e = find(&h, EV_OVERLOAD, t0 + (int64_t)i * 600);
        if (!c[i].payload) {
            assert_null(e);
            continue;
        }
        want++;
        if (!e)
            fail_msg("case %zu: gross %lld: no overload", i, (long long)c[i].gross);
        assert_int_equal(e->value, c[i].payload);
        assert_int_equal(e->limit, 10000);
        assert_string_equal(e->rule, "overload.rated_load_kg");
        assert_string_equal(e->severity, c[i].severity);
    }
    assert_int_equal(h_count(&h, EV_OVERLOAD), want);
    assert_int_equal(h_count(&h, EV_OVER_LIMIT), 0);
    h_free(&h);
}

/* Without curb_kg (or without rated_load_kg): gross against max_gross_kg. */
static void overload_max_gross(void **state)
{
    (void)state;
    static const struct {
        int64_t gross;
        const char *severity;    /* NULL = no event */
    } c[] = {
        {18000, NULL},
        {18001, "1 pts; 200-500 yuan"},
        {23399, "1 pts; 200-500 yuan"},
        {23400, "3 pts; 500-2000 yuan"},  /* 18000 x 1.3 */
        {26999, "3 pts; 500-2000 yuan"},
        {27000, "6 pts; 500-2000 yuan"},  /* 18000 x 1.5 */
    };
    harness h;
    h_init(&h);
    h_register_masses(&h, "粤B50002", CLASS_TRUCK, 10000, -1, 18000, -1); /* rated without curb */
    h_register_masses(&h, "粤B50003", CLASS_TRUCK, -1, 7000, 18000, -1);  /* curb without rated */
    h_register_masses(&h, "粤B50004", CLASS_TRUCK, -1, -1, -1, -1);       /* nothing to compare */
    int64_t t0 = T(D0 "11:00:00");
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        h_weigh(&h, &(wspec){.plate = "粤B50002", .color = 2, .t = t0 + (int64_t)i * 60, .axles = 5,
                             .gross = c[i].gross});
        h_weigh(&h, &(wspec){.plate = "粤B50003", .color = 2, .t = t0 + (int64_t)i * 60, .axles = 5,
                             .gross = c[i].gross});
        h_weigh(&h, &(wspec){.plate = "粤B50004", .color = 2, .t = t0 + (int64_t)i * 60, .axles = 5,
                             .gross = c[i].gross});
    }
    h_finish(&h);
    size_t k = 0;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        for (int v = 0; v < 2; v++) {
            const rl_event *e = NULL;
            for (size_t j = 0; j < h.run.events.n; j++) {
                const rl_event *x = &h.run.events.e[j];
                if (x->type == EV_OVERLOAD && x->start == t0 + (int64_t)i * 60 &&
                    strcmp(h_plate(&h, x), v ? "粤B50003" : "粤B50002") == 0)
                    e = x;
            }
            if (!c[i].severity) {
                assert_null(e);
                continue;
            }
            k++;
            assert_non_null(e);
            assert_int_equal(e->value, c[i].gross);
            assert_int_equal(e->limit, 18000);
            assert_string_equal(e->rule, "overload.max_gross_kg");
            assert_string_equal(e->severity, c[i].severity);
        }
    }
    assert_int_equal(h_count(&h, EV_OVERLOAD), k);
    h_free(&h);
}

/* ---- axle_overload ---- */

static void axle_edges(void **state)
{
    (void)state;
    static const struct {
        int ax[3];
        bool wim;
        int64_t value, limit;    /* 0 = no event */
        const char *rule, *severity;
    } c[] = {
        {{7000, 9000, 9000}, false, 0, 0, NULL, NULL},                  /* at the limits */
        {{7600, 8500, 8400}, false, 7600, 7000, "axle.steer_kg", "warning"},
        {{7200, 12500, 5000}, false, 12500, 11500, "axle.other_kg", "warning"}, /* 1000 kg: the worst axle */
        {{7000, 13001, 5000}, false, 13001, 11500, "axle.other_kg", "1000 yuan"},
        {{7350, 8000, 8000}, true, 0, 0, NULL, NULL},                   /* steer exactly +5 % */
        {{7351, 8000, 8000}, true, 7351, 7000, "axle.steer_kg", "warning"},
        {{6000, 12075, 5000}, true, 0, 0, NULL, NULL},                  /* drive exactly +5 % */
        {{6000, 12076, 5000}, true, 12076, 11500, "axle.other_kg", "warning"},
        /* the steer axle is over its tolerance, the drive axle is more kg
         * over its limit (but within tolerance): value = the axle most kg
         * over its limit (RULES.md) */
        {{7351, 11950, 5000}, true, 11950, 11500, "axle.other_kg", "warning"},
        {{7500, 12000, 5000}, false, 7500, 7000, "axle.steer_kg", "warning"}, /* tie: steer first */
    };
    harness h;
    h_init(&h);
    h_register_masses(&h, "粤B60001", CLASS_HEAVY_TRUCK, 14000, 11000, 25000, -1);
    int64_t t0 = T(D0 "12:00:00");
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        h_weigh(&h, &(wspec){.plate = "粤B60001", .color = 2, .t = t0 + (int64_t)i * 60, .axles = 3,
                             .gross = 20000, .wim = c[i].wim, .nax = 3,
                             .ax = {c[i].ax[0], c[i].ax[1], c[i].ax[2]}});
    /* two weights for three axles (axle groups?): not checked, counted */
    h_weigh(&h, &(wspec){.plate = "粤B60001", .color = 2, .t = t0 + 3600, .axles = 3, .gross = 20000, .nax = 2,
                         .ax = {9000, 20000}});
    h_finish(&h);
    size_t want = 0;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        const rl_event *e = find(&h, EV_AXLE_OVERLOAD, t0 + (int64_t)i * 60);
        if (!c[i].value) {
            if (e)
                fail_msg("case %zu: unexpected axle_overload %lld", i, (long long)e->value);
            continue;
        }
        want++;
        if (!e)
            fail_msg("case %zu: no axle_overload", i);
        assert_int_equal(e->value, c[i].value);
        assert_int_equal(e->limit, c[i].limit);
        assert_string_equal(e->rule, c[i].rule);
        assert_string_equal(e->severity, c[i].severity);
    }
    assert_int_equal(h_count(&h, EV_AXLE_OVERLOAD), want);
    assert_int_equal(counter(&h, "weighbridge.axle_weights_ignored"), 1);
    h_free(&h);
}

/* ---- over_capacity (超员) ---- */

static void capacity_edges(void **state)
{
    (void)state;
    static const struct {
        int pax;
        const char *severity;
    } c[] = {
        {45, NULL}, {46, "6 pts; 200-500 yuan"}, {53, "6 pts; 200-500 yuan"},
        {54, "12 pts; 500-2000 yuan"}, /* exactly +20 % */
        {90, "12 pts; 500-2000 yuan"},
    };
    harness h;
    h_init(&h);
    h_register_masses(&h, "粤B70001", CLASS_COACH, -1, -1, 18000, 45);
    h_register_masses(&h, "粤B70002", CLASS_COACH, -1, -1, 18000, -1); /* no seats */
    h_register_masses(&h, "粤B70003", CLASS_COACH, -1, -1, 18000, 0);  /* 0 = not given */
    int64_t t0 = T(D0 "13:00:00");
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        h_weigh(&h, &(wspec){.plate = "粤B70001", .color = 2, .t = t0 + (int64_t)i * 60, .axles = 2,
                             .gross = 15000, .pax = c[i].pax});
        h_weigh(&h, &(wspec){.plate = "粤B70002", .color = 2, .t = t0 + (int64_t)i * 60, .axles = 2,
                             .gross = 15000, .pax = c[i].pax});
        h_weigh(&h, &(wspec){.plate = "粤B70003", .color = 2, .t = t0 + (int64_t)i * 60, .axles = 2,
                             .gross = 15000, .pax = c[i].pax});
    }
    /* passengers not given, and an unknown vehicle with passengers */
    h_weigh(&h, &(wspec){.plate = "粤B70001", .color = 2, .t = t0 + 3600, .axles = 2, .gross = 15000});
    h_weigh(&h, &(wspec){.plate = "粤B79999", .color = 2, .t = t0, .axles = 2, .gross = 15000, .pax = 80});
    h_finish(&h);
    size_t want = 0;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        const rl_event *e = find(&h, EV_OVER_CAPACITY, t0 + (int64_t)i * 60);
        if (!c[i].severity) {
            assert_null(e);
            continue;
        }
        want++;
        assert_non_null(e);
        assert_string_equal(h_plate(&h, e), "粤B70001");
        assert_int_equal(e->value, c[i].pax);
        assert_int_equal(e->limit, 45);
        assert_string_equal(e->rule, "capacity.seats");
        assert_string_equal(e->severity, c[i].severity);
    }
    assert_int_equal(h_count(&h, EV_OVER_CAPACITY), want);
    assert_int_equal(h.run.events.n, want); /* coaches: no over_limit */
    h_free(&h);
}

/* ---- GPS at the scale ---- */

/* A 3-axle 30 t weighing (over_limit) at a station `dlat_e6`
 * micro-degrees north of (lat, lon). */
static void weigh_at(harness *h, const char *plate, int64_t t, int32_t lat_e6, int32_t lon_e6, int32_t dlat_e6)
{
    wspec s = {.plate = plate, .color = 2, .t = t, .axles = 3, .gross = 30000, .pos = true,
               .lat_e6 = lat_e6 + dlat_e6, .lon_e6 = lon_e6};
    h_weigh(h, &s);
}

static void position_mismatch_edges(void **state)
{
    (void)state;
    /* due north, 1e-6 degree = 6371.0088 x pi / 180 / 1e3 m: 44966 of them
     * round to 5000 m, 44975 to 5001 m */
    assert_int_equal(llround(haversine_km(22500000, 113900000, 22500000 + 44966, 113900000) * 1000), 5000);
    assert_int_equal(llround(haversine_km(22500000, 113900000, 22500000 + 44975, 113900000) * 1000), 5001);
    harness h;
    h_init(&h);
    const char *P = "粤B80001";
    h_register_masses(&h, P, CLASS_TRUCK, -1, -1, -1, -1);
    int64_t f1 = T(D0 "10:00:00"), f2 = T(D0 "14:00:00"), f3 = T(D0 "18:00:00");
    h_fix(&h, P, f1, 22.5, 113.9, 0, "D1");
    h_fix(&h, P, f2, 22.5, 113.9, 0, "D2");
    h_fix(&h, P, f3, 22.5, 113.9, 0, NULL);
    /* 5.000 km at the fix's second: no event; 5.001 km: event */
    weigh_at(&h, P, f1, 22500000, 113900000, 44966);
    weigh_at(&h, P, f1 + 1, 22500000, 113900000, 44975);
    /* 600 s after a fix (window edge, inclusive): event; 601 s: none */
    weigh_at(&h, P, f2 + 600, 22500000, 113900000, 100000);
    weigh_at(&h, P, f2 + 601, 22500000, 113900000, 100000);
    /* 600 s before a fix */
    weigh_at(&h, P, f3 - 600, 22500000, 113900000, 100000);
    /* no station position: nothing to compare */
    h_weigh(&h, &(wspec){.plate = P, .color = 2, .t = f3 + 5, .axles = 3, .gross = 30000});
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_POSITION_MISMATCH), 3);
    assert_null(find(&h, EV_POSITION_MISMATCH, f1));
    const rl_event *e = find(&h, EV_POSITION_MISMATCH, f1 + 1);
    assert_non_null(e);
    assert_int_equal(e->value, 5001);
    assert_int_equal(e->limit, 5000);
    assert_int_equal(e->scale, 3);
    assert_string_equal(e->rule, "weigh.mismatch_km");
    assert_string_equal(e->severity, "review");
    assert_true(e->have_gps && e->have_gps_distance);
    assert_int_equal(e->gps_time, f1);
    assert_int_equal(e->gps_distance_m, 5001);
    assert_string_equal(h_driver(&h, e), ""); /* a mismatch names no driver */
    assert_non_null(find(&h, EV_POSITION_MISMATCH, f2 + 600));
    assert_null(find(&h, EV_POSITION_MISMATCH, f2 + 601));
    assert_non_null(find(&h, EV_POSITION_MISMATCH, f3 - 600));
    /* the other events of a weighing carry the nearest fix too */
    e = find(&h, EV_OVER_LIMIT, f1);
    assert_non_null(e);
    assert_true(e->have_gps && e->have_gps_distance);
    assert_int_equal(e->gps_time, f1);
    assert_int_equal(e->gps_distance_m, 5000);
    assert_string_equal(h_driver(&h, e), "D1"); /* within the window and in place */
    e = find(&h, EV_OVER_LIMIT, f2 + 601);
    assert_true(e->have_gps);
    assert_int_equal(e->gps_time, f2); /* nearest, even outside the window */
    assert_string_equal(h_driver(&h, e), "");
    e = find(&h, EV_OVER_LIMIT, f3 + 5);
    assert_true(e->have_gps);
    assert_false(e->have_gps_distance);
    assert_int_equal(e->gps_time, f3);
    h_free(&h);
}

/* Weighings without any fix of their vehicle carry nothing; drift and
 * invalid fixes are not candidates. */
static void only_accepted_fixes(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    const char *P = "粤B80002";
    int64_t t = T(D0 "10:00:00");
    h_fix(&h, P, t, 22.5, 113.9, 0, NULL);
    h_fix(&h, P, t + 60, 0, 0, 0, NULL);             /* invalid (track.invalid) */
    h_fix(&h, P, t + 3600, 22.5, 113.9, 0, NULL);
    weigh_at(&h, P, t + 70, 22500000, 113900000, 0);
    h_weigh(&h, &(wspec){.plate = "粤B80003", .color = 2, .t = t, .axles = 3, .gross = 30000});
    h_finish(&h);
    const rl_event *e = find(&h, EV_OVER_LIMIT, t + 70);
    assert_non_null(e);
    assert_int_equal(e->gps_time, t); /* not the invalid fix at t + 60 */
    assert_int_equal(e->gps_distance_m, 0);
    assert_int_equal(h_count(&h, EV_POSITION_MISMATCH), 0);
    e = find(&h, EV_OVER_LIMIT, t);
    assert_string_equal(h_plate(&h, e), "粤B80003");
    assert_false(e->have_gps);
    h_free(&h);
}

/* The two-pointer walk against a brute-force search: irregular fixes,
 * weighings before, between, on and after them, fed in shuffled order. */
static void nearest_fix_brute_force(void **state)
{
    (void)state;
    enum { NF = 400, NW = 300 };
    int64_t fix_t[NF], w_t[NW];
    uint64_t seed = 12345;
#define RND() (seed = seed * 6364136223846793005ull + 1442695040888963407ull, (seed >> 33))
    int64_t t = T(D0 "06:00:00");
    for (int i = 0; i < NF; i++) {
        t += 1 + (int64_t)(RND() % 900);
        fix_t[i] = t;
    }
    int64_t span = fix_t[NF - 1] - fix_t[0] + 4000;
    for (int i = 0; i < NW; i++) {
        int64_t c;
        bool dup;
        do { /* distinct seconds (same-second weighings are one weighing) */
            c = fix_t[0] - 2000 + (int64_t)(RND() % (uint64_t)span);
            if (i % 10 == 0)
                c = fix_t[RND() % NF]; /* exactly on a fix */
            dup = false;
            for (int k = 0; k < i; k++)
                dup |= w_t[k] == c;
        } while (dup);
        w_t[i] = c;
    }
    harness h;
    h_init(&h);
    const char *P = "粤B80009";
    h.hold = true;
    for (int i = 0; i < NF; i++)
        h_fix(&h, P, fix_t[i], 22.5, 113.9, 0, NULL);
    h_feed_shuffled(&h, 99);
    for (int i = 0; i < NW; i++) /* unsorted: they arrive in generation order */
        h_weigh(&h, &(wspec){.plate = P, .color = 2, .t = w_t[i], .axles = 2, .gross = 30000});
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_OVER_LIMIT), NW);
    for (int i = 0; i < NW; i++) {
        int64_t best = -1, bd = INT64_MAX;
        for (int k = 0; k < NF; k++) { /* ties go to the earlier fix */
            int64_t d = llabs(fix_t[k] - w_t[i]);
            if (d < bd) {
                bd = d;
                best = fix_t[k];
            }
        }
        const rl_event *e = find(&h, EV_OVER_LIMIT, w_t[i]);
        assert_non_null(e);
        assert_true(e->have_gps);
        if (e->gps_time != best)
            fail_msg("weighing at %lld: nearest fix %lld, engine %lld", (long long)w_t[i], (long long)best,
                     (long long)e->gps_time);
    }
#undef RND
    h_free(&h);
}

/* Nearest-fix ties: equally far before and after, the earlier wins. */
static void nearest_tie(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    const char *P = "粤B80010";
    int64_t t = T(D0 "10:00:00");
    h_fix(&h, P, t, 22.5, 113.9, 0, "EARLY");
    h_fix(&h, P, t + 100, 22.5, 113.9, 0, "LATE");
    h_weigh(&h, &(wspec){.plate = P, .color = 2, .t = t + 50, .axles = 2, .gross = 30000});
    h_finish(&h);
    const rl_event *e = h_event(&h, EV_OVER_LIMIT, 0);
    assert_int_equal(e->gps_time, t);
    assert_string_equal(h_driver(&h, e), "EARLY");
    h_free(&h);
}

/* ---- joins, days, duplicates ---- */

static void days_and_joins(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    const char *P = "粤B90001";
    h_register_masses(&h, P, CLASS_TRUCK, 10000, 8000, 31000, -1); /* 4 axles */
    int64_t d1 = T(D0 "23:59:59"), d2 = T("2026-11-03 00:00:00");
    /* day 1: 17000 (no event), 21000 (payload 13000: 3000 over) */
    h_weigh(&h, &(wspec){.plate = P, .color = 2, .t = d1 - 3600, .axles = 4, .gross = 17000});
    h_weigh(&h, &(wspec){.plate = P, .color = 0, .t = d1, .axles = 4, .gross = 21000}); /* colour not read */
    /* day 2: 33000 (over_limit 2000 over, overload payload 25000 = 15000 over) */
    h_weigh(&h, &(wspec){.plate = P, .color = 2, .t = d2, .axles = 4, .gross = 33000});
    /* the same weighing again (overlapping exports): one weighing */
    h_weigh(&h, &(wspec){.plate = P, .color = 2, .t = d2, .axles = 4, .gross = 33000});
    h_fix(&h, P, d2 + 7200, 22.5, 113.9, 0, NULL);
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_OVERLOAD), 2);
    assert_int_equal(h_count(&h, EV_OVER_LIMIT), 1);
    assert_int_equal(counter(&h, "weighbridge.duplicates"), 1);
    assert_int_equal(h.run.norder, 1); /* the colourless weighing joined the registered vehicle */
    uint32_t vi = h.run.order[0];
    const rl_vstats *vs = &h.run.vstats[vi];
    assert_int_equal(vs->weighings, 3);
    assert_int_equal(vs->heaviest_gross_kg, 33000);
    assert_int_equal(vs->worst_excess_kg, 15000);
    assert_int_equal(h.run.vdays.n, 2);
    const rl_vday *a = &h.run.vdays.d[0], *b = &h.run.vdays.d[1];
    assert_int_equal(a->weighings, 2);
    assert_int_equal(a->heaviest_gross_kg, 21000);
    assert_int_equal(a->worst_excess_kg, 3000);
    assert_int_equal(a->points, 0);
    assert_int_equal(b->weighings, 1);
    assert_int_equal(b->heaviest_gross_kg, 33000);
    assert_int_equal(b->worst_excess_kg, 15000);
    assert_int_equal(b->points, 1);
    h_free(&h);
}

static void no_weighings(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_fix(&h, "粤B90002", T(D0 "10:00:00"), 22.5, 113.9, 0, NULL);
    h_finish(&h);
    const rl_vstats *vs = &h.run.vstats[h.run.order[0]];
    assert_int_equal(vs->weighings, 0);
    assert_int_equal(vs->heaviest_gross_kg, -1);
    assert_int_equal(vs->worst_excess_kg, -1);
    assert_int_equal(h.run.vdays.d[0].weighings, 0);
    assert_int_equal(h.run.vdays.d[0].worst_excess_kg, -1);
    h_free(&h);
}

/* ---- the CSV parser, from real files ---- */

typedef struct {
    harness *h;
    const rl_sink *inner;
    struct {
        uint64_t line;
        char reason[200];
    } rej[32];
    size_t nrej;
} rec_sink;

static bool rec_reject(void *ud, rl_origin where, const char *reason, const void *raw, size_t raw_len)
{
    rec_sink *r = ud;
    if (r->nrej < 32) {
        r->rej[r->nrej].line = RL_ORIGIN_POS(where);
        snprintf(r->rej[r->nrej].reason, sizeof r->rej[0].reason, "%s", reason);
        r->nrej++;
    }
    return r->inner->reject(r->inner->ud, where, reason, raw, raw_len);
}
static void rec_position(void *ud, const rl_position *p)
{
    rec_sink *r = ud;
    r->inner->position(r->inner->ud, p);
}
static void rec_weighing(void *ud, const rl_weighing *w)
{
    rec_sink *r = ud;
    r->inner->weighing(r->inner->ud, w);
}
static void rec_registration(void *ud, const char *phone, size_t pl, const char *plate, size_t n, int c, rl_origin o)
{
    rec_sink *r = ud;
    r->inner->registration(r->inner->ud, phone, pl, plate, n, c, o);
}
static void rec_count(void *ud, const char *what, uint64_t n)
{
    rec_sink *r = ud;
    r->inner->count(r->inner->ud, what, n);
}

/* Read `text` as a file through dispatch (the real CSV reader and
 * header classification) into h, recording the rejects. */
static void read_text(harness *h, rec_sink *rs, const char *text)
{
    char path[] = "/tmp/roadlog-test-weigh-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    memset(rs, 0, sizeof *rs);
    rs->h = h;
    rs->inner = &h->sink;
    rl_sink s = {rs, rec_position, rec_registration, rec_weighing, rec_reject, rec_count};
    h->run.opt.quiet = true;
    ingest_input(&h->run, path, &s, WANT_ANY);
    unlink(path);
}

static bool rejected(const rec_sink *rs, uint64_t line, const char *words)
{
    for (size_t i = 0; i < rs->nrej; i++)
        if (rs->rej[i].line == line && strstr(rs->rej[i].reason, words))
            return true;
    return false;
}

static void csv_english_kg(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    rec_sink rs;
    read_text(&h, &rs,
              "time,station,plate,plate_color,axles,gross_kg,axle_kg,speed,mode,passengers,lon,lat\n"
              "2026-11-02 08:00:00,S1,粤a-00001,2,3,26001,7000;9500;9501,,static,,113.3,23.05\n"      /* 2 */
              "2026-11-02 08:01:00,S1,粤A00001,2,3,25000,\"7000,9000,9000\",,STATIC,,,\n"              /* 3 */
              "2026-11-02 08:02:00,S1,粤A00001,2,3.0,26000,7000|9000|10000|,,,,113.3,23.05\n"          /* 4 */
              "2026-11-02 08:03:00,W9,粤A00001,黄色,6,51451,7000/9000/9000/9000/9000/8451,61.5,wim,,0,0\n" /* 5 */
              "2026-11-02 08:04:00,S1,粤A00001,2,x3,26000,,,static,,,\n"                               /* 6 */
              "2026-11-02 08:05:00,S1,粤A00001,2,3,0,,,static,,,\n"                                    /* 7 */
              "2026-11-02 08:06:00,S1,粤A00001,2,3,26.5,,,static,,,\n"                                 /* 8 */
              "2026-11-02 08:07:00,S1,粤A00001,2,3,26000,,,moving,,,\n"                                /* 9 */
              "2026-02-30 08:08:00,S1,粤A00001,2,3,26000,,,static,,,\n"                                /* 10 */
              "2026-11-02 08:09:00,S1,,2,3,26000,,,static,,,\n"                                        /* 11 */
              "2026-11-02 08:10:00,S1,粤A00001,2,3,26000,,,static,,,,extra\n"                          /* 12 */
              "2026-11-02 08:11:00,S1,粤A00001,2,3\n"                                                  /* 13 */
              "2026-11-02 08:12:00,S1,粤A00001,2,3,26002,7000;;9000,,,many,113.3,\n"                   /* 14 */
              "2026-11-02 08:13:00,S1,粤A00001,2,3,26003,,,,,,\n"                                      /* 15 */
              "2026-11-02 08:14:00,S1,粤A00001,2,3,20000, 7600.4 ; 9000 ;9000,,,,,\n"                 /* 16 */
              "2026-11-02 08:15:00,S1,粤A00001,2,3,20000,7000;123456789;9000,,,,,\n");                /* 17 */
    h_finish(&h);
    assert_true(rejected(&rs, 6, "axle count 'x3'"));
    assert_true(rejected(&rs, 7, "gross weight '0'"));
    assert_true(rejected(&rs, 8, "tonnes"));
    assert_true(rejected(&rs, 9, "mode 'moving'"));
    assert_true(rejected(&rs, 10, "time"));
    assert_true(rejected(&rs, 11, "plate"));
    assert_true(rejected(&rs, 12, "fields"));
    assert_true(rejected(&rs, 13, "fields"));
    assert_int_equal(rs.nrej, 8);
    /* line 14: bad axle list, passengers and position are left out and
     * counted; the weighing stays */
    assert_int_equal(counter(&h, "weighbridge.bad_optional_field"), 4); /* and line 17's axle */
    assert_int_equal(h.run.weighings, 8);
    /* 2: 26001 kg: over_limit; axles at 9501 within 11500 */
    const rl_event *e = find(&h, EV_OVER_LIMIT, T(D0 "08:00:00"));
    assert_non_null(e);
    assert_int_equal(e->value, 26001);
    assert_int_equal(RL_ORIGIN_POS(e->origin), 2);
    assert_true(e->have_pos);
    assert_int_equal(e->start_lon_e6, 113300000);
    assert_null(find(&h, EV_OVER_LIMIT, T(D0 "08:01:00")));
    /* 4: "3.0" axles, '|' list with a trailing separator: 10000 kg is fine */
    assert_non_null(find(&h, EV_OVER_LIMIT, T(D0 "08:02:00")));
    /* 16: spaces around the weights, a decimal kg rounded: the steer axle is over */
    assert_int_equal(h_count(&h, EV_AXLE_OVERLOAD), 1);
    e = find(&h, EV_AXLE_OVERLOAD, T(D0 "08:14:00"));
    assert_non_null(e);
    assert_int_equal(e->value, 7600);
    /* 5: WIM, colour name, 0,0 = no position */
    e = find(&h, EV_OVER_LIMIT, T(D0 "08:03:00"));
    assert_non_null(e);
    assert_int_equal(e->limit, 49000);
    assert_false(e->have_pos);
    assert_non_null(find(&h, EV_OVER_LIMIT, T(D0 "08:12:00")));
    assert_non_null(find(&h, EV_OVER_LIMIT, T(D0 "08:13:00"))); /* empty mode: static */
    assert_int_equal(h_count(&h, EV_OVER_LIMIT), 5);
    h_free(&h);
}

static void csv_chinese_tonnes(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_register_masses(&h, "粤B99999", CLASS_MUCK, 15500, 15000, 31000, -1);
    h_register_masses(&h, "京AD1234", CLASS_CHARTER, -1, -1, 18000, 33);
    rec_sink rs;
    read_text(&h, &rs,
              "\xEF\xBB\xBF过磅时间,检测站,车牌号码,车牌颜色,轴数,车货总重（吨）,轴重(t),车速,检测方式,乘员,经度,纬度\n"
              "2026-11-02 09:00:00,广州北,粤B99999,黄色,4,35.150,7.000、9.400、9.400、9.350,,静态称重,,113.25,23.2\n"
              "2026-11-02 09:30:00,广州北,粤B99999,黄,4,38.25,,,静态,,113.25,23.2\n"
              "2026-11-02 10:00:00,不停车,粤B99999,2,4,32.5,7.4；8.4；8.4；8.3,61.2,动态,,113.4,23.0\n"
              "2026-11-02 10:30:00,不停车,京A·D1234,黄色,2,14,,70,不停车检测,40,116.3,39.9\n"
              "2026-11-02 11:00:00,不停车,粤B99999,2,4,32.5,,61.2,称重,,113.4,23.0\n");
    h_finish(&h);
    assert_int_equal(rs.nrej, 1);
    assert_true(rejected(&rs, 6, "mode"));
    /* 35.150 t: payload 20150 = exactly +30 %: 3 pts; 4150 kg over 31 t: 2500 yuan */
    const rl_event *e = find(&h, EV_OVERLOAD, T(D0 "09:00:00"));
    assert_non_null(e);
    assert_int_equal(e->value, 20150);
    assert_string_equal(e->severity, "3 pts; 500-2000 yuan");
    e = find(&h, EV_OVER_LIMIT, T(D0 "09:00:00"));
    assert_int_equal(e->value, 35150);
    assert_string_equal(e->severity, "2500 yuan");
    /* 38.25 t: payload 23250 = exactly +50 % */
    e = find(&h, EV_OVERLOAD, T(D0 "09:30:00"));
    assert_int_equal(e->value, 23250);
    assert_string_equal(e->severity, "6 pts; 500-2000 yuan");
    /* 动态: WIM tolerance, 32.5 t <= 31 t x 1.05; axles in tonnes, 7.4 t steer > 7.35 */
    assert_null(find(&h, EV_OVER_LIMIT, T(D0 "10:00:00")));
    e = find(&h, EV_AXLE_OVERLOAD, T(D0 "10:00:00"));
    assert_non_null(e);
    assert_int_equal(e->value, 7400);
    e = find(&h, EV_OVER_CAPACITY, T(D0 "10:30:00"));
    assert_non_null(e);
    assert_int_equal(e->value, 40);
    assert_string_equal(e->severity, "12 pts; 500-2000 yuan");
    assert_string_equal(h.run.inputs[0].kind, "weighbridge");
    h_free(&h);
}

/* weighcsv_check_header on a comma-separated header line: refused with
 * `words` in the reason? */
static bool weighcsv_refuses(const char *line, const char *words)
{
    const char *f[16];
    size_t len[16], n = 0;
    for (const char *p = line;; n++) {
        const char *c = strchr(p, ',');
        f[n] = p;
        len[n] = c ? (size_t)(c - p) : strlen(p);
        if (!c) {
            n++;
            break;
        }
        p = c + 1;
    }
    csv_row row = {.n = n, .f = f, .len = len, .line = 1, .raw = line, .raw_len = strlen(line)};
    char why[300] = "";
    return !weighcsv_check_header(&row, why, sizeof why) && strstr(why, words);
}

/* Headers the parser refuses once, not row by row. */
static void csv_bad_headers(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    rec_sink rs;
    /* the header is rejected (by dispatch, straight to the run) and no row is read */
    read_text(&h, &rs, "time,plate,axles,gross(lb)\n2026-11-02 08:00:00,粤A00001,3,60000\n");
    assert_int_equal(h.run.rejected, 1);
    assert_int_equal(h.run.inputs[0].records, 0);
    assert_true(weighcsv_refuses("time,plate,axles,gross(lb)", "neither kg nor t"));
    read_text(&h, &rs, "plate,axles,gross_kg\n粤A00001,3,60000\n");
    assert_int_equal(h.run.rejected, 2);
    assert_true(weighcsv_refuses("plate,axles,gross_kg", "time column"));
    assert_true(weighcsv_refuses("time,plate,axles,轴重(磅),gross_kg", "axle_kg column"));
    /* a GPS time alias is accepted; kg spelled out */
    read_text(&h, &rs, "timestamp,plate,axles,gross(kg)\n2026-11-02 08:00:00,粤A00001,3,26000\n");
    assert_int_equal(h.run.rejected, 2);
    assert_int_equal(h.run.weighings, 1);
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_OVER_LIMIT), 1);
    h_free(&h);
}

/* The store packs a weighing against its chunk's first one: times 70
 * years away, another file, a line 2^40 further on, an axle over 65 535
 * kg, 1000 passengers, 1000 t and a southern/western station must all come
 * back as they went in, and so must thousands of weighings over many
 * chunks. */
static void store_round_trip(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_register_masses(&h, "粤B70001", CLASS_HEAVY_TRUCK, -1, -1, -1, 40);
    int64_t t0 = T(D0 "12:00:00"), year = 365 * 86400;
    struct {
        int64_t t;
        rl_origin origin;
        int axles, nax, ax0, ax1, pax;
        int64_t gross;
        int32_t lat, lon;
    } c[] = {
        {t0, RL_ORIGIN(1, 10), 3, 0, 0, 0, 0, 25001, 22543210, 113987654},
        {t0 + 70 * year, RL_ORIGIN(1, 11), 3, 0, 0, 0, 0, 25002, 0, 0},       /* wide time */
        {t0 - 70 * year, RL_ORIGIN(1, 12), 3, 0, 0, 0, 0, 25003, 0, 0},       /* wide time, before */
        {t0 + 60, RL_ORIGIN(2, 5), 3, 0, 0, 0, 0, 25004, 0, 0},               /* another file */
        {t0 + 120, RL_ORIGIN(1, 10 + (1ull << 40)), 3, 0, 0, 0, 0, 25005, 0, 0}, /* far line */
        {t0 + 180, RL_ORIGIN(1, 9), 3, 0, 0, 0, 0, 25006, 0, 0},             /* earlier line */
        {t0 + 240, RL_ORIGIN(1, 13), 2, 2, 7000, 70000, 0, 77000, 0, 0},    /* wide axle */
        {t0 + 300, RL_ORIGIN(1, 14), 2, 0, 0, 0, 1000, 18000, 0, 0},        /* passengers */
        {t0 + 360, RL_ORIGIN(1, 15), 6, 0, 0, 0, 0, 1000000, -33456789, -70654321},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        rl_weighing w;
        memset(&w, 0, sizeof w);
        w.origin = c[i].origin;
        w.time = c[i].t;
        w.plate = "粤B70001";
        w.plate_len = strlen(w.plate);
        w.color = 2;
        w.axles = c[i].axles;
        w.gross_kg = c[i].gross;
        w.naxle_kg = c[i].nax;
        w.axle_kg[0] = c[i].ax0;
        w.axle_kg[1] = c[i].ax1;
        w.passengers = c[i].pax ? c[i].pax : -1;
        w.have_pos = c[i].lat || c[i].lon;
        w.lat_e6 = c[i].lat;
        w.lon_e6 = c[i].lon;
        h.sink.weighing(h.sink.ud, &w);
    }
    /* 5000 more, over many chunks: every 100th over the limit */
    int64_t t1 = t0 + 86400;
    uint64_t line0 = h.line;
    for (int i = 0; i < 5000; i++)
        h_weigh(&h, &(wspec){.plate = "粤B70001", .color = 2, .t = t1 + i * 10, .axles = 4,
                             .gross = i % 100 == 0 ? 31001 + i : 30000, .nax = 4,
                             .ax = {7000, 8000, 7500, 7500 + i % 100}, .pos = true,
                             .lat_e6 = 23000000 + i, .lon_e6 = 113000000 - i});
    h_finish(&h);
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        if (c[i].axles == 2 && c[i].nax == 0)
            continue;
        const rl_event *e = find(&h, EV_OVER_LIMIT, c[i].t);
        if (!e)
            fail_msg("case %zu: no over_limit", i);
        assert_int_equal(e->value, c[i].gross);
        assert_int_equal(e->origin, c[i].origin);
        assert_int_equal(e->have_pos, c[i].lat || c[i].lon);
        assert_int_equal(e->start_lat_e6, c[i].lat);
        assert_int_equal(e->start_lon_e6, c[i].lon);
    }
    const rl_event *e = find(&h, EV_AXLE_OVERLOAD, t0 + 240);
    assert_non_null(e);
    assert_int_equal(e->value, 70000);
    e = find(&h, EV_OVER_CAPACITY, t0 + 300);
    assert_non_null(e);
    assert_int_equal(e->value, 1000);
    assert_int_equal(e->limit, 40);
    assert_int_equal(h_count(&h, EV_OVER_LIMIT), 8 + 50);
    for (int i = 0; i < 5000; i += 100) {
        e = find(&h, EV_OVER_LIMIT, t1 + i * 10);
        if (!e)
            fail_msg("weighing %d: no over_limit", i);
        assert_int_equal(e->value, 31001 + i);
        assert_int_equal(e->start_lat_e6, 23000000 + i);
        assert_int_equal(e->start_lon_e6, 113000000 - i);
        assert_int_equal(e->origin, RL_ORIGIN(1, line0 + 1 + (uint64_t)i));
    }
    assert_int_equal(h.run.vstats[0].weighings, 9 + 5000);
    assert_int_equal(h.run.vstats[0].heaviest_gross_kg, 1000000);
    h_free(&h);
}

/* Plates of every length from 1 to 40 bytes, plates differing in one
 * byte only (first, middle, last), the same plate in three colours, and
 * more keys than the plate cache has slots: every key is its own vehicle
 * and keeps every weighing sent to it. */
static void plate_cache_keys(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    enum { NKEY = 9600, ROUNDS = 3 };
    static char plate[NKEY][48];
    static int color[NKEY];
    size_t k = 0;
    for (int len = 1; len <= 40; len++)
        for (int pos = 0; pos < len && k < 600; pos += (len > 3 ? len / 3 : 1))
            for (int c = 1; c <= 3; c++) {
                memset(plate[k], 'A', (size_t)len);
                plate[k][pos] = 'B';
                plate[k][len] = 0;
                color[k++] = c;
            }
    size_t nvaried = k;
    /* thousands sharing their first 8 bytes, thousands their last 8: a
     * compare that looked at only one end would merge them on the
     * collisions that so many keys make */
    for (int i = 0; i < 3500; i++, k++) {
        snprintf(plate[k], sizeof plate[k], "AAAAAAAA%04d", i);
        color[k] = 1;
    }
    for (int i = 0; i < 3500; i++, k++) {
        snprintf(plate[k], sizeof plate[k], "%04dBBBBBBBB", i);
        color[k] = 1;
    }
    while (k < NKEY) {
        snprintf(plate[k], sizeof plate[k], "粤A%05zu", k / 2);
        color[k] = 1 + (int)(k % 2);
        k++;
    }
    int64_t t0 = T(D0 "08:00:00");
    for (int r = 0; r < ROUNDS; r++)
        for (size_t i = 0; i < NKEY; i++)
            h_weigh(&h, &(wspec){.plate = plate[i], .color = color[i], .t = t0 + r * 60, .axles = 2,
                                 .gross = 10000});
    assert_true(nvaried > 300);
    weigh_store_close(h.run.weigh, h.run.vt); /* the counts are the vehicles' from here */
    h.run.weigh = NULL;
    assert_int_equal(vtable_count(h.run.vt), NKEY);
    for (size_t i = 0; i < NKEY; i++) {
        const rl_vehicle *v = vtable_at(h.run.vt, i);
        assert_int_equal(v->nweigh, ROUNDS);
    }
    h_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(over_limit_edges),
        cmocka_unit_test(over_limit_registry),
        cmocka_unit_test(tolerance_from_rules),
        cmocka_unit_test(overload_tiers),
        cmocka_unit_test(overload_max_gross),
        cmocka_unit_test(axle_edges),
        cmocka_unit_test(capacity_edges),
        cmocka_unit_test(position_mismatch_edges),
        cmocka_unit_test(only_accepted_fixes),
        cmocka_unit_test(nearest_fix_brute_force),
        cmocka_unit_test(nearest_tie),
        cmocka_unit_test(days_and_joins),
        cmocka_unit_test(no_weighings),
        cmocka_unit_test(csv_english_kg),
        cmocka_unit_test(csv_chinese_tonnes),
        cmocka_unit_test(csv_bad_headers),
        cmocka_unit_test(store_round_trip),
        cmocka_unit_test(plate_cache_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
