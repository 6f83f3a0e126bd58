/*
 * tracksample.h - a compact sample of each vehicle's track, kept while the
 * fixes stream past, for the charts, sketches and maps of report.html and
 * the GeoJSON files (a speed-time chart and a track sketch per
 * vehicle-day with events).
 *
 * The full track is never kept: fixes are freed as they are analysed.
 * What is kept per vehicle-day is one slot per local minute that has an
 * accepted fix: the highest speed in it and the position of its first
 * fix, 12 bytes, so a day costs at most 1440 x 12 = 17 280 bytes whatever
 * the fix rate.  When the vehicle's pass ends the days are sorted out:
 *   - a day touched by an event of the pass (speeding, night ban, gap)
 *     keeps its per-minute slots;
 *   - any other day with driving is thinned to 5-minute slots (<= 3.4 KB):
 *     fatigue events are only known after every vehicle (they follow the
 *     driver, fatigue_drivers), and a stint of hours draws as well at 5 min;
 *   - a day with no driving and no event is dropped.
 * Nothing is kept when neither report.html nor events.geojson is asked
 * for (no store).
 *
 * The fixes of an event.  The evidence of an event (its speed/time chart
 * with the fixes listed, its geometry in events.geojson) needs the fixes
 * themselves, not minute slots.  While a vehicle is analysed its last
 * TS_RING accepted fixes sit in a ring; when a detector of the pass emits
 * an event, the fixes from a margin before its start are copied out of
 * the ring into a capture, which then takes the fixes that follow until a
 * margin after its end.  A capture holds at most TS_CAPTURE_MAX fixes:
 * beyond, neighbours are merged two into one (the faster kept, so every
 * fix listed is a real one and the top speed is never lost), and so on.
 * Memory: the ring (TS_RING x 24 bytes) per pass, and at most
 * TS_CAPTURE_MAX x 24 bytes per event (an ordinary speeding episode of a
 * few minutes at one fix every 10-30 s costs a few hundred bytes).
 * Events emitted after the pass (fatigue follows the driver) and
 * weighings (point events whose time may lie anywhere in the track) have
 * no capture: their charts use the day samples.
 *
 * Threads: the store has one slot per vehicle of the table (days,
 * captures, weighings, and the bytes they hold), written only by the
 * worker analysing that vehicle; the ring and the day being built are
 * the pass's own.  Writers read the store once every pass is done.
 */
#ifndef RL_TRACKSAMPLE_H
#define RL_TRACKSAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect.h"
#include "vehicle.h"

/* The samples of a run: one slot per vehicle of the table. */
typedef struct ts_store ts_store;
/* One vehicle's slot (vctx.samples). */
typedef struct ts_vehicle ts_vehicle;

ts_store *tracksample_store_new(size_t nvehicles);
void tracksample_store_free(ts_store *st);
/* The slot of vehicle vidx; NULL without a store (nothing kept). */
ts_vehicle *tracksample_slot(ts_store *st, uint32_t vidx);

typedef struct tracksample_state {
    const vctx *cx;
    void *priv;
} tracksample_state;

/* Sample the vehicle of cx into its slot cx->samples (NULL: keep nothing,
 * only follow the track).  The vehicle's events and days are read from
 * cx's outputs as they come and at the end of its pass. */
void tracksample_begin(tracksample_state *s, const vctx *cx);
/* Every accepted fix of the vehicle, in time order, with the speed limit
 * in force at it (km/h x 1000; the speeding detector's, speeding_limit_at). */
void tracksample_fix(tracksample_state *s, const rl_fix *f, int64_t limit_mkmh);
void tracksample_end(tracksample_state *s);

/* One slot of a day's sample. */
#define TS_GAP_BEFORE 0x8000u /* the interval into this slot's first fix is a gap (track.gap_s) */
#define TS_SLOT_MASK 0x07FFu

typedef struct ts_point {
    uint16_t slot;        /* slot of the local day | TS_GAP_BEFORE */
    uint16_t speed_dkmh;  /* highest speed in the slot, 0.1 km/h */
    int32_t lat_e6, lon_e6; /* first accepted fix in the slot */
} ts_point;

typedef struct tracksample_view {
    const ts_point *p;
    size_t n;
    int slot_min;         /* minutes per slot: 1 or 5 */
} tracksample_view;

/* A fix kept as the evidence of an event. */
#define TS_RING 1024
#define TS_CAPTURE_MAX 600
enum {
    TSF_IN_EVENT = 1u << 0,   /* between the event's start and end (else margin) */
    TSF_GAP_BEFORE = 1u << 1, /* the interval into this fix is a gap (track.gap_s) */
};

typedef struct ts_fix {
    int64_t time;
    int32_t lat_e6, lon_e6;
    uint16_t speed_dkmh;  /* 0.1 km/h */
    uint16_t limit_dkmh;  /* limit in force, 0.1 km/h; 0 when unknown */
    uint8_t flags;        /* TSF_* */
} ts_fix;

typedef struct tracksample_fixes {
    const ts_fix *f;
    size_t n;
    bool thinned;         /* neighbours were merged (a long event) */
    bool cut_start;       /* the event began before the oldest fix of the ring */
} tracksample_fixes;

/* The fixes captured for an event of the vehicle pass (matched by vehicle,
 * start and end: events of one window share them); false when none. */
bool tracksample_event(const ts_store *st, uint32_t vidx, int64_t start, int64_t end, tracksample_fixes *out);

/* Kept days of a vehicle, in time order: the k-th (k < the count). */
size_t tracksample_ndays(const ts_store *st, uint32_t vidx);
int64_t tracksample_day_at(const ts_store *st, uint32_t vidx, size_t k);

/* A weighing that gave events, as its evidence (detect_weigh.c keeps it
 * in the vehicle's slot when there is one). */
typedef struct ts_weighing {
    int64_t time;
    uint32_t station;        /* strtab id (the run's), 0 when not given */
    int32_t speed_dkmh;      /* WIM speed, 0.1 km/h; -1 when not given */
    int64_t gross_kg;
    int32_t lat_e6, lon_e6;
    bool have_pos, wim;
    uint8_t axles, naxle;
    int32_t axle_kg[RL_MAX_AXLES];
} ts_weighing;

/* Keep a weighing in a vehicle's slot (NULL: nothing kept); weighings
 * come in time order. */
void tracksample_weighing(ts_vehicle *slot, const ts_weighing *w);
/* The weighing of a vehicle at a time; NULL when none was kept. */
const ts_weighing *tracksample_weighing_at(const ts_store *st, uint32_t vidx, int64_t time);

/* The sample of a vehicle-day; false when none was kept. */
bool tracksample_day(const ts_store *st, uint32_t vidx, int64_t local_day, tracksample_view *out);
/* Every kept day sample of a vehicle whose slot overlaps [from, to] (UTC),
 * in time order, days local to tz: fn(ud, the slot's start, the sample,
 * minutes per slot). */
typedef void (*ts_span_fn)(void *ud, int64_t time, const ts_point *p, int slot_min);
void tracksample_span(const ts_store *st, int32_t tz, uint32_t vidx, int64_t from, int64_t to, ts_span_fn fn,
                      void *ud);

/* Bytes held (samples, captures, weighings, headers included). */
size_t tracksample_bytes(const ts_store *st);

#endif
