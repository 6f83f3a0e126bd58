/*
 * analyze.c - the analysis engine (see analyze.h).
 */
#include "analyze.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "alarmcode.h"
#include "detect.h"
#include "ingest.h"
#include "rejects.h"
#include "resume.h"
#include "spill.h"
#include "timeutil.h"
#include "track.h"
#include "tracksample.h"
#include "util.h"

/* ---- the sink: records into the vehicle table ---- */

/* A cache in front of plate interning and the vehicle table: rows of a
 * day's export cycle through the same plates, so most rows cost one short
 * hash, one cache line and a compare of the plates kept in it (no trip
 * through the string table and the vehicle table).  A hash names a pair
 * of slots in one cache line, the newer plate first: with one slot, two
 * plates of the same slot took turns to miss (a sixth of the rows of the
 * 50 M-row bench; with pairs, samples of the 15 M-row run fell by 13 %).
 * It has four slots a vehicle, so that a province's fleet hits it as a
 * city's does: at 24 000 vehicles a fixed 8 192 slots missed on most
 * rows, and each miss is two more hash lookups in tables larger than the
 * CPU's caches (the first 15 M rows of the 50 M-row bench, one core:
 * 22.6 s with 8 192 slots, 19.5 s grown; median of 3). */
#define VCACHE_MIN 8192
#define VCACHE_PLATE 26

typedef struct {
    uint32_t vidx;
    uint8_t len;             /* 0: empty */
    uint8_t color;
    char plate[VCACHE_PLATE];
} vcache_ent;

struct vcache {
    size_t n;      /* slots, a power of two: n / 2 pairs, each a cache line */
    _Alignas(2 * sizeof(vcache_ent)) vcache_ent e[];
};

/* The pair of slots a plate's hash names. */
static inline vcache_ent *vcache_pair(struct vcache *c, uint64_t h) { return &c->e[(h & (c->n / 2 - 1)) * 2]; }

/* The cache for a table of nvehicles: grown (and emptied) when the table
 * outgrows a quarter of it. */
static struct vcache *vcache_for(struct vcache *c, size_t nvehicles)
{
    if (c && nvehicles * 4 <= c->n)
        return c;
    size_t n = c ? c->n * 2 : VCACHE_MIN;
    while (nvehicles * 4 > n)
        n *= 2;
    free(c);
    c = xaligned_alloc(_Alignof(struct vcache), sizeof *c + n * sizeof c->e[0]);
    memset(c, 0, sizeof *c + n * sizeof c->e[0]);
    c->n = n;
    return c;
}

/* Hash and compare of short keys: two overlapping 8-byte loads cover 8 to
 * 16 bytes (a plate is 9-11), bytes one by one below that. */
static inline uint64_t plate_hash(const char *s, size_t n, int color)
{
    uint64_t a, b;
    if (n >= 8) {
        a = load_u64(s);
        b = load_u64(s + n - 8);
    } else {
        a = b = 0;
        for (size_t i = 0; i < n; i++)
            a = a << 8 | (unsigned char)s[i];
    }
    uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full) ^ ((uint64_t)n << 8 | (uint64_t)color);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
}

static inline bool plate_eq(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16)
        return load_u64(a) == load_u64(b) && load_u64(a + n - 8) == load_u64(b + n - 8);
    return memcmp(a, b, n) == 0;
}

/* The run's plate cache, made on first use. */
static struct vcache *run_vcache(rl_run *run)
{
    if (!run->vcache)
        run->vcache = vcache_for(NULL, 0);
    return run->vcache;
}

/* The vehicle of a plate whose hash (plate_hash) is h. */
static rl_vehicle *vehicle_of_plate(rl_run *run, const char *plate, size_t plate_len, int color, uint64_t h,
                                    uint32_t *vidx)
{
    vcache_ent *e = vcache_pair(run_vcache(run), h);
    for (int k = 0; k < 2; k++)
        if (e[k].len == plate_len && e[k].color == color && plate_eq(e[k].plate, plate, plate_len)) {
            *vidx = e[k].vidx;
            return vtable_at(run->vt, e[k].vidx);
        }
    uint32_t pid = strtab_intern(run->str, plate, plate_len);
    rl_vehicle *v = vtable_get(run->vt, pid, color, false);
    *vidx = (uint32_t)(v - vtable_at(run->vt, 0));
    /* the table grows only on a miss: the cache's size is checked here */
    if (vtable_count(run->vt) * 4 > run->vcache->n) {
        run->vcache = vcache_for(run->vcache, vtable_count(run->vt));
        e = vcache_pair(run->vcache, h);
    }
    if (plate_len <= VCACHE_PLATE && color >= 0 && color <= UINT8_MAX) {
        e[1] = e[0];
        e[0].vidx = *vidx;
        e[0].len = (uint8_t)plate_len;
        e[0].color = (uint8_t)color;
        memcpy(e[0].plate, plate, plate_len);
    }
    return v;
}

static rl_vehicle *vehicle_for(rl_run *run, const char *plate, size_t plate_len, int color, const char *phone,
                               size_t phone_len, uint32_t *vidx)
{
    if (plate && plate_len)
        return vehicle_of_plate(run, plate, plate_len, color, plate_hash(plate, plate_len, color), vidx);
    if (phone && phone_len) {
        const char *c;
        size_t cn;
        phone_canon(phone, phone_len, &c, &cn);
        rl_vehicle *v = vtable_get(run->vt, strtab_intern(run->str, c, cn), 0, true);
        *vidx = (uint32_t)(v - vtable_at(run->vt, 0));
        return v;
    }
    return NULL;
}

/* Positions wait here, sixteen at a time, for their vehicles.  The
 * plate's pair of cache slots is fetched as a position comes; when
 * sixteen wait, their vehicles are found, then the place of each one's
 * next fix is fetched, then the fixes are stored.  So the memory a row
 * needs is fetched side by side with the others' instead of one miss
 * after another: in a fleet of 24 000 vehicles every row missed the
 * CPU's caches three times (cache slot, vehicle, chunk).  50 M rows,
 * two threads, --memory 1G: 27.3-28.0 s -> 15.5-17.3 s, user time 47
 * -> 24-27 s; 8 M rows: 2.27 -> 2.02 s (alternating runs).  8, 32 and
 * 64 at a time did no better.  Only a position with a plate and no
 * alarm waits; any other record first lets the waiting ones through, so
 * a vehicle's records still arrive in input order. */
#define POSQ_N 16

typedef struct {
    rl_fix f;
    uint64_t h;              /* plate_hash */
    uint32_t vidx;
    uint8_t len, color;
    bool alarm_word;         /* the row had an alarm column (rl_vehicle.alarm_word) */
    char plate[VCACHE_PLATE];
} posq_ent;

struct posq {
    unsigned n;
    posq_ent e[POSQ_N];
};

static void add_fix(rl_run *run, rl_vehicle *v, const rl_fix *f)
{
    size_t grew = vehicle_add_fix(run->vt, v, f);
    if (grew && run->spill && spill_charge(run->spill, &run->fix_bytes, grew))
        spill_out(run->spill, run->vt, run->str, &run->fix_bytes, run->spill_owner);
}

void analyze_flush(rl_run *run)
{
    struct posq *q = run->posq;
    if (!q || !q->n)
        return;
    for (unsigned i = 0; i < q->n; i++) {
        posq_ent *e = &q->e[i];
        const char *v = (const char *)vehicle_of_plate(run, e->plate, e->len, e->color, e->h, &e->vidx);
        __builtin_prefetch(v, 1);
        __builtin_prefetch(v + offsetof(rl_vehicle, alarm_word), 1);
    }
    for (unsigned i = 0; i < q->n; i++) {
        const rl_vehicle *v = vtable_at(run->vt, q->e[i].vidx);
        if (v->tail && v->tail_n < v->tail_cap) {
            __builtin_prefetch(v->tail, 1); /* its n */
            __builtin_prefetch(&v->tail->fix[v->tail_n], 1);
        }
    }
    for (unsigned i = 0; i < q->n; i++) {
        posq_ent *e = &q->e[i];
        rl_vehicle *v = vtable_at(run->vt, e->vidx);
        if (e->alarm_word)
            v->alarm_word = true;
        add_fix(run, v, &e->f);
    }
    q->n = 0;
}

static void on_position(void *ud, const rl_position *p)
{
    rl_run *run = ud;
    run->positions++;
    if (!run_in_window(run, p->time)) {
        run->filtered++;
        return;
    }
    rl_fix f;
    f.time = p->time;
    f.lat_e6 = p->lat_e6;
    f.lon_e6 = p->lon_e6;
    f.speed_mkmh = p->speed_mkmh;
    f.origin = p->origin;
    f.driver_flags = 0;
    if (p->driver && p->driver_len) {
        uint32_t d = strtab_intern(run->str, p->driver, p->driver_len);
        if (d <= FIX_DRIVER_MAX) {
            f.driver_flags = d;
            run->any_driver = true;
        } else {
            run_count(run, "drivers.over_capacity", 1);
        }
    }
    if (track_is_invalid(&run->rules, p->lat_e6, p->lon_e6, p->speed_mkmh, p->have & RL_HAVE_STATUS, p->status))
        f.driver_flags |= FIX_INVALID;
    bool alarm = (p->alarm & ACODE_EVENT_BITS) || p->safety;
    if (p->plate && p->plate_len && p->plate_len <= VCACHE_PLATE && p->color >= 0 && p->color <= UINT8_MAX &&
        !alarm) {
        if (!run->posq) {
            run->posq = xmalloc(sizeof *run->posq);
            run->posq->n = 0;
        }
        posq_ent *e = &run->posq->e[run->posq->n++];
        e->f = f;
        e->h = plate_hash(p->plate, p->plate_len, p->color);
        e->len = (uint8_t)p->plate_len;
        e->color = (uint8_t)p->color;
        e->alarm_word = (p->have & RL_HAVE_ALARM) != 0;
        memcpy(e->plate, p->plate, p->plate_len);
        __builtin_prefetch(vcache_pair(run_vcache(run), e->h));
        if (run->posq->n == POSQ_N)
            analyze_flush(run);
        return;
    }
    analyze_flush(run);
    uint32_t vidx;
    rl_vehicle *v = vehicle_for(run, p->plate, p->plate_len, p->color, p->phone, p->phone_len, &vidx);
    if (!v) {
        run_reject(run, p->origin, "position names neither a plate nor a terminal phone", NULL, 0);
        return;
    }
    /* RULES.md §8: what the terminal said, kept beside the fix (most
     * positions have no alarm and cost nothing here) */
    if (p->have & RL_HAVE_ALARM)
        v->alarm_word = true;
    if (alarm)
        alarm_store(run, v, p, &f);
    add_fix(run, v, &f);
}

static void on_weighing(void *ud, const rl_weighing *w)
{
    rl_run *run = ud;
    analyze_flush(run);
    run->weighings++;
    if (!run_in_window(run, w->time)) {
        run->filtered++;
        return;
    }
    uint32_t vidx;
    if (!vehicle_for(run, w->plate, w->plate_len, w->color, NULL, 0, &vidx)) {
        run_reject(run, w->origin, "weighing names no plate", NULL, 0);
        return;
    }
    if (!run->weigh)
        run->weigh = weigh_store_new(run_keeps_evidence(run) ? run->str : NULL);
    weigh_store_add(run->weigh, run->vt, vidx, w, &run->counters);
}

void analyze_sink(rl_run *run, rl_sink *sink)
{
    sink->ud = run;
    sink->position = on_position;
    sink->registration = run_sink_registration;
    sink->weighing = on_weighing;
    sink->reject = run_sink_reject;
    sink->count = run_sink_count;
}

/* ---- reading side by side: a run per reading task ---- */

/* A task's own run: the options and rules of the run, a vehicle table and
 * strings of its own, and a copy of the input table (its input's entry is
 * written there and put back by ingest_all). */
static rl_run *shadow_open(void *ud, rl_run *run, rl_sink *sink)
{
    (void)ud;
    rl_run *s = xcalloc(1, sizeof *s);
    s->opt = run->opt;
    s->opt.progress = false;
    s->rules = run->rules;
    s->str = strtab_new();
    registry_init(&s->reg);
    s->have_registry = run->have_registry;
    s->vt = vtable_new();
    u64map_init(&s->phone_plate);
    s->ninputs = s->capinputs = run->ninputs;
    s->inputs = xmalloc((run->ninputs ? run->ninputs : 1) * sizeof *s->inputs);
    memcpy(s->inputs, run->inputs, run->ninputs * sizeof *s->inputs);
    s->started = run->started;
    s->started_wall = run->started_wall;
    s->spill = run->spill;
    s->spill_owner = run->spill ? spill_owner(run->spill) : 0;
    analyze_sink(s, sink);
    return s;
}

/* A task is done: past half the budget, what it holds goes to disk now
 * rather than wait in memory for the others. */
static void shadow_done(void *ud, rl_run *s)
{
    (void)ud;
    analyze_flush(s);
    if (s->spill && spill_at_end(s->spill, s->fix_bytes))
        spill_out(s->spill, s->vt, s->str, &s->fix_bytes, s->spill_owner);
}

/* The id in the run's strings of a string of the shadow's. */
static uint32_t run_string(rl_run *run, const rl_run *s, uint32_t id)
{
    const char *name = strtab_get(s->str, id);
    return strtab_intern(run->str, name, strlen(name));
}

/* A driver id of the shadow's strings as one of the run's (0: none). */
typedef struct driver_map {
    rl_run *run;
    const rl_run *s;
    uint32_t *map;           /* by shadow id: the run's id, UINT32_MAX none, 0 not yet */
} driver_map;

static uint32_t remap_driver(void *ud, uint32_t d)
{
    driver_map *m = ud;
    if (!d)
        return 0;
    if (!m->map[d]) {
        uint32_t id = run_string(m->run, m->s, d);
        if (id > FIX_DRIVER_MAX) {
            run_count(m->run, "drivers.over_capacity", 1);
            id = UINT32_MAX; /* no driver */
        }
        m->map[d] = id;
    }
    return m->map[d] == UINT32_MAX ? 0 : m->map[d];
}

/* A fix's driver is an id of the shadow's strings: the run's from here;
 * so is the driver of its alarm records. */
static void remap_drivers(driver_map *m, rl_vehicle *v)
{
    /* a task none of whose fixes names a driver has nothing to remap
     * (the walk over every fix was 2.5 % of the 8 M-row bench's CPU, all
     * of it while the tasks are put together, one at a time) */
    for (fix_chunk *c = m->s->any_driver ? v->head : NULL; c; c = c->next)
        for (uint32_t i = 0; i < c->n; i++) {
            uint32_t id = remap_driver(m, c->fix[i].driver_flags & FIX_DRIVER_MASK);
            c->fix[i].driver_flags = (c->fix[i].driver_flags & ~FIX_DRIVER_MASK) | id;
        }
    alarm_remap_drivers(v, remap_driver, m);
}

/* A weighing's station, kept for the documents, is an id of the
 * shadow's strings too (weigh_remap_stations). */
typedef struct {
    rl_run *run;
    const rl_run *s;
    uint32_t *map;           /* shadow id -> run id, 0: not yet; made when first needed */
} station_map;

static uint32_t station_to_run(void *ud, uint32_t id)
{
    station_map *m = ud;
    if (!m->map)
        m->map = xcalloc((size_t)strtab_count(m->s->str) + 1, sizeof *m->map);
    if (!m->map[id])
        m->map[id] = run_string(m->run, m->s, id);
    return m->map[id];
}

static void shadow_close(void *ud, rl_run *run, rl_run *s, bool keep)
{
    (void)ud;
    if (s->weigh) {
        weigh_store_close(s->weigh, s->vt);
        s->weigh = NULL;
    }
    if (keep) {
        uint32_t *map = xcalloc((size_t)strtab_count(s->str) + 1, sizeof *map);
        driver_map dm = {run, s, map};
        station_map stations = {run, s, NULL};
        for (size_t i = 0, n = vtable_count(s->vt); i < n; i++) {
            rl_vehicle *v = vtable_at(s->vt, i);
            if (v->dead)
                continue;
            const char *label = strtab_get(s->str, v->by_phone ? v->phone : v->plate);
            uint32_t key = strtab_intern(run->str, label, strlen(label));
            remap_drivers(&dm, v);
            if (v->whead && run_keeps_evidence(run))
                weigh_remap_stations(v, station_to_run, &stations);
            rl_vehicle *to = vtable_get(run->vt, key, v->color, v->by_phone);
            if (v->by_phone && !to->phone)
                to->phone = key;
            v->phone = 0; /* an id of the shadow's strings */
            vehicle_merge(to, v);
        }
        free(map);
        free(stations.map);
        run->fix_bytes += s->fix_bytes;
        counters_merge(&run->counters, &s->counters);
        run->positions += s->positions;
        run->weighings += s->weighings;
        run->filtered += s->filtered;
        run->rejected += s->rejected;
        run->registration_conflicts += s->registration_conflicts;
    } else {
        /* what it spilled goes with it */
        spill_forget(s->spill, s->spill_owner);
        if (s->spill)
            spill_release(s->spill, &s->fix_bytes);
    }
    counters_free(&s->counters);
    free(s->inputs); /* the names and messages are the run's, or moved */
    free(s->vcache);
    free(s->posq);
    vtable_free(s->vt);
    u64map_free(&s->phone_plate);
    registry_free(&s->reg);
    strtab_free(s->str);
    free(s);
}


const ingest_reader *analyze_reader(void)
{
    static const ingest_reader rd = {NULL, shadow_open, shadow_done, shadow_close};
    return &rd;
}

/* ---- identities ---- */

/* One vehicle after all: its fixes, and those it spilled, go to `to`. */
static void merge_vehicles(rl_run *run, rl_vehicle *to, rl_vehicle *from)
{
    if (from->nspilled && run->spill)
        spill_rekey(run->spill, run_vehicle_label(run, from), from->color, from->by_phone, run_vehicle_label(run, to),
                    to->color, to->by_phone);
    vehicle_merge(to, from);
}

#define MULTI 0x80000000u

static void resolve_identities(rl_run *run)
{
    size_t n = vtable_count(run->vt);
    /* 1. Terminals to plates: a registration anywhere in the input, else
     *    the registry's terminal_phone. */
    for (size_t i = 0; i < n; i++) {
        rl_vehicle *v = vtable_at(run->vt, i);
        if (!v->by_phone || v->dead)
            continue;
        uint32_t plate;
        int color;
        if (!run_terminal_plate(run, v->phone, &plate, &color))
            continue;
        rl_vehicle *to = vtable_get(run->vt, plate, color, false); /* may move the table */
        v = vtable_at(run->vt, i);
        merge_vehicles(run, to, v);
        n = vtable_count(run->vt);
    }
    /* 2. Unknown colour: the registry's colour when the plate is unique
     *    there; for a plate the registry does not know, the one colour
     *    the data itself has for it.  A plate registered in several
     *    colours stays ambiguous (colour 0). */
    u64map known;
    u64map_init(&known);
    for (size_t i = 0; i < n; i++) {
        rl_vehicle *v = vtable_at(run->vt, i);
        if (v->dead || v->by_phone || v->color == 0)
            continue;
        uint32_t *s = u64map_put(&known, (uint64_t)v->plate + 1, (uint32_t)i);
        if (*s != (uint32_t)i)
            *s |= MULTI;
    }
    for (size_t i = 0; i < n; i++) {
        rl_vehicle *v = vtable_at(run->vt, i);
        if (v->dead || v->by_phone || v->color != 0)
            continue;
        const reg_entry *e = registry_lookup(&run->reg, v->plate, 0);
        rl_vehicle *to = NULL;
        if (e && e->color != 0) {
            to = vtable_get(run->vt, v->plate, e->color, false);
        } else if (registry_plate_colors(&run->reg, v->plate) == 0) {
            /* the registry does not know the plate: the data decides */
            uint32_t k;
            if (u64map_get(&known, (uint64_t)v->plate + 1, &k) && !(k & MULTI))
                to = vtable_at(run->vt, k);
        }
        if (!to)
            continue;
        v = vtable_at(run->vt, i);
        merge_vehicles(run, to, v);
        n = vtable_count(run->vt);
    }
    u64map_free(&known);
}

/* The registry's company names (for --company), distinct. */
static const char **registry_companies(const rl_run *run, size_t *n)
{
    uint32_t *ids = xmalloc((run->reg.n ? run->reg.n : 1) * sizeof *ids);
    const char **names = xmalloc((run->reg.n ? run->reg.n : 1) * sizeof *names);
    for (size_t i = 0; i < run->reg.n; i++)
        ids[i] = run->reg.e[i].company;
    *n = sel_distinct_names(run->str, ids, run->reg.n, names);
    free(ids);
    return names;
}

/* --require-registry: the vehicles the registry does not know, named. */
static bool registry_required(const rl_run *run)
{
    if (!run->unregistered)
        return true;
    fprintf(stderr, "roadlog analyze: --require-registry: %llu vehicles are not in the registry%s",
            (unsigned long long)run->unregistered, run->reg.n ? "" : " (no registry was read)");
    size_t shown = 0, n = vtable_count(run->vt);
    for (size_t i = 0; i < n && shown < 10; i++) {
        const rl_vehicle *v = vtable_at(run->vt, i);
        if (!v->dead && v->selected && !v->reg && (v->nfix || v->nspilled || v->nweigh))
            fprintf(stderr, "%s%s", shown++ ? ", " : ": ", run_vehicle_label(run, v));
    }
    fputs(run->unregistered > shown ? ", ...\n" : "\n", stderr);
    return false;
}

/* Join the registry and apply --plate/--company (select.h).  False, with
 * the reasons on stderr, when a selector matches no vehicle or
 * --require-registry finds vehicles the registry does not know. */
static bool join_registry(rl_run *run)
{
    size_t n = vtable_count(run->vt);
    sel_list *companies = &run->opt.companies;
    if (companies->n) {
        if (!run->reg.n) {
            fprintf(stderr, "roadlog analyze: --company '%s': no registry was read, so no vehicle has a company "
                            "(give --registry FILE)\n", companies->joined);
            return false;
        }
        size_t nknown;
        const char **known = registry_companies(run, &nknown);
        bool ok = sel_resolve_companies(companies, known, nknown, "analyze", run->opt.quiet, stderr);
        free(known);
        run->opt.company = companies->joined;
        if (!ok)
            return false;
    }
    sel_ctx sel;
    sel_begin(&sel, &run->opt.plates, companies);
    for (size_t i = 0; i < n; i++) {
        rl_vehicle *v = vtable_at(run->vt, i);
        if (v->dead)
            continue;
        v->reg = v->by_phone ? NULL : registry_lookup(&run->reg, v->plate, v->color);
        v->cls = v->reg ? v->reg->cls : CLASS_OTHER;
        bool data = v->nfix || v->nspilled || v->nweigh;
        /* a vehicle carried from the run resumed (--resume) is selected
         * as one with data is */
        v->selected = !(data || v->carry) ||
                      sel_check(&sel, run_vehicle_label(run, v), v->reg ? run_vehicle_company(run, v) : NULL);
        if (!v->reg && v->selected && data) {
            run->unregistered++;
            if (v->color == 2) /* yellow: a large vehicle (GA 36) */
                run->unregistered_yellow++;
        }
    }
    bool ok = sel_end(&sel, "analyze", stderr);
    sel_ctx_free(&sel);
    if (ok && run->opt.require_registry)
        ok = registry_required(run);
    return ok;
}

static int vehicle_order(const void *a, const void *b, void *ctx)
{
    const rl_run *sort_run = ctx;
    const rl_vehicle *x = vtable_at(sort_run->vt, *(const uint32_t *)a);
    const rl_vehicle *y = vtable_at(sort_run->vt, *(const uint32_t *)b);
    int c = strcmp(run_vehicle_label(sort_run, x), run_vehicle_label(sort_run, y));
    if (c)
        return c;
    if (x->color != y->color)
        return x->color < y->color ? -1 : 1;
    return x->by_phone - y->by_phone;
}

/* ---- the per-vehicle pass ---- */

/* What one worker of the pass produces; put together in output order when
 * every vehicle is done, so the result does not depend on which worker
 * took which vehicle. */
typedef struct vpass_out {
    unsigned worker;         /* which worker (its carry file) */
    rl_events events;
    vday_list days;
    fatigue_segs segs;
    rl_counters counters;
    track_counts track;
    zone_query *zq;          /* the worker's own, on the shared zone set */
} vpass_out;

typedef struct {
    const rl_run *run;
    vctx cx;
    speeding_state speeding;
    nightban_state nightban;
    fatigue_vstate fatigue;
    weigh_vstate weigh;
    alarm_vstate alarm;
    alarm_feed alarm_feed;
    zone_vstate zone;
    tracksample_state sample;
    /* the carry this pass leaves (RUNS.md §2) */
    bool saving;
    vcarry save;
    size_t ev_cp;            /* events given before the checkpoint */
    rl_vday *days_cp;        /* the vehicle's days at the checkpoint */
    size_t ndays_cp;
    rl_vstats vs_cp;
    /* fixes older than the carry resumed from: a track of their own */
    rl_vehicle late;
    uint64_t nlate;
} vehicle_pass;

/* A fix at or after the checkpoint goes in the carry, whatever became of
 * it: the next run makes the same track of it. */
static void keep_fix(vehicle_pass *p, const rl_fix *f)
{
    if (p->saving && f->time >= p->save.checkpoint)
        resume_keep_fix(p->run->resume, p->run, &p->save, f);
}

static void hook_duplicate(void *ud, const rl_fix *f) { keep_fix(ud, f); }

static void hook_point(void *ud, const rl_fix *f, point_kind k)
{
    vehicle_pass *p = ud;
    keep_fix(p, f);
    if (p->cx.detect & DET_ALARM)
        alarm_point(&p->alarm, &p->alarm_feed, &p->cx, f);
    rl_vday *d = vdays_get(p->cx.days, p->cx.vidx, tu_local_day(f->time, p->cx.tz));
    d->points++;
    if (k != PT_INVALID)
        d->valid++;
    if (k == PT_DRIFT)
        d->drift++;
    if (f->time < d->first)
        d->first = f->time;
    if (f->time > d->last)
        d->last = f->time;
}

/* Distance and driving time of an interval, by local day: driving time
 * split exactly at midnight; distance split at midnight in proportion to
 * time, except that a gap counts wholly on the day of its later fix
 * (FORMATS.md vehicle_days). */
static void account_interval(vehicle_pass *p, const rl_interval *iv)
{
    int32_t tz = p->cx.tz;
    int64_t mm = vdays_mm(iv->dist_km);
    if (iv->gap) {
        rl_vday *d = vdays_get(p->cx.days, p->cx.vidx, tu_local_day(iv->b.time, tz));
        d->gaps++;
        d->distance_mm += mm;
        d->gap_mm += mm;
    }
    /* split at midnight in proportion to time, the last part taking what
     * rounding left, so the parts add up to the interval */
    int64_t left = mm;
    for (int64_t t = iv->a.time; t < iv->b.time;) {
        int64_t day = tu_local_day(t, tz);
        int64_t next_midnight = (day + 1) * RL_DAY_S - tz;
        int64_t seg_end = next_midnight < iv->b.time ? next_midnight : iv->b.time;
        rl_vday *d = vdays_get(p->cx.days, p->cx.vidx, day);
        if (!iv->gap) {
            int64_t part = seg_end == iv->b.time ? left : (int64_t)llround((double)mm * (double)(seg_end - t) / (double)iv->dt);
            d->distance_mm += part;
            left -= part;
        }
        if (iv->driving)
            d->driving_s += seg_end - t;
        t = seg_end;
    }
    p->cx.vs->distance_mm += mm;
    if (iv->driving)
        p->cx.vs->driving_s += iv->dt;
}

static void hook_accepted(void *ud, const rl_fix *f, const rl_interval *iv)
{
    vehicle_pass *p = ud;
    unsigned det = p->cx.detect;
    rl_vday *d = vdays_get(p->cx.days, p->cx.vidx, tu_local_day(f->time, p->cx.tz));
    d->accepted++;
    if (f->speed_mkmh > d->max_speed_mkmh)
        d->max_speed_mkmh = f->speed_mkmh;
    if (f->speed_mkmh > p->cx.vs->max_speed_mkmh)
        p->cx.vs->max_speed_mkmh = f->speed_mkmh;
    if (iv) {
        account_interval(p, iv);
        if (det & DET_GAP)
            gap_interval(&p->cx, iv);
        if (det & DET_NIGHT_BAN)
            nightban_interval(&p->nightban, iv);
        if (det & DET_FATIGUE)
            fatigue_interval(&p->fatigue, iv);
    }
    /* ZONES.md: the fix's zones first, the speeding detector reads their limit */
    zone_verdict zv;
    if (p->cx.zones)
        zone_fix(&p->zone, f, iv, &zv);
    if (det & DET_SPEEDING)
        speeding_fix(&p->speeding, f, iv, p->cx.zones ? &zv : NULL);
    if (det & DET_WEIGH)
        weigh_fix(&p->weigh, f);
    /* the limit in force, zones' included, goes with the fixes of an
     * event's evidence */
    tracksample_fix(&p->sample, f,
                    p->cx.samples ? speeding_limit_at(&p->cx, f, p->cx.zones ? &zv : NULL, NULL, NULL) : 0);
}

/* ---- a --resume chain: the vehicle's checkpoint and its carry ---- */

static void at_checkpoint(void *ud, const track_mem *m, const track_counts *so_far)
{
    vehicle_pass *p = ud;
    if (!p->saving)
        return;
    vcarry *c = &p->save;
    c->track = *m;
    /* the terminal's items before the checkpoint paired, as the others'
     * states stand there */
    if (p->cx.detect & DET_ALARM)
        alarm_items_until(&p->alarm, &p->alarm_feed, &p->cx, c->checkpoint - 1);
    c->alarm = p->alarm;
    c->speeding = p->speeding;
    c->nightban = p->nightban;
    c->fatigue = p->fatigue;
    c->zone = p->zone;
    p->ev_cp = p->cx.events->n;
    const vday_list *l = p->cx.days;
    p->ndays_cp = l->n - l->first;
    p->days_cp = xmalloc((p->ndays_cp ? p->ndays_cp : 1) * sizeof *p->days_cp);
    if (p->ndays_cp) /* a worker's first vehicle with no day yet has no list at all */
        memcpy(p->days_cp, l->d + l->first, p->ndays_cp * sizeof *p->days_cp);
    p->vs_cp = *p->cx.vs;
    /* the track's counts go to the totals when it ends: these are the ones
     * before the checkpoint */
    p->vs_cp.points = so_far->points;
    p->vs_cp.duplicates = so_far->duplicates;
    p->vs_cp.drift = so_far->drift;
    p->vs_cp.valid = so_far->points - so_far->invalid;
    p->vs_cp.accepted = so_far->accepted;
    /* driving segments that end from here on are made again by the next
     * run, which starts the vehicle here */
    p->fatigue.after_cp = true;
}

static void late_fix(void *ud, const rl_fix *f)
{
    vehicle_pass *p = ud;
    vehicle_add_fix(NULL, &p->late, f); /* freed as its stream passes */
    p->nlate++;
}

static const rl_vday *find_day(const rl_vday *d, size_t n, int64_t day)
{
    for (size_t i = 0; i < n; i++)
        if (d[i].day == day)
            return &d[i];
    return NULL;
}

static const vday_carry *find_carried_day(const vcarry *c, int64_t day)
{
    for (size_t i = 0; i < c->ndays; i++)
        if (c->days[i].d.day == day)
            return &c->days[i];
    return NULL;
}

static bool is_weighing_event(event_type t) { return t >= EV_OVERLOAD && t <= EV_POSITION_MISMATCH; }

/* What the next run needs of this vehicle's days, totals and events: the
 * sums since the checkpoint, the highest values written so far, the
 * whole days' distances so far; the events the pass gave after the
 * checkpoint (weighings: those at or after it). */
static void fill_save(vehicle_pass *p, const vcarry *in, bool resumed, size_t ev_from)
{
    vcarry *c = &p->save;
    const vday_list *l = p->cx.days;
    int64_t cp_day = tu_local_day(c->checkpoint, p->cx.tz);
    c->days = xcalloc(l->n - l->first + 1, sizeof *c->days);
    for (size_t i = l->first; i < l->n; i++) {
        const rl_vday *q = &l->d[i];
        if (q->day < cp_day)
            continue;
        const rl_vday *s0 = find_day(p->days_cp, p->ndays_cp, q->day);
        const vday_carry *old = resumed ? find_carried_day(in, q->day) : NULL;
        vday_carry *o = &c->days[c->ndays++];
        o->d = *q;
        if (s0) {
            o->d.points -= s0->points;
            o->d.valid -= s0->valid;
            o->d.drift -= s0->drift;
            o->d.gaps -= s0->gaps;
            o->d.accepted -= s0->accepted;
            o->d.distance_mm -= s0->distance_mm;
            o->d.gap_mm -= s0->gap_mm;
            o->d.driving_s -= s0->driving_s;
            o->d.rests -= s0->rests;
            o->d.weighings -= s0->weighings;
        }
        /* the whole day so far: what was carried plus what this run adds */
        o->cum_distance_mm = (old ? old->cum_distance_mm - old->d.distance_mm : 0) + q->distance_mm;
        o->cum_gap_mm = (old ? old->cum_gap_mm - old->d.gap_mm : 0) + q->gap_mm;
        if (old) {
            if (old->d.max_speed_mkmh > o->d.max_speed_mkmh)
                o->d.max_speed_mkmh = old->d.max_speed_mkmh;
            if (old->d.longest_stint_s > o->d.longest_stint_s)
                o->d.longest_stint_s = old->d.longest_stint_s;
            if (old->d.first < o->d.first)
                o->d.first = old->d.first;
            if (old->d.last > o->d.last)
                o->d.last = old->d.last;
            if (old->d.heaviest_gross_kg > o->d.heaviest_gross_kg)
                o->d.heaviest_gross_kg = old->d.heaviest_gross_kg;
            if (old->d.worst_excess_kg > o->d.worst_excess_kg)
                o->d.worst_excess_kg = old->d.worst_excess_kg;
        }
    }
    const rl_vstats *vs = p->cx.vs;
    c->vs = *vs;
    c->vs.points -= p->vs_cp.points;
    c->vs.valid -= p->vs_cp.valid;
    c->vs.drift -= p->vs_cp.drift;
    c->vs.duplicates -= p->vs_cp.duplicates;
    c->vs.accepted -= p->vs_cp.accepted;
    c->vs.distance_mm -= p->vs_cp.distance_mm;
    c->vs.driving_s -= p->vs_cp.driving_s;
    c->vs.weighings -= p->vs_cp.weighings;
    c->vs_cum_distance_mm = (resumed ? in->vs_cum_distance_mm - in->vs.distance_mm : 0) + vs->distance_mm;
    /* events */
    const rl_events *ev = p->cx.events;
    c->events = xmalloc((ev->n - ev_from + 1) * sizeof *c->events);
    for (size_t i = ev_from; i < ev->n; i++) {
        const rl_event *e = &ev->e[i];
        bool after = is_weighing_event(e->type) ? e->start >= c->checkpoint : i >= p->ev_cp;
        if (after)
            c->events[c->nevents++] = *e;
    }
}

/* Metres to write for a distance of which `cum_before` was written
 * before: what makes the written values add up to the whole. */
static int64_t written_mm(int64_t cum_before, int64_t added)
{
    return (vdays_m(cum_before + added) - vdays_m(cum_before)) * 1000;
}

/* This run's rows and totals are what it adds to what the chain wrote:
 * sums less the carried sums; a day nothing changed leaves no row. */
static void subtract_carried(vehicle_pass *p, const vcarry *in, vpass_out *out)
{
    vday_list *l = p->cx.days;
    size_t k = l->first;
    for (size_t i = l->first; i < l->n; i++) {
        rl_vday d = l->d[i];
        const vday_carry *old = find_carried_day(in, d.day);
        if (old) {
            const rl_vday *o = &old->d;
            d.points -= o->points;
            d.valid -= o->valid;
            d.drift -= o->drift;
            d.gaps -= o->gaps;
            d.accepted -= o->accepted;
            d.driving_s -= o->driving_s;
            d.rests -= o->rests;
            d.weighings -= o->weighings;
            int64_t before = old->cum_distance_mm - o->distance_mm;
            int64_t gap_before = old->cum_gap_mm - o->gap_mm;
            d.distance_mm = written_mm(before + o->distance_mm, l->d[i].distance_mm - o->distance_mm);
            d.gap_mm = written_mm(gap_before + o->gap_mm, l->d[i].gap_mm - o->gap_mm);
            bool same = !d.points && !d.valid && !d.drift && !d.gaps && !d.accepted && !d.driving_s && !d.rests &&
                        !d.weighings && !d.distance_mm && !d.gap_mm && d.max_speed_mkmh <= o->max_speed_mkmh &&
                        d.longest_stint_s <= o->longest_stint_s && d.first >= o->first && d.last <= o->last &&
                        d.heaviest_gross_kg <= o->heaviest_gross_kg && d.worst_excess_kg <= o->worst_excess_kg;
            if (same)
                continue;
        }
        l->d[k++] = d;
    }
    l->n = k;
    rl_vstats *vs = p->cx.vs;
    vs->points -= in->vs.points;
    vs->valid -= in->vs.valid;
    vs->drift -= in->vs.drift;
    vs->duplicates -= in->vs.duplicates;
    vs->accepted -= in->vs.accepted;
    vs->driving_s -= in->vs.driving_s;
    vs->weighings -= in->vs.weighings;
    int64_t before = in->vs_cum_distance_mm - in->vs.distance_mm;
    vs->distance_mm = written_mm(before + in->vs.distance_mm, vs->distance_mm - in->vs.distance_mm);
    (void)out;
}

static void vpass_init(vehicle_pass *p, const rl_run *run, vpass_out *out, rl_vehicle *v, uint32_t vidx)
{
    memset(p, 0, sizeof *p);
    p->run = run;
    p->cx.r = &run->rules;
    p->cx.tz = run->opt.tz;
    p->cx.detect = run->opt.detect;
    p->cx.v = v;
    p->cx.vidx = vidx;
    p->cx.cls = v->cls;
    p->cx.night_exempt = v->reg && v->reg->night_exempt;
    p->cx.speed_rule = rule_speeding_for(v->cls);
    p->cx.limit_mkmh = v->reg && v->reg->speed_limit_mkmh > 0 ? v->reg->speed_limit_mkmh
                                                              : llround(run->rules.v[p->cx.speed_rule] * 1000.0);
    p->cx.night_limit_mkmh = llround((double)p->cx.limit_mkmh * run->rules.v[R_SPEEDING_NIGHT_FACTOR]);
    p->cx.last_fix = v->tmax;
    p->cx.data_end = run->data_end;
    p->cx.events = &out->events;
    p->cx.days = &out->days;
    p->cx.segs = &out->segs;
    p->cx.counters = &out->counters;
    p->cx.samples = tracksample_slot(run->samples, vidx);
}

/* Run the detectors over a vehicle's track (cut, when given). */
static void vpass_track(vehicle_pass *p, rl_vehicle *v, const track_cut *cut, track_counts *c)
{
    const rl_run *run = p->run;
    track_hooks h = {p, hook_point, hook_duplicate, hook_accepted};
    track_run(v, &run->rules, &h, c, cut);
    speeding_end(&p->speeding);
    if (run->zones) {
        zone_end(&p->zone);
        if (p->zone.dropped)
            counters_add(p->cx.counters, "zones.runs_over_capacity", p->zone.dropped);
    }
    nightban_end(&p->nightban);
    fatigue_vehicle_end(&p->fatigue);
    if (run->opt.detect & DET_WEIGH)
        weigh_vehicle_end(&p->weigh);
    if (run->opt.detect & DET_ALARM)
        alarm_vehicle_end(&p->alarm, &p->alarm_feed, &p->cx);
    tracksample_end(&p->sample);
}

/* One vehicle, start to end: its track, every detector, its days.  Reads
 * the run, writes only the vehicle's own slots (its fixes, vstats,
 * samples) and the worker's outputs.  In a --resume chain the vehicle
 * starts where the carry left it, and leaves its own carry. */
static void analyse_vehicle(const rl_run *run, vpass_out *out, uint32_t vidx)
{
    rl_vehicle *v = vtable_at(run->vt, vidx);
    rl_vstats *vs = &run->vstats[vidx];
    vs->max_speed_mkmh = -1;
    vehicle_pass p;
    vpass_init(&p, run, out, v, vidx);
    p.cx.vs = vs;
    vcarry in;
    bool resumed = resume_vehicle_load(run->resume, run, v, vidx, &in, &out->counters);
    if (v->nspilled && !spill_load(run->spill, run_vehicle_label(run, v), v->color, v->by_phone, v))
        counters_add(&out->counters, "spill.read_errors", 1);
    p.cx.last_fix = v->tmax;
    vdays_vehicle_begin(&out->days);
    p.cx.plate = run_vehicle_label(run, v);
    p.cx.zones = run->zones;
    p.cx.zq = out->zq;
    if (run->zones)
        zone_begin(&p.zone, &p.cx, run->opt.detect & DET_ZONE);
    size_t ev0 = out->events.n;
    speeding_begin(&p.speeding, &p.cx);
    nightban_begin(&p.nightban, &p.cx);
    fatigue_vehicle_begin(&p.fatigue, &p.cx);
    track_mem mem;
    memset(&mem, 0, sizeof mem);
    if (resumed) {
        /* where the carry left the vehicle */
        mem = in.track;
        p.speeding = in.speeding;
        p.speeding.cx = &p.cx;
        p.nightban = in.nightban;
        p.nightban.cx = &p.cx;
        p.fatigue = in.fatigue;
        p.fatigue.cx = &p.cx;
        p.fatigue.after_cp = false;
        if (run->zones) {
            p.zone = in.zone;
            p.zone.cx = &p.cx;
            p.zone.emit = run->opt.detect & DET_ZONE;
        }
    }
    weigh_vehicle_begin(&p.weigh, &p.cx, v);
    if (resumed && mem.have_ref)
        weigh_seed(&p.weigh, &mem.ref);
    alarm_state_init(&p.alarm);
    if (resumed)
        p.alarm = in.alarm;
    alarm_feed_open(&p.alarm_feed, v);
    tracksample_begin(&p.sample, &p.cx);
    p.saving = run->resume != NULL && v->tmax != INT64_MIN;
    p.save.tmax = v->tmax;
    p.save.checkpoint = v->tmax == INT64_MIN ? INT64_MAX : v->tmax - RL_DAY_S;
    p.late.tmax = INT64_MIN;
    track_cut cut = {&mem, p.save.checkpoint, at_checkpoint, resumed ? in.checkpoint : INT64_MIN, late_fix};
    track_counts c = {0};
    vpass_track(&p, v, &cut, &c);
    vs->points = c.points;
    vs->duplicates = c.duplicates;
    vs->drift = c.drift;
    vs->valid = c.points - c.invalid;
    vs->accepted = c.accepted;
    if (p.saving)
        fill_save(&p, &in, resumed, ev0);
    if (resumed) {
        resume_compare(&out->events, ev0, in.events, in.nevents);
        subtract_carried(&p, &in, out);
    }
    if (p.nlate) {
        /* rows older than the carried 24 hours: on their own (RUNS.md §2) */
        counters_add(&out->counters, "late_beyond_carry", p.nlate);
        vehicle_pass lp;
        vpass_init(&lp, run, out, &p.late, vidx);
        lp.cx.vs = vs;
        lp.cx.plate = p.cx.plate;
        lp.cx.zones = run->zones;
        lp.cx.zq = out->zq;
        if (run->zones)
            zone_begin(&lp.zone, &lp.cx, run->opt.detect & DET_ZONE);
        speeding_begin(&lp.speeding, &lp.cx);
        nightban_begin(&lp.nightban, &lp.cx);
        fatigue_vehicle_begin(&lp.fatigue, &lp.cx);
        weigh_vehicle_begin(&lp.weigh, &lp.cx, &p.late);
        alarm_state_init(&lp.alarm);
        lp.cx.samples = NULL; /* nothing sampled: the slot is the main track's */
        tracksample_begin(&lp.sample, &lp.cx);
        track_counts lc = {0};
        vpass_track(&lp, &p.late, NULL, &lc);
        vs->points += lc.points;
        vs->duplicates += lc.duplicates;
        vs->drift += lc.drift;
        vs->valid += lc.points - lc.invalid;
        vs->accepted += lc.accepted;
    }
    out->track.points += vs->points;
    out->track.duplicates += vs->duplicates;
    out->track.invalid += vs->points - vs->valid;
    out->track.drift += vs->drift;
    out->track.accepted += vs->accepted;
    vs->first = INT64_MAX;
    vs->last = INT64_MIN;
    for (size_t i = out->days.first; i < out->days.n; i++) {
        if (out->days.d[i].first < vs->first)
            vs->first = out->days.d[i].first;
        if (out->days.d[i].last > vs->last)
            vs->last = out->days.d[i].last;
    }
    if (p.saving)
        resume_vehicle_save(run->resume, out->worker, run, v, &p.save, &p.alarm_feed);
    alarm_feed_close(&p.alarm_feed);
    vcarry_free(&p.save);
    free(p.days_cp);
    if (resumed)
        vcarry_free(&in);
}

/* ---- workers ---- */

/* Vehicles are handed out in output order, a batch at a time: an atomic
 * counter, no lock.  Batches are small next to a fleet, large next to the
 * counter's cost. */
#define VPASS_BATCH 16

typedef struct {
    const rl_run *run;
    const uint32_t *order;
    size_t n;
    atomic_size_t next;
} vpass_queue;

typedef struct {
    vpass_queue *q;
    vpass_out out;
} vpass_worker;

static void *vpass_work(void *arg)
{
    vpass_worker *w = arg;
    vpass_queue *q = w->q;
    if (q->run->zones)
        w->out.zq = zone_query_new(q->run->zones);
    for (;;) {
        size_t i = atomic_fetch_add(&q->next, VPASS_BATCH);
        if (i >= q->n)
            break;
        size_t end = i + VPASS_BATCH < q->n ? i + VPASS_BATCH : q->n;
        for (; i < end; i++)
            analyse_vehicle(q->run, &w->out, q->order[i]);
    }
    return NULL;
}

static void vpass_out_free(vpass_out *o)
{
    events_free(&o->events);
    vdays_free(&o->days);
    fatigue_segs_free(&o->segs);
    counters_free(&o->counters);
    zone_query_free(o->zq);
}

/* Rows of vehicle_days in output order: by vehicle rank, then day. */
static int vday_order(const void *a, const void *b, void *ctx)
{
    const uint32_t *rank = ctx;
    const rl_vday *x = a, *y = b;
    if (x->vehicle != y->vehicle)
        return rank[x->vehicle] < rank[y->vehicle] ? -1 : 1;
    return x->day < y->day ? -1 : x->day > y->day;
}

static void vehicle_pass_all(rl_run *run, const uint32_t *rank)
{
    unsigned nthreads = run->opt.threads > 0 ? run->opt.threads : 1;
    if (nthreads > run->norder / VPASS_BATCH + 1)
        nthreads = (unsigned)(run->norder / VPASS_BATCH + 1);
    vpass_queue q = {.run = run, .order = run->order, .n = run->norder};
    atomic_init(&q.next, 0);
    vpass_worker *w = xcalloc(nthreads, sizeof *w);
    pthread_t *tid = xcalloc(nthreads, sizeof *tid);
    for (unsigned i = 0; i < nthreads; i++) {
        w[i].q = &q;
        w[i].out.worker = i;
    }
    for (unsigned i = 1; i < nthreads; i++)
        if (pthread_create(&tid[i], NULL, vpass_work, &w[i]) != 0)
            die("cannot start a worker thread");
    vpass_work(&w[0]);
    for (unsigned i = 1; i < nthreads; i++)
        pthread_join(tid[i], NULL);
    for (unsigned i = 0; i < nthreads; i++) {
        vpass_out *o = &w[i].out;
        for (size_t k = 0; k < o->events.n; k++)
            events_add(&run->events, &o->events.e[k]);
        vdays_append(&run->vdays, &o->days);
        fatigue_segs_append(&run->segs, &o->segs);
        counters_merge(&run->counters, &o->counters);
        run->points += o->track.points;
        run->duplicates += o->track.duplicates;
        run->invalid += o->track.invalid;
        run->drift += o->track.drift;
        run->accepted += o->track.accepted;
        vpass_out_free(o);
    }
    free(w);
    free(tid);
    if (run->vdays.n > 1)
        qsort_r(run->vdays.d, run->vdays.n, sizeof *run->vdays.d, vday_order, (void *)rank);
}

/* ---- the per-driver pass: fatigue ---- */

typedef struct {
    fatigue_pass pass;
    const fatigue_segs *segs;
    size_t from, to;
    rl_events events;
    rl_counters counters;
} driver_worker;

static void *driver_work(void *arg)
{
    driver_worker *w = arg;
    w->pass.events = &w->events;
    w->pass.counters = &w->counters;
    fatigue_drivers(&w->pass, w->segs, w->from, w->to);
    return NULL;
}

void analyze_drivers(rl_run *run, const uint32_t *rank)
{
    fatigue_segs *segs = &run->segs;
    fatigue_segs_sort(segs, rank);
    size_t nv = vtable_count(run->vt);
    const rl_vehicle **vehicles = xmalloc((nv ? nv : 1) * sizeof *vehicles);
    for (size_t i = 0; i < nv; i++)
        vehicles[i] = vtable_at(run->vt, i);
    unsigned nthreads = run->opt.threads > 0 ? run->opt.threads : 1;
    if (segs->n < 4096)
        nthreads = 1;
    driver_worker *w = xcalloc(nthreads, sizeof *w);
    pthread_t *tid = xcalloc(nthreads, sizeof *tid);
    /* whole drivers to each worker, about segs->n / nthreads segments each */
    size_t from = 0;
    for (unsigned i = 0; i < nthreads; i++) {
        size_t to = i + 1 == nthreads ? segs->n : segs->n / nthreads * (i + 1);
        if (to < from)
            to = from;
        if (to > from && to < segs->n)
            to = fatigue_next_driver(segs, to - 1);
        w[i].pass = (fatigue_pass){&run->rules, run->opt.tz, vehicles, rank, NULL, NULL, resume_driver_hooks(run->resume),
                                   run->data_end};
        w[i].segs = segs;
        w[i].from = from;
        w[i].to = to;
        from = to;
    }
    for (unsigned i = 1; i < nthreads; i++)
        if (pthread_create(&tid[i], NULL, driver_work, &w[i]) != 0)
            die("cannot start a worker thread");
    driver_work(&w[0]);
    for (unsigned i = 1; i < nthreads; i++)
        pthread_join(tid[i], NULL);
    for (unsigned i = 0; i < nthreads; i++) {
        for (size_t k = 0; k < w[i].events.n; k++)
            events_add(&run->events, &w[i].events.e[k]);
        counters_merge(&run->counters, &w[i].counters);
        events_free(&w[i].events);
        counters_free(&w[i].counters);
    }
    free(w);
    free(tid);
    free(vehicles);
}

/* ---- events: ids, order, one copy each ---- */

/* Vehicle (output order), start, type, end, rule, then the first evidence:
 * a total order on what an event is, never on where it was stored. */
static int event_order(const void *a, const void *b, void *ctx)
{
    const uint32_t *vehicle_rank = ctx;
    const rl_event *x = a, *y = b;
    if (x->vehicle != y->vehicle)
        return vehicle_rank[x->vehicle] < vehicle_rank[y->vehicle] ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    int c = strcmp(x->rule, y->rule);
    if (c)
        return c;
    return x->origin < y->origin ? -1 : x->origin > y->origin;
}

void analyze_events(rl_run *run, const uint32_t *vehicle_rank)
{
    /* drop events of vehicles not selected (a driver's fatigue may name
     * one), then order and give ids */
    size_t k = 0;
    for (size_t i = 0; i < run->events.n; i++)
        if (vehicle_rank[run->events.e[i].vehicle] != UINT32_MAX)
            run->events.e[k++] = run->events.e[i];
    run->events.n = k;
    if (run->events.n > 1)
        qsort_r(run->events.e, run->events.n, sizeof *run->events.e, event_order, (void *)vehicle_rank);
    k = 0;
    event_idgen *ids = event_idgen_new();
    for (size_t i = 0; i < run->events.n; i++) {
        rl_event *e = &run->events.e[i];
        const rl_vehicle *v = vtable_at(run->vt, e->vehicle);
        event_idgen_make(ids, run_vehicle_label(run, v), v->color, e->type, e->start, e->rule, e->id);
        /* the same plate, colour, type and start is one event */
        if (k > 0 && strcmp(run->events.e[k - 1].id, e->id) == 0) {
            run_count(run, "events.merged_duplicates", 1);
            continue;
        }
        run->events.e[k++] = *e;
        rl_vstats *vs = &run->vstats[e->vehicle];
        vs->events[e->type]++;
        vs->nevents++;
        vs->penalty_points += severity_points(e->severity);
    }
    run->events.n = k;
    event_idgen_free(ids);
}

uint32_t *analyze_rank(rl_run *run)
{
    size_t n = vtable_count(run->vt);
    if (run->norder > 1)
        qsort_r(run->order, run->norder, sizeof *run->order, vehicle_order, run);
    uint32_t *rank = xmalloc((n ? n : 1) * sizeof *rank);
    for (size_t i = 0; i < n; i++)
        rank[i] = UINT32_MAX;
    for (size_t i = 0; i < run->norder; i++)
        rank[run->order[i]] = (uint32_t)i;
    return rank;
}

bool analyze_finish(rl_run *run)
{
    double t_start = run_clock();
    analyze_flush(run);
    if (run->weigh) {
        weigh_store_close(run->weigh, run->vt);
        run->weigh = NULL;
    }
    resolve_identities(run);
    resume_bind(run->resume, run); /* carried vehicles, by their settled names */
    if (!join_registry(run))
        return false;
    size_t n = vtable_count(run->vt);
    run->vstats = xcalloc(n ? n : 1, sizeof *run->vstats);
    run->order = xmalloc((n ? n : 1) * sizeof *run->order);
    run->norder = 0;
    for (size_t i = 0; i < n; i++) {
        rl_vehicle *v = vtable_at(run->vt, i);
        if (!v->dead && v->selected && (v->nfix || v->nspilled || v->nweigh || v->carry))
            run->order[run->norder++] = (uint32_t)i;
    }
    uint32_t *rank = analyze_rank(run);
    if (run_keeps_evidence(run))
        run->samples = tracksample_store_new(n);
    if (run->spill)
        spill_settle(run->spill, run->str);
    /* where the run's data ends: an event later data could still change
     * is open (RUNS.md §2) */
    for (size_t i = 0; i < run->norder; i++) {
        int64_t t = vtable_at(run->vt, run->order[i])->tmax;
        if (t > run->data_end)
            run->data_end = t;
    }
    run->data_end = resume_data_end(run->resume, run->data_end);
    double t0 = run_clock();
    vehicle_pass_all(run, rank);
    /* fixes of vehicles left out by --plate/--company are not analysed */
    for (size_t i = 0; i < n; i++) {
        rl_vehicle *v = vtable_at(run->vt, i);
        if (!v->selected && (v->nfix || v->nspilled)) {
            run_count(run, "fixes.not_selected", v->nfix + v->nspilled);
            fixstream fs;
            fixstream_open(&fs, v);
            fixstream_close(&fs);
        }
    }
    run->vehicles_analysed = run->norder;
    double t1 = run_clock();
    if (run->opt.detect & DET_FATIGUE)
        analyze_drivers(run, rank);
    alarm_finish(run);
    double t2 = run_clock();
    analyze_events(run, rank);
    /* ROADLOG_PHASES=1: where the time went, for the benchmarks */
    if (getenv("ROADLOG_PHASES"))
        fprintf(stderr,
                "roadlog: analyse: settling %.3f s, vehicles %.3f s, drivers and terminal alarms %.3f s, "
                "events %.3f s\n",
                t0 - t_start, t1 - t0, t2 - t1, run_clock() - t2);
    free(rank);
    return true;
}
