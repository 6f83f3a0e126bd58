/*
 * cases_stats.c - the ledger read whole for the 考核 and the blacklists
 * (see cases_stats.h).
 */
#include "cases_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "u64map.h"
#include "util.h"

int32_t cases_month_of(int64_t utc, int32_t tz)
{
    int64_t y;
    unsigned m, d;
    tu_civil_from_days(tu_local_day(utc, tz), &y, &m, &d);
    return (int32_t)(y * 12 + (m - 1));
}

static int32_t month_of_day(int64_t day)
{
    int64_t y;
    unsigned m, d;
    tu_civil_from_days(day, &y, &m, &d);
    return (int32_t)(y * 12 + (m - 1));
}

int64_t cases_month_first(int32_t month, int32_t tz)
{
    int64_t y = month >= 0 ? month / 12 : -((-month + 11) / 12);
    unsigned m = (unsigned)(month - y * 12) + 1;
    return tu_days_from_civil(y, m, 1) * RL_DAY_S - tz;
}

/* database id -> names id (or index), for the small tables */
typedef struct idmap {
    uint32_t *v;
    size_t n;
} idmap;

static void idmap_set(idmap *m, int64_t id, uint32_t val)
{
    if (id < 0 || id > (int64_t)UINT32_MAX)
        return;
    if ((size_t)id >= m->n) {
        size_t n = m->n ? m->n : 256;
        while (n <= (size_t)id)
            n *= 2;
        m->v = xrealloc(m->v, n * sizeof *m->v);
        for (size_t i = m->n; i < n; i++)
            m->v[i] = UINT32_MAX;
        m->n = n;
    }
    m->v[id] = val;
}

static uint32_t idmap_get(const idmap *m, int64_t id)
{
    return id >= 0 && (size_t)id < m->n ? m->v[id] : UINT32_MAX;
}

static bool load_names(cdb *db, const char *sql, strtab *names, idmap *out)
{
    cdb_stmt *s = cdb_prepare(db, sql);
    if (!s)
        return false;
    int r;
    while ((r = cdb_step(s)) == CDB_ROW) {
        size_t n;
        const char *t = cdb_text(s, 1, &n);
        idmap_set(out, cdb_int(s, 0), strtab_intern(names, t, n));
    }
    cdb_finalize(s);
    return r == CDB_DONE;
}

/* statuses by their first letter: open notified supervised rectified
 * closed dismissed are all different there */
static case_status status_of(const char *s)
{
    switch (s[0]) {
    case 'n': return CASE_NOTIFIED;
    case 's': return CASE_SUPERVISED;
    case 'r': return CASE_RECTIFIED;
    case 'c': return CASE_CLOSED;
    case 'd': return CASE_DISMISSED;
    default: return CASE_OPEN;
    }
}

/* Every case before `until`: one scan of the table (the unary + keeps
 * SQLite from walking the start_time index and fetching rows one by one,
 * which over most of the table is many times slower). */
static bool load_cases(cases_ledger *lg, cases_stats *st, const idmap *veh, const idmap *comp, const idmap *drv,
                       int64_t until)
{
    cdb_stmt *s = cdb_prepare(lg->db, "SELECT case_id, vehicle_id, company_id, driver_id, type, start_time, points, "
                                      "status, deadline FROM cases WHERE +start_time < ?");
    if (!s)
        return false;
    cdb_bind_int(s, 1, until);
    size_t cap = 0;
    int r;
    /* the last type's text, as types repeat */
    char last_type[32] = "";
    event_type type = EV_SPEEDING;
    while ((r = cdb_step(s)) == CDB_ROW) {
        uint32_t vi = idmap_get(veh, cdb_int(s, 1));
        if (vi == UINT32_MAX)
            continue;
        if (st->nc == cap) {
            cap = cap ? cap * 2 : 65536;
            st->c = xrealloc(st->c, cap * sizeof *st->c);
        }
        cs_case *c = &st->c[st->nc];
        size_t n;
        int64_t key = cdb_int(s, 0);
        memcpy(&c->id, &key, sizeof c->id);
        c->vehicle = vi;
        uint32_t co = idmap_get(comp, cdb_int(s, 2)), dr = idmap_get(drv, cdb_int(s, 3));
        c->company = co == UINT32_MAX ? 0 : co;
        c->driver = dr == UINT32_MAX ? 0 : dr;
        const char *t = cdb_text(s, 4, &n);
        if (n >= sizeof last_type || memcmp(t, last_type, n) != 0 || last_type[n] != 0) {
            if (n >= sizeof last_type || !event_type_parse(t, &type))
                continue; /* not a type this roadlog knows: not counted */
            memcpy(last_type, t, n);
            last_type[n] = 0;
        }
        c->type = (uint8_t)type;
        c->start = cdb_int(s, 5);
        int64_t pts = cdb_int(s, 6);
        c->points = (int16_t)(pts > 1000 ? 1000 : pts < 0 ? 0 : pts);
        case_status cs = status_of(cdb_text(s, 7, NULL));
        c->status = (uint8_t)cs;
        c->overdue = case_status_pending(cs) && cdb_int(s, 8) < lg->now;
        c->month = cases_month_of(c->start, lg->tz);
        st->nc++;
    }
    cdb_finalize(s);
    return r == CDB_DONE;
}

/* One vehicle-day as the runs gave it: rows of one chain add up. */
typedef struct vday_acc {
    uint64_t points, accepted, drift;
    int64_t distance_m, gap_m;
    bool gap_known;
    uint32_t company;
} vday_acc;

static void vday_add(vday_acc *a, cdb_stmt *s, const idmap *comp)
{
    a->points += (uint64_t)cdb_int(s, 3);
    a->accepted += (uint64_t)cdb_int(s, 4);
    a->drift += (uint64_t)cdb_int(s, 5);
    a->distance_m += cdb_int(s, 6);
    a->gap_known &= !cdb_is_null(s, 7);
    a->gap_m += cdb_int(s, 7);
    uint32_t co = idmap_get(comp, cdb_int(s, 2));
    a->company = co == UINT32_MAX ? 0 : co;
}

static void vmonth_add(cases_stats *st, u64map *idx, size_t *cap, uint32_t vi, int64_t day, const vday_acc *a)
{
    int32_t month = month_of_day(day);
    uint32_t *slot = u64map_put(idx, (uint64_t)vi << 32 | (uint32_t)month, 0);
    if (!*slot) {
        if (st->nvm == *cap) {
            *cap = *cap ? *cap * 2 : 4096;
            st->vm = xrealloc(st->vm, *cap * sizeof *st->vm);
        }
        cs_vmonth *m = &st->vm[st->nvm];
        memset(m, 0, sizeof *m);
        m->vehicle = vi;
        m->month = month;
        m->gap_known = true;
        m->last_day = INT64_MIN;
        *slot = (uint32_t)++st->nvm;
    }
    cs_vmonth *m = &st->vm[*slot - 1];
    m->points += a->points;
    m->accepted += a->accepted;
    m->drift += a->drift;
    m->distance_m += a->distance_m;
    m->gap_m += a->gap_m;
    m->gap_known &= a->gap_known;
    if (day >= m->last_day) {
        m->last_day = day;
        m->company = a->company;
    }
}

static bool load_vdays(cases_ledger *lg, cases_stats *st, const idmap *veh, const idmap *comp, int64_t until)
{
    cdb_stmt *s = cdb_prepare(lg->db, "SELECT d.vehicle_id, d.day, d.company_id, d.points, d.accepted, d.drift, "
                                      "d.distance_m, d.gap_m, r.chain FROM vehicle_days d "
                                      "JOIN runs r ON r.run_id = d.run_id WHERE d.day < ? "
                                      "ORDER BY d.vehicle_id, d.day, r.chain");
    if (!s)
        return false;
    cdb_bind_int(s, 1, tu_local_day(until - 1, lg->tz) + 1);
    u64map idx;
    u64map_init(&idx);
    size_t cap = 0;
    int64_t cur_vid = -1, cur_day = 0;
    char cur_chain[48] = "";
    vday_acc best = {0}, acc = {0};
    bool have = false;
    int r;
    for (;;) {
        r = cdb_step(s);
        int64_t vid = 0, day = 0;
        size_t cn = 0;
        const char *chain = "";
        if (r == CDB_ROW) {
            vid = cdb_int(s, 0);
            day = cdb_int(s, 1);
            chain = cdb_text(s, 8, &cn);
            if (cn >= sizeof cur_chain)
                cn = sizeof cur_chain - 1;
        }
        bool same_day = r == CDB_ROW && have && vid == cur_vid && day == cur_day;
        bool same_chain = same_day && strlen(cur_chain) == cn && memcmp(cur_chain, chain, cn) == 0;
        if (have && !same_chain) {
            /* a chain's rows of this vehicle-day are complete */
            if (acc.points > best.points || best.points == 0)
                best = acc;
            if (!same_day) {
                uint32_t vi = idmap_get(veh, cur_vid);
                if (vi != UINT32_MAX)
                    vmonth_add(st, &idx, &cap, vi, cur_day, &best);
                memset(&best, 0, sizeof best);
            }
            memset(&acc, 0, sizeof acc);
        }
        if (r != CDB_ROW)
            break;
        if (!same_chain) {
            memset(&acc, 0, sizeof acc);
            acc.gap_known = true;
        }
        cur_vid = vid;
        cur_day = day;
        memcpy(cur_chain, chain, cn);
        cur_chain[cn] = 0;
        vday_add(&acc, s, comp);
        have = true;
    }
    cdb_finalize(s);
    u64map_free(&idx);
    return r == CDB_DONE;
}

/* Group indices of items by month: a counting sort. */
static void by_month(const void *base, size_t n, size_t size, size_t month_off, int32_t lo, int32_t hi,
                     uint32_t **idx, size_t **start)
{
    size_t nm = (size_t)(hi - lo + 1);
    *start = xcalloc(nm + 1, sizeof **start);
    *idx = xmalloc((n ? n : 1) * sizeof **idx);
    for (size_t i = 0; i < n; i++) {
        int32_t m;
        memcpy(&m, (const char *)base + i * size + month_off, sizeof m);
        (*start)[m - lo + 1]++;
    }
    for (size_t k = 0; k < nm; k++)
        (*start)[k + 1] += (*start)[k];
    size_t *fill = xmalloc((nm + 1) * sizeof *fill);
    memcpy(fill, *start, (nm + 1) * sizeof *fill);
    for (size_t i = 0; i < n; i++) {
        int32_t m;
        memcpy(&m, (const char *)base + i * size + month_off, sizeof m);
        (*idx)[fill[m - lo]++] = (uint32_t)i;
    }
    free(fill);
}

/* 9999-12-31 23:59:59 UTC: "until" past it means "everything" (and its
 * local day is still a number) */
#define STATS_TIME_MAX INT64_C(253402300799)

bool cases_stats_load(cases_ledger *lg, strtab *names, int64_t until, cases_stats *st)
{
    memset(st, 0, sizeof *st);
    if (until > STATS_TIME_MAX)
        until = STATS_TIME_MAX;
    st->names = names;
    st->tz = lg->tz;
    st->now = lg->now;
    idmap comp = {0}, drv = {0}, veh = {0};
    bool ok = load_names(lg->db, "SELECT id, name FROM companies", names, &comp) &&
              load_names(lg->db, "SELECT id, name FROM drivers", names, &drv);
    cdb_stmt *s = ok ? cdb_prepare(lg->db, "SELECT id, plate, plate_color, company_id FROM vehicles") : NULL;
    if (s) {
        int r;
        size_t cap = 0;
        while ((r = cdb_step(s)) == CDB_ROW) {
            if (st->nv == cap) {
                cap = cap ? cap * 2 : 1024;
                st->v = xrealloc(st->v, cap * sizeof *st->v);
            }
            size_t n;
            const char *p = cdb_text(s, 1, &n);
            cs_vehicle *v = &st->v[st->nv];
            v->plate = strtab_intern(names, p, n);
            v->color = (int)cdb_int(s, 2);
            uint32_t co = idmap_get(&comp, cdb_int(s, 3));
            v->company = co == UINT32_MAX ? 0 : co;
            idmap_set(&veh, cdb_int(s, 0), (uint32_t)st->nv++);
        }
        cdb_finalize(s);
        ok = r == CDB_DONE;
    } else {
        ok = false;
    }
    ok = ok && load_cases(lg, st, &veh, &comp, &drv, until) && load_vdays(lg, st, &veh, &comp, until);
    free(comp.v);
    free(drv.v);
    free(veh.v);
    st->month_lo = INT32_MAX;
    st->month_hi = INT32_MIN;
    for (size_t i = 0; i < st->nc; i++) {
        if (st->c[i].month < st->month_lo)
            st->month_lo = st->c[i].month;
        if (st->c[i].month > st->month_hi)
            st->month_hi = st->c[i].month;
    }
    for (size_t i = 0; i < st->nvm; i++) {
        if (st->vm[i].month < st->month_lo)
            st->month_lo = st->vm[i].month;
        if (st->vm[i].month > st->month_hi)
            st->month_hi = st->vm[i].month;
    }
    if (st->month_lo > st->month_hi)
        st->month_lo = st->month_hi = 0;
    by_month(st->c, st->nc, sizeof *st->c, offsetof(cs_case, month), st->month_lo, st->month_hi, &st->c_by_month,
             &st->c_start);
    by_month(st->vm, st->nvm, sizeof *st->vm, offsetof(cs_vmonth, month), st->month_lo, st->month_hi,
             &st->vm_by_month, &st->vm_start);
    return ok;
}

void cases_stats_free(cases_stats *st)
{
    free(st->v);
    free(st->c);
    free(st->vm);
    free(st->c_by_month);
    free(st->vm_by_month);
    free(st->c_start);
    free(st->vm_start);
    memset(st, 0, sizeof *st);
}

/* ---- the 考核 of a month ---- */

static const char *name_of(void *ud, uint32_t id) { return strtab_get(ud, id); }

bool cases_stats_has_month(const cases_stats *st, int32_t month)
{
    if (month < st->month_lo || month > st->month_hi || !st->c_start)
        return false;
    size_t k = (size_t)(month - st->month_lo);
    return st->c_start[k + 1] > st->c_start[k] || st->vm_start[k + 1] > st->vm_start[k];
}

/* Building one month's assess input. */
typedef struct month_build {
    const cases_stats *st;
    const rl_registry *reg;  /* NULL: no registry */
    assess_month m;
    u64map slot;             /* vehicle index + 1, or a registry row | 1 << 40 -> assess vehicle + 1 */
} month_build;

/* The vehicle's place in the table: its registry row when a registry is
 * given (else the "(not in the registry)" row), or its own with the
 * company its data names. */
static uint32_t place(month_build *b, uint32_t vi, uint32_t company)
{
    uint64_t key = (uint64_t)vi + 1;
    if (b->reg) {
        const reg_entry *re = registry_lookup(b->reg, b->st->v[vi].plate, b->st->v[vi].color);
        if (re)
            key = (uint64_t)1 << 40 | (uint64_t)(re - b->reg->e);
    }
    uint32_t *s = u64map_put(&b->slot, key, 0);
    if (!*s) {
        b->m.v[b->m.nv] = (assess_vehicle){.company = b->reg ? 0 : company, .in_pop = true, .gap_known = true};
        *s = (uint32_t)++b->m.nv;
    }
    return *s - 1;
}

void cases_stats_assess(const cases_stats *st, int32_t month, const rl_registry *reg, assess_table *t)
{
    month_build b = {.st = st, .reg = reg && reg->n > 0 ? reg : NULL};
    size_t nc = 0, nvm = 0, c0 = 0, v0 = 0;
    if (month >= st->month_lo && month <= st->month_hi) {
        size_t k = (size_t)(month - st->month_lo);
        c0 = st->c_start[k];
        nc = st->c_start[k + 1] - c0;
        v0 = st->vm_start[k];
        nvm = st->vm_start[k + 1] - v0;
    }
    b.m.v = xcalloc((b.reg ? b.reg->n : 0) + nvm + nc + 1, sizeof *b.m.v);
    b.m.c = xcalloc(nc ? nc : 1, sizeof *b.m.c);
    u64map_init(&b.slot);
    for (size_t i = 0; b.reg && i < b.reg->n; i++) {
        b.m.v[b.m.nv] = (assess_vehicle){.company = b.reg->e[i].company, .in_pop = true, .gap_known = true};
        *u64map_put(&b.slot, (uint64_t)1 << 40 | i, 0) = (uint32_t)++b.m.nv;
    }
    for (size_t k = 0; k < nvm; k++) {
        const cs_vmonth *vm = &st->vm[st->vm_by_month[v0 + k]];
        assess_vehicle *av = &b.m.v[place(&b, vm->vehicle, vm->company)];
        av->points += vm->points;
        av->accepted += vm->accepted;
        av->drift += vm->drift;
        av->distance_m += vm->distance_m;
        av->gap_m += vm->gap_m;
        av->gap_known &= vm->gap_known;
    }
    /* a vehicle without vehicle-days that month (weighings only, an
     * events.csv alone) joins the company its case names */
    for (size_t k = 0; k < nc; k++) {
        const cs_case *c = &st->c[st->c_by_month[c0 + k]];
        uint32_t a = place(&b, c->vehicle, c->company);
        b.m.c[b.m.nc++] = (assess_case){a, (event_type)c->type, (case_status)c->status, c->overdue};
    }
    u64map_free(&b.slot);
    assess_compute(&b.m, name_of, st->names, t);
    free(b.m.v);
    free(b.m.c);
}

/* ---- blacklists ---- */

static void push(bl_item **items, size_t *n, size_t *cap, bl_item it)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        *items = xrealloc(*items, *cap * sizeof **items);
    }
    (*items)[(*n)++] = it;
}

void cases_stats_blacklists(const cases_stats *st, const rl_rules *rules, const rl_registry *reg, int64_t at,
                            cs_blacklists *out)
{
    memset(out, 0, sizeof *out);
    size_t cap[BL_NRULES] = {0};
    for (size_t i = 0; i < st->nc; i++) {
        const cs_case *c = &st->c[i];
        if (c->start > at || c->status == CASE_DISMISSED)
            continue;
        if (assess_is_speeding((event_type)c->type) || assess_is_fatigue((event_type)c->type))
            push(&out->items[BL_VEHICLE], &out->nitems[BL_VEHICLE], &cap[BL_VEHICLE],
                 (bl_item){c->vehicle, c->start, 1, (uint32_t)i});
        if (c->driver && c->points > 0)
            push(&out->items[BL_DRIVER], &out->nitems[BL_DRIVER], &cap[BL_DRIVER],
                 (bl_item){c->driver, c->start, c->points, (uint32_t)i});
    }
    /* companies: every month that ended by `at` */
    double rate = rules->v[R_BLACKLIST_COMPANY_RATE_MONTH];
    size_t nm = 0;
    for (int32_t month = st->month_lo; st->nc + st->nvm && month <= st->month_hi; month++) {
        int64_t end = cases_month_first(month + 1, st->tz);
        if (end > at)
            break;
        assess_table t;
        cases_stats_assess(st, month, reg, &t);
        for (size_t k = 0; k < t.n; k++) {
            const assess_row *r = &t.row[k];
            if (!r->rank || isnan(r->cases_per_vehicle) || r->cases_per_vehicle < rate)
                continue;
            out->month_rate = xrealloc(out->month_rate, (nm + 1) * sizeof *out->month_rate);
            out->month_of_ref = xrealloc(out->month_of_ref, (nm + 1) * sizeof *out->month_of_ref);
            out->month_rate[nm] = r->cases_per_vehicle;
            out->month_of_ref[nm] = month;
            push(&out->items[BL_COMPANY], &out->nitems[BL_COMPANY], &cap[BL_COMPANY],
                 (bl_item){r->company, end, 1, (uint32_t)nm});
            nm++;
        }
        assess_free(&t);
    }
    bl_params p = {.months = (int)rules->v[R_BLACKLIST_MONTHS],
                   .review_months = (int)rules->v[R_BLACKLIST_REVIEW_MONTHS],
                   .tz = st->tz};
    p.threshold = (int64_t)rules->v[R_BLACKLIST_VEHICLE_EVENTS_12M];
    p.window_months = 12;
    bl_compute(BL_VEHICLE, out->items[BL_VEHICLE], out->nitems[BL_VEHICLE], &p, &out->list);
    p.threshold = (int64_t)rules->v[R_BLACKLIST_DRIVER_POINTS_12M];
    bl_compute(BL_DRIVER, out->items[BL_DRIVER], out->nitems[BL_DRIVER], &p, &out->list);
    p.threshold = 1;
    p.window_months = 0;
    bl_compute(BL_COMPANY, out->items[BL_COMPANY], out->nitems[BL_COMPANY], &p, &out->list);
}

void cs_blacklists_free(cs_blacklists *b)
{
    bl_list_free(&b->list);
    for (int r = 0; r < BL_NRULES; r++)
        free(b->items[r]);
    free(b->month_rate);
    free(b->month_of_ref);
    memset(b, 0, sizeof *b);
}

void cases_stats_subject(const cases_stats *st, const bl_listing *l, rl_buf *out)
{
    out->len = 0;
    if (l->rule == BL_VEHICLE && l->subject < st->nv) {
        const cs_vehicle *v = &st->v[l->subject];
        buf_put(out, strtab_get(st->names, v->plate), strtab_len(st->names, v->plate));
        buf_printf(out, " (%d)", v->color);
    } else {
        buf_put(out, strtab_get(st->names, l->subject), strtab_len(st->names, l->subject));
    }
    buf_putc(out, 0);
    out->len--;
}
