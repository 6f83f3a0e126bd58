/*
 * zones.c - the zone set: building, indexing and asking (see zones.h).
 *
 * Geometries are kept in WGS-84 degrees, fixes tested as they come (a
 * fix's 1e-6 degrees is the same double as the file's 6-decimal text, so
 * a fix drawn exactly on an edge is on it).  Corridors are built once:
 * the line is projected to a local plane in metres (equirectangular at
 * the line's mid-latitude, 111 195 m a degree from RULES.md's R =
 * 6371.0088 km), buffered by GEOS there and projected back, so buffer_m
 * is metres on the ground to within cos(latitude) across the line's own
 * extent (under 2 % for a route of 100 km north-south).
 */
#include "zones.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "event.h"
#include "source.h"
#include "strtab.h"
#include "timeutil.h"
#include "zones_build.h"

/* Metres per degree of latitude (R = 6371.0088 km, RULES.md §1). */
#define M_PER_DEG (6371008.8 * M_PI / 180.0)
/* A zone file larger than this is refused.  The file is held whole and
 * read a feature at a time, and jansson holds about nine bytes of tree
 * per byte of a feature's text: a city's zones are a few MB, a
 * province's roads as corridors a few tens. */
#define ZONEFILE_MAX_BYTES (64u << 20)

typedef struct route_plate {
    const char *plate;
    uint32_t zone;
} route_plate;

struct zone_set {
    int64_t default_min_s;
    double default_buffer_m;
    GEOSContextHandle_t gh;  /* the loader's; also frees the geometries */
    char geos_msg[256];
    rl_zone *z;
    GEOSGeometry **tested;   /* polygon or corridor, what fixes are tested against */
    GEOSGeometry **drawn;    /* the line of a corridor; NULL when it is `tested` */
    const GEOSPreparedGeometry **prep;
    uint32_t n, cap;
    strtab *ids;             /* id -> zone index + 1 */
    zone_file_info *files;
    size_t nfiles;
    bool frozen;
    GEOSSTRtree *tree;
    double minx, miny, maxx, maxy; /* envelope of every zone */
    /* route_deviation: routes by class, routes by plate */
    uint32_t *class_routes[CLASS_COUNT];
    uint32_t nclass_routes[CLASS_COUNT];
    route_plate *plate_routes;
    size_t nplate_routes;
};

static const char *const kind_names[ZONE_KIND_COUNT] = {"restricted", "speed", "road", "route"};

const char *zone_kind_name(zone_kind k) { return (unsigned)k < ZONE_KIND_COUNT ? kind_names[k] : "?"; }

bool zone_kind_parse(const char *s, zone_kind *k)
{
    for (int i = 0; i < ZONE_KIND_COUNT; i++)
        if (strcmp(kind_names[i], s) == 0) {
            *k = (zone_kind)i;
            return true;
        }
    return false;
}

static void geos_error(const char *msg, void *ud)
{
    zone_set *zs = ud;
    snprintf(zs->geos_msg, sizeof zs->geos_msg, "%s", msg);
}

void zones_prepare(void) { zonefile_init(); }

zone_set *zones_new(const rl_rules *r)
{
    zone_set *zs = xcalloc(1, sizeof *zs);
    zs->default_min_s = (int64_t)r->v[R_ZONE_MIN_S];
    zs->default_buffer_m = r->v[R_ZONE_BUFFER_M];
    zs->gh = GEOS_init_r();
    if (!zs->gh) {
        fprintf(stderr, "roadlog: cannot initialise GEOS\n");
        exit_now(3);
    }
    GEOSContext_setErrorMessageHandler_r(zs->gh, geos_error, zs);
    zs->ids = strtab_new();
    zs->minx = zs->miny = INFINITY;
    zs->maxx = zs->maxy = -INFINITY;
    return zs;
}

GEOSContextHandle_t zones_geos(zone_set *zs) { return zs->gh; }
const char *zones_geos_error(const zone_set *zs) { return zs->geos_msg; }
int64_t zones_default_min_s(const zone_set *zs) { return zs->default_min_s; }
double zones_default_buffer_m(const zone_set *zs) { return zs->default_buffer_m; }

static void free_strings(char **v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void zone_clear(rl_zone *z)
{
    free(z->id);
    free(z->name);
    free(z->rule);
    free_strings(z->plates, z->nplates);
    free_strings(z->exempt, z->nexempt);
    free(z->times);
    free(z->dates);
    memset(z, 0, sizeof *z);
}

void zones_free(zone_set *zs)
{
    if (!zs)
        return;
    for (uint32_t i = 0; i < zs->n; i++) {
        if (zs->prep && zs->prep[i])
            GEOSPreparedGeom_destroy_r(zs->gh, zs->prep[i]);
        if (zs->drawn[i])
            GEOSGeom_destroy_r(zs->gh, zs->drawn[i]);
        GEOSGeom_destroy_r(zs->gh, zs->tested[i]);
        zone_clear(&zs->z[i]);
    }
    if (zs->tree)
        GEOSSTRtree_destroy_r(zs->gh, zs->tree);
    for (size_t i = 0; i < zs->nfiles; i++)
        free(zs->files[i].path);
    for (int c = 0; c < CLASS_COUNT; c++)
        free(zs->class_routes[c]);
    free(zs->plate_routes);
    free(zs->files);
    free(zs->prep);
    free(zs->z);
    free(zs->tested);
    free(zs->drawn);
    strtab_free(zs->ids);
    GEOS_finish_r(zs->gh);
    free(zs);
}

uint32_t zones_count(const zone_set *zs) { return zs ? zs->n : 0; }
const rl_zone *zones_get(const zone_set *zs, uint32_t i) { return &zs->z[i]; }
size_t zones_nfiles(const zone_set *zs) { return zs ? zs->nfiles : 0; }
const zone_file_info *zones_file(const zone_set *zs, size_t i) { return &zs->files[i]; }

uint32_t zones_find(const zone_set *zs, const char *id)
{
    uint32_t k = strtab_find(zs->ids, id, strlen(id));
    return k == UINT32_MAX || k == 0 ? ZONE_NONE : k - 1;
}

/* ---- geometry helpers ---- */

typedef void xy_fn(void *ud, double *x, double *y);

static GEOSGeometry *map_geom(GEOSContextHandle_t h, const GEOSGeometry *g, xy_fn *fn, void *ud);

static GEOSGeometry *map_curve(GEOSContextHandle_t h, const GEOSGeometry *g, bool ring, xy_fn *fn, void *ud)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, g);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n))
        return NULL;
    double *xy = xmalloc(2 * (size_t)(n ? n : 1) * sizeof *xy);
    if (n)
        GEOSCoordSeq_copyToBuffer_r(h, cs, xy, 0, 0);
    for (unsigned i = 0; i < n; i++)
        fn(ud, &xy[2 * i], &xy[2 * i + 1]);
    GEOSCoordSequence *ns = GEOSCoordSeq_copyFromBuffer_r(h, xy, n, 0, 0);
    free(xy);
    if (!ns)
        return NULL;
    return ring ? GEOSGeom_createLinearRing_r(h, ns) : GEOSGeom_createLineString_r(h, ns);
}

static GEOSGeometry *map_polygon(GEOSContextHandle_t h, const GEOSGeometry *g, xy_fn *fn, void *ud)
{
    int nh = GEOSGetNumInteriorRings_r(h, g);
    if (nh < 0)
        return NULL;
    GEOSGeometry *shell = map_curve(h, GEOSGetExteriorRing_r(h, g), true, fn, ud);
    GEOSGeometry **holes = xmalloc((size_t)(nh ? nh : 1) * sizeof *holes);
    bool ok = shell != NULL;
    for (int i = 0; i < nh; i++) {
        holes[i] = ok ? map_curve(h, GEOSGetInteriorRingN_r(h, g, i), true, fn, ud) : NULL;
        if (!holes[i]) {
            for (int k = 0; k < i; k++)
                GEOSGeom_destroy_r(h, holes[k]);
            ok = false;
            nh = 0;
            break;
        }
    }
    GEOSGeometry *p = NULL;
    if (ok)
        p = GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)nh);
    else if (shell)
        GEOSGeom_destroy_r(h, shell);
    free(holes);
    return p;
}

/* A copy of g with every coordinate passed through fn. */
static GEOSGeometry *map_geom(GEOSContextHandle_t h, const GEOSGeometry *g, xy_fn *fn, void *ud)
{
    int type = GEOSGeomTypeId_r(h, g);
    switch (type) {
    case GEOS_LINESTRING: return map_curve(h, g, false, fn, ud);
    case GEOS_LINEARRING: return map_curve(h, g, true, fn, ud);
    case GEOS_POLYGON: return map_polygon(h, g, fn, ud);
    case GEOS_MULTILINESTRING:
    case GEOS_MULTIPOLYGON:
    case GEOS_GEOMETRYCOLLECTION: {
        int n = GEOSGetNumGeometries_r(h, g);
        if (n < 0)
            return NULL;
        GEOSGeometry **parts = xmalloc((size_t)(n ? n : 1) * sizeof *parts);
        for (int i = 0; i < n; i++) {
            parts[i] = map_geom(h, GEOSGetGeometryN_r(h, g, i), fn, ud);
            if (!parts[i]) {
                for (int k = 0; k < i; k++)
                    GEOSGeom_destroy_r(h, parts[k]);
                free(parts);
                return NULL;
            }
        }
        GEOSGeometry *c = GEOSGeom_createCollection_r(h, type, parts, (unsigned)n);
        free(parts);
        return c;
    }
    default: return NULL;
    }
}

typedef struct plane {
    double cx, cy, kx; /* origin and metres per degree of longitude */
} plane;

static void to_plane(void *ud, double *x, double *y)
{
    const plane *p = ud;
    *x = (*x - p->cx) * p->kx;
    *y = (*y - p->cy) * M_PER_DEG;
}

static void from_plane(void *ud, double *x, double *y)
{
    const plane *p = ud;
    *x = *x / p->kx + p->cx;
    *y = *y / M_PER_DEG + p->cy;
}

static void round_e6(void *ud, double *x, double *y)
{
    (void)ud;
    *x = round(*x * 1e6) / 1e6;
    *y = round(*y * 1e6) / 1e6;
}

/* The corridor of buffer_m metres around a line (see the top). */
static GEOSGeometry *corridor(GEOSContextHandle_t h, const GEOSGeometry *line, double buffer_m)
{
    double minx, miny, maxx, maxy;
    if (!GEOSGeom_getExtent_r(h, line, &minx, &miny, &maxx, &maxy))
        return NULL;
    plane p = {(minx + maxx) / 2, (miny + maxy) / 2, 0};
    p.kx = M_PER_DEG * cos(p.cy * M_PI / 180.0);
    GEOSGeometry *flat = map_geom(h, line, to_plane, &p);
    if (!flat)
        return NULL;
    /* 8 segments a quarter circle (GEOS's default): a round cap or join
     * lies within 2 % of buffer_m inside the true circle */
    GEOSGeometry *buf = GEOSBuffer_r(h, flat, buffer_m, 8);
    GEOSGeom_destroy_r(h, flat);
    if (!buf)
        return NULL;
    GEOSGeometry *back = map_geom(h, buf, from_plane, &p);
    GEOSGeom_destroy_r(h, buf);
    return back;
}

/* ---- building ---- */

bool zones_add(zone_set *zs, rl_zone *z, GEOSGeometry *g, char *why, size_t whylen)
{
    GEOSContextHandle_t h = zs->gh;
    zs->geos_msg[0] = 0;
    uint32_t k = strtab_find(zs->ids, z->id, strlen(z->id));
    if (k != UINT32_MAX && k != 0) { /* a zone has this id */
        const rl_zone *o = &zs->z[k - 1];
        if (o->file == z->file)
            snprintf(why, whylen, "id \"%.80s\" is used twice (also feature %u)", z->id, o->feature);
        else
            snprintf(why, whylen, "id \"%.80s\" is used twice (also feature %u of %.200s)", z->id, o->feature,
                     zs->files[o->file].path);
        goto fail;
    }
    int type = GEOSGeomTypeId_r(h, g);
    GEOSGeometry *tested = g, *drawn = NULL;
    if (type == GEOS_LINESTRING || type == GEOS_MULTILINESTRING) {
        z->corridor = true;
        tested = corridor(h, g, z->buffer_m);
        if (!tested || GEOSisEmpty_r(h, tested) != 0) {
            snprintf(why, whylen, "cannot build the corridor of the line%s%.200s", zs->geos_msg[0] ? ": " : "",
                     zs->geos_msg);
            if (tested)
                GEOSGeom_destroy_r(h, tested);
            goto fail;
        }
        drawn = g;
    } else {
        char valid = GEOSisValid_r(h, g);
        if (valid != 1) {
            char *reason = valid == 0 ? GEOSisValidReason_r(h, g) : NULL;
            snprintf(why, whylen, "the polygon is not valid (%.200s)",
                     reason ? reason : zs->geos_msg[0] ? zs->geos_msg : "GEOS cannot check it");
            if (reason)
                GEOSFree_r(h, reason);
            goto fail;
        }
    }
    if (!GEOSGeom_getExtent_r(h, tested, &z->minx, &z->miny, &z->maxx, &z->maxy)) {
        snprintf(why, whylen, "the geometry has no extent");
        if (tested != g)
            GEOSGeom_destroy_r(h, tested);
        goto fail;
    }
    if (zs->n == zs->cap) {
        zs->cap = zs->cap ? zs->cap * 2 : 64;
        zs->z = xrealloc(zs->z, zs->cap * sizeof *zs->z);
        zs->tested = xrealloc(zs->tested, zs->cap * sizeof *zs->tested);
        zs->drawn = xrealloc(zs->drawn, zs->cap * sizeof *zs->drawn);
    }
    /* ids are interned in zone order: id k names zone k - 1 */
    strtab_intern(zs->ids, z->id, strlen(z->id));
    zs->z[zs->n] = *z;
    zs->tested[zs->n] = tested;
    zs->drawn[zs->n] = drawn;
    zs->n++;
    memset(z, 0, sizeof *z);
    return true;
fail:
    GEOSGeom_destroy_r(h, g);
    zone_clear(z);
    return false;
}

void zones_truncate(zone_set *zs, uint32_t keep)
{
    if (keep >= zs->n)
        return;
    for (uint32_t i = keep; i < zs->n; i++) {
        if (zs->drawn[i])
            GEOSGeom_destroy_r(zs->gh, zs->drawn[i]);
        GEOSGeom_destroy_r(zs->gh, zs->tested[i]);
        zone_clear(&zs->z[i]);
    }
    zs->n = keep;
    /* ids name zone index + 1: intern the ones kept again */
    strtab_free(zs->ids);
    zs->ids = strtab_new();
    for (uint32_t i = 0; i < zs->n; i++)
        strtab_intern(zs->ids, zs->z[i].id, strlen(zs->z[i].id));
}

static int cmp_route_plate(const void *a, const void *b)
{
    const route_plate *x = a, *y = b;
    int c = strcmp(x->plate, y->plate);
    if (c)
        return c;
    return x->zone < y->zone ? -1 : x->zone > y->zone;
}

static void ignore_item(void *item, void *ud)
{
    (void)item;
    (void)ud;
}

void zones_freeze(zone_set *zs)
{
    if (zs->frozen)
        return;
    GEOSContextHandle_t h = zs->gh;
    zs->prep = xcalloc(zs->n ? zs->n : 1, sizeof *zs->prep);
    zs->tree = GEOSSTRtree_create_r(h, 10);
    for (uint32_t i = 0; i < zs->n; i++) {
        rl_zone *z = &zs->z[i];
        zs->prep[i] = GEOSPrepare_r(h, zs->tested[i]);
        if (!zs->prep[i]) {
            fprintf(stderr, "roadlog: GEOS cannot prepare zone %s: %s\n", z->id, zs->geos_msg);
            exit_now(3);
        }
        /* warm: the first query builds the prepared geometry's point
         * locator (see zones.h) */
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, (z->minx + z->maxx) / 2, (z->miny + z->maxy) / 2);
        GEOSPreparedIntersects_r(h, zs->prep[i], pt);
        GEOSGeom_destroy_r(h, pt);
        GEOSSTRtree_insert_r(h, zs->tree, zs->tested[i], (void *)(uintptr_t)i);
        if (z->minx < zs->minx)
            zs->minx = z->minx;
        if (z->miny < zs->miny)
            zs->miny = z->miny;
        if (z->maxx > zs->maxx)
            zs->maxx = z->maxx;
        if (z->maxy > zs->maxy)
            zs->maxy = z->maxy;
        if (z->kind == ZONE_ROUTE) {
            for (int c = 0; c < CLASS_COUNT; c++)
                if (z->classes >> c & 1) {
                    zs->class_routes[c] =
                        xrealloc(zs->class_routes[c], (zs->nclass_routes[c] + 1) * sizeof *zs->class_routes[c]);
                    zs->class_routes[c][zs->nclass_routes[c]++] = i;
                }
            for (uint32_t p = 0; p < z->nplates; p++) {
                zs->plate_routes =
                    xrealloc(zs->plate_routes, (zs->nplate_routes + 1) * sizeof *zs->plate_routes);
                zs->plate_routes[zs->nplate_routes++] = (route_plate){z->plates[p], i};
            }
        }
    }
    if (zs->nplate_routes > 1)
        qsort(zs->plate_routes, zs->nplate_routes, sizeof *zs->plate_routes, cmp_route_plate);
    /* warm the tree: the first query builds it */
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, 0, 0);
    GEOSSTRtree_query_r(h, zs->tree, pt, ignore_item, NULL);
    GEOSGeom_destroy_r(h, pt);
    zs->frozen = true;
}

/* ---- loading ---- */

bool zones_load_buffer(zone_set *zs, const char *name, const char *data, size_t n, int coord_override, char *err,
                       size_t errlen)
{
    if (zs->frozen) {
        snprintf(err, errlen, "%s: zones are loaded before the analysis", name);
        return false;
    }
    if (zs->nfiles >= UINT32_MAX - 1) {
        snprintf(err, errlen, "%s: too many zone files", name);
        return false;
    }
    zs->files = xrealloc(zs->files, (zs->nfiles + 1) * sizeof *zs->files);
    zone_file_info *fi = &zs->files[zs->nfiles];
    memset(fi, 0, sizeof *fi);
    fi->path = xstrdup(name);
    zs->nfiles++;
    char why[512];
    if (!zonefile_read(zs, (uint32_t)(zs->nfiles - 1), data, n, coord_override, &fi->coord, &fi->zones, why,
                       sizeof why)) {
        snprintf(err, errlen, "%s: %s", name, why);
        return false;
    }
    return true;
}

bool zones_load(zone_set *zs, const char *path, int coord_override, char *err, size_t errlen)
{
    rl_src *src = rl_src_open(path, err, errlen);
    if (!src)
        return false;
    rl_buf b = {0};
    char chunk[65536];
    long k;
    bool ok = true;
    while ((k = rl_src_read(src, chunk, sizeof chunk)) > 0) {
        if (b.len + (size_t)k > ZONEFILE_MAX_BYTES) {
            snprintf(err, errlen, "%s: a zone file of more than %u MiB is refused", path, ZONEFILE_MAX_BYTES >> 20);
            ok = false;
            break;
        }
        buf_put(&b, chunk, (size_t)k);
    }
    if (ok && (k < 0 || rl_src_truncated(src))) {
        snprintf(err, errlen, "%s: cannot read: %s", path, rl_src_error(src) ? rl_src_error(src) : "truncated");
        ok = false;
    }
    char sha[65];
    rl_src_sha256(src, sha);
    rl_src_close(src);
    if (ok) {
        ok = zones_load_buffer(zs, path, b.p ? b.p : "", b.len, coord_override, err, errlen);
        memcpy(zs->files[zs->nfiles - 1].sha256, sha, sizeof sha);
    }
    buf_free(&b);
    return ok;
}

/* ---- asking ---- */

zone_when zone_when_of(int64_t utc, int32_t tz)
{
    zone_when w;
    w.day = tu_local_day(utc, tz);
    w.sod = tu_local_sod(utc, tz);
    /* 1970-01-01 was a Thursday (weekday 3 counting from Monday) */
    int64_t wd = (w.day + 3) % 7;
    w.weekday = (uint8_t)(wd < 0 ? wd + 7 : wd);
    return w;
}

static int cmp_plate_key(const void *key, const void *elem)
{
    return strcmp(key, *(char *const *)elem);
}

static bool has_plate(char *const *v, uint32_t n, const char *plate)
{
    return n && plate && bsearch(plate, v, n, sizeof *v, cmp_plate_key) != NULL;
}

bool zone_binds(const rl_zone *z, const zone_subject *s)
{
    bool b = (z->classes >> s->cls) & 1u;
    if (!b)
        b = has_plate(z->plates, z->nplates, s->plate);
    return b && !has_plate(z->exempt, z->nexempt, s->plate);
}

bool zone_active(const rl_zone *z, const zone_when *w)
{
    if (!(z->days >> w->weekday & 1u))
        return false;
    if (z->ntimes) {
        bool in = false;
        for (uint32_t i = 0; i < z->ntimes && !in; i++)
            in = window_contains(z->times[i], w->sod);
        if (!in)
            return false;
    }
    if (z->ndates) {
        bool in = false;
        for (uint32_t i = 0; i < z->ndates && !in; i++)
            in = w->day >= z->dates[i].first && w->day <= z->dates[i].last;
        if (!in)
            return false;
    }
    return true;
}

/* A candidate of the last probe with its envelope at hand: the scan of a
 * fix reads these in a row, not the zones themselves. */
typedef struct zone_cand {
    double minx, miny, maxx, maxy;
    uint32_t zone;
} zone_cand;

struct zone_query {
    const zone_set *zs;
    GEOSContextHandle_t h;
    /* zones whose envelope meets the box of the last probe, ascending */
    bool have_box;
    double bminx, bminy, bmaxx, bmaxy;
    zone_cand *cand;
    size_t ncand, capcand;
    uint32_t *hits;
    size_t caphits;
    uint64_t probes;
};

zone_query *zone_query_new(const zone_set *zs)
{
    zone_query *q = xcalloc(1, sizeof *q);
    q->zs = zs;
    q->h = GEOS_init_r();
    if (!q->h) {
        fprintf(stderr, "roadlog: cannot initialise GEOS\n");
        exit_now(3);
    }
    return q;
}

void zone_query_free(zone_query *q)
{
    if (!q)
        return;
    GEOS_finish_r(q->h);
    free(q->cand);
    free(q->hits);
    free(q);
}

uint64_t zone_query_probes(const zone_query *q) { return q->probes; }

static void take_candidate(void *item, void *ud)
{
    zone_query *q = ud;
    if (q->ncand == q->capcand) {
        q->capcand = q->capcand ? q->capcand * 2 : 64;
        q->cand = xrealloc(q->cand, q->capcand * sizeof *q->cand);
    }
    uint32_t k = (uint32_t)(uintptr_t)item;
    const rl_zone *z = &q->zs->z[k];
    q->cand[q->ncand++] = (zone_cand){z->minx, z->miny, z->maxx, z->maxy, k};
}

static int cmp_cand(const void *a, const void *b)
{
    uint32_t x = ((const zone_cand *)a)->zone, y = ((const zone_cand *)b)->zone;
    return x < y ? -1 : x > y;
}

static void probe(zone_query *q, double x, double y)
{
    q->bminx = x - ZONE_PROBE_DEG;
    q->bmaxx = x + ZONE_PROBE_DEG;
    q->bminy = y - ZONE_PROBE_DEG;
    q->bmaxy = y + ZONE_PROBE_DEG;
    q->ncand = 0;
    GEOSGeometry *box = GEOSGeom_createRectangle_r(q->h, q->bminx, q->bminy, q->bmaxx, q->bmaxy);
    if (box) {
        GEOSSTRtree_query_r(q->h, q->zs->tree, box, take_candidate, q);
        GEOSGeom_destroy_r(q->h, box);
    }
    if (q->ncand > 1)
        qsort(q->cand, q->ncand, sizeof *q->cand, cmp_cand);
    q->have_box = box != NULL;
    q->probes++;
}

size_t zone_query_at(zone_query *q, const zone_subject *s, const zone_when *w, int32_t lat_e6, int32_t lon_e6,
                     const uint32_t **hits)
{
    const zone_set *zs = q->zs;
    *hits = q->hits;
    double x = lon_e6 / 1e6, y = lat_e6 / 1e6;
    if (!zs->n || x < zs->minx || x > zs->maxx || y < zs->miny || y > zs->maxy)
        return 0;
    if (!q->have_box || x < q->bminx || x > q->bmaxx || y < q->bminy || y > q->bmaxy)
        probe(q, x, y);
    size_t n = 0;
    GEOSGeometry *pt = NULL;
    for (size_t i = 0; i < q->ncand; i++) {
        const zone_cand *c = &q->cand[i];
        if (x < c->minx || x > c->maxx || y < c->miny || y > c->maxy)
            continue;
        uint32_t k = c->zone;
        const rl_zone *z = &zs->z[k];
        if (!zone_binds(z, s) || !zone_active(z, w))
            continue;
        if (!pt && !(pt = GEOSGeom_createPointFromXY_r(q->h, x, y)))
            break;
        if (GEOSPreparedIntersects_r(q->h, zs->prep[k], pt) != 1)
            continue;
        if (n == q->caphits) {
            q->caphits = q->caphits ? q->caphits * 2 : 16;
            q->hits = xrealloc(q->hits, q->caphits * sizeof *q->hits);
        }
        q->hits[n++] = k;
    }
    if (pt)
        GEOSGeom_destroy_r(q->h, pt);
    *hits = q->hits;
    return n;
}

static int cmp_route_key(const void *key, const void *elem)
{
    return strcmp(key, ((const route_plate *)elem)->plate);
}

bool zones_route_applies(const zone_set *zs, const zone_subject *s, const zone_when *w, uint32_t *first)
{
    uint32_t best = ZONE_NONE;
    if ((unsigned)s->cls < CLASS_COUNT)
        for (uint32_t i = 0; i < zs->nclass_routes[s->cls]; i++) {
            uint32_t k = zs->class_routes[s->cls][i];
            const rl_zone *z = &zs->z[k];
            if (!has_plate(z->exempt, z->nexempt, s->plate) && zone_active(z, w)) {
                best = k; /* ascending: the first is the lowest */
                break;
            }
        }
    if (zs->nplate_routes && s->plate) {
        const route_plate *r =
            bsearch(s->plate, zs->plate_routes, zs->nplate_routes, sizeof *zs->plate_routes, cmp_route_key);
        if (r) {
            while (r > zs->plate_routes && strcmp(r[-1].plate, s->plate) == 0)
                r--;
            for (; r < zs->plate_routes + zs->nplate_routes && strcmp(r->plate, s->plate) == 0; r++) {
                if (r->zone >= best)
                    break;
                const rl_zone *z = &zs->z[r->zone];
                if (!has_plate(z->exempt, z->nexempt, s->plate) && zone_active(z, w)) {
                    best = r->zone;
                    break;
                }
            }
        }
    }
    *first = best;
    return best != ZONE_NONE;
}

/* ---- drawing ---- */

/* The zone as drawn, simplified and rounded, in context h (the caller
 * destroys it); NULL when GEOS fails.  The writers run side by side: the
 * shared geometry is only copied (a read), the copy simplified. */
static GEOSGeometry *drawable(GEOSContextHandle_t h, const zone_set *zs, uint32_t i, double tolerance_m)
{
    GEOSGeometry *g = GEOSGeom_clone_r(h, zs->drawn[i] ? zs->drawn[i] : zs->tested[i]);
    if (!g)
        return NULL;
    GEOSGeometry *s = tolerance_m > 0 ? GEOSTopologyPreserveSimplify_r(h, g, tolerance_m / M_PER_DEG) : NULL;
    GEOSGeometry *r = map_geom(h, s ? s : g, round_e6, NULL);
    if (s)
        GEOSGeom_destroy_r(h, s);
    GEOSGeom_destroy_r(h, g);
    return r;
}

void zones_geometry_json(const zone_set *zs, uint32_t i, double tolerance_m, rl_buf *out)
{
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSGeometry *g = h ? drawable(h, zs, i, tolerance_m) : NULL;
    GEOSGeoJSONWriter *w = g ? GEOSGeoJSONWriter_create_r(h) : NULL;
    char *text = w ? GEOSGeoJSONWriter_writeGeometry_r(h, w, g, -1) : NULL;
    buf_puts(out, text ? text : "null");
    if (text)
        GEOSFree_r(h, text);
    if (w)
        GEOSGeoJSONWriter_destroy_r(h, w);
    if (g)
        GEOSGeom_destroy_r(h, g);
    if (h)
        GEOS_finish_r(h);
}

static void outline_part(GEOSContextHandle_t h, const GEOSGeometry *g, zone_part_fn *fn, void *ud)
{
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        outline_part(h, GEOSGetExteriorRing_r(h, g), fn, ud);
        int nh = GEOSGetNumInteriorRings_r(h, g);
        for (int k = 0; k < nh; k++)
            outline_part(h, GEOSGetInteriorRingN_r(h, g, k), fn, ud);
        return;
    }
    if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, g);
        unsigned n = 0;
        if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n) || n == 0)
            return;
        double *xy = xmalloc(2 * (size_t)n * sizeof *xy);
        int32_t *e6 = xmalloc(2 * (size_t)n * sizeof *e6);
        GEOSCoordSeq_copyToBuffer_r(h, cs, xy, 0, 0);
        for (size_t k = 0; k < 2 * (size_t)n; k++)
            e6[k] = (int32_t)llround(xy[k] * 1e6);
        fn(ud, e6, n, type == GEOS_LINEARRING);
        free(e6);
        free(xy);
        return;
    }
    int np = GEOSGetNumGeometries_r(h, g);
    for (int k = 0; k < np; k++)
        outline_part(h, GEOSGetGeometryN_r(h, g, k), fn, ud);
}

void zones_outline(const zone_set *zs, uint32_t i, double tolerance_m, zone_part_fn *fn, void *ud)
{
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSGeometry *g = h ? drawable(h, zs, i, tolerance_m) : NULL;
    if (g) {
        outline_part(h, g, fn, ud);
        GEOSGeom_destroy_r(h, g);
    }
    if (h)
        GEOS_finish_r(h);
}
