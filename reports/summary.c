/*
 * summary.c - reading and merging earlier outputs, and the indicators of
 * RULES.md §7 (see summary.h).  The writers are in summary_write.c.
 *
 * Outputs are read through reports/outread (run.json with jansson, the
 * tables by column name with the checked number parsers), so columns
 * added later (FORMATS.md: "more may follow") and older outputs without
 * accepted/gap_km both read, and a damaged line is named, not dropped.
 */
#include "summary.h"

#include <jansson.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvout.h"
#include "csvtable.h"
#include "detect.h"
#include "outread.h"
#include "reports.h"
#include "timeutil.h"
#include "util.h"

void summary_init(summary *sm, rl_run *run)
{
    memset(sm, 0, sizeof *sm);
    sm->run = run;
    u64map_init(&sm->vmap);
    u64map_init(&sm->emap);
    astats_init(&sm->alarms);
    sm->all_gap_km = sm->all_accepted = true;
    sm->silent_again = true; /* until an output cannot tell */
}

void summary_free(summary *sm)
{
    free(sm->v);
    free(sm->e);
    free(sm->d);
    for (size_t i = 0; i < sm->nsrc; i++) {
        free(sm->src[i].path);
        free(sm->src[i].tz);
    }
    free(sm->src);
    u64map_free(&sm->vmap);
    u64map_free(&sm->emap);
    astats_free(&sm->alarms);
    memset(sm, 0, sizeof *sm);
}

const char *sm_plate(const summary *sm, const sm_vehicle *v) { return strtab_get(sm->run->str, v->plate); }
const char *sm_company(const summary *sm, const sm_vehicle *v) { return strtab_get(sm->run->str, v->company); }

/* ---- vehicles ---- */

static uint32_t vehicle_of(summary *sm, const char *plate, size_t n, int color)
{
    uint32_t pid = strtab_intern(sm->run->str, plate, n);
    uint32_t *slot = u64map_put(&sm->vmap, (uint64_t)pid << 8 | (uint64_t)(color & 0xFF), 0);
    if (*slot)
        return *slot - 1;
    if (sm->nv == sm->capv) {
        sm->capv = sm->capv ? sm->capv * 2 : 1024;
        sm->v = xrealloc(sm->v, sm->capv * sizeof *sm->v);
    }
    sm_vehicle *v = &sm->v[sm->nv];
    memset(v, 0, sizeof *v);
    v->plate = pid;
    v->color = color;
    v->cls = CLASS_OTHER;
    *slot = (uint32_t)++sm->nv;
    return (uint32_t)(sm->nv - 1);
}

/* ---- reading outputs (reports/outread: run.json with jansson, the
 * tables with the CSV reader and the checked number parsers) ---- */

typedef struct reading {
    summary *sm;
    size_t src;              /* index in sm->src (the array may move) */
    int64_t chain_seq;       /* of the output being read (RUNS.md §2) */
    int32_t tz;              /* the zone its times are written in */
} reading;

static sm_source *cur_src(const reading *rd) { return &rd->sm->src[rd->src]; }

static bool on_damaged(void *ud, const char *path, uint64_t line, const char *why)
{
    reading *rd = ud;
    summary *sm = rd->sm;
    cur_src(rd)->damaged++;
    sm->damaged++;
    /* each one named (up to a point: a file of junk would bury the rest) */
    if (sm->damaged <= 20)
        fprintf(stderr, "roadlog summary: %s:%llu: damaged line left out: %s%s\n", path, (unsigned long long)line, why,
                sm->run->opt.strict ? " (stopping: --strict)" : "");
    else if (sm->damaged == 21)
        fprintf(stderr, "roadlog summary: more damaged lines (counted, not listed)\n");
    return !sm->run->opt.strict;
}

static uint64_t event_key(const char *s)
{
    uint64_t k;
    if (!id64_parse(s, &k))
        k = rl_hash(s, strlen(s), 0x5eed);
    return k ? k : 1; /* key 0 is reserved by u64map */
}

/* Class and company of a vehicle: the first output that names them. */
static void vehicle_names(summary *sm, sm_vehicle *v, const char *company, bool have_cls, vehicle_class cls)
{
    if (!v->company)
        v->company = strtab_intern(sm->run->str, company, strlen(company));
    if (!v->have_cls && have_cls) {
        v->have_cls = true;
        v->cls = cls;
    }
}

static bool on_event(void *ud, const outr_event *x)
{
    reading *rd = ud;
    summary *sm = rd->sm;
    cur_src(rd)->events_read++;
    /* one event_id, one event: the version of the latest run of a chain
     * stands (ties: the one read later), and a withdrawn one no longer
     * counts (BRIEF "shared contracts", RUNS.md §2) */
    uint32_t *slot = u64map_put(&sm->emap, event_key(x->event_id), 0);
    sm_event *e;
    if (*slot) {
        sm->duplicate_events++;
        e = &sm->e[*slot - 1];
        e->repeats++;
        if (rd->chain_seq < e->chain_seq)
            return true;
    } else {
        if (sm->ne == sm->cape) {
            sm->cape = sm->cape ? sm->cape * 2 : 4096;
            sm->e = xrealloc(sm->e, sm->cape * sizeof *sm->e);
        }
        e = &sm->e[sm->ne++];
        *slot = (uint32_t)sm->ne;
        e->repeats = 0;
        cur_src(rd)->events_new++;
    }
    uint32_t vi = vehicle_of(sm, x->plate, strlen(x->plate), x->color);
    vehicle_names(sm, &sm->v[vi], x->company, x->have_cls, x->cls);
    e->vehicle = vi;
    e->driver = *x->driver ? strtab_intern(sm->run->str, x->driver, strlen(x->driver)) : 0;
    e->type = x->type;
    e->day = x->start_day;
    e->points = severity_points(x->severity);
    e->excess = x->have_value && x->have_limit ? x->value_milli - x->limit_milli : 0;
    /* for the terminal cross-check and the alarm kinds (RULES.md §8):
     * times on the run's local clock, only compared with each other */
    e->start = x->start + rd->tz;
    e->end = x->end + rd->tz;
    e->rule = *x->rule ? strtab_intern(sm->run->str, x->rule, strlen(x->rule)) : 0;
    e->chain_seq = rd->chain_seq;
    e->withdrawn = x->status == EV_STATUS_WITHDRAWN;
    return true;
}

static bool on_vehicle(void *ud, const outr_vehicle *x)
{
    reading *rd = ud;
    summary *sm = rd->sm;
    sm_vehicle *v = &sm->v[vehicle_of(sm, x->plate, strlen(x->plate), x->color)];
    vehicle_names(sm, v, x->company, x->have_cls, x->cls);
    /* analysed as class other for want of a registry row (the banner) */
    if (x->registered == 0)
        v->checked_as_other = true;
    if (x->alarm_word < 0)
        sm->silent_again = false;
    else if (x->alarm_word)
        v->alarm_word = true;
    return true;
}

static bool on_vday(void *ud, const outr_vday *x)
{
    reading *rd = ud;
    summary *sm = rd->sm;
    cur_src(rd)->vdays_read++;
    sm_vday row;
    row.vehicle = vehicle_of(sm, x->plate, strlen(x->plate), x->color);
    row.day = x->day;
    row.points = x->points;
    row.drift = x->drift;
    /* accepted = valid - drift (a re-anchored fix is not drift) when an
     * older output has no accepted column */
    row.accepted = x->have_accepted ? x->accepted : x->valid >= x->drift ? x->valid - x->drift : 0;
    row.km = (double)x->distance_m / 1000.0;
    row.gap_km = (double)x->gap_m / 1000.0;
    row.driving_s = x->driving_s;
    row.src = (uint32_t)rd->src;
    /* rows of the same vehicle-day are combined after loading, when every
     * output's place in its chain is known (combine_vdays) */
    if (sm->nd == sm->capd) {
        sm->capd = sm->capd ? sm->capd * 2 : 4096;
        sm->d = xrealloc(sm->d, sm->capd * sizeof *sm->d);
    }
    sm->d[sm->nd++] = row;
    return true;
}

/* A run_id of run.json as a number; 0 when absent or not one. */
static uint64_t run_key(const char *s)
{
    uint64_t k;
    return s && id64_parse(s, &k) ? k : 0;
}

/* The first run of the chain an output belongs to (its run_id, or a key of
 * its own when run.json named none), following resumed_from through the
 * outputs read; an earlier run not among them ends the walk there. */
static uint64_t chain_root(const summary *sm, const u64map *by_id, uint32_t src)
{
    const sm_source *s = &sm->src[src];
    if (!s->run_id)
        return (uint64_t)1 << 63 | src;
    uint64_t id = s->run_id;
    for (size_t steps = 0; steps <= sm->nsrc; steps++) {
        uint32_t at, prev_at;
        uint64_t prev = u64map_get(by_id, id, &at) ? sm->src[at - 1].resumed_id : 0;
        if (!prev || !u64map_get(by_id, prev, &prev_at))
            break;
        id = prev;
    }
    return id;
}

typedef struct vday_ref {
    uint32_t vehicle;
    int32_t day;
    uint64_t root;           /* the chain of its output */
    int64_t seq;             /* chain_seq of its output */
    size_t i;                /* index in sm->d: the order they were read */
} vday_ref;

static int cmp_vday_ref(const void *a, const void *b)
{
    const vday_ref *x = a, *y = b;
    if (x->vehicle != y->vehicle)
        return x->vehicle < y->vehicle ? -1 : 1;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->root != y->root)
        return x->root < y->root ? -1 : 1;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static bool same_day(const vday_ref *a, const vday_ref *b) { return a->vehicle == b->vehicle && a->day == b->day; }
static bool same_chain(const vday_ref *a, const vday_ref *b) { return same_day(a, b) && a->root == b->root; }

/* vehicle_days rows of the same vehicle and day (RUNS.md §2), in three
 * passes over them sorted by vehicle, day, chain and place in the chain:
 * two outputs at one place of a chain (the same output read twice, or a
 * slice analysed again from the same carry) are versions of one another,
 * the fuller stands; the rows of one --resume chain add up (each quantity
 * is counted in exactly one run of it); of unrelated chains (the same day
 * analysed twice) the one with the most points stands.  What is left out
 * is counted as duplicates. */
static void combine_vdays(summary *sm)
{
    if (sm->nd < 2)
        return;
    u64map by_id;
    u64map_init(&by_id);
    for (size_t i = 0; i < sm->nsrc; i++)
        if (sm->src[i].run_id)
            *u64map_put(&by_id, sm->src[i].run_id, 0) = (uint32_t)(i + 1);
    uint64_t *root = xmalloc((sm->nsrc ? sm->nsrc : 1) * sizeof *root);
    for (size_t i = 0; i < sm->nsrc; i++)
        root[i] = chain_root(sm, &by_id, (uint32_t)i);
    u64map_free(&by_id);
    size_t n = sm->nd;
    vday_ref *r = xmalloc(n * sizeof *r);
    for (size_t i = 0; i < n; i++) {
        uint32_t s = sm->d[i].src;
        r[i] = (vday_ref){sm->d[i].vehicle, sm->d[i].day, root[s], sm->src[s].chain_seq, i};
    }
    free(root);
    qsort(r, n, sizeof *r, cmp_vday_ref);
    sm_vday *out = xmalloc(n * sizeof *out);
    /* 1: one row a place of a chain, the fullest of its versions */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const sm_vday *d = &sm->d[r[i].i];
        if (k && same_chain(&r[k - 1], &r[i]) && r[k - 1].seq == r[i].seq) {
            sm->duplicate_vdays++;
            if (d->points > out[k - 1].points)
                out[k - 1] = *d;
            continue;
        }
        r[k] = r[i];
        out[k++] = *d;
    }
    /* 2: the places of one chain added up */
    n = k;
    k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && same_chain(&r[k - 1], &r[i])) {
            sm_vday *t = &out[k - 1];
            t->points += out[i].points;
            t->accepted += out[i].accepted;
            t->drift += out[i].drift;
            t->km += out[i].km;
            t->gap_km += out[i].gap_km;
            t->driving_s += out[i].driving_s;
            continue;
        }
        r[k] = r[i];
        out[k++] = out[i];
    }
    /* 3: of unrelated chains, the one with the most points */
    n = k;
    k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && same_day(&r[k - 1], &r[i])) {
            sm->duplicate_vdays++;
            if (out[i].points > out[k - 1].points)
                out[k - 1] = out[i];
            continue;
        }
        r[k] = r[i];
        out[k++] = out[i];
    }
    free(r);
    free(sm->d);
    sm->d = out;
    sm->nd = sm->capd = k;
}

/* ---- folders ---- */

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static size_t new_source(summary *sm, const char *path)
{
    sm->src = xrealloc(sm->src, (sm->nsrc + 1) * sizeof *sm->src);
    sm_source *s = &sm->src[sm->nsrc];
    memset(s, 0, sizeof *s);
    s->path = xstrdup(path);
    return sm->nsrc++;
}

/* A table that could not be read at all is said on stderr; false then. */
static bool table_ok(summary *sm, int rc, const char *why)
{
    if (rc == OUTR_OK)
        return true;
    if (rc == OUTR_STOPPED) {
        sm->stopped = true;
        return false;
    }
    fprintf(stderr, "roadlog summary: %s\n", why);
    return false;
}

static bool read_events(summary *sm, reading *rd, const char *path, int32_t tz)
{
    outr_handler h = {rd, on_event, NULL, NULL, on_damaged};
    outr_info info;
    char why[600];
    int rc = outr_read_events(path, tz, &h, &info, why, sizeof why);
    if (rc == OUTR_NOT_THIS)
        snprintf(why + strlen(why), sizeof why - strlen(why), " (needs event_id, plate, type, start_time)");
    return table_ok(sm, rc, why);
}

static bool add_folder(summary *sm, const char *dir)
{
    rl_buf p = {0};
    reading rd = {sm, new_source(sm, dir), 0, 8 * 3600};
    char why[600];
    /* run.json first: its zone reads the times, its chain_seq orders the
     * versions of an event */
    buf_printf(&p, "%s/run.json", dir);
    outr_run run;
    int rc = outr_read_run(p.p, &run, why, sizeof why);
    if (rc == OUTR_DAMAGED || rc == OUTR_UNREADABLE) {
        cur_src(&rd)->damaged++;
        sm->damaged++;
        fprintf(stderr, "roadlog summary: %s: damaged, %s\n", why,
                sm->run->opt.strict ? "(stopping: --strict)" : "read without it (zone +08:00, first in its chain)");
        if (sm->run->opt.strict) {
            sm->stopped = true;
            outr_run_free(&run);
            buf_free(&p);
            return false;
        }
    }
    rd.chain_seq = run.chain_seq;
    cur_src(&rd)->run_id = run_key(run.run_id);
    cur_src(&rd)->chain_seq = run.chain_seq;
    cur_src(&rd)->resumed_id = run_key(run.resumed_run_id);
    if (run.have_tz)
        cur_src(&rd)->tz = xstrdup(run.tz_text);
    /* terminal_silent again over the period: only if alarms were looked at */
    json_t *det = json_object_get(json_object_get(run.root, "options"), "detect");
    bool alarms = false;
    for (size_t i = 0; json_is_array(det) && i < json_array_size(det); i++)
        alarms |= detector_bit(json_string_value(json_array_get(det, i))) == DET_ALARM;
    if (!alarms)
        sm->silent_again = false;
    double min_events;
    if (!sm->have_silent_min && outr_run_rule(&run, "alarm.silent_min_events", &min_events)) {
        sm->have_silent_min = true;
        sm->silent_min = min_events;
    }
    double kmh;
    if (!sm->have_run_limits && outr_run_rule(&run, "speeding.other", &kmh)) {
        /* the limit the banner names: that of the runs read */
        sm->have_run_limits = true;
        sm->other_kmh = (int)lround(kmh);
    }
    int32_t tz = rd.tz = run.have_tz ? run.tz : 8 * 3600;
    outr_run_free(&run);
    p.len = 0;
    buf_printf(&p, "%s/events.csv", dir);
    bool ok = read_events(sm, &rd, p.p, tz);
    if (ok) {
        outr_handler h = {&rd, NULL, on_vehicle, on_vday, on_damaged};
        outr_info info;
        p.len = 0;
        buf_printf(&p, "%s/vehicles.csv", dir);
        if (is_file(p.p))
            table_ok(sm, outr_read_vehicles(p.p, &h, &info, why, sizeof why), why);
        else
            sm->silent_again = false; /* nothing says which terminals report alarms */
        p.len = 0;
        buf_printf(&p, "%s/vehicle_days.csv", dir);
        if (!sm->stopped && is_file(p.p) && table_ok(sm, outr_read_vdays(p.p, &h, &info, why, sizeof why), why)) {
            sm_source *src = cur_src(&rd);
            src->have_vdays = true;
            src->have_accepted = info.have_accepted;
            src->have_gap_km = info.have_gap;
            sm->any_vdays = true;
            sm->all_gap_km &= src->have_gap_km;
            sm->all_accepted &= src->have_accepted;
        }
    }
    buf_free(&p);
    return ok && !sm->stopped;
}

bool summary_add_path(summary *sm, const char *path)
{
    if (sm->stopped)
        return false;
    /* a file, an output folder, or a folder of daily output folders (read
     * in name order) */
    char **outs;
    errno = 0;
    size_t n = csvtable_outputs(path, &outs);
    bool ok = false;
    for (size_t i = 0; i < n; i++) {
        if (!sm->stopped && is_file(outs[i])) {
            /* an events.csv alone says nothing of the terminals' alarm
             * words: its terminal_silent events are counted as they are */
            sm->silent_again = false;
            reading rd = {sm, new_source(sm, outs[i]), 0, sm->run->opt.tz};
            ok |= read_events(sm, &rd, outs[i], sm->run->opt.tz) && !sm->stopped;
        } else if (!sm->stopped) {
            ok |= add_folder(sm, outs[i]);
        }
        free(outs[i]);
    }
    free(outs);
    if (!n) {
        if (is_dir(path))
            fprintf(stderr, "roadlog summary: %s: no events.csv in it or in its sub-folders\n", path);
        else
            fprintf(stderr, "roadlog summary: %s: %s\n", path, strerror(errno ? errno : ENOENT));
    }
    return ok;
}

/* ---- the indicators ---- */

static void ind(summary *sm, int k, const char *key, const char *zh, const char *en, const char *unit, double num,
                double den, bool available)
{
    sm_indicator *i = &sm->ind[k];
    i->key = key;
    i->zh = zh;
    i->en = en;
    i->unit = unit;
    i->num = num;
    i->den = den;
    i->available = available && den > 0;
    i->value = i->available ? num / den : NAN;
}

/* RULES.md §8 over the population: alarm kinds and companies per 100
 * vehicles, and the terminal cross-check of each vehicle's events. */
static void summary_alarms(summary *sm)
{
    size_t *first, *idx;
    group_by_key(sm->e, sm->ne, sizeof *sm->e, offsetof(sm_event, vehicle), sm->nv, &first, &idx);
    xc_span *sp = xmalloc((sm->ne ? sm->ne : 1) * sizeof *sp);
    for (size_t v = 0; v < sm->nv; v++) {
        const sm_vehicle *veh = &sm->v[v];
        if (!veh->in_pop)
            continue;
        size_t n = 0;
        for (size_t k = first[v]; k < first[v + 1]; k++) {
            const sm_event *e = &sm->e[idx[k]];
            const char *rule = e->rule ? strtab_get(sm->run->str, e->rule) : NULL;
            astats_event(&sm->alarms, (uint32_t)v, veh->company, e->type, rule);
            xc_kind kind = xcheck_kind(e->type, rule);
            if (kind != XC_NONE)
                sp[n++] = (xc_span){e->start, e->end, (uint8_t)kind};
        }
        alarm_xcheck xc;
        xcheck_count(sp, n, &xc);
        astats_vehicle(&sm->alarms, veh->company, &xc);
    }
    astats_finish(&sm->alarms);
    free(sp);
    free(idx);
    free(first);
}

/* The days the outputs cover (before --from/--to), for the message of
 * a period without data. */
static void coverage(const summary *sm, int32_t *lo, int32_t *hi)
{
    *lo = INT32_MAX;
    *hi = INT32_MIN;
    for (size_t i = 0; i < sm->nd; i++) {
        *lo = sm->d[i].day < *lo ? sm->d[i].day : *lo;
        *hi = sm->d[i].day > *hi ? sm->d[i].day : *hi;
    }
    for (size_t i = 0; i < sm->ne; i++) {
        *lo = sm->e[i].day < *lo ? sm->e[i].day : *lo;
        *hi = sm->e[i].day > *hi ? sm->e[i].day : *hi;
    }
}

/* Nothing of the selected vehicles in the period: say what the outputs
 * do cover, rather than indicators of nothing (上线率 0/305). */
static void no_data(const summary *sm, int32_t cov_lo, int32_t cov_hi)
{
    const rl_run *run = sm->run;
    char from[32] = "", to[32] = "", a[11], b[11];
    if (run->opt.have_from)
        tu_format_day(tu_local_day(run->opt.from, run->opt.tz), from);
    if (run->opt.have_to)
        tu_format_day(tu_local_day(run->opt.to, run->opt.tz), to);
    fprintf(stderr, "roadlog summary: no data");
    if (run->opt.company || run->opt.plate)
        fprintf(stderr, " of the selected vehicles");
    if (run->opt.have_from || run->opt.have_to)
        fprintf(stderr, " in the period %s to %s", run->opt.have_from ? from : "(start)",
                run->opt.have_to ? to : "(end)");
    if (cov_lo <= cov_hi) {
        tu_format_day(cov_lo, a);
        tu_format_day(cov_hi, b);
        fprintf(stderr, ": the outputs cover %s to %s", a, b);
    } else {
        fprintf(stderr, ": the outputs hold no event and no vehicle-day");
    }
    fputs("; nothing written\n", stderr);
}

/* --company (resolved against the companies of the vehicles known: the
 * registry's, or the outputs') and --plate: which vehicles count. */
static bool select_vehicles(summary *sm)
{
    rl_run *run = sm->run;
    sel_list *companies = &run->opt.companies;
    if (companies->n) {
        const char **known = xmalloc((sm->nv ? sm->nv : 1) * sizeof *known);
        uint32_t *ids = xmalloc((sm->nv ? sm->nv : 1) * sizeof *ids);
        for (size_t i = 0; i < sm->nv; i++)
            ids[i] = sm->v[i].alias ? 0 : sm->v[i].company;
        size_t nknown = sel_distinct_names(run->str, ids, sm->nv, known);
        free(ids);
        bool ok = nknown > 0 && sel_resolve_companies(companies, known, nknown, "summary", run->opt.quiet, stderr);
        if (!nknown)
            fprintf(stderr, "roadlog summary: --company '%s': neither the outputs nor a registry name any company "
                            "(give --registry FILE)\n", companies->joined);
        free(known);
        run->opt.company = companies->joined;
        if (!ok)
            return false;
    }
    sel_ctx sel;
    sel_begin(&sel, &run->opt.plates, companies);
    for (size_t i = 0; i < sm->nv; i++) {
        sm_vehicle *v = &sm->v[i];
        v->selected = !v->alias && sel_check(&sel, sm_plate(sm, v), v->company ? sm_company(sm, v) : NULL);
    }
    bool ok = sel_end(&sel, "summary", stderr);
    sel_ctx_free(&sel);
    return ok;
}

/* RULES.md §8 over the summary's period: a vehicle whose terminal reports
 * an alarm word, with >= alarm.silent_min_events speeding events and no
 * overspeed alarm among them, gets one terminal_silent event (as analyze
 * and merge judge it over their data); the outputs' own, judged over each
 * run's slice, are replaced. */
static void silent_again(summary *sm)
{
    size_t k = 0;
    for (size_t i = 0; i < sm->ne; i++)
        if (sm->e[i].type != EV_TERMINAL_SILENT)
            sm->e[k++] = sm->e[i];
    sm->ne = k;
    double min_events = sm->have_silent_min ? sm->silent_min : sm->run->rules.v[R_ALARM_SILENT_MIN_EVENTS];
    size_t *first, *idx;
    group_by_key(sm->e, sm->ne, sizeof *sm->e, offsetof(sm_event, vehicle), sm->nv, &first, &idx);
    xc_span *sp = xmalloc((sm->ne ? sm->ne : 1) * sizeof *sp);
    const char *rname = rule_name(R_ALARM_SILENT_MIN_EVENTS);
    uint32_t rule = strtab_intern(sm->run->str, rname, strlen(rname));
    for (size_t v = 0; v < sm->nv; v++) {
        size_t n = 0;
        const sm_event *a = NULL;
        int64_t end = 0;
        for (size_t j = first[v]; j < first[v + 1]; j++) {
            const sm_event *e = &sm->e[idx[j]];
            xc_kind kind = xcheck_kind(e->type, e->rule ? strtab_get(sm->run->str, e->rule) : NULL);
            if (kind == XC_NONE)
                continue;
            sp[n++] = (xc_span){e->start, e->end, (uint8_t)kind};
            if (kind == XC_SPEEDING && (!a || e->start < a->start))
                a = e;
            if (kind == XC_SPEEDING && e->end > end)
                end = e->end;
        }
        alarm_xcheck xc;
        xcheck_count(sp, n, &xc);
        if (!a || !xcheck_silent(&xc, sm->v[v].alarm_word, min_events))
            continue;
        sm_event t = {0};
        t.vehicle = (uint32_t)v;
        t.type = EV_TERMINAL_SILENT;
        t.day = a->day;
        t.points = severity_points("review");
        t.start = a->start;
        t.end = end;
        t.rule = rule;
        if (sm->ne == sm->cape) {
            sm->cape = sm->cape ? sm->cape * 2 : 4096;
            sm->e = xrealloc(sm->e, sm->cape * sizeof *sm->e);
        }
        sm->e[sm->ne++] = t; /* appended: first/idx still index the others */
    }
    free(sp);
    free(idx);
    free(first);
}

bool summary_compute(summary *sm)
{
    rl_run *run = sm->run;
    int32_t cov_lo, cov_hi;
    combine_vdays(sm);
    coverage(sm, &cov_lo, &cov_hi);
    /* --from / --to: whole local days of the period; events whose latest
     * version is withdrawn no longer count */
    int64_t lo = run->opt.have_from ? tu_local_day(run->opt.from, run->opt.tz) : INT64_MIN;
    int64_t hi = run->opt.have_to ? tu_local_day(run->opt.to, run->opt.tz) : INT64_MAX;
    size_t k = 0;
    for (size_t i = 0; i < sm->ne; i++)
        if (sm->e[i].day >= lo && sm->e[i].day <= hi && !sm->e[i].withdrawn)
            sm->e[k++] = sm->e[i];
    sm->ne = k;
    k = 0;
    for (size_t i = 0; i < sm->nd; i++)
        if (sm->d[i].day >= lo && sm->d[i].day <= hi)
            sm->d[k++] = sm->d[i];
    sm->nd = k; /* emap is not used after loading */
    /* registry: every registered vehicle is in the population, with the
     * registry's class and company */
    if (run->have_registry || run->reg.n) {
        for (size_t i = 0; i < run->reg.n; i++) {
            const reg_entry *r = &run->reg.e[i];
            const char *plate = strtab_get(run->str, r->plate);
            sm_vehicle *v = &sm->v[vehicle_of(sm, plate, strlen(plate), r->color)];
            v->registered = true;
            v->cls = r->cls;
            v->have_cls = true;
            v->company = r->company;
        }
        /* vehicles of the outputs: joined as analyze joins them (a colour
         * 0 matches a plate unique in the registry) */
        for (size_t i = 0; i < sm->nv; i++) {
            sm_vehicle *v = &sm->v[i];
            if (v->registered)
                continue;
            const reg_entry *r = registry_lookup(&run->reg, v->plate, v->color);
            if (!r)
                continue;
            uint32_t to;
            if (r->color != v->color &&
                u64map_get(&sm->vmap, (uint64_t)r->plate << 8 | (uint64_t)(r->color & 0xFF), &to)) {
                /* an unknown colour that the registry resolves: the data
                 * belongs to the registered vehicle */
                v->alias = to;
                continue;
            }
            v->registered = true;
            v->cls = r->cls;
            v->have_cls = true;
            v->company = r->company;
        }
    }
    bool by_registry = run->reg.n > 0;
    if (!select_vehicles(sm))
        return false;
    for (size_t i = 0; i < sm->nv; i++) {
        sm_vehicle *v = &sm->v[i];
        v->in_pop = v->selected && (!by_registry || v->registered);
    }
    /* data of an aliased vehicle counts on its registered twin */
    for (size_t i = 0; i < sm->nd; i++)
        if (sm->v[sm->d[i].vehicle].alias)
            sm->d[i].vehicle = sm->v[sm->d[i].vehicle].alias - 1;
    for (size_t i = 0; i < sm->ne; i++)
        if (sm->v[sm->e[i].vehicle].alias)
            sm->e[i].vehicle = sm->v[sm->e[i].vehicle].alias - 1;
    for (size_t i = 0; i < sm->nv; i++)
        if (sm->v[i].alias && sm->v[i].alarm_word)
            sm->v[sm->v[i].alias - 1].alarm_word = true;
    if (sm->silent_again)
        silent_again(sm);
    /* merged vehicle-days onto their vehicles */
    sm->day_lo = INT32_MAX;
    sm->day_hi = INT32_MIN;
    for (size_t i = 0; i < sm->nd; i++) {
        const sm_vday *d = &sm->d[i];
        sm_vehicle *v = &sm->v[d->vehicle];
        v->points += d->points;
        v->accepted += d->accepted;
        v->drift += d->drift;
        v->km += d->km;
        v->gap_km += d->gap_km;
        v->driving_s += d->driving_s;
        if (d->accepted)
            v->days_online++;
        if (v->selected) {
            if (d->day < sm->day_lo)
                sm->day_lo = d->day;
            if (d->day > sm->day_hi)
                sm->day_hi = d->day;
        }
    }
    double fatigue_excess_s = 0, speeding = 0;
    bool any_event = false;
    for (size_t i = 0; i < sm->ne && !any_event; i++)
        any_event = sm->v[sm->e[i].vehicle].selected;
    if (sm->day_lo > sm->day_hi && !any_event) {
        no_data(sm, cov_lo, cov_hi);
        return false;
    }
    for (size_t i = 0; i < sm->ne; i++) {
        const sm_event *e = &sm->e[i];
        sm_vehicle *v = &sm->v[e->vehicle];
        if (!v->selected)
            continue;
        v->events[e->type]++;
        v->nevents++;
        v->penalty += e->points;
        if (e->day < sm->day_lo)
            sm->day_lo = e->day;
        if (e->day > sm->day_hi)
            sm->day_hi = e->day;
        if (!v->in_pop)
            continue;
        if (e->type == EV_SPEEDING || e->type == EV_NIGHT_SPEEDING)
            speeding++;
        if (e->type == EV_FATIGUE_CONTINUOUS)
            fatigue_excess_s += (double)e->excess / 1000.0;
    }
    double points = 0, accepted = 0, km = 0, gap_km = 0, drifting = 0;
    sm->pop = sm->online = 0;
    for (size_t i = 0; i < sm->nv; i++) {
        const sm_vehicle *v = &sm->v[i];
        if (!v->in_pop)
            continue;
        sm->pop++;
        points += (double)v->points;
        accepted += (double)v->accepted;
        km += v->km;
        gap_km += v->gap_km;
        if (v->accepted) {
            sm->online++;
            if (v->drift)
                drifting++;
        }
    }
    bool vd = sm->any_vdays;
    double online = (double)sm->online;
    ind(sm, SM_ONLINE, "online_rate", "上线率", "Online rate", "%", online, (double)sm->pop, vd);
    ind(sm, SM_QUALITY, "data_quality", "数据合格率", "Data quality", "%", accepted, points, vd);
    ind(sm, SM_COMPLETE, "track_completeness", "轨迹完整率", "Track completeness", "%", km - gap_km, km,
        vd && sm->all_gap_km);
    ind(sm, SM_DRIFT, "drift_rate", "漂移率", "Drift rate", "%", drifting, online, vd);
    ind(sm, SM_SPEEDING, "avg_speeding_events", "平均超速次数", "Speeding events per online vehicle", "",
        speeding, online, vd);
    ind(sm, SM_FATIGUE, "avg_fatigue_excess_s", "平均疲劳驾驶时长", "Fatigue time over the limit per online vehicle",
        "s", fatigue_excess_s, online, vd);
    summary_alarms(sm);
    sm->zh = report_lang_zh(run->opt.lang);
    /* the banner: selected vehicles an output analysed as class other */
    report_unreg_of_run(run, &sm->unreg);
    sm->unreg.n = sm->unreg.yellow = 0;
    sm->unreg.have_registry = true; /* the outputs name the vehicles they lacked */
    if (sm->have_run_limits)
        sm->unreg.other_kmh = sm->other_kmh;
    for (size_t i = 0; i < sm->nv; i++) {
        const sm_vehicle *v = &sm->v[i];
        if (v->selected && v->checked_as_other) {
            sm->unreg.n++;
            sm->unreg.yellow += v->color == 2;
        }
    }
    return true;
}

/* ---- repeat offenders ---- */

static int by_events_desc(const void *a, const void *b, void *ctx)
{
    const summary *sm = ctx;
    const sm_vehicle *x = &sm->v[*(const uint32_t *)a], *y = &sm->v[*(const uint32_t *)b];
    if (x->nevents != y->nevents)
        return x->nevents > y->nevents ? -1 : 1;
    if (x->penalty != y->penalty)
        return x->penalty > y->penalty ? -1 : 1;
    int c = strcmp(sm_plate(sm, x), sm_plate(sm, y));
    return c ? c : x->color - y->color;
}

size_t summary_repeat_vehicles(const summary *sm, uint32_t **out)
{
    int n = sm->run->opt.repeat > 0 ? sm->run->opt.repeat : 3;
    uint32_t *r = xmalloc((sm->nv ? sm->nv : 1) * sizeof *r);
    size_t k = 0;
    for (size_t i = 0; i < sm->nv; i++)
        if (sm->v[i].selected && sm->v[i].nevents >= (uint32_t)n)
            r[k++] = (uint32_t)i;
    qsort_r(r, k, sizeof *r, by_events_desc, (void *)sm);
    *out = r;
    return k;
}

static int drivers_desc(const void *a, const void *b, void *ctx)
{
    const summary *sm = ctx;
    const sm_driver *x = a, *y = b;
    if (x->events != y->events)
        return x->events > y->events ? -1 : 1;
    if (x->points != y->points)
        return x->points > y->points ? -1 : 1;
    return strcmp(strtab_get(sm->run->str, x->driver), strtab_get(sm->run->str, y->driver));
}

size_t summary_repeat_drivers(const summary *sm, sm_driver **out)
{
    int n = sm->run->opt.repeat > 0 ? sm->run->opt.repeat : 3;
    u64map idx;
    u64map_init(&idx);
    sm_driver *d = NULL;
    size_t nd = 0, cap = 0;
    /* distinct vehicles per driver: (driver, vehicle) pairs seen */
    u64map pairs;
    u64map_init(&pairs);
    for (size_t i = 0; i < sm->ne; i++) {
        const sm_event *e = &sm->e[i];
        if (!e->driver || !sm->v[e->vehicle].selected)
            continue;
        uint32_t *slot = u64map_put(&idx, e->driver, 0);
        if (!*slot) {
            if (nd == cap) {
                cap = cap ? cap * 2 : 256;
                d = xrealloc(d, cap * sizeof *d);
            }
            d[nd] = (sm_driver){e->driver, 0, 0, 0, e->vehicle};
            *slot = (uint32_t)++nd;
        }
        sm_driver *x = &d[*slot - 1];
        x->events++;
        x->points += e->points;
        uint32_t *p = u64map_put(&pairs, (uint64_t)e->driver << 32 | e->vehicle, 0);
        if (!*p) {
            *p = 1;
            x->vehicles++;
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < nd; i++)
        if (d[i].events >= (uint32_t)n)
            d[k++] = d[i];
    if (k > 1) /* no driver at all: d is NULL, which qsort_r may not be given */
        qsort_r(d, k, sizeof *d, drivers_desc, (void *)sm);
    u64map_free(&idx);
    u64map_free(&pairs);
    *out = d;
    return k;
}
