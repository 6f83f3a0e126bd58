/*
 * tracksample.h - a compact sample of each vehicle's track, kept while the
 * fixes stream past, for the charts and sketches of report.html (a
 * speed-time chart and a track sketch per vehicle-day with events).
 * The full track is never kept: fixes are freed as they are analysed.
 */
#ifndef RL_TRACKSAMPLE_H
#define RL_TRACKSAMPLE_H

#include <stdint.h>

#include "vehicle.h"

struct rl_run;

typedef struct tracksample_state {
    struct rl_run *run;
    uint32_t vidx;
    int32_t tz;
    void *priv;
} tracksample_state;

void tracksample_begin(tracksample_state *s, struct rl_run *run, uint32_t vidx, int32_t tz);
/* Every accepted fix of the vehicle, in time order. */
void tracksample_fix(tracksample_state *s, const rl_fix *f);
void tracksample_end(tracksample_state *s);
/* Release everything kept for the run. */
void tracksample_free(struct rl_run *run);

#endif
