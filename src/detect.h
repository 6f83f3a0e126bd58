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
#include <string.h>

#include "counters.h"
#include "event.h"
#include "rules.h"
#include "strtab.h"
#include "track.h"
#include "vdays.h"
#include "vehicle.h"
#include "zones.h"

/* Detectors a run applies (--detect). */
enum {
    DET_SPEEDING = 1u << 0,  /* speeding, night_speeding */
    DET_FATIGUE = 1u << 1,   /* fatigue_* (and vehicle_days rests/stints) */
    DET_NIGHT_BAN = 1u << 2, /* night_ban */
    DET_GAP = 1u << 3,       /* gps_gap */
    DET_WEIGH = 1u << 4,     /* weighbridge checks, position_mismatch */
    DET_ALARM = 1u << 5,     /* terminal_alarm, adas/dsm/tpms/bsd_alarm, terminal_silent (RULES.md §8) */
    DET_ZONE = 1u << 6,      /* zone_restricted, route_deviation (ZONES.md) */
    DET_ALL = 0x7F
};
/* Their names, bit by bit (--detect, run.json options.detect). */
#define DETECTOR_NAMES {"speeding", "fatigue", "night_ban", "gap", "weigh", "alarm", "zone"}

/* The bit of a detector's name; 0 when it names none. */
static inline unsigned detector_bit(const char *name)
{
    static const char *const names[] = DETECTOR_NAMES;
    for (unsigned i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i], name) == 0)
            return 1u << i;
    return 0;
}

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
    int64_t last_fix;        /* time of the vehicle's last fix */
    int64_t data_end;        /* the run's last time (every vehicle): what later data could still change is open */
    /* results */
    rl_events *events;       /* events found */
    vday_list *days;         /* the vehicle's day statistics */
    rl_vstats *vs;           /* and its totals */
    fatigue_segs *segs;      /* driving segments for the per-driver pass */
    rl_counters *counters;   /* named counters for run.json */
    struct ts_vehicle *samples; /* the vehicle's slot of the track samples and evidence
                                 * (tracksample.h), NULL: nothing kept */
    /* zones (ZONES.md) */
    const char *plate;       /* the vehicle's plate (or terminal phone) */
    const zone_set *zones;   /* --zones, frozen and shared; NULL without */
    zone_query *zq;          /* this worker's zone query context */
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
    bool active, night, ending;
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
/* The limit in force at a fix (km/h x 1000): the vehicle's, lowered by
 * the zones holding it (zv: what the zones say, NULL without zones), times
 * the night factor at night for coaches and charters; *night says which,
 * *limit_zone the zone that set it (ZONE_NONE: the vehicle's own).  The
 * speeding detector's limit, and the one the evidence lists per fix. */
int64_t speeding_limit_at(const vctx *cx, const rl_fix *f, const zone_verdict *zv, bool *night, uint32_t *limit_zone);
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
    int64_t data_end;                  /* the run's last time: a stint or day later data could extend is open */
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

/* stations: where weighing stations are interned, for the documents'
 * evidence (NULL: station and WIM speed are not kept). */
weigh_store *weigh_store_new(strtab *stations);
/* Keep a copy of a weighing on vehicle vidx of vt. */
void weigh_store_add(weigh_store *ws, vtable *vt, uint32_t vidx, const rl_weighing *w, rl_counters *counters);
/* After the last weighing: the vehicles' weighing lists and counts are
 * complete (call before reading them); frees the store. */
void weigh_store_close(weigh_store *ws, vtable *vt);
/* The stations of a vehicle's weighings are ids of the strings they were
 * read into: to(ud, id) gives each its id in another table (a reading
 * task's weighings joining the run, analyze.c shadow_close). */
void weigh_remap_stations(rl_vehicle *v, uint32_t (*to)(void *ud, uint32_t id), void *ud);

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

/* ---- what the terminal itself reported (RULES.md §8, JT808.md §14) ---- */
/*
 * Most positions carry no alarm, so nothing of an alarm is in the fix:
 * alarm_store keeps a record, on the vehicle's own list of chunks, only
 * for a position whose alarm word has an event bit (ACODE_EVENT_BITS)
 * and for each active-safety item that is an alarm, and marks the fix
 * FIX_ALARM when it kept the word.  The vehicle pass then sorts the
 * records (time, then content, then input order: shuffled input gives
 * the same result) and
 *   - alarm_point, fed every point that survives duplicate removal (the
 *     terminal reports its alarm word with invalid fixes too), follows
 *     each bit: a held bit's run of consecutive positions is one
 *     terminal_alarm from its first to its last position, an ack-cleared
 *     bit gives one at its rising edge; value = positions with the bit;
 *   - alongside, the items' start and end flags are paired by kind and
 *     alarm id, at the items' own times, up to each point's time (a point
 *     alarm, flag 0, is an event of its own; a start whose end has not
 *     come within alarm.pair_max_s of later data ends at its own time);
 *     alarm_vehicle_end pairs those after the last point.
 * What is still running when the data ends (a bit still set, a start
 * still waiting) is emitted with status `open` and stays in the state,
 * so a run continued from the state (--resume) finishes it.  For a
 * --resume carry: alarm_vstate as it is after the last point before the
 * checkpoint, and the vehicle's records (positions' alarm words and items)
 * from the checkpoint on; a record is a point's when its time and origin
 * are the point's.
 */
struct rl_run;
void alarm_store(struct rl_run *run, rl_vehicle *v, const rl_position *p, rl_fix *f);
/* The driver ids of the vehicle's records through `remap` (a reading
 * task's strings to the run's). */
void alarm_remap_drivers(rl_vehicle *v, uint32_t (*remap)(void *ud, uint32_t id), void *ud);

/* The alarm-word bits events come from (ACODE_EVENT_BITS): 16. */
#define ALARM_EVENT_BITS_N 16
/* Starts waiting for their end, per vehicle; past this the oldest ends
 * at its own time (counted as alarm.open_overflow). */
#define ALARM_OPEN_MAX 16

/* A run of consecutive positions with one alarm-word bit. */
typedef struct alarm_bitrun {
    int64_t first, last;     /* times of the first and the latest position with the bit */
    rl_origin origin;        /* of the first */
    int32_t lat0, lon0, lat1, lon1;
    uint32_t n;              /* positions with the bit */
    uint32_t driver;         /* at the first position (strtab id, 0 none) */
    bool first_ok, last_ok;  /* first / latest position is a valid fix */
} alarm_bitrun;

/* An active-safety start waiting for its end. */
typedef struct alarm_open {
    int64_t start;           /* the start item's own time */
    rl_origin origin;        /* of the position that carried it */
    int32_t lat_e6, lon_e6;  /* the item's base-block position */
    uint32_t alarm_id;
    uint32_t driver;
    uint8_t kind;            /* rl_as_kind */
    uint8_t type;            /* alarm type code; TPMS: the tyre alarm bit */
    uint8_t value;           /* level, DSM fatigue degree, TPMS tyres */
} alarm_open;

/* The detector's state for one vehicle: plain data of fixed size (about
 * 1.5 KB) without pointers, so a --resume carry can save and restore it
 * as is.  What matters: run[] of the `active` bits (slot = rank of the
 * bit in ACODE_EVENT_BITS), open[0..nopen), last_time. */
typedef struct alarm_vstate {
    uint32_t active;         /* event bits set at the previous position */
    uint32_t nopen;
    int64_t last_time;       /* latest position or item time seen */
    alarm_bitrun run[ALARM_EVENT_BITS_N];
    alarm_open open[ALARM_OPEN_MAX];
} alarm_vstate;

/* A stored record, 40 bytes: only positions with an alarm have one.
 * Plain data; `driver` is an id of the run's strings. */
enum { ALARM_REC_WORD = 0 };      /* kind of a position's alarm word; items: 1 + rl_as_kind */
#define ALARM_TYPE_CLOSER 0xFF    /* a TPMS end item without an alarm bit: it only ends */
typedef struct alarm_rec {
    int64_t time;            /* the position's time (word) or the item's own */
    rl_origin origin;        /* of the position */
    int32_t lat_e6, lon_e6;  /* the position's, or the item's base block */
    uint32_t code;           /* the word's event bits, or the item's alarm id */
    uint32_t driver;         /* strtab id of the position's driver, 0 none */
    uint8_t kind;            /* ALARM_REC_WORD or 1 + rl_as_kind */
    uint8_t flag;            /* RL_AS_FLAG_* */
    uint8_t type;            /* alarm type code; TPMS: the tyre alarm bit; ALARM_TYPE_CLOSER */
    uint8_t value;           /* level, DSM fatigue degree, TPMS tyres with the bit */
} alarm_rec;

/* The vehicle's stored records in time order, for one pass (not state:
 * they are the vehicle's data, like its fixes). */
typedef struct alarm_feed {
    alarm_rec *rec;
    size_t n, next;          /* next: first record not before the last point */
    size_t next_item;        /* the first record not yet paired */
    size_t prev_item;        /* the last item paired, when have_prev */
    bool have_prev;
} alarm_feed;

void alarm_state_init(alarm_vstate *s);
/* Take the vehicle's records (its chunks are freed). */
void alarm_feed_open(alarm_feed *fd, rl_vehicle *v);
/* A point (in time order): its alarm word's runs, and the items up to its
 * time paired, so that the state after a point is that of the data up to
 * it (a --resume checkpoint can take it there, as the other detectors'). */
void alarm_point(alarm_vstate *s, alarm_feed *fd, const vctx *cx, const rl_fix *f);
/* Pair the items up to time t (inclusive; alarm_point does it up to each
 * point): a checkpoint's state takes the items before it. */
void alarm_items_until(alarm_vstate *s, alarm_feed *fd, const vctx *cx, int64_t t);
/* Pair the items left, emit what is still running as open. */
void alarm_vehicle_end(alarm_vstate *s, alarm_feed *fd, const vctx *cx);
/* For a carry: the feed's records from time `since` on, in order; and a
 * carried record put back on its vehicle before the next pass (FIX_ALARM
 * stays on the carried fix it belongs to). */
void alarm_each(const alarm_feed *fd, int64_t since, void (*fn)(void *ud, const alarm_rec *r), void *ud);
void alarm_put(rl_vehicle *v, const alarm_rec *r);
void alarm_feed_close(alarm_feed *fd);
/* After every detector (fatigue needs all vehicles): the cross-check of
 * each vehicle into its vstats, and terminal_silent events. */
void alarm_finish(struct rl_run *run);

#endif
