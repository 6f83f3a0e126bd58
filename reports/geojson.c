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
 *
 * After the events come the zones they name (ZONES.md: the zone of a
 * zone_restricted or route_deviation, the speed or road zone of a
 * speeding), one Feature each with "id" "zone:ID", the zone as drawn
 * (a route as its line, in WGS-84 after the load's datum conversion) and
 * the properties kind "zone", zone_id, zone_name, zone_kind, road_type,
 * speed_limit_kmh, buffer_m (lines) and events (how many name it).
 */
#include <stdio.h>
#include <stdlib.h>

#include "csvout.h"
#include "numparse.h"
#include "reports.h"
#include "timeutil.h"
#include "zones.h"

static void put_position(FILE *f, int32_t lon_e6, int32_t lat_e6)
{
    fputc('[', f);
    json_fixed(f, lon_e6, 6);
    fputc(',', f);
    json_fixed(f, lat_e6, 6);
    fputc(']', f);
}

static void put_zones(FILE *f, const rl_run *run, bool comma)
{
    uint32_t nz = zones_count(run->zones);
    if (!nz)
        return;
    uint32_t *uses = xcalloc(nz, sizeof *uses);
    for (size_t i = 0; i < run->events.n; i++)
        if (run->events.e[i].zone_id) {
            uint32_t z = zones_find(run->zones, run->events.e[i].zone_id);
            if (z != ZONE_NONE)
                uses[z]++;
        }
    rl_buf geom = {0};
    for (uint32_t z = 0; z < nz; z++) {
        if (!uses[z])
            continue;
        const rl_zone *zone = zones_get(run->zones, z);
        geom.len = 0;
        zones_geometry_json(run->zones, z, 0, &geom);
        fputs(comma ? ",\n{\"type\":\"Feature\",\"id\":" : "\n{\"type\":\"Feature\",\"id\":", f);
        comma = true;
        json_str(f, zone->rule);
        fputs(",\"geometry\":", f);
        fwrite(geom.p, 1, geom.len, f);
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
    free(uses);
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
    put_zones(f, run, run->events.n > 0);
    fputs("\n]}\n", f);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}
