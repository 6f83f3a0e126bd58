/*
 * alarmstats.c - terminal alarms over a population (see alarmstats.h).
 */
#include "alarmstats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alarmcode.h"
#include "csvout.h"
#include "reports.h"
#include "strtab.h"
#include "util.h"

int astats_group(event_type t)
{
    switch (t) {
    case EV_TERMINAL_ALARM: return AS_TERMINAL;
    case EV_ADAS_ALARM: return AS_ADAS;
    case EV_DSM_ALARM: return AS_DSM;
    case EV_TPMS_ALARM: return AS_TPMS;
    case EV_BSD_ALARM: return AS_BSD;
    case EV_TERMINAL_SILENT: return AS_SILENT;
    default: return -1;
    }
}

static size_t kind_of(alarm_stats *s, const char *rule, event_type t)
{
    uint64_t key = rl_hash(rule, strlen(rule), 0xA1A4) | 1; /* 0 is reserved */
    uint32_t *slot = u64map_put(&s->kmap, key, 0);
    if (*slot)
        return *slot - 1;
    s->k = xrealloc(s->k, (s->nk + 1) * sizeof *s->k);
    astat_kind *k = &s->k[s->nk];
    memset(k, 0, sizeof *k);
    k->rule = xstrdup(rule);
    k->type = t;
    for (int i = 0; i < ACODE_PUBLISHED_DSM; i++)
        k->published |= strcmp(rule, acode_published_dsm[i]) == 0;
    *slot = (uint32_t)++s->nk;
    return s->nk - 1;
}

static astat_company *company_of(alarm_stats *s, uint32_t company)
{
    uint32_t *slot = u64map_put(&s->cmap, (uint64_t)company + 1, 0);
    if (!*slot) {
        s->c = xrealloc(s->c, (s->nc + 1) * sizeof *s->c);
        memset(&s->c[s->nc], 0, sizeof s->c[0]);
        s->c[s->nc].company = company;
        *slot = (uint32_t)++s->nc;
    }
    return &s->c[*slot - 1];
}

void astats_init(alarm_stats *s)
{
    memset(s, 0, sizeof *s);
    u64map_init(&s->kmap);
    u64map_init(&s->cmap);
    u64map_init(&s->seen);
    /* the published DSM kinds are rows even without an event */
    for (int i = 0; i < ACODE_PUBLISHED_DSM; i++)
        kind_of(s, acode_published_dsm[i], EV_DSM_ALARM);
}

void astats_free(alarm_stats *s)
{
    for (size_t i = 0; i < s->nk; i++)
        free(s->k[i].rule);
    free(s->k);
    free(s->c);
    u64map_free(&s->kmap);
    u64map_free(&s->cmap);
    u64map_free(&s->seen);
    memset(s, 0, sizeof *s);
}

void astats_vehicle(alarm_stats *s, uint32_t company, const alarm_xcheck *xc)
{
    s->population++;
    company_of(s, company)->vehicles++;
    if (xc)
        xcheck_add(&s->xc, xc);
}

void astats_event(alarm_stats *s, uint32_t vehicle, uint32_t company, event_type t, const char *rule)
{
    int g = astats_group(t);
    if (g < 0)
        return;
    astat_company *c = company_of(s, company);
    c->events[g]++;
    if (g == AS_SILENT) {
        s->silent_vehicles++;
        return;
    }
    c->total++;
    size_t k = kind_of(s, rule && *rule ? rule : event_type_name(t), t);
    s->k[k].events++;
    uint32_t *seen = u64map_put(&s->seen, ((uint64_t)k << 32 | vehicle) + 1, 0);
    if (!*seen) {
        *seen = 1;
        s->k[k].vehicles++;
    }
}

static int kind_order(const void *a, const void *b)
{
    const astat_kind *x = a, *y = b;
    if (x->published != y->published)
        return x->published ? -1 : 1;
    if (x->published) { /* in the bureaux' order */
        int ix = 0, iy = 0;
        for (int i = 0; i < ACODE_PUBLISHED_DSM; i++) {
            if (!strcmp(x->rule, acode_published_dsm[i]))
                ix = i;
            if (!strcmp(y->rule, acode_published_dsm[i]))
                iy = i;
        }
        return ix - iy;
    }
    if (x->events != y->events)
        return x->events > y->events ? -1 : 1;
    return strcmp(x->rule, y->rule);
}

static int company_order(const void *a, const void *b)
{
    const astat_company *x = a, *y = b;
    /* alarms per vehicle, compared without division */
    uint64_t lx = (uint64_t)x->total * (y->vehicles ? y->vehicles : 1),
             ly = (uint64_t)y->total * (x->vehicles ? x->vehicles : 1);
    if (lx != ly)
        return lx > ly ? -1 : 1;
    return (x->company > y->company) - (x->company < y->company);
}

void astats_finish(alarm_stats *s)
{
    if (s->nk > 1)
        qsort(s->k, s->nk, sizeof *s->k, kind_order);
    if (s->nc > 1)
        qsort(s->c, s->nc, sizeof *s->c, company_order);
    /* the maps index the old order: not used after this */
    u64map_free(&s->kmap);
    u64map_free(&s->cmap);
    u64map_init(&s->kmap);
    u64map_init(&s->cmap);
}

double astats_per100(uint32_t n, uint32_t vehicles) { return vehicles ? 100.0 * n / vehicles : 0; }

double astats_share(uint32_t n, uint32_t d) { return d ? (double)n / d : NAN; }

const char *astats_label(const astat_kind *k, bool zh)
{
    const char *l = zh ? acode_label_zh(k->rule) : NULL;
    return l ? l : k->rule;
}

static void share_cell(FILE *f, uint32_t n, uint32_t d)
{
    double v = astats_share(n, d);
    if (isnan(v))
        fprintf(f, "<td class=\"n\">—</td><td class=\"n\">%u / %u</td>", n, d);
    else
        fprintf(f, "<td class=\"n\">%.1f %%</td><td class=\"n\">%u / %u</td>", v * 100.0, n, d);
}

void astats_html(FILE *f, const alarm_stats *s, const strtab *str, bool zh, bool by_company)
{
    fprintf(f, "<h2 id=\"terminal-alarms\">%s</h2>\n<p class=\"small\">%s %u</p>\n",
            zh ? "终端报警（每百车）" : "Terminal alarms per 100 vehicles",
            zh ? "车辆数" : "Vehicles", s->population);
    fprintf(f, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th class=\"n\">%s</th>"
               "<th class=\"n\">%s</th><th class=\"n\">%s</th></tr></thead><tbody>\n",
            zh ? "报警类别" : "Kind", zh ? "规则" : "Rule", zh ? "类型" : "Type", zh ? "报警数" : "Alarms",
            zh ? "车辆" : "Vehicles", zh ? "每百车" : "Per 100 vehicles");
    for (size_t i = 0; i < s->nk; i++) {
        const astat_kind *k = &s->k[i];
        fputs("<tr><td>", f);
        html_str(f, astats_label(k, zh));
        fputs("</td><td><code>", f);
        html_str(f, k->rule);
        fprintf(f, "</code></td><td>%s</td><td class=\"n\">%u</td><td class=\"n\">%u</td>"
                   "<td class=\"n\">%.2f</td></tr>\n",
                report_type_label(k->type, zh), k->events, k->vehicles, astats_per100(k->events, s->population));
    }
    fputs("</tbody></table>\n", f);
    if (by_company) {
        static const event_type groups[AS_NGROUPS] = {EV_TERMINAL_ALARM, EV_ADAS_ALARM, EV_DSM_ALARM,
                                                      EV_TPMS_ALARM, EV_BSD_ALARM, EV_TERMINAL_SILENT};
        fprintf(f, "<table><thead><tr><th>%s</th><th class=\"n\">%s</th>", zh ? "业户名称" : "Company",
                zh ? "车辆" : "Vehicles");
        for (int g = 0; g < AS_NGROUPS; g++)
            fprintf(f, "<th class=\"n\">%s</th>", report_type_label(groups[g], zh));
        fprintf(f, "<th class=\"n\">%s</th></tr></thead><tbody>\n", zh ? "报警每百车" : "Alarms per 100 vehicles");
        for (size_t i = 0; i < s->nc; i++) {
            const astat_company *c = &s->c[i];
            const char *name = strtab_get(str, c->company);
            fputs("<tr><td>", f);
            html_str(f, name && *name ? name : "—");
            fprintf(f, "</td><td class=\"n\">%u</td>", c->vehicles);
            for (int g = 0; g < AS_NGROUPS; g++)
                fprintf(f, "<td class=\"n\">%u</td>", c->events[g]);
            fprintf(f, "<td class=\"n\">%.2f</td></tr>\n", astats_per100(c->total, c->vehicles));
        }
        fputs("</tbody></table>\n", f);
    }
    /* the cross-check, both ways (RULES.md §8) */
    const alarm_xcheck *x = &s->xc;
    fprintf(f, "<table id=\"terminal-check\"><thead><tr><th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
               "</tr></thead><tbody>\n",
            zh ? "终端核验" : "Terminal cross-check", zh ? "比例" : "Share", zh ? "分子 / 分母" : "Of");
    fprintf(f, "<tr><td>%s</td>", zh ? "超速（平台发现）有终端超速报警" : "Speeding found with a terminal overspeed alarm");
    share_cell(f, x->speeding_alarmed, x->speeding);
    fprintf(f, "</tr>\n<tr><td>%s</td>", zh ? "终端超速报警有平台发现的超速" : "Terminal overspeed alarms with speeding found");
    share_cell(f, x->overspeed_confirmed, x->overspeed_alarms);
    fprintf(f, "</tr>\n<tr><td>%s</td>", zh ? "疲劳驾驶（平台发现）有终端疲劳报警" : "Fatigue found with a terminal fatigue alarm");
    share_cell(f, x->fatigue_alarmed, x->fatigue);
    fprintf(f, "</tr>\n<tr><td>%s</td>", zh ? "终端疲劳报警有平台发现的疲劳驾驶" : "Terminal fatigue alarms with fatigue found");
    share_cell(f, x->fatigue_confirmed, x->fatigue_alarms);
    fprintf(f, "</tr>\n<tr><td>%s</td><td class=\"n\">%u</td><td></td></tr>\n</tbody></table>\n",
            zh ? "终端未报警车辆" : "Vehicles with a silent terminal", s->silent_vehicles);
}
