/*
 * blacklist.h - the blacklists of LEDGER.md, computed from cases, never
 * edited by hand (黑名单: 拉出清单 ... 销号清零, and a list for those who
 * do not mend).
 *
 * Three rules (rules.c, `roadlog rules`):
 *   blacklist.vehicle_events_12m   a vehicle with >= N speeding,
 *       night_speeding or fatigue cases (not dismissed) in any 12 months;
 *   blacklist.driver_points_12m    a driver whose cases' points sum to
 *       >= N in any 12 months;
 *   blacklist.company_rate_month   a company with >= N cases (not
 *       dismissed) per vehicle in a calendar month.
 * A case (a month, for companies) that brings its subject to the limit is
 * a trigger.  A listing starts at a trigger and lasts blacklist.months;
 * it ends early once blacklist.review_months pass without a new trigger
 * (应急管理部令第11号: 3 years, removal on review after 12 months).  A
 * trigger after a listing ended starts a new one.
 *
 * The computation is plain C over items (subject, time, weight), so it is
 * tested without a database; cases_stats.c feeds it from the ledger.
 */
#ifndef RL_BLACKLIST_H
#define RL_BLACKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { BL_VEHICLE, BL_DRIVER, BL_COMPANY, BL_NRULES } bl_rule;

const char *bl_rule_id(bl_rule r);       /* "blacklist.vehicle_events_12m" */

/* One countable thing: a case of the subject at time t (weight 1, or its
 * points), or for companies a month over the rate (t = the month's end). */
typedef struct bl_item {
    uint32_t subject;
    int64_t t;
    int64_t weight;
    uint32_t ref;            /* the caller's: which case or month */
} bl_item;

typedef struct bl_params {
    int64_t threshold;       /* the rule's N (weights summed in the window) */
    int window_months;       /* 12; 0: each item is a trigger on its own */
    int months;              /* blacklist.months */
    int review_months;       /* blacklist.review_months */
    int32_t tz;              /* months are calendar months in this zone */
} bl_params;

typedef struct bl_listing {
    bl_rule rule;
    uint32_t subject;
    int64_t from, until;     /* listed [from, until) */
    bool early;              /* until is the early removal, not the full term */
    int64_t first, last;     /* the evidence: first item .. last trigger */
    uint32_t count;          /* evidence items */
    int64_t sum;             /* their weights (points for drivers) */
    size_t ev_lo, ev_hi;     /* the evidence: items[ev_lo, ev_hi) after sorting */
} bl_listing;

typedef struct bl_list {
    bl_listing *l;
    size_t n, cap;
} bl_list;

/* Sort items by subject and time, then append the listings of `rule` to
 * out.  Items must be those up to the moment the lists are wanted for. */
void bl_compute(bl_rule rule, bl_item *items, size_t n, const bl_params *p, bl_list *out);
/* Is the listing in force at t? */
static inline bool bl_in_force(const bl_listing *l, int64_t t) { return l->from <= t && t < l->until; }
void bl_list_free(bl_list *l);

#endif
