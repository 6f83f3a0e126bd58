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

static void put_position(FILE *f, int32_t lon_e6, int32_t lat_e6)
{
    fputc('[', f);
    json_fixed(f, lon_e6, 6);
    fputc(',', f);
    json_fixed(f, lat_e6, 6);
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
