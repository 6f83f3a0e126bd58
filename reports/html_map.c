/*
 * html_map.c - the data of report.html's maps: JSON blocks that the
 * page's script (map.js) draws with Leaflet.
 *
 * The overview map ("一张图") has every vehicle's events, clustered where
 * they crowd, each opening its evidence; a vehicle's map has its track
 * (the day samples of tracksample.c, simplified to screen resolution),
 * its events as their own fixes, the zones its events name and the weigh
 * stations of its weighings.  Positions are drawn in the --map-coord
 * system (map.c).  Data blocks are <script type="application/json">,
 * which the CSP does not run; every text in them is JSON-escaped with
 * '<', '>' and '&' as \u escapes, so no input can close the block.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "html_int.h"
#include "timeutil.h"
#include "tracksample.h"
#include "util.h"

/* The overview shows at most this many events (the riskiest vehicles
 * first) and says so: a browser draws 30 000 clustered markers in about a
 * second, and the per-vehicle maps have the rest. */
#define OVERVIEW_MAX 30000
/* Simplification: a track is kept to about this many units across its
 * extent, which is what a 1280-px map at the zoom that fits it can show. */
#define SCREEN_UNITS 2000

/* JSON text safe inside a <script> block: json_str, with < > & escaped. */
static void json_html(FILE *f, const char *s)
{
    outbuf o;
    outbuf_init(&o, NULL, NULL, 0);
    outbuf_json_str(&o, s ? s : "", s ? strlen(s) : 0);
    for (size_t i = 0; i < o.len; i++) {
        char c = o.buf[i];
        if (c == '<')
            fputs("\\u003c", f);
        else if (c == '>')
            fputs("\\u003e", f);
        else if (c == '&')
            fputs("\\u0026", f);
        else
            fputc(c, f);
    }
    outbuf_done(&o);
}

/* Raw JSON from elsewhere (the zone features): '<' can only stand in its
 * strings, where \u003c means the same. */
static void json_raw_html(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("\\u003c", f);
        else if (*s == '>')
            fputs("\\u003e", f);
        else
            fputc(*s, f);
    }
}

void html_map_conf(FILE *f, const hctx *h)
{
    const rl_run *run = h->run;
    fputs("<script type=\"application/json\" id=\"rl-conf\">{\"lang\":", f);
    json_html(f, h->zh ? "zh-CN" : "en");
    fputs(",\"types\":[", f);
    for (int t = 0; t < EV_TYPE_COUNT; t++) {
        if (t)
            fputc(',', f);
        json_html(f, report_type_label((event_type)t, h->zh));
    }
    fputs("],\"tiles\":", f);
    if (run->opt.tiles)
        json_html(f, run->opt.tiles);
    else
        fputs("null", f);
    fputs(",\"coordName\":", f);
    json_html(f, run->opt.map_coord == CC_GCJ02 ? "GCJ-02" : run->opt.map_coord == CC_BD09 ? "BD-09"
                                                                                                         : "WGS-84");
    static const struct {
        const char *key;
        label_id l;
    } keys[] = {{"evidence", L_EVIDENCE_OPEN}, {"lTrack", L_MAP_TRACK},       {"lEvents", L_MAP_EVENTS},
                {"lZones", L_MAP_ZONES},       {"lStations", L_MAP_STATIONS}, {"coordLabel", L_MAP_COORD_WGS}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        fprintf(f, ",\"%s\":", keys[i].key);
        json_html(f, LBL(h, keys[i].l));
    }
    fputs("}</script>\n", f);
}

/* What the maps are drawn on, said under each. */
static void map_note(FILE *f, const hctx *h)
{
    const rl_run *run = h->run;
    label_id c = run->opt.map_coord == CC_GCJ02  ? L_MAP_COORD_GCJ
                 : run->opt.map_coord == CC_BD09 ? L_MAP_COORD_BD
                                                        : L_MAP_COORD_WGS;
    fprintf(f, "<p class=\"small\">%s", LBL(h, c));
    if (!run->opt.tiles)
        fprintf(f, " · %s", LBL(h, L_MAP_NO_TILES));
    fputs("</p>\n", f);
}

/* The zones that events name, shifted for the base map, as one block of
 * the Features events.geojson has (report_zone_features). */
static void zones_block(FILE *f, const hctx *h)
{
    const rl_run *run = h->run;
    if (!run->zones)
        return;
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        die("out of memory");
    fputc('[', m);
    report_zone_features(run, m, false);
    fputc(']', m);
    if (fclose(m) != 0)
        die("out of memory");
    fputs("<script type=\"application/json\" id=\"rl-zones\">", f);
    json_raw_html(f, text);
    fputs("</script>\n", f);
    free(text);
}

/* Weigh stations of a vehicle's weighings with events: [lat, lon, name]. */
static bool put_stations(FILE *f, const hctx *h, uint32_t vidx, bool first)
{
    const rl_run *run = h->run;
    int64_t last = INT64_MIN;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++) {
        const rl_event *ev = &run->events.e[e];
        if (ev->start == last)
            continue;
        const ts_weighing *w = tracksample_weighing_at(run->samples, vidx, ev->start);
        if (!w || !w->have_pos)
            continue;
        last = ev->start;
        if (!first)
            fputc(',', f);
        first = false;
        double lat, lon;
        map_coord(run->opt.map_coord, w->lat_e6, w->lon_e6, &lat, &lon);
        fputc('[', f);
        map_put_deg(f, lat);
        fputc(',', f);
        map_put_deg(f, lon);
        fputc(',', f);
        json_html(f, w->station ? strtab_get(run->str, w->station) : "");
        fputc(']', f);
    }
    return first;
}

/* An event on a map: lat, lon, type, n (the vehicle in the overview, the
 * event's number on a vehicle's map), id, local time, class. */
static void put_event_entry(FILE *f, const hctx *h, const rl_event *ev, size_t n)
{
    const rl_run *run = h->run;
    double lat, lon;
    map_coord(run->opt.map_coord, ev->start_lat_e6, ev->start_lon_e6, &lat, &lon);
    map_put_deg(f, lat);
    fputc(',', f);
    map_put_deg(f, lon);
    char t[32];
    tu_format(ev->start, run->opt.tz, t);
    fprintf(f, ",%d,%zu,\"%s\",", (int)ev->type, n, ev->id);
    json_html(f, t);
    fprintf(f, ",\"%c\"", ev_class(ev->type));
}

void html_map_overview(FILE *f, const hctx *h)
{
    const rl_run *run = h->run;
    fprintf(f, "<h2>%s</h2>", LBL(h, L_MAP_ALL));
    if (!h->assets->have_leaflet) {
        fprintf(f, "<p class=\"warn\">%s</p>\n", LBL(h, L_MAP_MISSING));
        return;
    }
    size_t total = 0, shown = 0;
    for (size_t i = 0; i < run->events.n; i++)
        total += run->events.e[i].have_pos;
    zones_block(f, h);
    fputs("<script type=\"application/json\" id=\"rl-map-all\">{\"kind\":\"all\",\"v\":[", f);
    for (size_t r = 0; r < h->nwith; r++) {
        const rl_vehicle *v = vtable_at(run->vt, h->rank[r].vidx);
        fputs(r ? ",[" : "[", f);
        json_html(f, run_vehicle_label(run, v));
        fputs(",\"", f);
        if (h->multi)
            put_vehicle_href(f, h, r, false);
        fputs("\"]", f);
    }
    fputs("],\"e\":[", f);
    for (size_t r = 0; r < h->nwith && shown < OVERVIEW_MAX; r++) {
        uint32_t vidx = h->rank[r].vidx;
        for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx] && shown < OVERVIEW_MAX; e++) {
            const rl_event *ev = &run->events.e[e];
            if (!ev->have_pos)
                continue;
            fputs(shown++ ? ",[" : "[", f);
            /* [lat, lon, type, vehicle, id, time, class] */
            put_event_entry(f, h, ev, r);
            fputc(']', f);
        }
    }
    fputs("],\"s\":[", f);
    bool first = true;
    for (size_t r = 0; r < h->nwith; r++)
        first = put_stations(f, h, h->rank[r].vidx, first);
    fputs("]}</script>\n", f);
    fputs("<div class=\"rl-map\" id=\"map-all\" data-src=\"rl-map-all\"></div>\n", f);
    map_note(f, h);
    if (shown < total)
        fprintf(f, "<p class=\"small\">%zu / %zu</p>\n", shown, total);
}

/* ---- a vehicle's map ---- */

typedef struct line {
    double *xy;              /* [lon, lat] pairs */
    size_t n, cap;
} line;

static void line_add(line *l, double lon, double lat)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->xy = xrealloc(l->xy, l->cap * 2 * sizeof *l->xy);
    }
    l->xy[2 * l->n] = lon;
    l->xy[2 * l->n + 1] = lat;
    l->n++;
}

/* Write a line as [[lat,lon],...], simplified with tolerance tol. */
static void put_line(FILE *f, const hctx *h, line *l, double tol)
{
    size_t n = tol > 0 ? map_simplify(h->simp, l->xy, l->n, tol) : l->n;
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",[" : "[", f);
        map_put_deg(f, l->xy[2 * i + 1]);
        fputc(',', f);
        map_put_deg(f, l->xy[2 * i]);
        fputc(']', f);
    }
    fputc(']', f);
}

/* The track from the kept day samples: segments broken at gaps, each
 * simplified.  Returns the tolerance used, for the events' lines. */
static double put_track(FILE *f, const hctx *h, uint32_t vidx)
{
    const rl_run *run = h->run;
    size_t nd = tracksample_ndays(run->samples, vidx);
    double lo_lat = 1e9, hi_lat = -1e9, lo_lon = 1e9, hi_lon = -1e9;
    for (size_t k = 0; k < nd; k++) {
        tracksample_view sv;
        if (!tracksample_day(run->samples, vidx, tracksample_day_at(run->samples, vidx, k), &sv))
            continue;
        for (size_t i = 0; i < sv.n; i++) {
            double lat = sv.p[i].lat_e6 / 1e6, lon = sv.p[i].lon_e6 / 1e6;
            lo_lat = lat < lo_lat ? lat : lo_lat;
            hi_lat = lat > hi_lat ? lat : hi_lat;
            lo_lon = lon < lo_lon ? lon : lo_lon;
            hi_lon = lon > hi_lon ? lon : hi_lon;
        }
    }
    double span = hi_lat - lo_lat > hi_lon - lo_lon ? hi_lat - lo_lat : hi_lon - lo_lon;
    double tol = span > 0 ? span / SCREEN_UNITS : 0;
    fputs("\"t\":[", f);
    line l = {0};
    bool first = true;
    for (size_t k = 0; k < nd; k++) {
        tracksample_view sv;
        if (!tracksample_day(run->samples, vidx, tracksample_day_at(run->samples, vidx, k), &sv))
            continue;
        for (size_t i = 0; i < sv.n; i++) {
            if ((sv.p[i].slot & TS_GAP_BEFORE) && l.n) {
                if (l.n > 1) {
                    fputs(first ? "" : ",", f);
                    put_line(f, h, &l, tol);
                    first = false;
                }
                l.n = 0;
            }
            double lat, lon;
            map_coord(run->opt.map_coord, sv.p[i].lat_e6, sv.p[i].lon_e6, &lat, &lon);
            line_add(&l, lon, lat);
        }
    }
    if (l.n > 1) {
        fputs(first ? "" : ",", f);
        put_line(f, h, &l, tol);
    }
    free(l.xy);
    fputc(']', f);
    return tol;
}

typedef struct line_span {
    line *l;
    const rl_run *run;
} line_span;

static void span_add(void *ud, int64_t t, const ts_point *p, int slot_min)
{
    line_span *ls = ud;
    double lat, lon;
    map_coord(ls->run->opt.map_coord, p->lat_e6, p->lon_e6, &lat, &lon);
    line_add(ls->l, lon, lat);
}

/* An event's own line: its fixes inside the episode; for events without
 * a capture (fatigue: known after the pass) the day samples in its span. */
static void put_event_line(FILE *f, const hctx *h, uint32_t vidx, const rl_event *ev, double tol)
{
    const rl_run *run = h->run;
    line l = {0};
    tracksample_fixes fx;
    if (tracksample_event(run->samples, vidx, ev->start, ev->end, &fx)) {
        for (size_t i = 0; i < fx.n; i++)
            if (fx.f[i].flags & TSF_IN_EVENT) {
                double lat, lon;
                map_coord(run->opt.map_coord, fx.f[i].lat_e6, fx.f[i].lon_e6, &lat, &lon);
                line_add(&l, lon, lat);
            }
    } else if (ev->end > ev->start) {
        line_span ls = {&l, run};
        tracksample_span(run->samples, run->opt.tz, vidx, ev->start, ev->end, span_add, &ls);
    }
    if (l.n > 1)
        put_line(f, h, &l, tol);
    else
        fputs("[]", f);
    free(l.xy);
}

void html_map_vehicle(FILE *f, const hctx *h, size_t r)
{
    const rl_run *run = h->run;
    uint32_t vidx = h->rank[r].vidx;
    if (!h->assets->have_leaflet) {
        fprintf(f, "<p class=\"warn\">%s</p>\n", LBL(h, L_MAP_MISSING));
        return;
    }
    if (h->multi) /* a page of its own: the zones block too */
        zones_block(f, h);
    fprintf(f, "<script type=\"application/json\" id=\"rl-map-v%zu\">{\"kind\":\"v\",", r + 1);
    double tol = put_track(f, h, vidx);
    fputs(",\"e\":[", f);
    uint32_t num = 0;
    bool first = true;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++) {
        const rl_event *ev = &run->events.e[e];
        num++;
        if (!ev->have_pos)
            continue;
        fputs(first ? "[" : ",[", f);
        first = false;
        /* [lat, lon, type, number, id, time, class, line] */
        put_event_entry(f, h, ev, num);
        fputc(',', f);
        put_event_line(f, h, vidx, ev, tol);
        fputc(']', f);
    }
    fputs("],\"zi\":[", f);
    first = true;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++) {
        const rl_event *ev = &run->events.e[e];
        if (!ev->zone_id)
            continue;
        bool dup = false;
        for (uint32_t k = h->ev_lo[vidx]; k < e && !dup; k++)
            dup = run->events.e[k].zone_id && strcmp(run->events.e[k].zone_id, ev->zone_id) == 0;
        if (dup)
            continue;
        if (!first)
            fputc(',', f);
        first = false;
        json_html(f, ev->zone_id);
    }
    fputs("],\"s\":[", f);
    put_stations(f, h, vidx, true);
    fprintf(f, "]}</script>\n<div class=\"rl-map\" id=\"map-v%zu\" data-src=\"rl-map-v%zu\"></div>\n", r + 1, r + 1);
    map_note(f, h);
}
