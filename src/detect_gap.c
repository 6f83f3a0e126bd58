/*
 * detect_gap.c - track gaps, 疑似屏蔽/断电 (RULES.md §6).
 *
 * Consecutive accepted fixes at least gap_event.min_s apart and more than
 * gap_event.min_km apart: the vehicle moved with its terminal silent
 * (shielded, unplugged, or out of coverage).  A parked terminal that
 * sleeps is silent too but does not move, so distance tells them apart.
 */
#include "detect.h"

#include <math.h>
#include <string.h>

void gap_interval(const vctx *cx, const rl_interval *iv)
{
    const rl_rules *r = cx->r;
    if (iv->dt < (int64_t)r->v[R_GAP_EVENT_MIN_S] || !(iv->dist_km > r->v[R_GAP_EVENT_MIN_KM]))
        return;
    rl_event e;
    event_over_fixes(&e, cx->vidx, EV_GPS_GAP, &iv->a, &iv->b, 2);
    e.value = iv->dt;
    e.limit = (int64_t)r->v[R_GAP_EVENT_MIN_S];
    e.scale = 0;
    /* No penalty tier exists for a silent terminal: it is a lead for the
     * operator's dynamic-monitoring duty (动态监督管理办法), not a ticket. */
    strcpy(e.severity, "warning");
    e.rule = rule_name(R_GAP_EVENT_MIN_S);
    events_add(cx->events, &e);
}
