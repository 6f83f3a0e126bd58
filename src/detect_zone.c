/*
 * detect_zone.c - zone_restricted and route_deviation (ZONES.md "Rules"),
 * and what a fix's zones say to the speeding detector.
 *
 * Each accepted fix is asked of the zone set once (zone_query_at: the
 * zones that bind the vehicle, are in force at the fix's local time and
 * hold its position).  From the answer:
 *   - every active restricted zone holding the fix carries on, or starts,
 *     a run of its own; a run ends at the first fix outside (or no longer
 *     in force: a window closing, a date range ending) or after a gap
 *     (track.gap_s), and is an event when last - first >= the zone's
 *     min_s.  Overlapping zones give one event each (记分办法 2022 art. 10
 *     for hazmat in a restricted area, art. 12 for others);
 *   - for a vehicle some active route binds, a moving fix (track.moving_kmh)
 *     outside every such route carries on or starts a deviation run; a
 *     stopped fix, a fix on a route, a gap or no route in force ends it;
 *     one event per run, named after the first route (in file order) in
 *     force at its first fix;
 *   - speed and road zones give the fix's limit and road type.
 * Runs still open at the vehicle's last fix end there.
 */
#include "detect.h"

#include <math.h>
#include <string.h>

/* `ending`: the run is still on where the vehicle's data ends, and the
 * run's data ends too soon after for a gap to have cut it (RUNS.md §2:
 * an open event, reported with what is known so far). */
static void emit(zone_vstate *s, const zone_run *r, event_type type, bool ending)
{
    const vctx *cx = s->cx;
    const rl_zone *z = zones_get(cx->zones, r->zone);
    int64_t duration = r->last.time - r->first.time;
    if (!s->emit || duration < z->min_s)
        return;
    rl_event e;
    event_over_fixes(&e, cx->vidx, type, &r->first, &r->last, r->n);
    e.value = duration;
    e.limit = z->min_s;
    e.scale = 0;
    if (type == EV_ROUTE_DEVIATION)
        strcpy(e.severity, "warning");
    else if (cx->cls == CLASS_HAZMAT) /* 记分办法 2022 art. 10: hazmat into a restricted area */
        strcpy(e.severity, "6 pts; 200-2000 yuan");
    else /* art. 12: against a prohibition sign (禁令标志) */
        strcpy(e.severity, "1 pts; warning or 20-200 yuan");
    e.rule = z->rule;
    e.zone_id = z->id;
    e.zone_name = z->name;
    e.status = ending && cx->data_end - r->last.time < (int64_t)cx->r->v[R_TRACK_GAP_S] ? EV_STATUS_OPEN
                                                                                         : EV_STATUS_CLOSED;
    events_add(cx->events, &e);
}

void zone_begin(zone_vstate *s, const vctx *cx, bool emit_events)
{
    memset(s, 0, sizeof *s);
    s->cx = cx;
    s->emit = emit_events;
}

static void verdict_none(zone_verdict *out)
{
    out->limit_mkmh = INT64_MAX;
    out->limit_zone = ZONE_NONE;
    out->road = ROAD_NONE;
    out->road_zone = ZONE_NONE;
}

/* The restricted zones among the hits carry their runs on; the others'
 * runs end.  Both lists are in ascending zone order. */
static void restricted(zone_vstate *s, const rl_fix *f, bool cut, const uint32_t *hits, size_t nhits)
{
    const zone_set *zs = s->cx->zones;
    zone_run next[ZONE_OPEN_MAX];
    uint32_t nn = 0, j = 0;
    for (size_t i = 0; i < nhits; i++) {
        uint32_t h = hits[i];
        if (zones_get(zs, h)->kind != ZONE_RESTRICTED)
            continue;
        while (j < s->nopen && s->open[j].zone < h)
            emit(s, &s->open[j++], EV_ZONE_RESTRICTED, false);
        zone_run r;
        if (j < s->nopen && s->open[j].zone == h && !cut) {
            r = s->open[j++];
            r.last = *f;
            r.n++;
        } else {
            if (j < s->nopen && s->open[j].zone == h) /* a gap ends the run; the fix starts another */
                emit(s, &s->open[j++], EV_ZONE_RESTRICTED, false);
            r.zone = h;
            r.n = 1;
            r.first = r.last = *f;
        }
        if (nn < ZONE_OPEN_MAX)
            next[nn++] = r;
        else
            s->dropped++;
    }
    while (j < s->nopen)
        emit(s, &s->open[j++], EV_ZONE_RESTRICTED, false);
    memcpy(s->open, next, nn * sizeof *next);
    s->nopen = nn;
}

void zone_fix(zone_vstate *s, const rl_fix *f, const rl_interval *iv, zone_verdict *out)
{
    const vctx *cx = s->cx;
    verdict_none(out);
    zone_when w = zone_when_of(f->time, cx->tz);
    zone_subject subj = {cx->plate, cx->cls};
    const uint32_t *hits;
    size_t nhits = zone_query_at(cx->zq, &subj, &w, f->lat_e6, f->lon_e6, &hits);
    bool cut = !iv || iv->gap;

    restricted(s, f, cut, hits, nhits);

    bool on_route = false;
    int64_t road_limit = INT64_MAX;
    for (size_t i = 0; i < nhits; i++) {
        const rl_zone *z = zones_get(cx->zones, hits[i]);
        switch (z->kind) {
        case ZONE_SPEED:
        case ZONE_ROAD:
            /* the lowest limit in force; ties go to the first zone */
            if (z->limit_mkmh > 0 && z->limit_mkmh < out->limit_mkmh) {
                out->limit_mkmh = z->limit_mkmh;
                out->limit_zone = hits[i];
            }
            /* the road type: of the road zone with the lowest limit (one
             * without a limit counts as none), then the first */
            if (z->kind == ZONE_ROAD) {
                int64_t l = z->limit_mkmh > 0 ? z->limit_mkmh : INT64_MAX;
                if (out->road_zone == ZONE_NONE || l < road_limit) {
                    out->road = z->road;
                    out->road_zone = hits[i];
                    road_limit = l;
                }
            }
            break;
        case ZONE_ROUTE: on_route = true; break;
        default: break;
        }
    }

    uint32_t route;
    bool moving = f->speed_mkmh >= llround(cx->r->v[R_TRACK_MOVING_KMH] * 1000.0);
    bool deviating = !on_route && moving && zones_route_applies(cx->zones, &subj, &w, &route);
    if (s->deviating && (cut || !deviating)) {
        emit(s, &s->route, EV_ROUTE_DEVIATION, false);
        s->deviating = false;
    }
    if (deviating) {
        if (!s->deviating) {
            s->deviating = true;
            s->route.zone = route;
            s->route.n = 0;
            s->route.first = *f;
        }
        s->route.last = *f;
        s->route.n++;
    }
}

void zone_end(zone_vstate *s)
{
    for (uint32_t j = 0; j < s->nopen; j++)
        emit(s, &s->open[j], EV_ZONE_RESTRICTED, true);
    s->nopen = 0;
    if (s->deviating)
        emit(s, &s->route, EV_ROUTE_DEVIATION, true);
    s->deviating = false;
}
