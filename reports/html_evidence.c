/*
 * html_evidence.c - the evidence of each event in report.html, and the
 * day charts of a vehicle.
 *
 * Per event, a <details id="x<event_id>"> that a map marker or the event
 * table opens (all of them open when printing): the rule in force with
 * its basis, the penalty and the points, the road type and whether it was
 * assumed; for a track event a speed/time chart zoomed on the episode
 * with its fixes listed (time, position, speed, the limit in force, the
 * zone), from the fixes tracksample.c captured; for events found after
 * the pass (fatigue) the minute samples; for a weighing the station, the
 * mode, the speed on the scale, gross and axle weights against their
 * limits and the tolerance applied.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "html_int.h"
#include "timeutil.h"
#include "tracksample.h"
#include "util.h"

#define HTML_DAYS_PER_EVENT 7  /* days charted for one long event */
#define HTML_DAYS_PER_VEHICLE 62
#define SAMPLE_ROWS_MAX 120    /* rows of minute samples listed for one event */

/* ---- the zoomed chart ---- */

/* One point of an episode chart. */
typedef struct cpt {
    int64_t time;
    int32_t lat_e6, lon_e6;
    int speed_dkmh, limit_dkmh;
    bool in, gap;
} cpt;

#define EC_W 1000
#define EC_H 270
#define EC_L 56
#define EC_T 10
#define EC_PW 930
#define EC_PH 220

static void episode_chart(FILE *f, const hctx *h, const rl_event *e, const cpt *p, size_t n)
{
    int64_t t0 = p[0].time, t1 = p[n - 1].time;
    if (t1 <= t0)
        t1 = t0 + 60;
    int top = 0;
    for (size_t i = 0; i < n; i++) {
        top = p[i].speed_dkmh > top ? p[i].speed_dkmh : top;
        top = p[i].limit_dkmh > top ? p[i].limit_dkmh : top;
    }
    int step = top > 1600 ? 400 : 200; /* 0.1 km/h */
    int vmax = (top / step + 1) * step;
#define X(t) (EC_L + (double)((t) - t0) * EC_PW / (double)(t1 - t0))
#define Y(v) (EC_T + EC_PH - (double)(v) * EC_PH / vmax)
    fprintf(f, "<svg class=\"sc\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", EC_W, EC_H,
            LBL(h, L_EPISODE_CHART));
    fprintf(f, "<rect class=\"plot\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", EC_L, EC_T, EC_PW, EC_PH);
    int64_t a = e->start < t0 ? t0 : e->start, b = e->end > t1 ? t1 : e->end;
    double w = X(b) - X(a);
    fprintf(f, "<rect class=\"ev ev-%c\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>", ev_class(e->type),
            X(a), EC_T, w < 2 ? 2 : w, EC_PH);
    fputs("<path class=\"grid\" d=\"", f);
    for (int v = step; v < vmax; v += step)
        fprintf(f, "M%d %.0fh%d", EC_L, Y(v), EC_PW);
    fputs("\"/>", f);
    for (int v = 0; v <= vmax; v += step)
        fprintf(f, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\" style=\"font-size:18px\">%d</text>", EC_L - 4,
                Y(v) + 6, v / 10);
    char tb[32];
    for (int k = 0; k <= 4; k++) {
        int64_t t = t0 + (t1 - t0) * k / 4;
        tu_format(t, h->run->opt.tz, tb);
        fprintf(f, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"%s\" style=\"font-size:17px\">%s</text>", X(t), EC_H - 8,
                k == 0 ? "start" : k == 4 ? "end" : "middle", tb + 11);
    }
    /* the limit in force, as steps from fix to fix */
    fputs("<path class=\"lim\" d=\"", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%c%.1f %.1f", i == 0 ? 'M' : 'H', X(p[i].time), Y(p[i].limit_dkmh));
    fprintf(f, "H%.1f", X(t1));
    fputs("\"/><path class=\"spd\" d=\"", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%c%.1f %.1f", i == 0 || p[i].gap ? 'M' : 'L', X(p[i].time), Y(p[i].speed_dkmh));
    fputs("\"/>", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "<circle class=\"fxd%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"/>", p[i].in ? " in" : "", X(p[i].time),
                Y(p[i].speed_dkmh));
    fprintf(f, "<text class=\"k\" x=\"%d\" y=\"%d\" text-anchor=\"end\" style=\"font-size:18px\">— %s  - - %s  "
               "(km/h)</text>",
            EC_L + EC_PW - 6, EC_T + 22, LBL(h, L_LEGEND_SPEED), LBL(h, L_LIMIT));
    fputs("</svg>", f);
#undef X
#undef Y
}

static void fix_table(FILE *f, const hctx *h, const rl_event *e, const cpt *p, size_t n, size_t stride)
{
    fprintf(f, "<table class=\"fx\"><thead><tr><th>%s</th><th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
               "<th>%s</th></tr></thead><tbody>",
            LBL(h, L_TIME), LBL(h, L_POSITION), LBL(h, L_SPEED), LBL(h, L_LIMIT_IN_FORCE), LBL(h, L_ZONE));
    for (size_t i = 0; i < n; i += stride) {
        fprintf(f, "<tr%s><td class=\"t\">", p[i].in ? " class=\"in\"" : "");
        put_time(f, p[i].time, h->run->opt.tz);
        fputs("</td><td class=\"t\">", f);
        put_coord(f, p[i].lon_e6, p[i].lat_e6);
        fputs("</td><td class=\"n\">", f);
        put_fixed(f, p[i].speed_dkmh, 1);
        fputs("</td><td class=\"n\">", f);
        if (p[i].limit_dkmh > 0)
            put_fixed(f, p[i].limit_dkmh, 1);
        else
            fputs("—", f);
        fputs("</td><td>", f);
        /* an episode is cut where the limit in force changes (ZONES.md):
         * the zone of the event holds for every fix inside it */
        if (p[i].in && e->zone_id) {
            html_str(f, e->zone_id);
            if (e->zone_name && *e->zone_name) {
                fputs(" ", f);
                html_str(f, e->zone_name);
            }
        } else {
            fputs("—", f);
        }
        fputs("</td></tr>", f);
    }
    fputs("</tbody></table>\n", f);
}

typedef struct sample_points {
    const rl_run *run;
    const rl_vehicle *v;
    const rl_event *e;
    rl_buf b;                /* cpt */
    size_t n;
    int64_t lim_day, lim_night;
} sample_points;

static void sample_point(void *ud, int64_t t, const ts_point *p, int slot_min)
{
    sample_points *sp = ud;
    const rl_run *run = sp->run;
    bool night = class_is_passenger(sp->v->cls) && window_contains(run->rules.night, tu_local_sod(t, run->opt.tz));
    cpt c = {t, p->lat_e6, p->lon_e6, p->speed_dkmh, (int)((night ? sp->lim_night : sp->lim_day) / 100),
             t >= sp->e->start && t <= sp->e->end, (p->slot & TS_GAP_BEFORE) != 0};
    buf_put(&sp->b, &c, sizeof c);
    sp->n++;
}

/* The points of an event: its captured fixes, else the day samples
 * around it (0.1 km/h speeds, the limit of the vehicle by day or night). */
static cpt *event_points(const hctx *h, const rl_event *e, size_t *n, bool *from_samples, bool *thinned)
{
    const rl_run *run = h->run;
    tracksample_fixes fx;
    *from_samples = *thinned = false;
    if (tracksample_event(run->samples, e->vehicle, e->start, e->end, &fx)) {
        cpt *p = xmalloc(fx.n * sizeof *p);
        for (size_t i = 0; i < fx.n; i++)
            p[i] = (cpt){fx.f[i].time,       fx.f[i].lat_e6, fx.f[i].lon_e6, fx.f[i].speed_dkmh, fx.f[i].limit_dkmh,
                         (fx.f[i].flags & TSF_IN_EVENT) != 0, (fx.f[i].flags & TSF_GAP_BEFORE) != 0};
        *n = fx.n;
        *thinned = fx.thinned;
        return p;
    }
    if (e->end <= e->start)
        return NULL;
    sample_points sp = {run, vtable_at(run->vt, e->vehicle), e, {0}, 0, 0, 0};
    vehicle_limits(run, sp.v, &sp.lim_day, &sp.lim_night);
    int64_t margin = (e->end - e->start) / 8 + 600;
    tracksample_span(run->samples, run->opt.tz, e->vehicle, e->start - margin, e->end + margin, sample_point, &sp);
    *n = sp.n;
    *from_samples = true;
    return (cpt *)sp.b.p;
}

/* ---- weighings ---- */

static void put_kg(FILE *f, int64_t kg)
{
    fprintf(f, "%lld kg", (long long)kg);
}

static void weighing_table(FILE *f, const hctx *h, const rl_event *e)
{
    const rl_run *run = h->run;
    const ts_weighing *w = tracksample_weighing_at(run->samples, e->vehicle, e->start);
    if (!w)
        return;
    double tol = run->rules.v[w->wim ? R_WEIGH_WIM_TOLERANCE_PCT : R_WEIGH_STATIC_TOLERANCE_PCT];
    char b[32];
    fprintf(f, "<h4>%s</h4><table class=\"fx\"><tbody>", LBL(h, L_WEIGHING));
    fprintf(f, "<tr><th>%s</th><td>", LBL(h, L_STATION));
    html_str(f, w->station ? strtab_get(run->str, w->station) : LBL(h, L_NOT_GIVEN));
    if (w->have_pos) {
        fputs(" (", f);
        put_coord(f, w->lon_e6, w->lat_e6);
        fputs(")", f);
    }
    fprintf(f, "</td></tr><tr><th>%s</th><td>%s</td></tr>", LBL(h, L_MODE),
            LBL(h, w->wim ? L_MODE_WIM : L_MODE_STATIC));
    fprintf(f, "<tr><th>%s</th><td>", LBL(h, L_SCALE_SPEED));
    if (w->speed_dkmh >= 0) {
        put_fixed(f, w->speed_dkmh, 1);
        fputs(" km/h", f);
    } else {
        fputs(LBL(h, L_NOT_GIVEN), f);
    }
    fmt_double(b, sizeof b, tol, 2);
    fprintf(f, "</td></tr><tr><th>%s</th><td>%s%% (<code>%s</code>)</td></tr>", LBL(h, L_TOLERANCE), b,
            rule_name(w->wim ? R_WEIGH_WIM_TOLERANCE_PCT : R_WEIGH_STATIC_TOLERANCE_PCT));
    fprintf(f, "<tr><th>%s</th><td>", LBL(h, L_GROSS));
    put_kg(f, w->gross_kg);
    fprintf(f, " · %u %s</td></tr>", w->axles, LBL(h, L_AXLE));
    if (e->have_gps) {
        fprintf(f, "<tr><th>%s</th><td>", LBL(h, L_GPS_AT_SCALE));
        put_time(f, e->gps_time, run->opt.tz);
        if (e->have_gps_distance) {
            fputs(" · ", f);
            put_fixed(f, e->gps_distance_m, 3);
            fputs(" km", f);
        }
        fputs("</td></tr>", f);
    }
    fputs("</tbody></table>\n", f);
    if (!w->naxle)
        return;
    /* GB 1589-2016: the steer axle is the first */
    int64_t steer = llround(run->rules.v[R_AXLE_STEER_KG]), other = llround(run->rules.v[R_AXLE_OTHER_KG]);
    fprintf(f, "<table class=\"fx\"><thead><tr><th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
               "<th class=\"n\">%s</th><th></th></tr></thead><tbody>",
            LBL(h, L_AXLE), LBL(h, L_AXLE_WEIGHT), LBL(h, L_AXLE_LIMIT), LBL(h, L_TOLERANCE));
    for (int k = 0; k < w->naxle; k++) {
        int64_t lim = k == 0 ? steer : other;
        int64_t max = lim + (int64_t)floor((double)lim * tol / 100.0);
        bool over = w->axle_kg[k] > max;
        fprintf(f, "<tr%s><td>%d (<code>%s</code>)</td><td class=\"n\">", over ? " class=\"in\"" : "", k + 1,
                rule_name(k == 0 ? R_AXLE_STEER_KG : R_AXLE_OTHER_KG));
        put_kg(f, w->axle_kg[k]);
        fputs("</td><td class=\"n\">", f);
        put_kg(f, lim);
        fputs("</td><td class=\"n\">≤ ", f);
        put_kg(f, max);
        fprintf(f, "</td><td>%s", over ? LBL(h, L_OVER_BY) : LBL(h, L_WITHIN));
        if (over) {
            fputs(" ", f);
            put_kg(f, w->axle_kg[k] - lim);
        }
        fputs("</td></tr>", f);
    }
    fputs("</tbody></table>\n", f);
}

static bool is_weighing(event_type t)
{
    return t == EV_OVERLOAD || t == EV_OVER_LIMIT || t == EV_AXLE_OVERLOAD || t == EV_OVER_CAPACITY ||
           t == EV_POSITION_MISMATCH;
}

/* ---- one event ---- */

static void rule_in_force(FILE *f, const hctx *h, const rl_event *e)
{
    const rl_run *run = h->run;
    fprintf(f, "<table class=\"fx\"><tbody><tr><th>%s</th><td>", LBL(h, L_RULE_IN_FORCE));
    put_rule(f, e, h->zh);
    fprintf(f, "</td></tr><tr><th>%s</th><td>", LBL(h, L_VALUE_LIMIT));
    put_value(f, e, e->value, h->zh, false);
    fputs(" / ", f);
    put_value(f, e, e->limit, h->zh, true);
    fputs(" (", f);
    put_excess(f, e, h->zh);
    fprintf(f, ")</td></tr><tr><th>%s</th><td>", LBL(h, L_PENALTY));
    put_severity(f, e->severity, h->zh);
    fprintf(f, " · %s %d</td></tr>", LBL(h, L_EVENT_POINTS), severity_points(e->severity));
    if (e->type == EV_SPEEDING || e->type == EV_NIGHT_SPEEDING) {
        fprintf(f, "<tr><th>%s</th><td>", LBL(h, L_ROAD_TYPE));
        if (e->road_type == ROAD_NONE)
            fputs(LBL(h, L_ROAD_ASSUMED), f);
        else
            fputs(report_road_label(e->road_type, h->zh), f);
        fputs("</td></tr>", f);
    }
    if (e->zone_id) {
        fprintf(f, "<tr><th>%s</th><td>", LBL(h, L_ZONE));
        html_str(f, e->zone_id);
        if (e->zone_name) {
            fputs(" ", f);
            html_str(f, e->zone_name);
        }
        fputs("</td></tr>", f);
    }
    if (e->status != EV_STATUS_CLOSED) /* RUNS.md §2: still running where the data ends, or undone */
        fprintf(f, "<tr><th>%s</th><td>%s</td></tr>", LBL(h, L_STATUS),
                LBL(h, e->status == EV_STATUS_OPEN ? L_STATUS_OPEN : L_STATUS_WITHDRAWN));
    char src[512];
    run_format_origin(run, e->origin, src, sizeof src);
    fprintf(f, "<tr><th>%s</th><td>", LBL(h, L_DRIVER));
    put_driver(f, run, e->driver);
    fprintf(f, "</td></tr><tr><th>%s</th><td>", LBL(h, L_SOURCE));
    html_str(f, src);
    fprintf(f, " · %s %u</td></tr><tr><th>%s</th><td><code>%s</code></td></tr></tbody></table>\n", LBL(h, L_FIXES),
            e->evidence_points, LBL(h, L_EVENT_ID), e->id);
}

void html_evidence(FILE *f, const hctx *h, const rl_event *e, uint32_t num)
{
    fprintf(f, "<details class=\"evd\" id=\"x%s\"><summary>%s #%u · %s · ", e->id, LBL(h, L_EVIDENCE), num,
            report_type_label(e->type, h->zh));
    put_time(f, e->start, h->run->opt.tz);
    fputs(" · ", f);
    put_value(f, e, e->value, h->zh, false);
    fputs(" / ", f);
    put_value(f, e, e->limit, h->zh, true);
    fputs("</summary>\n", f);
    if (is_weighing(e->type)) {
        fputs("<div class=\"evgrid\"><div>", f);
        /* one weighing gives several events (over_limit, overload,
         * axle_overload ...): its table once, at the first of them */
        const rl_event *first = e;
        while (first > h->run->events.e + h->ev_lo[e->vehicle] && first[-1].start == e->start &&
               is_weighing(first[-1].type))
            first--;
        if (first == e)
            weighing_table(f, h, e);
        else
            fprintf(f, "<p class=\"small\"><a href=\"#x%s\">%s</a></p>", first->id, LBL(h, L_WEIGHING));
        fputs("</div><div>", f);
        rule_in_force(f, h, e);
        fputs("</div></div></details>\n", f);
        return;
    }
    size_t n = 0;
    bool from_samples = false, thinned = false;
    cpt *p = event_points(h, e, &n, &from_samples, &thinned);
    fputs("<div class=\"evgrid\"><div>", f);
    if (p && n > 0)
        episode_chart(f, h, e, p, n);
    else
        fprintf(f, "<p class=\"small\">%s</p>", LBL(h, L_NO_SAMPLE));
    fputs("</div><div>", f);
    rule_in_force(f, h, e);
    fputs("</div></div>\n", f);
    if (p && n > 0) {
        if (from_samples)
            fprintf(f, "<p class=\"small\">%s</p>", LBL(h, L_FIXES_FROM_SAMPLE));
        if (thinned)
            fprintf(f, "<p class=\"small\">%s</p>", LBL(h, L_FIXES_THINNED));
        size_t stride = from_samples && n > SAMPLE_ROWS_MAX ? (n + SAMPLE_ROWS_MAX - 1) / SAMPLE_ROWS_MAX : 1;
        fix_table(f, h, e, p, n, stride);
    }
    free(p);
    fputs("</details>\n", f);
}

/* ---- the day charts: 00:00-24:00, the limit, the night, events shaded ---- */

#define SC_W 1500
#define SC_H 300
#define SC_L 50
#define SC_T 12
#define SC_PH 250

static double chart_x(int64_t sod) { return SC_L + (double)sod / 60.0; }

/* Runs of a daily window [start_s, end_s) within one day, as up to two
 * [a, b) second ranges. */
static int window_ranges(rl_window w, int32_t out[4])
{
    if (w.start_s <= w.end_s) {
        out[0] = w.start_s;
        out[1] = w.end_s;
        return 1;
    }
    out[0] = 0;
    out[1] = w.end_s;
    out[2] = w.start_s;
    out[3] = RL_DAY_S;
    return 2;
}

static void speed_chart(FILE *f, const hctx *h, const rl_vehicle *v, uint32_t vidx, int64_t day,
                        const tracksample_view *sv)
{
    const rl_run *run = h->run;
    int32_t tz = run->opt.tz;
    int64_t day0 = day * RL_DAY_S - tz; /* UTC of local midnight */
    int64_t lim_day, lim_night;
    vehicle_limits(run, v, &lim_day, &lim_night);
    int64_t top = lim_day > lim_night ? lim_day : lim_night;
    for (size_t i = 0; i < sv->n; i++)
        if ((int64_t)sv->p[i].speed_dkmh * 100 > top)
            top = (int64_t)sv->p[i].speed_dkmh * 100;
    int64_t step = top > 160000 ? 40 : 20;
    int64_t vmax = ((top / 1000) / step + 1) * step;
    char dayname[11];
    tu_format_day(day, dayname);
    fprintf(f, "<svg class=\"sc\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s %s\">", SC_W, SC_H,
            LBL(h, L_SPEED_CHART), dayname);
    fprintf(f, "<rect class=\"plot\" x=\"%d\" y=\"%d\" width=\"1440\" height=\"%d\"/>", SC_L, SC_T, SC_PH);
    int32_t wr[4];
    int nw = window_ranges(run->rules.night, wr);
    for (int i = 0; i < nw; i++)
        fprintf(f, "<rect class=\"night\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>", chart_x(wr[2 * i]),
                SC_T, (wr[2 * i + 1] - wr[2 * i]) / 60.0, SC_PH);
    fputs("<path class=\"grid\" d=\"", f);
    for (int hr = 3; hr < 24; hr += 3)
        fprintf(f, "M%d %dv%d", SC_L + hr * 60, SC_T, SC_PH);
    for (int64_t s = step; s < vmax; s += step)
        fprintf(f, "M%d %lldh1440", SC_L, (long long)(SC_T + SC_PH - s * SC_PH / vmax));
    fputs("\"/>", f);
    for (int hr = 0; hr <= 24; hr += 3)
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">%02d:00</text>", SC_L + hr * 60, SC_H - 10,
                hr == 24 ? "end" : "middle", hr);
    for (int64_t s = 0; s <= vmax; s += step)
        fprintf(f, "<text x=\"%d\" y=\"%lld\" text-anchor=\"end\">%lld</text>", SC_L - 4,
                (long long)(SC_T + SC_PH - s * SC_PH / vmax + 8), (long long)s);
    fprintf(f, "<text x=\"%d\" y=\"%d\">km/h</text>", SC_L + 6, SC_T + 24);
    uint32_t num = 0;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++) {
        const rl_event *ev = &run->events.e[e];
        num++;
        int64_t a = ev->start - day0, b = ev->end - day0;
        if (b < 0 || a > RL_DAY_S)
            continue;
        a = a < 0 ? 0 : a;
        b = b > RL_DAY_S ? RL_DAY_S : b;
        double w = (double)(b - a) / 60.0;
        fprintf(f, "<rect class=\"ev ev-%c\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>#%u ",
                ev_class(ev->type), chart_x(a), SC_T, w < 2 ? 2 : w, SC_PH, num);
        fputs(report_type_label(ev->type, h->zh), f);
        fputs("</title></rect>", f);
    }
    /* the limit in force: the night limit inside the night window */
    fputs("<path class=\"lim\" d=\"", f);
    int32_t edges[6] = {0};
    int ne = 0;
    edges[ne++] = 0;
    for (int i = 0; i < nw; i++) {
        if (wr[2 * i] > 0)
            edges[ne++] = wr[2 * i];
        if (wr[2 * i + 1] < RL_DAY_S)
            edges[ne++] = wr[2 * i + 1];
    }
    edges[ne++] = RL_DAY_S;
    for (int i = 0; i + 1 < ne; i++) {
        int32_t mid = (edges[i] + edges[i + 1]) / 2;
        int64_t lim = window_contains(run->rules.night, mid) ? lim_night : lim_day;
        long long y = (long long)(SC_T + SC_PH - lim * SC_PH / (vmax * 1000));
        fprintf(f, "%c%.0f %lldH%.0f", i == 0 ? 'M' : 'L', chart_x(edges[i]), y, chart_x(edges[i + 1]));
    }
    fputs("\"/>", f);
    /* the speed line; a gap (track.gap_s) lifts the pen */
    fputs("<path class=\"spd\" d=\"", f);
    long px = 0, py = 0;
    for (size_t i = 0; i < sv->n; i++) {
        const ts_point *p = &sv->p[i];
        long x = SC_L + (long)(p->slot & TS_SLOT_MASK) * sv->slot_min + sv->slot_min / 2;
        long y = (long)(SC_T + SC_PH - (int64_t)p->speed_dkmh * SC_PH / (vmax * 10));
        bool last = i + 1 == sv->n || (sv->p[i + 1].slot & TS_GAP_BEFORE);
        if (i == 0 || (p->slot & TS_GAP_BEFORE))
            fprintf(f, "M%ld %ld", x, y);
        else
            fprintf(f, "l%ld %ld", x - px, y - py);
        if (last)
            fputs("h1", f); /* a lone point still shows */
        px = x + (last ? 1 : 0);
        py = y;
    }
    fputs("\"/>", f);
    fprintf(f, "<text class=\"k\" x=\"%d\" y=\"%d\" text-anchor=\"end\">— %s  - - %s</text>", SC_L + 1436,
            SC_T + 24, LBL(h, L_LEGEND_SPEED), LBL(h, L_LIMIT));
    fputs("</svg>", f);
}

static int cmp_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

void html_day_charts(FILE *f, const hctx *h, uint32_t vidx)
{
    const rl_run *run = h->run;
    int32_t tz = run->opt.tz;
    const rl_vehicle *v = vtable_at(run->vt, vidx);
    int64_t *days = xmalloc(HTML_DAYS_PER_VEHICLE * sizeof *days);
    size_t nd = 0;
    bool truncated = false;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++) {
        const rl_event *ev = &run->events.e[e];
        int64_t d0 = tu_local_day(ev->start, tz), d1 = tu_local_day(ev->end, tz);
        if (d1 - d0 >= HTML_DAYS_PER_EVENT) {
            d1 = d0 + HTML_DAYS_PER_EVENT - 1;
            truncated = true;
        }
        for (int64_t d = d0; d <= d1; d++) {
            bool dup = false;
            for (size_t k = 0; k < nd && !dup; k++)
                dup = days[k] == d;
            if (dup)
                continue;
            if (nd == HTML_DAYS_PER_VEHICLE) {
                truncated = true;
                break;
            }
            days[nd++] = d;
        }
    }
    qsort(days, nd, sizeof *days, cmp_day);
    for (size_t k = 0; k < nd; k++) {
        char dayname[11];
        tu_format_day(days[k], dayname);
        tracksample_view sv;
        if (!tracksample_day(run->samples, vidx, days[k], &sv) || sv.n == 0) {
            fprintf(f, "<h3>%s %s</h3><p class=\"small\">%s</p>\n", LBL(h, L_SPEED_CHART), dayname,
                    LBL(h, L_NO_SAMPLE));
            continue;
        }
        fprintf(f, "<div class=\"day\"><h3>%s %s</h3>", LBL(h, L_SPEED_CHART), dayname);
        speed_chart(f, h, v, vidx, days[k], &sv);
        fputs("</div>\n", f);
    }
    if (truncated)
        fprintf(f, "<p class=\"small\">%s</p>\n", LBL(h, L_MORE_DAYS));
    free(days);
}
