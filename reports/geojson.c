/*
 * geojson.c - events.geojson for GIS tools (RFC 7946): a FeatureCollection
 * with one Feature per event, in the ledger's order.
 *
 * Geometry: a LineString start -> end when the event moved (speeding,
 * fatigue, a gap), a Point when start and end are one place (a weighing,
 * a stop), null when the event has no position.  Coordinates are
 * [longitude, latitude] in WGS 84 decimal degrees as the terminals report
 * them (RFC 7946 §3.1.1: lon first; no "crs" member, §4).  Note for map
 * users: Chinese basemaps (GCJ-02) are offset from WGS 84 by a few hundred
 * metres; the data is not shifted here.  The Feature "id" is event_id and
 * the properties are exactly the events.csv columns, typed as in
 * events.jsonl.
 */
#include <stdio.h>

#include "csvout.h"
#include "numparse.h"
#include "reports.h"
#include "timeutil.h"

static void put_fixed(FILE *f, int64_t v, int scale)
{
    char b[32];
    num_format_fixed(b, v, scale);
    fputs(b, f);
}

void report_event_json(FILE *f, const rl_run *run, const rl_event *e)
{
    const rl_vehicle *v = vtable_at(run->vt, e->vehicle);
    int32_t tz = run->opt.tz;
    char t[32], src[512], pct[32];
    fprintf(f, "{\"event_id\":\"%s\",\"plate\":", e->id);
    json_str(f, run_vehicle_label(run, v));
    fprintf(f, ",\"plate_color\":%d,\"class\":\"%s\",\"company\":", v->color, class_name(v->cls));
    json_str(f, run_vehicle_company(run, v));
    fputs(",\"driver\":", f);
    json_str(f, strtab_get(run->str, e->driver));
    fprintf(f, ",\"type\":\"%s\"", event_type_name(e->type));
    tu_format_iso(e->start, tz, t);
    fprintf(f, ",\"start_time\":\"%s\"", t);
    tu_format_iso(e->end, tz, t);
    fprintf(f, ",\"end_time\":\"%s\",\"duration_s\":%lld", t, (long long)(e->end - e->start));
    static const char *const keys[4] = {"start_lon", "start_lat", "end_lon", "end_lat"};
    int32_t vals[4] = {e->start_lon_e6, e->start_lat_e6, e->end_lon_e6, e->end_lat_e6};
    for (int k = 0; k < 4; k++) {
        fprintf(f, ",\"%s\":", keys[k]);
        if (e->have_pos)
            put_fixed(f, vals[k], 6);
        else
            fputs("null", f);
    }
    fputs(",\"value\":", f);
    put_fixed(f, e->value, e->scale);
    fputs(",\"limit\":", f);
    put_fixed(f, e->limit, e->scale);
    fmt_double(pct, sizeof pct, event_excess_pct(e), 2);
    fprintf(f, ",\"excess_pct\":%s,\"severity\":", pct);
    json_str(f, e->severity);
    fputs(",\"rule\":", f);
    json_str(f, e->rule);
    fputs(",\"source\":", f);
    run_format_origin(run, e->origin, src, sizeof src);
    json_str(f, src);
    fprintf(f, ",\"evidence_points\":%u}", e->evidence_points);
}

static void put_position(FILE *f, int32_t lon_e6, int32_t lat_e6)
{
    fputc('[', f);
    put_fixed(f, lon_e6, 6);
    fputc(',', f);
    put_fixed(f, lat_e6, 6);
    fputc(']', f);
}

bool report_geojson(const rl_run *run, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    for (size_t i = 0; i < run->events.n; i++) {
        const rl_event *e = &run->events.e[i];
        fprintf(f, "%s\n{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":", i ? "," : "", e->id);
        if (!e->have_pos) {
            fputs("null", f);
        } else if (e->start_lat_e6 == e->end_lat_e6 && e->start_lon_e6 == e->end_lon_e6) {
            fputs("{\"type\":\"Point\",\"coordinates\":", f);
            put_position(f, e->start_lon_e6, e->start_lat_e6);
            fputc('}', f);
        } else {
            fputs("{\"type\":\"LineString\",\"coordinates\":[", f);
            put_position(f, e->start_lon_e6, e->start_lat_e6);
            fputc(',', f);
            put_position(f, e->end_lon_e6, e->end_lat_e6);
            fputs("]}", f);
        }
        fputs(",\"properties\":", f);
        report_event_json(f, run, e);
        fputc('}', f);
    }
    fputs("\n]}\n", f);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}
