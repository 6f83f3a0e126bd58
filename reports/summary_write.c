/*
 * summary_write.c - the period summary as summary.csv, summary.html and a
 * plain table on stdout (see summary.h for what is merged and how).
 *
 * summary.csv is one long table an officer can filter in Excel:
 *   section,key,label,events,vehicles,online,points,value,numerator,denominator
 * with sections indicator, by_type, by_class, by_company (or vehicle in
 * the --company self-check), by_day, repeat_vehicle, repeat_driver.
 * Indicator rows give value = numerator / denominator (rates as fractions
 * 0-1, the average fatigue time in seconds); an indicator that cannot be
 * computed (no vehicle_days.csv, no online vehicle) has an empty value.
 *
 * summary.html is self-contained like report.html (inline CSS and SVG,
 * no script, a CSP that forbids any fetch) with a day-by-day trend chart.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "privacy.h"
#include "reports.h"
#include "summary.h"
#include "timeutil.h"
#include "util.h"

/* a label of the summary's language (i18n.h) */
#define LBL_SM(k) i18n_label(k, zh)

#define MAX_DAYS 40000 /* a period longer than a century is a bad date, not a chart */

/* Per-day aggregates over the selected vehicles. */
typedef struct day_agg {
    uint32_t events, speeding, fatigue, other, online;
    int64_t points;
} day_agg;

typedef struct class_agg {
    uint32_t vehicles, online, events;
    int64_t points;
} class_agg;

static int event_group(event_type t)
{
    if (t == EV_SPEEDING || t == EV_NIGHT_SPEEDING)
        return 0;
    if (t == EV_FATIGUE_CONTINUOUS || t == EV_FATIGUE_NIGHT || t == EV_FATIGUE_DAILY)
        return 1;
    return 2;
}

static size_t day_span(const summary *sm)
{
    if (sm->day_lo > sm->day_hi)
        return 0;
    int64_t n = (int64_t)sm->day_hi - sm->day_lo + 1;
    return n > MAX_DAYS ? MAX_DAYS : (size_t)n;
}

static day_agg *days_of(const summary *sm, size_t *nout)
{
    size_t n = day_span(sm);
    day_agg *d = xcalloc(n ? n : 1, sizeof *d);
    for (size_t i = 0; i < sm->ne; i++) {
        const sm_event *e = &sm->e[i];
        int64_t k = (int64_t)e->day - sm->day_lo;
        if (!sm->v[e->vehicle].selected || k < 0 || (size_t)k >= n)
            continue;
        d[k].events++;
        d[k].points += e->points;
        int g = event_group(e->type);
        if (g == 0)
            d[k].speeding++;
        else if (g == 1)
            d[k].fatigue++;
        else
            d[k].other++;
    }
    for (size_t i = 0; i < sm->nd; i++) {
        const sm_vday *v = &sm->d[i];
        int64_t k = (int64_t)v->day - sm->day_lo;
        if (!sm->v[v->vehicle].in_pop || !v->accepted || k < 0 || (size_t)k >= n)
            continue;
        d[k].online++;
    }
    *nout = n;
    return d;
}

static void classes_of(const summary *sm, class_agg out[CLASS_COUNT])
{
    memset(out, 0, CLASS_COUNT * sizeof *out);
    for (size_t i = 0; i < sm->nv; i++) {
        const sm_vehicle *v = &sm->v[i];
        if (!v->selected)
            continue;
        class_agg *c = &out[v->cls < CLASS_COUNT ? v->cls : CLASS_OTHER];
        if (v->in_pop) {
            c->vehicles++;
            c->online += v->accepted > 0;
        }
        c->events += v->nevents;
        c->points += v->penalty;
    }
}

/* Companies: (strtab id, aggregates), by events. */
typedef struct company_agg {
    uint32_t company;
    class_agg a;
} company_agg;

static int company_desc(const void *a, const void *b, void *ctx)
{
    const summary *sm = ctx;
    const company_agg *x = a, *y = b;
    if (x->a.events != y->a.events)
        return x->a.events > y->a.events ? -1 : 1;
    if (x->a.vehicles != y->a.vehicles)
        return x->a.vehicles > y->a.vehicles ? -1 : 1;
    return strcmp(strtab_get(sm->run->str, x->company), strtab_get(sm->run->str, y->company));
}

static size_t companies_of(const summary *sm, company_agg **out)
{
    u64map idx;
    u64map_init(&idx);
    company_agg *c = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < sm->nv; i++) {
        const sm_vehicle *v = &sm->v[i];
        if (!v->selected)
            continue;
        uint32_t *slot = u64map_put(&idx, (uint64_t)v->company + 1, 0);
        if (!*slot) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                c = xrealloc(c, cap * sizeof *c);
            }
            memset(&c[n], 0, sizeof c[n]);
            c[n].company = v->company;
            *slot = (uint32_t)++n;
        }
        class_agg *a = &c[*slot - 1].a;
        if (v->in_pop) {
            a->vehicles++;
            a->online += v->accepted > 0;
        }
        a->events += v->nevents;
        a->points += v->penalty;
    }
    qsort_r(c, n, sizeof *c, company_desc, (void *)sm);
    u64map_free(&idx);
    *out = c;
    return n;
}

static int vehicle_desc(const void *a, const void *b, void *ctx)
{
    const summary *sm = ctx;
    const sm_vehicle *x = &sm->v[*(const uint32_t *)a], *y = &sm->v[*(const uint32_t *)b];
    if (x->penalty != y->penalty)
        return x->penalty > y->penalty ? -1 : 1;
    if (x->nevents != y->nevents)
        return x->nevents > y->nevents ? -1 : 1;
    int c = strcmp(sm_plate(sm, x), sm_plate(sm, y));
    return c ? c : x->color - y->color;
}

/* Selected vehicles (the --company self-check lists them all). */
static size_t vehicles_of(const summary *sm, uint32_t **out)
{
    uint32_t *r = xmalloc((sm->nv ? sm->nv : 1) * sizeof *r);
    size_t k = 0;
    for (size_t i = 0; i < sm->nv; i++)
        if (sm->v[i].selected && (sm->v[i].in_pop || sm->v[i].nevents))
            r[k++] = (uint32_t)i;
    qsort_r(r, k, sizeof *r, vehicle_desc, (void *)sm);
    *out = r;
    return k;
}

static void day_text(int32_t day, char out[11]) { tu_format_day(day, out); }

/* ---- summary.csv ---- */

static void csv_row_counts(csvw *w, const char *section, const char *key, bool key_from_input, const char *label,
                           int64_t events, int64_t vehicles, int64_t online, int64_t points)
{
    csvw_str(w, section);
    if (key_from_input)
        csvw_text(w, key);
    else
        csvw_str(w, key);
    csvw_text(w, label);
    if (events >= 0)
        csvw_int(w, events);
    else
        csvw_empty(w);
    if (vehicles >= 0)
        csvw_int(w, vehicles);
    else
        csvw_empty(w);
    if (online >= 0)
        csvw_int(w, online);
    else
        csvw_empty(w);
    if (points >= 0)
        csvw_int(w, points);
    else
        csvw_empty(w);
}

/* RULES.md §8 rows: alarm_kind (value: per 100 vehicles of the
 * population), alarm_company (value: alarms per 100 of its vehicles),
 * terminal_check (value: the share, numerator / denominator). */
static void alarm_csv(csvw *w, const summary *sm)
{
    const alarm_stats *as = &sm->alarms;
    for (size_t i = 0; i < as->nk; i++) {
        const astat_kind *k = &as->k[i];
        csv_row_counts(w, "alarm_kind", k->rule, false, astats_label(k, true), k->events, k->vehicles, -1, -1);
        csvw_double(w, astats_per100(k->events, as->population), 3);
        csvw_int(w, k->events);
        csvw_int(w, as->population);
        csvw_end(w);
    }
    if (!sm->run->opt.company)
        for (size_t i = 0; i < as->nc; i++) {
            const astat_company *c = &as->c[i];
            csv_row_counts(w, "alarm_company", strtab_get(sm->run->str, c->company), true, "", c->total,
                           c->vehicles, -1, -1);
            csvw_double(w, astats_per100(c->total, c->vehicles), 3);
            csvw_int(w, c->total);
            csvw_int(w, c->vehicles);
            csvw_end(w);
        }
    const alarm_xcheck *x = &as->xc;
    const struct {
        const char *key, *zh;
        uint32_t n, d;
    } checks[] = {
        {"speeding_with_terminal_alarm", "超速有终端报警", x->speeding_alarmed, x->speeding},
        {"terminal_overspeed_with_speeding", "终端超速报警有超速", x->overspeed_confirmed, x->overspeed_alarms},
        {"fatigue_with_terminal_alarm", "疲劳驾驶有终端报警", x->fatigue_alarmed, x->fatigue},
        {"terminal_fatigue_with_fatigue", "终端疲劳报警有疲劳驾驶", x->fatigue_confirmed, x->fatigue_alarms},
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        csv_row_counts(w, "terminal_check", checks[i].key, false, checks[i].zh, -1, -1, -1, -1);
        double v = astats_share(checks[i].n, checks[i].d);
        if (isnan(v))
            csvw_empty(w);
        else
            csvw_double(w, v, 6);
        csvw_int(w, checks[i].n);
        csvw_int(w, checks[i].d);
        csvw_end(w);
    }
    csv_row_counts(w, "terminal_check", "silent_terminals", false, "终端未报警车辆", as->silent_vehicles, -1, -1, -1);
    csvw_empty(w);
    csvw_empty(w);
    csvw_empty(w);
    csvw_end(w);
}

bool summary_write_csv(const summary *sm, const char *path)
{
    FILE *f = csvw_open(path, sm->run->opt.excel_csv);
    if (!f)
        return false;
    csvw w;
    csvw_init(&w, f);
    csvw_header(&w, "section,key,label,events,vehicles,online,points,value,numerator,denominator");
    for (int k = 0; k < SM_NIND; k++) {
        const sm_indicator *i = &sm->ind[k];
        csv_row_counts(&w, "indicator", i->key, false, i->zh, -1, -1, -1, -1);
        if (i->available)
            csvw_double(&w, i->value, 6);
        else
            csvw_empty(&w);
        csvw_double(&w, i->num, 3);
        csvw_double(&w, i->den, 3);
        csvw_end(&w);
    }
    uint64_t by[EV_TYPE_COUNT] = {0};
    for (size_t i = 0; i < sm->ne; i++)
        if (sm->v[sm->e[i].vehicle].selected)
            by[sm->e[i].type]++;
    for (int t = 0; t < EV_TYPE_COUNT; t++) {
        csv_row_counts(&w, "by_type", event_type_name((event_type)t), false, event_type_name_zh((event_type)t),
                       (int64_t)by[t], -1, -1, -1);
        csvw_empty(&w);
        csvw_empty(&w);
        csvw_empty(&w);
        csvw_end(&w);
    }
    class_agg ca[CLASS_COUNT];
    classes_of(sm, ca);
    for (int c = 0; c < CLASS_COUNT; c++) {
        csv_row_counts(&w, "by_class", class_name((vehicle_class)c), false, class_name_zh((vehicle_class)c),
                       ca[c].events, ca[c].vehicles, ca[c].online, ca[c].points);
        csvw_empty(&w);
        csvw_empty(&w);
        csvw_empty(&w);
        csvw_end(&w);
    }
    if (sm->run->opt.company) {
        uint32_t *vs;
        size_t n = vehicles_of(sm, &vs);
        for (size_t i = 0; i < n; i++) {
            const sm_vehicle *v = &sm->v[vs[i]];
            char key[160];
            snprintf(key, sizeof key, "%s/%d", sm_plate(sm, v), v->color);
            csv_row_counts(&w, "vehicle", key, true, class_name_zh(v->cls), v->nevents, 1, v->accepted > 0,
                           v->penalty);
            csvw_double(&w, v->km, 3); /* value: km in the period */
            csvw_empty(&w);
            csvw_empty(&w);
            csvw_end(&w);
        }
        free(vs);
    } else {
        company_agg *c;
        size_t n = companies_of(sm, &c);
        for (size_t i = 0; i < n; i++) {
            csv_row_counts(&w, "by_company", strtab_get(sm->run->str, c[i].company), true, "", c[i].a.events,
                           c[i].a.vehicles, c[i].a.online, c[i].a.points);
            csvw_empty(&w);
            csvw_empty(&w);
            csvw_empty(&w);
            csvw_end(&w);
        }
        free(c);
    }
    size_t nd;
    day_agg *d = days_of(sm, &nd);
    for (size_t k = 0; k < nd; k++) {
        char day[11];
        day_text((int32_t)(sm->day_lo + (int64_t)k), day);
        csv_row_counts(&w, "by_day", day, false, "", d[k].events, -1, d[k].online, d[k].points);
        csvw_empty(&w);
        csvw_empty(&w);
        csvw_empty(&w);
        csvw_end(&w);
    }
    free(d);
    uint32_t *rv;
    size_t nrv = summary_repeat_vehicles(sm, &rv);
    for (size_t i = 0; i < nrv; i++) {
        const sm_vehicle *v = &sm->v[rv[i]];
        char key[160];
        snprintf(key, sizeof key, "%s/%d", sm_plate(sm, v), v->color);
        csv_row_counts(&w, "repeat_vehicle", key, true, sm_company(sm, v), v->nevents, 1, -1, v->penalty);
        csvw_empty(&w);
        csvw_empty(&w);
        csvw_empty(&w);
        csvw_end(&w);
    }
    free(rv);
    sm_driver *rd;
    size_t nrd = summary_repeat_drivers(sm, &rd);
    for (size_t i = 0; i < nrd; i++) {
        char masked[19];
        csv_row_counts(&w, "repeat_driver",
                       driver_shown(strtab_get(sm->run->str, rd[i].driver), sm->run->opt.show_ids, masked), true,
                       sm_plate(sm, &sm->v[rd[i].first_vehicle]), rd[i].events, rd[i].vehicles, -1, rd[i].points);
        csvw_empty(&w);
        csvw_empty(&w);
        csvw_empty(&w);
        csvw_end(&w);
    }
    free(rd);
    alarm_csv(&w, sm);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}

/* ---- value formatting ---- */

static void fmt_indicator(const sm_indicator *i, char *out, size_t n)
{
    if (!i->available) {
        snprintf(out, n, "n/a");
        return;
    }
    if (strcmp(i->unit, "%") == 0)
        snprintf(out, n, "%.2f %%", i->value * 100.0);
    else if (strcmp(i->unit, "s") == 0 && i->value >= 3600)
        snprintf(out, n, "%.0f s (%.0f h %02.0f min)", i->value, floor(i->value / 3600),
                 floor(fmod(i->value, 3600) / 60));
    else if (strcmp(i->unit, "s") == 0)
        snprintf(out, n, "%.0f s (%.1f min)", i->value, i->value / 60);
    else
        snprintf(out, n, "%.2f", i->value);
}

static void fmt_ratio(const sm_indicator *i, char *out, size_t n)
{
    char a[48], b[48];
    fmt_double(a, sizeof a, i->num, strcmp(i->unit, "%") == 0 && i->num == floor(i->num) ? 0 : 1);
    fmt_double(b, sizeof b, i->den, i->den == floor(i->den) ? 0 : 1);
    snprintf(out, n, "%s / %s", a, b);
}


/* ---- stdout ---- */

/* Display width of UTF-8 text: East Asian wide characters take two
 * columns, so the plain table lines up in a terminal. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        uint32_t cp = c;
        if (len == 2 && p[1])
            cp = (c & 0x1F) << 6 | (p[1] & 0x3F);
        else if (len == 3 && p[1] && p[2])
            cp = (c & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        else if (len == 4)
            cp = 0x20000;
        bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
        w += wide ? 2 : 1;
        for (size_t i = 0; i < len && *p; i++)
            p++;
    }
    return w;
}

/* Text from input on a terminal: control bytes (an ESC sequence in a
 * company name would retitle or recolour the terminal) shown as '?'. */
static void put_plain(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputc(*p < 0x20 || *p == 0x7F ? '?' : *p, out);
}

static void cell(FILE *out, const char *s, size_t width, bool right)
{
    size_t w = text_width(s);
    size_t pad = w < width ? width - w : 0;
    if (right)
        fprintf(out, "%*s", (int)pad, "");
    put_plain(out, s);
    if (!right)
        fprintf(out, "%*s", (int)pad, "");
}

void summary_print(const summary *sm, FILE *out)
{
    const rl_run *run = sm->run;
    char lo[11] = "-", hi[11] = "-";
    if (sm->day_lo <= sm->day_hi) {
        day_text(sm->day_lo, lo);
        day_text(sm->day_hi, hi);
    }
    size_t nev = 0;
    uint64_t repeats = 0; /* of the events counted: those of the selection and the period */
    for (size_t i = 0; i < sm->ne; i++)
        if (sm->v[sm->e[i].vehicle].selected) {
            nev++;
            repeats += sm->e[i].repeats;
        }
    fprintf(out, "roadlog summary %s .. %s: %zu sources, %zu events (%llu repeated across runs counted once)\n", lo,
            hi, sm->nsrc, nev, (unsigned long long)repeats);
    if (run->opt.company)
        fprintf(out, "company: %s (self-check)\n", run->opt.company);
    fprintf(out, "\nIndicators 指标 (over %zu %s vehicles, %zu online)\n", sm->pop,
            run->reg.n ? "registry" : "seen", sm->online);
    for (int k = 0; k < SM_NIND; k++) {
        const sm_indicator *i = &sm->ind[k];
        char v[64], r[128], name[160];
        fmt_indicator(i, v, sizeof v);
        fmt_ratio(i, r, sizeof r);
        snprintf(name, sizeof name, "%s %s", i->zh, i->en);
        fputs("  ", out);
        cell(out, name, 64, false);
        cell(out, v, 24, true);
        fputs("   ", out);
        fputs(i->available ? r : "", out);
        fputc('\n', out);
    }
    uint64_t by[EV_TYPE_COUNT] = {0};
    for (size_t i = 0; i < sm->ne; i++)
        if (sm->v[sm->e[i].vehicle].selected)
            by[sm->e[i].type]++;
    fputs("\nEvents by type 按类型\n", out);
    for (int t = 0; t < EV_TYPE_COUNT; t++) {
        if (!by[t])
            continue;
        char name[96], n[32];
        snprintf(name, sizeof name, "%s %s", event_type_name((event_type)t), event_type_name_zh((event_type)t));
        snprintf(n, sizeof n, "%llu", (unsigned long long)by[t]);
        fputs("  ", out);
        cell(out, name, 40, false);
        cell(out, n, 8, true);
        fputc('\n', out);
    }
    class_agg ca[CLASS_COUNT];
    classes_of(sm, ca);
    fputs("\nBy class 按车辆类型            vehicles   online   events   points\n", out);
    for (int c = 0; c < CLASS_COUNT; c++) {
        if (!ca[c].vehicles && !ca[c].events)
            continue;
        char name[96];
        snprintf(name, sizeof name, "%s %s", class_name((vehicle_class)c), class_name_zh((vehicle_class)c));
        fputs("  ", out);
        cell(out, name, 28, false);
        fprintf(out, "%10u %8u %8u %8lld\n", ca[c].vehicles, ca[c].online, ca[c].events, (long long)ca[c].points);
    }
    if (!run->opt.company) {
        company_agg *c;
        size_t n = companies_of(sm, &c);
        fputs("\nBy company 按业户                                   vehicles   online   events   points\n", out);
        for (size_t i = 0; i < n; i++) {
            const char *name = strtab_get(run->str, c[i].company);
            fputs("  ", out);
            cell(out, *name ? name : "-", 48, false);
            fprintf(out, " %10u %8u %8u %8lld\n", c[i].a.vehicles, c[i].a.online, c[i].a.events,
                    (long long)c[i].a.points);
        }
        free(c);
    } else {
        uint32_t *vs;
        size_t n = vehicles_of(sm, &vs);
        fputs("\nVehicles 车辆                      class           days online         km   events   points\n", out);
        for (size_t i = 0; i < n; i++) {
            const sm_vehicle *v = &sm->v[vs[i]];
            fputs("  ", out);
            cell(out, sm_plate(sm, v), 32, false);
            cell(out, class_name(v->cls), 16, false);
            fprintf(out, "%11u %10.1f %8u %8lld\n", v->days_online, v->km, v->nevents, (long long)v->penalty);
        }
        free(vs);
    }
    size_t nd;
    day_agg *d = days_of(sm, &nd);
    fputs("\nBy day 按日            online   events  speeding  fatigue    other   points\n", out);
    for (size_t k = 0; k < nd; k++) {
        char day[11];
        day_text((int32_t)(sm->day_lo + (int64_t)k), day);
        fprintf(out, "  %s %14u %8u %9u %8u %8u %8lld\n", day, d[k].online, d[k].events, d[k].speeding,
                d[k].fatigue, d[k].other, (long long)d[k].points);
    }
    free(d);
    int rep = run->opt.repeat > 0 ? run->opt.repeat : 3;
    uint32_t *rv;
    size_t nrv = summary_repeat_vehicles(sm, &rv);
    fprintf(out, "\nRepeat offenders 多次违规车辆 (>= %d events): %zu\n", rep, nrv);
    for (size_t i = 0; i < nrv; i++) {
        const sm_vehicle *v = &sm->v[rv[i]];
        fputs("  ", out);
        cell(out, sm_plate(sm, v), 16, false);
        fprintf(out, " %-7s %5u events %5lld points  ", report_color_label(v->color, false), v->nevents,
                (long long)v->penalty);
        put_plain(out, sm_company(sm, v));
        fputc('\n', out);
    }
    free(rv);
    sm_driver *rd;
    size_t nrd = summary_repeat_drivers(sm, &rd);
    fprintf(out, "\nRepeat drivers 多次违规驾驶员 (>= %d events): %zu\n", rep, nrd);
    for (size_t i = 0; i < nrd; i++) {
        fputs("  ", out);
        char masked[19];
        cell(out, driver_shown(strtab_get(run->str, rd[i].driver), run->opt.show_ids, masked), 24, false);
        fprintf(out, " %5u events %3u vehicles %5lld points\n", rd[i].events, rd[i].vehicles,
                (long long)rd[i].points);
    }
    free(rd);
    const alarm_stats *as = &sm->alarms;
    fprintf(out, "\nTerminal alarms 终端报警 (over %u vehicles)       alarms vehicles  per 100\n", as->population);
    for (size_t i = 0; i < as->nk; i++) {
        const astat_kind *k = &as->k[i];
        char name[160];
        snprintf(name, sizeof name, "%s %s", k->rule, astats_label(k, true));
        fputs("  ", out);
        cell(out, name, 44, false);
        fprintf(out, " %8u %8u %8.2f\n", k->events, k->vehicles, astats_per100(k->events, as->population));
    }
    const alarm_xcheck *x = &as->xc;
    fprintf(out, "\nTerminal cross-check 终端核验\n"
                 "  speeding found with a terminal overspeed alarm     %u / %u\n"
                 "  terminal overspeed alarms with speeding found      %u / %u\n"
                 "  fatigue found with a terminal fatigue alarm        %u / %u\n"
                 "  terminal fatigue alarms with fatigue found         %u / %u\n"
                 "  vehicles with a silent terminal (terminal_silent)  %u\n",
            x->speeding_alarmed, x->speeding, x->overspeed_confirmed, x->overspeed_alarms, x->fatigue_alarmed,
            x->fatigue, x->fatigue_confirmed, x->fatigue_alarms, as->silent_vehicles);
}

/* ---- summary.html ---- */

static void trend_chart(FILE *f, const summary *sm, const day_agg *d, size_t nd)
{
    const bool zh = sm->zh;
    if (nd == 0)
        return;
    uint32_t top = 1;
    for (size_t k = 0; k < nd; k++)
        if (d[k].events > top)
            top = d[k].events;
    /* a round axis: 1, 2 or 5 times a power of ten per gridline */
    double raw = top / 5.0, mag = pow(10, floor(log10(raw > 1 ? raw : 1)));
    double step = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag : 10 * mag;
    if (step < 1)
        step = 1;
    double ymax = ceil(top / step) * step;
    const int W = 1000, H = 320, L = 56, T = 16, PW = 920, PH = 250;
    double bw = (double)PW / (double)nd;
    fprintf(f, "<svg class=\"trend\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", W, H,
            LBL_SM(L_SUM_TREND));
    fprintf(f, "<rect class=\"plot\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", L, T, PW, PH);
    fputs("<path class=\"grid\" d=\"", f);
    for (double s = step; s < ymax; s += step)
        fprintf(f, "M%d %.1fh%d", L, T + PH - s * PH / ymax, PW);
    fputs("\"/>", f);
    for (double s = 0; s <= ymax; s += step)
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>", L - 6, T + PH - s * PH / ymax + 5, s);
    static const char *const cls[3] = {"bar-s", "bar-f", "bar-o"};
    for (size_t k = 0; k < nd; k++) {
        uint32_t parts[3] = {d[k].speeding, d[k].fatigue, d[k].other};
        double y = T + PH;
        for (int g = 0; g < 3; g++) {
            if (!parts[g])
                continue;
            double hgt = parts[g] * PH / ymax;
            y -= hgt;
            double w = bw * 0.76 > 48 ? 48 : bw * 0.76;
            fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", cls[g],
                    L + k * bw + (bw - w) / 2, y, w, hgt);
        }
        char day[11];
        day_text((int32_t)(sm->day_lo + (int64_t)k), day);
        fprintf(f, "<g><title>%s: %u</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                   "fill=\"transparent\"/></g>",
                day, d[k].events, L + k * bw, T, bw, PH);
        /* a date label every few bars so they never overlap */
        size_t every = nd <= 16 ? 1 : (nd + 15) / 16;
        if (k % every == 0)
            fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", L + k * bw + bw / 2, T + PH + 22,
                    day + 5);
    }
    const char *names[3] = {LBL_SM(L_SUM_SPEEDING_LC), LBL_SM(L_SUM_FATIGUE_LC), LBL_SM(L_SUM_OTHER_LC)};
    for (int g = 0; g < 3; g++)
        fprintf(f, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"14\" height=\"14\"/><text x=\"%d\" y=\"%d\">%s</text>",
                cls[g], L + 10 + g * 130, H - 24, L + 30 + g * 130, H - 12, names[g]);
    fputs("</svg>\n", f);
}

static void th(FILE *f, const char *s, bool num) { fprintf(f, num ? "<th class=\"n\">%s</th>" : "<th>%s</th>", s); }

bool summary_write_html(const summary *sm, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    const rl_run *run = sm->run;
    const bool zh = sm->zh;
    char lo[11] = "-", hi[11] = "-";
    if (sm->day_lo <= sm->day_hi) {
        day_text(sm->day_lo, lo);
        day_text(sm->day_hi, hi);
    }
    const char *title = run->opt.company ? (LBL_SM(L_SUM_SELF_CHECK))
                                         : (LBL_SM(L_SUM_TITLE));
    html_page_begin(f, zh, title);
    fprintf(f, "<header><h1>%s", title);
    if (run->opt.company) {
        fputs(" — ", f);
        html_str(f, run->opt.company);
    }
    fprintf(f, "</h1><p class=\"meta\">%s %s %s %s · %s %zu · ", LBL_SM(L_SUM_PERIOD), lo, LBL_SM(L_TO), hi,
            LBL_SM(L_SUM_SOURCES), sm->nsrc);
    size_t nev = 0;
    uint64_t repeats = 0;
    for (size_t i = 0; i < sm->ne; i++)
        if (sm->v[sm->e[i].vehicle].selected) {
            nev++;
            repeats += sm->e[i].repeats;
        }
    fprintf(f, "%s %zu (%s %llu)</p>", LBL_SM(L_EVENTS), nev, LBL_SM(L_SUM_ONCE), (unsigned long long)repeats);
    report_unregistered_banner(f, &sm->unreg, zh);
    fprintf(f, "<p class=\"meta\">%s</p></header>\n<main>\n",
            run->reg.n ? LBL_SM(L_SUM_POP_REG) : LBL_SM(L_SUM_POP_SEEN));

    /* indicators */
    fprintf(f, "<h2>%s</h2><table><thead><tr>", LBL_SM(L_SUM_INDICATORS));
    th(f, LBL_SM(L_SUM_INDICATOR), false);
    th(f, LBL_SM(L_SUM_VALUE), true);
    th(f, LBL_SM(L_SUM_RATIO), true);
    th(f, LBL_SM(L_SUM_DEFINITION), false);
    fputs("</tr></thead><tbody>\n", f);
    for (int k = 0; k < SM_NIND; k++) {
        const sm_indicator *i = &sm->ind[k];
        char v[64], r[128];
        fmt_indicator(i, v, sizeof v);
        fmt_ratio(i, r, sizeof r);
        fprintf(f, "<tr id=\"%s\"><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"small\">%s</td></tr>\n",
                i->key, zh ? i->zh : i->en, v, i->available ? r : "", LBL_SM((label_id)(L_SUM_DEF_ONLINE + k)));
    }
    fprintf(f, "</tbody></table><p class=\"small\">%s %zu · %s %zu</p>\n", LBL_SM(L_SUM_NVEH), sm->pop,
            LBL_SM(L_SUM_ONLINE), sm->online);

    /* trend */
    size_t nd;
    day_agg *d = days_of(sm, &nd);
    fprintf(f, "<h2>%s</h2>", LBL_SM(L_SUM_DAY_BY_DAY));
    trend_chart(f, sm, d, nd);
    fputs("<table><thead><tr>", f);
    th(f, LBL_SM(L_SUM_DAY), false);
    th(f, LBL_SM(L_SUM_ONLINE_VEHICLES), true);
    th(f, LBL_SM(L_EVENTS), true);
    th(f, LBL_SM(L_SUM_SPEEDING), true);
    th(f, LBL_SM(L_SUM_FATIGUE), true);
    th(f, LBL_SM(L_SUM_OTHER), true);
    th(f, LBL_SM(L_POINTS), true);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t k = 0; k < nd; k++) {
        char day[11];
        day_text((int32_t)(sm->day_lo + (int64_t)k), day);
        fprintf(f, "<tr><td>%s</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
                   "<td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%lld</td></tr>\n",
                day, d[k].online, d[k].events, d[k].speeding, d[k].fatigue, d[k].other, (long long)d[k].points);
    }
    fputs("</tbody></table>\n", f);
    free(d);

    /* by type */
    uint64_t by[EV_TYPE_COUNT] = {0};
    for (size_t i = 0; i < sm->ne; i++)
        if (sm->v[sm->e[i].vehicle].selected)
            by[sm->e[i].type]++;
    fprintf(f, "<h2>%s</h2><table><thead><tr>", LBL_SM(L_SUM_BY_TYPE));
    th(f, LBL_SM(L_SUM_TYPE), false);
    th(f, LBL_SM(L_SUM_CODE), false);
    th(f, LBL_SM(L_NEVENTS), true);
    fputs("</tr></thead><tbody>\n", f);
    for (int t = 0; t < EV_TYPE_COUNT; t++)
        fprintf(f, "<tr><td>%s</td><td><code>%s</code></td><td class=\"n\">%llu</td></tr>\n",
                report_type_label((event_type)t, zh), event_type_name((event_type)t), (unsigned long long)by[t]);
    fputs("</tbody></table>\n", f);

    /* by class */
    class_agg ca[CLASS_COUNT];
    classes_of(sm, ca);
    fprintf(f, "<h2>%s</h2><table><thead><tr>", LBL_SM(L_SUM_BY_CLASS));
    th(f, LBL_SM(L_CLASS), false);
    th(f, LBL_SM(L_VEHICLES), true);
    th(f, LBL_SM(L_SUM_ONLINE_SHORT), true);
    th(f, LBL_SM(L_EVENTS), true);
    th(f, LBL_SM(L_POINTS), true);
    fputs("</tr></thead><tbody>\n", f);
    for (int c = 0; c < CLASS_COUNT; c++)
        fprintf(f, "<tr><td>%s</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
                   "<td class=\"n\">%lld</td></tr>\n",
                report_class_label((vehicle_class)c, zh), ca[c].vehicles, ca[c].online, ca[c].events,
                (long long)ca[c].points);
    fputs("</tbody></table>\n", f);

    if (!run->opt.company) {
        company_agg *c;
        size_t n = companies_of(sm, &c);
        fprintf(f, "<h2>%s</h2><table><thead><tr>", LBL_SM(L_SUM_BY_COMPANY));
        th(f, LBL_SM(L_COMPANY), false);
        th(f, LBL_SM(L_VEHICLES), true);
        th(f, LBL_SM(L_SUM_ONLINE_SHORT), true);
        th(f, LBL_SM(L_EVENTS), true);
        th(f, LBL_SM(L_POINTS), true);
        fputs("</tr></thead><tbody>\n", f);
        for (size_t i = 0; i < n; i++) {
            const char *name = strtab_get(run->str, c[i].company);
            fputs("<tr><td>", f);
            html_str(f, *name ? name : "—");
            fprintf(f, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
                       "<td class=\"n\">%lld</td></tr>\n",
                    c[i].a.vehicles, c[i].a.online, c[i].a.events, (long long)c[i].a.points);
        }
        fputs("</tbody></table>\n", f);
        free(c);
    } else {
        uint32_t *vs;
        size_t n = vehicles_of(sm, &vs);
        fprintf(f, "<h2>%s</h2><table><thead><tr>", LBL_SM(L_SUM_FLEET));
        th(f, LBL_SM(L_PLATE), false);
        th(f, LBL_SM(L_COLOR), false);
        th(f, LBL_SM(L_CLASS), false);
        th(f, LBL_SM(L_SUM_DAYS_ONLINE), true);
        th(f, LBL_SM(L_SUM_KM), true);
        th(f, LBL_SM(L_EVENTS), true);
        th(f, LBL_SM(L_POINTS), true);
        fputs("</tr></thead><tbody>\n", f);
        for (size_t i = 0; i < n; i++) {
            const sm_vehicle *v = &sm->v[vs[i]];
            fputs("<tr><td>", f);
            html_str(f, sm_plate(sm, v));
            fprintf(f, "</td><td>%s</td><td>%s</td><td class=\"n\">%u</td><td class=\"n\">%.1f</td>"
                       "<td class=\"n\">%u</td><td class=\"n\">%lld</td></tr>\n",
                    report_color_label(v->color, zh), report_class_label(v->cls, zh), v->days_online, v->km,
                    v->nevents, (long long)v->penalty);
        }
        fputs("</tbody></table>\n", f);
        free(vs);
    }

    /* repeat offenders */
    int rep = run->opt.repeat > 0 ? run->opt.repeat : 3;
    uint32_t *rv;
    size_t nrv = summary_repeat_vehicles(sm, &rv);
    fprintf(f, LBL_SM(L_SUM_REPEAT_VEHICLES_H), rep);
    fputs("<table><thead><tr>", f);
    th(f, LBL_SM(L_PLATE), false);
    th(f, LBL_SM(L_COLOR), false);
    th(f, LBL_SM(L_COMPANY), false);
    th(f, LBL_SM(L_EVENTS), true);
    th(f, LBL_SM(L_POINTS), true);
    th(f, LBL_SM(L_SUM_TYPES), false);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t i = 0; i < nrv; i++) {
        const sm_vehicle *v = &sm->v[rv[i]];
        fputs("<tr><td>", f);
        html_str(f, sm_plate(sm, v));
        fprintf(f, "</td><td>%s</td><td>", report_color_label(v->color, zh));
        html_str(f, sm_company(sm, v));
        fprintf(f, "</td><td class=\"n\">%u</td><td class=\"n\">%lld</td><td>", v->nevents, (long long)v->penalty);
        bool first = true;
        for (int t = 0; t < EV_TYPE_COUNT; t++)
            if (v->events[t]) {
                fprintf(f, "%s%s %u", first ? "" : " · ", report_type_label((event_type)t, zh), v->events[t]);
                first = false;
            }
        fputs("</td></tr>\n", f);
    }
    if (!nrv)
        fprintf(f, "<tr><td colspan=\"6\">%s</td></tr>", LBL_SM(L_NONE));
    fputs("</tbody></table>\n", f);
    free(rv);
    sm_driver *rd;
    size_t nrd = summary_repeat_drivers(sm, &rd);
    fprintf(f, LBL_SM(L_SUM_REPEAT_DRIVERS_H), rep);
    fputs("<table><thead><tr>", f);
    th(f, LBL_SM(L_DRIVER), false);
    th(f, LBL_SM(L_EVENTS), true);
    th(f, LBL_SM(L_SUM_NVEHICLES), true);
    th(f, LBL_SM(L_POINTS), true);
    th(f, LBL_SM(L_SUM_FIRST_PLATE), false);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t i = 0; i < nrd; i++) {
        fputs("<tr><td>", f);
        char masked[19];
        html_str(f, driver_shown(strtab_get(run->str, rd[i].driver), run->opt.show_ids, masked));
        fprintf(f, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%lld</td><td>", rd[i].events,
                rd[i].vehicles, (long long)rd[i].points);
        html_str(f, sm_plate(sm, &sm->v[rd[i].first_vehicle]));
        fputs("</td></tr>\n", f);
    }
    if (!nrd)
        fprintf(f, "<tr><td colspan=\"5\">%s</td></tr>", LBL_SM(L_NONE));
    fputs("</tbody></table>\n", f);
    free(rd);

    astats_html(f, &sm->alarms, run->str, zh, !run->opt.company);

    /* sources */
    fprintf(f, "<h2>%s</h2><table><thead><tr>", LBL_SM(L_SUM_SOURCES));
    th(f, LBL_SM(L_SUM_FOLDER), false);
    th(f, LBL_SM(L_SUM_ZONE), false);
    th(f, LBL_SM(L_SUM_EVENTS_READ), true);
    th(f, LBL_SM(L_SUM_NEW_EVENTS), true);
    th(f, LBL_SM(L_SUM_VDAYS), true);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t i = 0; i < sm->nsrc; i++) {
        const sm_source *s = &sm->src[i];
        fputs("<tr><td>", f);
        html_str(f, s->path);
        fputs("</td><td>", f);
        html_str(f, s->tz ? s->tz : "—");
        fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td></tr>\n",
                (unsigned long long)s->events_read, (unsigned long long)s->events_new,
                (unsigned long long)s->vdays_read);
    }
    fputs("</tbody></table>\n</main>\n<footer><p class=\"small\">roadlog summary · RULES.md §7</p></footer>\n", f);
    html_page_end(f);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}
