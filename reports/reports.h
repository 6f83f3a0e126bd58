/*
 * reports.h - the files `roadlog analyze` writes into --out (FORMATS.md
 * "Outputs").  Each writer takes the finished run and a path and returns
 * false (errno set) when the file cannot be written.
 */
#ifndef RL_REPORTS_H
#define RL_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "i18n.h"
#include "run.h"

bool report_events_csv(const rl_run *run, const char *path);
bool report_events_jsonl(const rl_run *run, const char *path);
bool report_vehicles_csv(const rl_run *run, const char *path);
bool report_vehicle_days_csv(const rl_run *run, const char *path);
/* drivers.seg: every driving segment, for `merge` (RUNS.md §3). */
bool report_driver_segments(const rl_run *run, const char *path);
/* report.html (and, for large fleets, per-vehicle pages beside it). */
bool report_html(const rl_run *run, const char *path);
/* drivers.html (--by driver): one printable sheet per driver. */
bool report_drivers_html(const rl_run *run, const char *path);
/* tracks.geojson: each vehicle's track, simplified, one Feature a day. */
bool report_tracks_geojson(const rl_run *run, const char *path);
/* events.xlsx: the ledger for Excel (libxlsxwriter, constant memory). */
bool report_xlsx(const rl_run *run, const char *path);
/* events.geojson: RFC 7946, lon/lat order. */
bool report_geojson(const rl_run *run, const char *path);
bool report_run_json(const rl_run *run, const char *path, const char *command, int exit_status);

/* ---- shared by the documents (html.c, summary) ---- */

/* A self-contained page: doctype, CSP forbidding any fetch, inline CSS. */
void html_page_begin(FILE *f, bool zh, const char *title);
void html_page_end(FILE *f);
/* One event as the JSON object events.jsonl writes (the events.csv
 * columns), without a newline: GeoJSON properties use it. */
void report_event_json(FILE *f, const rl_run *run, const rl_event *e);

/* The zones that events name (ZONES.md), as RFC 7946 Features after
 * one another ("\n" before each, "," too when comma), in --map-coord:
 * the zone layer of events.geojson and of report.html's maps.  Returns
 * how many. */
size_t report_zone_features(const rl_run *run, FILE *f, bool comma);

/* Vehicles the registry did not know, checked as class other (notice.c). */
typedef struct report_unreg {
    uint64_t n;              /* vehicles checked as 'other' for want of a registry row */
    uint64_t yellow;         /* of which with yellow plates (large vehicles) */
    bool have_registry;      /* a registry was read at all */
    int other_kmh;           /* speeding.other in force */
    int large_kmh;           /* the highest class limit of a large vehicle */
} report_unreg;
void report_unreg_of_run(const rl_run *run, report_unreg *u);
/* "N vehicles not in the registry were checked as class 'other' (120
 * km/h)" and, for yellow plates, the warning; "" when n is 0. */
void report_unregistered_text(const report_unreg *u, bool zh, char *out, size_t cap);
/* The same as a banner at the top of a page (nothing when n is 0). */
void report_unregistered_banner(FILE *f, const report_unreg *u, bool zh);

/* The columns of events.csv, in order (FORMATS.md), then the nearest GPS
 * fix of a weighing (more columns may follow, FORMATS.md says). */
#define EVENTS_CSV_COLUMNS                                                                                        \
    "event_id,plate,plate_color,class,company,driver,type,start_time,end_time,duration_s,start_lon,start_lat,"   \
    "end_lon,end_lat,value,limit,excess_pct,severity,rule,source,evidence_points,gps_time,gps_distance_km,"  \
    "zone_id,zone_name,road_type,status"

#endif
