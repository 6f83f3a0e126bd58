/*
 * fuzz_zones.c - libFuzzer target for the zone file reader
 * (parsers/zonefile.c, src/zones.c), ZONES.md.
 *
 * Mode byte: bits 0-1 the datum forced (0 the file's own, 1 wgs84, 2
 * gcj02, 3 bd09); the rest is the zone file.  A load either succeeds or
 * fails with a message that names the file; a loaded set holds sane
 * zones (ids unique and found again, a kind, someone bound, a finite
 * envelope, windows inside the day), and once frozen answers queries at
 * and around each zone (hits ascending, each holding the point in its
 * envelope), and draws each zone as GeoJSON that parses again.
 */
#include <jansson.h>
#include <math.h>
#include <stdbool.h>

#include "fuzz_common.h"
#include "zones.h"

static void count_points(void *ud, const int32_t *lonlat_e6, size_t n, bool closed)
{
    (void)lonlat_e6;
    (void)closed;
    *(size_t *)ud += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    int coord = (data[0] & 3) ? (data[0] & 3) - 1 : -1;
    rl_rules r;
    rules_defaults(&r);
    zone_set *zs = zones_new(&r);
    char err[1024] = "";
    bool ok = zones_load_buffer(zs, "fuzz.geojson", (const char *)data + 1, size - 1, coord, err, sizeof err);
    if (!ok) {
        FUZZ_CHECK(strncmp(err, "fuzz.geojson: ", 14) == 0 && strlen(err) > 14);
        zones_free(zs);
        return 0;
    }
    uint32_t n = zones_count(zs);
    FUZZ_CHECK(zones_nfiles(zs) == 1 && zones_file(zs, 0)->zones == n);
    for (uint32_t i = 0; i < n; i++) {
        const rl_zone *z = zones_get(zs, i);
        FUZZ_CHECK(z->id && *z->id && strlen(z->id) <= 100 && z->name && *z->name);
        FUZZ_CHECK(strncmp(z->rule, "zone:", 5) == 0 && strcmp(z->rule + 5, z->id) == 0);
        FUZZ_CHECK(z->kind < ZONE_KIND_COUNT);
        FUZZ_CHECK(z->classes || z->nplates);
        FUZZ_CHECK(z->days && z->days <= ZONE_DAYS_ALL);
        FUZZ_CHECK(z->min_s >= 0 && z->buffer_m > 0 && z->limit_mkmh >= 0);
        FUZZ_CHECK(z->kind != ZONE_SPEED || z->limit_mkmh > 0);
        FUZZ_CHECK(z->kind != ZONE_ROAD || z->road != 0);
        FUZZ_CHECK(isfinite(z->minx) && isfinite(z->maxy) && z->minx <= z->maxx && z->miny <= z->maxy);
        for (uint32_t k = 0; k < z->ntimes; k++)
            FUZZ_CHECK(z->times[k].start_s >= 0 && z->times[k].start_s < 86400 && z->times[k].end_s >= 0 &&
                       z->times[k].end_s < 86400);
        for (uint32_t k = 0; k < z->ndates; k++)
            FUZZ_CHECK(z->dates[k].first <= z->dates[k].last);
        for (uint32_t k = 1; k < z->nplates; k++)
            FUZZ_CHECK(strcmp(z->plates[k - 1], z->plates[k]) <= 0);
        FUZZ_CHECK(zones_find(zs, z->id) == i);
    }
    zones_freeze(zs);
    zone_query *q = zone_query_new(zs);
    rl_buf b = {0};
    for (uint32_t i = 0; i < n && i < 64; i++) {
        const rl_zone *z = zones_get(zs, i);
        double xs[3] = {z->minx, (z->minx + z->maxx) / 2, z->maxx}, ys[3] = {z->miny, (z->miny + z->maxy) / 2, z->maxy};
        for (int a = 0; a < 3; a++)
            for (int c = 0; c < 3; c++) {
                if (fabs(xs[a]) > 180 || fabs(ys[c]) > 90)
                    continue;
                int32_t lon = (int32_t)llround(xs[a] * 1e6), lat = (int32_t)llround(ys[c] * 1e6);
                zone_subject s = {z->nplates ? z->plates[0] : "粤B12345", (vehicle_class)(i % CLASS_COUNT)};
                zone_when w = zone_when_of(1793000000 + (int64_t)(a * 3 + c) * 7919, 8 * 3600);
                const uint32_t *hits;
                size_t nh = zone_query_at(q, &s, &w, lat, lon, &hits);
                for (size_t h = 0; h < nh; h++) {
                    FUZZ_CHECK(hits[h] < n && (h == 0 || hits[h - 1] < hits[h]));
                    const rl_zone *hz = zones_get(zs, hits[h]);
                    FUZZ_CHECK(zone_binds(hz, &s) && zone_active(hz, &w));
                    FUZZ_CHECK(lon / 1e6 >= hz->minx && lon / 1e6 <= hz->maxx && lat / 1e6 >= hz->miny &&
                               lat / 1e6 <= hz->maxy);
                }
                uint32_t first;
                if (zones_route_applies(zs, &s, &w, &first))
                    FUZZ_CHECK(first < n && zones_get(zs, first)->kind == ZONE_ROUTE);
            }
        b.len = 0;
        zones_geometry_json(zs, i, i % 2 ? 5.0 : 0, &b);
        buf_putc(&b, 0);
        json_error_t je;
        json_t *g = json_loads(b.p, JSON_DECODE_ANY, &je);
        if (!g)
            fprintf(stderr, "zone %u drawn as %s: %s\n", i, b.p, je.text);
        FUZZ_CHECK(g != NULL);
        json_decref(g);
        size_t pts = 0;
        zones_outline(zs, i, 5.0, count_points, &pts);
    }
    buf_free(&b);
    zone_query_free(q);
    zones_free(zs);
    return 0;
}
