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
/* report.html (and, for large fleets, per-vehicle pages beside it). */
bool report_html(const rl_run *run, const char *path);
/* events.xlsx: the ledger for Excel (libxlsxwriter, constant memory). */
bool report_xlsx(const rl_run *run, const char *path);
/* events.geojson: RFC 7946, lon/lat order. */
bool report_geojson(const rl_run *run, const char *path);
bool report_run_json(const rl_run *run, const char *path, const char *command, int exit_status);

/* The columns of events.csv, in order (FORMATS.md). */
#define EVENTS_CSV_COLUMNS                                                                                        \
    "event_id,plate,plate_color,class,company,driver,type,start_time,end_time,duration_s,start_lon,start_lat,"   \
    "end_lon,end_lat,value,limit,excess_pct,severity,rule,source,evidence_points"

#endif
