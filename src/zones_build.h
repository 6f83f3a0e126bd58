/*
 * zones_build.h - how the zone file reader (parsers/zonefile.c) fills a
 * zone set (src/zones.c) while it is being loaded.  Not for anyone else:
 * once frozen, the set is read through zones.h only.
 */
#ifndef RL_ZONES_BUILD_H
#define RL_ZONES_BUILD_H

#include <geos_c.h>

#include "zones.h"

/* The loader's GEOS context (geometries of the set are made in it). */
GEOSContextHandle_t zones_geos(zone_set *zs);
/* The last message GEOS gave on that context ("" when none). */
const char *zones_geos_error(const zone_set *zs);
/* Defaults the rules give: zone.min_s, zone.buffer_m. */
int64_t zones_default_min_s(const zone_set *zs);
double zones_default_buffer_m(const zone_set *zs);

/* Add a zone.  z's strings and arrays (malloc'd) and g (WGS-84 degrees;
 * a Polygon or MultiPolygon, or for a corridor a LineString or
 * MultiLineString) pass to the set, also when it fails.  The set checks
 * the id is new, the polygon valid (GEOS: no self-intersection, holes
 * inside their shell...), buffers lines into corridors and keeps both
 * shapes.  False with the reason in why. */
bool zones_add(zone_set *zs, rl_zone *z, GEOSGeometry *g, char *why, size_t whylen);
/* Drop the zones from index `keep` on (a file read again in another
 * datum). */
void zones_truncate(zone_set *zs, uint32_t keep);
/* Free what an rl_zone owns (a zone the reader gives up on). */
void zone_clear(rl_zone *z);

/* jansson's allocator set to the arena's (once; before any other thread
 * uses jansson, where the caller can: zones_prepare). */
void zonefile_init(void);
/* The reader proper (parsers/zonefile.c): one GeoJSON text into the set
 * as file number `file`.  *coord gets the datum used.  False with
 * "feature N (id X): reason" (no file name) in err. */
bool zonefile_read(zone_set *zs, uint32_t file, const char *data, size_t n, int coord_override, cc_datum *coord,
                   uint32_t *nzones, char *err, size_t errlen);

#endif
