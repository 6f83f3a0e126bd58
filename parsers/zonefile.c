/*
 * zonefile.c - the zone file reader (ZONES.md "File").
 *
 * A zone file is an RFC 7946 FeatureCollection.  jansson reads the JSON
 * (duplicate keys rejected, line and column in its errors); this file
 * checks every member ZONES.md gives a meaning to, converts the
 * coordinates from the file's datum to WGS-84 (coordconv.h) and builds
 * the GEOS geometry, which the zone set validates and indexes
 * (zones_add).  Any problem stops the load with the feature's number, its
 * id when known, and the reason: a zone file is configuration, and a
 * half-loaded one would silently miss violations (`roadlog analyze`
 * exits 2 on it).
 *
 * Members with the value null count as absent (GIS tools export every
 * attribute column for every feature); members ZONES.md does not name
 * are ignored (styling such as "stroke", "fill").
 */
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "event.h"
#include "plate.h"
#include "timeutil.h"
#include "zones_build.h"

#define ZONE_ID_MAX 100
#define ZONE_NAME_MAX 200

typedef struct zreader {
    zone_set *zs;
    GEOSContextHandle_t h;
    cc_datum coord;
    uint32_t file;
    uint32_t feature;        /* from 1 */
    const char *id;          /* of the feature, once known */
    char *err;
    size_t errlen;
} zreader;

static bool fail(zreader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(zreader *r, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!r->feature)
        snprintf(r->err, r->errlen, "%s", msg);
    else if (r->id)
        snprintf(r->err, r->errlen, "feature %u (id \"%.*s\"): %s", r->feature, ZONE_ID_MAX, r->id, msg);
    else
        snprintf(r->err, r->errlen, "feature %u: %s", r->feature, msg);
    return false;
}

/* A member, or NULL when absent or null. */
static json_t *member(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v) ? v : NULL;
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* A value that is a string or an array of strings: each string in turn. */
typedef bool item_fn(zreader *r, const char *s, void *ud);

static bool each_string(zreader *r, json_t *v, const char *what, item_fn *fn, void *ud)
{
    if (json_is_string(v))
        return fn(r, json_string_value(v), ud);
    if (!json_is_array(v))
        return fail(r, "%s must be a string or a list of strings", what);
    size_t i;
    json_t *e;
    json_array_foreach (v, i, e) {
        if (!json_is_string(e))
            return fail(r, "%s: item %zu is not a string", what, i + 1);
        if (!fn(r, json_string_value(e), ud))
            return false;
    }
    return true;
}

/* ---- properties ---- */

static bool add_class(zreader *r, const char *s, void *ud)
{
    vehicle_class c;
    if (!class_parse(s, strlen(s), &c))
        return fail(r, "classes: unknown class '%.40s' (coach, charter, hazmat, muck, heavy_truck, truck, other)", s);
    *(uint32_t *)ud |= 1u << c;
    return true;
}

typedef struct strlist {
    char **v;
    uint32_t n;
    const char *what;
} strlist;

static bool add_plate(zreader *r, const char *s, void *ud)
{
    strlist *l = ud;
    char norm[RL_PLATE_MAX + 1];
    size_t n;
    const char *why = plate_normalize(s, strlen(s), norm, &n);
    if (why)
        return fail(r, "%s: '%.40s': %s", l->what, s, why);
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = xstrndup(norm, n);
    return true;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct windows {
    rl_window *v;
    uint32_t n;
    bool all_day;
} windows;

static bool add_window(zreader *r, const char *s, void *ud)
{
    windows *w = ud;
    rl_window x;
    bool all_day = false;
    if (!window_parse(s, &x, &all_day))
        return fail(r, "times: '%.40s' is not a window like 07:00-22:00 (00:00-24:00 is all day)", s);
    if (all_day) {
        w->all_day = true;
        return true;
    }
    w->v = xrealloc(w->v, (w->n + 1) * sizeof *w->v);
    w->v[w->n++] = x;
    return true;
}

/* Weekday names: English (three letters or in full) and Chinese. */
static int weekday_of(const char *s, size_t n)
{
    static const char *const names[7][5] = {
        {"mon", "monday", "周一", "星期一", NULL},    {"tue", "tuesday", "周二", "星期二", NULL},
        {"wed", "wednesday", "周三", "星期三", NULL}, {"thu", "thursday", "周四", "星期四", NULL},
        {"fri", "friday", "周五", "星期五", NULL},    {"sat", "saturday", "周六", "星期六", NULL},
        {"sun", "sunday", "周日", "星期日", "周天"},
    };
    for (int d = 0; d < 7; d++)
        for (int k = 0; k < 5 && names[d][k]; k++)
            if (strlen(names[d][k]) == n && strncasecmp(names[d][k], s, n) == 0)
                return d;
    return -1;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* "Mon-Fri", "Sat,Sun", "Fri-Mon" (a range may wrap past Sunday). */
static bool add_days(zreader *r, const char *s, void *ud)
{
    uint8_t *mask = ud;
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        const char *item = p;
        trim(&item, &n);
        const char *dash = memchr(item, '-', n);
        int a, b;
        if (dash) {
            const char *x = item, *y = dash + 1;
            size_t xn = (size_t)(dash - item), yn = n - xn - 1;
            trim(&x, &xn);
            trim(&y, &yn);
            a = weekday_of(x, xn);
            b = weekday_of(y, yn);
        } else {
            a = b = weekday_of(item, n);
        }
        if (a < 0 || b < 0)
            return fail(r, "days: '%.40s' is not a weekday or a range like Mon-Fri", s);
        for (int d = a;; d = (d + 1) % 7) {
            *mask |= (uint8_t)(1u << d);
            if (d == b)
                break;
        }
        if (!comma)
            return true;
        p = comma + 1;
    }
}

typedef struct dates {
    zone_dates *v;
    uint32_t n;
} dates;

static bool parse_day(const char *s, size_t n, int64_t *day)
{
    unsigned y, m, d;
    char tail;
    char buf[16];
    if (n != 10)
        return false;
    memcpy(buf, s, 10);
    buf[10] = 0;
    if (sscanf(buf, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || buf[4] != '-' || buf[7] != '-')
        return false;
    if (!tu_valid_date(y, m, d))
        return false;
    *day = tu_days_from_civil(y, m, d);
    return true;
}

/* "2026-11-01/2026-12-31" (both days included) or one day. */
static bool add_dates(zreader *r, const char *s, void *ud)
{
    dates *l = ud;
    zone_dates x;
    const char *slash = strchr(s, '/');
    const char *a = s;
    size_t an = slash ? (size_t)(slash - s) : strlen(s);
    trim(&a, &an);
    bool ok = parse_day(a, an, &x.first);
    x.last = x.first;
    if (ok && slash) {
        const char *b = slash + 1;
        size_t bn = strlen(b);
        trim(&b, &bn);
        ok = parse_day(b, bn, &x.last);
    }
    if (!ok)
        return fail(r, "dates: '%.40s' is not a date range like 2026-11-01/2026-12-31", s);
    if (x.last < x.first)
        return fail(r, "dates: '%.40s' ends before it starts", s);
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = x;
    return true;
}

/* A number in [lo, hi]; whole when `whole`. */
static bool number(zreader *r, json_t *v, const char *what, double lo, double hi, bool whole, double *out)
{
    if (!json_is_number(v))
        return fail(r, "%s must be a number", what);
    double x = json_number_value(v);
    if (!isfinite(x) || x < lo || x > hi || (whole && x != floor(x)))
        return fail(r, "%s: %g is outside %g..%g%s", what, x, lo, hi, whole ? " or not whole" : "");
    *out = x;
    return true;
}

static bool read_id(zreader *r, json_t *feature, json_t *props, char **out)
{
    json_t *v = member(props, "id");
    if (!v)
        v = member(feature, "id"); /* RFC 7946 §3.2: the Feature's own id */
    if (!v)
        return fail(r, "no id (every zone needs a unique \"id\" property)");
    char num[32];
    const char *s;
    if (json_is_string(v)) {
        s = json_string_value(v);
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = num;
    } else {
        return fail(r, "id must be a string or a whole number");
    }
    if (!*s || strlen(s) > ZONE_ID_MAX || has_control(s))
        return fail(r, "id must be 1 to %d characters without control characters", ZONE_ID_MAX);
    *out = xstrdup(s);
    r->id = *out;
    return true;
}

static bool read_properties(zreader *r, json_t *feature, json_t *props, bool line, rl_zone *z)
{
    if (!read_id(r, feature, props, &z->id))
        return false;
    json_t *v = member(props, "name");
    if (v) {
        if (!json_is_string(v))
            return fail(r, "name must be a string");
        const char *s = json_string_value(v);
        if (strlen(s) > ZONE_NAME_MAX || has_control(s))
            return fail(r, "name must be at most %d characters without control characters", ZONE_NAME_MAX);
        z->name = xstrdup(*s ? s : z->id);
    } else {
        z->name = xstrdup(z->id);
    }
    size_t rn = strlen(RULE_ID_ZONE_PREFIX) + strlen(z->id) + 1;
    z->rule = xmalloc(rn);
    snprintf(z->rule, rn, "%s%s", RULE_ID_ZONE_PREFIX, z->id);

    v = member(props, "kind");
    if (!v)
        return fail(r, "no kind (restricted, speed, road or route)");
    if (!json_is_string(v) || !zone_kind_parse(json_string_value(v), &z->kind))
        return fail(r, "kind must be restricted, speed, road or route");

    /* who: classes, plates, exempt */
    json_t *classes = member(props, "classes"), *plates = member(props, "plates");
    if (classes && !each_string(r, classes, "classes", add_class, &z->classes))
        return false;
    strlist pl = {NULL, 0, "plates"}, ex = {NULL, 0, "exempt"};
    bool ok = !plates || each_string(r, plates, "plates", add_plate, &pl);
    z->plates = pl.v;
    z->nplates = pl.n;
    if (!ok)
        return false;
    v = member(props, "exempt");
    ok = !v || each_string(r, v, "exempt", add_plate, &ex);
    z->exempt = ex.v;
    z->nexempt = ex.n;
    if (!ok)
        return false;
    if (z->nplates > 1)
        qsort(z->plates, z->nplates, sizeof *z->plates, cmp_str);
    if (z->nexempt > 1)
        qsort(z->exempt, z->nexempt, sizeof *z->exempt, cmp_str);
    if (!classes && !plates)
        z->classes = (1u << CLASS_COUNT) - 1; /* default: every class */
    if (!z->classes && !z->nplates)
        return fail(r, "classes and plates name no vehicle: the zone would bind none");
    if (z->kind == ZONE_ROUTE && !classes && !plates)
        return fail(r, "a route names its vehicles (classes or plates): it cannot bind every vehicle");

    /* when: times, days, dates */
    windows w = {NULL, 0, false};
    v = member(props, "times");
    ok = !v || each_string(r, v, "times", add_window, &w);
    if (w.all_day) { /* all day, whatever else is listed */
        free(w.v);
        w.v = NULL;
        w.n = 0;
    }
    z->times = w.v;
    z->ntimes = w.n;
    if (!ok)
        return false;
    if (v && json_is_array(v) && json_array_size(v) == 0)
        return fail(r, "times is an empty list: the zone would never be in force");
    v = member(props, "days");
    if (v) {
        if (!each_string(r, v, "days", add_days, &z->days))
            return false;
        if (!z->days)
            return fail(r, "days is an empty list: the zone would never be in force");
    } else {
        z->days = ZONE_DAYS_ALL;
    }
    dates dl = {NULL, 0};
    v = member(props, "dates");
    ok = !v || each_string(r, v, "dates", add_dates, &dl);
    z->dates = dl.v;
    z->ndates = dl.n;
    if (!ok)
        return false;
    if (v && !dl.n)
        return fail(r, "dates is an empty list: the zone would never be in force");

    /* what: limits, road type, corridor, minimum run */
    double x;
    v = member(props, "speed_limit_kmh");
    if (v) {
        if (z->kind != ZONE_SPEED && z->kind != ZONE_ROAD)
            return fail(r, "speed_limit_kmh applies to kinds speed and road, not %s", zone_kind_name(z->kind));
        if (!number(r, v, "speed_limit_kmh", 1, 220, false, &x))
            return false;
        z->limit_mkmh = llround(x * 1000.0);
    } else if (z->kind == ZONE_SPEED) {
        return fail(r, "a speed zone needs speed_limit_kmh");
    }
    v = member(props, "road_type");
    if (v) {
        if (z->kind != ZONE_ROAD)
            return fail(r, "road_type applies to kind road, not %s", zone_kind_name(z->kind));
        const char *s = json_is_string(v) ? json_string_value(v) : "";
        z->road = ROAD_NONE;
        for (int t = ROAD_EXPRESSWAY; t <= ROAD_OTHER; t++)
            if (strcmp(s, road_type_name((road_type)t)) == 0)
                z->road = (uint8_t)t;
        if (z->road == ROAD_NONE)
            return fail(r, "road_type must be expressway, urban_expressway or other");
    } else if (z->kind == ZONE_ROAD) {
        return fail(r, "a road zone needs road_type (expressway, urban_expressway or other)");
    }
    v = member(props, "buffer_m");
    z->buffer_m = zones_default_buffer_m(r->zs);
    if (v) {
        if (!line)
            return fail(r, "buffer_m applies to line geometries (LineString, MultiLineString), not polygons");
        if (!number(r, v, "buffer_m", 0.1, 100000, false, &z->buffer_m))
            return false;
    }
    v = member(props, "min_s");
    z->min_s = zones_default_min_s(r->zs);
    if (v) {
        if (!number(r, v, "min_s", 0, 7 * 86400, true, &x))
            return false;
        z->min_s = (int64_t)x;
    }
    return true;
}

/* ---- geometry ---- */

/* Position number k (from 1) of `where`. */
static bool position(zreader *r, json_t *p, const char *where, size_t k, double xy[2])
{
    if (!json_is_array(p) || json_array_size(p) < 2 || !json_is_number(json_array_get(p, 0)) ||
        !json_is_number(json_array_get(p, 1)))
        return fail(r, "%s, position %zu: a position is [longitude, latitude]", where, k);
    double lon = json_number_value(json_array_get(p, 0)), lat = json_number_value(json_array_get(p, 1));
    if (!isfinite(lon) || !isfinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90)
        return fail(r, "%s, position %zu: [%g, %g] is not a longitude and latitude", where, k, lon, lat);
    xy[0] = lon;
    xy[1] = lat;
    return true;
}

/* Positions of a line or ring, converted to WGS-84, as GEOS coordinates. */
static GEOSCoordSequence *positions(zreader *r, json_t *a, size_t min, bool closed, const char *where)
{
    if (!json_is_array(a))
        return fail(r, "%s: expected a list of positions", where), NULL;
    size_t n = json_array_size(a);
    if (n < min)
        return fail(r, "%s: %zu positions, at least %zu needed", where, n, min), NULL;
    if (n > UINT32_MAX)
        return fail(r, "%s: too many positions", where), NULL;
    double *xy = xmalloc(2 * n * sizeof *xy);
    double first[2] = {0, 0}, last[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        double p[2] = {0, 0};
        if (!position(r, json_array_get(a, i), where, i + 1, p)) {
            free(xy);
            return NULL;
        }
        if (i == 0)
            memcpy(first, p, sizeof p);
        memcpy(last, p, sizeof p);
        cc_to_wgs84(r->coord, p[0], p[1], &xy[2 * i], &xy[2 * i + 1]);
    }
    if (closed && (first[0] != last[0] || first[1] != last[1])) {
        free(xy);
        return fail(r, "%s is not closed (RFC 7946: its last position repeats its first)", where), NULL;
    }
    GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(r->h, xy, (unsigned)n, 0, 0);
    free(xy);
    if (!cs)
        fail(r, "%s: GEOS: %s", where, zones_geos_error(r->zs));
    return cs;
}

/* The parts made so far of a geometry given up on. */
static void free_parts(zreader *r, GEOSGeometry **g, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (g[i])
            GEOSGeom_destroy_r(r->h, g[i]);
}

static GEOSGeometry *polygon(zreader *r, json_t *rings, const char *where)
{
    if (!json_is_array(rings) || json_array_size(rings) == 0)
        return fail(r, "%s: expected a list of rings (the shell, then holes)", where), NULL;
    size_t n = json_array_size(rings);
    GEOSGeometry **g = xcalloc(n, sizeof *g);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        char w[64];
        if (i == 0)
            snprintf(w, sizeof w, "%s%souter ring", where, *where ? ", " : "");
        else
            snprintf(w, sizeof w, "%s%shole %zu", where, *where ? ", " : "", i);
        GEOSCoordSequence *cs = positions(r, json_array_get(rings, i), 4, true, w);
        g[i] = cs ? GEOSGeom_createLinearRing_r(r->h, cs) : NULL;
        if (cs && !g[i])
            fail(r, "%s: GEOS: %s", w, zones_geos_error(r->zs));
        ok = g[i] != NULL;
    }
    GEOSGeometry *p = NULL;
    if (ok) {
        p = GEOSGeom_createPolygon_r(r->h, g[0], g + 1, (unsigned)(n - 1));
        if (!p)
            fail(r, "%s: GEOS: %s", where, zones_geos_error(r->zs));
    } else {
        free_parts(r, g, n);
    }
    free(g);
    return p;
}

static GEOSGeometry *line(zreader *r, json_t *pts, const char *where)
{
    GEOSCoordSequence *cs = positions(r, pts, 2, false, where);
    if (!cs)
        return NULL;
    GEOSGeometry *l = GEOSGeom_createLineString_r(r->h, cs);
    if (!l)
        fail(r, "%s: GEOS: %s", where, zones_geos_error(r->zs));
    return l;
}

typedef GEOSGeometry *part_fn(zreader *r, json_t *v, const char *where);

static GEOSGeometry *multi(zreader *r, json_t *parts, int type, part_fn *fn, const char *what)
{
    if (!json_is_array(parts) || json_array_size(parts) == 0)
        return fail(r, "geometry: expected a list of %ss", what), NULL;
    size_t n = json_array_size(parts);
    if (n > UINT32_MAX)
        return fail(r, "geometry: too many parts"), NULL;
    GEOSGeometry **g = xcalloc(n, sizeof *g);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        char w[48];
        snprintf(w, sizeof w, "%s %zu", what, i + 1);
        g[i] = fn(r, json_array_get(parts, i), w);
        ok = g[i] != NULL;
    }
    GEOSGeometry *c = NULL;
    if (ok) {
        c = GEOSGeom_createCollection_r(r->h, type, g, (unsigned)n);
        if (!c)
            fail(r, "geometry: GEOS: %s", zones_geos_error(r->zs));
    } else {
        free_parts(r, g, n);
    }
    free(g);
    return c;
}

static GEOSGeometry *geometry(zreader *r, json_t *geom, bool *is_line)
{
    if (!geom || !json_is_object(geom))
        return fail(r, "no geometry (a Polygon, MultiPolygon, LineString or MultiLineString)"), NULL;
    json_t *type = json_object_get(geom, "type"), *coords = json_object_get(geom, "coordinates");
    const char *t = json_is_string(type) ? json_string_value(type) : "";
    *is_line = strcmp(t, "LineString") == 0 || strcmp(t, "MultiLineString") == 0;
    if (!coords && *t)
        return fail(r, "geometry %.40s has no coordinates", t), NULL;
    if (strcmp(t, "Polygon") == 0)
        return polygon(r, coords, "");
    if (strcmp(t, "MultiPolygon") == 0)
        return multi(r, coords, GEOS_MULTIPOLYGON, polygon, "polygon");
    if (strcmp(t, "LineString") == 0)
        return line(r, coords, "line");
    if (strcmp(t, "MultiLineString") == 0)
        return multi(r, coords, GEOS_MULTILINESTRING, line, "line");
    return fail(r, "geometry type '%.40s' is not a zone (Polygon, MultiPolygon, LineString, MultiLineString)", t),
           NULL;
}

/* ---- the file ---- */

static bool feature(zreader *r, json_t *f)
{
    if (!json_is_object(f))
        return fail(r, "not a GeoJSON Feature object");
    json_t *type = json_object_get(f, "type");
    if (!json_is_string(type) || strcmp(json_string_value(type), "Feature") != 0)
        return fail(r, "\"type\" is not \"Feature\"");
    json_t *props = json_object_get(f, "properties");
    if (!json_is_object(props))
        props = NULL;
    if (!props && !member(f, "id"))
        return fail(r, "no properties (id, kind, ...)");
    json_t *empty = props ? NULL : json_object();
    rl_zone z;
    memset(&z, 0, sizeof z);
    z.file = r->file;
    z.feature = r->feature;
    bool is_line = false;
    json_t *geom = json_object_get(f, "geometry");
    json_t *gtype = json_is_object(geom) ? json_object_get(geom, "type") : NULL;
    if (json_is_string(gtype))
        is_line = strcmp(json_string_value(gtype), "LineString") == 0 ||
                  strcmp(json_string_value(gtype), "MultiLineString") == 0;
    bool ok = read_properties(r, f, props ? props : empty, is_line, &z);
    if (empty)
        json_decref(empty);
    if (!ok) {
        r->id = NULL;
        zone_clear(&z);
        return false;
    }
    /* messages below name the id; keep a copy, zones_add takes z's */
    char id[ZONE_ID_MAX + 1];
    snprintf(id, sizeof id, "%s", z.id);
    r->id = id;
    GEOSGeometry *g = geometry(r, geom, &is_line);
    if (!g) {
        zone_clear(&z);
        r->id = NULL;
        return false;
    }
    char why[320];
    ok = zones_add(r->zs, &z, g, why, sizeof why);
    if (!ok)
        fail(r, "%s", why);
    r->id = NULL;
    return ok;
}

/* A feature's JSON values come from an arena, given back whole when the
 * feature is done.  jansson allocates every value on its own, and a zone
 * file is mostly positions (an array and two numbers each: three mallocs,
 * three frees and a walk of the tree to free it): loading the bench's
 * 10 000 zones took 0.75 s of CPU with malloc, 0.63 s with the arena
 * (one core, median of 5).  jansson's allocator is one for the process:
 * the arena serves only the thread that has one open, every other call
 * goes to malloc and free. */
typedef struct jblock {
    struct jblock *next;
    size_t used, cap;
    max_align_t data[];
} jblock;

typedef struct jarena {
    jblock *first, *cur;
    size_t total;            /* bytes in all blocks */
} jarena;

static _Thread_local jarena *open_arena;

#define JBLOCK_MIN (1u << 20)

static void *arena_malloc(size_t n)
{
    jarena *a = open_arena;
    if (!a)
        return malloc(n);
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    jblock *b = a->cur;
    while (b && b->cap - b->used < n)
        b = b->next; /* blocks kept from an earlier feature */
    if (!b) {
        /* each new block as large as all before it: a huge feature makes
         * few blocks (arena_free looks through them all) */
        size_t cap = a->total > JBLOCK_MIN ? a->total : JBLOCK_MIN;
        if (cap < n)
            cap = n;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = NULL;
        a->total += cap;
        if (a->cur) {
            b->next = a->cur->next;
            a->cur->next = b;
        } else {
            a->first = b;
        }
    }
    a->cur = b;
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static void arena_free(void *p)
{
    jarena *a = open_arena;
    if (!p)
        return;
    if (a)
        for (jblock *b = a->first; b; b = b->next)
            if ((char *)p >= (char *)b->data && (char *)p < (char *)b->data + b->cap)
                return; /* given back with the arena */
    free(p);
}

static void set_alloc_funcs(void) { json_set_alloc_funcs(arena_malloc, arena_free); }

void zonefile_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, set_alloc_funcs);
}

static void arena_open(jarena *a)
{
    zonefile_init();
    a->first = a->cur = NULL;
    a->total = 0;
    open_arena = a;
}

/* Everything taken since the last reset is free again. */
static void arena_reset(jarena *a)
{
    for (jblock *b = a->first; b; b = b->next)
        b->used = 0;
    a->cur = a->first;
}

static void arena_close(jarena *a)
{
    open_arena = NULL;
    for (jblock *b = a->first, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    a->first = a->cur = NULL;
    a->total = 0;
}

/* The collection is read one member and one feature at a time: jansson
 * decodes each value (JSON_DISABLE_EOF_CHECK: it stops at the value's
 * end and says where), and only the punctuation between values (the
 * braces, brackets, colons and commas of the FeatureCollection and its
 * feature list) is read here.  So a zone file's tree never exists whole:
 * memory is one feature's (a whole-file tree is some nine bytes per byte
 * of GeoJSON, 120 MB for the bench's 13 MB of zones), and each feature's
 * geometry is built while its text is still in cache. */
typedef struct jstream {
    zreader *r;
    const char *p;
    size_t n, pos;
} jstream;

static void js_ws(jstream *s)
{
    while (s->pos < s->n && (s->p[s->pos] == ' ' || s->p[s->pos] == '\t' || s->p[s->pos] == '\n' ||
                             s->p[s->pos] == '\r'))
        s->pos++;
}

/* Is the next character (after white space) c?  Then it is consumed. */
static bool js_char(jstream *s, char c)
{
    js_ws(s);
    if (s->pos < s->n && s->p[s->pos] == c) {
        s->pos++;
        return true;
    }
    return false;
}

/* "line L, column C" of a byte offset, for messages. */
static bool js_fail(jstream *s, size_t at, const char *what)
{
    unsigned line = 1, col = 1;
    for (size_t i = 0; i < at && i < s->n; i++, col++)
        if (s->p[i] == '\n') {
            line++;
            col = 0;
        }
    zreader *r = s->r;
    uint32_t feature = r->feature;
    r->feature = 0; /* a syntax error names its place, not a feature */
    fail(r, "line %u, column %u: not valid JSON: %s", line, col, what);
    r->feature = feature;
    return false;
}

/* The next value, decoded by jansson; NULL (message given) when it is
 * not valid JSON. */
static json_t *js_value(jstream *s)
{
    js_ws(s);
    json_error_t je;
    json_t *v = json_loadb(s->p + s->pos, s->n - s->pos,
                           JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
    if (!v) {
        js_fail(s, s->pos + (size_t)(je.position > 0 ? je.position : 0), je.text);
        return NULL;
    }
    s->pos += (size_t)je.position;
    return v;
}

/* The feature list: each feature read and made a zone. */
static bool js_features(jstream *s, uint32_t *nzones)
{
    zreader *r = s->r;
    if (!js_char(s, '['))
        return fail(r, "\"features\" must be a list of Features");
    if (js_char(s, ']'))
        return true;
    jarena a;
    arena_open(&a);
    bool ok = true;
    for (uint32_t i = 1; ok; i++) {
        if (i == UINT32_MAX) {
            ok = fail(r, "too many features");
            break;
        }
        json_t *f = js_value(s);
        if (!f) {
            ok = false;
            break;
        }
        r->feature = i;
        ok = feature(r, f);
        r->feature = 0;
        if (ok)
            (*nzones)++;
        arena_reset(&a); /* f and all it holds (no json_decref: nothing of it outlives the feature) */
        if (!ok || js_char(s, ','))
            continue;
        if (!js_char(s, ']'))
            ok = js_fail(s, s->pos, "expected ',' or ']' after a feature");
        break;
    }
    arena_close(&a);
    return ok;
}

bool zonefile_read(zone_set *zs, uint32_t file, const char *data, size_t n, int coord_override, cc_datum *coord,
                   uint32_t *nzones, char *err, size_t errlen)
{
    static const char not_fc[] =
        "not a GeoJSON FeatureCollection (ZONES.md: {\"type\": \"FeatureCollection\", \"features\": [...]})";
    zreader r = {zs, zones_geos(zs), CC_WGS84, file, 0, NULL, err, errlen};
    jstream s = {&r, data, n, 0};
    *nzones = 0;
    if (coord_override >= 0)
        r.coord = (cc_datum)coord_override;
    /* the features are read in the datum known when they come; a
     * "coord" member after them (JSON members have no order) undoes them
     * and they are read again */
    uint32_t first_zone = zones_count(zs);
    size_t features_at = SIZE_MAX;
    cc_datum features_datum = r.coord;
    bool is_fc = false, ok = true;
    json_t *seen = json_object(); /* member names, to refuse a repeated one */
    js_ws(&s);
    if (s.pos == n) {
        ok = js_fail(&s, s.pos, "the file is empty");
    } else if (!js_char(&s, '{')) {
        ok = fail(&r, not_fc);
    } else if (!js_char(&s, '}')) {
        while (ok) {
            js_ws(&s);
            size_t at = s.pos;
            json_t *key = js_value(&s);
            if (!key) {
                ok = false;
                break;
            }
            const char *k = json_is_string(key) ? json_string_value(key) : NULL;
            if (!k)
                ok = js_fail(&s, at, "expected a member name");
            else if (json_object_get(seen, k))
                ok = js_fail(&s, at, "a member name is repeated");
            else if (!js_char(&s, ':'))
                ok = js_fail(&s, s.pos, "expected ':'");
            else if (json_object_set_new(seen, k, json_true()) == 0 && strcmp(k, "features") == 0) {
                js_ws(&s);
                features_at = s.pos;
                features_datum = r.coord;
                ok = js_features(&s, nzones);
            } else {
                json_t *v = js_value(&s);
                if (!v) {
                    ok = false;
                } else if (strcmp(k, "type") == 0) {
                    is_fc = json_is_string(v) && strcmp(json_string_value(v), "FeatureCollection") == 0;
                } else if (strcmp(k, "coord") == 0 && !json_is_null(v)) {
                    cc_datum d;
                    if (!json_is_string(v) || !cc_datum_parse(json_string_value(v), &d))
                        ok = fail(&r, "\"coord\" must be \"wgs84\", \"gcj02\" or \"bd09\"");
                    else if (coord_override < 0)
                        r.coord = d;
                }
                json_decref(v);
            }
            json_decref(key);
            if (!ok || js_char(&s, ','))
                continue;
            if (js_char(&s, '}'))
                break;
            ok = js_fail(&s, s.pos, "expected ',' or '}' after a member");
        }
    }
    if (ok) {
        js_ws(&s);
        if (s.pos != n)
            ok = js_fail(&s, s.pos, "more after the FeatureCollection");
        else if (!is_fc || features_at == SIZE_MAX)
            ok = fail(&r, not_fc);
    }
    if (ok && r.coord != features_datum) {
        zones_truncate(zs, first_zone);
        *nzones = 0;
        s.pos = features_at;
        ok = js_features(&s, nzones);
    }
    json_decref(seen);
    *coord = r.coord;
    return ok;
}
