/*
 * event.h - a violation: who, what, when, where, by how much, under which
 * rule, and the evidence (FORMATS.md events.csv).
 *
 * Detectors fill an rl_event and add it to the run's event list.  Values
 * stay fixed-point (`scale` decimals: 3 for km/h x 1000 and km, 0 for
 * seconds, kg and passengers) until a writer prints them.
 */
#ifndef RL_EVENT_H
#define RL_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "rules.h"
#include "vehicle.h"

typedef enum {
    EV_SPEEDING,
    EV_NIGHT_SPEEDING,
    EV_FATIGUE_CONTINUOUS,
    EV_FATIGUE_NIGHT,
    EV_FATIGUE_DAILY,
    EV_NIGHT_BAN,
    EV_OVERLOAD,
    EV_OVER_LIMIT,
    EV_AXLE_OVERLOAD,
    EV_OVER_CAPACITY,
    EV_POSITION_MISMATCH,
    EV_GPS_GAP,
    EV_ZONE_RESTRICTED,      /* ZONES.md */
    EV_ROUTE_DEVIATION,
    EV_TERMINAL_ALARM,       /* RULES.md §8: what the terminal reported */
    EV_ADAS_ALARM,
    EV_DSM_ALARM,
    EV_TPMS_ALARM,
    EV_BSD_ALARM,
    EV_TERMINAL_SILENT,
    EV_TYPE_COUNT
} event_type;

/* Types that can start twice at one moment (two zones entered at one fix,
 * two alarms at one position): their event_id also covers `rule`
 * (FORMATS.md). */
static inline bool event_type_id_has_rule(event_type t)
{
    return t == EV_ZONE_RESTRICTED || t == EV_ROUTE_DEVIATION || (t >= EV_TERMINAL_ALARM && t <= EV_BSD_ALARM);
}

/* events.csv `status` (RUNS.md §2): closed, or still running at the end
 * of the run's data, or undone by late rows of a later run. */
typedef enum { EV_STATUS_CLOSED, EV_STATUS_OPEN, EV_STATUS_WITHDRAWN } event_status;
const char *event_status_name(event_status s);

/* events.csv `road_type` (ZONES.md): none outside every road zone. */
typedef enum { ROAD_NONE, ROAD_EXPRESSWAY, ROAD_URBAN_EXPRESSWAY, ROAD_OTHER } road_type;
const char *road_type_name(road_type r); /* "" for ROAD_NONE */

const char *event_type_name(event_type t);    /* "night_speeding" */
const char *event_type_name_zh(event_type t); /* "夜间超速" */
bool event_type_parse(const char *s, event_type *t);

typedef struct rl_event {
    uint32_t vehicle;        /* index in the vehicle table */
    uint32_t driver;         /* strtab id, 0 = none */
    event_type type;
    int64_t start, end;      /* UTC seconds */
    bool have_pos;
    int32_t start_lat_e6, start_lon_e6, end_lat_e6, end_lon_e6;
    int64_t value, limit;    /* fixed-point, `scale` decimals */
    int scale;
    char severity[48];       /* "12 pts; 200-2000 yuan" */
    const char *rule;        /* rule id as `roadlog rules` prints it */
    rl_origin origin;        /* first evidence */
    uint32_t evidence_points;
    /* Weighbridge events (RULES.md §5, "GPS at the scale"): the vehicle's
     * accepted GPS fix nearest in time to the weighing and its distance
     * from the station, written as the trailing events.csv columns
     * gps_time, gps_distance_km (FORMATS.md allows columns after the
     * listed ones).  Zero/false for every other event. */
    bool have_gps;           /* gps_time is set */
    bool have_gps_distance;  /* gps_distance_m is set (station position known) */
    int64_t gps_time;        /* UTC seconds */
    int64_t gps_distance_m;  /* metres, rounded */
    /* Zones (ZONES.md): the zone that set the limit or the road type, or
     * whose rule fired; NULL when none.  The strings belong to the zone
     * set, which outlives the events. */
    const char *zone_id, *zone_name;
    uint8_t road_type;       /* road_type */
    uint8_t status;          /* event_status */
    char id[17];             /* event_id, set by events_finalize */
} rl_event;

typedef struct rl_events {
    rl_event *e;
    size_t n, cap;
} rl_events;

void events_add(rl_events *l, const rl_event *e);
/* An event over the fixes first .. last (n of them): the vehicle, type,
 * times and places, the first fix's driver and source; everything else
 * zero, for the detector to fill (value, limit, scale, severity, rule). */
void event_over_fixes(rl_event *e, uint32_t vehicle, event_type t, const rl_fix *first, const rl_fix *last,
                      uint32_t n);
void events_free(rl_events *l);

/* excess_pct = (value - limit) / limit x 100. */
double event_excess_pct(const rl_event *e);

/* event_id: the first 16 hex digits of SHA-256 over
 * "plate|colour|type|start" (start in UTC seconds), so re-runs and
 * overlapping inputs give the same id; "plate|colour|type|start|rule" for
 * the types of event_type_id_has_rule (rule is ignored for the others). */
void event_make_id(const char *plate, int color, event_type t, int64_t start, const char *rule, char out[17]);
/* The same, for many events: one digest context, fetched once (OpenSSL 3
 * makes a one-shot digest cost four times as much). */
typedef struct event_idgen event_idgen;
event_idgen *event_idgen_new(void);
void event_idgen_free(event_idgen *g);
void event_idgen_make(event_idgen *g, const char *plate, int color, event_type t, int64_t start, const char *rule,
                      char out[17]);

/* Points of a severity text ("12 pts; ..." -> 12; "warning" -> 0). */
int severity_points(const char *severity);

/* Speeding severity (RULES.md §2, 记分办法 2022, 道交法 art. 90/99):
 * points by group, road type and excess, fine by excess.  Expressway and
 * urban_expressway are one row (高速公路、城市快速路), `other` the other;
 * ROAD_NONE counts as an expressway. */
void severity_speeding(vehicle_class c, int64_t value, int64_t limit, road_type road, char out[48]);

#endif
