/*
 * tracksample.c - track samples for the report charts (see tracksample.h
 * for what is kept and why).
 *
 * The store (the run's `samples`) has one slot per vehicle of the table,
 * each holding its kept days (sorted by day, as the fixes come in time
 * order) and counting its own bytes, so workers analysing different
 * vehicles never share a field.  While a vehicle is analysed the
 * current day is built in a 1440-slot working array; a finished day is
 * copied out at its exact size, and the decision to keep, thin or drop it
 * waits for the end of the vehicle's pass, when its events are known.
 */
#include "tracksample.h"

#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "track.h"
#include "util.h"

#define SLOTS_PER_DAY 1440
#define THIN_MIN 5 /* minutes per slot of a day thinned out */

typedef struct ts_day {
    int64_t day;
    uint32_t n;
    uint32_t slot_min;
    ts_point p[];
} ts_day;

typedef struct ts_vehicle {
    ts_day **days;
    uint32_t ndays, capdays;
    size_t bytes;          /* held for this vehicle */
} ts_vehicle;

struct ts_store {
    ts_vehicle *v;
    size_t nv;
};

/* Per-pass working state (priv of tracksample_state). */
typedef struct ts_work {
    ts_vehicle *v;         /* the vehicle's slot, NULL: nothing kept */
    size_t first_event;    /* cx->events->n when the pass began */
    int64_t gap_s;
    bool have_prev;
    rl_fix prev;
    int64_t day;           /* day being built */
    int64_t day_start;     /* its local midnight, UTC */
    int64_t slot_end;      /* end of the last slot, UTC: most fixes fall before it */
    uint32_t n;
    ts_point cur[SLOTS_PER_DAY];
} ts_work;

ts_store *tracksample_store_new(size_t nvehicles)
{
    ts_store *st = xcalloc(1, sizeof *st);
    st->nv = nvehicles;
    st->v = xcalloc(nvehicles ? nvehicles : 1, sizeof *st->v);
    return st;
}

void tracksample_begin(tracksample_state *s, ts_store *st, const vctx *cx)
{
    s->cx = cx;
    ts_work *w = xmalloc(sizeof *w);
    w->v = st && cx->vidx < st->nv ? &st->v[cx->vidx] : NULL;
    w->first_event = cx->events->n;
    w->gap_s = (int64_t)cx->r->v[R_TRACK_GAP_S];
    w->have_prev = false;
    w->day = INT64_MIN;
    w->day_start = w->slot_end = INT64_MIN;
    w->n = 0;
    s->priv = w;
}

static void add_day(ts_vehicle *v, ts_day *d)
{
    if (v->ndays == v->capdays) {
        size_t old = v->capdays;
        v->capdays = v->capdays ? v->capdays * 2 : 4;
        v->days = xrealloc(v->days, v->capdays * sizeof *v->days);
        v->bytes += (v->capdays - old) * sizeof *v->days;
    }
    v->days[v->ndays++] = d;
}

static ts_day *day_copy(const ts_point *p, uint32_t n, int64_t day, uint32_t slot_min)
{
    ts_day *d = xmalloc(sizeof *d + n * sizeof *p);
    d->day = day;
    d->n = n;
    d->slot_min = slot_min;
    memcpy(d->p, p, n * sizeof *p);
    return d;
}

static void flush_day(ts_work *w)
{
    if (!w->v || w->n == 0)
        return;
    ts_day *d = day_copy(w->cur, w->n, w->day, 1);
    w->v->bytes += sizeof *d + d->n * sizeof *d->p;
    add_day(w->v, d);
    w->n = 0;
}

void tracksample_fix(tracksample_state *s, const rl_fix *f)
{
    ts_work *w = s->priv;
    bool gap = false;
    if (w->have_prev && f->time - w->prev.time > w->gap_s) {
        gap = true; /* drawn dashed in the sketch */
    }
    w->prev = *f;
    w->have_prev = true;
    if (!w->v)
        return;
    int32_t sp = f->speed_mkmh < 0 ? 0 : f->speed_mkmh / 100;
    uint16_t speed = (uint16_t)(sp > 0xFFFF ? 0xFFFF : sp);
    /* the common case, a fix in the same minute as the one before: no
     * date arithmetic at all (fixes come in time order) */
    if (w->n && f->time < w->slot_end) {
        ts_point *p = &w->cur[w->n - 1];
        if (speed > p->speed_dkmh)
            p->speed_dkmh = speed;
        if (gap)
            p->slot |= TS_GAP_BEFORE;
        return;
    }
    if (f->time >= w->day_start + RL_DAY_S || f->time < w->day_start) {
        flush_day(w);
        w->day = tu_local_day(f->time, s->cx->tz);
        w->day_start = w->day * RL_DAY_S - s->cx->tz;
    }
    uint16_t slot = (uint16_t)((f->time - w->day_start) / 60);
    w->slot_end = w->day_start + ((int64_t)slot + 1) * 60;
    w->cur[w->n++] = (ts_point){(uint16_t)(slot | (gap ? TS_GAP_BEFORE : 0)), speed, f->lat_e6, f->lon_e6};
}

/* Merge minute slots into THIN_MIN-minute slots: highest speed, first
 * position, and a gap flag when any merged slot began with a gap. */
static uint32_t thin(ts_point *p, uint32_t n)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint16_t slot = (uint16_t)((p[i].slot & TS_SLOT_MASK) / THIN_MIN);
        uint16_t flag = p[i].slot & TS_GAP_BEFORE;
        if (k && (p[k - 1].slot & TS_SLOT_MASK) == slot) {
            if (p[i].speed_dkmh > p[k - 1].speed_dkmh)
                p[k - 1].speed_dkmh = p[i].speed_dkmh;
            p[k - 1].slot |= flag;
            continue;
        }
        p[k] = p[i];
        p[k].slot = (uint16_t)(slot | flag);
        k++;
    }
    return k;
}

static bool day_has_driving(const vctx *cx, int64_t day)
{
    const vday_list *l = cx->days;
    for (size_t i = l->first; i < l->n; i++)
        if (l->d[i].vehicle == cx->vidx && l->d[i].day == day)
            return l->d[i].driving_s > 0;
    return true; /* not found: keep rather than lose a chart */
}

void tracksample_end(tracksample_state *s)
{
    ts_work *w = s->priv;
    if (!w)
        return;
    flush_day(w);
    ts_vehicle *v = w->v;
    const vctx *cx = s->cx;
    const rl_events *evs = cx->events;
    /* days touched by this pass's events keep their minutes */
    uint32_t k = 0;
    for (uint32_t i = 0; v && i < v->ndays; i++) {
        ts_day *d = v->days[i];
        bool event_day = false;
        for (size_t e = w->first_event; e < evs->n && !event_day; e++) {
            const rl_event *ev = &evs->e[e];
            event_day = ev->vehicle == cx->vidx && tu_local_day(ev->start, cx->tz) <= d->day &&
                        tu_local_day(ev->end, cx->tz) >= d->day;
        }
        size_t had = sizeof *d + d->n * sizeof *d->p;
        if (event_day) {
            v->days[k++] = d;
            continue;
        }
        v->bytes -= had;
        if (!day_has_driving(cx, d->day)) {
            free(d);
            continue;
        }
        uint32_t n = thin(d->p, d->n);
        ts_day *t = day_copy(d->p, n, d->day, THIN_MIN);
        free(d);
        v->bytes += sizeof *t + n * sizeof *t->p;
        v->days[k++] = t;
    }
    if (v)
        v->ndays = k;
    free(w);
    s->priv = NULL;
}

void tracksample_store_free(ts_store *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->nv; i++) {
        for (uint32_t k = 0; k < st->v[i].ndays; k++)
            free(st->v[i].days[k]);
        free(st->v[i].days);
    }
    free(st->v);
    free(st);
}

bool tracksample_day(const ts_store *st, uint32_t vidx, int64_t local_day, tracksample_view *out)
{
    if (!st || vidx >= st->nv)
        return false;
    const ts_vehicle *v = &st->v[vidx];
    /* days are in time order: binary search */
    uint32_t lo = 0, hi = v->ndays;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v->days[mid]->day < local_day)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == v->ndays || v->days[lo]->day != local_day)
        return false;
    out->p = v->days[lo]->p;
    out->n = v->days[lo]->n;
    out->slot_min = (int)v->days[lo]->slot_min;
    return true;
}

size_t tracksample_bytes(const ts_store *st)
{
    if (!st)
        return 0;
    size_t bytes = sizeof *st + st->nv * sizeof *st->v;
    for (size_t i = 0; i < st->nv; i++)
        bytes += st->v[i].bytes;
    return bytes;
}
