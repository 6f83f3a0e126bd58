/*
 * reports.h - the files `roadlog analyze` writes into --out (FORMATS.md
 * "Outputs").  Each writer takes the finished run and a path and returns
 * false (errno set) when the file cannot be written.
 */
#ifndef RL_REPORTS_H
#define RL_REPORTS_H

#include <stdbool.h>

#include "run.h"

bool report_events_csv(const rl_run *run, const char *path);
bool report_events_jsonl(const rl_run *run, const char *path);
bool report_vehicles_csv(const rl_run *run, const char *path);
bool report_vehicle_days_csv(const rl_run *run, const char *path);
/* drivers.seg: every driving segment, for `merge` (RUNS.md §3). */
bool report_driver_segments(const rl_run *run, const char *path);
/* report.html (and, for large fleets, per-vehicle pages beside it). */
bool report_html(const rl_run *run, const char *path);
/* events.xlsx: the ledger for Excel (libxlsxwriter, constant memory). */
bool report_xlsx(const rl_run *run, const char *path);
/* events.geojson: RFC 7946, lon/lat order. */
bool report_geojson(const rl_run *run, const char *path);
bool report_run_json(const rl_run *run, const char *path, const char *command, int exit_status);

/* ---- shared by the documents (html.c, summary) ---- */

/* Chinese labels?  --lang when given, else the first non-empty of
 * LC_ALL, LC_MESSAGES, LANG starting with "zh"; English otherwise. */
bool report_lang_zh(const char *opt_lang);
const char *report_type_label(event_type t, bool zh);   /* 超速 / Speeding */
const char *report_class_label(vehicle_class c, bool zh);
const char *report_color_label(int color, bool zh);     /* 黄 / yellow */
/* A severity text ("12 pts; 200-2000 yuan") in Chinese when zh. */
void report_severity_text(const char *severity, bool zh, char *out, size_t cap);
/* A self-contained page: doctype, CSP forbidding any fetch, inline CSS. */
void html_page_begin(FILE *f, bool zh, const char *title);
void html_page_end(FILE *f);
/* One event as the JSON object events.jsonl writes (the events.csv
 * columns), without a newline: GeoJSON properties use it. */
void report_event_json(FILE *f, const rl_run *run, const rl_event *e);

/* The columns of events.csv, in order (FORMATS.md), then the nearest GPS
 * fix of a weighing (more columns may follow, FORMATS.md says). */
#define EVENTS_CSV_COLUMNS                                                                                        \
    "event_id,plate,plate_color,class,company,driver,type,start_time,end_time,duration_s,start_lon,start_lat,"   \
    "end_lon,end_lat,value,limit,excess_pct,severity,rule,source,evidence_points,gps_time,gps_distance_km,"  \
    "zone_id,zone_name,road_type,status"

#endif
