/*
 * cases.c - the case ledger's schema, statuses and transitions (see
 * cases.h).  Import is in cases_import.c, reading in cases_query.c.
 */
#include "cases.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "timeutil.h"
#include "util.h"

/* ---- statuses ---- */

static const struct {
    const char *en, *zh;
} status_names[CASE_NSTATUS] = {
    [CASE_OPEN] = {"open", "待处理"},
    [CASE_NOTIFIED] = {"notified", "已通知"},
    [CASE_SUPERVISED] = {"supervised", "挂牌督办"},
    [CASE_RECTIFIED] = {"rectified", "已整改"},
    [CASE_CLOSED] = {"closed", "已销号"},
    [CASE_DISMISSED] = {"dismissed", "已撤销"},
};

const char *case_status_name(case_status s) { return s < CASE_NSTATUS ? status_names[s].en : "?"; }
const char *case_status_zh(case_status s) { return s < CASE_NSTATUS ? status_names[s].zh : "?"; }

bool case_status_parse(const char *s, case_status *out)
{
    for (int i = 0; i < CASE_NSTATUS; i++)
        if (strcmp(s, status_names[i].en) == 0 || strcmp(s, status_names[i].zh) == 0) {
            *out = (case_status)i;
            return true;
        }
    return false;
}

bool case_transition_allowed(case_status from, case_status to)
{
    switch (from) {
    case CASE_OPEN: return to == CASE_NOTIFIED || to == CASE_DISMISSED;
    case CASE_NOTIFIED: return to == CASE_SUPERVISED || to == CASE_DISMISSED;
    case CASE_SUPERVISED: return to == CASE_RECTIFIED || to == CASE_DISMISSED;
    case CASE_RECTIFIED: return to == CASE_CLOSED;
    case CASE_CLOSED:
    case CASE_DISMISSED: return to == CASE_OPEN;
    default: return false;
    }
}

bool case_transition_needs_note(case_status from, case_status to)
{
    /* a dismissal (申诉成立/误报) and a reopening must say why */
    return to == CASE_DISMISSED || (to == CASE_OPEN && (from == CASE_CLOSED || from == CASE_DISMISSED));
}

void case_transitions_from(case_status from, char *out, size_t n)
{
    size_t k = 0;
    out[0] = 0;
    for (int i = 0; i < CASE_NSTATUS; i++)
        if (case_transition_allowed(from, (case_status)i) && k < n)
            k += (size_t)snprintf(out + k, n - k, "%s%s", k ? ", " : "", status_names[i].en);
}

bool cases_key(const char *event_id, int64_t *key)
{
    uint64_t v;
    if (!id64_parse(event_id, &v))
        return false;
    memcpy(key, &v, sizeof v);
    return true;
}

/* ---- calendar months in a fixed zone ---- */

static int month_days(int64_t y, unsigned m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

int64_t cases_add_months(int64_t utc, int months, int32_t tz)
{
    int64_t day = tu_local_day(utc, tz);
    int64_t sod = tu_local_sod(utc, tz);
    int64_t y;
    unsigned m, d;
    tu_civil_from_days(day, &y, &m, &d);
    int64_t mi = y * 12 + (m - 1) + months;
    int64_t ny = mi >= 0 ? mi / 12 : -((-mi + 11) / 12);
    unsigned nm = (unsigned)(mi - ny * 12) + 1;
    unsigned nd = d;
    if ((int)nd > month_days(ny, nm))
        nd = (unsigned)month_days(ny, nm);
    return tu_days_from_civil(ny, nm, nd) * RL_DAY_S + sod - tz;
}

int64_t cases_month_start(int64_t utc, int n, int32_t tz)
{
    int64_t y;
    unsigned m, d;
    tu_civil_from_days(tu_local_day(utc, tz), &y, &m, &d);
    int64_t mi = y * 12 + (m - 1) + n;
    int64_t ny = mi >= 0 ? mi / 12 : -((-mi + 11) / 12);
    unsigned nm = (unsigned)(mi - ny * 12) + 1;
    return tu_days_from_civil(ny, nm, 1) * RL_DAY_S - tz;
}

bool cases_parse_month(const char *s, int32_t tz, int64_t *start)
{
    if (strlen(s) != 7 || s[4] != '-')
        return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return false;
    int64_t y = atoi(s);
    unsigned m = (unsigned)atoi(s + 5);
    if (m < 1 || m > 12)
        return false;
    *start = tu_days_from_civil(y, m, 1) * RL_DAY_S - tz;
    return true;
}

int64_t cases_day_end(int64_t utc, int days, int32_t tz)
{
    return (tu_local_day(utc, tz) + days + 1) * RL_DAY_S - tz - 1;
}

/* ---- the schema ---- */

/* Version 1.  The columns a scan of every case reads (cases_stats.c)
 * come first, the event's text last: SQLite decodes a row's header only
 * up to the last column asked for.  A case opened by an import has no history row: it is
 * `open` from opened_at (by opened_by, from the run opened_run); history
 * holds the changes, and the creation of a case that arrives already
 * withdrawn (dismissed at once).  A case's key is its event_id read as a 64-bit number
 * (case_id; event_id keeps the text): the ids are random, and an integer
 * key that is SQLite's rowid spares an index on text that every insert
 * would seek in.  Text from logs and users is {TEXT} (bytea in PostgreSQL,
 * see cdb.h); roadlog's own words (statuses, event types) are TEXT.
 * Times are UTC seconds; vehicle_days.day is the local day number of the
 * output's zone; distances are metres (the outputs' km have 3 decimals). */
static const char *const schema_v1[] = {
    "CREATE TABLE schema_version (app TEXT NOT NULL, version BIGINT NOT NULL)",
    "CREATE TABLE runs (run_id TEXT PRIMARY KEY, chain TEXT NOT NULL, chain_seq BIGINT NOT NULL, "
    "resumed_from TEXT NOT NULL, path {TEXT} NOT NULL, tz BIGINT NOT NULL, imported_at BIGINT NOT NULL, "
    "imported_by {TEXT} NOT NULL, events BIGINT NOT NULL, added BIGINT NOT NULL, updated BIGINT NOT NULL, "
    "unchanged BIGINT NOT NULL, rejected BIGINT NOT NULL)",
    "CREATE TABLE companies (id {ID}, name {TEXT} NOT NULL UNIQUE)",
    "CREATE TABLE drivers (id {ID}, name {TEXT} NOT NULL UNIQUE)",
    "CREATE TABLE vehicles (id {ID}, plate {TEXT} NOT NULL, plate_color BIGINT NOT NULL, class TEXT NOT NULL, "
    "company_id BIGINT NOT NULL REFERENCES companies (id), registered BIGINT NOT NULL, "
    "UNIQUE (plate, plate_color))",
    "CREATE TABLE cases (case_id {KEY}, event_id TEXT NOT NULL, "
    "vehicle_id BIGINT NOT NULL REFERENCES vehicles (id), company_id BIGINT NOT NULL REFERENCES companies (id), "
    "driver_id BIGINT NOT NULL REFERENCES drivers (id), type TEXT NOT NULL, start_time BIGINT NOT NULL, "
    "end_time BIGINT NOT NULL, points BIGINT NOT NULL, status TEXT NOT NULL, deadline BIGINT NOT NULL, "
    "event_status TEXT NOT NULL, run_id TEXT NOT NULL, chain_seq BIGINT NOT NULL, row_hash BIGINT NOT NULL, "
    "opened_at BIGINT NOT NULL, opened_by {TEXT} NOT NULL, opened_run TEXT NOT NULL, changed_at BIGINT NOT NULL, "
    "changed_by {TEXT} NOT NULL, auto_dismissed BIGINT NOT NULL, "
    "ev_class {TEXT} NOT NULL, ev_duration_s {TEXT} NOT NULL, ev_start_lon {TEXT} NOT NULL, "
    "ev_start_lat {TEXT} NOT NULL, ev_end_lon {TEXT} NOT NULL, ev_end_lat {TEXT} NOT NULL, "
    "ev_value {TEXT} NOT NULL, ev_limit {TEXT} NOT NULL, ev_excess_pct {TEXT} NOT NULL, "
    "ev_severity {TEXT} NOT NULL, ev_rule {TEXT} NOT NULL, ev_source {TEXT} NOT NULL, "
    "ev_evidence_points {TEXT} NOT NULL, ev_gps_time {TEXT} NOT NULL, ev_gps_distance_km {TEXT} NOT NULL, "
    "ev_zone_id {TEXT} NOT NULL, ev_zone_name {TEXT} NOT NULL, ev_road_type {TEXT} NOT NULL)",
    "CREATE INDEX cases_start ON cases (start_time)",
    "CREATE INDEX cases_vehicle ON cases (vehicle_id, start_time)",
    "CREATE TABLE history (id {ID}, case_id BIGINT NOT NULL REFERENCES cases (case_id), "
    "from_status TEXT NOT NULL, to_status TEXT NOT NULL, by_name {TEXT} NOT NULL, at BIGINT NOT NULL, "
    "note {TEXT} NOT NULL, deadline BIGINT)",
    "CREATE INDEX history_case ON history (case_id, id)",
    "CREATE TABLE vehicle_days (run_id TEXT NOT NULL REFERENCES runs (run_id), "
    "vehicle_id BIGINT NOT NULL REFERENCES vehicles (id), day BIGINT NOT NULL, "
    "company_id BIGINT NOT NULL REFERENCES companies (id), points BIGINT NOT NULL, accepted BIGINT NOT NULL, "
    "drift BIGINT NOT NULL, distance_m BIGINT NOT NULL, gap_m BIGINT, driving_s BIGINT NOT NULL, "
    "PRIMARY KEY (run_id, vehicle_id, day))",
    "CREATE INDEX vehicle_days_day ON vehicle_days (day)",
    NULL,
};

/* Upgrades: migrations[v] takes a ledger from version v to v + 1.  None
 * yet; a version 2 adds its statements here and raises
 * CASES_SCHEMA_VERSION. */
static const char *const *const migrations[CASES_SCHEMA_VERSION + 1] = {NULL};

#define LEDGER_APP "roadlog ledger"

static bool run_all(cdb *db, const char *const *sql)
{
    for (size_t i = 0; sql && sql[i]; i++)
        if (!cdb_exec(db, sql[i]))
            return false;
    return true;
}

/* The tables in the database, comma-separated, into *out; false on a
 * database error. */
static bool list_tables(cdb *db, rl_buf *out, bool *has_version)
{
    cdb_stmt *s = cdb_prepare(db, db->drv->list_tables_sql);
    if (!s)
        return false;
    int r;
    *has_version = false;
    while ((r = cdb_step(s)) == CDB_ROW) {
        size_t n;
        const char *t = cdb_text(s, 0, &n);
        if (n == 14 && memcmp(t, "schema_version", 14) == 0)
            *has_version = true;
        if (out->len)
            buf_puts(out, ", ");
        buf_put(out, t, n);
    }
    cdb_finalize(s);
    return r == CDB_DONE;
}

/* The version a ledger holds; -1 (with err) when the table is not ours. */
static int64_t read_version(cdb *db, char *err, size_t errlen)
{
    cdb_stmt *s = cdb_prepare(db, "SELECT app, version FROM schema_version");
    if (!s) {
        snprintf(err, errlen, "%s: not a roadlog ledger (schema_version: %s)", cdb_target(db), cdb_error(db));
        return -1;
    }
    int64_t v = -1;
    if (cdb_step(s) == CDB_ROW) {
        size_t n;
        const char *app = cdb_text(s, 0, &n);
        if (n == strlen(LEDGER_APP) && memcmp(app, LEDGER_APP, n) == 0)
            v = cdb_int(s, 1);
    }
    cdb_finalize(s);
    if (v < 1)
        snprintf(err, errlen, "%s: not a roadlog ledger (its schema_version table is another program's)",
                 cdb_target(db));
    return v;
}

/* Check the schema; with `create`, make it in an empty database or
 * upgrade an older one (one process at a time: an exclusive transaction,
 * checked again inside it). */
static bool check_schema(cdb *db, bool create, char *err, size_t errlen)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        rl_buf tables = {0};
        bool has_version;
        if (!list_tables(db, &tables, &has_version)) {
            snprintf(err, errlen, "%s: not a roadlog ledger: %s", cdb_target(db), cdb_error(db));
            buf_free(&tables);
            return false;
        }
        if (!has_version && tables.len) {
            snprintf(err, errlen, "%s: not a roadlog ledger: the database holds other tables (%.200s)",
                     cdb_target(db), tables.p);
            buf_free(&tables);
            return false;
        }
        buf_free(&tables);
        int64_t v = 0;
        if (has_version && (v = read_version(db, err, errlen)) < 0)
            return false;
        if (v > CASES_SCHEMA_VERSION) {
            snprintf(err, errlen,
                     "%s: the ledger has schema version %lld, newer than this roadlog knows (%d): "
                     "use a newer roadlog",
                     cdb_target(db), (long long)v, CASES_SCHEMA_VERSION);
            return false;
        }
        if (v == CASES_SCHEMA_VERSION)
            return true;
        if (!create) {
            snprintf(err, errlen, "%s: %s", cdb_target(db),
                     v ? "the ledger's schema is older: run `roadlog ledger import` once to upgrade it"
                       : "an empty database, not yet a ledger (`roadlog ledger import` makes one)");
            return false;
        }
        if (attempt)
            break;
        if (!cdb_begin(db, true)) {
            snprintf(err, errlen, "%s: %s", cdb_target(db), cdb_error(db));
            return false;
        }
        /* again inside the lock: another process may have just done it */
        rl_buf t2 = {0};
        bool hv2;
        bool ok = list_tables(db, &t2, &hv2);
        buf_free(&t2);
        int64_t v2 = ok && hv2 ? read_version(db, err, errlen) : 0;
        ok = ok && v2 >= 0;
        if (ok && v2 == 0) {
            ok = run_all(db, schema_v1);
            cdb_stmt *s = ok ? cdb_prepare(db, "INSERT INTO schema_version (app, version) VALUES (?, ?)") : NULL;
            if (s) {
                cdb_bind_str(s, 1, LEDGER_APP);
                cdb_bind_int(s, 2, 1);
                ok = cdb_run(s);
                cdb_finalize(s);
            } else {
                ok = false;
            }
            v2 = 1;
        }
        for (int64_t k = v2; ok && k > 0 && k < CASES_SCHEMA_VERSION; k++) {
            ok = run_all(db, migrations[k]);
            cdb_stmt *s = ok ? cdb_prepare(db, "UPDATE schema_version SET version = ?") : NULL;
            if (s) {
                cdb_bind_int(s, 1, k + 1);
                ok = cdb_run(s);
                cdb_finalize(s);
            } else {
                ok = false;
            }
        }
        if (!ok || !cdb_commit(db)) {
            if (!*err || ok)
                snprintf(err, errlen, "%s: cannot create the ledger's tables: %s", cdb_target(db), cdb_error(db));
            cdb_rollback(db);
            return false;
        }
    }
    return true;
}

cases_ledger *cases_open(const char *target, bool create, const rl_rules *rules, int32_t tz, char *err,
                         size_t errlen)
{
    err[0] = 0;
    cdb *db = cdb_open(target, create, err, errlen);
    if (!db)
        return NULL;
    if (!check_schema(db, create, err, errlen)) {
        cdb_close(db);
        return NULL;
    }
    cases_ledger *lg = xcalloc(1, sizeof *lg);
    lg->db = db;
    lg->tz = tz;
    if (rules)
        lg->rules = *rules;
    else
        rules_defaults(&lg->rules);
    lg->now = (int64_t)time(NULL);
    return lg;
}

void cases_close(cases_ledger *lg)
{
    if (!lg)
        return;
    cdb_close(lg->db);
    free(lg);
}

/* ---- changes ---- */

static int cmp_id(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Transactions a concurrent writer made fail (PostgreSQL deadlock or
 * serialization failure; a compare-and-set that found the case changed)
 * are tried again, reading the statuses afresh. */
#define CASES_TRIES 8

typedef enum { SET_OK, SET_REFUSED, SET_RETRY, SET_ERROR } set_result;

static set_result set_once(cases_ledger *lg, char **ids, size_t n, const case_change *ch, FILE *out)
{
    cdb *db = lg->db;
    cdb_stmt *get = cdb_prepare(db, "SELECT status, deadline FROM cases WHERE case_id = ?");
    cdb_stmt *upd = cdb_prepare(db, "UPDATE cases SET status = ?, deadline = ?, changed_at = ?, changed_by = ?, "
                                    "auto_dismissed = 0 WHERE case_id = ? AND status = ?");
    cdb_stmt *hist = cdb_prepare(db, "INSERT INTO history (case_id, from_status, to_status, by_name, at, note, "
                                     "deadline) VALUES (?, ?, ?, ?, ?, ?, ?)");
    set_result res = SET_OK;
    if (!get || !upd || !hist || !cdb_begin(db, false)) {
        res = SET_ERROR;
        goto done;
    }
    size_t refused = 0;
    for (size_t i = 0; i < n && res == SET_OK; i++) {
        int64_t key;
        if (!cases_key(ids[i], &key)) {
            fprintf(stderr, "roadlog ledger set: %s: not a case (an event_id is 16 hex digits)\n", ids[i]);
            refused++;
            continue;
        }
        cdb_bind_int(get, 1, key);
        int r = cdb_step(get);
        if (r == CDB_ERROR) {
            res = SET_ERROR;
            break;
        }
        if (r == CDB_DONE) {
            cdb_reset(get);
            fprintf(stderr, "roadlog ledger set: %s: no such case\n", ids[i]);
            refused++;
            continue;
        }
        case_status from;
        bool known = case_status_parse(cdb_text(get, 0, NULL), &from);
        int64_t deadline = cdb_int(get, 1);
        cdb_reset(get);
        if (!known) {
            cdb_set_error(db, false, "case %s has a status this roadlog does not know", ids[i]);
            res = SET_ERROR;
            break;
        }
        /* the same status again only to move its deadline (延期) */
        bool same = from == ch->to && ch->have_deadline;
        if (!same && !case_transition_allowed(from, ch->to)) {
            char allowed[128];
            case_transitions_from(from, allowed, sizeof allowed);
            fprintf(stderr, "roadlog ledger set: %s: %s -> %s is not allowed; from %s: %s\n", ids[i],
                    case_status_name(from), case_status_name(ch->to), case_status_name(from), allowed);
            refused++;
            continue;
        }
        if (case_transition_needs_note(from, ch->to) && (!ch->note || !*ch->note)) {
            fprintf(stderr, "roadlog ledger set: %s: %s -> %s needs --note (the reason)\n", ids[i],
                    case_status_name(from), case_status_name(ch->to));
            refused++;
            continue;
        }
        bool set_deadline = ch->have_deadline;
        int64_t new_deadline = ch->deadline;
        if (!set_deadline && ch->to == CASE_SUPERVISED && from != CASE_SUPERVISED) {
            /* 挂牌督办 sets its own time limit from today */
            set_deadline = true;
            new_deadline = cases_day_end(lg->now, (int)lg->rules.v[R_LEDGER_DEADLINE_DAYS], lg->tz);
        }
        if (set_deadline)
            deadline = new_deadline;
        if (refused)
            continue; /* nothing will be written: just find every refusal */
        cdb_bind_str(upd, 1, case_status_name(ch->to));
        cdb_bind_int(upd, 2, deadline);
        cdb_bind_int(upd, 3, lg->now);
        cdb_bind_str(upd, 4, ch->by);
        cdb_bind_int(upd, 5, key);
        cdb_bind_str(upd, 6, case_status_name(from));
        if (!cdb_run(upd)) {
            res = cdb_error_retry(db) ? SET_RETRY : SET_ERROR;
            break;
        }
        if (cdb_changes(upd) != 1) {
            /* changed by another clerk since we read it: read again */
            res = SET_RETRY;
            break;
        }
        cdb_bind_int(hist, 1, key);
        cdb_bind_str(hist, 2, case_status_name(from));
        cdb_bind_str(hist, 3, case_status_name(ch->to));
        cdb_bind_str(hist, 4, ch->by);
        cdb_bind_int(hist, 5, lg->now);
        cdb_bind_str(hist, 6, ch->note ? ch->note : "");
        if (set_deadline)
            cdb_bind_int(hist, 7, deadline);
        else
            cdb_bind_null(hist, 7);
        if (!cdb_run(hist)) {
            res = cdb_error_retry(db) ? SET_RETRY : SET_ERROR;
            break;
        }
    }
    if (res == SET_OK && refused) {
        fprintf(stderr, "roadlog ledger set: %zu of %zu case%s refused; nothing was changed\n", refused, n,
                n == 1 ? "" : "s");
        res = SET_REFUSED;
    }
    if (res == SET_OK) {
        if (!cdb_commit(db))
            res = cdb_error_retry(db) ? SET_RETRY : SET_ERROR;
        else if (out)
            fprintf(out, "%zu case%s %s\n", n, n == 1 ? "" : "s", case_status_name(ch->to));
    }
    if (res != SET_OK)
        cdb_rollback(db);
done:
    cdb_finalize(get);
    cdb_finalize(upd);
    cdb_finalize(hist);
    return res;
}

int cases_set(cases_ledger *lg, char *const *ids_in, size_t n, const case_change *ch, FILE *out)
{
    if (n == 0) {
        fprintf(stderr, "roadlog ledger set: no case selected\n");
        return 1;
    }
    /* one order for every writer, so two clerks' batches lock rows in the
     * same order and cannot deadlock; a case named twice counts once */
    char **ids = xmalloc(n * sizeof *ids);
    memcpy(ids, ids_in, n * sizeof *ids);
    qsort(ids, n, sizeof *ids, cmp_id);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || strcmp(ids[k - 1], ids[i]) != 0)
            ids[k++] = ids[i];
    set_result r = SET_RETRY;
    for (int attempt = 0; attempt < CASES_TRIES && r == SET_RETRY; attempt++) {
        if (attempt)
            usleep((useconds_t)(1000 * (1 << attempt) + (unsigned)getpid() % 1000));
        r = set_once(lg, ids, k, ch, out);
    }
    free(ids);
    if (r == SET_RETRY)
        fprintf(stderr, "roadlog ledger set: the cases kept changing under other clerks' hands; try again\n");
    else if (r == SET_ERROR)
        fprintf(stderr, "roadlog ledger set: %s: %s\n", cdb_target(lg->db), cdb_error(lg->db));
    return r == SET_OK ? 0 : 1;
}
