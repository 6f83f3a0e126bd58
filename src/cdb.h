/*
 * cdb.h - the case ledger's database: one interface, two drivers
 * (LEDGER.md "Store").
 *
 * The ledger (src/cases*.c) is written once, against this interface, in
 * the SQL both databases speak; a driver only does what differs:
 *
 *   - SQLite (cdb_sqlite.c, libsqlite3): a file, the default; created
 *     with mode 0600, WAL journal, a busy timeout so that two clerks
 *     wait for each other instead of failing, write transactions taken
 *     with BEGIN IMMEDIATE (a deferred one that upgrades to a write lock
 *     can fail without waiting).
 *   - PostgreSQL (cdb_pg.c, libpq): a `postgresql://` or `postgres://`
 *     URL, for a bureau whose clerks share one server.
 *
 * Every statement is prepared and its values bound: text from logs and
 * users never becomes SQL.  Placeholders are written `?` (PostgreSQL's
 * driver numbers them).  DDL given to cdb_exec may say {TEXT} for a
 * column of text from outside (SQLite TEXT; PostgreSQL bytea, because
 * PostgreSQL's text cannot hold a NUL byte and the ledger keeps what the
 * logs say byte for byte), {ID} for an integer key the database
 * numbers and {KEY} for a 64-bit integer key roadlog gives (SQLite's
 * rowid itself, so that the table is its own index).
 *
 * One statement runs at a time on a connection: a query is stepped to its
 * end (or reset) before the next one starts (PostgreSQL streams rows of
 * one query per connection; the PostgreSQL driver refuses a second).
 */
#ifndef RL_CDB_H
#define RL_CDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cdb cdb;
typedef struct cdb_stmt cdb_stmt;

enum { CDB_ERROR = -1, CDB_DONE = 0, CDB_ROW = 1 };

/* What a driver implements (cdb.c dispatches through it). */
typedef struct cdb_driver {
    const char *name;                        /* "SQLite", "PostgreSQL" */
    const char *text_type, *id_type;         /* {TEXT}, {ID} in DDL */
    const char *key_type;                    /* {KEY}: a 64-bit key the ledger gives */
    void (*close)(cdb *db);
    bool (*exec)(cdb *db, const char *sql);
    cdb_stmt *(*prepare)(cdb *db, const char *sql);
    void (*bind_int)(cdb_stmt *s, int i, int64_t v);
    void (*bind_text)(cdb_stmt *s, int i, const char *p, size_t n);
    void (*bind_null)(cdb_stmt *s, int i);
    int (*step)(cdb_stmt *s);
    int64_t (*col_int)(cdb_stmt *s, int c);
    const char *(*col_text)(cdb_stmt *s, int c, size_t *n);
    bool (*col_null)(cdb_stmt *s, int c);
    int64_t (*changes)(cdb_stmt *s);
    void (*reset)(cdb_stmt *s);
    void (*finalize)(cdb_stmt *s);
    bool (*begin)(cdb *db, bool exclusive);
    /* Names of the tables in the database (schema check). */
    const char *list_tables_sql;
} cdb_driver;

/* The part of a connection every driver shares; drivers extend it. */
struct cdb {
    const cdb_driver *drv;
    char *target;            /* for messages: the path, or the URL without its password */
    char err[512];           /* the last error */
    bool retry;              /* the last error ends the transaction but trying again may work */
    bool in_tx;
};

/* Open the ledger at target: a file path, or a postgresql:// URL.  With
 * create, a missing SQLite file is created (mode 0600); without, a
 * missing file is an error.  NULL with the reason in err. */
cdb *cdb_open(const char *target, bool create, char *err, size_t errlen);
void cdb_close(cdb *db);
const char *cdb_driver_name(const cdb *db);
const char *cdb_target(const cdb *db);
/* The last error, in the database's words. */
const char *cdb_error(const cdb *db);
/* Was the last error one that a fresh try of the transaction may pass
 * (PostgreSQL: serialization failure, deadlock)? */
bool cdb_error_retry(const cdb *db);

/* One statement without parameters or rows (DDL, PRAGMA).  {TEXT} and
 * {ID} are replaced by the driver's types. */
bool cdb_exec(cdb *db, const char *sql);

cdb_stmt *cdb_prepare(cdb *db, const char *sql);
/* Parameters count from 1, columns from 0. */
void cdb_bind_int(cdb_stmt *s, int i, int64_t v);
void cdb_bind_text(cdb_stmt *s, int i, const char *p, size_t n);
void cdb_bind_str(cdb_stmt *s, int i, const char *p); /* NUL-terminated */
void cdb_bind_null(cdb_stmt *s, int i);
/* CDB_ROW, CDB_DONE or CDB_ERROR (cdb_error says why). */
int cdb_step(cdb_stmt *s);
int64_t cdb_int(cdb_stmt *s, int c);
/* Text of a column with its length (bytes, NUL bytes included); also
 * NUL-terminated; valid until the next step.  "" for NULL. */
const char *cdb_text(cdb_stmt *s, int c, size_t *n);
bool cdb_is_null(cdb_stmt *s, int c);
/* Rows inserted, updated or deleted by the statement's last run. */
int64_t cdb_changes(cdb_stmt *s);
/* Ready to bind and run again (bindings are kept until rebound). */
void cdb_reset(cdb_stmt *s);
void cdb_finalize(cdb_stmt *s);
/* Run a statement that returns nothing: step to its end and reset. */
bool cdb_run(cdb_stmt *s);

/* A write transaction.  exclusive: also against other writers of the
 * schema (creating or upgrading it). */
bool cdb_begin(cdb *db, bool exclusive);
bool cdb_commit(cdb *db);
void cdb_rollback(cdb *db);

/* Set the last error (drivers, and the ledger for its own checks). */
void cdb_set_error(cdb *db, bool retry, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The drivers' openers (cdb.c picks one by the target). */
cdb *cdb_sqlite_open(const char *path, bool create, char *err, size_t errlen);
cdb *cdb_pg_open(const char *url, char *err, size_t errlen);
/* True when target names a PostgreSQL server. */
bool cdb_is_url(const char *target);

#endif
