/*
 * test_zones.c - zones (ZONES.md): the datum conversions against
 * published reference points and in round trips; the zone file reader's
 * errors; geometry boundaries (an edge, a hole, a corridor, a route with a
 * gap); calendars (windows across midnight, a window opening while the
 * vehicle is inside, a date range ending mid-episode, weekdays); who a
 * zone binds (classes, plates, exempt); zone_restricted, route_deviation
 * and speed/road zones through the whole engine; invariance under
 * shuffled input and under a detector state copied as bytes at every
 * fix (the resume carry); one index probe for a fix far from every zone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coordconv.h"
#include "detect.h"
#include "harness.h"
#include "track.h"
#include "zones.h"

/* ---- datums ---- */

static double metres(double lon1, double lat1, double lon2, double lat2)
{
    return haversine_km((int32_t)llround(lat1 * 1e6), (int32_t)llround(lon1 * 1e6), (int32_t)llround(lat2 * 1e6),
                        (int32_t)llround(lon2 * 1e6)) *
           1000.0;
}

static void near_deg(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: %.14f, want %.14f (+- %g)", what, got, want, tol);
}

/* Published pairs.  googollee/eviltransform's test table (wgs -> gcj,
 * Shanghai, Shenzhen, Beijing) and wandergis/coordtransform's README
 * example (116.404, 39.915) use the same formula and constants as
 * ZONES.md, so they agree to the last digits; the geotool CLI test
 * (WGS 121.0917077, 30.6107779) rounds differently, within a centimetre. */
static void test_reference_points(void **st)
{
    (void)st;
    static const struct {
        double wlon, wlat, glon, glat;
    } evil[] = {
        {121.5272106, 31.1774276, 121.531541859215, 31.17530398364597},
        {113.912316, 22.543847, 113.9171764808363, 22.540796131694766},
        {116.377817, 39.911954, 116.38404722455657, 39.91334545536069},
        {116.404, 39.915, 116.41024449916938, 39.91640428150164},
    };
    for (size_t i = 0; i < sizeof evil / sizeof *evil; i++) {
        double x, y;
        cc_gcj02_from_wgs84(evil[i].wlon, evil[i].wlat, &x, &y);
        near_deg(x, evil[i].glon, 1e-9, "gcj02 lon");
        near_deg(y, evil[i].glat, 1e-9, "gcj02 lat");
        /* and back, to well under 0.5 m */
        cc_to_wgs84(CC_GCJ02, evil[i].glon, evil[i].glat, &x, &y);
        assert_true(metres(x, y, evil[i].wlon, evil[i].wlat) < 0.01);
    }
    double x, y;
    /* coordtransform: gcj02tobd09(116.404, 39.915) */
    cc_bd09_from_gcj02(116.404, 39.915, &x, &y);
    near_deg(x, 116.41036949371029, 1e-9, "bd09 lon");
    near_deg(y, 39.92133699351021, 1e-9, "bd09 lat");
    /* coordtransform's one-step inverses are approximations: ours agree
     * within 0.5 m */
    cc_to_wgs84(CC_GCJ02, 116.404, 39.915, &x, &y); /* gcj02towgs84 */
    assert_true(metres(x, y, 116.39775550083061, 39.91359571849836) < 0.5);
    cc_to_wgs84(CC_BD09, 116.404, 39.915, &x, &y); /* bd09togcj02 */
    cc_gcj02_from_wgs84(x, y, &x, &y);
    assert_true(metres(x, y, 116.39762729119315, 39.90865673957631) < 0.5);
    /* geotool: the same point in all three datums */
    cc_from_wgs84(CC_GCJ02, 121.0917077, 30.6107779, &x, &y);
    assert_true(metres(x, y, 121.09626935575027, 30.608604331756705) < 0.1);
    cc_from_wgs84(CC_BD09, 121.0917077, 30.6107779, &x, &y);
    assert_true(metres(x, y, 121.10271732371203, 30.61484572185035) < 0.1);
    cc_to_wgs84(CC_BD09, 121.10271732371203, 30.61484572185035, &x, &y);
    assert_true(metres(x, y, 121.0917077, 30.6107779) < 0.5);
}

/* Round trips over China's box, both datums: the inverse lands within
 * 0.5 m (ZONES.md), in fact within a millimetre. */
static void test_round_trips(void **st)
{
    (void)st;
    double worst = 0;
    for (double lat = 4.0; lat < 53.5; lat += 1.7)
        for (double lon = 74.0; lon < 135.0; lon += 2.3)
            for (int d = CC_GCJ02; d <= CC_BD09; d++) {
                double x, y, bx, by;
                cc_from_wgs84((cc_datum)d, lon, lat, &x, &y);
                assert_true(cc_to_wgs84((cc_datum)d, x, y, &bx, &by));
                double m = metres(bx, by, lon, lat);
                if (m > worst)
                    worst = m;
                if (m >= 0.5)
                    fail_msg("%s round trip at %.3f %.3f: %.3f m", cc_datum_name((cc_datum)d), lon, lat, m);
            }
    assert_true(worst < 0.01);
    /* the offset is real: a few hundred metres */
    double x, y;
    cc_gcj02_from_wgs84(113.9, 22.5, &x, &y);
    double off = metres(x, y, 113.9, 22.5);
    assert_true(off > 100 && off < 1000);
    /* outside China no offset (Tokyo, Singapore) */
    cc_gcj02_from_wgs84(139.7, 35.7, &x, &y);
    assert_true(x == 139.7 && y == 35.7);
    cc_to_wgs84(CC_GCJ02, 103.8, 1.35, &x, &y);
    assert_true(x == 103.8 && y == 1.35);
    assert_false(cc_to_wgs84(CC_GCJ02, NAN, 1, &x, &y));
    cc_datum dd;
    assert_true(cc_datum_parse("GCJ-02", &dd) && dd == CC_GCJ02);
    assert_true(cc_datum_parse("bd09", &dd) && dd == CC_BD09);
    assert_true(cc_datum_parse("WGS84", &dd) && dd == CC_WGS84);
    assert_false(cc_datum_parse("utm", &dd));
}

/* ---- the zone file reader ---- */

#define FC(features) "{\"type\":\"FeatureCollection\",\"features\":[" features "]}"
#define SQUARE "{\"type\":\"Polygon\",\"coordinates\":[[[113.9,22.49],[113.95,22.49],[113.95,22.52],[113.9,22.52],[113.9,22.49]]]}"
#define FEAT(props, geom) "{\"type\":\"Feature\",\"properties\":{" props "},\"geometry\":" geom "}"

static zone_set *load_ok(const char *text)
{
    rl_rules r;
    rules_defaults(&r);
    zone_set *zs = zones_new(&r);
    char err[512];
    if (!zones_load_buffer(zs, "t.geojson", text, strlen(text), -1, err, sizeof err))
        fail_msg("load failed: %s", err);
    zones_freeze(zs);
    return zs;
}

static void load_bad(const char *text, const char *want1, const char *want2)
{
    rl_rules r;
    rules_defaults(&r);
    zone_set *zs = zones_new(&r);
    char err[512] = "";
    bool ok = zones_load_buffer(zs, "t.geojson", text, strlen(text), -1, err, sizeof err);
    zones_free(zs);
    if (ok)
        fail_msg("loaded, want an error with '%s': %s", want1, text);
    if (strncmp(err, "t.geojson: ", 11) != 0 || !strstr(err, want1) || (want2 && !strstr(err, want2)))
        fail_msg("error '%s' lacks '%s' / '%s'", err, want1, want2 ? want2 : "");
}

static void test_reader_errors(void **st)
{
    (void)st;
    load_bad("{\"type\":", "not valid JSON", "line 1");
    load_bad("[1,2]", "not a GeoJSON FeatureCollection", NULL);
    load_bad("{\"type\":\"Feature\"}", "not a GeoJSON FeatureCollection", NULL);
    load_bad("{\"type\":\"FeatureCollection\",\"coord\":\"utm\",\"features\":[]}", "coord", NULL);
    load_bad("{\"type\":\"FeatureCollection\",\"type\":\"x\",\"features\":[]}", "line 1, column 29",
             "a member name is repeated");
    load_bad("", "the file is empty", NULL);
    load_bad("{\"type\":\"FeatureCollection\",\"features\":[]} x", "more after the FeatureCollection", NULL);
    load_bad("{\"type\":\"FeatureCollection\" \"features\":[]}", "expected ',' or '}'", NULL);
    load_bad("{\"type\":\"FeatureCollection\",\n\"features\":[\n {\"a\":1,\"a\":2}]}", "line 3, column",
             "duplicate");
    load_bad("{\"type\":\"FeatureCollection\",\"features\":[" FEAT("\"id\":\"a\",\"kind\":\"restricted\"", SQUARE) "}",
             "expected ',' or ']' after a feature", NULL);
    load_bad("{\"type\":\"FeatureCollection\",\"features\":{}}", "must be a list", NULL);
    load_bad("{\"features\":[]}", "not a GeoJSON FeatureCollection", NULL);
    load_bad("{\"type\":\"FeatureCollection\"}", "not a GeoJSON FeatureCollection", NULL);
    load_bad("{3:1}", "expected a member name", NULL);
    load_bad(FC(FEAT("\"kind\":\"restricted\"", SQUARE)), "feature 1: no id", NULL);
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\"", SQUARE) "," FEAT("\"id\":\"a\",\"kind\":\"speed\",\"speed_limit_kmh\":30", SQUARE)),
             "feature 2 (id \"a\")", "used twice (also feature 1)");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"forbidden\"", SQUARE)), "feature 1 (id \"a\")", "kind must be");
    load_bad(FC(FEAT("\"id\":\"a\"", SQUARE)), "(id \"a\")", "no kind");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\",\"times\":[\"25:00-07:00\"]", SQUARE)), "(id \"a\")",
             "times: '25:00-07:00'");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\",\"times\":[\"07:00-07:00\"]", SQUARE)), "(id \"a\")",
             "is not a window");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\",\"times\":[]", SQUARE)), "(id \"a\")", "never");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\",\"days\":\"Mon-Fry\"", SQUARE)), "(id \"a\")", "days");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\",\"dates\":[\"2026-02-30/2026-03-01\"]", SQUARE)), "(id \"a\")",
             "dates");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\",\"dates\":[\"2026-12-01/2026-11-01\"]", SQUARE)), "(id \"a\")",
             "ends before it starts");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\",\"classes\":[\"bus\"]", SQUARE)), "(id \"a\")",
             "unknown class 'bus'");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\",\"classes\":[]", SQUARE)), "(id \"a\")", "bind none");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"speed\"", SQUARE)), "(id \"a\")", "needs speed_limit_kmh");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"speed\",\"speed_limit_kmh\":0", SQUARE)), "(id \"a\")", "speed_limit_kmh");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\",\"speed_limit_kmh\":40", SQUARE)), "(id \"a\")",
             "applies to kinds speed and road");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"road\"", SQUARE)), "(id \"a\")", "needs road_type");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"road\",\"road_type\":\"highway\"", SQUARE)), "(id \"a\")", "road_type");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\",\"buffer_m\":30", SQUARE)), "(id \"a\")",
             "buffer_m applies to line");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"route\"", "{\"type\":\"LineString\",\"coordinates\":[[113.9,22.5],[114,22.5]]}")),
             "(id \"a\")", "cannot bind every vehicle");
    load_bad(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\",\"plates\":[\"\"]", SQUARE)), "(id \"a\")", "plates");
    /* geometry */
    load_bad(FC(FEAT("\"id\":\"bow\",\"kind\":\"restricted\"",
                     "{\"type\":\"Polygon\",\"coordinates\":[[[113.9,22.49],[113.95,22.52],[113.95,22.49],[113.9,22.52],[113.9,22.49]]]}")),
             "(id \"bow\")", "not valid (Self-intersection");
    load_bad(FC(FEAT("\"id\":\"open\",\"kind\":\"restricted\"",
                     "{\"type\":\"Polygon\",\"coordinates\":[[[113.9,22.49],[113.95,22.49],[113.95,22.52],[113.9,22.52]]]}")),
             "(id \"open\")", "outer ring is not closed");
    load_bad(FC(FEAT("\"id\":\"few\",\"kind\":\"restricted\"",
                     "{\"type\":\"Polygon\",\"coordinates\":[[[113.9,22.49],[113.95,22.49],[113.9,22.49]]]}")),
             "(id \"few\")", "at least 4");
    load_bad(FC(FEAT("\"id\":\"pt\",\"kind\":\"restricted\"", "{\"type\":\"Point\",\"coordinates\":[113.9,22.5]}")),
             "(id \"pt\")", "'Point' is not a zone");
    load_bad(FC(FEAT("\"id\":\"ng\",\"kind\":\"restricted\"", "null")), "(id \"ng\")", "no geometry");
    load_bad(FC(FEAT("\"id\":\"lat\",\"kind\":\"restricted\"",
                     "{\"type\":\"Polygon\",\"coordinates\":[[[113.9,22.49],[113.95,95],[113.95,22.52],[113.9,22.49]]]}")),
             "(id \"lat\")", "position 2");
    load_bad(FC(FEAT("\"id\":\"str\",\"kind\":\"restricted\"",
                     "{\"type\":\"LineString\",\"coordinates\":[[113.9,\"22.5\"],[114,22.5]]}")),
             "(id \"str\")", "line, position 1");
    load_bad(FC(FEAT("\"id\":\"hole\",\"kind\":\"restricted\"",
                     "{\"type\":\"Polygon\",\"coordinates\":[[[113.9,22.49],[113.95,22.49],[113.95,22.52],[113.9,22.52],[113.9,22.49]],"
                     "[[114.0,22.49],[114.01,22.49],[114.01,22.5],[114.0,22.49]]]}")),
             "(id \"hole\")", "not valid");
    /* a second file may not reuse an id either */
    rl_rules r;
    rules_defaults(&r);
    zone_set *zs = zones_new(&r);
    char err[512];
    const char *a = FC(FEAT("\"id\":\"x\",\"kind\":\"restricted\"", SQUARE));
    assert_true(zones_load_buffer(zs, "a.geojson", a, strlen(a), -1, err, sizeof err));
    assert_false(zones_load_buffer(zs, "b.geojson", a, strlen(a), -1, err, sizeof err));
    assert_non_null(strstr(err, "b.geojson: feature 1 (id \"x\"): id \"x\" is used twice (also feature 1 of a.geojson)"));
    zones_free(zs);
}

/* A bad --zones file stops `roadlog analyze` with exit 2, naming it. */
static void test_bad_file_is_usage_error(void **st)
{
    (void)st;
    char path[] = "/tmp/roadlog-zones-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = FC(FEAT("\"id\":\"z\",\"kind\":\"nope\"", SQUARE));
    assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    rl_run run;
    run_init(&run);
    const char *paths[1] = {path};
    run.opt.zone_paths = malloc(sizeof paths);
    memcpy(run.opt.zone_paths, paths, sizeof paths);
    run.opt.nzone_paths = 1;
    assert_int_equal(run_load_zones(&run, "analyze"), 2);
    assert_null(run.zones);
    run_free(&run);
    /* a missing file too */
    run_init(&run);
    run.opt.zone_paths = malloc(sizeof paths);
    paths[0] = "/nonexistent/zones.geojson";
    memcpy(run.opt.zone_paths, paths, sizeof paths);
    run.opt.nzone_paths = 1;
    assert_int_equal(run_load_zones(&run, "analyze"), 2);
    run_free(&run);
    unlink(path);
}

/* Every property read as ZONES.md says, nulls as absent, unknown
 * members ignored. */
static void test_reader_properties(void **st)
{
    (void)st;
    zone_set *zs = load_ok(
        "{\"type\":\"FeatureCollection\",\"name\":\"城区\",\"features\":["
        FEAT("\"id\":\"centre\",\"name\":\"市中心\",\"kind\":\"restricted\",\"classes\":[\"渣土车\",\"hazmat\"],"
             "\"plates\":[\"粤b·12345\"],\"exempt\":[\"粤B 54321\",\"粤A11111\"],\"times\":[\"07:00-09:00\",\"17:00-19:00\"],"
             "\"days\":\"Mon-Fri\",\"dates\":[\"2026-11-01/2026-12-31\",\"2027-01-05\"],\"min_s\":120,"
             "\"stroke\":\"#ff0000\",\"speed_limit_kmh\":null",
             SQUARE) ","
        FEAT("\"id\":7,\"kind\":\"road\",\"road_type\":\"urban_expressway\",\"speed_limit_kmh\":80,\"buffer_m\":40,"
             "\"times\":\"00:00-24:00\",\"days\":[\"Sat\",\"Sun\",\"Fri-Mon\"]",
             "{\"type\":\"LineString\",\"coordinates\":[[113.9,22.5],[114.0,22.5]]}") "]}");
    assert_int_equal(zones_count(zs), 2);
    const rl_zone *z = zones_get(zs, 0);
    assert_string_equal(z->id, "centre");
    assert_string_equal(z->name, "市中心");
    assert_string_equal(z->rule, "zone:centre");
    assert_int_equal(z->kind, ZONE_RESTRICTED);
    assert_int_equal(z->classes, (1u << CLASS_MUCK) | (1u << CLASS_HAZMAT));
    assert_int_equal(z->nplates, 1);
    assert_string_equal(z->plates[0], "粤B12345");
    assert_int_equal(z->nexempt, 2);
    assert_string_equal(z->exempt[0], "粤A11111"); /* sorted */
    assert_string_equal(z->exempt[1], "粤B54321");
    assert_int_equal(z->ntimes, 2);
    assert_int_equal(z->times[1].start_s, 17 * 3600);
    assert_int_equal(z->days, 0x1F);
    assert_int_equal(z->ndates, 2);
    assert_int_equal(z->dates[1].first, z->dates[1].last);
    assert_int_equal(z->min_s, 120);
    assert_false(z->corridor);
    z = zones_get(zs, 1);
    assert_string_equal(z->id, "7");
    assert_string_equal(z->name, "7");
    assert_int_equal(z->kind, ZONE_ROAD);
    assert_int_equal(z->road, ROAD_URBAN_EXPRESSWAY);
    assert_int_equal(z->limit_mkmh, 80000);
    assert_true(z->corridor);
    assert_true(z->buffer_m == 40);
    assert_int_equal(z->ntimes, 0); /* all day */
    assert_int_equal(z->days, 0x71); /* Mon, Fri, Sat, Sun */
    assert_int_equal(z->min_s, 60);  /* zone.min_s */
    assert_int_equal(z->classes, (1u << CLASS_COUNT) - 1);
    /* the corridor: 40 m either side, about 0.00036 degrees of latitude */
    assert_true(fabs((z->maxy - 22.5) - 40.0 / 111195.0) < 2e-6);
    assert_int_equal(zones_find(zs, "7"), 1);
    assert_int_equal(zones_find(zs, "centre"), 0);
    assert_int_equal(zones_find(zs, "x"), ZONE_NONE);
    assert_int_equal(zones_nfiles(zs), 1);
    assert_int_equal(zones_file(zs, 0)->zones, 2);
    zones_free(zs);
}

/* A file drawn on AMap (gcj02) is moved to WGS-84 once; --zones-coord
 * overrides the file. */
static void test_reader_datum(void **st)
{
    (void)st;
    double gx, gy;
    cc_gcj02_from_wgs84(113.9, 22.5, &gx, &gy);
    char text[1024];
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\",\"coord\":\"gcj02\",\"features\":[" FEAT(
                 "\"id\":\"a\",\"kind\":\"restricted\"",
                 "{\"type\":\"Polygon\",\"coordinates\":[[[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f]]]}") "]}",
             gx, gy, gx + 0.01, gy, gx, gy + 0.01, gx, gy);
    zone_set *zs = load_ok(text);
    const rl_zone *z = zones_get(zs, 0);
    assert_true(metres(z->minx, z->miny, 113.9, 22.5) < 0.5);
    assert_int_equal(zones_file(zs, 0)->coord, CC_GCJ02);
    zones_free(zs);
    /* "coord" after the features (members have no order): read again */
    char late[1200];
    snprintf(late, sizeof late,
             "{\"type\":\"FeatureCollection\",\"features\":[" FEAT(
                 "\"id\":\"a\",\"kind\":\"restricted\"",
                 "{\"type\":\"Polygon\",\"coordinates\":[[[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f]]]}") "],"
                 "\"coord\":\"gcj02\"}",
             gx, gy, gx + 0.01, gy, gx, gy + 0.01, gx, gy);
    zs = load_ok(late);
    assert_int_equal(zones_count(zs), 1);
    assert_int_equal(zones_find(zs, "a"), 0);
    assert_true(metres(zones_get(zs, 0)->minx, zones_get(zs, 0)->miny, 113.9, 22.5) < 0.5);
    assert_int_equal(zones_file(zs, 0)->coord, CC_GCJ02);
    assert_int_equal(zones_file(zs, 0)->zones, 1);
    zones_free(zs);
    rl_rules r;
    rules_defaults(&r);
    zs = zones_new(&r);
    char err[256];
    assert_true(zones_load_buffer(zs, "t", text, strlen(text), CC_WGS84, err, sizeof err));
    zones_freeze(zs);
    assert_true(fabs(zones_get(zs, 0)->minx - gx) < 1e-9); /* taken as drawn */
    zones_free(zs);
}

/* ---- geometry and index ---- */

static size_t ask(zone_query *q, const char *plate, vehicle_class c, int64_t t, double lat, double lon,
                  const uint32_t **hits)
{
    zone_subject s = {plate, c};
    zone_when w = zone_when_of(t, 8 * 3600);
    return zone_query_at(q, &s, &w, (int32_t)llround(lat * 1e6), (int32_t)llround(lon * 1e6), hits);
}

static bool inside(zone_query *q, double lat, double lon)
{
    const uint32_t *h;
    return ask(q, "粤B00001", CLASS_MUCK, T("2026-11-02 10:00:00"), lat, lon, &h) > 0;
}

/* The boundary is inside, a hole outside, a hole's edge inside again. */
static void test_edges_and_holes(void **st)
{
    (void)st;
    zone_set *zs = load_ok(FC(FEAT("\"id\":\"h\",\"kind\":\"restricted\"",
                                   "{\"type\":\"Polygon\",\"coordinates\":[[[113.9,22.49],[113.95,22.49],[113.95,22.52],"
                                   "[113.9,22.52],[113.9,22.49]],[[113.92,22.5],[113.93,22.5],[113.93,22.51],"
                                   "[113.92,22.51],[113.92,22.5]]]}") "," FEAT(
                               "\"id\":\"m\",\"kind\":\"restricted\"",
                               "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[114.1,22.49],[114.11,22.49],[114.11,22.5],"
                               "[114.1,22.49]]],[[[114.2,22.49],[114.21,22.49],[114.21,22.5],[114.2,22.49]]]]}")));
    zone_query *q = zone_query_new(zs);
    assert_true(inside(q, 22.495, 113.91));
    assert_true(inside(q, 22.49, 113.91));      /* on the south edge */
    assert_true(inside(q, 22.52, 113.95));      /* a corner */
    assert_true(inside(q, 22.505, 113.9));      /* on the west edge */
    assert_false(inside(q, 22.489999, 113.91)); /* a tenth of a metre south */
    assert_false(inside(q, 22.505, 113.925));   /* in the hole */
    assert_true(inside(q, 22.5, 113.925));      /* on the hole's edge */
    assert_true(inside(q, 22.505, 113.93));
    assert_true(inside(q, 22.492, 114.205));    /* the second part */
    assert_false(inside(q, 22.498, 114.201));   /* beside it */
    zone_query_free(q);
    zones_free(zs);
}

/* A corridor is buffer_m either side of its line; a route with a gap
 * has none there. */
static void test_corridor(void **st)
{
    (void)st;
    zone_set *zs = load_ok(FC(FEAT("\"id\":\"r\",\"kind\":\"restricted\",\"buffer_m\":30",
                                   "{\"type\":\"MultiLineString\",\"coordinates\":[[[113.9,22.5],[113.92,22.5]],"
                                   "[[113.93,22.5],[113.95,22.5]]]}")));
    zone_query *q = zone_query_new(zs);
    double m = 1 / 111195.0; /* a metre of latitude, in degrees */
    assert_true(inside(q, 22.5, 113.91));
    assert_true(inside(q, 22.5 + 29 * m, 113.91));
    assert_false(inside(q, 22.5 + 31 * m, 113.91));
    assert_true(inside(q, 22.5 - 29 * m, 113.94));
    assert_false(inside(q, 22.5, 113.925)); /* in the gap */
    double mlon = m / cos(22.5 * M_PI / 180);
    assert_true(inside(q, 22.5, 113.92 + 29 * mlon)); /* past the end, within the round cap */
    assert_false(inside(q, 22.5, 113.92 + 31 * mlon));
    zone_query_free(q);
    zones_free(zs);
}

/* A fix far from every zone costs at most one index probe; fixes that
 * follow it nearby cost none; outside the zones' envelope, none at all. */
static void test_one_probe(void **st)
{
    (void)st;
    /* a city of zones: a 20 x 20 grid of small squares */
    rl_buf b = {0};
    buf_puts(&b, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < 400; i++) {
        double x = 113.0 + (i % 20) * 0.05, y = 22.0 + (i / 20) * 0.05;
        buf_printf(&b,
                   "%s{\"type\":\"Feature\",\"properties\":{\"id\":\"z%d\",\"kind\":\"restricted\"},\"geometry\":{"
                   "\"type\":\"Polygon\",\"coordinates\":[[[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f]]]}}",
                   i ? "," : "", i, x, y, x + 0.01, y, x + 0.01, y + 0.01, x, y + 0.01, x, y);
    }
    buf_puts(&b, "]}");
    zone_set *zs = load_ok(b.p);
    buf_free(&b);
    zone_query *q = zone_query_new(zs);
    const uint32_t *h;
    /* outside the envelope of every zone: no probe */
    assert_int_equal(ask(q, "粤B1", CLASS_TRUCK, 0, 30.0, 100.0, &h), 0);
    assert_int_equal(zone_query_probes(q), 0);
    /* between zones (inside the envelope, far from each): one probe */
    assert_int_equal(ask(q, "粤B1", CLASS_TRUCK, 0, 22.03, 113.03, &h), 0);
    assert_int_equal(zone_query_probes(q), 1);
    /* moving on a few hundred metres: the candidates are kept */
    assert_int_equal(ask(q, "粤B1", CLASS_TRUCK, 0, 22.033, 113.031, &h), 0);
    assert_int_equal(ask(q, "粤B1", CLASS_TRUCK, 0, 22.035, 113.035, &h), 0);
    assert_int_equal(zone_query_probes(q), 1);
    /* into a zone, a probe more, the right zone */
    assert_int_equal(ask(q, "粤B1", CLASS_TRUCK, 0, 22.505, 113.505, &h), 1);
    assert_string_equal(zones_get(zs, h[0])->id, "z210");
    assert_int_equal(zone_query_probes(q), 2);
    zone_query_free(q);
    zones_free(zs);
}

/* ---- calendars and who is bound ---- */

static void test_calendar(void **st)
{
    (void)st;
    zone_set *zs = load_ok(FC(FEAT("\"id\":\"n\",\"kind\":\"restricted\",\"times\":[\"22:00-06:00\"],\"days\":\"Mon-Fri\","
                                   "\"dates\":\"2026-11-01/2026-11-30\"",
                                   SQUARE)));
    const rl_zone *z = zones_get(zs, 0);
    struct {
        const char *t;
        bool active;
    } cases[] = {
        {"2026-11-02 21:59:59", false}, /* Monday */
        {"2026-11-02 22:00:00", true},  {"2026-11-03 05:59:59", true}, {"2026-11-03 06:00:00", false},
        {"2026-11-07 23:00:00", false}, /* Saturday: the fix's own weekday */
        {"2026-11-07 01:00:00", false}, /* Saturday 01:00, after Friday night: Saturday */
        {"2026-11-09 01:00:00", true},  /* Monday 01:00 */
        {"2026-11-30 23:59:59", true},  /* the last day, to its end */
        {"2026-12-01 00:00:00", false}, {"2026-10-30 23:00:00", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        zone_when w = zone_when_of(T(cases[i].t), 8 * 3600);
        if (zone_active(z, &w) != cases[i].active)
            fail_msg("%s: active %d, want %d", cases[i].t, !cases[i].active, cases[i].active);
    }
    zone_when w = zone_when_of(T("2026-11-02 12:00:00"), 8 * 3600);
    assert_int_equal(w.weekday, 0);
    w = zone_when_of(T("1970-01-01 12:00:00"), 8 * 3600);
    assert_int_equal(w.weekday, 3);
    w = zone_when_of(-86400 * 3, 0);
    assert_int_equal(w.weekday, 0); /* 1969-12-29, a Monday */
    zones_free(zs);
}

static void test_binding(void **st)
{
    (void)st;
    zone_set *zs = load_ok(FC(FEAT("\"id\":\"a\",\"kind\":\"restricted\",\"classes\":[\"muck\"],\"plates\":[\"粤B·12345\"],"
                                   "\"exempt\":[\"粤B54321\"]",
                                   SQUARE) "," FEAT("\"id\":\"b\",\"kind\":\"restricted\",\"plates\":[\"粤B12345\"]", SQUARE)));
    const rl_zone *a = zones_get(zs, 0), *b = zones_get(zs, 1);
    zone_subject s = {"粤B00001", CLASS_MUCK};
    assert_true(zone_binds(a, &s));
    assert_false(zone_binds(b, &s)); /* plates alone: the classes are none */
    s.cls = CLASS_TRUCK;
    assert_false(zone_binds(a, &s));
    s.plate = "粤B12345";
    assert_true(zone_binds(a, &s)); /* by plate */
    assert_true(zone_binds(b, &s));
    s.plate = "粤B54321";
    s.cls = CLASS_MUCK;
    assert_false(zone_binds(a, &s)); /* exempt */
    zones_free(zs);
}

/* ---- through the engine ---- */

static const char *const CITY = FC(
    FEAT("\"id\":\"centre\",\"name\":\"市中心\",\"kind\":\"restricted\",\"classes\":[\"muck\",\"hazmat\"],"
         "\"exempt\":[\"粤B00009\"],\"times\":[\"07:00-22:00\"]",
         SQUARE) ","
    FEAT("\"id\":\"night\",\"kind\":\"restricted\",\"classes\":[\"truck\"],\"times\":[\"22:00-06:00\"]", SQUARE) ","
    FEAT("\"id\":\"nov\",\"kind\":\"restricted\",\"classes\":[\"heavy_truck\"],\"dates\":\"2026-11-01/2026-11-02\"",
         SQUARE) ","
    FEAT("\"id\":\"inner\",\"kind\":\"restricted\",\"classes\":[\"hazmat\"]",
         "{\"type\":\"Polygon\",\"coordinates\":[[[113.91,22.495],[113.93,22.495],[113.93,22.51],[113.91,22.51],[113.91,22.495]]]}") ","
    FEAT("\"id\":\"urban\",\"name\":\"城市道路\",\"kind\":\"road\",\"road_type\":\"other\",\"speed_limit_kmh\":40,\"buffer_m\":30",
         "{\"type\":\"LineString\",\"coordinates\":[[114.0,22.6],[114.1,22.6]]}") ","
    FEAT("\"id\":\"xway\",\"kind\":\"road\",\"road_type\":\"expressway\",\"buffer_m\":30",
         "{\"type\":\"LineString\",\"coordinates\":[[114.0,22.7],[114.3,22.7]]}") ","
    FEAT("\"id\":\"mountain\",\"kind\":\"speed\",\"classes\":[\"coach\"],\"times\":[\"22:00-06:00\"],\"speed_limit_kmh\":30",
         "{\"type\":\"Polygon\",\"coordinates\":[[[114.0,22.8],[114.1,22.8],[114.1,22.85],[114.0,22.85],[114.0,22.8]]]}") ","
    FEAT("\"id\":\"route1\",\"kind\":\"route\",\"plates\":[\"粤B00100\"],\"buffer_m\":25",
         "{\"type\":\"MultiLineString\",\"coordinates\":[[[114.0,23.0],[114.02,23.0]],[[114.03,23.0],[114.05,23.0]]]}") ","
    FEAT("\"id\":\"route2\",\"kind\":\"route\",\"plates\":[\"粤B00100\"],\"times\":[\"12:00-13:00\"]",
         "{\"type\":\"LineString\",\"coordinates\":[[114.0,23.01],[114.05,23.01]]}"));

static void h_zones(harness *h, const char *text)
{
    h->run.zones = zones_new(&h->run.rules);
    char err[512];
    if (!zones_load_buffer(h->run.zones, "city.geojson", text, strlen(text), -1, err, sizeof err))
        fail_msg("%s", err);
    zones_freeze(h->run.zones);
}

/* Fixes from t0 to t1 (inclusive) every step seconds at one place. */
static void h_stay(harness *h, const char *plate, const char *t0, const char *t1, int step, double lat, double lon,
                   double kmh)
{
    for (int64_t t = T(t0); t <= T(t1); t += step)
        h_fix(h, plate, t, lat, lon, kmh, NULL);
}

static const rl_event *only(const harness *h, event_type type, const char *plate)
{
    const rl_event *e = NULL;
    size_t n = 0;
    for (size_t i = 0; i < h->run.events.n; i++)
        if (h->run.events.e[i].type == type && strcmp(h_plate(h, &h->run.events.e[i]), plate) == 0) {
            e = &h->run.events.e[i];
            n++;
        }
    if (n != 1)
        fail_msg("%zu %s events of %s, want 1", n, event_type_name(type), plate);
    return e;
}

static size_t count_of(const harness *h, event_type type, const char *plate)
{
    size_t n = 0;
    for (size_t i = 0; i < h->run.events.n; i++)
        n += h->run.events.e[i].type == type && strcmp(h_plate(h, &h->run.events.e[i]), plate) == 0;
    return n;
}

static void is_span(const rl_event *e, const char *t0, const char *t1)
{
    if (e->start != T(t0) || e->end != T(t1)) {
        char a[20], b[20];
        tu_format(e->start, 8 * 3600, a);
        tu_format(e->end, 8 * 3600, b);
        fail_msg("event %s .. %s, want %s .. %s", a, b, t0, t1);
    }
}

static void test_restricted(void **st)
{
    (void)st;
    harness h;
    h_init(&h);
    h_register(&h, "粤B00001", 2, CLASS_MUCK);
    h_register(&h, "粤B00002", 2, CLASS_MUCK);
    h_register(&h, "粤B00003", 2, CLASS_HAZMAT);
    h_register(&h, "粤B00004", 2, CLASS_TRUCK);
    h_register(&h, "粤B00009", 2, CLASS_MUCK);
    h_register(&h, "粤B00005", 2, CLASS_MUCK);
    h_zones(&h, CITY);
    /* in at 08:00:00 (on the south edge, which is inside), out after 08:05:00 */
    h_stay(&h, "粤B00001", "2026-11-02 07:58:00", "2026-11-02 07:59:30", 30, 22.4885, 113.905, 20);
    h_stay(&h, "粤B00001", "2026-11-02 08:00:00", "2026-11-02 08:05:00", 30, 22.49, 113.905, 20);
    h_stay(&h, "粤B00001", "2026-11-02 08:05:30", "2026-11-02 08:07:00", 30, 22.4885, 113.905, 20);
    /* 59 s inside: nothing; 60 s: an event */
    h_stay(&h, "粤B00002", "2026-11-02 09:00:00", "2026-11-02 09:00:59", 1, 22.49, 113.905, 20);
    h_stay(&h, "粤B00002", "2026-11-02 09:01:00", "2026-11-02 09:02:00", 30, 22.4885, 113.905, 20);
    h_stay(&h, "粤B00002", "2026-11-02 09:10:00", "2026-11-02 09:11:00", 1, 22.49, 113.905, 20);
    h_stay(&h, "粤B00002", "2026-11-02 09:11:01", "2026-11-02 09:12:00", 30, 22.4885, 113.905, 20);
    /* hazmat, inside two overlapping zones: two events, 6 points each */
    h_stay(&h, "粤B00003", "2026-11-02 10:00:00", "2026-11-02 10:03:00", 30, 22.50, 113.92, 20);
    /* a truck is not bound (but the night zone binds trucks: by day it sleeps) */
    h_stay(&h, "粤B00004", "2026-11-02 10:00:00", "2026-11-02 10:03:00", 30, 22.50, 113.92, 20);
    /* exempt plate */
    h_stay(&h, "粤B00009", "2026-11-02 10:00:00", "2026-11-02 10:03:00", 30, 22.50, 113.92, 20);
    /* a gap (400 s > track.gap_s) ends a run: two events */
    h_stay(&h, "粤B00005", "2026-11-02 11:00:00", "2026-11-02 11:02:00", 30, 22.50, 113.92, 20);
    h_stay(&h, "粤B00005", "2026-11-02 11:08:40", "2026-11-02 11:10:40", 30, 22.50, 113.92, 20);
    h_finish(&h);

    const rl_event *e = only(&h, EV_ZONE_RESTRICTED, "粤B00001");
    is_span(e, "2026-11-02 08:00:00", "2026-11-02 08:05:00");
    assert_int_equal(e->value, 300);
    assert_int_equal(e->limit, 60);
    assert_int_equal(e->evidence_points, 11);
    assert_string_equal(e->severity, "1 pts; warning or 20-200 yuan");
    assert_string_equal(e->rule, "zone:centre");
    assert_string_equal(e->zone_id, "centre");
    assert_string_equal(e->zone_name, "市中心");
    assert_int_equal(e->road_type, ROAD_NONE);
    e = only(&h, EV_ZONE_RESTRICTED, "粤B00002");
    is_span(e, "2026-11-02 09:10:00", "2026-11-02 09:11:00");
    assert_int_equal(count_of(&h, EV_ZONE_RESTRICTED, "粤B00003"), 2);
    const rl_event *a = h_event(&h, EV_ZONE_RESTRICTED, 2), *b = h_event(&h, EV_ZONE_RESTRICTED, 3);
    assert_string_equal(h_plate(&h, a), "粤B00003");
    if (strcmp(a->rule, "zone:centre") != 0) { /* same start, end and fix: either order */
        const rl_event *x = a;
        a = b;
        b = x;
    }
    assert_string_equal(a->rule, "zone:centre");
    assert_string_equal(b->rule, "zone:inner");
    assert_string_equal(a->severity, "6 pts; 200-2000 yuan");
    assert_true(a->start == b->start && strcmp(a->id, b->id) != 0);
    assert_int_equal(count_of(&h, EV_ZONE_RESTRICTED, "粤B00004"), 0);
    assert_int_equal(count_of(&h, EV_ZONE_RESTRICTED, "粤B00009"), 0);
    assert_int_equal(count_of(&h, EV_ZONE_RESTRICTED, "粤B00005"), 2);
    h_free(&h);
}

/* Windows that open while the vehicle is inside, across midnight, and a
 * date range ending mid-episode. */
static void test_restricted_calendar(void **st)
{
    (void)st;
    harness h;
    h_init(&h);
    h_register(&h, "粤B00011", 2, CLASS_MUCK);
    h_register(&h, "粤B00012", 2, CLASS_TRUCK);
    h_register(&h, "粤B00013", 2, CLASS_HEAVY_TRUCK);
    h_zones(&h, CITY);
    /* parked inside from 06:50: the ban opens at 07:00:00; it closes at
     * 22:00:00 (a fix then is outside the window) */
    h_stay(&h, "粤B00011", "2026-11-02 06:50:00", "2026-11-02 07:10:00", 30, 22.50, 113.92, 0);
    h_stay(&h, "粤B00011", "2026-11-02 21:50:00", "2026-11-02 22:10:00", 30, 22.50, 113.92, 0);
    /* the truck's night zone, 22:00-06:00 */
    h_stay(&h, "粤B00012", "2026-11-02 21:50:00", "2026-11-02 22:10:00", 30, 22.50, 113.92, 0);
    h_stay(&h, "粤B00012", "2026-11-03 05:50:00", "2026-11-03 06:10:00", 30, 22.50, 113.92, 0);
    /* the heavy truck's zone ends with 2026-11-02 */
    h_stay(&h, "粤B00013", "2026-11-02 23:50:00", "2026-11-03 00:10:00", 30, 22.50, 113.92, 0);
    h_finish(&h);
    assert_int_equal(count_of(&h, EV_ZONE_RESTRICTED, "粤B00011"), 2);
    is_span(h_event(&h, EV_ZONE_RESTRICTED, 0), "2026-11-02 07:00:00", "2026-11-02 07:10:00");
    is_span(h_event(&h, EV_ZONE_RESTRICTED, 1), "2026-11-02 21:50:00", "2026-11-02 21:59:30");
    assert_int_equal(count_of(&h, EV_ZONE_RESTRICTED, "粤B00012"), 2);
    is_span(h_event(&h, EV_ZONE_RESTRICTED, 2), "2026-11-02 22:00:00", "2026-11-02 22:10:00");
    is_span(h_event(&h, EV_ZONE_RESTRICTED, 3), "2026-11-03 05:50:00", "2026-11-03 05:59:30");
    is_span(only(&h, EV_ZONE_RESTRICTED, "粤B00013"), "2026-11-02 23:50:00", "2026-11-02 23:59:30");
    h_free(&h);
}

/* Moving east along a route at 36 km/h, a fix every 10 s (100 m). */
static void drive_east(harness *h, const char *plate, const char *t0, double lat, double lon0, int n, double kmh)
{
    double step_deg = kmh / 3.6 * 10 / (111195.0 * cos(lat * M_PI / 180));
    for (int i = 0; i < n; i++)
        h_fix(h, plate, T(t0) + 10 * i, lat, lon0 + i * step_deg, kmh, NULL);
}

static void test_route(void **st)
{
    (void)st;
    harness h;
    h_init(&h);
    h_register(&h, "粤B00100", 2, CLASS_MUCK);
    h_register(&h, "粤B00101", 2, CLASS_MUCK);
    h_zones(&h, CITY);
    /* along route1 from 114.0 to 114.05: its gap 114.02-114.03 (about
     * 1 km, less 25 m either end) is driven off the route */
    drive_east(&h, "粤B00100", "2026-11-02 10:00:00", 23.0, 114.0, 52, 36);
    /* off the route (200 m north), but stopped: not a deviation */
    h_stay(&h, "粤B00100", "2026-11-02 10:30:00", "2026-11-02 10:40:00", 30, 23.002, 114.01, 0);
    /* 12:00-13:00 route2 is also in force: on route2, off route1, no event */
    drive_east(&h, "粤B00100", "2026-11-02 12:10:00", 23.01, 114.0, 40, 36);
    /* the other vehicle has no route: anywhere is fine */
    drive_east(&h, "粤B00101", "2026-11-02 10:00:00", 23.05, 114.0, 40, 36);
    h_finish(&h);
    const rl_event *e = only(&h, EV_ROUTE_DEVIATION, "粤B00100");
    /* first fix outside: past 114.02 + 25 m; last: before 114.03 - 25 m */
    double step = 100.0 / (111195.0 * cos(23.0 * M_PI / 180));
    double edge = 25.0 / (111195.0 * cos(23.0 * M_PI / 180));
    int first = (int)floor((0.02 + edge) / step) + 1, last = (int)ceil((0.03 - edge) / step) - 1;
    assert_int_equal(e->start, T("2026-11-02 10:00:00") + 10 * first);
    assert_int_equal(e->end, T("2026-11-02 10:00:00") + 10 * last);
    assert_int_equal(e->value, 10 * (last - first));
    assert_string_equal(e->rule, "zone:route1");
    assert_string_equal(e->severity, "warning");
    assert_int_equal(count_of(&h, EV_ROUTE_DEVIATION, "粤B00101"), 0);
    h_free(&h);
}

static void test_speed_zones(void **st)
{
    (void)st;
    harness h;
    h_init(&h);
    h_register(&h, "粤B00201", 2, CLASS_MUCK);
    h_register(&h, "粤B00202", 2, CLASS_MUCK);
    h_register(&h, "粤B00203", 2, CLASS_COACH);
    h_register(&h, "粤B00204", 2, CLASS_TRUCK);
    h_register(&h, "粤B00205", 2, CLASS_TRUCK);
    h_zones(&h, CITY);
    /* the muck truck: 7 % over a 40 km/h urban road */
    drive_east(&h, "粤B00201", "2026-11-02 10:00:00", 22.6, 114.0, 20, 42.8);
    /* over the zone's 40 then over its own 60 past the road's end: two
     * episodes, cut where the limit changes */
    drive_east(&h, "粤B00202", "2026-11-02 10:00:00", 22.6, 114.08, 25, 65);
    /* a coach on the mountain section at night: 30 x 0.8 = 24 */
    h_stay(&h, "粤B00203", "2026-11-02 23:00:00", "2026-11-02 23:05:00", 30, 22.82, 114.05, 26);
    h_stay(&h, "粤B00203", "2026-11-03 10:00:00", "2026-11-03 10:05:00", 30, 22.82, 114.05, 26); /* by day: none */
    /* a truck at 125 on the expressway (no limit of its own): its own 100,
     * the expressway's points */
    drive_east(&h, "粤B00204", "2026-11-02 10:00:00", 22.7, 114.0, 20, 125);
    /* the same off every road zone: speeding.default_road (expressway) */
    drive_east(&h, "粤B00205", "2026-11-02 10:00:00", 25.0, 114.0, 20, 125);
    h_finish(&h);

    const rl_event *e = only(&h, EV_SPEEDING, "粤B00201");
    assert_int_equal(e->limit, 40000);
    assert_int_equal(e->value, 42800);
    assert_string_equal(e->rule, "zone:urban");
    assert_string_equal(e->zone_id, "urban");
    assert_string_equal(e->zone_name, "城市道路");
    assert_int_equal(e->road_type, ROAD_OTHER);
    assert_string_equal(e->severity, "0 pts; warning or 20-200 yuan");

    assert_int_equal(count_of(&h, EV_SPEEDING, "粤B00202"), 2);
    const rl_event *a = h_event(&h, EV_SPEEDING, 1), *b = h_event(&h, EV_SPEEDING, 2);
    assert_int_equal(a->limit, 40000);
    assert_string_equal(a->rule, "zone:urban");
    assert_int_equal(a->road_type, ROAD_OTHER);
    assert_string_equal(a->severity, "9 pts; 200-2000 yuan"); /* other road, group A, 62.5 % */
    assert_int_equal(b->limit, 60000);
    assert_string_equal(b->rule, "speeding.muck");
    assert_null(b->zone_id);
    assert_int_equal(b->road_type, ROAD_NONE);
    assert_true(b->start > a->end);

    e = only(&h, EV_NIGHT_SPEEDING, "粤B00203");
    assert_int_equal(e->limit, 24000);
    assert_string_equal(e->rule, "zone:mountain");
    assert_int_equal(count_of(&h, EV_SPEEDING, "粤B00203"), 0);

    e = only(&h, EV_SPEEDING, "粤B00204");
    assert_int_equal(e->limit, 100000);
    assert_string_equal(e->rule, "speeding.truck");
    assert_string_equal(e->zone_id, "xway"); /* the road zone that set the road type */
    assert_int_equal(e->road_type, ROAD_EXPRESSWAY);
    assert_string_equal(e->severity, "6 pts; warning or 20-200 yuan");
    e = only(&h, EV_SPEEDING, "粤B00205");
    assert_null(e->zone_id);
    assert_int_equal(e->road_type, ROAD_NONE);
    assert_string_equal(e->severity, "6 pts; warning or 20-200 yuan");
    h_free(&h);

    /* speeding.default_road = other: the same truck gets other-road points */
    h_init(&h);
    char err[128];
    assert_true(rules_set(&h.run.rules, "speeding.default_road", "other", err, sizeof err));
    h_register(&h, "粤B00205", 2, CLASS_TRUCK);
    h_zones(&h, CITY);
    drive_east(&h, "粤B00205", "2026-11-02 10:00:00", 25.0, 114.0, 20, 125);
    h_finish(&h);
    assert_string_equal(only(&h, EV_SPEEDING, "粤B00205")->severity, "3 pts; warning or 20-200 yuan");
    h_free(&h);
}

/* Shuffled input gives the same events. */
static void test_shuffle_invariant(void **st)
{
    (void)st;
    char *first = NULL;
    for (int round = 0; round < 3; round++) {
        harness h;
        h_init(&h);
        h_register(&h, "粤B00001", 2, CLASS_MUCK);
        h_register(&h, "粤B00100", 2, CLASS_MUCK);
        h_register(&h, "粤B00003", 2, CLASS_HAZMAT);
        h_zones(&h, CITY);
        h.hold = round > 0;
        h_stay(&h, "粤B00001", "2026-11-02 06:50:00", "2026-11-02 07:10:00", 30, 22.50, 113.92, 0);
        drive_east(&h, "粤B00100", "2026-11-02 10:00:00", 23.0, 114.0, 52, 36);
        drive_east(&h, "粤B00001", "2026-11-02 11:00:00", 22.6, 114.09, 20, 65);
        h_stay(&h, "粤B00003", "2026-11-02 10:00:00", "2026-11-02 10:03:00", 30, 22.50, 113.92, 20);
        if (round > 0)
            h_feed_shuffled(&h, 1234 + (uint64_t)round);
        h_finish(&h);
        rl_buf b = {0};
        for (size_t i = 0; i < h.run.events.n; i++) {
            const rl_event *e = &h.run.events.e[i];
            buf_printf(&b, "%s %s %lld %lld %lld %lld %s %s\n", e->id, event_type_name(e->type), (long long)e->start,
                       (long long)e->end, (long long)e->value, (long long)e->limit, e->rule, e->severity);
        }
        assert_true(h.run.events.n >= 6);
        if (!first)
            first = b.p;
        else {
            assert_string_equal(b.p, first);
            buf_free(&b);
        }
        h_free(&h);
    }
    free(first);
}

/* The detector's state is plain data: copied as bytes at any fix (what
 * a resume carry does) and carried on, it gives the same events. */
typedef struct {
    rl_fix f;
    bool gap, first;
} step_t;

static void run_detector(const zone_set *zs, const step_t *steps, size_t n, size_t cut, rl_events *out)
{
    rl_rules r;
    rules_defaults(&r);
    vctx cx;
    memset(&cx, 0, sizeof cx);
    cx.r = &r;
    cx.tz = 8 * 3600;
    cx.cls = CLASS_HAZMAT;
    cx.plate = "粤B00100";
    cx.zones = zs;
    cx.zq = zone_query_new(zs);
    cx.events = out;
    zone_vstate s;
    zone_begin(&s, &cx, true);
    for (size_t i = 0; i < n; i++) {
        if (i == cut) { /* through bytes, and a fresh query context */
            unsigned char bytes[sizeof s];
            memcpy(bytes, &s, sizeof s);
            memset(&s, 0xA5, sizeof s);
            zone_query_free(cx.zq);
            cx.zq = zone_query_new(zs);
            memcpy(&s, bytes, sizeof s);
        }
        rl_interval iv;
        memset(&iv, 0, sizeof iv);
        iv.gap = steps[i].gap;
        zone_verdict zv;
        zone_fix(&s, &steps[i].f, steps[i].first ? NULL : &iv, &zv);
    }
    zone_end(&s);
    zone_query_free(cx.zq);
}

static void test_state_carry(void **st)
{
    (void)st;
    zone_set *zs = load_ok(CITY);
    step_t steps[160];
    size_t n = 0;
    int64_t t = T("2026-11-02 09:58:00");
    double lon = 113.895;
    for (int i = 0; i < 80; i++, t += 30, lon += 0.0008) /* through the centre and inner zone */
        steps[n++] = (step_t){{t, 22500000, (int32_t)llround(lon * 1e6), 30000, 0, (rl_origin)i}, i == 40, i == 0};
    t = T("2026-11-02 10:00:00") + 3600;
    lon = 114.0;
    for (int i = 0; i < 80; i++, t += 10, lon += 0.00049) /* along route1 with its gap */
        steps[n++] = (step_t){{t, 23000000, (int32_t)llround(lon * 1e6), 36000, 0, (rl_origin)(100 + i)}, false, false};
    rl_events whole = {0};
    run_detector(zs, steps, n, SIZE_MAX, &whole);
    assert_true(whole.n >= 4);
    for (size_t cut = 0; cut < n; cut++) {
        rl_events part = {0};
        run_detector(zs, steps, n, cut, &part);
        assert_int_equal(part.n, whole.n);
        for (size_t i = 0; i < whole.n; i++)
            if (memcmp(&part.e[i], &whole.e[i], sizeof part.e[i]) != 0)
                fail_msg("cut at fix %zu: event %zu differs", cut, i);
        events_free(&part);
    }
    events_free(&whole);
    zones_free(zs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_points),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_reader_errors),
        cmocka_unit_test(test_bad_file_is_usage_error),
        cmocka_unit_test(test_reader_properties),
        cmocka_unit_test(test_reader_datum),
        cmocka_unit_test(test_edges_and_holes),
        cmocka_unit_test(test_corridor),
        cmocka_unit_test(test_one_probe),
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_binding),
        cmocka_unit_test(test_restricted),
        cmocka_unit_test(test_restricted_calendar),
        cmocka_unit_test(test_route),
        cmocka_unit_test(test_speed_zones),
        cmocka_unit_test(test_shuffle_invariant),
        cmocka_unit_test(test_state_carry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
