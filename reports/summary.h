/*
 * summary.h - `roadlog summary`: a period summary merged from the outputs
 * of earlier runs (issue 6, RULES.md §7).
 *
 * Inputs are output folders of `roadlog analyze` (events.csv,
 * vehicles.csv, vehicle_days.csv, run.json), a folder whose sub-folders
 * are such outputs (a month of daily runs), or events.csv files alone,
 * read through reports/outread (a damaged line is named on stderr,
 * counted and left out; under --strict it stops the summary).
 * Merging:
 *   - an event is counted once per event_id, whichever runs repeat it:
 *     the version of the output with the highest chain_seq stands (ties:
 *     the one read later), and one whose latest version is withdrawn no
 *     longer counts;
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
#include "reports.h"
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
    bool checked_as_other;   /* an output analysed it as class other, for want of a registry row */
    bool alarm_word;         /* its terminal reported an alarm word (vehicles.csv terminal_alarm_word) */
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
    int64_t excess;          /* value - limit, in the column's unit x 1000 */
    int64_t start, end;      /* local time as read, seconds (for the terminal cross-check) */
    uint32_t rule;           /* strtab id of the rule, 0 = none */
    int64_t chain_seq;       /* of the output it was read from (the latest version stands) */
    bool withdrawn;          /* its latest version says withdrawn: it no longer counts */
    uint32_t repeats;        /* further versions of it read (other runs of its chain, copies) */
} sm_event;

typedef struct sm_vday {
    uint32_t vehicle;
    int32_t day;
    uint64_t points, accepted, drift;
    double km, gap_km;
    int64_t driving_s;
    uint32_t src;            /* index in sm->src of the output it came from */
} sm_vday;

typedef struct sm_source {
    char *path;              /* folder or file */
    char *tz;                /* from run.json, NULL when none */
    uint64_t events_read, events_new, vdays_read;
    uint64_t damaged;        /* lines (and a run.json) refused as damaged */
    bool have_vdays, have_gap_km, have_accepted;
    /* run.json's run_id and the run it resumed (RUNS.md §2), parsed from
     * 16 hex digits; 0 when absent.  The vehicle-days of one --resume
     * chain add up. */
    uint64_t run_id, resumed_id;
    int64_t chain_seq;       /* its place in the chain (run.json), 0 when none */
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
    sm_source *src;
    size_t nsrc;
    uint64_t duplicate_events, duplicate_vdays;
    uint64_t damaged;        /* damaged lines of all outputs, each named on stderr */
    bool stopped;            /* --strict met a damaged line */
    bool any_vdays, all_gap_km, all_accepted;
    bool have_run_limits;
    /* terminal_silent is judged again over the summary's period (RULES.md
     * §8 "in the period") when every output says whether each terminal
     * reported an alarm word and that alarms were looked at; otherwise the
     * outputs' own terminal_silent events are counted */
    bool silent_again;
    bool have_silent_min;
    double silent_min;       /* alarm.silent_min_events of the runs read */
    int other_kmh;           /* speeding.other of the runs read (the banner) */
    report_unreg unreg;      /* selected vehicles analysed as class other (computed) */
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
/* Apply --registry, --company/--plate and --from/--to, then count and
 * compute the indicators.  False, with the reason on stderr, when a
 * selector matches no vehicle or the period holds no data of the
 * selected vehicles (a summary of nothing would read as a clean record). */
bool summary_compute(summary *sm);

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
