/*
 * tracksample.h - a compact sample of each vehicle's track, kept while the
 * fixes stream past, for the charts and sketches of report.html (a
 * speed-time chart and a track sketch per vehicle-day with events).
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
 *     driver, fatigue_finish), and a stint of hours draws as well at 5 min;
 *   - a day with no driving and no event is dropped.
 * Nothing is kept for the charts when report.html is not asked for (no
 * store).
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

ts_store *tracksample_store_new(size_t nvehicles);
void tracksample_store_free(ts_store *st);

typedef struct tracksample_state {
    const vctx *cx;
    void *priv;
} tracksample_state;

/* Sample the vehicle of cx into its slot of st (NULL: keep nothing, only
 * follow the track).  The vehicle's events and days are read from cx's
 * outputs at the end of its pass. */
void tracksample_begin(tracksample_state *s, ts_store *st, const vctx *cx);
/* Every accepted fix of the vehicle, in time order. */
void tracksample_fix(tracksample_state *s, const rl_fix *f);
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

/* The sample of a vehicle-day; false when none was kept. */
bool tracksample_day(const ts_store *st, uint32_t vidx, int64_t local_day, tracksample_view *out);
/* Bytes held (samples, headers included). */
size_t tracksample_bytes(const ts_store *st);

#endif
