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
 * as in events.jsonl.
 *
 * After the events come the zones they name (ZONES.md: the zone of a
 * zone_restricted or route_deviation, the speed or road zone of a
 * speeding), one Feature each with "id" "zone:ID", the zone as drawn
 * (a route as its line, in WGS-84 after the load's datum conversion) and
 * the properties kind "zone", zone_id, zone_name, zone_kind, road_type,
 * speed_limit_kmh, buffer_m (lines) and events (how many name it).
 * report.html's maps draw the same Features (report_zone_features).
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
#include "zones.h"

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
    if (run->opt.map_coord != CC_WGS84)
        fprintf(f, "\"coord\":\"%s\",", cc_datum_name((cc_datum)run->opt.map_coord));
    fputs("\"features\":[", f);
}

static bool close_file(FILE *f)
{
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}

size_t report_zone_features(const rl_run *run, FILE *f, bool comma)
{
    uint32_t nz = zones_count(run->zones);
    if (!nz)
        return 0;
    uint32_t *uses = xcalloc(nz, sizeof *uses);
    for (size_t i = 0; i < run->events.n; i++)
        if (run->events.e[i].zone_id) {
            uint32_t z = zones_find(run->zones, run->events.e[i].zone_id);
            if (z != ZONE_NONE)
                uses[z]++;
        }
    rl_buf geom = {0}, shifted = {0};
    size_t n = 0;
    for (uint32_t z = 0; z < nz; z++) {
        if (!uses[z])
            continue;
        const rl_zone *zone = zones_get(run->zones, z);
        geom.len = 0;
        zones_geometry_json(run->zones, z, 0, &geom);
        buf_putc(&geom, '\0');
        shifted.len = 0;
        map_shift_geojson(geom.p, run->opt.map_coord, &shifted);
        fputs(comma ? ",\n{\"type\":\"Feature\",\"id\":" : "\n{\"type\":\"Feature\",\"id\":", f);
        comma = true;
        n++;
        json_str(f, zone->rule);
        fputs(",\"geometry\":", f);
        fwrite(shifted.p, 1, shifted.len, f);
        fputs(",\"properties\":{\"kind\":\"zone\",\"zone_id\":", f);
        json_str(f, zone->id);
        fputs(",\"zone_name\":", f);
        json_str(f, zone->name);
        fprintf(f, ",\"zone_kind\":\"%s\",\"road_type\":", zone_kind_name(zone->kind));
        if (zone->road != ROAD_NONE)
            fprintf(f, "\"%s\"", road_type_name((road_type)zone->road));
        else
            fputs("null", f);
        fputs(",\"speed_limit_kmh\":", f);
        if (zone->limit_mkmh > 0)
            json_fixed(f, zone->limit_mkmh, 3);
        else
            fputs("null", f);
        fputs(",\"buffer_m\":", f);
        if (zone->corridor)
            fprintf(f, "%g", zone->buffer_m);
        else
            fputs("null", f);
        fprintf(f, ",\"events\":%u}}", uses[z]);
    }
    buf_free(&geom);
    buf_free(&shifted);
    free(uses);
    return n;
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
    report_zone_features(run, f, run->events.n > 0);
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
