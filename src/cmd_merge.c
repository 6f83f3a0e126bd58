/*
 * cmd_merge.c - `roadlog merge --out OUT DIR...`: one output from the
 * outputs of a --resume chain or of parts (RUNS.md §2-3).
 *
 * Events: per event_id the version from the latest run of a chain stands
 * (run.json's chain_seq; a tie goes to the later folder on the command
 * line), withdrawn ones are dropped.  Parts (no folder resumes another)
 * cover disjoint vehicles, but a driver may have driven vehicles of two
 * parts: their fatigue events are walked again from every part's
 * drivers.seg.  Tables combine as RUNS.md §2 says: vehicle_days by
 * vehicle and day (sums; max of max_speed and longest_stint_s; min/max of
 * first/last), vehicles.csv by vehicle (the same, events counted again
 * from the merged ledger); rejects.csv in order; run.json's counts added
 * up.  The merged run is made an rl_run again, so every file analyze
 * writes is written by the same writers (events from events.jsonl, whose
 * strings are exact; report.html without track charts or event fixes,
 * tracks.geojson without tracks: the fixes are not in the outputs).
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze.h"
#include "cli.h"
#include "csvin.h"
#include "csvout.h"
#include "detect.h"
#include "outfiles.h"
#include "privacy.h"
#include "reports.h"
#include "timeutil.h"
#include "u64map.h"
#include "util.h"
#include "zones.h"

typedef struct {
    char *dir;
    json_t *rj;              /* run.json */
    const char *run_id, *resumed_id;
    unsigned chain_seq;
} mout;

/* ---- reading ---- */

static char *path_in(const char *dir, const char *name)
{
    rl_buf b = {0};
    buf_printf(&b, "%s/%s", dir, name);
    return b.p;
}

/* A table of an output: header names and rows of fields (UTF-8). */
typedef struct {
    char **names;
    size_t ncol;
    char ***rows;            /* rows[i][c] */
    size_t nrows;
    const char *path;
    bool bad;
} mtable;

static bool tab_header(void *ud, const csv_row *h)
{
    mtable *t = ud;
    t->ncol = h->n;
    t->names = xcalloc(h->n ? h->n : 1, sizeof *t->names);
    for (size_t i = 0; i < h->n; i++)
        t->names[i] = xstrndup(h->f[i], h->len[i]);
    return true;
}

static bool tab_row(void *ud, const csv_row *r)
{
    mtable *t = ud;
    if (r->n != t->ncol) {
        fprintf(stderr, "roadlog merge: %s:%llu: %zu fields, the header has %zu\n", t->path,
                (unsigned long long)r->line, r->n, t->ncol);
        t->bad = true;
        return true;
    }
    t->rows = xrealloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
    char **row = xcalloc(t->ncol, sizeof *row);
    for (size_t i = 0; i < r->n; i++)
        row[i] = xstrndup(r->f[i], r->len[i]);
    t->rows[t->nrows++] = row;
    return true;
}

static bool tab_reject(void *ud, uint64_t line, const char *why, const void *raw, size_t n)
{
    mtable *t = ud;
    (void)raw;
    (void)n;
    fprintf(stderr, "roadlog merge: %s:%llu: %s\n", t->path, (unsigned long long)line, why);
    t->bad = true;
    return true;
}

static bool read_table(const char *path, mtable *t)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    csvin_handler h = {t, tab_header, tab_row, tab_reject};
    csvin *r = csvin_new(&h);
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        csvin_feed(r, buf, n);
    csvin_finish(r);
    csvin_free(r);
    fclose(f);
    return !t->bad;
}

static void free_table(mtable *t)
{
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t c = 0; c < t->ncol; c++)
            free(t->rows[i][c]);
        free(t->rows[i]);
    }
    free(t->rows);
    for (size_t c = 0; c < t->ncol; c++)
        free(t->names[c]);
    free(t->names);
}

static int col(const mtable *t, const char *name)
{
    for (size_t c = 0; c < t->ncol; c++)
        if (strcmp(t->names[c], name) == 0)
            return (int)c;
    return -1;
}

static const char *fld(const mtable *t, size_t row, int c) { return c >= 0 ? t->rows[row][c] : ""; }

/* Text that roadlog wrote neutralised ("'=..." for a cell that would be a
 * formula in a spreadsheet) as it was. */
static const char *unneutralise(const char *s)
{
    return s[0] == '\'' && text_is_formula(s + 1, strlen(s + 1)) ? s + 1 : s;
}

/* Numbers as roadlog writes them: integers, and fixed decimals. */
static int64_t num_int(const char *s) { return s && *s ? strtoll(s, NULL, 10) : 0; }

static int64_t num_fixed(const char *s, int scale)
{
    if (!s || !*s)
        return 0;
    bool neg = *s == '-';
    if (neg)
        s++;
    int64_t ip = 0, fp = 0;
    while (*s >= '0' && *s <= '9')
        ip = ip * 10 + (*s++ - '0');
    int k = 0;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            if (k < scale) {
                fp = fp * 10 + (*s - '0');
                k++;
            }
    for (; k < scale; k++)
        fp *= 10;
    int64_t p = 1;
    for (int i = 0; i < scale; i++)
        p *= 10;
    int64_t v = ip * p + fp;
    return neg ? -v : v;
}

/* ---- the merged run ---- */

typedef struct {
    rl_run *run;
    tu_parser tp;
    u64map inputs;           /* name strtab id + 1 -> input index */
} merger;

static uint32_t vehicle_of(rl_run *run, const char *plate, int color)
{
    uint32_t id = strtab_intern(run->str, plate, strlen(plate));
    rl_vehicle *v = vtable_get(run->vt, id, color, false);
    return (uint32_t)(v - vtable_at(run->vt, 0));
}

/* An input named in a source column: the run.json inputs first, then any
 * name a source gives (files of earlier runs of a chain). */
static unsigned input_of(merger *m, const char *name, size_t n, rl_loc_kind loc, bool listed)
{
    rl_run *run = m->run;
    uint32_t id = strtab_intern(run->str, name, n);
    uint32_t at;
    if (u64map_get(&m->inputs, (uint64_t)id + 1, &at))
        return at;
    if (run->ninputs >= RL_MAX_INPUTS)
        return RL_MAX_INPUTS - 1;
    if (run->ninputs == run->capinputs) {
        run->capinputs = run->capinputs ? run->capinputs * 2 : 16;
        run->inputs = xrealloc(run->inputs, run->capinputs * sizeof *run->inputs);
    }
    rl_input *in = &run->inputs[run->ninputs];
    memset(in, 0, sizeof *in);
    in->name = xstrndup(name, n);
    in->kind = "carried";
    in->loc = loc;
    in->carried = !listed;
    *u64map_put(&m->inputs, (uint64_t)id + 1, (uint32_t)run->ninputs) = (uint32_t)run->ninputs;
    return (unsigned)run->ninputs++;
}

static rl_origin origin_of(merger *m, const char *src)
{
    size_t n = strlen(src);
    size_t k = n;
    while (k > 0 && src[k - 1] >= '0' && src[k - 1] <= '9')
        k--;
    if (k == 0 || k == n || (src[k - 1] != ':' && src[k - 1] != '@' && src[k - 1] != '#'))
        return RL_ORIGIN(input_of(m, src, n, RL_LOC_LINE, false), 0);
    rl_loc_kind loc = src[k - 1] == ':' ? RL_LOC_LINE : src[k - 1] == '@' ? RL_LOC_OFFSET : RL_LOC_PACKET;
    const char *name = src;
    size_t nn = k - 1;
    if (nn == 5 && memcmp(src, "stdin", 5) == 0)
        name = "-", nn = 1;
    return RL_ORIGIN(input_of(m, name, nn, loc, false), strtoull(src + k, NULL, 10));
}

static const char *jstr(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t jfixed(const json_t *o, const char *k, int scale)
{
    const json_t *v = json_object_get(o, k);
    double p = 1;
    for (int i = 0; i < scale; i++)
        p *= 10;
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v) * (int64_t)p;
    if (json_is_real(v))
        return llround(json_real_value(v) * p);
    return 0;
}

static bool jtime(merger *m, const json_t *o, const char *k, int64_t *t)
{
    const char *s = jstr(o, k);
    return s && !tu_parse(&m->tp, s, strlen(s), t);
}

/* The decimals of an event's value and limit (event.h `scale`). */
static int event_scale(event_type t) { return t == EV_SPEEDING || t == EV_NIGHT_SPEEDING || t == EV_POSITION_MISMATCH ? 3 : 0; }

static bool json_event(merger *m, const json_t *o, rl_event *e)
{
    rl_run *run = m->run;
    memset(e, 0, sizeof *e);
    const char *plate = jstr(o, "plate"), *type = jstr(o, "type");
    event_type t;
    if (!plate || !type || !event_type_parse(type, &t))
        return false;
    int color = (int)json_integer_value(json_object_get(o, "plate_color"));
    e->vehicle = vehicle_of(run, plate, color);
    rl_vehicle *v = vtable_at(run->vt, e->vehicle);
    const char *cls = jstr(o, "class");
    vehicle_class c;
    if (cls && class_parse(cls, strlen(cls), &c))
        v->cls = c;
    const char *driver = jstr(o, "driver");
    e->driver = driver && *driver ? strtab_intern(run->str, driver, strlen(driver)) : 0;
    e->type = t;
    if (!jtime(m, o, "start_time", &e->start) || !jtime(m, o, "end_time", &e->end))
        return false;
    e->have_pos = json_is_number(json_object_get(o, "start_lon"));
    if (e->have_pos) {
        e->start_lon_e6 = (int32_t)jfixed(o, "start_lon", 6);
        e->start_lat_e6 = (int32_t)jfixed(o, "start_lat", 6);
        e->end_lon_e6 = (int32_t)jfixed(o, "end_lon", 6);
        e->end_lat_e6 = (int32_t)jfixed(o, "end_lat", 6);
    }
    e->scale = event_scale(t);
    e->value = jfixed(o, "value", e->scale);
    e->limit = jfixed(o, "limit", e->scale);
    snprintf(e->severity, sizeof e->severity, "%s", jstr(o, "severity") ? jstr(o, "severity") : "");
    const char *rule = jstr(o, "rule");
    e->rule = strtab_get(run->str, strtab_intern(run->str, rule ? rule : "", rule ? strlen(rule) : 0));
    e->origin = origin_of(m, jstr(o, "source") ? jstr(o, "source") : "");
    e->evidence_points = (uint32_t)json_integer_value(json_object_get(o, "evidence_points"));
    e->have_gps = jtime(m, o, "gps_time", &e->gps_time);
    e->have_gps_distance = json_is_number(json_object_get(o, "gps_distance_km"));
    if (e->have_gps_distance)
        e->gps_distance_m = jfixed(o, "gps_distance_km", 3);
    const char *zid = jstr(o, "zone_id"), *zname = jstr(o, "zone_name"), *road = jstr(o, "road_type");
    if (zid)
        e->zone_id = strtab_get(run->str, strtab_intern(run->str, zid, strlen(zid)));
    if (zname)
        e->zone_name = strtab_get(run->str, strtab_intern(run->str, zname, strlen(zname)));
    for (int r = ROAD_EXPRESSWAY; road && r <= ROAD_OTHER; r++)
        if (strcmp(road, road_type_name((road_type)r)) == 0)
            e->road_type = (uint8_t)r;
    const char *status = jstr(o, "status");
    e->status = status && strcmp(status, "open") == 0 ? EV_STATUS_OPEN
                : status && strcmp(status, "withdrawn") == 0 ? EV_STATUS_WITHDRAWN
                                                            : EV_STATUS_CLOSED;
    return true;
}

static bool is_fatigue(event_type t) { return t == EV_FATIGUE_CONTINUOUS || t == EV_FATIGUE_NIGHT || t == EV_FATIGUE_DAILY; }

/* ---- the command ---- */

typedef struct {
    json_t *ev;              /* the version that stands */
    unsigned chain_seq;
    size_t out;              /* which folder (argument order) */
} mevent;

static int cmp_strp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* ZONES.md: the zone files a run used, "sha256/datum ..." ("" without):
 * outputs of one zone set merge, and --zones (to draw the zones in the
 * merged report.html and events.geojson) must be that set. */
static char *zone_key_json(const json_t *rj)
{
    rl_buf b = {0};
    buf_puts(&b, "");
    size_t i;
    const json_t *z;
    json_array_foreach (json_object_get(rj, "zones"), i, z)
        buf_printf(&b, "%s%s/%s", i ? " " : "", jstr(z, "sha256") ? jstr(z, "sha256") : "?",
                   jstr(z, "coord") ? jstr(z, "coord") : "?");
    return b.p;
}

static char *zone_key_set(const zone_set *zs)
{
    rl_buf b = {0};
    buf_puts(&b, "");
    for (size_t i = 0; i < zones_nfiles(zs); i++)
        buf_printf(&b, "%s%s/%s", i ? " " : "", zones_file(zs, i)->sha256, cc_datum_name(zones_file(zs, i)->coord));
    return b.p;
}

/* A rejects.csv row of a registry input ("REGISTRY:LINE,..."). */
static bool registry_reject(const rl_run *run, const char *line, size_t len)
{
    for (size_t i = 0; i < run->ninputs; i++) {
        const rl_input *in = &run->inputs[i];
        if (!in->kind || strcmp(in->kind, "registry") != 0 || !in->name)
            continue;
        size_t n = strlen(in->name);
        if (len > n + 1 && memcmp(line, in->name, n) == 0 && line[n] == ':')
            return true;
    }
    return false;
}

int cmd_merge(int argc, char **argv)
{
    rl_run run;
    run_init(&run);
    char **dirs;
    int ndirs;
    int rc = cli_parse(&run, "merge", argc, argv, &dirs, &ndirs);
    if (rc) {
        run_free(&run);
        return rc;
    }
    if (ndirs < 1) {
        fprintf(stderr, "roadlog merge: no output folders to merge (give the folders analyze wrote)\n");
        run_free(&run);
        return EXIT_USAGE;
    }
    int status = 0;
    mout *o = xcalloc((size_t)ndirs, sizeof *o);
    merger m = {.run = &run};
    u64map_init(&m.inputs);
    /* run.json of each */
    for (int i = 0; i < ndirs; i++) {
        o[i].dir = dirs[i];
        char *p = path_in(dirs[i], "run.json");
        json_error_t je;
        o[i].rj = json_load_file(p, 0, &je);
        if (!o[i].rj || !json_is_object(o[i].rj)) {
            fprintf(stderr, "roadlog merge: %s: %s (is it an output folder of roadlog analyze?)\n", p,
                    o[i].rj ? "not a run manifest" : je.text);
            free(p);
            status = EXIT_INPUT;
            goto done;
        }
        free(p);
        o[i].run_id = jstr(o[i].rj, "run_id");
        o[i].chain_seq = (unsigned)json_integer_value(json_object_get(o[i].rj, "chain_seq"));
        const json_t *rf = json_object_get(o[i].rj, "resumed_from");
        o[i].resumed_id = json_is_object(rf) ? jstr(rf, "run_id") : NULL;
        /* one time zone, one set of rules */
        const char *tz = jstr(o[i].rj, "tz");
        int32_t off;
        if (!tz || !tu_parse_tz(tz, &off)) {
            fprintf(stderr, "roadlog merge: %s/run.json: no time zone\n", dirs[i]);
            status = EXIT_INPUT;
            goto done;
        }
        if (i == 0) {
            run.opt.tz = off;
        } else if (off != run.opt.tz) {
            fprintf(stderr, "roadlog merge: %s was analysed in zone %s, %s in another: outputs of one zone merge\n",
                    dirs[i], tz, dirs[0]);
            status = EXIT_USAGE;
            goto done;
        }
        /* the detectors that ran in every output (run.json options.detect;
         * older outputs name none: all of them): terminal_silent is made
         * again below only where alarms were looked at */
        const json_t *det = json_object_get(json_object_get(o[i].rj, "options"), "detect");
        if (json_is_array(det)) {
            unsigned bits = 0;
            size_t di;
            const json_t *dv;
            json_array_foreach(det, di, dv)
            {
                bits |= detector_bit(json_string_value(dv));
            }
            run.opt.detect &= bits;
        }
        const json_t *rules = json_object_get(o[i].rj, "rules"), *first = json_object_get(o[0].rj, "rules");
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)first, k, v)
        {
            const json_t *w = json_object_get(rules, k);
            if (!w || !json_equal(v, w)) {
                char *a = json_dumps(v, JSON_ENCODE_ANY), *b = w ? json_dumps(w, JSON_ENCODE_ANY) : xstrdup("(none)");
                fprintf(stderr, "roadlog merge: %s and %s were analysed with other rules: %s = %s, %s (outputs of "
                        "one set of rules merge)\n", dirs[0], dirs[i], k, a, b);
                free(a);
                free(b);
                status = EXIT_USAGE;
                goto done;
            }
        }
        char *za = zone_key_json(o[0].rj), *zb = zone_key_json(o[i].rj);
        bool same_zones = strcmp(za, zb) == 0;
        free(za);
        free(zb);
        if (!same_zones) {
            fprintf(stderr, "roadlog merge: %s and %s were analysed with other zone files (run.json \"zones\"): "
                    "outputs of one zone set merge\n", dirs[0], dirs[i]);
            status = EXIT_USAGE;
            goto done;
        }
    }
    /* the rules, for the drivers walked again */
    {
        const char *k;
        const json_t *v;
        json_object_foreach(json_object_get(o[0].rj, "rules"), k, v)
        {
            char *val = json_is_string(v) ? xstrdup(json_string_value(v)) : json_dumps(v, JSON_ENCODE_ANY);
            char err[256];
            rules_set(&run.rules, k, val, err, sizeof err);
            free(val);
        }
    }
    /* the zones, when given, to draw them (after the rules: zone.buffer_m) */
    if (run.opt.nzone_paths) {
        if ((status = run_load_zones(&run, "merge")) != 0)
            goto done;
        char *za = zone_key_json(o[0].rj), *zb = zone_key_set(run.zones);
        bool same_zones = strcmp(za, zb) == 0;
        free(za);
        free(zb);
        if (!same_zones) {
            fprintf(stderr, "roadlog merge: --zones are not the zone files %s was analysed with (run.json \"zones\")\n",
                    dirs[0]);
            status = EXIT_USAGE;
            goto done;
        }
    }
    /* the same output twice (the same folder, or a copy of it) would count
     * its vehicles' points, distance and driving twice */
    for (int i = 0; i < ndirs; i++)
        for (int j = 0; j < i; j++)
            if (o[i].run_id && o[j].run_id && strcmp(o[i].run_id, o[j].run_id) == 0) {
                fprintf(stderr, "roadlog merge: %s and %s are the same run (run_id %s): give each output once\n",
                        dirs[j], dirs[i], o[i].run_id);
                status = EXIT_USAGE;
                goto done;
            }
    tu_parser_init(&m.tp, run.opt.tz);
    /* parts or a chain: a chain when a folder resumes another one here */
    bool chain = false;
    for (int i = 0; i < ndirs && !chain; i++)
        for (int j = 0; j < ndirs && !chain; j++)
            if (o[i].resumed_id && o[j].run_id && strcmp(o[i].resumed_id, o[j].run_id) == 0)
                chain = true;
    /* the inputs listed by the runs, first seen first */
    for (int i = 0; i < ndirs; i++) {
        const json_t *ins = json_object_get(o[i].rj, "inputs");
        size_t k;
        const json_t *in;
        json_array_foreach(ins, k, in)
        {
            const char *path = jstr(in, "path");
            if (!path)
                continue;
            bool known = false;
            uint32_t id = strtab_find(run.str, path, strlen(path)), at;
            known = id != UINT32_MAX && u64map_get(&m.inputs, (uint64_t)id + 1, &at);
            unsigned fi = input_of(&m, path, strlen(path), RL_LOC_LINE, true);
            rl_input *e = &run.inputs[fi];
            const char *kind = jstr(in, "kind");
            if (!known) {
                e->kind = kind && strcmp(kind, "gps") == 0 ? "gps" : kind && strcmp(kind, "weighbridge") == 0 ? "weighbridge"
                          : kind && strcmp(kind, "registry") == 0 ? "registry" : kind && strcmp(kind, "jt808") == 0 ? "jt808"
                          : kind && strcmp(kind, "pcap") == 0 ? "pcap" : "input";
                e->loc = e->kind[0] == 'j' ? RL_LOC_OFFSET : e->kind[0] == 'p' ? RL_LOC_PACKET : RL_LOC_LINE;
                const char *sha = jstr(in, "sha256");
                snprintf(e->sha256, sizeof e->sha256, "%s", sha ? sha : "");
                e->gzip = json_is_true(json_object_get(in, "gzip"));
                e->truncated = json_is_true(json_object_get(in, "truncated"));
            }
            e->size = (uint64_t)json_integer_value(json_object_get(in, "size"));
            /* a registry every part (or every run of a chain) read again:
             * its rows and rejects once, as one run reads it once */
            if (known && strcmp(e->kind, "registry") == 0)
                continue;
            e->records += (uint64_t)json_integer_value(json_object_get(in, "records"));
            e->rejected += (uint64_t)json_integer_value(json_object_get(in, "rejected"));
        }
    }
    /* events: the latest version of each */
    size_t nv = 0, nev = 0, capev = 0;
    mevent *ev = NULL;
    u64map by_id;
    u64map_init(&by_id);
    for (int i = 0; i < ndirs; i++) {
        char *p = path_in(dirs[i], "events.jsonl");
        FILE *f = fopen(p, "rb");
        if (!f) {
            fprintf(stderr, "roadlog merge: %s: %s (merge reads events.jsonl: run analyze with its default formats, "
                    "or csv,jsonl)\n", p, strerror(errno));
            free(p);
            status = EXIT_INPUT;
            goto done_events;
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        uint64_t ln = 0;
        while ((len = getline(&line, &cap, f)) > 0) {
            ln++;
            json_error_t je;
            json_t *e = json_loadb(line, (size_t)len, 0, &je);
            const char *id = e ? jstr(e, "event_id") : NULL;
            if (!id || strlen(id) != 16) {
                fprintf(stderr, "roadlog merge: %s:%llu: not an event (%s)\n", p, (unsigned long long)ln,
                        e ? "no event_id" : je.text);
                json_decref(e);
                status = EXIT_INPUT;
                continue;
            }
            uint64_t key = strtoull(id, NULL, 16) | 1; /* never 0 */
            uint32_t at;
            if (u64map_get(&by_id, key, &at)) {
                if (ev[at].chain_seq > o[i].chain_seq) {
                    json_decref(e);
                    continue;
                }
                json_decref(ev[at].ev);
                ev[at] = (mevent){e, o[i].chain_seq, (size_t)i};
                continue;
            }
            if (nev == capev) {
                capev = capev ? capev * 2 : 1024;
                ev = xrealloc(ev, capev * sizeof *ev);
            }
            *u64map_put(&by_id, key, (uint32_t)nev) = (uint32_t)nev;
            ev[nev++] = (mevent){e, o[i].chain_seq, (size_t)i};
        }
        free(line);
        fclose(f);
        free(p);
    }
    /* vehicles, then their days */
    for (int i = 0; i < ndirs; i++) {
        char *p = path_in(dirs[i], "vehicles.csv");
        mtable t;
        if (!read_table(p, &t)) {
            fprintf(stderr, "roadlog merge: %s cannot be read\n", p);
            status = EXIT_INPUT;
        }
        int cp = col(&t, "plate"), cc = col(&t, "plate_color"), ccl = col(&t, "class"), cco = col(&t, "company"),
            crg = col(&t, "registered"), cph = col(&t, "phone");
        const char *sums[] = {"points", "valid", "drift", "duplicates", "driving_s", "weighings"};
        for (size_t r = 0; r < t.nrows; r++) {
            const char *plate = unneutralise(fld(&t, r, cp));
            uint32_t vi = vehicle_of(&run, plate, (int)num_int(fld(&t, r, cc)));
            rl_vehicle *v = vtable_at(run.vt, vi);
            vehicle_class c;
            const char *cls = fld(&t, r, ccl);
            if (class_parse(cls, strlen(cls), &c))
                v->cls = c;
            if (strcmp(fld(&t, r, col(&t, "terminal_alarm_word")), "yes") == 0)
                v->alarm_word = true;
            const char *phone = unneutralise(fld(&t, r, cph));
            if (*phone)
                v->phone = strtab_intern(run.str, phone, strlen(phone));
            if (strcmp(fld(&t, r, crg), "yes") == 0) {
                reg_entry e;
                memset(&e, 0, sizeof e);
                e.plate = v->plate;
                e.color = v->color;
                e.cls = v->cls;
                const char *company = unneutralise(fld(&t, r, cco));
                e.company = strtab_intern(run.str, company, strlen(company));
                e.rated_load_kg = e.curb_kg = e.max_gross_kg = -1;
                e.seats = -1;
                registry_add(&run.reg, &e);
            }
            (void)sums;
        }
        free_table(&t);
        free(p);
    }
    /* the events as the run's */
    for (size_t i = 0; i < nev; i++) {
        rl_event e;
        if (!json_event(&m, ev[i].ev, &e)) {
            fprintf(stderr, "roadlog merge: %s/events.jsonl: an event that cannot be read back\n", o[ev[i].out].dir);
            status = EXIT_INPUT;
            continue;
        }
        if (e.status == EV_STATUS_WITHDRAWN)
            continue;
        if (e.type == EV_TERMINAL_SILENT)
            continue; /* a judgement on the whole period: made again below */
        if (!chain && is_fatigue(e.type))
            continue; /* walked again below, across the parts */
        events_add(&run.events, &e);
    }
    /* parts: each driver's timeline again, from every part's segments */
    bool have_segs = false;
    if (!chain) {
        for (int i = 0; i < ndirs; i++) {
            char *p = path_in(dirs[i], "drivers.seg");
            mtable t;
            bool ok = read_table(p, &t);
            free(p);
            if (!ok) {
                free_table(&t);
                continue;
            }
            have_segs = true;
            int cd = col(&t, "driver"), cp = col(&t, "plate"), cc = col(&t, "plate_color"), cs = col(&t, "start"),
                ce = col(&t, "end"), cn = col(&t, "npoints"), clo0 = col(&t, "start_lon"), cla0 = col(&t, "start_lat"),
                clo1 = col(&t, "end_lon"), cla1 = col(&t, "end_lat"), csrc = col(&t, "source");
            for (size_t r = 0; r < t.nrows; r++) {
                fatigue_seg g;
                memset(&g, 0, sizeof g);
                g.vehicle = vehicle_of(&run, unneutralise(fld(&t, r, cp)), (int)num_int(fld(&t, r, cc)));
                const char *d = unneutralise(fld(&t, r, cd));
                uint32_t did = *d ? strtab_intern(run.str, d, strlen(d)) : 0;
                g.key = did ? did : (FATIGUE_NO_DRIVER | g.vehicle);
                g.start = num_int(fld(&t, r, cs));
                g.end = num_int(fld(&t, r, ce));
                g.npoints = (uint32_t)num_int(fld(&t, r, cn));
                g.lon0 = (int32_t)num_fixed(fld(&t, r, clo0), 6);
                g.lat0 = (int32_t)num_fixed(fld(&t, r, cla0), 6);
                g.lon1 = (int32_t)num_fixed(fld(&t, r, clo1), 6);
                g.lat1 = (int32_t)num_fixed(fld(&t, r, cla1), 6);
                g.origin = origin_of(&m, unneutralise(fld(&t, r, csrc)));
                fatigue_segs_add(&run.segs, &g);
            }
            free_table(&t);
        }
        if (!have_segs) {
            /* no segments: the parts' own fatigue events stand */
            for (size_t i = 0; i < nev; i++) {
                rl_event e;
                if (json_event(&m, ev[i].ev, &e) && is_fatigue(e.type) && e.status != EV_STATUS_WITHDRAWN)
                    events_add(&run.events, &e);
            }
        }
    }
    nv = vtable_count(run.vt);
    for (size_t i = 0; i < nv; i++) {
        rl_vehicle *v = vtable_at(run.vt, i);
        v->reg = registry_lookup(&run.reg, v->plate, v->color);
        if (v->reg && v->reg->color != v->color)
            v->reg = NULL;
    }
    run.vstats = xcalloc(nv ? nv : 1, sizeof *run.vstats);
    for (size_t i = 0; i < nv; i++) {
        run.vstats[i].max_speed_mkmh = -1;
        run.vstats[i].first = INT64_MAX;
        run.vstats[i].last = INT64_MIN;
        run.vstats[i].heaviest_gross_kg = run.vstats[i].worst_excess_kg = -1;
    }
    for (int i = 0; i < ndirs; i++) {
        char *p = path_in(dirs[i], "vehicles.csv");
        mtable t;
        read_table(p, &t);
        free(p);
        int cp = col(&t, "plate"), cc = col(&t, "plate_color");
        int cpts = col(&t, "points"), cval = col(&t, "valid"), cdr = col(&t, "drift"), cdup = col(&t, "duplicates"),
            cdist = col(&t, "distance_km"), cdrv = col(&t, "driving_s"), cmax = col(&t, "max_speed"),
            cfirst = col(&t, "first_time"), clast = col(&t, "last_time"), cw = col(&t, "weighings"),
            ch = col(&t, "heaviest_gross_kg"), cwo = col(&t, "worst_excess_kg");
        for (size_t r = 0; r < t.nrows; r++) {
            uint32_t vi = vehicle_of(&run, unneutralise(fld(&t, r, cp)), (int)num_int(fld(&t, r, cc)));
            if (vi >= nv)
                continue;
            rl_vstats *s = &run.vstats[vi];
            s->points += (uint64_t)num_int(fld(&t, r, cpts));
            s->valid += (uint64_t)num_int(fld(&t, r, cval));
            s->drift += (uint64_t)num_int(fld(&t, r, cdr));
            s->duplicates += (uint64_t)num_int(fld(&t, r, cdup));
            s->distance_mm += num_fixed(fld(&t, r, cdist), 3) * 1000;
            s->driving_s += num_int(fld(&t, r, cdrv));
            if (*fld(&t, r, cmax)) {
                int32_t sp = (int32_t)num_fixed(fld(&t, r, cmax), 3);
                if (sp > s->max_speed_mkmh)
                    s->max_speed_mkmh = sp;
            }
            int64_t ft, lt;
            const char *fs = fld(&t, r, cfirst), *ls = fld(&t, r, clast);
            if (*fs && !tu_parse(&m.tp, fs, strlen(fs), &ft) && ft < s->first)
                s->first = ft;
            if (*ls && !tu_parse(&m.tp, ls, strlen(ls), &lt) && lt > s->last)
                s->last = lt;
            s->weighings += (uint32_t)num_int(fld(&t, r, cw));
            if (*fld(&t, r, ch) && num_int(fld(&t, r, ch)) > s->heaviest_gross_kg)
                s->heaviest_gross_kg = num_int(fld(&t, r, ch));
            if (*fld(&t, r, cwo) && num_int(fld(&t, r, cwo)) > s->worst_excess_kg)
                s->worst_excess_kg = num_int(fld(&t, r, cwo));
        }
        free_table(&t);
    }
    /* days */
    {
        u64map at;
        u64map_init(&at);
        for (int i = 0; i < ndirs; i++) {
            char *p = path_in(dirs[i], "vehicle_days.csv");
            mtable t;
            if (!read_table(p, &t)) {
                fprintf(stderr, "roadlog merge: %s cannot be read\n", p);
                status = EXIT_INPUT;
            }
            free(p);
            int cp = col(&t, "plate"), cc = col(&t, "plate_color"), cday = col(&t, "day");
            int cpts = col(&t, "points"), cval = col(&t, "valid"), cdr = col(&t, "drift"), cg = col(&t, "gaps"),
                cdist = col(&t, "distance_km"), cdrv = col(&t, "driving_s"), cmax = col(&t, "max_speed"),
                cfirst = col(&t, "first_time"), clast = col(&t, "last_time"), crest = col(&t, "rests"),
                cls = col(&t, "longest_stint_s"), cacc = col(&t, "accepted"), cgk = col(&t, "gap_km"),
                cw = col(&t, "weighings"), ch = col(&t, "heaviest_gross_kg"), cwo = col(&t, "worst_excess_kg");
            for (size_t r = 0; r < t.nrows; r++) {
                uint32_t vi = vehicle_of(&run, unneutralise(fld(&t, r, cp)), (int)num_int(fld(&t, r, cc)));
                int64_t day;
                const char *ds = fld(&t, r, cday);
                char midday[32];
                snprintf(midday, sizeof midday, "%.10s 12:00:00", ds);
                if (vi >= nv || tu_parse(&m.tp, midday, strlen(midday), &day))
                    continue;
                day = tu_local_day(day, run.opt.tz);
                uint64_t key = ((uint64_t)vi << 32 | (uint32_t)(day & 0xFFFFFFFF)) + 1;
                uint32_t *slot = u64map_put(&at, key, (uint32_t)run.vdays.n);
                if (*slot == run.vdays.n) {
                    run.vdays.first = run.vdays.n; /* a new row, whatever vehicle */
                    rl_vday *d = vdays_get(&run.vdays, vi, day);
                    (void)d;
                }
                rl_vday *d = &run.vdays.d[*slot];
                d->points += (uint64_t)num_int(fld(&t, r, cpts));
                d->valid += (uint64_t)num_int(fld(&t, r, cval));
                d->drift += (uint64_t)num_int(fld(&t, r, cdr));
                d->gaps += (uint64_t)num_int(fld(&t, r, cg));
                d->distance_mm += num_fixed(fld(&t, r, cdist), 3) * 1000;
                d->driving_s += num_int(fld(&t, r, cdrv));
                if (*fld(&t, r, cmax)) {
                    int32_t sp = (int32_t)num_fixed(fld(&t, r, cmax), 3);
                    if (sp > d->max_speed_mkmh)
                        d->max_speed_mkmh = sp;
                }
                int64_t ft, lt;
                const char *fs = fld(&t, r, cfirst), *ls = fld(&t, r, clast);
                if (*fs && !tu_parse(&m.tp, fs, strlen(fs), &ft) && ft < d->first)
                    d->first = ft;
                if (*ls && !tu_parse(&m.tp, ls, strlen(ls), &lt) && lt > d->last)
                    d->last = lt;
                d->rests += (uint32_t)num_int(fld(&t, r, crest));
                if (num_int(fld(&t, r, cls)) > d->longest_stint_s)
                    d->longest_stint_s = num_int(fld(&t, r, cls));
                d->accepted += (uint64_t)num_int(fld(&t, r, cacc));
                d->gap_mm += num_fixed(fld(&t, r, cgk), 3) * 1000;
                d->weighings += (uint32_t)num_int(fld(&t, r, cw));
                if (*fld(&t, r, ch) && num_int(fld(&t, r, ch)) > d->heaviest_gross_kg)
                    d->heaviest_gross_kg = num_int(fld(&t, r, ch));
                if (*fld(&t, r, cwo) && num_int(fld(&t, r, cwo)) > d->worst_excess_kg)
                    d->worst_excess_kg = num_int(fld(&t, r, cwo));
            }
            free_table(&t);
        }
        u64map_free(&at);
    }
    run.order = xmalloc((nv ? nv : 1) * sizeof *run.order);
    run.norder = 0;
    for (size_t i = 0; i < nv; i++)
        run.order[run.norder++] = (uint32_t)i;
    uint32_t *rank = analyze_rank(&run);
    /* where the runs' data ends: the latest fix of any vehicle */
    for (size_t i = 0; i < nv; i++)
        if (run.vstats[i].last != INT64_MIN && run.vstats[i].last > run.data_end)
            run.data_end = run.vstats[i].last;
    if (!chain && have_segs) {
        size_t walked = run.events.n;
        analyze_drivers(&run, rank);
        /* the ledgers read back name drivers as they were written, their
         * ID-card numbers masked unless --show-ids: the drivers walked
         * again are named alike, so that a driver's events stay on one
         * sheet (drivers.html) */
        for (size_t i = walked; i < run.events.n && !run.opt.show_ids; i++) {
            char masked[19];
            const char *id = strtab_get(run.str, run.events.e[i].driver);
            const char *shown = driver_shown(id, false, masked);
            if (shown != id)
                run.events.e[i].driver = strtab_intern(run.str, shown, strlen(shown));
        }
    }
    for (size_t i = 0; i < nv; i++) {
        rl_vstats *s = &run.vstats[i];
        memset(s->events, 0, sizeof s->events);
        s->nevents = 0;
        s->penalty_points = 0;
        memset(&s->xc, 0, sizeof s->xc);
    }
    /* the terminal cross-check and terminal_silent over the whole ledger */
    alarm_finish(&run);
    analyze_events(&run, rank);
    /* days in output order */
    {
        rl_vday *d = run.vdays.d;
        size_t n = run.vdays.n;
        for (size_t i = 1; i < n; i++) {
            rl_vday x = d[i];
            size_t j = i;
            while (j > 0 && (rank[d[j - 1].vehicle] > rank[x.vehicle] ||
                             (d[j - 1].vehicle == x.vehicle && d[j - 1].day > x.day))) {
                d[j] = d[j - 1];
                j--;
            }
            d[j] = x;
        }
    }
    free(rank);
    /* the counts: added up */
    {
        struct {
            const char *k;
            uint64_t *v;
        } counts[] = {{"positions", &run.positions}, {"weighings", &run.weighings}, {"filtered_by_time", &run.filtered},
                      {"rejected", &run.rejected},   {"points", &run.points},       {"duplicates", &run.duplicates},
                      {"invalid", &run.invalid},     {"drift", &run.drift},         {"accepted", &run.accepted},
                      {"registration_conflicts", &run.registration_conflicts}};
        for (int i = 0; i < ndirs; i++) {
            const json_t *c = json_object_get(o[i].rj, "counts");
            for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
                *counts[k].v += (uint64_t)json_integer_value(json_object_get(c, counts[k].k));
            const char *k;
            const json_t *v;
            json_object_foreach(json_object_get(o[i].rj, "counters"), k, v)
                counters_add(&run.counters, k, (uint64_t)json_integer_value(v));
            if (o[i].chain_seq > run.chain_seq)
                run.chain_seq = o[i].chain_seq;
        }
        run.vehicles_analysed = run.norder;
        /* what a sum would count twice: vehicles not in the registry
         * (counted on the merged table), the registry's size (the same
         * registry each run) */
        run.unregistered = 0;
        for (size_t i = 0; i < run.norder; i++)
            if (!vtable_at(run.vt, run.order[i])->reg)
                run.unregistered++;
        uint64_t rows = 0;
        for (int i = 0; i < ndirs; i++) {
            uint64_t r = (uint64_t)json_integer_value(json_object_get(json_object_get(o[i].rj, "counts"), "registry_rows"));
            if (r > rows)
                rows = r;
        }
        run.merged_registry_rows = rows;
    }
    /* write: every file analyze writes */
    if (!make_dirs(run.opt.out_dir)) {
        fprintf(stderr, "roadlog merge: cannot create the output folder %s: %s\n", run.opt.out_dir, strerror(errno));
        status = EXIT_INPUT;
        goto done_events;
    }
    outfiles_guard();
    {
        static const struct {
            unsigned format;
            bool by_driver;          /* only with --by driver */
            const char *name;
            bool (*w)(const rl_run *, const char *);
        } all[] = {
            {FMT_CSV, false, "events.csv", report_events_csv},
            {FMT_CSV, false, "vehicles.csv", report_vehicles_csv},
            {FMT_CSV, false, "vehicle_days.csv", report_vehicle_days_csv},
            {FMT_CSV, false, "drivers.seg", report_driver_segments},
            {FMT_JSONL, false, "events.jsonl", report_events_jsonl},
            {FMT_GEOJSON, false, "events.geojson", report_geojson},
            {FMT_GEOJSON, false, "tracks.geojson", report_tracks_geojson},
            {FMT_XLSX, false, "events.xlsx", report_xlsx},
            {FMT_HTML, false, "report.html", report_html},
            {FMT_HTML, true, "drivers.html", report_drivers_html},
        };
        bool ok = true;
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
            if (!(run.opt.formats & all[i].format) || (all[i].by_driver && !run.opt.by_driver))
                continue;
            char *p = outfiles_part(run.opt.out_dir, all[i].name);
            errno = 0;
            if (!all[i].w(&run, p)) {
                fprintf(stderr, "roadlog merge: cannot write %s/%s: %s\n", run.opt.out_dir, all[i].name,
                        strerror(errno ? errno : EIO));
                ok = false;
            }
            free(p);
        }
        /* rejects.csv: every folder's rows, in order; a registry's rows
         * once (every part read it) */
        char *p = outfiles_part(run.opt.out_dir, "rejects.csv");
        FILE *rf = csvw_open(p, run.opt.excel_csv);
        u64map reg_seen;
        u64map_init(&reg_seen);
        uint64_t reg_repeats = 0;
        if (rf) {
            fputs("source,file,line,offset,reason,excerpt\n", rf);
            for (int i = 0; i < ndirs; i++) {
                char *rp = path_in(dirs[i], "rejects.csv");
                FILE *in = fopen(rp, "rb");
                free(rp);
                if (!in)
                    continue;
                char *line = NULL;
                size_t cap = 0;
                ssize_t len;
                bool head = true;
                while ((len = getline(&line, &cap, in)) > 0) {
                    if (head) {
                        head = false;
                        continue;
                    }
                    if (registry_reject(&run, line, (size_t)len)) {
                        uint32_t *slot = u64map_put(&reg_seen, rl_hash(line, (size_t)len, 0x7e9) | 1, 0);
                        if (*slot) {
                            reg_repeats++;
                            continue;
                        }
                        *slot = 1;
                    }
                    fwrite(line, 1, (size_t)len, rf);
                }
                free(line);
                fclose(in);
            }
            ok &= !ferror(rf);
            ok &= fclose(rf) == 0;
        } else {
            ok = false;
        }
        u64map_free(&reg_seen);
        run.rejected -= reg_repeats <= run.rejected ? reg_repeats : run.rejected;
        free(p);
        p = outfiles_part(run.opt.out_dir, "run.json");
        snprintf(run.run_id, sizeof run.run_id, "%s", "");
        run_new_id(run.run_id);
        ok &= report_run_json(&run, p, "merge", status);
        free(p);
        if (!ok || !outfiles_commit()) {
            outfiles_discard();
            if (!status)
                status = EXIT_INPUT;
        }
    }
    if (!run.opt.quiet)
        fprintf(stderr, "roadlog merge: %d %s, %zu events, %zu vehicles: %s/\n", ndirs, chain ? "runs of a chain" : "parts",
                run.events.n, run.norder, run.opt.out_dir);
done_events:
    for (size_t i = 0; i < nev; i++)
        json_decref(ev[i].ev);
    free(ev);
    u64map_free(&by_id);
done:
    for (int i = 0; i < ndirs; i++)
        json_decref(o[i].rj);
    free(o);
    u64map_free(&m.inputs);
    (void)cmp_strp;
    run_free(&run);
    return status;
}
