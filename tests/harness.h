/*
 * harness.h - build a run from positions written in the test, run the
 * whole analysis engine, and look at the events.  Used by the detector
 * tests so that each boundary in RULES.md is checked end to end through
 * track_run, not on a detector in isolation.
 */
#ifndef RL_TEST_HARNESS_H
#define RL_TEST_HARNESS_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze.h"
#include "plate.h"
#include "run.h"
#include "timeutil.h"

typedef struct {
    rl_run run;
    rl_sink sink;
    uint64_t line;
    /* a moving vehicle's position */
    double lat, lon;
    /* when set, positions are kept and fed later in a shuffled order */
    bool hold;
    rl_position *held;
    size_t nheld, capheld;
} harness;

static inline void h_init(harness *h)
{
    memset(h, 0, sizeof *h);
    run_init(&h->run);
    analyze_sink(&h->run, &h->sink);
    h->line = 1;
    h->lat = 22.5;
    h->lon = 113.9;
}

static inline void h_free(harness *h)
{
    free(h->held);
    run_free(&h->run);
}

/* Local time (+08:00) to UTC. */
static inline int64_t T(const char *s)
{
    tu_parser tp;
    tu_parser_init(&tp, 8 * 3600);
    int64_t t = 0;
    const char *why = tu_parse(&tp, s, strlen(s), &t);
    if (why)
        fail_msg("bad test time %s: %s", s, why);
    return t;
}

static inline void h_register(harness *h, const char *plate, int color, vehicle_class c)
{
    reg_entry e;
    memset(&e, 0, sizeof e);
    e.plate = strtab_intern(h->run.str, plate, strlen(plate));
    e.color = color;
    e.cls = c;
    e.rated_load_kg = e.curb_kg = e.max_gross_kg = -1;
    e.seats = -1;
    registry_add(&h->run.reg, &e);
    h->run.have_registry = true;
}

static inline void h_exempt(harness *h, const char *plate, int color)
{
    uint32_t id = strtab_intern(h->run.str, plate, strlen(plate));
    for (size_t i = 0; i < h->run.reg.n; i++)
        if (h->run.reg.e[i].plate == id && h->run.reg.e[i].color == color)
            h->run.reg.e[i].night_exempt = true;
}

/* A position to the engine, or kept for h_feed_shuffled when h->hold
 * (what it points to must then live until it is fed). */
static inline void h_put(harness *h, const rl_position *p)
{
    if (h->hold) {
        if (h->nheld == h->capheld) {
            h->capheld = h->capheld ? h->capheld * 2 : 1024;
            h->held = realloc(h->held, h->capheld * sizeof *h->held);
        }
        h->held[h->nheld++] = *p;
        return;
    }
    h->sink.position(h->sink.ud, p);
}

static inline void h_fix(harness *h, const char *plate, int64_t t, double lat, double lon, double kmh,
                         const char *driver)
{
    rl_position p;
    memset(&p, 0, sizeof p);
    p.origin = RL_ORIGIN(0, ++h->line);
    p.time = t;
    p.lat_e6 = (int32_t)llround(lat * 1e6);
    p.lon_e6 = (int32_t)llround(lon * 1e6);
    p.speed_mkmh = (int32_t)llround(kmh * 1000);
    p.plate = plate;
    p.plate_len = strlen(plate);
    p.color = 2;
    if (driver && *driver) {
        p.driver = driver;
        p.driver_len = strlen(driver);
    }
    h_put(h, &p);
}

/* Feed the held positions in a random order (fixed seed). */
static inline void h_feed_shuffled(harness *h, uint64_t seed)
{
    for (size_t i = h->nheld; i > 1; i--) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t j = (size_t)((seed >> 33) % i);
        rl_position t = h->held[i - 1];
        h->held[i - 1] = h->held[j];
        h->held[j] = t;
    }
    for (size_t i = 0; i < h->nheld; i++)
        h->sink.position(h->sink.ud, &h->held[i]);
    free(h->held);
    h->held = NULL;
    h->nheld = h->capheld = 0;
    h->hold = false;
}

/* Drive from t0 to t1 (inclusive) at kmh, a fix every step seconds,
 * moving east so the track is consistent with the speed. */
static inline void h_drive(harness *h, const char *plate, int64_t t0, int64_t t1, int step, double kmh,
                           const char *driver)
{
    double km_per_deg = 111.32 * cos(h->lat * M_PI / 180);
    for (int64_t t = t0; t <= t1; t += step) {
        h_fix(h, plate, t, h->lat, h->lon, kmh, driver);
        if (t + step <= t1)
            h->lon += kmh * step / 3600.0 / km_per_deg;
    }
}

/* Parked from t0 to t1 (inclusive), a fix every step seconds. */
static inline void h_park(harness *h, const char *plate, int64_t t0, int64_t t1, int step, const char *driver)
{
    for (int64_t t = t0; t <= t1; t += step)
        h_fix(h, plate, t, h->lat, h->lon, 0, driver);
}

static inline void h_finish(harness *h) { analyze_finish(&h->run); }

static inline size_t h_count(const harness *h, event_type t)
{
    size_t n = 0;
    for (size_t i = 0; i < h->run.events.n; i++)
        n += h->run.events.e[i].type == t;
    return n;
}

/* The k-th event of type t, or fail. */
static inline const rl_event *h_event(const harness *h, event_type t, size_t k)
{
    for (size_t i = 0; i < h->run.events.n; i++)
        if (h->run.events.e[i].type == t && k-- == 0)
            return &h->run.events.e[i];
    fail_msg("no event %s #%zu", event_type_name(t), k);
    return NULL;
}

static inline const char *h_driver(const harness *h, const rl_event *e)
{
    return strtab_get(h->run.str, e->driver);
}

static inline const char *h_plate(const harness *h, const rl_event *e)
{
    return run_vehicle_label(&h->run, vtable_at(h->run.vt, e->vehicle));
}

#endif
