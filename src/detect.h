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

#include "counters.h"
#include "event.h"
#include "rules.h"
#include "track.h"
#include "vdays.h"
#include "vehicle.h"

/* Detectors a run applies (--detect). */
enum {
    DET_SPEEDING = 1u << 0,  /* speeding, night_speeding */
    DET_FATIGUE = 1u << 1,   /* fatigue_* (and vehicle_days rests/stints) */
    DET_NIGHT_BAN = 1u << 2, /* night_ban */
    DET_GAP = 1u << 3,       /* gps_gap */
    DET_WEIGH = 1u << 4,     /* weighbridge checks, position_mismatch */
    DET_ALL = 0x1F
};

/* A run of contiguous driving intervals of one driver on one vehicle: what
 * the per-vehicle pass hands the per-driver pass (fatigue). */
#define FATIGUE_NO_DRIVER (1ull << 32)
typedef struct fatigue_seg {
    uint64_t key;            /* driver id, or FATIGUE_NO_DRIVER | vehicle when no driver is known */
    int64_t start, end;      /* driving [start, end) */
    uint32_t vehicle;
    uint32_t npoints;
    int32_t lat0, lon0, lat1, lon1;
    rl_origin origin;
    bool after_cp;           /* ended after its vehicle's carry checkpoint: a resumed run makes it again */
} fatigue_seg;

typedef struct fatigue_segs {
    fatigue_seg *s;
    size_t n, cap;
} fatigue_segs;

void fatigue_segs_add(fatigue_segs *l, const fatigue_seg *g);
void fatigue_segs_append(fatigue_segs *dst, const fatigue_segs *src);
void fatigue_segs_free(fatigue_segs *l);

/*
 * What every detector knows about the vehicle being analysed, and where
 * its results go.  A detector sees this and nothing of the run: the
 * outputs are the pass's own (one set per worker thread), so vehicles can
 * be analysed side by side.
 */
typedef struct vctx {
    const rl_rules *r;
    int32_t tz;              /* analysis zone, seconds east of UTC */
    unsigned detect;         /* DET_* */
    const rl_vehicle *v;
    uint32_t vidx;           /* index in the vehicle table */
    vehicle_class cls;
    bool night_exempt;       /* registry: exempt from the 02:00-05:00 ban */
    int64_t limit_mkmh;      /* speed limit in force by day, km/h x 1000 */
    int64_t night_limit_mkmh;/* coaches and charters at night */
    rule_id speed_rule;
    int64_t last_fix;        /* time of the vehicle's last fix: an episode running at it is open */
    /* results */
    rl_events *events;       /* events found */
    vday_list *days;         /* the vehicle's day statistics */
    rl_vstats *vs;           /* and its totals */
    fatigue_segs *segs;      /* driving segments for the per-driver pass */
    rl_counters *counters;   /* named counters for run.json */
} vctx;

/* ---- speeding and night speeding (RULES.md §2) ---- */
typedef struct speeding_state {
    const vctx *cx;
    bool active, night, ending;
    int64_t limit;
    rl_fix first, last;
    int32_t max_speed;
    uint32_t n;
} speeding_state;

void speeding_begin(speeding_state *s, const vctx *cx);
void speeding_fix(speeding_state *s, const rl_fix *f, const rl_interval *iv);
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
typedef struct fatigue_vstate {
    const vctx *cx;
    /* the vehicle's own timeline, for vehicle_days rests and stints */
    bool in_stint, rest_counted;
    int64_t stint_start, stint_drive_s, stop_run_s, stop_start;
    /* the driving segment being collected */
    bool seg_open;
    fatigue_seg seg;
    bool after_cp;           /* past the vehicle's carry checkpoint */
} fatigue_vstate;

void fatigue_vehicle_begin(fatigue_vstate *s, const vctx *cx);
void fatigue_interval(fatigue_vstate *s, const rl_interval *iv);
void fatigue_vehicle_end(fatigue_vstate *s);

/* Where a driver's timeline stands: the stint and the day being summed.
 * Plain data, so a --resume chain can carry it (RUNS.md §2). */
typedef struct fatigue_walk {
    uint64_t key;            /* as fatigue_seg.key */
    /* stint */
    bool open;
    int64_t start, end, drive_s, night_s, night_first;
    uint32_t vehicle, night_vehicle, npoints;
    int32_t lat0, lon0, lat1, lon1, nlat, nlon;
    rl_origin origin, night_origin;
    /* day */
    bool day_open;
    int64_t day, day_s, day_first, day_last;
    uint32_t day_vehicle, day_points;
    int32_t dlat0, dlon0, dlat1, dlon1;
    rl_origin day_origin;
} fatigue_walk;

/* A --resume chain's hooks into the per-driver pass (NULL: none).
 * restore: where a carried driver stood at the carry's checkpoint (false:
 *   not carried); the driver's segments before it are left out.
 * checkpoint: called once per driver, before the first segment that
 *   starts 24 h before the driver's last driving or later, with the walk.
 * done: the driver's segments from that checkpoint on, and the events the
 *   driver gave in this pass: events->e[ev0..] (from ev_cp on: after the
 *   checkpoint). */
typedef struct fatigue_resume {
    void *ud;
    bool (*restore)(void *ud, uint64_t key, fatigue_walk *w, int64_t *checkpoint);
    void (*checkpoint)(void *ud, uint64_t key, const fatigue_walk *w, int64_t checkpoint);
    void (*done)(void *ud, uint64_t key, const fatigue_seg *segs, size_t nsegs, rl_events *events, size_t ev0,
                 size_t ev_cp);
} fatigue_resume;

/* The per-driver pass: what it reads of the vehicles, where its events
 * go. */
typedef struct fatigue_pass {
    const rl_rules *r;
    int32_t tz;
    const rl_vehicle *const *vehicles; /* by vehicle index (class) */
    const uint32_t *rank;              /* vehicle output rank by index: the order of ties */
    rl_events *events;
    rl_counters *counters;
    const fatigue_resume *resume;
} fatigue_pass;

/* After the last vehicle: order the segments by driver, then time
 * (fatigue_segs_sort), and follow each driver's timeline in
 * segs[from, to) (whole drivers: fatigue_next_driver gives the bounds),
 * finding stints and rests and emitting the fatigue events. */
void fatigue_segs_sort(fatigue_segs *segs, const uint32_t *rank);
size_t fatigue_next_driver(const fatigue_segs *segs, size_t from);
void fatigue_drivers(const fatigue_pass *p, const fatigue_segs *segs, size_t from, size_t to);

/* ---- weighbridge checks (RULES.md §5) and GPS at the scale ---- */
/* Where weighings wait for their vehicle's pass: each vehicle's open
 * chunk (the chunks themselves hang on the vehicle). */
typedef struct weigh_store weigh_store;

weigh_store *weigh_store_new(void);
/* Keep a copy of a weighing on vehicle vidx of vt. */
void weigh_store_add(weigh_store *ws, vtable *vt, uint32_t vidx, const rl_weighing *w, rl_counters *counters);
/* After the last weighing: the vehicles' weighing lists and counts are
 * complete (call before reading them); frees the store. */
void weigh_store_close(weigh_store *ws, vtable *vt);

typedef struct weigh_vstate {
    const vctx *cx;
    rl_vehicle *v;
    void *priv;              /* detect_weigh.c's own state */
} weigh_vstate;

void weigh_vehicle_begin(weigh_vstate *s, const vctx *cx, rl_vehicle *v);
/* Every accepted fix of the vehicle, in time order (for the nearest fix
 * to each weighing). */
void weigh_fix(weigh_vstate *s, const rl_fix *f);
/* Check every weighing of the vehicle, emit events, fill vehicle days. */
void weigh_vehicle_end(weigh_vstate *s);

/* A --resume chain (RUNS.md §2): the vehicle's weighings at or after a
 * time, as records (station and WIM speed are not kept); weighings put
 * back on a vehicle; the last accepted fix before a resumed track (the
 * nearest fix to a weighing may be it). */
void weigh_each(const rl_vehicle *v, int64_t from, void (*fn)(void *ud, const rl_weighing *w), void *ud);
void weigh_put(rl_vehicle *v, const rl_weighing *w, size_t n, rl_counters *counters);
void weigh_seed(weigh_vstate *s, const rl_fix *f);

#endif
