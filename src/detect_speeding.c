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
 *
 * With zones (ZONES.md) the limit in force at a fix is the lowest of the
 * vehicle's and those of the active speed and road zones holding it, the
 * night factor applied to that; a run is also cut where the limit in
 * force changes.  The episode's fastest fix (the first, on a tie) names
 * the zone that set the limit (rule zone:ID) and gives the road type that
 * decides the points (speeding.default_road outside every road zone).
 */
#include "detect.h"

#include <math.h>
#include <string.h>

#include "timeutil.h"

void speeding_begin(speeding_state *s, const vctx *cx)
{
    memset(s, 0, sizeof *s);
    s->cx = cx;
    s->max_limit_zone = s->max_road_zone = ZONE_NONE;
}

static void close_run(speeding_state *s)
{
    const vctx *cx = s->cx;
    s->active = false;
    int64_t duration = s->last.time - s->first.time;
    if (duration < (int64_t)cx->r->v[R_SPEEDING_MIN_DURATION_S])
        return;
    rl_event e;
    event_over_fixes(&e, cx->vidx, s->night ? EV_NIGHT_SPEEDING : EV_SPEEDING, &s->first, &s->last, s->n);
    e.value = s->max_speed;
    e.limit = s->limit;
    e.scale = 3;
    road_type road = s->max_road != ROAD_NONE ? (road_type)s->max_road : (road_type)rules_default_road(cx->r);
    severity_speeding(cx->cls, e.value, e.limit, road, e.severity);
    e.rule = rule_name(cx->speed_rule);
    /* events.csv zone columns: the zone that set the limit, else the
     * road zone that set the road type */
    uint32_t zone = s->max_limit_zone != ZONE_NONE ? s->max_limit_zone : s->max_road_zone;
    if (zone != ZONE_NONE) {
        const rl_zone *z = zones_get(cx->zones, zone);
        e.zone_id = z->id;
        e.zone_name = z->name;
        if (zone == s->max_limit_zone)
            e.rule = z->rule;
    }
    e.road_type = s->max_road;
    /* still above the limit where the vehicle's data ends, and the run's
     * data ends too soon after for a gap to have cut it (RUNS.md §2) */
    e.status = s->ending && cx->data_end - s->last.time < (int64_t)cx->r->v[R_TRACK_GAP_S] ? EV_STATUS_OPEN
                                                                                            : EV_STATUS_CLOSED;
    events_add(cx->events, &e);
}

void speeding_fix(speeding_state *s, const rl_fix *f, const rl_interval *iv, const zone_verdict *zv)
{
    const vctx *cx = s->cx;
    bool passenger = class_is_passenger(cx->cls);
    bool night = passenger && window_contains(cx->r->night, tu_local_sod(f->time, cx->tz));
    int64_t limit = night ? cx->night_limit_mkmh : cx->limit_mkmh;
    uint32_t limit_zone = ZONE_NONE;
    if (zv && zv->limit_mkmh < cx->limit_mkmh) {
        limit_zone = zv->limit_zone;
        limit = night ? llround((double)zv->limit_mkmh * cx->r->v[R_SPEEDING_NIGHT_FACTOR]) : zv->limit_mkmh;
    }
    bool over = f->speed_mkmh > limit;
    if (s->active) {
        bool cut = !iv || iv->gap || night != s->night || limit != s->limit;
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
        s->max_speed = -1;
        s->n = 0;
    }
    s->last = *f;
    s->n++;
    if (f->speed_mkmh > s->max_speed) {
        s->max_speed = f->speed_mkmh;
        s->max_limit_zone = limit_zone;
        s->max_road = zv ? zv->road : ROAD_NONE;
        s->max_road_zone = zv ? zv->road_zone : ZONE_NONE;
    }
}

void speeding_end(speeding_state *s)
{
    s->ending = true;
    if (s->active)
        close_run(s);
}
