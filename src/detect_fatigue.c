/*
 * detect_fatigue.c - fatigue driving (RULES.md §3; 实施条例 art. 62 (7);
 * 道路运输车辆动态监督管理办法 for the coach night and daily limits).
 *
 * Fatigue follows the driver, not the vehicle: each driver has one
 * timeline made of the driving intervals of every vehicle while they were
 * at its wheel, and any time not driving counts as stopped for them.  So
 * the per-vehicle pass only collects driving segments (contiguous driving
 * intervals of one driver on one vehicle), and fatigue_finish sorts them
 * per driver and walks each timeline:
 *
 *   - a rest is a stop of at least fatigue.rest_min_s between two
 *     segments; shorter stops neither reset nor add;
 *   - a stint runs from the first driving after a rest to the last driving
 *     before the next; its driving time is the sum of its segments;
 *   - fatigue_continuous: stint driving > fatigue.continuous_max_s;
 *   - fatigue_night (coach, charter): the stint's driving inside
 *     night.window > fatigue.night_continuous_max_s;
 *   - fatigue_daily (coach, charter): driving in one local day >
 *     fatigue.daily_max_s.
 *
 * Where no driver is known, the vehicle stands in for one.  Windows and
 * days are cut exactly at their edges in the analysis zone.  A driver seen
 * on two vehicles at once (a shared card, a data error) is not counted
 * twice: overlapping driving is clipped.
 */
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "timeutil.h"
#include "util.h"

#define NO_DRIVER FATIGUE_NO_DRIVER

void fatigue_segs_add(fatigue_segs *l, const fatigue_seg *g)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->s = xrealloc(l->s, l->cap * sizeof *l->s);
    }
    l->s[l->n++] = *g;
}

void fatigue_segs_append(fatigue_segs *dst, const fatigue_segs *src)
{
    if (dst->n + src->n > dst->cap) {
        dst->cap = dst->n + src->n;
        dst->s = xrealloc(dst->s, (dst->cap ? dst->cap : 1) * sizeof *dst->s);
    }
    if (src->n)
        memcpy(dst->s + dst->n, src->s, src->n * sizeof *src->s);
    dst->n += src->n;
}

void fatigue_segs_free(fatigue_segs *l)
{
    free(l->s);
    memset(l, 0, sizeof *l);
}

/* ---- collecting, vehicle by vehicle ---- */

void fatigue_vehicle_begin(fatigue_vstate *s, const vctx *cx)
{
    memset(s, 0, sizeof *s);
    s->cx = cx;
}

static void flush_seg(fatigue_vstate *s)
{
    if (!s->seg_open)
        return;
    s->seg.after_cp = s->after_cp;
    fatigue_segs_add(s->cx->segs, &s->seg);
    s->seg_open = false;
}

static void end_vehicle_stint(fatigue_vstate *s)
{
    if (!s->in_stint)
        return;
    rl_vday *d = vdays_get(s->cx->days, s->cx->vidx, tu_local_day(s->stint_start, s->cx->tz));
    if (s->stint_drive_s > d->longest_stint_s)
        d->longest_stint_s = s->stint_drive_s;
    s->in_stint = false;
}

void fatigue_interval(fatigue_vstate *s, const rl_interval *iv)
{
    const vctx *cx = s->cx;
    int64_t rest_min = (int64_t)cx->r->v[R_FATIGUE_REST_MIN_S];
    if (!iv->driving) {
        flush_seg(s);
        if (s->stop_run_s == 0)
            s->stop_start = iv->a.time;
        s->stop_run_s += iv->dt;
        if (!s->rest_counted && s->stop_run_s >= rest_min) {
            s->rest_counted = true;
            vdays_get(cx->days, cx->vidx, tu_local_day(s->stop_start, cx->tz))->rests++;
        }
        return;
    }
    /* the vehicle's own stints */
    if (!s->in_stint || s->stop_run_s >= rest_min) {
        end_vehicle_stint(s);
        s->in_stint = true;
        s->stint_start = iv->a.time;
        s->stint_drive_s = 0;
    }
    s->stop_run_s = 0;
    s->rest_counted = false;
    s->stint_drive_s += iv->dt;
    /* the driver's segments: an interval belongs to the driver of its
     * earlier fix */
    uint32_t driver = fix_driver(&iv->a);
    uint64_t key = driver ? driver : (NO_DRIVER | cx->vidx);
    if (s->seg_open && s->seg.key == key && s->seg.end == iv->a.time) {
        s->seg.end = iv->b.time;
        s->seg.lat1 = iv->b.lat_e6;
        s->seg.lon1 = iv->b.lon_e6;
        s->seg.npoints++;
        return;
    }
    flush_seg(s);
    s->seg_open = true;
    s->seg = (fatigue_seg){key, iv->a.time, iv->b.time, cx->vidx, 2,
                           iv->a.lat_e6, iv->a.lon_e6, iv->b.lat_e6, iv->b.lon_e6, iv->a.origin, false};
}

void fatigue_vehicle_end(fatigue_vstate *s)
{
    flush_seg(s);
    end_vehicle_stint(s);
}

/* ---- following each driver ---- */

/* Driver, then time; two vehicles of one driver starting at once (a
 * shared card) in output order, so the result does not depend on the
 * order vehicles entered the table. */
static int seg_order(const void *a, const void *b, void *ctx)
{
    const uint32_t *rank = ctx;
    const fatigue_seg *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    uint32_t rx = rank[x->vehicle], ry = rank[y->vehicle];
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

void fatigue_segs_sort(fatigue_segs *segs, const uint32_t *rank)
{
    if (segs->n > 1)
        qsort_r(segs->s, segs->n, sizeof *segs->s, seg_order, (void *)rank);
}

size_t fatigue_next_driver(const fatigue_segs *segs, size_t from)
{
    size_t i = from;
    while (i < segs->n && segs->s[i].key == segs->s[from].key)
        i++;
    return i;
}

typedef struct {
    const fatigue_pass *p;
    fatigue_walk m;
    bool ending;             /* the end of the driver's data: what is open stays open */
} walk;

static void fatigue_severity(vehicle_class c, char out[48])
{
    /* 记分办法 2022: 9 points for 中型以上载客汽车 and dangerous goods
     * (art. 9 item 7), 3 for 载货汽车 (art. 11 item 14); fine under
     * 道交法 art. 90. */
    int pts = (c == CLASS_COACH || c == CLASS_CHARTER || c == CLASS_HAZMAT) ? 9
              : (c == CLASS_TRUCK || c == CLASS_HEAVY_TRUCK || c == CLASS_MUCK) ? 3
                                                                                 : 0;
    snprintf(out, 48, "%d pts; 20-200 yuan", pts);
}

static void add_event(walk *w, event_type t, uint32_t vehicle, int64_t start, int64_t end, int32_t lat0,
                      int32_t lon0, int32_t lat1, int32_t lon1, int64_t value, rule_id rule, rl_origin origin,
                      uint32_t npoints, bool open)
{
    const fatigue_pass *p = w->p;
    const rl_vehicle *v = p->vehicles[vehicle];
    rl_event e;
    memset(&e, 0, sizeof e);
    e.vehicle = vehicle;
    e.driver = (w->m.key & NO_DRIVER) ? 0 : (uint32_t)w->m.key;
    e.type = t;
    e.start = start;
    e.end = end;
    e.have_pos = true;
    e.start_lat_e6 = lat0;
    e.start_lon_e6 = lon0;
    e.end_lat_e6 = lat1;
    e.end_lon_e6 = lon1;
    e.value = value;
    e.limit = (int64_t)p->r->v[rule];
    e.scale = 0;
    fatigue_severity(v->cls, e.severity);
    e.rule = rule_name(rule);
    e.origin = origin;
    e.evidence_points = npoints;
    e.status = open ? EV_STATUS_OPEN : EV_STATUS_CLOSED;
    events_add(p->events, &e);
}

static vehicle_class class_of(const walk *w, uint32_t vehicle) { return w->p->vehicles[vehicle]->cls; }

/* A stint is still running when the run's data ends less than a rest
 * after its last driving: the driver may drive on (RUNS.md §2). */
static bool stint_open(const walk *w)
{
    return w->ending && w->p->data_end - w->m.end < (int64_t)w->p->r->v[R_FATIGUE_REST_MIN_S];
}

static void close_stint(walk *w)
{
    if (!w->m.open)
        return;
    w->m.open = false;
    const rl_rules *r = w->p->r;
    if (w->m.drive_s > (int64_t)r->v[R_FATIGUE_CONTINUOUS_MAX_S])
        add_event(w, EV_FATIGUE_CONTINUOUS, w->m.vehicle, w->m.start, w->m.end, w->m.lat0, w->m.lon0, w->m.lat1, w->m.lon1,
                  w->m.drive_s, R_FATIGUE_CONTINUOUS_MAX_S, w->m.origin, w->m.npoints, stint_open(w));
    if (w->m.night_s > (int64_t)r->v[R_FATIGUE_NIGHT_CONTINUOUS_MAX_S] && class_is_passenger(class_of(w, w->m.night_vehicle)))
        add_event(w, EV_FATIGUE_NIGHT, w->m.night_vehicle, w->m.night_first, w->m.end, w->m.nlat, w->m.nlon, w->m.lat1,
                  w->m.lon1, w->m.night_s, R_FATIGUE_NIGHT_CONTINUOUS_MAX_S, w->m.night_origin, w->m.npoints,
                  stint_open(w));
}

static void close_day(walk *w)
{
    if (!w->m.day_open)
        return;
    w->m.day_open = false;
    if (w->m.day_s > (int64_t)w->p->r->v[R_FATIGUE_DAILY_MAX_S] && class_is_passenger(class_of(w, w->m.day_vehicle)))
        add_event(w, EV_FATIGUE_DAILY, w->m.day_vehicle, w->m.day_first, w->m.day_last, w->m.dlat0, w->m.dlon0, w->m.dlat1,
                  w->m.dlon1, w->m.day_s, R_FATIGUE_DAILY_MAX_S, w->m.day_origin, w->m.day_points,
                  /* a day the run's data ends inside is not over yet */
                  w->ending && w->p->data_end < (w->m.day + 1) * RL_DAY_S - w->p->tz);
}

static void add_segment(walk *w, const fatigue_seg *g, int64_t s, int64_t e)
{
    const rl_rules *r = w->p->r;
    int32_t tz = w->p->tz;
    if (w->m.open && s - w->m.end >= (int64_t)r->v[R_FATIGUE_REST_MIN_S])
        close_stint(w);
    if (!w->m.open) {
        w->m.open = true;
        w->m.start = s;
        w->m.drive_s = w->m.night_s = 0;
        w->m.vehicle = g->vehicle;
        w->m.lat0 = g->lat0;
        w->m.lon0 = g->lon0;
        w->m.origin = g->origin;
        w->m.npoints = 0;
    }
    w->m.drive_s += e - s;
    int64_t nf = 0;
    int64_t ns = window_overlap(s, e, tz, r->night, &nf);
    if (ns > 0 && w->m.night_s == 0) {
        w->m.night_first = nf;
        w->m.night_vehicle = g->vehicle;
        w->m.nlat = g->lat0;
        w->m.nlon = g->lon0;
        w->m.night_origin = g->origin;
    }
    w->m.night_s += ns;
    w->m.end = e;
    w->m.lat1 = g->lat1;
    w->m.lon1 = g->lon1;
    w->m.npoints += g->npoints;
    /* local days, split exactly at midnight */
    for (int64_t t = s; t < e;) {
        int64_t day = tu_local_day(t, tz);
        int64_t next = (day + 1) * RL_DAY_S - tz;
        int64_t pe = next < e ? next : e;
        if (w->m.day_open && w->m.day != day)
            close_day(w);
        if (!w->m.day_open) {
            w->m.day_open = true;
            w->m.day = day;
            w->m.day_s = 0;
            w->m.day_first = t;
            w->m.day_vehicle = g->vehicle;
            w->m.dlat0 = g->lat0;
            w->m.dlon0 = g->lon0;
            w->m.day_origin = g->origin;
            w->m.day_points = 0;
        }
        w->m.day_s += pe - t;
        w->m.day_last = pe;
        w->m.dlat1 = g->lat1;
        w->m.dlon1 = g->lon1;
        w->m.day_points += g->npoints;
        t = pe;
    }
}

void fatigue_drivers(const fatigue_pass *p, const fatigue_segs *segs, size_t from, size_t to)
{
    const fatigue_resume *rs = p->resume;
    for (size_t i = from; i < to;) {
        walk w;
        memset(&w, 0, sizeof w);
        w.p = p;
        uint64_t key = segs->s[i].key;
        size_t end = i;
        int64_t last_end = INT64_MIN;
        while (end < to && segs->s[end].key == key) {
            if (segs->s[end].end > last_end)
                last_end = segs->s[end].end;
            end++;
        }
        /* a --resume chain: where the driver stood at the carry's
         * checkpoint, and the checkpoint of the next carry (RUNS.md §2) */
        int64_t cp_old = INT64_MIN;
        bool restored = rs && rs->restore(rs->ud, key, &w.m, &cp_old);
        w.m.key = key;
        int64_t cp = last_end - RL_DAY_S;
        bool cp_pending = rs != NULL;
        size_t ev0 = p->events->n, ev_cp = ev0, seg_cp = end;
        for (; i < end; i++) {
            const fatigue_seg *g = &segs->s[i];
            if (restored && g->start < cp_old) {
                /* driving older than the carry: the walk is past it */
                counters_add(p->counters, "fatigue.late_beyond_carry", 1);
                continue;
            }
            if (cp_pending && g->start >= cp) {
                cp_pending = false;
                ev_cp = p->events->n;
                seg_cp = i;
                rs->checkpoint(rs->ud, key, &w.m, cp);
            }
            int64_t s = g->start, e = g->end;
            if (w.m.open && s < w.m.end) { /* the same driver on two vehicles at once */
                if (e <= w.m.end) {
                    counters_add(p->counters, "fatigue.overlapping_driving", 1);
                    continue;
                }
                s = w.m.end;
            }
            add_segment(&w, g, s, e);
        }
        if (cp_pending) {
            ev_cp = p->events->n;
            rs->checkpoint(rs->ud, key, &w.m, cp);
        }
        w.ending = true;
        close_stint(&w);
        close_day(&w);
        if (rs)
            rs->done(rs->ud, key, segs->s + seg_cp, end - seg_cp, p->events, ev0, ev_cp);
    }
}
