/*
 * detect.h - the per-vehicle detectors and what they share.
 *
 * analyze.c runs track_run for one vehicle at a time and feeds every
 * accepted fix, with the interval ending at it, to each detector.  A
 * detector keeps its own small state (never the whole track) and appends
 * events to the run's list.  Detectors that need more than one vehicle
 * (fatigue follows a driver across vehicles) collect what they need here
 * and finish after the last vehicle.
 */
#ifndef RL_DETECT_H
#define RL_DETECT_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "rules.h"
#include "track.h"
#include "vehicle.h"
#include "zones.h"

/* What every detector knows about the vehicle being analysed. */
typedef struct vctx {
    const rl_rules *r;
    int32_t tz;              /* analysis zone, seconds east of UTC */
    const rl_vehicle *v;
    uint32_t vidx;           /* index in the vehicle table */
    vehicle_class cls;
    bool night_exempt;       /* registry: exempt from the 02:00-05:00 ban */
    int64_t limit_mkmh;      /* speed limit in force by day, km/h x 1000 */
    int64_t night_limit_mkmh;/* coaches and charters at night */
    rule_id speed_rule;
    rl_events *events;
    const char *plate;       /* the vehicle's plate (or terminal phone) */
    const zone_set *zones;   /* --zones, frozen and shared; NULL without */
    zone_query *zq;          /* this thread's zone query context */
} vctx;

/* ---- zones (ZONES.md): restricted areas, routes, what a fix's zones say ---- */

/* What the zones say about one fix, for the speeding detector. */
typedef struct zone_verdict {
    int64_t limit_mkmh;      /* lowest speed_limit_kmh of the active speed and road
                              * zones holding the fix, x 1000; INT64_MAX: none */
    uint32_t limit_zone;     /* the zone that set it, ZONE_NONE */
    uint8_t road;            /* road_type of the fix's road zone; ROAD_NONE outside all */
    uint32_t road_zone;      /* that road zone, ZONE_NONE */
} zone_verdict;

/* A run of consecutive accepted fixes (zone_restricted: inside an active
 * restricted zone; route_deviation: moving outside every active route). */
typedef struct zone_run {
    uint32_t zone;           /* index in the zone set */
    uint32_t n;              /* fixes */
    rl_fix first, last;
} zone_run;

/* Restricted-zone runs open at once, per vehicle: a fix inside more
 * than this many active restricted zones binding the vehicle leaves the
 * highest-numbered ones untracked (counted in `dropped`). */
#define ZONE_OPEN_MAX 32

/* Per-vehicle zone state: plain data, fixed size (about 2.4 KB), no
 * pointer but to the vehicle context (the zone set is reached through
 * it), so a resume carry can copy it as it is. */
typedef struct zone_vstate {
    const vctx *cx;
    bool emit;               /* zone_restricted / route_deviation wanted (--detect zone) */
    uint32_t nopen;
    zone_run open[ZONE_OPEN_MAX]; /* restricted runs, ascending zone */
    bool deviating;
    zone_run route;          /* the route deviation being collected */
    uint32_t dropped;        /* restricted runs not tracked (ZONE_OPEN_MAX) */
} zone_vstate;

void zone_begin(zone_vstate *s, const vctx *cx, bool emit);
/* Every accepted fix with the interval ending at it (NULL for the
 * first): runs go on, end or start; *out gets what the zones say about
 * the fix (speed limit, road type). */
void zone_fix(zone_vstate *s, const rl_fix *f, const rl_interval *iv, zone_verdict *out);
void zone_end(zone_vstate *s);

/* ---- speeding and night speeding (RULES.md §2) ---- */
typedef struct speeding_state {
    const vctx *cx;
    bool active, night;
    int64_t limit;
    rl_fix first, last;
    int32_t max_speed;
    uint32_t n;
    /* at the fastest fix (ZONES.md): the zone that set the limit, the
     * road type and its road zone */
    uint32_t max_limit_zone, max_road_zone;
    uint8_t max_road;
} speeding_state;

void speeding_begin(speeding_state *s, const vctx *cx);
/* zv: what the zones say about the fix, NULL without zones. */
void speeding_fix(speeding_state *s, const rl_fix *f, const rl_interval *iv, const zone_verdict *zv);
void speeding_end(speeding_state *s);

/* ---- track gaps (RULES.md §6) ---- */
void gap_interval(const vctx *cx, const rl_interval *iv);


/* ---- the coach night ban, 02:00-05:00 (RULES.md §4) ---- */
typedef struct nightban_state {
    const vctx *cx;
    bool active;
    int64_t night;           /* local day on which the window starts */
    int64_t driving_s;
    int64_t first, last;     /* first/last driving moment in the window */
    int32_t lat0, lon0, lat1, lon1;
    rl_origin origin;
    uint32_t n;
} nightban_state;

void nightban_begin(nightban_state *s, const vctx *cx);
void nightban_interval(nightban_state *s, const rl_interval *iv);
void nightban_end(nightban_state *s);

/* Seconds of [s, e) inside a daily window in local time; *first gets the
 * first such moment (unchanged when none). */
int64_t window_overlap(int64_t s, int64_t e, int32_t tz, rl_window w, int64_t *first);

/* ---- fatigue (RULES.md §3) ---- */
struct rl_run;

/* A run of contiguous driving intervals of one driver on one vehicle. */
typedef struct fatigue_seg {
    uint64_t key;            /* driver id, or 1 << 32 | vehicle when no driver is known */
    int64_t start, end;      /* driving [start, end) */
    uint32_t vehicle;
    uint32_t npoints;
    int32_t lat0, lon0, lat1, lon1;
    rl_origin origin;
} fatigue_seg;

typedef struct fatigue_vstate {
    const vctx *cx;
    struct rl_run *run;
    /* the vehicle's own timeline, for vehicle_days rests and stints */
    bool in_stint, rest_counted;
    int64_t stint_start, stint_drive_s, stop_run_s, stop_start;
    /* the driving segment being collected */
    bool seg_open;
    fatigue_seg seg;
} fatigue_vstate;

void fatigue_vehicle_begin(fatigue_vstate *s, const vctx *cx, struct rl_run *run);
void fatigue_interval(fatigue_vstate *s, const rl_interval *iv);
void fatigue_vehicle_end(fatigue_vstate *s);
/* After the last vehicle: follow each driver across vehicles, find
 * stints and rests, emit the fatigue events. */
void fatigue_finish(struct rl_run *run);
void fatigue_free(struct rl_run *run);

/* ---- weighbridge checks (RULES.md §5) and GPS at the scale ---- */
/* Keep a copy of a weighing on its vehicle (strings interned). */
void weigh_store(struct rl_run *run, uint32_t vidx, const rl_weighing *w);
/* After the last weighing: the vehicles' weighing lists and counts are
 * complete (analyze_finish calls it before reading them). */
void weigh_store_close(struct rl_run *run);
/* The store's own state (the chunks are the vehicle table's to free). */
void weigh_store_free(struct rl_run *run);

typedef struct weigh_vstate {
    const vctx *cx;
    struct rl_run *run;
    rl_vehicle *v;
    void *priv;              /* detect_weigh.c's own state */
} weigh_vstate;

void weigh_vehicle_begin(weigh_vstate *s, const vctx *cx, struct rl_run *run, rl_vehicle *v);
/* Every accepted fix of the vehicle, in time order (for the nearest fix
 * to each weighing). */
void weigh_fix(weigh_vstate *s, const rl_fix *f);
/* Check every weighing of the vehicle, emit events, fill vehicle days. */
void weigh_vehicle_end(weigh_vstate *s);

#endif
