/*
 * detect_alarm.c - what the terminal itself reported (RULES.md §8): the
 * JT/T 808 alarm word and the active-safety items as events, and the
 * cross-check of roadlog's findings against them.  The plan is in
 * detect.h; the code lists in alarmcode.h; the cross-check in xcheck.h.
 *
 * Choices where RULES.md is silent (README.md has them too):
 *   - a bit's run is over the positions that survive duplicate removal,
 *     invalid and drift fixes included (the alarm word does not depend on
 *     the GNSS fix); the event's coordinates are left empty when its
 *     first or last position is not a valid fix;
 *   - an ack-cleared bit's event is a point at its rising edge; its value
 *     is still the positions the bit stayed set (how long nobody acked);
 *   - module faults, power, VSS, fuel, theft and door bits are decoded
 *     (`roadlog decode --alarms`) but raise no event;
 *   - items that report an event rather than an alarm (ADAS sign
 *     recognised and snapshot, DSM snapshot and driver change, the
 *     periodic TPMS report) are not stored and raise no event;
 *   - a TPMS item gives one event per alarm bit set on any of its tyres
 *     (value = tyres with the bit); its end closes every bit of its id;
 *   - the same item sent twice (a blind-area batch repeating a live
 *     report) counts once: records equal in time, kind, alarm id, flag
 *     and type are one;
 *   - an end whose start is not in the data (nor in the state carried
 *     over) is an alarm of its own, at the end's time;
 *   - a start of an id already waiting ends the earlier one at its own
 *     time; so does alarm.pair_max_s of later data without its end.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarmcode.h"
#include "detect.h"
#include "run.h"
#include "util.h"

/* ---- the store ---- */

#define REC_WORD ALARM_REC_WORD
#define TYPE_CLOSER ALARM_TYPE_CLOSER

/* Chunks of records on the vehicle's list: 4 records, then twice as
 * many each time up to 256 (a vehicle with one alarm costs ~200 bytes). */
typedef struct achunk {
    weigh_node link;
    uint32_t n, cap;
    alarm_rec rec[];
} achunk;

#define ACHUNK_FIRST 4u
#define ACHUNK_MAX 256u

void alarm_put(rl_vehicle *v, const alarm_rec *r);

static alarm_rec *new_rec(rl_vehicle *v)
{
    achunk *c = (achunk *)v->atail;
    if (!c || c->n == c->cap) {
        uint32_t cap = !c ? ACHUNK_FIRST : c->cap >= ACHUNK_MAX / 2 ? ACHUNK_MAX : c->cap * 2;
        achunk *nc = xmalloc(sizeof *nc + cap * sizeof nc->rec[0]);
        nc->n = 0;
        nc->cap = cap;
        vehicle_add_alarms(v, &nc->link);
        c = nc;
    }
    v->nalarm++;
    alarm_rec *r = &c->rec[c->n++];
    memset(r, 0, sizeof *r);
    return r;
}

static void store_item(struct rl_run *run, rl_vehicle *v, const rl_position *p, uint32_t driver,
                       const rl_as_item *it, int dialect)
{
    if (it->kind >= RL_AS_KINDS)
        return;
    unsigned bits[16], nb = 0, tyres[16] = {0};
    if (it->kind == RL_AS_TPMS) {
        uint32_t any = 0;
        for (unsigned t = 0; t < it->ntyres && t < RL_AS_MAX_TYRES; t++)
            for (unsigned b = 0; b < 16; b++)
                if (it->tyres[t].alarm >> b & 1) {
                    tyres[b]++;
                    any |= 1u << b;
                }
        for (unsigned b = 0; b < 16; b++)
            if ((any >> b & 1) && acode_is_alarm(RL_AS_TPMS, b, dialect))
                bits[nb++] = b;
        if (nb == 0 && it->flag == RL_AS_FLAG_END)
            bits[nb++] = TYPE_CLOSER;
    } else if (acode_is_alarm((rl_as_kind)it->kind, it->type, dialect)) {
        bits[nb++] = it->type;
    }
    if (nb == 0) {
        run_count(run, "alarm.items_not_alarms", 1);
        return;
    }
    for (unsigned k = 0; k < nb; k++) {
        alarm_rec *r = new_rec(v);
        r->time = it->time;
        r->origin = p->origin;
        r->lat_e6 = it->lat_e6;
        r->lon_e6 = it->lon_e6;
        r->code = it->alarm_id;
        r->driver = driver;
        r->kind = (uint8_t)(1 + it->kind);
        r->flag = it->flag;
        r->type = (uint8_t)bits[k];
        if (it->kind == RL_AS_TPMS)
            r->value = (uint8_t)(bits[k] < 16 ? tyres[bits[k]] : 0);
        else if (it->kind == RL_AS_DSM && it->type == 0x01)
            r->value = it->fatigue; /* RULES.md §8: DSM fatigue's value is the fatigue degree */
        else if (it->kind != RL_AS_BSD)
            r->value = it->level;
    }
}

void alarm_store(struct rl_run *run, rl_vehicle *v, const rl_position *p, rl_fix *f)
{
    uint32_t driver = fix_driver(f);
    uint32_t word = (p->have & RL_HAVE_ALARM) ? p->alarm & ACODE_EVENT_BITS : 0;
    if (word) {
        alarm_rec *r = new_rec(v);
        r->time = p->time;
        r->origin = p->origin;
        r->lat_e6 = p->lat_e6;
        r->lon_e6 = p->lon_e6;
        r->code = word;
        r->driver = driver;
        r->kind = REC_WORD;
        f->driver_flags |= FIX_ALARM;
    }
    if (p->safety) {
        int dialect = (int)run->rules.v[R_JT808_DIALECT];
        for (unsigned i = 0; i < p->safety->nitems && i < RL_AS_MAX_ITEMS; i++)
            store_item(run, v, p, driver, &p->safety->items[i], dialect);
    }
}

void alarm_remap_drivers(rl_vehicle *v, uint32_t (*remap)(void *ud, uint32_t id), void *ud)
{
    for (weigh_node *w = v->ahead; w; w = w->next) {
        achunk *c = (achunk *)w;
        for (uint32_t i = 0; i < c->n; i++)
            c->rec[i].driver = remap(ud, c->rec[i].driver);
    }
}

void alarm_put(rl_vehicle *v, const alarm_rec *r) { *new_rec(v) = *r; }

/* ---- the vehicle pass ---- */

/* Time, then content (so duplicates are neighbours and the order does
 * not depend on the input's), then input order. */
static int rec_cmp(const void *a, const void *b)
{
    const alarm_rec *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->code != y->code)
        return x->code < y->code ? -1 : 1;
    if (x->flag != y->flag)
        return x->flag < y->flag ? -1 : 1;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return x->origin < y->origin ? -1 : x->origin > y->origin;
}

void alarm_state_init(alarm_vstate *s)
{
    memset(s, 0, sizeof *s);
    s->last_time = INT64_MIN;
}

void alarm_feed_open(alarm_feed *fd, rl_vehicle *v)
{
    memset(fd, 0, sizeof *fd);
    if (!v->nalarm)
        return;
    fd->rec = xmalloc(v->nalarm * sizeof *fd->rec);
    for (weigh_node *w = v->ahead, *next; w; w = next) {
        next = w->next;
        achunk *c = (achunk *)w;
        memcpy(fd->rec + fd->n, c->rec, c->n * sizeof c->rec[0]);
        fd->n += c->n;
        free(c);
    }
    v->ahead = v->atail = NULL;
    v->nalarm = 0;
    qsort(fd->rec, fd->n, sizeof *fd->rec, rec_cmp);
}

/* One event of this detector: what differs between the kinds. */
typedef struct alarm_span {
    event_type type;
    const char *rule;
    int64_t start, end, value;
    int32_t lat0, lon0, lat1, lon1;
    bool have_pos;
    rl_origin origin;
    uint32_t driver, evidence;
    event_status status;
} alarm_span;

static void emit(const vctx *cx, const alarm_span *a)
{
    rl_event e;
    memset(&e, 0, sizeof e);
    e.vehicle = cx->vidx;
    e.driver = a->driver;
    e.type = a->type;
    e.start = a->start;
    e.end = a->end;
    e.have_pos = a->have_pos;
    if (a->have_pos) {
        e.start_lat_e6 = a->lat0;
        e.start_lon_e6 = a->lon0;
        e.end_lat_e6 = a->lat1;
        e.end_lon_e6 = a->lon1;
    }
    e.value = a->value;
    e.limit = 0;
    e.scale = 0;
    /* what the terminal said is a lead for an officer, not a penalty */
    snprintf(e.severity, sizeof e.severity, "review");
    e.rule = a->rule;
    e.origin = a->origin;
    e.evidence_points = a->evidence;
    e.status = (uint8_t)a->status;
    events_add(cx->events, &e);
}

/* Rank of an event bit among ACODE_EVENT_BITS. */
static unsigned bit_slot(unsigned bit) { return (unsigned)__builtin_popcount(ACODE_EVENT_BITS & ((1u << bit) - 1)); }

static void emit_bitrun(const vctx *cx, unsigned bit, const alarm_bitrun *r, event_status status)
{
    bool held = ACODE_HELD_BITS >> bit & 1;
    alarm_span a = {
        .type = EV_TERMINAL_ALARM,
        .rule = acode_bit_rule(bit),
        .start = r->first,
        /* a held bit spans its run; an ack-cleared one is its rising edge */
        .end = held ? r->last : r->first,
        .value = r->n,
        .lat0 = r->lat0,
        .lon0 = r->lon0,
        .lat1 = held ? r->lat1 : r->lat0,
        .lon1 = held ? r->lon1 : r->lon0,
        .have_pos = r->first_ok && (!held || r->last_ok),
        .origin = r->origin,
        .driver = r->driver,
        .evidence = r->n,
        .status = status,
    };
    emit(cx, &a);
}

/* The alarm word kept for this point, 0 when none. */
static uint32_t word_at(alarm_feed *fd, const rl_fix *f)
{
    while (fd->next < fd->n && fd->rec[fd->next].time < f->time)
        fd->next++;
    for (size_t j = fd->next; j < fd->n && fd->rec[j].time == f->time; j++)
        if (fd->rec[j].kind == REC_WORD && fd->rec[j].origin == f->origin)
            return fd->rec[j].code;
    return 0;
}

static void expire(alarm_vstate *s, const vctx *cx, int64_t t, int64_t pair_max);

void alarm_point(alarm_vstate *s, alarm_feed *fd, const vctx *cx, const rl_fix *f)
{
    if (f->time > s->last_time)
        s->last_time = f->time;
    if (fd->next_item < fd->n)
        alarm_items_until(s, fd, cx, f->time);
    if (s->nopen)
        expire(s, cx, f->time, (int64_t)cx->r->v[R_ALARM_PAIR_MAX_S]);
    if (!(f->driver_flags & FIX_ALARM) && !s->active)
        return; /* the common case */
    uint32_t word = f->driver_flags & FIX_ALARM ? word_at(fd, f) & ACODE_EVENT_BITS : 0;
    bool valid = !(f->driver_flags & FIX_INVALID);
    for (uint32_t ending = s->active & ~word; ending; ending &= ending - 1) {
        unsigned b = (unsigned)__builtin_ctz(ending);
        emit_bitrun(cx, b, &s->run[bit_slot(b)], EV_STATUS_CLOSED);
    }
    for (uint32_t w = word; w; w &= w - 1) {
        unsigned b = (unsigned)__builtin_ctz(w);
        alarm_bitrun *r = &s->run[bit_slot(b)];
        if (!(s->active >> b & 1)) {
            memset(r, 0, sizeof *r);
            r->first = f->time;
            r->origin = f->origin;
            r->lat0 = f->lat_e6;
            r->lon0 = f->lon_e6;
            r->driver = fix_driver(f);
            r->first_ok = valid;
        }
        r->last = f->time;
        r->lat1 = f->lat_e6;
        r->lon1 = f->lon_e6;
        r->last_ok = valid;
        r->n++;
    }
    s->active = word;
}

/* ---- pairing the items ---- */

static void emit_item(const vctx *cx, const alarm_open *o, int64_t end, int32_t lat1, int32_t lon1,
                      uint32_t evidence, event_status status)
{
    int dialect = (int)cx->r->v[R_JT808_DIALECT];
    alarm_span a = {
        .type = (event_type)(EV_ADAS_ALARM + o->kind),
        .rule = acode_rule((rl_as_kind)o->kind, o->type, dialect),
        .start = o->start,
        .end = end,
        .value = o->value,
        .lat0 = o->lat_e6,
        .lon0 = o->lon_e6,
        .lat1 = lat1,
        .lon1 = lon1,
        .have_pos = (o->lat_e6 || o->lon_e6) && (lat1 || lon1),
        .origin = o->origin,
        .driver = o->driver,
        .evidence = evidence,
        .status = status,
    };
    emit(cx, &a);
}

/* A start without its end: it ends at its own time. */
static void close_alone(const vctx *cx, const alarm_open *o)
{
    emit_item(cx, o, o->start, o->lat_e6, o->lon_e6, 1, EV_STATUS_CLOSED);
}

static void drop_open(alarm_vstate *s, uint32_t i)
{
    memmove(&s->open[i], &s->open[i + 1], (s->nopen - i - 1) * sizeof s->open[0]);
    s->nopen--;
}

/* Starts that waited longer than pair_max before time t. */
static void expire(alarm_vstate *s, const vctx *cx, int64_t t, int64_t pair_max)
{
    for (uint32_t i = 0; i < s->nopen;) {
        if (s->open[i].start < t - pair_max) {
            close_alone(cx, &s->open[i]);
            drop_open(s, i);
        } else {
            i++;
        }
    }
}

static alarm_open open_of(const alarm_rec *r)
{
    alarm_open o;
    memset(&o, 0, sizeof o);
    o.start = r->time;
    o.origin = r->origin;
    o.lat_e6 = r->lat_e6;
    o.lon_e6 = r->lon_e6;
    o.alarm_id = r->code;
    o.driver = r->driver;
    o.kind = (uint8_t)(r->kind - 1);
    o.type = r->type;
    o.value = r->value;
    return o;
}

static void item(alarm_vstate *s, const vctx *cx, const alarm_rec *r)
{
    alarm_open o = open_of(r);
    if (r->flag == RL_AS_FLAG_END) {
        bool closed = false;
        for (uint32_t i = 0; i < s->nopen;) {
            alarm_open *w = &s->open[i];
            if (w->kind == o.kind && w->alarm_id == o.alarm_id) {
                emit_item(cx, w, r->time, r->lat_e6, r->lon_e6, 2, EV_STATUS_CLOSED);
                drop_open(s, i);
                closed = true;
            } else {
                i++;
            }
        }
        if (!closed && r->type != TYPE_CLOSER)
            close_alone(cx, &o); /* its start is not in the data */
        return;
    }
    if (r->type == TYPE_CLOSER)
        return;
    if (r->flag != RL_AS_FLAG_START) {
        close_alone(cx, &o); /* a point alarm (flag 0, or a flag the standards do not define) */
        return;
    }
    /* a new start of an id already waiting (same type): the earlier one
     * ended unseen */
    for (uint32_t i = 0; i < s->nopen; i++)
        if (s->open[i].kind == o.kind && s->open[i].alarm_id == o.alarm_id && s->open[i].type == o.type) {
            close_alone(cx, &s->open[i]);
            drop_open(s, i);
            break;
        }
    if (s->nopen == ALARM_OPEN_MAX) {
        close_alone(cx, &s->open[0]); /* the oldest */
        drop_open(s, 0);
        counters_add(cx->counters, "alarm.open_overflow", 1);
    }
    s->open[s->nopen++] = o;
}

static bool same_item(const alarm_rec *a, const alarm_rec *b)
{
    return a->time == b->time && a->kind == b->kind && a->code == b->code && a->flag == b->flag && a->type == b->type;
}

/* The items up to time t (inclusive), in time order: pairing runs
 * alongside the points, so the state at any moment of the pass is the
 * state of the data up to it (what a --resume checkpoint takes). */
void alarm_items_until(alarm_vstate *s, alarm_feed *fd, const vctx *cx, int64_t t)
{
    int64_t pair_max = (int64_t)cx->r->v[R_ALARM_PAIR_MAX_S];
    for (; fd->next_item < fd->n && fd->rec[fd->next_item].time <= t; fd->next_item++) {
        const alarm_rec *r = &fd->rec[fd->next_item];
        if (r->kind == REC_WORD)
            continue;
        if (fd->have_prev && same_item(&fd->rec[fd->prev_item], r))
            continue; /* the same item sent twice */
        fd->prev_item = fd->next_item;
        fd->have_prev = true;
        if (r->time > s->last_time)
            s->last_time = r->time;
        expire(s, cx, r->time, pair_max);
        item(s, cx, r);
    }
}

void alarm_vehicle_end(alarm_vstate *s, alarm_feed *fd, const vctx *cx)
{
    alarm_items_until(s, fd, cx, INT64_MAX);
    expire(s, cx, s->last_time, (int64_t)cx->r->v[R_ALARM_PAIR_MAX_S]);
    /* still running: reported with what is known, kept in the state */
    for (uint32_t w = s->active; w; w &= w - 1) {
        unsigned b = (unsigned)__builtin_ctz(w);
        emit_bitrun(cx, b, &s->run[bit_slot(b)], EV_STATUS_OPEN);
    }
    for (uint32_t i = 0; i < s->nopen; i++)
        emit_item(cx, &s->open[i], s->open[i].start, s->open[i].lat_e6, s->open[i].lon_e6, 1, EV_STATUS_OPEN);
}

void alarm_each(const alarm_feed *fd, int64_t since, void (*fn)(void *ud, const alarm_rec *r), void *ud)
{
    for (size_t i = 0; i < fd->n; i++)
        if (fd->rec[i].time >= since)
            fn(ud, &fd->rec[i]);
}

void alarm_feed_close(alarm_feed *fd)
{
    free(fd->rec);
    memset(fd, 0, sizeof *fd);
}

/* ---- after every detector: the cross-check and terminal_silent ---- */

void alarm_finish(struct rl_run *run)
{
    size_t nv = vtable_count(run->vt), ne = run->events.n;
    /* the events of each vehicle */
    size_t *first, *idx;
    group_by_key(run->events.e, ne, sizeof *run->events.e, offsetof(rl_event, vehicle), nv, &first, &idx);
    xc_span *sp = xmalloc((ne ? ne : 1) * sizeof *sp);
    int64_t min_events = (int64_t)run->rules.v[R_ALARM_SILENT_MIN_EVENTS];
    for (size_t v = 0; v < nv; v++) {
        size_t n = 0;
        const rl_event *a = NULL, *z = NULL; /* first and last speeding event */
        for (size_t k = first[v]; k < first[v + 1]; k++) {
            const rl_event *e = &run->events.e[idx[k]];
            xc_kind kind = xcheck_kind(e->type, e->rule);
            if (kind == XC_NONE)
                continue;
            sp[n++] = (xc_span){e->start, e->end, (uint8_t)kind};
            if (kind == XC_SPEEDING) {
                if (!a || e->start < a->start || (e->start == a->start && e->origin < a->origin))
                    a = e;
                if (!z || e->end > z->end)
                    z = e;
            }
        }
        if (!n)
            continue;
        alarm_xcheck *xc = &run->vstats[v].xc;
        xcheck_count(sp, n, xc);
        /* RULES.md §8: a terminal that reports an alarm word but never
         * raised an overspeed alarm while the vehicle sped this often */
        const rl_vehicle *veh = vtable_at(run->vt, v);
        if (!(run->opt.detect & DET_ALARM) || !xcheck_silent(xc, veh->alarm_word, (double)min_events))
            continue;
        rl_event e;
        memset(&e, 0, sizeof e);
        e.vehicle = (uint32_t)v;
        e.type = EV_TERMINAL_SILENT;
        e.start = a->start;
        e.end = z->end;
        e.have_pos = a->have_pos && z->have_pos;
        e.start_lat_e6 = a->start_lat_e6;
        e.start_lon_e6 = a->start_lon_e6;
        e.end_lat_e6 = z->end_lat_e6;
        e.end_lon_e6 = z->end_lon_e6;
        e.value = xc->speeding - xc->speeding_alarmed;
        e.limit = min_events;
        snprintf(e.severity, sizeof e.severity, "review");
        e.rule = rule_name(R_ALARM_SILENT_MIN_EVENTS);
        e.origin = a->origin;
        e.evidence_points = xc->speeding;
        events_add(&run->events, &e); /* may move the list: a and z are not used after */
    }
    free(sp);
    free(idx);
    free(first);
}
