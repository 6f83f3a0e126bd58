/*
 * map.h - what the maps of the documents share (reports/README.md "Maps"):
 * Leaflet and Leaflet.markercluster read at run time from Debian's
 * libjs-leaflet* packages (never copied into the repository) with roadlog's
 * own map and table code, the Content-Security-Policy that lets a page run
 * exactly that and fetch nothing but the --tiles origin, coordinates for
 * Chinese base maps (--map-coord), and track simplification (GEOS).
 */
#ifndef RL_MAP_H
#define RL_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "coordconv.h"
#include "util.h"

/* Where Debian installs Leaflet; ROADLOG_LEAFLET_DIR overrides (tests). */
#define MAP_LEAFLET_DIR "/usr/share/javascript/leaflet"

typedef struct map_assets {
    char *js;            /* leaflet + markercluster (when found) + roadlog's code: one script */
    size_t js_len;
    char *css;           /* their CSS, images as data: URIs, + roadlog's map CSS */
    size_t css_len;
    char js_hash[96];    /* 'sha256-…' of js, for the CSP of a page that inlines it */
    bool have_leaflet;   /* false: pages get no map, only the tables' code */
    const char *missing; /* the Debian package to install, when !have_leaflet */
} map_assets;

/* Read the files; never fails (without Leaflet, have_leaflet is false). */
void map_assets_load(map_assets *a);
void map_assets_free(map_assets *a);

/* Is a --tiles template usable: http(s)://host[:port]/... with {z}, {x}
 * and {y}, nothing a CSP source or an HTML attribute could be broken by?
 * *why says what is wrong. */
bool tiles_template_ok(const char *t, char *why, size_t n);
/* The origin (scheme://host[:port]) of a valid template. */
void tiles_origin(const char *t, char *out, size_t n);

/* A WGS-84 position as the maps draw it and GeoJSON exports it (coord:
 * a cc_datum, coordconv.h): unchanged, GCJ-02 or BD-09. */
void map_coord(int coord, int32_t lat_e6, int32_t lon_e6, double *lat, double *lon);
/* GeoJSON text with every position of its "coordinates" shifted as
 * map_coord does (WGS-84 in); the rest copied as it is. */
void map_shift_geojson(const char *json, int coord, rl_buf *out);

/* Douglas-Peucker simplification of a line of n [lon, lat] pairs with a
 * tolerance in degrees (GEOS); returns the points kept, in place.  Lines
 * of fewer than 3 points are left as they are. */
typedef struct map_simplifier map_simplifier;
map_simplifier *map_simplifier_new(void);
void map_simplifier_free(map_simplifier *s);
size_t map_simplify(map_simplifier *s, double *xy, size_t n, double tol);

/* Write a JSON number of a coordinate, 6 decimals, no trailing zeros. */
void map_put_deg(FILE *f, double deg);

#endif
