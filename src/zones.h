/*
 * zones.h - where and when a rule applies (ZONES.md): the zone set.
 *
 * A zone is a place (a polygon with holes, or a corridor of buffer_m
 * metres around a line) with a kind (restricted area, speed zone, road,
 * approved route), the vehicles it binds (classes, plates, exempt plates)
 * and when it is in force (daily windows, weekdays, date ranges).
 *
 * Life of a zone set: zones_new, zones_load once per --zones file (the
 * GeoJSON is read by parsers/zonefile.c with jansson, drawn-on-map
 * datums converted to WGS-84 once, geometries checked and built with
 * GEOS), then zones_freeze: the set is indexed (a GEOS STRtree over the
 * zones' envelopes), every geometry prepared (GEOS prepared geometries,
 * which answer point-in-polygon from an index of their own) and warmed,
 * and from then on it is immutable.  Worker threads share it read-only:
 * each asks through a zone_query of its own (its own GEOS context handle,
 * its own scratch), never through a global handle.
 *
 * Warming matters for threads: GEOS 3.11 builds a prepared geometry's
 * point locator and the STRtree lazily, at their first query, which is a
 * data race when two threads ask first at once (libgeos/geos#825).
 * zones_freeze asks each once, so later queries only read.
 *
 * The cost of a fix: outside the envelope of all zones, two comparisons.
 * Inside it, one STRtree probe with a box of ZONE_PROBE_DEG around the
 * fix, whose candidates (zones whose envelope meets the box) are kept in
 * the query context; the next fixes inside that box (a vehicle moves a
 * few hundred metres between fixes) reuse them without a probe.  Of the
 * candidates, only those whose envelope holds the fix, which bind the
 * vehicle and are active at that moment get the prepared point-in-polygon
 * test.
 */
#ifndef RL_ZONES_H
#define RL_ZONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coordconv.h"
#include "rules.h"
#include "util.h"

typedef enum { ZONE_RESTRICTED, ZONE_SPEED, ZONE_ROAD, ZONE_ROUTE, ZONE_KIND_COUNT } zone_kind;
const char *zone_kind_name(zone_kind k); /* "restricted" */
bool zone_kind_parse(const char *s, zone_kind *k);

/* No zone (a zone index). */
#define ZONE_NONE UINT32_MAX
/* Half the side of the box a probe asks the index for, in degrees (about
 * 2.2 km north-south): large enough that a moving vehicle's next fixes
 * fall in it, small enough that a dense city gives a few candidates.  On
 * the bench (10 000 zones around ten cities, 1.84 M fixes inside their
 * envelope), 0.01 made 502 000 probes, 0.02 makes 271 000 of 1.5
 * candidates each. */
#define ZONE_PROBE_DEG 0.02

/* Weekdays: bit 0 Monday .. bit 6 Sunday. */
#define ZONE_DAYS_ALL 0x7Fu

/* A range of local days (days since 1970-01-01 in the analysis zone),
 * both ends included. */
typedef struct zone_dates {
    int64_t first, last;
} zone_dates;

typedef struct rl_zone {
    char *id;                /* unique in the run */
    char *name;              /* the id when the file gives none */
    char *rule;              /* "zone:ID", the `rule` of its events */
    zone_kind kind;
    uint8_t road;            /* road_type (event.h), kind road */
    bool corridor;           /* a line buffered by buffer_m */
    double buffer_m;
    int64_t limit_mkmh;      /* speed_limit_kmh x 1000; 0 = none */
    int64_t min_s;           /* shorter runs are no event */
    uint32_t classes;        /* bit (1 << vehicle_class) per class bound */
    char **plates;           /* plates bound besides the classes, sorted */
    uint32_t nplates;
    char **exempt;           /* exempt plates (通行证), sorted */
    uint32_t nexempt;
    rl_window *times;        /* daily windows; none = all day */
    uint32_t ntimes;
    uint8_t days;            /* ZONE_DAYS_ALL = every day */
    zone_dates *dates;       /* none = always */
    uint32_t ndates;
    uint32_t file;           /* which --zones file */
    uint32_t feature;        /* its feature number there, from 1 */
    double minx, miny, maxx, maxy; /* envelope of the geometry tested, degrees */
} rl_zone;

/* One --zones file, for run.json. */
typedef struct zone_file_info {
    char *path;
    char sha256[65];
    cc_datum coord;          /* the datum its coordinates were read in */
    uint32_t zones;
} zone_file_info;

typedef struct zone_set zone_set;

/* A new, empty set; r gives the defaults of zone.min_s and zone.buffer_m. */
zone_set *zones_new(const rl_rules *r);
/* Once, before a thread of its own loads zones while others may use
 * jansson: the zone reader's allocator is set now, not then. */
void zones_prepare(void);
/* Read one zone file (ZONES.md "File").  coord_override: the datum of
 * --zones-coord, or -1 to follow the file's "coord" member.  False with
 * a message naming the file, the feature and the reason in err. */
bool zones_load(zone_set *zs, const char *path, int coord_override, char *err, size_t errlen);
/* The same from memory (tests, fuzzing); `name` stands for the path. */
bool zones_load_buffer(zone_set *zs, const char *name, const char *data, size_t n, int coord_override, char *err,
                       size_t errlen);
/* After the last file: index, prepare and warm.  The set is immutable
 * from here on; queries need it frozen. */
void zones_freeze(zone_set *zs);
void zones_free(zone_set *zs);

uint32_t zones_count(const zone_set *zs);
const rl_zone *zones_get(const zone_set *zs, uint32_t i);
/* The zone with this id, or ZONE_NONE. */
uint32_t zones_find(const zone_set *zs, const char *id);
size_t zones_nfiles(const zone_set *zs);
const zone_file_info *zones_file(const zone_set *zs, size_t i);

/* ---- asking ---- */

/* Who asks: the vehicle's normalised plate and its class. */
typedef struct zone_subject {
    const char *plate;
    vehicle_class cls;
} zone_subject;

/* When: a fix's local day, second of the day and weekday (0 = Monday). */
typedef struct zone_when {
    int64_t day;
    int32_t sod;
    uint8_t weekday;
} zone_when;

zone_when zone_when_of(int64_t utc, int32_t tz);
/* Does the zone bind the vehicle (its class or plate, and not exempt)? */
bool zone_binds(const rl_zone *z, const zone_subject *s);
/* Is the zone in force at that moment (times, days, dates)? */
bool zone_active(const rl_zone *z, const zone_when *w);

/* A query context: one per thread. */
typedef struct zone_query zone_query;
zone_query *zone_query_new(const zone_set *zs);
void zone_query_free(zone_query *q);

/* The zones that bind s, are active at w and contain the position (the
 * boundary is inside, a hole is outside), in ascending index.  *hits
 * points into q, valid until the next call. */
size_t zone_query_at(zone_query *q, const zone_subject *s, const zone_when *w, int32_t lat_e6, int32_t lon_e6,
                     const uint32_t **hits);
/* Index probes made so far (the STRtree queries; a test's figure). */
uint64_t zone_query_probes(const zone_query *q);

/* Does route_deviation apply: is some route zone that binds s active at
 * w?  *first gets the first such route (ascending index). */
bool zones_route_applies(const zone_set *zs, const zone_subject *s, const zone_when *w, uint32_t *first);

/* ---- drawing (reports) ---- */

/* The zone as drawn (a route as its line, not its corridor), WGS-84, as
 * a GeoJSON geometry object appended to out; simplified to tolerance_m
 * metres when > 0; coordinates rounded to 1e-6 degrees. */
void zones_geometry_json(const zone_set *zs, uint32_t i, double tolerance_m, rl_buf *out);

/* The same as parts to draw: each ring or line as points (lon, lat in
 * 1e-6 degrees, interleaved), `closed` for rings. */
typedef void zone_part_fn(void *ud, const int32_t *lonlat_e6, size_t npoints, bool closed);
void zones_outline(const zone_set *zs, uint32_t i, double tolerance_m, zone_part_fn *fn, void *ud);

#endif
