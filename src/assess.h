/*
 * assess.h - the company 考核 of a month (LEDGER.md "Company 考核"): per
 * company, its vehicles and online vehicles, 上线率, 数据合格率, 轨迹完整率,
 * 漂移率 (RULES.md §7), speeding and fatigue cases per vehicle and per
 * 10 000 km, cases by status, 处理率, overdue cases, the rank among
 * companies and the change against the previous month.
 *
 * Plain C over one month's vehicles and cases, so that `ledger report`
 * and `summary --by company` (both through cases_stats.c) give the same
 * table, and tests need no database.  Definitions (also printed in the
 * reports):
 *   vehicles      the registry's vehicles of the company when a registry
 *                 is given, else the vehicles with data or cases that
 *                 month; vehicles not in the registry make one row,
 *                 "(not in the registry)", which is not ranked
 *   online        vehicles with >= 1 accepted fix that month
 *   上线率        online / vehicles
 *   数据合格率    accepted fixes / fixes (duplicates excluded)
 *   轨迹完整率    (km - km across gaps) / km
 *   漂移率        online vehicles with a drift fix / online vehicles
 *   cases         the month's cases (by the event's start), dismissed ones
 *                 counted only in by-status and 处理率
 *   处理率        (closed + dismissed) / cases  (roadlog's formula: the
 *                 official one is not published)
 *   rank          1 = fewest cases (not dismissed) per vehicle; ties: the
 *                 higher 处理率, then the higher 上线率, then the name
 */
#ifndef RL_ASSESS_H
#define RL_ASSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cases.h"
#include "event.h"

/* One vehicle of the month.  company: an id of the caller's names, 0 for
 * the "(not in the registry)" row. */
typedef struct assess_vehicle {
    uint32_t company;
    bool in_pop;             /* counted among the company's vehicles */
    uint64_t points, accepted, drift;
    int64_t distance_m, gap_m;
    bool gap_known;          /* every row it came from had gap_km */
} assess_vehicle;

typedef struct assess_case {
    uint32_t vehicle;        /* index into the month's vehicles */
    event_type type;
    case_status status;
    bool overdue;
} assess_case;

typedef struct assess_month {
    assess_vehicle *v;
    size_t nv;
    assess_case *c;
    size_t nc;
} assess_month;

typedef struct assess_row {
    uint32_t company;        /* 0: "(not in the registry)" */
    uint32_t vehicles, online, drifting;
    uint64_t points, accepted;
    int64_t distance_m, gap_m;
    bool gap_known;
    uint32_t cases, counted; /* all; not dismissed */
    uint32_t speeding, fatigue, by_status[CASE_NSTATUS], overdue;
    /* NAN where the denominator is 0 or the data is missing */
    double online_rate, quality, completeness, drift_rate;
    double cases_per_vehicle, speeding_per_vehicle, fatigue_per_vehicle;
    double speeding_per_10k_km, fatigue_per_10k_km, handled_rate;
    int rank;                /* 0: not ranked */
    /* the previous month (assess_compare) */
    bool have_prev;
    int prev_rank;
    double prev_cases_per_vehicle, prev_handled_rate, prev_online_rate;
} assess_row;

typedef struct assess_table {
    assess_row *row;         /* ranked companies by rank, then the unranked */
    size_t n;
    assess_row total;        /* every row together (not ranked) */
} assess_table;

/* names(ud, company) gives a company's name for the ties of the rank. */
void assess_compute(const assess_month *m, const char *(*names)(void *ud, uint32_t company), void *ud,
                    assess_table *t);
/* Fill the previous-month columns of t from prev (same company ids). */
void assess_compare(assess_table *t, const assess_table *prev);
void assess_free(assess_table *t);
/* Speeding (speeding, night_speeding) and fatigue (fatigue_*) types. */
bool assess_is_speeding(event_type t);
bool assess_is_fatigue(event_type t);

#endif
