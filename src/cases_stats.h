/*
 * cases_stats.h - the ledger read whole for what is computed over many
 * cases: the company 考核 of a month (assess.c) and the blacklists
 * (blacklist.c).  `ledger report`, `ledger blacklist` and `summary --by
 * company` (an in-memory ledger of the outputs it reads) all go through
 * here, so they agree.
 *
 * One scan of the cases and one of the vehicle-days, into compact
 * arrays: ids instead of text (names are interned in the caller's
 * strtab, the same one a registry read with --registry uses, so the
 * registry joins by id).  Vehicle-days of the same vehicle and day from
 * several runs combine as RUNS.md §2 says: within one --resume chain
 * they add up (each quantity is counted in exactly one run of a chain);
 * between unrelated runs of the same day (a re-run) the chain with the
 * most points stands, as the most complete analysis of that day.
 */
#ifndef RL_CASES_STATS_H
#define RL_CASES_STATS_H

#include "assess.h"
#include "blacklist.h"
#include "cases.h"
#include "registry.h"
#include "strtab.h"
#include "util.h"

typedef struct cs_vehicle {
    uint32_t plate;          /* names id */
    int color;
    uint32_t company;        /* names id of its latest company */
} cs_vehicle;

typedef struct cs_case {
    uint64_t id;             /* event_id as a number (16 hex digits) */
    int64_t start;
    uint32_t vehicle;        /* index into v */
    uint32_t company, driver;/* names ids */
    int32_t month;           /* local year * 12 + month - 1 of its start */
    uint8_t type, status;
    bool overdue;
    int16_t points;
} cs_case;

typedef struct cs_vmonth {
    uint32_t vehicle;
    int32_t month;
    uint32_t company;        /* on the vehicle's last day with data that month */
    int64_t last_day;
    uint64_t points, accepted, drift;
    int64_t distance_m, gap_m;
    bool gap_known;
} cs_vmonth;

typedef struct cases_stats {
    strtab *names;           /* the caller's */
    int32_t tz;
    int64_t now;
    cs_vehicle *v;
    size_t nv;
    cs_case *c;
    size_t nc;
    cs_vmonth *vm;
    size_t nvm;
    /* cases and vehicle-months by month: indices, grouped */
    uint32_t *c_by_month, *vm_by_month;
    int32_t month_lo, month_hi;   /* months present [lo, hi] */
    size_t *c_start, *vm_start;   /* per month - month_lo: ranges into the *_by_month arrays */
} cases_stats;

/* Read the cases that started before `until` and the vehicle-days of the
 * local days before it.  False on a database error (cdb_error). */
bool cases_stats_load(cases_ledger *lg, strtab *names, int64_t until, cases_stats *st);
void cases_stats_free(cases_stats *st);

/* The absolute month (year * 12 + month - 1) of a time in tz, and the
 * first second of one. */
int32_t cases_month_of(int64_t utc, int32_t tz);
int64_t cases_month_first(int32_t month, int32_t tz);

/* Does the month have any case or vehicle-day? */
bool cases_stats_has_month(const cases_stats *st, int32_t month);
/* The 考核 table of a month; with a registry (reg->n > 0), its vehicles
 * are the population and its companies count. */
void cases_stats_assess(const cases_stats *st, int32_t month, const rl_registry *reg, assess_table *t);

/* The blacklists at time `at` (cases started up to it, months ended by
 * it).  items receives the items of every rule (evidence:
 * items[l.ev_lo .. l.ev_hi) of the listing's rule): free it. */
typedef struct cs_blacklists {
    bl_list list;
    bl_item *items[BL_NRULES];
    size_t nitems[BL_NRULES];
    /* company rule: the rate of each trigger month, by item ref */
    double *month_rate;
    int32_t *month_of_ref;
} cs_blacklists;

void cases_stats_blacklists(const cases_stats *st, const rl_rules *rules, const rl_registry *reg, int64_t at,
                            cs_blacklists *out);
void cs_blacklists_free(cs_blacklists *b);
/* The subject of a listing as text, byte for byte (a name may hold any
 * byte, NUL included): plate (colour), driver, company. */
void cases_stats_subject(const cases_stats *st, const bl_listing *l, rl_buf *out);

#endif
