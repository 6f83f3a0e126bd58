/*
 * tracksample.c - track samples and the evidence of events for the
 * documents (see tracksample.h for what is kept and why).
 *
 * The store (the run's `samples`) has one slot per vehicle of the table,
 * each holding its kept days (sorted by day, as the fixes come in time
 * order), its event captures and its weighings, and counting its own
 * bytes, so workers analysing different vehicles never share a field.
 * While a vehicle is analysed the current day is built in a 1440-slot
 * working array; a finished day is copied out at its exact size, and the
 * decision to keep, thin or drop it waits for the end of the vehicle's
 * pass, when its events are known.
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

/* The fixes of one event window (see tracksample.h). */
typedef struct ts_capture {
    int64_t start, end;      /* the event's */
    int64_t want_from, want_to; /* with the margins */
    uint32_t n, cap;
    uint32_t stride;         /* fixes merged into one slot (1, 2, 4 ...) */
    uint32_t pending;        /* fixes merged into the last slot so far */
    bool thinned, cut_start, open;
    ts_fix *f;
} ts_capture;

struct ts_vehicle {
    ts_day **days;
    uint32_t ndays, capdays;
    ts_capture *cap;         /* sorted by (start, end) once the pass ends */
    uint32_t ncap, capcap;
    ts_weighing *w;          /* weighings with events, in time order */
    uint32_t nw, capw;
    size_t bytes;            /* held for this vehicle */
};

struct ts_store {
    ts_vehicle *v;
    size_t nv;
};

/* Per-pass working state (priv of tracksample_state). */
typedef struct ts_work {
    ts_vehicle *v;         /* the vehicle's slot, NULL: nothing kept */
    size_t seen_events;    /* cx->events->n at the last look */
    ts_fix ring[TS_RING];  /* the last accepted fixes */
    uint32_t ring_head, ring_n;
    uint64_t fixes_seen;   /* accepted fixes so far (the ring lost the older) */
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


void tracksample_begin(tracksample_state *s, const vctx *cx)
{
    s->cx = cx;
    ts_work *w = xmalloc(sizeof *w);
    w->v = cx->samples;
    w->first_event = w->seen_events = cx->events->n;
    w->ring_head = w->ring_n = 0;
    w->fixes_seen = 0;
    w->gap_s = (int64_t)cx->r->v[R_TRACK_GAP_S];
    w->have_prev = false;
    w->day = INT64_MIN;
    w->day_start = w->slot_end = INT64_MIN;
    w->n = 0;
    s->priv = w;
}

/* Room for one more element in a slot's array, the bytes counted. */
static void *grow(ts_vehicle *v, void *a, uint32_t *cap, uint32_t n, size_t size)
{
    if (n < *cap)
        return a;
    uint32_t old = *cap;
    *cap = *cap ? *cap * 2 : 4;
    v->bytes += (*cap - old) * size;
    return xrealloc(a, *cap * size);
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
    ts_vehicle *v = w->v;
    ts_day *d = day_copy(w->cur, w->n, w->day, 1);
    v->bytes += sizeof *d + d->n * sizeof *d->p;
    v->days = grow(v, v->days, &v->capdays, v->ndays, sizeof *v->days);
    v->days[v->ndays++] = d;
    w->n = 0;
}

/* ---- the fixes of events ---- */

/* Margin of fixes kept around an event: a quarter of its length, at
 * least 2 and at most 10 minutes (the approach and the slowing down). */
static int64_t margin_s(int64_t start, int64_t end)
{
    int64_t m = (end - start) / 4;
    return m < 120 ? 120 : m > 600 ? 600 : m;
}

/* Types whose evidence is the track around them during the pass. */
static bool captured_type(event_type t)
{
    return t == EV_SPEEDING || t == EV_NIGHT_SPEEDING || t == EV_NIGHT_BAN || t == EV_GPS_GAP ||
           t == EV_ZONE_RESTRICTED || t == EV_ROUTE_DEVIATION || t == EV_TERMINAL_ALARM || t == EV_ADAS_ALARM ||
           t == EV_DSM_ALARM || t == EV_TPMS_ALARM || t == EV_BSD_ALARM;
}

static void capture_put(ts_vehicle *v, ts_capture *c, const ts_fix *f)
{
    ts_fix x = *f;
    if (x.time >= c->start && x.time <= c->end)
        x.flags |= TSF_IN_EVENT;
    else
        x.flags &= (uint8_t)~TSF_IN_EVENT;
    if (c->pending > 0 && c->pending < c->stride) {
        /* the slot stands for `stride` fixes: the fastest of them */
        ts_fix *last = &c->f[c->n - 1];
        uint8_t flags = (uint8_t)(last->flags | x.flags);
        if (x.speed_dkmh > last->speed_dkmh)
            *last = x;
        last->flags = flags;
        c->pending++;
        return;
    }
    if (c->n == TS_CAPTURE_MAX) {
        /* full: merge neighbours, two into one */
        uint32_t k = 0;
        for (uint32_t i = 0; i < c->n; i += 2) {
            ts_fix a = c->f[i];
            if (i + 1 < c->n) {
                const ts_fix *b = &c->f[i + 1];
                uint8_t flags = (uint8_t)(a.flags | b->flags);
                if (b->speed_dkmh > a.speed_dkmh)
                    a = *b;
                a.flags = flags;
            }
            c->f[k++] = a;
        }
        c->n = k;
        c->stride *= 2;
        c->thinned = true;
    }
    if (c->n == c->cap) {
        uint32_t old = c->cap;
        c->cap = c->cap ? c->cap * 2 : 16;
        if (c->cap > TS_CAPTURE_MAX)
            c->cap = TS_CAPTURE_MAX;
        c->f = xrealloc(c->f, c->cap * sizeof *c->f);
        v->bytes += (c->cap - old) * sizeof *c->f;
    }
    c->f[c->n++] = x;
    c->pending = 1;
}

/* New events of the pass get a capture, filled from the ring. */
static void capture_new_events(ts_work *w, const vctx *cx)
{
    ts_vehicle *v = w->v;
    const rl_events *evs = cx->events;
    for (; w->seen_events < evs->n; w->seen_events++) {
        const rl_event *e = &evs->e[w->seen_events];
        if (e->vehicle != cx->vidx || !captured_type(e->type))
            continue;
        bool dup = false;
        for (uint32_t i = v->ncap; i-- > 0 && !dup;)
            dup = v->cap[i].start == e->start && v->cap[i].end == e->end;
        if (dup)
            continue;
        v->cap = grow(v, v->cap, &v->capcap, v->ncap, sizeof *v->cap);
        ts_capture *c = &v->cap[v->ncap++];
        memset(c, 0, sizeof *c);
        c->start = e->start;
        c->end = e->end;
        int64_t m = margin_s(e->start, e->end);
        c->want_from = e->start - m;
        c->want_to = e->end + m;
        c->stride = 1;
        c->open = true;
        uint32_t first = (w->ring_head + TS_RING - w->ring_n) % TS_RING;
        if (w->ring_n && w->fixes_seen > w->ring_n && w->ring[first].time > c->want_from)
            c->cut_start = w->ring[first].time > e->start;
        for (uint32_t i = 0; i < w->ring_n; i++) {
            const ts_fix *f = &w->ring[(first + i) % TS_RING];
            if (f->time >= c->want_from && f->time <= c->want_to)
                capture_put(v, c, f);
        }
    }
}

static void capture_fix(ts_work *w, const vctx *cx, const rl_fix *f, int64_t limit_mkmh, bool gap)
{
    int32_t sp = f->speed_mkmh < 0 ? 0 : f->speed_mkmh / 100;
    int64_t lim = limit_mkmh <= 0 ? 0 : limit_mkmh / 100;
    ts_fix x = {f->time, f->lat_e6, f->lon_e6, (uint16_t)(sp > 0xFFFF ? 0xFFFF : sp),
                (uint16_t)(lim > 0xFFFF ? 0xFFFF : lim), (uint8_t)(gap ? TSF_GAP_BEFORE : 0)};
    /* the fix goes to the captures still open, then into the ring */
    ts_vehicle *v = w->v;
    for (uint32_t i = v->ncap; i-- > 0;) {
        ts_capture *c = &v->cap[i];
        if (!c->open)
            continue;
        if (x.time > c->want_to)
            c->open = false;
        else if (x.time >= c->want_from)
            capture_put(v, c, &x);
    }
    w->ring[w->ring_head] = x;
    w->ring_head = (w->ring_head + 1) % TS_RING;
    if (w->ring_n < TS_RING)
        w->ring_n++;
    w->fixes_seen++;
    capture_new_events(w, cx);
}

static int cmp_capture(const void *a, const void *b)
{
    const ts_capture *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

void tracksample_fix(tracksample_state *s, const rl_fix *f, int64_t limit_mkmh)
{
    ts_work *w = s->priv;
    bool gap = false;
    if (w->have_prev && f->time - w->prev.time > w->gap_s) {
        gap = true; /* drawn dashed in the sketch, the line breaks on maps */
    }
    w->prev = *f;
    w->have_prev = true;
    if (!w->v)
        return;
    capture_fix(w, s->cx, f, limit_mkmh, gap);
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

/* The pass is over: captures at their exact size, in (start, end) order. */
static void captures_close(ts_work *w, const vctx *cx)
{
    ts_vehicle *v = w->v;
    /* events emitted when the detectors ended: from the ring */
    capture_new_events(w, cx);
    for (uint32_t i = 0; i < v->ncap; i++) {
        ts_capture *c = &v->cap[i];
        c->open = false;
        if (c->n < c->cap) {
            /* exact size: most captures are small */
            v->bytes -= (c->cap - c->n) * sizeof *c->f;
            c->cap = c->n;
            c->f = c->n ? xrealloc(c->f, c->n * sizeof *c->f) : (free(c->f), NULL);
        }
    }
    if (v->ncap > 1)
        qsort(v->cap, v->ncap, sizeof *v->cap, cmp_capture);
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
    if (v)
        captures_close(w, cx);
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
        ts_vehicle *v = &st->v[i];
        for (uint32_t k = 0; k < v->ndays; k++)
            free(v->days[k]);
        free(v->days);
        for (uint32_t k = 0; k < v->ncap; k++)
            free(v->cap[k].f);
        free(v->cap);
        free(v->w);
    }
    free(st->v);
    free(st);
}

/* ---- what the writers read ---- */

ts_vehicle *tracksample_slot(ts_store *st, uint32_t vidx)
{
    return st && vidx < st->nv ? &st->v[vidx] : NULL;
}

static const ts_vehicle *slot_of(const ts_store *st, uint32_t vidx) { return tracksample_slot((ts_store *)st, vidx); }

bool tracksample_day(const ts_store *st, uint32_t vidx, int64_t local_day, tracksample_view *out)
{
    const ts_vehicle *v = slot_of(st, vidx);
    if (!v)
        return false;
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

bool tracksample_event(const ts_store *st, uint32_t vidx, int64_t start, int64_t end, tracksample_fixes *out)
{
    const ts_vehicle *v = slot_of(st, vidx);
    if (!v)
        return false;
    uint32_t lo = 0, hi = v->ncap;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const ts_capture *c = &v->cap[mid];
        if (c->start < start || (c->start == start && c->end < end))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == v->ncap || v->cap[lo].start != start || v->cap[lo].end != end || v->cap[lo].n == 0)
        return false;
    const ts_capture *c = &v->cap[lo];
    out->f = c->f;
    out->n = c->n;
    out->thinned = c->thinned;
    out->cut_start = c->cut_start;
    return true;
}

size_t tracksample_ndays(const ts_store *st, uint32_t vidx)
{
    const ts_vehicle *v = slot_of(st, vidx);
    return v ? v->ndays : 0;
}

int64_t tracksample_day_at(const ts_store *st, uint32_t vidx, size_t k)
{
    return st->v[vidx].days[k]->day;
}

void tracksample_weighing(ts_vehicle *v, const ts_weighing *w)
{
    if (!v)
        return;
    v->w = grow(v, v->w, &v->capw, v->nw, sizeof *v->w);
    v->w[v->nw++] = *w;
}

const ts_weighing *tracksample_weighing_at(const ts_store *st, uint32_t vidx, int64_t time)
{
    const ts_vehicle *v = slot_of(st, vidx);
    if (!v)
        return NULL;
    uint32_t lo = 0, hi = v->nw;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v->w[mid].time < time)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < v->nw && v->w[lo].time == time ? &v->w[lo] : NULL;
}

void tracksample_span(const ts_store *st, int32_t tz, uint32_t vidx, int64_t from, int64_t to, ts_span_fn fn,
                      void *ud)
{
    for (int64_t d = tu_local_day(from, tz); d <= tu_local_day(to, tz); d++) {
        tracksample_view sv;
        if (!tracksample_day(st, vidx, d, &sv))
            continue;
        int64_t day0 = d * RL_DAY_S - tz;
        for (size_t i = 0; i < sv.n; i++) {
            int64_t t = day0 + (int64_t)(sv.p[i].slot & TS_SLOT_MASK) * sv.slot_min * 60;
            if (t + sv.slot_min * 60 > from && t <= to)
                fn(ud, t, &sv.p[i], sv.slot_min);
        }
    }
}
