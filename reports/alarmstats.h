/*
 * alarmstats.h - terminal alarms over a population of vehicles (RULES.md
 * §8): counts per kind (rule id) and per company, per 100 vehicles, the
 * DSM kinds the bureaux publish always listed, and the cross-check
 * summed.  report.html tallies one run's events with it, `roadlog
 * summary` the events of many runs (each event once).
 */
#ifndef RL_ALARMSTATS_H
#define RL_ALARMSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"
#include "u64map.h"
#include "xcheck.h"

/* The event types of RULES.md §8, in this order in astat_company. */
enum { AS_TERMINAL, AS_ADAS, AS_DSM, AS_TPMS, AS_BSD, AS_SILENT, AS_NGROUPS };

typedef struct astat_kind {
    char *rule;              /* "dsm.phone" */
    event_type type;
    uint32_t events, vehicles;
    bool published;          /* one of the DSM kinds the bureaux publish */
} astat_kind;

typedef struct astat_company {
    uint32_t company;        /* the caller's strtab id */
    uint32_t vehicles;       /* of the population */
    uint32_t events[AS_NGROUPS];
    uint32_t total;          /* alarm events (terminal_silent not included) */
} astat_company;

typedef struct alarm_stats {
    uint32_t population;     /* vehicles the rates are per 100 of */
    astat_kind *k;
    size_t nk;
    astat_company *c;
    size_t nc;
    alarm_xcheck xc;         /* summed over the population */
    uint32_t silent_vehicles;
    u64map kmap, cmap, seen; /* rule -> kind, company -> row, (kind, vehicle) seen */
} alarm_stats;

/* The group of an event type, or -1 for the other types. */
int astats_group(event_type t);

void astats_init(alarm_stats *s);
void astats_free(alarm_stats *s);
/* One vehicle of the population, its company and cross-check. */
void astats_vehicle(alarm_stats *s, uint32_t company, const alarm_xcheck *xc);
/* One event of a vehicle of the population (other types are ignored). */
void astats_event(alarm_stats *s, uint32_t vehicle, uint32_t company, event_type t, const char *rule);
/* Order the rows: the published DSM kinds first (listed even without an
 * event), then by events; companies by alarms per vehicle. */
void astats_finish(alarm_stats *s);
/* n per 100 vehicles of the population (0 when it is empty). */
double astats_per100(uint32_t n, uint32_t vehicles);
/* A share n / d, NaN when d is 0. */
double astats_share(uint32_t n, uint32_t d);

/* The label of a kind: its Chinese name (zh) or its rule id. */
const char *astats_label(const astat_kind *k, bool zh);

/* The section report.html and summary.html show: kinds and, unless
 * by_company is false, companies per 100 vehicles; the cross-check.
 * Company names are ids of `str`. */
struct strtab;
void astats_html(FILE *f, const alarm_stats *s, const struct strtab *str, bool zh, bool by_company);

#endif
