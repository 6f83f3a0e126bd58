/*
 * html_int.h - what the parts of report.html share: html.c (the page,
 * the index, the vehicle sections), html_map.c (the maps' data),
 * html_evidence.c (per-event evidence and the charts), drivers.c (points
 * per driver, the driver sheets).
 */
#ifndef RL_HTML_INT_H
#define RL_HTML_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "i18n.h"
#include "map.h"
#include "reports.h"

/* A vehicle in the ranking (by risk index, see event_weight). */
typedef struct vrank {
    uint32_t vidx;
    uint32_t pos;            /* position in run->order (plate order) */
    int64_t risk;            /* sum of its events' weights */
    uint32_t nevents;
    int max_points;          /* most points of one event */
} vrank;

typedef struct hctx {
    const rl_run *run;
    bool zh;
    vrank *rank;             /* vehicles by risk */
    size_t nrank, nwith;     /* all / with events (the first nwith) */
    uint32_t *ev_lo, *ev_hi; /* events of a vehicle: [lo, hi) in run->events */
    uint32_t *rank_of;       /* vehicle index -> rank */
    char **file;             /* per-vehicle page, by rank (multi-page only) */
    bool multi;
    size_t npages;
    bool type_present[EV_TYPE_COUNT];
    const map_assets *assets;
    map_simplifier *simp;
} hctx;

static inline const char *LBL(const hctx *h, label_id k) { return i18n_label(k, h->zh); }

/* The weight of an event in the risk index (stated on the page,
 * L_RISK_NOTE): its points; 1 for a violation without points; 0 for a
 * lead to review. */
int event_weight(const rl_event *e);

/* ---- formatting (html.c) ---- */
void put_duration(FILE *f, int64_t s, bool zh);
void put_fixed(FILE *f, int64_t v, int scale);
void put_coord(FILE *f, int32_t lon_e6, int32_t lat_e6);
void put_time(FILE *f, int64_t t, int32_t tz);
void put_severity(FILE *f, const char *severity, bool zh);
/* value or limit of an event with its unit */
void put_value(FILE *f, const rl_event *e, int64_t v, bool zh, bool unit);
void put_excess(FILE *f, const rl_event *e, bool zh);
/* The rule id and its basis in the document's language. */
void put_rule(FILE *f, const rl_event *e, bool zh);
/* A driver id, masked unless --show-ids (privacy.h), escaped. */
void put_driver(FILE *f, const rl_run *run, uint32_t driver);
/* 's' speeding, 'f' fatigue, 'n' night ban, 'g' gap, 'z' zone, 'w' the rest */
char ev_class(event_type t);
bool unit_is_seconds(event_type t);
/* href of vehicle rank r's section or page, seen from an index page (or
 * from another vehicle page when from_sub) */
void put_vehicle_href(FILE *f, const hctx *h, size_t r, bool from_sub);
void put_href(FILE *f, const char *s);
/* The speed limit in force by day and by night (RULES.md §2). */
void vehicle_limits(const rl_run *run, const rl_vehicle *v, int64_t *day_mkmh, int64_t *night_mkmh);

/* ---- maps (html_map.c) ---- */
/* The page's map configuration block (labels, tiles, coordinates). */
void html_map_conf(FILE *f, const hctx *h);
/* The overview map of every vehicle's events (report.html). */
void html_map_overview(FILE *f, const hctx *h);
/* The map of one vehicle: track, events, zones, stations. */
void html_map_vehicle(FILE *f, const hctx *h, size_t r);

/* ---- evidence (html_evidence.c) ---- */
/* One event's evidence: a <details id="x<event_id>"> block. */
void html_evidence(FILE *f, const hctx *h, const rl_event *e, uint32_t num);
/* The day charts of a vehicle (speed over 24 h, events shaded). */
void html_day_charts(FILE *f, const hctx *h, uint32_t vidx);

/* ---- drivers (drivers.c) ---- */
/* The drivers' points table of report.html. */
void html_driver_points(FILE *f, const hctx *h);

#endif
