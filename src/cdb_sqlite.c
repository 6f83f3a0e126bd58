/*
 * cdb_sqlite.c - the SQLite driver of the case ledger (see cdb.h).
 *
 * A ledger file is made with mode 0600 before SQLite opens it (SQLite
 * gives its -wal and -shm files the database file's mode).  WAL lets
 * readers go on while a clerk writes; synchronous=FULL makes a commit
 * durable (one fsync a transaction: an import is one transaction per
 * output).  The busy timeout is long: a clerk's command waits for an
 * import in progress rather than fail.
 */
#include "cdb.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* How long a statement waits for another process's write lock. */
#define SQLITE_BUSY_MS 120000

typedef struct {
    cdb base;
    sqlite3 *h;
} sq_db;

typedef struct {
    cdb *db; /* first: see cdb.c */
    sqlite3_stmt *st;
    int64_t changes;
} sq_stmt;

static void sq_error(cdb *db)
{
    sqlite3 *h = ((sq_db *)db)->h;
    cdb_set_error(db, false, "%s", sqlite3_errmsg(h));
}

static void sq_close(cdb *db)
{
    sq_db *d = (sq_db *)db;
    sqlite3_close_v2(d->h);
    free(db->target);
    free(d);
}

static bool sq_exec(cdb *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(((sq_db *)db)->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        cdb_set_error(db, false, "%s", msg ? msg : sqlite3_errmsg(((sq_db *)db)->h));
        sqlite3_free(msg);
        return false;
    }
    return true;
}

static cdb_stmt *sq_prepare(cdb *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(((sq_db *)db)->h, sql, -1, &st, NULL) != SQLITE_OK) {
        sq_error(db);
        return NULL;
    }
    sq_stmt *s = xcalloc(1, sizeof *s);
    s->db = db;
    s->st = st;
    return (cdb_stmt *)s;
}

static void sq_bind_int(cdb_stmt *s, int i, int64_t v) { sqlite3_bind_int64(((sq_stmt *)s)->st, i, v); }
static void sq_bind_text(cdb_stmt *s, int i, const char *p, size_t n)
{
    sqlite3_bind_text64(((sq_stmt *)s)->st, i, p, n, SQLITE_TRANSIENT, SQLITE_UTF8);
}
static void sq_bind_null(cdb_stmt *s, int i) { sqlite3_bind_null(((sq_stmt *)s)->st, i); }

static int sq_step(cdb_stmt *cs)
{
    sq_stmt *s = (sq_stmt *)cs;
    int r = sqlite3_step(s->st);
    if (r == SQLITE_ROW)
        return CDB_ROW;
    if (r == SQLITE_DONE) {
        s->changes = sqlite3_changes64(((sq_db *)s->db)->h);
        return CDB_DONE;
    }
    sq_error(s->db);
    return CDB_ERROR;
}

static int64_t sq_col_int(cdb_stmt *s, int c) { return sqlite3_column_int64(((sq_stmt *)s)->st, c); }

static const char *sq_col_text(cdb_stmt *cs, int c, size_t *n)
{
    sq_stmt *s = (sq_stmt *)cs;
    const unsigned char *p = sqlite3_column_text(s->st, c);
    *n = p ? (size_t)sqlite3_column_bytes(s->st, c) : 0;
    return p ? (const char *)p : "";
}

static bool sq_col_null(cdb_stmt *s, int c) { return sqlite3_column_type(((sq_stmt *)s)->st, c) == SQLITE_NULL; }
static int64_t sq_changes(cdb_stmt *s) { return ((sq_stmt *)s)->changes; }
static void sq_reset(cdb_stmt *s) { sqlite3_reset(((sq_stmt *)s)->st); }

static void sq_finalize(cdb_stmt *s)
{
    sqlite3_finalize(((sq_stmt *)s)->st);
    free(s);
}

static bool sq_begin(cdb *db, bool exclusive)
{
    /* IMMEDIATE takes the write lock now (waiting up to the busy timeout
     * for another writer); a deferred transaction that upgrades later
     * could fail at once with SQLITE_BUSY instead of waiting. */
    (void)exclusive;
    return sq_exec(db, "BEGIN IMMEDIATE");
}

static const cdb_driver sqlite_driver = {
    .name = "SQLite",
    .text_type = "TEXT",
    .id_type = "INTEGER PRIMARY KEY",
    .key_type = "INTEGER PRIMARY KEY",
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind_int = sq_bind_int,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_null = sq_col_null,
    .changes = sq_changes,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .begin = sq_begin,
    .list_tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
};

cdb *cdb_sqlite_open(const char *path, bool create, char *err, size_t errlen)
{
    struct stat st;
    if (strcmp(path, ":memory:") == 0) {
        /* a ledger for one command (summary --by company) */
    } else if (stat(path, &st) != 0) {
        if (errno != ENOENT || !create) {
            snprintf(err, errlen, "%s: %s", path,
                     errno == ENOENT ? "no such ledger (`roadlog ledger import` makes one)" : strerror(errno));
            return NULL;
        }
        /* made here with mode 0600: the ledger names drivers and companies */
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            snprintf(err, errlen, "%s: cannot create the ledger: %s", path, strerror(errno));
            return NULL;
        }
        if (fd >= 0)
            close(fd);
    } else if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: is a folder, not a ledger file", path);
        return NULL;
    }
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open the ledger: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close_v2(h);
        return NULL;
    }
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, SQLITE_BUSY_MS);
    sq_db *d = xcalloc(1, sizeof *d);
    d->base.drv = &sqlite_driver;
    d->base.target = xstrdup(path);
    d->h = h;
    /* the first read of the file: a file that is not SQLite fails here
     * ("file is not a database") */
    if (!sq_exec(&d->base, "PRAGMA journal_mode = WAL") || !sq_exec(&d->base, "PRAGMA synchronous = FULL") ||
        !sq_exec(&d->base, "PRAGMA foreign_keys = ON") || !sq_exec(&d->base, "PRAGMA cache_size = -131072") || !sq_exec(&d->base, "PRAGMA mmap_size = 4294967296")) {
        int code = sqlite3_errcode(h) & 0xFF;
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
            snprintf(err, errlen, "%s: not a roadlog ledger: not a SQLite database, or a damaged one (%s)", path,
                     d->base.err);
        else
            snprintf(err, errlen, "%s: cannot open the ledger: %s", path, d->base.err);
        sq_close(&d->base);
        return NULL;
    }
    return &d->base;
}
