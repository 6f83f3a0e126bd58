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
} vctx;

/* ---- speeding and night speeding (RULES.md §2) ---- */
typedef struct speeding_state {
    const vctx *cx;
    bool active, night;
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

#endif
