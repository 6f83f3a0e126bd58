/*
 * drivers.c - points per driver (report.html) and the driver sheets
 * (drivers.html, --by driver) a fleet operator prints: one page per
 * driver with their events and points.
 *
 * Points belong to the driver (记分办法 2022 art. 3: a 12-month cycle, 12
 * points a full score), never to the vehicle.  The cycle starts on the
 * day the driver's licence was first issued, which roadlog does not know:
 * a driver's first cycle here starts on the local day of their first
 * event in the data and lasts 12 months (to the same date a year on);
 * later events open the next cycles, back to back.  The page says so
 * (L_CYCLE_NOTE).  Events without a known driver are grouped per vehicle
 * as "driver unknown".
 */
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "html_int.h"
#include "timeutil.h"
#include "util.h"

typedef struct dref {
    uint64_t key;            /* driver strtab id, or 1 << 32 | vehicle when unknown */
    int64_t start;
    uint32_t event;          /* index in run->events */
} dref;

typedef struct dcycle {
    uint64_t key;
    int64_t day0, day1;      /* local days [day0, day1) */
    int64_t points;
    uint32_t events;
    size_t first, end;       /* its events: refs [first, end) */
} dcycle;

typedef struct dtable {
    dref *r;
    size_t n;
    dcycle *c;
    size_t nc;
} dtable;

/* Drivers in the order of their ids' text, then "driver unknown" by
 * vehicle: the same whatever order the strings were interned in (reading
 * side by side, a merge of outputs). */
static int cmp_key(const rl_run *run, uint64_t a, uint64_t b)
{
    if (a == b)
        return 0;
    if ((a >> 32) != (b >> 32))
        return (a >> 32) ? 1 : -1;
    if (!(a >> 32))
        return strcmp(strtab_get(run->str, (uint32_t)a), strtab_get(run->str, (uint32_t)b));
    const rl_vehicle *va = vtable_at(run->vt, (uint32_t)a), *vb = vtable_at(run->vt, (uint32_t)b);
    int c = strcmp(run_vehicle_label(run, va), run_vehicle_label(run, vb));
    if (c)
        return c;
    return va->color != vb->color ? (va->color < vb->color ? -1 : 1) : va->by_phone - vb->by_phone;
}

static int cmp_dref(const void *a, const void *b, void *ctx)
{
    const dref *x = a, *y = b;
    int c = cmp_key(ctx, x->key, y->key);
    if (c)
        return c;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->event < y->event ? -1 : x->event > y->event;
}

/* The same date a year on (29 February: 1 March). */
static int64_t year_on(int64_t day)
{
    int64_t y;
    unsigned m, d;
    tu_civil_from_days(day, &y, &m, &d);
    if (m == 2 && d == 29)
        return tu_days_from_civil(y + 1, 3, 1);
    return tu_days_from_civil(y + 1, m, d);
}

static void dtable_build(dtable *t, const rl_run *run)
{
    memset(t, 0, sizeof *t);
    t->r = xmalloc((run->events.n ? run->events.n : 1) * sizeof *t->r);
    for (size_t i = 0; i < run->events.n; i++) {
        const rl_event *e = &run->events.e[i];
        uint64_t key = e->driver ? e->driver : (1ull << 32 | e->vehicle);
        t->r[t->n++] = (dref){key, e->start, (uint32_t)i};
    }
    qsort_r(t->r, t->n, sizeof *t->r, cmp_dref, (void *)run);
    t->c = xmalloc((t->n ? t->n : 1) * sizeof *t->c);
    int32_t tz = run->opt.tz;
    for (size_t i = 0; i < t->n; i++) {
        int64_t day = tu_local_day(t->r[i].start, tz);
        dcycle *c = t->nc ? &t->c[t->nc - 1] : NULL;
        if (!c || c->key != t->r[i].key || day >= c->day1) {
            int64_t day0 = day;
            if (c && c->key == t->r[i].key) /* the next cycle, back to back */
                for (day0 = c->day1; year_on(day0) <= day;)
                    day0 = year_on(day0);
            c = &t->c[t->nc++];
            *c = (dcycle){t->r[i].key, day0, year_on(day0), 0, 0, i, i};
        }
        c->points += severity_points(run->events.e[t->r[i].event].severity);
        c->events++;
        c->end = i + 1;
    }
}

static void dtable_free(dtable *t)
{
    free(t->r);
    free(t->c);
}

static void put_driver_key(FILE *f, const hctx *h, uint64_t key)
{
    const rl_run *run = h->run;
    if (key >> 32) {
        fprintf(f, "%s (", LBL(h, L_NO_DRIVER));
        html_str(f, run_vehicle_label(run, vtable_at(run->vt, (uint32_t)key)));
        fputs(")", f);
    } else {
        put_driver(f, run, (uint32_t)key);
    }
}

/* The plates a driver drove in a cycle's events, in order of appearance. */
static void put_plates(FILE *f, const hctx *h, const dtable *t, const dcycle *c)
{
    const rl_run *run = h->run;
    for (size_t i = c->first; i < c->end; i++) {
        uint32_t v = run->events.e[t->r[i].event].vehicle;
        bool dup = false;
        for (size_t k = c->first; k < i && !dup; k++)
            dup = run->events.e[t->r[k].event].vehicle == v;
        if (dup)
            continue;
        fputs(i > c->first ? ", " : "", f);
        fputs("<span class=\"plate\">", f);
        html_str(f, run_vehicle_label(run, vtable_at(run->vt, v)));
        fputs("</span>", f);
    }
}

static void put_cycle(FILE *f, int64_t day0, int64_t day1)
{
    char a[11], b[11];
    tu_format_day(day0, a);
    tu_format_day(day1 - 1, b);
    fprintf(f, "%s – %s", a, b);
}

static int cmp_cycle_points(const void *a, const void *b, void *ctx)
{
    const dcycle *x = *(dcycle *const *)a, *y = *(dcycle *const *)b;
    if (x->points != y->points)
        return x->points > y->points ? -1 : 1;
    if (x->events != y->events)
        return x->events > y->events ? -1 : 1;
    int c = cmp_key(ctx, x->key, y->key);
    if (c)
        return c;
    return x->day0 < y->day0 ? -1 : x->day0 > y->day0;
}

static void cycle_row(FILE *f, const hctx *h, const dtable *t, const dcycle *c)
{
    fputs("<tr><td class=\"pl\">", f);
    put_driver_key(f, h, c->key);
    fputs("</td><td>", f);
    put_plates(f, h, t, c);
    fprintf(f, "</td><td class=\"n\">%u</td><td class=\"t\">", c->events);
    put_cycle(f, c->day0, c->day1);
    fprintf(f, "</td><td class=\"n\">%lld</td><td>%s</td></tr>\n", (long long)c->points,
            c->points >= 12 ? LBL(h, L_FULL_SCORE) : "");
}

static void cycle_head(FILE *f, const hctx *h, const char *id)
{
    fprintf(f, "<table class=\"sortable\"%s%s%s><thead><tr><th>%s</th><th>%s</th><th class=\"n\">%s</th><th>%s</th>"
               "<th class=\"n\">%s</th><th></th></tr></thead><tbody>\n",
            id ? " id=\"" : "", id ? id : "", id ? "\"" : "", LBL(h, L_DRIVER), LBL(h, L_VEHICLES_DRIVEN),
            LBL(h, L_NEVENTS), LBL(h, L_CYCLE), LBL(h, L_POINTS));
}

void html_driver_points(FILE *f, const hctx *h)
{
    dtable t;
    dtable_build(&t, h->run);
    fprintf(f, "<h2>%s</h2><p class=\"note\">%s</p>\n", LBL(h, L_DRIVER_POINTS), LBL(h, L_CYCLE_NOTE));
    fprintf(f, "<p class=\"filter\"><label>%s <input type=\"search\" data-filter=\"drv\" placeholder=\"%s\"></label></p>",
            LBL(h, L_FILTER), LBL(h, L_FILTER_HINT));
    cycle_head(f, h, "drv");
    dcycle **order = xmalloc((t.nc ? t.nc : 1) * sizeof *order);
    for (size_t i = 0; i < t.nc; i++)
        order[i] = &t.c[i];
    qsort_r(order, t.nc, sizeof *order, cmp_cycle_points, (void *)h->run);
    for (size_t i = 0; i < t.nc; i++)
        cycle_row(f, h, &t, order[i]);
    fputs("</tbody></table>\n", f);
    free(order);
    dtable_free(&t);
}

/* ---- drivers.html ---- */

static void sheet_events(FILE *f, const hctx *h, const dtable *t, size_t first, size_t end)
{
    const rl_run *run = h->run;
    fprintf(f, "<table class=\"ev\"><thead><tr><th class=\"n\">#</th><th>%s</th><th>%s</th><th>%s</th>"
               "<th class=\"n\">%s</th><th class=\"n\">%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
            LBL(h, L_START), LBL(h, L_PLATE), LBL(h, L_TYPE), LBL(h, L_VALUE_LIMIT), LBL(h, L_EVENT_POINTS),
            LBL(h, L_PENALTY), LBL(h, L_REGULATION), LBL(h, L_SOURCE));
    for (size_t i = first; i < end; i++) {
        const rl_event *e = &run->events.e[t->r[i].event];
        fprintf(f, "<tr><td class=\"n\">%zu</td><td class=\"t\">", i - first + 1);
        put_time(f, e->start, run->opt.tz);
        fputs("<br>", f);
        put_duration(f, e->end - e->start, h->zh);
        fputs("</td><td class=\"pl\">", f);
        html_str(f, run_vehicle_label(run, vtable_at(run->vt, e->vehicle)));
        fprintf(f, "</td><td>%s</td><td class=\"n\">", report_type_label(e->type, h->zh));
        put_value(f, e, e->value, h->zh, false);
        fputs(" / ", f);
        put_value(f, e, e->limit, h->zh, true);
        fprintf(f, "</td><td class=\"n\">%d</td><td>", severity_points(e->severity));
        put_severity(f, e->severity, h->zh);
        fputs("</td><td class=\"b\">", f);
        put_rule(f, e, h->zh);
        char src[512];
        run_format_origin(run, e->origin, src, sizeof src);
        fputs("</td><td class=\"small\">", f);
        html_str(f, src);
        fprintf(f, "<br><code>%s</code></td></tr>\n", e->id);
    }
    fputs("</tbody></table>\n", f);
}

bool report_drivers_html(const rl_run *run, const char *path)
{
    hctx h;
    memset(&h, 0, sizeof h);
    h.run = run;
    h.zh = report_lang_zh(run->opt.lang);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    dtable t;
    dtable_build(&t, run);
    html_page_begin(f, h.zh, LBL(&h, L_DRIVER_SHEETS));
    fprintf(f, "<header><h1>%s</h1><p class=\"meta\">%s</p>", LBL(&h, L_DRIVER_SHEETS), LBL(&h, L_CYCLE_NOTE));
    if (!run->opt.show_ids)
        fprintf(f, "<p class=\"meta\">%s</p>", LBL(&h, L_IDS_MASKED));
    fputs("</header>\n<main>\n", f);
    for (size_t i = 0; i < t.nc;) {
        /* one sheet per driver: their cycles, then every event */
        size_t j = i;
        while (j < t.nc && t.c[j].key == t.c[i].key)
            j++;
        fprintf(f, "<section class=\"sheet%s\"><h2>%s: ", i == 0 ? " first" : "", LBL(&h, L_DRIVER_SHEET));
        put_driver_key(f, &h, t.c[i].key);
        fputs("</h2>\n", f);
        cycle_head(f, &h, NULL);
        for (size_t k = i; k < j; k++)
            cycle_row(f, &h, &t, &t.c[k]);
        fputs("</tbody></table>\n", f);
        sheet_events(f, &h, &t, t.c[i].first, t.c[j - 1].end);
        fprintf(f, "<p class=\"meta\">%s: ______________________</p></section>\n", LBL(&h, L_SIGNATURE));
        i = j;
    }
    if (t.nc == 0)
        fprintf(f, "<p>%s</p>", LBL(&h, L_NONE));
    fprintf(f, "</main><footer><p class=\"small\">%s</p></footer>\n", LBL(&h, L_FOOTER));
    html_page_end(f);
    dtable_free(&t);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}
