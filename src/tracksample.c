/*
 * tracksample.c - track samples for the report charts (see
 * tracksample.h).  Placeholder until issue 6: nothing is kept.
 */
#include "tracksample.h"

void tracksample_begin(tracksample_state *s, struct rl_run *run, uint32_t vidx, int32_t tz)
{
    s->run = run;
    s->vidx = vidx;
    s->tz = tz;
    s->priv = 0;
}

void tracksample_fix(tracksample_state *s, const rl_fix *f)
{
    (void)s;
    (void)f;
}

void tracksample_end(tracksample_state *s) { (void)s; }
void tracksample_free(struct rl_run *run) { (void)run; }
