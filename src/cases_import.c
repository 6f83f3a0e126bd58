/*
 * cases_import.c - `roadlog ledger import OUT...`: the events of
 * analyze/merge outputs become cases (LEDGER.md, RUNS.md §2).
 *
 * Per output, one transaction:
 *   1. run.json names the run (run_id), its place in a --resume chain
 *      (chain_seq, resumed_from) and the zone its times are written in;
 *      an output without them is chain_seq 0 and is named by a hash of
 *      its run.json (or events.csv) so that importing it again is
 *      recognised.
 *   2. vehicles.csv: each vehicle's class, company and registry match.
 *   3. events.csv: a new event_id opens a case (`open`, deadline =
 *      the event's day + ledger.deadline_days); a known one is replaced
 *      when this output's chain_seq is at least the stored one (ties: the
 *      later one read, RUNS.md) and its row differs; a `withdrawn`
 *      version dismisses the case ("withdrawn by later data") and a case
 *      dismissed so is reopened when a still later run reports the event
 *      again.  Every status change goes into history.
 *   4. vehicle_days.csv: the run's rows replace what the same run gave
 *      before (the 考核 indicators; assess.c combines runs).
 *
 * Importing the same output twice changes nothing.  A killed import
 * leaves the ledger as it was: nothing is committed before the end.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cases.h"
#include "csvout.h"
#include "csvtable.h"
#include "numparse.h"
#include "strtab.h"
#include "timeutil.h"
#include "u64map.h"
#include "util.h"

const char *const CASES_EVENT_TEXT[] = {"class",      "duration_s", "start_lon", "start_lat",      "end_lon",
                                        "end_lat",    "value",      "limit",     "excess_pct",     "severity",
                                        "rule",       "source",     "evidence_points", "gps_time", "gps_distance_km",
                                        "zone_id",    "zone_name",  "road_type", NULL};
const int CASES_EVENT_NTEXT = 18;

/* events.csv columns read: the keys, then CASES_EVENT_TEXT, then status */
static const char *const EV_COLS[] = {
    "event_id", "plate", "plate_color", "company", "driver", "type", "start_time", "end_time",
    "class", "duration_s", "start_lon", "start_lat", "end_lon", "end_lat", "value", "limit", "excess_pct",
    "severity", "rule", "source", "evidence_points", "gps_time", "gps_distance_km", "zone_id", "zone_name",
    "road_type", "status", NULL};
enum { E_ID, E_PLATE, E_COLOR, E_COMPANY, E_DRIVER, E_TYPE, E_START, E_END, E_TEXT0, E_STATUS = E_TEXT0 + 18,
       E_NCOLS };

static const char *const VEH_COLS[] = {"plate", "plate_color", "class", "company", "registered", NULL};
enum { V_PLATE, V_COLOR, V_CLASS, V_COMPANY, V_REGISTERED };

/* The block of case columns an event version sets (insert and update
 * bind it alike). */
#define EV_BLOCK_N (7 + 18 + 4)

typedef struct imp {
    cases_ledger *lg;
    cdb *db;
    const char *path;        /* the argument: output folder or events.csv */
    const char *file;        /* the file being read, for messages */
    bool strict;
    /* the run */
    char run_id[40], resumed[40], chain[40];
    int64_t chain_seq;
    int32_t tz;
    /* names -> database ids (strtab id -> id + 1) */
    strtab *names;
    int64_t *company_id, *driver_id;
    size_t cap_ids;
    u64map vehicle;          /* strtab id of "plate|colour" -> index into vehicle_ids + 1 */
    int64_t *vehicle_ids;
    size_t nvehicles;
    /* the last name and vehicle asked for: an output's rows come by
     * vehicle, so they repeat (no hashing for them) */
    struct {
        rl_buf text;
        int64_t id;
    } last[3];               /* company, driver, vehicle */
    tu_parser tp;
    cases_import_counts c;
    bool db_failed, retry, rejected_strict;
    cdb_stmt *ins_case, *get_case, *upd_case, *bump_case, *set_status, *ins_hist;
    cdb_stmt *ins_company, *get_company, *ins_driver, *get_driver;
    cdb_stmt *ups_vehicle, *ins_vehicle, *get_vehicle, *ins_vday, *del_vdays;
} imp;

static void db_fail(imp *m)
{
    m->db_failed = true;
    if (cdb_error_retry(m->db))
        m->retry = true;
}

/* ---- names ---- */

static int64_t *id_slot(imp *m, int64_t **arr, uint32_t sid)
{
    if (sid >= m->cap_ids) {
        size_t cap = m->cap_ids ? m->cap_ids : 256;
        while (cap <= sid)
            cap *= 2;
        m->company_id = xrealloc(m->company_id, cap * sizeof(int64_t));
        m->driver_id = xrealloc(m->driver_id, cap * sizeof(int64_t));
        memset(m->company_id + m->cap_ids, 0, (cap - m->cap_ids) * sizeof(int64_t));
        memset(m->driver_id + m->cap_ids, 0, (cap - m->cap_ids) * sizeof(int64_t));
        m->cap_ids = cap;
    }
    return arr == &m->company_id ? &m->company_id[sid] : &m->driver_id[sid];
}

static int64_t name_id_lookup(imp *m, bool company, const char *s, size_t n);

/* Is (s, n) the last text asked for in slot k?  Else it becomes it. */
static bool same_as_last(imp *m, int k, const char *s, size_t n, int64_t **id)
{
    rl_buf *b = &m->last[k].text;
    *id = &m->last[k].id;
    if (m->last[k].id && b->len == n && (n == 0 || memcmp(b->p, s, n) == 0))
        return true;
    b->len = 0;
    buf_put(b, s, n);
    m->last[k].id = 0;
    return false;
}

/* The id of a name in companies or drivers, made when new. */
static int64_t name_id(imp *m, bool company, const char *s, size_t n)
{
    int64_t *last;
    if (same_as_last(m, company ? 0 : 1, s, n, &last))
        return *last;
    *last = name_id_lookup(m, company, s, n);
    return *last;
}

static int64_t name_id_lookup(imp *m, bool company, const char *s, size_t n)
{
    uint32_t sid = strtab_intern(m->names, s, n);
    int64_t *slot = id_slot(m, company ? &m->company_id : &m->driver_id, sid);
    if (*slot)
        return *slot;
    cdb_stmt *ins = company ? m->ins_company : m->ins_driver, *get = company ? m->get_company : m->get_driver;
    cdb_bind_text(ins, 1, s, n);
    if (!cdb_run(ins)) {
        db_fail(m);
        return 0;
    }
    cdb_bind_text(get, 1, s, n);
    if (cdb_step(get) != CDB_ROW) {
        cdb_reset(get);
        db_fail(m);
        return 0;
    }
    *slot = cdb_int(get, 0);
    cdb_reset(get);
    return *slot;
}

/* The id of a vehicle.  With `update`, its class, company and registry
 * match are set from vehicles.csv (the latest output read names them);
 * otherwise a new vehicle gets the event's. */
static int64_t vehicle_id(imp *m, const char *plate, size_t pn, int color, const char *cls, size_t cn,
                          int64_t company, int registered, bool update)
{
    /* the key "plate|colour": the colour has no '|', so the last one
     * ends the plate whatever bytes the plate holds */
    rl_buf key = {0};
    buf_put(&key, plate, pn);
    buf_printf(&key, "|%d", color);
    int64_t *last;
    if (same_as_last(m, 2, key.p, key.len, &last) && !update) {
        buf_free(&key);
        return *last;
    }
    uint32_t sid = strtab_intern(m->names, key.p, key.len);
    buf_free(&key);
    uint32_t *slot = u64map_put(&m->vehicle, (uint64_t)sid + 1, 0);
    if (*slot && !update)
        return *last = m->vehicle_ids[*slot - 1];
    int64_t id = 0;
    /* both statements take plate, colour, class, company, registered */
    cdb_stmt *s = update ? m->ups_vehicle : m->ins_vehicle;
    cdb_bind_text(s, 1, plate, pn);
    cdb_bind_int(s, 2, color);
    cdb_bind_text(s, 3, cls, cn);
    cdb_bind_int(s, 4, company);
    cdb_bind_int(s, 5, registered);
    if (update) {
        if (cdb_step(s) == CDB_ROW)
            id = cdb_int(s, 0);
        else
            db_fail(m);
        cdb_reset(s);
    } else {
        if (!cdb_run(s))
            db_fail(m);
        cdb_stmt *g = m->get_vehicle;
        cdb_bind_text(g, 1, plate, pn);
        cdb_bind_int(g, 2, color);
        if (cdb_step(g) == CDB_ROW)
            id = cdb_int(g, 0);
        else
            db_fail(m);
        cdb_reset(g);
    }
    *last = id;
    if (!id)
        return 0;
    if (!*slot) {
        m->vehicle_ids = xrealloc(m->vehicle_ids, (m->nvehicles + 1) * sizeof *m->vehicle_ids);
        m->vehicle_ids[m->nvehicles++] = id;
        *slot = (uint32_t)m->nvehicles;
    }
    return id;
}

/* ---- rejects ---- */

static bool reject(imp *m, uint64_t line, const char *why)
{
    m->c.rejected++;
    fprintf(stderr, "roadlog ledger import: %s:%llu: %s%s\n", m->file, (unsigned long long)line, why,
            m->strict ? " (stopping: --strict)" : "");
    if (m->strict)
        m->rejected_strict = true;
    return !m->strict;
}

static bool on_reject(csvtable *t, uint64_t line, const char *reason) { return reject(t->ud, line, reason); }

/* ---- vehicles.csv ---- */

static bool vehicle_row(csvtable *t, const csv_row *r)
{
    imp *m = t->ud;
    size_t pn, cn, kn, rn;
    const char *plate = csvtable_text(t, r, V_PLATE, &pn);
    if (!pn)
        return reject(m, r->line, "vehicle without a plate");
    const char *company = csvtable_text(t, r, V_COMPANY, &cn);
    const char *cls = csvtable_field(t, r, V_CLASS, &kn);
    const char *reg = csvtable_field(t, r, V_REGISTERED, &rn);
    int registered = rn == 3 && memcmp(reg, "yes", 3) == 0;
    int64_t cid = name_id(m, true, company, cn);
    if (!m->db_failed)
        vehicle_id(m, plate, pn, (int)csvtable_int(t, r, V_COLOR), cls, kn, cid, registered, true);
    return !m->db_failed;
}

/* ---- events.csv ---- */

typedef struct ev_version {
    const char *f[E_NCOLS];
    size_t n[E_NCOLS];
    event_type type;
    int64_t start, end;
    int points;
    const char *status;      /* closed, open, withdrawn */
    int64_t key;             /* case_id: the event_id as a number */
    uint64_t hash;
} ev_version;

static bool is_event_id(const char *s, size_t n)
{
    if (n != 16)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* A field as a C string in a small buffer (type, severity, status). */
static const char *cstr(const char *s, size_t n, char *buf, size_t cap)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, s, n);
    buf[n] = 0;
    return buf;
}

static const char *parse_time(imp *m, const char *s, size_t n, int64_t *t)
{
    return n ? tu_parse(&m->tp, s, n, t) : "empty";
}

/* Read and check a row; NULL or the reason it cannot be a case. */
static const char *read_event(imp *m, csvtable *t, const csv_row *r, ev_version *e)
{
    for (int k = 0; k < E_NCOLS; k++) {
        e->f[k] = csvtable_text(t, r, k, &e->n[k]);
    }
    char idb[24];
    if (!is_event_id(e->f[E_ID], e->n[E_ID]) || !cases_key(cstr(e->f[E_ID], e->n[E_ID], idb, sizeof idb), &e->key))
        return "event_id is not 16 hex digits (not an event roadlog wrote)";
    if (!e->n[E_PLATE])
        return "event without a plate";
    char b[64];
    if (!event_type_parse(cstr(e->f[E_TYPE], e->n[E_TYPE], b, sizeof b), &e->type))
        return "unknown event type";
    if (parse_time(m, e->f[E_START], e->n[E_START], &e->start))
        return "start_time is not a time";
    if (parse_time(m, e->f[E_END], e->n[E_END], &e->end))
        e->end = e->start;
    const char *st = cstr(e->f[E_STATUS], e->n[E_STATUS], b, sizeof b);
    /* outputs from before the status column: every event is closed */
    if (!*st || strcmp(st, "closed") == 0)
        e->status = "closed";
    else if (strcmp(st, "open") == 0)
        e->status = "open";
    else if (strcmp(st, "withdrawn") == 0)
        e->status = "withdrawn";
    else
        return "status is not closed, open or withdrawn";
    char sev[128];
    e->points = severity_points(cstr(e->f[E_TEXT0 + 9], e->n[E_TEXT0 + 9], sev, sizeof sev));
    /* the version's fingerprint: every field, length-delimited */
    uint64_t h = 0x6c6564676572ULL;
    for (int k = 0; k < E_NCOLS; k++) {
        h = rl_hash(&e->n[k], sizeof e->n[k], h);
        h = rl_hash(e->f[k], e->n[k], h);
    }
    e->hash = h;
    return NULL;
}

/* Bind the event block: vehicle .. row_hash. */
static void bind_block(imp *m, cdb_stmt *s, int i, const ev_version *e, int64_t vid, int64_t cid, int64_t did)
{
    cdb_bind_int(s, i++, vid);
    cdb_bind_int(s, i++, cid);
    cdb_bind_int(s, i++, did);
    cdb_bind_str(s, i++, event_type_name(e->type));
    cdb_bind_int(s, i++, e->start);
    cdb_bind_int(s, i++, e->end);
    cdb_bind_int(s, i++, e->points);
    for (int k = 0; k < CASES_EVENT_NTEXT; k++)
        cdb_bind_text(s, i++, e->f[E_TEXT0 + k], e->n[E_TEXT0 + k]);
    cdb_bind_str(s, i++, e->status);
    cdb_bind_str(s, i++, m->run_id);
    cdb_bind_int(s, i++, m->chain_seq);
    cdb_bind_int(s, i++, (int64_t)e->hash);
}

static bool history(imp *m, const ev_version *e, const char *from, const char *to, const char *note)
{
    cdb_stmt *s = m->ins_hist;
    cdb_bind_int(s, 1, e->key);
    cdb_bind_str(s, 2, from);
    cdb_bind_str(s, 3, to);
    cdb_bind_str(s, 4, m->lg->by);
    cdb_bind_int(s, 5, m->lg->now);
    cdb_bind_str(s, 6, note);
    cdb_bind_null(s, 7);
    if (!cdb_run(s)) {
        db_fail(m);
        return false;
    }
    return true;
}

/* Move a case's status as the data says (withdrawn, reported again). */
static bool auto_status(imp *m, const ev_version *e, const char *from, const char *to, bool dismissed, const char *note)
{
    cdb_stmt *s = m->set_status;
    cdb_bind_str(s, 1, to);
    cdb_bind_int(s, 2, dismissed);
    cdb_bind_int(s, 3, m->lg->now);
    cdb_bind_str(s, 4, m->lg->by);
    cdb_bind_int(s, 5, e->key);
    cdb_bind_str(s, 6, from);
    if (!cdb_run(s)) {
        db_fail(m);
        return false;
    }
    if (cdb_changes(s) != 1) {
        /* a clerk changed it meanwhile (PostgreSQL): do the output again */
        m->retry = m->db_failed = true;
        cdb_set_error(m->db, true, "case %.16s changed during the import", e->f[E_ID]);
        return false;
    }
    return history(m, e, from, to, note);
}

#define WITHDRAWN_NOTE "withdrawn by later data"
#define REPORTED_AGAIN_NOTE "reported again by later data"

static bool event_row(csvtable *t, const csv_row *r)
{
    imp *m = t->ud;
    ev_version e;
    const char *why = read_event(m, t, r, &e);
    if (why)
        return reject(m, r->line, why);
    int64_t cid = name_id(m, true, e.f[E_COMPANY], e.n[E_COMPANY]);
    int64_t did = name_id(m, false, e.f[E_DRIVER], e.n[E_DRIVER]);
    int64_t vid = m->db_failed ? 0
                               : vehicle_id(m, e.f[E_PLATE], e.n[E_PLATE], (int)csvtable_int(t, r, E_COLOR),
                                            e.f[E_TEXT0], e.n[E_TEXT0], cid, e.n[E_COMPANY] > 0, false);
    if (m->db_failed)
        return false;
    bool withdrawn = strcmp(e.status, "withdrawn") == 0;
    const char *status = withdrawn ? "dismissed" : "open";
    cdb_stmt *s = m->ins_case;
    cdb_bind_int(s, 1, e.key);
    cdb_bind_text(s, 2, e.f[E_ID], 16);
    bind_block(m, s, 3, &e, vid, cid, did);
    int i = 3 + EV_BLOCK_N;
    cdb_bind_str(s, i++, status);
    cdb_bind_int(s, i++, cases_day_end(e.start, (int)m->lg->rules.v[R_LEDGER_DEADLINE_DAYS], m->tz));
    cdb_bind_int(s, i++, m->lg->now);
    cdb_bind_str(s, i++, m->lg->by);
    cdb_bind_str(s, i++, m->run_id);
    cdb_bind_int(s, i++, m->lg->now);
    cdb_bind_str(s, i++, m->lg->by);
    cdb_bind_int(s, i++, withdrawn);
    if (!cdb_run(s)) {
        db_fail(m);
        return false;
    }
    if (cdb_changes(s) == 1) {
        /* a new case: open since now (cases.opened_*), or dismissed at
         * once, which history says */
        m->c.added++;
        if (!withdrawn)
            return true;
        m->c.dismissed++;
        return history(m, &e, "", status, WITHDRAWN_NOTE);
    }
    /* a case already: which version stands? */
    s = m->get_case;
    cdb_bind_int(s, 1, e.key);
    if (cdb_step(s) != CDB_ROW) {
        cdb_reset(s);
        db_fail(m);
        return false;
    }
    int64_t stored_seq = cdb_int(s, 0), stored_hash = cdb_int(s, 1), auto_dismissed = cdb_int(s, 3);
    char cur[32], stored_run[40];
    size_t n;
    const char *p = cdb_text(s, 2, &n);
    cstr(p, n, cur, sizeof cur);
    p = cdb_text(s, 4, &n);
    cstr(p, n, stored_run, sizeof stored_run);
    cdb_reset(s);
    if (m->chain_seq < stored_seq) {
        m->c.unchanged++; /* an earlier run of the chain: the later version stands */
        return true;
    }
    if ((int64_t)e.hash == stored_hash) {
        m->c.unchanged++;
        if (m->chain_seq == stored_seq && strcmp(stored_run, m->run_id) == 0)
            return true;
        /* the same version from a later run: it now stands for that run */
        s = m->bump_case;
        cdb_bind_str(s, 1, m->run_id);
        cdb_bind_int(s, 2, m->chain_seq);
        cdb_bind_int(s, 3, e.key);
        if (!cdb_run(s)) {
            db_fail(m);
            return false;
        }
        return true;
    }
    s = m->upd_case;
    bind_block(m, s, 1, &e, vid, cid, did);
    cdb_bind_int(s, 1 + EV_BLOCK_N, e.key);
    cdb_bind_int(s, 2 + EV_BLOCK_N, stored_hash);
    if (!cdb_run(s)) {
        db_fail(m);
        return false;
    }
    if (cdb_changes(s) != 1) {
        m->retry = m->db_failed = true;
        cdb_set_error(m->db, true, "case %.16s changed during the import", e.f[E_ID]);
        return false;
    }
    m->c.updated++;
    if (withdrawn && strcmp(cur, "dismissed") != 0) {
        m->c.dismissed++;
        return auto_status(m, &e, cur, "dismissed", true, WITHDRAWN_NOTE);
    }
    if (!withdrawn && strcmp(cur, "dismissed") == 0 && auto_dismissed) {
        m->c.reopened++;
        return auto_status(m, &e, cur, "open", false, REPORTED_AGAIN_NOTE);
    }
    return true;
}

/* ---- vehicle_days.csv ---- */

static bool day_row(csvtable *t, const csv_row *r)
{
    imp *m = t->ud;
    csvtable_vday v;
    const char *why = csvtable_vday_read(t, r, &v);
    if (why)
        return reject(m, r->line, why);
    int64_t vid = vehicle_id(m, v.plate, v.plate_len, v.color, "", 0, name_id(m, true, "", 0), 0, false);
    if (m->db_failed)
        return false;
    cdb_stmt *s = m->ins_vday;
    cdb_bind_str(s, 1, m->run_id);
    cdb_bind_int(s, 2, vid);
    cdb_bind_int(s, 3, v.day);
    cdb_bind_int(s, 4, vid);
    cdb_bind_int(s, 5, (int64_t)v.points);
    cdb_bind_int(s, 6, (int64_t)v.accepted);
    cdb_bind_int(s, 7, (int64_t)v.drift);
    cdb_bind_int(s, 8, v.distance_m);
    if (v.have_gap)
        cdb_bind_int(s, 9, v.gap_m);
    else
        cdb_bind_null(s, 9);
    cdb_bind_int(s, 10, v.driving_s);
    if (!cdb_run(s)) {
        db_fail(m);
        return false;
    }
    m->c.vehicle_days++;
    return true;
}

/* ---- run.json ---- */

static bool plain_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= 40)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
            return false;
    return true;
}

/* A name for a run without a run_id: a hash of what identifies it. */
static void hash_file_id(const char *path, char out[40])
{
    uint64_t h = 0x72756e;
    FILE *f = fopen(path, "rb");
    if (f) {
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            h = rl_hash(buf, n, h);
        fclose(f);
    } else {
        h = rl_hash(path, strlen(path), h);
    }
    snprintf(out, 40, "%016llx", (unsigned long long)h);
}

static void read_run(imp *m, const char *dir, const char *events)
{
    m->run_id[0] = m->resumed[0] = 0;
    m->chain_seq = 0;
    m->tz = 8 * 3600;
    rl_buf p = {0};
    if (dir) {
        buf_printf(&p, "%s/run.json", dir);
        json_error_t je;
        json_t *root = json_load_file(p.p, 0, &je);
        if (root) {
            const char *id = json_string_value(json_object_get(root, "run_id"));
            if (id && plain_id(id))
                snprintf(m->run_id, sizeof m->run_id, "%s", id);
            json_t *seq = json_object_get(root, "chain_seq");
            if (json_is_integer(seq) && json_integer_value(seq) >= 0)
                m->chain_seq = json_integer_value(seq);
            json_t *rf = json_object_get(root, "resumed_from");
            const char *rid = json_string_value(json_object_get(rf, "run_id"));
            if (rid && plain_id(rid))
                snprintf(m->resumed, sizeof m->resumed, "%s", rid);
            const char *tz = json_string_value(json_object_get(root, "tz"));
            int32_t off;
            if (tz && tu_parse_tz(tz, &off))
                m->tz = off;
            json_decref(root);
        } else if (access(p.p, F_OK) == 0) {
            fprintf(stderr, "roadlog ledger import: %s: cannot read it (%s, line %d): the output counts as a "
                            "run of its own (chain_seq 0, zone +08:00)\n",
                    p.p, je.text, je.line);
        }
        if (!m->run_id[0] && access(p.p, R_OK) == 0)
            hash_file_id(p.p, m->run_id);
    }
    if (!m->run_id[0])
        hash_file_id(events, m->run_id);
    buf_free(&p);
    tu_parser_init(&m->tp, m->tz);
}

/* ---- one output ---- */

static cdb_stmt *prep(imp *m, const char *sql)
{
    cdb_stmt *s = cdb_prepare(m->db, sql);
    if (!s)
        m->db_failed = true;
    return s;
}

static void prepare_all(imp *m)
{
    rl_buf cols = {0}, qs = {0}, sets = {0};
    buf_puts(&cols, "vehicle_id, company_id, driver_id, type, start_time, end_time, points");
    buf_puts(&sets, "vehicle_id = ?, company_id = ?, driver_id = ?, type = ?, start_time = ?, end_time = ?, "
                    "points = ?");
    for (int k = 0; k < CASES_EVENT_NTEXT; k++) {
        buf_printf(&cols, ", ev_%s", CASES_EVENT_TEXT[k]);
        buf_printf(&sets, ", ev_%s = ?", CASES_EVENT_TEXT[k]);
    }
    buf_puts(&cols, ", event_status, run_id, chain_seq, row_hash");
    buf_puts(&sets, ", event_status = ?, run_id = ?, chain_seq = ?, row_hash = ?");
    for (int k = 0; k < EV_BLOCK_N; k++)
        buf_puts(&qs, ", ?");
    rl_buf sql = {0};
    buf_printf(&sql,
               "INSERT INTO cases (case_id, event_id, %s, status, deadline, opened_at, opened_by, opened_run, "
               "changed_at, changed_by, auto_dismissed) VALUES (?, ?%s, ?, ?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT (case_id) DO NOTHING",
               cols.p, qs.p);
    m->ins_case = prep(m, sql.p);
    sql.len = 0;
    buf_printf(&sql, "UPDATE cases SET %s WHERE case_id = ? AND row_hash = ?", sets.p);
    m->upd_case = prep(m, sql.p);
    buf_free(&sql);
    buf_free(&cols);
    buf_free(&qs);
    buf_free(&sets);
    m->get_case = prep(m, "SELECT chain_seq, row_hash, status, auto_dismissed, run_id FROM cases WHERE case_id = ?");
    m->bump_case = prep(m, "UPDATE cases SET run_id = ?, chain_seq = ? WHERE case_id = ?");
    m->set_status = prep(m, "UPDATE cases SET status = ?, auto_dismissed = ?, changed_at = ?, changed_by = ? "
                            "WHERE case_id = ? AND status = ?");
    m->ins_hist = prep(m, "INSERT INTO history (case_id, from_status, to_status, by_name, at, note, deadline) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)");
    m->ins_company = prep(m, "INSERT INTO companies (name) VALUES (?) ON CONFLICT (name) DO NOTHING");
    m->get_company = prep(m, "SELECT id FROM companies WHERE name = ?");
    m->ins_driver = prep(m, "INSERT INTO drivers (name) VALUES (?) ON CONFLICT (name) DO NOTHING");
    m->get_driver = prep(m, "SELECT id FROM drivers WHERE name = ?");
    m->ups_vehicle = prep(m, "INSERT INTO vehicles (plate, plate_color, class, company_id, registered) "
                             "VALUES (?, ?, ?, ?, ?) ON CONFLICT (plate, plate_color) DO UPDATE SET "
                             "class = excluded.class, company_id = excluded.company_id, "
                             "registered = excluded.registered RETURNING id");
    m->ins_vehicle = prep(m, "INSERT INTO vehicles (plate, plate_color, class, company_id, registered) "
                             "VALUES (?, ?, ?, ?, ?) ON CONFLICT (plate, plate_color) DO NOTHING");
    m->get_vehicle = prep(m, "SELECT id FROM vehicles WHERE plate = ? AND plate_color = ?");
    m->del_vdays = prep(m, "DELETE FROM vehicle_days WHERE run_id = ?");
    /* the company is the one the vehicle has after this output's
     * vehicles.csv: the company it had that day */
    m->ins_vday = prep(m, "INSERT INTO vehicle_days (run_id, vehicle_id, day, company_id, points, accepted, drift, "
                          "distance_m, gap_m, driving_s) VALUES (?, ?, ?, "
                          "(SELECT company_id FROM vehicles WHERE id = ?), ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (run_id, vehicle_id, day) DO UPDATE SET company_id = excluded.company_id, "
                          "points = excluded.points, accepted = excluded.accepted, drift = excluded.drift, "
                          "distance_m = excluded.distance_m, gap_m = excluded.gap_m, driving_s = excluded.driving_s");
}

static void finalize_all(imp *m)
{
    cdb_stmt **all[] = {&m->ins_case, &m->get_case, &m->upd_case, &m->bump_case, &m->set_status, &m->ins_hist,
                        &m->ins_company, &m->get_company, &m->ins_driver, &m->get_driver, &m->ups_vehicle,
                        &m->ins_vehicle, &m->get_vehicle, &m->ins_vday, &m->del_vdays};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        cdb_finalize(*all[i]);
        *all[i] = NULL;
    }
}

/* The chain a run belongs to: its predecessor's, when that was imported;
 * runs imported before their predecessor are relabelled to join it. */
/* The chain stored for a run, into m->chain (left as it is when the run
 * is not in the ledger). */
static bool stored_chain(imp *m, const char *run_id)
{
    cdb_stmt *s = prep(m, "SELECT chain FROM runs WHERE run_id = ?");
    if (!s)
        return false;
    cdb_bind_str(s, 1, run_id);
    if (cdb_step(s) == CDB_ROW) {
        size_t n;
        const char *c = cdb_text(s, 0, &n);
        cstr(c, n, m->chain, sizeof m->chain);
    }
    cdb_finalize(s);
    return true;
}

static bool register_run(imp *m, const char *shown_path)
{
    snprintf(m->chain, sizeof m->chain, "%s", m->resumed[0] ? m->resumed : m->run_id);
    if (m->resumed[0] && !stored_chain(m, m->resumed))
        return false;
    cdb_stmt *s = prep(m, "INSERT INTO runs (run_id, chain, chain_seq, resumed_from, path, tz, imported_at, "
                          "imported_by, events, added, updated, unchanged, rejected) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0) ON CONFLICT (run_id) DO UPDATE SET "
                          "path = excluded.path, imported_at = excluded.imported_at, "
                          "imported_by = excluded.imported_by");
    if (!s)
        return false;
    cdb_bind_str(s, 1, m->run_id);
    cdb_bind_str(s, 2, m->chain);
    cdb_bind_int(s, 3, m->chain_seq);
    cdb_bind_str(s, 4, m->resumed);
    cdb_bind_str(s, 5, shown_path);
    cdb_bind_int(s, 6, m->tz);
    cdb_bind_int(s, 7, m->lg->now);
    cdb_bind_str(s, 8, m->lg->by);
    bool ok = cdb_run(s);
    cdb_finalize(s);
    /* the stored chain of this run (a re-import keeps it) */
    ok = ok && stored_chain(m, m->run_id);
    /* later runs of this chain imported first named it after this run */
    s = ok ? prep(m, "UPDATE runs SET chain = ? WHERE chain = ? AND run_id <> ?") : NULL;
    if (s) {
        cdb_bind_str(s, 1, m->chain);
        cdb_bind_str(s, 2, m->run_id);
        cdb_bind_str(s, 3, m->run_id);
        ok = cdb_run(s);
        cdb_finalize(s);
    }
    if (!ok)
        db_fail(m);
    return ok && !m->db_failed;
}

static bool finish_run(imp *m)
{
    cdb_stmt *s = prep(m, "UPDATE runs SET events = ?, added = ?, updated = ?, unchanged = ?, rejected = ? "
                          "WHERE run_id = ?");
    if (!s)
        return false;
    cdb_bind_int(s, 1, (int64_t)(m->c.added + m->c.updated + m->c.unchanged));
    cdb_bind_int(s, 2, (int64_t)m->c.added);
    cdb_bind_int(s, 3, (int64_t)m->c.updated);
    cdb_bind_int(s, 4, (int64_t)m->c.unchanged);
    cdb_bind_int(s, 5, (int64_t)m->c.rejected);
    cdb_bind_str(s, 6, m->run_id);
    bool ok = cdb_run(s);
    cdb_finalize(s);
    return ok;
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

typedef enum { IMP_OK, IMP_FAILED, IMP_RETRY } imp_result;

static imp_result import_once(imp *m, const char *dir, const char *events)
{
    cases_ledger *lg = m->lg;
    memset(&m->c, 0, sizeof m->c);
    m->db_failed = m->retry = m->rejected_strict = false;
    m->names = strtab_new();
    for (int k = 0; k < 3; k++)
        m->last[k].id = 0;
    u64map_init(&m->vehicle);
    m->nvehicles = 0;
    read_run(m, dir, events);
    bool ok = cdb_begin(m->db, false);
    if (ok) {
        prepare_all(m);
        ok = !m->db_failed && register_run(m, dir ? dir : events);
    }
    rl_buf p = {0};
    if (ok && dir) {
        buf_printf(&p, "%s/vehicles.csv", dir);
        if (is_file(p.p)) {
            csvtable t = {.want = VEH_COLS, .row = vehicle_row, .reject = on_reject, .ud = m};
            m->file = p.p;
            ok = csvtable_read(&t, p.p) || (fprintf(stderr, "roadlog ledger import: %s: %s\n", p.p,
                                                    strerror(errno)), false);
            ok = ok && !m->db_failed && !m->rejected_strict;
        }
    }
    if (ok) {
        csvtable t = {.want = EV_COLS, .row = event_row, .reject = on_reject, .ud = m};
        m->file = events;
        if (!csvtable_read(&t, events)) {
            fprintf(stderr, "roadlog ledger import: %s: %s\n", events, strerror(errno));
            ok = false;
        } else if (t.rows && (!csvtable_has(&t, E_ID) || !csvtable_has(&t, E_PLATE) || !csvtable_has(&t, E_TYPE) ||
                              !csvtable_has(&t, E_START))) {
            fprintf(stderr, "roadlog ledger import: %s: not an events.csv (needs event_id, plate, type, "
                            "start_time)\n", events);
            ok = false;
        }
        ok = ok && !m->db_failed && !m->rejected_strict;
    }
    if (ok && dir) {
        p.len = 0;
        buf_printf(&p, "%s/vehicle_days.csv", dir);
        if (is_file(p.p)) {
            cdb_bind_str(m->del_vdays, 1, m->run_id);
            ok = cdb_run(m->del_vdays);
            if (!ok)
                db_fail(m);
            csvtable t = {.want = CSVTABLE_VDAY_COLS, .row = day_row, .reject = on_reject, .ud = m};
            m->file = p.p;
            ok = ok && csvtable_read(&t, p.p);
            ok = ok && !m->db_failed && !m->rejected_strict;
        }
    }
    buf_free(&p);
    ok = ok && finish_run(m);
    finalize_all(m);
    imp_result res = IMP_OK;
    if (ok && !cdb_commit(m->db)) {
        ok = false;
        db_fail(m);
    }
    if (!ok) {
        cdb_rollback(m->db);
        res = m->retry ? IMP_RETRY : IMP_FAILED;
        if (res == IMP_FAILED && m->db_failed)
            fprintf(stderr, "roadlog ledger import: %s: %s\n", cdb_target(lg->db), cdb_error(lg->db));
    }
    strtab_free(m->names);
    u64map_free(&m->vehicle);
    free(m->company_id);
    free(m->driver_id);
    free(m->vehicle_ids);
    m->company_id = m->driver_id = NULL;
    m->vehicle_ids = NULL;
    m->cap_ids = 0;
    return res;
}

static bool import_output(cases_ledger *lg, const char *out_path, bool strict, FILE *out, cases_import_counts *total)
{
    imp m;
    memset(&m, 0, sizeof m);
    m.lg = lg;
    m.db = lg->db;
    m.path = out_path;
    m.strict = strict;
    bool folder = !is_file(out_path);
    rl_buf ev = {0};
    if (folder)
        buf_printf(&ev, "%s/events.csv", out_path);
    else
        buf_puts(&ev, out_path);
    imp_result r = IMP_RETRY;
    for (int attempt = 0; attempt < 8 && r == IMP_RETRY; attempt++) {
        if (attempt)
            usleep((useconds_t)(2000 * (1 << attempt) + (unsigned)getpid() % 1000));
        r = import_once(&m, folder ? out_path : NULL, ev.p);
    }
    buf_free(&ev);
    for (int k = 0; k < 3; k++)
        buf_free(&m.last[k].text);
    if (r != IMP_OK) {
        if (r == IMP_RETRY)
            fprintf(stderr, "roadlog ledger import: %s: other clerks kept changing its cases; try again\n",
                    out_path);
        fprintf(stderr, "roadlog ledger import: %s: not imported (the ledger is as it was)\n", out_path);
        return false;
    }
    if (out) {
        fprintf(out, "%s: %llu added, %llu updated, %llu unchanged", out_path, (unsigned long long)m.c.added,
                (unsigned long long)m.c.updated, (unsigned long long)m.c.unchanged);
        if (m.c.dismissed)
            fprintf(out, " (%llu dismissed: withdrawn by later data)", (unsigned long long)m.c.dismissed);
        if (m.c.reopened)
            fprintf(out, " (%llu reopened: reported again)", (unsigned long long)m.c.reopened);
        if (m.c.rejected)
            fprintf(out, "; %llu rows rejected", (unsigned long long)m.c.rejected);
        fputc('\n', out);
    }
    if (total) {
        total->added += m.c.added;
        total->updated += m.c.updated;
        total->unchanged += m.c.unchanged;
        total->rejected += m.c.rejected;
        total->dismissed += m.c.dismissed;
        total->reopened += m.c.reopened;
        total->vehicle_days += m.c.vehicle_days;
    }
    return true;
}

bool cases_import_path(cases_ledger *lg, const char *path, bool strict, FILE *out, cases_import_counts *total)
{
    char **outs;
    errno = 0;
    size_t n = csvtable_outputs(path, &outs);
    if (!n) {
        struct stat st;
        if (stat(path, &st) == 0)
            fprintf(stderr, "roadlog ledger import: %s: no events.csv in it or in its sub-folders (not an output "
                            "of roadlog analyze)\n", path);
        else
            fprintf(stderr, "roadlog ledger import: %s: %s\n", path, strerror(errno ? errno : ENOENT));
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        ok &= import_output(lg, outs[i], strict, out, total);
        free(outs[i]);
    }
    free(outs);
    return ok;
}
