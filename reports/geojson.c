/*
 * geojson.c - the map layers for GIS tools (RFC 7946):
 *
 * events.geojson: a FeatureCollection with one Feature per event, in the
 * ledger's order, then one per zone that events name.  An event's
 * geometry is its track: a LineString of its own fixes inside the episode
 * (tracksample.c's capture; fatigue events, found after the pass, the
 * day samples over their span), simplified; a Point for a point event (a
 * weighing) or one fix; null without a position.  The Feature "id" is
 * event_id and the properties are exactly the events.csv columns, typed
 * as in events.jsonl.  The zones follow as the zone module gives them
 * (run->zones_geojson: Features with properties id, name, kind; ZONES.md),
 * told from events by having no event_id.
 *
 * tracks.geojson: each vehicle's track, one Feature a local day with a
 * MultiLineString broken at gaps, from the day samples (one position a
 * minute, 5 minutes on days without events), simplified.
 *
 * Coordinates are [longitude, latitude] (RFC 7946 §3.1.1), WGS-84 as
 * the terminals report them; with --map-coord gcj02|bd09 they are
 * shifted for Chinese base maps and the collection says so in a foreign
 * member "coord" (as ZONES.md reads zone files).  No "crs" member (§4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "map.h"
#include "reports.h"
#include "timeutil.h"
#include "tracksample.h"
#include "util.h"

/* Tolerance of the simplification, degrees (about 5 m): the lines keep
 * every turn a street map shows and lose the points between. */
#define GEOJSON_TOL_DEG 0.00005

typedef struct gline {
    double *xy;              /* [lon, lat] pairs, shifted */
    size_t n, cap;
} gline;

static void gline_add(gline *l, const rl_run *run, int32_t lat_e6, int32_t lon_e6)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->xy = xrealloc(l->xy, l->cap * 2 * sizeof *l->xy);
    }
    double lat, lon;
    map_coord(run->opt.map_coord, lat_e6, lon_e6, &lat, &lon);
    l->xy[2 * l->n] = lon;
    l->xy[2 * l->n + 1] = lat;
    l->n++;
}

static void put_pair(FILE *f, const double *xy)
{
    fputc('[', f);
    map_put_deg(f, xy[0]);
    fputc(',', f);
    map_put_deg(f, xy[1]);
    fputc(']', f);
}

/* [[lon,lat],...] of a line, simplified */
static void put_coords(FILE *f, map_simplifier *s, gline *l)
{
    size_t n = map_simplify(s, l->xy, l->n, GEOJSON_TOL_DEG);
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        put_pair(f, l->xy + 2 * i);
    }
    fputc(']', f);
}

typedef struct gline_span {
    gline *l;
    const rl_run *run;
} gline_span;

static void span_add(void *ud, int64_t t, const ts_point *p, int slot_min)
{
    gline_span *g = ud;
    gline_add(g->l, g->run, p->lat_e6, p->lon_e6);
}

/* The line of an event: its captured fixes inside the episode, else the
 * day samples over its span. */
static void event_line(const rl_run *run, const rl_event *e, gline *l)
{
    l->n = 0;
    tracksample_fixes fx;
    if (tracksample_event(run->samples, e->vehicle, e->start, e->end, &fx)) {
        for (size_t i = 0; i < fx.n; i++)
            if (fx.f[i].flags & TSF_IN_EVENT)
                gline_add(l, run, fx.f[i].lat_e6, fx.f[i].lon_e6);
        return;
    }
    if (e->end > e->start) {
        gline_span g = {l, run};
        tracksample_span(run->samples, run->opt.tz, e->vehicle, e->start, e->end, span_add, &g);
    }
}

static void put_geometry(FILE *f, const rl_run *run, map_simplifier *s, const rl_event *e, gline *l)
{
    if (!e->have_pos) {
        fputs("null", f);
        return;
    }
    event_line(run, e, l);
    if (l->n < 2) {
        /* the event's own end points: a Point, or the line start -> end */
        l->n = 0;
        gline_add(l, run, e->start_lat_e6, e->start_lon_e6);
        if (e->start_lat_e6 != e->end_lat_e6 || e->start_lon_e6 != e->end_lon_e6)
            gline_add(l, run, e->end_lat_e6, e->end_lon_e6);
    }
    if (l->n == 1) {
        fputs("{\"type\":\"Point\",\"coordinates\":", f);
        put_pair(f, l->xy);
        fputc('}', f);
        return;
    }
    fputs("{\"type\":\"LineString\",\"coordinates\":", f);
    put_coords(f, s, l);
    fputc('}', f);
}

static void collection_begin(FILE *f, const rl_run *run)
{
    fputs("{\"type\":\"FeatureCollection\",", f);
    if (run->opt.map_coord != MAP_COORD_WGS84)
        fprintf(f, "\"coord\":\"%s\",", map_coord_name(run->opt.map_coord));
    fputs("\"features\":[", f);
}

static bool close_file(FILE *f)
{
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}

/* The zone features as one comma-separated list: "[...]" without its
 * brackets, each Feature given an id and the layer. */
static void put_zones(FILE *f, const rl_run *run, bool first)
{
    if (!run->zones_geojson)
        return;
    rl_buf b = {0};
    map_shift_geojson(run->zones_geojson, run->opt.map_coord, &b);
    const char *s = b.p ? b.p : "";
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    if (*s == '[') {
        size_t n = strlen(s);
        while (n > 1 && s[n - 1] != ']')
            n--;
        /* the array's inside: Features, each already "type":"Feature" */
        if (n > 2) {
            fputs(first ? "\n" : ",\n", f);
            fwrite(s + 1, 1, n - 2, f);
        }
    }
    buf_free(&b);
}

bool report_geojson(const rl_run *run, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    map_simplifier *s = map_simplifier_new();
    gline l = {0};
    collection_begin(f, run);
    for (size_t i = 0; i < run->events.n; i++) {
        const rl_event *e = &run->events.e[i];
        fprintf(f, "%s\n{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":", i ? "," : "", e->id);
        put_geometry(f, run, s, e, &l);
        fputs(",\"properties\":", f);
        report_event_json(f, run, e);
        fputc('}', f);
    }
    put_zones(f, run, run->events.n == 0);
    fputs("\n]}\n", f);
    free(l.xy);
    map_simplifier_free(s);
    return close_file(f);
}

/* One vehicle-day of tracks.geojson. */
static void track_feature(FILE *f, const rl_run *run, map_simplifier *s, uint32_t vidx, int64_t day, bool *first,
                          gline *l)
{
    tracksample_view sv;
    if (!tracksample_day(run->samples, vidx, day, &sv) || sv.n < 2)
        return;
    const rl_vehicle *v = vtable_at(run->vt, vidx);
    char dayname[11];
    tu_format_day(day, dayname);
    fputs(*first ? "\n" : ",\n", f);
    *first = false;
    fputs("{\"type\":\"Feature\",\"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":[", f);
    bool any = false;
    l->n = 0;
    for (size_t i = 0; i <= sv.n; i++) {
        if (i == sv.n || (i > 0 && (sv.p[i].slot & TS_GAP_BEFORE))) {
            if (l->n >= 2) {
                fputs(any ? "," : "", f);
                put_coords(f, s, l);
                any = true;
            }
            l->n = 0;
            if (i == sv.n)
                break;
        }
        gline_add(l, run, sv.p[i].lat_e6, sv.p[i].lon_e6);
    }
    fputs("]},\"properties\":{\"plate\":", f);
    json_str(f, run_vehicle_label(run, v));
    fprintf(f, ",\"plate_color\":%d,\"class\":\"%s\",\"day\":\"%s\",\"minutes_per_point\":%d}}", v->color,
            class_name(v->cls), dayname, sv.slot_min);
}

bool report_tracks_geojson(const rl_run *run, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    map_simplifier *s = map_simplifier_new();
    gline l = {0};
    collection_begin(f, run);
    bool first = true;
    for (size_t i = 0; i < run->norder; i++) {
        uint32_t vidx = run->order[i];
        size_t nd = tracksample_ndays(run->samples, vidx);
        for (size_t k = 0; k < nd; k++)
            track_feature(f, run, s, vidx, tracksample_day_at(run->samples, vidx, k), &first, &l);
    }
    fputs("\n]}\n", f);
    free(l.xy);
    map_simplifier_free(s);
    return close_file(f);
}
