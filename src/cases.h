/*
 * cases.h - the case ledger (台账, LEDGER.md): every violation `analyze`
 * found becomes a case that is notified, supervised (挂牌督办), rectified
 * and closed (销号), or dismissed; every change is kept with who, when
 * and why; deadlines make cases overdue; blacklists and the monthly
 * company 考核 are computed from the cases (blacklist.c, assess.c).
 *
 * The store is a database behind src/cdb.h (SQLite file or PostgreSQL
 * server), one code path for both.  Its schema is versioned
 * (schema_version table): roadlog creates it in an empty database,
 * upgrades an older one, and refuses a newer one or a database that is
 * not a ledger.
 *
 * Tables (cases_schema in cases.c has the DDL):
 *   runs          one row per imported output (run_id, chain, chain_seq)
 *   companies, drivers, vehicles    names, each stored once
 *   cases         one row per event_id: the event as the latest run in
 *                 its chain reported it, and the case's status, deadline
 *   history       every status change: from, to, by, at, note, deadline
 *   vehicle_days  the outputs' vehicle_days.csv rows (for the 考核
 *                 indicators), per run
 */
#ifndef RL_CASES_H
#define RL_CASES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cdb.h"
#include "event.h"
#include "rules.h"

/* The version of the schema this roadlog writes. */
#define CASES_SCHEMA_VERSION 1

typedef enum {
    CASE_OPEN,        /* 待处理: new from an import, or reopened */
    CASE_NOTIFIED,    /* 已通知: the operator told (通知/约谈) */
    CASE_SUPERVISED,  /* 挂牌督办: under supervision, with a deadline */
    CASE_RECTIFIED,   /* 已整改: the operator reports it put right */
    CASE_CLOSED,      /* 已销号: closed by the bureau */
    CASE_DISMISSED,   /* 已撤销: appeal upheld, false alarm, or withdrawn by later data */
    CASE_NSTATUS
} case_status;

const char *case_status_name(case_status s);    /* "supervised" */
const char *case_status_zh(case_status s);      /* "挂牌督办" */
/* English id or Chinese name; false when neither. */
bool case_status_parse(const char *s, case_status *out);
/* The transitions of LEDGER.md:
 *   open -> notified -> supervised -> rectified -> closed
 *   open, notified, supervised -> dismissed (note required)
 *   closed, dismissed -> open (reopened, note required) */
bool case_transition_allowed(case_status from, case_status to);
bool case_transition_needs_note(case_status from, case_status to);
/* "notified, dismissed": the statuses a case can go to from `from`. */
void case_transitions_from(case_status from, char *out, size_t n);
/* Can a case in this status be overdue (not yet rectified, closed or
 * dismissed)? */
static inline bool case_status_pending(case_status s)
{
    return s == CASE_OPEN || s == CASE_NOTIFIED || s == CASE_SUPERVISED;
}

/* A case's key: its event_id (16 lowercase hex digits, as roadlog writes
 * them) as a 64-bit number; false when the text is not an event_id. */
bool cases_key(const char *event_id, int64_t *key);

/* Calendar months in a fixed zone: t plus n months (negative: minus) at
 * the same local day and time, the day clamped to the month's length
 * (03-31 minus 1 month is 02-28).  The 12-month windows and listing
 * periods of the blacklists use it. */
int64_t cases_add_months(int64_t utc, int months, int32_t tz);
/* The first second of the local month holding t, and of the month
 * `n` months after that one. */
int64_t cases_month_start(int64_t utc, int n, int32_t tz);
/* "YYYY-MM" -> the month's first second (UTC) in tz; false when not a
 * month. */
bool cases_parse_month(const char *s, int32_t tz, int64_t *start);
/* The last second of the local day `days` after t's day: a deadline. */
int64_t cases_day_end(int64_t utc, int days, int32_t tz);

typedef struct cases_ledger {
    cdb *db;
    int32_t tz;              /* the zone times are shown in (--tz) */
    rl_rules rules;          /* ledger.deadline_days, blacklist.* */
    int64_t now;             /* the clock of this command (UTC) */
    const char *by;          /* who runs it, for history rows of imports */
} cases_ledger;

/* Open (and with `create` create or upgrade) the ledger; NULL with the
 * reason in err: cannot open or connect, not a ledger, a newer schema. */
cases_ledger *cases_open(const char *target, bool create, const rl_rules *rules, int32_t tz, char *err,
                         size_t errlen);
void cases_close(cases_ledger *lg);

/* ---- import (cases_import.c) ---- */

typedef struct cases_import_counts {
    uint64_t added, updated, unchanged, rejected;
    uint64_t dismissed;      /* of the updated or added: withdrawn, so dismissed */
    uint64_t reopened;       /* withdrawn before, reported again */
    uint64_t vehicle_days;
} cases_import_counts;

/* Import one argument: an output folder of `analyze`/`merge`, a folder of
 * such folders (each imported in name order, each its own transaction),
 * or an events.csv file.  Each output is one transaction: all of it or
 * nothing.  Prints one line per output (added / updated / unchanged) to
 * `out` unless NULL; problems go to stderr.  A row that cannot be read is
 * rejected with file:line (strict: the output is not imported).
 * Returns false when an output could not be imported. */
bool cases_import_path(cases_ledger *lg, const char *path, bool strict, FILE *out, cases_import_counts *total);

/* ---- changes (cases.c) ---- */

typedef struct case_change {
    case_status to;
    const char *by;          /* required */
    const char *note;        /* NULL = none */
    bool have_deadline;
    int64_t deadline;        /* UTC, the last second of the day */
} case_change;

/* Apply one change to every case in ids (event_ids), all or nothing.
 * Returns 0, or 1 with the refused cases and why on stderr (unknown id,
 * a transition not allowed, a note missing). */
int cases_set(cases_ledger *lg, char *const *ids, size_t n, const case_change *ch, FILE *out);

/* ---- reading (cases_query.c) ---- */

/* Filters of `list` and of `set`'s selection; unset fields match all. */
typedef struct cases_filter {
    unsigned status_mask;    /* 1 << case_status; 0 = any */
    int type;                /* event_type, -1 = any */
    const char *company, *plate, *driver;
    int plate_color;         /* -1 = any */
    bool have_from, have_to; /* the event's start, inclusive */
    int64_t from, to;
    bool overdue;
} cases_filter;

void cases_filter_init(cases_filter *f);

/* One case as `list` and `show` print it. */
typedef struct case_row {
    char event_id[17];
    case_status status;
    int64_t deadline, changed_at, opened_at;
    const char *changed_by;  size_t changed_by_len;
    const char *plate;       size_t plate_len;
    int plate_color;
    const char *company;     size_t company_len;
    const char *driver;      size_t driver_len;
    event_type type;
    int64_t start, end;
    int points;
    const char *event_status;
    /* the other events.csv columns as the output wrote them, in
     * CASES_EVENT_TEXT order */
    const char *text[20];
    size_t text_len[20];
    bool overdue;
} case_row;

/* events.csv columns kept as text (after plate ... type, times). */
extern const char *const CASES_EVENT_TEXT[];
extern const int CASES_EVENT_NTEXT;

/* Call `fn` for each case matching f, ordered by start, plate, type;
 * returns false on a database error.  Rows are valid during the call. */
bool cases_each(cases_ledger *lg, const cases_filter *f, bool (*fn)(void *ud, const case_row *r), void *ud);
/* The event_ids of the cases matching f (for set's selection). */
bool cases_select_ids(cases_ledger *lg, const cases_filter *f, char ***ids, size_t *n);

typedef struct case_history {
    case_status from, to;
    bool from_none;          /* the case's creation */
    int64_t at;
    const char *by;  size_t by_len;
    const char *note; size_t note_len;
    bool have_deadline;
    int64_t deadline;
} case_history;

/* One case and its history, oldest change first; false when the case is
 * not in the ledger (found = false) or on an error. */
bool cases_show(cases_ledger *lg, const char *event_id, bool *found, bool (*row)(void *ud, const case_row *r),
                bool (*hist)(void *ud, const case_history *h), void *ud);

/* Statuses of events by event_id (analyze --ledger): status + 1, 0 when
 * the event is not in the ledger. */
bool cases_status_of(cases_ledger *lg, const char *const *ids, size_t n, uint8_t *status, bool *overdue);

#endif
