/*
 * outread.h - reading back an output folder of `roadlog analyze`:
 * run.json, events.csv, vehicles.csv and vehicle_days.csv, row by row,
 * into structs (issue 11).  For every tool that combines earlier
 * outputs: `summary` now, `merge` and `ledger import` (RUNS.md,
 * LEDGER.md) next.
 *
 *   - run.json through jansson: the keys the combining tools need are
 *     parsed (zone, run_id, chain_seq, resumed_from, command, exit status,
 *     the rules in force); the whole document is kept for the rest.
 *   - CSV through the project's reader (parsers/csvin), columns by name:
 *     columns added later (FORMATS.md "more may follow") are ignored, and
 *     an older output without a column reads with the field marked absent.
 *   - numbers through the checked parsers (numparse: no overflow, no NaN,
 *     fixed-point kept exact), times through timeutil in the run's zone,
 *     text that was neutralised on the way out (a leading ' before = + -
 *     @) given back as it was.
 *   - a damaged line (cut short, a field that does not parse, a line the
 *     CSV reader refuses) goes to on_damaged with file:line and the
 *     reason, is counted, and is not passed on as a row; the rows around
 *     it are.  Nothing is dropped without a word.
 *
 * Strings in a row struct are NUL-terminated and valid during the
 * callback only.
 */
#ifndef RL_OUTREAD_H
#define RL_OUTREAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "rules.h"

/* ---- run.json ---- */

typedef struct outr_run {
    json_t *root;            /* the whole document; NULL when missing or damaged */
    const char *command;     /* "analyze", "merge", ...; NULL when absent */
    const char *run_id;      /* 16 hex digits; NULL for older outputs */
    int64_t chain_seq;       /* 0 when absent (older outputs, fresh runs) */
    const char *resumed_dir, *resumed_run_id; /* resumed_from; NULL when none */
    bool have_tz;
    int32_t tz;              /* seconds east of UTC */
    char tz_text[8];         /* "+08:00", "" when absent */
    int exit_status;         /* -1 when absent */
} outr_run;

enum { OUTR_OK = 0, OUTR_MISSING, OUTR_DAMAGED, OUTR_UNREADABLE, OUTR_NOT_THIS, OUTR_STOPPED };

/* Read a run.json.  OUTR_OK, OUTR_MISSING (no such file), or
 * OUTR_DAMAGED / OUTR_UNREADABLE with the reason in why ("DIR/run.json:3:
 * ..."); r is usable (fields absent) whatever the answer. */
int outr_read_run(const char *path, outr_run *r, char *why, size_t cap);
void outr_run_free(outr_run *r);
/* The value of a rule in force in that run (run.json "rules"). */
bool outr_run_rule(const outr_run *r, const char *id, double *value);

/* ---- the tables ---- */

typedef struct outr_event {
    uint64_t line;
    const char *event_id, *plate, *company, *driver, *severity, *rule, *source;
    int color;
    bool have_cls;
    vehicle_class cls;
    event_type type;
    int32_t start_day;       /* local day of start_time, as written */
    int64_t start, end;      /* UTC (end = start when absent) */
    bool have_value, have_limit;
    int64_t value_milli, limit_milli; /* value and limit x 1000, exact */
    event_status status;     /* closed when the column is absent (older outputs) */
} outr_event;

typedef struct outr_vehicle {
    uint64_t line;
    const char *plate, *company, *phone;
    int color;
    bool have_cls;
    vehicle_class cls;
    int registered;          /* 1 yes, 0 no, -1 column absent */
    int alarm_word;          /* terminal_alarm_word: 1 yes, 0 no, -1 column absent */
    uint64_t points, valid, drift, duplicates, events;
    int64_t distance_m, driving_s, penalty_points;
} outr_vehicle;

typedef struct outr_vday {
    uint64_t line;
    const char *plate;
    int color;
    int32_t day;             /* local day number */
    uint64_t points, valid, drift, gaps, accepted, rests, weighings;
    int64_t distance_m, driving_s, gap_m, longest_stint_s;
    bool have_accepted, have_gap;   /* columns of later outputs */
} outr_vday;

typedef struct outr_handler {
    void *ud;
    /* Rows; return false to stop reading. */
    bool (*event)(void *ud, const outr_event *e);
    bool (*vehicle)(void *ud, const outr_vehicle *v);
    bool (*vday)(void *ud, const outr_vday *d);
    /* A damaged line ("events.csv:17", the reason); return false to stop
     * (--strict).  NULL: counted only. */
    bool (*damaged)(void *ud, const char *path, uint64_t line, const char *why);
} outr_handler;

typedef struct outr_info {
    uint64_t rows;           /* rows passed on */
    uint64_t damaged;        /* lines refused */
    bool have_accepted, have_gap; /* vehicle_days.csv: columns present */
} outr_info;

/* Read one file of an output folder.  `tz` is the zone its times are
 * written in (run.json's, else +08:00).  OUTR_OK (damaged lines
 * included), OUTR_MISSING, OUTR_UNREADABLE (errno), OUTR_NOT_THIS (the
 * header lacks a required column: the message in why), OUTR_STOPPED (a
 * callback said stop). */
int outr_read_events(const char *path, int32_t tz, const outr_handler *h, outr_info *info, char *why, size_t cap);
int outr_read_vehicles(const char *path, const outr_handler *h, outr_info *info, char *why, size_t cap);
int outr_read_vdays(const char *path, const outr_handler *h, outr_info *info, char *why, size_t cap);

#endif
