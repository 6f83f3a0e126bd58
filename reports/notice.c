/*
 * notice.c - what a reader must know before trusting a page: vehicles
 * the registry did not know (issue 11).
 *
 * FORMATS.md: "Vehicles not in the registry are analysed as `other`".
 * Class other is held to 120 km/h (实施条例 art. 78, small passenger cars),
 * while a truck or coach is held to 100 km/h or less: a fleet analysed
 * without its registry silently loses most of its speeding (54 events
 * down to 8 on one fleet).  So the count is said wherever the result is
 * read: on stderr after `analyze`, at the top of report.html and of
 * summary.html.
 *
 * A yellow plate is a large vehicle (GA 36-2018: 大型汽车号牌), and no
 * large vehicle has a limit above 100 km/h.  The colour is not used to
 * change the class (that would be a guess FORMATS.md does not allow); it
 * is used to say how many of the vehicles checked as `other` are large
 * ones whose speeding may be under-reported.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "csvout.h"
#include "reports.h"

void report_unreg_of_run(const rl_run *run, report_unreg *u)
{
    u->n = run->unregistered;
    u->yellow = run->unregistered_yellow;
    /* a registry read, even one without a usable row, was given */
    u->have_registry = run->reg.n > 0 || run->have_registry;
    u->other_kmh = (int)lround(run->rules.v[rule_speeding_for(CLASS_OTHER)]);
    /* the highest class limit of a large vehicle (coach .. truck) */
    u->large_kmh = 0;
    for (int c = 0; c < CLASS_COUNT; c++) {
        int kmh = (int)lround(run->rules.v[rule_speeding_for((vehicle_class)c)]);
        if (c != CLASS_OTHER && kmh > u->large_kmh)
            u->large_kmh = kmh;
    }
}

void report_unregistered_text(const report_unreg *u, bool zh, char *out, size_t cap)
{
    out[0] = 0;
    if (!u->n)
        return;
    int k;
    if (zh)
        k = snprintf(out, cap, "%s%" PRIu64 " 辆车不在车辆登记表中，已按“其他”类（限速 %d km/h）检查",
                     u->have_registry ? "" : "未提供车辆登记表（--registry）：", u->n, u->other_kmh);
    else
        k = snprintf(out, cap, "%s%" PRIu64 " %s not in the registry %s checked as class 'other' (%d km/h)",
                     u->have_registry ? "" : "No registry (--registry) was given: ", u->n,
                     u->n == 1 ? "vehicle" : "vehicles", u->n == 1 ? "was" : "were", u->other_kmh);
    if (k < 0 || (size_t)k >= cap || !u->yellow || u->large_kmh >= u->other_kmh)
        return;
    if (zh)
        snprintf(out + k, cap - (size_t)k,
                 "；其中 %" PRIu64 " 辆为黄色号牌（大型车辆），其车型限速不高于 %d km/h，超速可能漏报："
                 "请用 --registry 提供车辆类型",
                 u->yellow, u->large_kmh);
    else
        snprintf(out + k, cap - (size_t)k,
                 "; %" PRIu64 " of them %s, whose class limits are %d km/h "
                 "or lower: their speeding may be missed (give --registry with their class)",
                 u->yellow, u->yellow == 1 ? "has a yellow plate (a large vehicle)" : "have yellow plates (large vehicles)",
                 u->large_kmh);
}

void report_unregistered_banner(FILE *f, const report_unreg *u, bool zh)
{
    if (!u->n)
        return;
    char text[512];
    report_unregistered_text(u, zh, text, sizeof text);
    fputs("<p class=\"warn\" role=\"alert\" id=\"unregistered\"><strong>", f);
    html_str(f, text);
    fputs("</strong></p>", f);
}
