/*
 * blacklist.c - triggers and listings (see blacklist.h).
 */
#include "blacklist.h"

#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "util.h"

const char *bl_rule_id(bl_rule r)
{
    static const char *const ids[BL_NRULES] = {"blacklist.vehicle_events_12m", "blacklist.driver_points_12m",
                                               "blacklist.company_rate_month"};
    return r < BL_NRULES ? ids[r] : "?";
}

static int by_subject_time(const void *a, const void *b)
{
    const bl_item *x = a, *y = b;
    if (x->subject != y->subject)
        return x->subject < y->subject ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->ref < y->ref ? -1 : x->ref > y->ref;
}

static void emit(bl_list *out, const bl_listing *l)
{
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 64;
        out->l = xrealloc(out->l, out->cap * sizeof *out->l);
    }
    out->l[out->n++] = *l;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* The listings of one subject: items[a, b). */
static void subject(bl_rule rule, const bl_item *items, size_t a, size_t b, const bl_params *p, bl_list *out)
{
    bl_listing cur;
    bool listed = false;
    size_t lo = a;
    int64_t sum = 0;
    for (size_t i = a; i < b; i++) {
        int64_t t = items[i].t;
        if (p->window_months > 0) {
            /* the window is the 12 months up to and including t: items
             * after t minus 12 months */
            sum += items[i].weight;
            int64_t edge = cases_add_months(t, -p->window_months, p->tz);
            while (items[lo].t <= edge) {
                sum -= items[lo].weight;
                lo++;
            }
        } else {
            lo = i;
            sum = items[i].weight;
        }
        if (sum < p->threshold)
            continue;
        int64_t full = cases_add_months(t, p->months, p->tz);
        if (listed && t < cur.until) {
            /* a new trigger while listed: postpones the early removal */
            cur.last = t;
            cur.until = min64(cases_add_months(cur.from, p->months, p->tz),
                              cases_add_months(t, p->review_months, p->tz));
            cur.ev_hi = i + 1;
            continue;
        }
        if (listed)
            emit(out, &cur);
        memset(&cur, 0, sizeof cur);
        cur.rule = rule;
        cur.subject = items[i].subject;
        cur.from = cur.last = t;
        cur.until = min64(full, cases_add_months(t, p->review_months, p->tz));
        cur.ev_lo = lo;
        cur.ev_hi = i + 1;
        listed = true;
    }
    if (listed)
        emit(out, &cur);
}

void bl_compute(bl_rule rule, bl_item *items, size_t n, const bl_params *p, bl_list *out)
{
    if (n)
        qsort(items, n, sizeof *items, by_subject_time);
    size_t first = out->n;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && items[b].subject == items[a].subject)
            b++;
        subject(rule, items, a, b, p, out);
        a = b;
    }
    for (size_t k = first; k < out->n; k++) {
        bl_listing *l = &out->l[k];
        l->early = l->until < cases_add_months(l->from, p->months, p->tz);
        l->first = items[l->ev_lo].t;
        l->count = (uint32_t)(l->ev_hi - l->ev_lo);
        l->sum = 0;
        for (size_t i = l->ev_lo; i < l->ev_hi; i++)
            l->sum += items[i].weight;
    }
}

void bl_list_free(bl_list *l)
{
    free(l->l);
    memset(l, 0, sizeof *l);
}
