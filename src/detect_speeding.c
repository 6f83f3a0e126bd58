/*
 * detect_speeding.c - speeding and night speeding (RULES.md §2).
 *
 * An episode is a maximal run of consecutive accepted fixes strictly above
 * the limit in force, with no gap between them.  For coaches and charters
 * the limit is speeding.night_factor x the day limit inside night.window
 * (动态监督管理办法), and a run is cut where a fix falls on the other side
 * of the window edge from the previous one, so an episode is either all
 * day or all night.  It is an event when it lasts speeding.min_duration_s
 * or more (last - first), shorter runs being GPS noise.
 */
#include "detect.h"

#include <string.h>

#include "timeutil.h"

void speeding_begin(speeding_state *s, const vctx *cx)
{
    memset(s, 0, sizeof *s);
    s->cx = cx;
}

static void close_run(speeding_state *s)
{
    const vctx *cx = s->cx;
    s->active = false;
    int64_t duration = s->last.time - s->first.time;
    if (duration < (int64_t)cx->r->v[R_SPEEDING_MIN_DURATION_S])
        return;
    rl_event e;
    memset(&e, 0, sizeof e);
    e.vehicle = cx->vidx;
    e.driver = fix_driver(&s->first);
    e.type = s->night ? EV_NIGHT_SPEEDING : EV_SPEEDING;
    e.start = s->first.time;
    e.end = s->last.time;
    e.have_pos = true;
    e.start_lat_e6 = s->first.lat_e6;
    e.start_lon_e6 = s->first.lon_e6;
    e.end_lat_e6 = s->last.lat_e6;
    e.end_lon_e6 = s->last.lon_e6;
    e.value = s->max_speed;
    e.limit = s->limit;
    e.scale = 3;
    severity_speeding(cx->cls, e.value, e.limit, e.severity);
    e.rule = rule_name(cx->speed_rule);
    e.origin = s->first.origin;
    e.evidence_points = s->n;
    /* still above the limit where the vehicle's data ends, and the run's
     * data ends too soon after for a gap to have cut it (RUNS.md §2) */
    e.status = s->ending && cx->data_end - s->last.time < (int64_t)cx->r->v[R_TRACK_GAP_S] ? EV_STATUS_OPEN
                                                                                            : EV_STATUS_CLOSED;
    events_add(cx->events, &e);
}

void speeding_fix(speeding_state *s, const rl_fix *f, const rl_interval *iv)
{
    const vctx *cx = s->cx;
    bool passenger = class_is_passenger(cx->cls);
    bool night = passenger && window_contains(cx->r->night, tu_local_sod(f->time, cx->tz));
    int64_t limit = night ? cx->night_limit_mkmh : cx->limit_mkmh;
    bool over = f->speed_mkmh > limit;
    if (s->active) {
        bool cut = !iv || iv->gap || night != s->night;
        if (cut || !over)
            close_run(s);
    }
    if (!over)
        return;
    if (!s->active) {
        s->active = true;
        s->night = night;
        s->limit = limit;
        s->first = *f;
        s->max_speed = f->speed_mkmh;
        s->n = 0;
    }
    s->last = *f;
    s->n++;
    if (f->speed_mkmh > s->max_speed)
        s->max_speed = f->speed_mkmh;
}

void speeding_end(speeding_state *s)
{
    s->ending = true;
    if (s->active)
        close_run(s);
}
