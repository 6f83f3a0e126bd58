/*
 * resume.c - a run of a --resume chain (see resume.h).
 *
 * Records are written field by field (never a struct's bytes), ids of
 * this run made names: a driver or a rule by its string, a vehicle by its
 * label, colour and kind, a source by its file's place in the input table
 * (the carried files come first in every run of a chain, in the same
 * order, so an origin's file index means the same file from run to run).
 * Strings are numbered in one table per carry, written in rest.bin.
 */
#include "resume.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jt808.h"
#include "run.h"
#include "version.h"
#include "strtab.h"
#include "u64map.h"
#include "util.h"

/* A driver carried: the walk at its checkpoint, its segments since and the
 * events it gave since, in this run's ids. */
typedef struct dcarry {
    uint64_t key;
    int64_t checkpoint;
    fatigue_walk walk;
    rl_event *events;
    size_t nevents;
} dcarry;

struct resume {
    /* in */
    carry_in *in;
    uint32_t *smap;           /* carry string id -> run string id */
    size_t nsmap;
    unsigned chain_seq;
    int64_t data_end;         /* of the runs before */
    dcarry *drivers;
    size_t ndrivers;
    u64map driver_at;         /* key + 1 -> index in drivers */
    fatigue_seg *segs;        /* carried driving segments, this run's ids */
    size_t nsegs;
    cbuf rest_regs;           /* registrations, resolved at bind */
    /* out */
    carry_writer *w;
    char *dir;
    strtab *cs;               /* the new carry's strings */
    pthread_mutex_t lock;     /* cs, drivers_out */
    cbuf drivers_out;
    uint32_t ndrivers_out;
    struct rl_run *run;       /* for the driver hooks */
    fatigue_resume hooks;
};

void vcarry_free(vcarry *c)
{
    free(c->days);
    free(c->events);
    cb_free(&c->fixes);
    memset(c, 0, sizeof *c);
}

/* ---- strings ---- */

static uint32_t cs_id(resume *rs, const char *s)
{
    if (!s || !*s)
        return 0;
    pthread_mutex_lock(&rs->lock);
    uint32_t id = strtab_intern(rs->cs, s, strlen(s));
    pthread_mutex_unlock(&rs->lock);
    return id;
}

static uint32_t run_id_of(const resume *rs, uint32_t cid)
{
    return cid < rs->nsmap ? rs->smap[cid] : 0;
}

static const char *run_str(const resume *rs, const rl_run *run, uint32_t cid)
{
    return strtab_get(run->str, run_id_of(rs, cid));
}

/* ---- vehicles, drivers, fixes ---- */

static void put_vref(resume *rs, cbuf *b, const rl_run *run, uint32_t vidx)
{
    const rl_vehicle *v = vtable_at(run->vt, vidx);
    cb_u32(b, v ? cs_id(rs, run_vehicle_label(run, v)) : 0);
    cb_u8(b, v ? v->color : 0);
    cb_u8(b, v ? v->by_phone : 0);
}

/* A vehicle named in a carry, as an index of this run's table (made when
 * missing: single-threaded callers only). */
static uint32_t get_vref(const resume *rs, crd *r, rl_run *run)
{
    uint32_t label = run_id_of(rs, cr_u32(r));
    int color = cr_u8(r);
    bool by_phone = cr_u8(r) != 0;
    rl_vehicle *v = vtable_get(run->vt, label, color, by_phone);
    return (uint32_t)(v - vtable_at(run->vt, 0));
}

/* The vehicle's own index stands for itself in its record. */
static uint32_t driver_cs(resume *rs, const rl_run *run, uint32_t driver)
{
    return driver ? cs_id(rs, strtab_get(run->str, driver)) : 0;
}

static uint32_t driver_run(const resume *rs, uint32_t cid)
{
    uint32_t id = run_id_of(rs, cid);
    return id <= FIX_DRIVER_MAX ? id : 0;
}

static void put_fix(resume *rs, cbuf *b, const rl_run *run, const rl_fix *f)
{
    cb_i64(b, f->time);
    cb_u32(b, (uint32_t)f->lat_e6);
    cb_u32(b, (uint32_t)f->lon_e6);
    cb_u32(b, (uint32_t)f->speed_mkmh);
    cb_u32(b, f->driver_flags & ~FIX_DRIVER_MASK);
    cb_u32(b, driver_cs(rs, run, fix_driver(f)));
    cb_u64(b, f->origin);
}

static void get_fix(const resume *rs, crd *r, rl_fix *f)
{
    f->time = cr_i64(r);
    f->lat_e6 = (int32_t)cr_u32(r);
    f->lon_e6 = (int32_t)cr_u32(r);
    f->speed_mkmh = (int32_t)cr_u32(r);
    uint32_t flags = cr_u32(r);
    f->driver_flags = flags | driver_run(rs, cr_u32(r));
    f->origin = cr_u64(r);
}

/* A driver key: a driver by name, or a vehicle without one. */
static void put_key(resume *rs, cbuf *b, const rl_run *run, uint64_t key)
{
    if (key & FATIGUE_NO_DRIVER) {
        cb_u8(b, 1);
        put_vref(rs, b, run, (uint32_t)key);
    } else {
        cb_u8(b, 0);
        cb_u32(b, driver_cs(rs, run, (uint32_t)key));
    }
}

static uint64_t get_key(const resume *rs, crd *r, rl_run *run)
{
    if (cr_u8(r))
        return FATIGUE_NO_DRIVER | get_vref(rs, r, run);
    return driver_run(rs, cr_u32(r));
}

/* A carried track: each fix as deltas from the one before (time, place,
 * speed, origin), its flags, and its driver only when it changes. */
void resume_keep_fix(resume *rs, const rl_run *run, vcarry *c, const rl_fix *f)
{
    const rl_fix *p = &c->prev_fix;
    /* gathered here and appended once: a fix is seven varints, and every
     * fix of the last 24 hours is kept */
    unsigned char x[7 * 10];
    size_t n = 0;
    n += uvar_put(x + n, zigzag(f->time - p->time));
    n += uvar_put(x + n, zigzag((int64_t)f->lat_e6 - p->lat_e6));
    n += uvar_put(x + n, zigzag((int64_t)f->lon_e6 - p->lon_e6));
    n += uvar_put(x + n, zigzag((int64_t)f->speed_mkmh - p->speed_mkmh));
    n += uvar_put(x + n, f->driver_flags >> 24);
    uint32_t d = fix_driver(f);
    if (c->nfixes && d == c->prev_driver) {
        n += uvar_put(x + n, 0);
    } else {
        c->prev_driver = d;
        c->prev_driver_cs = driver_cs(rs, run, d);
        n += uvar_put(x + n, (uint64_t)c->prev_driver_cs + 1);
    }
    n += uvar_put(x + n, zigzag((int64_t)(f->origin - p->origin)));
    cb_bytes(&c->fixes, x, n);
    c->prev_fix = *f;
    c->nfixes++;
}

static void get_kept_fix(const resume *rs, crd *r, rl_fix *f, const rl_fix *p, uint32_t *driver)
{
    f->time = p->time + cr_svar(r);
    f->lat_e6 = (int32_t)(p->lat_e6 + cr_svar(r));
    f->lon_e6 = (int32_t)(p->lon_e6 + cr_svar(r));
    f->speed_mkmh = (int32_t)(p->speed_mkmh + cr_svar(r));
    uint32_t flags = (uint32_t)cr_uvar(r) << 24;
    uint64_t dc = cr_uvar(r);
    if (dc)
        *driver = driver_run(rs, (uint32_t)(dc - 1));
    f->driver_flags = flags | *driver;
    f->origin = p->origin + (uint64_t)cr_svar(r);
}

/* ---- events ---- */

static void put_event(resume *rs, cbuf *b, const rl_run *run, const rl_event *e)
{
    put_vref(rs, b, run, e->vehicle);
    cb_u32(b, driver_cs(rs, run, e->driver));
    cb_u8(b, (uint8_t)e->type);
    cb_i64(b, e->start);
    cb_i64(b, e->end);
    cb_u8(b, e->have_pos);
    cb_u32(b, (uint32_t)e->start_lat_e6);
    cb_u32(b, (uint32_t)e->start_lon_e6);
    cb_u32(b, (uint32_t)e->end_lat_e6);
    cb_u32(b, (uint32_t)e->end_lon_e6);
    cb_i64(b, e->value);
    cb_i64(b, e->limit);
    cb_u8(b, (uint8_t)e->scale);
    cb_str(b, e->severity);
    cb_u32(b, cs_id(rs, e->rule));
    cb_u64(b, e->origin);
    cb_u32(b, e->evidence_points);
    cb_u8(b, e->have_gps);
    cb_u8(b, e->have_gps_distance);
    cb_i64(b, e->gps_time);
    cb_i64(b, e->gps_distance_m);
    cb_u8(b, e->zone_id != NULL);
    cb_u32(b, cs_id(rs, e->zone_id));
    cb_u8(b, e->zone_name != NULL);
    cb_u32(b, cs_id(rs, e->zone_name));
    cb_u8(b, e->road_type);
    cb_u8(b, e->status);
}

static void get_event(const resume *rs, crd *r, rl_run *run, rl_event *e, bool own_vehicle, uint32_t vidx)
{
    memset(e, 0, sizeof *e);
    if (own_vehicle) {
        cr_u32(r);
        cr_u8(r);
        cr_u8(r);
        e->vehicle = vidx;
    } else {
        e->vehicle = get_vref(rs, r, run);
    }
    e->driver = run_id_of(rs, cr_u32(r));
    uint8_t type = cr_u8(r);
    e->type = type < EV_TYPE_COUNT ? (event_type)type : EV_SPEEDING;
    if (type >= EV_TYPE_COUNT)
        r->bad = true;
    e->start = cr_i64(r);
    e->end = cr_i64(r);
    e->have_pos = cr_u8(r);
    e->start_lat_e6 = (int32_t)cr_u32(r);
    e->start_lon_e6 = (int32_t)cr_u32(r);
    e->end_lat_e6 = (int32_t)cr_u32(r);
    e->end_lon_e6 = (int32_t)cr_u32(r);
    e->value = cr_i64(r);
    e->limit = cr_i64(r);
    e->scale = cr_u8(r);
    char *sev = cr_str(r);
    snprintf(e->severity, sizeof e->severity, "%s", sev);
    free(sev);
    e->rule = run_str(rs, run, cr_u32(r));
    e->origin = cr_u64(r);
    e->evidence_points = cr_u32(r);
    e->have_gps = cr_u8(r);
    e->have_gps_distance = cr_u8(r);
    e->gps_time = cr_i64(r);
    e->gps_distance_m = cr_i64(r);
    bool zid = cr_u8(r);
    uint32_t z = cr_u32(r);
    e->zone_id = zid ? run_str(rs, run, z) : NULL;
    bool zname = cr_u8(r);
    z = cr_u32(r);
    e->zone_name = zname ? run_str(rs, run, z) : NULL;
    e->road_type = cr_u8(r);
    e->status = cr_u8(r);
}

bool resume_same_event(const rl_event *a, const rl_event *b)
{
    return a->vehicle == b->vehicle && a->driver == b->driver && a->type == b->type && a->start == b->start &&
           a->end == b->end && a->have_pos == b->have_pos && a->start_lat_e6 == b->start_lat_e6 &&
           a->start_lon_e6 == b->start_lon_e6 && a->end_lat_e6 == b->end_lat_e6 && a->end_lon_e6 == b->end_lon_e6 &&
           a->value == b->value && a->limit == b->limit && a->scale == b->scale &&
           strcmp(a->severity, b->severity) == 0 && strcmp(a->rule ? a->rule : "", b->rule ? b->rule : "") == 0 &&
           a->origin == b->origin && a->evidence_points == b->evidence_points && a->have_gps == b->have_gps &&
           a->have_gps_distance == b->have_gps_distance && (!a->have_gps || a->gps_time == b->gps_time) &&
           (!a->have_gps_distance || a->gps_distance_m == b->gps_distance_m) &&
           strcmp(a->zone_id ? a->zone_id : "\x01", b->zone_id ? b->zone_id : "\x01") == 0 &&
           strcmp(a->zone_name ? a->zone_name : "\x01", b->zone_name ? b->zone_name : "\x01") == 0 &&
           a->road_type == b->road_type && a->status == b->status;
}

/* The same event (one event_id): plate, colour, type, start, and the rule
 * for the types whose id covers it. */
static bool same_id(const rl_event *a, const rl_event *b)
{
    return a->vehicle == b->vehicle && a->type == b->type && a->start == b->start &&
           (!event_type_id_has_rule(a->type) || strcmp(a->rule ? a->rule : "", b->rule ? b->rule : "") == 0);
}

void resume_compare(rl_events *ev, size_t from, const rl_event *prev, size_t nprev)
{
    if (!nprev)
        return;
    bool *seen = xcalloc(nprev, sizeof *seen);
    size_t k = from;
    for (size_t i = from; i < ev->n; i++) {
        const rl_event *e = &ev->e[i];
        bool drop = false;
        for (size_t j = 0; j < nprev; j++)
            if (!seen[j] && same_id(e, &prev[j])) {
                seen[j] = true;
                drop = resume_same_event(e, &prev[j]);
                break;
            }
        if (!drop)
            ev->e[k++] = *e;
    }
    ev->n = k;
    for (size_t j = 0; j < nprev; j++)
        if (!seen[j]) {
            /* undone by late rows: the event stands no more */
            rl_event w = prev[j];
            w.status = EV_STATUS_WITHDRAWN;
            events_add(ev, &w);
        }
    free(seen);
}

/* ---- days ---- */

static void put_vday(cbuf *b, const vday_carry *c)
{
    const rl_vday *d = &c->d;
    cb_i64(b, d->day);
    cb_u64(b, d->points);
    cb_u64(b, d->valid);
    cb_u64(b, d->drift);
    cb_u64(b, d->gaps);
    cb_u64(b, d->accepted);
    cb_i64(b, d->distance_mm);
    cb_i64(b, d->gap_mm);
    cb_i64(b, d->driving_s);
    cb_u32(b, (uint32_t)d->max_speed_mkmh);
    cb_i64(b, d->first);
    cb_i64(b, d->last);
    cb_u32(b, d->rests);
    cb_i64(b, d->longest_stint_s);
    cb_u32(b, d->weighings);
    cb_i64(b, d->heaviest_gross_kg);
    cb_i64(b, d->worst_excess_kg);
    cb_i64(b, c->cum_distance_mm);
    cb_i64(b, c->cum_gap_mm);
}

static void get_vday(crd *r, vday_carry *c, uint32_t vidx)
{
    rl_vday *d = &c->d;
    memset(c, 0, sizeof *c);
    d->vehicle = vidx;
    d->day = cr_i64(r);
    d->points = cr_u64(r);
    d->valid = cr_u64(r);
    d->drift = cr_u64(r);
    d->gaps = cr_u64(r);
    d->accepted = cr_u64(r);
    d->distance_mm = cr_i64(r);
    d->gap_mm = cr_i64(r);
    d->driving_s = cr_i64(r);
    d->max_speed_mkmh = (int32_t)cr_u32(r);
    d->first = cr_i64(r);
    d->last = cr_i64(r);
    d->rests = cr_u32(r);
    d->longest_stint_s = cr_i64(r);
    d->weighings = cr_u32(r);
    d->heaviest_gross_kg = cr_i64(r);
    d->worst_excess_kg = cr_i64(r);
    c->cum_distance_mm = cr_i64(r);
    c->cum_gap_mm = cr_i64(r);
}

static void put_vstats(cbuf *b, const rl_vstats *s, int64_t cum)
{
    cb_u64(b, s->points);
    cb_u64(b, s->valid);
    cb_u64(b, s->drift);
    cb_u64(b, s->duplicates);
    cb_u64(b, s->accepted);
    cb_i64(b, s->distance_mm);
    cb_i64(b, s->driving_s);
    cb_u32(b, (uint32_t)s->max_speed_mkmh);
    cb_i64(b, s->first);
    cb_i64(b, s->last);
    cb_u32(b, s->weighings);
    cb_i64(b, s->heaviest_gross_kg);
    cb_i64(b, s->worst_excess_kg);
    cb_i64(b, cum);
}

static void get_vstats(crd *r, rl_vstats *s, int64_t *cum)
{
    memset(s, 0, sizeof *s);
    s->points = cr_u64(r);
    s->valid = cr_u64(r);
    s->drift = cr_u64(r);
    s->duplicates = cr_u64(r);
    s->accepted = cr_u64(r);
    s->distance_mm = cr_i64(r);
    s->driving_s = cr_i64(r);
    s->max_speed_mkmh = (int32_t)cr_u32(r);
    s->first = cr_i64(r);
    s->last = cr_i64(r);
    s->weighings = cr_u32(r);
    s->heaviest_gross_kg = cr_i64(r);
    s->worst_excess_kg = cr_i64(r);
    *cum = cr_i64(r);
}

/* What a chain must keep the same, in the manifest's rule lines: the
 * rules in force, and the zone set (ZONES.md: carried states name zones
 * by index, and an event's zone must mean the same zone) as a line
 * `zone.files = SHA256/DATUM ...` (no such line without --zones). */
static void carry_rules_text(const rl_run *run, rl_buf *out)
{
    FILE *mf = open_memstream(&out->p, &out->len);
    rules_print(&run->rules, mf);
    if (zones_nfiles(run->zones)) {
        fputs("zone.files =", mf);
        for (size_t i = 0; i < zones_nfiles(run->zones); i++) {
            const zone_file_info *zf = zones_file(run->zones, i);
            fprintf(mf, " %s/%s", zf->sha256, cc_datum_name(zf->coord));
        }
        fputc('\n', mf);
    }
    fclose(mf);
}

/* ---- states ---- */

static void put_track(resume *rs, cbuf *b, const rl_run *run, const track_mem *m)
{
    cb_u8(b, m->have_ref);
    put_fix(rs, b, run, &m->ref);
    cb_bytes(b, &m->ref_cos, sizeof m->ref_cos);
    cb_u32(b, m->drift_run);
    cb_u32(b, driver_cs(rs, run, m->last_driver));
}

static void get_track(const resume *rs, crd *r, track_mem *m)
{
    m->have_ref = cr_u8(r);
    get_fix(rs, r, &m->ref);
    cr_bytes(r, &m->ref_cos, sizeof m->ref_cos);
    m->drift_run = cr_u32(r);
    m->last_driver = driver_run(rs, cr_u32(r));
}

static void put_speeding(resume *rs, cbuf *b, const rl_run *run, const speeding_state *s)
{
    cb_u8(b, s->active);
    cb_u8(b, s->night);
    cb_i64(b, s->limit);
    put_fix(rs, b, run, &s->first);
    put_fix(rs, b, run, &s->last);
    cb_u32(b, (uint32_t)s->max_speed);
    cb_u32(b, s->n);
    /* ZONES.md: zones by their index in the run's zone set, which the
     * manifest holds to be the same set (carry_rules_text) */
    cb_u32(b, s->max_limit_zone);
    cb_u32(b, s->max_road_zone);
    cb_u8(b, s->max_road);
}

/* A zone index read back: one the zone set has, or ZONE_NONE. */
static uint32_t get_zone_index(crd *r, const rl_run *run)
{
    uint32_t z = cr_u32(r);
    if (z != ZONE_NONE && z >= zones_count(run->zones)) {
        r->bad = true;
        z = ZONE_NONE;
    }
    return z;
}

static void get_speeding(const resume *rs, crd *r, const rl_run *run, speeding_state *s)
{
    s->active = cr_u8(r);
    s->night = cr_u8(r);
    s->limit = cr_i64(r);
    get_fix(rs, r, &s->first);
    get_fix(rs, r, &s->last);
    s->max_speed = (int32_t)cr_u32(r);
    s->n = cr_u32(r);
    s->max_limit_zone = get_zone_index(r, run);
    s->max_road_zone = get_zone_index(r, run);
    s->max_road = cr_u8(r);
    if (s->max_road > ROAD_OTHER)
        r->bad = true;
}

static void put_zone_run(resume *rs, cbuf *b, const rl_run *run, const zone_run *z)
{
    cb_u32(b, z->zone);
    cb_u32(b, z->n);
    put_fix(rs, b, run, &z->first);
    put_fix(rs, b, run, &z->last);
}

static void get_zone_run(const resume *rs, crd *r, const rl_run *run, zone_run *z)
{
    z->zone = get_zone_index(r, run);
    if (z->zone == ZONE_NONE)
        r->bad = true;
    z->n = cr_u32(r);
    get_fix(rs, r, &z->first);
    get_fix(rs, r, &z->last);
}

/* The zone detector's runs (zone_vstate: plain data, fixed size). */
static void put_zone(resume *rs, cbuf *b, const rl_run *run, const zone_vstate *s)
{
    cb_u32(b, s->nopen);
    for (uint32_t i = 0; i < s->nopen; i++)
        put_zone_run(rs, b, run, &s->open[i]);
    cb_u8(b, s->deviating);
    if (s->deviating)
        put_zone_run(rs, b, run, &s->route);
    cb_u32(b, s->dropped);
}

static void get_zone(const resume *rs, crd *r, const rl_run *run, zone_vstate *s)
{
    memset(s, 0, sizeof *s);
    s->nopen = cr_u32(r);
    if (s->nopen > ZONE_OPEN_MAX) {
        r->bad = true;
        s->nopen = 0;
    }
    for (uint32_t i = 0; i < s->nopen; i++)
        get_zone_run(rs, r, run, &s->open[i]);
    s->deviating = cr_u8(r);
    if (s->deviating)
        get_zone_run(rs, r, run, &s->route);
    s->dropped = cr_u32(r);
}

static void put_nightban(cbuf *b, const nightban_state *s)
{
    cb_u8(b, s->active);
    cb_i64(b, s->night);
    cb_i64(b, s->driving_s);
    cb_i64(b, s->first);
    cb_i64(b, s->last);
    cb_u32(b, (uint32_t)s->lat0);
    cb_u32(b, (uint32_t)s->lon0);
    cb_u32(b, (uint32_t)s->lat1);
    cb_u32(b, (uint32_t)s->lon1);
    cb_u64(b, s->origin);
    cb_u32(b, s->n);
}

static void get_nightban(crd *r, nightban_state *s)
{
    s->active = cr_u8(r);
    s->night = cr_i64(r);
    s->driving_s = cr_i64(r);
    s->first = cr_i64(r);
    s->last = cr_i64(r);
    s->lat0 = (int32_t)cr_u32(r);
    s->lon0 = (int32_t)cr_u32(r);
    s->lat1 = (int32_t)cr_u32(r);
    s->lon1 = (int32_t)cr_u32(r);
    s->origin = cr_u64(r);
    s->n = cr_u32(r);
}

static void put_seg(resume *rs, cbuf *b, const rl_run *run, const fatigue_seg *g)
{
    put_key(rs, b, run, g->key);
    cb_i64(b, g->start);
    cb_i64(b, g->end);
    put_vref(rs, b, run, g->vehicle);
    cb_u32(b, g->npoints);
    cb_u32(b, (uint32_t)g->lat0);
    cb_u32(b, (uint32_t)g->lon0);
    cb_u32(b, (uint32_t)g->lat1);
    cb_u32(b, (uint32_t)g->lon1);
    cb_u64(b, g->origin);
    cb_u8(b, g->after_cp);
}

static void get_seg(const resume *rs, crd *r, rl_run *run, fatigue_seg *g)
{
    g->key = get_key(rs, r, run);
    g->start = cr_i64(r);
    g->end = cr_i64(r);
    g->vehicle = get_vref(rs, r, run);
    g->npoints = cr_u32(r);
    g->lat0 = (int32_t)cr_u32(r);
    g->lon0 = (int32_t)cr_u32(r);
    g->lat1 = (int32_t)cr_u32(r);
    g->lon1 = (int32_t)cr_u32(r);
    g->origin = cr_u64(r);
    g->after_cp = cr_u8(r);
}

static void put_fatigue(resume *rs, cbuf *b, const rl_run *run, const fatigue_vstate *s)
{
    cb_u8(b, s->in_stint);
    cb_u8(b, s->rest_counted);
    cb_i64(b, s->stint_start);
    cb_i64(b, s->stint_drive_s);
    cb_i64(b, s->stop_run_s);
    cb_i64(b, s->stop_start);
    cb_u8(b, s->seg_open);
    put_seg(rs, b, run, &s->seg);
}

static void get_fatigue(const resume *rs, crd *r, rl_run *run, fatigue_vstate *s)
{
    s->in_stint = cr_u8(r);
    s->rest_counted = cr_u8(r);
    s->stint_start = cr_i64(r);
    s->stint_drive_s = cr_i64(r);
    s->stop_run_s = cr_i64(r);
    s->stop_start = cr_i64(r);
    s->seg_open = cr_u8(r);
    get_seg(rs, r, run, &s->seg);
}

static void put_walk(resume *rs, cbuf *b, const rl_run *run, const fatigue_walk *w)
{
    cb_u8(b, w->open);
    cb_i64(b, w->start);
    cb_i64(b, w->end);
    cb_i64(b, w->drive_s);
    cb_i64(b, w->night_s);
    cb_i64(b, w->night_first);
    put_vref(rs, b, run, w->vehicle);
    put_vref(rs, b, run, w->night_vehicle);
    cb_u32(b, w->npoints);
    int32_t pos[6] = {w->lat0, w->lon0, w->lat1, w->lon1, w->nlat, w->nlon};
    for (int i = 0; i < 6; i++)
        cb_u32(b, (uint32_t)pos[i]);
    cb_u64(b, w->origin);
    cb_u64(b, w->night_origin);
    cb_u8(b, w->day_open);
    cb_i64(b, w->day);
    cb_i64(b, w->day_s);
    cb_i64(b, w->day_first);
    cb_i64(b, w->day_last);
    put_vref(rs, b, run, w->day_vehicle);
    cb_u32(b, w->day_points);
    int32_t dpos[4] = {w->dlat0, w->dlon0, w->dlat1, w->dlon1};
    for (int i = 0; i < 4; i++)
        cb_u32(b, (uint32_t)dpos[i]);
    cb_u64(b, w->day_origin);
}

static void get_walk(const resume *rs, crd *r, rl_run *run, fatigue_walk *w)
{
    w->open = cr_u8(r);
    w->start = cr_i64(r);
    w->end = cr_i64(r);
    w->drive_s = cr_i64(r);
    w->night_s = cr_i64(r);
    w->night_first = cr_i64(r);
    w->vehicle = get_vref(rs, r, run);
    w->night_vehicle = get_vref(rs, r, run);
    w->npoints = cr_u32(r);
    int32_t *pos[6] = {&w->lat0, &w->lon0, &w->lat1, &w->lon1, &w->nlat, &w->nlon};
    for (int i = 0; i < 6; i++)
        *pos[i] = (int32_t)cr_u32(r);
    w->origin = cr_u64(r);
    w->night_origin = cr_u64(r);
    w->day_open = cr_u8(r);
    w->day = cr_i64(r);
    w->day_s = cr_i64(r);
    w->day_first = cr_i64(r);
    w->day_last = cr_i64(r);
    w->day_vehicle = get_vref(rs, r, run);
    w->day_points = cr_u32(r);
    int32_t *dpos[4] = {&w->dlat0, &w->dlon0, &w->dlat1, &w->dlon1};
    for (int i = 0; i < 4; i++)
        *dpos[i] = (int32_t)cr_u32(r);
    w->day_origin = cr_u64(r);
}

/* ---- the terminal's alarms ---- */

static void put_alarm_state(resume *rs, cbuf *b, const rl_run *run, const alarm_vstate *a)
{
    cb_u32(b, a->active);
    cb_u32(b, a->nopen);
    cb_i64(b, a->last_time);
    for (int i = 0; i < ALARM_EVENT_BITS_N; i++) {
        const alarm_bitrun *r = &a->run[i];
        cb_i64(b, r->first);
        cb_i64(b, r->last);
        cb_u64(b, r->origin);
        int32_t pos[4] = {r->lat0, r->lon0, r->lat1, r->lon1};
        for (int k = 0; k < 4; k++)
            cb_u32(b, (uint32_t)pos[k]);
        cb_u32(b, r->n);
        cb_u32(b, driver_cs(rs, run, r->driver));
        cb_u8(b, r->first_ok);
        cb_u8(b, r->last_ok);
    }
    for (uint32_t i = 0; i < a->nopen && i < ALARM_OPEN_MAX; i++) {
        const alarm_open *o = &a->open[i];
        cb_i64(b, o->start);
        cb_u64(b, o->origin);
        cb_u32(b, (uint32_t)o->lat_e6);
        cb_u32(b, (uint32_t)o->lon_e6);
        cb_u32(b, o->alarm_id);
        cb_u32(b, driver_cs(rs, run, o->driver));
        cb_u8(b, o->kind);
        cb_u8(b, o->type);
        cb_u8(b, o->value);
    }
}

static void get_alarm_state(const resume *rs, crd *r, alarm_vstate *a)
{
    alarm_state_init(a);
    a->active = cr_u32(r);
    a->nopen = cr_u32(r);
    if (a->nopen > ALARM_OPEN_MAX) {
        r->bad = true;
        a->nopen = 0;
    }
    a->last_time = cr_i64(r);
    for (int i = 0; i < ALARM_EVENT_BITS_N; i++) {
        alarm_bitrun *x = &a->run[i];
        x->first = cr_i64(r);
        x->last = cr_i64(r);
        x->origin = cr_u64(r);
        int32_t *pos[4] = {&x->lat0, &x->lon0, &x->lat1, &x->lon1};
        for (int k = 0; k < 4; k++)
            *pos[k] = (int32_t)cr_u32(r);
        x->n = cr_u32(r);
        x->driver = driver_run(rs, cr_u32(r));
        x->first_ok = cr_u8(r);
        x->last_ok = cr_u8(r);
    }
    for (uint32_t i = 0; i < a->nopen; i++) {
        alarm_open *o = &a->open[i];
        o->start = cr_i64(r);
        o->origin = cr_u64(r);
        o->lat_e6 = (int32_t)cr_u32(r);
        o->lon_e6 = (int32_t)cr_u32(r);
        o->alarm_id = cr_u32(r);
        o->driver = driver_run(rs, cr_u32(r));
        o->kind = cr_u8(r);
        o->type = cr_u8(r);
        o->value = cr_u8(r);
    }
}

typedef struct {
    resume *rs;
    const rl_run *run;
    cbuf *b;
    uint32_t n;
} arec_ctx;

static void put_alarm_rec(void *ud, const alarm_rec *a)
{
    arec_ctx *c = ud;
    cbuf *b = c->b;
    cb_i64(b, a->time);
    cb_u64(b, a->origin);
    cb_u32(b, (uint32_t)a->lat_e6);
    cb_u32(b, (uint32_t)a->lon_e6);
    cb_u32(b, a->code);
    cb_u32(b, driver_cs(c->rs, c->run, a->driver));
    cb_u8(b, a->kind);
    cb_u8(b, a->flag);
    cb_u8(b, a->type);
    cb_u8(b, a->value);
    c->n++;
}

static void get_alarm_rec(const resume *rs, crd *r, alarm_rec *a)
{
    memset(a, 0, sizeof *a);
    a->time = cr_i64(r);
    a->origin = cr_u64(r);
    a->lat_e6 = (int32_t)cr_u32(r);
    a->lon_e6 = (int32_t)cr_u32(r);
    a->code = cr_u32(r);
    a->driver = driver_run(rs, cr_u32(r));
    a->kind = cr_u8(r);
    a->flag = cr_u8(r);
    a->type = cr_u8(r);
    a->value = cr_u8(r);
}

static void patch_u32(cbuf *b, size_t at, uint32_t v)
{
    b->p[at] = (unsigned char)v;
    b->p[at + 1] = (unsigned char)(v >> 8);
    b->p[at + 2] = (unsigned char)(v >> 16);
    b->p[at + 3] = (unsigned char)(v >> 24);
}

/* ---- weighings ---- */

typedef struct {
    cbuf *b;
    uint32_t n;
} weigh_put_ctx;

static void put_weighing(void *ud, const rl_weighing *w)
{
    weigh_put_ctx *c = ud;
    cbuf *b = c->b;
    cb_i64(b, w->time);
    cb_u64(b, w->origin);
    cb_i64(b, w->gross_kg);
    cb_u32(b, (uint32_t)w->axles);
    cb_u8(b, (uint8_t)w->naxle_kg);
    for (int k = 0; k < w->naxle_kg; k++)
        cb_u32(b, (uint32_t)w->axle_kg[k]);
    cb_u8(b, w->wim);
    cb_u32(b, (uint32_t)w->passengers);
    cb_u8(b, w->have_pos);
    cb_u32(b, (uint32_t)w->lat_e6);
    cb_u32(b, (uint32_t)w->lon_e6);
    c->n++;
}

static void get_weighing(crd *r, rl_weighing *w)
{
    memset(w, 0, sizeof *w);
    w->time = cr_i64(r);
    w->origin = cr_u64(r);
    w->gross_kg = cr_i64(r);
    w->axles = (int)cr_u32(r);
    w->naxle_kg = cr_u8(r);
    if (w->naxle_kg > RL_MAX_AXLES) {
        r->bad = true;
        w->naxle_kg = 0;
    }
    for (int k = 0; k < w->naxle_kg; k++)
        w->axle_kg[k] = (int32_t)cr_u32(r);
    w->wim = cr_u8(r);
    w->passengers = (int)cr_u32(r);
    w->have_pos = cr_u8(r);
    w->lat_e6 = (int32_t)cr_u32(r);
    w->lon_e6 = (int32_t)cr_u32(r);
}

/* ---- a vehicle's record ---- */

#define RECORD_TAG 0x31524356u /* "VCR1" */

void resume_vehicle_save(resume *rs, unsigned worker, const rl_run *run, const rl_vehicle *v, const vcarry *c,
                         const alarm_feed *alarms)
{
    cbuf b = {0};
    cb_u32(&b, RECORD_TAG);
    cb_i64(&b, c->tmax);
    cb_i64(&b, c->checkpoint);
    put_track(rs, &b, run, &c->track);
    put_speeding(rs, &b, run, &c->speeding);
    put_nightban(&b, &c->nightban);
    put_fatigue(rs, &b, run, &c->fatigue);
    put_alarm_state(rs, &b, run, &c->alarm);
    put_zone(rs, &b, run, &c->zone);
    cb_u32(&b, (uint32_t)c->ndays);
    for (size_t i = 0; i < c->ndays; i++)
        put_vday(&b, &c->days[i]);
    put_vstats(&b, &c->vs, c->vs_cum_distance_mm);
    cb_u32(&b, (uint32_t)c->nfixes);
    cb_u64(&b, c->fixes.n);
    cb_bytes(&b, c->fixes.p, c->fixes.n);
    /* the weighings since the checkpoint, counted before them */
    size_t at = b.n;
    cb_u32(&b, 0);
    weigh_put_ctx wc = {&b, 0};
    weigh_each(v, c->checkpoint, put_weighing, &wc);
    patch_u32(&b, at, wc.n);
    /* the terminal's alarm words and items since the checkpoint */
    at = b.n;
    cb_u32(&b, 0);
    arec_ctx ac = {rs, run, &b, 0};
    if (alarms)
        alarm_each(alarms, c->checkpoint, put_alarm_rec, &ac);
    patch_u32(&b, at, ac.n);
    cb_u32(&b, (uint32_t)c->nevents);
    for (size_t i = 0; i < c->nevents; i++)
        put_event(rs, &b, run, &c->events[i]);
    carry_put_vehicle(rs->w, worker, run_vehicle_label(run, v), v->color, v->by_phone, &b);
    cb_free(&b);
}

bool resume_vehicle_load(const resume *rs, const rl_run *run, rl_vehicle *v, uint32_t vidx, vcarry *c,
                         rl_counters *counters)
{
    memset(c, 0, sizeof *c);
    if (!rs || !rs->in || !v->carry)
        return false;
    cbuf raw = {0};
    if (!carry_vehicle_record(rs->in, v->carry - 1, &raw)) {
        counters_add(counters, "resume.unreadable_vehicle_records", 1);
        cb_free(&raw);
        return false;
    }
    /* a record names only this vehicle, drivers (made ids at bind) and
     * rules: nothing here adds to the run's tables */
    rl_run *wr = (rl_run *)run;
    crd r;
    cr_init(&r, raw.p, raw.n);
    if (cr_u32(&r) != RECORD_TAG)
        r.bad = true;
    c->tmax = cr_i64(&r);
    c->checkpoint = cr_i64(&r);
    get_track(rs, &r, &c->track);
    get_speeding(rs, &r, run, &c->speeding);
    get_nightban(&r, &c->nightban);
    get_fatigue(rs, &r, wr, &c->fatigue);
    get_alarm_state(rs, &r, &c->alarm);
    get_zone(rs, &r, run, &c->zone);
    c->fatigue.seg.vehicle = vidx;
    if (c->fatigue.seg.key & FATIGUE_NO_DRIVER)
        c->fatigue.seg.key = FATIGUE_NO_DRIVER | vidx;
    uint32_t nd = cr_u32(&r);
    if (nd > raw.n)
        r.bad = true;
    c->days = xcalloc(nd ? nd : 1, sizeof *c->days);
    for (uint32_t i = 0; i < nd && !r.bad; i++, c->ndays++)
        get_vday(&r, &c->days[i], vidx);
    get_vstats(&r, &c->vs, &c->vs_cum_distance_mm);
    uint32_t nf = cr_u32(&r);
    uint64_t nbytes = cr_u64(&r);
    if (nf > raw.n || nbytes > raw.n - r.at)
        r.bad = true;
    if (!r.bad && nf) {
        crd fr;
        cr_init(&fr, raw.p + r.at, (size_t)nbytes);
        rl_fix *f = xmalloc(nf * sizeof *f);
        rl_fix prev;
        memset(&prev, 0, sizeof prev);
        uint32_t driver = 0;
        for (uint32_t i = 0; i < nf; i++) {
            get_kept_fix(rs, &fr, &f[i], &prev, &driver);
            prev = f[i];
        }
        if (fr.bad)
            r.bad = true;
        else
            vehicle_put_sorted(v, f, nf);
        free(f);
    }
    r.at += (size_t)nbytes;
    uint32_t nw = cr_u32(&r);
    if (nw > raw.n)
        r.bad = true;
    if (!r.bad && nw) {
        rl_weighing *w = xmalloc(nw * sizeof *w);
        for (uint32_t i = 0; i < nw; i++)
            get_weighing(&r, &w[i]);
        if (!r.bad)
            weigh_put(v, w, nw, counters);
        free(w);
    }
    uint32_t na = cr_u32(&r);
    if (na > raw.n)
        r.bad = true;
    for (uint32_t i = 0; i < na && !r.bad; i++) {
        alarm_rec a;
        get_alarm_rec(rs, &r, &a);
        if (!r.bad)
            alarm_put(v, &a);
    }
    uint32_t ne = cr_u32(&r);
    if (ne > raw.n)
        r.bad = true;
    c->events = xcalloc(ne ? ne : 1, sizeof *c->events);
    for (uint32_t i = 0; i < ne && !r.bad; i++, c->nevents++)
        get_event(rs, &r, wr, &c->events[i], true, vidx);
    cb_free(&raw);
    if (r.bad) {
        counters_add(counters, "resume.unreadable_vehicle_records", 1);
        vcarry_free(c);
        return false;
    }
    return true;
}

/* ---- the driver pass ---- */

static bool hook_restore(void *ud, uint64_t key, fatigue_walk *w, int64_t *checkpoint)
{
    resume *rs = ud;
    uint32_t at;
    if (!rs->in || !u64map_get(&rs->driver_at, key + 1, &at))
        return false;
    *w = rs->drivers[at].walk;
    *checkpoint = rs->drivers[at].checkpoint;
    return true;
}

/* The walk at the driver's new checkpoint, held until `done` (one per
 * driver pass worker thread: a worker walks one driver at a time). */
static _Thread_local fatigue_walk cp_walk;
static _Thread_local int64_t cp_time;

static void hook_checkpoint(void *ud, uint64_t key, const fatigue_walk *w, int64_t checkpoint)
{
    (void)ud;
    (void)key;
    cp_walk = *w;
    cp_time = checkpoint;
}

static void hook_done(void *ud, uint64_t key, const fatigue_seg *segs, size_t nsegs, rl_events *events, size_t ev0,
                      size_t ev_cp)
{
    resume *rs = ud;
    rl_run *run = rs->run;
    /* the record for the next run, before this run's comparison drops
     * events given again unchanged (they are the latest version still) */
    cbuf b = {0};
    put_key(rs, &b, run, key);
    cb_i64(&b, cp_time);
    put_walk(rs, &b, run, &cp_walk);
    cb_u32(&b, (uint32_t)nsegs);
    for (size_t i = 0; i < nsegs; i++)
        put_seg(rs, &b, run, &segs[i]);
    cb_u32(&b, (uint32_t)(events->n - ev_cp));
    for (size_t i = ev_cp; i < events->n; i++)
        put_event(rs, &b, run, &events->e[i]);
    pthread_mutex_lock(&rs->lock);
    cb_bytes(&rs->drivers_out, b.p, b.n);
    rs->ndrivers_out++;
    pthread_mutex_unlock(&rs->lock);
    cb_free(&b);
    /* against what the carry had for this driver */
    uint32_t at;
    if (rs->in && u64map_get(&rs->driver_at, key + 1, &at))
        resume_compare(events, ev0, rs->drivers[at].events, rs->drivers[at].nevents);
}

const fatigue_resume *resume_driver_hooks(resume *rs) { return rs ? &rs->hooks : NULL; }

/* ---- opening, binding, finishing ---- */

resume *resume_open(rl_run *run, const char *prev_dir, char *err, size_t errlen, bool *usage)
{
    rl_buf rules = {0};
    carry_rules_text(run, &rules);
    carry_head h = {RL_VERSION, run->opt.tz, "", 0, rules.p};
    carry_in *in = carry_open(prev_dir, &h, err, errlen, usage);
    free(rules.p);
    if (!in)
        return NULL;
    resume *rs = xcalloc(1, sizeof *rs);
    pthread_mutex_init(&rs->lock, NULL);
    u64map_init(&rs->driver_at);
    rs->in = in;
    rs->chain_seq = carry_chain_seq(in);
    /* the rest: strings, files, registrations; drivers wait for bind */
    const cbuf *rest = carry_rest(in);
    crd r;
    cr_init(&r, rest->p, rest->n);
    rs->data_end = cr_i64(&r);
    uint32_t ns = cr_u32(&r);
    if (ns > rest->n)
        r.bad = true;
    rs->smap = xcalloc((size_t)ns + 1, sizeof *rs->smap);
    rs->nsmap = (size_t)ns + 1;
    for (uint32_t i = 1; i <= ns && !r.bad; i++) {
        char *s = cr_str(&r);
        rs->smap[i] = strtab_intern(run->str, s, strlen(s));
        free(s);
    }
    uint32_t nfiles = cr_u32(&r);
    if (nfiles > RL_MAX_INPUTS / 2)
        r.bad = true;
    for (uint32_t i = 0; i < nfiles && !r.bad; i++) {
        char *name = cr_str(&r);
        uint8_t loc = cr_u8(&r);
        if (run->ninputs == run->capinputs) {
            run->capinputs = run->capinputs ? run->capinputs * 2 : 16;
            run->inputs = xrealloc(run->inputs, run->capinputs * sizeof *run->inputs);
        }
        rl_input *e = &run->inputs[run->ninputs++];
        memset(e, 0, sizeof *e);
        e->name = name;
        e->kind = "carried";
        e->loc = loc <= RL_LOC_PACKET ? (rl_loc_kind)loc : RL_LOC_LINE;
        e->carried = true;
    }
    uint32_t nreg = cr_u32(&r);
    for (uint32_t i = 0; i < nreg && !r.bad; i++) {
        const char *phone = run_str(rs, run, cr_u32(&r));
        const char *plate = run_str(rs, run, cr_u32(&r));
        int color = cr_u8(&r);
        if (!r.bad)
            run_register_terminal(run, phone, strlen(phone), plate, strlen(plate), color);
    }
    uint32_t nj = cr_u32(&r);
    if (nj > rest->n)
        r.bad = true;
    for (uint32_t i = 0; i < nj && !r.bad; i++) {
        const char *phone = run_str(rs, run, cr_u32(&r));
        const char *driver = run_str(rs, run, cr_u32(&r));
        if (!run->jt808_session)
            run->jt808_session = jt808_session_new();
        if (!r.bad)
            jt808_session_put_driver(run->jt808_session, phone, driver);
    }
    /* what is left is the drivers: read at bind, when the vehicles are */
    if (r.bad) {
        snprintf(err, errlen, "%s: the carry is damaged (its strings and files cannot be read)", prev_dir);
        resume_free(rs);
        return NULL;
    }
    cb_bytes(&rs->rest_regs, rest->p + r.at, rest->n - r.at);
    return rs;
}

void resume_bind(resume *rs, rl_run *run)
{
    if (!rs || !rs->in)
        return;
    for (size_t i = 0, n = carry_nvehicles(rs->in); i < n; i++) {
        const char *label;
        int color;
        bool by_phone;
        carry_vehicle_key(rs->in, i, &label, &color, &by_phone);
        uint32_t id = strtab_intern(run->str, label, strlen(label));
        rl_vehicle *v = vtable_get(run->vt, id, color, by_phone);
        v->carry = (uint32_t)i + 1;
    }
    crd r;
    cr_init(&r, rs->rest_regs.p, rs->rest_regs.n);
    uint32_t nd = cr_u32(&r);
    if (nd > rs->rest_regs.n)
        r.bad = true;
    rs->drivers = xcalloc(nd ? nd : 1, sizeof *rs->drivers);
    for (uint32_t i = 0; i < nd && !r.bad; i++) {
        dcarry *d = &rs->drivers[rs->ndrivers];
        d->key = get_key(rs, &r, run);
        d->checkpoint = cr_i64(&r);
        get_walk(rs, &r, run, &d->walk);
        d->walk.key = d->key;
        uint32_t ng = cr_u32(&r);
        if (ng > rs->rest_regs.n)
            r.bad = true;
        for (uint32_t k = 0; k < ng && !r.bad; k++) {
            fatigue_seg g;
            get_seg(rs, &r, run, &g);
            /* made again by the vehicle's resumed pass */
            if (g.after_cp)
                continue;
            rs->segs = xrealloc(rs->segs, (rs->nsegs + 1) * sizeof *rs->segs);
            rs->segs[rs->nsegs++] = g;
        }
        uint32_t ne = cr_u32(&r);
        if (ne > rs->rest_regs.n)
            r.bad = true;
        d->events = xcalloc(ne ? ne : 1, sizeof *d->events);
        for (uint32_t k = 0; k < ne && !r.bad; k++, d->nevents++)
            get_event(rs, &r, run, &d->events[k], false, 0);
        if (!r.bad) {
            *u64map_put(&rs->driver_at, d->key + 1, (uint32_t)rs->ndrivers) = (uint32_t)rs->ndrivers;
            rs->ndrivers++;
        }
    }
    if (r.bad)
        run_count(run, "resume.unreadable_driver_records", 1);
    /* the carried segments join this run's */
    for (size_t i = 0; i < rs->nsegs; i++)
        fatigue_segs_add(&run->segs, &rs->segs[i]);
}

resume *resume_for_output(resume *rs, rl_run *run, const char *carry_dir, unsigned workers, char *err, size_t errlen)
{
    if (!rs) {
        rs = xcalloc(1, sizeof *rs);
        pthread_mutex_init(&rs->lock, NULL);
        u64map_init(&rs->driver_at);
    }
    rs->w = carry_writer_new(carry_dir, workers, err, errlen);
    if (!rs->w) {
        resume_free(rs);
        return NULL;
    }
    rs->dir = xstrdup(carry_dir);
    rs->cs = strtab_new();
    rs->run = run;
    rs->hooks = (fatigue_resume){rs, hook_restore, hook_checkpoint, hook_done};
    return rs;
}

typedef struct {
    resume *rs;
    cbuf b;
    uint32_t n;
} jdrv_ctx;

static void put_terminal_driver(void *ud, const char *phone, const char *driver)
{
    jdrv_ctx *c = ud;
    cb_u32(&c->b, cs_id(c->rs, phone));
    cb_u32(&c->b, cs_id(c->rs, driver));
    c->n++;
}

bool resume_finish(resume *rs, rl_run *run)
{
    /* strings last seen first: the table is complete once the drivers are
     * written, so it goes before them in rest.bin */
    cbuf rest = {0};
    cbuf tail = {0};
    /* files: the whole input table, carried ones included, in order */
    cb_u32(&tail, (uint32_t)run->ninputs);
    for (size_t i = 0; i < run->ninputs; i++) {
        cb_str(&tail, strcmp(run->inputs[i].name, "-") == 0 ? "stdin" : run->inputs[i].name);
        cb_u8(&tail, (uint8_t)run->inputs[i].loc);
    }
    /* registrations */
    cb_u32(&tail, (uint32_t)run->phone_plate.n);
    for (size_t i = 0; i < run->phone_plate.cap; i++) {
        if (!run->phone_plate.keys[i])
            continue;
        uint32_t phone = (uint32_t)(run->phone_plate.keys[i] - 1), packed = run->phone_plate.vals[i];
        cb_u32(&tail, cs_id(rs, strtab_get(run->str, phone)));
        cb_u32(&tail, cs_id(rs, strtab_get(run->str, packed >> 4)));
        cb_u8(&tail, (uint8_t)(packed & 15));
    }
    /* the driver each JT/T 808 terminal last named (0x0702): its
     * positions in the next dump are still theirs (FORMATS.md §2) */
    jdrv_ctx jc = {rs, {0}, 0};
    jt808_session_each_driver(run->jt808_session, put_terminal_driver, &jc);
    cb_u32(&tail, jc.n);
    cb_bytes(&tail, jc.b.p, jc.b.n);
    cb_free(&jc.b);
    cb_u32(&tail, rs->ndrivers_out);
    cb_bytes(&tail, rs->drivers_out.p, rs->drivers_out.n);
    uint32_t ns = strtab_count(rs->cs);
    cb_i64(&rest, run->data_end);
    cb_u32(&rest, ns);
    for (uint32_t i = 1; i <= ns; i++)
        cb_str(&rest, strtab_get(rs->cs, i));
    cb_bytes(&rest, tail.p, tail.n);
    cb_free(&tail);
    carry_put_rest(rs->w, &rest);
    cb_free(&rest);
    rl_buf rules = {0};
    carry_rules_text(run, &rules);
    carry_head h = {RL_VERSION, run->opt.tz, run->run_id, run->chain_seq, rules.p};
    bool ok = carry_writer_finish(rs->w, &h);
    free(rules.p);
    return ok;
}

void resume_free(resume *rs)
{
    if (!rs)
        return;
    carry_close(rs->in);
    free(rs->smap);
    for (size_t i = 0; i < rs->ndrivers; i++)
        free(rs->drivers[i].events);
    free(rs->drivers);
    free(rs->segs);
    u64map_free(&rs->driver_at);
    cb_free(&rs->rest_regs);
    carry_writer_free(rs->w);
    free(rs->dir);
    if (rs->cs)
        strtab_free(rs->cs);
    cb_free(&rs->drivers_out);
    pthread_mutex_destroy(&rs->lock);
    free(rs);
}

int64_t resume_data_end(const resume *rs, int64_t data_end)
{
    return rs && rs->in && rs->data_end > data_end ? rs->data_end : data_end;
}

unsigned resume_chain_seq(const resume *rs) { return rs && rs->in ? rs->chain_seq : 0; }
const char *resume_prev_run_id(const resume *rs) { return rs && rs->in ? carry_run_id(rs->in) : NULL; }
