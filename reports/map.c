/*
 * map.c - Leaflet read at run time, the page's script and its CSP hash,
 * --tiles checks, GCJ-02/BD-09 for Chinese base maps (coordconv.c), simplification
 * (see map.h).
 */
#include "map.h"

#include <geos_c.h>
#include <math.h>
#include <stdbool.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "coordconv.h"
#include "util.h"

/* roadlog's own code (reports/map.js, made a C string by the Makefile) */
static const char ROADLOG_JS[] =
#include "map_js.h"
    ;

/* roadlog's map CSS: a plain background offline, the coordinate read-out,
 * sortable column titles */
static const char ROADLOG_MAP_CSS[] =
    ".rl-map{height:460px;border:1px solid #d0d7de;margin:8px 0 12px;break-inside:avoid}"
    ".rl-map.rl-plain{background:#f4f1ea repeating-linear-gradient(0deg,transparent 0 63px,#e6e1d6 63px 64px),"
    "repeating-linear-gradient(90deg,#f4f1ea 0 63px,#e6e1d6 63px 64px)}"
    ".rl-coord{background:rgba(255,255,255,.85);padding:1px 6px;font:12px/1.4 monospace;color:#1b1f24}"
    ".rl-pop b{display:block}.rl-pop-plate{font-weight:600}"
    "th.rl-sort{cursor:pointer}th.rl-sort:after{content:' \\2195';color:#8c959f;font-size:11px}"
    "th[aria-sort=ascending]:after{content:' \\2191'}th[aria-sort=descending]:after{content:' \\2193'}"
    "@media print{.rl-map{height:420px}.leaflet-control-layers,.leaflet-control-zoom{display:none}}";

static char *slurp_file(const char *dir, const char *name, size_t *len)
{
    rl_buf p = {0};
    buf_printf(&p, "%s/%s", dir, name);
    FILE *f = fopen(p.p, "rb");
    buf_free(&p);
    if (!f)
        return NULL;
    rl_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_put(&b, chunk, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        buf_free(&b);
        return NULL;
    }
    buf_putc(&b, 0);
    *len = b.len - 1;
    return b.p;
}

/* The source-map comment: nothing to fetch, ever. */
static void drop_source_map(char *s, size_t *len)
{
    char *m = strstr(s, "//# sourceMappingURL=");
    if (!m)
        m = strstr(s, "/*# sourceMappingURL=");
    if (m) {
        *m = 0;
        *len = (size_t)(m - s);
    }
}

/* url(images/x.png) in Leaflet's CSS -> url(data:image/png;base64,...):
 * the page fetches nothing, and CSP allows data: images. */
static void inline_images(rl_buf *out, const char *css, const char *dir)
{
    const char *p = css;
    for (;;) {
        const char *u = strstr(p, "url(");
        if (!u) {
            buf_puts(out, p);
            return;
        }
        const char *e = strchr(u, ')');
        if (!e) {
            buf_puts(out, p);
            return;
        }
        buf_put(out, p, (size_t)(u - p));
        const char *name = u + 4;
        size_t nlen = (size_t)(e - name);
        if (nlen && (*name == '"' || *name == '\'')) {
            name++;
            nlen = nlen >= 2 ? nlen - 2 : 0;
        }
        char file[128];
        size_t flen = 0;
        char *img = NULL;
        if (nlen < sizeof file && nlen > 4 && memcmp(name + nlen - 4, ".png", 4) == 0 && !memchr(name, ':', nlen)) {
            memcpy(file, name, nlen);
            file[nlen] = 0;
            img = strstr(file, "..") ? NULL : slurp_file(dir, file, &flen);
        }
        if (img) {
            size_t cap = 4 * ((flen + 2) / 3) + 1;
            unsigned char *b64 = xmalloc(cap);
            EVP_EncodeBlock(b64, (const unsigned char *)img, (int)flen);
            buf_puts(out, "url(data:image/png;base64,");
            buf_puts(out, (const char *)b64);
            buf_putc(out, ')');
            free(b64);
            free(img);
        } else {
            /* an image we cannot inline: no reference at all, so nothing is fetched */
            buf_puts(out, "none");
        }
        p = e + 1;
    }
}

static void hash_script(map_assets *a)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_Digest(a->js, a->js_len, md, &mdlen, EVP_sha256(), NULL);
    unsigned char b64[64];
    EVP_EncodeBlock(b64, md, (int)mdlen);
    snprintf(a->js_hash, sizeof a->js_hash, "'sha256-%s'", b64);
}

void map_assets_load(map_assets *a)
{
    memset(a, 0, sizeof *a);
    const char *dir = getenv("ROADLOG_LEAFLET_DIR");
    if (!dir || !*dir)
        dir = MAP_LEAFLET_DIR;
    size_t n1 = 0, n2 = 0, c1 = 0, c2 = 0, c3 = 0;
    char *leaflet = slurp_file(dir, "leaflet.min.js", &n1);
    if (!leaflet)
        leaflet = slurp_file(dir, "leaflet.js", &n1);
    char *cluster = slurp_file(dir, "leaflet.markercluster.min.js", &n2);
    if (!cluster)
        cluster = slurp_file(dir, "leaflet.markercluster.js", &n2);
    char *css = slurp_file(dir, "leaflet.css", &c1);
    char *ccss = slurp_file(dir, "MarkerCluster.css", &c2);
    char *dcss = slurp_file(dir, "MarkerCluster.Default.css", &c3);
    rl_buf js = {0}, st = {0};
    if (leaflet && css && cluster && ccss && dcss) {
        a->have_leaflet = true;
        drop_source_map(leaflet, &n1);
        drop_source_map(cluster, &n2);
        drop_source_map(css, &c1);
        drop_source_map(ccss, &c2);
        drop_source_map(dcss, &c3);
        buf_put(&js, leaflet, n1);
        buf_puts(&js, "\n;\n");
        buf_put(&js, cluster, n2);
        buf_puts(&js, "\n;\n");
        inline_images(&st, css, dir);
        inline_images(&st, ccss, dir);
        inline_images(&st, dcss, dir);
    } else {
        a->missing = !leaflet || !css ? "libjs-leaflet" : "libjs-leaflet.markercluster";
    }
    buf_puts(&js, ROADLOG_JS);
    buf_puts(&st, ROADLOG_MAP_CSS);
    /* a script element ends at "</script": Leaflet has none, but be sure */
    if (strstr(js.p, "</script") || strstr(js.p, "</SCRIPT")) {
        js.len = 0;
        buf_puts(&js, ROADLOG_JS);
        a->have_leaflet = false;
        a->missing = "libjs-leaflet";
    }
    a->js = js.p;
    a->js_len = js.len;
    a->css = st.p;
    a->css_len = st.len;
    hash_script(a);
    free(leaflet);
    free(cluster);
    free(css);
    free(ccss);
    free(dcss);
}

void map_assets_free(map_assets *a)
{
    free(a->js);
    free(a->css);
    memset(a, 0, sizeof *a);
}

/* ---- --tiles ---- */

bool tiles_template_ok(const char *t, char *why, size_t n)
{
    const char *host;
    if (strncmp(t, "http://", 7) == 0)
        host = t + 7;
    else if (strncmp(t, "https://", 8) == 0)
        host = t + 8;
    else {
        snprintf(why, n, "expected an http:// or https:// URL template");
        return false;
    }
    size_t hl = strcspn(host, "/");
    if (hl == 0 || host[hl] != '/') {
        snprintf(why, n, "expected a host and a path, like http://tiles.local/{z}/{x}/{y}.png");
        return false;
    }
    for (size_t i = 0; i < hl; i++) {
        char c = host[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == ':' || c == '[' || c == ']')) {
            snprintf(why, n, "the host may hold letters, digits, '.', '-' and a :port only");
            return false;
        }
    }
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\'' || *p == '<' || *p == '>' || *p == '\\' ||
            *p == ';' || *p == ',' || (unsigned char)*p >= 0x7f) {
            snprintf(why, n, "characters other than URL characters (percent-encode them)");
            return false;
        }
    if (!strstr(t, "{z}") || !strstr(t, "{x}") || !strstr(t, "{y}")) {
        snprintf(why, n, "the template needs {z}, {x} and {y}");
        return false;
    }
    return true;
}

void tiles_origin(const char *t, char *out, size_t n)
{
    const char *host = strstr(t, "://");
    host = host ? host + 3 : t;
    size_t len = (size_t)(host - t) + strcspn(host, "/");
    snprintf(out, n, "%.*s", (int)len, t);
}

/* ---- coordinates for Chinese base maps (coordconv.c's formulas) ---- */

void map_coord(int coord, int32_t lat_e6, int32_t lon_e6, double *lat, double *lon)
{
    cc_from_wgs84((cc_datum)coord, lon_e6 / 1e6, lat_e6 / 1e6, lon, lat);
}

static void put_deg_buf(rl_buf *out, double deg)
{
    char b[32];
    int n = snprintf(b, sizeof b, "%.7f", deg);
    while (n > 0 && b[n - 1] == '0')
        b[--n] = 0;
    if (n > 0 && b[n - 1] == '.')
        b[--n] = 0;
    buf_puts(out, b);
}

static const char *skip_ws(const char *p, rl_buf *out)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        buf_putc(out, *p++);
    return p;
}

/* A "coordinates" value: arrays of arrays down to positions [x, y, ...]. */
static const char *shift_value(const char *p, int coord, rl_buf *out, int depth)
{
    p = skip_ws(p, out);
    if (*p != '[' || depth > 8)
        return p;
    const char *q = p + 1;
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
        q++;
    if (*q == '[' || *q == ']') {
        /* an array of arrays (or empty) */
        buf_putc(out, *p++);
        for (;;) {
            p = skip_ws(p, out);
            if (*p == '[')
                p = shift_value(p, coord, out, depth + 1);
            else if (*p == ',')
                buf_putc(out, *p++);
            else if (*p == ']') {
                buf_putc(out, *p++);
                return p;
            } else
                return p; /* not GeoJSON: copied as far as it went */
        }
    }
    /* a position */
    char *end;
    double x = strtod(q, &end);
    if (end == q)
        return p;
    const char *r = end;
    while (*r == ' ' || *r == ',' || *r == '\t' || *r == '\n' || *r == '\r')
        r++;
    double y = strtod(r, &end);
    if (end == r || !isfinite(x) || !isfinite(y) || fabs(y) > 90 || fabs(x) > 180)
        return p;
    double lat, lon;
    map_coord(coord, (int32_t)llround(y * 1e6), (int32_t)llround(x * 1e6), &lat, &lon);
    buf_putc(out, '[');
    put_deg_buf(out, lon);
    buf_putc(out, ',');
    put_deg_buf(out, lat);
    /* a third number (altitude) and the position's ']' copied as they are,
     * so that the caller goes on with the next position of its array */
    p = end;
    while (*p && *p != ']' && *p != '[')
        buf_putc(out, *p++);
    if (*p == ']')
        buf_putc(out, *p++);
    return p;
}

void map_shift_geojson(const char *json, int coord, rl_buf *out)
{
    const char *p = json;
    if (coord == CC_WGS84) {
        buf_puts(out, json);
        return;
    }
    while (*p) {
        if (*p != '"') {
            buf_putc(out, *p++);
            continue;
        }
        const char *q = p + 1;
        while (*q && *q != '"') {
            if (*q == '\\' && q[1])
                q++;
            q++;
        }
        size_t len = (size_t)(q - p) + (*q ? 1 : 0);
        bool coords = len == 13 && memcmp(p, "\"coordinates\"", 13) == 0;
        buf_put(out, p, len);
        p += len;
        if (coords) {
            p = skip_ws(p, out);
            if (*p == ':') {
                buf_putc(out, *p++);
                p = shift_value(p, coord, out, 0);
            }
        }
    }
}

/* From the value in millionths, digits by hand: printf's "%.6f" was most
 * of writing tracks.geojson (1.4 M numbers on the 8 M-row bench: 0.44 s
 * for the file with printf, 0.25-0.28 s without).  llround of deg x 1e6 is
 * printf's rounding except for a value within an ulp of a half
 * millionth, which a coordinate of roadlog's (whole millionths, or a
 * datum shift of them) does not come that close to in practice. */
void map_put_deg(FILE *f, double deg)
{
    char b[32];
    char *p = b + sizeof b;
    long long u = llround(deg * 1e6);
    bool neg = u < 0;
    unsigned long long a = neg ? 0ull - (unsigned long long)u : (unsigned long long)u;
    unsigned frac = (unsigned)(a % 1000000u);
    unsigned long long whole = a / 1000000u;
    *--p = 0;
    if (frac) {
        int digits = 6;
        while (frac % 10 == 0) { /* no trailing zeros */
            frac /= 10;
            digits--;
        }
        for (int i = 0; i < digits; i++) {
            *--p = (char)('0' + frac % 10);
            frac /= 10;
        }
        *--p = '.';
    }
    do {
        *--p = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    if (neg)
        *--p = '-';
    fputs(p, f);
}

/* ---- simplification (GEOS) ---- */

struct map_simplifier {
    GEOSContextHandle_t h;
};

map_simplifier *map_simplifier_new(void)
{
    map_simplifier *s = xmalloc(sizeof *s);
    s->h = GEOS_init_r();
    return s;
}

void map_simplifier_free(map_simplifier *s)
{
    if (!s)
        return;
    GEOS_finish_r(s->h);
    free(s);
}

size_t map_simplify(map_simplifier *s, double *xy, size_t n, double tol)
{
    if (n < 3 || n > UINT32_MAX || !s->h)
        return n;
    GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(s->h, xy, (unsigned)n, 0, 0);
    if (!cs)
        return n;
    GEOSGeometry *line = GEOSGeom_createLineString_r(s->h, cs); /* takes cs */
    if (!line)
        return n;
    GEOSGeometry *simple = GEOSSimplify_r(s->h, line, tol);
    size_t k = n;
    if (simple) {
        const GEOSCoordSequence *out = GEOSGeom_getCoordSeq_r(s->h, simple);
        unsigned int m = 0;
        if (out && GEOSCoordSeq_getSize_r(s->h, out, &m) && m >= 2 && m <= n &&
            GEOSCoordSeq_copyToBuffer_r(s->h, out, xy, 0, 0))
            k = m;
        GEOSGeom_destroy_r(s->h, simple);
    }
    GEOSGeom_destroy_r(s->h, line);
    return k;
}
