/*
 * cdb.c - picking a driver by the target, and what the drivers share
 * (see cdb.h).
 */
#include "cdb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool cdb_is_url(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

cdb *cdb_open(const char *target, bool create, char *err, size_t errlen)
{
    if (!target || !*target) {
        snprintf(err, errlen, "no ledger named (--db FILE or a postgresql:// URL)");
        return NULL;
    }
    return cdb_is_url(target) ? cdb_pg_open(target, err, errlen) : cdb_sqlite_open(target, create, err, errlen);
}

void cdb_close(cdb *db)
{
    if (db)
        db->drv->close(db);
}

const char *cdb_driver_name(const cdb *db) { return db->drv->name; }
const char *cdb_target(const cdb *db) { return db->target; }
const char *cdb_error(const cdb *db) { return db->err; }
bool cdb_error_retry(const cdb *db) { return db->retry; }

void cdb_set_error(cdb *db, bool retry, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->err, sizeof db->err, fmt, ap);
    va_end(ap);
    /* drivers' messages end in a newline (libpq): one line is enough */
    size_t n = strlen(db->err);
    while (n && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
        db->err[--n] = 0;
    db->retry = retry;
}

bool cdb_exec(cdb *db, const char *sql)
{
    rl_buf b = {0};
    for (const char *p = sql; *p;) {
        if (strncmp(p, "{TEXT}", 6) == 0) {
            buf_puts(&b, db->drv->text_type);
            p += 6;
        } else if (strncmp(p, "{KEY}", 5) == 0) {
            buf_puts(&b, db->drv->key_type);
            p += 5;
        } else if (strncmp(p, "{ID}", 4) == 0) {
            buf_puts(&b, db->drv->id_type);
            p += 4;
        } else {
            buf_putc(&b, *p++);
        }
    }
    bool ok = db->drv->exec(db, b.p ? b.p : "");
    buf_free(&b);
    return ok;
}

/* Every statement keeps its connection as its first member (drivers'
 * structs start with it), so the dispatch needs no table of its own. */
typedef struct {
    cdb *db;
} stmt_head;

#define DRV(s) (((stmt_head *)(s))->db->drv)

cdb_stmt *cdb_prepare(cdb *db, const char *sql) { return db->drv->prepare(db, sql); }
void cdb_bind_int(cdb_stmt *s, int i, int64_t v) { DRV(s)->bind_int(s, i, v); }
void cdb_bind_text(cdb_stmt *s, int i, const char *p, size_t n) { DRV(s)->bind_text(s, i, p ? p : "", p ? n : 0); }
void cdb_bind_str(cdb_stmt *s, int i, const char *p) { cdb_bind_text(s, i, p, p ? strlen(p) : 0); }
void cdb_bind_null(cdb_stmt *s, int i) { DRV(s)->bind_null(s, i); }
int cdb_step(cdb_stmt *s) { return DRV(s)->step(s); }
int64_t cdb_int(cdb_stmt *s, int c) { return DRV(s)->col_int(s, c); }
const char *cdb_text(cdb_stmt *s, int c, size_t *n)
{
    size_t dummy;
    return DRV(s)->col_text(s, c, n ? n : &dummy);
}
bool cdb_is_null(cdb_stmt *s, int c) { return DRV(s)->col_null(s, c); }
int64_t cdb_changes(cdb_stmt *s) { return DRV(s)->changes(s); }
void cdb_reset(cdb_stmt *s) { DRV(s)->reset(s); }
void cdb_finalize(cdb_stmt *s)
{
    if (s)
        DRV(s)->finalize(s);
}

bool cdb_run(cdb_stmt *s)
{
    int r;
    while ((r = cdb_step(s)) == CDB_ROW)
        ;
    if (r == CDB_DONE) {
        /* keep the count of changed rows for the caller: reset only
         * forgets the rows, not the count */
        cdb_reset(s);
        return true;
    }
    cdb_reset(s);
    return false;
}

bool cdb_begin(cdb *db, bool exclusive)
{
    if (!db->drv->begin(db, exclusive))
        return false;
    db->in_tx = true;
    return true;
}

bool cdb_commit(cdb *db)
{
    db->in_tx = false;
    return db->drv->exec(db, "COMMIT");
}

void cdb_rollback(cdb *db)
{
    if (!db->in_tx)
        return;
    db->in_tx = false;
    /* the error that made us roll back is the one to report */
    char keep[sizeof db->err];
    bool retry = db->retry;
    memcpy(keep, db->err, sizeof keep);
    db->drv->exec(db, "ROLLBACK");
    memcpy(db->err, keep, sizeof keep);
    db->retry = retry;
}
