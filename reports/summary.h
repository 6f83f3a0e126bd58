/*
 * summary.h - `roadlog summary`: a period summary merged from the outputs
 * of earlier runs (issue 6, RULES.md §7).
 *
 * Inputs are output folders of `roadlog analyze` (events.csv,
 * vehicles.csv, vehicle_days.csv, run.json), a folder whose sub-folders
 * are such outputs (a month of daily runs), or events.csv files alone.
 * Merging:
 *   - an event is counted once per event_id, whichever runs repeat it;
 *   - a vehicle-day (plate, colour, day) seen in several runs (re-runs,
 *     overlapping inputs) counts once: the row with the most points wins,
 *     as the most complete analysis of that day;
 *   - a vehicle's class and company come from the registry when
 *     --registry is given, else from the first output that names them.
 *
 * The population of the indicators is the registry's vehicles (its
 * --company subset), or without --registry every vehicle seen in the
 * outputs (its --company subset).  Counts by type, class, company and day
 * and the repeat offenders cover every event of the selected vehicles,
 * registered or not.
 */
#ifndef RL_SUMMARY_H
#define RL_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "alarmstats.h"
#include "event.h"
#include "run.h"
#include "u64map.h"

typedef struct sm_vehicle {
    uint32_t plate;          /* strtab id (of the run's strtab) */
    int color;
    uint32_t company;        /* strtab id, 0 = none */
    vehicle_class cls;
    bool have_cls;
    bool registered;         /* in --registry */
    bool in_pop;             /* counted in the indicators */
    bool selected;           /* passes --company */
    uint32_t alias;          /* index + 1 of the registered vehicle this one is (colour 0 resolved) */
    /* from vehicle_days.csv, merged */
    uint64_t points, accepted, drift;
    double km, gap_km;
    int64_t driving_s;
    uint32_t days_online;
    /* from events.csv, merged */
    uint32_t events[EV_TYPE_COUNT];
    uint32_t nevents;
    int64_t penalty;
} sm_vehicle;

typedef struct sm_event {
    uint32_t vehicle;        /* index in sm->v */
    uint32_t driver;         /* strtab id, 0 = none */
    event_type type;
    int32_t day;             /* local day of its start */
    int32_t points;
    int64_t excess;          /* value - limit, in the column's unit */
    int64_t start, end;      /* local time as read, seconds (for the terminal cross-check) */
    uint32_t rule;           /* strtab id of the rule, 0 = none */
} sm_event;

typedef struct sm_vday {
    uint32_t vehicle;
    int32_t day;
    uint64_t points, accepted, drift;
    double km, gap_km;
    int64_t driving_s;
} sm_vday;

typedef struct sm_source {
    char *path;              /* folder or file */
    char *tz;                /* from run.json, NULL when none */
    uint64_t events_read, events_new, vdays_read;
    bool have_vdays, have_gap_km, have_accepted;
} sm_source;

/* One indicator: value = num / den (NaN when den is 0 or data is missing). */
typedef struct sm_indicator {
    const char *key, *zh, *en, *unit;
    double num, den, value;
    bool available;
} sm_indicator;

enum { SM_ONLINE, SM_QUALITY, SM_COMPLETE, SM_DRIFT, SM_SPEEDING, SM_FATIGUE, SM_NIND };

typedef struct summary {
    rl_run *run;             /* options, strtab, registry */
    sm_vehicle *v;
    size_t nv, capv;
    u64map vmap;             /* (plate id << 8 | colour) -> index + 1 */
    sm_event *e;
    size_t ne, cape;
    u64map emap;             /* event_id -> 1 */
    sm_vday *d;
    size_t nd, capd;
    u64map dmap;             /* (vehicle << 32 | day) -> index + 1 */
    sm_source *src;
    size_t nsrc;
    uint64_t duplicate_events, duplicate_vdays;
    bool any_vdays, all_gap_km, all_accepted;
    /* computed by summary_compute */
    size_t pop, online;
    int32_t day_lo, day_hi;  /* period covered (local days) */
    sm_indicator ind[SM_NIND];
    alarm_stats alarms;      /* RULES.md §8 over the population */
    bool zh;
} summary;

void summary_init(summary *sm, rl_run *run);
void summary_free(summary *sm);
/* Read one argument: an output folder, a folder of output folders, or an
 * events.csv file.  False (message on stderr) when nothing could be read. */
bool summary_add_path(summary *sm, const char *path);
/* Apply --registry and --company, then count and compute the indicators. */
void summary_compute(summary *sm);

/* Writers (summary_write.c). */
bool summary_write_csv(const summary *sm, const char *path);
bool summary_write_html(const summary *sm, const char *path);
void summary_print(const summary *sm, FILE *out);

/* Helpers shared by the writers. */
const char *sm_plate(const summary *sm, const sm_vehicle *v);
const char *sm_company(const summary *sm, const sm_vehicle *v);
/* Vehicles (indices) with >= repeat events, by events then points. */
size_t summary_repeat_vehicles(const summary *sm, uint32_t **out);
typedef struct sm_driver {
    uint32_t driver;         /* strtab id */
    uint32_t events, vehicles;
    int64_t points;
    uint32_t first_vehicle;
} sm_driver;
size_t summary_repeat_drivers(const summary *sm, sm_driver **out);

#endif
