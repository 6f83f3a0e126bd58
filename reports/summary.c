/*
 * summary.c - reading and merging earlier outputs, and the indicators of
 * RULES.md §7 (see summary.h).  The writers are in summary_write.c.
 *
 * Files are read with the project's CSV reader (parsers/csvin, libcsv
 * underneath), by column name, so columns added later (FORMATS.md: "more
 * may follow") and older outputs without accepted/gap_km both read.
 */
#include "summary.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvin.h"
#include "csvout.h"
#include "numparse.h"
#include "reports.h"
#include "timeutil.h"
#include "util.h"

void summary_init(summary *sm, rl_run *run)
{
    memset(sm, 0, sizeof *sm);
    sm->run = run;
    u64map_init(&sm->vmap);
    u64map_init(&sm->emap);
    u64map_init(&sm->dmap);
    astats_init(&sm->alarms);
    sm->all_gap_km = sm->all_accepted = true;
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
    u64map_free(&sm->dmap);
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

/* ---- reading a CSV file by column names ---- */

enum { MAXCOL = 24 };

typedef struct table {
    summary *sm;
    sm_source *src;
    const char *const *want; /* column names, NULL-terminated */
    int col[MAXCOL];         /* index in the row, -1 when absent */
    void (*row)(struct table *t, const csv_row *r);
    uint64_t rows;
} table;

static bool on_header(void *ud, const csv_row *r)
{
    table *t = ud;
    for (int k = 0; t->want[k]; k++) {
        t->col[k] = -1;
        for (size_t i = 0; i < r->n; i++) {
            const char *s = r->f[i];
            size_t n = r->len[i];
            trim_span(&s, &n);
            if (strlen(t->want[k]) == n && memcmp(s, t->want[k], n) == 0) {
                t->col[k] = (int)i;
                break;
            }
        }
    }
    return true;
}

static bool on_row(void *ud, const csv_row *r)
{
    table *t = ud;
    t->rows++;
    t->row(t, r);
    return true;
}

static bool on_reject(void *ud, uint64_t line, const char *reason, const void *raw, size_t raw_len)
{
    (void)ud;
    (void)line;
    (void)reason;
    (void)raw;
    (void)raw_len;
    return true; /* a damaged line of an output is skipped */
}

/* Field k of the row (by wanted column), "" when absent. */
static const char *fld(const table *t, const csv_row *r, int k, size_t *n)
{
    int c = t->col[k];
    if (c < 0 || (size_t)c >= r->n) {
        *n = 0;
        return "";
    }
    *n = r->len[c];
    return r->f[c];
}

static bool has(const table *t, int k) { return t->col[k] >= 0; }

static int64_t fld_int(const table *t, const csv_row *r, int k)
{
    size_t n;
    const char *s = fld(t, r, k, &n);
    int64_t v = 0;
    bool neg = n > 0 && s[0] == '-';
    for (size_t i = neg; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (s[i] - '0');
    return neg ? -v : v;
}

static double fld_double(const table *t, const csv_row *r, int k)
{
    size_t n;
    const char *s = fld(t, r, k, &n);
    char b[64];
    if (n == 0 || n >= sizeof b)
        return 0;
    memcpy(b, s, n);
    b[n] = 0;
    double v = strtod(b, NULL);
    return isfinite(v) ? v : 0;
}

/* "YYYY-MM-DD..." -> local day number; false when not a date. */
static bool parse_day(const char *s, size_t n, int32_t *day)
{
    if (n < 10 || s[4] != '-' || s[7] != '-')
        return false;
    int y = 0, m = 0, d = 0;
    for (int i = 0; i < 4; i++)
        y = y * 10 + (s[i] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (!tu_valid_date(y, (unsigned)m, (unsigned)d))
        return false;
    *day = (int32_t)tu_days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

/* "YYYY-MM-DD HH:MM:SS" -> seconds on the local clock (only compared
 * with each other); false when not such a time. */
static bool parse_local(const char *s, size_t n, int64_t *out)
{
    int32_t day;
    if (n < 19 || !parse_day(s, n, &day) || s[10] != ' ' || s[13] != ':' || s[16] != ':')
        return false;
    int v[3];
    for (int i = 0; i < 3; i++) {
        const char *q = s + 11 + 3 * i;
        if (q[0] < '0' || q[0] > '9' || q[1] < '0' || q[1] > '9')
            return false;
        v[i] = (q[0] - '0') * 10 + (q[1] - '0');
    }
    *out = (int64_t)day * 86400 + v[0] * 3600 + v[1] * 60 + v[2];
    return true;
}

/* Text that was neutralised on the way out (a leading ' before = + - @)
 * is read back as it was. */
static void unneutralise(const char **s, size_t *n)
{
    if (*n >= 2 && (*s)[0] == '\'' && text_is_formula((*s) + 1, *n - 1)) {
        (*s)++;
        (*n)--;
    }
}

static bool read_table(table *t, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    csvin_handler h = {t, on_header, on_row, on_reject};
    csvin *r = csvin_new(&h);
    char *buf = xmalloc(1 << 20);
    size_t n;
    bool ok = true;
    while ((n = fread(buf, 1, 1 << 20, f)) > 0)
        if (!csvin_feed(r, buf, n))
            break;
    if (ferror(f))
        ok = false;
    csvin_finish(r);
    csvin_free(r);
    free(buf);
    fclose(f);
    return ok;
}

/* ---- events.csv ---- */

static const char *const EV_COLS[] = {"event_id", "plate", "plate_color", "class", "company", "driver", "type",
                                      "start_time", "value", "limit", "severity", "end_time", "rule", NULL};
enum { E_ID, E_PLATE, E_COLOR, E_CLASS, E_COMPANY, E_DRIVER, E_TYPE, E_START, E_VALUE, E_LIMIT, E_SEVERITY, E_END,
       E_RULE };

static uint64_t event_key(const char *s, size_t n)
{
    uint64_t k = 0;
    bool hex = n == 16;
    for (size_t i = 0; i < n && hex; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            hex = false;
        else
            k = k << 4 | (uint64_t)d;
    }
    if (!hex)
        k = rl_hash(s, n, 0x5eed);
    return k ? k : 1; /* key 0 is reserved by u64map */
}

/* Fixed-point text ("12.5") to a scaled integer with 3 decimals, so
 * value - limit stays exact. */
static int64_t milli(const char *s, size_t n)
{
    char b[64];
    if (n == 0 || n >= sizeof b)
        return 0;
    memcpy(b, s, n);
    b[n] = 0;
    double v = strtod(b, NULL);
    return isfinite(v) ? llround(v * 1000.0) : 0;
}

static void event_row(table *t, const csv_row *r)
{
    summary *sm = t->sm;
    size_t n, pn;
    const char *id = fld(t, r, E_ID, &n);
    const char *plate = fld(t, r, E_PLATE, &pn);
    unneutralise(&plate, &pn);
    if (n == 0 || pn == 0)
        return;
    t->src->events_read++;
    uint32_t *seen = u64map_put(&sm->emap, event_key(id, n), 0);
    if (*seen) {
        sm->duplicate_events++;
        return;
    }
    *seen = 1;
    size_t tn;
    const char *ty = fld(t, r, E_TYPE, &tn);
    char tb[32];
    event_type type;
    if (tn == 0 || tn >= sizeof tb)
        return;
    memcpy(tb, ty, tn);
    tb[tn] = 0;
    if (!event_type_parse(tb, &type))
        return;
    size_t sn;
    const char *st = fld(t, r, E_START, &sn);
    int32_t day;
    if (!parse_day(st, sn, &day))
        return;
    t->src->events_new++;
    uint32_t vi = vehicle_of(sm, plate, pn, (int)fld_int(t, r, E_COLOR));
    sm_vehicle *v = &sm->v[vi];
    if (!v->company) {
        size_t cn;
        const char *c = fld(t, r, E_COMPANY, &cn);
        unneutralise(&c, &cn);
        v->company = strtab_intern(sm->run->str, c, cn);
    }
    if (!v->have_cls) {
        size_t cn;
        const char *c = fld(t, r, E_CLASS, &cn);
        v->have_cls = cn > 0 && class_parse(c, cn, &v->cls);
    }
    if (sm->ne == sm->cape) {
        sm->cape = sm->cape ? sm->cape * 2 : 4096;
        sm->e = xrealloc(sm->e, sm->cape * sizeof *sm->e);
    }
    sm_event *e = &sm->e[sm->ne++];
    size_t dn;
    const char *drv = fld(t, r, E_DRIVER, &dn);
    unneutralise(&drv, &dn);
    e->vehicle = vi;
    e->driver = dn ? strtab_intern(sm->run->str, drv, dn) : 0;
    e->type = type;
    e->day = day;
    size_t svn;
    const char *sev = fld(t, r, E_SEVERITY, &svn);
    char sb[64];
    if (svn >= sizeof sb)
        svn = sizeof sb - 1;
    memcpy(sb, sev, svn);
    sb[svn] = 0;
    e->points = severity_points(sb);
    size_t vn, ln;
    const char *val = fld(t, r, E_VALUE, &vn);
    const char *lim = fld(t, r, E_LIMIT, &ln);
    e->excess = milli(val, vn) - milli(lim, ln);
    /* for the terminal cross-check and the alarm kinds (RULES.md §8) */
    size_t en, rn;
    const char *et = fld(t, r, E_END, &en);
    if (!parse_local(st, sn, &e->start))
        e->start = (int64_t)day * 86400;
    if (!parse_local(et, en, &e->end))
        e->end = e->start;
    const char *rule = fld(t, r, E_RULE, &rn);
    e->rule = rn ? strtab_intern(sm->run->str, rule, rn) : 0;
}

/* ---- vehicles.csv: class and company of vehicles without events ---- */

static const char *const VEH_COLS[] = {"plate", "plate_color", "class", "company", NULL};
enum { V_PLATE, V_COLOR, V_CLASS, V_COMPANY };

static void vehicle_row(table *t, const csv_row *r)
{
    summary *sm = t->sm;
    size_t pn;
    const char *plate = fld(t, r, V_PLATE, &pn);
    unneutralise(&plate, &pn);
    if (pn == 0)
        return;
    sm_vehicle *v = &sm->v[vehicle_of(sm, plate, pn, (int)fld_int(t, r, V_COLOR))];
    if (!v->company) {
        size_t cn;
        const char *c = fld(t, r, V_COMPANY, &cn);
        unneutralise(&c, &cn);
        v->company = strtab_intern(sm->run->str, c, cn);
    }
    if (!v->have_cls) {
        size_t cn;
        const char *c = fld(t, r, V_CLASS, &cn);
        v->have_cls = cn > 0 && class_parse(c, cn, &v->cls);
    }
}

/* ---- vehicle_days.csv ---- */

static const char *const DAY_COLS[] = {"plate", "plate_color", "day", "points", "valid", "drift", "distance_km",
                                       "driving_s", "accepted", "gap_km", NULL};
enum { D_PLATE, D_COLOR, D_DAY, D_POINTS, D_VALID, D_DRIFT, D_KM, D_DRIVING, D_ACCEPTED, D_GAPKM };

static void day_row(table *t, const csv_row *r)
{
    summary *sm = t->sm;
    size_t pn, dn;
    const char *plate = fld(t, r, D_PLATE, &pn);
    unneutralise(&plate, &pn);
    const char *ds = fld(t, r, D_DAY, &dn);
    int32_t day;
    if (pn == 0 || !parse_day(ds, dn, &day))
        return;
    t->src->vdays_read++;
    sm_vday row;
    row.vehicle = vehicle_of(sm, plate, pn, (int)fld_int(t, r, D_COLOR));
    row.day = day;
    row.points = (uint64_t)fld_int(t, r, D_POINTS);
    row.drift = (uint64_t)fld_int(t, r, D_DRIFT);
    /* accepted = valid - drift (a re-anchored fix is not drift) when an
     * older output has no accepted column */
    row.accepted = has(t, D_ACCEPTED) ? (uint64_t)fld_int(t, r, D_ACCEPTED)
                                      : (uint64_t)(fld_int(t, r, D_VALID) - fld_int(t, r, D_DRIFT));
    row.km = fld_double(t, r, D_KM);
    row.gap_km = fld_double(t, r, D_GAPKM);
    row.driving_s = fld_int(t, r, D_DRIVING);
    uint32_t *slot = u64map_put(&sm->dmap, (uint64_t)row.vehicle << 32 | (uint32_t)day, 0);
    if (*slot) {
        /* the same vehicle-day in another run: keep the fuller one */
        sm->duplicate_vdays++;
        if (row.points > sm->d[*slot - 1].points)
            sm->d[*slot - 1] = row;
        return;
    }
    if (sm->nd == sm->capd) {
        sm->capd = sm->capd ? sm->capd * 2 : 4096;
        sm->d = xrealloc(sm->d, sm->capd * sizeof *sm->d);
    }
    sm->d[sm->nd] = row;
    *slot = (uint32_t)++sm->nd;
}

/* ---- run.json: the zone the run used (a summary mixing zones says so) ---- */

static char *json_string_field(const char *text, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(text, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    const char *e = strchr(p, '"');
    return e && e - p < 64 ? xstrndup(p, (size_t)(e - p)) : NULL;
}

static void read_run_json(sm_source *src, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char head[4096];
    size_t n = fread(head, 1, sizeof head - 1, f);
    head[n] = 0;
    fclose(f);
    src->tz = json_string_field(head, "tz");
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

static sm_source *new_source(summary *sm, const char *path)
{
    sm->src = xrealloc(sm->src, (sm->nsrc + 1) * sizeof *sm->src);
    sm_source *s = &sm->src[sm->nsrc++];
    memset(s, 0, sizeof *s);
    s->path = xstrdup(path);
    return s;
}

static bool read_events(summary *sm, sm_source *src, const char *path)
{
    table t = {sm, src, EV_COLS, {0}, event_row, 0};
    if (!read_table(&t, path))
        return false;
    if (t.rows && (!has(&t, E_ID) || !has(&t, E_PLATE) || !has(&t, E_TYPE) || !has(&t, E_START))) {
        fprintf(stderr, "roadlog summary: %s: not an events.csv (needs event_id, plate, type, start_time)\n", path);
        return false;
    }
    return true;
}

static bool add_folder(summary *sm, const char *dir)
{
    rl_buf p = {0};
    buf_printf(&p, "%s/events.csv", dir);
    sm_source *src = new_source(sm, dir);
    bool ok = read_events(sm, src, p.p);
    if (ok) {
        p.len = 0;
        buf_printf(&p, "%s/vehicles.csv", dir);
        table tv = {sm, src, VEH_COLS, {0}, vehicle_row, 0};
        if (is_file(p.p))
            read_table(&tv, p.p);
        p.len = 0;
        buf_printf(&p, "%s/vehicle_days.csv", dir);
        table td = {sm, src, DAY_COLS, {0}, day_row, 0};
        if (is_file(p.p) && read_table(&td, p.p)) {
            src->have_vdays = true;
            src->have_accepted = has(&td, D_ACCEPTED);
            src->have_gap_km = has(&td, D_GAPKM);
            sm->any_vdays = true;
            sm->all_gap_km &= src->have_gap_km;
            sm->all_accepted &= src->have_accepted;
        }
        p.len = 0;
        buf_printf(&p, "%s/run.json", dir);
        read_run_json(src, p.p);
    }
    buf_free(&p);
    return ok;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

bool summary_add_path(summary *sm, const char *path)
{
    rl_buf p = {0};
    bool ok = false;
    if (is_file(path)) {
        sm_source *src = new_source(sm, path);
        ok = read_events(sm, src, path);
    } else if (is_dir(path)) {
        buf_printf(&p, "%s/events.csv", path);
        if (is_file(p.p)) {
            ok = add_folder(sm, path);
        } else {
            /* a folder of daily output folders, read in name order */
            DIR *d = opendir(path);
            char **names = NULL;
            size_t n = 0;
            struct dirent *de;
            while (d && (de = readdir(d)) != NULL) {
                if (de->d_name[0] == '.')
                    continue;
                p.len = 0;
                buf_printf(&p, "%s/%s/events.csv", path, de->d_name);
                if (!is_file(p.p))
                    continue;
                names = xrealloc(names, (n + 1) * sizeof *names);
                names[n++] = xstrdup(de->d_name);
            }
            if (d)
                closedir(d);
            qsort(names, n, sizeof *names, cmp_str);
            for (size_t i = 0; i < n; i++) {
                p.len = 0;
                buf_printf(&p, "%s/%s", path, names[i]);
                ok |= add_folder(sm, p.p);
                free(names[i]);
            }
            free(names);
            if (!n)
                fprintf(stderr, "roadlog summary: %s: no events.csv in it or in its sub-folders\n", path);
        }
    } else {
        fprintf(stderr, "roadlog summary: %s: %s\n", path, strerror(errno ? errno : ENOENT));
    }
    buf_free(&p);
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

void summary_compute(summary *sm)
{
    rl_run *run = sm->run;
    const char *company = run->opt.company;
    /* --from / --to: whole local days of the period */
    if (run->opt.have_from || run->opt.have_to) {
        int64_t lo = run->opt.have_from ? tu_local_day(run->opt.from, run->opt.tz) : INT64_MIN;
        int64_t hi = run->opt.have_to ? tu_local_day(run->opt.to, run->opt.tz) : INT64_MAX;
        size_t k = 0;
        for (size_t i = 0; i < sm->ne; i++)
            if (sm->e[i].day >= lo && sm->e[i].day <= hi)
                sm->e[k++] = sm->e[i];
        sm->ne = k;
        k = 0;
        for (size_t i = 0; i < sm->nd; i++)
            if (sm->d[i].day >= lo && sm->d[i].day <= hi)
                sm->d[k++] = sm->d[i];
        sm->nd = k; /* dmap is not used after loading */
    }
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
    for (size_t i = 0; i < sm->nv; i++) {
        sm_vehicle *v = &sm->v[i];
        v->selected = !v->alias && (!company || strcmp(sm_company(sm, v), company) == 0);
        v->in_pop = v->selected && (!by_registry || v->registered);
    }
    /* data of an aliased vehicle counts on its registered twin */
    for (size_t i = 0; i < sm->nd; i++)
        if (sm->v[sm->d[i].vehicle].alias)
            sm->d[i].vehicle = sm->v[sm->d[i].vehicle].alias - 1;
    for (size_t i = 0; i < sm->ne; i++)
        if (sm->v[sm->e[i].vehicle].alias)
            sm->e[i].vehicle = sm->v[sm->e[i].vehicle].alias - 1;
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
