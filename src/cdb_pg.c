/*
 * cdb_pg.c - the PostgreSQL driver of the case ledger (see cdb.h), on
 * libpq.
 *
 * Statements are prepared on the server (PQprepare) with `?` turned into
 * $1, $2 ...; values go as parameters, never into the SQL text: integers
 * in text form, text in binary form (the raw bytes, which is what a
 * bytea parameter takes and what a text parameter's binary form is).
 * Rows are streamed in single-row mode, so a query over millions of
 * cases does not build its whole result in memory.  Results come in text
 * form; bytea arrives hex-encoded ("\x6a61") and is decoded here.
 *
 * The ledger runs transactions at READ COMMITTED: status changes are
 * compare-and-set updates (`... WHERE status = ?`), which PostgreSQL
 * re-checks on the row's newest version after waiting for its lock, so no
 * update is lost.  A deadlock or serialization failure is reported as
 * worth retrying (cdb_error_retry).
 */
#include "cdb.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PG_BYTEA_OID 17
/* pg_advisory_xact_lock key of schema changes: "roadlog" in ASCII */
#define PG_SCHEMA_LOCK "32210611432353639"

typedef struct pg_stmt pg_stmt;

typedef struct {
    cdb base;
    PGconn *c;
    unsigned next_name;
    pg_stmt *active;         /* the statement whose rows are being read */
} pg_db;

struct pg_stmt {
    cdb *db; /* first: see cdb.c */
    char name[24];
    int nparams;
    char **vals;             /* owned copies; NULL = SQL NULL */
    int *lens, *fmts;
    PGresult *row;           /* the current row (single-row mode) */
    bool running, done;
    int64_t changes;
    rl_buf *dec;             /* decoded bytea, one buffer per column */
    int ndec;
};

/* The URL without its password, for messages. */
static char *redact(const char *url)
{
    rl_buf b = {0};
    const char *auth = strstr(url, "://");
    const char *p = url;
    if (auth) {
        auth += 3;
        const char *end = auth + strcspn(auth, "/?");
        const char *at = memchr(auth, '@', (size_t)(end - auth));
        const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (colon) {
            buf_put(&b, url, (size_t)(colon - url));
            buf_puts(&b, ":***");
            p = at;
        }
    }
    /* password=... in the query string */
    const char *pw = strstr(p, "password=");
    if (pw) {
        buf_put(&b, p, (size_t)(pw - p));
        buf_puts(&b, "password=***");
        p = pw + strcspn(pw, "&");
    }
    buf_puts(&b, p);
    return b.p;
}

static void pg_error_res(cdb *db, PGresult *res)
{
    PGconn *c = ((pg_db *)db)->c;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    /* 40001 serialization_failure, 40P01 deadlock_detected */
    bool retry = state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0);
    const char *msg = res ? PQresultErrorMessage(res) : "";
    if (!msg || !*msg)
        msg = PQerrorMessage(c);
    cdb_set_error(db, retry, "%s", msg && *msg ? msg : "PostgreSQL error");
}

static void drain(PGconn *c)
{
    PGresult *r;
    while ((r = PQgetResult(c)) != NULL)
        PQclear(r);
}

static void pg_close(cdb *db)
{
    pg_db *d = (pg_db *)db;
    PQfinish(d->c);
    free(db->target);
    free(d);
}

static bool pg_exec(cdb *db, const char *sql)
{
    pg_db *d = (pg_db *)db;
    if (d->active) {
        cdb_set_error(db, false, "internal: a statement while another one's rows are being read");
        return false;
    }
    PGresult *r = PQexec(d->c, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        pg_error_res(db, r);
    PQclear(r);
    return ok;
}

/* `?` -> $n outside quoted literals and identifiers. */
static char *number_params(const char *sql, int *n)
{
    rl_buf b = {0};
    char quote = 0;
    *n = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?') {
            buf_printf(&b, "$%d", ++*n);
            continue;
        }
        buf_putc(&b, *p);
    }
    return b.p ? b.p : xstrdup("");
}

static cdb_stmt *pg_prepare(cdb *db, const char *sql)
{
    pg_db *d = (pg_db *)db;
    if (d->active) {
        cdb_set_error(db, false, "internal: a statement prepared while another one's rows are being read");
        return NULL;
    }
    int n;
    char *q = number_params(sql, &n);
    pg_stmt *s = xcalloc(1, sizeof *s);
    s->db = db;
    snprintf(s->name, sizeof s->name, "rl%u", ++d->next_name);
    PGresult *r = PQprepare(d->c, s->name, q, n, NULL);
    free(q);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        pg_error_res(db, r);
        PQclear(r);
        free(s);
        return NULL;
    }
    PQclear(r);
    s->nparams = n;
    s->vals = xcalloc((size_t)n + 1, sizeof *s->vals);
    s->lens = xcalloc((size_t)n + 1, sizeof *s->lens);
    s->fmts = xcalloc((size_t)n + 1, sizeof *s->fmts);
    return (cdb_stmt *)s;
}

static void set_param(pg_stmt *s, int i, const char *p, size_t n, int fmt, bool null)
{
    if (i < 1 || i > s->nparams)
        return;
    free(s->vals[i - 1]);
    s->vals[i - 1] = NULL;
    if (!null) {
        s->vals[i - 1] = xmalloc(n + 1);
        memcpy(s->vals[i - 1], p, n);
        s->vals[i - 1][n] = 0;
    }
    s->lens[i - 1] = (int)n;
    s->fmts[i - 1] = fmt;
}

static void pg_bind_int(cdb_stmt *cs, int i, int64_t v)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%lld", (long long)v);
    set_param((pg_stmt *)cs, i, t, (size_t)n, 0, false);
}

static void pg_bind_text(cdb_stmt *cs, int i, const char *p, size_t n) { set_param((pg_stmt *)cs, i, p, n, 1, false); }
static void pg_bind_null(cdb_stmt *cs, int i) { set_param((pg_stmt *)cs, i, NULL, 0, 0, true); }

static void finish(pg_stmt *s)
{
    pg_db *d = (pg_db *)s->db;
    drain(d->c);
    s->running = false;
    if (d->active == s)
        d->active = NULL;
}

static int pg_step(cdb_stmt *cs)
{
    pg_stmt *s = (pg_stmt *)cs;
    pg_db *d = (pg_db *)s->db;
    PQclear(s->row);
    s->row = NULL;
    if (s->done)
        return CDB_DONE;
    if (!s->running) {
        if (d->active) {
            cdb_set_error(s->db, false, "internal: a statement run while another one's rows are being read");
            return CDB_ERROR;
        }
        if (!PQsendQueryPrepared(d->c, s->name, s->nparams, (const char *const *)s->vals, s->lens, s->fmts, 0)) {
            cdb_set_error(s->db, false, "%s", PQerrorMessage(d->c));
            return CDB_ERROR;
        }
        PQsetSingleRowMode(d->c);
        s->running = true;
        d->active = s;
    }
    PGresult *r = PQgetResult(d->c);
    switch (PQresultStatus(r)) {
    case PGRES_SINGLE_TUPLE:
        s->row = r;
        return CDB_ROW;
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK: {
        const char *ct = PQcmdTuples(r);
        s->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
        PQclear(r);
        finish(s);
        s->done = true;
        return CDB_DONE;
    }
    default:
        pg_error_res(s->db, r);
        PQclear(r);
        finish(s);
        s->done = true;
        return CDB_ERROR;
    }
}

static int64_t pg_col_int(cdb_stmt *cs, int c)
{
    pg_stmt *s = (pg_stmt *)cs;
    if (!s->row || c >= PQnfields(s->row) || PQgetisnull(s->row, 0, c))
        return 0;
    return strtoll(PQgetvalue(s->row, 0, c), NULL, 10);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static const char *pg_col_text(cdb_stmt *cs, int c, size_t *n)
{
    pg_stmt *s = (pg_stmt *)cs;
    *n = 0;
    if (!s->row || c < 0 || c >= PQnfields(s->row) || PQgetisnull(s->row, 0, c))
        return "";
    const char *v = PQgetvalue(s->row, 0, c);
    size_t len = (size_t)PQgetlength(s->row, 0, c);
    if (PQftype(s->row, c) != PG_BYTEA_OID || len < 2 || v[0] != '\\' || v[1] != 'x') {
        *n = len;
        return v;
    }
    if (c >= s->ndec) {
        s->dec = xrealloc(s->dec, (size_t)(c + 1) * sizeof *s->dec);
        memset(s->dec + s->ndec, 0, (size_t)(c + 1 - s->ndec) * sizeof *s->dec);
        s->ndec = c + 1;
    }
    rl_buf *b = &s->dec[c];
    b->len = 0;
    for (size_t i = 2; i + 1 < len; i += 2) {
        int hi = hexval(v[i]), lo = hexval(v[i + 1]);
        if (hi < 0 || lo < 0)
            break;
        buf_putc(b, (char)(hi << 4 | lo));
    }
    buf_putc(b, 0);
    b->len--;
    *n = b->len;
    return b->p;
}

static bool pg_col_null(cdb_stmt *cs, int c)
{
    pg_stmt *s = (pg_stmt *)cs;
    return !s->row || c >= PQnfields(s->row) || PQgetisnull(s->row, 0, c);
}

static int64_t pg_changes(cdb_stmt *s) { return ((pg_stmt *)s)->changes; }

static void pg_reset(cdb_stmt *cs)
{
    pg_stmt *s = (pg_stmt *)cs;
    PQclear(s->row);
    s->row = NULL;
    if (s->running)
        finish(s);
    s->done = false;
}

static void pg_finalize(cdb_stmt *cs)
{
    pg_stmt *s = (pg_stmt *)cs;
    pg_reset(cs);
    pg_db *d = (pg_db *)s->db;
    if (PQstatus(d->c) == CONNECTION_OK) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        PQclear(PQexec(d->c, sql));
    }
    for (int i = 0; i < s->nparams; i++)
        free(s->vals[i]);
    free(s->vals);
    free(s->lens);
    free(s->fmts);
    for (int i = 0; i < s->ndec; i++)
        buf_free(&s->dec[i]);
    free(s->dec);
    free(s);
}

static bool pg_begin(cdb *db, bool exclusive)
{
    if (!pg_exec(db, "BEGIN"))
        return false;
    /* creating or upgrading the schema: one process at a time, also when
     * the tables do not exist yet to be locked */
    if (exclusive && !pg_exec(db, "SELECT pg_advisory_xact_lock(" PG_SCHEMA_LOCK ")")) {
        pg_exec(db, "ROLLBACK");
        return false;
    }
    return true;
}

static void quiet_notice(void *arg, const char *msg)
{
    (void)arg;
    (void)msg; /* "relation already exists, skipping" and the like */
}

static const cdb_driver pg_driver = {
    .name = "PostgreSQL",
    .text_type = "BYTEA",
    .id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    .key_type = "BIGINT PRIMARY KEY",
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_null = pg_col_null,
    .changes = pg_changes,
    .reset = pg_reset,
    .finalize = pg_finalize,
    .begin = pg_begin,
    .list_tables_sql = "SELECT table_name::text FROM information_schema.tables "
                       "WHERE table_schema = current_schema() ORDER BY 1",
};

cdb *cdb_pg_open(const char *url, char *err, size_t errlen)
{
    char *shown = redact(url);
    PGconn *c = PQconnectdb(url);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", c ? PQerrorMessage(c) : "out of memory");
        size_t n = strlen(msg);
        while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            msg[--n] = 0;
        snprintf(err, errlen, "%s: cannot connect to the ledger: %s", shown, msg);
        PQfinish(c);
        free(shown);
        return NULL;
    }
    PQsetNoticeProcessor(c, quiet_notice, NULL);
    if (PQsetClientEncoding(c, "UTF8") != 0) {
        snprintf(err, errlen, "%s: the server does not take UTF-8", shown);
        PQfinish(c);
        free(shown);
        return NULL;
    }
    pg_db *d = xcalloc(1, sizeof *d);
    d->base.drv = &pg_driver;
    d->base.target = shown;
    d->c = c;
    return &d->base;
}
