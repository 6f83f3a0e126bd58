/*
 * xcheck.c - the terminal cross-check (see xcheck.h).
 */
#include "xcheck.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

xc_kind xcheck_kind(event_type type, const char *rule)
{
    switch (type) {
    case EV_SPEEDING:
    case EV_NIGHT_SPEEDING:
        return XC_SPEEDING;
    case EV_FATIGUE_CONTINUOUS:
        return XC_FATIGUE;
    case EV_TERMINAL_ALARM:
        if (rule && strcmp(rule, "alarm.overspeed") == 0)
            return XC_OVERSPEED_ALARM;
        if (rule && strcmp(rule, "alarm.fatigue") == 0)
            return XC_FATIGUE_ALARM;
        return XC_NONE;
    case EV_DSM_ALARM:
        return rule && strcmp(rule, "dsm.fatigue") == 0 ? XC_FATIGUE_ALARM : XC_NONE;
    default:
        return XC_NONE;
    }
}

static int by_kind_start(const void *a, const void *b)
{
    const xc_span *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

/* How many spans of `a` overlap some span of `b` (b sorted by start,
 * reach[i] = the latest end among b[0..i]). */
static uint32_t overlapping(const xc_span *a, size_t na, const xc_span *b, const int64_t *reach, size_t nb)
{
    uint32_t k = 0;
    for (size_t i = 0; i < na; i++) {
        /* the last b starting at or before a's end */
        size_t lo = 0, hi = nb;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (b[mid].start <= a[i].end)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0 && reach[lo - 1] >= a[i].start)
            k++;
    }
    return k;
}

static int64_t *reach_of(const xc_span *b, size_t n)
{
    int64_t *r = xmalloc((n ? n : 1) * sizeof *r);
    for (size_t i = 0; i < n; i++)
        r[i] = i && r[i - 1] > b[i].end ? r[i - 1] : b[i].end;
    return r;
}

/* Both ways between the spans of kinds x and y. */
static void pair(const xc_span *s, const size_t *first, int x, int y, uint32_t *nx, uint32_t *x_matched, uint32_t *ny,
                 uint32_t *y_matched)
{
    const xc_span *a = s + first[x], *b = s + first[y];
    size_t na = first[x + 1] - first[x], nb = first[y + 1] - first[y];
    *nx = (uint32_t)na;
    *ny = (uint32_t)nb;
    int64_t *ra = reach_of(a, na), *rb = reach_of(b, nb);
    *x_matched = overlapping(a, na, b, rb, nb);
    *y_matched = overlapping(b, nb, a, ra, na);
    free(ra);
    free(rb);
}

void xcheck_count(xc_span *s, size_t n, alarm_xcheck *out)
{
    memset(out, 0, sizeof *out);
    if (n > 1)
        qsort(s, n, sizeof *s, by_kind_start);
    /* first[k] = index of the first span of kind k (kinds in enum order) */
    size_t first[XC_FATIGUE_ALARM + 2];
    for (int k = 0, i = 0; k <= XC_FATIGUE_ALARM + 1; k++) {
        while ((size_t)i < n && s[i].kind < k)
            i++;
        first[k] = (size_t)i;
    }
    pair(s, first, XC_SPEEDING, XC_OVERSPEED_ALARM, &out->speeding, &out->speeding_alarmed, &out->overspeed_alarms,
         &out->overspeed_confirmed);
    pair(s, first, XC_FATIGUE, XC_FATIGUE_ALARM, &out->fatigue, &out->fatigue_alarmed, &out->fatigue_alarms,
         &out->fatigue_confirmed);
}

void xcheck_add(alarm_xcheck *a, const alarm_xcheck *b)
{
    a->speeding += b->speeding;
    a->speeding_alarmed += b->speeding_alarmed;
    a->overspeed_alarms += b->overspeed_alarms;
    a->overspeed_confirmed += b->overspeed_confirmed;
    a->fatigue += b->fatigue;
    a->fatigue_alarmed += b->fatigue_alarmed;
    a->fatigue_alarms += b->fatigue_alarms;
    a->fatigue_confirmed += b->fatigue_confirmed;
}

bool xcheck_silent(const alarm_xcheck *xc, bool alarm_word, double min_events)
{
    return alarm_word && (double)xc->speeding >= min_events && xc->overspeed_alarms == 0;
}
